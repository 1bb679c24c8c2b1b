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
use porchlight_domain::sla::{SlaConditions, SlaPolicy, SlaTargets, SlaTargetsByPriority};

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

/// Generates a helpdesk of `opts.tickets` tickets into `store`, ending now.
pub fn seed(store: &Store, opts: &SeedOptions) -> StoreResult<SeedReport> {
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
            let updated = thread.last().map(|m| m.5).unwrap_or(created).min(now);
            let solved_at = matches!(status, "solved" | "closed").then_some(updated);
            // The list preview shows the last public message, never an internal note.
            let last_text = thread.iter().rev().find(|m| m.0 != "note").map(|m| m.4.as_str()).unwrap_or("");
            ins_ticket.execute(params![
                id, first_number + i as i64, subject, status, priority, rank, types[rng.gen_range(0..types.len())],
                channel, cust_id, assignee.map(|a| a.0.clone()), group.cloned(),
                lang.code, porchlight_domain::apply::preview(last_text), thread.len() as i64, created, updated, first_response,
                last_customer, last_agent, solved_at, rng.gen_ratio(1, 12) as i64
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
                ins_event.execute(params![new_id(), id, a.0, a.1, "assignee", Option::<String>::None, a.1, created + 60_000])?;
            }
        }
        drop((ins_ticket, ins_msg, ins_tag, ins_event));
        // A helpdesk promises response times: the demo gets a standard SLA when it has none,
        // so the list shows deadlines (rebuilding the derived data computes them).
        if crate::queries::config_docs::sla_config(tx)?.0.is_empty() {
            crate::queries::config_docs::write_doc(tx, &Doc::SlaPolicy(demo_sla_policy()))?;
        }
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
/// and a knowledge base (when there is none yet) in the same languages.
pub fn load_demo(store: &Store) -> StoreResult<usize> {
    let mut rng = rand::thread_rng();
    let tickets = 80;
    seed(
        store,
        &SeedOptions {
            tickets,
            messages_per_ticket: 5,
            seed: rng.gen(),
        },
    )?;
    if store.kb_categories()?.is_empty() {
        crate::demo_kb::seed_demo_kb(store)?;
    }
    Ok(tickets)
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
}
