//! End to end in a real headless Chromium, driven through chromedriver (Debian's `chromium` and
//! `chromium-driver`, installed by scripts/test): the calculator for an above-scale industrial
//! enterprise newly recognized as a high-tech enterprise with 15,000,000元 of R&D spending reads
//! back 20万元 + 20万元 with the quoted sentences; the page switches to English; an invalid value
//! gets its field error; a script typed into a field never runs; a reviewer signs in, approves
//! and decides an award, and finance sees it in the budget. Screenshots go to output/screenshots.
//!
//! The WebDriver client is the few W3C commands the test needs, over a plain TCP socket.

use qiangke_server::{AppState, router};
use serde_json::{Value as J, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

mod common;

use qiangke_testkit::free_port;

/// One HTTP/1.1 exchange with chromedriver.
fn http(port: u16, method: &str, path: &str, body: Option<&J>) -> J {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("chromedriver answers");
    let b = body.map(|b| b.to_string()).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{b}",
        b.len()
    );
    s.write_all(req.as_bytes()).expect("write");
    // Read the head, then exactly Content-Length bytes (the driver may keep the socket open).
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = s.read(&mut chunk).expect("read");
        assert!(n > 0, "chromedriver closed the connection");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let len = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().expect("length")))
        .expect("chromedriver sends Content-Length");
    while buf.len() < head_end + len {
        let n = s.read(&mut chunk).expect("read");
        assert!(n > 0, "short body");
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buf[head_end..head_end + len]).to_string();
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("chromedriver said {head} {body}: {e}"))
}

struct Browser {
    driver: Child,
    port: u16,
    session: String,
    shots: PathBuf,
}

impl Browser {
    fn start(profile: &Path) -> Browser {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Debian's chromium-driver is installed (scripts/test installs it)");
        let t = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(t.elapsed() < Duration::from_secs(20), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let binary = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"].into_iter().find(|p| Path::new(p).exists()).expect("chromium");
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": binary, "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1600",
                // A browser in Wuwei: the first visit follows its Accept-Language.
                "--lang=zh-CN", "--accept-lang=zh-CN,zh",
                format!("--user-data-dir={}", profile.display())],
                "prefs": {"intl.accept_languages": "zh-CN,zh"}},
            "goog:loggingPrefs": {"browser": "ALL"}
        }}});
        let r = http(port, "POST", "/session", Some(&caps));
        let session = r["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {r}")).to_string();
        let t = http(port, "POST", &format!("/session/{session}/timeouts"), Some(&json!({"implicit": 2000, "pageLoad": 20000})));
        assert!(t["value"].is_null(), "{t}");
        let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../output/screenshots");
        std::fs::create_dir_all(&shots).expect("output/screenshots");
        Browser { driver, port, session, shots }
    }
    fn cmd(&self, method: &str, path: &str, body: Option<J>) -> J {
        let r = http(self.port, method, &format!("/session/{}{path}", self.session), body.as_ref());
        if let Some(e) = r["value"].get("error") {
            panic!("WebDriver {method} {path}: {e} {}", r["value"]["message"]);
        }
        r["value"].clone()
    }
    fn go(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({"url": url})));
    }
    fn find(&self, css: &str) -> String {
        let v = self.cmd("POST", "/element", Some(json!({"using": "css selector", "value": css})));
        v[ELEMENT].as_str().expect("element id").to_string()
    }
    fn all(&self, css: &str) -> Vec<String> {
        let v = self.cmd("POST", "/elements", Some(json!({"using": "css selector", "value": css})));
        v.as_array().into_iter().flatten().map(|e| e[ELEMENT].as_str().expect("id").to_string()).collect()
    }
    fn click(&self, css: &str) {
        let e = self.find(css);
        self.cmd("POST", &format!("/element/{e}/click"), Some(json!({})));
    }
    /// Clicks something that submits or navigates, and waits for the new document.
    fn submit(&self, css: &str) {
        self.submit_element(&self.find(css));
    }
    /// Clicks an element found otherwise (inside another) that submits, and waits for the new
    /// document: reading the page before it has come would read the old one, gone stale.
    fn submit_element(&self, e: &str) {
        let before = self.find("html");
        self.cmd("POST", &format!("/element/{e}/click"), Some(json!({})));
        let t = Instant::now();
        loop {
            let r = http(
                self.port,
                "POST",
                &format!("/session/{}/element", self.session),
                Some(&json!({"using": "css selector", "value": "html"})),
            );
            let ready = http(
                self.port,
                "POST",
                &format!("/session/{}/execute/sync", self.session),
                Some(&json!({"script": "return document.readyState", "args": []})),
            );
            if r["value"][ELEMENT].as_str().is_some_and(|id| id != before) && ready["value"] == "complete" {
                return;
            }
            assert!(t.elapsed() < Duration::from_secs(20), "no new page after clicking {e}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.cmd("POST", &format!("/element/{e}/clear"), Some(json!({})));
        self.cmd("POST", &format!("/element/{e}/value"), Some(json!({"text": text})));
    }
    fn text_of(&self, id: &str) -> String {
        self.cmd("GET", &format!("/element/{id}/text"), None).as_str().unwrap_or("").to_string()
    }
    fn text(&self, css: &str) -> String {
        self.text_of(&self.find(css))
    }
    fn value(&self, css: &str) -> String {
        let e = self.find(css);
        self.cmd("GET", &format!("/element/{e}/property/value"), None).as_str().unwrap_or("").to_string()
    }
    fn title(&self) -> String {
        self.cmd("GET", "/title", None).as_str().unwrap_or("").to_string()
    }
    fn url(&self) -> String {
        self.cmd("GET", "/url", None).as_str().unwrap_or("").to_string()
    }
    fn screenshot(&self, name: &str) {
        let b64 = self.cmd("GET", "/screenshot", None);
        let png = decode_base64(b64.as_str().expect("base64"));
        assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "a real screenshot");
        std::fs::write(self.shots.join(format!("{name}.png")), png).expect("write screenshot");
    }
    /// Console messages at level SEVERE (script errors, CSP violations, failed loads).
    fn severe_logs(&self) -> Vec<String> {
        let r = http(self.port, "POST", &format!("/session/{}/se/log", self.session), Some(&json!({"type": "browser"})));
        r["value"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or("").to_string())
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = http(self.port, "DELETE", &format!("/session/{}", self.session), None);
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn decode_base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=').collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let v: Vec<u32> = chunk.iter().map(|c| u32::from(val(*c))).collect();
        let n = v.iter().enumerate().fold(0u32, |acc, (i, x)| acc | (x << (18 - 6 * i)));
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
    }
    out
}

