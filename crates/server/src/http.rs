//! Request-header readings shared by the API and the web pages.

use axum::http::{HeaderMap, header};

/// The value of cookie `name`, if the request carries it.
pub(crate) fn cookie(h: &HeaderMap, name: &str) -> Option<String> {
    h.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

/// Whether another site's page made this request: `Sec-Fetch-Site: cross-site`, or an `Origin`
/// whose host is not this request's `Host`. An opaque `Origin: null` counts as foreign unless
/// `null_origin_ok` (the web forms, which carry a CSRF token as well).
pub(crate) fn from_other_site(h: &HeaderMap, null_origin_ok: bool) -> bool {
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let cross = h.get("sec-fetch-site").is_some_and(|v| v == "cross-site");
    let foreign = h
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|o| !(null_origin_ok && o == "null") && o.split_once("://").map(|(_, r)| r) != Some(host));
    cross || foreign
}

/// The address of the client a request came from (the TCP peer; `unknown` when the server runs
/// without one, as in tests through the router). Proxies are not trusted: behind one, every
/// client is the proxy, and sign-in throttling counts them together.
#[derive(Debug, Clone)]
pub(crate) struct ClientAddr(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        let addr = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string());
        Ok(ClientAddr(addr.unwrap_or_else(|| "unknown".into())))
    }
}
