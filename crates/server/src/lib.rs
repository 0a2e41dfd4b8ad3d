//! qiangke-server: the HTTP JSON API over the rule engine and the ledger.
//!
//! A thin shell: every handler parses its input, calls one `qiangke-rules` or `qiangke-store`
//! function with the signed-in [`Principal`], and renders the result. Authorisation and the
//! workflow live in the store; money is an exact yuan string in every body.
//!
//! Errors are `application/problem+json` (RFC 9457) with `errors: [{field, message}]` for
//! validation problems. Bodies are limited (1 MiB; 64 MiB for bulk imports). Browser sessions
//! ride in an HttpOnly, SameSite=Strict cookie; API clients send `Authorization: Bearer`.

mod api;
mod compute;
mod http;
mod openapi;
mod problem;
mod schema;
mod web;

pub use api::{AppState, router};
pub use problem::Problem;

use qiangke_rules::Pack;
use qiangke_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;

/// How to run the server.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// Mark the session cookie `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// County assessment weights for the monitoring report.
    pub weights: qiangke_monitor::assess::Weights,
    /// The ladder of recognitions for the /ladder page.
    pub ladder: Option<Arc<qiangke_rules::ladder::Ladder>>,
}

/// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight.
pub async fn serve(pack: Arc<Pack>, store: Store, cfg: Config) -> std::io::Result<()> {
    let state = AppState::with_weights(pack, store, cfg.secure_cookies, cfg.weights);
    if let Some(l) = cfg.ladder {
        state.set_ladder(l);
    }
    let listener = tokio::net::TcpListener::bind(cfg.listen).await?;
    eprintln!("qiangke: listening on http://{}", listener.local_addr()?);
    // The peer address reaches handlers (sign-in throttling per client).
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(shutdown()).await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}
