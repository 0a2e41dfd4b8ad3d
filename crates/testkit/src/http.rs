//! Plain HTTP/1.1 requests to a server on loopback, one connection each (`Connection: close`):
//! enough for tests and benchmarks that drive `qiangke serve` as a process, with nothing between
//! them and the socket.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Waits until something listens on the port, at most `limit`.
pub fn wait_for_port(port: u16, limit: Duration) -> bool {
    let t = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if t.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

/// Sends one request; returns the stream with the response not yet read. `token` is sent as a
/// bearer token.
pub fn send(port: u16, method: &str, path: &str, token: Option<&str>, ct: &str, body: &[u8]) -> std::io::Result<TcpStream> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    Ok(s)
}

/// A response: status, headers as sent (lower-case names) and the body.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads a whole response (the server closes the connection after it). Chunked bodies are
/// de-chunked.
pub fn read_response(mut s: TcpStream) -> std::io::Result<Response> {
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    let split = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no complete response head"))?;
    let head = String::from_utf8_lossy(&out[..split]).into_owned();
    let mut body = out[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "no status line"))?;
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string())).collect();
    if headers.iter().any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body);
    }
    Ok(Response { status, headers, body })
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        let end = (start + size).min(b.len());
        out.extend_from_slice(&b[start..end]);
        b = &b[(end + 2).min(b.len())..];
    }
    out
}

/// One request and its response.
pub fn request(port: u16, method: &str, path: &str, token: Option<&str>, ct: &str, body: &[u8]) -> std::io::Result<Response> {
    read_response(send(port, method, path, token, ct, body)?)
}

/// One request; the status and the body as JSON. Panics when the server cannot be reached.
pub fn call(port: u16, method: &str, path: &str, token: Option<&str>, ct: &str, body: &[u8]) -> (u16, serde_json::Value) {
    let r = request(port, method, path, token, ct, body).unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    (r.status, r.json())
}

/// Signs in and returns a bearer token. Panics unless the sign-in succeeds.
pub fn bearer(port: u16, username: &str, password: &str) -> String {
    let body = serde_json::json!({"username": username, "password": password, "session": "bearer"}).to_string();
    let (st, r) = call(port, "POST", "/api/login", None, "application/json", body.as_bytes());
    assert_eq!(st, 200, "sign-in as {username}: {r}");
    r["token"].as_str().expect("a token").to_string()
}
