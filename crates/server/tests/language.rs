//! Refusals and the audit trail in the reader's language: the API's problem+json in the
//! request's language (the same status, fields and title kind in each), a refusal on the review
//! desk in the page's language, and the audit trail with each action by its name and the time in
//! China Standard Time.
//!
//! Every expected text is written out by hand from the catalogue (`ledger.ftl`, `api.ftl`).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::api::{Api, Resp, problem};
use http_body_util::BodyExt;
use qiangke_server::{AppState, router};
use qiangke_store::auth::SessionKind;
use serde_json::json;
use tower::ServiceExt;

fn dir(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("qiangke-language-{name}-{}", std::process::id()))
}

/// The 税务局's award (四(二)8) of the seeded ledger, by the tax reviewer's token.
async fn tax_award(api: &Api, tax: &str) -> i64 {
    let r = api.get("/api/awards?status=pending", tax).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["awards"].as_array().expect("awards").iter().find(|a| a["rule"] == "rd-spend-tiers").expect("the R&D award")["id"]
        .as_i64()
        .expect("id")
}

/// A verdict on an award through the API, in a language (`Accept-Language`) or none.
async fn verdict(api: &Api, token: &str, path: &str, verdict: &str, lang: Option<&str>) -> Resp {
    let mut h = vec![("content-type", "application/json")];
    if let Some(l) = lang {
        h.push(("accept-language", l));
    }
    api.send("POST", path, Some(token), Some(json!({"verdict": verdict}).to_string().into_bytes()), &h).await
}

