//! Believable generated helpdesks: the "Load demo data" button and `cargo xtask seed`/bench
//! stores. A bulk import: rows are inserted directly (with their historical timestamps) and
//! the full-text indexes are rebuilt once at the end, which is far faster than triggers.

use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::params;

use crate::queries::settings;
use crate::schema::{create_derived_triggers, rebuild_derived, DROP_DERIVED_TRIGGERS};
use crate::{new_id, now_ms, Store, StoreResult};
use porchlight_domain::docs::Doc;
use porchlight_domain::records::{RatingVia, SurveyKind};
use porchlight_domain::sla::{
    timeline_of, BusinessCalendar, FieldChange, Schedule, SlaBook, SlaConditions, SlaPolicy,
    SlaStatus, SlaTargets, SlaTargetsByPriority, ThreadEntry, TicketFacts, TimeRange, WeeklyHours,
};
use porchlight_domain::{AuthorKind, Channel, MessageKind, Mutation, Priority, TicketStatus};

#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub tickets: usize,
    /// Average thread length (customer messages, replies and notes).
    pub messages_per_ticket: usize,
    pub seed: u64,
}

#[derive(Debug, Clone)]
pub struct SeedReport {
    pub tickets: usize,
    pub messages: usize,
    pub customers: usize,
    pub elapsed_ms: u128,
}

struct Lang {
    code: &'static str,
    first: &'static [&'static str],
    last: &'static [&'static str],
    domain: &'static str,
    subjects: &'static [&'static str],
    customer: &'static [&'static str],
    agent: &'static [&'static str],
    notes: &'static [&'static str],
    hello: &'static str,
    thanks: &'static str,
}

const EN: Lang = Lang {
    code: "en",
    first: &["Emma", "Liam", "Olivia", "Noah", "Ava", "James", "Sophia", "Lucas", "Mia", "Ethan", "Grace", "Henry"],
    last: &["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clarke", "Walker", "Hughes", "Price", "Bennett"],
    domain: "example.com",
    subjects: &[
        "Refund for order {n} not received", "Cannot log in after password reset", "Invoice shows the wrong VAT number",
        "Package arrived damaged", "How do I export my data?", "Charged twice this month", "App crashes when uploading photos",
        "Change the delivery address for order {n}", "Question about the annual plan", "Two-factor codes not arriving",
    ],
    customer: &[
        "I placed order {n} two weeks ago and the refund still has not arrived on my card.",
        "Every time I try to sign in it says my password is wrong, even right after resetting it.",
        "Our accounting team noticed the invoice lists an old VAT number. Could you correct it?",
        "The box was crushed and the screen is cracked. I attached a photo of the packaging.",
        "Is there a way to download all my tickets and contacts as a spreadsheet?",
        "My bank statement shows two identical charges for this month's subscription.",
        "It still does not work. I tried again this morning on a different laptop.",
        "Thanks, that fixed it! One more question: can I add a second user to the account?",
        "Any update on this? We need it resolved before the end of the week.",
    ],
    agent: &[
        "Thanks for reaching out. I have checked order {n} and the refund was issued yesterday; banks usually take 3–5 working days.",
        "Sorry about the trouble. I have reset your session on our side; please try signing in again and let me know.",
        "I have corrected the VAT number and attached the updated invoice.",
        "I am sorry the parcel arrived damaged. A replacement is on its way and you will get a tracking link by e-mail.",
        "You can export everything under Settings → Data → Export. The file arrives as a CSV within a few minutes.",
        "You are right, the second charge was a mistake. I have refunded it in full.",
        "Could you tell me which version of the app you are using and send a screenshot of the error?",
    ],
    notes: &[
        "Checked the payment provider: refund {n} is in state 'settled'.", "Customer is on the legacy plan, do not upsell.",
        "Escalated to the warehouse team, waiting for their photos.", "Same issue reported by two other customers today.",
    ],
    hello: "Hi {name},", thanks: "Best regards",
};

const TR: Lang = Lang {
    code: "tr",
    first: &["Ayşe", "Mehmet", "Zeynep", "Mustafa", "Elif", "Ahmet", "Fatma", "Emre", "Selin", "Burak", "Deniz", "Cem"],
    last: &["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Arslan", "Doğan"],
    domain: "ornek.com.tr",
    subjects: &[
        "{n} numaralı siparişin iadesi gelmedi", "Şifre sıfırlamadan sonra giriş yapamıyorum", "Faturadaki vergi numarası yanlış",
        "Kargo hasarlı geldi", "Verilerimi nasıl dışa aktarabilirim?", "Bu ay iki kez ücret alındı", "Fotoğraf yüklerken uygulama kapanıyor",
        "Teslimat adresini değiştirmek istiyorum", "Yıllık plan hakkında soru",
    ],
    customer: &[
        "İki hafta önce {n} numaralı siparişi verdim ama iade hâlâ kartıma yansımadı.",
        "Şifremi sıfırladıktan hemen sonra bile giriş yaparken şifre yanlış diyor.",
        "Muhasebe ekibimiz faturada eski vergi numaramızın yazdığını fark etti. Düzeltebilir misiniz?",
        "Kutu ezilmiş ve ekran çatlak geldi. Ambalajın fotoğrafını ekledim.",
        "Tüm kayıtlarımı tablo olarak indirmenin bir yolu var mı?",
        "Hesap özetimde bu ayın aboneliği için iki aynı ödeme görünüyor.",
        "Hâlâ çalışmıyor. Bu sabah başka bir bilgisayarda da denedim.",
        "Teşekkürler, sorun çözüldü! Hesaba ikinci bir kullanıcı ekleyebilir miyim?",
    ],
    agent: &[
        "Bize yazdığınız için teşekkürler. {n} numaralı siparişi kontrol ettim; iade dün yapıldı, bankanıza yansıması 3–5 iş günü sürebilir.",
        "Yaşadığınız sorun için üzgünüm. Oturumunuzu bizim tarafımızda sıfırladım, lütfen tekrar giriş yapmayı deneyin.",
        "Vergi numarasını düzelttim ve güncel faturayı ekledim.",
        "Ürünün hasarlı gelmesine çok üzüldük. Yenisi yola çıktı, takip bağlantısı e-posta ile gelecek.",
        "Hangi uygulama sürümünü kullandığınızı yazıp hatanın ekran görüntüsünü gönderebilir misiniz?",
    ],
    notes: &["Ödeme sağlayıcısında iade {n} tamamlanmış görünüyor.", "Depo ekibine iletildi, fotoğraf bekleniyor.", "Müşteri eski tarifede, ek satış önerme."],
    hello: "Merhaba {name},", thanks: "Saygılarımla",
};

