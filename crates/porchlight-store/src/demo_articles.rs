//! The demo's knowledge base: the help articles of Kestrel Market, a fictional online shop
//! for electronics and home goods with a mobile app and a paid membership (Kestrel Plus).
//! Written by hand in English, with Turkish, Polish and Persian translations of many
//! articles; bodies are markdown in the form the article editor stores.

use porchlight_domain::kb::ArticleStatus::{Draft, Published};
use porchlight_domain::kb::ArticleVisibility::{Internal, Public};

use porchlight_domain::kb::{ArticleStatus, ArticleVisibility};

/// One language of a hand-written article: title and markdown body in stored form.
pub(crate) struct Text {
    pub locale: &'static str,
    pub title: &'static str,
    pub body: &'static str,
}

/// A hand-written article of the demo's knowledge base.
pub(crate) struct DemoArticle {
    /// Index into the six categories of the demo knowledge base (`demo_kb::CATEGORIES`).
    pub category: usize,
    pub status: ArticleStatus,
    pub visibility: ArticleVisibility,
    pub tags: &'static [&'static str],
    /// Written this many days before the demo is loaded.
    pub age_days: i64,
    /// The source text first, then its translations.
    pub texts: &'static [Text],
    /// The source's first version when it was edited since (`texts[0]` is the current one).
    pub earlier_source: Option<&'static str>,
    /// Locales whose translation was made from that first version and not updated since.
    pub behind: &'static [&'static str],
}

// Category indexes, in the order of `demo_kb`'s categories.
const BILLING: usize = 0;
const SHIPPING: usize = 1;
const ACCOUNT: usize = 2;
const RETURNS: usize = 3;
const APP: usize = 4;
const SECURITY: usize = 5;

/// What each category holds, in English, Turkish, Polish and Persian.
pub(crate) const CATEGORY_DESCRIPTIONS: &[[&str; 4]] = &[
    [
        "Payment methods, invoices, duplicate charges and the Kestrel Plus membership.",
        "Ödeme yöntemleri, faturalar, mükerrer ödemeler ve Kestrel Plus üyeliği.",
        "Metody płatności, faktury, podwójne obciążenia i członkostwo Kestrel Plus.",
        "روش‌های پرداخت، فاکتورها، برداشت‌های تکراری و اشتراک Kestrel Plus.",
    ],
    [
        "Delivery options and times, tracking, addresses and pickup points.",
        "Teslimat seçenekleri ve süreleri, kargo takibi, adresler ve teslim noktaları.",
        "Opcje i czas dostawy, śledzenie przesyłek, adresy i punkty odbioru.",
        "روش‌ها و زمان‌های ارسال، رهگیری مرسوله، نشانی‌ها و نقاط تحویل.",
    ],
    [
        "Signing in, passwords, profile details and notifications.",
        "Giriş, şifreler, profil bilgileri ve bildirimler.",
        "Logowanie, hasła, dane profilu i powiadomienia.",
        "ورود، گذرواژه، اطلاعات نمایه و اعلان‌ها.",
    ],
    [
        "Returning, exchanging and reporting damaged items, and when your money comes back.",
        "Ürün iadesi, değişimi, hasarlı ürün bildirimi ve paranızın ne zaman iade edileceği.",
        "Zwroty, wymiany, reklamacje uszkodzonych produktów i terminy zwrotu pieniędzy.",
        "مرجوع‌کردن و تعویض کالا، گزارش کالای آسیب‌دیده و زمان بازگشت وجه.",
    ],
    [
        "The Kestrel app for iPhone and Android: installing, troubleshooting and useful features.",
        "iPhone ve Android için Kestrel uygulaması: kurulum, sorun giderme ve kullanışlı özellikler.",
        "Aplikacja Kestrel na iPhone'a i Androida: instalacja, rozwiązywanie problemów i przydatne funkcje.",
        "برنامهٔ Kestrel برای آیفون و اندروید: نصب، رفع اشکال و امکانات کاربردی.",
    ],
    [
        "Keeping your account safe and how we handle your personal data.",
        "Hesabınızı güvende tutmak ve kişisel verilerinizi nasıl işlediğimiz.",
        "Bezpieczeństwo konta i to, jak przetwarzamy Twoje dane osobowe.",
        "حفظ امنیت حساب شما و نحوهٔ پردازش اطلاعات شخصی‌تان.",
    ],
];

