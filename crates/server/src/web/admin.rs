//! Department data in, without a programmer: the register of entities (search, register one,
//! import a list with a preview), a department's records uploaded as the department keeps them
//! (one row per enterprise and year, one column per fact; CSV or `.xlsx`) with a preview that
//! matches each row to an entity and shows every refused cell, and the users (admin).
//!
//! Nothing is stored by an upload: the preview carries the file's rows back in the confirming
//! form, and only the confirmation stores them, every row or none.

use super::{Ctx, field};
use crate::api::AppState;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use qiangke_batch::columns::{Col, resolve};
use qiangke_rules::Lang;
use qiangke_rules::facts::parse_cell;
use qiangke_store::auth::{NewUser, UserUpdate};
use qiangke_store::ledger::{FactInput, FactsInput, ImportFormat, NewEntity};
use qiangke_store::{Principal, Role, Store};
use serde_json::{Value as J, json};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

type St = State<Arc<AppState>>;
type Form = axum::Form<Vec<(String, String)>>;

/// The fields and the one file of an upload form.
struct Upload {
    fields: Vec<(String, String)>,
    file: Option<(String, Vec<u8>)>,
    too_large: bool,
}

async fn read_upload(mut mp: Multipart) -> Upload {
    let mut u = Upload { fields: Vec::new(), file: None, too_large: false };
    loop {
        match mp.next_field().await {
            Ok(Some(f)) => {
                let name = f.name().unwrap_or("").to_string();
                let file_name = f.file_name().map(|n| n.chars().filter(|c| !c.is_control() && *c != '/' && *c != '\\').collect::<String>());
                match f.bytes().await {
                    Ok(b) => match file_name {
                        Some(n) if name == "file" => u.file = Some((n, b.to_vec())),
                        _ => u.fields.push((name, String::from_utf8_lossy(&b).into_owned())),
                    },
                    Err(e) => {
                        u.too_large = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                        break;
                    }
                }
            }
            Ok(None) => break,
            Err(e) => {
                u.too_large = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                break;
            }
        }
    }
    u
}

/// An uploaded table as CSV text: an `.xlsx` workbook's first sheet, or a CSV in UTF-8 (with or
/// without a BOM) or GB18030 as Excel saves it on Chinese Windows.
fn table_text(ctx: &Ctx, bytes: &[u8]) -> Result<String, String> {
    use qiangke_batch::xlsx;
    if xlsx::is_workbook(bytes) {
        let sheet = xlsx::read_bytes(bytes, None, "file").map_err(|m| m.render(ctx.lang))?;
        return xlsx::sheet_to_csv(&sheet).map_err(|(row, column, m)| {
            ctx.say("data-cell-at", &[("row", &row.to_string()), ("column", &column.to_string()), ("message", &m.render(ctx.lang))])
        });
    }
    qiangke_rules::textfile::decode(bytes).map(|t| t.trim_start_matches('\u{feff}').to_string()).map_err(|e| e.render(ctx.lang))
}

/// A CSV file to download, with a BOM so that Excel opens it as UTF-8.
fn csv_download(name: &str, text: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        format!("\u{feff}{text}"),
    )
        .into_response()
}

pub(super) fn county_name(pack: &qiangke_rules::Pack, id: &str, lang: Lang) -> String {
    pack.enums[pack.county_enum as usize]
        .variants
        .iter()
        .find(|v| v.id == id)
        .map_or_else(|| id.to_string(), |v| v.name.get(lang).to_string())
}

fn kind_name(pack: &qiangke_rules::Pack, id: &str, lang: Lang) -> String {
    pack.enums[pack.applicant_enum as usize]
        .variants
        .iter()
        .find(|v| v.id == id)
        .map_or_else(|| id.to_string(), |v| v.name.get(lang).to_string())
}

/// `<option>`s of an enumeration, `chosen` selected.
fn options(pack: &qiangke_rules::Pack, e: u16, chosen: &str, lang: Lang) -> Markup {
    html! { @for v in &pack.enums[e as usize].variants { option value=(v.id) selected[v.id == chosen] { (v.name.get(lang)) } } }
}