const PL: Lang = Lang {
    code: "pl",
    first: &["Anna", "Piotr", "Katarzyna", "Tomasz", "Magdalena", "Paweł", "Agnieszka", "Michał", "Zofia", "Jakub", "Ewa"],
    last: &["Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Kamińska", "Lewandowski", "Zieliński", "Szymańska", "Dąbrowski"],
    domain: "przyklad.pl",
    subjects: &[
        "Nie otrzymałem zwrotu za zamówienie {n}", "Nie mogę się zalogować po zmianie hasła", "Błędny numer NIP na fakturze",
        "Paczka dotarła uszkodzona", "Jak wyeksportować moje dane?", "Pobrano opłatę dwa razy", "Aplikacja zamyka się przy wysyłaniu zdjęć",
        "Zmiana adresu dostawy", "Pytanie o plan roczny",
    ],
    customer: &[
        "Dwa tygodnie temu złożyłem zamówienie {n}, a zwrot wciąż nie wpłynął na moją kartę.",
        "Przy każdej próbie logowania widzę komunikat o błędnym haśle, nawet zaraz po jego zmianie.",
        "Nasz dział księgowości zauważył, że na fakturze jest stary numer NIP. Czy możecie to poprawić?",
        "Karton był zgnieciony, a ekran pęknięty. W załączniku zdjęcie opakowania.",
        "Na wyciągu widzę dwie identyczne opłaty za abonament w tym miesiącu.",
        "Nadal nie działa. Próbowałam dziś rano na innym komputerze.",
        "Dziękuję, pomogło! Czy mogę dodać drugiego użytkownika do konta?",
    ],
    agent: &[
        "Dziękujemy za wiadomość. Sprawdziłem zamówienie {n}: zwrot został zlecony wczoraj, bank zwykle księguje go w 3–5 dni roboczych.",
        "Przepraszamy za kłopot. Zresetowałem sesję po naszej stronie, proszę spróbować zalogować się ponownie.",
        "Poprawiłem numer NIP i załączam zaktualizowaną fakturę.",
        "Bardzo nam przykro z powodu uszkodzenia. Nowy egzemplarz jest już w drodze, link do śledzenia przyjdzie e-mailem.",
        "Proszę podać wersję aplikacji i przesłać zrzut ekranu z błędem.",
    ],
    notes: &["Zwrot {n} ma status 'rozliczony' u operatora płatności.", "Przekazane do magazynu, czekamy na zdjęcia.", "Ten sam problem zgłosiło dziś dwóch innych klientów."],
    hello: "Dzień dobry {name},", thanks: "Pozdrawiam serdecznie",
};

const FA: Lang = Lang {
    code: "fa",
    first: &["سارا", "علی", "مریم", "رضا", "زهرا", "حسین", "نگار", "امیر", "پریسا", "مهدی", "شیرین"],
    last: &["احمدی", "محمدی", "حسینی", "رضایی", "کریمی", "موسوی", "جعفری", "صادقی", "رحیمی"],
    domain: "example.ir",
    subjects: &[
        "بازپرداخت سفارش {n} هنوز انجام نشده", "پس از تغییر رمز عبور نمی‌توانم وارد شوم", "شماره اقتصادی روی فاکتور اشتباه است",
        "بسته آسیب‌دیده به دستم رسید", "چطور اطلاعاتم را خروجی بگیرم؟", "این ماه دو بار از حسابم کسر شده", "برنامه هنگام بارگذاری عکس بسته می‌شود",
        "تغییر نشانی تحویل سفارش",
    ],
    customer: &[
        "دو هفته پیش سفارش {n} را ثبت کردم ولی هنوز مبلغ به کارتم برنگشته است.",
        "هر بار که می‌خواهم وارد شوم می‌گوید رمز اشتباه است، حتی بلافاصله بعد از تغییر آن.",
        "واحد حسابداری ما متوجه شد که شماره اقتصادی قدیمی روی فاکتور درج شده است. لطفاً اصلاح کنید.",
        "جعبه له شده بود و صفحه نمایش ترک داشت. عکس بسته‌بندی را پیوست کردم.",
        "در صورتحساب بانکی دو برداشت یکسان برای اشتراک این ماه می‌بینم.",
        "هنوز درست نشده است. امروز صبح روی یک رایانهٔ دیگر هم امتحان کردم.",
        "ممنون، مشکل حل شد! آیا می‌توانم کاربر دومی به حساب اضافه کنم؟",
    ],
    agent: &[
        "از پیام شما سپاسگزاریم. سفارش {n} را بررسی کردم؛ بازپرداخت دیروز انجام شد و معمولاً ۳ تا ۵ روز کاری طول می‌کشد.",
        "بابت این مشکل پوزش می‌خواهیم. نشست شما را از سمت خودمان بازنشانی کردم؛ لطفاً دوباره وارد شوید.",
        "شماره اقتصادی را اصلاح کردم و فاکتور جدید را پیوست کردم.",
        "از آسیب دیدن کالا بسیار متأسفیم. کالای جایگزین ارسال شد و پیوند رهگیری برایتان ایمیل می‌شود.",
        "لطفاً نسخهٔ برنامه را بفرمایید و تصویری از پیام خطا بفرستید.",
    ],
    notes: &["در درگاه پرداخت، بازپرداخت {n} تسویه شده است.", "به انبار ارجاع شد، منتظر عکس‌ها هستیم.", "دو مشتری دیگر هم امروز همین مشکل را گزارش کردند."],
    hello: "{name} عزیز، سلام،", thanks: "با احترام",
};

const LANGS: [&Lang; 4] = [&EN, &TR, &PL, &FA];
const TAGS: &[&str] = &[
    "refund",
    "billing",
    "login",
    "shipping",
    "damaged",
    "vip",
    "bug",
    "feature-request",
    "invoice",
    "export",
    "mobile",
    "urgent-customer",
    "duplicate-charge",
    "address-change",
    "2fa",
];
const GROUPS: &[&str] = &["Support", "Billing", "Technical", "Shipping"];
const ORGS: &[(&str, &str)] = &[
    ("Acme Trading", "acme.example"),
    ("Boğaziçi Lojistik", "bogazici.example"),
    ("Wisła Software", "wisla.example"),
    ("Pars Online", "parsonline.example"),
    ("Northwind Foods", "northwind.example"),
    ("Kraków Design Studio", "krakow.example"),
];
const DAY: i64 = 86_400_000;

fn fill(template: &str, n: u32, name: &str) -> String {
    template
        .replace("{n}", &n.to_string())
        .replace("{name}", name)
}

const MINUTE: i64 = 60_000;
const HOUR: i64 = 3_600_000;
const WEEK: i64 = 7 * DAY;

/// One message of a generated thread: kind, author kind, author id, author name, text, time.
type Msg<'a> = (&'a str, &'a str, String, String, String, i64);

/// Who made a change: an agent's id and name, or no id and the customer's or the system's name.
type Actor = (Option<String>, String);

/// How a generated helpdesk is spread over time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timing {
    /// The benchmarks' (pinned by `the_benchmark_helpdesk_is_what_it_was`): tickets evenly
    /// over the span, threads at random intervals, no status history.
    Even,
    /// The demo's: a support team's days, see [`TeamClock`].
    Team,
}

fn is_done(status: &str) -> bool {
    matches!(status, "solved" | "closed")
}

/// One change of a demo ticket's status, as its audit event records it.
struct StatusChange {
    from: &'static str,
    to: &'static str,
    at: i64,
    by: Actor,
}

/// A demo ticket's history (its messages' times are written into its thread).
struct History {
    created: i64,
    assigned_at: i64,
    status: &'static str,
    changes: Vec<StatusChange>,
}

impl History {
    /// When it was last solved: a reopened ticket keeps that time, as the ticket engine does.
    fn solved_at(&self) -> Option<i64> {
        self.changes
            .iter()
            .rev()
            .find(|c| is_done(c.to) && !is_done(c.from))
            .map(|c| c.at)
    }

    fn reopens(&self) -> i64 {
        self.changes
            .iter()
            .filter(|c| is_done(c.from) && !is_done(c.to))
            .count() as i64
    }
}

fn set_status(
    changes: &mut Vec<StatusChange>,
    current: &mut &'static str,
    to: &'static str,
    at: i64,
    by: &Actor,
) {
    if *current != to {
        changes.push(StatusChange {
            from: current,
            to,
            at,
            by: by.clone(),
        });
        *current = to;
    }
}

