//! Schemas of the JSON the API answers with, for the OpenAPI document only.
//!
//! The handlers build their answers as `serde_json` values in `qiangke-store` and
//! `qiangke-rules`; these types describe those values field by field, and nothing constructs
//! them. They cannot drift unnoticed: `scripts/schemathesis` checks every answer of a running
//! server against them (response_schema_conformance). The error answers are reusable responses
//! (`components/responses`), each an `application/problem+json` [`Problem`].

#![allow(dead_code)]

use qiangke_store::Principal;
use serde_json::Value as J;
use std::collections::BTreeMap;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{ToResponse, ToSchema};

/// An error (RFC 9457 problem details); validation problems list each field at fault.
#[derive(ToSchema)]
#[schema(examples(json!({"type": "about:blank", "title": "invalid input", "status": 422, "detail": "1 problem(s); nothing was changed",
    "errors": [{"field": "claim_year", "message": "year 1989 is outside 1990–2100"}]})))]
pub struct Problem {
    #[schema(examples("about:blank"))]
    r#type: String,
    /// A short, fixed summary of the kind of problem (`not found`, `invalid input` …).
    title: String,
    /// The HTTP status code.
    #[schema(minimum = 400, maximum = 599)]
    status: u16,
    /// What went wrong, in words.
    detail: String,
    /// Each field at fault (empty unless the input was invalid).
    errors: Vec<qiangke_store::FieldError>,
}

/// A reusable error response: problem+json, with `Retry-After` where the client should wait.
fn problem_response(description: &str, retry_after: Option<&str>) -> RefOr<Response> {
    let mut r = ResponseBuilder::new()
        .description(description)
        .content("application/problem+json", ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build());
    if let Some(d) = retry_after {
        let seconds = ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)).build();
        r = r.header("Retry-After", HeaderBuilder::new().schema(Some(seconds)).description(Some(d)).build());
    }
    r.build().into()
}

macro_rules! error_response {
    ($name:ident, $description:expr) => {
        error_response!($name, $description, None);
    };
    ($name:ident, $description:expr, $retry:expr) => {
        #[doc = $description]
        pub struct $name;
        impl<'r> ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<Response>) {
                (stringify!($name), problem_response($description, $retry))
            }
        }
    };
}

error_response!(
    BadRequest,
    "The request cannot be read: a path or query parameter of the wrong type or out of its range, \
     an unknown query parameter, a body that is not well-formed JSON or not UTF-8 text."
);
error_response!(Unauthorized, "Not signed in: no session, or the session or token has expired or was ended.");
error_response!(
    Forbidden,
    "The signed-in user's role or scope does not allow this; or a cookie-authenticated change came \
     from another site."
);
error_response!(NotFound, "There is no such record.");
error_response!(Conflict, "The request conflicts with the ledger's state (already decided, paid, registered …), or lost a race.");
error_response!(PayloadTooLarge, "The body is larger than this endpoint accepts (1 MiB; 64 MiB for imports).");
error_response!(UnsupportedMediaType, "The body must be sent as application/json.");
error_response!(
    Unprocessable,
    "The input is well-formed but invalid: a JSON body of the wrong shape (unknown field, missing \
     field, wrong type) or values the ledger refuses, each problem located in `errors`."
);
error_response!(
    TooManyRequests,
    "Too many requests: each user may make so many changes a minute (an entity user 60, others \
     1,200), and failed sign-ins slow further attempts down. Wait `Retry-After` seconds.",
    Some("Seconds to wait before trying again.")
);
error_response!(
    Unavailable,
    "The server cannot do this now: its storage is unavailable (disk full, read-only, unreachable \
     database) or it is busy (too many evaluations or sign-ins at once). Nothing was changed; try \
     again after `Retry-After` seconds.",
    Some("Seconds to wait before trying again.")
);

/// Every reusable response, for `components/responses`.
pub fn responses() -> Vec<(&'static str, RefOr<Response>)> {
    vec![
        BadRequest::response(),
        Unauthorized::response(),
        Forbidden::response(),
        NotFound::response(),
        Conflict::response(),
        PayloadTooLarge::response(),
        UnsupportedMediaType::response(),
        Unprocessable::response(),
        TooManyRequests::response(),
        Unavailable::response(),
    ]
}

// ----- public --------------------------------------------------------------------------------