/// A refusal at the top of a page.
fn error_box(error: Option<&(StatusCode, String)>) -> Markup {
    html! { @if let Some((_, m)) = error { div.summary-errors role="alert" #data-error { p { (m) } } } }
}

// ----- the register of entities ----------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
pub(super) struct EntitiesQuery {
    q: Option<String>,
    /// Just registered (by name), or just imported (how many).
    registered: Option<String>,
    imported: Option<u64>,
}

pub(super) async fn entities(ctx: Ctx, State(s): St, Query(q): Query<EntitiesQuery>) -> Response {
    let done = match (&q.registered, q.imported) {
        (Some(name), _) => Some(ctx.say("data-registered", &[("name", name)])),
        (_, Some(n)) => Some(ctx.say("data-entities-imported", &[("n", &n.to_string())])),
        _ => None,
    };
    render_entities(&ctx, &s, q.q.as_deref().unwrap_or(""), done.as_deref(), None, &[]).await
}

async fn render_entities(
    ctx: &Ctx,
    s: &AppState,
    search: &str,
    done: Option<&str>,
    error: Option<(StatusCode, String)>,
    typed: &[(String, String)],
) -> Response {
    let p = match ctx.require_user() {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let l = ctx.lang;
    let title = ctx.l("data-entities");
    let list = match s.store.entities(p).await {
        Ok(l) => l,
        Err(e) => return super::store_error(ctx, e),
    };
    let needle = search.trim();
    let shown: Vec<&J> = list
        .iter()
        .filter(|e| {
            needle.is_empty()
                || e["name"].as_str().is_some_and(|n| n.contains(needle))
                || e["uscc"].as_str().is_some_and(|c| c.contains(&needle.to_uppercase()))
        })
        .collect();
    let rows = html! {
        @for e in shown.iter().take(500) {
            tr {
                td translate="no" { (e["uscc"].as_str().unwrap_or("")) }
                td { a href={ "/entities/" (e["id"]) } { (e["name"].as_str().unwrap_or("")) } }
                td { (kind_name(&s.pack, e["kind"].as_str().unwrap_or(""), l)) }
                td { (county_name(&s.pack, e["county"].as_str().unwrap_or(""), l)) }
            }
        }
    };
    let cols = [(ctx.l("entity-uscc"), false), (ctx.l("data-name"), false), (ctx.l("data-kind"), false), (ctx.l("data-county"), false)];
    let body = html! {
        @if let Some((_, msg)) = &error { p.error role="alert" #data-error { (msg) } }
        @if let Some(d) = done { p.card role="status" #data-done { (d) } }
        form method="get" action="/entities" class="inline" role="search" {
            label for="q" { (ctx.l("data-search")) } " "
            input #q name="q" value=(needle); " "
            button type="submit" { (ctx.l("data-search-button")) }
        }
        p { (ctx.say("data-entities-count", &[("shown", &shown.len().to_string()), ("all", &list.len().to_string())])) }
        (super::table(Some("entities"), &cols, rows))
        @if p.role == Role::Admin {
            h2 { (ctx.l("data-register")) }
            form method="post" action="/entities" class="card" {
                (ctx.csrf_field())
                p { label for="uscc" { (ctx.l("entity-uscc")) } input #uscc name="uscc" value=(field(typed, "uscc")) required maxlength="18" translate="no"; }
                p { label for="name" { (ctx.l("data-name")) } input #name name="name" value=(field(typed, "name")) required; }
                p { label for="kind" { (ctx.l("data-kind")) } select #kind name="kind" { (options(&s.pack, s.pack.applicant_enum, field(typed, "kind"), l)) } }
                p { label for="county" { (ctx.l("data-county")) } select #county name="county" { (options(&s.pack, s.pack.county_enum, field(typed, "county"), l)) } }
                p { button type="submit" #register { (ctx.l("data-register-button")) } }
            }
            h2 { (ctx.l("data-import-list")) }
            form method="post" action="/entities/import" enctype="multipart/form-data" class="card" {
                (ctx.csrf_field())
                p { (ctx.l("data-import-list-intro")) " " a href="/entities/template.csv" download { (ctx.l("data-template")) } }
                p { label for="entity-file" { (ctx.l("data-file")) } input #entity-file type="file" name="file" accept=".csv,.xlsx,text/csv" required; }
                p { button type="submit" #preview-entities { (ctx.l("data-preview")) } }
            }
        }
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.0);
    ctx.page_status(status, title, body)
}

pub(super) async fn register(ctx: Ctx, State(s): St, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/entities") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let e = NewEntity {
        uscc: field(&form, "uscc").into(),
        name: field(&form, "name").into(),
        kind: field(&form, "kind").into(),
        county: field(&form, "county").into(),
    };
    match s.store.register_entity(&s.pack, &p, e).await {
        Ok(e) => Redirect::to(&format!("/entities?registered={}", pct(e["name"].as_str().unwrap_or("")))).into_response(),
        Err(e) => render_entities(&ctx, &s, "", None, Some(super::refusal_text(&ctx, e)), &form).await,
    }
}

/// Percent-encodes a query value.
fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

pub(super) async fn entity_template(State(s): St) -> Response {
    let kinds = &s.pack.enums[s.pack.applicant_enum as usize].variants;
    let counties = &s.pack.enums[s.pack.county_enum as usize].variants;
    let example = format!(
        "统一社会信用代码,名称,类型,县区\n91620600123456788A,示例科技有限公司,{},{}\n",
        kinds.first().map_or("", |k| k.name.zh.as_str()),
        counties.first().map_or("", |c| c.name.zh.as_str())
    );
    csv_download("entity-list.csv", &example)
}

pub(super) async fn import_entities(ctx: Ctx, State(s): St, mp: Multipart) -> Response {
    let u = read_upload(mp).await;
    let p = match ctx.acting(&u.fields, "/entities") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let (ctx, s) = (&ctx, &s);
    let fail = |msg: String, status| async move { render_entities(ctx, s, "", None, Some((status, msg)), &[]).await };
    if u.too_large {
        return fail(ctx.l("data-file-too-large").into(), StatusCode::PAYLOAD_TOO_LARGE).await;
    }
    let Some((name, bytes)) = u.file.filter(|f| !f.1.is_empty()) else {
        return fail(ctx.l("data-choose-file").into(), StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let text = match table_text(ctx, &bytes) {
        Ok(t) => t,
        Err(m) => return fail(m, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let preview = match s.store.import_entities(&s.pack, &p, &text, true).await {
        Ok(v) => v,
        Err(e) => {
            let (st, m) = super::refusal_text(ctx, e);
            return fail(m, st).await;
        }
    };
    let l = ctx.lang;
    let errors: Vec<&J> = preview["errors"].as_array().into_iter().flatten().collect();
    let rows = html! {
        @for r in preview["rows"].as_array().into_iter().flatten() {
            tr {
                td.num { (r["row"]) }
                td translate="no" { (r["uscc"].as_str().unwrap_or("")) }
                td { (r["name"].as_str().unwrap_or("")) }
                td { (match r["outcome"].as_str() {
                    Some("new") => ctx.l("data-outcome-new"),
                    Some("registered") => ctx.l("data-outcome-registered"),
                    _ => ctx.l("data-outcome-refused"),
                }) }
            }
        }
    };
    let cols = [(ctx.l("data-row"), true), (ctx.l("entity-uscc"), false), (ctx.l("data-name"), false), (ctx.l("data-outcome"), false)];
    let body = html! {
        p { (ctx.say("data-preview-of", &[("file", &name)])) }
        @if !errors.is_empty() {
            div.summary-errors role="alert" {
                p { (ctx.l("data-refused-cells")) }
                ul { @for e in &errors {
                    @let msg = if l == Lang::En { &e["message_en"] } else { &e["message"] };
                    li { (super::located(ctx, e["field"].as_str().unwrap_or(""), msg.as_str().unwrap_or(""))) }
                } }
            }
        }
        (super::table(Some("preview"), &cols, rows))
        @if errors.is_empty() {
            form method="post" action="/entities/import/confirm" class="card" {
                (ctx.csrf_field())
                input type="hidden" name="csv" value=(text);
                p { (ctx.say("data-confirm-entities", &[("n", &preview["new"].to_string())])) }
                p { button type="submit" #confirm-import { (ctx.l("data-confirm")) } " " a href="/entities" { (ctx.l("data-cancel")) } }
            }
        } @else {
            p { (ctx.l("data-fix-and-upload-again")) " " a href="/entities" { (ctx.l("data-back")) } }
        }
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    ctx.page_status(status, ctx.l("data-import-list"), body)
}

pub(super) async fn confirm_entities(ctx: Ctx, State(s): St, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/entities") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    match s.store.import_entities(&s.pack, &p, field(&form, "csv"), false).await {
        Ok(v) => Redirect::to(&format!("/entities?imported={}", v["new"])).into_response(),
        Err(e) => render_entities(&ctx, &s, "", None, Some(super::refusal_text(&ctx, e)), &[]).await,
    }
}

// ----- a department's records ------------------------------------------------------------------

/// The columns of a department's upload: which entity, which year, which facts.
struct Layout {
    header: Vec<String>,
    cols: Vec<Option<Col>>,
    uscc: Option<usize>,
    name: Option<usize>,
    year: Option<usize>,
}

/// One row of the upload as the preview shows it and the confirmation stores it.
struct RecordRow {
    line: usize,
    entity: Option<(i64, String)>,
    /// What identified the row (a code or a name), for an unmatched one.
    said: String,
    facts: Vec<FactInput>,
    events: Vec<J>,
}

fn layout(ctx: &Ctx, pack: &qiangke_rules::Pack, p: &Principal, header: &[String]) -> Result<Layout, Vec<String>> {
    let uscc_attr = pack.vocab.attribute("uscc");
    let mut l = Layout { header: header.to_vec(), cols: Vec::new(), uscc: None, name: None, year: None };
    let mut errs = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let col = resolve(pack, h.trim());
        let at = |m: String| ctx.say("data-column-at", &[("column", &(i + 1).to_string()), ("name", h), ("message", &m)]);
        match col {
            Some(Col::Attr(a)) if Some(a) == uscc_attr => l.uscc = Some(i),
            Some(Col::Id) => l.uscc = Some(i),
            Some(Col::Name) => l.name = Some(i),
            Some(Col::Year) => l.year = Some(i),
            Some(Col::Attr(a)) if matches!(pack.vocab.attributes[a].name.as_str(), "kind" | "county") => {
                errs.push(at(ctx.l("data-set-at-registration").into()));
            }
            Some(Col::Attr(a)) => {
                if let Some(m) = Store::supply_refusal(pack, p, false, &pack.vocab.attributes[a].name) {
                    errs.push(at(m.render(ctx.lang)));
                }
            }
            Some(Col::Yearly(y)) => {
                if let Some(m) = Store::supply_refusal(pack, p, true, &pack.vocab.yearly[y].name) {
                    errs.push(at(m.render(ctx.lang)));
                }
            }
            Some(Col::EventDate(e) | Col::EventField(e, _)) => {
                if let Some(m) = Store::supply_refusal(pack, p, false, &pack.vocab.events[e].name) {
                    errs.push(at(m.render(ctx.lang)));
                }
            }
            None if h.trim().is_empty() => {}
            None => errs.push(at(ctx.l("data-unknown-column").into())),
        }
        l.cols.push(col);
    }
    if l.uscc.is_none() && l.name.is_none() {
        errs.push(ctx.l("data-needs-code-or-name").into());
    }
    let yearly = l.cols.iter().any(|c| matches!(c, Some(Col::Yearly(_))));
    if yearly && l.year.is_none() {
        errs.push(ctx.l("data-needs-year").into());
    }
    if errs.is_empty() { Ok(l) } else { Err(errs) }
}

/// Reads the rows: each matched to an entity (by credit code, else by exact name), each cell
/// checked against the vocabulary. Returns the rows and the refusals, located by row and column.
fn read_records(
    ctx: &Ctx,
    pack: &qiangke_rules::Pack,
    l: &Layout,
    rdr: &mut csv::Reader<&[u8]>,
    index: &[(i64, String, String, String)],
) -> (Vec<RecordRow>, Vec<String>) {
    let by_code: HashMap<&str, (i64, &str)> = index.iter().map(|(id, code, name, _)| (code.as_str(), (*id, name.as_str()))).collect();
    let mut by_name: HashMap<&str, Vec<i64>> = HashMap::new();
    for (id, _, name, _) in index {
        by_name.entry(name.as_str()).or_default().push(*id);
    }
    let mut rows = Vec::new();
    let mut errs = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errs.push(ctx.say("data-at-row", &[("row", &line.to_string()), ("message", &e.to_string())]));
                continue;
            }
        };
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |k: Option<usize>| k.and_then(|k| rec.get(k)).unwrap_or("").trim().to_string();
        let at = |k: usize, m: String| ctx.say("data-cell-at", &[("row", &line.to_string()), ("column", &l.header[k]), ("message", &m)]);
        let (code, name) = (cell(l.uscc).to_uppercase(), cell(l.name));
        let entity = if !code.is_empty() {
            by_code.get(code.as_str()).map(|(id, n)| (*id, n.to_string()))
        } else {
            match by_name.get(name.as_str()).map(Vec::as_slice) {
                Some([id]) => Some((*id, name.clone())),
                Some(_) => {
                    errs.push(at(l.name.unwrap_or(0), ctx.l("data-name-ambiguous").into()));
                    None
                }
                None => None,
            }
        };
        let year = match cell(l.year) {
            y if y.is_empty() => None,
            y => match y.trim_end_matches('年').parse::<i64>() {
                Ok(y) => Some(y),
                Err(_) => {
                    errs.push(at(l.year.unwrap_or(0), ctx.l("data-year-shape").into()));
                    continue;
                }
            },
        };
        let mut out = RecordRow { line, entity, said: if code.is_empty() { name } else { code }, facts: Vec::new(), events: Vec::new() };
        let mut events: Vec<(usize, serde_json::Map<String, J>)> = Vec::new();
        for (k, col) in l.cols.iter().enumerate() {
            let text = rec.get(k).unwrap_or("").trim();
            let Some(col) = col else { continue };
            if text.is_empty() || matches!(col, Col::Id | Col::Name | Col::Year) || Some(k) == l.uscc {
                continue;
            }
            if let Err(e) = parse_cell(pack, col.ty(pack), text) {
                errs.push(at(k, e.text(ctx.lang)));
                continue;
            }
            match *col {
                Col::Attr(a) => {
                    out.facts.push(FactInput { year: None, name: pack.vocab.attributes[a].name.clone(), value: J::String(text.into()) })
                }
                Col::Yearly(y) => match year {
                    Some(yr) => {
                        out.facts.push(FactInput { year: Some(yr), name: pack.vocab.yearly[y].name.clone(), value: J::String(text.into()) })
                    }
                    None => errs.push(at(k, ctx.l("data-needs-year-in-row").into())),
                },
                Col::EventDate(e) | Col::EventField(e, _) => {
                    let slot = match events.iter().position(|(t, _)| *t == e) {
                        Some(i) => i,
                        None => {
                            let mut m = serde_json::Map::new();
                            m.insert("type".into(), J::String(pack.vocab.events[e].name.clone()));
                            events.push((e, m));
                            events.len() - 1
                        }
                    };
                    let key = match *col {
                        Col::EventField(_, f) => pack.vocab.events[e].fields[f].name.clone(),
                        _ => "date".into(),
                    };
                    events[slot].1.insert(key, J::String(text.into()));
                }
                _ => {}
            }
        }
        out.events = events.into_iter().map(|(_, m)| J::Object(m)).collect();
        rows.push(out);
    }
    (rows, errs)
}

pub(super) async fn records(ctx: Ctx, State(s): St) -> Response {
    render_records(&ctx, &s, None).await
}

async fn render_records(ctx: &Ctx, s: &AppState, error: Option<(StatusCode, String)>) -> Response {
    let p = match ctx.require_user() {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let title = ctx.l("data-records");
    if !matches!(p.role, Role::Admin | Role::Reviewer) {
        return ctx.page_status(StatusCode::FORBIDDEN, title, html! { p { (ctx.l("data-records-only-departments")) } });
    }
    let mine = supplied_columns(ctx, &s.pack, p);
    let body = html! {
        (error_box(error.as_ref()))
        p { (ctx.l("data-records-intro")) }
        p { (ctx.l("data-your-columns")) ": " (mine.join(ctx.l("policy-list-separator"))) }
        form method="post" action="/records/upload" enctype="multipart/form-data" class="card" {
            (ctx.csrf_field())
            p { label for="source" { (ctx.l("data-source")) } input #source name="source" required placeholder=(ctx.l("data-source-placeholder")); }
            p { label for="records-file" { (ctx.l("data-file")) } input #records-file type="file" name="file" accept=".csv,.xlsx,text/csv" required; }
            p { a href="/records/template.csv" download { (ctx.l("data-template")) } }
            p { button type="submit" #preview-records { (ctx.l("data-preview")) } }
        }
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.0);
    ctx.page_status(status, title, body)
}

/// The columns (Chinese names, as the template writes them) of the facts `p` may record.
fn supplied_columns(ctx: &Ctx, pack: &qiangke_rules::Pack, p: &Principal) -> Vec<String> {
    let v = &pack.vocab;
    let mut out = Vec::new();
    let zh = |t: &qiangke_rules::model::Text| if ctx.lang == Lang::En { t.en.clone() } else { t.zh.clone() };
    for a in v.attributes.iter().filter(|a| !matches!(a.name.as_str(), "kind" | "county" | "uscc")) {
        if Store::supply_refusal(pack, p, false, &a.name).is_none() {
            out.push(zh(&a.title));
        }
    }
    for y in &v.yearly {
        if Store::supply_refusal(pack, p, true, &y.name).is_none() {
            out.push(zh(&y.title));
        }
    }
    for e in &v.events {
        if Store::supply_refusal(pack, p, false, &e.name).is_none() {
            out.push(format!("{}.{}", zh(&e.title), if ctx.lang == Lang::En { "date" } else { "日期" }));
            out.extend(e.fields.iter().map(|f| format!("{}.{}", zh(&e.title), zh(&f.title))));
        }
    }
    out
}

pub(super) async fn records_template(ctx: Ctx, State(s): St) -> Response {
    let Some(p) = ctx.user.clone() else { return Redirect::to("/login?next=/records").into_response() };
    let zh = Ctx { lang: Lang::Zh, ..ctx };
    let mut cols = vec!["统一社会信用代码".to_string(), "主体名称".into(), "年度".into()];
    cols.extend(supplied_columns(&zh, &s.pack, &p));
    // Quoted as CSV needs (some names hold commas).
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&cols);
    let text = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    csv_download("records.csv", &text)
}

pub(super) async fn upload_records(ctx: Ctx, State(s): St, mp: Multipart) -> Response {
    let u = read_upload(mp).await;
    let p = match ctx.acting(&u.fields, "/records") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    if u.too_large {
        return render_records(&ctx, &s, Some((StatusCode::PAYLOAD_TOO_LARGE, ctx.l("data-file-too-large").into()))).await;
    }
    let source = field(&u.fields, "source").trim().to_string();
    let Some((name, bytes)) = u.file.filter(|f| !f.1.is_empty()) else {
        return render_records(&ctx, &s, Some((StatusCode::UNPROCESSABLE_ENTITY, ctx.l("data-choose-file").into()))).await;
    };
    let text = match table_text(&ctx, &bytes) {
        Ok(t) => t,
        Err(m) => return render_records(&ctx, &s, Some((StatusCode::UNPROCESSABLE_ENTITY, m))).await,
    };
    preview_records(&ctx, &s, &p, &source, &name, &text).await
}

async fn preview_records(ctx: &Ctx, s: &AppState, p: &Principal, source: &str, file: &str, text: &str) -> Response {
    let title = ctx.l("data-records");
    let index = match s.store.entity_index(p).await {
        Ok(i) => i,
        Err(e) => return super::store_error(ctx, e),
    };
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_string()).collect(),
        Err(e) => return render_records(ctx, s, Some((StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))).await,
    };
    let l = match layout(ctx, &s.pack, p, &header) {
        Ok(l) => l,
        Err(errs) => return render_records(ctx, s, Some((StatusCode::UNPROCESSABLE_ENTITY, errs.join(";")))).await,
    };
    let (rows, errs) = read_records(ctx, &s.pack, &l, &mut rdr, &index);
    let unmatched: Vec<&RecordRow> = rows.iter().filter(|r| r.entity.is_none()).collect();
    // Each fact by its name in the reader's language, as the vocabulary gives it.
    let v = &s.pack.vocab;
    let fact_title = |name: &str| {
        v.attribute(name)
            .map(|i| &v.attributes[i].title)
            .or_else(|| v.yearly(name).map(|i| &v.yearly[i].title))
            .map_or(name.to_string(), |t| t.get(ctx.lang).to_string())
    };
    let facts_of = |r: &RecordRow| -> String {
        let facts: Vec<String> = r
            .facts
            .iter()
            .map(|f| {
                format!(
                    "{}{}:{}",
                    fact_title(&f.name),
                    f.year.map(|y| format!("({y})")).unwrap_or_default(),
                    f.value.as_str().unwrap_or("")
                )
            })
            .chain(r.events.iter().filter_map(|e| {
                let ev = &v.events[v.event(e["type"].as_str()?)?];
                let fields: Vec<String> = e
                    .as_object()?
                    .iter()
                    .filter(|(k, _)| k.as_str() != "type")
                    .map(|(k, x)| {
                        let name = ev
                            .fields
                            .iter()
                            .find(|f| f.name == *k)
                            .map_or_else(|| ctx.l("data-event-date").to_string(), |f| f.title.get(ctx.lang).to_string());
                        format!("{name} {}", x.as_str().unwrap_or(""))
                    })
                    .collect();
                Some(format!("{}:{}", ev.title.get(ctx.lang), fields.join(ctx.l("policy-list-separator"))))
            }))
            .collect();
        facts.join(";")
    };
    let table_rows = html! {
        @for r in &rows {
            tr {
                td.num { (r.line) }
                td { @match &r.entity {
                    Some((id, name)) => a href={ "/entities/" (id) } { (name) },
                    None => span.error { (ctx.say("data-unmatched", &[("said", &r.said)])) },
                } }
                td { (facts_of(r)) }
            }
        }
    };
    let cols = [(ctx.l("data-row"), true), (ctx.l("data-entity"), false), (ctx.l("data-facts"), false)];
    let ok = errs.is_empty() && unmatched.is_empty() && !source.is_empty() && !rows.is_empty();
    let body = html! {
        p { (ctx.say("data-preview-of", &[("file", file)])) }
        @if source.is_empty() { p.error role="alert" { (ctx.l("data-source-required")) } }
        @if !errs.is_empty() || !unmatched.is_empty() {
            div.summary-errors role="alert" {
                p { (ctx.l("data-refused-cells")) }
                ul {
                    @for e in errs.iter().take(200) { li { (e) } }
                    @for r in &unmatched { li { (ctx.say("data-no-entity", &[("row", &r.line.to_string()), ("said", &r.said)])) } }
                }
            }
        }
        (super::table(Some("preview"), &cols, table_rows))
        @if ok {
            form method="post" action="/records/confirm" class="card" {
                (ctx.csrf_field())
                input type="hidden" name="csv" value=(text);
                input type="hidden" name="source" value=(source);
                input type="hidden" name="file" value=(file);
                p { (ctx.say("data-confirm-records", &[("rows", &rows.len().to_string())])) }
                p { button type="submit" #confirm-records { (ctx.l("data-confirm")) } " " a href="/records" { (ctx.l("data-cancel")) } }
            }
        } @else {
            p { (ctx.l("data-fix-and-upload-again")) " " a href="/records" { (ctx.l("data-back")) } }
        }
    };
    ctx.page_status(if ok { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY }, title, body)
}

pub(super) async fn confirm_records(ctx: Ctx, State(s): St, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/records") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let (text, source, file) = (field(&form, "csv"), field(&form, "source").trim(), field(&form, "file"));
    let index = match s.store.entity_index(&p).await {
        Ok(i) => i,
        Err(e) => return super::store_error(&ctx, e),
    };
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = rdr.headers().map(|h| h.iter().map(|c| c.trim().to_string()).collect()).unwrap_or_default();
    let Ok(l) = layout(&ctx, &s.pack, &p, &header) else {
        return preview_records(&ctx, &s, &p, source, file, text).await;
    };
    let (rows, errs) = read_records(&ctx, &s.pack, &l, &mut rdr, &index);
    if !errs.is_empty() || rows.iter().any(|r| r.entity.is_none()) || source.is_empty() {
        return preview_records(&ctx, &s, &p, source, file, text).await;
    }
    // Every row or none: one import (the department, the file and who in its provenance).
    let mut lines = String::new();
    for r in &rows {
        let uscc = &index.iter().find(|e| Some(e.0) == r.entity.as_ref().map(|x| x.0)).expect("matched").1;
        for f in &r.facts {
            let _ = writeln!(lines, "{}", json!({"uscc": uscc, "year": f.year, "fact": f.name, "value": f.value}));
        }
        for e in &r.events {
            let _ = writeln!(lines, "{}", json!({"uscc": uscc, "event": e}));
        }
    }
    let provenance = format!("{source} ({file})");
    match s.store.import_facts(&s.pack, &p, ImportFormat::JsonLines, &provenance, &lines).await {
        Ok(v) => {
            let done = ctx.say(
                "data-records-stored",
                &[("rows", &rows.len().to_string()), ("facts", &v["rows"].to_string()), ("entities", &v["entities"].to_string())],
            );
            let body = html! {
                p.card role="status" #data-done { (done) }
                p { a href="/records" { (ctx.l("data-upload-more")) } }
            };
            ctx.page(ctx.l("data-records"), body)
        }
        Err(e) => render_records(&ctx, &s, Some(super::refusal_text(&ctx, e))).await,
    }
}

/// One entity's facts recorded by hand (a correction, a figure the department had on paper).
pub(super) async fn record_one(ctx: Ctx, State(s): St, Path(id): Path<i64>, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, &format!("/entities/{id}")) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let year = field(&form, "year").trim().parse::<i64>().ok();
    let name = field(&form, "fact").trim();
    let yearly = s.pack.vocab.yearly(name).is_some();
    let input = FactsInput {
        source: field(&form, "source").into(),
        facts: vec![FactInput {
            year: if yearly { year } else { None },
            name: name.into(),
            value: J::String(field(&form, "value").into()),
        }],
        events: Vec::new(),
    };
    match s.store.record_facts(&s.pack, &p, id, input).await {
        Ok(_) => Redirect::to(&format!("/entities/{id}?recorded=1#facts")).into_response(),
        Err(e) => {
            let (status, msg) = super::refusal_text(&ctx, e);
            ctx.page_status(
                status,
                ctx.l("data-record-fact"),
                html! { p.error role="alert" { (msg) } p { a href={ "/entities/" (id) } { (ctx.l("data-back")) } } },
            )
        }
    }
}

// ----- users -------------------------------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
pub(super) struct UsersQuery {
    done: Option<String>,
    name: Option<String>,
}

pub(super) async fn users(ctx: Ctx, State(s): St, Query(q): Query<UsersQuery>) -> Response {
    // What was just done, said with the user's name (a name is not translated).
    let done = q.done.as_deref().and_then(|d| {
        let id = match d {
            "created" => "data-user-created",
            "disabled" => "data-user-disabled",
            "enabled" => "data-user-enabled",
            "password" => "data-password-reset",
            _ => return None,
        };
        Some(html! { (ctx.l(id)) " " span translate="no" { (q.name.as_deref().unwrap_or("")) } })
    });
    render_users(&ctx, &s, done, None, &[]).await
}

async fn render_users(
    ctx: &Ctx,
    s: &AppState,
    done: Option<Markup>,
    error: Option<(StatusCode, String)>,
    typed: &[(String, String)],
) -> Response {
    let p = match ctx.require_user() {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let title = ctx.l("data-users");
    let list = match s.store.users(p).await {
        Ok(l) => l,
        Err(e) => return super::store_error(ctx, e),
    };
    let l = ctx.lang;
    // An entity user's scope by its entity's name.
    let names: HashMap<i64, String> = s
        .store
        .entities(p)
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|e| Some((e["id"].as_i64()?, e["name"].as_str()?.to_string())))
        .collect();
    let rows = html! {
        @for u in &list {
            @let id = u["id"].as_i64().unwrap_or(0);
            @let role = Role::parse(u["role"].as_str().unwrap_or("")).map(|r| super::role_text(l, r)).unwrap_or_default();
            @let scope = match (u["department"].as_str(), u["county"].as_str(), u["entity_id"].as_i64()) {
                (Some(d), _, _) => s.pack.department_name(d, l),
                (_, Some(c), _) => county_name(&s.pack, c, l),
                (_, _, Some(e)) => names.get(&e).cloned().unwrap_or_else(|| ctx.say("data-entity-n", &[("id", &e.to_string())])),
                _ => String::new(),
            };
            @let disabled = u["disabled"] == true;
            tr {
                td translate="no" { (u["username"].as_str().unwrap_or("")) }
                td { (role) }
                td { (scope) }
                td { (if disabled { ctx.l("data-disabled") } else { ctx.l("data-active") }) }
                td {
                    form method="post" action={ "/users/" (id) "/state" } class="inline" {
                        (ctx.csrf_field())
                        input type="hidden" name="disabled" value=(!disabled);
                        button type="submit" class="secondary" { (if disabled { ctx.l("data-enable") } else { ctx.l("data-disable") }) }
                    }
                    " "
                    form method="post" action={ "/users/" (id) "/password" } class="inline" {
                        (ctx.csrf_field())
                        label.visually-hidden for={ "pw-" (id) } { (ctx.l("data-new-password")) }
                        input id={ "pw-" (id) } name="password" type="password" autocomplete="new-password" minlength="10" placeholder=(ctx.l("data-new-password"));
                        " "
                        button type="submit" class="secondary" { (ctx.l("data-reset-password")) }
                    }
                }
            }
        }
    };
    let cols = [
        (ctx.l("page-user-name"), false),
        (ctx.l("data-role"), false),
        (ctx.l("data-scope"), false),
        (ctx.l("data-state"), false),
        ("", false),
    ];
    let body = html! {
        @if let Some((_, m)) = &error { p.error role="alert" #data-error { (m) } }
        @if let Some(d) = done { p.card role="status" #data-done { (d) } }
        (super::table(Some("users"), &cols, rows))
        h2 { (ctx.l("data-new-user")) }
        form method="post" action="/users" class="card" {
            (ctx.csrf_field())
            p { label for="username" { (ctx.l("page-user-name")) } input #username name="username" value=(field(typed, "username")) required autocomplete="off"; }
            p { label for="password" { (ctx.l("page-password")) } input #password name="password" type="password" minlength="10" required autocomplete="new-password"; }
            p {
                label for="role" { (ctx.l("data-role")) }
                select #role name="role" {
                    @for r in [Role::Entity, Role::Reviewer, Role::Finance, Role::County, Role::Admin] {
                        option value=(r.as_str()) selected[field(typed, "role") == r.as_str()] { (super::role_text(l, r)) }
                    }
                }
            }
            p {
                label for="department" { (ctx.l("data-department")) }
                select #department name="department" {
                    option value="" {}
                    @for d in &s.pack.departments { option value=(d.id) selected[field(typed, "department") == d.id] { (d.name.get(l)) } }
                }
            }
            p {
                label for="county" { (ctx.l("data-county")) }
                select #county name="county" { option value="" {} (options(&s.pack, s.pack.county_enum, field(typed, "county"), l)) }
            }
            p { label for="entity_uscc" { (ctx.l("data-entity-code")) } input #entity_uscc name="entity_uscc" value=(field(typed, "entity_uscc")) translate="no"; }
            p.hint { (ctx.l("data-scope-hint")) }
            p { button type="submit" #create-user { (ctx.l("data-create-user")) } }
        }
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.0);
    ctx.page_status(status, title, body)
}

pub(super) async fn create_user(ctx: Ctx, State(s): St, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/users") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let opt = |k: &str| Some(field(&form, k).trim().to_string()).filter(|v| !v.is_empty());
    // An entity user is named by its entity's credit code (people know codes, not ids).
    let entity_id = match opt("entity_uscc") {
        Some(code) => match s.store.entity_index(&p).await {
            Ok(i) => match i.iter().find(|e| e.1 == code.to_uppercase()) {
                Some(e) => Some(e.0),
                None => {
                    return render_users(
                        &ctx,
                        &s,
                        None,
                        Some((StatusCode::UNPROCESSABLE_ENTITY, ctx.say("data-no-entity-code", &[("code", &code)]))),
                        &form,
                    )
                    .await;
                }
            },
            Err(e) => return render_users(&ctx, &s, None, Some(super::refusal_text(&ctx, e)), &form).await,
        },
        None => None,
    };
    let u = NewUser {
        username: field(&form, "username").trim().into(),
        password: field(&form, "password").into(),
        role: field(&form, "role").into(),
        entity_id,
        department: opt("department"),
        county: opt("county"),
    };
    let name = u.username.clone();
    match s.store.create_user(&s.pack, Some(&p), u).await {
        Ok(_) => Redirect::to(&format!("/users?done=created&name={}", pct(&name))).into_response(),
        Err(e) => render_users(&ctx, &s, None, Some(super::refusal_text(&ctx, e)), &form).await,
    }
}

pub(super) async fn user_state(ctx: Ctx, State(s): St, Path(id): Path<i64>, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/users") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let disabled = field(&form, "disabled") == "true";
    match s.store.update_user(&s.pack, &p, id, UserUpdate { disabled: Some(disabled), ..UserUpdate::default() }).await {
        Ok(u) => {
            let done = if disabled { "disabled" } else { "enabled" };
            Redirect::to(&format!("/users?done={done}&name={}", pct(u["username"].as_str().unwrap_or("")))).into_response()
        }
        Err(e) => render_users(&ctx, &s, None, Some(super::refusal_text(&ctx, e)), &[]).await,
    }
}

pub(super) async fn user_password(ctx: Ctx, State(s): St, Path(id): Path<i64>, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/users") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    match s.store.set_password(&p, id, field(&form, "password"), None, None).await {
        Ok(()) => Redirect::to("/users?done=password").into_response(),
        Err(e) => render_users(&ctx, &s, None, Some(super::refusal_text(&ctx, e)), &[]).await,
    }
}

// ----- indicator observations and task updates ----------------------------------------------------

/// One CSV record, quoted as CSV needs.
fn csv_line(header: &str, cells: &[&str]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(cells);
    format!("{header}\n{}", String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default())
}

const OBS_HEADER: &str = "indicator,scope,year,value,unit,source,entered_by";
const TASK_HEADER: &str = "task,date,unit,text,value";

pub(super) async fn progress(ctx: Ctx, State(s): St, Query(q): Query<UsersQuery>) -> Response {
    let done = q.done.as_deref().map(|d| ctx.say("data-progress-done", &[("n", d)]));
    render_progress(&ctx, &s, done.as_deref(), None).await
}

async fn render_progress(ctx: &Ctx, s: &AppState, done: Option<&str>, error: Option<(StatusCode, String)>) -> Response {
    let p = match ctx.require_user() {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let title = ctx.l("data-progress");
    if !matches!(p.role, Role::Admin | Role::Reviewer | Role::County) {
        return ctx.page_status(StatusCode::FORBIDDEN, title, html! { p { (ctx.l("data-progress-only")) } });
    }
    let (l, plan) = (ctx.lang, &s.pack.plan);
    // A county official reports for its own county only.
    let counties = s.pack.enums[s.pack.county_enum as usize]
        .variants
        .iter()
        .filter(|v| p.role != Role::County || p.county.as_deref() == Some(v.id.as_str()));
    let body = html! {
        (error_box(error.as_ref()))
        @if let Some(d) = done { p.card role="status" #data-done { (d) } }
        h2 { (ctx.l("data-record-observation")) }
        form method="post" action="/progress/observation" class="card" {
            (ctx.csrf_field())
            p {
                label for="indicator" { (ctx.l("data-indicator")) }
                select #indicator name="indicator" { @for i in &plan.indicators { option value=(i.number) { (i.number) ". " (i.title.get(l)) } } }
            }
            p {
                label for="scope" { (ctx.l("data-scope")) }
                select #scope name="scope" {
                    @if p.role != Role::County { option value="city" { (ctx.l("data-whole-city")) } }
                    @for v in counties { option value=(v.id) { (v.name.get(l)) } }
                }
            }
            p { label for="obs-year" { (ctx.l("entity-claim-year")) } input #obs-year name="year" inputmode="numeric" required; }
            p { label for="obs-value" { (ctx.l("entity-fact-value")) } input #obs-value name="value" required; }
            p { label for="obs-unit" { (ctx.l("data-unit")) } input #obs-unit name="unit"; }
            p { label for="obs-source" { (ctx.l("data-source")) } input #obs-source name="source" required; }
            p { button type="submit" #record-observation { (ctx.l("entity-record")) } }
        }
        h2 { (ctx.l("data-record-task")) }
        form method="post" action="/progress/task" class="card" {
            (ctx.csrf_field())
            p {
                label for="task" { (ctx.l("data-task")) }
                select #task name="task" { @for t in &plan.tasks { option value=(t.id) { "[" (t.clause) "] " (t.title.get(l)) } } }
            }
            p { label for="task-date" { (ctx.l("data-date")) } input #task-date name="date" required placeholder="2023-06-30"; }
            p { label for="task-unit" { (ctx.l("data-responsible-unit")) } input #task-unit name="unit"; }
            p { label for="task-text" { (ctx.l("data-progress-text")) } textarea #task-text name="text" required {} }
            p { label for="task-value" { (ctx.l("data-progress-value")) } input #task-value name="value"; }
            p { button type="submit" #record-task { (ctx.l("entity-record")) } }
        }
        h2 { (ctx.l("data-upload-progress")) }
        form method="post" action="/progress/upload" enctype="multipart/form-data" class="card" {
            (ctx.csrf_field())
            p { (ctx.l("data-upload-progress-intro")) }
            p {
                label for="progress-kind" { (ctx.l("data-kind-of-file")) }
                select #progress-kind name="kind" {
                    option value="observations" { (ctx.l("data-observations")) }
                    option value="tasks" { (ctx.l("data-task-updates")) }
                }
            }
            p { label for="progress-file" { (ctx.l("data-file")) } input #progress-file type="file" name="file" accept=".csv,.xlsx,text/csv" required; }
            p { button type="submit" #upload-progress { (ctx.l("data-upload-and-record")) } }
        }
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.0);
    ctx.page_status(status, title, body)
}

/// Records observations or task updates (CSV text) and answers with the page.
async fn record_progress(ctx: &Ctx, s: &AppState, p: &Principal, tasks: bool, csv: &str) -> Response {
    let res = if tasks { s.store.record_task_updates(&s.pack, p, csv).await } else { s.store.record_observations(&s.pack, p, csv).await };
    match res {
        Ok(v) => {
            let n = v["recorded"].as_u64().or_else(|| v["rows"].as_u64()).unwrap_or(0);
            Redirect::to(&format!("/progress?done={n}")).into_response()
        }
        Err(e) => render_progress(ctx, s, None, Some(super::refusal_text(ctx, e))).await,
    }
}

pub(super) async fn record_observation(ctx: Ctx, State(s): St, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/progress") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let f = |k: &str| field(&form, k).trim();
    let csv = csv_line(OBS_HEADER, &[f("indicator"), f("scope"), f("year"), f("value"), f("unit"), f("source"), &p.username]);
    record_progress(&ctx, &s, &p, false, &csv).await
}

pub(super) async fn record_task(ctx: Ctx, State(s): St, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/progress") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let f = |k: &str| field(&form, k).trim();
    let csv = csv_line(TASK_HEADER, &[f("task"), f("date"), f("unit"), f("text"), f("value")]);
    record_progress(&ctx, &s, &p, true, &csv).await
}

pub(super) async fn upload_progress(ctx: Ctx, State(s): St, mp: Multipart) -> Response {
    let u = read_upload(mp).await;
    let p = match ctx.acting(&u.fields, "/progress") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    if u.too_large {
        return render_progress(&ctx, &s, None, Some((StatusCode::PAYLOAD_TOO_LARGE, ctx.l("data-file-too-large").into()))).await;
    }
    let Some((_, bytes)) = u.file.filter(|f| !f.1.is_empty()) else {
        return render_progress(&ctx, &s, None, Some((StatusCode::UNPROCESSABLE_ENTITY, ctx.l("data-choose-file").into()))).await;
    };
    match table_text(&ctx, &bytes) {
        Ok(text) => record_progress(&ctx, &s, &p, field(&u.fields, "kind") == "tasks", &text).await,
        Err(m) => render_progress(&ctx, &s, None, Some((StatusCode::UNPROCESSABLE_ENTITY, m))).await,
    }
}