/// Starts the server in its own thread on a SQLite ledger under `dir`: seeded (see
/// `common::seeded`, with synthetic observations for the dashboard) or holding only `admin`.
/// Returns its base URL and the ledger (whose clock a test may move forward).
fn start_server(dir: &Path, seeded: bool) -> (String, qiangke_store::Store) {
    let port = free_port();
    let dir = dir.to_path_buf();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        rt.block_on(async move {
            let pack = common::pack();
            let store = if seeded {
                let (store, admin) = common::seeded(&dir, &pack).await;
                // Synthetic observations (labelled as such) so the dashboard has bars to draw.
                let obs = "indicator,scope,year,value,unit,source,entered_by\n1,city,2022,58.2,%,synthetic,test\n1,city,2023,60,%,synthetic,test\n13,city,2023,80,家,synthetic,test\n4,city,2023,0.9,%,synthetic,test\n";
                store.record_observations(&pack, &admin, obs).await.expect("observations");
                store
            } else {
                let store = qiangke_store::Store::open_dir(&dir).await.expect("store");
                let admin = qiangke_store::auth::NewUser { username: "admin".into(), password: common::PASSWORD.into(), role: "admin".into(), ..Default::default() };
                store.create_user(&pack, None, admin).await.expect("admin");
                store
            };
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("bind");
            tx.send(store.clone()).expect("ready");
            let state = AppState::new(pack, store, false);
            let ladders = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ladders/wuwei.toml");
            state.set_ladder(std::sync::Arc::new(qiangke_rules::ladder::load_ladder(&ladders, qiangke_rules::Lang::Zh).unwrap_or_else(|m| panic!("{m}"))));
            axum::serve(listener, router(state)).await.expect("serve");
        });
    });
    let store = rx.recv_timeout(Duration::from_secs(60)).expect("the server starts");
    (format!("http://127.0.0.1:{port}"), store)
}

