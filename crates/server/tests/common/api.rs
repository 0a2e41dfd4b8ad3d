//! The API as a test calls it: requests through the router (no socket), JSON in and out, and
//! problem+json checks.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value as J, json};
use tower::ServiceExt;

pub struct Api {
    pub app: Router,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: J,
}

impl Api {
    pub async fn send(&self, method: &str, path: &str, token: Option<&str>, body: Option<Vec<u8>>, headers: &[(&str, &str)]) -> Resp {
        self.send_from(None, method, path, token, body, headers).await
    }

    /// A request from a given client address (as the server sees the TCP peer).
    pub async fn send_from(
        &self,
        client: Option<&str>,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut b = Request::builder().method(method).uri(path).header(header::HOST, "ledger.test");
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let mut req = b.body(body.map_or_else(Body::empty, Body::from)).expect("request");
        if let Some(ip) = client {
            let addr: std::net::SocketAddr = format!("{ip}:40000").parse().expect("an address");
            req.extensions_mut().insert(axum::extract::ConnectInfo(addr));
        }
        let res = self.app.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        let body = if bytes.is_empty() {
            J::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| J::String(String::from_utf8_lossy(&bytes).into()))
        };
        Resp { status, headers, body }
    }
    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.send("GET", path, Some(token), None, &[]).await
    }
    pub async fn post(&self, path: &str, token: Option<&str>, body: J) -> Resp {
        self.send("POST", path, token, Some(body.to_string().into_bytes()), &[("content-type", "application/json")]).await
    }
    pub async fn login(&self, user: &str, password: &str) -> String {
        let r = self.post("/api/login", None, json!({"username": user, "password": password, "session": "bearer"})).await;
        assert_eq!(r.status, StatusCode::OK, "login {user}: {}", r.body);
        r.body["token"].as_str().expect("token").to_string()
    }
}

pub fn problem(r: &Resp, status: StatusCode) -> &J {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/problem+json");
    &r.body
}

impl Api {
    /// A bearer sign-in attempt from a client address.
    pub async fn login_from(&self, client: &str, user: &str, password: &str) -> Resp {
        let body = json!({"username": user, "password": password, "session": "bearer"}).to_string().into_bytes();
        self.send_from(Some(client), "POST", "/api/login", None, Some(body), &[("content-type", "application/json")]).await
    }
}