/// Every article, oldest topics first.
pub(crate) const DEMO_ARTICLES: &[DemoArticle] = &[
    DemoArticle {
        category: RETURNS,
        status: Published,
        visibility: Public,
        tags: &["returns"],
        age_days: 210,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "How to return an item",
                body: "\
You can return most items within **30 days** of delivery, for any reason. The return is free when you use the prepaid label from your account.

1. Sign in and open **Orders**.
2. Choose the order and press **Return items**.
3. Select the items, tell us why you are returning them and choose how to send them back: a parcel locker, a post office or a courier pickup.
4. Print the label, or show the QR code at the drop-off point if you have no printer.
5. Pack the items securely, ideally in the original box, and send them within 14 days of registering the return.

You can follow the return under **Orders → Returns**. Once the warehouse has checked the parcel (usually within 3 working days of its arrival) we send the refund; *When will I get my refund?* explains how long your bank takes.

> Items that were opened or used can still be returned if they are complete and undamaged. A few items cannot be returned at all: see *Items that cannot be returned*.",
            },
            Text {
                locale: "tr",
                title: "Ürün nasıl iade edilir?",
                body: "\
Ürünlerin çoğunu teslimattan itibaren **30 gün** içinde, herhangi bir gerekçe göstermeden iade edebilirsiniz. Hesabınızdaki ön ödemeli kargo etiketini kullandığınızda iade ücretsizdir.

1. Giriş yapın ve **Siparişler** sayfasını açın.
2. Siparişi seçin ve **Ürün iade et** düğmesine basın.
3. İade edeceğiniz ürünleri seçin, iade nedeninizi yazın ve gönderim yolunu seçin: kargo teslim noktası, şube veya adresten kurye ile alım.
4. Etiketi yazdırın; yazıcınız yoksa teslim noktasında QR kodunu gösterin.
5. Ürünleri, mümkünse orijinal kutusunda, sağlam şekilde paketleyin ve iadeyi oluşturduktan sonra 14 gün içinde gönderin.

İadenizin durumunu **Siparişler → İadeler** bölümünden takip edebilirsiniz. Paket depoya ulaşıp kontrol edildikten sonra (genellikle 3 iş günü içinde) geri ödemeyi başlatırız; bankanızın ne kadar süreceğini *Para iadem ne zaman yapılır?* makalesinde bulabilirsiniz.

> Açılmış veya kullanılmış ürünler de eksiksiz ve hasarsızsa iade edilebilir. Bazı ürünler ise hiç iade edilemez: *İade edilemeyen ürünler* makalesine bakın.",
            },
            Text {
                locale: "pl",
                title: "Jak zwrócić produkt",
                body: "\
Większość produktów możesz zwrócić w ciągu **30 dni** od dostawy, bez podawania przyczyny. Zwrot jest bezpłatny, jeśli użyjesz opłaconej etykiety z konta.

1. Zaloguj się i otwórz **Zamówienia**.
2. Wybierz zamówienie i kliknij **Zwróć produkty**.
3. Zaznacz produkty, napisz, dlaczego je zwracasz, i wybierz sposób nadania: paczkomat, placówka pocztowa albo odbiór przez kuriera.
4. Wydrukuj etykietę lub, jeśli nie masz drukarki, pokaż kod QR w punkcie nadania.
5. Zapakuj produkty starannie, najlepiej w oryginalne pudełko, i nadaj paczkę w ciągu 14 dni od zgłoszenia zwrotu.

Status zwrotu sprawdzisz w **Zamówienia → Zwroty**. Gdy magazyn sprawdzi przesyłkę (zwykle w ciągu 3 dni roboczych od jej dotarcia), zlecamy zwrot pieniędzy; ile trwa księgowanie w banku, opisujemy w artykule *Kiedy otrzymam zwrot pieniędzy?*.

> Produkty otwarte lub używane również można zwrócić, jeśli są kompletne i nieuszkodzone. Niektórych produktów nie można zwrócić wcale: zobacz *Produkty, których nie można zwrócić*.",
            },
            Text {
                locale: "fa",
                title: "چگونه کالا را مرجوع کنم؟",
                body: "\
بیشتر کالاها را می‌توانید تا **۳۰ روز** پس از تحویل و بدون ذکر دلیل مرجوع کنید. اگر از برچسب پیش‌پرداختهٔ حساب کاربری‌تان استفاده کنید، مرجوعی رایگان است.

1. وارد حساب شوید و صفحهٔ **سفارش‌ها** را باز کنید.
2. سفارش را انتخاب کنید و **مرجوع‌کردن کالا** را بزنید.
3. کالاها را انتخاب کنید، دلیل مرجوعی را بنویسید و روش ارسال را برگزینید: صندوق امانات، دفتر پست یا دریافت از درِ منزل توسط پیک.
4. برچسب را چاپ کنید؛ اگر چاپگر ندارید، کد QR را در محل تحویل نشان دهید.
5. کالاها را با دقت و ترجیحاً در جعبهٔ اصلی بسته‌بندی کنید و حداکثر ۱۴ روز پس از ثبت مرجوعی ارسال کنید.

وضعیت مرجوعی را در **سفارش‌ها ← مرجوعی‌ها** دنبال کنید. پس از رسیدن بسته به انبار و بررسی آن (معمولاً ظرف ۳ روز کاری) بازپرداخت را انجام می‌دهیم؛ مدت زمان لازم برای بانک شما در مقالهٔ *بازپرداخت من کی انجام می‌شود؟* آمده است.

> کالای بازشده یا استفاده‌شده هم اگر کامل و سالم باشد قابل مرجوع است. برخی کالاها اصلاً قابل مرجوع نیستند؛ مقالهٔ *کالاهایی که مرجوع نمی‌شوند* را ببینید.",
            },
        ],
    },
    DemoArticle {
        category: RETURNS,
        status: Published,
        visibility: Public,
        tags: &["refund", "returns"],
        age_days: 180,
        // Store credit came later; the Polish translation has not caught up yet.
        earlier_source: Some("\
We send the refund as soon as the warehouse has checked your return, or straight away when you cancel an order that has not shipped yet. You get an e-mail the moment we send it. How long it then takes to show up depends on how you paid:

| Payment method | Refund appears within |
|---|---|
| Card (Visa, Mastercard) | 3–5 working days |
| PayPal | 1 working day |
| BLIK or bank transfer | 1–3 working days |
| Pay later (Klarna) | the invoice is updated within 1 day |
| Gift card | immediately, as a new gift card |

The refund always goes back to the payment method you used; we cannot send it to another card or account.

**Still nothing after that time?** Look for the amount on your statement under our company name, *KESTREL MARKET*, not the product name. If it is not there, reply to our refund e-mail and we will send you the payment reference so your bank can trace it."),
        behind: &["pl"],
        texts: &[
            Text {
                locale: "en",
                title: "When will I get my refund?",
                body: "\
We send the refund as soon as the warehouse has checked your return, or straight away when you cancel an order that has not shipped yet. You get an e-mail the moment we send it. How long it then takes to show up depends on how you paid:

| Payment method | Refund appears within |
|---|---|
| Card (Visa, Mastercard) | 3–5 working days |
| PayPal | 1 working day |
| BLIK or bank transfer | 1–3 working days |
| Pay later (Klarna) | the invoice is updated within 1 day |
| Gift card | immediately, as a new gift card |
| Store credit | immediately |

The refund always goes back to the payment method you used; we cannot send it to another card or account. If you prefer, we can refund a return as store credit instead: it is available at once and never expires.

**Still nothing after that time?** Look for the amount on your statement under our company name, *KESTREL MARKET*, not the product name. If it is not there, reply to our refund e-mail and we will send you the payment reference so your bank can trace it.",
            },
            Text {
                locale: "tr",
                title: "Para iadem ne zaman yapılır?",
                body: "\
Depo iadenizi kontrol eder etmez, henüz kargoya verilmemiş bir siparişi iptal ettiğinizde ise hemen geri ödemeyi başlatırız. Ödemeyi gönderdiğimiz anda size e-posta ile bilgi veririz. Paranın hesabınıza geçme süresi ödeme yönteminize bağlıdır:

| Ödeme yöntemi | İadenin görüneceği süre |
|---|---|
| Kart (Visa, Mastercard) | 3–5 iş günü |
| PayPal | 1 iş günü |
| BLIK veya havale | 1–3 iş günü |
| Sonra öde (Klarna) | fatura 1 gün içinde güncellenir |
| Hediye kartı | hemen, yeni bir hediye kartı olarak |
| Mağaza bakiyesi | hemen |

İade her zaman ödeme yaptığınız yönteme yapılır; başka bir karta veya hesaba gönderemiyoruz. Dilerseniz iadeyi mağaza bakiyesi olarak da alabilirsiniz: bakiye hemen kullanılabilir ve süresi dolmaz.

**Bu süreden sonra hâlâ görmüyor musunuz?** Hesap özetinizde ürün adını değil, şirket adımızı (*KESTREL MARKET*) arayın. Orada da yoksa iade e-postamızı yanıtlayın; bankanızın ödemeyi bulabilmesi için işlem referansını gönderelim.",
            },
            Text {
                locale: "pl",
                title: "Kiedy otrzymam zwrot pieniędzy?",
                body: "\
Zwrot zlecamy, gdy tylko magazyn sprawdzi odesłane produkty, a przy anulowaniu niewysłanego jeszcze zamówienia od razu. W chwili zlecenia zwrotu wysyłamy Ci e-mail. Czas, po jakim pieniądze będą widoczne, zależy od formy płatności:

| Forma płatności | Zwrot widoczny w ciągu |
|---|---|
| Karta (Visa, Mastercard) | 3–5 dni roboczych |
| PayPal | 1 dnia roboczego |
| BLIK lub przelew | 1–3 dni roboczych |
| Płatność odroczona (Klarna) | faktura zostanie skorygowana w ciągu 1 dnia |
| Karta podarunkowa | od razu, jako nowa karta podarunkowa |

Pieniądze zawsze wracają tą samą drogą, którą zapłacono; nie możemy przelać ich na inną kartę ani konto.

**Po tym czasie nadal nic?** Szukaj na wyciągu nazwy naszej firmy, *KESTREL MARKET*, a nie nazwy produktu. Jeśli jej tam nie ma, odpowiedz na e-mail o zwrocie: prześlemy numer referencyjny płatności, dzięki któremu bank ją odnajdzie.",
            },
            Text {
                locale: "fa",
                title: "بازپرداخت من کی انجام می‌شود؟",
                body: "\
به محض اینکه انبار کالای مرجوعی را بررسی کند، و در صورت لغو سفارشی که هنوز ارسال نشده بلافاصله، بازپرداخت را انجام می‌دهیم و همان لحظه به شما ایمیل می‌زنیم. مدت زمان نمایش مبلغ در حساب شما به روش پرداخت بستگی دارد:

| روش پرداخت | زمان بازگشت وجه |
|---|---|
| کارت (ویزا، مسترکارت) | ۳ تا ۵ روز کاری |
| پی‌پال | ۱ روز کاری |
| BLIK یا انتقال بانکی | ۱ تا ۳ روز کاری |
| پرداخت بعدی (Klarna) | صورتحساب ظرف ۱ روز اصلاح می‌شود |
| کارت هدیه | فوراً، به‌صورت کارت هدیهٔ جدید |
| اعتبار فروشگاه | فوراً |

بازپرداخت همیشه به همان روشی انجام می‌شود که با آن پرداخت کرده‌اید؛ امکان واریز به کارت یا حساب دیگری وجود ندارد. اگر بخواهید، می‌توانیم مبلغ مرجوعی را به‌صورت اعتبار فروشگاه برگردانیم: این اعتبار فوراً قابل استفاده است و تاریخ انقضا ندارد.

**پس از این مدت هنوز مبلغی نرسیده است؟** در صورتحساب بانکی به‌دنبال نام شرکت ما، *KESTREL MARKET*، بگردید نه نام کالا. اگر آنجا نبود، به ایمیل بازپرداخت پاسخ دهید تا شمارهٔ پیگیری پرداخت را برایتان بفرستیم و بانک بتواند آن را ردیابی کند.",
            },
        ],
    },
    DemoArticle {
        category: RETURNS,
        status: Published,
        visibility: Public,
        tags: &["damaged", "replacement", "returns"],
        age_days: 205,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "My item arrived damaged or faulty",
                body: "\
We are sorry! A damaged or faulty item is replaced or refunded at no cost to you, and you do not need to wait for the 30-day return window.

**Please report it within 14 days of delivery:**

1. Open **Orders**, choose the order and press **Report a problem**.
2. Choose *Arrived damaged* or *Does not work*.
3. Add two or three photos: the item, the damage, and the outer box with its shipping label.
4. Choose a replacement or a refund.

We usually answer within one working day. For a replacement we ship the new item straight away and send you a free return label for the damaged one: you do not have to send it back first.

**Tips**

- Keep the box and packaging until the case is closed; the courier may ask to see them.
- If the outer box is visibly crushed when the courier arrives, you can refuse the parcel. It comes back to us and we contact you.
- For a fault that appears after the first 30 days, see *Warranty repairs*.",
            },
            Text {
                locale: "tr",
                title: "Ürün hasarlı veya arızalı geldi",
                body: "\
Çok üzgünüz! Hasarlı veya arızalı ürünleri ücretsiz olarak değiştiriyor ya da bedelini iade ediyoruz; 30 günlük iade süresini beklemenize gerek yok.

**Lütfen teslimattan sonraki 14 gün içinde bildirin:**

1. **Siparişler** sayfasını açın, siparişi seçin ve **Sorun bildir** düğmesine basın.
2. *Hasarlı geldi* veya *Çalışmıyor* seçeneğini seçin.
3. İki üç fotoğraf ekleyin: ürün, hasarlı kısım ve kargo etiketiyle birlikte dış kutu.
4. Değişim veya para iadesi seçin.

Genellikle bir iş günü içinde yanıt veriyoruz. Değişimde yeni ürünü hemen gönderiyor, hasarlı ürün için de ücretsiz iade etiketi yolluyoruz; önce onu geri göndermeniz gerekmez.

**İpuçları**

- Talep kapanana kadar kutuyu ve ambalajı saklayın; kargo firması görmek isteyebilir.
- Kurye geldiğinde dış kutu belirgin şekilde ezikse paketi teslim almayabilirsiniz. Paket bize geri döner ve sizinle iletişime geçeriz.
- İlk 30 günden sonra ortaya çıkan arızalar için *Garanti kapsamında onarım* makalesine bakın.",
            },
            Text {
                locale: "pl",
                title: "Produkt dotarł uszkodzony lub nie działa",
                body: "\
Paczka dotarła uszkodzona albo produkt nie działa? Bardzo nam przykro! Uszkodzony lub wadliwy produkt wymienimy albo zwrócimy za niego pieniądze bez żadnych kosztów po Twojej stronie. Nie musisz czekać na 30-dniowy termin zwrotu.

**Zgłoś to w ciągu 14 dni od dostawy:**

1. Otwórz **Zamówienia**, wybierz zamówienie i kliknij **Zgłoś problem**.
2. Wybierz *Dotarł uszkodzony* albo *Nie działa*.
3. Dodaj dwa lub trzy zdjęcia: produktu, uszkodzenia oraz kartonu z etykietą przewozową.
4. Wybierz wymianę lub zwrot pieniędzy.

Zwykle odpowiadamy w ciągu jednego dnia roboczego. Przy wymianie wysyłamy nowy produkt od razu, a na uszkodzony przesyłamy bezpłatną etykietę zwrotną: nie musisz go najpierw odsyłać.

**Wskazówki**

- Zachowaj karton i opakowanie do zamknięcia zgłoszenia; kurier może poprosić o ich okazanie.
- Jeśli karton jest wyraźnie zgnieciony już przy odbiorze, możesz odmówić przyjęcia paczki. Wróci do nas, a my skontaktujemy się z Tobą.
- Wady, które pojawią się po pierwszych 30 dniach, zgłaszasz w ramach gwarancji: zobacz *Naprawy gwarancyjne*.",
            },
            Text {
                locale: "fa",
                title: "کالا آسیب‌دیده یا معیوب به دستم رسید",
                body: "\
بسیار متأسفیم! کالای آسیب‌دیده یا معیوب را بدون هیچ هزینه‌ای برای شما تعویض می‌کنیم یا وجه آن را برمی‌گردانیم و لازم نیست منتظر مهلت ۳۰ روزهٔ مرجوعی بمانید.

**لطفاً حداکثر ۱۴ روز پس از تحویل گزارش دهید:**

1. صفحهٔ **سفارش‌ها** را باز کنید، سفارش را انتخاب کنید و **گزارش مشکل** را بزنید.
2. گزینهٔ *آسیب‌دیده رسید* یا *کار نمی‌کند* را انتخاب کنید.
3. دو یا سه عکس اضافه کنید: خود کالا، محل آسیب و جعبهٔ بیرونی همراه با برچسب ارسال.
4. تعویض یا بازپرداخت را انتخاب کنید.

معمولاً ظرف یک روز کاری پاسخ می‌دهیم. در صورت تعویض، کالای جدید را فوراً می‌فرستیم و برای کالای آسیب‌دیده برچسب مرجوعی رایگان ارسال می‌کنیم؛ لازم نیست اول آن را برگردانید.

**چند نکته**

- تا بسته‌شدن درخواست، جعبه و بسته‌بندی را نگه دارید؛ ممکن است شرکت حمل بخواهد آن‌ها را ببیند.
- اگر هنگام تحویل، جعبهٔ بیرونی آشکارا له شده است، می‌توانید بسته را تحویل نگیرید. بسته به ما برمی‌گردد و با شما تماس می‌گیریم.
- برای خرابی‌هایی که پس از ۳۰ روز اول پیدا می‌شوند، مقالهٔ *تعمیر در دورهٔ گارانتی* را ببینید.",
            },
        ],
    },
    DemoArticle {
        category: BILLING,
        status: Published,
        visibility: Public,
        tags: &["card", "payment"],
        age_days: 240,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Payment methods we accept",
                body: "\
You choose how to pay at the last step of checkout. Every payment is processed over an encrypted connection; we never see or store your full card number.

| Method | Available in | Good to know |
|---|---|---|
| Visa, Mastercard, American Express | all countries | Charged when the order ships |
| Apple Pay and Google Pay | all countries | In the app and in supported browsers |
| PayPal | all countries | Refunds arrive within a day |
| BLIK | Poland | Confirm the payment in your banking app |
| Bank transfer | Poland, Türkiye | We ship once the money arrives (1–2 working days) |
| Pay later (Klarna) | Poland, United Kingdom | Pay within 30 days, no fee |
| Instalments | Türkiye | 3, 6 or 9 instalments on eligible cards |

Cash on delivery is not available.

**Why was my card declined?** The most common reasons are a mistyped expiry date or security code, an online-payment limit set by your bank, or a card that is not enabled for payments abroad. Try again or choose another method; if it keeps failing, your bank can tell you the reason.",
            },
            Text {
                locale: "tr",
                title: "Kabul ettiğimiz ödeme yöntemleri",
                body: "\
Ödeme yöntemini siparişin son adımında seçersiniz. Tüm ödemeler şifreli bağlantı üzerinden işlenir; kart numaranızın tamamını hiçbir zaman görmeyiz ve saklamayız.

| Yöntem | Geçerli olduğu ülkeler | Bilmeniz gerekenler |
|---|---|---|
| Visa, Mastercard, American Express | tüm ülkeler | Tutar sipariş kargoya verildiğinde çekilir |
| Apple Pay ve Google Pay | tüm ülkeler | Uygulamada ve destekleyen tarayıcılarda |
| PayPal | tüm ülkeler | İadeler bir gün içinde ulaşır |
| BLIK | Polonya | Ödemeyi banka uygulamanızda onaylayın |
| Havale/EFT | Polonya, Türkiye | Para hesabımıza geçince (1–2 iş günü) kargolarız |
| Sonra öde (Klarna) | Polonya, Birleşik Krallık | 30 gün içinde ücretsiz ödeyin |
| Taksit | Türkiye | Uygun kartlarda 3, 6 veya 9 taksit |

Kapıda ödeme seçeneği bulunmamaktadır.

**Kartım neden reddedildi?** En sık nedenler son kullanma tarihinin veya güvenlik kodunun yanlış girilmesi, bankanızın belirlediği internet alışverişi limiti ya da kartın yurt dışı ödemelere kapalı olmasıdır. Yeniden deneyin veya başka bir yöntem seçin; sorun sürerse nedenini bankanız söyleyebilir.",
            },
            Text {
                locale: "pl",
                title: "Akceptowane metody płatności",
                body: "\
Sposób płatności wybierasz w ostatnim kroku zamówienia. Każda płatność przechodzi przez szyfrowane połączenie; nigdy nie widzimy ani nie przechowujemy pełnego numeru Twojej karty.

| Metoda | Dostępna w | Warto wiedzieć |
|---|---|---|
| Visa, Mastercard, American Express | wszystkich krajach | Obciążenie następuje przy wysyłce |
| Apple Pay i Google Pay | wszystkich krajach | W aplikacji i w obsługiwanych przeglądarkach |
| PayPal | wszystkich krajach | Zwroty docierają w ciągu dnia |
| BLIK | Polsce | Potwierdź płatność w aplikacji banku |
| Przelew tradycyjny | Polsce i Turcji | Wysyłamy po zaksięgowaniu wpłaty (1–2 dni robocze) |
| Płatność odroczona (Klarna) | Polsce i Wielkiej Brytanii | Zapłać w ciągu 30 dni, bez opłat |
| Raty | Turcji | 3, 6 lub 9 rat na wybranych kartach |

Nie oferujemy płatności przy odbiorze.

**Dlaczego moja karta została odrzucona?** Najczęściej chodzi o błędnie wpisaną datę ważności lub kod CVC, limit płatności internetowych ustawiony przez bank albo kartę bez włączonych płatności zagranicznych. Spróbuj ponownie lub wybierz inną metodę; jeśli problem się powtarza, przyczynę poda Twój bank.",
            },
            Text {
                locale: "fa",
                title: "روش‌های پرداخت قابل قبول",
                body: "\
روش پرداخت را در آخرین مرحلهٔ ثبت سفارش انتخاب می‌کنید. همهٔ پرداخت‌ها از طریق اتصال رمزگذاری‌شده انجام می‌شوند و ما هرگز شمارهٔ کامل کارت شما را نمی‌بینیم یا ذخیره نمی‌کنیم.

| روش | کشورها | نکته |
|---|---|---|
| ویزا، مسترکارت، امریکن اکسپرس | همهٔ کشورها | مبلغ هنگام ارسال سفارش کسر می‌شود |
| Apple Pay و Google Pay | همهٔ کشورها | در برنامه و مرورگرهای پشتیبانی‌شده |
| پی‌پال | همهٔ کشورها | بازپرداخت ظرف یک روز می‌رسد |
| BLIK | لهستان | پرداخت را در برنامهٔ بانک خود تأیید کنید |
| انتقال بانکی | لهستان، ترکیه | پس از رسیدن وجه (۱ تا ۲ روز کاری) ارسال می‌کنیم |
| پرداخت بعدی (Klarna) | لهستان، بریتانیا | پرداخت ظرف ۳۰ روز، بدون کارمزد |
| اقساط | ترکیه | ۳، ۶ یا ۹ قسط با کارت‌های واجد شرایط |

پرداخت در محل امکان‌پذیر نیست.

**چرا کارت من رد شد؟** رایج‌ترین دلایل عبارت‌اند از اشتباه در واردکردن تاریخ انقضا یا کد امنیتی، سقف پرداخت اینترنتی که بانک تعیین کرده، یا فعال نبودن کارت برای پرداخت‌های خارجی. دوباره امتحان کنید یا روش دیگری برگزینید؛ اگر مشکل ادامه داشت، بانک شما می‌تواند دلیل را بگوید.",
            },
        ],
    },
    DemoArticle {
        category: BILLING,
        status: Published,
        visibility: Public,
        tags: &["card", "duplicate-charge", "payment"],
        age_days: 150,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Why do I see two charges for one order?",
                body: "\
Two amounts on your statement for one order are almost always one of these three things, and only the last one is a real double charge.

1. **A temporary hold.** When you place an order, your bank reserves the amount. When the order ships, we take the payment and the hold disappears, but for a few days both can show. The hold drops off by itself within 7 days, sooner with some banks.
2. **A split shipment.** If your items ship from different warehouses, each parcel is charged separately when it leaves. The amounts add up to your order total; **Orders** shows which items were in which parcel.
3. **A real duplicate.** Rarely, a payment goes through twice, for example after a timeout in the app. Both charges then show as *completed* (not *pending*) with the same amount.

If you think it is the third case, contact us with the order number and the dates and amounts of both charges. A confirmed duplicate is refunded the same day.",
            },
            Text {
                locale: "tr",
                title: "Bir sipariş için neden iki ödeme görüyorum?",
                body: "\
Hesap özetinizde tek bir sipariş için iki tutar görüyorsanız bu neredeyse her zaman aşağıdaki üç durumdan biridir; yalnızca sonuncusu gerçek bir mükerrer ödemedir.

1. **Geçici provizyon.** Sipariş verdiğinizde bankanız tutarı bloke eder. Sipariş kargoya verildiğinde ödemeyi alırız ve provizyon kalkar; ancak birkaç gün boyunca ikisi birden görünebilir. Provizyon en geç 7 gün içinde, bazı bankalarda daha erken, kendiliğinden kalkar.
2. **Bölünmüş gönderim.** Ürünleriniz farklı depolardan çıkıyorsa her paketin tutarı, paket yola çıktığında ayrı ayrı çekilir. Tutarların toplamı sipariş tutarına eşittir; hangi ürünün hangi pakette olduğunu **Siparişler** sayfasında görebilirsiniz.
3. **Gerçek mükerrer ödeme.** Nadiren, örneğin uygulamada bir zaman aşımından sonra, ödeme iki kez geçebilir. Bu durumda iki işlem de aynı tutarla *bekliyor* değil *tamamlandı* olarak görünür.

Üçüncü durum olduğunu düşünüyorsanız sipariş numarasıyla birlikte iki işlemin tarih ve tutarlarını bize iletin. Doğrulanan mükerrer ödemeyi aynı gün iade ederiz.",
            },
            Text {
                locale: "pl",
                title: "Dlaczego widzę dwie opłaty za jedno zamówienie?",
                body: "\
Dwie kwoty na wyciągu za jedno zamówienie to niemal zawsze jedna z trzech sytuacji, a tylko ostatnia oznacza prawdziwe podwójne obciążenie.

1. **Tymczasowa blokada.** Przy składaniu zamówienia bank blokuje kwotę. Gdy zamówienie zostaje wysłane, pobieramy płatność, a blokada znika, ale przez kilka dni widać obie pozycje. Blokada zwalnia się sama w ciągu 7 dni, w niektórych bankach szybciej.
2. **Wysyłka w kilku paczkach.** Jeśli produkty wychodzą z różnych magazynów, każda paczka jest obciążana osobno w chwili nadania. Kwoty sumują się do wartości zamówienia; w **Zamówieniach** widać, co było w której paczce.
3. **Prawdziwy duplikat.** Rzadko, na przykład po przekroczeniu czasu oczekiwania w aplikacji, płatność przechodzi dwa razy. Obie operacje mają wtedy status *zrealizowana* (a nie *oczekująca*) i tę samą kwotę.

Jeśli to trzeci przypadek, napisz do nas, podając numer zamówienia oraz daty i kwoty obu operacji. Potwierdzony duplikat zwracamy tego samego dnia.",
            },
            Text {
                locale: "fa",
                title: "چرا برای یک سفارش دو برداشت می‌بینم؟",
                body: "\
دیدن دو مبلغ برای یک سفارش در صورتحساب بانکی تقریباً همیشه یکی از این سه حالت است و فقط حالت آخر برداشت تکراری واقعی است.

1. **مسدودی موقت.** هنگام ثبت سفارش، بانک شما مبلغ را موقتاً مسدود می‌کند. وقتی سفارش ارسال شد، پرداخت را دریافت می‌کنیم و مسدودی برداشته می‌شود، اما ممکن است چند روز هر دو دیده شوند. مسدودی حداکثر ظرف ۷ روز، و در برخی بانک‌ها زودتر، خودبه‌خود آزاد می‌شود.
2. **ارسال در چند بسته.** اگر کالاها از انبارهای مختلف ارسال شوند، مبلغ هر بسته هنگام ارسال جداگانه کسر می‌شود. جمع مبالغ برابر با مبلغ سفارش است؛ در صفحهٔ **سفارش‌ها** می‌بینید هر کالا در کدام بسته بوده است.
3. **برداشت تکراری واقعی.** به‌ندرت، مثلاً پس از قطع ارتباط در برنامه، پرداخت دو بار انجام می‌شود. در این حالت هر دو تراکنش با مبلغ یکسان *انجام‌شده* هستند، نه *در انتظار*.

اگر فکر می‌کنید حالت سوم است، شمارهٔ سفارش و تاریخ و مبلغ هر دو تراکنش را برای ما بفرستید. برداشت تکراری تأییدشده همان روز بازگردانده می‌شود.",
            },
        ],
    },
    DemoArticle {
        category: SHIPPING,
        status: Published,
        visibility: Public,
        tags: &["delivery", "express"],
        age_days: 230,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Delivery options and times",
                body: "\
We pack orders every day, and parcels leave our warehouse on working days. Orders placed before **15:00** on a working day ship the same day.

| Option | Delivery time | Price | Free for |
|---|---|---|---|
| Standard courier | 2–4 working days | €4.99 | orders over €50 |
| Parcel locker or pickup point | 2–3 working days | €3.49 | orders over €30 |
| Express | next working day when ordered by 15:00 | €9.99 | Kestrel Plus members |
| Large items (furniture, big appliances) | 5–10 working days, time slot agreed by phone | €29 | orders over €500 |

Delivery times count from the day the parcel ships. You get an e-mail with a tracking link when it does.

**Why might it take longer?**

- Items from different warehouses can arrive in separate parcels, on different days.
- Around public holidays and during sales, couriers may need a day or two more.
- Pre-order items ship on the release date shown on the product page.",
            },
            Text {
                locale: "tr",
                title: "Teslimat seçenekleri ve süreleri",
                body: "\
Siparişleri her gün paketliyoruz; kargolar iş günlerinde depodan çıkar. İş günü saat **15:00**'e kadar verilen siparişler aynı gün kargoya verilir.

| Seçenek | Teslimat süresi | Ücret | Ücretsiz |
|---|---|---|---|
| Standart kurye | 2–4 iş günü | 4,99 € | 50 € üzeri siparişlerde |
| Kargo dolabı veya teslim noktası | 2–3 iş günü | 3,49 € | 30 € üzeri siparişlerde |
| Ekspres | 15:00'e kadar verilen siparişlerde ertesi iş günü | 9,99 € | Kestrel Plus üyelerine |
| Büyük ürünler (mobilya, büyük ev aletleri) | 5–10 iş günü, teslimat saati telefonla belirlenir | 29 € | 500 € üzeri siparişlerde |

Teslimat süreleri paketin kargoya verildiği günden itibaren sayılır. Paket yola çıktığında size takip bağlantısı içeren bir e-posta göndeririz.

**Neden daha uzun sürebilir?**

- Farklı depolardaki ürünler ayrı paketlerde ve farklı günlerde gelebilir.
- Resmî tatillerde ve kampanya dönemlerinde kargo firmaları bir iki gün daha fazla süreye ihtiyaç duyabilir.
- Ön siparişli ürünler, ürün sayfasında belirtilen çıkış tarihinde gönderilir.",
            },
            Text {
                locale: "pl",
                title: "Opcje i czas dostawy",
                body: "\
Zamówienia pakujemy codziennie, a paczki wyjeżdżają z magazynu w dni robocze. Zamówienia złożone w dzień roboczy do **15:00** wysyłamy tego samego dnia.

| Opcja | Czas dostawy | Cena | Gratis |
|---|---|---|---|
| Kurier standardowy | 2–4 dni robocze | 4,99 € | przy zamówieniu powyżej 50 € |
| Paczkomat lub punkt odbioru | 2–3 dni robocze | 3,49 € | przy zamówieniu powyżej 30 € |
| Ekspres | następny dzień roboczy przy zamówieniu do 15:00 | 9,99 € | dla członków Kestrel Plus |
| Duże produkty (meble, duże AGD) | 5–10 dni roboczych, termin ustalany telefonicznie | 29 € | przy zamówieniu powyżej 500 € |

Czas dostawy liczymy od dnia wysyłki paczki. Gdy paczka wyjedzie, dostaniesz e-mail z linkiem do śledzenia.

**Dlaczego może to potrwać dłużej?**

- Produkty z różnych magazynów mogą przyjść w osobnych paczkach, w różne dni.
- W okolicach świąt i w czasie wyprzedaży kurierzy mogą potrzebować dnia lub dwóch więcej.
- Produkty w przedsprzedaży wysyłamy w dniu premiery podanym na stronie produktu.",
            },
            Text {
                locale: "fa",
                title: "روش‌ها و زمان ارسال",
                body: "\
سفارش‌ها هر روز بسته‌بندی می‌شوند و بسته‌ها در روزهای کاری از انبار خارج می‌شوند. سفارش‌هایی که در روز کاری تا ساعت **۱۵:۰۰** ثبت شوند، همان روز ارسال می‌شوند.

| روش | زمان تحویل | هزینه | رایگان برای |
|---|---|---|---|
| پیک عادی | ۲ تا ۴ روز کاری | ۴٫۹۹ یورو | سفارش‌های بالای ۵۰ یورو |
| صندوق امانات یا نقطهٔ تحویل | ۲ تا ۳ روز کاری | ۳٫۴۹ یورو | سفارش‌های بالای ۳۰ یورو |
| اکسپرس | روز کاری بعد، اگر تا ساعت ۱۵:۰۰ سفارش دهید | ۹٫۹۹ یورو | اعضای Kestrel Plus |
| کالاهای حجیم (مبلمان، لوازم خانگی بزرگ) | ۵ تا ۱۰ روز کاری، زمان تحویل تلفنی هماهنگ می‌شود | ۲۹ یورو | سفارش‌های بالای ۵۰۰ یورو |

زمان تحویل از روزی که بسته ارسال می‌شود حساب می‌شود. هنگام ارسال، ایمیلی با پیوند رهگیری برایتان می‌فرستیم.

**چرا ممکن است بیشتر طول بکشد؟**

- کالاهای انبارهای مختلف ممکن است در بسته‌های جداگانه و در روزهای متفاوت برسند.
- در ایام تعطیلات رسمی و حراج‌ها، شرکت‌های حمل ممکن است یکی دو روز بیشتر زمان لازم داشته باشند.
- کالاهای پیش‌فروش در تاریخ عرضه‌ای که در صفحهٔ کالا آمده ارسال می‌شوند.",
            },
        ],
    },
    DemoArticle {
        category: SHIPPING,
        status: Published,
        visibility: Public,
        tags: &["delivery", "tracking"],
        age_days: 225,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Tracking your parcel",
                body: "\
As soon as your parcel leaves the warehouse we e-mail you a tracking link. You can also find it any time under **Orders**: choose the order and press **Track parcel**. If your order came in several parcels, each has its own link.

What the statuses mean:

- **Label created**: the courier knows about the parcel but has not collected it yet. This can last until the evening of the shipping day.
- **In transit**: the parcel is moving between the courier's depots. It may not update for a day or so; that is normal.
- **Out for delivery**: it arrives today. Many couriers let you follow the driver on a map from the tracking page.
- **Delivery attempted**: nobody was home. The courier tries again the next working day or leaves the parcel at a nearby pickup point; the tracking page says which.
- **Delivered**: if you cannot find it, see *The tracking says delivered but I have no parcel*.

**No tracking update for three working days?** Write to us with your order number and we will open an investigation with the courier.",
            },
            Text {
                locale: "tr",
                title: "Kargonuzu takip etme",
                body: "\
Paketiniz depodan çıkar çıkmaz size kargo takip bağlantısını e-postayla göndeririz. Bağlantıyı istediğiniz zaman **Siparişler** sayfasında da bulabilirsiniz: siparişi seçip **Kargoyu takip et** düğmesine basın. Siparişiniz birden fazla pakette geldiyse her paketin kendi bağlantısı vardır.

Durumların anlamı:

- **Etiket oluşturuldu**: kargo firması paketten haberdar, ancak henüz teslim almadı. Bu durum gönderim gününün akşamına kadar sürebilir.
- **Yolda**: paket kargo firmasının aktarma merkezleri arasında ilerliyor. Bir gün kadar güncellenmemesi normaldir.
- **Dağıtımda**: paket bugün geliyor. Birçok kargo firması, takip sayfasında kuryeyi haritada izlemenize olanak tanır.
- **Teslim edilemedi**: adreste kimse yoktu. Kurye ertesi iş günü tekrar dener ya da paketi yakındaki bir teslim noktasına bırakır; hangisi olduğu takip sayfasında yazar.
- **Teslim edildi**: paketi bulamıyorsanız *Kargo teslim edildi görünüyor ama paket elime ulaşmadı* makalesine bakın.

**Üç iş günüdür takipte değişiklik yok mu?** Sipariş numaranızla bize yazın, kargo firmasıyla birlikte araştırma başlatalım.",
            },
            Text {
                locale: "pl",
                title: "Śledzenie przesyłki",
                body: "\
Gdy tylko paczka opuści magazyn, wysyłamy Ci e-mailem link do śledzenia. Znajdziesz go też w każdej chwili w **Zamówieniach**: wybierz zamówienie i kliknij **Śledź przesyłkę**. Jeśli zamówienie przyszło w kilku paczkach, każda ma własny link.

Co oznaczają statusy:

- **Etykieta utworzona**: kurier wie o paczce, ale jeszcze jej nie odebrał. Może to potrwać do wieczora w dniu wysyłki.
- **W drodze**: paczka przemieszcza się między sortowniami. Brak aktualizacji przez mniej więcej dzień jest normalny.
- **Wydana do doręczenia**: paczka dotrze dziś. Wielu kurierów pozwala śledzić kierowcę na mapie na stronie śledzenia.
- **Nieudana próba doręczenia**: nikogo nie było w domu. Kurier spróbuje ponownie następnego dnia roboczego albo zostawi paczkę w pobliskim punkcie odbioru; strona śledzenia podaje, co wybrał.
- **Doręczona**: jeśli nie możesz jej znaleźć, zobacz *Status mówi doręczona, ale nie mam paczki*.

**Brak zmian w śledzeniu od trzech dni roboczych?** Napisz do nas, podając numer zamówienia, a wyjaśnimy sprawę z kurierem.",
            },
            Text {
                locale: "fa",
                title: "رهگیری مرسوله",
                body: "\
به محض خروج بسته از انبار، پیوند رهگیری را برایتان ایمیل می‌کنیم. همچنین هر زمان در صفحهٔ **سفارش‌ها** آن را پیدا می‌کنید: سفارش را انتخاب کنید و **رهگیری بسته** را بزنید. اگر سفارش شما در چند بسته ارسال شده باشد، هر بسته پیوند جداگانه‌ای دارد.

معنای وضعیت‌ها:

- **برچسب صادر شد**: شرکت حمل از بسته خبر دارد اما هنوز آن را تحویل نگرفته است. این وضعیت ممکن است تا عصر روز ارسال ادامه داشته باشد.
- **در مسیر**: بسته بین مراکز توزیع شرکت حمل در حرکت است. به‌روز نشدن آن برای حدود یک روز طبیعی است.
- **در حال توزیع**: بسته امروز می‌رسد. بسیاری از شرکت‌های حمل امکان دنبال‌کردن راننده روی نقشه را در صفحهٔ رهگیری فراهم می‌کنند.
- **تحویل ناموفق**: کسی در محل نبود. مأمور روز کاری بعد دوباره مراجعه می‌کند یا بسته را در نزدیک‌ترین نقطهٔ تحویل می‌گذارد؛ صفحهٔ رهگیری مشخص می‌کند کدام.
- **تحویل داده شد**: اگر بسته را پیدا نمی‌کنید، مقالهٔ *وضعیت «تحویل داده شد» است اما بسته به دستم نرسیده* را ببینید.

**سه روز کاری است که وضعیت رهگیری تغییر نکرده؟** با ذکر شمارهٔ سفارش به ما پیام دهید تا پیگیری را با شرکت حمل آغاز کنیم.",
            },
        ],
    },
    DemoArticle {
        category: SHIPPING,
        status: Published,
        visibility: Public,
        tags: &["address-change", "delivery"],
        age_days: 160,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Changing the delivery address after ordering",
                body: "\
You can change the address yourself as long as the order has not been packed:

1. Open **Orders** and choose the order.
2. Press **Change address** (you only see it while the order is *Confirmed*).
3. Pick a saved address or enter a new one, and save.

**The button is gone?** The order is already being packed or has shipped. Then:

- **Packed but not shipped**: contact us straight away. We can often still stop the parcel and relabel it, but cannot promise it.
- **Shipped**: most couriers let you redirect the parcel from their tracking page to another address, a pickup point or a neighbour, usually for free. Open the tracking link and look for *Change delivery*.

For your safety we cannot send a shipped parcel to another country, or change the address of an order paid with pay later (Klarna): cancel it and order again instead.",
            },
            Text {
                locale: "tr",
                title: "Sipariş sonrası teslimat adresini değiştirme",
                body: "\
Sipariş paketlenmediği sürece adresi kendiniz değiştirebilirsiniz:

1. **Siparişler** sayfasını açın ve siparişi seçin.
2. **Adresi değiştir** düğmesine basın (yalnızca sipariş *Onaylandı* durumundayken görünür).
3. Kayıtlı bir adres seçin veya yeni bir adres girip kaydedin.

**Düğme görünmüyor mu?** Sipariş paketleniyor ya da kargoya verilmiş demektir. Bu durumda:

- **Paketlendi ama kargoya verilmedi**: hemen bize yazın. Çoğu zaman paketi durdurup yeni etiket basabiliriz, ancak bunu garanti edemeyiz.
- **Kargoya verildi**: kargo firmalarının çoğu, takip sayfasından paketi başka bir adrese, bir teslim noktasına veya komşunuza, genellikle ücretsiz olarak yönlendirmenize izin verir. Takip bağlantısını açın ve *Teslimatı değiştir* seçeneğini arayın.

Güvenliğiniz için kargoya verilmiş bir paketi başka bir ülkeye yönlendiremiyor, sonra öde (Klarna) ile ödenmiş siparişlerin adresini de değiştiremiyoruz; bu durumda siparişi iptal edip yeniden verin.",
            },
            Text {
                locale: "pl",
                title: "Zmiana adresu dostawy po złożeniu zamówienia",
                body: "\
Adres możesz zmienić samodzielnie, dopóki zamówienie nie zostało spakowane:

1. Otwórz **Zamówienia** i wybierz zamówienie.
2. Kliknij **Zmień adres** (przycisk widać tylko przy statusie *Potwierdzone*).
3. Wybierz zapisany adres albo wpisz nowy i zapisz.

**Nie ma przycisku?** Zamówienie jest już pakowane albo zostało wysłane. Wtedy:

- **Spakowane, ale niewysłane**: napisz do nas od razu. Często możemy jeszcze zatrzymać paczkę i zmienić etykietę, ale nie możemy tego obiecać.
- **Wysłane**: większość kurierów pozwala przekierować paczkę ze strony śledzenia na inny adres, do punktu odbioru lub do sąsiada, zwykle bezpłatnie. Otwórz link do śledzenia i poszukaj opcji *Zmień dostawę*.

Ze względów bezpieczeństwa nie przekierowujemy wysłanych paczek do innego kraju ani nie zmieniamy adresu w zamówieniach opłaconych płatnością odroczoną (Klarna): w takim przypadku anuluj zamówienie i złóż je ponownie.",
            },
            Text {
                locale: "fa",
                title: "تغییر نشانی تحویل پس از ثبت سفارش",
                body: "\
تا زمانی که سفارش بسته‌بندی نشده است، می‌توانید خودتان نشانی را تغییر دهید:

1. صفحهٔ **سفارش‌ها** را باز کنید و سفارش را انتخاب کنید.
2. **تغییر نشانی** را بزنید (این دکمه فقط وقتی سفارش در وضعیت *تأییدشده* است دیده می‌شود).
3. یکی از نشانی‌های ذخیره‌شده را انتخاب کنید یا نشانی جدیدی وارد و ذخیره کنید.

**دکمه را نمی‌بینید؟** سفارش در حال بسته‌بندی است یا ارسال شده است. در این صورت:

- **بسته‌بندی شده ولی ارسال نشده**: فوراً با ما تماس بگیرید. اغلب هنوز می‌توانیم بسته را نگه داریم و برچسب آن را عوض کنیم، اما تضمینی نیست.
- **ارسال شده**: بیشتر شرکت‌های حمل اجازه می‌دهند از صفحهٔ رهگیری، بسته را معمولاً رایگان به نشانی دیگر، نقطهٔ تحویل یا همسایه بفرستید. پیوند رهگیری را باز کنید و گزینهٔ *تغییر تحویل* را پیدا کنید.

برای امنیت شما، بستهٔ ارسال‌شده را به کشور دیگری نمی‌فرستیم و نشانی سفارش‌هایی را که با پرداخت بعدی (Klarna) پرداخت شده‌اند تغییر نمی‌دهیم؛ در این حالت سفارش را لغو کنید و دوباره ثبت کنید.",
            },
        ],
    },
    DemoArticle {
        category: SHIPPING,
        status: Published,
        visibility: Public,
        tags: &["delivery", "parcel-locker"],
        age_days: 120,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Delivery to a parcel locker or pickup point",
                body: "\
A parcel locker or pickup point is often the cheapest and most flexible way to get your order: you collect it when it suits you, and nobody needs to be home.

1. At checkout, choose **Parcel locker or pickup point**.
2. Search by address or postcode and pick a point on the map. Your favourite points are saved for next time.
3. When the parcel arrives you get a text message and an e-mail with a **pickup code** and a QR code.
4. Enter the code or scan the QR code at the locker, or show it at the pickup point's counter.

**Good to know**

- You have **48 hours** to collect from a locker and **7 days** from a pickup point. A locker's time can be extended once by 24 hours in the courier's app.
- Parcels over 25 kg or longer than 60 cm do not fit in a locker; checkout only offers points that suit your order.
- A parcel not collected in time comes back to us and is refunded like a return, less the delivery cost.",
            },
            Text {
                locale: "pl",
                title: "Dostawa do paczkomatu lub punktu odbioru",
                body: "\
Paczkomat lub punkt odbioru to często najtańszy i najwygodniejszy sposób odbioru zamówienia: odbierasz paczkę, kiedy Ci pasuje, i nikt nie musi czekać w domu.

1. W podsumowaniu zamówienia wybierz **Paczkomat lub punkt odbioru**.
2. Wyszukaj punkt po adresie lub kodzie pocztowym i wybierz go na mapie. Ulubione punkty zapamiętamy na następny raz.
3. Gdy paczka dotrze, dostaniesz SMS i e-mail z **kodem odbioru** oraz kodem QR.
4. Wpisz kod lub zeskanuj kod QR przy paczkomacie albo pokaż go w punkcie odbioru.

**Warto wiedzieć**

- Na odbiór z paczkomatu masz **48 godzin**, a z punktu odbioru **7 dni**. Czas odbioru z paczkomatu możesz raz przedłużyć o 24 godziny w aplikacji kuriera.
- Paczki cięższe niż 25 kg lub dłuższe niż 60 cm nie zmieszczą się w paczkomacie; przy zamówieniu pokazujemy tylko punkty, które pasują.
- Nieodebrana w terminie paczka wraca do nas, a zamówienie rozliczamy jak zwrot, pomniejszony o koszt dostawy.",
            },
        ],
    },
    DemoArticle {
        category: SHIPPING,
        status: Published,
        visibility: Public,
        tags: &["customs", "delivery", "international"],
        age_days: 95,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Shipping to Türkiye and the United Kingdom: customs and import fees",
                body: "\
Orders to countries outside the European Union pass through customs. The total at checkout tells you whether import charges are included:

| Destination | Import VAT and duty | Who pays |
|---|---|---|
| EU countries | none | nobody |
| United Kingdom, orders up to £135 | UK VAT, added at checkout | included in your total |
| United Kingdom, orders over £135 | VAT and duty, collected by the courier | you, before delivery |
| Türkiye | customs tax and VAT, collected by the courier | you, before delivery |

When the courier collects charges, you get a text message with a payment link before delivery; the parcel is held until you pay. Customs sometimes asks for your identity number (the T.C. kimlik numarası in Türkiye); the courier contacts you if so.

If you refuse a parcel because of import charges, we refund the items once it is back with us, but not the shipping cost or the charges the courier paid on your behalf.",
            },
            Text {
                locale: "tr",
                title: "Türkiye ve Birleşik Krallık'a gönderim: gümrük ve ithalat vergileri",
                body: "\
Avrupa Birliği dışındaki ülkelere gönderilen siparişler gümrükten geçer. Ödeme adımındaki toplam tutar, ithalat masraflarının dahil olup olmadığını gösterir:

| Varış yeri | İthalat KDV'si ve gümrük vergisi | Kim öder |
|---|---|---|
| AB ülkeleri | yok | kimse |
| Birleşik Krallık, 135 £'a kadar siparişler | Birleşik Krallık KDV'si, ödeme adımında eklenir | toplam tutara dahildir |
| Birleşik Krallık, 135 £ üzeri siparişler | KDV ve gümrük vergisi, kurye tahsil eder | siz, teslimattan önce |
| Türkiye | gümrük vergisi ve KDV, kurye tahsil eder | siz, teslimattan önce |

Kurye vergi tahsil edecekse teslimattan önce size ödeme bağlantısı içeren bir SMS gelir; ödeme yapılana kadar paket bekletilir. Gümrük bazen T.C. kimlik numaranızı isteyebilir; bu durumda kargo firması sizinle iletişime geçer.

İthalat masrafları nedeniyle paketi teslim almazsanız, paket bize geri döndüğünde ürün bedelini iade ederiz; ancak kargo ücretini ve kuryenin sizin adınıza ödediği masrafları iade edemeyiz.",
            },
        ],
    },
    DemoArticle {
        category: SHIPPING,
        status: Published,
        visibility: Public,
        tags: &["delivery", "missing-parcel", "tracking"],
        age_days: 140,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "The tracking says delivered but I have no parcel",
                body: "\
Don't worry: most parcels marked as delivered turn up within a day. Before contacting us, please check:

- [ ] Your mailbox, porch, garage, garden shed and other safe places around the house.
- [ ] With your neighbours and your building's reception or caretaker.
- [ ] The tracking page: it often shows a photo of where the parcel was left, or a signature.
- [ ] Whether the parcel went to a pickup point after a failed delivery attempt.

If you still cannot find it **24 hours** after the delivery time, contact us with your order number. We open a claim with the courier, who checks the driver's GPS record. This takes up to 5 working days; if the parcel is not found, we send a replacement or refund you in full, whichever you prefer.",
            },
            Text {
                locale: "tr",
                title: "Kargo teslim edildi görünüyor ama paket elime ulaşmadı",
                body: "\
Endişelenmeyin: teslim edildi olarak görünen paketlerin çoğu bir gün içinde bulunur. Bize yazmadan önce lütfen şunları kontrol edin:

- [ ] Posta kutunuz, kapı önü, garaj, bahçe ve evin çevresindeki diğer güvenli yerler.
- [ ] Komşularınız ve binanızın güvenliği veya yönetimi.
- [ ] Takip sayfası: çoğu zaman paketin bırakıldığı yerin fotoğrafını veya teslim alan kişinin imzasını gösterir.
- [ ] Başarısız bir teslimat denemesinden sonra paketin bir teslim noktasına bırakılıp bırakılmadığı.

Teslimat saatinden **24 saat** sonra hâlâ bulamadıysanız sipariş numaranızla bize yazın. Kargo firması nezdinde bir inceleme başlatırız; firma kuryenin GPS kaydını kontrol eder. Bu işlem 5 iş gününe kadar sürebilir; paket bulunamazsa tercihinize göre yenisini gönderir ya da ücretin tamamını iade ederiz.",
            },
            Text {
                locale: "pl",
                title: "Status mówi doręczona, ale nie mam paczki",
                body: "\
Bez obaw: większość paczek oznaczonych jako doręczone odnajduje się w ciągu doby. Zanim do nas napiszesz, sprawdź:

- [ ] Skrzynkę pocztową, wycieraczkę, garaż, altanę i inne bezpieczne miejsca wokół domu.
- [ ] U sąsiadów oraz w recepcji lub u dozorcy budynku.
- [ ] Stronę śledzenia: często jest tam zdjęcie miejsca, w którym zostawiono paczkę, albo podpis odbiorcy.
- [ ] Czy po nieudanej próbie doręczenia paczka nie trafiła do punktu odbioru.

Jeśli **24 godziny** po doręczeniu nadal jej nie masz, napisz do nas, podając numer zamówienia. Złożymy reklamację u kuriera, który sprawdzi zapis GPS kierowcy. Trwa to do 5 dni roboczych; jeśli paczka się nie znajdzie, wyślemy nową albo zwrócimy całą kwotę, jak wolisz.",
            },
            Text {
                locale: "fa",
                title: "وضعیت «تحویل داده شد» است اما بسته به دستم نرسیده",
                body: "\
نگران نباشید؛ بیشتر بسته‌هایی که «تحویل داده شد» نشان داده می‌شوند ظرف یک روز پیدا می‌شوند. پیش از تماس با ما لطفاً این موارد را بررسی کنید:

- [ ] صندوق پست، جلوی در، پارکینگ، حیاط و دیگر جاهای امن اطراف خانه.
- [ ] همسایه‌ها و نگهبانی یا سرایدار ساختمان.
- [ ] صفحهٔ رهگیری: اغلب عکسی از محل گذاشتن بسته یا امضای تحویل‌گیرنده در آن هست.
- [ ] اینکه آیا بسته پس از تحویل ناموفق به نقطهٔ تحویل برده شده است.

اگر **۲۴ ساعت** پس از زمان تحویل هنوز آن را پیدا نکرده‌اید، با ذکر شمارهٔ سفارش به ما پیام دهید. نزد شرکت حمل درخواست پیگیری ثبت می‌کنیم و آن‌ها سابقهٔ GPS مأمور را بررسی می‌کنند. این کار تا ۵ روز کاری طول می‌کشد؛ اگر بسته پیدا نشد، به انتخاب شما کالای جدید می‌فرستیم یا کل مبلغ را برمی‌گردانیم.",
            },
        ],
    },
    DemoArticle {
        category: ACCOUNT,
        status: Published,
        visibility: Public,
        tags: &["login", "password"],
        age_days: 235,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Resetting your password",
                body: "\
1. On the sign-in page, press **Forgot password?**
2. Enter the e-mail address of your account. For your privacy we show the same message whether or not the address has an account.
3. Open the e-mail from *no-reply@kestrel.example* and press **Choose a new password**. The link works for **one hour**, and only once.
4. Choose a password of at least 10 characters that you do not use anywhere else. A passphrase of three or four words is easy to remember and hard to guess.

You are then signed out on all your other devices: sign in again there with the new password.

**No e-mail after 10 minutes?**

- Look in the spam or *Promotions* folder.
- Make sure you typed the address you signed up with; you may have used a work or an older address.
- If you signed up with Apple or Google, you have no Kestrel password: use the **Continue with Apple/Google** button instead.

**Still cannot sign in right after resetting?** Your browser or password manager may be filling in the old password. Type the new one by hand, then update the saved one.",
            },
            Text {
                locale: "tr",
                title: "Şifrenizi sıfırlama",
                body: "\
1. Giriş sayfasında **Şifremi unuttum** bağlantısına basın.
2. Hesabınızın e-posta adresini girin. Gizliliğiniz için, bu adrese kayıtlı bir hesap olsa da olmasa da aynı mesajı gösteririz.
3. *no-reply@kestrel.example* adresinden gelen e-postayı açın ve **Yeni şifre belirle** düğmesine basın. Bağlantı **bir saat** geçerlidir ve yalnızca bir kez kullanılabilir.
4. Başka hiçbir yerde kullanmadığınız, en az 10 karakterlik bir şifre seçin. Üç dört kelimeden oluşan bir parola cümlesinin hatırlanması kolay, tahmin edilmesi zordur.

Ardından diğer tüm cihazlarınızda oturumunuz kapatılır; oralarda yeni şifrenizle tekrar giriş yapın.

**10 dakika geçti, e-posta gelmedi mi?**

- İstenmeyen e-posta veya *Promosyonlar* klasörüne bakın.
- Kayıt olurken kullandığınız adresi yazdığınızdan emin olun; iş adresinizi veya eski bir adresinizi kullanmış olabilirsiniz.
- Apple veya Google ile kayıt olduysanız Kestrel şifreniz yoktur: bunun yerine **Apple/Google ile devam et** düğmesini kullanın.

**Sıfırladıktan hemen sonra hâlâ giriş yapamıyor musunuz?** Tarayıcınız veya şifre yöneticiniz eski şifreyi otomatik dolduruyor olabilir. Yeni şifreyi elle yazın, ardından kayıtlı şifreyi güncelleyin.",
            },
            Text {
                locale: "pl",
                title: "Resetowanie hasła",
                body: "\
1. Na stronie logowania kliknij **Nie pamiętasz hasła?**
2. Podaj adres e-mail konta. Ze względu na prywatność pokazujemy ten sam komunikat niezależnie od tego, czy konto z tym adresem istnieje.
3. Otwórz wiadomość od *no-reply@kestrel.example* i kliknij **Ustaw nowe hasło**. Link działa przez **godzinę** i tylko raz.
4. Wybierz hasło o długości co najmniej 10 znaków, którego nie używasz nigdzie indziej. Fraza z trzech lub czterech słów jest łatwa do zapamiętania i trudna do odgadnięcia.

Potem nastąpi wylogowanie na wszystkich pozostałych urządzeniach: zaloguj się na nich ponownie nowym hasłem.

**Po 10 minutach nadal brak wiadomości?**

- Zajrzyj do folderu spam lub *Oferty*.
- Upewnij się, że wpisujesz adres użyty przy rejestracji; może to być adres służbowy lub starszy.
- Jeśli konto zostało założone przez Apple lub Google, nie ma hasła w Kestrel: użyj przycisku **Kontynuuj z Apple/Google**.

**Zaraz po zmianie hasła nadal nie możesz się zalogować?** Przeglądarka lub menedżer haseł może wpisywać stare hasło. Wpisz nowe ręcznie, a potem zaktualizuj zapisane.",
            },
            Text {
                locale: "fa",
                title: "بازنشانی گذرواژه",
                body: "\
1. در صفحهٔ ورود، روی **گذرواژه را فراموش کرده‌اید؟** بزنید.
2. نشانی ایمیل حساب خود را وارد کنید. برای حفظ حریم خصوصی، چه حسابی با این نشانی وجود داشته باشد چه نه، پیام یکسانی نشان می‌دهیم.
3. ایمیل ارسالی از *no-reply@kestrel.example* را باز کنید و **انتخاب گذرواژهٔ جدید** را بزنید. این پیوند **یک ساعت** و فقط یک بار معتبر است.
4. گذرواژه‌ای دست‌کم ۱۰ نویسه‌ای انتخاب کنید که جای دیگری از آن استفاده نمی‌کنید. عبارتی سه یا چهار کلمه‌ای هم به‌خاطر سپردنش آسان است و هم حدس‌زدنش دشوار.

پس از آن، از همهٔ دستگاه‌های دیگرتان خارج می‌شوید؛ در آن‌ها با گذرواژهٔ جدید دوباره وارد شوید.

**پس از ۱۰ دقیقه ایمیلی نرسید؟**

- پوشهٔ هرزنامه یا *تبلیغات* را بررسی کنید.
- مطمئن شوید نشانی‌ای را وارد کرده‌اید که با آن ثبت‌نام کرده‌اید؛ شاید از نشانی کاری یا قدیمی استفاده کرده باشید.
- اگر با Apple یا Google ثبت‌نام کرده‌اید، گذرواژهٔ Kestrel ندارید؛ به‌جای آن از دکمهٔ **ادامه با Apple/Google** استفاده کنید.

**درست پس از بازنشانی هنوز نمی‌توانید وارد شوید؟** ممکن است مرورگر یا برنامهٔ مدیریت گذرواژه، گذرواژهٔ قدیمی را خودکار وارد کند. گذرواژهٔ جدید را دستی تایپ کنید و سپس گذرواژهٔ ذخیره‌شده را به‌روز کنید.",
            },
        ],
    },
    DemoArticle {
        category: ACCOUNT,
        status: Published,
        visibility: Public,
        tags: &["account", "checkout"],
        age_days: 245,
        earlier_source: None,
        behind: &[],
        texts: &[Text {
            locale: "en",
            title: "Creating an account or checking out as a guest",
            body: "\
You do not need an account to shop: choose **Check out as a guest** and we e-mail you a link to follow the order.

An account is free and gives you:

- your order history and invoices in one place;
- returns in a few clicks, without looking up the order number;
- saved addresses and a faster checkout;
- wish lists and price alerts;
- Kestrel Plus, if you want it.

**To create an account**, press **Sign in → Create account**, or continue with Apple or Google. If you ordered as a guest with the same e-mail address before, those orders appear in your new account automatically.",
        }],
    },
    DemoArticle {
        category: ACCOUNT,
        status: Published,
        visibility: Public,
        tags: &["account", "profile"],
        age_days: 110,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Changing your e-mail address, name or phone number",
                body: "\
Open **Account → Personal details**.

- **Name and phone number**: edit them and press **Save**. Changes apply to new orders; an order already on its way keeps the details it was placed with.
- **E-mail address**: enter the new address and confirm with your password. We send a confirmation link to the *new* address and a notice to the old one. The change takes effect once you press the link, which works for 24 hours.

If you no longer have access to your old address and cannot sign in, contact us from the new address. For your security we will ask you to confirm a recent order (its number, date and amount) before we change anything.",
            },
            Text {
                locale: "pl",
                title: "Zmiana adresu e-mail, imienia i nazwiska lub numeru telefonu",
                body: "\
Otwórz **Konto → Dane osobowe**.

- **Imię, nazwisko i numer telefonu**: popraw dane i kliknij **Zapisz**. Zmiany dotyczą nowych zamówień; zamówienie, które jest już w drodze, zachowuje dane z chwili złożenia.
- **Adres e-mail**: wpisz nowy adres i potwierdź go hasłem. Na *nowy* adres wyślemy link potwierdzający, a na stary powiadomienie. Zmiana zacznie obowiązywać po kliknięciu linku, który jest ważny 24 godziny.

Jeśli nie masz już dostępu do starego adresu i nie możesz się zalogować, napisz do nas z nowego adresu. Ze względów bezpieczeństwa, zanim cokolwiek zmienimy, poprosimy o potwierdzenie ostatniego zamówienia (numer, data i kwota).",
            },
        ],
    },
    DemoArticle {
        category: ACCOUNT,
        status: Published,
        visibility: Public,
        tags: &["newsletter", "notifications"],
        age_days: 100,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Choosing which e-mails and notifications you get",
                body: "\
Open **Account → Notifications**. There are two kinds of messages:

| Kind | Examples | Can I turn it off? |
|---|---|---|
| Service messages | order confirmation, shipping and delivery updates, refunds, security alerts | No: you need them to follow your orders |
| Marketing | newsletter, offers, price drops on your wish list, requests to review a product | Yes, each one separately |

Changes apply at once, but an e-mail that was already scheduled may still arrive within 48 hours. Every marketing e-mail also has an **Unsubscribe** link at the bottom.

Notifications from the app are switched on and off in your phone's settings: see *Getting order updates as app notifications*.",
            },
            Text {
                locale: "tr",
                title: "Hangi e-postaları ve bildirimleri alacağınızı seçme",
                body: "\
**Hesap → Bildirimler** bölümünü açın. İki tür mesaj vardır:

| Tür | Örnekler | Kapatabilir miyim? |
|---|---|---|
| Hizmet mesajları | sipariş onayı, kargo ve teslimat bildirimleri, iadeler, güvenlik uyarıları | Hayır: siparişlerinizi takip etmek için bunlara ihtiyacınız var |
| Pazarlama | bülten, kampanyalar, istek listenizdeki ürünlerde fiyat düşüşleri, ürün değerlendirme istekleri | Evet, her biri ayrı ayrı |

Değişiklikler hemen geçerli olur, ancak önceden planlanmış bir e-posta 48 saat içinde yine de gelebilir. Her pazarlama e-postasının altında bir **Abonelikten çık** bağlantısı da bulunur.

Uygulama bildirimlerini telefonunuzun ayarlarından açıp kapatabilirsiniz: *Sipariş güncellemelerini uygulama bildirimi olarak alma* makalesine bakın.",
            },
        ],
    },
    DemoArticle {
        category: ACCOUNT,
        status: Published,
        visibility: Public,
        tags: &["account", "business", "kestrel-plus"],
        age_days: 75,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Sharing your account with family or a team",
                body: "\
Everyone who shops should have their own sign-in: payment details and order history stay private, and security alerts reach the right person.

**Family:** each person creates a free account. A Kestrel Plus membership can be shared with up to **four** other people in your household: open **Account → Kestrel Plus → Share** and enter their e-mail addresses. They get free express delivery on their own accounts.

**Business:** a business account lets a team order on one invoice. The owner invites colleagues under **Account → Team** and gives each a role:

| Role | Can order | Sees all team orders | Manages invoices and payment |
|---|---|---|---|
| Buyer | yes | no | no |
| Manager | yes | yes | no |
| Owner | yes | yes | yes |

A business account needs a VAT number; see *Getting a VAT invoice for your order*.",
            },
            Text {
                locale: "pl",
                title: "Wspólne konto dla rodziny lub zespołu",
                body: "\
Każda osoba, która robi zakupy, powinna logować się na własne konto: dane płatności i historia zamówień pozostają prywatne, a alerty bezpieczeństwa trafiają do właściwej osoby.

**Rodzina:** każdy zakłada własne bezpłatne konto. Członkostwem Kestrel Plus możesz podzielić się z maksymalnie **czterema** domownikami: otwórz **Konto → Kestrel Plus → Udostępnij** i wpisz ich adresy e-mail. Dostaną darmową dostawę ekspresową na swoich kontach.

**Firma:** konto firmowe pozwala zespołowi zamawiać na jedną fakturę. Właściciel zaprasza współpracowników w **Konto → Zespół** i każdemu nadaje rolę:

| Rola | Może zamawiać | Widzi zamówienia zespołu | Zarządza fakturami i płatnościami |
|---|---|---|---|
| Kupujący | tak | nie | nie |
| Menedżer | tak | tak | nie |
| Właściciel | tak | tak | tak |

Konto firmowe wymaga numeru NIP; zobacz *Faktura VAT do zamówienia*.",
            },
        ],
    },
    DemoArticle {
        category: ACCOUNT,
        status: Published,
        visibility: Public,
        tags: &["account", "privacy"],
        age_days: 60,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Closing your account",
                body: "\
You can close your account at any time under **Account → Privacy → Close account**. Before you do:

- Wait until open orders, returns and refunds are finished; we cannot close an account while one is in progress.
- Use or download anything you want to keep: invoices (see *Downloading your order history and invoices*), gift card balance and store credit. **Unused store credit is lost** when the account is closed.
- Cancel Kestrel Plus if it renews automatically; the rest of the paid period is refunded pro rata.

After you confirm, we send an e-mail with a link to undo the request. After **14 days** the account is closed for good and your personal data is deleted, except what the law requires us to keep, such as invoices, which are kept for 5 years (see *How we use your personal data*).",
            },
            Text {
                locale: "fa",
                title: "بستن حساب کاربری",
                body: "\
هر زمان بخواهید می‌توانید از مسیر **حساب ← حریم خصوصی ← بستن حساب** حساب خود را ببندید. پیش از آن:

- صبر کنید تا سفارش‌ها، مرجوعی‌ها و بازپرداخت‌های باز به پایان برسند؛ تا وقتی یکی از آن‌ها در جریان است نمی‌توانیم حساب را ببندیم.
- هر چه را می‌خواهید نگه دارید استفاده یا دانلود کنید: فاکتورها (مقالهٔ *دریافت سابقهٔ سفارش‌ها و فاکتورها* را ببینید)، موجودی کارت هدیه و اعتبار فروشگاه. **اعتبار استفاده‌نشدهٔ فروشگاه** با بستن حساب از بین می‌رود.
- اگر اشتراک Kestrel Plus به‌طور خودکار تمدید می‌شود، آن را لغو کنید؛ مبلغ باقی‌ماندهٔ دورهٔ پرداخت‌شده به نسبت برگردانده می‌شود.

پس از تأیید، ایمیلی با پیوندی برای لغو درخواست برایتان می‌فرستیم. پس از **۱۴ روز** حساب برای همیشه بسته می‌شود و اطلاعات شخصی شما حذف می‌شود، به‌جز آنچه قانون ما را به نگهداری‌اش ملزم می‌کند، مانند فاکتورها که ۵ سال نگهداری می‌شوند (مقالهٔ *چگونه از اطلاعات شخصی شما استفاده می‌کنیم* را ببینید).",
            },
        ],
    },
    DemoArticle {
        category: BILLING,
        status: Published,
        visibility: Public,
        tags: &["business", "invoice", "vat"],
        age_days: 200,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Getting a VAT invoice for your order",
                body: "\
Every order comes with a receipt. If you buy for a company, you can get a VAT invoice with your company's details instead.

**Before you order:** at checkout, tick **I need a VAT invoice** and enter the company name, address and VAT number. Save them under **Account → Billing details** to have them filled in next time. We check EU VAT numbers in the VIES register, so an invalid number is flagged before you pay.

**After you order:** the invoice is issued when the order ships and appears under **Orders → Invoices** as a PDF.

**Wrong details on an issued invoice?** An issued invoice cannot be edited, but we can replace it with a corrected one:

1. Update the details under **Account → Billing details**.
2. Contact us with the order number and what needs to change, for example an old VAT number.
3. Within two working days you get the corrected invoice; the old one is cancelled automatically.

We can correct invoices until the end of the calendar year after the one they were issued in.",
            },
            Text {
                locale: "tr",
                title: "Siparişiniz için kurumsal fatura alma",
                body: "\
Her siparişle birlikte bireysel fatura düzenlenir. Şirketiniz adına alışveriş yapıyorsanız bunun yerine şirket bilgilerinizi içeren kurumsal fatura alabilirsiniz.

**Sipariş vermeden önce:** ödeme adımında **Kurumsal fatura istiyorum** kutusunu işaretleyin ve şirket unvanını, adresini, vergi dairesini ve vergi numarasını girin. Bir dahaki sefere otomatik dolması için bu bilgileri **Hesap → Fatura bilgileri** bölümüne kaydedin.

**Sipariş verdikten sonra:** fatura, sipariş kargoya verildiğinde düzenlenir ve **Siparişler → Faturalar** bölümünde PDF olarak görünür.

**Düzenlenmiş faturada yanlış bilgi mi var?** Düzenlenmiş bir fatura değiştirilemez, ancak yerine düzeltilmiş bir fatura düzenleyebiliriz:

1. **Hesap → Fatura bilgileri** bölümündeki bilgileri güncelleyin.
2. Sipariş numarasını ve neyin değişmesi gerektiğini (örneğin eski bir vergi numarası) bize yazın.
3. İki iş günü içinde düzeltilmiş faturanız gelir; eskisi otomatik olarak iptal edilir.

Faturaları, düzenlendikleri yılı izleyen takvim yılının sonuna kadar düzeltebiliriz.",
            },
            Text {
                locale: "pl",
                title: "Faktura VAT do zamówienia",
                body: "\
Do każdego zamówienia wystawiamy paragon. Jeśli kupujesz na firmę, zamiast niego możesz otrzymać fakturę VAT z danymi firmy.

**Przed złożeniem zamówienia:** w podsumowaniu zaznacz **Chcę fakturę VAT** i podaj nazwę firmy, adres i numer NIP. Zapisz je w **Konto → Dane do faktury**, a następnym razem uzupełnią się same. Numery VAT z UE sprawdzamy w rejestrze VIES, więc błędny numer zobaczysz jeszcze przed płatnością.

**Po złożeniu zamówienia:** faktura jest wystawiana w dniu wysyłki i pojawia się w **Zamówienia → Faktury** jako plik PDF.

**Błędne dane na wystawionej fakturze?** Wystawionej faktury nie można edytować, ale możemy wystawić fakturę korygującą:

1. Zaktualizuj dane w **Konto → Dane do faktury**.
2. Napisz do nas, podając numer zamówienia i to, co trzeba zmienić, na przykład stary numer NIP.
3. W ciągu dwóch dni roboczych otrzymasz fakturę korygującą.

Faktury możemy korygować do końca roku kalendarzowego następującego po roku ich wystawienia.",
            },
        ],
    },
    DemoArticle {
        category: BILLING,
        status: Published,
        visibility: Public,
        tags: &["kestrel-plus", "membership", "subscription"],
        age_days: 130,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Kestrel Plus: monthly or annual membership",
                body: "\
Kestrel Plus gives you free express delivery on every order, 60 days to return instead of 30, early access to sales and member prices on selected products.

| | Monthly | Annual |
|---|---|---|
| Price | €5.99 a month | €49 a year (about €4.08 a month) |
| Free trial | 30 days, once per account | 30 days, once per account |
| Cancelling | any time; runs to the end of the month | any time; unused full months are refunded |
| Sharing with your household | up to 4 people | up to 4 people |

**Switching plans:** under **Account → Kestrel Plus → Change plan**. Moving from monthly to annual takes effect at once, and the rest of the current month is credited to you. Moving from annual to monthly takes effect on your next renewal date.

**Renewal:** we e-mail you 7 days before an annual membership renews. Renewal uses the card saved in your account; if the payment fails, your benefits continue for 14 days while you update the card.",
            },
            Text {
                locale: "tr",
                title: "Kestrel Plus: aylık veya yıllık üyelik",
                body: "\
Kestrel Plus ile her siparişte ücretsiz ekspres teslimat, 30 yerine 60 günlük iade süresi, indirimlere erken erişim ve seçili ürünlerde üyelere özel fiyatlardan yararlanırsınız.

| | Aylık | Yıllık |
|---|---|---|
| Ücret | ayda 5,99 € | yılda 49 € (ayda yaklaşık 4,08 €) |
| Ücretsiz deneme | 30 gün, hesap başına bir kez | 30 gün, hesap başına bir kez |
| İptal | istediğiniz zaman; ay sonuna kadar devam eder | istediğiniz zaman; kullanılmayan tam aylar iade edilir |
| Hane halkıyla paylaşım | en fazla 4 kişi | en fazla 4 kişi |

**Plan değiştirme:** **Hesap → Kestrel Plus → Planı değiştir** bölümünden yapılır. Aylıktan yıllığa geçiş hemen geçerli olur ve içinde bulunduğunuz ayın kalanı hesabınıza alacak olarak yansıtılır. Yıllıktan aylığa geçiş bir sonraki yenileme tarihinizde geçerli olur.

**Yenileme:** yıllık üyeliğiniz yenilenmeden 7 gün önce size e-posta göndeririz. Yenileme, hesabınızda kayıtlı kartla yapılır; ödeme alınamazsa kartınızı güncelleyebilmeniz için ayrıcalıklarınız 14 gün daha devam eder.",
            },
            Text {
                locale: "fa",
                title: "Kestrel Plus: اشتراک ماهانه یا سالانه",
                body: "\
با Kestrel Plus برای همهٔ سفارش‌ها ارسال اکسپرس رایگان، مهلت مرجوعی ۶۰ روزه به‌جای ۳۰ روز، دسترسی زودهنگام به حراج‌ها و قیمت ویژهٔ اعضا برای کالاهای منتخب دارید.

| | ماهانه | سالانه |
|---|---|---|
| هزینه | ماهی ۵٫۹۹ یورو | سالی ۴۹ یورو (حدود ۴٫۰۸ یورو در ماه) |
| دورهٔ آزمایشی رایگان | ۳۰ روز، یک بار برای هر حساب | ۳۰ روز، یک بار برای هر حساب |
| لغو | هر زمان؛ تا پایان ماه ادامه دارد | هر زمان؛ مبلغ ماه‌های کامل استفاده‌نشده برگردانده می‌شود |
| اشتراک‌گذاری با اعضای خانواده | حداکثر ۴ نفر | حداکثر ۴ نفر |

**تغییر طرح:** از مسیر **حساب ← Kestrel Plus ← تغییر طرح**. تغییر از ماهانه به سالانه فوراً اعمال می‌شود و باقی‌ماندهٔ ماه جاری به حسابتان منظور می‌شود. تغییر از سالانه به ماهانه از تاریخ تمدید بعدی اعمال می‌شود.

**تمدید:** ۷ روز پیش از تمدید اشتراک سالانه به شما ایمیل می‌زنیم. تمدید با کارت ذخیره‌شده در حسابتان انجام می‌شود؛ اگر پرداخت ناموفق باشد، مزایای شما ۱۴ روز دیگر ادامه دارد تا کارت را به‌روز کنید.",
            },
        ],
    },
    DemoArticle {
        category: BILLING,
        status: Published,
        visibility: Public,
        tags: &["discount", "gift-card"],
        age_days: 90,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Gift cards and discount codes",
                body: "\
**Gift cards** come as an e-mail with a 16-character code, or as a printed card. To use one, enter the code at checkout under **Gift card or discount code**. If the order costs more than the card's balance, pay the rest with any other method. The unused balance stays on the card for next time; you can check it under **Account → Gift cards**. Gift cards are valid for 3 years and cannot be exchanged for cash.

**Discount codes** from our newsletter or our partners go in the same field. Good to know:

- One discount code per order; it can be combined with a gift card.
- Codes do not apply to shipping, gift cards or items already on sale, unless the code says so.
- If you return part of an order bought with a discount, you get back what you actually paid for those items.

**The code is not accepted?** Check the expiry date and the minimum order value in the e-mail that brought the code. Codes do not care about capital letters, but they do tell the letter O from the digit 0, which is the usual culprit.",
            },
            Text {
                locale: "tr",
                title: "Hediye kartları ve indirim kodları",
                body: "\
**Hediye kartları** 16 karakterlik bir kod içeren e-posta ya da basılı kart olarak gelir. Kullanmak için kodu ödeme adımında **Hediye kartı veya indirim kodu** alanına girin. Sipariş tutarı kart bakiyesinden fazlaysa kalanını başka bir yöntemle ödeyin. Kullanılmayan bakiye bir sonraki alışverişiniz için kartta kalır; bakiyenizi **Hesap → Hediye kartları** bölümünden görebilirsiniz. Hediye kartları 3 yıl geçerlidir ve nakde çevrilemez.

Bültenimizden veya iş ortaklarımızdan gelen **indirim kodları** da aynı alana girilir. Bilmeniz gerekenler:

- Her siparişte bir indirim kodu kullanılabilir; kod, hediye kartıyla birlikte kullanılabilir.
- Kodlar, aksi belirtilmedikçe kargo ücretinde, hediye kartlarında ve indirimdeki ürünlerde geçerli değildir.
- İndirimle alınan bir siparişin bir kısmını iade ederseniz, o ürünler için gerçekte ödediğiniz tutar iade edilir.

**Kod kabul edilmiyor mu?** Kodun geldiği e-postadaki son kullanma tarihini ve en düşük sipariş tutarını kontrol edin. Kodlarda büyük-küçük harf ayrımı yoktur, ancak O harfi ile 0 rakamı farklıdır ve sorun çoğu zaman buradan kaynaklanır.",
            },
        ],
    },
    DemoArticle {
        category: RETURNS,
        status: Published,
        visibility: Public,
        tags: &["exchange", "returns"],
        age_days: 170,
        earlier_source: None,
        behind: &[],
        texts: &[Text {
            locale: "en",
            title: "Exchanging an item for another size or colour",
            body: "\
We do not swap items directly: the quickest way to get the right one is to order it again and return the first one for a refund. That way the new item leaves the warehouse today, instead of after your return has arrived.

1. Order the size or colour you want as a new order.
2. Register a return for the first item under **Orders → Return items**, with the reason *Wrong size or colour*.
3. Send it back within 14 days; the refund follows once the warehouse has checked it.

If the item you want is now cheaper because of a sale, you simply pay the lower price. Kestrel Plus members have 60 days instead of 30 to decide.",
        }],
    },
    DemoArticle {
        category: RETURNS,
        status: Published,
        visibility: Public,
        tags: &["repair", "warranty"],
        age_days: 190,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Warranty repairs",
                body: "\
Everything we sell has at least a **2-year** guarantee, and many brands add their own warranty on top. If an item stops working after the first 30 days:

1. Open **Orders**, choose the order and press **Report a problem → Stopped working**.
2. Describe the fault and, if you can, add a short video or photo.
3. We send you a free return label, or arrange a pickup for large items.

| Step | Usual time |
|---|---|
| Our reply to your report | 1 working day |
| Parcel to the repair centre | 2–3 working days |
| Repair | up to 14 days |
| Parcel back to you | 2–3 working days |

If the item cannot be repaired, or the same fault comes back, you get a replacement or a refund. Before sending in a phone, laptop or smart device, back up your data and remove passwords and accounts: a repair often means a reset.

Damage from drops, liquids or wear is not covered, but we can give you a quote for a paid repair.",
            },
            Text {
                locale: "tr",
                title: "Garanti kapsamında onarım",
                body: "\
Sattığımız her ürün en az **2 yıl** garantilidir; birçok marka buna kendi garantisini de ekler. Ürün ilk 30 günden sonra çalışmayı bırakırsa:

1. **Siparişler** sayfasını açın, siparişi seçin ve **Sorun bildir → Çalışmayı durdurdu** seçeneğine basın.
2. Arızayı anlatın ve mümkünse kısa bir video ya da fotoğraf ekleyin.
3. Size ücretsiz bir iade etiketi göndeririz; büyük ürünler için adresinizden alım ayarlarız.

| Adım | Olağan süre |
|---|---|
| Bildiriminize yanıtımız | 1 iş günü |
| Paketin servise ulaşması | 2–3 iş günü |
| Onarım | en fazla 14 gün |
| Paketin size geri dönmesi | 2–3 iş günü |

Ürün onarılamazsa ya da aynı arıza tekrarlarsa yenisini veya paranızın iadesini alırsınız. Telefon, dizüstü bilgisayar ve akıllı cihazları göndermeden önce lütfen verilerinizi yedekleyin, şifrelerinizi ve hesaplarınızı kaldırın: onarım çoğu zaman cihazın sıfırlanması demektir.

Düşme, sıvı teması veya aşınmadan kaynaklanan hasarlar garanti kapsamında değildir, ancak ücretli onarım için fiyat teklifi verebiliriz.",
            },
            Text {
                locale: "pl",
                title: "Naprawy gwarancyjne",
                body: "\
Każdy sprzedawany przez nas produkt jest objęty co najmniej **2-letnią** ochroną, a wiele marek dodaje do tego własną gwarancję. Jeśli produkt przestanie działać po pierwszych 30 dniach:

1. Otwórz **Zamówienia**, wybierz zamówienie i kliknij **Zgłoś problem → Przestał działać**.
2. Opisz usterkę i, jeśli możesz, dodaj krótki film lub zdjęcie.
3. Wyślemy Ci bezpłatną etykietę zwrotną, a po duże produkty zamówimy kuriera.

| Etap | Zwykle trwa |
|---|---|
| Nasza odpowiedź na zgłoszenie | 1 dzień roboczy |
| Dostarczenie paczki do serwisu | 2–3 dni robocze |
| Naprawa | do 14 dni |
| Odesłanie paczki do Ciebie | 2–3 dni robocze |

Jeśli produktu nie da się naprawić albo usterka wróci, otrzymasz nowy egzemplarz lub zwrot pieniędzy. Przed wysłaniem telefonu, laptopa czy urządzenia smart zrób kopię zapasową danych i usuń hasła oraz konta: naprawa często oznacza przywrócenie ustawień fabrycznych.

Uszkodzenia mechaniczne, zalanie i zużycie nie są objęte gwarancją, ale możemy przygotować wycenę płatnej naprawy.",
            },
            Text {
                locale: "fa",
                title: "تعمیر در دورهٔ گارانتی",
                body: "\
همهٔ کالاهایی که می‌فروشیم دست‌کم **۲ سال** ضمانت دارند و بسیاری از برندها ضمانت خودشان را هم به آن اضافه می‌کنند. اگر کالا پس از ۳۰ روز اول از کار افتاد:

1. صفحهٔ **سفارش‌ها** را باز کنید، سفارش را انتخاب کنید و **گزارش مشکل ← از کار افتاده** را بزنید.
2. ایراد را شرح دهید و اگر می‌توانید، ویدیو یا عکس کوتاهی اضافه کنید.
3. برایتان برچسب مرجوعی رایگان می‌فرستیم یا برای کالاهای حجیم، دریافت از محل را هماهنگ می‌کنیم.

| مرحله | زمان معمول |
|---|---|
| پاسخ ما به گزارش شما | ۱ روز کاری |
| رسیدن بسته به مرکز تعمیر | ۲ تا ۳ روز کاری |
| تعمیر | حداکثر ۱۴ روز |
| بازگشت بسته به شما | ۲ تا ۳ روز کاری |

اگر کالا تعمیرشدنی نباشد یا همان ایراد دوباره پیدا شود، کالای جدید یا بازپرداخت دریافت می‌کنید. پیش از ارسال گوشی، لپ‌تاپ یا دستگاه‌های هوشمند، لطفاً از اطلاعات خود نسخهٔ پشتیبان بگیرید و گذرواژه‌ها و حساب‌ها را حذف کنید؛ تعمیر اغلب به بازنشانی دستگاه می‌انجامد.

آسیب ناشی از ضربه، مایعات یا فرسودگی مشمول ضمانت نیست، اما می‌توانیم برای تعمیر با هزینه، برآورد قیمت بدهیم.",
            },
        ],
    },
    DemoArticle {
        category: RETURNS,
        status: Published,
        visibility: Public,
        tags: &["returns"],
        age_days: 208,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Items that cannot be returned",
                body: "\
For hygiene and safety reasons, and because some products cannot be sold again once opened, these items can only be returned if they are faulty:

- earphones and in-ear headphones, once the hygiene seal is broken;
- toothbrushes, shavers, hair trimmers and other personal care items, once unpacked;
- software, games and gift cards whose code has been revealed or used;
- food, coffee and other items with a best-before date;
- items made or engraved to your order.

Everything else can be returned within 30 days (60 days for Kestrel Plus members), even if you have opened the box. If a returned item comes back incomplete or damaged, we refund it less the loss in value, and tell you why before we do.",
            },
            Text {
                locale: "tr",
                title: "İade edilemeyen ürünler",
                body: "\
Hijyen ve güvenlik nedeniyle, ayrıca bazı ürünler açıldıktan sonra yeniden satılamadığı için aşağıdaki ürünler yalnızca arızalıysa iade edilebilir:

- hijyen bandı açılmış kulak içi kulaklıklar;
- ambalajından çıkarılmış diş fırçaları, tıraş makineleri, saç kesme makineleri ve diğer kişisel bakım ürünleri;
- kodu açığa çıkmış veya kullanılmış yazılımlar, oyunlar ve hediye kartları;
- gıda, kahve ve son tüketim tarihi olan diğer ürünler;
- size özel üretilen veya üzerine isim yazdırılan ürünler.

Diğer tüm ürünleri, kutusunu açmış olsanız bile 30 gün içinde (Kestrel Plus üyeleri için 60 gün) iade edebilirsiniz. İade edilen ürün eksik veya hasarlı gelirse, değer kaybını düşerek iade ederiz ve bunu yapmadan önce nedenini size bildiririz.",
            },
            Text {
                locale: "pl",
                title: "Produkty, których nie można zwrócić",
                body: "\
Ze względów higienicznych i bezpieczeństwa, a także dlatego, że niektórych produktów po otwarciu nie da się ponownie sprzedać, poniższe rzeczy można zwrócić tylko wtedy, gdy są wadliwe:

- słuchawki douszne z zerwaną plombą higieniczną;
- szczoteczki do zębów, golarki, trymery i inne produkty do higieny osobistej wyjęte z opakowania;
- oprogramowanie, gry i karty podarunkowe, których kod został odsłonięty lub użyty;
- żywność, kawa i inne produkty z datą przydatności;
- produkty wykonane lub grawerowane na zamówienie.

Wszystko inne możesz zwrócić w ciągu 30 dni (60 dni dla członków Kestrel Plus), również po otwarciu pudełka. Jeśli zwrócony produkt wróci niekompletny lub uszkodzony, zwrócimy kwotę pomniejszoną o utratę wartości, a wcześniej wyjaśnimy dlaczego.",
            },
            Text {
                locale: "fa",
                title: "کالاهایی که مرجوع نمی‌شوند",
                body: "\
به دلایل بهداشتی و ایمنی، و چون برخی کالاها پس از بازشدن دیگر قابل فروش نیستند، کالاهای زیر فقط در صورت معیوب بودن قابل مرجوع‌اند:

- هندزفری‌ها و هدفون‌های داخل گوش، پس از باز شدن برچسب بهداشتی؛
- مسواک، ماشین اصلاح، ماشین موزن و دیگر لوازم بهداشت شخصی، پس از خارج‌شدن از بسته‌بندی؛
- نرم‌افزار، بازی و کارت هدیه‌ای که کد آن نمایان یا استفاده شده است؛
- خوراکی، قهوه و دیگر کالاهای تاریخ‌دار؛
- کالاهایی که به سفارش شما ساخته یا حکاکی شده‌اند.

همهٔ کالاهای دیگر را حتی اگر جعبه‌شان را باز کرده باشید، تا ۳۰ روز (برای اعضای Kestrel Plus تا ۶۰ روز) می‌توانید مرجوع کنید. اگر کالای مرجوعی ناقص یا آسیب‌دیده به دست ما برسد، مبلغ را پس از کسر افت ارزش برمی‌گردانیم و پیش از آن دلیلش را به شما اطلاع می‌دهیم.",
            },
        ],
    },
    DemoArticle {
        category: APP,
        status: Published,
        visibility: Public,
        tags: &["app", "login"],
        age_days: 220,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Installing the Kestrel app and signing in",
                body: "\
The Kestrel app is free for iPhone (iOS 16 or later) and Android (version 10 or later).

1. Search for **Kestrel Market** in the App Store or Google Play, or scan the QR code at the bottom of our website.
2. Open the app and sign in with the same e-mail address and password as on the website, or with Apple or Google.
3. Allow notifications if you want to hear when your orders ship and arrive.

Your basket, wish lists and orders are the same in the app and on the website. In the app you can also scan a product's barcode in a shop to compare prices, and show the pickup code of a parcel locker delivery.

**Trouble signing in?** Check that the app is up to date, then see *Resetting your password*. If you use two-step verification, the app asks for a code the first time you sign in on a new phone.",
            },
            Text {
                locale: "fa",
                title: "نصب برنامهٔ Kestrel و ورود به آن",
                body: "\
برنامهٔ Kestrel برای آیفون (iOS ۱۶ یا جدیدتر) و اندروید (نسخهٔ ۱۰ یا جدیدتر) رایگان است.

1. در App Store یا Google Play عبارت **Kestrel Market** را جست‌وجو کنید یا کد QR پایین وب‌سایت ما را اسکن کنید.
2. برنامه را باز کنید و با همان ایمیل و گذرواژهٔ وب‌سایت، یا با Apple یا Google، وارد شوید.
3. اگر می‌خواهید از ارسال و رسیدن سفارش‌هایتان باخبر شوید، اجازهٔ ارسال اعلان را بدهید.

سبد خرید، فهرست‌های علاقه‌مندی و سفارش‌های شما در برنامه و وب‌سایت یکسان است. در برنامه همچنین می‌توانید در فروشگاه‌ها بارکد کالا را برای مقایسهٔ قیمت اسکن کنید و کد تحویل بستهٔ صندوق امانات را نشان دهید.

**در ورود مشکل دارید؟** مطمئن شوید برنامه به‌روز است و سپس مقالهٔ *بازنشانی گذرواژه* را ببینید. اگر ورود دومرحله‌ای را فعال کرده‌اید، برنامه بار اولی که در گوشی جدید وارد می‌شوید کد تأیید می‌خواهد.",
            },
        ],
    },
    DemoArticle {
        category: APP,
        status: Published,
        visibility: Public,
        tags: &["app", "bug", "photos"],
        age_days: 45,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "The app closes when I upload photos",
                body: "\
You upload photos when you report a damaged item, write a review or send us an attachment. If the app closes or freezes while doing so, try these steps in order:

1. **Update the app** from the App Store or Google Play. Version 4.2 fixed the most common cause: very large photos from newer phones.
2. **Allow access to your photos.** iPhone: *Settings → Kestrel → Photos → Full Access*. Android: *Settings → Apps → Kestrel → Permissions → Photos and videos → Allow*.
3. **Free up space.** The app needs about 500 MB of free storage to prepare photos for upload.
4. **Try one photo at a time**, or take the photo from inside the app instead of choosing it from the gallery.
5. **Restart your phone**, then try again.

Still closing? Send us the phone model, the system version and the app version (**Account → About the app**). In the meantime you can attach the photos to your message on our website.",
            },
            Text {
                locale: "tr",
                title: "Fotoğraf yüklerken uygulama kapanıyor",
                body: "\
Hasarlı ürün bildirirken, değerlendirme yazarken veya bize ek gönderirken fotoğraf yüklersiniz. Bu sırada uygulama kapanıyor ya da donuyorsa şu adımları sırayla deneyin:

1. **Uygulamayı güncelleyin** (App Store veya Google Play). 4.2 sürümü en yaygın nedeni, yani yeni telefonlarla çekilen çok büyük fotoğrafları, giderdi.
2. **Fotoğraflara erişim izni verin.** iPhone: *Ayarlar → Kestrel → Fotoğraflar → Tam Erişim*. Android: *Ayarlar → Uygulamalar → Kestrel → İzinler → Fotoğraflar ve videolar → İzin ver*.
3. **Yer açın.** Uygulamanın fotoğrafları yüklemeye hazırlamak için yaklaşık 500 MB boş alana ihtiyacı vardır.
4. **Fotoğrafları tek tek yükleyin** ya da fotoğrafı galeriden seçmek yerine uygulamanın içinden çekin.
5. **Telefonunuzu yeniden başlatın** ve tekrar deneyin.

Hâlâ kapanıyor mu? Telefon modelinizi, işletim sistemi sürümünü ve uygulama sürümünü (**Hesap → Uygulama hakkında**) bize gönderin. Bu arada fotoğrafları web sitemiz üzerinden mesajınıza ekleyebilirsiniz.",
            },
            Text {
                locale: "pl",
                title: "Aplikacja zamyka się podczas wysyłania zdjęć",
                body: "\
Zdjęcia wysyłasz, gdy zgłaszasz uszkodzony produkt, piszesz opinię lub dołączasz załącznik do wiadomości. Jeśli aplikacja się wtedy zamyka lub zawiesza, wykonaj po kolei te kroki:

1. **Zaktualizuj aplikację** w App Store lub Google Play. Wersja 4.2 usunęła najczęstszą przyczynę: bardzo duże zdjęcia z nowszych telefonów.
2. **Zezwól na dostęp do zdjęć.** iPhone: *Ustawienia → Kestrel → Zdjęcia → Pełny dostęp*. Android: *Ustawienia → Aplikacje → Kestrel → Uprawnienia → Zdjęcia i filmy → Zezwalaj*.
3. **Zwolnij miejsce.** Aplikacja potrzebuje około 500 MB wolnej pamięci, aby przygotować zdjęcia do wysłania.
4. **Wysyłaj po jednym zdjęciu** albo zrób zdjęcie w aplikacji, zamiast wybierać je z galerii.
5. **Uruchom telefon ponownie** i spróbuj jeszcze raz.

Nadal się zamyka? Prześlij nam model telefonu, wersję systemu i wersję aplikacji (**Konto → O aplikacji**). W międzyczasie możesz dołączyć zdjęcia do wiadomości na naszej stronie.",
            },
            Text {
                locale: "fa",
                title: "برنامه هنگام بارگذاری عکس بسته می‌شود",
                body: "\
هنگام گزارش کالای آسیب‌دیده، نوشتن نظر یا فرستادن پیوست برای ما، عکس بارگذاری می‌کنید. اگر در این حین برنامه بسته می‌شود یا از کار می‌افتد، این مراحل را به ترتیب امتحان کنید:

1. **برنامه را به‌روز کنید** (App Store یا Google Play). نسخهٔ ۴٫۲ رایج‌ترین علت، یعنی عکس‌های بسیار حجیم گوشی‌های جدید، را برطرف کرده است.
2. **اجازهٔ دسترسی به عکس‌ها را بدهید.** آیفون: *Settings ← Kestrel ← Photos ← Full Access*. اندروید: *تنظیمات ← برنامه‌ها ← Kestrel ← مجوزها ← عکس‌ها و ویدیوها ← اجازه دادن*.
3. **فضا آزاد کنید.** برنامه برای آماده‌سازی عکس‌ها حدود ۵۰۰ مگابایت فضای خالی لازم دارد.
4. **عکس‌ها را یکی‌یکی بفرستید** یا به‌جای انتخاب از گالری، عکس را از داخل خود برنامه بگیرید.
5. **گوشی را دوباره راه‌اندازی کنید** و دوباره امتحان کنید.

هنوز بسته می‌شود؟ مدل گوشی، نسخهٔ سیستم‌عامل و نسخهٔ برنامه (**حساب ← دربارهٔ برنامه**) را برای ما بفرستید. در این فاصله می‌توانید عکس‌ها را از طریق وب‌سایت به پیامتان پیوست کنید.",
            },
        ],
    },
    DemoArticle {
        category: APP,
        status: Published,
        visibility: Public,
        tags: &["app", "price-alert", "wish-list"],
        age_days: 80,
        earlier_source: None,
        behind: &[],
        texts: &[Text {
            locale: "en",
            title: "Wish lists and price alerts",
            body: "\
Tap the heart on any product to save it to your wish list. You can keep several lists, for example *Birthday* or *Kitchen*, and share a list by link: whoever opens it sees the items and can buy them as a gift, without seeing your account.

**Price alerts:** on a saved product, tap the bell and choose

- **Any price drop**, or
- **Below a price I choose**.

We send one notification when the price drops, and another if an item you saved is about to sell out, in the app or by e-mail as set under **Account → Notifications**. Alerts stop after 6 months, or when you remove the item from the list.",
        }],
    },
    DemoArticle {
        category: APP,
        status: Published,
        visibility: Public,
        tags: &["export", "invoice", "orders"],
        age_days: 115,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Downloading your order history and invoices",
                body: "\
You can download your orders as a spreadsheet, for your own records or for your accounting.

1. Open **Account → Orders → Download**.
2. Choose a period (up to 3 years back) and a format: **CSV** for spreadsheets or **PDF** for a printable summary.
3. Tick **Include invoices** to get every invoice of the period as PDFs in one ZIP file.
4. Press **Prepare download**. Small files are ready at once; larger ones arrive by e-mail within about 10 minutes, with a link that works for 7 days.

The CSV has one row per item: order number, date, product, quantity, price, VAT and status. It opens in Excel, Numbers or Google Sheets; if accented letters look wrong in Excel, use *Data → From Text/CSV* and choose UTF-8.

**Want all the personal data we hold about you, not only your orders?** That is a separate request: see *How we use your personal data*.",
            },
            Text {
                locale: "tr",
                title: "Sipariş geçmişinizi ve faturalarınızı indirme",
                body: "\
Siparişlerinizi kendi kayıtlarınız veya muhasebeniz için tablo olarak indirebilirsiniz.

1. **Hesap → Siparişler → İndir** bölümünü açın.
2. Bir dönem (en fazla 3 yıl geriye) ve biçim seçin: tablolar için **CSV**, yazdırılabilir özet için **PDF**.
3. Dönemin tüm faturalarını tek bir ZIP dosyasında PDF olarak almak için **Faturaları ekle** kutusunu işaretleyin.
4. **İndirmeyi hazırla** düğmesine basın. Küçük dosyalar hemen hazır olur; büyük olanlar yaklaşık 10 dakika içinde, 7 gün geçerli bir bağlantıyla e-postanıza gelir.

CSV dosyasında her ürün için bir satır bulunur: sipariş numarası, tarih, ürün, adet, fiyat, KDV ve durum. Dosya Excel, Numbers veya Google E-Tablolar'da açılır; Türkçe karakterler Excel'de bozuk görünürse *Veri → Metinden/CSV'den* seçeneğini kullanıp UTF-8'i seçin.

**Yalnızca siparişlerinizi değil, hakkınızda tuttuğumuz tüm kişisel verileri mi istiyorsunuz?** Bu ayrı bir taleptir: *Kişisel verilerinizi nasıl kullanıyoruz* makalesine bakın.",
            },
            Text {
                locale: "pl",
                title: "Pobieranie historii zamówień i faktur",
                body: "\
Zamówienia możesz pobrać jako arkusz, do własnej dokumentacji lub dla księgowości.

1. Otwórz **Konto → Zamówienia → Pobierz**.
2. Wybierz okres (do 3 lat wstecz) i format: **CSV** do arkuszy kalkulacyjnych lub **PDF** jako podsumowanie do wydruku.
3. Zaznacz **Dołącz faktury**, aby otrzymać wszystkie faktury z tego okresu jako pliki PDF w jednym archiwum ZIP.
4. Kliknij **Przygotuj plik**. Małe pliki są gotowe od razu, większe wyślemy e-mailem w ciągu około 10 minut, z linkiem ważnym 7 dni.

Plik CSV ma jeden wiersz na każdy produkt: numer zamówienia, datę, produkt, ilość, cenę, VAT i status. Otworzysz go w Excelu, Numbers lub Arkuszach Google; jeśli polskie znaki wyglądają w Excelu źle, użyj *Dane → Z pliku tekstowego/CSV* i wybierz UTF-8.

**Chcesz otrzymać wszystkie dane osobowe, które o Tobie przechowujemy, a nie tylko zamówienia?** To osobny wniosek: zobacz *Jak wykorzystujemy Twoje dane osobowe*.",
            },
            Text {
                locale: "fa",
                title: "دریافت سابقهٔ سفارش‌ها و فاکتورها",
                body: "\
می‌توانید سفارش‌های خود را برای نگهداری سوابق یا امور حسابداری به‌صورت صفحه‌گسترده دانلود کنید.

1. به **حساب ← سفارش‌ها ← دانلود** بروید.
2. بازهٔ زمانی (حداکثر تا ۳ سال قبل) و قالب را انتخاب کنید: **CSV** برای صفحه‌گسترده یا **PDF** برای خلاصه‌ای قابل چاپ.
3. اگر می‌خواهید همهٔ فاکتورهای آن بازه را به‌صورت PDF در یک فایل ZIP بگیرید، گزینهٔ **افزودن فاکتورها** را علامت بزنید.
4. **آماده‌سازی فایل** را بزنید. فایل‌های کوچک فوراً آماده می‌شوند؛ فایل‌های بزرگ‌تر ظرف حدود ۱۰ دقیقه با پیوندی که ۷ روز معتبر است ایمیل می‌شوند.

فایل CSV برای هر کالا یک سطر دارد: شمارهٔ سفارش، تاریخ، کالا، تعداد، قیمت، مالیات بر ارزش افزوده و وضعیت. این فایل در Excel، Numbers یا Google Sheets باز می‌شود؛ اگر حروف فارسی در Excel به‌هم‌ریخته نمایش داده شد، از *Data ← From Text/CSV* استفاده کنید و UTF-8 را برگزینید.

**همهٔ اطلاعات شخصی‌ای را که از شما نگه می‌داریم می‌خواهید، نه فقط سفارش‌ها را؟** این درخواست جداگانه‌ای است؛ مقالهٔ *چگونه از اطلاعات شخصی شما استفاده می‌کنیم* را ببینید.",
            },
        ],
    },
    DemoArticle {
        category: APP,
        status: Published,
        visibility: Public,
        tags: &["app", "notifications"],
        age_days: 70,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Getting order updates as app notifications",
                body: "\
The app can tell you when an order ships, when it is out for delivery, when it is waiting in a locker and when a refund has been sent.

**To turn them on:**

1. In the app, open **Account → Notifications** and switch on **Order updates**.
2. If your phone asks, allow Kestrel to send notifications. If you said no earlier, change it in your phone's settings: on iPhone *Settings → Notifications → Kestrel*, on Android *Settings → Apps → Kestrel → Notifications*.

**Not getting them?**

- On some Android phones the battery saver blocks notifications: set Kestrel to *Unrestricted* under *Settings → Apps → Kestrel → Battery*.
- *Do Not Disturb* and focus modes hold notifications back until they end.
- Notifications go to the phone you signed in on last. Sign out and in again to move them to a new phone.",
            },
            Text {
                locale: "tr",
                title: "Sipariş güncellemelerini uygulama bildirimi olarak alma",
                body: "\
Uygulama, siparişiniz kargoya verildiğinde, dağıtıma çıktığında, kargo dolabında sizi beklediğinde ve para iadeniz gönderildiğinde size haber verebilir.

**Bildirimleri açmak için:**

1. Uygulamada **Hesap → Bildirimler** bölümünü açın ve **Sipariş güncellemeleri** seçeneğini etkinleştirin.
2. Telefonunuz sorarsa Kestrel'in bildirim göndermesine izin verin. Daha önce reddettiyseniz bunu telefonunuzun ayarlarından değiştirin: iPhone'da *Ayarlar → Bildirimler → Kestrel*, Android'de *Ayarlar → Uygulamalar → Kestrel → Bildirimler*.

**Bildirim gelmiyor mu?**

- Bazı Android telefonlarda pil tasarrufu bildirimleri engeller: *Ayarlar → Uygulamalar → Kestrel → Pil* bölümünde Kestrel'i *Kısıtlanmamış* olarak ayarlayın.
- *Rahatsız Etmeyin* ve odak modları, sona erene kadar bildirimleri bekletir.
- Bildirimler en son giriş yaptığınız telefona gönderilir. Yeni telefonunuzda almak için çıkış yapıp yeniden giriş yapın.",
            },
            Text {
                locale: "pl",
                title: "Powiadomienia o zamówieniach w aplikacji",
                body: "\
Aplikacja może powiadomić Cię, gdy zamówienie zostanie wysłane, gdy kurier wyruszy z nim w drogę, gdy paczka czeka w paczkomacie i gdy zlecimy zwrot pieniędzy.

**Jak je włączyć:**

1. W aplikacji otwórz **Konto → Powiadomienia** i włącz **Aktualizacje zamówień**.
2. Jeśli telefon o to zapyta, zezwól aplikacji Kestrel na wysyłanie powiadomień. Jeśli wcześniej nie udzielono zgody, zmień to w ustawieniach telefonu: na iPhonie *Ustawienia → Powiadomienia → Kestrel*, na Androidzie *Ustawienia → Aplikacje → Kestrel → Powiadomienia*.

**Powiadomienia nie przychodzą?**

- Na niektórych telefonach z Androidem oszczędzanie baterii blokuje powiadomienia: ustaw Kestrel jako *Bez ograniczeń* w *Ustawienia → Aplikacje → Kestrel → Bateria*.
- Tryb *Nie przeszkadzać* i tryby skupienia wstrzymują powiadomienia do czasu ich wyłączenia.
- Powiadomienia trafiają na telefon, na którym zalogowano się ostatnio. Aby przenieść je na nowy telefon, wyloguj się i zaloguj ponownie.",
            },
        ],
    },
    DemoArticle {
        category: SECURITY,
        status: Published,
        visibility: Public,
        tags: &["2fa", "security"],
        age_days: 215,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Turning on two-step verification",
                body: "\
Two-step verification protects your account even if someone learns your password: signing in on a new device also needs a code from your phone.

1. Open **Account → Security → Two-step verification** and press **Turn on**.
2. Choose how to get codes:
   - **Authenticator app** (recommended): scan the QR code with Google Authenticator, Microsoft Authenticator, 1Password or a similar app. It works without signal.
   - **Text message**: enter your mobile number, and we send a 6-digit code each time.
3. Enter the code shown to confirm.
4. Save your **backup codes**: ten single-use codes for when your phone is lost. Print them or keep them in a password manager.

Devices you are already signed in on stay signed in. To sign in on a new device you need your password and a code; tick **Trust this device** to skip the code there for 30 days.

**Lost your phone?** Sign in with a backup code and set up two-step verification again on the new phone. Without backup codes, contact us: we will confirm your identity before turning it off.",
            },
            Text {
                locale: "tr",
                title: "İki adımlı doğrulamayı açma",
                body: "\
İki adımlı doğrulama, biri şifrenizi öğrense bile hesabınızı korur: yeni bir cihazdan giriş yapmak için telefonunuza gelen bir kod da gerekir.

1. **Hesap → Güvenlik → İki adımlı doğrulama** bölümünü açın ve **Aç** düğmesine basın.
2. Kodları nasıl alacağınızı seçin:
   - **Doğrulama uygulaması** (önerilir): QR kodunu Google Authenticator, Microsoft Authenticator, 1Password veya benzeri bir uygulamayla tarayın. Telefon çekmese de çalışır.
   - **SMS**: cep telefonu numaranızı girin; her seferinde 6 haneli bir kod göndeririz.
3. Onaylamak için ekranda görünen kodu girin.
4. **Yedek kodlarınızı** saklayın: telefonunuzu kaybederseniz kullanabileceğiniz, her biri tek kullanımlık on kod. Yazdırın veya bir şifre yöneticisinde saklayın.

Daha önce giriş yaptığınız cihazlarda oturumunuz açık kalır. Yeni bir cihazda giriş yapmak için şifreniz ve bir kod gerekir; o cihazda 30 gün boyunca kod sorulmaması için **Bu cihaza güven** kutusunu işaretleyebilirsiniz.

**Telefonunuzu mu kaybettiniz?** Bir yedek kodla giriş yapın ve yeni telefonunuzda iki adımlı doğrulamayı yeniden kurun. Yedek kodunuz yoksa bize yazın: doğrulamayı kapatmadan önce kimliğinizi teyit ederiz.",
            },
            Text {
                locale: "pl",
                title: "Włączanie weryfikacji dwuetapowej",
                body: "\
Weryfikacja dwuetapowa chroni konto nawet wtedy, gdy ktoś pozna Twoje hasło: logowanie na nowym urządzeniu wymaga też kodu z telefonu.

1. Otwórz **Konto → Bezpieczeństwo → Weryfikacja dwuetapowa** i kliknij **Włącz**.
2. Wybierz sposób otrzymywania kodów:
   - **Aplikacja uwierzytelniająca** (zalecana): zeskanuj kod QR w Google Authenticator, Microsoft Authenticator, 1Password lub podobnej aplikacji. Działa bez zasięgu.
   - **SMS**: podaj numer komórki, a za każdym razem wyślemy 6-cyfrowy kod.
3. Wpisz wyświetlony kod, aby potwierdzić.
4. Zachowaj **kody zapasowe**: dziesięć jednorazowych kodów na wypadek utraty telefonu. Wydrukuj je lub przechowuj w menedżerze haseł.

Urządzenia, na których już się zalogowano, pozostają zalogowane. Logowanie na nowym urządzeniu wymaga hasła i kodu; zaznacz **Ufaj temu urządzeniu**, aby przez 30 dni nie podawać tam kodu.

**Zgubiony telefon?** Zaloguj się kodem zapasowym i skonfiguruj weryfikację dwuetapową na nowym telefonie. Jeśli nie masz kodów zapasowych, napisz do nas: przed jej wyłączeniem potwierdzimy Twoją tożsamość.",
            },
            Text {
                locale: "fa",
                title: "فعال‌کردن تأیید دومرحله‌ای",
                body: "\
تأیید دومرحله‌ای حتی اگر کسی گذرواژهٔ شما را بداند، از حسابتان محافظت می‌کند: ورود از دستگاه جدید به کدی از گوشی شما هم نیاز دارد.

1. به **حساب ← امنیت ← تأیید دومرحله‌ای** بروید و **فعال‌سازی** را بزنید.
2. روش دریافت کد را انتخاب کنید:
   - **برنامهٔ احراز هویت** (پیشنهادی): کد QR را با Google Authenticator، Microsoft Authenticator، 1Password یا برنامه‌ای مشابه اسکن کنید. بدون آنتن هم کار می‌کند.
   - **پیامک**: شمارهٔ همراه خود را وارد کنید؛ هر بار یک کد ۶ رقمی می‌فرستیم.
3. برای تأیید، کد نمایش‌داده‌شده را وارد کنید.
4. **کدهای پشتیبان** را نگه دارید: ده کد یک‌بارمصرف برای زمانی که گوشی‌تان گم شود. آن‌ها را چاپ کنید یا در یک برنامهٔ مدیریت گذرواژه نگه دارید.

در دستگاه‌هایی که قبلاً وارد شده‌اید، همچنان وارد می‌مانید. برای ورود از دستگاه جدید، گذرواژه و کد لازم است؛ با علامت‌زدن **به این دستگاه اعتماد کن** تا ۳۰ روز در آن دستگاه کد خواسته نمی‌شود.

**گوشی‌تان را گم کرده‌اید؟** با یک کد پشتیبان وارد شوید و تأیید دومرحله‌ای را روی گوشی جدید دوباره راه‌اندازی کنید. اگر کد پشتیبان ندارید، با ما تماس بگیرید؛ پیش از غیرفعال‌کردن آن، هویت شما را تأیید می‌کنیم.",
            },
        ],
    },
    DemoArticle {
        category: SECURITY,
        status: Published,
        visibility: Public,
        tags: &["2fa", "login", "sms"],
        age_days: 65,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Two-step verification codes do not arrive",
                body: "\
**Codes by text message**

- Wait a minute before asking for a new code: each new request cancels the previous code, and messages can arrive out of order.
- Check that the number under **Account → Security** is right, including the country code.
- Some phones and carriers block texts from short numbers. Look in your blocked or spam messages, and check that you have signal (with Wi-Fi calling, texts do not always arrive).
- Travelling? Roaming networks sometimes delay texts by several minutes.

**Codes from an authenticator app**

- The code changes every 30 seconds and depends on your phone's clock. If codes are always refused, turn on *automatic date and time* in your phone's settings.
- If the app holds codes for several services, make sure you use the *Kestrel* entry.

**Nothing works?** Press **Use a backup code** on the sign-in page. If you have none left, contact us from the e-mail address of your account; we will verify your identity and switch two-step verification off so that you can set it up again.",
            },
            Text {
                locale: "tr",
                title: "İki adımlı doğrulama kodları gelmiyor",
                body: "\
**SMS ile gelen kodlar**

- Yeni kod istemeden önce bir dakika bekleyin: her yeni istek bir önceki kodu geçersiz kılar ve mesajlar farklı sırayla gelebilir.
- **Hesap → Güvenlik** bölümündeki numaranın ülke koduyla birlikte doğru olduğunu kontrol edin.
- Bazı telefonlar ve operatörler kısa numaralardan gelen SMS'leri engeller. Engellenen veya istenmeyen mesajlarınıza bakın ve telefonunuzun çektiğinden emin olun (Wi-Fi araması açıkken SMS her zaman gelmeyebilir).
- Yurt dışında mısınız? Dolaşım ağlarında SMS'ler birkaç dakika gecikebilir.

**Doğrulama uygulamasından alınan kodlar**

- Kod her 30 saniyede bir değişir ve telefonunuzun saatine bağlıdır. Kodlar sürekli reddediliyorsa telefon ayarlarınızda *otomatik tarih ve saat* seçeneğini açın.
- Uygulamada birden fazla hizmetin kodu varsa *Kestrel* kaydını kullandığınızdan emin olun.

**Hiçbiri işe yaramadı mı?** Giriş sayfasında **Yedek kod kullan** seçeneğine basın. Yedek kodunuz kalmadıysa hesabınızın e-posta adresinden bize yazın; kimliğinizi doğruladıktan sonra iki adımlı doğrulamayı kapatırız, böylece yeniden kurabilirsiniz.",
            },
            Text {
                locale: "pl",
                title: "Nie przychodzą kody weryfikacji dwuetapowej",
                body: "\
**Kody SMS**

- Zanim poprosisz o nowy kod, odczekaj minutę: każda nowa prośba unieważnia poprzedni kod, a wiadomości mogą przyjść w innej kolejności.
- Sprawdź, czy numer w **Konto → Bezpieczeństwo** jest poprawny, razem z numerem kierunkowym kraju.
- Niektóre telefony i sieci blokują SMS-y z numerów skróconych. Zajrzyj do wiadomości zablokowanych lub spamu i sprawdź, czy masz zasięg (przy połączeniach przez Wi-Fi SMS-y nie zawsze docierają).
- Jesteś za granicą? W roamingu SMS-y bywają opóźnione o kilka minut.

**Kody z aplikacji uwierzytelniającej**

- Kod zmienia się co 30 sekund i zależy od zegara telefonu. Jeśli kody są stale odrzucane, włącz *automatyczną datę i godzinę* w ustawieniach telefonu.
- Jeśli aplikacja przechowuje kody kilku usług, upewnij się, że korzystasz z pozycji *Kestrel*.

**Nic nie pomaga?** Na stronie logowania kliknij **Użyj kodu zapasowego**. Jeśli nie masz już kodów, napisz do nas z adresu e-mail przypisanego do konta; po potwierdzeniu tożsamości wyłączymy weryfikację dwuetapową, aby można ją było skonfigurować od nowa.",
            },
        ],
    },
    DemoArticle {
        category: SECURITY,
        status: Published,
        visibility: Public,
        tags: &["phishing", "security"],
        age_days: 55,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "Recognising fake Kestrel e-mails and messages",
                body: "\
Scammers sometimes send messages that look like ours. We will **never**:

- ask for your password, a two-step code or your full card number by e-mail, text, phone or chat;
- ask you to pay a customs or delivery fee through a link in a text message, other than the courier's own payment link described in *Shipping to Türkiye and the United Kingdom: customs and import fees*;
- send an attachment you have to open to see an order.

**Check before you click**

| Look at | Genuine | Suspicious |
|---|---|---|
| Sender | an address ending in *@kestrel.example* | a look-alike domain, or a free mail address |
| Links | lead to *kestrel.example* | shortened links, or a domain with extra words |
| Tone | calm, with your name and order number | urgent threats: *your account will be closed today* |

If in doubt, do not click: open the app or type our address yourself and look under **Orders**. Forward suspicious messages to *abuse@kestrel.example*. If you entered your password on a fake page, change it straight away (see *Resetting your password*) and turn on two-step verification.",
            },
            Text {
                locale: "fa",
                title: "تشخیص ایمیل‌ها و پیام‌های جعلی به نام Kestrel",
                body: "\
کلاهبرداران گاهی پیام‌هایی شبیه پیام‌های ما می‌فرستند. ما **هرگز**:

- گذرواژه، کد تأیید دومرحله‌ای یا شمارهٔ کامل کارت شما را از طریق ایمیل، پیامک، تلفن یا گفت‌وگوی آنلاین نمی‌خواهیم؛
- از شما نمی‌خواهیم هزینهٔ گمرک یا ارسال را از طریق پیوندی در پیامک بپردازید، مگر پیوند پرداخت خود شرکت حمل که در راهنمای گمرک توضیح داده شده است؛
- پیوستی نمی‌فرستیم که برای دیدن سفارش مجبور به باز کردنش باشید.

**پیش از کلیک بررسی کنید**

| به چه نگاه کنید | پیام واقعی | پیام مشکوک |
|---|---|---|
| فرستنده | نشانی‌ای که به *@kestrel.example* ختم می‌شود | دامنه‌ای شبیه به ما یا نشانی ایمیل رایگان |
| پیوندها | به *kestrel.example* می‌روند | پیوندهای کوتاه‌شده یا دامنه‌ای با کلمات اضافه |
| لحن | آرام، همراه با نام شما و شمارهٔ سفارش | تهدید و عجله: *حساب شما امروز بسته می‌شود* |

اگر تردید دارید، کلیک نکنید: برنامه را باز کنید یا نشانی ما را خودتان تایپ کنید و بخش **سفارش‌ها** را ببینید. پیام‌های مشکوک را به *abuse@kestrel.example* بفرستید. اگر گذرواژهٔ خود را در صفحه‌ای جعلی وارد کرده‌اید، فوراً آن را تغییر دهید (مقالهٔ *بازنشانی گذرواژه* را ببینید) و تأیید دومرحله‌ای را فعال کنید.",
            },
        ],
    },
    DemoArticle {
        category: SECURITY,
        status: Published,
        visibility: Public,
        tags: &["gdpr", "privacy"],
        age_days: 250,
        earlier_source: None,
        behind: &[],
        texts: &[
            Text {
                locale: "en",
                title: "How we use your personal data",
                body: "\
We collect only what we need to sell and deliver your orders and to run your account, and we never sell your data.

| Data | Why we use it | How long we keep it |
|---|---|---|
| Name, addresses, phone | delivering orders, contacting you about them | while you have an account |
| Order and payment history | invoices, returns, warranty | 5 years (tax law) |
| Messages to customer service | answering you and improving our help | 2 years |
| Browsing and app usage | recommendations, only if you allow it | 13 months |

Couriers, payment providers and our customer-service tools get only the data they need for their part, under contracts that forbid any other use.

**Your rights.** You can ask for a copy of your data, have it corrected or deleted, object to marketing, or take your data to another service. Open **Account → Privacy → Request my data**, or write to *privacy@kestrel.example*. We answer within 30 days, usually much sooner. If you are unhappy with our answer, you can complain to the data protection authority of your country.",
            },
            Text {
                locale: "tr",
                title: "Kişisel verilerinizi nasıl kullanıyoruz",
                body: "\
Yalnızca siparişlerinizi satıp teslim etmek ve hesabınızı yönetmek için gereken verileri toplarız; verilerinizi asla satmayız.

| Veri | Ne için kullanırız | Ne kadar saklarız |
|---|---|---|
| Ad, adresler, telefon | siparişleri teslim etmek, siparişlerle ilgili sizinle iletişim kurmak | hesabınız olduğu sürece |
| Sipariş ve ödeme geçmişi | faturalar, iadeler, garanti | 5 yıl (vergi mevzuatı) |
| Müşteri hizmetlerine mesajlarınız | size yanıt vermek ve yardım içeriklerimizi iyileştirmek | 2 yıl |
| Site ve uygulama kullanımı | öneriler, yalnızca izin verirseniz | 13 ay |

Kargo firmaları, ödeme kuruluşları ve müşteri hizmetleri araçlarımız yalnızca kendi işleri için gereken verileri, başka amaçla kullanılmasını yasaklayan sözleşmeler çerçevesinde alır.

**Haklarınız.** Verilerinizin bir kopyasını isteyebilir, düzeltilmesini veya silinmesini talep edebilir, pazarlama amaçlı kullanıma itiraz edebilir ya da verilerinizi başka bir hizmete taşıyabilirsiniz. **Hesap → Gizlilik → Verilerimi iste** bölümünü açın veya *privacy@kestrel.example* adresine yazın. 30 gün içinde, çoğu zaman çok daha önce yanıt veririz. Yanıtımızdan memnun kalmazsanız ülkenizin veri koruma kurumuna şikâyette bulunabilirsiniz.",
            },
            Text {
                locale: "pl",
                title: "Jak wykorzystujemy Twoje dane osobowe",
                body: "\
Zbieramy tylko to, czego potrzebujemy, aby sprzedawać i dostarczać zamówienia oraz prowadzić Twoje konto, i nigdy nie sprzedajemy Twoich danych.

| Dane | Do czego ich używamy | Jak długo je przechowujemy |
|---|---|---|
| Imię i nazwisko, adresy, telefon | dostawa zamówień i kontakt w ich sprawie | dopóki masz konto |
| Historia zamówień i płatności | faktury, zwroty, gwarancja | 5 lat (przepisy podatkowe) |
| Wiadomości do obsługi klienta | odpowiedzi na nie i ulepszanie naszej pomocy | 2 lata |
| Korzystanie ze strony i aplikacji | rekomendacje, tylko za Twoją zgodą | 13 miesięcy |

Kurierzy, operatorzy płatności i nasze narzędzia obsługi klienta otrzymują tylko dane potrzebne do ich części pracy, na podstawie umów zakazujących innego wykorzystania.

**Twoje prawa.** Możesz poprosić o kopię swoich danych, ich poprawienie lub usunięcie, sprzeciwić się marketingowi albo przenieść dane do innej usługi. Otwórz **Konto → Prywatność → Poproś o moje dane** lub napisz na *privacy@kestrel.example*. Odpowiadamy w ciągu 30 dni, zwykle znacznie szybciej. Jeśli nasza odpowiedź Cię nie zadowala, możesz złożyć skargę do Prezesa Urzędu Ochrony Danych Osobowych lub organu ochrony danych w swoim kraju.",
            },
            Text {
                locale: "fa",
                title: "چگونه از اطلاعات شخصی شما استفاده می‌کنیم",
                body: "\
ما فقط اطلاعاتی را جمع‌آوری می‌کنیم که برای فروش و تحویل سفارش‌ها و مدیریت حساب شما لازم است و هرگز اطلاعات شما را نمی‌فروشیم.

| اطلاعات | کاربرد | مدت نگهداری |
|---|---|---|
| نام، نشانی‌ها، تلفن | تحویل سفارش‌ها و تماس با شما دربارهٔ آن‌ها | تا زمانی که حساب دارید |
| سابقهٔ سفارش و پرداخت | فاکتور، مرجوعی، ضمانت | ۵ سال (قوانین مالیاتی) |
| پیام‌های شما به پشتیبانی | پاسخ به شما و بهبود راهنماها | ۲ سال |
| استفاده از وب‌سایت و برنامه | پیشنهاد کالا، فقط با اجازهٔ شما | ۱۳ ماه |

شرکت‌های حمل، درگاه‌های پرداخت و ابزارهای پشتیبانی ما فقط اطلاعات لازم برای بخش کار خود را دریافت می‌کنند، آن هم طبق قراردادهایی که هر استفادهٔ دیگری را ممنوع می‌کند.

**حقوق شما.** می‌توانید نسخه‌ای از اطلاعات خود را درخواست کنید، اصلاح یا حذف آن را بخواهید، با استفادهٔ تبلیغاتی مخالفت کنید یا اطلاعاتتان را به سرویس دیگری منتقل کنید. به **حساب ← حریم خصوصی ← درخواست اطلاعات من** بروید یا به *privacy@kestrel.example* بنویسید. ظرف ۳۰ روز، و معمولاً خیلی زودتر، پاسخ می‌دهیم. اگر از پاسخ ما راضی نبودید، می‌توانید به نهاد حفاظت از داده‌های کشور خود شکایت کنید.",
            },
        ],
    },
    DemoArticle {
        category: SECURITY,
        status: Published,
        visibility: Internal,
        tags: &["identity", "process"],
        age_days: 185,
        earlier_source: None,
        behind: &[],
        texts: &[Text {
            locale: "en",
            title: "Checking a customer's identity before changing an account",
            body: "\
*For the support team only.* Before you change anything that could hand an account to someone else (e-mail address, phone number, two-step verification, closing the account), make sure you are talking to its owner.

1. Act only on requests from the account's e-mail address, or from a new address when the customer cannot sign in.
2. Ask for **two** of: the number of a recent order, its date, its total, the last four digits of the card used, the delivery postcode.
3. Never read details out and ask the customer to confirm them; the customer must give them.
4. Check the account's security log (**Admin → Customer → Security**) for a recent password reset or a sign-in from a new country. If there is one, hand the ticket to the Technical group before changing anything.
5. Note in the ticket which details were checked, without copying them: *identity checked: order number and postcode*.

Never turn off two-step verification over the phone. If the customer is annoyed by the checks, explain that they protect their money and data, and offer to continue by e-mail.",
        }],
    },
    DemoArticle {
        category: SHIPPING,
        status: Draft,
        visibility: Public,
        tags: &["christmas", "delivery"],
        age_days: 3,
        earlier_source: None,
        behind: &[],
        texts: &[Text {
            locale: "en",
            title: "Ordering in time for the holidays",
            body: "\
*Draft for the December campaign: dates to be confirmed with the warehouse.*

To receive your order before 24 December, order by:

| Delivery option | Last order date |
|---|---|
| Standard courier | 18 December |
| Parcel locker or pickup point | 19 December |
| Express | 22 December, 15:00 |
| Large items | 10 December |

Gift cards sent by e-mail arrive within minutes, right up to Christmas Eve. Items bought from 1 November can be returned until 15 January.",
        }],
    },
];
