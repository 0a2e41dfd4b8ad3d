//! The ledger workflow: entities → facts (with provenance) → applications (evaluations) → awards
//! routed to their verifying departments → verification → decision inside the allowed interval →
//! payout in the budget year → paid. Every call takes the [`Principal`] it acts for and refuses
//! what lies outside its role or scope; every change is written with its audit entry in one
//! transaction.

use crate::audit::Entry;
use crate::auth::{Principal, Role};
use crate::{Error, FieldError, Msg, Result, Store, cell_msg, fen_grouped, fen_text, other_text, rfc3339, to_fen};
use qiangke_rules::facts::{cell_json, parse_cell};
use qiangke_rules::model::{RuleKind, Type};
use qiangke_rules::{Options, Pack, State, evaluate, explain, load_facts};
use serde::Deserialize;
use serde_json::{Value as J, json};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::{BTreeMap, HashMap, HashSet};

/// An award with its entity's county, code and name: what `award_json` and `sees_award` read.
const AWARD_SELECT: &str = "SELECT a.id, a.application_id, a.entity_id, a.rule_id, a.clause, a.claim_year, a.budget_year, \
     a.verifiers, a.payer, a.low_fen, a.high_fen, a.once_key, a.status, a.result, a.created_at, a.round_id, a.confirmation, a.review_flag, \
     e.county, e.uscc, e.name FROM awards a JOIN entities e ON e.id = a.entity_id";

/// Oldest and newest calendar year a yearly fact or claim may name.
const YEARS: std::ops::RangeInclusive<i64> = 1990..=2100;

/// An entity to register.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"uscc": "91620600123456788A", "name": "甲公司", "kind": "enterprise", "county": "liangzhou"})))]
pub struct NewEntity {
    /// The unified social credit code (GB 32100-2015; both check characters are verified).
    #[schema(pattern = r"^\s*[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}\s*$", examples("91620600123456788A"))]
    pub uscc: String,
    /// The registered name.
    #[schema(pattern = r"\S", examples("甲公司"))]
    pub name: String,
    /// The kind of applicant (a variant of the pack's applicant enum, by id or name).
    pub kind: String,
    /// The county (a variant of the pack's county enum, by id or name).
    pub county: String,
}

/// Which audit entries to show: an entity, a user (by name), an action, a time range (epoch
/// milliseconds, both ends included), and a page (entries older than `before`).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<i64>,
    pub user: String,
    pub action: String,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub before: Option<i64>,
    pub limit: i64,
}

struct AuditExtra {
    entity: i64,
    actor: String,
    action: String,
    from: i64,
    to: i64,
    before: i64,
}

/// What the budget appropriates to one line.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"budget_year": 2024, "paid_by": "science-bureau", "clause": "四(二)8", "amount": "3000000"})))]
pub struct AppropriationInput {
    pub budget_year: i64,
    /// The paying department's id.
    pub paid_by: String,
    /// A clause that department pays.
    pub clause: String,
    /// Yuan (`3000000`, `300万元`), exact to the fen.
    pub amount: String,
}

/// `12.34%`: `part` of `whole` in percent, to a hundredth (rounded half up), computed exactly.
fn percent(part: i64, whole: i64) -> String {
    let d = rust_decimal::Decimal::from(part) * rust_decimal::Decimal::ONE_HUNDRED / rust_decimal::Decimal::from(whole);
    format!("{}%", d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
}

/// One payout paid with its voucher.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"voucher": "记-2024-0317", "paid_on": "2024-03-15", "account": "武威市财政局国库账户"})))]
pub struct MarkPaidInput {
    #[schema(pattern = r"\S", max_length = 64)]
    pub voucher: String,
    #[schema(format = Date)]
    pub paid_on: String,
    #[schema(pattern = r"\S", max_length = 64)]
    pub account: String,
}

/// A payment: scheduled payouts paid with one voucher.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"payouts": [1, 2], "voucher": "记-2024-0317", "paid_on": "2024-03-15", "account": "武威市财政局国库账户", "request_key": "f3a9c2"})))]
pub struct PaymentInput {
    /// The payouts paid (ids, each once; all scheduled).
    pub payouts: Vec<i64>,
    /// The voucher's number (凭证号).
    #[schema(pattern = r"\S", max_length = 64)]
    pub voucher: String,
    /// The payment date, YYYY-MM-DD.
    #[schema(format = Date)]
    pub paid_on: String,
    /// The paying account.
    #[schema(pattern = r"\S", max_length = 64)]
    pub account: String,
    /// Makes a payment sent twice one payment: the same key answers with the payment made (the
    /// same payouts and voucher; a key reused for another payment is refused).
    #[serde(default)]
    #[schema(max_length = 128)]
    pub request_key: Option<String>,
}

/// Facts to record for one entity: attributes and yearly figures (`year` given) and events.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"source": "2023年度报告", "facts": [{"year": 2023, "name": "rd_expenditure", "value": "15000000"}, {"name": "above_scale", "value": true}],
    "events": [{"type": "recognition", "date": "2023-11-20", "kind": "high_tech", "renewal": false}]})))]
pub struct FactsInput {
    /// Where the figures come from (an annual report, a department's list …).
    #[schema(pattern = r"\S")]
    pub source: String,
    #[serde(default)]
    pub facts: Vec<FactInput>,
    /// Events: each an object with its `type`, its `date` and the fields of that type.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<J>,
}

/// One attribute (no `year`) or yearly figure (with its `year`).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FactInput {
    /// The year of a yearly figure; left out for an attribute of the entity.
    #[serde(default)]
    #[schema(minimum = 1990, maximum = 2100)]
    pub year: Option<i64>,
    /// The fact's name in the pack's vocabulary.
    pub name: String,
    /// The value as text, a number or a boolean: `"15000000"`, `"1500万元"`, `3`, `true`.
    #[schema(value_type = Value)]
    pub value: J,
}

/// Format of a bulk import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// Header `uscc,year,fact,value`; `year` empty for an attribute.
    Csv,
    /// One object per line: `{"uscc", "year"?, "fact", "value"}` or `{"uscc", "event": {…}}`.
    JsonLines,
}

/// A validated fact row ready to insert.
#[derive(Debug, Clone)]
struct FactRow {
    entity_id: i64,
    scope: &'static str,
    year: Option<i64>,
    name: String,
    value: String,
}

fn entity_json(r: &AnyRow) -> Result<J> {
    Ok(json!({
        "id": r.try_get::<i64, _>("id")?,
        "uscc": r.try_get::<String, _>("uscc")?,
        "name": r.try_get::<String, _>("name")?,
        "kind": r.try_get::<String, _>("kind")?,
        "county": r.try_get::<String, _>("county")?,
    }))
}

/// The text form of a JSON fact value: `true`, `15000000`, `"1500万元"` → `1500万元`.
fn value_text(v: &J) -> Option<String> {
    match v {
        J::Bool(b) => Some(b.to_string()),
        J::Number(n) => Some(n.to_string()),
        J::String(s) => Some(s.clone()),
        _ => None,
    }
}

fn amount_json(low: i64, high: Option<i64>) -> J {
    json!({"low": fen_text(low), "high": high.map(fen_text)})
}

/// A LIKE pattern matching `,dept,` inside a verifier list, with `%`, `_` and `\\` escaped (use
/// with `ESCAPE '\\'`).
fn dept_pattern(dept: &str) -> String {
    let esc: String = dept.chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
    format!("%,{esc},%")
}

/// `,science-bureau,industry-bureau,` — delimited on both sides so a match of `,id,` is exact.
fn verifier_list(ids: &[&str]) -> String {
    format!(",{},", ids.join(","))
}

/// What registration says of an entity.
pub(crate) struct EntityHead {
    pub uscc: String,
    pub name: String,
    pub kind: String,
    pub county: String,
}

/// The facts in force of one entity as a facts document: its registration and its fact rows
/// `(scope, year, name, value)` in the order they were entered (a later row overrides an earlier).
pub(crate) fn facts_document(
    pack: &Pack,
    head: &EntityHead,
    rows: impl Iterator<Item = Result<(String, Option<i64>, String, String)>>,
) -> Result<J> {
    let mut entity = serde_json::Map::new();
    entity.insert("id".into(), J::String(head.uscc.clone()));
    entity.insert("name".into(), J::String(head.name.clone()));
    entity.insert("kind".into(), J::String(head.kind.clone()));
    entity.insert("uscc".into(), J::String(head.uscc.clone()));
    entity.insert("county".into(), J::String(head.county.clone()));
    let mut years: BTreeMap<String, serde_json::Map<String, J>> = BTreeMap::new();
    let mut events = Vec::new();
    for r in rows {
        let (scope, year, name, value) = r?;
        match (scope.as_str(), year) {
            ("attribute", _) => {
                if let Some(i) = pack.vocab.attribute(&name) {
                    entity.insert(name, cell_json(pack.vocab.attributes[i].ty, &value));
                } else if let Some(i) = pack.vocab.yearly(&name).filter(|&i| pack.vocab.yearly[i].every_year) {
                    entity.insert(name, cell_json(pack.vocab.yearly[i].ty, &value));
                }
            }
            ("yearly", Some(y)) => {
                if let Some(i) = pack.vocab.yearly(&name) {
                    years.entry(y.to_string()).or_default().insert(name, cell_json(pack.vocab.yearly[i].ty, &value));
                }
            }
            _ => events.push(
                serde_json::from_str::<J>(&value).map_err(|e| Error::Conflict(Msg::new("ledger-stored-event-not-json").arg("error", e)))?,
            ),
        }
    }
    Ok(json!({"entity": entity, "years": years, "events": events}))
}

/// The facts of a document the ledger made ([`facts_document`]), without positions in it: an
/// explanation cites the plan's sentences, not a line and column of a document nobody wrote.
pub fn ledger_facts(pack: &Pack, doc_text: &str) -> std::result::Result<qiangke_rules::Facts, qiangke_rules::Report> {
    let mut facts = load_facts(pack, "ledger.json", doc_text)?;
    facts.forget_positions();
    Ok(facts)
}

/// SHA-256 of the pack and a facts document: what an application or a proposal is made on (the
/// document's keys are sorted, so the same facts give the same text).
pub(crate) fn facts_hash(pack: &Pack, doc_text: &str) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::new_with_prefix(pack.hash.as_bytes()).chain_update(doc_text.as_bytes()).finalize();
    hex::encode(d)
}

/// A fact's path (`years.2023.rd_expenditure`) in the words of the vocabulary
/// (`年度研发经费内部支出(2023)`), for messages people read.
fn fact_words(pack: &Pack, path: &str) -> String {
    let v = &pack.vocab;
    if let Some(i) = path.strip_prefix("entity.").and_then(|n| v.attribute(n)) {
        return v.attributes[i].title.zh.clone();
    }
    if let Some((year, name)) = path.strip_prefix("years.").and_then(|x| x.split_once('.'))
        && let Some(i) = v.yearly(name)
    {
        return format!("{}({year})", v.yearly[i].title.zh);
    }
    path.to_string()
}

/// Registers one checked entity in the writer's transaction, with its audit entry (`list`: it came
/// with a list).
async fn insert_entity(
    w: &mut crate::audit::Writer,
    p: &Principal,
    uscc: &str,
    name: &str,
    kind: &str,
    county: &str,
    list: bool,
) -> Result<i64> {
    let id: i64 =
        sqlx::query("INSERT INTO entities (uscc, name, kind, county, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(uscc)
            .bind(name)
            .bind(kind)
            .bind(county)
            .bind(p.user_id)
            .bind(w.now())
            .fetch_one(w.conn())
            .await?
            .try_get(0)?;
    let mut detail = json!({"id": id, "uscc": uscc, "name": name, "kind": kind, "county": county});
    if list {
        detail["list"] = J::Bool(true);
    }
    w.log(Entry {
        actor: p.actor(),
        action: "entity.register",
        subject: format!("entity:{id}"),
        entity_id: Some(id),
        department: None,
        detail,
    });
    Ok(id)
}

/// Checks an entity to register: the credit code (GB 32100), a name, kind and county in the
/// pack's vocabulary. `Ok((uscc, kind, county))` with the code trimmed and kind and county as ids.
fn check_entity(pack: &Pack, e: &NewEntity) -> std::result::Result<(String, String, String), Vec<FieldError>> {
    let mut errs = Vec::new();
    let uscc = e.uscc.trim().to_string();
    if let Err(c) = parse_cell(pack, Type::Uscc, &uscc) {
        errs.push(FieldError::new("uscc", cell_msg(c, false)));
    }
    if e.name.trim().is_empty() {
        errs.push(FieldError::new("name", Msg::new("ledger-entity-name-required")));
    }
    let mut variant = |field: &str, en: u16, text: &str| match parse_cell(pack, Type::Enum(en), text) {
        Ok(v) => v.key(pack),
        Err(c) => {
            errs.push(FieldError::new(field, cell_msg(c, true)));
            String::new()
        }
    };
    let kind = variant("kind", pack.applicant_enum, &e.kind);
    let county = variant("county", pack.county_enum, &e.county);
    if errs.is_empty() { Ok((uscc, kind, county)) } else { Err(errs) }
}

/// The columns of an entity list, by the names people give them.
const ENTITY_COLUMNS: [(&str, &[&str]); 4] = [
    ("uscc", &["uscc", "统一社会信用代码", "信用代码", "統一社會信用代碼"]),
    ("name", &["name", "名称", "企业名称", "单位名称", "名稱", "企業名稱"]),
    ("kind", &["kind", "类型", "主体类型", "申报主体类型", "類型"]),
    ("county", &["county", "县区", "所在县区", "縣區"]),
];

/// What would become of one row of an entity list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EntityListRow {
    /// 1-based, the header is row 1.
    pub row: usize,
    pub uscc: String,
    pub name: String,
    /// `new`, `registered` (the same entity is registered already) or `refused`.
    pub outcome: &'static str,
    /// The entity's id when registered already (or once imported).
    pub id: Option<i64>,
}

