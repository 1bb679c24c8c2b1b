//! The help center's own words (not the articles'): English, Turkish, Polish and Persian.
//! A page in another locale (an article written in German, say) gets the closest catalog
//! by language, else English. `{n}` and `{q}` are filled in by the caller.

use porchlight_domain::kb::best_locale;

pub struct Ui {
    pub help_center: &'static str,
    pub skip_to_content: &'static str,
    pub search_label: &'static str,
    pub search_placeholder: &'static str,
    pub search_button: &'static str,
    pub language: &'static str,
    pub categories: &'static str,
    pub see_all: &'static str,
    pub no_articles: &'static str,
    pub results_for: &'static str,
    pub results_count: &'static str,
    pub no_results: &'static str,
    pub search_prompt: &'static str,
    pub was_helpful: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub thanks: &'static str,
    pub still_need_help: &'static str,
    pub submit_request: &'static str,
    pub updated: &'static str,
    pub page_of: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub go_home: &'static str,
    pub too_many_title: &'static str,
    pub too_many_text: &'static str,
    pub back_to_article: &'static str,
}

const EN: Ui = Ui {
    help_center: "Help center",
    skip_to_content: "Skip to content",
    search_label: "Search the help center",
    search_placeholder: "Search for answers",
    search_button: "Search",
    language: "Language",
    categories: "Categories",
    see_all: "See all articles ({n})",
    no_articles: "There are no articles here yet.",
    results_for: "Results for “{q}”",
    results_count: "Articles found: {n}",
    no_results: "No article matches your search. Try other words, or submit a request.",
    search_prompt: "Type a few words to search the articles.",
    was_helpful: "Was this article helpful?",
    yes: "Yes",
    no: "No",
    thanks: "Thank you for your feedback.",
    still_need_help: "Still need help?",
    submit_request: "Submit a request",
    updated: "Updated",
    page_of: "Page {n} of {m}",
    previous: "Previous",
    next: "Next",
    not_found_title: "Page not found",
    not_found_text: "We could not find this page. The address may be mistyped, or the page is no longer available.",
    go_home: "Go to the help center home page",
    too_many_title: "Too many answers",
    too_many_text: "We received too many answers from your network. Please try again later.",
    back_to_article: "Back to the article",
};

const TR: Ui = Ui {
    help_center: "Yardım merkezi",
    skip_to_content: "İçeriğe geç",
    search_label: "Yardım merkezinde ara",
    search_placeholder: "Yanıt arayın",
    search_button: "Ara",
    language: "Dil",
    categories: "Kategoriler",
    see_all: "Tüm makaleleri gör ({n})",
    no_articles: "Burada henüz makale yok.",
    results_for: "“{q}” için sonuçlar",
    results_count: "Bulunan makale: {n}",
    no_results: "Aramanızla eşleşen makale yok. Başka kelimeler deneyin ya da bir talep gönderin.",
    search_prompt: "Makalelerde aramak için birkaç kelime yazın.",
    was_helpful: "Bu makale yardımcı oldu mu?",
    yes: "Evet",
    no: "Hayır",
    thanks: "Geri bildiriminiz için teşekkür ederiz.",
    still_need_help: "Hâlâ yardıma mı ihtiyacınız var?",
    submit_request: "Talep gönderin",
    updated: "Güncellendi",
    page_of: "Sayfa {n} / {m}",
    previous: "Önceki",
    next: "Sonraki",
    not_found_title: "Sayfa bulunamadı",
    not_found_text:
        "Bu sayfayı bulamadık. Adres yanlış yazılmış olabilir ya da sayfa artık yayında değil.",
    go_home: "Yardım merkezi ana sayfasına git",
    too_many_title: "Çok fazla yanıt",
    too_many_text: "Ağınızdan çok fazla yanıt aldık. Lütfen daha sonra tekrar deneyin.",
    back_to_article: "Makaleye dön",
};