/// The pack being served.
#[derive(ToSchema)]
pub struct PackRef {
    id: String,
    version: String,
    /// SHA-256 of the pack's files.
    hash: String,
}

#[derive(ToSchema)]
pub enum Ok {
    #[schema(rename = "ok")]
    Ok,
}

/// The server is alive, and serves this pack.
#[derive(ToSchema)]
pub struct Health {
    status: Ok,
    pack: PackRef,
}

/// A signed-in session: a bearer token (`session: bearer`) or, for the cookie, only the user.
#[derive(ToSchema)]
pub struct SignedIn {
    /// The API token (`session: bearer` only); send it as `Authorization: Bearer …`.
    token: Option<String>,
    /// Seconds the token stays valid (`session: bearer` only).
    expires_in: Option<i64>,
    user: Principal,
}

// ----- the calculator ----------------------------------------------------------------------

/// A facts document, as `qiangke eval` reads it: the entity and its attributes, yearly figures
/// keyed by year, and dated events. Every name comes from the pack's vocabulary; a value left out
/// (or `null`) is unknown, never false or zero. The schema served replaces this outline with the
/// vocabulary of the pack being served.
#[derive(ToSchema)]
#[schema(examples(json!({"entity": {"id": "91620600123456788A", "kind": "enterprise", "above_scale": true},
    "years": {"2023": {"rd_expenditure": "15000000"}},
    "events": [{"type": "recognition", "date": "2023-11-20", "kind": "high_tech", "renewal": false}]})))]
pub struct FactsDocument {
    #[schema(value_type = Object)]
    entity: J,
    #[schema(value_type = Option<Object>)]
    years: J,
    events: Option<Vec<FactsEvent>>,
}

/// An event: its `type`, its `date` and the fields the pack declares for that type.
#[derive(ToSchema)]
pub struct FactsEvent {
    r#type: String,
    #[schema(format = Date)]
    date: String,
}

/// The engine that evaluated.
#[derive(ToSchema)]
pub struct Engine {
    name: String,
    version: String,
}

/// The entity evaluated.
#[derive(ToSchema)]
pub struct EvaluatedEntity {
    id: String,
    #[schema(required = true)]
    name: Option<String>,
}

/// An amount of money as an interval of exact yuan strings; `high` is `null` when the plan sets
/// no upper limit (不低于).
#[derive(ToSchema)]
pub struct Amount {
    #[schema(examples("200000.00"))]
    low: String,
    #[schema(required = true, examples("300000.00"))]
    high: Option<String>,
}

/// A text in Chinese and English.
#[derive(ToSchema)]
pub struct Bilingual {
    zh: String,
    en: String,
}

