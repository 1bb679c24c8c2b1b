//! The demo's knowledge base: the help articles of Kestrel Market, a fictional online shop
//! for electronics and home goods with a mobile app and a paid membership (Kestrel Plus).
//! Written by hand in English, with Turkish, Polish and Persian translations of many
//! articles; bodies are markdown in the form the article editor stores.

use porchlight_domain::kb::ArticleStatus::Published;
use porchlight_domain::kb::ArticleVisibility::Public;

use crate::demo_kb::{DemoArticle, Text};

// Category indexes, in the order of `demo_kb`'s categories.
const BILLING: usize = 0;
const RETURNS: usize = 3;

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
Bardzo nam przykro! Uszkodzony lub wadliwy produkt wymienimy albo zwrócimy za niego pieniądze bez żadnych kosztów po Twojej stronie. Nie musisz czekać na 30-dniowy termin zwrotu.

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
];