/// The demo team's shift, when agents mostly answer: 08:00–20:00 on weekdays and
/// 09:00–17:00 at weekends, Warsaw time.
pub(crate) fn team_shift() -> StoreResult<Schedule> {
    let mut hours = WeeklyHours::weekdays(&[("08:00", "20:00")]);
    hours.saturday = vec![TimeRange::new("09:00", "17:00")];
    hours.sunday = hours.saturday.clone();
    Ok(Schedule::new(&BusinessCalendar {
        id: "demo-team".into(),
        name: "Support team".into(),
        time_zone: "Europe/Warsaw".into(),
        hours,
        holidays: Vec::new(),
    })?)
}

/// The demo's times: a support team that answers within minutes to hours, mostly during its
/// shift; customers who mostly write while awake and answer within hours to a day; solved
/// tickets spread over the span with their status history; unsolved ones recent, each given
/// an SLA state under the store's policies (most on track, one in eleven breached, another
/// at risk), as a team that keeps up with its queue has.
struct TeamClock {
    shift: Schedule,
    /// 07:00–23:30 every day, when customers mostly write.
    awake: Schedule,
    rng: StdRng,
    now: i64,
    span: i64,
    book: std::sync::Arc<SlaBook>,
    /// New and open tickets given an SLA state so far.
    planned: usize,
    /// Solved and open tickets that could have been reopened so far.
    reopenable: [usize; 2],
}

/// Time left between a demo ticket's last activity and now, and kept from an SLA boundary.
const QUIET: i64 = 2 * MINUTE;
const MARGIN: i64 = 5 * MINUTE;

impl TeamClock {
    fn new(seed: u64, now: i64, span: i64, book: std::sync::Arc<SlaBook>) -> StoreResult<Self> {
        let awake = Schedule::new(&BusinessCalendar {
            id: "demo-customers".into(),
            name: "Customers awake".into(),
            time_zone: "Europe/Warsaw".into(),
            hours: WeeklyHours::on_days(&[0, 1, 2, 3, 4, 5, 6], &[("07:00", "23:30")]),
            holidays: Vec::new(),
        })?;
        Ok(TeamClock {
            shift: team_shift()?,
            awake,
            // Its own stream: the demo's contents come from the generator's.
            rng: StdRng::seed_from_u64(seed ^ 0x7ea3_c10c),
            now,
            span,
            book,
            planned: 0,
            reopenable: [0, 0],
        })
    }

    /// Skewed towards `lo`: as many waits under the geometric middle as over it.
    fn wait(&mut self, lo: i64, hi: i64) -> i64 {
        self.rng.gen_range((lo as f64).ln()..(hi as f64).ln()).exp() as i64
    }

    /// An agent acting `delay` after `t`: within the shift, or (now and then) out of hours;
    /// otherwise once the next shift has worked through some of its queue.
    fn agent_at(&mut self, t: i64, delay: i64) -> i64 {
        let at = t + delay;
        if self.shift.is_open_at(at) || self.rng.gen_ratio(1, 8) {
            return at;
        }
        let queue = self.wait(2 * MINUTE, 90 * MINUTE);
        self.shift.add_business_ms(at, queue)
    }

    /// A customer writing `delay` after `t`, mostly while awake.
    fn customer_at(&mut self, t: i64, delay: i64) -> i64 {
        let at = t + delay;
        if self.awake.is_open_at(at) || self.rng.gen_ratio(1, 5) {
            return at;
        }
        let later = self.wait(10 * MINUTE, 3 * HOUR);
        self.awake.add_business_ms(at, later)
    }

