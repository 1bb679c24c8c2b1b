//! The portal's words in each help-center language (en, tr, pl, fa). A small catalog of its
//! own: every key exists in every language (a test checks), and `{name}` placeholders are
//! filled by [`fill`].

/// A language the portal speaks.
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

    /// The text for `key` in this language.
    pub fn t(self, key: &str) -> &'static str {
        let row = CATALOG
            .iter()
            .find(|(k, _)| *k == key)
            .unwrap_or_else(|| panic!("the portal catalog has no key {key}"));
        row.1[self as usize]
    }
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

/// key → [en, tr, pl, fa]
const CATALOG: &[Row] = &[
    ("help_center", ["Help center", "Yardım merkezi", "Centrum pomocy", "مرکز راهنما"]),
    ("new_title", ["Submit a request", "Talep gönder", "Wyślij zgłoszenie", "ارسال درخواست"]),
    (
        "new_intro",
        [
            "Tell us what you need and we will answer as soon as we can.",
            "Neye ihtiyacınız olduğunu yazın, en kısa sürede yanıtlayalım.",
            "Napisz, czego potrzebujesz, a odpowiemy najszybciej, jak to możliwe.",
            "بنویسید چه نیازی دارید تا در اولین فرصت پاسخ دهیم.",
        ],
    ),
    ("name", ["Your name", "Adınız", "Imię i nazwisko", "نام شما"]),
    ("email", ["Your e-mail address", "E-posta adresiniz", "Twój adres e-mail", "نشانی ایمیل شما"]),
    ("subject", ["Subject", "Konu", "Temat", "موضوع"]),
    ("message", ["How can we help?", "Size nasıl yardımcı olabiliriz?", "Jak możemy pomóc?", "چگونه می‌توانیم کمک کنیم؟"]),
    ("attachments", ["Attachments", "Ekler", "Załączniki", "پیوست‌ها"]),
    (
        "attachments_hint",
        [
            "Optional: up to {files} files, {per} MB each and {total} MB in all.",
            "İsteğe bağlı: en fazla {files} dosya, her biri {per} MB, toplam {total} MB.",
            "Opcjonalnie: do {files} plików, każdy do {per} MB, łącznie {total} MB.",
            "اختیاری: حداکثر {files} فایل، هر کدام {per} مگابایت و روی هم {total} مگابایت.",
        ],
    ),
    (
        "honeypot",
        [
            "Leave this field empty",
            "Bu alanı boş bırakın",
            "Pozostaw to pole puste",
            "این فیلد را خالی بگذارید",
        ],
    ),
    ("send_request", ["Send request", "Talebi gönder", "Wyślij zgłoszenie", "ارسال درخواست"]),
    (
        "err_summary",
        [
            "Please correct the marked fields.",
            "Lütfen işaretli alanları düzeltin.",
            "Popraw zaznaczone pola.",
            "لطفاً فیلدهای مشخص‌شده را اصلاح کنید.",
        ],
    ),
    (
        "err_required",
        [
            "Please fill in this field.",
            "Lütfen bu alanı doldurun.",
            "Wypełnij to pole.",
            "لطفاً این فیلد را پر کنید.",
        ],
    ),
    (
        "err_too_long",
        [
            "This is too long: at most {max} characters.",
            "Bu çok uzun: en fazla {max} karakter olabilir.",
            "To jest za długie: najwyżej {max} znaków.",
            "این متن بیش از حد طولانی است: حداکثر {max} نویسه.",
        ],
    ),
    (
        "err_email",
        [
            "Enter an e-mail address such as name@example.com.",
            "ad@example.com gibi bir e-posta adresi girin.",
            "Podaj adres e-mail, np. imie@example.com.",
            "یک نشانی ایمیل مانند name@example.com وارد کنید.",
        ],
    ),
    (
        "err_file_too_large",
        [
            "{file} is {size} MB; each file can be at most {max} MB.",
            "{file} {size} MB; her dosya en fazla {max} MB olabilir.",
            "{file} ma {size} MB; każdy plik może mieć najwyżej {max} MB.",
            "حجم {file} برابر {size} مگابایت است؛ هر فایل حداکثر {max} مگابایت می‌تواند باشد.",
        ],
    ),
    (
        "err_total_too_large",
        [
            "Your files add up to more than {max} MB; send fewer or smaller files.",
            "Dosyalarınız toplamda {max} MB'ı aşıyor; daha az ya da daha küçük dosya gönderin.",
            "Pliki razem przekraczają {max} MB; wyślij mniej lub mniejsze pliki.",
            "مجموع فایل‌ها بیش از {max} مگابایت است؛ فایل‌های کمتر یا کوچک‌تری بفرستید.",
        ],
    ),
    (
        "err_too_many_files",
        [
            "Attach at most {max} files.",
            "En fazla {max} dosya ekleyin.",
            "Dołącz najwyżej {max} pliki.",
            "حداکثر {max} فایل پیوست کنید.",
        ],
    ),
    (
        "err_choose_again",
        [
            "Your text is kept; please choose your files again.",
            "Yazdıklarınız korundu; lütfen dosyalarınızı yeniden seçin.",
            "Twój tekst został zachowany; wybierz pliki ponownie.",
            "متن شما حفظ شد؛ لطفاً فایل‌ها را دوباره انتخاب کنید.",
        ],
    ),
    (
        "err_rate",
        [
            "You have sent several requests in a short time. Please try again in {minutes} minutes; your text is kept.",
            "Kısa sürede birkaç talep gönderdiniz. Lütfen {minutes} dakika sonra yeniden deneyin; yazdıklarınız korundu.",
            "Wysłano kilka zgłoszeń w krótkim czasie. Spróbuj ponownie za {minutes} min; Twój tekst został zachowany.",
            "در مدت کوتاهی چند درخواست فرستاده‌اید. لطفاً {minutes} دقیقه دیگر دوباره تلاش کنید؛ متن شما حفظ شد.",
        ],
    ),
    (
        "err_unavailable",
        [
            "We could not save your message just now. Please try again in a moment; your text is kept.",
            "Mesajınızı şu anda kaydedemedik. Lütfen biraz sonra yeniden deneyin; yazdıklarınız korundu.",
            "Nie udało się teraz zapisać wiadomości. Spróbuj ponownie za chwilę; Twój tekst został zachowany.",
            "اکنون نتوانستیم پیام شما را ذخیره کنیم. لطفاً کمی بعد دوباره تلاش کنید؛ متن شما حفظ شد.",
        ],
    ),
    (
        "err_closed",
        [
            "This request can no longer take replies.",
            "Bu talebe artık yanıt verilemez.",
            "Na to zgłoszenie nie można już odpowiadać.",
            "دیگر نمی‌توان به این درخواست پاسخ داد.",
        ],
    ),
    (
        "done_title",
        [
            "Thank you: we received your request",
            "Teşekkürler: talebinizi aldık",
            "Dziękujemy: otrzymaliśmy Twoje zgłoszenie",
            "سپاس‌گزاریم: درخواست شما را دریافت کردیم",
        ],
    ),
    (
        "done_link",
        [
            "Follow your request and reply at this private link. Keep it safe: anyone who has it can read and answer this conversation.",
            "Talebinizi bu özel bağlantıdan takip edip yanıtlayabilirsiniz. Saklayın: bağlantıya sahip herkes bu yazışmayı okuyup yanıtlayabilir.",
            "Śledź zgłoszenie i odpowiadaj pod tym prywatnym linkiem. Zachowaj go dla siebie: każdy, kto go ma, może czytać tę rozmowę i odpowiadać.",
            "درخواست خود را از این پیوند خصوصی دنبال کنید و پاسخ دهید. آن را محفوظ نگه دارید: هر کس این پیوند را داشته باشد می‌تواند این گفتگو را بخواند و پاسخ دهد.",
        ],
    ),
    ("track_title", ["Your request", "Talebiniz", "Twoje zgłoszenie", "درخواست شما"]),
    ("status", ["Status", "Durum", "Stan", "وضعیت"]),
    ("status_new", ["Received", "Alındı", "Przyjęte", "دریافت شد"]),
    ("status_open", ["In progress", "İşlemde", "W toku", "در حال بررسی"]),
    ("status_pending", ["Waiting for your reply", "Yanıtınız bekleniyor", "Czeka na Twoją odpowiedź", "در انتظار پاسخ شما"]),
    ("status_on_hold", ["In progress", "İşlemde", "W toku", "در حال بررسی"]),
    ("status_solved", ["Solved", "Çözüldü", "Rozwiązane", "حل شد"]),
    ("status_closed", ["Closed", "Kapatıldı", "Zamknięte", "بسته شد"]),
    ("conversation", ["Conversation", "Yazışma", "Rozmowa", "گفتگو"]),
    ("you", ["You", "Siz", "Ty", "شما"]),
    ("add_reply", ["Add a reply", "Yanıt ekle", "Dodaj odpowiedź", "افزودن پاسخ"]),
    ("reply", ["Your reply", "Yanıtınız", "Twoja odpowiedź", "پاسخ شما"]),
    ("send_reply", ["Send reply", "Yanıtı gönder", "Wyślij odpowiedź", "ارسال پاسخ"]),
    (
        "reply_reopens",
        [
            "Replying to a solved request opens it again.",
            "Çözülmüş bir talebe yanıt vermek onu yeniden açar.",
            "Odpowiedź na rozwiązane zgłoszenie otwiera je ponownie.",
            "پاسخ به درخواست حل‌شده آن را دوباره باز می‌کند.",
        ],
    ),
    (
        "merged_notice",
        [
            "Our team joined this request with another one and continues there. Your messages stay here, and a reply you send here reaches the team.",
            "Ekibimiz bu talebi başka bir taleple birleştirdi ve orada devam ediyor. Mesajlarınız burada kalır; buradan göndereceğiniz yanıt ekibe ulaşır.",
            "Nasz zespół połączył to zgłoszenie z innym i kontynuuje tam. Twoje wiadomości zostają tutaj, a odpowiedź wysłana stąd dotrze do zespołu.",
            "تیم ما این درخواست را با درخواست دیگری یکی کرد و آنجا ادامه می‌دهد. پیام‌های شما اینجا می‌ماند و پاسخی که از اینجا بفرستید به تیم می‌رسد.",
        ],
    ),
    ("not_found_title", ["Page not found", "Sayfa bulunamadı", "Nie znaleziono strony", "صفحه پیدا نشد"]),
    (
        "not_found_text",
        [
            "There is nothing at this address. If someone gave you a link, check that it is complete.",
            "Bu adreste bir şey yok. Size bir bağlantı verildiyse eksiksiz olduğunu kontrol edin.",
            "Pod tym adresem nic nie ma. Jeśli otrzymałeś link, sprawdź, czy jest kompletny.",
            "در این نشانی چیزی نیست. اگر پیوندی به شما داده‌اند، کامل بودن آن را بررسی کنید.",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_honours_quality_and_falls_back_to_english() {
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
    fn every_key_is_translated_and_keeps_its_placeholders() {
        for (key, texts) in CATALOG {
            let holes = |s: &str| {
                let mut h: Vec<String> = s
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned()))
                    .collect();
                h.sort();
                h
            };
            for t in texts {
                assert!(!t.trim().is_empty(), "{key} is empty");
                assert_eq!(holes(t), holes(texts[0]), "{key}: {t}");
            }
        }
        let keys: std::collections::BTreeSet<_> = CATALOG.iter().map(|r| r.0).collect();
        assert_eq!(keys.len(), CATALOG.len(), "a key appears twice");
    }
}
