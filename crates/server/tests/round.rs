//! The 免申即享 round, on SQLite and PostgreSQL: a proposal for every awarded result of every
//! registered entity and for nothing else (compared with `qiangke batch` over the same facts,
//! award by award), no duplicate on a re-run, changed results flagged and never altered, the
//! entity's confirmation before any verification, what each entity still has to provide, role
//! scoping, and the pages (the round, the entity's own page) through the router.
//!
//! Hand-computed figures (the plan's sentences, 四(二)7 and 四(二)8):
//! - "对新认定的高新技术企业给予20万元一次性补助" → 20万元 for a high-tech recognition of 2023;
//! - "1000万元以上2000万元以下的,给予20万元一次性补助" → 20万元 for 15,000,000元 of R&D spending;
//!   "500万元以上1000万元以下的,给予10万元" → 10万元 at exactly 5,000,000元 (以上 includes the
//!   number) and nothing at 4,999,999.99元; 25,000,000元 reaches "2000万元以上1亿元以下" (50万元);
//! - "首次享受研发费用加计扣除税收优惠政策且加计额超过50万元的规上工业企业,给予5万元" → nothing at
//!   exactly 500,000元 (超过 excludes it), 5万元 at 500,000.01元;
//! - both are claimed for the spending year 2023 and budgeted in 2024 ("列入次年市级财政预算"; note
//!   rd-spending-year); 四(二)8 needs an above-scale enterprise with a super-deduction claim.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use qiangke_rules::{Pack, load_pack};
use qiangke_server::{AppState, router};
use qiangke_store::auth::{NewUser, SessionKind};
use qiangke_store::ledger::{FactInput, FactsInput, NewEntity};
use qiangke_store::{Principal, Store};
use serde_json::{Value as J, json};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;

const PASSWORD: &str = "a-long-password";

/// One enterprise's facts for 2023: (name, above-scale, R&D spending, super deduction, first
/// time, high-tech recognition date). `None` leaves the fact out.
type Spec = (&'static str, bool, Option<&'static str>, &'static str, bool, Option<&'static str>);

/// The hand-checked enterprises (see the module's figures).
const HAND: &[Spec] = &[
    // 20万元 (R&D tier) + 20万元 (high-tech): the issue's 甲公司.
    ("甲公司", true, Some("15000000"), "300000", false, Some("2023-11-20")),
    // Exactly 5,000,000元: 10万元; first deduction of exactly 500,000元: nothing (超过).
    ("乙公司", true, Some("5000000"), "500000", true, None),
    // 4,999,999.99元: below every tier; a first deduction of 500,000.01元: 5万元.
    ("丙公司", true, Some("4999999.99"), "500000.01", true, None),
    // Not above scale: no R&D award whatever the spending.
    ("丁公司", false, Some("100000000"), "900000", true, None),
    // Above scale, a deduction, but no R&D figure: needs information.
    ("戊公司", true, None, "300000", false, None),
    // Markup in a name is shown as text.
    ("<script>alert(1)</script>己公司", true, Some("25000000"), "300000", false, None),
];

fn uscc(i: usize) -> String {
    qiangke_rules::uscc::make("91620600", &format!("{:08}", 30_000_000 + i)).expect("a code")
}

/// The generated enterprises: R&D figures on and either side of every tier boundary, deductions
/// on and beside 50万元, recognitions (new and renewals) now and then.
/// An enterprise to register: (name, above-scale, R&D, deduction, first time, (recognition date, renewal)).
type Enterprise = (String, bool, Option<String>, String, bool, Option<(String, bool)>);

fn generated(n: usize) -> Vec<Enterprise> {
    const RD: &[&str] = &[
        "4999999.99",
        "5000000",
        "5000000.01",
        "9999999.99",
        "10000000",
        "10000000.01",
        "19999999.99",
        "20000000",
        "99999999.99",
        "100000000",
        "100000000.01",
        "0",
    ];
    const DED: &[&str] = &["0", "499999.99", "500000", "500000.01", "800000"];
    (0..n)
        .map(|i| {
            let rd = (i % 11 != 10).then(|| RD[i % RD.len()].to_string());
            let rec = (i % 3 == 0).then(|| (format!("2023-{:02}-15", 1 + i % 12), i % 9 == 6));
            (format!("企业{i:03}"), i % 4 != 3, rd, DED[i % DED.len()].to_string(), i % 2 == 0, rec)
        })
        .collect()
}

