//! Errors as `application/problem+json` (RFC 9457), with a field-level list for validation.
//!
//! A problem's `title`, `detail` and each `errors[].message` are catalogue messages, rendered in
//! the request's language; `status`, `type` and each `errors[].field` are the same in every
//! language, so a client decides by them and shows the texts.
//!
//! The language of the API: `?lang=` (`zh-Hans`, `zh`, `zh-CN`, `zh-Hant`, `zh-TW`, `en` …), else
//! the first language of `Accept-Language` qiangke speaks, else English — integrations and
//! analysts read the API, and English is what they have always got (the web pages default to
//! Chinese). A handler cannot see the request's language, so a problem is rendered twice: in
//! English when it becomes a response (so it is complete wherever it goes), and again in the
//! request's language by the API's middleware ([`localize`]), which finds the problem in the
//! response's extensions.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use qiangke_rules::Lang;
use qiangke_store::{Error, FieldError, Msg, StorageFailure};
use serde_json::{Value as J, json};
use std::sync::Arc;

/// An error response.
#[derive(Debug, Clone)]
pub struct Problem {
    pub status: StatusCode,
    /// The title's catalogue id (`api-title-not-found` …): one per kind of refusal.
    pub title: &'static str,
    pub detail: Msg,
    pub errors: Vec<FieldError>,
    /// Seconds to wait (429).
    pub retry_after: Option<u64>,
}

/// The problem a response was made from, kept for [`localize`].
#[derive(Clone)]
struct Source(Arc<Problem>);

impl Problem {
    pub fn new(status: StatusCode, title: &'static str, detail: Msg) -> Problem {
        Problem { status, title, detail, errors: Vec::new(), retry_after: None }
    }
    pub fn invalid(field: impl Into<String>, msg: Msg) -> Problem {
        Problem {
            status: StatusCode::BAD_REQUEST,
            title: "api-title-invalid-input",
            detail: msg.clone(),
            errors: vec![FieldError::new(field, msg)],
            retry_after: None,
        }
    }

    /// The title in a language (`hant`: Traditional characters).
    pub fn title_text(&self, lang: Lang, hant: bool) -> String {
        script(qiangke_i18n::text(lang, self.title, &[]), hant)
    }

    /// The detail in a language.
    pub fn detail_text(&self, lang: Lang, hant: bool) -> String {
        script(self.detail.render(lang), hant)
    }

    /// Each field at fault, its message in a language.
    pub fn errors_in(&self, lang: Lang, hant: bool) -> Vec<FieldError> {
        self.errors
            .iter()
            .map(|f| {
                let mut f = f.rendered(lang);
                f.message = script(f.message, hant);
                f
            })
            .collect()
    }

    /// The problem+json document in a language.
    fn body(&self, lang: Lang, hant: bool) -> J {
        json!({
            "type": "about:blank",
            "title": self.title_text(lang, hant),
            "status": self.status.as_u16(),
            "detail": self.detail_text(lang, hant),
            "errors": self.errors_in(lang, hant),
        })
    }
}

fn script(s: String, hant: bool) -> String {
    if hant { qiangke_rules::script::to_traditional(&s) } else { s }
}

impl From<Error> for Problem {
    fn from(e: Error) -> Problem {
        match e {
            Error::NotFound(m) => Problem::new(StatusCode::NOT_FOUND, "api-title-not-found", m),
            Error::Forbidden(m) => Problem::new(StatusCode::FORBIDDEN, "api-title-forbidden", m),
            Error::Conflict(m) => Problem::new(StatusCode::CONFLICT, "api-title-conflict", m),
            Error::Unauthenticated => Problem::new(StatusCode::UNAUTHORIZED, "api-title-not-signed-in", Msg::new("api-session-expired")),
            Error::Invalid(errors) => Problem {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                title: "api-title-invalid-input",
                detail: Msg::new("api-problems-nothing-changed").arg("count", errors.len()),
                errors,
                retry_after: None,
            },
            Error::Db(ref d) => {
                // A uniqueness constraint losing a race is a conflict, not a server fault.
                if e.is_unique_violation() {
                    return Problem::new(StatusCode::CONFLICT, "api-title-conflict", Msg::new("api-changed-meanwhile"));
                }
                eprintln!("qiangke: database error: {d}");
                if let Some(f) = e.storage_failure() {
                    let detail = match f {
                        StorageFailure::Full => Msg::new("api-disk-full"),
                        StorageFailure::ReadOnly => Msg::new("api-read-only"),
                        StorageFailure::Io => Msg::new("api-storage-io"),
                        StorageFailure::Unreachable => Msg::new("api-storage-unreachable"),
                    };
                    let mut p = Problem::new(StatusCode::SERVICE_UNAVAILABLE, "api-title-storage-unavailable", detail);
                    p.retry_after = Some(30);
                    return p;
                }
                Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "api-title-server-error", Msg::new("api-database-failed"))
            }
        }
    }
}

fn json_response(status: StatusCode, body: &J, retry_after: Option<u64>) -> Response {
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    if let Some(s) = retry_after {
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
    r
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut r = json_response(self.status, &self.body(Lang::En, false), self.retry_after);
        r.extensions_mut().insert(Source(Arc::new(self)));
        r
    }
}

/// A problem response put into the request's language (see the module's notes); any other
/// response as it is. The response's other headers (`Allow`, …) are kept.
pub(crate) fn localize(mut r: Response, lang: Lang, hant: bool) -> Response {
    let Some(Source(p)) = r.extensions_mut().remove::<Source>() else { return r };
    if lang == Lang::En && !hant {
        return r;
    }
    let body = p.body(lang, hant).to_string();
    r.headers_mut().remove(header::CONTENT_LENGTH);
    *r.body_mut() = axum::body::Body::from(body);
    r
}