const PL: Ui = Ui {
    help_center: "Centrum pomocy",
    skip_to_content: "Przejdź do treści",
    search_label: "Przeszukaj centrum pomocy",
    search_placeholder: "Szukaj odpowiedzi",
    search_button: "Szukaj",
    language: "Język",
    categories: "Kategorie",
    see_all: "Zobacz wszystkie artykuły ({n})",
    no_articles: "Nie ma tu jeszcze artykułów.",
    results_for: "Wyniki dla „{q}”",
    results_count: "Znalezione artykuły: {n}",
    no_results:
        "Żaden artykuł nie pasuje do wyszukiwania. Spróbuj innych słów albo wyślij zgłoszenie.",
    search_prompt: "Wpisz kilka słów, aby przeszukać artykuły.",
    was_helpful: "Czy ten artykuł był pomocny?",
    yes: "Tak",
    no: "Nie",
    thanks: "Dziękujemy za opinię.",
    still_need_help: "Nadal potrzebujesz pomocy?",
    submit_request: "Wyślij zgłoszenie",
    updated: "Zaktualizowano",
    page_of: "Strona {n} z {m}",
    previous: "Poprzednia",
    next: "Następna",
    not_found_title: "Nie znaleziono strony",
    not_found_text:
        "Nie możemy znaleźć tej strony. Adres może zawierać błąd albo strona nie jest już dostępna.",
    go_home: "Przejdź do strony głównej centrum pomocy",
    too_many_title: "Zbyt wiele odpowiedzi",
    too_many_text: "Otrzymaliśmy zbyt wiele odpowiedzi z Twojej sieci. Spróbuj ponownie później.",
    back_to_article: "Wróć do artykułu",
};

const FA: Ui = Ui {
    help_center: "مرکز راهنمایی",
    skip_to_content: "رفتن به محتوا",
    search_label: "جست‌وجو در مرکز راهنمایی",
    search_placeholder: "پاسخ خود را جست‌وجو کنید",
    search_button: "جست‌وجو",
    language: "زبان",
    categories: "دسته‌بندی‌ها",
    see_all: "دیدن همهٔ مقاله‌ها ({n})",
    no_articles: "هنوز مقاله‌ای اینجا نیست.",
    results_for: "نتایج برای «{q}»",
    results_count: "مقاله‌های پیداشده: {n}",
    no_results:
        "هیچ مقاله‌ای با جست‌وجوی شما جور نیست. واژه‌های دیگری را امتحان کنید یا درخواست بفرستید.",
    search_prompt: "برای جست‌وجو در مقاله‌ها چند واژه بنویسید.",
    was_helpful: "آیا این مقاله مفید بود؟",
    yes: "بله",
    no: "خیر",
    thanks: "از بازخورد شما سپاسگزاریم.",
    still_need_help: "هنوز به کمک نیاز دارید؟",
    submit_request: "ارسال درخواست",
    updated: "به‌روزرسانی",
    page_of: "صفحهٔ {n} از {m}",
    previous: "قبلی",
    next: "بعدی",
    not_found_title: "صفحه پیدا نشد",
    not_found_text:
        "این صفحه را پیدا نکردیم. ممکن است نشانی اشتباه نوشته شده باشد یا صفحه دیگر در دسترس نباشد.",
    go_home: "رفتن به صفحهٔ اصلی مرکز راهنمایی",
    too_many_title: "پاسخ‌های بیش از حد",
    too_many_text: "پاسخ‌های زیادی از شبکهٔ شما دریافت کردیم. لطفاً بعداً دوباره تلاش کنید.",
    back_to_article: "بازگشت به مقاله",
};

const CATALOGS: [(&str, &Ui); 4] = [("en", &EN), ("tr", &TR), ("pl", &PL), ("fa", &FA)];

/// The locales the help center's own words exist in.
pub const UI_LOCALES: [&str; 4] = ["en", "tr", "pl", "fa"];

/// The catalog for a page in `locale`.
pub fn ui(locale: &str) -> &'static Ui {
    let hit = best_locale(locale, &UI_LOCALES).unwrap_or("en");
    CATALOGS
        .iter()
        .find(|(l, _)| *l == hit)
        .map(|(_, u)| *u)
        .unwrap_or(&EN)
}

/// A number as readers of `locale` write it (Persian digits for fa).
pub fn number(locale: &str, n: impl std::fmt::Display) -> String {
    let s = n.to_string();
    if ui(locale).help_center == FA.help_center {
        s.chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32(0x06F0 + d).unwrap_or(c),
                None => c,
            })
            .collect()
    } else {
        s
    }
}

/// The language's own name, for the language switcher.
pub fn language_name(locale: &str) -> &str {
    match locale {
        "en" => "English",
        "tr" => "Türkçe",
        "pl" => "Polski",
        "fa" => "فارسی",
        "de" => "Deutsch",
        "fr" => "Français",
        "es" => "Español",
        "ar" => "العربية",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogs_are_chosen_by_language() {
        assert_eq!(ui("fa-IR").yes, "بله");
        assert_eq!(ui("tr").yes, "Evet");
        assert_eq!(ui("pl").yes, "Tak");
        assert_eq!(ui("de").yes, "Yes");
        assert_eq!(number("fa", 120), "۱۲۰");
        assert_eq!(number("en", 120), "120");
    }
}