struct Setup {
    store: Store,
    admin: Principal,
    /// (entity id, credit code, facts document) per entity, in registration order.
    entities: Vec<(i64, String, J)>,
}

async fn setup(pack: &Pack, url: &str) -> Setup {
    let store = Store::open(url).await.expect("open");
    let mk = |u: &str, role: &str| NewUser { username: u.into(), password: PASSWORD.into(), role: role.into(), ..NewUser::default() };
    store.create_user(pack, None, mk("admin", "admin")).await.expect("admin");
    let (_, admin) = store.login("admin", PASSWORD, SessionKind::Bearer, 3_600_000).await.expect("login");
    let mut specs: Vec<Enterprise> = HAND
        .iter()
        .map(|(n, a, rd, d, f, r)| (n.to_string(), *a, rd.map(str::to_string), d.to_string(), *f, r.map(|r| (r.to_string(), false))))
        .collect();
    specs.extend(generated(60));
    let counties = ["liangzhou", "minqin", "gulang", "tianzhu"];
    let mut entities = Vec::new();
    for (i, (name, above, rd, ded, first, rec)) in specs.into_iter().enumerate() {
        let code = uscc(i);
        let county = counties[i % 4];
        let e = store
            .register_entity(
                pack,
                &admin,
                NewEntity { uscc: code.clone(), name: name.clone(), kind: "enterprise".into(), county: county.into() },
            )
            .await
            .expect("entity");
        let id = e["id"].as_i64().expect("id");
        let mut facts = vec![
            FactInput { year: Some(2023), name: "above_scale".into(), value: json!(above) },
            FactInput { year: Some(2023), name: "super_deduction_amount".into(), value: json!(ded) },
            FactInput { year: Some(2023), name: "super_deduction_first_time".into(), value: json!(first) },
        ];
        let mut year = json!({"above_scale": above, "super_deduction_amount": ded, "super_deduction_first_time": first});
        if let Some(rd) = &rd {
            facts.push(FactInput { year: Some(2023), name: "rd_expenditure".into(), value: json!(rd) });
            year["rd_expenditure"] = json!(rd);
        }
        let events: Vec<J> = rec
            .iter()
            .map(|(date, renewal)| json!({"type": "recognition", "date": date, "kind": "high_tech", "renewal": renewal}))
            .collect();
        store.record_facts(pack, &admin, id, FactsInput { source: "测试".into(), facts, events: events.clone() }).await.expect("facts");
        let doc = json!({
            "entity": {"id": code, "name": name, "kind": "enterprise", "uscc": code, "county": county},
            "years": {"2023": year},
            "events": events,
        });
        entities.push((id, code, doc));
    }
    Setup { store, admin, entities }
}

/// `(credit code, rule, low, high, budget year)` of every award `qiangke batch` finds for 2023.
fn batch_awards(pack: &Pack, docs: &[J], dir: &Path) -> BTreeSet<(String, String, String, String, i64)> {
    let input: String = docs.iter().map(|d| d.to_string() + "\n").collect();
    let out = dir.join("awards.csv");
    let opts = qiangke_batch::BatchOptions { years: vec![2023], strict: true, jobs: 1, ..Default::default() };
    let outputs = qiangke_batch::Outputs { awards: Some(out.clone()), ..Default::default() };
    qiangke_batch::run(pack, input.as_bytes(), qiangke_batch::Format::Jsonl, &opts, &outputs).expect("batch");
    let text = std::fs::read_to_string(&out).expect("awards.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap_or_else(|| panic!("column {n}"));
    let (e, rule, kind, low, high, by) = (col("entity"), col("rule"), col("kind"), col("low"), col("high"), col("budget_year"));
    lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|c| c[kind] == "award")
        .map(|c| (c[e].to_string(), c[rule].to_string(), money(c[low]), money(c[high]), c[by].parse().expect("year")))
        .collect()
}

