//! A generated knowledge base: categories and articles in English, Turkish, Polish and
//! Persian, as replicated documents. The demo button and the benchmarks write them into a
//! desktop store ([`seed_kb`]); the help-center benchmark imports the same documents into a
//! server, so both measure one knowledge base.

use std::collections::BTreeMap;

use porchlight_domain::docs::Doc;
use porchlight_domain::kb::{
    Article, ArticleRevision, ArticleStatus, ArticleTranslation, ArticleVisibility, KbCategory,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::queries::kb_docs::write_doc;
use crate::{new_id, now_ms, Store, StoreResult};

const LOCALES: [&str; 4] = ["en", "tr", "pl", "fa"];

/// Category names per locale, in the order of [`LOCALES`].
const CATEGORIES: &[[&str; 4]] = &[
    [
        "Billing and payments",
        "Fatura ve ödemeler",
        "Płatności i faktury",
        "صورتحساب و پرداخت",
    ],
    [
        "Shipping and delivery",
        "Kargo ve teslimat",
        "Wysyłka i dostawa",
        "ارسال و تحویل",
    ],
    [
        "Your account",
        "Hesabınız",
        "Twoje konto",
        "حساب کاربری شما",
    ],
    [
        "Returns and refunds",
        "İade ve geri ödeme",
        "Zwroty i reklamacje",
        "مرجوعی و بازپرداخت",
    ],
    [
        "Using the app",
        "Uygulamayı kullanma",
        "Korzystanie z aplikacji",
        "استفاده از برنامه",
    ],
    [
        "Security and privacy",
        "Güvenlik ve gizlilik",
        "Bezpieczeństwo i prywatność",
        "امنیت و حریم خصوصی",
    ],
];

/// Article topics: (title, paragraphs) per locale, `{n}` replaced by a number.
const TOPICS: &[[(&str, &str); 4]] = &[
    [
        ("How to request a refund for order {n}", "Open **Orders**, choose the order and press *Request refund*. Refunds reach your card within five working days.\n\n- Keep the original packaging\n- Add a photo if the item arrived damaged"),
        ("{n} numaralı sipariş için iade talebi", "**Siparişler** sayfasını açın, siparişi seçin ve *İade talep et* düğmesine basın. İadeler beş iş günü içinde kartınıza ulaşır.\n\n- Orijinal ambalajı saklayın\n- Ürün hasarlı geldiyse fotoğraf ekleyin"),
        ("Jak zgłosić zwrot zamówienia {n}", "Otwórz **Zamówienia**, wybierz zamówienie i kliknij *Zgłoś zwrot*. Pieniądze wracają na kartę w ciągu pięciu dni roboczych.\n\n- Zachowaj oryginalne opakowanie\n- Dodaj zdjęcie, jeśli przesyłka dotarła uszkodzona"),
        ("درخواست بازپرداخت برای سفارش {n}", "صفحهٔ **سفارش‌ها** را باز کنید، سفارش را انتخاب کنید و *درخواست بازپرداخت* را بزنید. مبلغ ظرف پنج روز کاری به کارت شما برمی‌گردد.\n\n- بسته‌بندی اصلی را نگه دارید\n- اگر کالا آسیب دیده رسید، عکس اضافه کنید"),
    ],
    [
        ("Resetting your password (guide {n})", "Choose *Forgot password* on the sign-in page and follow the link we e-mail you. The link works for one hour.\n\nIf no e-mail arrives, check your spam folder."),
        ("Şifrenizi sıfırlama (rehber {n})", "Giriş sayfasında *Şifremi unuttum* seçeneğini seçin ve e-postayla gönderdiğimiz bağlantıyı izleyin. Bağlantı bir saat geçerlidir.\n\nE-posta gelmezse istenmeyen klasörünü kontrol edin."),
        ("Resetowanie hasła (poradnik {n})", "Na stronie logowania wybierz *Nie pamiętam hasła* i otwórz link z wiadomości e-mail. Link działa przez godzinę.\n\nJeśli wiadomość nie dotarła, sprawdź folder spam."),
        ("بازنشانی گذرواژه (راهنمای {n})", "در صفحهٔ ورود *فراموشی گذرواژه* را انتخاب کنید و پیوندی را که ایمیل می‌کنیم دنبال کنید. پیوند یک ساعت معتبر است.\n\nاگر ایمیلی نرسید، پوشهٔ هرزنامه را بررسی کنید."),
    ],
    [
        ("Delivery times for zone {n}", "Parcels leave our warehouse every weekday before 16:00. Standard delivery takes two to four days; express arrives the next day.\n\n| Option | Days |\n|---|---|\n| Standard | 2–4 |\n| Express | 1 |"),
        ("{n}. bölge için teslimat süreleri", "Kargolar hafta içi her gün saat 16:00'dan önce depodan çıkar. Standart teslimat iki ila dört gün sürer; ekspres ertesi gün ulaşır."),
        ("Czas dostawy do strefy {n}", "Paczki wyjeżdżają z magazynu w każdy dzień roboczy przed 16:00. Dostawa standardowa trwa od dwóch do czterech dni, ekspresowa dociera następnego dnia."),
        ("زمان تحویل برای منطقهٔ {n}", "بسته‌ها هر روز کاری پیش از ساعت ۱۶ از انبار ارسال می‌شوند. ارسال عادی دو تا چهار روز و ارسال سریع یک روز طول می‌کشد."),
    ],
    [
        ("Changing the VAT number on invoice {n}", "Go to **Settings → Billing**, edit the company details and save. New invoices use the new number; ask us to reissue older ones."),
        ("{n} numaralı faturada vergi numarasını değiştirme", "**Ayarlar → Fatura** bölümüne gidin, şirket bilgilerini düzenleyip kaydedin. Yeni faturalar yeni numarayı kullanır; eskileri için bize yazın."),
        ("Zmiana numeru NIP na fakturze {n}", "Przejdź do **Ustawienia → Płatności**, popraw dane firmy i zapisz. Nowe faktury będą miały nowy numer; o korektę starszych poproś nas."),
        ("تغییر شمارهٔ مالیاتی در فاکتور {n}", "به **تنظیمات ← صورتحساب** بروید، اطلاعات شرکت را ویرایش و ذخیره کنید. فاکتورهای جدید شمارهٔ جدید را دارند؛ برای فاکتورهای قدیمی به ما بنویسید."),
    ],
    [
        ("Turning on two-factor sign-in ({n})", "Open **Security**, choose *Two-factor sign-in* and scan the code with an authenticator app. Keep the backup codes somewhere safe."),
        ("İki adımlı girişi açma ({n})", "**Güvenlik** bölümünü açın, *İki adımlı giriş* seçeneğini seçin ve kodu bir doğrulama uygulamasıyla tarayın. Yedek kodları güvenli bir yerde saklayın."),
        ("Włączanie logowania dwuetapowego ({n})", "Otwórz **Bezpieczeństwo**, wybierz *Logowanie dwuetapowe* i zeskanuj kod aplikacją uwierzytelniającą. Kody zapasowe przechowuj w bezpiecznym miejscu."),
        ("فعال‌کردن ورود دومرحله‌ای ({n})", "بخش **امنیت** را باز کنید، *ورود دومرحله‌ای* را انتخاب کنید و کد را با یک برنامهٔ احراز هویت اسکن کنید. کدهای پشتیبان را در جای امنی نگه دارید."),
    ],
    [
        ("Exporting your data to a spreadsheet ({n})", "In **Reports**, choose *Export* and pick CSV or Excel. Large exports are e-mailed to you when they are ready."),
        ("Verilerinizi tabloya aktarma ({n})", "**Raporlar** bölümünde *Dışa aktar* seçeneğini seçin ve CSV ya da Excel'i seçin. Büyük dosyalar hazır olunca e-postayla gönderilir."),
        ("Eksport danych do arkusza ({n})", "W **Raportach** wybierz *Eksport* i format CSV lub Excel. Duże eksporty wyślemy e-mailem, gdy będą gotowe."),
        ("خروجی گرفتن از داده‌ها در صفحه‌گسترده ({n})", "در بخش **گزارش‌ها** گزینهٔ *خروجی* را انتخاب کنید و CSV یا Excel را برگزینید. خروجی‌های بزرگ پس از آماده‌شدن ایمیل می‌شوند."),
    ],
];

/// `articles` generated articles in `categories` categories (at most six), as documents in
/// the order a server would have made them. Most articles are public and published in all
/// four languages; some are drafts, internal, archived, English-only, or have a translation
/// older than its source — as a real knowledge base does.
pub fn kb_documents(articles: usize, seed: u64, author_id: &str) -> Vec<Doc> {
    let mut rng = StdRng::seed_from_u64(seed);
    let now = now_ms();
    let day = 86_400_000;
    let mut out = Vec::with_capacity(articles * 9 + CATEGORIES.len());
    let cat_ids: Vec<String> = CATEGORIES.iter().map(|_| new_id()).collect();
    for (i, names) in CATEGORIES.iter().enumerate() {
        out.push(Doc::KbCategory(KbCategory {
            id: cat_ids[i].clone(),
            position: i as i64,
            names: LOCALES
                .iter()
                .zip(names)
                .map(|(l, n)| (l.to_string(), n.to_string()))
                .collect::<BTreeMap<_, _>>(),
            descriptions: BTreeMap::new(),
            created_at: now - 400 * day,
            updated_at: now - 400 * day,
        }));
    }
    for n in 0..articles {
        let id = new_id();
        let topic = &TOPICS[n % TOPICS.len()];
        let created = now - rng.gen_range(1..365) * day;
        let roll: u32 = rng.gen_range(0..100);
        let status = match roll {
            0..=7 => ArticleStatus::Draft,
            8..=10 => ArticleStatus::Archived,
            _ => ArticleStatus::Published,
        };
        let visibility = if roll.is_multiple_of(13) {
            ArticleVisibility::Internal
        } else {
            ArticleVisibility::Public
        };
        let locales = if roll.is_multiple_of(9) { 1 } else { 4 };
        let source_revision = if roll.is_multiple_of(7) { 2 } else { 1 };
        out.push(Doc::KbArticle(Article {
            id: id.clone(),
            category_id: Some(cat_ids[n % cat_ids.len()].clone()),
            status,
            visibility,
            tags: vec![],
            source_locale: "en".into(),
            created_at: created,
            updated_at: created + day,
            deleted_at: None,
        }));
        for (li, (title, body)) in topic.iter().enumerate().take(locales) {
            let number = (1000 + n).to_string();
            let title = title.replace("{n}", &number);
            let body = body.replace("{n}", &number);
            let revisions = if li == 0 { source_revision } else { 1 };
            for r in 1..=revisions {
                out.push(Doc::KbRevision(ArticleRevision {
                    id: new_id(),
                    article_id: id.clone(),
                    locale: LOCALES[li].into(),
                    revision: r,
                    title: title.clone(),
                    body_markdown: if r == revisions {
                        body.clone()
                    } else {
                        body.lines().next().unwrap_or_default().to_string()
                    },
                    source_revision: (li > 0).then_some(1),
                    author_id: author_id.into(),
                    created_at: created + r,
                    restored_from: None,
                }));
            }
            out.push(Doc::KbTranslation(ArticleTranslation {
                article_id: id.clone(),
                locale: LOCALES[li].into(),
                title,
                body_markdown: body,
                revision: revisions,
                source_revision: (li > 0).then_some(1),
                updated_by: author_id.into(),
                updated_at: created + revisions,
            }));
        }
    }
    out
}

/// Writes a generated knowledge base into the store (authored by the local profile) in one
/// transaction; returns the number of articles.
pub fn seed_kb(store: &Store, articles: usize, seed: u64) -> StoreResult<usize> {
    let author = store.me().unwrap_or_default();
    let docs = kb_documents(articles, seed, &author);
    store.with_tx(|tx| {
        for d in &docs {
            write_doc(tx, d)?;
        }
        Ok(())
    })?;
    Ok(articles)
}
