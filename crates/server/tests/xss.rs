//! Markup typed into every text field a page shows comes back as text: an entity's name, a fact's
//! text and its source, a department's reason for rejecting, a decision's note, an uploaded file's
//! name, a user's name (the one who opens a round too), a task update's text, the answer to a
//! proposal and what is typed into the sign-in form and the calculator. Each page that shows them
//! is fetched as the role that sees it, and none holds the markup raw while each shows it escaped.
//!
//! The pages are maud templates, so this holds by construction; the test keeps it so.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use qiangke_server::{AppState, router};
use qiangke_store::Store;
use qiangke_store::auth::{NewUser, SessionKind};
use qiangke_store::ledger::{FactInput, FactsInput};
use serde_json::json;
use tower::ServiceExt;

mod common;

/// The markup put into every text field (names with no whitespace use [`USER`]).
const P: &str = r#"<script>x</script>"'><img src=x onerror=1>"#;
/// [`P`] as a page shows it.
const P_SHOWN: &str = "&lt;script&gt;x&lt;/script&gt;&quot;'&gt;&lt;img src=x onerror=1&gt;";
/// A user name with markup (user names hold no whitespace).
const USER: &str = r#"<script>u</script>"'><img/src=x/onerror=2>"#;
const USER_SHOWN: &str = "&lt;script&gt;u&lt;/script&gt;&quot;'&gt;&lt;img/src=x/onerror=2&gt;";
/// An administrator's name with markup: the one who opens the round.
const OPENER: &str = r#"<b>opener</b>"#;
const OPENER_SHOWN: &str = "&lt;b&gt;opener&lt;/b&gt;";
/// An uploaded file's name with markup (a browser sends no `/` or `"` in a file name).
const FILE: &str = "<img src=x onerror=3>'<b>.csv";
const FILE_SHOWN: &str = "&lt;img src=x onerror=3&gt;'&lt;b&gt;.csv";

struct Page {
    status: StatusCode,
    location: Option<String>,
    html: String,
}

