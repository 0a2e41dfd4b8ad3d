//! Every page of the web application through the router (no browser): what it shows, that it
//! keeps what was typed and says what is wrong beside the field, that user text is escaped, that
//! forms without the CSRF token or from another site are refused, and the language switch.
//!
//! Hand-computed figures (the plan's sentences):
//! - 四(二)7 "对新认定的高新技术企业给予20万元一次性补助" → 20万元 for a new high-tech recognition.
//! - 四(二)8 "1000万元以上2000万元以下的,给予20万元一次性补助" → 20万元 for 15,000,000元 of R&D
//!   spending; 5,000,000元 more reaches "2000万元以上1亿元以下" (50万元).

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use qiangke_rules::load_pack;
use qiangke_server::{AppState, router};
use qiangke_store::auth::SessionKind;
use qiangke_store::{Principal, Store};
use tower::ServiceExt;

mod common;

const RD_SENTENCE: &str = "1000万元以上2000万元以下的,给予20万元一次性补助";
const HT_SENTENCE: &str = "对新认定的高新技术企业给予20万元一次性补助";

struct Web {
    app: Router,
    store: Store,
}

struct Page {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    html: String,
}

impl Web {
    async fn new(name: &str) -> Web {
        let pack = common::pack();
        let dir = std::env::temp_dir().join(format!("qiangke-web-{name}-{}", std::process::id()));
        let (store, _) = common::seeded(&dir, &pack).await;
        Web { app: router(AppState::new(pack, store.clone(), false)), store }
    }

    async fn session(&self, user: &str) -> (String, Principal) {
        self.store.login(user, common::PASSWORD, SessionKind::Cookie, 3_600_000).await.expect("login")
    }

