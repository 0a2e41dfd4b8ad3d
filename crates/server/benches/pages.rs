//! Server time of the web pages, measured through the router (no network): the calculator
//! result for the case with the full Wuwei pack (form parsing, validation, evaluation of
//! all 41 rules with trace, the explanations, the HTML), the empty calculator, the policy
//! browser and the dashboard. Run: `cargo bench -p qiangke-server --bench pages [ITERATIONS]`.

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use qiangke_rules::load_pack;
use qiangke_server::{AppState, router};
use qiangke_store::Store;
use std::sync::Arc;
use std::time::Instant;
use tower::ServiceExt;

const CASE: &str = "year=2023&entity.kind=enterprise&y.above_scale=true&y.rd_expenditure=15000000&y.super_deduction_amount=300000&e.recognition.date=2023-11-20&e.recognition.kind=high_tech&e.recognition.renewal=false";

fn main() {
    let iters: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(500);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let pack = Arc::new(load_pack(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022")).expect("pack"));
        let dir = std::env::temp_dir().join(format!("qiangke-bench-pages-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::open_dir(&dir).await.expect("store");
        let app = router(AppState::new(pack, store, false));
        println!("{:<28} {:>8} {:>10} {:>10} {:>10} {:>9}", "page", "n", "median ms", "p99 ms", "max ms", "bytes");
        for (name, method, path, body) in [
            ("POST /calculator (result)", "POST", "/calculator", Some(CASE)),
            ("GET /calculator", "GET", "/calculator", None),
            ("GET /policy", "GET", "/policy", None),
            ("GET /dashboard", "GET", "/dashboard?year=2023", None),
        ] {
            let mut times = Vec::with_capacity(iters);
            let mut bytes = 0;
            for _ in 0..iters {
                let mut b = Request::builder().method(method).uri(path).header(header::HOST, "bench");
                if body.is_some() {
                    b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                }
                let req = b.body(body.map_or_else(Body::empty, |s| Body::from(s.to_string()))).expect("request");
                let t = Instant::now();
                let res = app.clone().oneshot(req).await.expect("infallible");
                assert!(res.status().is_success(), "{path}: {}", res.status());
                bytes = res.into_body().collect().await.expect("body").to_bytes().len();
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            times.sort_by(|a, b| a.total_cmp(b));
            let q = |f: f64| times[((times.len() as f64 - 1.0) * f).round() as usize];
            println!("{name:<28} {iters:>8} {:>10.3} {:>10.3} {:>10.3} {bytes:>9}", q(0.5), q(0.99), times[times.len() - 1]);
        }
        let _ = std::fs::remove_dir_all(&dir);
    });
}