/// The calculator's form filled for 甲公司: a new high-tech enterprise with 1500万元 of R&D.
fn fill_calculator(b: &Browser) {
    b.click(r#"#f-entity-kind option[value="enterprise"]"#);
    b.click(r#"#f-y-above_scale option[value="true"]"#);
    b.type_into("#f-y-rd_expenditure", "15000000");
    b.type_into("#f-y-super_deduction_amount", "300000");
    b.click("#ev-recognition > summary");
    b.type_into("#f-e-recognition-date", "2023-11-20");
    b.click(r#"#f-e-recognition-kind option[value="high_tech"]"#);
    b.click(r#"#f-e-recognition-renewal option[value="false"]"#);
}

/// In Chinese (either script) the rendered text of the page holds no English word: every run of
/// two or more Latin letters is reported, except the few that Chinese writing itself uses.
fn chinese_only(b: &Browser, lang: &str, page: &str) {
    if lang == "en" {
        return;
    }
    // Text marked as another language (the switch to English says "English", lang="en") aside.
    // So is what is marked not to be translated: a user's name, an id they typed.
    let script = "const other = [...document.querySelectorAll('body [lang], body [translate=no]')].filter(e => !e.lang.startsWith('zh'));
        other.forEach(e => e.style.display = 'none'); const t = document.body.innerText;
        other.forEach(e => e.style.display = ''); return t;";
    let text = b.cmd("POST", "/execute/sync", Some(json!({"script": script, "args": []})));
    let text = text.as_str().unwrap_or("").to_string();
    assert!(!text.trim().is_empty(), "{lang} {page}: an empty page");
    // Units and names that Chinese texts write in Latin letters.
    const USED_IN_CHINESE: [&str; 7] = ["MB", "CSV", "JSON", "TOML", "sha", "Excel", "xlsx"];
    let words: std::collections::BTreeSet<&str> =
        text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 2 && !USED_IN_CHINESE.contains(w)).collect();
    assert!(words.is_empty(), "{lang} {page}: English on a Chinese page: {words:?}\n{text}");
}

#[test]
fn calculator_language_errors_review_and_budget_in_a_real_browser() {
    let dir = std::env::temp_dir().join(format!("qiangke-browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let (base, _) = start_server(&dir.join("ledger"), true);
    let b = Browser::start(&dir.join("profile"));

    // The calculator, filled as a user would.
    b.go(&format!("{base}/calculator"));
    assert_eq!(b.text("h1"), "奖补计算器");
    fill_calculator(&b);
    b.submit("#calculate");
    let amounts: Vec<String> = b.all(".result.awarded .amount").iter().map(|e| b.text_of(e)).collect();
    assert_eq!(amounts, ["20万元", "20万元"]);
    let quotes: Vec<String> = b.all(".result.awarded blockquote").iter().map(|e| b.text_of(e)).collect();
    assert!(quotes.iter().any(|q| q.contains("对新认定的高新技术企业给予20万元一次性补助")), "{quotes:?}");
    assert!(quotes.iter().any(|q| q.contains("1000万元以上2000万元以下的,给予20万元一次性补助")), "{quotes:?}");
    assert!(b.text("#result-rd-spend-tiers .tier-hint").contains("再增加 5,000,000.00元"));
    b.screenshot("calculator-results-zh");

    // English, keeping the results.
    b.submit("#lang-switch");
    assert_eq!(b.text("h1"), "Award calculator");
    let amounts: Vec<String> = b.all(".result.awarded .amount").iter().map(|e| b.text_of(e)).collect();
    assert_eq!(amounts, ["200,000.00 yuan (20万元)", "200,000.00 yuan (20万元)"]);
    b.screenshot("calculator-results-en");

    // An invalid value: the error beside the field, what was typed kept.
    b.type_into("#f-y-rd_expenditure", "15,000,000 yuan");
    b.submit("#calculate");
    assert!(b.text("#f-y-rd_expenditure-error").contains("is not an amount of money"));
    assert_eq!(b.value("#f-y-rd_expenditure"), "15,000,000 yuan");
    assert_eq!(b.value(r#"#f-entity-kind"#), "enterprise", "other fields are kept");
    b.screenshot("calculator-field-error");

    // A script typed into fields is shown as text and never runs.
    let xss = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">";
    b.type_into("#f-entity-name", xss);
    b.type_into("#f-y-rd_expenditure", xss);
    b.submit("#calculate");
    assert_ne!(b.title(), "pwned");
    assert!(b.text("#f-y-rd_expenditure-error").contains("<script>document.title='pwned'</script>"));
    assert_eq!(b.value("#f-entity-name"), xss);

    // The policy browser and the dashboard render.
    b.go(&format!("{base}/policy?lang=zh"));
    assert!(b.text("#rule-rd-spend-tiers").contains("四(二)8"));
    b.screenshot("policy");
    b.go(&format!("{base}/dashboard?year=2023"));
    assert!(b.text("#ind-h").contains("指标"));
    // 科技进步贡献率: (60 − 55.35) ÷ (65 − 55.35) = 48.19% of the way.
    assert!(b.text("main table").contains("48.19%"));
    b.screenshot("dashboard");

    // A 税务局 reviewer signs in, approves the R&D award and decides its amount.
    b.go(&format!("{base}/desk"));
    assert!(b.url().ends_with("/login?next=/desk"));
    b.type_into("#username", "tax");
    b.type_into("#password", common::PASSWORD);
    b.submit("main form button[type=submit]");
    assert!(b.url().ends_with("/desk"), "{}", b.url());
    assert!(b.text("main article").contains("1000万元以上2000万元以下的,给予20万元一次性补助"));
    b.click(r#"main article input[value="approve"]"#);
    b.type_into("main article textarea[name=reason]", "按加计扣除申报核实");
    b.submit("main article button[id^=verify-]");
    assert_eq!(b.value("main article input[name=amount]"), "200000.00", "a fixed amount is filled in");
    b.screenshot("desk-approved");
    b.submit("main article button[id^=decide-]");
    assert!(b.text("main").contains("没有待处理的奖补"));
    b.submit(r#"form[action="/logout"] button"#);

    // Finance sees it in the budget.
    b.go(&format!("{base}/login?next=/finance"));
    b.type_into("#username", "fin");
    b.type_into("#password", common::PASSWORD);
    b.submit("main form button[type=submit]");
    let main_text = b.text("main");
    assert!(b.all("#budget-table").len() == 1, "at {}: {main_text}", b.url());
    let budget = b.text("#budget-table");
    // 2023's R&D spending is verified after the year ends: the 2024 budget (note rd-spending-year).
    assert!(budget.contains("2024") && budget.contains("四(二)8") && budget.contains("200,000.00"), "{budget}");
    assert!(b.text("#payouts").contains("待拨付"), "the state in the reader's language");
    b.screenshot("finance-budget");
    b.submit(r#"form[action="/logout"] button"#);

    // Every page in each language: a screenshot, and in Chinese not one English word on the
    // page (ids aside: none of these pages shows an id the user typed).
    for (lang, tag) in [("zh-Hans", "zh-hans"), ("zh-Hant", "zh-hant"), ("en", "en")] {
        b.go(&format!("{base}/calculator?lang={lang}"));
        fill_calculator(&b);
        b.submit("#calculate");
        assert_eq!(b.all(".result.awarded").len(), 2, "{lang}: two awards");
        b.screenshot(&format!("lang-{tag}-calculator"));
        chinese_only(&b, lang, "calculator");
        for (page, path) in [("policy", "/policy"), ("dashboard", "/dashboard?year=2023"), ("ladder", "/ladder?example=1&year=2025")] {
            b.go(&format!("{base}{path}"));
            b.screenshot(&format!("lang-{tag}-{page}"));
            chinese_only(&b, lang, page);
        }
        for (user, pages) in [
            ("sci", &[("desk", "/desk"), ("publications", "/publications")][..]),
            ("fin", &[("finance", "/finance"), ("audit", "/audit")][..]),
        ] {
            b.go(&format!("{base}/login?next=/"));
            b.type_into("#username", user);
            b.type_into("#password", common::PASSWORD);
            b.submit("main form button[type=submit]");
            for (page, path) in pages {
                b.go(&format!("{base}{path}"));
                b.screenshot(&format!("lang-{tag}-{page}"));
                chinese_only(&b, lang, page);
            }
            b.submit(r#"form[action="/logout"] button"#);
        }
    }

    // No script errors, no CSP violations, no missing resources. (A page answering a refused form
    // with 422 is logged by Chromium too: that is the page's own status, as intended.)
    let severe: Vec<String> = b.severe_logs().into_iter().filter(|m| !m.contains("status of 422")).collect();
    assert!(severe.is_empty(), "console errors: {severe:?}");
    drop(b);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Signs `user` in through the sign-in page (after signing anyone out).
fn sign_in(b: &Browser, base: &str, user: &str) {
    b.cmd("DELETE", "/cookie", None);
    b.go(&format!("{base}/login"));
    b.type_into("#username", user);
    b.type_into("#password", common::PASSWORD);
    b.submit("main form button[type=submit]");
}

/// A whole 免申即享 round in the browser, with no API call and no command line: the admin
/// registers 甲公司 and creates the users; the tax bureau uploads its R&D figures as a workbook
/// (one bad row refused, then fixed); the science bureau uploads its recognitions and opens the
/// 2023 round; 甲公司 sees 20万元 + 20万元 proposed with the plan's sentences and confirms; each
/// verifying department approves; the tax and science bureaus decide; the letter prints; the
/// science bureau publishes the list (公示); someone not signed in objects, the tax bureau rejects
/// the objection; after the period (the ledger's clock moved on) finance pays both with one
/// voucher and reverses one with a reason; the budget line shows decided, paid and remaining; the
/// audit page tells the story in Chinese, the chain verified; the round run again creates
/// nothing. Screenshots of each step, in order (round-01 … round-22).
#[test]
fn the_yearly_round_in_a_real_browser() {
    let dir = std::env::temp_dir().join(format!("qiangke-browser-round-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let (base, store) = start_server(&dir.join("ledger"), false);
    let b = Browser::start(&dir.join("profile"));

    // The admin lands on the rounds, registers 甲公司, records its above-scale status and creates the users.
    sign_in(&b, &base, "admin");
    assert!(b.url().ends_with("/rounds"), "{}", b.url());
    b.go(&format!("{base}/entities"));
    b.type_into("#uscc", common::ENT1);
    b.type_into("#name", "甲公司");
    b.click(r#"#county option[value="liangzhou"]"#);
    b.submit("#register");
    assert!(b.text("#data-done").contains("甲公司"));
    chinese_only(&b, "zh-Hans", "entities");
    b.screenshot("round-01-entities");
    b.submit("#entities a");
    b.click(r#"#fact option[value="above_scale"]"#);
    b.click(r#"#fact-year option[value="2023"]"#);
    b.type_into("#fact-value", "是");
    b.type_into("#fact-source", "工信局规上企业名录");
    b.submit("#record-fact");
    assert!(b.text("#fact-recorded").contains("已保存"));
    b.go(&format!("{base}/users"));
    for (name, role, dept, code) in [
        ("tax", "reviewer", "tax-bureau", ""),
        ("tax2", "reviewer", "tax-bureau", ""),
        ("sci", "reviewer", "science-bureau", ""),
        ("ind", "reviewer", "industry-bureau", ""),
        ("fin", "finance", "", ""),
        ("jia", "entity", "", common::ENT1),
    ] {
        b.type_into("#username", name);
        b.type_into("#password", common::PASSWORD);
        b.click(&format!(r#"#role option[value="{role}"]"#));
        b.click(&format!(r#"#department option[value="{dept}"]"#));
        b.type_into("#entity_uscc", code);
        b.submit("#create-user");
        assert!(b.text("#data-done").contains(name), "{}", b.text("main"));
    }
    chinese_only(&b, "zh-Hans", "users");
    b.screenshot("round-02-users");

    // The tax bureau uploads its figures as a workbook: a bad row is refused, nothing stored.
    let workbook = |rd: &str| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let rows = [
            [
                "统一社会信用代码",
                "主体名称",
                "年度",
                "年度研发经费内部支出",
                "研发费用加计扣除额(加计额;就当年度研发费用申报享受的扣除额,未申报为0)",
            ],
            [common::ENT1, "甲公司", "2023", rd, "300000"],
        ];
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).expect("cell");
            }
        }
        let path = dir.join(format!("税务局-{}.xlsx", rd.len()));
        wb.save(&path).expect("xlsx");
        path
    };
    sign_in(&b, &base, "tax");
    b.go(&format!("{base}/records"));
    b.type_into("#source", "2023年度研发费用加计扣除汇总");
    b.type_into("#records-file", &workbook("很多").display().to_string());
    b.submit("#preview-records");
    assert!(b.text(".summary-errors").contains("第 2 行“年度研发经费内部支出”列"), "{}", b.text("main"));
    assert!(b.all("#confirm-records").is_empty());
    b.screenshot("round-03-tax-refused");
    b.go(&format!("{base}/records"));
    b.type_into("#source", "2023年度研发费用加计扣除汇总");
    b.type_into("#records-file", &workbook("1500万元").display().to_string());
    b.submit("#preview-records");
    assert!(b.text("#preview").contains("甲公司"));
    chinese_only(&b, "zh-Hans", "records-preview");
    b.screenshot("round-04-tax-preview");
    b.submit("#confirm-records");
    assert!(b.text("#data-done").contains("已保存 1 行,共 2 项事实"), "{}", b.text("main"));

    // The science bureau uploads its recognitions and opens the 2023 round.
    sign_in(&b, &base, "sci");
    let recognitions = dir.join("科技局-认定.csv");
    std::fs::write(
        &recognitions,
        format!("统一社会信用代码,认定.日期,认定.认定类别,认定.是否为重新认定(复审)\n{},2023-11-20,高新技术企业,否\n", common::ENT1),
    )
    .expect("csv");
    b.go(&format!("{base}/records"));
    b.type_into("#source", "2023年高新技术企业认定名单");
    b.type_into("#records-file", &recognitions.display().to_string());
    b.submit("#preview-records");
    b.submit("#confirm-records");
    assert!(b.text("#data-done").contains("已保存 1 行"), "{}", b.text("main"));
    b.go(&format!("{base}/rounds"));
    b.click(r#"#claim_year option[value="2023"]"#);
    b.submit("#open-round");
    assert!(b.text("#round-opened").contains("新拟兑现 2 项"), "{}", b.text("main"));
    chinese_only(&b, "zh-Hans", "rounds");
    b.screenshot("round-05-round-opened");

    // 甲公司 signs in on its own page: 20万元 + 20万元 proposed, with the plan's sentences.
    sign_in(&b, &base, "jia");
    assert!(b.url().contains("/entities/"), "{}", b.url());
    let page = b.text("main");
    assert_eq!(b.all("main article").len(), 2);
    assert!(
        page.contains("对新认定的高新技术企业给予20万元一次性补助") && page.contains("1000万元以上2000万元以下的,给予20万元一次性补助"),
        "{page}"
    );
    assert_eq!(b.text("#grand-total"), "40万元");
    assert_eq!(b.all(".state").iter().map(|e| b.text_of(e)).collect::<Vec<_>>(), ["待确认", "待确认"]);
    chinese_only(&b, "zh-Hans", "entity");
    b.screenshot("round-06-enterprise-proposals");
    b.submit("button[id^=confirm-]");
    b.submit("button[id^=confirm-]");
    assert_eq!(b.all(".state").iter().map(|e| b.text_of(e)).collect::<Vec<_>>(), ["待核实", "待核实"]);
    b.screenshot("round-07-enterprise-confirmed");

    // Four eyes: the tax officer who uploaded the figures may not be the award's only approver.
    sign_in(&b, &base, "tax");
    b.click(r#"main article input[value="approve"]"#);
    b.submit("main article button[id^=verify-]");
    assert!(b.text("main").contains("双人复核:您为该企业或单位填报了 年度研发经费内部支出(2023)、"), "{}", b.text("main"));
    b.screenshot("round-08-four-eyes");
    // Each verifying department approves (another tax officer); the tax bureau decides its award,
    // the science bureau the high-tech one once the industry bureau has approved it too.
    for (user, approve, decide) in [("tax2", true, true), ("sci", true, false), ("ind", true, false), ("sci", false, true)] {
        sign_in(&b, &base, user);
        assert!(b.url().ends_with("/desk"), "{}", b.url());
        if approve {
            b.click(r#"main article input[value="approve"]"#);
            b.submit("main article button[id^=verify-]");
        }
        if user == "tax2" {
            assert_eq!(b.value("main article input[name=amount]"), "200000.00");
            b.screenshot("round-09-desk");
        }
        if decide {
            b.submit("main article button[id^=decide-]");
        }
    }
    sign_in(&b, &base, "jia");
    let states: Vec<String> = b.all(".state").iter().map(|e| b.text_of(e)).collect();
    assert_eq!(states, ["已决定", "已决定"], "{states:?}");
    // The decided award's letter, on screen and as the browser prints it (A4, the letter alone).
    b.submit("main article a[id^=letter-]");
    assert_eq!(b.text("#letter-capitals"), "人民币贰拾万元整");
    assert_eq!(b.text("#letter-amount"), "200,000.00元");
    assert!(!b.text("#letter").contains("ledger.json"), "the explanation cites no position in an internal document");
    assert!(["plan-period", "(rd-spend-tiers)", "(high-tech-new)"].iter().all(|id| !b.text("#letter").contains(id)), "no ids in a letter");
    b.screenshot("round-10-letter");
    b.cmd("POST", "/goog/cdp/execute", Some(json!({"cmd": "Emulation.setEmulatedMedia", "params": {"media": "print"}})));
    assert!(
        b.all("header").iter().all(|h| b.cmd("GET", &format!("/element/{h}/displayed"), None) == json!(false)),
        "no navigation in print"
    );
    b.screenshot("round-11-letter-print");
    b.cmd("POST", "/goog/cdp/execute", Some(json!({"cmd": "Emulation.setEmulatedMedia", "params": {"media": ""}})));
    let pdf = b.cmd("POST", "/print", Some(json!({"page": {"width": 21.0, "height": 29.7}, "background": true})));
    let pdf = decode_base64(pdf.as_str().expect("base64"));
    assert!(pdf.starts_with(b"%PDF"), "the browser prints the letter");
    std::fs::write(b.shots.join("round-11-letter.pdf"), pdf).expect("write the printed letter");

    // 公示: the science bureau publishes the decided awards; the period is five working days.
    sign_in(&b, &base, "sci");
    b.go(&format!("{base}/publications"));
    b.click(r#"#claim_year option[value="2023"]"#);
    b.submit("#publish");
    assert_eq!(b.all("#publication tbody tr").len(), 2, "{}", b.text("main"));
    assert_eq!(b.text("#publication-total"), "400,000.00元");
    let (_, ends) = common::pack().publication.period(store.today());
    chinese_only(&b, "zh-Hans", "publication");
    b.screenshot("round-12-published");
    let list_url = b.url();
    // Finance cannot pay in the period: nothing to tick, and the page says until when.
    sign_in(&b, &base, "fin");
    assert!(b.all("input[id^=pick-]").is_empty());
    assert!(b.text("main").contains(&format!("公示中,至 {ends}")), "{}", b.text("main"));
    b.screenshot("round-13-finance-in-period");
    // Anyone (not signed in) objects to the R&D award.
    b.cmd("DELETE", "/cookie", None);
    b.go(&list_url);
    let rd = b
        .all("#award_id option")
        .into_iter()
        .find(|o| b.text_of(o).contains("研发"))
        .map(|o| b.cmd("GET", &format!("/element/{o}/attribute/value"), None).as_str().unwrap_or("").to_string())
        .expect("the R&D award on the list");
    b.click(&format!(r#"#award_id option[value="{rd}"]"#));
    b.type_into("#reason", "甲公司2023年度研发经费内部支出不足1000万元");
    b.type_into("#contact", "0935-2212345");
    b.screenshot("round-14-objection-form");
    b.submit("#object");
    assert!(b.text("#objection-filed").contains("已提交"), "{}", b.text("main"));
    b.screenshot("round-15-objection-filed");
    // On a telephone, as most people will open a public list.
    let rect = b.cmd("GET", "/window/rect", None);
    b.cmd("POST", "/window/rect", Some(json!({"width": 390, "height": 844})));
    b.go(&list_url);
    b.screenshot("round-15-phone");
    b.cmd("POST", "/window/rect", Some(json!({"width": rect["width"], "height": rect["height"]})));
    // The tax bureau, which decided it, checks and rejects the objection: the decision stands.
    sign_in(&b, &base, "tax2");
    assert!(b.text("#objections").contains("待处理 1 件"), "{}", b.text("main"));
    b.click(r#"#objections input[value="rejected"]"#);
    b.type_into("#objections input[name=reason]", "经核对2023年度研发费用加计扣除申报表,研发经费内部支出为1500万元,异议不成立");
    b.screenshot("round-16-objection-desk");
    b.submit("#objections button[id^=rule-]");
    assert!(b.text("#objections").contains("异议不成立,决定维持"), "{}", b.text("main"));
    b.screenshot("round-17-objection-settled");

    // After the period (the ledger's clock moved on), finance pays both with one voucher.
    let days = ends.days_since_1970() - store.today().days_since_1970() + 1;
    store.advance_clock(days * 86_400_000);
    sign_in(&b, &base, "fin");
    assert!(b.url().ends_with("/finance"), "{}", b.url());
    assert_eq!(b.all("input[id^=pick-]").len(), 2);
    for pick in b.all("input[id^=pick-]") {
        b.cmd("POST", &format!("/element/{pick}/click"), Some(json!({})));
    }
    b.type_into("#voucher", "记-2024-0317");
    // (the date field's own picker is the browser's; the test sets its value)
    b.cmd("POST", "/execute/sync", Some(json!({"script": "document.getElementById('paid_on').value = '2024-03-15'", "args": []})));
    b.type_into("#account", "市财政局国库存款");
    b.submit("#pay-review");
    assert_eq!(b.text("#pay-total"), "400,000.00元");
    chinese_only(&b, "zh-Hans", "pay-confirm");
    b.screenshot("round-18-pay-confirm");
    b.submit("#pay-confirm");
    assert!(b.text("#pay-notice").contains("凭证 记-2024-0317,合计 400,000.00元"), "{}", b.text("main"));
    b.screenshot("round-19-paid");
    // One is reversed, with its reason: the high-tech award (四(二)7), paid to a wrong account.
    let reverse = b
        .all("main form[action$='/reversal']")
        .into_iter()
        .find(|f| {
            let row = b.cmd("POST", &format!("/element/{f}/element"), Some(json!({"using": "xpath", "value": "./ancestor::tr"})));
            let row = row.as_object().and_then(|o| o.values().next()).and_then(|v| v.as_str()).unwrap_or("").to_string();
            b.text_of(&row).contains("四(二)7")
        })
        .expect("the high-tech award's reversal form");
    let input =
        b.cmd("POST", &format!("/element/{reverse}/element"), Some(json!({"using": "css selector", "value": "input[name=reason]"})));
    let input = input.as_object().and_then(|o| o.values().next()).and_then(|v| v.as_str()).unwrap_or("").to_string();
    b.cmd("POST", &format!("/element/{input}/value"), Some(json!({"text": "收款账户有误,款项退回"})));
    let button = b.cmd("POST", &format!("/element/{reverse}/element"), Some(json!({"using": "css selector", "value": "button"})));
    let button = button.as_object().and_then(|o| o.values().next()).and_then(|v| v.as_str()).unwrap_or("").to_string();
    b.submit_element(&button);
    assert!(b.text("main").contains("收款账户有误,款项退回"), "{}", b.text("main"));
    // The appropriation of the R&D line (2024, 科技局, 四(二)8): 3,000,000; decided and paid
    // 200,000; 2,800,000 remain; 6.67% executed.
    b.click(r#"#appr-year option[value="2024"]"#);
    b.click(r#"#appr-line option[value="science-bureau|四(二)8"]"#);
    b.type_into("#appr-amount", "3000000");
    b.submit("#appropriate");
    let row = b.all("#budget-table tbody tr").into_iter().map(|r| b.text_of(&r)).find(|t| t.contains("四(二)8")).expect("the R&D line");
    for figure in ["200,000.00", "3,000,000.00", "2,800,000.00", "6.67%"] {
        assert!(row.contains(figure), "{figure} in {row}");
    }
    let ht_row =
        b.all("#budget-table tbody tr").into_iter().map(|r| b.text_of(&r)).find(|t| t.contains("四(二)7")).expect("the high-tech line");
    assert!(ht_row.contains("200,000.00"), "decided, scheduled again after the reversal: {ht_row}");
    chinese_only(&b, "zh-Hans", "finance");
    b.screenshot("round-20-budget");
    // The whole story on the audit page, in Chinese, with the chain verified.
    sign_in(&b, &base, "admin");
    b.go(&format!("{base}/audit"));
    assert!(b.text("#chain-verified").contains("核验通过"), "{}", b.text("main"));
    let story = b.text("main");
    for step in ["发布公示", "列入公示", "提出异议", "异议不成立,维持决定", "登记支付凭证", "冲销"] {
        assert!(story.contains(step), "{step} on the audit page");
    }
    chinese_only(&b, "zh-Hans", "audit");
    b.screenshot("round-21-audit");

    // The round again: nothing new, no duplicate.
    sign_in(&b, &base, "sci");
    b.go(&format!("{base}/rounds"));
    b.submit("#open-round");
    assert!(b.text("#round-opened").contains("新拟兑现 0 项") && b.text("#round-opened").contains("已有且未变 2 项"), "{}", b.text("main"));
    b.screenshot("round-22-rerun");
    // What would paying the second R&D band 25万元 instead of 20万元 cost? (政策测算, nothing recorded)
    b.go(&format!("{base}/whatif"));
    b.click(r#"#lever option[value="tier|rd_spend|2|amount"]"#);
    b.type_into("#value", "25万元");
    b.click(r#"#year option[value="2023"]"#);
    b.submit("#run-whatif");
    let effects = b.text("#whatif-effects");
    assert!(effects.contains("金额变化") && effects.contains("受益主体") && effects.contains("没有主体受损"), "{effects}");
    assert!(b.text("#whatif-budget").contains("四(二)8"), "{}", b.text("main"));
    chinese_only(&b, "zh-Hans", "whatif");
    b.screenshot("round-23-whatif");
    // The same result in English (the language switch re-sends the form), and on a telephone.
    b.submit("#lang-switch");
    assert!(b.text("#whatif-effects").contains("Nobody is worse off"), "{}", b.text("main"));
    b.screenshot("round-24-whatif-en");
    let rect = b.cmd("GET", "/window/rect", None);
    b.cmd("POST", "/window/rect", Some(json!({"width": 390, "height": 844})));
    b.screenshot("round-25-whatif-phone");
    b.cmd("POST", "/window/rect", Some(json!({"width": rect["width"], "height": rect["height"]})));
    // Three values side by side, in Chinese again.
    b.go(&format!("{base}/whatif?lang=zh-Hans"));
    b.click(r#"#lever option[value="tier|rd_spend|2|amount"]"#);
    b.type_into("#value", "15万元、20万元、25万元");
    b.submit("#run-whatif");
    assert_eq!(b.all("#whatif-values tbody tr").len(), 3, "{}", b.text("main"));
    chinese_only(&b, "zh-Hans", "whatif-values");
    b.screenshot("round-26-whatif-values");
    sign_in(&b, &base, "jia");
    assert_eq!(b.all("main article").len(), 2, "no duplicate");
    // (the four-eyes refusal above answers 403: the page's own status, as intended)
    let severe: Vec<String> = b
        .severe_logs()
        .into_iter()
        .filter(|m| !(m.contains("status of 422") || (m.contains("/verify") && m.contains("status of 403"))))
        .collect();
    assert!(severe.is_empty(), "console errors: {severe:?}");
    drop(b);
    let _ = std::fs::remove_dir_all(&dir);
}