async fn send(app: &Router, method: &str, path: &str, cookie: &str, body: Option<(String, Vec<u8>)>) -> Page {
    let mut b = Request::builder().method(method).uri(path).header(header::HOST, "ledger.test").header(header::COOKIE, cookie);
    let body = match body {
        Some((ct, bytes)) => {
            b = b.header(header::CONTENT_TYPE, ct);
            Body::from(bytes)
        }
        None => Body::empty(),
    };
    let res = app.clone().oneshot(b.body(body).expect("request")).await.expect("infallible");
    let status = res.status();
    let location = res.headers().get(header::LOCATION).map(|l| l.to_str().unwrap_or("").to_string());
    let html = String::from_utf8(res.into_body().collect().await.expect("body").to_bytes().to_vec()).expect("utf-8");
    Page { status, location, html }
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn form(fields: &[(&str, &str)]) -> Option<(String, Vec<u8>)> {
    let body = fields.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&");
    Some(("application/x-www-form-urlencoded".into(), body.into_bytes()))
}

fn multipart(fields: &[(&str, &str)], file_name: &str, file: &[u8]) -> Option<(String, Vec<u8>)> {
    let boundary = "qiangke-test-boundary";
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    b.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    b.extend(file);
    b.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    Some((format!("multipart/form-data; boundary={boundary}"), b))
}

/// The page's CSRF token.
fn csrf(html: &str) -> String {
    let key = r#"name="csrf" value=""#;
    let at = html.find(key).unwrap_or_else(|| panic!("no csrf in {html}")) + key.len();
    html[at..at + html[at..].find('"').expect("end")].to_string()
}

async fn cookie(store: &Store, user: &str) -> String {
    format!("qiangke_session={}", store.login(user, common::PASSWORD, SessionKind::Cookie, 3_600_000).await.expect("login").0)
}

/// No markup of the payloads anywhere in the page: no element they could have opened.
fn clean(what: &str, page: &Page) {
    let lower = page.html.to_lowercase();
    for raw in ["<script", "<img", "<b>", P, USER, OPENER, FILE] {
        assert!(!lower.contains(&raw.to_lowercase()), "{what}: {raw} unescaped in {}", page.html);
    }
}

/// The page is clean and shows `shown` (a payload, escaped).
fn shows(what: &str, page: &Page, shown: &[&str]) {
    clean(what, page);
    for s in shown {
        assert!(page.html.contains(s), "{what}: {s} not shown in {}", page.html);
    }
}

#[tokio::test]
async fn markup_in_every_text_field_is_shown_as_text() {
    let pack = common::pack();
    let dir = std::env::temp_dir().join(format!("qiangke-xss-{}", std::process::id()));
    let (store, admin_p) = common::seeded(&dir, &pack).await;
    let app = router(AppState::new(pack.clone(), store.clone(), false));
    let admin = cookie(&store, "admin").await;
    let page = send(&app, "GET", "/entities", &admin, None).await;
    let token = csrf(&page.html);

    // ----- an entity named with markup, registered through the page ----------------------------
    let code = qiangke_rules::uscc::make("91620600", "60000001").expect("code");
    let p = send(
        &app,
        "POST",
        "/entities",
        &admin,
        form(&[("csrf", &token), ("uscc", &code), ("name", P), ("kind", "enterprise"), ("county", "liangzhou")]),
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let registered = send(&app, "GET", p.location.as_deref().expect("to the register"), &admin, None).await;
    shows("the register after registering", &registered, &[P_SHOWN]);
    let eid =
        store.entities(&admin_p).await.expect("entities").iter().find(|e| e["name"] == P).expect("registered")["id"].as_i64().expect("id");
    // A refused registration keeps what was typed (the same code again).
    let again = send(
        &app,
        "POST",
        "/entities",
        &admin,
        form(&[("csrf", &token), ("uscc", &code), ("name", P), ("kind", "enterprise"), ("county", "liangzhou")]),
    )
    .await;
    assert_ne!(again.status, StatusCode::SEE_OTHER);
    shows("a refused registration", &again, &[P_SHOWN]);

    // ----- facts: a text fact and a source through the form; the figures that earn awards ------
    let p = send(
        &app,
        "POST",
        &format!("/entities/{eid}/facts"),
        &admin,
        form(&[("csrf", &token), ("fact", "consortium_name"), ("year", "2023"), ("value", P), ("source", P)]),
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    // A figure that is not a number: the refusal quotes what was typed.
    let refused = send(
        &app,
        "POST",
        &format!("/entities/{eid}/facts"),
        &admin,
        form(&[("csrf", &token), ("fact", "rd_expenditure"), ("year", "2023"), ("value", P), ("source", P)]),
    )
    .await;
    assert!(refused.status.is_client_error(), "{}", refused.html);
    clean("a refused fact", &refused);
    let facts = vec![
        FactInput { year: None, name: "above_scale".into(), value: json!(true) },
        FactInput { year: Some(2023), name: "rd_expenditure".into(), value: json!("15000000") },
        FactInput { year: Some(2023), name: "super_deduction_amount".into(), value: json!("300000") },
    ];
    let events = vec![
        json!({"type": "recognition", "date": "2023-11-20", "kind": "high_tech", "renewal": false}),
        json!({"type": "recognition", "date": "2023-05-10", "kind": "smart_factory", "renewal": false, "name": P}),
    ];
    store.record_facts(&pack, &admin_p, eid, FactsInput { source: P.into(), facts, events }).await.expect("facts");

    // ----- users: the entity's user, and an administrator, named with markup --------------------
    let p = send(
        &app,
        "POST",
        "/users",
        &admin,
        form(&[("csrf", &token), ("username", USER), ("password", common::PASSWORD), ("role", "entity"), ("entity_uscc", &code)]),
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let created = send(&app, "GET", p.location.as_deref().expect("to the users"), &admin, None).await;
    shows("the users after creating one", &created, &[USER_SHOWN, P_SHOWN]);
    let refused = send(
        &app,
        "POST",
        "/users",
        &admin,
        form(&[("csrf", &token), ("username", USER), ("password", "short"), ("role", "entity"), ("entity_uscc", P)]),
    )
    .await;
    assert!(refused.status.is_client_error(), "{}", refused.html);
    shows("a refused user", &refused, &[USER_SHOWN]);
    let mk = NewUser { username: OPENER.into(), password: common::PASSWORD.into(), role: "admin".into(), ..NewUser::default() };
    store.create_user(&pack, Some(&admin_p), mk).await.expect("opener");
    let opener = cookie(&store, OPENER).await;

    // ----- the round, opened by the administrator with markup in its name ------------------------
    let rounds = send(&app, "GET", "/rounds", &opener, None).await;
    let otoken = csrf(&rounds.html);
    let p = send(&app, "POST", "/rounds", &opener, form(&[("csrf", &otoken), ("claim_year", "2023")])).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let rounds = send(&app, "GET", p.location.as_deref().expect("to the rounds"), &opener, None).await;
    shows("the rounds", &rounds, &[OPENER_SHOWN]);

    // ----- the enterprise answers: one proposal declined, the others confirmed -------------------
    let ent = cookie(&store, USER).await;
    let me = send(&app, "GET", "/me", &ent, None).await;
    assert_eq!(me.location.as_deref(), Some(format!("/entities/{eid}").as_str()));
    let own = send(&app, "GET", &format!("/entities/{eid}"), &ent, None).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.html);
    shows("the enterprise's page", &own, &[P_SHOWN, USER_SHOWN]);
    let etoken = csrf(&own.html);
    let ent_p = store.login(USER, common::PASSWORD, SessionKind::Bearer, 60_000).await.expect("login").1;
    let awards = store.entity_awards(&ent_p, eid).await.expect("awards");
    let awaiting: Vec<&serde_json::Value> = awards.iter().filter(|a| a["confirmation"] == "awaiting").collect();
    assert!(awaiting.len() >= 3, "three proposals at least: {awards:?}");
    // An answer that is neither: refused, and not repeated.
    let odd = send(
        &app,
        "POST",
        &format!("/entities/{eid}/awards/{}/answer", awaiting[0]["id"]),
        &ent,
        form(&[("csrf", &etoken), ("answer", P)]),
    )
    .await;
    assert_eq!(odd.status, StatusCode::BAD_REQUEST, "{}", odd.html);
    shows("a refused answer", &odd, &[P_SHOWN]);
    // The high-tech recognition's award declined; the smart factory's (the one named with markup)
    // and the R&D award confirmed.
    let declined = awaiting.iter().find(|a| a["result"]["rule"] == "high-tech-new").and_then(|a| a["id"].as_i64()).expect("high-tech-new");
    for a in &awaiting {
        let id = a["id"].as_i64().expect("id");
        let answer = if id == declined { "decline" } else { "confirm" };
        let p =
            send(&app, "POST", &format!("/entities/{eid}/awards/{id}/answer"), &ent, form(&[("csrf", &etoken), ("answer", answer)])).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    }
    let answered = send(&app, "GET", &format!("/entities/{eid}?done={declined}"), &ent, None).await;
    shows("the enterprise's page after declining", &answered, &[P_SHOWN]);

    // ----- the departments: the tax bureau rejects with a reason, the others approve and decide --
    let tax = cookie(&store, "tax").await;
    let desk = send(&app, "GET", "/desk", &tax, None).await;
    shows("the tax bureau's desk", &desk, &[P_SHOWN]);
    let ttoken = csrf(&desk.html);
    let confirmed = store.entity_awards(&admin_p, eid).await.expect("awards");
    let of = |dept: &str| {
        confirmed
            .iter()
            .filter(|a| a["confirmation"] != "declined" && a["status"] == "pending")
            .filter(|a| a["verified_by"].as_array().is_some_and(|v| v.iter().any(|d| d == dept)))
            .map(|a| a["id"].as_i64().expect("id"))
            .collect::<Vec<_>>()
    };
    let rejected = *of("tax-bureau").first().expect("a tax-bureau award");
    let p = send(
        &app,
        "POST",
        &format!("/desk/awards/{rejected}/verify"),
        &tax,
        form(&[("csrf", &ttoken), ("verdict", "reject"), ("reason", P)]),
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    // A decision refused (not a number) keeps what was typed beside the field.
    let sci = cookie(&store, "sci").await;
    let sci_desk = send(&app, "GET", "/desk", &sci, None).await;
    // The entity's name, and the smart factory's name the award is for.
    shows("the science bureau's desk", &sci_desk, &[P_SHOWN, &format!(r#"<strong class="subject">{P_SHOWN}</strong>"#)]);
    let stoken = csrf(&sci_desk.html);
    let approved = *of("science-bureau").iter().find(|id| **id != rejected).expect("a science-bureau award");
    let award = confirmed.iter().find(|a| a["id"] == approved).expect("award");
    // Every department that verifies it approves (one reviewer each), the science bureau through its desk.
    for d in award["verified_by"].as_array().expect("departments").iter().filter_map(|d| d.as_str()) {
        if d == "science-bureau" {
            let p = send(
                &app,
                "POST",
                &format!("/desk/awards/{approved}/verify"),
                &sci,
                form(&[("csrf", &stoken), ("verdict", "approve"), ("reason", P)]),
            )
            .await;
            assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
        } else {
            let name = format!("rev-{d}");
            let u = NewUser {
                username: name.clone(),
                password: common::PASSWORD.into(),
                role: "reviewer".into(),
                department: Some(d.into()),
                ..NewUser::default()
            };
            store.create_user(&pack, Some(&admin_p), u).await.expect("reviewer");
            let rp = store.login(&name, common::PASSWORD, SessionKind::Bearer, 60_000).await.expect("login").1;
            store.verify(&pack, &rp, approved, true, P).await.expect("approve");
        }
    }
    let sci_desk = send(&app, "GET", "/desk", &sci, None).await;
    let p = send(&app, "POST", &format!("/desk/awards/{approved}/decide"), &sci, form(&[("csrf", &stoken), ("amount", P), ("reason", P)]))
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    shows("a refused decision", &p, &[P_SHOWN]);
    shows("the science bureau's desk with an approved award", &sci_desk, &[P_SHOWN]);
    let low = award["amount"]["low"].as_str().expect("amount").to_string();
    let p =
        send(&app, "POST", &format!("/desk/awards/{approved}/decide"), &sci, form(&[("csrf", &stoken), ("amount", &low), ("reason", P)]))
            .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);

    // ----- every page that shows them, as the role that sees it ----------------------------------
    let own = send(&app, "GET", &format!("/entities/{eid}"), &ent, None).await;
    shows("the enterprise's page with a reason", &own, &[P_SHOWN]);
    assert!(own.html.contains(&format!("{P_SHOWN}</p>")), "the reason for rejecting is shown: {}", own.html);
    for (who, c) in [("admin", &admin), ("fin", &cookie(&store, "fin").await)] {
        let fin = send(&app, "GET", "/finance", c, None).await;
        assert_eq!(fin.status, StatusCode::OK, "{}", fin.html);
        shows(&format!("the budget and payouts as {who}"), &fin, &[P_SHOWN]);
    }
    let audit = send(&app, "GET", "/audit", &admin, None).await;
    shows("the audit trail", &audit, &[P_SHOWN, USER_SHOWN, OPENER_SHOWN]);
    let entities = send(&app, "GET", &format!("/entities?q={}", enc("script")), &admin, None).await;
    shows("a search of the register", &entities, &[P_SHOWN]);
    let users = send(&app, "GET", "/users", &admin, None).await;
    shows("the users", &users, &[USER_SHOWN, OPENER_SHOWN, P_SHOWN]);
    for path in ["/rounds", "/dashboard", "/desk"] {
        let c = if path == "/desk" { &tax } else { &admin };
        let page = send(&app, "GET", path, c, None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.html);
        clean(path, &page);
    }
    // In Traditional characters too: the page is converted after it is escaped.
    let hant = send(&app, "GET", &format!("/entities/{eid}?lang=zh-Hant"), &admin, None).await;
    shows("the entity's page in Traditional", &hant, &[P_SHOWN]);

    // ----- a department's records: the file's name, the entity matched by its name -------------
    let template = send(&app, "GET", "/records/template.csv", &tax, None).await;
    let header = template.html.trim_start_matches('\u{feff}').lines().next().expect("header").to_string();
    let blanks = ",".repeat(header.split(',').count() - 3);
    let csv = format!("{header}\n,\"{}\",2023{blanks}\n", P.replace('"', "\"\""));
    let p = send(&app, "POST", "/records/upload", &tax, multipart(&[("csrf", &ttoken), ("source", P)], FILE, csv.as_bytes())).await;
    shows("the records preview", &p, &[FILE_SHOWN, P_SHOWN]);
    let code2 = qiangke_rules::uscc::make("91620600", "60000002").expect("code");
    let list = format!("统一社会信用代码,名称,类型,县区\n{code2},\"{}\",enterprise,gulang\n", P.replace('"', "\"\""));
    let p = send(&app, "POST", "/entities/import", &admin, multipart(&[("csrf", &token)], FILE, list.as_bytes())).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    shows("an entity list preview", &p, &[FILE_SHOWN, P_SHOWN]);

    // ----- task updates and observations, with markup in their text ------------------------------
    let progress = send(&app, "GET", "/progress", &admin, None).await;
    let task = {
        let key = r#"<select id="task" name="task"><option value=""#;
        let at = progress.html.find(key).expect("a task") + key.len();
        progress.html[at..at + progress.html[at..].find('"').expect("end")].to_string()
    };
    let p = send(
        &app,
        "POST",
        "/progress/task",
        &admin,
        form(&[("csrf", &token), ("task", &task), ("date", "2023-06-30"), ("unit", P), ("text", P), ("value", "")]),
    )
    .await;
    clean("a task update", &p);
    let p = send(
        &app,
        "POST",
        "/progress/observation",
        &admin,
        form(&[("csrf", &token), ("indicator", "1"), ("scope", "city"), ("year", "2023"), ("value", P), ("unit", P), ("source", P)]),
    )
    .await;
    clean("a refused observation", &p);
    for path in ["/progress", "/dashboard", "/audit"] {
        let page = send(&app, "GET", path, &admin, None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        clean(path, &page);
    }

    // ----- what anyone may type: the sign-in form and the calculator ------------------------------
    let login = send(&app, "GET", "/login", "", None).await;
    let cookie_csrf = csrf(&login.html);
    let p = send(
        &app,
        "POST",
        "/login",
        &format!("qiangke_login_csrf={cookie_csrf}"),
        form(&[("csrf", &cookie_csrf), ("username", P), ("password", P), ("next", "/")]),
    )
    .await;
    shows("a refused sign-in", &p, &[P_SHOWN]);
    let p = send(
        &app,
        "POST",
        "/calculator",
        "",
        form(&[("year", "2023"), ("entity.name", P), ("entity.kind", "enterprise"), ("y.rd_expenditure", P)]),
    )
    .await;
    shows("the calculator", &p, &[P_SHOWN]);
    let _ = std::fs::remove_dir_all(&dir);
}
