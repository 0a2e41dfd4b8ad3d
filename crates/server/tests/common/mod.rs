//! The ledger the web tests start from (through the router and in the browser), and the API as
//! the tests call it ([`api`]).

pub mod api;

use qiangke_rules::{Pack, load_pack};
use qiangke_store::auth::{NewUser, SessionKind};
use qiangke_store::ledger::{FactInput, FactsInput, NewEntity};
use qiangke_store::{Principal, Store};
use serde_json::json;
use std::path::Path;
use std::sync::Arc;

/// Every seeded user's password.
pub const PASSWORD: &str = "a-long-password";
/// 甲公司's credit code.
pub const ENT1: &str = "91620600123456788A";

pub fn pack() -> Arc<Pack> {
    Arc::new(load_pack(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022")).expect("pack"))
}

/// A SQLite ledger under `dir` (removed first) holding: `admin`; 甲公司 (liangzhou), an above-scale
/// industrial enterprise with 15,000,000元 of R&D spending in 2023 (and a super-deduction claim of
/// 300,000元 on it) and a new high-tech recognition
/// on 2023-11-20, and its application for 2023 (two awards: 四(二)8 for the 税务局, 四(二)7 for the
/// 科技局 and 工信局); reviewers `tax` (tax-bureau) and `sci` (science-bureau); `fin` (finance).
pub async fn seeded(dir: &Path, pack: &Pack) -> (Store, Principal) {
    let _ = std::fs::remove_dir_all(dir);
    let store = Store::open_dir(dir).await.expect("store");
    let mk = |u: &str, role: &str| NewUser { username: u.into(), password: PASSWORD.into(), role: role.into(), ..NewUser::default() };
    store.create_user(pack, None, mk("admin", "admin")).await.expect("admin");
    let (_, admin) = store.login("admin", PASSWORD, SessionKind::Bearer, 60_000).await.expect("login");
    let e = store
        .register_entity(
            pack,
            &admin,
            NewEntity { uscc: ENT1.into(), name: "甲公司".into(), kind: "enterprise".into(), county: "liangzhou".into() },
        )
        .await
        .expect("entity");
    let eid = e["id"].as_i64().expect("id");
    let facts = vec![
        FactInput { year: None, name: "above_scale".into(), value: json!(true) },
        FactInput { year: Some(2023), name: "rd_expenditure".into(), value: json!("15000000") },
        FactInput { year: Some(2023), name: "super_deduction_amount".into(), value: json!("300000") },
    ];
    let events = vec![json!({"type": "recognition", "date": "2023-11-20", "kind": "high_tech", "renewal": false})];
    store.record_facts(pack, &admin, eid, FactsInput { source: "test".into(), facts, events }).await.expect("facts");
    store.apply(pack, &admin, eid, 2023).await.expect("application");
    let reviewer = |u: &str, dept: &str| NewUser { department: Some(dept.into()), ..mk(u, "reviewer") };
    store.create_user(pack, Some(&admin), reviewer("tax", "tax-bureau")).await.expect("tax");
    store.create_user(pack, Some(&admin), mk("fin", "finance")).await.expect("fin");
    store.create_user(pack, Some(&admin), reviewer("sci", "science-bureau")).await.expect("sci");
    (store, admin)
}