/// A department of the pack.
#[derive(ToSchema)]
pub struct Department {
    id: String,
    zh: String,
    en: String,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum RuleKind {
    Award,
    Limit,
    Check,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum BudgetRule {
    Same,
    Next,
}

/// What a rule says, whatever the facts.
#[derive(ToSchema)]
pub struct RuleText {
    kind: RuleKind,
    clause: String,
    title: Bilingual,
    /// The sentence of the plan, verbatim.
    quote: String,
    /// The sentence on verification or budget, verbatim.
    #[schema(required = true)]
    procedure_quote: Option<String>,
    /// Whether the payout falls in the claim year's budget (`same`) or the next (`next`, 次年).
    budget_rule: BudgetRule,
    verified_by: Vec<Department>,
    #[schema(required = true)]
    paid_by: Option<Department>,
}

#[derive(ToSchema)]
pub enum ResultState {
    #[schema(rename = "awarded")]
    Awarded,
    #[schema(rename = "not-eligible")]
    NotEligible,
    #[schema(rename = "needs-information")]
    NeedsInformation,
    #[schema(rename = "not-in-force")]
    NotInForce,
    #[schema(rename = "met")]
    Met,
    #[schema(rename = "not-met")]
    NotMet,
}

/// Why a rule did not award: `code` (condition-failed, no-trigger, below-tiers, already-awarded,
/// base-not-awarded) and what it concerns.
#[derive(ToSchema)]
pub struct Reason {
    code: String,
    /// The part of the condition that decided it (`condition-failed`).
    failed: Option<String>,
    /// The tier table and the value below its bands (`below-tiers`).
    table: Option<String>,
    input: Option<String>,
    /// The key already awarded, and when (`already-awarded`).
    once_key: Option<String>,
    first_year: Option<i32>,
    first_at: Option<String>,
    /// The base rule a top-up needs (`base-not-awarded`).
    base_rule: Option<String>,
    base_key: Option<String>,
}

/// A rule's period of validity, which the claim did not fall in.
#[derive(ToSchema)]
pub struct Validity {
    #[schema(format = Date)]
    from: String,
    #[schema(format = Date)]
    until: String,
    #[schema(required = true, format = Date)]
    event_date: Option<String>,
    year: i32,
}

/// The event that triggered a result (or the derivation that made it count as one).
#[derive(ToSchema)]
pub struct Trigger {
    event: String,
    #[schema(format = Date)]
    date: String,
    /// Where the event was written (`facts.json:12:5`).
    #[schema(required = true)]
    at: Option<String>,
    #[schema(value_type = Object)]
    fields: J,
    #[schema(required = true, value_type = Option<Object>)]
    derived_by: J,
}

/// One step of the evaluation's trace: `step` says which (part, fact, unknown, compare, arith,
/// call, tier, no-tier, brackets, rounded, once); the other fields depend on it.
#[derive(ToSchema)]
pub struct Step {
    step: String,
}

/// The result of one rule for one claim year (and triggering event).
#[derive(ToSchema)]
pub struct RuleResult {
    rule: String,
    clause: String,
    claim_year: i32,
    state: ResultState,
    /// Interpretation notes that applied (ids; their text under `notes`).
    notes: Vec<String>,
    trace: Vec<Step>,
    /// The amount (`awarded`).
    amount: Option<Amount>,
    /// Why not (`not-eligible`, `not-met`).
    reason: Option<Reason>,
    /// The facts that would decide it (`needs-information`).
    missing: Option<Vec<String>>,
    /// The rule's period (`not-in-force`).
    valid: Option<Validity>,
    budget_year: Option<i32>,
    once_key: Option<String>,
    trigger: Option<Trigger>,
}

/// An interpretation note's choice.
#[derive(ToSchema)]
pub struct NoteChoice {
    clause: String,
    choice: Bilingual,
}

/// Total awarded per budget year, as an interval (`high` null: open-ended).
#[derive(ToSchema)]
pub struct Total {
    budget_year: i32,
    low: String,
    #[schema(required = true)]
    high: Option<String>,
}

/// An evaluation: every applicable rule's result for each claim year, explained.
#[derive(ToSchema)]
pub struct Evaluation {
    engine: Engine,
    pack: PackRef,
    entity: EvaluatedEntity,
    years: Vec<i32>,
    results: Vec<RuleResult>,
    /// What each rule says, by rule id.
    rules: BTreeMap<String, RuleText>,
    /// The interpretation notes that applied, by note id.
    notes: BTreeMap<String, NoteChoice>,
    totals: Vec<Total>,
    /// The explanation as text (with `explain=zh|en`).
    explanation: Option<String>,
}

// ----- users -------------------------------------------------------------------------------

/// Something created, by its id.
#[derive(ToSchema)]
pub struct Created {
    id: i64,
}

/// A user as the admin sees it.
#[derive(ToSchema)]
pub struct User {
    id: i64,
    username: String,
    role: qiangke_store::Role,
    #[schema(required = true)]
    entity_id: Option<i64>,
    #[schema(required = true)]
    department: Option<String>,
    #[schema(required = true)]
    county: Option<String>,
    disabled: bool,
    #[schema(format = DateTime)]
    created_at: String,
}

#[derive(ToSchema)]
pub struct Users {
    users: Vec<User>,
}

/// A user after a change.
#[derive(ToSchema)]
pub struct UserChanged {
    id: i64,
    username: String,
    role: qiangke_store::Role,
    #[schema(required = true)]
    entity_id: Option<i64>,
    #[schema(required = true)]
    department: Option<String>,
    #[schema(required = true)]
    county: Option<String>,
    disabled: bool,
}

/// How many sessions and tokens were ended.
#[derive(ToSchema)]
pub struct Revoked {
    #[schema(minimum = 0)]
    revoked: u64,
}

/// A sign-in event.
#[derive(ToSchema)]
pub struct SignInEvent {
    #[schema(format = DateTime)]
    at: String,
    username: String,
    /// The client's address.
    client: String,
    /// `ok`, `unknown user`, `wrong password or disabled`, `throttled`, `busy`, `signed out`.
    outcome: String,
}

#[derive(ToSchema)]
pub struct SignIns {
    events: Vec<SignInEvent>,
}

// ----- entities and facts ------------------------------------------------------------------

/// A registered entity (kind and county by the pack's ids).
#[derive(ToSchema)]
pub struct Entity {
    id: i64,
    uscc: String,
    name: String,
    kind: String,
    county: String,
}

#[derive(ToSchema)]
pub struct Entities {
    entities: Vec<Entity>,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum FactScope {
    Attribute,
    Yearly,
    Event,
}

/// A recorded fact with its provenance.
#[derive(ToSchema)]
pub struct FactRecord {
    id: i64,
    scope: FactScope,
    /// The year of a yearly figure.
    #[schema(required = true)]
    year: Option<i64>,
    name: String,
    /// The value as recorded (text), or the event (an object).
    #[schema(value_type = Value)]
    value: J,
    source: String,
    /// Who entered it.
    entered_by: String,
    #[schema(format = DateTime)]
    entered_at: String,
    /// The bulk import it came with.
    #[schema(required = true)]
    import_id: Option<i64>,
    /// Whether this is the value in force (the newest of its name and year; every event).
    current: bool,
}

#[derive(ToSchema)]
pub struct Facts {
    facts: Vec<FactRecord>,
}

/// Facts recorded for an entity.
#[derive(ToSchema)]
pub struct FactsRecorded {
    entity_id: i64,
    #[schema(minimum = 1)]
    recorded: u64,
}

/// A bulk import, stored.
#[derive(ToSchema)]
pub struct Imported {
    import_id: i64,
    #[schema(minimum = 1)]
    rows: u64,
    #[schema(minimum = 1)]
    entities: u64,
}

// ----- awards ------------------------------------------------------------------------------

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum AwardStatus {
    Pending,
    Approved,
    Rejected,
    Decided,
}

/// The entity an award or payout is for.
#[derive(ToSchema)]
pub struct AwardEntity {
    id: i64,
    uscc: String,
    name: String,
    county: String,
}

/// An award as listed.
#[derive(ToSchema)]
pub struct AwardSummary {
    id: i64,
    application_id: i64,
    entity: AwardEntity,
    rule: String,
    clause: String,
    claim_year: i64,
    budget_year: i64,
    /// The departments that verify it (department ids).
    verified_by: Vec<String>,
    /// The paying department.
    #[schema(required = true)]
    paid_by: Option<String>,
    amount: Amount,
    /// What makes the award one-time: the ledger pays a key at most once.
    once_key: String,
    status: AwardStatus,
    #[schema(format = DateTime)]
    created_at: String,
    /// The 免申即享 round that proposed it (null: the entity applied).
    #[schema(required = true)]
    round_id: Option<i64>,
    /// The entity's answer to a proposal (null: the entity applied itself).
    #[schema(required = true)]
    confirmation: Option<Confirmation>,
    /// A later round found a different result for the same once-key: what it found.
    #[schema(required = true)]
    review_flag: Option<ReviewFlag>,
}

/// The entity's answer to a proposal of a round.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum Confirmation {
    Awaiting,
    Confirmed,
    Declined,
}

/// What a later round found for an award's once-key on the facts then in force.
#[derive(ToSchema)]
pub struct ReviewFlag {
    round: i64,
    amount: Amount,
}

#[derive(ToSchema)]
pub struct Awards {
    awards: Vec<AwardSummary>,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum Verdict {
    Approve,
    Reject,
}

/// A verifying department's verdict.
#[derive(ToSchema)]
pub struct Verification {
    department: String,
    verdict: Verdict,
    reason: String,
    by: String,
    #[schema(format = DateTime)]
    at: String,
}

/// The second approval of a decision above the ceiling for open amounts.
#[derive(ToSchema)]
pub struct SecondApproval {
    by: String,
    #[schema(format = DateTime)]
    at: String,
}

/// The decided amount.
#[derive(ToSchema)]
pub struct Decision {
    amount: String,
    reason: String,
    by: String,
    #[schema(format = DateTime)]
    at: String,
    /// The department of whoever decided (null for an administrator).
    #[schema(required = true)]
    department: Option<String>,
    /// The ceiling this decision is above (it then needs a second approval).
    #[schema(required = true)]
    above_ceiling: Option<String>,
    #[schema(required = true)]
    second_approval: Option<SecondApproval>,
    awaiting_second_approval: bool,
}

/// An award of the same rule and entity whose once-key is near this one's.
#[derive(ToSchema)]
pub struct SimilarAward {
    id: i64,
    once_key: String,
    status: AwardStatus,
    /// The triggering event's name, if it has one.
    #[schema(required = true, value_type = Option<String>)]
    subject: J,
}

/// The award's own explanation: what the rule says, the result, and the text in both languages.
#[derive(ToSchema)]
pub struct AwardResult {
    kind: RuleKind,
    clause: String,
    title: Bilingual,
    quote: String,
    #[schema(required = true)]
    procedure_quote: Option<String>,
    budget_rule: BudgetRule,
    verified_by: Vec<Department>,
    #[schema(required = true)]
    paid_by: Option<Department>,
    rule: String,
    claim_year: i32,
    state: ResultState,
    notes: Vec<String>,
    trace: Vec<Step>,
    amount: Option<Amount>,
    budget_year: Option<i32>,
    once_key: Option<String>,
    trigger: Option<Trigger>,
    explanation: Bilingual,
    /// The interpretation notes that applied, with their choice.
    notes_text: Vec<NoteText>,
}

/// An interpretation note with its choice.
#[derive(ToSchema)]
pub struct NoteText {
    id: String,
    clause: String,
    choice: Bilingual,
}

/// One award whole: the summary, its explanation, verdicts, decision and payout.
#[derive(ToSchema)]
pub struct Award {
    #[serde(flatten)]
    summary: AwardSummary,
    result: AwardResult,
    verifications: Vec<Verification>,
    #[schema(required = true)]
    decision: Option<Decision>,
    #[schema(required = true)]
    payout_id: Option<i64>,
    /// Whether its payout is scheduled or paid (null: none yet).
    #[schema(required = true)]
    payout_status: Option<PayoutStatus>,
    /// Other awards that may be for the same thing written differently.
    similar: Vec<SimilarAward>,
    /// The published list (公示) it is on (null: not published).
    #[schema(required = true)]
    publication: Option<AwardPublication>,
    /// Objections to it, oldest first (who filed them is not shown here).
    objections: Vec<AwardObjection>,
    /// Its decision withdrawn after an objection was upheld: why and when (null: not withdrawn).
    #[schema(required = true)]
    withdrawn: Option<Withdrawal>,
}

/// The list an award is on.
#[derive(ToSchema)]
pub struct AwardPublication {
    id: i64,
    title: String,
    #[schema(format = Date)]
    starts_on: String,
    #[schema(format = Date)]
    ends_on: String,
}

/// An objection to an award, as its page shows it.
#[derive(ToSchema)]
pub struct AwardObjection {
    id: i64,
    reason: String,
    #[schema(format = DateTime)]
    filed_at: String,
    #[schema(required = true, pattern = "^(upheld|rejected)$")]
    verdict: Option<String>,
    #[schema(required = true)]
    ruling_reason: Option<String>,
    #[schema(required = true, format = DateTime)]
    ruled_at: Option<String>,
}

#[derive(ToSchema)]
pub struct Withdrawal {
    reason: String,
    #[schema(format = DateTime)]
    at: String,
}

/// An award the application found but did not record: its once-key is in the ledger already.
#[derive(ToSchema)]
pub struct AlreadyInLedger {
    rule: String,
    once_key: String,
    award_id: i64,
    status: AwardStatus,
}

/// An application: the evaluation of the facts in force for a claim year, and the awards it
/// recorded.
#[derive(ToSchema)]
pub struct Application {
    id: i64,
    entity_id: i64,
    claim_year: i64,
    /// Present (true) when this is the application already made on the same facts.
    unchanged: Option<bool>,
    awards: Vec<Award>,
    already_in_ledger: Vec<AlreadyInLedger>,
    evaluation: Evaluation,
}

// ----- payouts and budget ------------------------------------------------------------------

/// The entity a payout is for.
#[derive(ToSchema)]
pub struct PayoutEntity {
    id: i64,
    uscc: String,
    name: String,
    /// The county's id (the pack's county enumeration).
    county: String,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum PayoutStatus {
    Scheduled,
    Paid,
}

/// A payout scheduled in its budget year.
#[derive(ToSchema)]
pub struct Payout {
    id: i64,
    award_id: i64,
    entity: PayoutEntity,
    rule: String,
    clause: String,
    budget_year: i64,
    #[schema(required = true)]
    paid_by: Option<String>,
    amount: String,
    status: PayoutStatus,
    #[schema(format = DateTime)]
    scheduled_at: String,
    #[schema(required = true, format = DateTime)]
    paid_at: Option<String>,
    /// The voucher it was paid with (null until paid, or paid before vouchers were recorded).
    #[schema(required = true)]
    payment: Option<PayoutPayment>,
    /// Payments of it reversed, oldest first.
    reversals: Vec<Reversal>,
    /// What keeps a scheduled payout from being paid now (null: nothing; always null once paid).
    #[schema(required = true)]
    hold: Option<Hold>,
    /// Its decision was withdrawn after an objection was upheld.
    withdrawn: bool,
}

/// Why a scheduled payout cannot be paid now: `in_period` (its 公示 runs `until` that day),
/// `objection_open` (the `objection` is not settled), `not_published` (the pack requires 公示),
/// `withdrawn` (an objection was upheld).
#[derive(ToSchema)]
pub struct Hold {
    #[schema(pattern = "^(in_period|objection_open|not_published|withdrawn)$")]
    code: String,
    #[schema(format = Date)]
    until: Option<String>,
    objection: Option<i64>,
}

/// A published list (公示) with its period.
#[derive(ToSchema)]
pub struct PublicationHead {
    id: i64,
    title: String,
    #[schema(required = true)]
    claim_year: Option<i64>,
    /// The day it was published (China Standard Time).
    #[schema(format = Date)]
    published_on: String,
    /// The first and the last day of the period, both included.
    #[schema(format = Date)]
    starts_on: String,
    #[schema(format = Date)]
    ends_on: String,
    working_days: i64,
    awards: i64,
    /// The sum of the amounts listed, yuan.
    total: String,
    /// Objections are still accepted.
    open: bool,
    /// Years of the period whose holidays the pack does not list (only weekends were skipped).
    holidays_unknown_for: Vec<i64>,
}

#[derive(ToSchema)]
pub struct Publications {
    publications: Vec<PublicationHead>,
}

/// An award on a published list.
#[derive(ToSchema)]
pub struct PublicationItem {
    award_id: i64,
    entity: PublicEntity,
    rule: String,
    clause: String,
    budget_year: i64,
    amount: String,
    /// Withdrawn after an objection was upheld.
    withdrawn: bool,
}

/// The recipient as a list shows it.
#[derive(ToSchema)]
pub struct PublicEntity {
    name: String,
    uscc: String,
    county: String,
}

/// A published list with its awards.
#[derive(ToSchema)]
pub struct Publication {
    #[serde(flatten)]
    head: PublicationHead,
    items: Vec<PublicationItem>,
}

/// An objection just filed.
#[derive(ToSchema)]
pub struct ObjectionFiled {
    id: i64,
    publication_id: i64,
    award_id: i64,
    /// The department that settles it (the one that decided).
    department: String,
    #[schema(format = DateTime)]
    filed_at: String,
    #[schema(pattern = "^open$")]
    status: String,
}

/// An objection as the deciding department sees it.
#[derive(ToSchema)]
pub struct Objection {
    id: i64,
    publication_id: i64,
    award_id: i64,
    department: String,
    reason: String,
    contact: String,
    name: String,
    #[schema(format = DateTime)]
    filed_at: String,
    entity: ObjectionEntity,
    rule: String,
    clause: String,
    amount: String,
    #[schema(format = Date)]
    period_ends_on: String,
    #[schema(pattern = "^(open|settled)$")]
    status: String,
    #[schema(required = true)]
    ruling: Option<Ruling>,
}

#[derive(ToSchema)]
pub struct ObjectionEntity {
    id: i64,
    name: String,
    uscc: String,
}

/// How an objection was settled.
#[derive(ToSchema)]
pub struct Ruling {
    #[schema(pattern = "^(upheld|rejected)$")]
    verdict: String,
    reason: String,
    by: String,
    #[schema(format = DateTime)]
    at: String,
}

#[derive(ToSchema)]
pub struct Objections {
    objections: Vec<Objection>,
}

/// The voucher a payout was paid with.
#[derive(ToSchema)]
pub struct PayoutPayment {
    id: i64,
    voucher: String,
    #[schema(format = Date)]
    paid_on: String,
    account: String,
}

/// A payment of a payout reversed, with its reason.
#[derive(ToSchema)]
pub struct Reversal {
    amount: String,
    reason: String,
    by: String,
    #[schema(format = DateTime)]
    at: String,
    /// The voucher of the payment reversed.
    #[schema(required = true)]
    voucher: Option<String>,
}

/// Payouts paid with one voucher.
#[derive(ToSchema)]
pub struct Payment {
    id: i64,
    voucher: String,
    #[schema(format = Date)]
    paid_on: String,
    account: String,
    total: String,
    #[schema(format = DateTime)]
    entered_at: String,
    entered_by: String,
    lines: Vec<PaymentLine>,
    /// `true`: this request was made before, and this is the payment it made (nothing new).
    repeated: bool,
}

#[derive(ToSchema)]
pub struct PaymentLine {
    payout_id: i64,
    amount: String,
    /// This payout's payment was reversed since (the payment itself stays as it was made).
    reversed: bool,
}

#[derive(ToSchema)]
pub struct Payouts {
    payouts: Vec<Payout>,
}

#[derive(ToSchema)]
pub enum PaidStatus {
    #[schema(rename = "paid")]
    Paid,
}

/// A payout recorded as paid.
#[derive(ToSchema)]
pub struct Paid {
    id: i64,
    status: PaidStatus,
    #[schema(format = DateTime)]
    paid_at: String,
    /// The payment (voucher) it was paid with.
    payment: i64,
}

/// Decisions still waiting for their second approval.
#[derive(ToSchema)]
pub struct AwaitingSecond {
    awards: i64,
    amount: String,
}

/// One line of the budget: a budget year, a paying department and a clause.
#[derive(ToSchema)]
pub struct BudgetLine {
    budget_year: i64,
    /// The paying department (empty when the rule names none).
    paid_by: String,
    clause: String,
    /// Awards not decided yet, and their amounts as an interval.
    pending_awards: i64,
    pending: Amount,
    scheduled: String,
    paid: String,
    /// Scheduled and paid.
    committed: String,
    above_ceiling_decisions: i64,
    awaiting_second_approval: AwaitingSecond,
    /// What the budget appropriates to the line (null until finance enters it; not shown to a county).
    #[schema(required = true)]
    appropriation: Option<String>,
    /// The appropriation less what is decided (scheduled and paid); negative when over.
    #[schema(required = true)]
    remaining: Option<String>,
    /// Paid of appropriated, `12.34%`.
    #[schema(required = true)]
    execution_rate: Option<String>,
}

#[derive(ToSchema)]
pub struct Budget {
    lines: Vec<BudgetLine>,
}

// ----- audit -------------------------------------------------------------------------------

/// An entry of the audit log.
#[derive(ToSchema)]
pub struct AuditEntry {
    seq: i64,
    #[schema(format = DateTime)]
    at: String,
    /// `user:ID:NAME`, or `bootstrap`.
    actor: String,
    /// `entity.register`, `facts.record`, `award.decide` …
    action: String,
    /// `entity:7`, `award:12` …
    subject: String,
    #[schema(required = true)]
    entity_id: Option<i64>,
    /// What changed.
    #[schema(value_type = Value)]
    detail: J,
    hash: String,
}

#[derive(ToSchema)]
pub struct AuditEntries {
    entries: Vec<AuditEntry>,
}

/// The audit chain recomputed.
#[derive(ToSchema)]
pub struct AuditCheck {
    entries: i64,
    intact: bool,
    /// Each break, located by sequence number.
    problems: Vec<String>,
    /// Whether keyed hashes were checked (the audit key was at hand).
    keyed: bool,
    rows_checked: i64,
    rows_uncovered_old: i64,
}

// ----- monitoring --------------------------------------------------------------------------

/// Observations or task updates recorded.
#[derive(ToSchema)]
pub struct Recorded {
    #[schema(minimum = 1)]
    recorded: u64,
}

#[derive(ToSchema)]
pub enum ProgressStatus {
    #[schema(rename = "achieved")]
    Achieved,
    #[schema(rename = "on-track")]
    OnTrack,
    #[schema(rename = "behind")]
    Behind,
    #[schema(rename = "at-risk")]
    AtRisk,
    #[schema(rename = "no-data")]
    NoData,
    #[schema(rename = "not-computable")]
    NotComputable,
}

/// An indicator's progress toward its 2025 target (numbers as exact decimal strings).
#[derive(ToSchema)]
pub struct IndicatorProgress {
    indicator: String,
    number: u32,
    name: String,
    unit: String,
    #[schema(required = true)]
    baseline: Option<String>,
    #[schema(required = true)]
    baseline_year: Option<i32>,
    #[schema(required = true)]
    target_2022: Option<String>,
    #[schema(required = true)]
    target_2025: Option<String>,
    #[schema(required = true)]
    value: Option<String>,
    #[schema(required = true)]
    value_year: Option<i32>,
    /// Share of the way from the baseline to the target.
    #[schema(required = true)]
    share: Option<String>,
    #[schema(required = true)]
    linear_path: Option<String>,
    status: ProgressStatus,
    #[schema(required = true)]
    met_2022: Option<bool>,
    #[schema(required = true)]
    needed_per_year: Option<String>,
    #[schema(required = true)]
    needed_rate: Option<String>,
    #[schema(required = true)]
    projection_2025: Option<String>,
    notes: Vec<String>,
}

/// A county's assessment score and rank.
#[derive(ToSchema)]
pub struct CountyAssessment {
    county: String,
    #[schema(required = true)]
    score: Option<String>,
    #[schema(required = true)]
    rank: Option<u32>,
    #[schema(required = true)]
    completion: Option<String>,
    #[schema(required = true)]
    fiscal: Option<String>,
    #[schema(required = true)]
    rd: Option<String>,
    notes: Vec<String>,
}

/// A task and what of it is overdue.
#[derive(ToSchema)]
pub struct TaskOverdue {
    task: String,
    overdue: Vec<String>,
}

/// The pack a report was made from.
#[derive(ToSchema)]
pub struct ReportPack {
    id: String,
    hash: String,
}

/// The monitoring report for a year.
#[derive(ToSchema)]
pub struct Report {
    pack: ReportPack,
    year: i32,
    indicators: Vec<IndicatorProgress>,
    counties: Vec<CountyAssessment>,
    /// Where the assessment weights come from.
    weights: String,
    tasks: Vec<TaskOverdue>,
    /// What the report could not find.
    missing: Vec<String>,
}

// ----- the 免申即享 round ------------------------------------------------------------------

/// A 免申即享 round and what it found.
#[derive(ToSchema)]
pub struct Round {
    id: i64,
    claim_year: i64,
    /// The award rules it covered (empty: all).
    rules: Vec<String>,
    /// SHA-256 of the pack it ran on.
    pack: String,
    opened_by: String,
    #[schema(format = DateTime)]
    opened_at: String,
    /// Registered entities evaluated.
    entities: i64,
    /// Awards proposed (new once-keys).
    proposed: i64,
    /// Awards found that the ledger already held with the same result.
    unchanged: i64,
    /// Awards the ledger held with a different result now: flagged for review.
    flagged: i64,
    /// (entity, rule) pairs that need information.
    needs_information: i64,
    /// Entities whose stored facts no longer validate against the pack.
    refused: i64,
    /// On opening only: the entities refused, with the problems.
    #[schema(value_type = Option<Vec<Object>>)]
    refused_entities: Option<Vec<serde_json::Value>>,
}

#[derive(ToSchema)]
pub struct Rounds {
    rounds: Vec<Round>,
}

/// A fact to provide.
#[derive(ToSchema)]
pub struct NeededFact {
    /// Its path in a facts document (`years.2023.rd_expenditure`).
    fact: String,
    zh: String,
    en: String,
}

/// What a rule needs to be assessed for an entity.
#[derive(ToSchema)]
pub struct Need {
    rule: String,
    claim_year: i64,
    round: i64,
    facts: Vec<NeededFact>,
}

#[derive(ToSchema)]
pub struct NeedsList {
    needs: Vec<Need>,
}