/// Money text to fen-exact yuan with two decimals ("" stays "": no upper end).
fn money(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    let d: rust_decimal::Decimal = s.parse().unwrap_or_else(|_| panic!("money {s}"));
    format!("{:.2}", d)
}

fn award_key(a: &J) -> (String, String, String, String, i64) {
    (
        a["entity"]["uscc"].as_str().expect("uscc").to_string(),
        a["rule"].as_str().expect("rule").to_string(),
        money(a["amount"]["low"].as_str().expect("low")),
        money(a["amount"]["high"].as_str().unwrap_or("")),
        a["budget_year"].as_i64().expect("budget year"),
    )
}

async fn user(store: &Store, pack: &Pack, admin: &Principal, u: NewUser) -> Principal {
    let name = u.username.clone();
    store.create_user(pack, Some(admin), NewUser { password: PASSWORD.into(), ..u }).await.expect("user");
    store.login(&name, PASSWORD, SessionKind::Bearer, 3_600_000).await.expect("login").1
}

async fn suite(url: &str, dir: &Path) {
    let pack = Arc::new(load_pack(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022")).expect("pack"));
    let Setup { store, admin, entities } = setup(&pack, url).await;
    let reviewer = |name: &str, dept: &str| NewUser {
        username: name.into(),
        role: "reviewer".into(),
        department: Some(dept.into()),
        ..NewUser::default()
    };
    let sci = user(&store, &pack, &admin, reviewer("sci", "science-bureau")).await;
    let ind = user(&store, &pack, &admin, reviewer("ind", "industry-bureau")).await;
    let tax = user(&store, &pack, &admin, reviewer("tax", "tax-bureau")).await;
    let (jia, yi, _, ding, wu, evil) = (entities[0].0, entities[1].0, entities[2].0, entities[3].0, entities[4].0, entities[5].0);
    let ent = |name: &str, id: i64| NewUser { username: name.into(), role: "entity".into(), entity_id: Some(id), ..NewUser::default() };
    let jia_user = user(&store, &pack, &admin, ent("jia", jia)).await;
    let yi_user = user(&store, &pack, &admin, ent("yi", yi)).await;
    let county = user(
        &store,
        &pack,
        &admin,
        NewUser { username: "lz".into(), role: "county".into(), county: Some("liangzhou".into()), ..NewUser::default() },
    )
    .await;

    // Who may open a round: the admin and the departments, not an enterprise or a county.
    for p in [&jia_user, &county] {
        assert!(matches!(store.open_round(&pack, p, 2023, &[]).await, Err(qiangke_store::Error::Forbidden(_))));
    }
    // A rule that is not an award, or unknown: refused at the field, nothing opened.
    let bad = store.open_round(&pack, &sci, 2023, &["no-such-rule".into()]).await;
    assert!(matches!(&bad, Err(qiangke_store::Error::Invalid(e)) if e[0].field == "rules"), "{bad:?}");
    assert!(store.rounds(&sci).await.expect("rounds").is_empty());

    // ----- the round finds what the batch finds, award by award ------------------------------
    let r1 = store.open_round(&pack, &sci, 2023, &[]).await.expect("round");
    let docs: Vec<J> = entities.iter().map(|e| e.2.clone()).collect();
    let expected = batch_awards(&pack, &docs, dir);
    let all = store.awards(&admin, None).await.expect("awards");
    let proposed: BTreeSet<_> = all.iter().filter(|a| a["round_id"] == r1["id"]).map(award_key).collect();
    assert!(expected.len() > 20, "the population reaches many awards: {}", expected.len());
    assert_eq!(proposed, expected, "a proposal for every awarded result and nothing else");
    assert_eq!(r1["proposed"].as_i64(), Some(expected.len() as i64));
    assert_eq!(r1["entities"].as_i64(), Some(entities.len() as i64));
    assert!(all.iter().all(|a| a["confirmation"] == "awaiting" && a["status"] == "pending"));
    // Each proposal keeps the explanation that the evaluation of every rule on its entity's facts
    // gives (the round traces only the rules of its new awards), in both languages.
    for a in all.iter().filter(|a| a["round_id"] == r1["id"]) {
        let whole = store.award(&admin, a["id"].as_i64().expect("id")).await.expect("award");
        let doc = store.facts_in_force(&pack, &admin, a["entity"]["id"].as_i64().expect("entity")).await.expect("facts");
        let facts = qiangke_store::ledger::ledger_facts(&pack, &doc.to_string()).expect("facts load");
        let ev = qiangke_rules::evaluate(&pack, &facts, &qiangke_rules::Options { years: vec![2023], trace: true, ..Default::default() });
        let r = ev
            .results
            .iter()
            .find(|r| {
                r.rule.id == a["rule"].as_str().unwrap_or("")
                    && matches!(r.state, qiangke_rules::State::Awarded { .. })
                    && r.once_key.as_deref().is_none_or(|k| k == a["once_key"].as_str().unwrap_or(""))
            })
            .expect("the award in the full evaluation");
        for (key, lang) in [("zh", qiangke_rules::Lang::Zh), ("en", qiangke_rules::Lang::En)] {
            assert_eq!(whole["result"]["explanation"][key].as_str(), Some(qiangke_rules::explain::result_to_text(&pack, r, lang).as_str()));
            // No line and column of the document the ledger made: people read the plan's sentences.
            assert!(
                !whole["result"]["explanation"][key].as_str().unwrap_or("").contains("ledger.json"),
                "{}",
                whole["result"]["explanation"][key]
            );
        }
    }

    // The hand-computed ones.
    let of = |id: i64| -> BTreeSet<(String, String, String)> {
        all.iter()
            .filter(|a| a["entity"]["id"] == id)
            .map(|a| {
                (
                    a["rule"].as_str().unwrap_or("").to_string(),
                    money(a["amount"]["low"].as_str().unwrap_or("")),
                    a["budget_year"].to_string(),
                )
            })
            .collect()
    };
    let set = |xs: &[(&str, &str)]| xs.iter().map(|(r, a)| (r.to_string(), a.to_string(), "2024".to_string())).collect::<BTreeSet<_>>();
    assert_eq!(of(jia), set(&[("rd-spend-tiers", "200000.00"), ("high-tech-new", "200000.00")]));
    assert_eq!(of(yi), set(&[("rd-spend-tiers", "100000.00")]));
    assert_eq!(of(entities[2].0), set(&[("first-super-deduction", "50000.00")]));
    assert_eq!(of(ding), set(&[]));
    assert_eq!(of(wu), set(&[]));
    assert_eq!(of(evil), set(&[("rd-spend-tiers", "500000.00")]));
    // 戊公司 needs its R&D figure to be assessed for the tiers.
    let needs = store.needs_information(&admin, wu).await.expect("needs");
    assert!(
        needs
            .iter()
            .any(|n| n["rule"] == "rd-spend-tiers" && n["claim_year"] == 2023 && n["facts"][0]["fact"] == "years.2023.rd_expenditure"),
        "{needs:?}"
    );
    assert!(store.needs_information(&admin, jia).await.expect("needs").iter().all(|n| n["rule"] != "rd-spend-tiers"));
    // An enterprise reads only its own.
    assert!(matches!(store.needs_information(&jia_user, wu).await, Err(qiangke_store::Error::Forbidden(_))));

    // ----- proposals wait for the enterprise --------------------------------------------------
    let jia_awards = store.entity_awards(&jia_user, jia).await.expect("own awards");
    assert_eq!(jia_awards.len(), 2);
    assert!(jia_awards.iter().all(|a| a["result"]["quote"].as_str().is_some_and(|q| q.contains("20万元"))));
    let rd_award = jia_awards.iter().find(|a| a["rule"] == "rd-spend-tiers").expect("rd")["id"].as_i64().expect("id");
    let ht_award = jia_awards.iter().find(|a| a["rule"] == "high-tech-new").expect("ht")["id"].as_i64().expect("id");
    // What awards of a rule share (its quotes, the interpretations that end the explanation) is
    // kept once, and read back whole: the explanation ends with them, as it was written.
    let rd = jia_awards.iter().find(|a| a["rule"] == "rd-spend-tiers").expect("rd");
    let zh = rd["result"]["explanation"]["zh"].as_str().expect("zh");
    assert!(zh.starts_with("[四(二)8] 规上工业企业研发投入分档补助 (rd-spend-tiers)\n  可获补助: 200,000.00元 (20万元)\n"), "{zh}");
    assert!(zh.contains("属于「1000万元以上、2000万元以下」档 → 20万元"), "{zh}");
    assert!(zh.ends_with("\n  解释说明 [四(二)8] above-scale-status-year — 以支出年度的身份为准:year.above_scale 是该年度是否属于规模以上工业企业。事实文件仍可在 entity 中写 above_scale,表示各年度相同;某年度另有填写的,以该年度为准。\n"), "{zh}");
    assert!(rd["result"]["explanation"]["en"].as_str().expect("en").contains("above-scale-status-year"));
    assert!(rd["result"]["notes_text"].as_array().expect("notes").iter().any(|n| n["id"] == "rd-award-yearly"));
    assert!(rd["result"].get("shared").is_none() && rd["result"].get("explanation_notes").is_none());
    // Not on any desk, and not verifiable, before the enterprise confirms.
    assert!(store.open_awards(&tax).await.expect("desk").iter().all(|a| a["id"] != rd_award));
    assert!(matches!(store.verify(&pack, &tax, rd_award, true, "").await, Err(qiangke_store::Error::Conflict(_))));
    // Only the enterprise itself answers.
    for p in [&yi_user, &admin, &sci] {
        assert!(matches!(store.confirm_award(p, rd_award, true).await, Err(qiangke_store::Error::Forbidden(_))));
    }
    assert!(matches!(store.entity_awards(&yi_user, jia).await, Err(qiangke_store::Error::Forbidden(_))));
    let a = store.confirm_award(&jia_user, rd_award, true).await.expect("confirm");
    assert_eq!(a["confirmation"], "confirmed");
    assert!(matches!(store.confirm_award(&jia_user, rd_award, false).await, Err(qiangke_store::Error::Conflict(_))), "answered once");
    let a = store.confirm_award(&jia_user, ht_award, true).await.expect("confirm");
    assert_eq!(a["status"], "pending");
    // Now on the desks, verified by each department.
    assert!(store.open_awards(&tax).await.expect("desk").iter().any(|a| a["id"] == rd_award));
    assert_eq!(store.verify(&pack, &tax, rd_award, true, "").await.expect("verify")["status"], "approved");
    store.verify(&pack, &sci, ht_award, true, "").await.expect("sci");
    assert_eq!(store.verify(&pack, &ind, ht_award, true, "").await.expect("ind")["status"], "approved");
    // 乙公司 declines: closed, recorded, not proposed again.
    let yi_award = store.entity_awards(&yi_user, yi).await.expect("own")[0]["id"].as_i64().expect("id");
    let d = store.confirm_award(&yi_user, yi_award, false).await.expect("decline");
    assert_eq!((d["confirmation"].as_str(), d["status"].as_str()), (Some("declined"), Some("rejected")));

    // ----- a re-run adds nothing; changed facts flag, never alter -----------------------------
    let r2 = store.open_round(&pack, &sci, 2023, &[]).await.expect("again");
    assert_eq!((r2["proposed"].as_i64(), r2["flagged"].as_i64()), (Some(0), Some(0)));
    assert_eq!(r2["unchanged"].as_i64(), Some(expected.len() as i64));
    assert_eq!(store.awards(&admin, None).await.expect("awards").len(), expected.len(), "no duplicate");
    // 甲公司's R&D figure corrected to 25,000,000元 (50万元) and 乙公司's to 15,000,000元.
    for (id, rd) in [(jia, "25000000"), (yi, "15000000")] {
        let facts = vec![FactInput { year: Some(2023), name: "rd_expenditure".into(), value: json!(rd) }];
        store.record_facts(&pack, &admin, id, FactsInput { source: "更正".into(), facts, events: vec![] }).await.expect("correction");
    }
    let r3 = store.open_round(&pack, &sci, 2023, &[]).await.expect("third");
    assert_eq!((r3["proposed"].as_i64(), r3["flagged"].as_i64()), (Some(0), Some(1)), "{r3}");
    let rd = store.award(&admin, rd_award).await.expect("award");
    assert_eq!(rd["amount"]["low"], "200000.00", "the award itself is unchanged");
    assert_eq!(rd["review_flag"]["amount"]["low"], "500000.00");
    assert_eq!(rd["review_flag"]["round"], r3["id"]);
    assert_eq!(store.award(&admin, yi_award).await.expect("declined")["confirmation"], "declined", "a declined award stays declined");
    // The same flag is not raised twice.
    let r4 = store.open_round(&pack, &sci, 2023, &["rd-spend-tiers".into()]).await.expect("fourth");
    assert_eq!((r4["proposed"].as_i64(), r4["flagged"].as_i64()), (Some(0), Some(1)));
    assert_eq!(r4["rules"], json!(["rd-spend-tiers"]));

    // ----- every change is audited, and the chain holds ----------------------------------------
    let log = store.audit_entries(&admin, 0, 100_000).await.expect("audit");
    let count = |action: &str| log.iter().filter(|e| e["action"] == action).count();
    assert_eq!(count("round.open"), 4);
    assert_eq!(count("award.propose"), expected.len());
    assert_eq!((count("award.confirm"), count("award.decline"), count("award.flag")), (2, 1, 1));
    let v = store.verify_audit(&[]).await.expect("verify");
    assert!(v.problems.is_empty(), "{v:?}");

    // ----- the pages ----------------------------------------------------------------------------
    let app = router(AppState::new(pack.clone(), store.clone(), false));
    let get = |path: String, token: String| {
        let app = app.clone();
        async move {
            let req = Request::builder()
                .uri(path)
                .header(header::HOST, "ledger.test")
                .header(header::COOKIE, format!("qiangke_session={token}"))
                .body(Body::empty())
                .expect("request");
            let res = app.oneshot(req).await.expect("infallible");
            let status = res.status();
            let location = res.headers().get(header::LOCATION).map(|l| l.to_str().unwrap_or("").to_string());
            (status, location, String::from_utf8(res.into_body().collect().await.expect("body").to_bytes().to_vec()).expect("utf-8"))
        }
    };
    let cookie = |name: &'static str| {
        let store = store.clone();
        async move { store.login(name, PASSWORD, SessionKind::Cookie, 3_600_000).await.expect("login").0 }
    };
    let (jia_c, yi_c, sci_c, lz_c, admin_c) =
        (cookie("jia").await, cookie("yi").await, cookie("sci").await, cookie("lz").await, cookie("admin").await);
    // Each role lands on its own page.
    for (c, to) in [(&jia_c, "/me"), (&sci_c, "/desk"), (&admin_c, "/rounds"), (&lz_c, "/dashboard")] {
        assert_eq!(get("/".into(), c.clone()).await.1.as_deref(), Some(to));
    }
    assert_eq!(get("/me".into(), jia_c.clone()).await.1, Some(format!("/entities/{jia}")));
    let (st, _, html) = get(format!("/entities/{jia}"), jia_c.clone()).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("甲公司") && html.contains("对新认定的高新技术企业给予20万元一次性补助") && html.contains("已核实"), "{html}");
    assert!(html.contains(r#"<td class="num" id="grand-total">40万元</td>"#), "20万元 + 20万元: {html}");
    assert!(html.contains("此后的批次按新的事实得出不同结果"), "the flag is shown");
    // … and the tax bureau's desk says what the later round found.
    let tax_c = cookie("tax").await;
    let (_, _, desk) = get("/desk".into(), tax_c).await;
    assert!(desk.contains("请复核:此后的免申即享批次按新的事实算得 50万元"), "{desk}");
    // Another enterprise's page, a county's view of another county: refused.
    assert_eq!(get(format!("/entities/{jia}"), yi_c.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(get(format!("/entities/{}", entities[1].0), lz_c.clone()).await.0, StatusCode::FORBIDDEN, "乙公司 is in 民勤县");
    assert_eq!(get(format!("/entities/{jia}"), lz_c.clone()).await.0, StatusCode::OK, "甲公司 is in 凉州区");
    // The name with markup is text on its page and on nobody's page is it markup.
    let (_, _, page) = get(format!("/entities/{evil}"), admin_c.clone()).await;
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;己公司") && !page.contains("<script>"), "{page}");
    // The rounds page lists the four rounds with their counts; not for an enterprise.
    let (st, _, html) = get("/rounds".into(), sci_c.clone()).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(html.matches("<tr><td>").count(), 4, "{html}");
    assert_eq!(get("/rounds".into(), jia_c.clone()).await.0, StatusCode::FORBIDDEN);
    // The administrator's overview: the register, and what waits for whom.
    let (_, _, html) = get("/rounds".into(), admin_c.clone()).await;
    let awaiting = store.awards(&admin, Some("pending")).await.expect("pending").iter().filter(|a| a["confirmation"] == "awaiting").count();
    assert!(
        html.contains(&format!("已登记主体 {} 个", entities.len())) && html.contains(&format!("待企业确认的拟兑现 {awaiting} 项")),
        "{html}"
    );

    // ----- decision letters ------------------------------------------------------------------------
    // 甲公司's new high-tech award decided at 20万元; 丙公司's first super deduction refused by the
    // tax bureau with a reason (after 丙公司's own user confirmed it).
    let bing = entities[2].0;
    let bing_user = user(&store, &pack, &admin, ent("bing", bing)).await;
    let bing_award = store.entity_awards(&bing_user, bing).await.expect("own")[0]["id"].as_i64().expect("id");
    store.confirm_award(&bing_user, bing_award, true).await.expect("confirm");
    store.verify(&pack, &tax, bing_award, false, "<b>加计扣除</b>未经申报").await.expect("refuse");
    let (st, _, html) = get(format!("/awards/{ht_award}/letter"), jia_c.clone()).await;
    assert_eq!(st, StatusCode::CONFLICT, "approved, not yet decided: no letter");
    assert!(html.contains("尚未作出决定"), "{html}");
    store.decide(&pack, &sci, ht_award, 20_000_000, "").await.expect("decide");
    let (st, _, html) = get(format!("/awards/{ht_award}/letter"), jia_c.clone()).await;
    assert_eq!(st, StatusCode::OK, "{html}");
    let uscc = store.award(&admin, ht_award).await.expect("award")["entity"]["uscc"].as_str().expect("uscc").to_string();
    for want in [
        "<h2>奖补兑现通知书</h2>".to_string(),
        r#"<p class="issuer">市科技局</p>"#.into(),
        format!(r#"<span id="letter-ref">QK-2024-{ht_award:06}</span>"#),
        r#"<span id="letter-recipient" translate="no">甲公司</span>"#.into(),
        format!(r#"<td id="letter-uscc" translate="no">{uscc}</td>"#),
        "[四(二)7] 新认定高新技术企业一次性补助".into(),
        "「对新认定的高新技术企业给予20万元一次性补助。」".into(),
        r#"<td id="letter-amount">200,000.00元</td>"#.into(),
        r#"<td id="letter-capitals" lang="zh-Hans">人民币贰拾万元整</td>"#.into(),
        "<td>市科技局、市工信局</td>".into(),
        "<td>市财政局</td>".into(),
        "资金列入 2024 年度预算".into(),
    ] {
        assert!(html.contains(&want), "{want} in {html}");
    }
    let today = qiangke_store::cst_minutes(qiangke_store::now_ms());
    let (y, m, d) = (&today[..4], today[5..7].trim_start_matches('0'), today[8..10].trim_start_matches('0'));
    assert!(html.contains(&format!(r#"<td id="letter-date">{y}年{m}月{d}日</td>"#)), "{html}");
    // The entity's page links to it; another enterprise may not read it.
    assert!(get(format!("/entities/{jia}"), jia_c.clone()).await.2.contains(&format!(r#"href="/awards/{ht_award}/letter""#)));
    assert_eq!(get(format!("/awards/{ht_award}/letter"), yi_c.clone()).await.0, StatusCode::FORBIDDEN);
    // The refusal: the department's reason, as text.
    let bing_c = cookie("bing").await;
    let (st, _, html) = get(format!("/awards/{bing_award}/letter"), bing_c).await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(html.contains("<h2>奖补不予支持通知书</h2>") && html.contains("经 市税务局 核实"), "{html}");
    assert!(html.contains(r#"<td id="letter-reason">&lt;b&gt;加计扣除&lt;/b&gt;未经申报</td>"#), "{html}");
    // In English too.
    let (_, _, html) = get(format!("/awards/{ht_award}/letter?lang=en"), jia_c.clone()).await;
    assert!(html.contains("Notice of award") && html.contains("200,000.00 yuan") && html.contains("人民币贰拾万元整"), "{html}");

    // ----- a round opened from the page runs on its own; the page shows its progress -------------
    let state = AppState::new(pack.clone(), store.clone(), false);
    state.show_round_progress_at_once();
    let app = router(state);
    let send = |method: &'static str, path: String, body: String| {
        let app = app.clone();
        let admin_c = admin_c.clone();
        async move {
            let req = Request::builder()
                .method(method)
                .uri(path)
                .header(header::HOST, "ledger.test")
                .header(header::COOKIE, format!("qiangke_session={admin_c}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .expect("request");
            let res = app.oneshot(req).await.expect("infallible");
            let status = res.status();
            let location = res.headers().get(header::LOCATION).map(|l| l.to_str().unwrap_or("").to_string());
            (status, location, String::from_utf8(res.into_body().collect().await.expect("body").to_bytes().to_vec()).expect("utf-8"))
        }
    };
    let (_, _, page) = send("GET", "/rounds".into(), String::new()).await;
    let key = r#"name="csrf" value=""#;
    let at = page.find(key).expect("csrf") + key.len();
    let csrf = page[at..at + page[at..].find('"').expect("end")].to_string();
    let (st, to, _) = send("POST", "/rounds".into(), format!("csrf={csrf}&claim_year=2023")).await;
    assert_eq!((st, to.as_deref()), (StatusCode::SEE_OTHER, Some("/rounds?run=1")));
    let mut polls = 0;
    let done = loop {
        let (st, _, page) = send("GET", "/rounds?run=1".into(), String::new()).await;
        assert_eq!(st, StatusCode::OK);
        if page.contains(r#"id="round-opened""#) {
            break page;
        }
        // Still running: the bar, and the page reloads itself.
        assert!(page.contains("<progress") && page.contains(r#"<meta http-equiv="refresh" content="1">"#), "{page}");
        polls += 1;
        assert!(polls < 3000, "the round ends");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    };
    assert!(done.contains("批次 5(2023 年度)已完成") && !done.contains("http-equiv"), "{done}");
    // A refusal made while it ran is said on the page, with its status.
    let (st, to, page) = send("POST", "/rounds".into(), format!("csrf={csrf}&claim_year=1800")).await;
    // Refused at once (said by the answer itself), or while the page showed it running.
    let page = if let Some(to) = to {
        loop {
            let (st, _, page) = send("GET", to.clone(), String::new()).await;
            if st != StatusCode::OK || !page.contains("<progress") {
                assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
                break page;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    } else {
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        page
    };
    assert!(page.contains(r#"id="round-error""#) && page.contains("1800"), "{page}");
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("qiangke-round-sqlite-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    suite(&format!("sqlite://{}?mode=rwc", dir.join("ledger.db").display()), &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_on_postgres() {
    let dir = std::env::temp_dir().join(format!("qiangke-round-pg-{}", std::process::id()));
    let cluster = qiangke_testkit::Cluster::start(&dir.join("pg"));
    cluster.create_db("ledger");
    std::fs::create_dir_all(&dir).expect("dir");
    suite(&cluster.url("ledger"), &dir).await;
    drop(cluster);
    let _ = std::fs::remove_dir_all(&dir);
}
