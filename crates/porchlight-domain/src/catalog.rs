//! The words Porchlight shows outside the web view — the help center's and the portal's pages
//! on the server, the desktop's notification pop-ups and tray menu — in one catalog, in the
//! four languages the app speaks. Counted texts carry plural forms (`key#one`, `#few`,
//! `#many`; the plain key is the "other" form) chosen by each language's rules.

/// A language of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    En,
    Tr,
    Pl,
    Fa,
}

impl Locale {
    pub const ALL: [Locale; 4] = [Locale::En, Locale::Tr, Locale::Pl, Locale::Fa];

    pub fn parse(tag: &str) -> Option<Locale> {
        match tag {
            "en" => Some(Locale::En),
            "tr" => Some(Locale::Tr),
            "pl" => Some(Locale::Pl),
            "fa" => Some(Locale::Fa),
            _ => None,
        }
    }

    /// The catalog language closest to any BCP-47 tag (`fa-IR` → Persian), else English.
    pub fn closest(tag: &str) -> Locale {
        let tags = Locale::ALL.map(Locale::tag);
        crate::kb::best_locale(tag, &tags)
            .and_then(Locale::parse)
            .unwrap_or(Locale::En)
    }

    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Tr => "tr",
            Locale::Pl => "pl",
            Locale::Fa => "fa",
        }
    }

    pub fn dir(self) -> &'static str {
        if self == Locale::Fa {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// The best language for an `Accept-Language` header (quality values honoured, region
    /// subtags ignored), English when none matches.
    pub fn negotiate(accept: Option<&str>) -> Locale {
        let mut best = (0.0f32, Locale::En);
        for part in accept.unwrap_or("").split(',') {
            let mut bits = part.trim().split(';');
            let tag = bits.next().unwrap_or("").trim().to_ascii_lowercase();
            let primary = tag.split('-').next().unwrap_or("");
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q=").map(str::to_owned))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(l) = Locale::parse(primary) {
                if q > best.0 {
                    best = (q, l);
                }
            }
        }
        best.1
    }

    /// The text for `key` in this language. Keys are literals in the code; an unknown one is
    /// a programming error that the catalog tests catch.
    pub fn t(self, key: &str) -> &'static str {
        let row = CATALOG
            .iter()
            .find(|(k, _)| *k == key)
            .unwrap_or_else(|| panic!("the catalog has no key {key}"));
        row.1[self as usize]
    }

    /// The CLDR plural category of a whole number: "one", "few", "many" or "other".
    pub fn plural(self, n: u64) -> &'static str {
        match self {
            Locale::En | Locale::Tr if n == 1 => "one",
            Locale::Fa if n <= 1 => "one",
            Locale::Pl if n == 1 => "one",
            Locale::Pl if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) => "few",
            Locale::Pl => "many",
            _ => "other",
        }
    }

    /// A counted text: the plural form of `key` for `n`, with `{n}` written the language's
    /// way.
    pub fn count(self, key: &str, n: u64) -> String {
        let form = self.plural(n);
        let text = if form == "other" {
            self.t(key)
        } else {
            let variant = format!("{key}#{form}");
            match CATALOG.iter().find(|(k, _)| *k == variant) {
                Some(row) => row.1[self as usize],
                None => self.t(key),
            }
        };
        fill(text, &[("n", &self.number(n))])
    }

    /// A number as readers of this language write it (Persian digits for fa).
    pub fn number(self, n: impl std::fmt::Display) -> String {
        let s = n.to_string();
        if self != Locale::Fa {
            return s;
        }
        s.chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32(0x06F0 + d).unwrap_or(c),
                None => c,
            })
            .collect()
    }
}

/// Whether the catalog has `key`.
pub fn has_key(key: &str) -> bool {
    CATALOG.iter().any(|(k, _)| *k == key)
}

/// Checks that every catalog key `source` looks up as a literal (`t("…")`, `count("…")`)
/// exists, and returns how many it found: a missing key would otherwise only show when its
/// page is drawn. For tests.
pub fn keys_named_in(source: &str) -> usize {
    let mut named = 0;
    for call in ["t(\"", "count(\""] {
        for (i, _) in source.match_indices(call) {
            let rest = &source[i + call.len()..];
            let key = &rest[..rest.find('"').unwrap_or(rest.len())];
            if !["help.", "portal.", "notify.", "mail.", "menu.", "date."]
                .iter()
                .any(|p| key.starts_with(p))
            {
                continue;
            }
            assert!(has_key(key), "the catalog has no key {key}");
            named += 1;
        }
    }
    named
}