#[tokio::test]
async fn a_refusal_on_the_api_comes_in_the_language_asked_for() {
    let pack = common::pack();
    let (store, _) = common::seeded(&dir("api"), &pack).await;
    let api = Api { app: router(AppState::new(pack, store, false)) };
    let tax = api.login("tax", common::PASSWORD).await;
    let id = tax_award(&api, &tax).await;
    let path = format!("/api/awards/{id}/verification");
    let zh = verdict(&api, &tax, &path, "reject", Some("zh-CN,zh;q=0.9,en;q=0.8")).await;
    let en = verdict(&api, &tax, &path, "reject", Some("en")).await;
    let none = verdict(&api, &tax, &path, "reject", None).await;
    let zh = problem(&zh, StatusCode::UNPROCESSABLE_ENTITY).clone();
    let en = problem(&en, StatusCode::UNPROCESSABLE_ENTITY).clone();
    assert_eq!(zh["title"], "输入有误");
    assert_eq!(zh["detail"], "1 处问题;未作任何修改");
    assert_eq!(zh["errors"], json!([{"field": "reason", "message": "驳回必须填写申请人能看懂的理由"}]));
    assert_eq!(en["title"], "invalid input");
    assert_eq!(en["detail"], "1 problem(s); nothing was changed");
    assert_eq!(en["errors"], json!([{"field": "reason", "message": "a rejection needs a reason the applicant can read"}]));
    // The same status, type and fields in both; nothing but the texts differ.
    for k in ["status", "type"] {
        assert_eq!(zh[k], en[k], "{k}");
    }
    assert_eq!(zh["status"], 422);
    assert_eq!(zh.as_object().expect("object").keys().collect::<Vec<_>>(), en.as_object().expect("object").keys().collect::<Vec<_>>());
    // Without a language the API answers in English (integrations, analysts).
    assert_eq!(problem(&none, StatusCode::UNPROCESSABLE_ENTITY), &en);
    // `?lang=` comes before the header, and Traditional is the Simplified text converted.
    let hant = verdict(&api, &tax, &format!("{path}?lang=zh-Hant"), "reject", Some("en")).await;
    let hant = problem(&hant, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(hant["errors"][0]["message"], "駁回必須填寫申請人能看懂的理由");
    assert_eq!(hant["errors"][0]["field"], "reason");
    // A route with strict query parameters takes `lang` too: it is not one of them.
    let r = api.send("GET", "/api/awards?status=pending&lang=zh", Some(&tax), None, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A refusal of the store with a detail: who verifies the rule, in Chinese.
    let sci = api.login("sci", common::PASSWORD).await;
    let r = verdict(&api, &sci, &format!("{path}?lang=zh"), "approve", None).await;
    let p = problem(&r, StatusCode::FORBIDDEN);
    assert_eq!(p["title"], "无权操作");
    assert_eq!(p["detail"], "规则 rd-spend-tiers 由 tax-bureau 核实,不由 science-bureau 核实");
    // Routes nobody has: the same in the language asked for.
    let r = api.send("GET", "/api/nowhere", None, None, &[("accept-language", "zh")]).await;
    assert_eq!(problem(&r, StatusCode::NOT_FOUND)["detail"], "没有 GET /api/nowhere 这一接口;见 /api/openapi.json");
}

#[tokio::test]
async fn the_openapi_document_keeps_the_shape_of_a_field_error() {
    let pack = common::pack();
    let (store, _) = common::seeded(&dir("openapi"), &pack).await;
    let api = Api { app: router(AppState::new(pack, store, false)) };
    let r = api.send("GET", "/api/openapi.json", None, None, &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    let s = &r.body["components"]["schemas"]["FieldError"];
    assert_eq!(s["required"], json!(["field", "message"]), "{s}");
    assert_eq!(s["properties"].as_object().expect("properties").keys().collect::<Vec<_>>(), vec!["field", "message"], "{s}");
}

/// A page through the router, as a browser with a session cookie sends it.
async fn page(app: &axum::Router, method: &str, path: &str, cookie: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let mut b = Request::builder().method(method).uri(path).header(header::HOST, "ledger.test").header(header::COOKIE, cookie);
    let body = if form.is_empty() {
        Body::empty()
    } else {
        b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        Body::from(form.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"))
    };
    let res = app.clone().oneshot(b.body(body).expect("request")).await.expect("infallible");
    let status = res.status();
    (status, String::from_utf8(res.into_body().collect().await.expect("body").to_bytes().to_vec()).expect("utf-8"))
}

fn csrf(html: &str) -> String {
    let at = html.find(r#"name="csrf" value=""#).expect("a csrf field") + r#"name="csrf" value=""#.len();
    html[at..at + html[at..].find('"').expect("end")].to_string()
}

#[tokio::test]
async fn the_desk_says_a_refusal_in_the_page_language() {
    let pack = common::pack();
    let (store, _) = common::seeded(&dir("desk"), &pack).await;
    let app = router(AppState::new(pack, store.clone(), false));
    let api = Api { app: app.clone() };
    let id = tax_award(&api, &api.login("tax", common::PASSWORD).await).await;
    let (token, _) = store.login("tax", common::PASSWORD, SessionKind::Cookie, 3_600_000).await.expect("login");
    let cookie = format!("qiangke_session={token}");
    let (_, q) = page(&app, "GET", "/desk", &cookie, &[]).await;
    let token = csrf(&q);
    let reject = [("csrf", token.as_str()), ("verdict", "reject"), ("reason", "")];
    let (status, zh) = page(&app, "POST", &format!("/desk/awards/{id}/verify"), &cookie, &reject).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(zh.contains(&format!(r#"<p class="error" id="reason-{id}-error">驳回必须填写申请人能看懂的理由</p>"#)), "{zh}");
    assert!(!zh.contains("a rejection needs a reason"), "{zh}");
    // The English page says it in English.
    let (_, en) = page(&app, "POST", &format!("/desk/awards/{id}/verify?lang=en"), &cookie, &reject).await;
    assert!(en.contains("a rejection needs a reason the applicant can read"), "{en}");
    assert!(!en.contains("驳回必须填写"), "{en}");
    // A refusal that is not about a field, said at the top: the award is not the 科技局's.
    let (sci, _) = store.login("sci", common::PASSWORD, SessionKind::Cookie, 3_600_000).await.expect("login");
    let sci = format!("qiangke_session={sci}");
    let (_, sq) = page(&app, "GET", "/desk", &sci, &[]).await;
    let scsrf = csrf(&sq);
    let (status, r) =
        page(&app, "POST", &format!("/desk/awards/{id}/verify"), &sci, &[("csrf", scsrf.as_str()), ("verdict", "approve")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(r.contains("规则 rd-spend-tiers 由 tax-bureau 核实,不由 science-bureau 核实"), "{r}");
}

#[tokio::test]
async fn the_audit_trail_names_each_action_and_gives_beijing_time() {
    let pack = common::pack();
    let (store, _) = common::seeded(&dir("audit"), &pack).await;
    let app = router(AppState::new(pack, store.clone(), false));
    let (token, _) = store.login("admin", common::PASSWORD, SessionKind::Cookie, 3_600_000).await.expect("login");
    let cookie = format!("qiangke_session={token}");
    let (status, before) = page(&app, "GET", "/audit", &cookie, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(before.contains("核验通过:"), "the chain is intact: {before}");
    // The entity's registration, moved to a known instant: 2026-11-26T13:03:34Z is 21:03 in
    // Beijing. (Changing the time breaks the chain, which the page then says.)
    sqlx::query("UPDATE audit SET at = 1795698214000 WHERE action = 'entity.register'").execute(store.pool()).await.expect("update");
    let (_, a) = page(&app, "GET", "/audit", &cookie, &[]).await;
    assert!(a.contains(r#"<td title="entity.register">登记企业或单位</td>"#), "{a}");
    assert!(a.contains(r#"<time datetime="2026-11-26T13:03:34.000Z" title="2026-11-26T13:03:34.000Z">2026-11-26 21:03</time>"#), "{a}");
    assert!(a.contains(r#"<td title="application.create">提交申报</td>"#), "{a}");
    assert!(!a.contains(">entity.register<") && !a.contains(">application.create<"), "no raw codes as text: {a}");
    assert!(a.contains("核验未通过:"), "{a}");
    // In English, the same entry by its English name.
    let (_, en) = page(&app, "GET", "/audit?lang=en", &cookie, &[]).await;
    assert!(en.contains(r#"<td title="entity.register">entity registered</td>"#), "{en}");
    assert!(en.contains(">2026-11-26 21:03</time>"), "{en}");
}