    /// The agent reply after which the ticket was first solved, when it was reopened: every
    /// fourth solved ticket whose customer wrote back after a reply and got another answer,
    /// every third open one whose customer wrote back last.
    fn reopen_after(&mut self, thread: &[Msg<'_>], status: &str) -> Option<usize> {
        let agent_reply = |m: &Msg<'_>| m.0 == "reply" && m.1 == "agent";
        let answered_after = |j: usize| thread[j + 1..].iter().any(agent_reply);
        let mut points = (0..thread.len().saturating_sub(1))
            .filter(|&j| agent_reply(&thread[j]) && thread[j + 1].1 == "customer");
        match status {
            "solved" | "closed" => {
                let j = points.clone().find(|&j| answered_after(j + 1))?;
                self.reopenable[0] += 1;
                (self.reopenable[0] % 4 == 1).then_some(j)
            }
            "open" => {
                let j = points.next_back().filter(|&j| !answered_after(j + 1))?;
                self.reopenable[1] += 1;
                (self.reopenable[1] % 3 == 1).then_some(j)
            }
            _ => None,
        }
    }

    /// Times `thread` from `created` on, with the status changes an agent's desk makes along
    /// the way, ending in `status`; returns the changes and the status reached (a pending
    /// ticket whose customer wrote last is open again).
    fn play(
        &mut self,
        thread: &mut [Msg<'_>],
        created: i64,
        status: &'static str,
        reopen_after: Option<usize>,
        agent: &Actor,
        customer: &Actor,
    ) -> (Vec<StatusChange>, &'static str) {
        let mut changes = Vec::new();
        let mut current = "new";
        let mut replied = false;
        let mut t = created;
        for k in 0..thread.len() {
            if k > 0 {
                let after_customer = thread[k - 1].1 == "customer";
                t = if thread[k].1 == "customer" {
                    let d = self.wait(15 * MINUTE, 30 * HOUR);
                    self.customer_at(t, d)
                } else {
                    let d = match (after_customer, replied, thread[k].0) {
                        (true, false, _) => self.wait(4 * MINUTE, 5 * HOUR),
                        (true, true, _) => self.wait(10 * MINUTE, 8 * HOUR),
                        (false, _, "note") => self.wait(2 * MINUTE, 2 * HOUR),
                        (false, _, _) => self.wait(30 * MINUTE, 20 * HOUR),
                    };
                    self.agent_at(t, d)
                };
            }
            thread[k].5 = t;
            if thread[k].1 == "customer" {
                if k > 0 && (current == "pending" || is_done(current)) {
                    set_status(&mut changes, &mut current, "open", t, customer);
                }
            } else if thread[k].0 == "reply" {
                replied = true;
                if current == "new" {
                    set_status(&mut changes, &mut current, "open", t, agent);
                }
                if reopen_after == Some(k) {
                    let at = t + self.rng.gen_range(5_000..90_000);
                    set_status(&mut changes, &mut current, "solved", at, agent);
                }
            }
        }
        let last = thread.last().map(|m| (m.0, m.1));
        let last_public = thread.iter().rev().find(|m| m.0 != "note").map(|m| m.1);
        let last_agent = |kind: Option<&str>| {
            thread
                .iter()
                .rev()
                .find(|m| m.1 == "agent" && kind.is_none_or(|k| m.0 == k))
                .map(|m| m.5)
        };
        let status = match status {
            "pending" if last_public == Some("customer") => "open",
            s => s,
        };
        match status {
            "solved" | "closed" => {
                let at = match last {
                    Some(("reply", "agent")) => t + self.rng.gen_range(5_000..120_000),
                    Some((_, "agent")) => t + self.wait(MINUTE, 15 * MINUTE),
                    _ => {
                        let d = self.wait(10 * MINUTE, 6 * HOUR);
                        self.agent_at(t, d)
                    }
                };
                set_status(&mut changes, &mut current, "solved", at, agent);
                if status == "closed" {
                    // Solved tickets close by themselves after four days.
                    let system = (None, "Porchlight".to_string());
                    set_status(&mut changes, &mut current, "closed", at + 4 * DAY, &system);
                }
            }
            "pending" | "on_hold" => {
                let since = last_agent((status == "pending").then_some("reply"));
                let at = match since {
                    Some(at) => at + self.rng.gen_range(5_000..120_000),
                    None => created + self.wait(5 * MINUTE, HOUR),
                };
                set_status(&mut changes, &mut current, status, at, agent);
            }
            "open" if current == "new" => {
                // Opened by the first agent to look at it (a note), or when it was triaged.
                let at = match thread.iter().find(|m| m.1 == "agent") {
                    Some(m) => m.5,
                    None => created + self.wait(3 * MINUTE, 40 * MINUTE),
                };
                set_status(&mut changes, &mut current, "open", at, agent);
            }
            _ => {}
        }
        (changes, current)
    }

    /// A moment in the span for a solved ticket to have been opened: mostly in the day,
    /// now and then in the evening or at night.
    fn opened_in_span(&mut self) -> i64 {
        let mut at = self.now - self.rng.gen_range(6 * HOUR..self.span.max(7 * HOUR));
        for _ in 0..20 {
            let likely = if self.shift.is_open_at(at) {
                (1, 1)
            } else if self.awake.is_open_at(at) {
                (1, 3)
            } else {
                (1, 12)
            };
            if self.rng.gen_ratio(likely.0, likely.1) {
                break;
            }
            at = self.now - self.rng.gen_range(6 * HOUR..self.span.max(7 * HOUR));
        }
        at
    }

    /// When the ticket's SLA (under the store's policies) is due and warns, counted from
    /// `created`; `None` when nothing is due. Moving the whole history keeps these under an
    /// around-the-clock policy (the demo's); under a business calendar they are close.
    #[allow(clippy::too_many_arguments)]
    fn deadlines(
        &self,
        thread: &[Msg<'_>],
        changes: &[StatusChange],
        created: i64,
        status: &str,
        priority: &str,
        channel: &str,
        group: Option<&str>,
    ) -> StoreResult<(Option<i64>, Option<i64>)> {
        let status = TicketStatus::parse("status", status)?;
        let priority = Priority::parse("priority", priority)?;
        let facts = TicketFacts {
            priority,
            channel: Channel::parse("channel", channel)?,
            group_id: group,
            organization_id: None,
            tags: &[],
        };
        let changes: Vec<FieldChange<'_>> = changes
            .iter()
            .map(|c| FieldChange {
                field: "status",
                old_value: Some(c.from),
                new_value: Some(c.to),
                at: c.at,
            })
            .collect();
        let entries = thread
            .iter()
            .map(|m| {
                Ok(ThreadEntry {
                    kind: MessageKind::parse("kind", m.0)?,
                    author_kind: AuthorKind::parse("author_kind", m.1)?,
                    author_id: Some(&m.2),
                    at: m.5,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let timeline = timeline_of(created, status, priority, &changes, &entries);
        Ok(match self.book.ticket_sla(&facts, &timeline) {
            Some(sla) => (
                sla.due_at.map(|d| d - created),
                sla.warn_at.map(|w| w - created),
            ),
            None => (None, None),
        })
    }

    /// An age for a ticket, `busy` long from opening to its last activity, that puts it in
    /// state `want` at now, given when it is due and warns (from opening); `age` when it fits.
    fn age_for(
        &mut self,
        want: SlaStatus,
        busy: i64,
        due: Option<i64>,
        warn: Option<i64>,
        age: i64,
    ) -> Option<i64> {
        match (want, due, warn) {
            (SlaStatus::OnTrack, None, _) => Some(age.max(busy)),
            (SlaStatus::OnTrack, Some(_), Some(w)) => {
                (busy <= w - MARGIN).then(|| age.clamp(busy, w - MARGIN))
            }
            (SlaStatus::AtRisk, Some(d), Some(w)) => {
                let lo = busy.max(w + MARGIN);
                (lo <= d - MARGIN).then(|| self.rng.gen_range(lo..=d - MARGIN))
            }
            (SlaStatus::Breached, Some(d), _) => {
                let lo = busy.max(d + 20 * MINUTE);
                Some(self.rng.gen_range(lo..=lo.max(d + 12 * HOUR)))
            }
            _ => None,
        }
    }

    /// Times a ticket's thread and status history; see [`TeamClock`].
    #[allow(clippy::too_many_arguments)]
    fn history(
        &mut self,
        thread: &mut [Msg<'_>],
        status: &'static str,
        priority: &str,
        channel: &str,
        group: Option<&str>,
        agent: &Actor,
        customer: &Actor,
    ) -> StoreResult<History> {
        let reopen_after = self.reopen_after(thread, status);
        let (created, changes, status) = if is_done(status) {
            let created = self.opened_in_span();
            let (mut changes, status) =
                self.play(thread, created, status, reopen_after, agent, customer);
            // Nothing happens after now: the same weekdays and hours, weeks earlier.
            let end = last_activity(thread, &changes, created);
            let late = end - (self.now - 10 * MINUTE);
            let back = if late > 0 {
                (late + WEEK - 1) / WEEK * WEEK
            } else {
                0
            };
            shift(thread, &mut changes, -back);
            (created - back, changes, status)
        } else {
            let mut age = if status == "new" {
                self.wait(5 * MINUTE, 6 * HOUR)
            } else {
                self.wait(2 * HOUR, 44 * HOUR)
            };
            // A conversation that would run past now began earlier (told again from there,
            // so replies stay in the shift).
            let (mut opened, mut played) = (self.now, (Vec::new(), status));
            for _ in 0..8 {
                opened = self.now - age;
                played = self.play(thread, opened, status, reopen_after, agent, customer);
                let busy = last_activity(thread, &played.0, opened) - opened + QUIET;
                if busy <= age {
                    break;
                }
                age = busy + self.wait(10 * MINUTE, 3 * HOUR);
            }
            let (mut changes, status) = played;
            let plan = if matches!(status, "new" | "open") {
                self.planned += 1;
                match self.planned % 11 {
                    5 => SlaStatus::Breached,
                    8 => SlaStatus::AtRisk,
                    _ => SlaStatus::OnTrack,
                }
            } else {
                SlaStatus::OnTrack
            };
            // A thread too long for its state is told faster; a state no thread can reach
            // (an urgent ticket is at risk from the start) gives way to the next.
            let wants = [SlaStatus::OnTrack, SlaStatus::AtRisk, SlaStatus::Breached];
            let mut chosen = None;
            'search: for want in wants.into_iter().skip_while(|w| *w != plan) {
                for _ in 0..6 {
                    let (due, warn) =
                        self.deadlines(thread, &changes, opened, status, priority, channel, group)?;
                    let busy = last_activity(thread, &changes, opened) - opened + QUIET;
                    if let Some(a) = self.age_for(want, busy, due, warn, age) {
                        chosen = Some(a);
                        break 'search;
                    }
                    compress(thread, &mut changes, opened);
                }
            }
            let busy = last_activity(thread, &changes, opened) - opened + QUIET;
            let created = self.now - chosen.unwrap_or(busy);
            shift(thread, &mut changes, created - opened);
            (created, changes, status)
        };
        let first_agent = thread.iter().find(|m| m.1 == "agent").map(|m| m.5);
        let pick = self.wait(MINUTE, 15 * MINUTE);
        let assigned_at = match first_agent {
            Some(at) => created + pick.min((at - created) / 2).max(1_000),
            None => (created + pick).min(self.now),
        };
        Ok(History {
            created,
            assigned_at,
            status,
            changes,
        })
    }
}

fn last_activity(thread: &[Msg<'_>], changes: &[StatusChange], created: i64) -> i64 {
    thread
        .iter()
        .map(|m| m.5)
        .chain(changes.iter().map(|c| c.at))
        .fold(created, i64::max)
}

fn shift(thread: &mut [Msg<'_>], changes: &mut [StatusChange], by: i64) {
    thread.iter_mut().for_each(|m| m.5 += by);
    changes.iter_mut().for_each(|c| c.at += by);
}

/// Halves every wait since `from`, keeping the order of everything.
fn compress(thread: &mut [Msg<'_>], changes: &mut [StatusChange], from: i64) {
    thread
        .iter_mut()
        .for_each(|m| m.5 = from + (m.5 - from) / 2);
    changes
        .iter_mut()
        .for_each(|c| c.at = from + (c.at - from) / 2);
}

/// Generates a helpdesk of `opts.tickets` tickets into `store`, ending now.
pub fn seed(store: &Store, opts: &SeedOptions) -> StoreResult<SeedReport> {
    generate(store, opts, Timing::Even)
}

/// A helpdesk with no SLA policy gets the standard one, so the list shows deadlines.
fn ensure_sla_policy(tx: &rusqlite::Connection) -> StoreResult<()> {
    if crate::queries::config_docs::sla_config(tx)?.0.is_empty() {
        crate::queries::config_docs::write_doc(tx, &Doc::SlaPolicy(demo_sla_policy()))?;
    }
    Ok(())
}

fn generate(store: &Store, opts: &SeedOptions, timing: Timing) -> StoreResult<SeedReport> {
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let me = store.me();
    let now = now_ms();
    let span = (365 * DAY)
        .min(opts.tickets as i64 * 10 * 60_000)
        .max(14 * DAY);
    let report = store.with_tx(|tx| {
        tx.execute_batch(DROP_DERIVED_TRIGGERS)?;
        // Agents and groups.
        let mut agents: Vec<(String, String)> = Vec::new();
        if let Some(id) = &me {
            let name: String = tx.query_row("SELECT name FROM agents WHERE id = ?1", [id], |r| r.get(0))?;
            agents.push((id.clone(), name));
        }
        for (i, lang) in LANGS.iter().enumerate() {
            for j in 0..2 {
                let name = format!("{} {}", lang.first[(i * 3 + j) % lang.first.len()], lang.last[(i + j * 2) % lang.last.len()]);
                let id = new_id();
                tx.execute(
                    "INSERT INTO agents(id, name, email, role, active, created_at) VALUES (?1, ?2, ?3, 'agent', 1, ?4)",
                    params![id, name, format!("agent{}{}@porchlight.example", i, j), now - span],
                )?;
                agents.push((id, name));
            }
        }
        let mut groups = Vec::new();
        for g in GROUPS {
            let existing: Option<String> = tx
                .query_row("SELECT id FROM agent_group WHERE name = ?1", [g], |r| r.get(0))
                .ok();
            let id = existing.unwrap_or_else(new_id);
            tx.execute(
                "INSERT OR IGNORE INTO agent_group(id, name, description, created_at) VALUES (?1, ?2, '', ?3)",
                params![id, g, now - span],
            )?;
            for (a, _) in agents.iter().step_by(2) {
                tx.execute("INSERT OR IGNORE INTO agent_group_member(group_id, agent_id) VALUES (?1, ?2)", params![id, a])?;
            }
            groups.push(id);
        }
        for t in TAGS {
            tx.execute("INSERT OR IGNORE INTO tags(name, created_at) VALUES (?1, ?2)", params![t, now - span])?;
        }
        let mut orgs = Vec::new();
        for (name, domain) in ORGS {
            let id = new_id();
            tx.execute(
                "INSERT INTO organizations(id, name, domains, notes, created_at, updated_at) VALUES (?1, ?2, ?3, '', ?4, ?4)",
                params![id, name, serde_json::to_string(&[domain])?, now - span],
            )?;
            orgs.push((id, *domain));
        }

        // Customers: about one per five tickets, at least 12.
        let n_customers = (opts.tickets / 5).max(12);
        let mut customers: Vec<(String, String, &Lang)> = Vec::with_capacity(n_customers);
        {
            let mut ins = tx.prepare(
                "INSERT INTO customers(id, name, email_list, phone, organization_id, language, notes, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', ?7, ?7)",
            )?;
            let mut ins_email = tx.prepare("INSERT OR IGNORE INTO customer_emails(email, customer_id, position) VALUES (?1, ?2, 0)")?;
            for i in 0..n_customers {
                let lang = LANGS[i % 4];
                let first = lang.first[rng.gen_range(0..lang.first.len())];
                let last = lang.last[rng.gen_range(0..lang.last.len())];
                let name = format!("{first} {last}");
                let org = (rng.gen_ratio(1, 3)).then(|| &orgs[rng.gen_range(0..orgs.len())]);
                let domain = org.map(|o| o.1).unwrap_or(lang.domain);
                let email = format!("customer{i}@{domain}");
                let id = new_id();
                ins.execute(params![
                    id, name, email, format!("+{} {}", 30 + i % 60, 5_550_000 + i),
                    org.map(|o| o.0.clone()), lang.code, now - span
                ])?;
                ins_email.execute(params![email, id])?;
                customers.push((id, name, lang));
            }
        }

        let first_number: i64 = tx.query_row("SELECT coalesce(max(number), 1000) + 1 FROM tickets", [], |r| r.get(0))?;
        let mut ins_ticket = tx.prepare(
            "INSERT INTO tickets(id, number, subject, status, priority, priority_rank, ticket_type, channel, requester_id,
               assignee_id, group_id, language, preview, message_count, created_at, updated_at, first_response_at,
               last_customer_message_at, last_agent_reply_at, solved_at, reopen_count)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
        )?;
        let mut ins_msg = tx.prepare(
            "INSERT INTO messages(id, ticket_id, kind, author_kind, author_id, author_name, body_text, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        let mut ins_tag = tx.prepare("INSERT OR IGNORE INTO ticket_tags(ticket_id, tag) VALUES (?1, ?2)")?;
        let mut ins_event = tx.prepare(
            "INSERT INTO ticket_events(id, ticket_id, actor_id, actor_name, field, old_value, new_value, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        // The demo's clock plans SLA states under the policies the tickets will have.
        let mut team = match timing {
            Timing::Even => None,
            Timing::Team => {
                ensure_sla_policy(tx)?;
                let book = crate::queries::config_docs::sla_book(tx)?;
                Some(TeamClock::new(opts.seed, now, span, book)?)
            }
        };
        let statuses = ["new", "open", "open", "pending", "on_hold", "solved", "solved", "solved", "closed", "open"];
        let priorities = [("low", 0), ("normal", 1), ("normal", 1), ("normal", 1), ("high", 2), ("urgent", 3)];
        let types = ["question", "incident", "problem", "task", "question"];
        let channels = ["email", "email", "web", "phone", "chat", "walk_in", "manual"];
        let mut messages = 0usize;
        for i in 0..opts.tickets {
            let (cust_id, cust_name, lang) = &customers[rng.gen_range(0..customers.len())];
            let order_no = rng.gen_range(10_000..99_999);
            let created = now - span + (span * i as i64) / opts.tickets.max(1) as i64 - rng.gen_range(0..60_000);
            let status = statuses[rng.gen_range(0..statuses.len())];
            let (priority, rank) = priorities[rng.gen_range(0..priorities.len())];
            // The local agent (first in `agents`) always has a share of the work, so a demo
            // opens with something in "My tickets".
            let assignee = if status == "new" || rng.gen_ratio(1, 10) {
                None
            } else if me.is_some() && i % 5 == 0 {
                Some(&agents[0])
            } else {
                Some(&agents[rng.gen_range(0..agents.len())])
            };
            let group = rng.gen_ratio(3, 4).then(|| &groups[rng.gen_range(0..groups.len())]);
            // The opening message and the first reply match the subject; later turns vary.
            let topic = rng.gen_range(0..lang.subjects.len());
            let subject = fill(lang.subjects[topic], order_no, cust_name);
            let channel = channels[rng.gen_range(0..channels.len())];
            let id = new_id();
            let first_name = cust_name.split(' ').next().unwrap_or(cust_name);
            // Thread: customer opens, then agent replies, customer answers, notes now and then.
            let n = if status == "new" { 1 } else {
                let avg = opts.messages_per_ticket.max(1);
                rng.gen_range(avg.saturating_sub(avg / 2).max(1)..=avg + avg / 2)
            };
            let mut t = created;
            let mut first_response = None;
            let mut last_customer = created;
            let mut last_agent = None;
            let mut thread: Vec<(&str, &str, String, String, String, i64)> = Vec::with_capacity(n);
            for k in 0..n {
                let (kind, author_kind, author_id, author_name, text) = if k == 0 || (k % 2 == 0 && !rng.gen_ratio(1, 5)) {
                    let pick = if k == 0 { topic % lang.customer.len() } else { rng.gen_range(0..lang.customer.len()) };
                    let body = fill(lang.customer[pick], order_no, first_name);
                    ("reply", "customer", cust_id.clone(), cust_name.clone(), body)
                } else {
                    let agent = assignee.unwrap_or(&agents[k % agents.len()]);
                    if rng.gen_ratio(1, 4) {
                        let body = fill(lang.notes[rng.gen_range(0..lang.notes.len())], order_no, first_name);
                        ("note", "agent", agent.0.clone(), agent.1.clone(), body)
                    } else {
                        let body = format!(
                            "{}\n\n{}\n\n{}\n{}",
                            fill(lang.hello, order_no, first_name),
                            fill(lang.agent[if k == 1 { topic % lang.agent.len() } else { rng.gen_range(0..lang.agent.len()) }], order_no, first_name),
                            lang.thanks,
                            agent.1
                        );
                        ("reply", "agent", agent.0.clone(), agent.1.clone(), body)
                    }
                };
                match (author_kind, kind) {
                    ("customer", _) => last_customer = t,
                    (_, "reply") => {
                        first_response.get_or_insert(t);
                        last_agent = Some(t);
                    }
                    _ => {}
                }
                thread.push((kind, author_kind, author_id, author_name, text, t));
                t += rng.gen_range(5 * 60_000..(2 * DAY / n.max(1) as i64).max(10 * 60_000));
            }
            // A recent ticket's conversation cannot run past now: squeeze it into the time
            // since it was opened, keeping its order and proportions.
            let last_at = thread.last().map(|m| m.5).unwrap_or(created);
            if last_at > now && last_at > created {
                let scale = |at: i64| created + ((at - created) as i128 * (now - created).max(0) as i128 / (last_at - created) as i128) as i64;
                for m in thread.iter_mut() {
                    m.5 = scale(m.5);
                }
                first_response = first_response.map(scale);
                last_customer = scale(last_customer);
                last_agent = last_agent.map(scale);
            }
            let mut updated = thread.last().map(|m| m.5).unwrap_or(created).min(now);
            let mut solved_at = matches!(status, "solved" | "closed").then_some(updated);
            let ticket_type = types[rng.gen_range(0..types.len())];
            let mut reopens = rng.gen_ratio(1, 12) as i64;
            let (mut status, mut created, mut assigned_at) = (status, created, created + 60_000);
            let mut changes = Vec::new();
            if let Some(team) = team.as_mut() {
                // Status changes are the assignee's, or else the first agent's to write.
                let first_writer = thread.iter().find(|m| m.1 == "agent").and_then(|m| agents.iter().find(|a| a.0 == m.2));
                let desk = assignee.or(first_writer).unwrap_or(&agents[0]);
                let h = team.history(
                    &mut thread, status, priority, channel, group.map(String::as_str),
                    &(Some(desk.0.clone()), desk.1.clone()), &(None, cust_name.clone()),
                )?;
                let replies = || thread.iter().filter(|m| m.0 == "reply" && m.1 == "agent").map(|m| m.5);
                first_response = replies().next();
                last_agent = replies().next_back();
                last_customer = thread.iter().rev().find(|m| m.1 == "customer").map_or(h.created, |m| m.5);
                updated = last_activity(&thread, &h.changes, h.created);
                solved_at = h.solved_at();
                reopens = h.reopens();
                (status, created, assigned_at) = (h.status, h.created, h.assigned_at);
                changes = h.changes;
            }
            // The list preview shows the last public message, never an internal note.
            let last_text = thread.iter().rev().find(|m| m.0 != "note").map(|m| m.4.as_str()).unwrap_or("");
            ins_ticket.execute(params![
                id, first_number + i as i64, subject, status, priority, rank, ticket_type,
                channel, cust_id, assignee.map(|a| a.0.clone()), group.cloned(),
                lang.code, porchlight_domain::apply::preview(last_text), thread.len() as i64, created, updated, first_response,
                last_customer, last_agent, solved_at, reopens
            ])?;
            for (kind, author_kind, author_id, author_name, text, at) in &thread {
                ins_msg.execute(params![new_id(), id, kind, author_kind, author_id, author_name, text, at])?;
            }
            messages += thread.len();
            for _ in 0..rng.gen_range(0..3) {
                ins_tag.execute(params![id, TAGS[rng.gen_range(0..TAGS.len())]])?;
            }
            ins_event.execute(params![new_id(), id, Option::<String>::None, "Porchlight", "created", Option::<String>::None, channel, created])?;
            if let Some(a) = assignee {
                ins_event.execute(params![new_id(), id, a.0, a.1, "assignee", Option::<String>::None, a.1, assigned_at])?;
            }
            for c in &changes {
                ins_event.execute(params![new_id(), id, c.by.0, c.by.1, "status", c.from, c.to, c.at])?;
            }
        }
        drop((ins_ticket, ins_msg, ins_tag, ins_event));
        // A helpdesk promises response times: rebuilding the derived data computes deadlines.
        ensure_sla_policy(tx)?;
        rebuild_derived(tx)?;
        create_derived_triggers(tx)?;
        settings::set(tx, "demo_seeded_at", &now.to_string())?;
        Ok(SeedReport { tickets: opts.tickets, messages, customers: n_customers, elapsed_ms: 0 })
    })?;
    store.read(|c| Ok(c.execute_batch("PRAGMA optimize;")?))?;
    Ok(SeedReport {
        elapsed_ms: started.elapsed().as_millis(),
        ..report
    })
}

/// Around the clock, in hours: urgent 1 / 2 / 8, high 4 / 8 / 24, normal 8 / 24 / 72,
/// low 24 / 48 / 120; at risk an hour before.
pub fn demo_sla_policy() -> SlaPolicy {
    let h = |first: u32, next: u32, resolution: u32| SlaTargets {
        first_response: Some(first * 60),
        next_response: Some(next * 60),
        resolution: Some(resolution * 60),
    };
    SlaPolicy {
        id: "standard-support".into(),
        name: "Standard support".into(),
        position: 100,
        conditions: SlaConditions::default(),
        targets: SlaTargetsByPriority {
            low: h(24, 48, 120),
            normal: h(8, 24, 72),
            high: h(4, 8, 24),
            urgent: h(1, 2, 8),
        },
        calendar_id: None,
        warning_minutes: 60,
    }
}

/// The "Load demo data" button: a small, varied helpdesk with threads in four languages,
/// timed as a support team's days ([`TeamClock`]), and the hand-written knowledge base of a
/// fictional shop (when there is none yet) in the same languages.
pub fn load_demo(store: &Store) -> StoreResult<usize> {
    let tickets = 80;
    generate(
        store,
        &SeedOptions {
            tickets,
            messages_per_ticket: 5,
            seed: rand::thread_rng().gen(),
        },
        Timing::Team,
    )?;
    if store.kb_categories()?.is_empty() {
        crate::demo_kb::seed_demo_kb(store)?;
    }
    rate_demo(store, &mut rand::thread_rng())?;
    Ok(tickets)
}

/// What demo customers write beside a rating, per language (en, tr, pl, fa): good, okay, bad.
const DEMO_COMMENTS: [[&[&str]; 3]; 4] = [
    [
        &[
            "Quick and friendly, thank you!",
            "Solved in one e-mail. Great.",
        ],
        &["Took a while, but it works now."],
        &["I had to explain the problem three times."],
    ],
    [
        &[
            "Hızlı ve nazik, teşekkürler!",
            "Tek e-postayla çözüldü, harika.",
        ],
        &["Biraz uzun sürdü ama şimdi çalışıyor."],
        &["Sorunu üç kez anlatmak zorunda kaldım."],
    ],
    [
        &[
            "Szybko i uprzejmie, dziękuję!",
            "Załatwione jednym mailem. Super.",
        ],
        &["Trochę to trwało, ale teraz działa."],
        &["Musiałem trzy razy tłumaczyć, o co chodzi."],
    ],
    [
        &["سریع و مودبانه، ممنونم!", "با یک ایمیل حل شد. عالی بود."],
        &["کمی طول کشید، ولی حالا درست کار می‌کند."],
        &["مجبور شدم مشکل را سه بار توضیح بدهم."],
    ],
];

/// Customers' answers for the demo's solved tickets, as real customers give them: most
/// rate satisfaction (mostly good), some also say how easy it was and whether they would
/// recommend the shop, and some add a few words in their language.
fn rate_demo(store: &Store, rng: &mut impl Rng) -> StoreResult<()> {
    let solved: Vec<(String, i64, String)> = store.read(|c| {
        let mut st = c.prepare(
            "SELECT id, solved_at, language FROM tickets
             WHERE status IN ('solved', 'closed') AND solved_at IS NOT NULL AND deleted_at IS NULL
               AND merged_into_id IS NULL",
        )?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    })?;
    let now = now_ms();
    // Who rates, how, and who adds words go by turn (three in five rate; of every twenty
    // answers fifteen are good, three okay, two bad; every third writes something), so every
    // demo has the same believable mix; only the times vary.
    for (i, (ticket_id, solved_at, language)) in solved.into_iter().enumerate() {
        if i % 5 >= 3 {
            continue;
        }
        let n = i / 5 * 3 + i % 5;
        let lang = ["en", "tr", "pl", "fa"]
            .iter()
            .position(|l| *l == language)
            .unwrap_or(0);
        let at = (solved_at + rng.gen_range(20..20 * 60) * 60_000).min(now);
        let csat = match (n * 7) % 20 {
            0..=14 => 3,
            15..=17 => 2,
            _ => 1,
        };
        let comment = if n % 3 == 0 {
            let pool = DEMO_COMMENTS[lang][(3 - csat) as usize];
            pool[n / 3 % pool.len()].to_owned()
        } else {
            String::new()
        };
        let mut answers = vec![(SurveyKind::Csat, csat, comment)];
        if rng.gen_bool(0.3) {
            let ces = if csat == 3 {
                rng.gen_range(5..=7)
            } else {
                rng.gen_range(2..=5)
            };
            answers.push((SurveyKind::Ces, ces, String::new()));
        }
        if rng.gen_bool(0.25) {
            let nps = if csat == 3 {
                rng.gen_range(7..=10)
            } else {
                rng.gen_range(2..=8)
            };
            answers.push((SurveyKind::Nps, nps, String::new()));
        }
        for (kind, score, comment) in answers {
            store.rate_as_customer(
                Mutation::RateTicket {
                    ticket_id: ticket_id.clone(),
                    kind,
                    score,
                    comment,
                    via: RatingVia::Email,
                },
                at,
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    /// Everything the benchmark generator decides, times relative to its `now`: a digest of
    /// it changes whenever the benchmarks' helpdesk would.
    fn bench_fingerprint(store: &Store) -> String {
        store
            .read(|c| {
                let now: i64 =
                    settings::get(c, "demo_seeded_at")?.map_or(0, |v| v.parse().unwrap_or(0));
                let mut h = Sha256::new();
                let mut dump = |sql: &str| -> StoreResult<()> {
                    let mut st = c.prepare(sql)?;
                    let cols = st.column_count();
                    let mut rows = st.query([now])?;
                    while let Some(r) = rows.next()? {
                        for i in 0..cols {
                            let v: rusqlite::types::Value = r.get(i)?;
                            h.update(format!("{v:?}|"));
                        }
                        h.update("\n");
                    }
                    Ok(())
                };
                dump(
                    "SELECT t.number, t.subject, t.status, t.priority, t.ticket_type, t.channel,
                            cu.name, cu.language, a.name, g.name, t.preview, t.message_count,
                            t.created_at - ?1, t.updated_at - ?1, t.first_response_at - ?1,
                            t.last_customer_message_at - ?1, t.last_agent_reply_at - ?1,
                            t.solved_at - ?1, t.reopen_count,
                            (SELECT group_concat(tag, ',') FROM (SELECT tag FROM ticket_tags
                               WHERE ticket_id = t.id ORDER BY tag))
                     FROM tickets t JOIN customers cu ON cu.id = t.requester_id
                     LEFT JOIN agents a ON a.id = t.assignee_id
                     LEFT JOIN agent_group g ON g.id = t.group_id
                     ORDER BY t.number",
                )?;
                dump(
                    "SELECT t.number, m.kind, m.author_kind, m.author_name, m.body_text,
                            m.created_at - ?1
                     FROM messages m JOIN tickets t ON t.id = m.ticket_id
                     ORDER BY t.number, m.rowid",
                )?;
                dump(
                    "SELECT t.number, e.actor_name, e.field, e.old_value, e.new_value,
                            e.created_at - ?1
                     FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
                     ORDER BY t.number, e.rowid",
                )?;
                dump(
                    "SELECT name, email_list, phone, language, ?1 - created_at FROM customers
                     ORDER BY rowid",
                )?;
                Ok(hex::encode(h.finalize()))
            })
            .unwrap()
    }

    #[test]
    fn the_benchmark_helpdesk_is_what_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .create_profile("Deniz Agent", "deniz@porchlight.example")
            .unwrap();
        let opts = SeedOptions {
            tickets: 300,
            messages_per_ticket: 5,
            seed: 7,
        };
        seed(&store, &opts).unwrap();
        assert_eq!(
            bench_fingerprint(&store),
            "df0f6ddafce70af06844106ffa90cbbc6a230f359f1004a489730a0c881c6aa1"
        );
    }

    /// A demo ticket as stored: its row, its status events and its messages, in time order.
    struct Stored {
        number: i64,
        status: String,
        created: i64,
        updated: i64,
        first_response: Option<i64>,
        last_customer: Option<i64>,
        last_agent: Option<i64>,
        solved_at: Option<i64>,
        reopens: i64,
        /// (old, new, at)
        events: Vec<(String, String, i64)>,
        /// (kind, author kind, at)
        messages: Vec<(String, String, i64)>,
    }

    fn demo() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .create_profile("Deniz Agent", "deniz@porchlight.example")
            .unwrap();
        load_demo(&store).unwrap();
        (dir, store)
    }

    fn stored(store: &Store) -> Vec<Stored> {
        store
            .read(|c| {
                let mut tickets: Vec<(String, Stored)> = c
                    .prepare(
                        "SELECT id, number, status, created_at, updated_at, first_response_at,
                                last_customer_message_at, last_agent_reply_at, solved_at,
                                reopen_count
                         FROM tickets ORDER BY number",
                    )?
                    .query_map([], |r| {
                        Ok((
                            r.get(0)?,
                            Stored {
                                number: r.get(1)?,
                                status: r.get(2)?,
                                created: r.get(3)?,
                                updated: r.get(4)?,
                                first_response: r.get(5)?,
                                last_customer: r.get(6)?,
                                last_agent: r.get(7)?,
                                solved_at: r.get(8)?,
                                reopens: r.get(9)?,
                                events: Vec::new(),
                                messages: Vec::new(),
                            },
                        ))
                    })?
                    .collect::<Result<_, _>>()?;
                for (id, t) in &mut tickets {
                    t.events = c
                        .prepare(
                            "SELECT old_value, new_value, created_at FROM ticket_events
                             WHERE ticket_id = ?1 AND field = 'status' ORDER BY created_at, rowid",
                        )?
                        .query_map([&*id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                        .collect::<Result<_, _>>()?;
                    t.messages = c
                        .prepare(
                            "SELECT kind, author_kind, created_at FROM messages
                             WHERE ticket_id = ?1 ORDER BY created_at, rowid",
                        )?
                        .query_map([&*id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                        .collect::<Result<_, _>>()?;
                }
                Ok(tickets.into_iter().map(|(_, t)| t).collect())
            })
            .unwrap()
    }

    #[test]
    fn demo_status_histories_agree_with_each_ticket() {
        let (_dir, store) = demo();
        let now = now_ms();
        let tickets = stored(&store);
        assert_eq!(tickets.len(), 80);
        for t in &tickets {
            let n = t.number;
            assert_eq!(t.messages[0].1, "customer", "#{n} opens with the customer");
            assert_eq!(t.messages[0].2, t.created, "#{n}");
            let times = t
                .messages
                .iter()
                .map(|m| m.2)
                .chain(t.events.iter().map(|e| e.2));
            assert!(
                times.clone().all(|at| (t.created..=now).contains(&at)),
                "#{n}"
            );
            assert_eq!(t.updated, times.fold(t.created, i64::max), "#{n}");
            // Each change starts where the last one ended, from new to the current status.
            let mut status = "new";
            for (old, new, _) in &t.events {
                assert_eq!(old, status, "#{n}: {:?}", t.events);
                status = new;
            }
            assert_eq!(status, t.status, "#{n}: {:?}", t.events);
            let solved = t
                .events
                .iter()
                .rev()
                .find(|(old, new, _)| is_done(new) && !is_done(old));
            assert_eq!(t.solved_at, solved.map(|e| e.2), "#{n}: {:?}", t.events);
            let reopened = t
                .events
                .iter()
                .filter(|(old, new, _)| is_done(old) && !is_done(new))
                .count();
            assert_eq!(t.reopens, reopened as i64, "#{n}");
            assert!(t.reopens <= 1, "#{n}");
            match t.status.as_str() {
                "solved" => assert_eq!(t.events.last().map(|e| e.2), t.solved_at, "#{n}"),
                "closed" => assert!(t.events.last().unwrap().2 > t.solved_at.unwrap(), "#{n}"),
                _ => {}
            }
            // Nobody writes to a solved ticket without reopening it: replayed in time order,
            // a change before a message at the same instant.
            let mut status = "new";
            let mut events = t.events.iter().peekable();
            for (k, (kind, author, at)) in t.messages.iter().enumerate() {
                while let Some((_, new, _)) = events.next_if(|e| e.2 <= *at) {
                    status = new;
                }
                if k > 0 && (author == "customer" || kind == "reply") {
                    assert!(!is_done(status), "#{n}: a {author} {kind} while {status}");
                }
            }
            let replies = || {
                t.messages
                    .iter()
                    .filter(|m| m.0 == "reply" && m.1 == "agent")
                    .map(|m| m.2)
            };
            assert_eq!(t.first_response, replies().next(), "#{n}");
            assert_eq!(t.last_agent, replies().next_back(), "#{n}");
            let mut customer = t.messages.iter().filter(|m| m.1 == "customer").map(|m| m.2);
            assert_eq!(t.last_customer, customer.next_back(), "#{n}");
        }
        let reopened = tickets.iter().filter(|t| t.reopens > 0).count();
        assert!((1..=20).contains(&reopened), "{reopened} reopened");
        assert!(tickets.iter().any(|t| t.reopens > 0 && is_done(&t.status)));
    }

    fn median(mut v: Vec<i64>) -> i64 {
        v.sort_unstable();
        v[v.len() / 2]
    }

    #[test]
    fn demo_response_times_are_those_of_a_real_team() {
        let (_dir, store) = demo();
        let tickets = stored(&store);
        let solved: Vec<&Stored> = tickets.iter().filter(|t| is_done(&t.status)).collect();
        assert!(solved.len() >= 15, "{} solved", solved.len());
        let first: Vec<i64> = solved
            .iter()
            .filter_map(|t| t.first_response.map(|f| f - t.created))
            .collect();
        assert!(
            first.iter().all(|f| (2 * MINUTE..4 * DAY).contains(f)),
            "{first:?}"
        );
        let m = median(first.clone());
        assert!(
            (10 * MINUTE..6 * HOUR).contains(&m),
            "median first response {m} ms"
        );
        // Skewed: most answers come fast, a few take much longer than the median.
        assert!(first.iter().max().unwrap() > &(3 * m), "{first:?}");
        let resolution: Vec<i64> = solved
            .iter()
            .map(|t| t.solved_at.unwrap() - t.created)
            .collect();
        let m = median(resolution.clone());
        assert!((3 * HOUR..5 * DAY).contains(&m), "median resolution {m} ms");
        assert!(resolution.iter().all(|r| *r < 14 * DAY), "{resolution:?}");
        // Agents answer during their shift far more than outside it.
        let shift = team_shift().unwrap();
        let replies: Vec<i64> = tickets
            .iter()
            .flat_map(|t| &t.messages)
            .filter(|m| m.0 == "reply" && m.1 == "agent")
            .map(|m| m.2)
            .collect();
        let in_shift = replies.iter().filter(|at| shift.is_open_at(**at)).count();
        assert!(
            in_shift * 4 >= replies.len() * 3,
            "{in_shift} of {} in the shift",
            replies.len()
        );
    }
}