/// Replaces `{name}` placeholders.
pub fn fill(text: &str, args: &[(&str, &str)]) -> String {
    let mut out = text.to_owned();
    for (k, v) in args {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

type Row = (&'static str, [&'static str; 4]);

/// key → [en, tr, pl, fa]. `help.*`: the help center; `portal.*`: requests and tracking
/// pages; `date.*`: dates on those pages; `notify.*`: the desktop's pop-ups and tray menu;
/// `mail.*`: the e-mails Porchlight writes itself.
const CATALOG: &[Row] = &[
    ("help.help_center", ["Help center", "Yardım merkezi", "Centrum pomocy", "مرکز راهنمایی"]),
    (
        "help.skip_to_content",
        [
            "Skip to content",
            "İçeriğe geç",
            "Przejdź do treści",
            "رفتن به محتوا",
        ],
    ),
    (
        "help.search_label",
        [
            "Search the help center",
            "Yardım merkezinde ara",
            "Przeszukaj centrum pomocy",
            "جست‌وجو در مرکز راهنمایی",
        ],
    ),
    (
        "help.search_placeholder",
        [
            "Search for answers",
            "Yanıt arayın",
            "Szukaj odpowiedzi",
            "پاسخ خود را جست‌وجو کنید",
        ],
    ),
    ("help.search_button", ["Search", "Ara", "Szukaj", "جست‌وجو"]),
    ("help.language", ["Language", "Dil", "Język", "زبان"]),
    ("help.categories", ["Categories", "Kategoriler", "Kategorie", "دسته‌بندی‌ها"]),
    (
        "help.see_all",
        [
            "See all articles ({n})",
            "Tüm makaleleri gör ({n})",
            "Zobacz wszystkie artykuły ({n})",
            "دیدن همهٔ مقاله‌ها ({n})",
        ],
    ),
    (
        "help.other_languages",
        [
            "Articles in other languages:",
            "Diğer dillerdeki makaleler:",
            "Artykuły w innych językach:",
            "مقاله‌ها به زبان‌های دیگر:",
        ],
    ),
    (
        "help.no_articles",
        [
            "There are no articles here yet.",
            "Burada henüz makale yok.",
            "Nie ma tu jeszcze artykułów.",
            "هنوز مقاله‌ای اینجا نیست.",
        ],
    ),
    (
        "help.results_for",
        [
            "Results for “{q}”",
            "“{q}” için sonuçlar",
            "Wyniki dla „{q}”",
            "نتایج برای «{q}»",
        ],
    ),
    (
        "help.results_count",
        [
            "Articles found: {n}",
            "Bulunan makale: {n}",
            "Znalezione artykuły: {n}",
            "مقاله‌های پیداشده: {n}",
        ],
    ),
    (
        "help.no_results",
        [
            "No article matches your search. Try other words, or submit a request.",
            "Aramanızla eşleşen makale yok. Başka kelimeler deneyin ya da bir talep gönderin.",
            "Żaden artykuł nie pasuje do wyszukiwania. Spróbuj innych słów albo wyślij zgłoszenie.",
            "هیچ مقاله‌ای با جست‌وجوی شما جور نیست. واژه‌های دیگری را امتحان کنید یا درخواست بفرستید.",
        ],
    ),
    (
        "help.search_prompt",
        [
            "Type a few words to search the articles.",
            "Makalelerde aramak için birkaç kelime yazın.",
            "Wpisz kilka słów, aby przeszukać artykuły.",
            "برای جست‌وجو در مقاله‌ها چند واژه بنویسید.",
        ],
    ),
    (
        "help.was_helpful",
        [
            "Was this article helpful?",
            "Bu makale yardımcı oldu mu?",
            "Czy ten artykuł był pomocny?",
            "آیا این مقاله مفید بود؟",
        ],
    ),
    ("help.yes", ["Yes", "Evet", "Tak", "بله"]),
    ("help.no", ["No", "Hayır", "Nie", "خیر"]),
    (
        "help.thanks",
        [
            "Thank you for your feedback.",
            "Geri bildiriminiz için teşekkür ederiz.",
            "Dziękujemy za opinię.",
            "از بازخورد شما سپاسگزاریم.",
        ],
    ),
    (
        "help.still_need_help",
        [
            "Still need help?",
            "Hâlâ yardıma mı ihtiyacınız var?",
            "Nadal potrzebujesz pomocy?",
            "هنوز به کمک نیاز دارید؟",
        ],
    ),
    (
        "help.submit_request",
        [
            "Submit a request",
            "Talep gönderin",
            "Wyślij zgłoszenie",
            "ارسال درخواست",
        ],
    ),
    ("help.updated", ["Updated", "Güncellendi", "Zaktualizowano", "به‌روزرسانی"]),
    (
        "help.page_of",
        [
            "Page {n} of {m}",
            "Sayfa {n} / {m}",
            "Strona {n} z {m}",
            "صفحهٔ {n} از {m}",
        ],
    ),
    ("help.previous", ["Previous", "Önceki", "Poprzednia", "قبلی"]),
    ("help.next", ["Next", "Sonraki", "Następna", "بعدی"]),
    (
        "help.not_found_title",
        [
            "Page not found",
            "Sayfa bulunamadı",
            "Nie znaleziono strony",
            "صفحه پیدا نشد",
        ],
    ),
    (
        "help.not_found_text",
        [
            "We could not find this page. The address may be mistyped, or the page is no longer available.",
            "Bu sayfayı bulamadık. Adres yanlış yazılmış olabilir ya da sayfa artık yayında değil.",
            "Nie możemy znaleźć tej strony. Adres może zawierać błąd albo strona nie jest już dostępna.",
            "این صفحه را پیدا نکردیم. ممکن است نشانی اشتباه نوشته شده باشد یا صفحه دیگر در دسترس نباشد.",
        ],
    ),
    (
        "help.go_home",
        [
            "Go to the help center home page",
            "Yardım merkezi ana sayfasına git",
            "Przejdź do strony głównej centrum pomocy",
            "رفتن به صفحهٔ اصلی مرکز راهنمایی",
        ],
    ),
    (
        "help.too_many_title",
        [
            "Too many answers",
            "Çok fazla yanıt",
            "Zbyt wiele odpowiedzi",
            "پاسخ‌های بیش از حد",
        ],
    ),
    (
        "help.too_many_text",
        [
            "We received too many answers from your network. Please try again later.",
            "Ağınızdan çok fazla yanıt aldık. Lütfen daha sonra tekrar deneyin.",
            "Otrzymaliśmy zbyt wiele odpowiedzi z Twojej sieci. Spróbuj ponownie później.",
            "پاسخ‌های زیادی از شبکهٔ شما دریافت کردیم. لطفاً بعداً دوباره تلاش کنید.",
        ],
    ),
    (
        "help.back_to_article",
        [
            "Back to the article",
            "Makaleye dön",
            "Wróć do artykułu",
            "بازگشت به مقاله",
        ],
    ),
    (
        "help.home_description",
        [
            "Answers to common questions and step-by-step guides. Search the help center or send us a request.",
            "Sık sorulan soruların yanıtları ve adım adım rehberler. Yardım merkezinde arayın ya da bize talep gönderin.",
            "Odpowiedzi na częste pytania i instrukcje krok po kroku. Przeszukaj centrum pomocy lub wyślij nam zgłoszenie.",
            "پاسخ پرسش‌های رایج و راهنماهای گام‌به‌گام. در مرکز راهنمایی جست‌وجو کنید یا برای ما درخواست بفرستید.",
        ],
    ),
    // Dates (`dates.rs`): each language in its own calendar — Gregorian month names for
    // en/tr/pl (Polish in the genitive, as in a date), Solar Hijri month names for fa.
    ("date.long", ["{month} {day}, {year}", "{day} {month} {year}", "{day} {month} {year}", "{day} {month} {year}"]),
    ("date.date_time", ["{date}, {time} UTC", "{date} {time} UTC", "{date}, {time} UTC", "{date}، ساعت {time} (UTC)"]),
    ("date.month_1", ["January", "Ocak", "stycznia", "فروردین"]),
    ("date.month_2", ["February", "Şubat", "lutego", "اردیبهشت"]),
    ("date.month_3", ["March", "Mart", "marca", "خرداد"]),
    ("date.month_4", ["April", "Nisan", "kwietnia", "تیر"]),
    ("date.month_5", ["May", "Mayıs", "maja", "مرداد"]),
    ("date.month_6", ["June", "Haziran", "czerwca", "شهریور"]),
    ("date.month_7", ["July", "Temmuz", "lipca", "مهر"]),
    ("date.month_8", ["August", "Ağustos", "sierpnia", "آبان"]),
    ("date.month_9", ["September", "Eylül", "września", "آذر"]),
    ("date.month_10", ["October", "Ekim", "października", "دی"]),
    ("date.month_11", ["November", "Kasım", "listopada", "بهمن"]),
    ("date.month_12", ["December", "Aralık", "grudnia", "اسفند"]),
    (
        "portal.new_title",
        [
            "Submit a request",
            "Talep gönder",
            "Wyślij zgłoszenie",
            "ارسال درخواست",
        ],
    ),
    (
        "portal.new_intro",
        [
            "Tell us what you need and we will answer as soon as we can.",
            "Neye ihtiyacınız olduğunu yazın, en kısa sürede yanıtlayalım.",
            "Napisz, czego potrzebujesz, a odpowiemy najszybciej, jak to możliwe.",
            "بنویسید چه نیازی دارید تا در اولین فرصت پاسخ دهیم.",
        ],
    ),
    ("portal.name", ["Your name", "Adınız", "Imię i nazwisko", "نام شما"]),
    (
        "portal.email",
        [
            "Your e-mail address",
            "E-posta adresiniz",
            "Twój adres e-mail",
            "نشانی ایمیل شما",
        ],
    ),
    ("portal.subject", ["Subject", "Konu", "Temat", "موضوع"]),
    (
        "portal.message",
        [
            "How can we help?",
            "Size nasıl yardımcı olabiliriz?",
            "Jak możemy pomóc?",
            "چگونه می‌توانیم کمک کنیم؟",
        ],
    ),
    ("portal.attachments", ["Attachments", "Ekler", "Załączniki", "پیوست‌ها"]),
    (
        "portal.attachments_hint",
        [
            "Optional: up to {files} files, {per} MB each and {total} MB in all.",
            "İsteğe bağlı: en fazla {files} dosya, her biri {per} MB, toplam {total} MB.",
            "Opcjonalnie: do {files} plików, każdy do {per} MB, łącznie {total} MB.",
            "اختیاری: حداکثر {files} فایل، هر کدام {per} مگابایت و روی هم {total} مگابایت.",
        ],
    ),
    (
        "portal.honeypot",
        [
            "Leave this field empty",
            "Bu alanı boş bırakın",
            "Pozostaw to pole puste",
            "این فیلد را خالی بگذارید",
        ],
    ),
    (
        "portal.send_request",
        [
            "Send request",
            "Talebi gönder",
            "Wyślij zgłoszenie",
            "ارسال درخواست",
        ],
    ),
    (
        "portal.err_summary",
        [
            "Please correct the marked fields.",
            "Lütfen işaretli alanları düzeltin.",
            "Popraw zaznaczone pola.",
            "لطفاً فیلدهای مشخص‌شده را اصلاح کنید.",
        ],
    ),
    (
        "portal.err_required",
        [
            "Please fill in this field.",
            "Lütfen bu alanı doldurun.",
            "Wypełnij to pole.",
            "لطفاً این فیلد را پر کنید.",
        ],
    ),
    (
        "portal.err_too_long",
        [
            "This is too long: at most {max} characters.",
            "Bu çok uzun: en fazla {max} karakter olabilir.",
            "To jest za długie: najwyżej {max} znaków.",
            "این متن بیش از حد طولانی است: حداکثر {max} نویسه.",
        ],
    ),
    (
        "portal.err_email",
        [
            "Enter an e-mail address such as name@example.com.",
            "ad@example.com gibi bir e-posta adresi girin.",
            "Podaj adres e-mail, np. imie@example.com.",
            "یک نشانی ایمیل مانند name@example.com وارد کنید.",
        ],
    ),
    (
        "portal.err_file_too_large",
        [
            "{file} is {size} MB; each file can be at most {max} MB.",
            "{file} {size} MB; her dosya en fazla {max} MB olabilir.",
            "{file} ma {size} MB; każdy plik może mieć najwyżej {max} MB.",
            "حجم {file} برابر {size} مگابایت است؛ هر فایل حداکثر {max} مگابایت می‌تواند باشد.",
        ],
    ),
    (
        "portal.err_total_too_large",
        [
            "Your files add up to more than {max} MB; send fewer or smaller files.",
            "Dosyalarınız toplamda {max} MB'ı aşıyor; daha az ya da daha küçük dosya gönderin.",
            "Pliki razem przekraczają {max} MB; wyślij mniej lub mniejsze pliki.",
            "مجموع فایل‌ها بیش از {max} مگابایت است؛ فایل‌های کمتر یا کوچک‌تری بفرستید.",
        ],
    ),
    (
        "portal.err_too_many_files",
        [
            "Attach at most {max} files.",
            "En fazla {max} dosya ekleyin.",
            "Dołącz najwyżej {max} pliki.",
            "حداکثر {max} فایل پیوست کنید.",
        ],
    ),
    (
        "portal.err_choose_again",
        [
            "Your text is kept; please choose your files again.",
            "Yazdıklarınız korundu; lütfen dosyalarınızı yeniden seçin.",
            "Twój tekst został zachowany; wybierz pliki ponownie.",
            "متن شما حفظ شد؛ لطفاً فایل‌ها را دوباره انتخاب کنید.",
        ],
    ),
    (
        "portal.err_rate",
        [
            "You have sent several requests in a short time. Please try again in {minutes} minutes; your text is kept.",
            "Kısa sürede birkaç talep gönderdiniz. Lütfen {minutes} dakika sonra yeniden deneyin; yazdıklarınız korundu.",
            "Wysłano kilka zgłoszeń w krótkim czasie. Spróbuj ponownie za {minutes} min; Twój tekst został zachowany.",
            "در مدت کوتاهی چند درخواست فرستاده‌اید. لطفاً {minutes} دقیقه دیگر دوباره تلاش کنید؛ متن شما حفظ شد.",
        ],
    ),
    (
        "portal.err_unavailable",
        [
            "We could not save your message just now. Please try again in a moment; your text is kept.",
            "Mesajınızı şu anda kaydedemedik. Lütfen biraz sonra yeniden deneyin; yazdıklarınız korundu.",
            "Nie udało się teraz zapisać wiadomości. Spróbuj ponownie za chwilę; Twój tekst został zachowany.",
            "اکنون نتوانستیم پیام شما را ذخیره کنیم. لطفاً کمی بعد دوباره تلاش کنید؛ متن شما حفظ شد.",
        ],
    ),
    (
        "portal.err_closed",
        [
            "This request can no longer take replies.",
            "Bu talebe artık yanıt verilemez.",
            "Na to zgłoszenie nie można już odpowiadać.",
            "دیگر نمی‌توان به این درخواست پاسخ داد.",
        ],
    ),
    (
        "portal.done_title",
        [
            "Thank you: we received your request",
            "Teşekkürler: talebinizi aldık",
            "Dziękujemy: otrzymaliśmy Twoje zgłoszenie",
            "سپاس‌گزاریم: درخواست شما را دریافت کردیم",
        ],
    ),
    (
        "portal.done_link",
        [
            "Follow your request and reply at this private link. Keep it safe: anyone who has it can read and answer this conversation.",
            "Talebinizi bu özel bağlantıdan takip edip yanıtlayabilirsiniz. Saklayın: bağlantıya sahip herkes bu yazışmayı okuyup yanıtlayabilir.",
            "Śledź zgłoszenie i odpowiadaj pod tym prywatnym linkiem. Zachowaj go dla siebie: każdy, kto go ma, może czytać tę rozmowę i odpowiadać.",
            "درخواست خود را از این پیوند خصوصی دنبال کنید و پاسخ دهید. آن را محفوظ نگه دارید: هر کس این پیوند را داشته باشد می‌تواند این گفتگو را بخواند و پاسخ دهد.",
        ],
    ),
    ("portal.track_title", ["Your request", "Talebiniz", "Twoje zgłoszenie", "درخواست شما"]),
    ("portal.status", ["Status", "Durum", "Stan", "وضعیت"]),
    ("portal.status_new", ["Received", "Alındı", "Przyjęte", "دریافت شد"]),
    ("portal.status_open", ["In progress", "İşlemde", "W toku", "در حال بررسی"]),
    (
        "portal.status_pending",
        [
            "Waiting for your reply",
            "Yanıtınız bekleniyor",
            "Czeka na Twoją odpowiedź",
            "در انتظار پاسخ شما",
        ],
    ),
    ("portal.status_on_hold", ["In progress", "İşlemde", "W toku", "در حال بررسی"]),
    ("portal.status_solved", ["Solved", "Çözüldü", "Rozwiązane", "حل شد"]),
    ("portal.status_closed", ["Closed", "Kapatıldı", "Zamknięte", "بسته شد"]),
    ("portal.conversation", ["Conversation", "Yazışma", "Rozmowa", "گفتگو"]),
    ("portal.you", ["You", "Siz", "Ty", "شما"]),
    ("portal.add_reply", ["Add a reply", "Yanıt ekle", "Dodaj odpowiedź", "افزودن پاسخ"]),
    ("portal.reply", ["Your reply", "Yanıtınız", "Twoja odpowiedź", "پاسخ شما"]),
    ("portal.send_reply", ["Send reply", "Yanıtı gönder", "Wyślij odpowiedź", "ارسال پاسخ"]),
    (
        "portal.reply_reopens",
        [
            "Replying to a solved request opens it again.",
            "Çözülmüş bir talebe yanıt vermek onu yeniden açar.",
            "Odpowiedź na rozwiązane zgłoszenie otwiera je ponownie.",
            "پاسخ به درخواست حل‌شده آن را دوباره باز می‌کند.",
        ],
    ),
    (
        "portal.merged_notice",
        [
            "Our team joined this request with another one and continues there. Your messages stay here, and a reply you send here reaches the team.",
            "Ekibimiz bu talebi başka bir taleple birleştirdi ve orada devam ediyor. Mesajlarınız burada kalır; buradan göndereceğiniz yanıt ekibe ulaşır.",
            "Nasz zespół połączył to zgłoszenie z innym i kontynuuje tam. Twoje wiadomości zostają tutaj, a odpowiedź wysłana stąd dotrze do zespołu.",
            "تیم ما این درخواست را با درخواست دیگری یکی کرد و آنجا ادامه می‌دهد. پیام‌های شما اینجا می‌ماند و پاسخی که از اینجا بفرستید به تیم می‌رسد.",
        ],
    ),
    (
        "portal.not_found_title",
        [
            "Page not found",
            "Sayfa bulunamadı",
            "Nie znaleziono strony",
            "صفحه پیدا نشد",
        ],
    ),
    (
        "portal.not_found_text",
        [
            "There is nothing at this address. If someone gave you a link, check that it is complete.",
            "Bu adreste bir şey yok. Size bir bağlantı verildiyse eksiksiz olduğunu kontrol edin.",
            "Pod tym adresem nic nie ma. Jeśli otrzymałeś link, sprawdź, czy jest kompletny.",
            "در این نشانی چیزی نیست. اگر پیوندی به شما داده‌اند، کامل بودن آن را بررسی کنید.",
        ],
    ),
    (
        "mail.ack_subject",
        [
            "We received your request: {subject}",
            "Talebinizi aldık: {subject}",
            "Otrzymaliśmy Twoje zgłoszenie: {subject}",
            "درخواست شما را دریافت کردیم: {subject}",
        ],
    ),
    (
        "mail.ack_body",
        [
            "Hello {name},\n\nThank you for writing to us. Your request has the number {number}; we will answer as soon as we can. To add anything, simply reply to this e-mail.",
            "Merhaba {name},\n\nBize yazdığınız için teşekkürler. Talebinizin numarası {number}; en kısa sürede yanıt vereceğiz. Eklemek istediğiniz bir şey varsa bu e-postayı yanıtlamanız yeterli.",
            "Dzień dobry, {name},\n\ndziękujemy za wiadomość. Twoje zgłoszenie ma numer {number}; odpowiemy najszybciej, jak to możliwe. Aby coś dodać, po prostu odpowiedz na tę wiadomość.",
            "سلام {name}،\n\nاز اینکه برای ما نوشتید سپاسگزاریم. شمارهٔ درخواست شما {number} است؛ در اولین فرصت پاسخ می‌دهیم. برای افزودن هر چیزی کافی است به همین ایمیل پاسخ دهید.",
        ],
    ),
    (
        "mail.ack_track",
        [
            "You can follow your request and answer it here: {link}",
            "Talebinizi buradan takip edip yanıtlayabilirsiniz: {link}",
            "Możesz śledzić swoje zgłoszenie i odpowiadać na nie tutaj: {link}",
            "می‌توانید درخواست خود را از اینجا پیگیری کنید و به آن پاسخ دهید: {link}",
        ],
    ),
    (
        "mail.survey_subject",
        [
            "How did we do? {subject}",
            "Nasıl yardımcı olduk? {subject}",
            "Jak nam poszło? {subject}",
            "کار ما چطور بود؟ {subject}",
        ],
    ),
    (
        "mail.survey_body",
        [
            "Hello {name},\n\nYour request {number} is solved. How satisfied are you with our help? Reply to this e-mail with a number:\n\n3 – good\n2 – okay\n1 – bad\n\nA few words after the number are welcome. If something is still not right, simply write to us and we will look again.",
            "Merhaba {name},\n\n{number} numaralı talebiniz çözüldü. Yardımımızdan ne kadar memnunsunuz? Bu e-postayı bir sayıyla yanıtlayın:\n\n3 – iyi\n2 – idare eder\n1 – kötü\n\nSayının ardından birkaç kelime yazabilirsiniz. Hâlâ bir sorun varsa bize yazmanız yeterli, yeniden bakarız.",
            "Dzień dobry, {name},\n\nTwoje zgłoszenie {number} zostało rozwiązane. Jak oceniasz naszą pomoc? Odpowiedz na tę wiadomość liczbą:\n\n3 – dobrze\n2 – tak sobie\n1 – źle\n\nChętnie przeczytamy kilka słów po liczbie. Jeśli coś nadal nie działa, po prostu napisz, a przyjrzymy się temu ponownie.",
            "سلام {name}،\n\nدرخواست {number} شما حل شد. از کمک ما چقدر راضی هستید؟ با یک عدد به این ایمیل پاسخ دهید:\n\n۳ – خوب\n۲ – متوسط\n۱ – بد\n\nخوشحال می‌شویم پس از عدد چند کلمه هم بنویسید. اگر هنوز مشکلی هست، کافی است برای ما بنویسید تا دوباره بررسی کنیم.",
        ],
    ),
    (
        "mail.survey_ces_subject",
        [
            "Was it easy to get help? {subject}",
            "Yardım almak kolay mıydı? {subject}",
            "Czy łatwo było uzyskać pomoc? {subject}",
            "گرفتن کمک آسان بود؟ {subject}",
        ],
    ),
    (
        "mail.survey_ces_body",
        [
            "Hello {name},\n\nYour request {number} is solved. How easy was it to get the help you needed? Reply to this e-mail with a number from 1 (very hard) to 7 (very easy).\n\nA few words after the number are welcome.",
            "Merhaba {name},\n\n{number} numaralı talebiniz çözüldü. İhtiyacınız olan yardımı almak ne kadar kolaydı? Bu e-postayı 1 (çok zor) ile 7 (çok kolay) arasında bir sayıyla yanıtlayın.\n\nSayının ardından birkaç kelime yazabilirsiniz.",
            "Dzień dobry, {name},\n\nTwoje zgłoszenie {number} zostało rozwiązane. Jak łatwo było uzyskać potrzebną pomoc? Odpowiedz na tę wiadomość liczbą od 1 (bardzo trudno) do 7 (bardzo łatwo).\n\nChętnie przeczytamy kilka słów po liczbie.",
            "سلام {name}،\n\nدرخواست {number} شما حل شد. گرفتن کمکی که لازم داشتید چقدر آسان بود؟ با عددی از ۱ (خیلی سخت) تا ۷ (خیلی آسان) به این ایمیل پاسخ دهید.\n\nخوشحال می‌شویم پس از عدد چند کلمه هم بنویسید.",
        ],
    ),
    (
        "mail.survey_nps_subject",
        [
            "Would you recommend us?",
            "Bizi tavsiye eder misiniz?",
            "Czy poleciłbyś nas?",
            "ما را به دیگران پیشنهاد می‌کنید؟",
        ],
    ),
    (
        "mail.survey_nps_body",
        [
            "Hello {name},\n\nHow likely are you to recommend us to a friend or colleague? Reply to this e-mail with a number from 0 (not at all likely) to 10 (extremely likely).\n\nA few words after the number are welcome. We ask this at most once every few months.",
            "Merhaba {name},\n\nBizi bir arkadaşınıza veya iş arkadaşınıza tavsiye etme olasılığınız nedir? Bu e-postayı 0 (hiç olası değil) ile 10 (kesinlikle) arasında bir sayıyla yanıtlayın.\n\nSayının ardından birkaç kelime yazabilirsiniz. Bunu en fazla birkaç ayda bir soruyoruz.",
            "Dzień dobry, {name},\n\nJak bardzo prawdopodobne jest, że polecisz nas znajomemu lub współpracownikowi? Odpowiedz na tę wiadomość liczbą od 0 (wcale) do 10 (na pewno).\n\nChętnie przeczytamy kilka słów po liczbie. Pytamy o to najwyżej raz na kilka miesięcy.",
            "سلام {name}،\n\nچقدر احتمال دارد ما را به یک دوست یا همکار پیشنهاد کنید؟ با عددی از ۰ (اصلاً) تا ۱۰ (حتماً) به این ایمیل پاسخ دهید.\n\nخوشحال می‌شویم پس از عدد چند کلمه هم بنویسید. این را حداکثر هر چند ماه یک بار می‌پرسیم.",
        ],
    ),
    (
        "mail.survey_link",
        [
            "You can also answer here: {link}",
            "Buradan da yanıtlayabilirsiniz: {link}",
            "Możesz też odpowiedzieć tutaj: {link}",
            "می‌توانید از اینجا هم پاسخ دهید: {link}",
        ],
    ),
    (
        "survey.title",
        [
            "How did we do?",
            "Nasıl yardımcı olduk?",
            "Jak nam poszło?",
            "کار ما چطور بود؟",
        ],
    ),
    (
        "survey.question_csat",
        [
            "How satisfied are you with our help?",
            "Yardımımızdan ne kadar memnunsunuz?",
            "Jak oceniasz naszą pomoc?",
            "از کمک ما چقدر راضی هستید؟",
        ],
    ),
    (
        "survey.question_ces",
        [
            "How easy was it to get your request solved?",
            "Talebinizi çözdürmek ne kadar kolaydı?",
            "Jak łatwo było załatwić Twoją sprawę?",
            "حل شدن درخواست‌تان چقدر آسان بود؟",
        ],
    ),
    (
        "survey.question_nps",
        [
            "How likely are you to recommend us to a friend or colleague?",
            "Bizi bir arkadaşınıza veya iş arkadaşınıza önerme olasılığınız nedir?",
            "Jak prawdopodobne jest, że polecisz nas znajomemu?",
            "چقدر احتمال دارد ما را به یک دوست یا همکار پیشنهاد کنید؟",
        ],
    ),
    (
        "survey.csat_3",
        [
            "Good",
            "İyi",
            "Dobrze",
            "خوب",
        ],
    ),
    (
        "survey.csat_2",
        [
            "Okay",
            "İdare eder",
            "Tak sobie",
            "متوسط",
        ],
    ),
    (
        "survey.csat_1",
        [
            "Bad",
            "Kötü",
            "Źle",
            "بد",
        ],
    ),
    (
        "survey.ces_low",
        [
            "Very hard",
            "Çok zor",
            "Bardzo trudno",
            "بسیار دشوار",
        ],
    ),
    (
        "survey.ces_high",
        [
            "Very easy",
            "Çok kolay",
            "Bardzo łatwo",
            "بسیار آسان",
        ],
    ),
    (
        "survey.nps_low",
        [
            "Not at all likely",
            "Hiç olası değil",
            "Zupełnie nieprawdopodobne",
            "اصلاً محتمل نیست",
        ],
    ),
    (
        "survey.nps_high",
        [
            "Extremely likely",
            "Çok olası",
            "Bardzo prawdopodobne",
            "بسیار محتمل",
        ],
    ),
    (
        "survey.about",
        [
            "About your request {subject}",
            "{subject} talebiniz hakkında",
            "Dotyczy zgłoszenia {subject}",
            "دربارهٔ درخواست {subject}",
        ],
    ),
    (
        "survey.comment",
        [
            "Anything you would like to add? (optional)",
            "Eklemek istediğiniz bir şey var mı? (isteğe bağlı)",
            "Chcesz coś dodać? (opcjonalnie)",
            "چیزی می‌خواهید اضافه کنید؟ (اختیاری)",
        ],
    ),
    (
        "survey.send",
        [
            "Send my answer",
            "Yanıtımı gönder",
            "Wyślij odpowiedź",
            "ارسال پاسخ",
        ],
    ),
    (
        "survey.thanks",
        [
            "Thank you! We have your answer.",
            "Teşekkürler! Yanıtınızı aldık.",
            "Dziękujemy! Mamy Twoją odpowiedź.",
            "سپاسگزاریم! پاسخ شما را دریافت کردیم.",
        ],
    ),
    (
        "survey.answered",
        [
            "Your answer: {answer}. You can change it here at any time.",
            "Yanıtınız: {answer}. Buradan istediğiniz zaman değiştirebilirsiniz.",
            "Twoja odpowiedź: {answer}. Możesz ją tu zmienić w każdej chwili.",
            "پاسخ شما: {answer}. هر زمان بخواهید می‌توانید آن را اینجا تغییر دهید.",
        ],
    ),
    (
        "survey.err_score",
        [
            "Choose an answer first.",
            "Önce bir yanıt seçin.",
            "Najpierw wybierz odpowiedź.",
            "ابتدا یک پاسخ انتخاب کنید.",
        ],
    ),
    (
        "survey.err_comment",
        [
            "The comment is too long: at most {max} characters.",
            "Yorum çok uzun: en fazla {max} karakter.",
            "Komentarz jest za długi: najwyżej {max} znaków.",
            "نظر خیلی طولانی است: حداکثر {max} نویسه.",
        ],
    ),
    (
        "survey.invite",
        [
            "Your request is solved. Tell us how it went:",
            "Talebiniz çözüldü. Nasıl geçtiğini bize anlatın:",
            "Twoje zgłoszenie zostało rozwiązane. Powiedz nam, jak poszło:",
            "درخواست شما حل شد. به ما بگویید چطور بود:",
        ],
    ),
    (
        "notify.assigned",
        [
            "Assigned to you",
            "Size atandı",
            "Przypisano do Ciebie",
            "به شما واگذار شد",
        ],
    ),
    ("menu.file", ["File", "Dosya", "Plik", "پرونده"]),
    ("menu.edit", ["Edit", "Düzen", "Edycja", "ویرایش"]),
    ("menu.view", ["View", "Görünüm", "Widok", "نما"]),
    ("menu.window", ["Window", "Pencere", "Okno", "پنجره"]),
    ("menu.help", ["Help", "Yardım", "Pomoc", "راهنما"]),
    ("menu.new_ticket", ["New ticket", "Yeni talep", "Nowe zgłoszenie", "تیکت جدید"]),
    ("menu.back_up", ["Back up now", "Şimdi yedekle", "Utwórz kopię teraz", "اکنون پشتیبان بگیر"]),
    ("menu.export", ["Export all data…", "Tüm verileri dışa aktar…", "Eksportuj wszystkie dane…", "برون‌بری همهٔ داده‌ها…"]),
    ("menu.settings", ["Settings…", "Ayarlar…", "Ustawienia…", "تنظیمات…"]),
    ("menu.quit", ["Quit Porchlight", "Porchlight'tan çık", "Zakończ Porchlight", "خروج از Porchlight"]),
    ("menu.undo", ["Undo", "Geri al", "Cofnij", "واگرد"]),
    ("menu.redo", ["Redo", "Yinele", "Ponów", "ازنو"]),
    ("menu.cut", ["Cut", "Kes", "Wytnij", "برش"]),
    ("menu.copy", ["Copy", "Kopyala", "Kopiuj", "رونوشت"]),
    ("menu.paste", ["Paste", "Yapıştır", "Wklej", "چسباندن"]),
    ("menu.select_all", ["Select all", "Tümünü seç", "Zaznacz wszystko", "انتخاب همه"]),
    ("menu.tickets", ["Tickets", "Talepler", "Zgłoszenia", "تیکت‌ها"]),
    ("menu.kb", ["Knowledge base", "Bilgi bankası", "Baza wiedzy", "پایگاه دانش"]),
    ("menu.reports", ["Reports", "Raporlar", "Raporty", "گزارش‌ها"]),
    ("menu.automation", ["Automation", "Otomasyon", "Automatyzacja", "خودکارسازی"]),
    ("menu.palette", ["Command palette…", "Komut paleti…", "Paleta poleceń…", "پالت فرمان…"]),
    ("menu.fullscreen", ["Full screen", "Tam ekran", "Pełny ekran", "تمام‌صفحه"]),
    ("menu.minimize", ["Minimize", "Simge durumuna küçült", "Minimalizuj", "کوچک کردن"]),
    ("menu.maximize", ["Zoom", "Yakınlaştır", "Powiększ", "بزرگ کردن"]),
    ("menu.close_window", ["Close window", "Pencereyi kapat", "Zamknij okno", "بستن پنجره"]),
    ("menu.shortcuts", ["Keyboard shortcuts", "Klavye kısayolları", "Skróty klawiszowe", "میان‌برهای صفحه‌کلید"]),
    ("menu.data_folder", ["Open data folder", "Veri klasörünü aç", "Otwórz folder danych", "باز کردن پوشهٔ داده‌ها"]),
    ("menu.help_center", ["Team's help center", "Ekibin yardım merkezi", "Centrum pomocy zespołu", "مرکز راهنمایی تیم"]),
    ("menu.about", ["About Porchlight", "Porchlight hakkında", "O programie Porchlight", "دربارهٔ Porchlight"]),
    ("menu.about_text", ["The offline-first helpdesk.", "Çevrimdışı da çalışan yardım masası.", "Helpdesk, który działa także offline.", "میز پشتیبانی که بدون شبکه هم کار می‌کند."]),
    ("notify.by", ["by", "Atayan:", "Przypisał(a):", "توسط"]),
    (
        "notify.customer_reply",
        [
            "Customer replied",
            "Müşteri yanıtladı",
            "Klient odpowiedział",
            "پاسخ مشتری",
        ],
    ),
    (
        "notify.new_ticket",
        [
            "New ticket in {group}",
            "{group} grubunda yeni talep",
            "Nowe zgłoszenie w grupie {group}",
            "تیکت تازه در {group}",
        ],
    ),
    (
        "notify.mention",
        [
            "{name} mentioned you",
            "{name} sizden bahsetti",
            "{name} wspomniał(a) o Tobie",
            "{name} از شما نام برد",
        ],
    ),
    (
        "notify.many_assigned",
        [
            "{n} tickets assigned to you",
            "{n} talep size atandı",
            "Przypisano do Ciebie {n} zgłoszeń",
            "{n} تیکت به شما واگذار شد",
        ],
    ),
    (
        "notify.many_assigned#one",
        [
            "{n} ticket assigned to you",
            "{n} talep size atandı",
            "Przypisano do Ciebie {n} zgłoszenie",
            "{n} تیکت به شما واگذار شد",
        ],
    ),
    (
        "notify.many_assigned#few",
        [
            "{n} tickets assigned to you",
            "{n} talep size atandı",
            "Przypisano do Ciebie {n} zgłoszenia",
            "{n} تیکت به شما واگذار شد",
        ],
    ),
    (
        "notify.many_assigned#many",
        [
            "{n} tickets assigned to you",
            "{n} talep size atandı",
            "Przypisano do Ciebie {n} zgłoszeń",
            "{n} تیکت به شما واگذار شد",
        ],
    ),
    (
        "notify.many_replies",
        [
            "{n} new customer replies",
            "{n} yeni müşteri yanıtı",
            "{n} nowych odpowiedzi klientów",
            "{n} پاسخ تازه از مشتریان",
        ],
    ),
    (
        "notify.many_replies#one",
        [
            "{n} new customer reply",
            "{n} yeni müşteri yanıtı",
            "{n} nowa odpowiedź klienta",
            "{n} پاسخ تازه از مشتریان",
        ],
    ),
    (
        "notify.many_replies#few",
        [
            "{n} new customer replies",
            "{n} yeni müşteri yanıtı",
            "{n} nowe odpowiedzi klientów",
            "{n} پاسخ تازه از مشتریان",
        ],
    ),
    (
        "notify.many_replies#many",
        [
            "{n} new customer replies",
            "{n} yeni müşteri yanıtı",
            "{n} nowych odpowiedzi klientów",
            "{n} پاسخ تازه از مشتریان",
        ],
    ),
    (
        "notify.many_new",
        [
            "{n} new tickets",
            "{n} yeni talep",
            "{n} nowych zgłoszeń",
            "{n} تیکت تازه",
        ],
    ),
    (
        "notify.many_new#one",
        [
            "{n} new ticket",
            "{n} yeni talep",
            "{n} nowe zgłoszenie",
            "{n} تیکت تازه",
        ],
    ),
    (
        "notify.many_new#few",
        [
            "{n} new tickets",
            "{n} yeni talep",
            "{n} nowe zgłoszenia",
            "{n} تیکت تازه",
        ],
    ),
    (
        "notify.many_new#many",
        [
            "{n} new tickets",
            "{n} yeni talep",
            "{n} nowych zgłoszeń",
            "{n} تیکت تازه",
        ],
    ),
    (
        "notify.many_new_in",
        [
            "{n} new tickets in {group}",
            "{group} grubunda {n} yeni talep",
            "{n} nowych zgłoszeń w grupie {group}",
            "{n} تیکت تازه در {group}",
        ],
    ),
    (
        "notify.many_new_in#one",
        [
            "{n} new ticket in {group}",
            "{group} grubunda {n} yeni talep",
            "{n} nowe zgłoszenie w grupie {group}",
            "{n} تیکت تازه در {group}",
        ],
    ),
    (
        "notify.many_new_in#few",
        [
            "{n} new tickets in {group}",
            "{group} grubunda {n} yeni talep",
            "{n} nowe zgłoszenia w grupie {group}",
            "{n} تیکت تازه در {group}",
        ],
    ),
    (
        "notify.many_new_in#many",
        [
            "{n} new tickets in {group}",
            "{group} grubunda {n} yeni talep",
            "{n} nowych zgłoszeń w grupie {group}",
            "{n} تیکت تازه در {group}",
        ],
    ),
    (
        "notify.many_mentions",
        [
            "{n} notes mention you",
            "{n} notta sizden bahsedildi",
            "{n} wzmianek o Tobie",
            "{n} یادداشت از شما نام برد",
        ],
    ),
    (
        "notify.many_mentions#one",
        [
            "{n} note mentions you",
            "{n} notta sizden bahsedildi",
            "{n} wzmianka o Tobie",
            "{n} یادداشت از شما نام برد",
        ],
    ),
    (
        "notify.many_mentions#few",
        [
            "{n} notes mention you",
            "{n} notta sizden bahsedildi",
            "{n} wzmianki o Tobie",
            "{n} یادداشت از شما نام برد",
        ],
    ),
    (
        "notify.many_mentions#many",
        [
            "{n} notes mention you",
            "{n} notta sizden bahsedildi",
            "{n} wzmianek o Tobie",
            "{n} یادداشت از شما نام برد",
        ],
    ),
    (
        "notify.many_other",
        [
            "{n} new notifications",
            "{n} yeni bildirim",
            "{n} nowych powiadomień",
            "{n} اعلان تازه",
        ],
    ),
    (
        "notify.many_other#one",
        [
            "{n} new notification",
            "{n} yeni bildirim",
            "{n} nowe powiadomienie",
            "{n} اعلان تازه",
        ],
    ),
    (
        "notify.many_other#few",
        [
            "{n} new notifications",
            "{n} yeni bildirim",
            "{n} nowe powiadomienia",
            "{n} اعلان تازه",
        ],
    ),
    (
        "notify.many_other#many",
        [
            "{n} new notifications",
            "{n} yeni bildirim",
            "{n} nowych powiadomień",
            "{n} اعلان تازه",
        ],
    ),
    (
        "notify.sla_warning",
        [
            "SLA deadline soon",
            "SLA son tarihi yaklaşıyor",
            "Termin SLA się zbliża",
            "مهلت SLA نزدیک است",
        ],
    ),
    (
        "notify.sla_breach",
        [
            "SLA deadline missed",
            "SLA son tarihi kaçırıldı",
            "Termin SLA przekroczony",
            "مهلت SLA گذشت",
        ],
    ),
    (
        "notify.many_sla_warning",
        [
            "{n} tickets near their SLA deadline",
            "{n} talebin SLA son tarihi yaklaşıyor",
            "Zbliża się termin SLA {n} zgłoszeń",
            "مهلت SLA برای {n} تیکت نزدیک است",
        ],
    ),
    (
        "notify.many_sla_warning#one",
        [
            "{n} ticket near its SLA deadline",
            "{n} talebin SLA son tarihi yaklaşıyor",
            "Zbliża się termin SLA {n} zgłoszenia",
            "مهلت SLA برای {n} تیکت نزدیک است",
        ],
    ),
    (
        "notify.many_sla_warning#few",
        [
            "{n} tickets near their SLA deadline",
            "{n} talebin SLA son tarihi yaklaşıyor",
            "Zbliża się termin SLA {n} zgłoszeń",
            "مهلت SLA برای {n} تیکت نزدیک است",
        ],
    ),
    (
        "notify.many_sla_warning#many",
        [
            "{n} tickets near their SLA deadline",
            "{n} talebin SLA son tarihi yaklaşıyor",
            "Zbliża się termin SLA {n} zgłoszeń",
            "مهلت SLA برای {n} تیکت نزدیک است",
        ],
    ),
    (
        "notify.many_sla_breach",
        [
            "{n} tickets missed their SLA deadline",
            "{n} talebin SLA son tarihi kaçırıldı",
            "Przekroczony termin SLA {n} zgłoszeń",
            "مهلت SLA برای {n} تیکت گذشت",
        ],
    ),
    (
        "notify.many_sla_breach#one",
        [
            "{n} ticket missed its SLA deadline",
            "{n} talebin SLA son tarihi kaçırıldı",
            "Przekroczony termin SLA {n} zgłoszenia",
            "مهلت SLA برای {n} تیکت گذشت",
        ],
    ),
    (
        "notify.many_sla_breach#few",
        [
            "{n} tickets missed their SLA deadline",
            "{n} talebin SLA son tarihi kaçırıldı",
            "Przekroczony termin SLA {n} zgłoszeń",
            "مهلت SLA برای {n} تیکت گذشت",
        ],
    ),
    (
        "notify.many_sla_breach#many",
        [
            "{n} tickets missed their SLA deadline",
            "{n} talebin SLA son tarihi kaçırıldı",
            "Przekroczony termin SLA {n} zgłoszeń",
            "مهلت SLA برای {n} تیکت گذشت",
        ],
    ),
    (
        "notify.tray_unread",
        [
            "{n} unread",
            "{n} okunmamış",
            "Nieprzeczytane: {n}",
            "{n} خوانده‌نشده",
        ],
    ),
    (
        "notify.tray_none",
        [
            "No unread notifications",
            "Okunmamış bildirim yok",
            "Brak nieprzeczytanych powiadomień",
            "اعلان خوانده‌نشده‌ای نیست",
        ],
    ),
    (
        "notify.tray_open",
        [
            "Open Porchlight",
            "Porchlight'ı aç",
            "Otwórz Porchlight",
            "باز کردن Porchlight",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn holes(s: &str) -> Vec<String> {
        let mut h: Vec<String> = s
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned()))
            .collect();
        h.sort();
        h
    }

    #[test]
    fn every_key_is_translated_and_keeps_its_placeholders() {
        for (key, texts) in CATALOG {
            let base = key.split('#').next().unwrap_or(key);
            let base_row = CATALOG.iter().find(|(k, _)| *k == base);
            assert!(base_row.is_some(), "{key} has no base form");
            for t in texts {
                assert!(!t.trim().is_empty(), "{key} is empty");
                assert_eq!(holes(t), holes(texts[0]), "{key}: {t}");
            }
        }
        let keys: std::collections::BTreeSet<_> = CATALOG.iter().map(|r| r.0).collect();
        assert_eq!(keys.len(), CATALOG.len(), "a key appears twice");
    }

    #[test]
    fn a_counted_text_has_every_form_any_language_uses() {
        let counted: Vec<&str> = CATALOG
            .iter()
            .filter_map(|(k, _)| k.split_once('#').map(|(b, _)| b))
            .collect();
        assert!(!counted.is_empty());
        for base in counted {
            for form in ["one", "few", "many"] {
                let key = format!("{base}#{form}");
                assert!(CATALOG.iter().any(|(k, _)| *k == key), "{key} is missing");
            }
        }
    }

    #[test]
    fn counts_take_each_language_s_plural_forms_and_digits() {
        let pl: Vec<String> = [1, 2, 4, 5, 12, 22, 25]
            .into_iter()
            .map(|n| Locale::Pl.count("notify.many_new", n))
            .collect();
        assert_eq!(
            pl,
            [
                "1 nowe zgłoszenie",
                "2 nowe zgłoszenia",
                "4 nowe zgłoszenia",
                "5 nowych zgłoszeń",
                "12 nowych zgłoszeń",
                "22 nowe zgłoszenia",
                "25 nowych zgłoszeń"
            ]
        );
        assert_eq!(Locale::En.count("notify.many_new", 1), "1 new ticket");
        assert_eq!(Locale::En.count("notify.many_new", 4), "4 new tickets");
        assert_eq!(Locale::Fa.count("notify.many_new", 12), "۱۲ تیکت تازه");
    }

    #[test]
    fn languages_are_chosen_by_tag_and_by_header() {
        assert_eq!(Locale::closest("fa-IR"), Locale::Fa);
        assert_eq!(Locale::closest("pl"), Locale::Pl);
        assert_eq!(Locale::closest("de"), Locale::En);
        assert_eq!(
            Locale::negotiate(Some("fa-IR,fa;q=0.9,en;q=0.8")),
            Locale::Fa
        );
        assert_eq!(
            Locale::negotiate(Some("de-DE, pl;q=0.4, tr;q=0.7")),
            Locale::Tr
        );
        assert_eq!(Locale::negotiate(Some("de, fr")), Locale::En);
        assert_eq!(Locale::negotiate(None), Locale::En);
    }

    #[test]
    fn every_key_the_pop_ups_name_exists() {
        assert!(keys_named_in(include_str!("notify.rs")) > 10);
    }
}