/// An award to write: the rule, amounts and once-key, with the self-contained explanation it
/// keeps (the result and what its rule says).
pub(crate) struct NewAward<'p> {
    pub app: i64,
    pub entity_id: i64,
    pub rule: &'p qiangke_rules::model::Rule,
    pub claim_year: i32,
    pub budget_year: i32,
    pub low_fen: i64,
    pub high_fen: Option<i64>,
    pub once_key: String,
    /// Its own part of the explanation, naming the shared part by its hash.
    pub result: String,
    /// What it shares with other awards of its rule.
    pub shared: std::sync::Arc<Shared>,
}

/// What the awards of one rule share, with the interpretations that applied: made once per
/// rule and set of notes, however many awards a round writes.
pub(crate) struct Shared {
    hash: String,
    body: String,
    /// The interpretations as the explanation's last lines, by language (`zh`, `en`).
    notes: [String; 2],
}

/// [`Shared`] texts made so far, by rule and the notes that applied.
#[derive(Default)]
pub(crate) struct SharedTexts(HashMap<(usize, Vec<usize>), std::sync::Arc<Shared>>);

impl SharedTexts {
    fn of(&mut self, pack: &Pack, r: &qiangke_rules::RuleResult<'_>) -> std::sync::Arc<Shared> {
        let rule = pack.rules.iter().position(|x| std::ptr::eq(x, r.rule)).unwrap_or(usize::MAX);
        self.0
            .entry((rule, r.notes.clone()))
            .or_insert_with(|| {
                let mut shared = explain::rule_json(pack, r.rule);
                let notes = [qiangke_rules::Lang::Zh, qiangke_rules::Lang::En].map(|l| explain::result_notes_text(pack, r, l));
                if let Some(f) = shared.as_object_mut() {
                    f.insert(
                        "notes_text".into(),
                        json!(
                            r.notes
                                .iter()
                                .map(|n| json!({"id": pack.notes[*n].id, "clause": pack.notes[*n].clause, "choice": pack.notes[*n].choice}))
                                .collect::<Vec<_>>()
                        ),
                    );
                    f.insert("explanation_notes".into(), json!({"zh": notes[0], "en": notes[1]}));
                }
                let body = shared.to_string();
                std::sync::Arc::new(Shared { hash: crate::auth::sha256_hex(&body), body, notes })
            })
            .clone()
    }
}

impl<'p> NewAward<'p> {
    /// `shared`: the texts made for earlier awards (a round makes each once).
    /// `rj`: the result's JSON (`c.rj`, given up by the caller that no longer needs it).
    pub(crate) fn of(pack: &Pack, app: i64, entity_id: i64, c: &Candidate<'_, 'p>, rj: J, shared: &mut SharedTexts) -> NewAward<'p> {
        let r = c.r;
        // What every award of this rule shares (the rule's text and quotes, the notes that
        // applied, the explanation's last lines that say them) is kept once, under its hash; the
        // award keeps the rest and names it. A key of the result wins over the rule's, as when
        // the two were one object.
        let sh = shared.of(pack, r);
        let mut own = match rj {
            J::Object(o) => o,
            _ => serde_json::Map::new(),
        };
        let explanation: serde_json::Map<String, J> = [("zh", qiangke_rules::Lang::Zh), ("en", qiangke_rules::Lang::En)]
            .iter()
            .zip(&sh.notes)
            .map(|((key, lang), tail)| {
                let whole = explain::result_to_text(pack, r, *lang);
                let body = whole.strip_suffix(tail.as_str()).map(str::to_string);
                // (A text that does not end with them keeps them: nothing is lost.)
                (key.to_string(), J::String(body.unwrap_or(whole)))
            })
            .collect();
        own.insert("explanation".into(), J::Object(explanation));
        own.insert("shared".into(), J::String(sh.hash.clone()));
        NewAward {
            app,
            entity_id,
            rule: r.rule,
            claim_year: r.claim_year,
            budget_year: c.budget_year,
            low_fen: c.low_fen,
            high_fen: c.high_fen,
            once_key: c.once_key.clone(),
            result: J::Object(own).to_string(),
            shared: sh,
        }
    }
}

/// An award's stored result made whole again: what it shares with other awards (`"shared"`,
/// see [`NewAward::of`]) merged back under its own keys. A result kept whole is returned as it is.
pub(crate) async fn whole_result(conn: &mut sqlx::AnyConnection, text: &str) -> Result<J> {
    let mut own: J = serde_json::from_str(text).unwrap_or(J::Null);
    let Some(hash) = own.as_object_mut().and_then(|o| o.remove("shared")) else { return Ok(own) };
    let body: Option<String> = sqlx::query("SELECT body FROM shared_texts WHERE hash = $1")
        .bind(hash.as_str().unwrap_or_default())
        .fetch_optional(conn)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
    let mut whole: J = body.and_then(|b| serde_json::from_str(&b).ok()).unwrap_or_else(|| json!({}));
    let notes = whole.as_object_mut().and_then(|w| w.remove("explanation_notes"));
    if let (Some(w), J::Object(o)) = (whole.as_object_mut(), own) {
        w.extend(o);
    }
    // The explanation ends with the interpretations, as it was written.
    if let (Some(notes), Some(ex)) = (notes, whole.get_mut("explanation").and_then(J::as_object_mut)) {
        for (lang, text) in ex.iter_mut() {
            if let (J::String(t), Some(tail)) = (text, notes[lang.as_str()].as_str()) {
                t.push_str(tail);
            }
        }
    }
    Ok(whole)
}

/// An awarded result of an evaluation, ready to be recorded: its amount in fen and its once-key.
pub(crate) struct Candidate<'e, 'p> {
    pub r: &'e qiangke_rules::RuleResult<'p>,
    /// The result in the evaluation's JSON (`results[i]`; null until it is needed).
    pub rj: J,
    pub low_fen: i64,
    pub high_fen: Option<i64>,
    pub budget_year: i32,
    pub once_key: String,
}

/// The awarded results of award rules in `ev`, in order, each with its JSON from `evaluation`
/// (`results[i]`; null when `evaluation` is). An amount that is not a whole number of fen is
/// refused: the ledger never rounds.
pub(crate) fn candidates<'e, 'p>(entity: &str, ev: &'e qiangke_rules::Evaluation<'p>, evaluation: &J) -> Result<Vec<Candidate<'e, 'p>>> {
    let mut out = Vec::new();
    for (i, r) in ev.results.iter().enumerate() {
        let rj = evaluation["results"][i].clone();
        let (State::Awarded { low, high }, Some(by), RuleKind::Award) = (&r.state, r.budget_year, r.rule.kind) else {
            continue;
        };
        let fen = |d: &rust_decimal::Decimal| {
            to_fen(*d).ok_or_else(|| Error::Conflict(Msg::new("ledger-amount-not-fen-exact").arg("rule", &r.rule.id).arg("amount", d)))
        };
        let low_fen = fen(low)?;
        let high_fen = if *high == qiangke_rules::value::UNBOUNDED { None } else { Some(fen(high)?) };
        let once_key = r.once_key.clone().unwrap_or_else(|| {
            format!("{}|{}|{}|{}", entity, r.rule.id, r.claim_year, r.trigger.as_ref().map(|t| t.date.to_string()).unwrap_or_default())
        });
        out.push(Candidate { r, rj, low_fen, high_fen, budget_year: by, once_key });
    }
    Ok(out)
}

