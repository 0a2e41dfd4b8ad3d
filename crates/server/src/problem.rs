//! Errors as `application/problem+json` (RFC 9457), with a field-level list for validation.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use qiangke_store::{Error, FieldError, StorageFailure};
use serde_json::json;

/// An error response.
#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    pub title: &'static str,
    pub detail: String,
    pub errors: Vec<FieldError>,
    /// Seconds to wait (429).
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Problem {
        Problem { status, title, detail: detail.into(), errors: Vec::new(), retry_after: None }
    }
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Problem {
        let message = message.into();
        Problem {
            status: StatusCode::BAD_REQUEST,
            title: "invalid input",
            detail: message.clone(),
            errors: vec![FieldError { field: field.into(), message }],
            retry_after: None,
        }
    }
}

impl From<Error> for Problem {
    fn from(e: Error) -> Problem {
        match e {
            Error::NotFound(m) => Problem::new(StatusCode::NOT_FOUND, "not found", m),
            Error::Forbidden(m) => Problem::new(StatusCode::FORBIDDEN, "forbidden", m),
            Error::Conflict(m) => Problem::new(StatusCode::CONFLICT, "conflict", m),
            Error::Unauthenticated => Problem::new(StatusCode::UNAUTHORIZED, "not signed in", e.to_string()),
            Error::Invalid(errors) => Problem {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                title: "invalid input",
                detail: format!("{} problem(s); nothing was changed", errors.len()),
                errors,
                retry_after: None,
            },
            Error::Db(ref d) => {
                // A uniqueness constraint losing a race is a conflict, not a server fault.
                if e.is_unique_violation() {
                    return Problem::new(StatusCode::CONFLICT, "conflict", "another request changed this first; reload and try again");
                }
                eprintln!("qiangke: database error: {d}");
                if let Some(f) = e.storage_failure() {
                    let detail = match f {
                        StorageFailure::Full => "the ledger's disk is full: nothing was saved; try again once space has been freed",
                        StorageFailure::ReadOnly => "the ledger is read-only at the moment: nothing was saved; try again later",
                        StorageFailure::Io => "the ledger could not write to its storage: nothing was saved; try again later",
                        StorageFailure::Unreachable => "the ledger's database cannot be reached: nothing was saved; try again later",
                    };
                    let mut p = Problem::new(StatusCode::SERVICE_UNAVAILABLE, "storage unavailable", detail);
                    p.retry_after = Some(30);
                    return p;
                }
                Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "server error", "the database failed; the change was not made")
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = json!({
            "type": "about:blank",
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
            "errors": self.errors,
        });
        let mut r = (self.status, body.to_string()).into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(s) = self.retry_after {
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        r
    }
}