    async fn send(&self, method: &str, path: &str, cookie: Option<&str>, form: Option<&[(&str, &str)]>, extra: &[(&str, &str)]) -> Page {
        let mut b = Request::builder().method(method).uri(path).header(header::HOST, "ledger.test");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        for (k, v) in extra {
            b = b.header(*k, *v);
        }
        let body = match form {
            Some(f) => {
                b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from(f.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&"))
            }
            None => Body::empty(),
        };
        let res = self.app.clone().oneshot(b.body(body).expect("request")).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let html = String::from_utf8_lossy(&res.into_body().collect().await.expect("body").to_bytes()).into_owned();
        Page { status, headers, html }
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> Page {
        self.send("GET", path, cookie, None, &[]).await
    }
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn csrf(html: &str) -> String {
    let at = html.find(r#"name="csrf" value=""#).expect("a csrf field") + r#"name="csrf" value=""#.len();
    html[at..at + html[at..].find('"').expect("end")].to_string()
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

const CASE: &[(&str, &str)] = &[
    ("year", "2023"),
    ("entity.kind", "enterprise"),
    ("y.above_scale", "true"),
    ("y.rd_expenditure", "15000000"),
    ("e.recognition.date", "2023-11-20"),
    ("e.recognition.kind", "high_tech"),
    ("e.recognition.renewal", "false"),
    // The R&D tiers need a super-deduction claim on the year (note rd-list-from-super-deduction).
    ("y.super_deduction_amount", "300000"),
];

#[tokio::test]
async fn the_calculator_form_results_errors_language_and_escaping() {
    let w = Web::new("calc").await;
    let p = w.get("/calculator", None).await;
    assert_eq!(p.status, StatusCode::OK);
    let csp = p.headers[header::CONTENT_SECURITY_POLICY].to_str().expect("csp");
    assert!(csp.starts_with("default-src 'none'") && !csp.contains("script-src"), "{csp}");
    // The form is generated from the vocabulary: a labelled control for every fact.
    let pack = load_pack(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022")).expect("pack");
    for a in &pack.vocab.attributes {
        assert!(p.html.contains(&format!(r#"<label for="f-entity-{}">"#, a.name)), "attribute {}", a.name);
    }
    for y in &pack.vocab.yearly {
        assert!(p.html.contains(&format!(r#"<label for="f-y-{}">"#, y.name)), "yearly {}", y.name);
    }
    for e in &pack.vocab.events {
        assert!(p.html.contains(&format!(r#"<label for="f-e-{}-date">"#, e.name)), "event {}", e.name);
    }

    // The issue's case: above-scale, newly recognized high-tech, 15,000,000元 of R&D → 20万元 + 20万元.
    let r = w.send("POST", "/calculator", None, Some(CASE), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.html);
    assert_eq!(count(&r.html, r#"<span class="amount">20万元</span>"#), 2, "{}", r.html);
    assert!(r.html.contains(RD_SENTENCE) && r.html.contains(HT_SENTENCE));
    assert!(r.html.contains("年度研发经费内部支出 (2023)再增加 5,000,000.00元 即可达到「2000万元以上、1亿元以下」档(50万元)"), "tier hint");
    assert!(
        count(&r.html, "预算年度 2024") >= 2 && count(&r.html, "预算年度 2023") == 0,
        "budget years: 次年 for 四(二)7, and the year after the spending year for 四(二)8 (note rd-spending-year)"
    );
    assert!(r.html.contains(r#"value="15000000""#), "the form keeps what was typed");

    // English, remembered in a cookie.
    let en = w.send("POST", "/calculator?lang=en", None, Some(CASE), &[]).await;
    assert!(en.html.contains("<h1>Award calculator</h1>"));
    assert_eq!(count(&en.html, r#"<span class="amount">200,000.00 yuan (20万元)</span>"#), 2, "{}", en.html);
    assert!(en.html.contains("5,000,000.00 yuan more would reach the tier"));
    let cookie = en.headers[header::SET_COOKIE].to_str().expect("cookie").to_string();
    assert!(cookie.starts_with("qiangke_lang=en"), "{cookie}");
    // On a result page the switch re-submits the same facts, so the results stay.
    let r = w.send("POST", "/calculator", None, Some(CASE), &[]).await;
    assert!(
        r.html.contains(
            r#"<form method="post" action="/calculator?lang=en" class="inline switch"><input type="hidden" name="year" value="2023">"#
        ),
        "{}",
        r.html
    );
    let again = w.get("/policy", Some("qiangke_lang=en")).await;
    assert!(again.html.contains(r#"<html lang="en">"#) && again.html.contains("The plan and its rules"));

    // An invalid value: the error beside the field, the value kept, nothing calculated.
    let mut bad: Vec<(&str, &str)> = CASE.to_vec();
    bad[3] = ("y.rd_expenditure", "15,000,000 yuan");
    let r = w.send("POST", "/calculator", None, Some(&bad), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The error in the reader's language, from the message catalogue.
    assert!(
        r.html.contains(
            r#"<p class="error" id="f-y-rd_expenditure-error">“15,000,000 yuan”不是金额:未知单位“yuan”;应为 元、万元、亿元 或 %"#
        ),
        "{}",
        r.html
    );
    let en = w.send("POST", "/calculator", Some("qiangke_lang=en"), Some(&bad), &[]).await;
    assert!(
        en.html.contains(r#"id="f-y-rd_expenditure-error">`15,000,000 yuan` is not an amount of money: unknown unit `yuan`"#),
        "{}",
        en.html
    );
    let mut comma = bad.clone();
    comma[3] = ("y.rd_expenditure", "1500000,50");
    let zh = w.send("POST", "/calculator", None, Some(&comma), &[]).await;
    assert!(zh.html.contains("逗号只能用于分隔千位,每组三位数字"), "{}", zh.html);
    let hant = w.send("POST", "/calculator", Some("qiangke_lang=zh-Hant"), Some(&comma), &[]).await;
    assert!(hant.html.contains("逗號只能用於分隔千位,每組三位數字"), "{}", hant.html);
    assert!(
        r.html.contains(r#"value="15,000,000 yuan" inputmode="decimal" aria-invalid="true" aria-describedby="f-y-rd_expenditure-error""#)
    );
    assert!(!r.html.contains("class=\"amount\""));
    // An event field without its date.
    let r = w.send("POST", "/calculator", None, Some(&[("year", "2023"), ("e.relocation.whole", "true")]), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.html.contains(r#"<p class="error" id="f-e-relocation-date-error">the date is needed"#)
            || r.html.contains(r#"id="f-e-relocation-date-error">填写了此事件的其他栏位时,日期必填"#),
        "{}",
        r.html
    );
    assert!(r.html.contains(r#"<details class="event" id="ev-relocation" open><summary>整体迁入本市"#), "the event with an error is open");

    // A script typed into fields is shown as text, never as markup.
    let xss = "<script>document.title='pwned'</script>";
    let mut evil: Vec<(&str, &str)> = CASE.to_vec();
    evil.push(("entity.name", xss));
    evil[3] = ("y.rd_expenditure", xss);
    let r = w.send("POST", "/calculator", None, Some(&evil), &[]).await;
    assert!(!r.html.contains("<script"), "no script element reaches the page");
    // Escaped as text (an apostrophe needs no escaping: every attribute is double-quoted).
    assert!(r.html.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"));

    // Upload: a facts file, and a broken one located by line and column.
    let example =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022/examples/enterprise.json"))
            .expect("example");
    let multipart = |name: &str, text: &str| {
        format!(
            "--XB\r\nContent-Disposition: form-data; name=\"facts\"; filename=\"{name}\"\r\nContent-Type: application/json\r\n\r\n{text}\r\n--XB--\r\n"
        )
    };
    let req = |body: String| {
        Request::builder()
            .method("POST")
            .uri("/calculator/upload")
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XB")
            .body(Body::from(body))
            .expect("request")
    };
    let res = w.app.clone().oneshot(req(multipart("enterprise.json", &example))).await.expect("ok");
    assert_eq!(res.status(), StatusCode::OK);
    let html = String::from_utf8(res.into_body().collect().await.expect("b").to_bytes().to_vec()).expect("utf-8");
    assert!(html.contains(r#"<span class="amount">20万元</span>"#) && html.contains("2024"));
    let res = w
        .app
        .clone()
        .oneshot(req(multipart(
            "bad.json",
            "{\"entity\": {\"id\": \"x\", \"kind\": \"enterprise\"},\n \"years\": {\"2023\": {\"rd_expenditure\": \"-1\"}}}",
        )))
        .await
        .expect("ok");
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = String::from_utf8(res.into_body().collect().await.expect("b").to_bytes().to_vec()).expect("utf-8");
    // In the page's language (Chinese by default), as every other message of the page.
    assert!(html.contains("bad.json:2:39: “years.2023.rd_expenditure”:金额 -1 是负数"), "{html}");
}

#[tokio::test]
async fn the_policy_browser_notes_coverage_and_dashboard() {
    let w = Web::new("policy").await;
    let p = w.get("/policy", None).await;
    assert_eq!(p.status, StatusCode::OK);
    // Every rule's sentence is marked and linked, and every rule is listed beside it.
    let pack = load_pack(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022")).expect("pack");
    for r in &pack.rules {
        assert!(p.html.contains(&format!(r#"id="rule-{}""#, r.id)), "rule {} beside its sentence", r.id);
    }
    assert!(p.html.contains(r##"<mark id="q-0"><a href="#rule-"##));
    let n = w.get("/policy/notes", None).await;
    for note in &pack.notes {
        assert!(n.html.contains(&format!(r#"id="note-{}""#, note.id)));
    }
    let c = w.get("/policy/coverage", None).await;
    assert!(c.html.contains("四(二)8") && c.html.contains("未说明者:0 处"), "{}", &c.html[..2000.min(c.html.len())]);

    // The root goes to the calculator; the stylesheet and icon are served.
    let r = w.get("/", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "/calculator");
    let css = w.get("/static/app.css", None).await;
    assert!(css.headers[header::CONTENT_TYPE].to_str().expect("ct").starts_with("text/css") && css.html.contains("--accent"));
    assert_eq!(w.get("/favicon.ico", None).await.headers[header::CONTENT_TYPE], "image/svg+xml");

    // The dashboard: indicators for everyone, the budget only for those who may see it.
    let d = w.get("/dashboard?year=2023", None).await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(d.html.contains("科技进步贡献率") && d.html.contains("<svg") && d.html.contains("市科技局"));
    assert!(!d.html.contains("budget-table"));
    let (fin, _) = w.session("fin").await;
    let d = w.get("/dashboard?year=2023", Some(&format!("qiangke_session={fin}"))).await;
    assert!(d.html.contains(r#"<table id="budget-table">"#), "finance sees the budget");
    assert!(d.html.contains("20,000.00") || d.html.contains("200,000.00"), "amounts with thousands separators");
}

#[tokio::test]
async fn sign_in_review_desk_finance_and_audit() {
    let w = Web::new("desk").await;
    // Signed-out users are sent to sign in.
    let r = w.get("/desk", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "/login?next=/desk");
    // Only a local path is a place to go after signing in.
    for evil in ["/%5Cevil.example", "//evil.example", "https://evil.example"] {
        let f = w.get(&format!("/login?next={evil}"), None).await;
        assert!(f.html.contains(r#"name="next" value="/""#), "{evil}");
    }
    // The sign-in form needs its double-submitted token.
    let f = w.get("/login?next=/desk", None).await;
    let token = csrf(&f.html);
    let set = f.headers[header::SET_COOKIE].to_str().expect("c").split(';').next().expect("pair").to_string();
    let form = [("csrf", token.as_str()), ("next", "/desk"), ("username", "tax"), ("password", "a-long-password")];
    let r = w.send("POST", "/login", None, Some(&form), &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no token cookie");
    let r = w
        .send(
            "POST",
            "/login",
            Some(&set),
            Some(&[("csrf", token.as_str()), ("next", "/desk"), ("username", "tax"), ("password", "wrong")]),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.html.contains("用户名或密码不正确") && r.html.contains(r#"value="tax""#));
    let r = w.send("POST", "/login", Some(&set), Some(&form), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "/desk");
    let cookie = r.headers[header::SET_COOKIE].to_str().expect("c").to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Max-Age="));
    let session = cookie.split(';').next().expect("pair").to_string();

    // The queue: the 税务局's award with its sentence and explanation.
    let q = w.get("/desk", Some(&session)).await;
    assert_eq!(q.status, StatusCode::OK);
    assert!(q.html.contains(RD_SENTENCE) && q.html.contains("甲公司") && q.html.contains(r#"<span class="amount">20万元</span>"#));
    assert!(!q.html.contains(HT_SENTENCE), "the high-tech award is for the 科技局 and 工信局");
    assert!(!q.html.contains("note-joint-verification"), "one verifier: no joint verification");
    // The 科技局's desk has the high-tech award, with how joint verification works.
    let (sci, _) = w.session("sci").await;
    let sq = w.get("/desk", Some(&format!("qiangke_session={sci}"))).await;
    assert!(sq.html.contains(HT_SENTENCE) && sq.html.contains(r#"<a href="/policy/notes#note-joint-verification""#), "{}", sq.html);
    assert!(sq.html.contains("每个列名的核实部门都核准后才算核实通过"));
    let id = {
        let at = q.html.find(r#"<article class="card" id="award-"#).expect("an award") + r#"<article class="card" id="award-"#.len();
        q.html[at..at + q.html[at..].find('"').expect("end")].to_string()
    };
    let token = csrf(&q.html);
    // Without the token, or from another site: refused.
    let r = w.send("POST", &format!("/desk/awards/{id}/verify"), Some(&session), Some(&[("verdict", "approve")]), &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = w
        .send(
            "POST",
            &format!("/desk/awards/{id}/verify"),
            Some(&session),
            Some(&[("csrf", &token), ("verdict", "approve")]),
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A rejection without a reason: the message beside the reason, the choice kept.
    let r = w
        .send(
            "POST",
            &format!("/desk/awards/{id}/verify"),
            Some(&session),
            Some(&[("csrf", &token), ("verdict", "reject"), ("reason", "")]),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains(&format!(r#"<p class="error" id="reason-{id}-error">"#)), "{}", r.html);
    assert!(r.html.contains(&format!(r#"value="reject" id="reject-{id}" checked"#)));
    let r = w
        .send(
            "POST",
            &format!("/desk/awards/{id}/verify"),
            Some(&session),
            Some(&[("csrf", &token), ("verdict", "approve"), ("reason", "核实无误")]),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The decision is bounded by the plan's amount.
    let r = w
        .send(
            "POST",
            &format!("/desk/awards/{id}/decide"),
            Some(&session),
            Some(&[("csrf", &token), ("amount", "250000"), ("reason", "")]),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The page is in Chinese (no language chosen), and so is the refusal.
    assert!(
        r.html
            .contains(&format!(r#"<p class="error" id="amount-{id}-error">250,000.00元 超出允许的区间:政策规定的金额为 200,000.00元</p>"#)),
        "{}",
        r.html
    );
    assert!(r.html.contains(r#"value="250000""#));
    let r = w
        .send(
            "POST",
            &format!("/desk/awards/{id}/decide"),
            Some(&session),
            Some(&[("csrf", &token), ("amount", "200000"), ("reason", "")]),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // 公示 before payment. Not published yet: finance has nothing to tick, and the page says why.
    let (fin, _) = w.session("fin").await;
    let fin = format!("qiangke_session={fin}");
    let f = w.get("/finance", Some(&fin)).await;
    assert!(!f.html.contains(r#"id="pick-"#) && f.html.contains("尚未公示"), "{}", f.html);
    let pid = {
        let at = f.html.find(r#"id="hold-"#).expect("a held payout") + r#"id="hold-"#.len();
        f.html[at..at + f.html[at..].find('"').expect("end")].to_string()
    };
    // The 科技局 publishes the list from its page; a tax officer is offered no such form.
    assert!(!w.get("/publications", Some(&session)).await.html.contains(r#"id="publish-form""#));
    let sci = format!("qiangke_session={sci}");
    let pubs = w.get("/publications", Some(&sci)).await;
    assert!(pubs.html.contains(r#"id="publish-form""#) && pubs.html.contains("尚未发布公示"), "{}", pubs.html);
    let token_sci = csrf(&pubs.html);
    let long = "公".repeat(101);
    let r = w.send("POST", "/publications", Some(&sci), Some(&[("csrf", &token_sci), ("title", &long), ("claim_year", "2023")]), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains(r#"id="title-error""#), "{}", r.html);
    let r = w.send("POST", "/publications", Some(&sci), Some(&[("csrf", &token_sci), ("title", ""), ("claim_year", "2023")]), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let list = r.headers[header::LOCATION].to_str().expect("l").to_string();
    // The list is public: no sign-in, the amount with separators, the period in working days.
    let public = w.get(&list, None).await;
    assert_eq!(public.status, StatusCode::OK);
    // Left empty, the title names the claim year.
    assert!(public.html.contains("<h1>2023年度科技创新奖补资金拟兑现名单公示</h1>"), "{}", public.html);
    let (starts, ends) = common::pack().publication.period(w.store.today());
    assert!(public.html.contains(&format!("{starts} 至 {ends}(5 个工作日)")), "{}", public.html);
    assert!(public.html.contains("甲公司") && public.html.contains(r#"<td class="num">200,000.00元</td>"#), "{}", public.html);
    assert!(public.html.contains(r#"id="objection-form""#));
    // In the period: paying it is refused, on the page.
    let f = w.get("/finance", Some(&fin)).await;
    assert!(f.html.contains(&format!("公示中,至 {ends}")), "{}", f.html);
    let token = csrf(&f.html);
    let held = [("csrf", token.as_str()), ("payout", pid.as_str()), ("voucher", "记-1"), ("paid_on", "2024-03-15"), ("account", "国库")];
    let r = w.send("POST", "/finance/payments/confirm", Some(&fin), Some(&held), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains(&format!("#{pid}: 公示中,至 {ends}")), "{}", r.html);
    let r = w.send("POST", "/finance/payments", Some(&fin), Some(&held), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.html.contains(&format!("公示期至 {ends} 结束,期满后方可拨付")), "{}", r.html);
    // Anyone objects, with no sign-in; a reason and a contact are needed.
    let award = id.clone();
    let objections = format!("{list}/objections");
    let r = w.send("POST", &objections, None, Some(&[("award_id", &award), ("reason", ""), ("contact", "")]), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains(r#"id="reason-error""#) && r.html.contains(r#"id="contact-error""#), "{}", r.html);
    let r = w
        .send(
            "POST",
            &objections,
            None,
            Some(&[("award_id", &award), ("reason", "研发费用数据有误"), ("contact", "0935-2212345")]),
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a form from another site");
    let r = w
        .send("POST", &objections, None, Some(&[("award_id", &award), ("reason", "研发费用数据有误"), ("contact", "0935-2212345")]), &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.html);
    assert!(r.html.contains(r#"id="objection-filed""#) && r.html.contains("已提交"), "{}", r.html);
    // After the period: objections refused; the open one still holds the payment.
    let days = ends.days_since_1970() - w.store.today().days_since_1970() + 1;
    w.store.advance_clock(days * 86_400_000);
    let r = w.send("POST", &objections, None, Some(&[("award_id", &award), ("reason", "晚了"), ("contact", "x")]), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.html.contains(&format!("本次公示已于 {ends} 期满")), "{}", r.html);
    assert!(!w.get(&list, None).await.html.contains(r#"id="objection-form""#));
    let r = w.send("POST", "/finance/payments/confirm", Some(&fin), Some(&held), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("待处理"), "{}", r.html);
    // The tax bureau (which decided) settles it on its desk: rejected, the decision stands.
    let q = w.get("/desk", Some(&session)).await;
    assert!(q.html.contains("待处理 1 件") && q.html.contains("研发费用数据有误") && q.html.contains("0935-2212345"), "{}", q.html);
    assert!(!w.get("/desk", Some(&sci)).await.html.contains("0935-2212345"), "another department does not see it");
    let oid = {
        let at = q.html.find(r#"id="rule-"#).expect("a ruling form") + r#"id="rule-"#.len();
        q.html[at..at + q.html[at..].find('"').expect("end")].to_string()
    };
    let token_tax = csrf(&q.html);
    let r = w
        .send(
            "POST",
            &format!("/desk/objections/{oid}/ruling"),
            Some(&session),
            Some(&[("csrf", &token_tax), ("verdict", "rejected"), ("reason", "")]),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = w
        .send(
            "POST",
            &format!("/desk/objections/{oid}/ruling"),
            Some(&session),
            Some(&[("csrf", &token_tax), ("verdict", "rejected"), ("reason", "经核对纳税申报表,数据无误")]),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    assert!(w.get("/desk", Some(&session)).await.html.contains("异议不成立,决定维持"));

    // Finance sees it in the budget and pays it; a reviewer may not see the finance page.
    assert_eq!(w.get("/finance", Some(&session)).await.status, StatusCode::FORBIDDEN);
    let f = w.get("/finance", Some(&fin)).await;
    assert!(f.html.contains(r#"<td class="num">200,000.00元</td>"#), "{}", f.html);
    let token = csrf(&f.html);
    assert!(f.html.contains(&format!(r#"id="pick-{pid}""#)), "payable now: {}", f.html);
    // Nothing ticked, no voucher: said beside the fields, nothing paid.
    let r = w.send("POST", "/finance/payments/confirm", Some(&fin), Some(&[("csrf", &token), ("paid_on", "2024-02-30")]), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.html.contains(r#"id="payouts-error""#) && r.html.contains(r#"id="voucher-error""#) && r.html.contains(r#"id="paid_on-error""#),
        "{}",
        r.html
    );
    // Ticked, with its voucher: the confirmation shows the total before anything is recorded.
    let fields = [
        ("csrf", token.as_str()),
        ("payout", pid.as_str()),
        ("voucher", "记-2024-0317"),
        ("paid_on", "2024-03-15"),
        ("account", "市财政局国库存款"),
    ];
    let c = w.send("POST", "/finance/payments/confirm", Some(&fin), Some(&fields), &[]).await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.html);
    assert!(c.html.contains(r#"<td class="num" id="pay-total">200,000.00元</td>"#), "{}", c.html);
    assert!(c.html.contains("确认支付 200,000.00元"), "{}", c.html);
    assert!(w.get("/finance", Some(&fin)).await.html.contains(&format!(r#"id="pick-{pid}""#)), "not paid before it is confirmed");
    let key = {
        let at = c.html.find(r#"name="request_key" value=""#).expect("a request key") + r#"name="request_key" value=""#.len();
        c.html[at..at + c.html[at..].find('"').expect("end")].to_string()
    };
    let mut confirm = fields.to_vec();
    confirm.push(("request_key", key.as_str()));
    // Sent twice (a double click, a reload): one payment.
    let first = w.send("POST", "/finance/payments", Some(&fin), Some(&confirm), &[]).await;
    let second = w.send("POST", "/finance/payments", Some(&fin), Some(&confirm), &[]).await;
    assert_eq!((first.status, second.status), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER));
    let to = |p: &Page| p.headers.get("location").and_then(|l| l.to_str().ok()).unwrap_or("").to_string();
    assert_eq!(to(&first), to(&second), "the same payment");
    assert!(to(&first).starts_with("/finance?paid="), "{}", to(&first));
    let f = w.get(&to(&first), Some(&fin)).await;
    assert!(f.html.contains("凭证 记-2024-0317,合计 200,000.00元"), "{}", f.html);
    assert!(f.html.contains("<td>已拨付</td>") && f.html.contains("2024-03-15"), "{}", f.html);
    assert_eq!(f.html.matches("payout.paid").count(), 0, "(the audit page, not this one, lists actions)");
    // Reversed: only with a reason; then it can be paid again.
    let token = csrf(&f.html);
    let r = w.send("POST", &format!("/finance/payouts/{pid}/reversal"), Some(&fin), Some(&[("csrf", &token), ("reason", " ")]), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("冲销必须写明理由"), "{}", r.html);
    let r = w
        .send(
            "POST",
            &format!("/finance/payouts/{pid}/reversal"),
            Some(&fin),
            Some(&[("csrf", &token), ("reason", "收款账户有误,款项退回")]),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let f = w.get("/finance", Some(&fin)).await;
    assert!(
        f.html.contains(r#"已冲销(凭证 <span translate="no">记-2024-0317</span>):<span translate="no">收款账户有误,款项退回</span>(<span translate="no">fin</span>)"#),
        "{}",
        f.html
    );
    assert!(f.html.contains(&format!(r#"id="pick-{pid}""#)), "scheduled again");
    // Finance enters the line's appropriation through the page: 30万元 for 2024 · 市科技局 · 四(二)8.
    let token = csrf(&f.html);
    let r = w
        .send(
            "POST",
            "/finance/appropriations",
            Some(&fin),
            Some(&[("csrf", &token), ("budget_year", "2024"), ("line", "science-bureau|四(二)8"), ("amount", "三十万")]),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains(r#"id="appr-amount-error""#) && r.html.contains(r#"value="三十万""#), "{}", r.html);
    let r = w
        .send(
            "POST",
            "/finance/appropriations",
            Some(&fin),
            Some(&[("csrf", &token), ("budget_year", "2024"), ("line", "science-bureau|四(二)8"), ("amount", "30万元")]),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let f = w.get("/finance", Some(&fin)).await;
    assert!(f.html.contains(r#"<td class="num">300,000.00</td>"#), "{}", f.html);

    // The audit trail filtered: by action, by user, by day (Beijing), and downloaded for Excel.
    let a = w.get("/audit?action=payment.create", Some(&fin)).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.html.contains(r#"id="chain-verified""#), "the chain's check at the top: {}", a.html);
    assert_eq!(a.html.matches("<td title=\"payment.create\">登记支付凭证</td>").count(), 1, "{}", a.html);
    assert!(!a.html.contains("<td title=\"award.decide\">"), "only the action asked for");
    let a = w.get("/audit?user=fin&action=payout.reverse", Some(&fin)).await;
    assert_eq!(a.html.matches("<td title=\"payout.reverse\">").count(), 1, "{}", a.html);
    assert!(a.html.contains("收款账户有误,款项退回"));
    // The ledger's day (its clock was moved past the 公示 period above).
    let today = w.store.today().to_string();
    assert!(
        w.get(&format!("/audit?action=payout.reverse&from={today}&to={today}"), Some(&fin))
            .await
            .html
            .contains("<td title=\"payout.reverse\">")
    );
    assert!(w.get("/audit?from=2099-01-01", Some(&fin)).await.html.contains(r#"id="audit-none""#));
    let bad = w.get("/audit?entity=abc&from=2024-02-30", Some(&fin)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html.contains(r#"id="f-entity-error""#) && bad.html.contains(r#"id="f-from-error""#), "{}", bad.html);
    let csv = w.get("/audit.csv?action=payment.create", Some(&fin)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("text/csv; charset=utf-8"));
    assert!(csv.html.starts_with("\u{feff}序号,时间,"), "{}", csv.html);
    assert_eq!(csv.html.lines().count(), 2, "the header and the one payment: {}", csv.html);
    assert!(csv.html.contains("登记支付凭证") && csv.html.contains("记-2024-0317"), "{}", csv.html);

    // Payouts filtered, with their total and a breakdown by county; the list for Excel.
    let f = w.get("/finance", Some(&fin)).await;
    let all = f.html.matches(r#"id="pick-"#).count() + f.html.matches("<td>已拨付</td>").count();
    assert!(f.html.contains(&format!("共 {all} 笔,合计 ")), "{}", f.html);
    assert!(f.html.contains(r#"<table id="payouts-by-county">"#) && f.html.contains("<td>凉州区</td>"), "{}", f.html);
    let none = w.get("/finance?county=minqin&status=paid", Some(&fin)).await;
    assert!(none.html.contains("共 0 笔,合计 0.00元,其中已拨付 0.00元。"), "{}", none.html);
    assert!(none.html.contains(r#"<option value="minqin" selected>"#) || !none.html.contains(r#"value="minqin""#), "the filter kept");
    let x = w.get("/finance/payouts.xlsx?status=scheduled", Some(&fin)).await;
    assert_eq!(x.status, StatusCode::OK);
    assert_eq!(
        x.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    assert!(x.html.starts_with("PK") && x.html.len() > 4000, "a workbook (a zip)");
    assert_eq!(w.get("/finance/payouts.xlsx", Some(&session)).await.status, StatusCode::FORBIDDEN, "a reviewer");
    // The audit trail, as each may see it.
    let a = w.get("/audit", Some(&session)).await;
    assert!(a.html.contains("award.approve") && a.html.contains("award.decide"));
    let a = w.get("/audit", Some(&fin)).await;
    assert!(a.html.contains("payout.paid"));
    // Sign out ends the session.
    let r = w.send("POST", "/logout", Some(&session), Some(&[("csrf", &csrf(&q.html))]), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(w.get("/desk", Some(&session)).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn simplified_by_default_traditional_and_english_as_choices() {
    let w = Web::new("lang").await;
    let zh = w.get("/policy", None).await;
    assert!(zh.html.contains(r#"<html lang="zh-Hans">"#));
    assert!(zh.html.contains(HT_SENTENCE), "the plan's sentence in Simplified, as published");
    assert!(!zh.html.contains("萬元") && !zh.html.contains("強科"), "no Traditional characters on a Simplified page");
    assert!(zh.html.contains(r#"id="lang-switch-hant""#) && zh.html.contains(r#"href="/policy?lang=en""#));

    // Traditional: the same page converted, and remembered.
    let hant = w.get("/policy?lang=zh-Hant", None).await;
    assert!(hant.html.contains(r#"<html lang="zh-Hant">"#));
    assert!(hant.html.contains("對新認定的高新技術企業給予20萬元一次性補助"), "the sentence in Traditional characters");
    assert!(!hant.html.contains(HT_SENTENCE));
    let cookie = hant.headers[header::SET_COOKIE].to_str().expect("cookie").to_string();
    assert!(cookie.starts_with("qiangke_lang=zh-Hant"), "{cookie}");
    let again = w.get("/calculator", Some("qiangke_lang=zh-Hant")).await;
    assert!(again.html.contains(r#"<html lang="zh-Hant">"#));

    // A first visit follows the browser's languages, by weight; a choice made beats them.
    for (accept, tag) in [
        ("zh-TW,zh;q=0.9,en;q=0.8", "zh-Hant"),
        ("en-US,en;q=0.9,zh-CN;q=0.5", "en"),
        ("fr-FR, zh-CN;q=0.3, en;q=0.2", "zh-Hans"),
        ("en;q=0.4, zh-HK;q=0.8", "zh-Hant"),
        ("fr, de", "zh-Hans"),
    ] {
        let p = w.send("GET", "/policy", None, None, &[("accept-language", accept)]).await;
        assert!(p.html.contains(&format!(r#"<html lang="{tag}">"#)), "{accept} → {tag}");
        assert!(!p.headers.contains_key(header::SET_COOKIE), "the browser's language is not remembered as a choice");
    }
    let p = w.send("GET", "/policy", Some("qiangke_lang=zh-Hans"), None, &[("accept-language", "en")]).await;
    assert!(p.html.contains(r#"<html lang="zh-Hans">"#));
}

/// The what-if page over the seeded register (甲公司: 15,000,000元 of R&D spending in 2023, in the
/// band "1000万元以上2000万元以下" of 四(二)8, 20万元, budgeted in 2024 and paid by the 市科技局).
/// Paying that band 25万元 costs 50,000元 more in 2024 and makes 甲公司 better off by as much; a
/// band that would leave a gap is refused with the pack's own reason; nothing is recorded.
#[tokio::test]
async fn the_whatif_page_compares_budgets_and_says_who_gains() {
    let w = Web::new("whatif").await;
    let r = w.get("/whatif", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "signed out: sent to sign in");
    let (sci, _) = w.session("sci").await;
    let sci = format!("qiangke_session={sci}");
    let f = w.get("/whatif", Some(&sci)).await;
    assert_eq!(f.status, StatusCode::OK);
    assert!(
        f.html.contains(r#"<option value="tier|rd_spend|2|amount">四(二)8 规上工业企业研发投入分档补助:第 2 档金额(现为 20万元)</option>"#),
        "{}",
        f.html
    );
    assert!(f.html.contains(r#"<option value="rule|high-tech-new|amount">"#));
    // Amounts left to the administrator, and without an upper limit, as people write them.
    assert!(f.html.contains("知识产权示范企业扶持(每年3—4户):金额(现为 20万元至30万元)"), "{}", f.html);
    assert!(f.html.contains("企业创新联合体年度支持(给牵头企业):金额(现为 不低于50万元)"), "{}", f.html);
    assert!(f.html.contains(r#"href="/whatif""#), "in the navigation");
    let token = csrf(&f.html);
    let audit_before = w.store.verify_audit(&[]).await.expect("verify").entries;

    let asked = [("csrf", token.as_str()), ("lever", "tier|rd_spend|2|amount"), ("value", "25万元"), ("year", "2023")];
    let r = w.send("POST", "/whatif", Some(&sci), Some(&asked), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.html);
    assert!(r.html.contains("测算范围:已登记的 1 个主体及其现有数据。"), "{}", r.html);
    assert!(
        r.html.contains("新增奖补 0 项,减少 0 项,金额变化 1 项。受益主体 1 个,合计 +50,000.00元,单个最多 +50,000.00元。没有主体受损。"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains(
            r#"<tr><td>2024</td><td>市科技局</td><td>四(二)8</td><td class="num">200,000.00元</td><td class="num">250,000.00元</td><td class="num">+50,000.00元</td></tr>"#
        ),
        "{}",
        r.html
    );
    assert!(r.html.contains(r#"value="25万元""#), "the value typed is kept");

    // The high-tech subsidy (四(二)7, 20万元, budgeted in 2024 and paid by the 市财政局) left to
    // the administrator between 5万元 and 30万元: the low end falls by 150,000元.
    let range = [("csrf", token.as_str()), ("lever", "rule|high-tech-new|amount"), ("value", "5万元至30万元"), ("year", "2023")];
    let r = w.send("POST", "/whatif", Some(&sci), Some(&range), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.html);
    assert!(
        r.html.contains(
            r#"<tr><td>2024</td><td>市财政局</td><td>四(二)7</td><td class="num">200,000.00元</td><td class="num">50,000.00元–300,000.00元</td><td class="num">-150,000.00元</td></tr>"#
        ),
        "{}",
        r.html
    );
    assert!(r.html.contains("没有主体受益。受损主体 1 个,合计 -150,000.00元,单个最多 -150,000.00元。"), "{}", r.html);
    // Several values side by side: the second band at 15万元 and at 25万元.
    let two = [("csrf", token.as_str()), ("lever", "tier|rd_spend|2|amount"), ("value", "15万元、25万元"), ("year", "2023")];
    let r = w.send("POST", "/whatif", Some(&sci), Some(&two), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.html);
    for row in [
        r#"<tr><td>15万元</td><td class="num">-50,000.00元</td><td class="num">0</td><td class="num">0</td><td class="num">1</td><td class="num">0 (0.00元)</td><td class="num">1 (-50,000.00元)</td></tr>"#,
        r#"<tr><td>25万元</td><td class="num">+50,000.00元</td><td class="num">0</td><td class="num">0</td><td class="num">1</td><td class="num">1 (+50,000.00元)</td><td class="num">0 (0.00元)</td></tr>"#,
    ] {
        assert!(r.html.contains(row), "{row}\n{}", r.html);
    }
    // One bad value among several is named.
    let bad = [("csrf", token.as_str()), ("lever", "tier|rd_spend|2|amount"), ("value", "15万元、很多"), ("year", "2023")];
    let r = w.send("POST", "/whatif", Some(&sci), Some(&bad), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("“很多”不能使用:"), "{}", r.html);
    // A lower bound that leaves a gap after the first band: the pack's checks refuse it.
    let gap = [("csrf", token.as_str()), ("lever", "tier|rd_spend|2|from"), ("value", "1600万元 以上"), ("year", "")];
    let r = w.send("POST", "/whatif", Some(&sci), Some(&gap), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("“1600万元 以上”不能使用:"), "{}", r.html);
    // No value, no change named: said, nothing run.
    let r = w
        .send("POST", "/whatif", Some(&sci), Some(&[("csrf", token.as_str()), ("lever", "tier|rd_spend|2|amount"), ("value", " ")]), &[])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("请填写新的值。"));
    let r = w
        .send("POST", "/whatif", Some(&sci), Some(&[("csrf", token.as_str()), ("lever", "rule|no-such|amount"), ("value", "1元")]), &[])
        .await;
    assert!(r.html.contains("请选择修改内容。"));
    // Without the form's token: refused.
    let r = w.send("POST", "/whatif", Some(&sci), Some(&asked[1..]), &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(w.store.verify_audit(&[]).await.expect("verify").entries, audit_before, "a what-if records nothing");
    // Finance may too; a county's official and an enterprise may not (the page, the form, the
    // register's facts behind it).
    let (fin, _) = w.session("fin").await;
    assert_eq!(w.get("/whatif", Some(&format!("qiangke_session={fin}"))).await.status, StatusCode::OK);
    let pack = common::pack();
    let (_, admin) = w.session("admin").await;
    let mk = |u: &str, role: &str| qiangke_store::auth::NewUser {
        username: u.into(),
        password: common::PASSWORD.into(),
        role: role.into(),
        ..Default::default()
    };
    let county = qiangke_store::auth::NewUser { county: Some("liangzhou".into()), ..mk("county", "county") };
    w.store.create_user(&pack, Some(&admin), county).await.expect("county");
    let ent = w.store.entities(&admin).await.expect("entities")[0]["id"].as_i64().expect("id");
    w.store
        .create_user(&pack, Some(&admin), qiangke_store::auth::NewUser { entity_id: Some(ent), ..mk("ent", "entity") })
        .await
        .expect("ent");
    for u in ["county", "ent"] {
        let (t, p) = w.session(u).await;
        let c = format!("qiangke_session={t}");
        let page = w.get("/whatif", Some(&c)).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{u}");
        assert!(!page.html.contains(r#"href="/whatif""#), "{u}: not in the navigation");
        let r = w
            .send(
                "POST",
                "/whatif",
                Some(&c),
                Some(&[("csrf", csrf(&page.html).as_str()), ("lever", "tier|rd_spend|2|amount"), ("value", "25万元")]),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{u}");
        assert!(w.store.population(&pack, &p).await.is_err(), "{u}: the register's facts");
    }
}

/// The recognition ladder page: the sample enterprise's standing on each rung, worked out by hand
/// in `crates/rules/tests/standards.rs` (科技型中小企业 76分 of 60; 高新技术企业 25–74分 of more
/// than 70, 46 short; 四(二)7's 20万元 and 5万元 from the 2026 budget), an upload located by line,
/// and the page's absence when no ladder is configured.
#[tokio::test]
async fn the_ladder_page_shows_each_rung_and_what_it_brings() {
    let pack = common::pack();
    let dir = std::env::temp_dir().join(format!("qiangke-web-ladder-{}", std::process::id()));
    let (store, _) = common::seeded(&dir, &pack).await;
    let state = AppState::new(pack.clone(), store.clone(), false);
    let w = Web { app: router(state.clone()), store: store.clone() };
    // No ladder configured: the page says so.
    let r = w.get("/ladder", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.html.contains("未配置认定阶梯"), "{}", r.html);

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ladders");
    let ladder = qiangke_rules::ladder::load_ladder(&root.join("wuwei.toml"), qiangke_rules::Lang::Zh).unwrap_or_else(|m| panic!("{m}"));
    state.set_ladder(std::sync::Arc::new(ladder));
    let r = w.get("/ladder?example=1&year=2025", None).await;
    assert_eq!(r.status, StatusCode::OK);
    for want in [
        "科技型中小企业",
        "得分 76分,须不低于60分",
        "取决于专家评审",
        "得分 25–74分,须超过70分",
        "确定部分尚差 46分",
        r#"<span class="amount">20万元</span> (列入 2026 年预算)"#,
        r#"<span class="amount">5万元</span> (列入 2026 年预算)"#,
        HT_SENTENCE,
        "暂定",
    ] {
        assert!(r.html.contains(want), "missing {want}:\n{}", r.html);
    }
    // The sample downloads as a file.
    let r = w.get("/ladder/example.json", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers[header::CONTENT_DISPOSITION].to_str().unwrap_or("").contains("enterprise.json"));
    // An upload with a name no pack knows is refused with its line and column.
    let example = std::fs::read_to_string(root.join("examples/enterprise.json")).expect("example");
    let bad = example.replace("\"st_staff\": 20", "\"st_staf\": 20");
    let body = format!(
        "--XB\r\nContent-Disposition: form-data; name=\"year\"\r\n\r\n2025\r\n--XB\r\nContent-Disposition: form-data; name=\"facts\"; filename=\"mine.json\"\r\nContent-Type: application/json\r\n\r\n{bad}\r\n--XB--\r\n"
    );
    let req = Request::builder()
        .method("POST")
        .uri("/ladder/upload")
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XB")
        .body(Body::from(body))
        .expect("request");
    let res = w.app.clone().oneshot(req).await.expect("ok");
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = String::from_utf8(res.into_body().collect().await.expect("b").to_bytes().to_vec()).expect("utf-8");
    assert!(html.contains("mine.json:") && html.contains("st_staf"), "{html}");

    // The generated form: the sample typed in, year by year, gives the same standing.
    let doc: serde_json::Value = serde_json::from_str(&example).expect("json");
    let mut fields: Vec<(String, String)> = vec![("year".into(), "2025".into())];
    let text = |v: &serde_json::Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    for (k, v) in doc["entity"].as_object().expect("entity") {
        if k != "id" && k != "name" {
            fields.push((format!("a.{k}"), text(v)));
        }
    }
    for (y, facts) in doc["years"].as_object().expect("years") {
        let back = 2025 - y.parse::<i32>().expect("year");
        for (k, v) in facts.as_object().expect("figures") {
            fields.push((format!("y.{k}.{back}"), text(v)));
        }
    }
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = w.send("POST", "/ladder", None, Some(&form), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.html);
    assert!(r.html.contains("得分 76分,须不低于60分") && r.html.contains("得分 25–74分,须超过70分"), "{}", r.html);
    // What was typed stays in the form.
    assert!(r.html.contains(r#"name="y.sales.1" value="1亿元""#), "{}", r.html);
    // A figure in a wrong form is refused, located by its year and name.
    let mut bad = fields.clone();
    bad.push(("y.employees.1".into(), "很多".into()));
    bad.retain(|(k, v)| k != "y.employees.1" || v == "很多");
    let form: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = w.send("POST", "/ladder", None, Some(&form), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("很多"), "{}", r.html);
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