/// The award already in the ledger for a once-key, as `(id, status)`: one that is not rejected;
/// one rejected on these very facts (it stays rejected until the facts it was decided on change);
/// or one the entity declined (it stays declined).
async fn prior_award(conn: &mut sqlx::AnyConnection, once_key: &str, facts_hash: &str) -> Result<Option<(i64, String)>> {
    let prior = sqlx::query(
        "SELECT a.id, a.status FROM awards a JOIN applications x ON x.id = a.application_id \
         WHERE a.once_key = $1 AND (a.status <> 'rejected' OR x.facts_hash = $2 OR a.confirmation = 'declined') ORDER BY a.id LIMIT 1",
    )
    .bind(once_key)
    .bind(facts_hash)
    .fetch_optional(conn)
    .await?;
    prior.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

impl Store {
    // ----- scope -------------------------------------------------------------------------

    /// Whether `p` may see entity `id` (of `county`).
    async fn sees_entity(&self, p: &Principal, id: i64, county: &str) -> Result<bool> {
        Ok(match p.role {
            Role::Admin | Role::Finance => true,
            Role::Entity => p.entity_id == Some(id),
            Role::County => p.county.as_deref() == Some(county),
            Role::Reviewer => {
                let n: i64 = sqlx::query("SELECT COUNT(*) FROM awards WHERE entity_id = $1 AND verifiers LIKE $2 ESCAPE '\\'")
                    .bind(id)
                    .bind(dept_pattern(p.department.as_deref().unwrap_or_default()))
                    .fetch_one(&self.pool)
                    .await?
                    .try_get(0)?;
                n > 0
            }
        })
    }

    async fn entity_row(&self, id: i64) -> Result<AnyRow> {
        sqlx::query("SELECT id, uscc, name, kind, county FROM entities WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::NotFound(Msg::new("ledger-no-entity").arg("id", id)))
    }

    /// The entity, if `p` may see it (an entity outside the scope is reported as forbidden).
    pub async fn entity(&self, p: &Principal, id: i64) -> Result<J> {
        let r = self.entity_row(id).await?;
        let county: String = r.try_get("county")?;
        if !self.sees_entity(p, id, &county).await? {
            return Err(Error::Forbidden(Msg::new("ledger-entity-out-of-sight").arg("id", id)));
        }
        entity_json(&r)
    }

    /// The entities `p` may see.
    pub async fn entities(&self, p: &Principal) -> Result<Vec<J>> {
        let base = "SELECT id, uscc, name, kind, county FROM entities";
        let rows = match p.role {
            Role::Admin | Role::Finance => sqlx::query(sqlx::AssertSqlSafe(format!("{base} ORDER BY id"))).fetch_all(&self.pool).await?,
            Role::Entity => {
                sqlx::query(sqlx::AssertSqlSafe(format!("{base} WHERE id = $1")))
                    .bind(p.entity_id.unwrap_or(-1))
                    .fetch_all(&self.pool)
                    .await?
            }
            Role::County => {
                sqlx::query(sqlx::AssertSqlSafe(format!("{base} WHERE county = $1 ORDER BY id")))
                    .bind(p.county.clone().unwrap_or_default())
                    .fetch_all(&self.pool)
                    .await?
            }
            Role::Reviewer => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{base} WHERE id IN (SELECT entity_id FROM awards WHERE verifiers LIKE $1 ESCAPE '\\') ORDER BY id"
                )))
                .bind(dept_pattern(p.department.as_deref().unwrap_or_default()))
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter().map(entity_json).collect()
    }

    /// Registers an entity (admin). The credit code is checked (GB 32100), kind and county
    /// against the pack's vocabulary.
    pub async fn register_entity(&self, pack: &Pack, p: &Principal, e: NewEntity) -> Result<J> {
        p.require(&[Role::Admin], Msg::new("ledger-act-register-entity"))?;
        let (uscc, kind, county) = check_entity(pack, &e).map_err(Error::Invalid)?;
        let mut w = self.writer().await?;
        let dup = sqlx::query("SELECT id FROM entities WHERE uscc = $1").bind(&uscc).fetch_optional(w.conn()).await?;
        if let Some(d) = dup {
            let id: i64 = d.try_get(0)?;
            return Err(Error::Conflict(Msg::new("ledger-uscc-taken").arg("uscc", &uscc).arg("id", id)));
        }
        let id = insert_entity(&mut w, p, &uscc, e.name.trim(), &kind, &county, false).await?;
        let out = json!({"id": id, "uscc": uscc, "name": e.name.trim(), "kind": kind, "county": county});
        w.commit().await?;
        Ok(out)
    }

    /// Registers a list of entities (CSV; header `uscc,name,kind,county` or 统一社会信用代码、名称、
    /// 类型、县区 in any order): every row or none. A row for an entity registered already under the
    /// same name, kind and county is left as it is; one that differs is refused (a correction is
    /// made one by one, on purpose). `dry_run`: only say what would happen (the preview).
    pub async fn import_entities(&self, pack: &Pack, p: &Principal, body: &str, dry_run: bool) -> Result<J> {
        p.require(&[Role::Admin], Msg::new("ledger-act-register-entity"))?;
        let mut rdr =
            csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(body.trim_start_matches('\u{feff}').as_bytes());
        let header: Vec<String> = match rdr.headers() {
            Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
            Err(e) => return Err(Error::invalid("row 1", Msg::new("ledger-unreadable-header").arg("error", e))),
        };
        let mut at = [0usize; 4];
        let mut missing = Vec::new();
        for (k, (field, names)) in ENTITY_COLUMNS.iter().enumerate() {
            match header.iter().position(|h| names.iter().any(|n| n.eq_ignore_ascii_case(h))) {
                Some(i) => at[k] = i,
                None => missing.push(FieldError::new(
                    "row 1",
                    Msg::new("ledger-entity-column-missing").arg("column", *field).arg("names", names.join("、")),
                )),
            }
        }
        if !missing.is_empty() {
            return Err(Error::Invalid(missing));
        }
        let known: HashMap<String, (i64, String, String, String)> = sqlx::query("SELECT uscc, id, name, kind, county FROM entities")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get::<String, _>(0)?, (r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?))))
            .collect::<Result<_>>()?;
        let mut rows: Vec<EntityListRow> = Vec::new();
        let mut new: Vec<(usize, String, String, String, String)> = Vec::new();
        let mut errs = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, rec) in rdr.records().enumerate() {
            let row = i + 2;
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    errs.push(FieldError::new(format!("row {row}"), Msg::new("ledger-unreadable-row").arg("error", e)));
                    continue;
                }
            };
            if rec.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let cell = |k: usize| rec.get(at[k]).unwrap_or_default().to_string();
            let e = NewEntity { uscc: cell(0), name: cell(1), kind: cell(2), county: cell(3) };
            let mut out = EntityListRow { row, uscc: e.uscc.trim().into(), name: e.name.trim().into(), outcome: "refused", id: None };
            match check_entity(pack, &e) {
                Err(fs) => {
                    for f in fs {
                        let col = &header[at[ENTITY_COLUMNS.iter().position(|c| c.0 == f.field).unwrap_or(0)]];
                        errs.push(FieldError::new(format!("row {row}, column {col}"), f.msg.unwrap_or_else(|| other_text(&f.message))));
                    }
                }
                Ok((uscc, kind, county)) => {
                    if let Some(first) = seen.insert(uscc.clone(), row) {
                        errs.push(FieldError::new(
                            format!("row {row}, column {}", header[at[0]]),
                            Msg::new("ledger-entity-row-repeated").arg("uscc", &uscc).arg("row", first),
                        ));
                    } else if let Some((id, name, k, c)) = known.get(&uscc) {
                        if (name.as_str(), k.as_str(), c.as_str()) == (e.name.trim(), kind.as_str(), county.as_str()) {
                            out.outcome = "registered";
                            out.id = Some(*id);
                        } else {
                            errs.push(FieldError::new(
                                format!("row {row}, column {}", header[at[0]]),
                                Msg::new("ledger-uscc-taken").arg("uscc", &uscc).arg("id", id),
                            ));
                        }
                    } else {
                        out.outcome = "new";
                        new.push((rows.len(), uscc, e.name.trim().to_string(), kind, county));
                    }
                }
            }
            rows.push(out);
        }
        if rows.is_empty() && errs.is_empty() {
            return Err(Error::invalid("body", Msg::new("ledger-import-empty")));
        }
        if dry_run {
            let errors: Vec<J> = errs.iter().map(|f| json!({"field": f.field, "message": f.text(qiangke_rules::Lang::Zh), "message_en": f.text(qiangke_rules::Lang::En)})).collect();
            return Ok(json!({"dry_run": true, "rows": rows, "new": new.len(), "errors": errors}));
        }
        if !errs.is_empty() {
            errs.truncate(200);
            return Err(Error::Invalid(errs));
        }
        let mut w = self.writer().await?;
        for (k, uscc, name, kind, county) in &new {
            rows[*k].id = Some(insert_entity(&mut w, p, uscc, name, kind, county, true).await?);
        }
        w.commit().await?;
        Ok(json!({"dry_run": false, "rows": rows, "new": new.len(), "errors": []}))
    }

    // ----- facts -------------------------------------------------------------------------

    /// Checks one attribute or yearly fact against the vocabulary; a problem names the part at
    /// fault (`year`, `fact` or `value`).
    fn check_fact(
        pack: &Pack,
        year: Option<i64>,
        name: &str,
        value: &J,
    ) -> std::result::Result<(&'static str, String), (&'static str, Msg)> {
        let Some(text) = value_text(value) else {
            return Err(("value", Msg::new("ledger-fact-value-shape")));
        };
        let v = &pack.vocab;
        let (scope, ty) = match year {
            None => match v.attribute(name) {
                Some(_) if matches!(name, "kind" | "uscc" | "county") => {
                    return Err(("fact", Msg::new("ledger-fact-set-at-registration").arg("name", name)));
                }
                Some(i) => ("attribute", v.attributes[i].ty),
                // A yearly figure given for every year (facts.toml's every-year shorthand).
                None if v.yearly(name).is_some_and(|i| v.yearly[i].every_year) => {
                    ("attribute", v.yearly[v.yearly(name).expect("just found")].ty)
                }
                None if v.yearly(name).is_some() => return Err(("year", Msg::new("ledger-fact-is-yearly").arg("name", name))),
                None => return Err(("fact", Msg::new("ledger-fact-unknown").arg("name", name))),
            },
            Some(y) => {
                if !YEARS.contains(&y) {
                    return Err(("year", Msg::new("ledger-year-outside").arg("year", y).arg("from", YEARS.start()).arg("to", YEARS.end())));
                }
                match v.yearly(name) {
                    Some(i) => ("yearly", v.yearly[i].ty),
                    None if v.attribute(name).is_some() => {
                        return Err(("year", Msg::new("ledger-fact-is-attribute").arg("name", name)));
                    }
                    None => return Err(("fact", Msg::new("ledger-fact-not-yearly").arg("name", name))),
                }
            }
        };
        match parse_cell(pack, ty, &text) {
            Ok(_) => Ok((scope, text.trim().to_string())),
            Err(c) => Err(("value", cell_msg(c, true))),
        }
    }

    /// Checks one event by running it through the facts validator.
    fn check_event(pack: &Pack, kind: &str, ev: &J) -> std::result::Result<String, Msg> {
        if !ev.is_object() {
            return Err(Msg::new("ledger-event-not-object"));
        }
        let doc = json!({"entity": {"id": "check", "kind": kind}, "events": [ev]});
        match load_facts(pack, "event.json", &doc.to_string()) {
            Ok(_) => Ok(ev.to_string()),
            Err(r) => Err(crate::list_msg(r.diagnostics.into_iter().map(|d| d.message).collect()).unwrap_or_else(|| other_text(""))),
        }
    }

    /// May `p` record facts for this entity? The entity itself, any department (on its own
    /// authority: the department becomes part of the source) and the admin.
    fn may_record(p: &Principal, entity_id: i64) -> Result<()> {
        match p.role {
            Role::Admin | Role::Reviewer => Ok(()),
            Role::Entity if p.entity_id == Some(entity_id) => Ok(()),
            Role::Entity => Err(Error::Forbidden(Msg::new("ledger-record-own-entity-only").arg("id", entity_id))),
            _ => Err(Error::Forbidden(Msg::new("ledger-role-cannot-record").arg("role", p.role.as_str()))),
        }
    }

    /// A department's reviewer records only the facts its department supplies (the vocabulary's
    /// `supplied_by`): the tax bureau's R&D figures, the recognizing bureau's recognitions.
    /// `Err` says whose records the fact comes from, as the arguments of `ledger-item-not-supplied`
    /// (or `ledger-row-not-supplied`): `name`, `who` (`none`: the entity itself) and `me`. A name
    /// the vocabulary does not know is left to validation; everyone else may record any fact (the
    /// entity its own, the administrator).
    fn may_supply(pack: &Pack, p: &Principal, year: Option<i64>, name: &str) -> std::result::Result<(), [(&'static str, String); 3]> {
        if p.role != Role::Reviewer {
            return Ok(());
        }
        let dept = p.department.as_deref().unwrap_or_default();
        let mine = pack.departments.iter().position(|d| d.id == dept);
        let v = &pack.vocab;
        let supplied = match year {
            Some(_) => v.yearly(name).map(|i| &v.yearly[i].supplied_by),
            None => v
                .attribute(name)
                .map(|i| &v.attributes[i].supplied_by)
                .or_else(|| v.yearly(name).filter(|&i| v.yearly[i].every_year).map(|i| &v.yearly[i].supplied_by))
                .or_else(|| v.event(name).map(|i| &v.events[i].supplied_by)),
        };
        match (supplied, mine) {
            (None, _) => Ok(()),
            (Some(by), Some(m)) if by.contains(&m) => Ok(()),
            (Some(by), _) => {
                let who: Vec<&str> = by.iter().map(|d| pack.departments[*d].name.zh.as_str()).collect();
                let who = if who.is_empty() { "none".to_string() } else { who.join("、") };
                let me = mine.map_or(dept, |m| pack.departments[m].name.zh.as_str());
                Err([("name", name.to_string()), ("who", who), ("me", me.to_string())])
            }
        }
    }

    /// Whether `p` may record fact `name` (a yearly figure when `yearly`): `None`, or the refusal
    /// saying whose records the fact comes from. For pages that check a whole column at once.
    pub fn supply_refusal(pack: &Pack, p: &Principal, yearly: bool, name: &str) -> Option<Msg> {
        let args = Self::may_supply(pack, p, yearly.then_some(0), name).err()?;
        Some(args.into_iter().fold(Msg::new("ledger-column-not-supplied"), |m, (k, v)| m.arg(k, v)))
    }

    /// Every registered entity as `(id, credit code, name, county)`: what a department's upload is
    /// matched against (the admin and the departments).
    pub async fn entity_index(&self, p: &Principal) -> Result<Vec<(i64, String, String, String)>> {
        p.require(&[Role::Admin, Role::Reviewer], Msg::new("ledger-act-bulk-import"))?;
        sqlx::query("SELECT id, uscc, name, county FROM entities ORDER BY id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
            .collect()
    }

    /// [`Store::may_supply`] over many items (numbered from 1), refusing them together.
    fn may_supply_all<'n>(pack: &Pack, p: &Principal, items: impl Iterator<Item = (usize, Option<i64>, &'n str)>) -> Result<()> {
        let refused: Vec<Msg> = items
            .filter_map(|(item, year, name)| {
                let args = Self::may_supply(pack, p, year, name).err()?;
                Some(args.into_iter().fold(Msg::new("ledger-item-not-supplied").arg("item", item), |m, (k, v)| m.arg(k, v)))
            })
            .collect();
        match crate::chain(refused) {
            None => Ok(()),
            Some(list) => Err(Error::Forbidden(Msg::new("ledger-records-only-supplied").detail(list))),
        }
    }

    fn source_of(p: &Principal, source: &str) -> String {
        match (&p.department, p.role) {
            (Some(d), Role::Reviewer) => format!("{d}: {}", source.trim()),
            _ => source.trim().to_string(),
        }
    }

    /// Records facts for one entity; all of them or (with the problems, each located) none.
    pub async fn record_facts(&self, pack: &Pack, p: &Principal, entity_id: i64, input: FactsInput) -> Result<J> {
        Self::may_record(p, entity_id)?;
        // What a department may supply is decided before anything about the entity is looked up:
        // the answer does not depend on whether the entity exists.
        let names: Vec<(Option<i64>, &str)> = input
            .facts
            .iter()
            .map(|f| (f.year, f.name.as_str()))
            .chain(input.events.iter().map(|e| (None, e.get("type").and_then(J::as_str).unwrap_or(""))))
            .collect();
        Self::may_supply_all(pack, p, names.iter().enumerate().map(|(i, (y, n))| (i + 1, *y, *n)))?;
        let ent = self.entity_row(entity_id).await?;
        let kind: String = ent.try_get("kind")?;
        let mut errs = Vec::new();
        if input.source.trim().is_empty() {
            errs.push(FieldError::new("source", Msg::new("ledger-source-required")));
        }
        // A department's facts are marked with its id; nobody else may write a source that looks so.
        if p.role != Role::Reviewer
            && let Some((head, _)) = input.source.split_once(':')
            && pack.departments.iter().any(|d| d.id == head.trim())
        {
            errs.push(FieldError::new("source", Msg::new("ledger-source-marks-department").arg("head", head.trim())));
        }
        let mut rows = Vec::new();
        for (i, f) in input.facts.iter().enumerate() {
            match Self::check_fact(pack, f.year, &f.name, &f.value) {
                Ok((scope, value)) => rows.push(FactRow { entity_id, scope, year: f.year, name: f.name.clone(), value }),
                Err((_, m)) => {
                    errs.push(FieldError::new(format!("facts[{i}]"), Msg::new("ledger-fact-problem").arg("name", &f.name).detail(m)))
                }
            }
        }
        for (i, e) in input.events.iter().enumerate() {
            match Self::check_event(pack, &kind, e) {
                Ok(value) => {
                    let ty = e.get("type").and_then(J::as_str).unwrap_or_default().to_string();
                    rows.push(FactRow { entity_id, scope: "event", year: None, name: ty, value });
                }
                Err(m) => errs.push(FieldError::new(format!("events[{i}]"), m)),
            }
        }
        if rows.is_empty() && errs.is_empty() {
            errs.push(FieldError::new("facts", Msg::new("ledger-nothing-to-record")));
        }
        if !errs.is_empty() {
            return Err(Error::Invalid(errs));
        }
        let source = Self::source_of(p, &input.source);
        let mut w = self.writer().await?;
        insert_facts(&mut w, &rows, &source, p.user_id, None).await?;
        let names: Vec<String> = rows.iter().map(|r| r.year.map_or_else(|| r.name.clone(), |y| format!("{}[{y}]", r.name))).collect();
        w.log(Entry {
            actor: p.actor(),
            action: "facts.record",
            subject: format!("entity:{entity_id}"),
            entity_id: Some(entity_id),
            department: p.department.clone(),
            detail: json!({"source": source, "facts": names}),
        });
        w.commit().await?;
        Ok(json!({"entity_id": entity_id, "recorded": rows.len()}))
    }

    /// The facts recorded for an entity, newest first, with who entered them, from what source and
    /// when; `current` marks the value in force. A page of at most `limit` facts with ids below
    /// `before` (the whole page is read in SQL, the flag too).
    pub async fn facts(&self, p: &Principal, entity_id: i64, before: Option<i64>, limit: i64) -> Result<Vec<J>> {
        self.entity(p, entity_id).await?;
        let rows = sqlx::query(
            "SELECT f.id, f.scope, f.year, f.name, f.value, f.source, u.username, f.entered_at, f.import_id, \
             CASE WHEN f.scope = 'event' OR NOT EXISTS (SELECT 1 FROM facts g WHERE g.entity_id = f.entity_id AND g.scope = f.scope \
               AND g.name = f.name AND COALESCE(g.year, -1) = COALESCE(f.year, -1) AND g.id > f.id) THEN 1 ELSE 0 END \
             FROM facts f JOIN users u ON u.id = f.entered_by WHERE f.entity_id = $1 AND f.id < $2 ORDER BY f.id DESC LIMIT $3",
        )
        .bind(entity_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit.clamp(1, 1000))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let scope: String = r.try_get(1)?;
            let value: String = r.try_get(4)?;
            let value = if scope == "event" { serde_json::from_str(&value).unwrap_or(J::String(value)) } else { J::String(value) };
            out.push(json!({
                "id": r.try_get::<i64, _>(0)?, "scope": scope, "year": r.try_get::<Option<i64>, _>(2)?, "name": r.try_get::<String, _>(3)?, "value": value,
                "source": r.try_get::<String, _>(5)?, "entered_by": r.try_get::<String, _>(6)?,
                "entered_at": rfc3339(r.try_get(7)?), "import_id": r.try_get::<Option<i64>, _>(8)?, "current": r.try_get::<i32, _>(9)? == 1,
            }));
        }
        Ok(out)
    }

    /// The facts in force for an entity, as the document the evaluator reads.
    pub(crate) async fn facts_document(&self, pack: &Pack, entity_id: i64) -> Result<J> {
        let ent = self.entity_row(entity_id).await?;
        let rows = sqlx::query("SELECT scope, year, name, value FROM facts WHERE entity_id = $1 ORDER BY id")
            .bind(entity_id)
            .fetch_all(&self.pool)
            .await?;
        let head = EntityHead {
            uscc: ent.try_get("uscc")?,
            name: ent.try_get("name")?,
            kind: ent.try_get("kind")?,
            county: ent.try_get("county")?,
        };
        facts_document(pack, &head, rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?))))
    }

    // ----- bulk import -------------------------------------------------------------------

    /// Imports facts for many entities in one transaction: every row or none. Problems are
    /// reported by row (1-based, the header is row 1 of a CSV) and column.
    pub async fn import_facts(&self, pack: &Pack, p: &Principal, format: ImportFormat, source: &str, body: &str) -> Result<J> {
        p.require(&[Role::Admin, Role::Reviewer], Msg::new("ledger-act-bulk-import"))?;
        if source.trim().is_empty() {
            return Err(Error::invalid("source", Msg::new("ledger-source-required")));
        }
        let ids: HashMap<String, (i64, String)> = sqlx::query("SELECT uscc, id, kind FROM entities")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get::<String, _>(0)?, (r.try_get::<i64, _>(1)?, r.try_get::<String, _>(2)?))))
            .collect::<Result<_>>()?;
        let mut rows = Vec::new();
        let mut errs = Vec::new();
        // Rows naming facts the department does not supply: the import is refused as a whole.
        let mut denied: Vec<Msg> = Vec::new();
        let mut err = |row: usize, col: &str, m: Msg| {
            if errs.len() < 200 {
                errs.push(FieldError::new(format!("row {row}, column {col}"), m));
            }
        };
        let mut add = |row: usize,
                       uscc: &str,
                       year: Option<i64>,
                       fact: &str,
                       value: Option<&J>,
                       event: Option<&J>,
                       err: &mut dyn FnMut(usize, &str, Msg)| {
            let name = event.and_then(|e| e.get("type")).and_then(J::as_str).unwrap_or(fact);
            if let Err(args) = Self::may_supply(pack, p, if event.is_some() { None } else { year }, name) {
                if denied.len() < 20 {
                    denied.push(args.into_iter().fold(Msg::new("ledger-row-not-supplied").arg("row", row), |m, (k, v)| m.arg(k, v)));
                }
                return;
            }
            let Some((eid, kind)) = ids.get(uscc.trim()) else {
                err(row, "uscc", Msg::new("ledger-unknown-uscc").arg("uscc", uscc.trim()));
                return;
            };
            if let Some(ev) = event {
                match Self::check_event(pack, kind, ev) {
                    Ok(v) => rows.push(FactRow {
                        entity_id: *eid,
                        scope: "event",
                        year: None,
                        name: ev.get("type").and_then(J::as_str).unwrap_or_default().into(),
                        value: v,
                    }),
                    Err(m) => err(row, "event", m),
                }
                return;
            }
            match Self::check_fact(pack, year, fact, value.unwrap_or(&J::Null)) {
                Ok((scope, v)) => rows.push(FactRow { entity_id: *eid, scope, year, name: fact.into(), value: v }),
                Err((col, m)) => err(row, col, m),
            }
        };
        match format {
            ImportFormat::Csv => {
                let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(body.as_bytes());
                let header: Vec<String> = match rdr.headers() {
                    Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
                    Err(e) => return Err(Error::invalid("row 1", Msg::new("ledger-unreadable-header").arg("error", e))),
                };
                if header != ["uscc", "year", "fact", "value"] {
                    return Err(Error::invalid("row 1", Msg::new("ledger-header-shape").arg("found", header.join(","))));
                }
                for (i, rec) in rdr.records().enumerate() {
                    let row = i + 2;
                    let rec = match rec {
                        Ok(r) => r,
                        Err(e) => {
                            err(row, "-", Msg::new("ledger-unreadable-row").arg("error", e));
                            continue;
                        }
                    };
                    let year = match rec.get(1).map(str::trim) {
                        None | Some("") => None,
                        Some(y) => match y.parse::<i64>() {
                            Ok(y) => Some(y),
                            Err(_) => {
                                err(row, "year", Msg::new("ledger-year-shape").arg("text", y));
                                continue;
                            }
                        },
                    };
                    let value = J::String(rec.get(3).unwrap_or_default().to_string());
                    add(row, rec.get(0).unwrap_or_default(), year, rec.get(2).unwrap_or_default().trim(), Some(&value), None, &mut err);
                }
            }
            ImportFormat::JsonLines => {
                for (i, line) in body.lines().enumerate() {
                    let row = i + 1;
                    if line.trim().is_empty() {
                        continue;
                    }
                    let v: J = match serde_json::from_str(line) {
                        Ok(v) => v,
                        Err(e) => {
                            err(row, &e.column().to_string(), Msg::new("ledger-invalid-json").arg("error", e));
                            continue;
                        }
                    };
                    let uscc = v.get("uscc").and_then(J::as_str).unwrap_or_default();
                    let year = v.get("year").and_then(J::as_i64);
                    let fact = v.get("fact").and_then(J::as_str).unwrap_or_default();
                    add(row, uscc, year, fact, v.get("value"), v.get("event"), &mut err);
                }
            }
        }
        if let Some(list) = crate::chain(denied) {
            return Err(Error::Forbidden(Msg::new("ledger-imports-only-supplied").detail(list)));
        }
        if !errs.is_empty() {
            return Err(Error::Invalid(errs));
        }
        if rows.is_empty() {
            return Err(Error::invalid("body", Msg::new("ledger-import-empty")));
        }
        let source = Self::source_of(p, source);
        let mut w = self.writer().await?;
        let import_id: i64 =
            sqlx::query("INSERT INTO imports (source, format, row_count, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(&source)
                .bind(if format == ImportFormat::Csv { "csv" } else { "jsonl" })
                .bind(rows.len() as i64)
                .bind(p.user_id)
                .bind(w.now())
                .fetch_one(w.conn())
                .await?
                .try_get(0)?;
        insert_facts(&mut w, &rows, &source, p.user_id, Some(import_id)).await?;
        let mut per_entity: BTreeMap<i64, usize> = BTreeMap::new();
        for r in &rows {
            *per_entity.entry(r.entity_id).or_default() += 1;
        }
        let entities = per_entity.len();
        w.log(Entry {
            actor: p.actor(),
            action: "facts.import",
            subject: format!("import:{import_id}"),
            entity_id: None,
            department: p.department.clone(),
            detail: json!({"source": source, "rows": rows.len(), "entities": entities}),
        });
        // Each entity (and its county) sees in its own trail that a department changed its facts.
        for (eid, n) in per_entity {
            w.log(Entry {
                actor: p.actor(),
                action: "facts.imported",
                subject: format!("entity:{eid}"),
                entity_id: Some(eid),
                department: p.department.clone(),
                detail: json!({"import": import_id, "source": source, "rows": n}),
            });
        }
        w.commit().await?;
        Ok(json!({"import_id": import_id, "rows": rows.len(), "entities": entities}))
    }

    // ----- applications and awards -------------------------------------------------------

    /// Evaluates an entity's facts in force for a claim year and records the application and the
    /// awards it finds, each routed to the departments that verify its rule. An award whose
    /// once-key is already in the ledger (and not rejected) is not recorded again.
    pub async fn apply(&self, pack: &Pack, p: &Principal, entity_id: i64, claim_year: i64) -> Result<J> {
        match p.role {
            Role::Admin => {}
            Role::Entity if p.entity_id == Some(entity_id) => {}
            _ => return Err(Error::Forbidden(Msg::new("ledger-apply-by-entity"))),
        }
        if !YEARS.contains(&claim_year) {
            return Err(Error::invalid(
                "claim_year",
                Msg::new("ledger-year-outside").arg("year", claim_year).arg("from", YEARS.start()).arg("to", YEARS.end()),
            ));
        }
        let doc = self.facts_document(pack, entity_id).await?;
        let doc_text = doc.to_string();
        let facts = ledger_facts(pack, &doc_text).map_err(|r| {
            Error::Conflict(match crate::list_msg(r.diagnostics.into_iter().map(|d| d.message).collect()) {
                Some(problems) => Msg::new("ledger-facts-do-not-validate").part("problems", problems),
                None => Msg::new("ledger-facts-do-not-validate").arg("problems", ""),
            })
        })?;
        // What the application is made on: the pack and the facts in force (the document's keys
        // are sorted, so the same facts give the same text).
        let facts_hash = facts_hash(pack, &doc_text);
        // The same application again (same entity, year, pack and facts) is the one already made:
        // returned, not stored a second time.
        let same = sqlx::query(
            "SELECT id, evaluation FROM applications WHERE entity_id = $1 AND claim_year = $2 AND facts_hash = $3 ORDER BY id DESC LIMIT 1",
        )
        .bind(entity_id)
        .bind(claim_year)
        .bind(&facts_hash)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(same) = same {
            let id: i64 = same.try_get(0)?;
            let evaluation: J = serde_json::from_str(&same.try_get::<String, _>(1)?).unwrap_or(J::Null);
            let awards = self.awards_of_application(p, id).await?;
            return Ok(
                json!({"id": id, "entity_id": entity_id, "claim_year": claim_year, "unchanged": true, "awards": awards, "already_in_ledger": [], "evaluation": evaluation}),
            );
        }
        let year = i32::try_from(claim_year).expect("checked range");
        let ev = evaluate(pack, &facts, &Options { years: vec![year], trace: true, ..Options::default() });
        let evaluation = explain::to_json(&ev);
        let mut w = self.writer().await?;
        let now = w.now();
        let app_id: i64 = sqlx::query("INSERT INTO applications (entity_id, claim_year, pack_hash, evaluation, created_by, created_at, facts_hash) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
            .bind(entity_id)
            .bind(claim_year)
            .bind(&pack.hash)
            .bind(evaluation.to_string())
            .bind(p.user_id)
            .bind(now)
            .bind(&facts_hash)
            .fetch_one(w.conn())
            .await?
            .try_get(0)?;
        let mut created = Vec::new();
        let mut already = Vec::new();
        let mut fresh: Vec<Candidate<'_, '_>> = Vec::new();
        for c in candidates(&facts.entity_id, &ev, &evaluation)? {
            if let Some(prior) = prior_award(w.conn(), &c.once_key, &facts_hash).await? {
                already.push(json!({"rule": c.r.rule.id, "once_key": c.once_key, "award_id": prior.0, "status": prior.1}));
                continue;
            }
            // Two results with one once-key in one evaluation: the first is the award.
            if !fresh.iter().any(|f| f.once_key == c.once_key) {
                fresh.push(c);
            }
        }
        let rows: Vec<NewAward<'_>> = {
            let mut shared = SharedTexts::default();
            fresh.iter().map(|c| NewAward::of(pack, app_id, entity_id, c, c.rj.clone(), &mut shared)).collect()
        };
        created.extend(self.insert_awards(&mut w, pack, p, &rows, None).await?);
        w.log(Entry {
            actor: p.actor(),
            action: "application.create",
            subject: format!("application:{app_id}"),
            entity_id: Some(entity_id),
            department: None,
            detail: json!({"claim_year": claim_year, "pack": pack.hash, "awards": created}),
        });
        w.commit().await?;
        let mut awards = Vec::new();
        for id in &created {
            awards.push(self.award(p, *id).await?);
        }
        Ok(
            json!({"id": app_id, "entity_id": entity_id, "claim_year": claim_year, "awards": awards, "already_in_ledger": already, "evaluation": evaluation}),
        )
    }

    /// Records awards (each knowing its application), routed to the departments that verify its
    /// rule; `round`: proposed by that round, awaiting the entity's confirmation. Written a
    /// hundred to a statement; returns the ids in the order given.
    pub(crate) async fn insert_awards(
        &self,
        w: &mut crate::audit::Writer,
        pack: &Pack,
        p: &Principal,
        awards: &[NewAward<'_>],
        round: Option<i64>,
    ) -> Result<Vec<i64>> {
        let now = w.now();
        let mut texts: Vec<Vec<crate::Bind>> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for a in awards {
            if seen.insert(a.shared.hash.as_str()) {
                texts.push(vec![a.shared.hash.as_str().into(), a.shared.body.as_str().into()]);
            }
        }
        crate::bulk_insert_then(w.conn(), "INSERT INTO shared_texts (hash, body)", texts, "ON CONFLICT (hash) DO NOTHING", None).await?;
        let mut rows = Vec::with_capacity(awards.len());
        let mut routed = Vec::with_capacity(awards.len());
        for a in awards {
            let verifiers: Vec<&str> = a.rule.verified_by.iter().map(|d| pack.department(*d).id.as_str()).collect();
            // A rule that names no verifier is verified by the department that pays it.
            let payer_id = a.rule.paid_by.map(|d| pack.department(d).id.as_str());
            let verifiers = match (verifiers.is_empty(), payer_id) {
                (false, _) => verifier_list(&verifiers),
                (true, Some(payer)) => verifier_list(&[payer]),
                (true, None) => {
                    return Err(Error::Conflict(Msg::new("ledger-rule-has-no-department").arg("rule", &a.rule.id)));
                }
            };
            rows.push(vec![
                crate::Bind::from(a.app),
                a.entity_id.into(),
                a.rule.id.as_str().into(),
                a.rule.clause.as_str().into(),
                i64::from(a.claim_year).into(),
                i64::from(a.budget_year).into(),
                verifiers.as_str().into(),
                a.rule.paid_by.map(|d| pack.department(d).id.clone()).into(),
                a.low_fen.into(),
                a.high_fen.into(),
                a.once_key.as_str().into(),
                "pending".into(),
                a.result.as_str().into(),
                now.into(),
                round.into(),
                round.map(|_| "awaiting".to_string()).into(),
            ]);
            routed.push(verifiers);
        }
        let returned = crate::bulk_insert(
            w.conn(),
            "INSERT INTO awards (application_id, entity_id, rule_id, clause, claim_year, budget_year, verifiers, payer, low_fen, high_fen, once_key, status, result, created_at, round_id, confirmation)",
            rows,
            Some("id, application_id, once_key"),
        )
        .await?;
        // Matched back by application and once-key (unique among the rows written), whatever
        // order the database returned them in.
        let mut ids: HashMap<(i64, String), i64> = HashMap::with_capacity(returned.len());
        for r in &returned {
            ids.insert((r.try_get(1)?, r.try_get(2)?), r.try_get(0)?);
        }
        let mut out = Vec::with_capacity(awards.len());
        for (a, verifiers) in awards.iter().zip(routed) {
            let id =
                *ids.get(&(a.app, a.once_key.clone())).ok_or_else(|| Error::Conflict(other_text("an award written was not returned")))?;
            w.cover("awards", id);
            let mut detail = json!({"application": a.app, "rule": a.rule.id, "clause": a.rule.clause, "amount": amount_json(a.low_fen, a.high_fen), "budget_year": a.budget_year, "once_key": a.once_key});
            if let Some(round) = round {
                detail["round"] = json!(round);
            }
            w.log(Entry {
                actor: p.actor(),
                action: if round.is_some() { "award.propose" } else { "award.create" },
                subject: format!("award:{id}"),
                entity_id: Some(a.entity_id),
                department: Some(verifiers),
                detail,
            });
            out.push(id);
        }
        Ok(out)
    }

    /// The awards an application created, as `p` may see them.
    async fn awards_of_application(&self, p: &Principal, application: i64) -> Result<Vec<J>> {
        let rows =
            sqlx::query("SELECT id FROM awards WHERE application_id = $1 ORDER BY id").bind(application).fetch_all(&self.pool).await?;
        let mut out = Vec::new();
        for r in rows {
            out.push(self.award(p, r.try_get(0)?).await?);
        }
        Ok(out)
    }

    async fn award_row(&self, id: i64) -> Result<AnyRow> {
        sqlx::query(sqlx::AssertSqlSafe(format!("{AWARD_SELECT} WHERE a.id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::NotFound(Msg::new("ledger-no-award").arg("id", id)))
    }

    /// Whether `p` may see this award row.
    fn sees_award(p: &Principal, r: &AnyRow) -> Result<bool> {
        Ok(match p.role {
            Role::Admin | Role::Finance => true,
            Role::Entity => p.entity_id == Some(r.try_get("entity_id")?),
            Role::County => p.county.as_deref() == Some(r.try_get::<String, _>("county")?.as_str()),
            Role::Reviewer => r.try_get::<String, _>("verifiers")?.contains(&format!(",{},", p.department.clone().unwrap_or_default())),
        })
    }

    async fn award_json(&self, r: &AnyRow, full: bool) -> Result<J> {
        let id: i64 = r.try_get("id")?;
        let verifiers: String = r.try_get("verifiers")?;
        let mut o = json!({
            "id": id,
            "application_id": r.try_get::<i64, _>("application_id")?,
            "entity": {"id": r.try_get::<i64, _>("entity_id")?, "uscc": r.try_get::<String, _>("uscc")?, "name": r.try_get::<String, _>("name")?, "county": r.try_get::<String, _>("county")?},
            "rule": r.try_get::<String, _>("rule_id")?,
            "clause": r.try_get::<String, _>("clause")?,
            "claim_year": r.try_get::<i64, _>("claim_year")?,
            "budget_year": r.try_get::<i64, _>("budget_year")?,
            "verified_by": verifiers.trim_matches(',').split(',').collect::<Vec<_>>(),
            "paid_by": r.try_get::<Option<String>, _>("payer")?,
            "amount": amount_json(r.try_get("low_fen")?, r.try_get("high_fen")?),
            "once_key": r.try_get::<String, _>("once_key")?,
            "status": r.try_get::<String, _>("status")?,
            "created_at": rfc3339(r.try_get("created_at")?),
            // Proposed by a round: the round, and the entity's answer (awaiting, confirmed, declined).
            "round_id": r.try_get::<Option<i64>, _>("round_id")?,
            "confirmation": r.try_get::<Option<String>, _>("confirmation")?,
            // A later round found a different result for it: what, for a person to review.
            "review_flag": r.try_get::<Option<String>, _>("review_flag")?.and_then(|f| serde_json::from_str::<J>(&f).ok()),
        });
        if full {
            let result: String = r.try_get("result")?;
            o["result"] = whole_result(&mut *self.pool.acquire().await?, &result).await?;
            let vs = sqlx::query("SELECT v.department, v.verdict, v.reason, u.username, v.at FROM verifications v JOIN users u ON u.id = v.reviewer WHERE v.award_id = $1 ORDER BY v.id")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
            o["verifications"] = vs
                .iter()
                .map(|v| Ok(json!({"department": v.try_get::<String, _>(0)?, "verdict": v.try_get::<String, _>(1)?, "reason": v.try_get::<String, _>(2)?, "by": v.try_get::<String, _>(3)?, "at": rfc3339(v.try_get(4)?)})))
                .collect::<Result<Vec<_>>>()?
                .into();
            let d = sqlx::query(
                "SELECT d.amount_fen, d.reason, u.username, d.at, d.ceiling_fen, s.username, d.second_at, u.department FROM decisions d \
                 JOIN users u ON u.id = d.decided_by LEFT JOIN users s ON s.id = d.second_by WHERE d.award_id = $1",
            )
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
            o["decision"] = match d {
                Some(d) => {
                    let ceiling: Option<i64> = d.try_get(4)?;
                    let second: Option<String> = d.try_get(5)?;
                    json!({
                        "amount": fen_text(d.try_get(0)?), "reason": d.try_get::<String, _>(1)?, "by": d.try_get::<String, _>(2)?, "at": rfc3339(d.try_get(3)?),
                        // The department of whoever decided (none for an administrator).
                        "department": d.try_get::<Option<String>, _>(7)?,
                        // Above the ceiling for open amounts: the second approval, or that it is awaited.
                        "above_ceiling": ceiling.map(fen_text),
                        "second_approval": second.clone().map(|by| Ok::<_, Error>(json!({"by": by, "at": rfc3339(d.try_get::<Option<i64>, _>(6)?.unwrap_or_default())}))).transpose()?,
                        "awaiting_second_approval": ceiling.is_some() && second.is_none(),
                    })
                }
                None => J::Null,
            };
            let pay = sqlx::query("SELECT id, status FROM payouts WHERE award_id = $1").bind(id).fetch_optional(&self.pool).await?;
            (o["payout_id"], o["payout_status"]) = match pay {
                Some(x) => (J::from(x.try_get::<i64, _>(0)?), J::from(x.try_get::<String, _>(1)?)),
                None => (J::Null, J::Null),
            };
            o["similar"] = self.similar_awards(r).await?.into();
            // 公示: the list it is on, objections to it, and whether its decision was withdrawn.
            let publication = self.award_publication(id).await?;
            for k in ["publication", "objections", "withdrawn"] {
                o[k] = publication[k].clone();
            }
        }
        Ok(o)
    }

    /// Other awards of the same rule and entity (not rejected) whose once-keys are near this
    /// one's: perhaps the same thing written differently enough that normalization did not make
    /// the keys equal (`十二号车间` and `12号车间`, an added word). People decide; the desk warns.
    async fn similar_awards(&self, r: &AnyRow) -> Result<Vec<J>> {
        let id: i64 = r.try_get("id")?;
        let key: String = r.try_get("once_key")?;
        // entity|rule|part|…: the parts after the rule are what identifies the award.
        let parts = |k: &str| k.splitn(3, '|').nth(2).unwrap_or("").to_string();
        let mine = parts(&key);
        let rows = sqlx::query(
            "SELECT id, once_key, status, result FROM awards WHERE entity_id = $1 AND rule_id = $2 AND id <> $3 AND status <> 'rejected' ORDER BY id",
        )
        .bind(r.try_get::<i64, _>("entity_id")?)
        .bind(r.try_get::<String, _>("rule_id")?)
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for x in rows {
            let other: String = x.try_get(1)?;
            if qiangke_rules::identity::near(&mine, &parts(&other)) {
                let result: J = serde_json::from_str(&x.try_get::<String, _>(3)?).unwrap_or(J::Null);
                out.push(json!({
                    "id": x.try_get::<i64, _>(0)?,
                    "once_key": other,
                    "status": x.try_get::<String, _>(2)?,
                    "subject": result["trigger"]["fields"]["name"],
                }));
            }
        }
        Ok(out)
    }

    /// One award with its explanation, verifications, decision and payout.
    pub async fn award(&self, p: &Principal, id: i64) -> Result<J> {
        let r = self.award_row(id).await?;
        if !Self::sees_award(p, &r)? {
            return Err(Error::Forbidden(Msg::new("ledger-award-out-of-sight").arg("id", id)));
        }
        self.award_json(&r, true).await
    }

    /// The awards `p` may see, optionally only those in `status`; a reviewer's list is its queue.
    pub async fn awards(&self, p: &Principal, status: Option<&str>) -> Result<Vec<J>> {
        if let Some(s) = status
            && !["pending", "approved", "rejected", "decided"].contains(&s)
        {
            return Err(Error::invalid("status", Msg::new("ledger-not-a-status").arg("status", s)));
        }
        let only: Vec<&str> = status.into_iter().collect();
        self.awards_in(p, &only, false).await
    }

    /// The awards `p` may see that are waiting for a verdict or a decision (pending or approved),
    /// each whole as [`Store::award`] gives it: a reviewer's desk.
    pub async fn open_awards(&self, p: &Principal) -> Result<Vec<J>> {
        let mut all = self.awards_in(p, &["pending", "approved", "decided"], true).await?;
        // A proposal waits for the entity's confirmation before any department sees it.
        all.retain(|a| a["confirmation"] != "awaiting");
        // A decided award is open while its decision waits for a second approval.
        all.retain(|a| a["status"] != "decided" || a["decision"]["awaiting_second_approval"] == true);
        Ok(all)
    }

    /// Awards in any of `statuses` (all when empty) that `p` may see, by id.
    async fn awards_in(&self, p: &Principal, statuses: &[&str], full: bool) -> Result<Vec<J>> {
        let filter = if statuses.is_empty() {
            String::new()
        } else {
            format!(" WHERE a.status IN ({})", (1..=statuses.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", "))
        };
        let sql = format!("{AWARD_SELECT}{filter} ORDER BY a.id");
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for st in statuses {
            q = q.bind(st.to_string());
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut out = Vec::new();
        for r in &rows {
            if Self::sees_award(p, r)? {
                out.push(self.award_json(r, full).await?);
            }
        }
        Ok(out)
    }

    /// Every award of one entity, whole (explanation, verifications, decision, payout), by claim
    /// year and id: the entity's own page. Anyone who may see the entity.
    pub async fn entity_awards(&self, p: &Principal, entity_id: i64) -> Result<Vec<J>> {
        self.entity(p, entity_id).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{AWARD_SELECT} WHERE a.entity_id = $1 ORDER BY a.claim_year, a.id")))
            .bind(entity_id)
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            if Self::sees_award(p, r)? {
                out.push(self.award_json(r, true).await?);
            }
        }
        Ok(out)
    }

    /// The reviewer's department, if it verifies this award; otherwise a refusal naming who does.
    fn verifying_department(p: &Principal, r: &AnyRow, act: Msg) -> Result<String> {
        p.require(&[Role::Reviewer], act)?;
        let verifiers: String = r.try_get("verifiers")?;
        let dept = p.department.clone().unwrap_or_default();
        if verifiers.contains(&format!(",{dept},")) {
            Ok(dept)
        } else {
            let rule: String = r.try_get("rule_id")?;
            Err(Error::Forbidden(
                Msg::new("ledger-verified-by-other")
                    .arg("rule", rule)
                    .arg("verifiers", verifiers.trim_matches(','))
                    .arg("department", dept),
            ))
        }
    }

    /// A verifying department's verdict. The award is approved when every department that
    /// verifies its rule has approved it, rejected as soon as one rejects (the pack's note
    /// `joint-verification`). A rejection needs a reason.
    pub async fn verify(&self, pack: &Pack, p: &Principal, award_id: i64, approve: bool, reason: &str) -> Result<J> {
        let r = self.award_row(award_id).await?;
        let dept = Self::verifying_department(p, &r, Msg::new("ledger-act-verify"))?;
        if r.try_get::<Option<String>, _>("confirmation")?.as_deref() == Some("awaiting") {
            return Err(Error::Conflict(Msg::new("round-awaits-confirmation").arg("id", award_id)));
        }
        if !approve && reason.trim().is_empty() {
            return Err(Error::invalid("reason", Msg::new("ledger-rejection-needs-reason")));
        }
        let entity_id: i64 = r.try_get("entity_id")?;
        let verifiers: String = r.try_get("verifiers")?;
        let mut w = self.writer().await?;
        let status: String = sqlx::query("SELECT status FROM awards WHERE id = $1").bind(award_id).fetch_one(w.conn()).await?.try_get(0)?;
        if status != "pending" {
            return Err(Error::Conflict(Msg::new("ledger-no-longer-pending").arg("id", award_id).arg("status", status)));
        }
        let done: i64 = sqlx::query("SELECT COUNT(*) FROM verifications WHERE award_id = $1 AND department = $2")
            .bind(award_id)
            .bind(&dept)
            .fetch_one(w.conn())
            .await?
            .try_get(0)?;
        if done > 0 {
            return Err(Error::Conflict(Msg::new("ledger-verdict-given").arg("department", &dept).arg("id", award_id)));
        }
        // Four eyes: whoever supplied a fact the award rests on may not be its only approver.
        if approve && verifiers.trim_matches(',') == dept {
            let result = whole_result(w.conn(), &r.try_get::<String, _>("result")?).await?;
            let own = own_facts(&mut w, entity_id, p.user_id, &result).await?;
            if !own.is_empty() {
                let own: Vec<String> = own.iter().map(|path| fact_words(pack, path)).collect();
                return Err(Error::Forbidden(Msg::new("ledger-four-eyes-own-facts").arg("facts", own.join("、"))));
            }
        }
        sqlx::query("INSERT INTO verifications (award_id, department, verdict, reason, reviewer, at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(award_id)
            .bind(&dept)
            .bind(if approve { "approve" } else { "reject" })
            .bind(reason.trim())
            .bind(p.user_id)
            .bind(w.now())
            .execute(w.conn())
            .await?;
        let approvals: i64 = sqlx::query("SELECT COUNT(*) FROM verifications WHERE award_id = $1 AND verdict = 'approve'")
            .bind(award_id)
            .fetch_one(w.conn())
            .await?
            .try_get(0)?;
        let needed = verifiers.trim_matches(',').split(',').count() as i64;
        let new_status = if !approve {
            "rejected"
        } else if approvals >= needed {
            "approved"
        } else {
            "pending"
        };
        sqlx::query("UPDATE awards SET status = $1 WHERE id = $2").bind(new_status).bind(award_id).execute(w.conn()).await?;
        w.cover("awards", award_id);
        w.log(Entry {
            actor: p.actor(),
            action: if approve { "award.approve" } else { "award.reject" },
            subject: format!("award:{award_id}"),
            entity_id: Some(entity_id),
            department: Some(verifiers.clone()),
            detail: json!({"department": dept, "reason": reason.trim(), "status": new_status}),
        });
        w.commit().await?;
        self.award(p, award_id).await
    }

    /// Decides the amount of an approved award — inside the interval the plan allows (a fixed
    /// amount is its own interval) — and schedules its payout in the award's budget year. The
    /// payout's once-key is unique in the database: a one-time award is never paid twice, however
    /// many decisions race for it. An award the plan bounds only from below, decided above the
    /// pack's ceiling for such amounts (`decisions` in pack.toml), waits for a second approval by
    /// another person ([`Store::second_approval`]) before its payout is scheduled.
    pub async fn decide(&self, pack: &Pack, p: &Principal, award_id: i64, amount_fen: i64, reason: &str) -> Result<J> {
        let r = self.award_row(award_id).await?;
        let dept = Self::verifying_department(p, &r, Msg::new("ledger-act-decide"))?;
        let (low, high): (i64, Option<i64>) = (r.try_get("low_fen")?, r.try_get("high_fen")?);
        if amount_fen < low || high.is_some_and(|h| amount_fen > h) {
            let range = match high {
                Some(h) if h == low => Msg::new("ledger-plan-fixes").arg("amount", fen_grouped(low)),
                Some(h) => Msg::new("ledger-plan-allows").arg("low", fen_grouped(low)).arg("high", fen_grouped(h)),
                None => Msg::new("ledger-plan-allows-at-least").arg("low", fen_grouped(low)),
            };
            return Err(Error::invalid("amount", Msg::new("ledger-amount-outside").arg("amount", fen_grouped(amount_fen)).detail(range)));
        }
        // Only an open upper end has a ceiling: so many times the floor, in whole fen.
        let ceiling = match (high, pack.decisions.second_approval_above_floor_times) {
            (None, Some(t)) => {
                use rust_decimal::prelude::ToPrimitive;
                (rust_decimal::Decimal::from(low) * t).floor().to_i64()
            }
            _ => None,
        };
        let above = ceiling.filter(|c| amount_fen > *c);
        let entity_id: i64 = r.try_get("entity_id")?;
        let once_key: String = r.try_get("once_key")?;
        let verifiers: String = r.try_get("verifiers")?;
        let mut w = self.writer().await?;
        let status: String = sqlx::query("SELECT status FROM awards WHERE id = $1").bind(award_id).fetch_one(w.conn()).await?.try_get(0)?;
        if status != "approved" {
            return Err(Error::Conflict(match status.as_str() {
                "decided" => Msg::new("ledger-already-decided").arg("id", award_id),
                s => Msg::new("ledger-only-approved-decided").arg("id", award_id).arg("status", s),
            }));
        }
        let paid = sqlx::query("SELECT award_id FROM payouts WHERE once_key = $1").bind(&once_key).fetch_optional(w.conn()).await?;
        if let Some(x) = paid {
            let other: i64 = x.try_get(0)?;
            return Err(Error::Conflict(Msg::new("ledger-once-key-paid").arg("key", &once_key).arg("other", other)));
        }
        let now = w.now();
        sqlx::query("INSERT INTO decisions (award_id, amount_fen, reason, decided_by, at, ceiling_fen) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(award_id)
            .bind(amount_fen)
            .bind(reason.trim())
            .bind(p.user_id)
            .bind(now)
            .bind(above.and(ceiling))
            .execute(w.conn())
            .await?;
        sqlx::query("UPDATE awards SET status = 'decided' WHERE id = $1").bind(award_id).execute(w.conn()).await?;
        let payout = match above {
            None => Some(schedule_payout(&mut w, &r, amount_fen, now).await?),
            Some(_) => None,
        };
        w.cover("awards", award_id);
        w.cover("decisions", award_id);
        if let Some(id) = payout {
            w.cover("payouts", id);
        }
        w.log(Entry {
            actor: p.actor(),
            action: "award.decide",
            subject: format!("award:{award_id}"),
            entity_id: Some(entity_id),
            department: Some(verifiers),
            detail: json!({
                "department": dept, "amount": fen_text(amount_fen), "reason": reason.trim(), "payout": payout,
                "budget_year": r.try_get::<i64, _>("budget_year")?,
                "second_approval_needed_above": above.and(ceiling).map(fen_text),
            }),
        });
        w.commit().await?;
        self.award(p, award_id).await
    }

    /// The second approval of a decision above the ceiling for open amounts: by a reviewer of a
    /// verifying department who is not the one who decided; then the payout is scheduled.
    pub async fn second_approval(&self, p: &Principal, award_id: i64) -> Result<J> {
        let r = self.award_row(award_id).await?;
        let dept = Self::verifying_department(p, &r, Msg::new("ledger-act-second-approval"))?;
        let entity_id: i64 = r.try_get("entity_id")?;
        let verifiers: String = r.try_get("verifiers")?;
        let mut w = self.writer().await?;
        let d = sqlx::query("SELECT amount_fen, decided_by, ceiling_fen, second_by FROM decisions WHERE award_id = $1")
            .bind(award_id)
            .fetch_optional(w.conn())
            .await?
            .ok_or_else(|| Error::Conflict(Msg::new("ledger-not-decided").arg("id", award_id)))?;
        let (amount, decided_by, ceiling, second): (i64, i64, Option<i64>, Option<i64>) =
            (d.try_get(0)?, d.try_get(1)?, d.try_get(2)?, d.try_get(3)?);
        if ceiling.is_none() {
            return Err(Error::Conflict(Msg::new("ledger-no-second-approval-needed").arg("id", award_id)));
        }
        if second.is_some() {
            return Err(Error::Conflict(Msg::new("ledger-second-approval-given").arg("id", award_id)));
        }
        if decided_by == p.user_id {
            return Err(Error::Forbidden(Msg::new("ledger-four-eyes-second")));
        }
        let now = w.now();
        sqlx::query("UPDATE decisions SET second_by = $1, second_at = $2 WHERE award_id = $3 AND second_by IS NULL")
            .bind(p.user_id)
            .bind(now)
            .bind(award_id)
            .execute(w.conn())
            .await?;
        let payout = schedule_payout(&mut w, &r, amount, now).await?;
        w.cover("decisions", award_id);
        w.cover("payouts", payout);
        w.log(Entry {
            actor: p.actor(),
            action: "award.second-approval",
            subject: format!("award:{award_id}"),
            entity_id: Some(entity_id),
            department: Some(verifiers),
            detail: json!({"department": dept, "amount": fen_text(amount), "ceiling": ceiling.map(fen_text), "payout": payout}),
        });
        w.commit().await?;
        self.award(p, award_id).await
    }

    // ----- payouts and budget ------------------------------------------------------------

    /// Payouts `p` may see, optionally of one budget year.
    pub async fn payouts(&self, pack: &Pack, p: &Principal, year: Option<i64>) -> Result<Vec<J>> {
        self.payouts_of(pack, p, year, None).await
    }

    /// [`Store::payouts`], or the one payout `only` (when `p` may see it).
    async fn payouts_of(&self, pack: &Pack, p: &Principal, year: Option<i64>, only: Option<i64>) -> Result<Vec<J>> {
        let only = only.unwrap_or(0);
        let rows = sqlx::query(
            "SELECT p.id, p.award_id, p.entity_id, p.budget_year, p.payer, p.clause, p.amount_fen, p.status, p.scheduled_at, p.paid_at, \
             a.verifiers, a.rule_id, e.county, e.uscc, e.name, m.id AS payment, m.voucher, m.paid_on, m.account \
             FROM payouts p JOIN awards a ON a.id = p.award_id JOIN entities e ON e.id = p.entity_id LEFT JOIN payments m ON m.id = p.payment_id \
             WHERE ($1 = 0 OR p.budget_year = $1) AND ($2 = 0 OR p.id = $2) ORDER BY p.id",
        )
        .bind(year.unwrap_or(0))
        .bind(only)
        .fetch_all(&self.pool)
        .await?;
        // Every reversal, by payout: a payout paid in error keeps its history.
        let mut reversed: HashMap<i64, Vec<J>> = HashMap::new();
        for x in sqlx::query(
            "SELECT r.payout_id, r.amount_fen, r.reason, u.username, r.entered_at, m.voucher FROM reversals r JOIN users u ON u.id = r.entered_by \
             LEFT JOIN payments m ON m.id = r.payment_id WHERE ($1 = 0 OR r.payout_id = $1) ORDER BY r.id",
        )
        .bind(only)
        .fetch_all(&self.pool)
        .await?
        {
            reversed.entry(x.try_get(0)?).or_default().push(json!({
                "amount": fen_text(x.try_get(1)?), "reason": x.try_get::<String, _>(2)?, "by": x.try_get::<String, _>(3)?,
                "at": rfc3339(x.try_get(4)?), "voucher": x.try_get::<Option<String>, _>(5)?,
            }));
        }
        // One payout: the standing of its award alone.
        let award_of = match (only, rows.first()) {
            (0, _) | (_, None) => None,
            (_, Some(r)) => Some(r.try_get::<i64, _>("award_id")?),
        };
        let standing = crate::publication::Standing::load(&mut *self.pool.acquire().await?, award_of).await?;
        let today = self.today();
        let mut out = Vec::new();
        for r in &rows {
            if !Self::sees_award(p, r)? {
                continue;
            }
            let award: i64 = r.try_get("award_id")?;
            // What keeps a scheduled payout from being paid now (公示, objections, a withdrawal).
            let hold = match r.try_get::<String, _>("status")?.as_str() {
                "scheduled" => standing.hold(pack, award, today).map(|h| h.json()),
                _ => None,
            };
            // The voucher, the account and reversals are finance's records: finance and the admin see them.
            let books = matches!(p.role, Role::Finance | Role::Admin);
            let payment = match r.try_get::<Option<i64>, _>("payment")?.filter(|_| books) {
                Some(id) => {
                    json!({"id": id, "voucher": r.try_get::<String, _>("voucher")?, "paid_on": r.try_get::<String, _>("paid_on")?, "account": r.try_get::<String, _>("account")?})
                }
                None => J::Null,
            };
            let id: i64 = r.try_get("id")?;
            out.push(json!({
                "payment": payment,
                "hold": hold, "withdrawn": standing.is_withdrawn(award),
                "reversals": if books { reversed.remove(&id).unwrap_or_default() } else { Vec::new() },
                "id": id, "award_id": r.try_get::<i64, _>("award_id")?,
                "entity": {"id": r.try_get::<i64, _>("entity_id")?, "uscc": r.try_get::<String, _>("uscc")?, "name": r.try_get::<String, _>("name")?, "county": r.try_get::<String, _>("county")?},
                "rule": r.try_get::<String, _>("rule_id")?, "clause": r.try_get::<String, _>("clause")?,
                "budget_year": r.try_get::<i64, _>("budget_year")?, "paid_by": r.try_get::<Option<String>, _>("payer")?,
                "amount": fen_text(r.try_get("amount_fen")?), "status": r.try_get::<String, _>("status")?,
                "scheduled_at": rfc3339(r.try_get("scheduled_at")?), "paid_at": r.try_get::<Option<i64>, _>("paid_at")?.map(rfc3339),
            }));
        }
        Ok(out)
    }

    /// Finance records one scheduled payout as paid, with its voucher ([`Store::pay`] for one).
    pub async fn mark_paid(&self, pack: &Pack, p: &Principal, payout_id: i64, input: &MarkPaidInput) -> Result<J> {
        let pay = PaymentInput {
            payouts: vec![payout_id],
            voucher: input.voucher.clone(),
            paid_on: input.paid_on.clone(),
            account: input.account.clone(),
            request_key: None,
        };
        let m = self.pay(pack, p, &pay).await?;
        Ok(json!({"id": payout_id, "status": "paid", "paid_at": m["entered_at"], "payment": m["id"]}))
    }

    /// Finance pays scheduled payouts with one voucher: all of them or none. The same
    /// `request_key` (one submission of a payment form) pays once: sent again, it answers with
    /// the payment already made. Refused: a payout that is not scheduled (paid already, or not
    /// decided), one held by 公示 (published, the period not over; an objection open; a
    /// decision withdrawn; not published where the pack requires it), an empty voucher or
    /// account, a date that is not a calendar date.
    pub async fn pay(&self, pack: &Pack, p: &Principal, input: &PaymentInput) -> Result<J> {
        p.require(&[Role::Finance], Msg::new("ledger-act-record-payment"))?;
        let mut errs = Vec::new();
        crate::check_text("voucher", &input.voucher, 64, true, &mut errs);
        crate::check_text("account", &input.account, 64, true, &mut errs);
        if let Err(m) = qiangke_rules::value::Date::parse_msg(input.paid_on.trim()) {
            errs.push(FieldError::new("paid_on", m));
        }
        let mut seen = std::collections::BTreeSet::new();
        if input.payouts.is_empty() {
            errs.push(FieldError::new("payouts", Msg::new("ledger-payment-no-payouts")));
        }
        for id in &input.payouts {
            if !seen.insert(*id) {
                errs.push(FieldError::new("payouts", Msg::new("ledger-payment-payout-twice").arg("id", id)));
            }
        }
        if !errs.is_empty() {
            return Err(Error::Invalid(errs));
        }
        let key = input.request_key.as_deref().map(str::trim).filter(|k| !k.is_empty());
        if key.is_some_and(|k| k.chars().count() > 128) {
            return Err(Error::invalid("request_key", Msg::new("ledger-payment-field-too-long").arg("max", 128)));
        }
        let mut w = self.writer().await?;
        if let Some(key) = key
            && let Some(id) = sqlx::query("SELECT id FROM payments WHERE request_key = $1").bind(key).fetch_optional(w.conn()).await?
        {
            // Sent again: the payment that submission made, nothing more — if it is the same
            // payment; a key reused for another one is refused.
            let id: i64 = id.try_get(0)?;
            drop(w);
            let mut out = self.payment(p, id).await?;
            let mut paid: Vec<i64> = out["lines"].as_array().into_iter().flatten().filter_map(|l| l["payout_id"].as_i64()).collect();
            let mut asked = input.payouts.clone();
            paid.sort_unstable();
            asked.sort_unstable();
            if paid != asked || out["voucher"] != input.voucher.trim() {
                return Err(Error::Conflict(Msg::new("ledger-payment-key-reused").arg("id", id)));
            }
            out["repeated"] = J::Bool(true);
            return Ok(out);
        }
        let mut total = 0i64;
        let mut lines = Vec::new();
        let mut awards = Vec::new();
        for id in &input.payouts {
            let r = sqlx::query("SELECT status, entity_id, amount_fen, budget_year, award_id FROM payouts WHERE id = $1")
                .bind(id)
                .fetch_optional(w.conn())
                .await?
                .ok_or_else(|| Error::NotFound(Msg::new("ledger-no-payout").arg("id", id)))?;
            let status: String = r.try_get(0)?;
            if status != "scheduled" {
                return Err(Error::Conflict(Msg::new("ledger-payout-paid").arg("id", id)));
            }
            let amount: i64 = r.try_get(2)?;
            total += amount;
            lines.push((*id, r.try_get::<i64, _>(1)?, amount, r.try_get::<i64, _>(3)?));
            awards.push((*id, r.try_get::<i64, _>(4)?));
        }
        if let Some(m) = crate::publication::payment_refusal(&mut w, pack, &awards).await? {
            return Err(Error::Conflict(m));
        }
        let now = w.now();
        // Without a key of the caller's own, one is made: the payment is still recorded once.
        let key = match key {
            Some(k) => k.to_string(),
            None => {
                let n: i64 = sqlx::query("SELECT COUNT(*) FROM payments").fetch_one(w.conn()).await?.try_get(0)?;
                // Unique under the writer's lock: the number of payments so far.
                format!("ledger:{}:{}", n + 1, now)
            }
        };
        let (voucher, paid_on, account) = (input.voucher.trim(), input.paid_on.trim(), input.account.trim());
        let payment: i64 = sqlx::query(
            "INSERT INTO payments (voucher, paid_on, account, total_fen, request_key, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(voucher)
        .bind(paid_on)
        .bind(account)
        .bind(total)
        .bind(&key)
        .bind(p.user_id)
        .bind(now)
        .fetch_one(w.conn())
        .await?
        .try_get(0)?;
        w.cover("payments", payment);
        for (id, entity, amount, budget_year) in &lines {
            let line: i64 = sqlx::query("INSERT INTO payment_lines (payment_id, payout_id, amount_fen) VALUES ($1, $2, $3) RETURNING id")
                .bind(payment)
                .bind(id)
                .bind(amount)
                .fetch_one(w.conn())
                .await?
                .try_get(0)?;
            w.cover("payment_lines", line);
            sqlx::query("UPDATE payouts SET status = 'paid', paid_at = $1, paid_by = $2, payment_id = $3 WHERE id = $4")
                .bind(now)
                .bind(p.user_id)
                .bind(payment)
                .bind(id)
                .execute(w.conn())
                .await?;
            w.cover("payouts", *id);
            w.log(Entry {
                actor: p.actor(),
                action: "payout.paid",
                subject: format!("payout:{id}"),
                entity_id: Some(*entity),
                department: None,
                detail: json!({"amount": fen_text(*amount), "budget_year": budget_year, "payment": payment, "voucher": voucher, "paid_on": paid_on}),
            });
        }
        w.log(Entry {
            actor: p.actor(),
            action: "payment.create",
            subject: format!("payment:{payment}"),
            entity_id: None,
            department: None,
            detail: json!({"voucher": voucher, "paid_on": paid_on, "account": account, "total": fen_text(total), "payouts": input.payouts}),
        });
        w.commit().await?;
        self.payment(p, payment).await
    }

    /// One payment with its voucher and the payouts it paid (finance and admin).
    pub async fn payment(&self, p: &Principal, id: i64) -> Result<J> {
        p.require(&[Role::Finance, Role::Admin], Msg::new("ledger-act-record-payment"))?;
        let r = sqlx::query(
            "SELECT m.id, m.voucher, m.paid_on, m.account, m.total_fen, m.entered_at, u.username FROM payments m JOIN users u ON u.id = m.entered_by WHERE m.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| Error::NotFound(Msg::new("ledger-no-payment").arg("id", id)))?;
        // Each line says whether its payment was reversed since (the payment stays as made).
        let lines = sqlx::query(
            "SELECT l.payout_id, l.amount_fen, (SELECT COUNT(*) FROM reversals r WHERE r.payment_id = l.payment_id AND r.payout_id = l.payout_id) \
             FROM payment_lines l WHERE l.payment_id = $1 ORDER BY l.payout_id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|l| Ok(json!({"payout_id": l.try_get::<i64, _>(0)?, "amount": fen_text(l.try_get(1)?), "reversed": l.try_get::<i64, _>(2)? > 0})))
        .collect::<Result<Vec<_>>>()?;
        Ok(json!({
            "id": r.try_get::<i64, _>(0)?, "voucher": r.try_get::<String, _>(1)?, "paid_on": r.try_get::<String, _>(2)?,
            "account": r.try_get::<String, _>(3)?, "total": fen_text(r.try_get(4)?), "entered_at": rfc3339(r.try_get(5)?),
            "entered_by": r.try_get::<String, _>(6)?, "lines": lines, "repeated": false,
        }))
    }

    /// Finance reverses a paid payout: a reversing entry with its reason (the payment stays as
    /// it was made), and the payout is scheduled again, to be paid anew.
    pub async fn reverse_payout(&self, pack: &Pack, p: &Principal, payout_id: i64, reason: &str) -> Result<J> {
        p.require(&[Role::Finance], Msg::new("ledger-act-record-payment"))?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid("reason", Msg::new("ledger-reversal-reason-missing")));
        }
        let mut w = self.writer().await?;
        let r = sqlx::query("SELECT status, entity_id, amount_fen, payment_id FROM payouts WHERE id = $1")
            .bind(payout_id)
            .fetch_optional(w.conn())
            .await?
            .ok_or_else(|| Error::NotFound(Msg::new("ledger-no-payout").arg("id", payout_id)))?;
        if r.try_get::<String, _>(0)? != "paid" {
            return Err(Error::Conflict(Msg::new("ledger-payout-not-paid").arg("id", payout_id)));
        }
        let (amount, payment): (i64, Option<i64>) = (r.try_get(2)?, r.try_get(3)?);
        let now = w.now();
        let reversal: i64 = sqlx::query(
            "INSERT INTO reversals (payout_id, payment_id, amount_fen, reason, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(payout_id)
        .bind(payment)
        .bind(amount)
        .bind(reason)
        .bind(p.user_id)
        .bind(now)
        .fetch_one(w.conn())
        .await?
        .try_get(0)?;
        w.cover("reversals", reversal);
        sqlx::query("UPDATE payouts SET status = 'scheduled', paid_at = NULL, paid_by = NULL, payment_id = NULL WHERE id = $1")
            .bind(payout_id)
            .execute(w.conn())
            .await?;
        w.cover("payouts", payout_id);
        w.log(Entry {
            actor: p.actor(),
            action: "payout.reverse",
            subject: format!("payout:{payout_id}"),
            entity_id: Some(r.try_get(1)?),
            department: None,
            detail: json!({"amount": fen_text(amount), "payment": payment, "reason": reason}),
        });
        w.commit().await?;
        self.payouts_of(pack, p, None, Some(payout_id))
            .await?
            .pop()
            .ok_or_else(|| Error::NotFound(Msg::new("ledger-no-payout").arg("id", payout_id)))
    }

    /// Finance enters what the budget appropriates to a line (budget year × paying department ×
    /// clause). A change is a new entry; the newest is in force.
    pub async fn appropriate(&self, pack: &Pack, p: &Principal, input: &AppropriationInput) -> Result<J> {
        p.require(&[Role::Finance], Msg::new("ledger-act-appropriate"))?;
        let mut errs = Vec::new();
        if !YEARS.contains(&input.budget_year) {
            errs.push(FieldError::new(
                "budget_year",
                Msg::new("ledger-year-outside").arg("year", input.budget_year).arg("from", YEARS.start()).arg("to", YEARS.end()),
            ));
        }
        let payer = pack.departments.iter().position(|d| d.id == input.paid_by.trim());
        match payer {
            None => errs.push(FieldError::new("paid_by", Msg::new("ledger-unknown-department").arg("department", input.paid_by.trim()))),
            Some(d) if !pack.rules.iter().any(|r| r.paid_by == Some(d) && r.clause == input.clause.trim()) => {
                errs.push(FieldError::new("clause", Msg::new("ledger-clause-not-paid-by").arg("clause", input.clause.trim())));
            }
            Some(_) => {}
        }
        let amount = match crate::parse_fen(pack, input.amount.trim()) {
            Ok(f) => Some(f),
            Err(m) => {
                errs.push(FieldError::new("amount", m));
                None
            }
        };
        if !errs.is_empty() {
            return Err(Error::Invalid(errs));
        }
        let amount = amount.expect("checked");
        let (payer, clause) = (input.paid_by.trim(), input.clause.trim());
        let mut w = self.writer().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO appropriations (budget_year, payer, clause, amount_fen, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(input.budget_year)
        .bind(payer)
        .bind(clause)
        .bind(amount)
        .bind(p.user_id)
        .bind(w.now())
        .fetch_one(w.conn())
        .await?
        .try_get(0)?;
        w.cover("appropriations", id);
        w.log(Entry {
            actor: p.actor(),
            action: "budget.appropriate",
            subject: format!("budget:{}:{payer}:{clause}", input.budget_year),
            entity_id: None,
            department: Some(payer.to_string()),
            detail: json!({"budget_year": input.budget_year, "department": payer, "clause": clause, "amount": fen_text(amount)}),
        });
        w.commit().await?;
        let b = self.budget(p, Some(input.budget_year)).await?;
        Ok(b["lines"].as_array().into_iter().flatten().find(|l| l["paid_by"] == payer && l["clause"] == clause).cloned().unwrap_or(J::Null))
    }

    /// The budget by budget year × paying department × clause: what is still pending (an
    /// interval: open when an amount has no upper limit), what is decided (scheduled) and what
    /// is paid, in exact yuan strings. Finance and admin see everything; a county official its
    /// county.
    pub async fn budget(&self, p: &Principal, year: Option<i64>) -> Result<J> {
        p.require(&[Role::Finance, Role::Admin, Role::County], Msg::new("ledger-act-budget"))?;
        let county = if p.role == Role::County { p.county.clone().unwrap_or_default() } else { String::new() };
        let rows = sqlx::query(
            "SELECT a.budget_year, a.payer, a.clause, a.status, a.low_fen, a.high_fen, p.amount_fen, p.status, d.amount_fen, d.ceiling_fen \
             FROM awards a JOIN entities e ON e.id = a.entity_id LEFT JOIN payouts p ON p.award_id = a.id \
             LEFT JOIN decisions d ON d.award_id = a.id \
             WHERE ($1 = 0 OR a.budget_year = $1) AND ($2 = '' OR e.county = $2) AND a.status <> 'rejected' \
             AND NOT EXISTS (SELECT 1 FROM objection_rulings w WHERE w.award_id = a.id AND w.verdict = 'upheld')",
        )
        .bind(year.unwrap_or(0))
        .bind(county)
        .fetch_all(&self.pool)
        .await?;
        #[derive(Default)]
        struct Line {
            pending_low: i64,
            pending_high: Option<i64>,
            pending: i64,
            scheduled: i64,
            paid: i64,
            /// Decisions above the ceiling for open amounts, and those of them still awaiting
            /// their second approval (and so not yet scheduled).
            above_ceiling: i64,
            awaiting_second: i64,
            awaiting_second_fen: i64,
        }
        let mut lines: BTreeMap<(i64, String, String), Line> = BTreeMap::new();
        for r in &rows {
            let key = (r.try_get::<i64, _>(0)?, r.try_get::<Option<String>, _>(1)?.unwrap_or_default(), r.try_get::<String, _>(2)?);
            let l = lines.entry(key).or_insert_with(|| Line { pending_high: Some(0), ..Line::default() });
            let status: String = r.try_get(3)?;
            if r.try_get::<Option<i64>, _>(9)?.is_some() {
                l.above_ceiling += 1;
                if r.try_get::<Option<String>, _>(7)?.is_none() {
                    l.awaiting_second += 1;
                    l.awaiting_second_fen += r.try_get::<Option<i64>, _>(8)?.unwrap_or_default();
                }
            }
            match r.try_get::<Option<String>, _>(7)?.as_deref() {
                Some("paid") => l.paid += r.try_get::<i64, _>(6)?,
                Some(_) => l.scheduled += r.try_get::<i64, _>(6)?,
                None if status != "decided" => {
                    l.pending += 1;
                    l.pending_low += r.try_get::<i64, _>(4)?;
                    l.pending_high = match (l.pending_high, r.try_get::<Option<i64>, _>(5)?) {
                        (Some(a), Some(b)) => Some(a + b),
                        _ => None,
                    };
                }
                None => {}
            }
        }
        // The appropriation in force per line (the newest row); a line with an appropriation and
        // no award yet is a line too. A county official sees its county's awards, not the
        // city's appropriations.
        let mut appropriated: BTreeMap<(i64, String, String), i64> = BTreeMap::new();
        if p.role != Role::County {
            for r in sqlx::query(
                "SELECT budget_year, payer, clause, amount_fen FROM appropriations WHERE ($1 = 0 OR budget_year = $1) ORDER BY id",
            )
            .bind(year.unwrap_or(0))
            .fetch_all(&self.pool)
            .await?
            {
                let key = (r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?, r.try_get::<String, _>(2)?);
                lines.entry(key.clone()).or_insert_with(|| Line { pending_high: Some(0), ..Line::default() });
                appropriated.insert(key, r.try_get(3)?);
            }
        }
        let out: Vec<J> = lines
            .into_iter()
            .map(|(key, l)| {
                let a = appropriated.get(&key).copied();
                let (y, payer, clause) = key;
                let committed = l.scheduled + l.paid;
                json!({
                    "budget_year": y, "paid_by": payer, "clause": clause,
                    "pending_awards": l.pending, "pending": amount_json(l.pending_low, l.pending_high),
                    "scheduled": fen_text(l.scheduled), "paid": fen_text(l.paid), "committed": fen_text(committed),
                    "above_ceiling_decisions": l.above_ceiling,
                    "awaiting_second_approval": {"awards": l.awaiting_second, "amount": fen_text(l.awaiting_second_fen)},
                    "appropriation": a.map(fen_text),
                    // What the appropriation leaves once every decided amount is paid (negative: over).
                    "remaining": a.map(|a| fen_text(a - committed)),
                    // Paid of appropriated, in percent to a hundredth, exact (none without an appropriation).
                    "execution_rate": a.filter(|a| *a > 0).map(|a| percent(l.paid, a)),
                })
            })
            .collect();
        Ok(json!({"lines": out}))
    }

    /// Audit entries `p` may see, oldest first, after sequence number `after`.
    pub async fn audit_entries(&self, p: &Principal, after: i64, limit: i64) -> Result<Vec<J>> {
        self.audit_view(p, after, limit, false).await
    }

    /// The audit entries `p` may see that `f` selects, newest first (a page of `f.limit`, older
    /// than `f.before` when given).
    pub async fn audit_search(&self, p: &Principal, f: &AuditFilter) -> Result<Vec<J>> {
        let esc: String = f.user.trim().chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
        let extra = AuditExtra {
            entity: f.entity.unwrap_or(0),
            actor: if esc.is_empty() { String::new() } else { format!("user:%:{esc}") },
            action: f.action.trim().to_string(),
            from: f.from_ms.unwrap_or(i64::MIN),
            to: f.to_ms.unwrap_or(i64::MAX),
            before: f.before.unwrap_or(0),
        };
        self.audit_query(p, 0, f.limit, true, Some(&extra)).await
    }

    async fn audit_view(&self, p: &Principal, after: i64, limit: i64, newest: bool) -> Result<Vec<J>> {
        self.audit_query(p, after, limit, newest, None).await
    }

    async fn audit_query(&self, p: &Principal, after: i64, limit: i64, newest: bool, extra: Option<&AuditExtra>) -> Result<Vec<J>> {
        // The scope is part of the query, so a page is read from the database and nothing else.
        let order = if newest { "DESC" } else { "ASC" };
        let scope = match p.role {
            Role::Admin | Role::Finance => "TRUE",
            Role::Entity => "a.entity_id = $3",
            Role::County => "a.entity_id IN (SELECT id FROM entities WHERE county = $4)",
            Role::Reviewer => "(a.department = $5 OR a.department LIKE $6 ESCAPE '\\')",
        };
        // The filters, each off at its neutral value.
        let none = AuditExtra { entity: 0, actor: String::new(), action: String::new(), from: i64::MIN, to: i64::MAX, before: 0 };
        let x = extra.unwrap_or(&none);
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT a.seq, a.at, a.actor, a.action, a.subject, a.entity_id, a.department, a.detail, a.hash \
             FROM audit a WHERE a.seq > $1 AND ({scope} OR a.actor = $2) \
             AND ($8 = 0 OR a.entity_id = $8) AND ($9 = '' OR a.actor LIKE $9 ESCAPE '\\') AND ($10 = '' OR a.action = $10) \
             AND a.at >= $11 AND a.at <= $12 AND ($13 = 0 OR a.seq < $13) ORDER BY a.seq {order} LIMIT $7"
        )))
        .bind(after)
        .bind(p.actor())
        .bind(p.entity_id.unwrap_or(-1))
        .bind(p.county.clone().unwrap_or_default())
        .bind(p.department.clone().unwrap_or_default())
        .bind(dept_pattern(p.department.as_deref().unwrap_or_default()))
        .bind(limit.clamp(1, 1000))
        .bind(x.entity)
        .bind(x.actor.clone())
        .bind(x.action.clone())
        .bind(x.from)
        .bind(x.to)
        .bind(x.before)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(json!({
                    "seq": r.try_get::<i64, _>(0)?, "at": rfc3339(r.try_get(1)?), "actor": r.try_get::<String, _>(2)?, "action": r.try_get::<String, _>(3)?,
                    "subject": r.try_get::<String, _>(4)?, "entity_id": r.try_get::<Option<i64>, _>(5)?,
                    "detail": serde_json::from_str::<J>(&r.try_get::<String, _>(7)?).unwrap_or(J::Null), "hash": r.try_get::<String, _>(8)?,
                }))
            })
            .collect()
    }
}

/// The facts an award's evaluation read (its trace's fact steps: `entity.X`, `years.Y.X`, and the
/// triggering event) whose value in force was recorded by `user`, as the paths the trace names.
async fn own_facts(w: &mut crate::audit::Writer, entity_id: i64, user: i64, result: &J) -> Result<Vec<String>> {
    let mut own = Vec::new();
    let mut paths: Vec<&str> = result["trace"].as_array().into_iter().flatten().filter_map(|s| s["fact"].as_str()).collect();
    paths.sort_unstable();
    paths.dedup();
    for path in paths {
        let by: Option<i64> = if let Some(name) = path.strip_prefix("entity.") {
            sqlx::query("SELECT entered_by FROM facts WHERE entity_id = $1 AND scope = 'attribute' AND name = $2 ORDER BY id DESC LIMIT 1")
                .bind(entity_id)
                .bind(name)
                .fetch_optional(w.conn())
                .await?
                .map(|r| r.try_get(0))
                .transpose()?
        } else if let Some((year, name)) = path.strip_prefix("years.").and_then(|x| x.split_once('.')) {
            // The year's own figure, or (every-year shorthand) the one recorded without a year.
            let yearly: Option<i64> =
                sqlx::query("SELECT entered_by FROM facts WHERE entity_id = $1 AND scope = 'yearly' AND year = $2 AND name = $3 ORDER BY id DESC LIMIT 1")
                    .bind(entity_id)
                    .bind(year.parse::<i64>().unwrap_or_default())
                    .bind(name)
                    .fetch_optional(w.conn())
                    .await?
                    .map(|r| r.try_get(0))
                    .transpose()?;
            match yearly {
                Some(by) => Some(by),
                None => sqlx::query(
                    "SELECT entered_by FROM facts WHERE entity_id = $1 AND scope = 'attribute' AND name = $2 ORDER BY id DESC LIMIT 1",
                )
                .bind(entity_id)
                .bind(name)
                .fetch_optional(w.conn())
                .await?
                .map(|r| r.try_get(0))
                .transpose()?,
            }
        } else {
            None
        };
        if by == Some(user) {
            own.push(path.to_string());
        }
    }
    // The triggering event, recorded by the same user (any record of it: an event has no newer
    // value replacing it).
    let trig = &result["trigger"];
    if let (Some(event), Some(date)) = (trig["event"].as_str(), trig["date"].as_str()) {
        let rows = sqlx::query("SELECT value FROM facts WHERE entity_id = $1 AND scope = 'event' AND name = $2 AND entered_by = $3")
            .bind(entity_id)
            .bind(event)
            .bind(user)
            .fetch_all(w.conn())
            .await?;
        for r in rows {
            let v: J = serde_json::from_str(&r.try_get::<String, _>(0)?).unwrap_or(J::Null);
            if v["date"].as_str() == Some(date) {
                own.push(format!("{event} ({date})"));
                break;
            }
        }
    }
    Ok(own)
}

/// Schedules the payout of a decided award in its budget year; the database refuses a second
/// payout for the same award or once-key.
async fn schedule_payout(w: &mut crate::audit::Writer, award: &AnyRow, amount_fen: i64, now: i64) -> Result<i64> {
    Ok(sqlx::query(
        "INSERT INTO payouts (award_id, once_key, entity_id, budget_year, payer, clause, amount_fen, status, scheduled_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'scheduled', $8) RETURNING id",
    )
    .bind(award.try_get::<i64, _>("id")?)
    .bind(award.try_get::<String, _>("once_key")?)
    .bind(award.try_get::<i64, _>("entity_id")?)
    .bind(award.try_get::<i64, _>("budget_year")?)
    .bind(award.try_get::<Option<String>, _>("payer")?)
    .bind(award.try_get::<String, _>("clause")?)
    .bind(amount_fen)
    .bind(now)
    .fetch_one(w.conn())
    .await?
    .try_get(0)?)
}

/// Inserts fact rows in multi-row statements inside the writer's transaction.
async fn insert_facts(w: &mut crate::audit::Writer, rows: &[FactRow], source: &str, by: i64, import: Option<i64>) -> Result<()> {
    let now = w.now();
    let values = rows
        .iter()
        .map(|r| {
            vec![
                crate::Bind::from(r.entity_id),
                r.scope.into(),
                r.year.into(),
                r.name.as_str().into(),
                r.value.as_str().into(),
                source.into(),
                by.into(),
                now.into(),
                import.into(),
            ]
        })
        .collect();
    crate::bulk_insert(
        w.conn(),
        "INSERT INTO facts (entity_id, scope, year, name, value, source, entered_by, entered_at, import_id)",
        values,
        None,
    )
    .await?;
    Ok(())
}
