//! Department data in, without a programmer, through the router: the register (an entity list
//! previewed, one bad row refused with its row and column, nothing kept until confirmed, then
//! every row), a department's records in its own layout (matched by credit code or name, a bad
//! cell refused, provenance kept, another department's column refused), the users page, role
//! scoping on every page and markup in names and file names shown as text.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use qiangke_server::{AppState, router};
use qiangke_store::Store;
use qiangke_store::auth::SessionKind;
use tower::ServiceExt;

mod common;

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

/// A multipart form with text fields and one file.
fn multipart(fields: &[(&str, &str)], file_name: &str, file: &[u8]) -> Option<(String, Vec<u8>)> {
    let boundary = "qiangke-test-boundary";
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    b.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    b.extend(file);
    b.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    Some((format!("multipart/form-data; boundary={boundary}"), b))
}

/// The value of a hidden field in a page.
fn hidden(html: &str, name: &str) -> String {
    let key = format!(r#"name="{name}" value=""#);
    let at = html.find(&key).unwrap_or_else(|| panic!("no {name} in {html}")) + key.len();
    let raw = &html[at..at + html[at..].find('"').expect("end")];
    raw.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

async fn cookie(store: &Store, user: &str) -> String {
    format!("qiangke_session={}", store.login(user, common::PASSWORD, SessionKind::Cookie, 3_600_000).await.expect("login").0)
}

async fn count(store: &Store, table: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(store.pool())
        .await
        .expect("count")
        .try_get(0)
        .expect("i64")
}

fn uscc(n: u32) -> String {
    qiangke_rules::uscc::make("91620600", &format!("{:08}", 50_000_000 + n)).expect("code")
}

#[tokio::test]
async fn entities_records_and_users_through_the_pages() {
    let pack = common::pack();
    let dir = std::env::temp_dir().join(format!("qiangke-data-{}", std::process::id()));
    let (store, _) = common::seeded(&dir, &pack).await;
    let app = router(AppState::new(pack.clone(), store.clone(), false));
    let admin = cookie(&store, "admin").await;

    // ----- an entity list: one bad row refuses the whole file ----------------------------------
    let page = send(&app, "GET", "/entities", &admin, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("甲公司") && page.html.contains(r#"href="/entities/template.csv""#));
    let csrf = hidden(&page.html, "csrf");
    let (yi, bing) = (uscc(1), uscc(2));
    let bad = format!(
        "统一社会信用代码,名称,类型,县区\n{yi},乙公司,企业,民勤县\n91620600123456789A,坏公司,企业,凉州区\n{bing},<b>丙公司</b>,enterprise,gulang\n"
    );
    let before = count(&store, "entities").await;
    let p = send(&app, "POST", "/entities/import", &admin, multipart(&[("csrf", &csrf)], "<img src=x>.csv", bad.as_bytes())).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    assert!(p.html.contains("第 3 行“统一社会信用代码”列"), "located: {}", p.html);
    assert!(!p.html.contains("confirm-import"), "no confirmation with a refused row");
    assert!(p.html.contains("&lt;img src=x&gt;.csv") && !p.html.contains("<img src=x>"), "the file name is text");
    assert_eq!(count(&store, "entities").await, before, "nothing stored by a preview");
    // The list fixed, as a workbook: a preview, still nothing stored, then every row.
    let fixed = {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (r, row) in [
            ["统一社会信用代码", "名称", "类型", "县区"],
            [yi.as_str(), "乙公司", "企业", "民勤县"],
            [bing.as_str(), "<b>丙公司</b>", "enterprise", "gulang"],
            [common::ENT1, "甲公司", "enterprise", "liangzhou"],
        ]
        .iter()
        .enumerate()
        {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).expect("cell");
            }
        }
        wb.save_to_buffer().expect("xlsx")
    };
    let p = send(&app, "POST", "/entities/import", &admin, multipart(&[("csrf", &csrf)], "名录.xlsx", &fixed)).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    assert!(p.html.contains("新登记") && p.html.contains("已登记,保持不变") && p.html.contains("确认后将登记 2 个新主体"));
    assert_eq!(count(&store, "entities").await, before);
    let csv = hidden(&p.html, "csv");
    let done = send(&app, "POST", "/entities/import/confirm", &admin, form(&[("csrf", &csrf), ("csv", &csv)])).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    assert_eq!(count(&store, "entities").await, before + 2);
    let list = send(&app, "GET", "/entities?q=%E4%B8%99", &admin, None).await;
    assert!(list.html.contains("&lt;b&gt;丙公司&lt;/b&gt;") && !list.html.contains("<b>丙公司</b>"), "{}", list.html);
    assert!(!list.html.contains(">甲公司<"), "the search shows 丙 only");

    // ----- a department's records: matched, a bad cell refused, provenance kept ----------------
    let tax = cookie(&store, "tax").await;
    let page = send(&app, "GET", "/records", &tax, None).await;
    assert!(page.html.contains("年度研发经费内部支出"), "the tax bureau's columns: {}", page.html);
    let t_csrf = hidden(&page.html, "csrf");
    // (the template quotes the name with a comma in it, as Excel does)
    let head =
        "统一社会信用代码,主体名称,年度,年度研发经费内部支出,\"研发费用加计扣除额(加计额;就当年度研发费用申报享受的扣除额,未申报为0)\"";
    let template = send(&app, "GET", "/records/template.csv", &tax, None).await;
    assert_eq!(
        template.html,
        "\u{feff}统一社会信用代码,主体名称,年度,年度研发经费内部支出,首次享受研发费用加计扣除税收优惠政策,\"研发费用加计扣除额(加计额;就当年度研发费用申报享受的扣除额,未申报为0)\"\n",
        "the tax bureau's own columns, quoted where a name holds a comma"
    );
    let facts_before = count(&store, "facts").await;
    let bad = format!("{head}\n{yi},,2023,一千万,300000\n,<b>丙公司</b>,2023,6000000,300000\n,丁公司,2023,1,1\n");
    let p = send(
        &app,
        "POST",
        "/records/upload",
        &tax,
        multipart(&[("csrf", &t_csrf), ("source", "2023年度加计扣除汇总")], "汇总.csv", bad.as_bytes()),
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.html.contains("第 2 行“年度研发经费内部支出”列"), "{}", p.html);
    assert!(p.html.contains("第 4 行:没有找到“丁公司”对应的已登记主体"), "{}", p.html);
    assert!(p.html.contains(r#"&lt;b&gt;丙公司&lt;/b&gt;</a>"#), "row 3 matched by its exact name: {}", p.html);
    assert_eq!(count(&store, "facts").await, facts_before);
    let good = format!("{head}\n{yi},,2023,1500万元,300000\n,<b>丙公司</b>,2023,6000000,300000\n");
    let p = send(
        &app,
        "POST",
        "/records/upload",
        &tax,
        multipart(&[("csrf", &t_csrf), ("source", "2023年度加计扣除汇总")], "汇总.csv", good.as_bytes()),
    )
    .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    assert_eq!(count(&store, "facts").await, facts_before, "a preview stores nothing");
    let done = send(
        &app,
        "POST",
        "/records/confirm",
        &tax,
        form(&[
            ("csrf", &t_csrf),
            ("csv", &hidden(&p.html, "csv")),
            ("source", &hidden(&p.html, "source")),
            ("file", &hidden(&p.html, "file")),
        ]),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.html);
    assert!(done.html.contains("已保存 2 行,共 4 项事实,涉及 2 个主体"), "{}", done.html);
    assert_eq!(count(&store, "facts").await, facts_before + 4);
    let (_, admin_p) = store.login("admin", common::PASSWORD, SessionKind::Bearer, 60_000).await.expect("login");
    let yi_id = store.entity_index(&admin_p).await.expect("index").iter().find(|e| e.1 == yi).expect("乙").0;
    let facts = store.facts(&admin_p, yi_id, None, 10).await.expect("facts");
    assert!(facts.iter().all(|f| f["source"] == "tax-bureau: 2023年度加计扣除汇总 (汇总.csv)" && f["entered_by"] == "tax"), "{facts:?}");
    assert!(facts.iter().any(|f| f["name"] == "rd_expenditure" && f["value"] == "1500万元"));
    // A column the tax bureau does not supply (the industry bureau's above-scale status): refused
    // at the header, before any row is read.
    let other = format!("统一社会信用代码,年度,规模以上工业企业(当年度)\n{yi},2023,是\n");
    let p = send(&app, "POST", "/records/upload", &tax, multipart(&[("csrf", &t_csrf), ("source", "x")], "x.csv", other.as_bytes())).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.html.contains("第 3 列“规模以上工业企业(当年度)”") && p.html.contains("不属于"), "{}", p.html);
    // Without the form's token: refused.
    let p = send(&app, "POST", "/records/upload", &tax, multipart(&[("source", "x")], "x.csv", good.as_bytes())).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);

    // ----- monitoring: an observation by form, a county's own county only, a file all-or-none ----
    let before = store.observations(&pack).await.expect("observations").len();
    let page = send(&app, "GET", "/progress", &admin, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let r = send(
        &app,
        "POST",
        "/progress/observation",
        &admin,
        form(&[
            ("csrf", &csrf),
            ("indicator", "1"),
            ("scope", "city"),
            ("year", "2023"),
            ("value", "60"),
            ("unit", "%"),
            ("source", "2023年统计公报"),
        ]),
    )
    .await;
    assert_eq!((r.status, r.location.as_deref()), (StatusCode::SEE_OTHER, Some("/progress?done=1")), "{}", r.html);
    assert_eq!(store.observations(&pack).await.expect("observations").len(), before + 1);
    let nu = qiangke_store::auth::NewUser {
        username: "lz".into(),
        password: common::PASSWORD.into(),
        role: "county".into(),
        county: Some("liangzhou".into()),
        ..Default::default()
    };
    store.create_user(&pack, Some(&admin_p), nu).await.expect("county user");
    let lz = cookie(&store, "lz").await;
    let page = send(&app, "GET", "/progress", &lz, None).await;
    assert!(
        page.html.contains(r#"<option value="liangzhou">凉州区</option>"#)
            && !page.html.contains(r#"value="city""#)
            && !page.html.contains(r#"value="minqin""#)
    );
    let l_csrf = hidden(&page.html, "csrf");
    let r = send(
        &app,
        "POST",
        "/progress/observation",
        &lz,
        form(&[
            ("csrf", &l_csrf),
            ("indicator", "1"),
            ("scope", "minqin"),
            ("year", "2023"),
            ("value", "61"),
            ("unit", "%"),
            ("source", "x"),
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "another county: {}", r.html);
    let file =
        "indicator,scope,year,value,unit,source,entered_by\n1,liangzhou,2023,59,%,县统计局,王五\n1,liangzhou,二〇二三,59,%,县统计局,王五\n";
    let r =
        send(&app, "POST", "/progress/upload", &lz, multipart(&[("csrf", &l_csrf), ("kind", "observations")], "监测.csv", file.as_bytes()))
            .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    assert!(r.html.contains("第 3 行“year”列"), "the bad row is located: {}", r.html);
    assert_eq!(store.observations(&pack).await.expect("observations").len(), before + 1, "every row or none");

    // ----- users: the admin creates an enterprise user by its entity's credit code -------------
    let page = send(&app, "GET", "/users", &admin, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let done = send(
        &app,
        "POST",
        "/users",
        &admin,
        form(&[("csrf", &csrf), ("username", "yi-user"), ("password", "a-long-password"), ("role", "entity"), ("entity_uscc", &yi)]),
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let short =
        send(&app, "POST", "/users", &admin, form(&[("csrf", &csrf), ("username", "x"), ("password", "short"), ("role", "finance")])).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.html.contains(r#"value="x""#), "what was typed is kept");
    let yi_c =
        format!("qiangke_session={}", store.login("yi-user", "a-long-password", SessionKind::Cookie, 3_600_000).await.expect("login").0);
    // Its own page, nobody else's; no department, register or user pages.
    assert_eq!(send(&app, "GET", "/", &yi_c, None).await.location.as_deref(), Some("/me"));
    assert_eq!(send(&app, "GET", &format!("/entities/{yi_id}"), &yi_c, None).await.status, StatusCode::OK);
    assert_eq!(send(&app, "GET", "/entities/1", &yi_c, None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(send(&app, "GET", "/records", &yi_c, None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(send(&app, "GET", "/users", &yi_c, None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(send(&app, "GET", "/progress", &yi_c, None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(send(&app, "GET", "/users", &tax, None).await.status, StatusCode::FORBIDDEN);
    let own = send(&app, "GET", "/entities", &yi_c, None).await;
    assert!(own.html.contains("乙公司") && !own.html.contains("甲公司") && !own.html.contains("register"), "{}", own.html);
    // The enterprise supplies a fact the round asked for, on its page.
    let ep = send(&app, "GET", &format!("/entities/{yi_id}"), &yi_c, None).await;
    let e_csrf = hidden(&ep.html, "csrf");
    let r = send(
        &app,
        "POST",
        &format!("/entities/{yi_id}/facts"),
        &yi_c,
        form(&[("csrf", &e_csrf), ("fact", "rd_expenditure"), ("year", "2024"), ("value", "1200万元"), ("source", "2024年报")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    assert_eq!(r.location, Some(format!("/entities/{yi_id}?recorded=1#facts")));
    let facts = store.facts(&admin_p, yi_id, None, 10).await.expect("facts");
    assert!(
        facts
            .iter()
            .any(|f| f["name"] == "rd_expenditure" && f["year"] == 2024 && f["entered_by"] == "yi-user" && f["value"] == "1200万元"),
        "{facts:?}"
    );
    // A value that is not money: refused with the reason, nothing stored.
    let n = count(&store, "facts").await;
    let r = send(
        &app,
        "POST",
        &format!("/entities/{yi_id}/facts"),
        &yi_c,
        form(&[("csrf", &e_csrf), ("fact", "rd_expenditure"), ("year", "2024"), ("value", "很多"), ("source", "2024年报")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    assert_eq!(count(&store, "facts").await, n);
    // Disabling a user ends its sessions.
    let users = store.users(&admin_p).await.expect("users");
    let yi_user_id = users.iter().find(|u| u["username"] == "yi-user").expect("user")["id"].as_i64().expect("id");
    let r = send(&app, "POST", &format!("/users/{yi_user_id}/state"), &admin, form(&[("csrf", &csrf), ("disabled", "true")])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(send(&app, "GET", &format!("/entities/{yi_id}"), &yi_c, None).await.status, StatusCode::SEE_OTHER, "signed out");
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
