//! The OpenAPI 3.1 document the server serves at `/api/openapi.json`, built from one route table
//! (a test checks that the router answers every route listed here).

use qiangke_rules::Pack;
use serde_json::{Value as J, json};

/// One route: method, path, who may call it, summary, request body kind.
#[derive(Debug)]
pub struct RouteDoc {
    pub method: &'static str,
    pub path: &'static str,
    pub auth: &'static str,
    pub summary: &'static str,
    pub body: Option<&'static str>,
}

macro_rules! r {
    ($m:literal, $p:literal, $a:literal, $s:literal) => {
        RouteDoc { method: $m, path: $p, auth: $a, summary: $s, body: None }
    };
    ($m:literal, $p:literal, $a:literal, $s:literal, $b:literal) => {
        RouteDoc { method: $m, path: $p, auth: $a, summary: $s, body: Some($b) }
    };
}

pub const ROUTES: &[RouteDoc] = &[
    r!("get", "/api/health", "public", "Liveness and the pack being served (id, version, SHA-256)"),
    r!("get", "/api/openapi.json", "public", "This document"),
    r!(
        "post",
        "/api/evaluate",
        "public",
        "Stateless calculator: a facts document in (as `qiangke eval` reads), explained awards out; nothing is stored. Query: years=2023,2024; trace=false; explain=zh|en",
        "facts"
    ),
    r!(
        "post",
        "/api/login",
        "public",
        "Sign in: {username, password, session: cookie|bearer}. After five failures of an account (twenty from one client) each further attempt waits 1 s, 2 s, 4 s … up to 15 minutes (429 with Retry-After); the account's usual client is not held back by the account's failures",
        "login"
    ),
    r!("post", "/api/logout", "any", "End the session (cookie or bearer)"),
    r!(
        "get",
        "/api/audit/checkpoint",
        "admin, finance",
        "The head of the audit chain now (sequence number, hash, time), signed with the audit key: keep it outside the ledger and check the ledger against it later (`qiangke audit verify --checkpoint FILE`)"
    ),
    r!("get", "/api/sign-ins", "admin", "The newest sign-in events: time, user name, client address, outcome. Query: limit"),
    r!("get", "/api/me", "any", "The signed-in user, role and scope"),
    r!(
        "post",
        "/api/users",
        "admin",
        "Create a user: {username, password (≥10 chars), role: entity|reviewer|finance|county|admin, entity_id|department|county}",
        "user"
    ),
    r!("get", "/api/users", "admin", "Every user: name, role, scope, disabled"),
    r!(
        "patch",
        "/api/users/{id}",
        "admin",
        "Change a user's role and scope or disable it: {role?, entity_id?, department?, county?, disabled?}; its sessions end",
        "user_update"
    ),
    r!(
        "post",
        "/api/users/{id}/password",
        "admin, or the user itself",
        "Set a password: {password, current_password (your own)}; the user's other sessions end",
        "password"
    ),
    r!("delete", "/api/users/{id}/sessions", "admin, or the user itself", "End every session and API token of the user"),
    r!("get", "/api/entities", "any", "Entities within your scope"),
    r!("post", "/api/entities", "admin", "Register an entity: {uscc (GB 32100 checked), name, kind, county}", "entity"),
    r!("get", "/api/entities/{id}", "any", "One entity, if within your scope"),
    r!(
        "get",
        "/api/entities/{id}/facts",
        "any",
        "Every fact recorded for the entity with its provenance; `current` marks the value in force"
    ),
    r!(
        "post",
        "/api/entities/{id}/facts",
        "entity (own), reviewer, admin",
        "Record facts: {source, facts: [{year?, name, value}], events: [{type, date, …}]} — all or none",
        "facts_input"
    ),
    r!(
        "post",
        "/api/imports",
        "reviewer, admin",
        "Bulk import in one transaction, every row or none. Query: source=…, format=csv|jsonl. CSV header uscc,year,fact,value; JSON Lines {uscc, year?, fact, value} or {uscc, event}",
        "import"
    ),
    r!(
        "post",
        "/api/applications",
        "entity (own), admin",
        "Evaluate the entity's facts for a claim year and record the awards, each routed to its verifying departments: {entity_id, claim_year}",
        "application"
    ),
    r!(
        "get",
        "/api/awards",
        "any",
        "Awards within your scope (a reviewer's: its department's queue). Query: status=pending|approved|rejected|decided"
    ),
    r!("get", "/api/awards/{id}", "any", "One award with its explanation (quoting the plan), verifications, decision and payout"),
    r!(
        "post",
        "/api/awards/{id}/verification",
        "reviewer of a verifying department",
        "Approve or reject: {verdict: approve|reject, reason}",
        "verdict"
    ),
    r!(
        "post",
        "/api/awards/{id}/decision",
        "reviewer of a verifying department",
        "Decide the amount inside the allowed interval and schedule the payout in the budget year: {amount: \"200000\", reason}",
        "decision"
    ),
    r!(
        "post",
        "/api/awards/{id}/decision/second-approval",
        "another reviewer of a verifying department",
        "Approve a second time a decision above the pack's ceiling for open amounts (不低于); the payout is then scheduled"
    ),
    r!("get", "/api/payouts", "any", "Payouts within your scope. Query: year"),
    r!("post", "/api/payouts/{id}/paid", "finance", "Record a scheduled payout as paid"),
    r!(
        "get",
        "/api/budget",
        "finance, admin, county",
        "Budget by budget year × paying department × clause: pending (interval), scheduled, paid. Query: year"
    ),
    r!("get", "/api/audit", "any", "Audit entries you may see, oldest first. Query: after (sequence number), limit (≤1000)"),
    r!("get", "/api/audit/verify", "admin, finance", "Recompute the audit hash chain and report any break"),
    r!(
        "post",
        "/api/observations",
        "admin, reviewer, county (own county)",
        "Record indicator observations: CSV indicator,scope,year,value,unit,source,entered_by — every row or none, each refusal located",
        "import"
    ),
    r!("get", "/api/observations", "any", "The observations in force (newest per indicator, scope and year) as the import CSV"),
    r!(
        "post",
        "/api/task-updates",
        "admin, reviewer (its department), county (as 各縣區政府)",
        "Record task progress: CSV task,date,unit,text,value — every row or none",
        "import"
    ),
    r!("get", "/api/task-updates", "any", "Every task update as the import CSV"),
    r!(
        "get",
        "/api/report",
        "any",
        "The monitoring report for ?year=Y from the ledger (indicator progress, tasks, county assessment, awards per indicator): format=json|html|csv"
    ),
];

/// The OpenAPI document.
pub fn document(pack: &Pack) -> J {
    let mut paths = serde_json::Map::new();
    for r in ROUTES {
        let entry = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        let mut op = json!({
            "summary": r.summary,
            "x-qiangke-access": r.auth,
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {}}},
                "default": {"description": "An error", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
            },
        });
        if r.auth != "public" {
            op["security"] = json!([{"bearer": []}, {"cookie": []}]);
        }
        if r.path.contains("{id}") {
            op["parameters"] = json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}]);
        }
        if let Some(b) = r.body {
            let ct = if b == "import" { "text/csv" } else { "application/json" };
            op["requestBody"] = json!({"required": true, "content": {ct: {"schema": {"$ref": format!("#/components/schemas/{b}")}}}});
        }
        entry[r.method] = op;
    }
    let obj = |props: J, req: &[&str]| json!({"type": "object", "properties": props, "required": req});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "qiangke ledger API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!("Serving pack {} {} ({}). Money is an exact yuan string; an open upper end is null.", pack.id, pack.version, pack.hash),
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": crate::api::COOKIE},
            },
            "schemas": {
                "Problem": obj(json!({"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"},
                    "errors": {"type": "array", "items": obj(json!({"field": {"type": "string"}, "message": {"type": "string"}}), &["field", "message"])}}), &["title", "status"]),
                "facts": {"type": "object", "description": "A facts document: {entity: {id, kind, …}, years: {\"2023\": {…}}, events: [{type, date, …}]}"},
                "login": obj(json!({"username": {"type": "string"}, "password": {"type": "string"}, "session": {"enum": ["cookie", "bearer"]}}), &["username", "password"]),
                "user": obj(json!({"username": {"type": "string"}, "password": {"type": "string"}, "role": {"enum": ["entity", "reviewer", "finance", "county", "admin"]},
                    "entity_id": {"type": "integer"}, "department": {"type": "string"}, "county": {"type": "string"}}), &["username", "password", "role"]),
                "user_update": obj(json!({"role": {"enum": ["entity", "reviewer", "finance", "county", "admin"]}, "entity_id": {"type": "integer"},
                    "department": {"type": "string"}, "county": {"type": "string"}, "disabled": {"type": "boolean"}}), &[]),
                "password": obj(json!({"password": {"type": "string", "minLength": 10}, "current_password": {"type": "string"}}), &["password"]),
                "entity": obj(json!({"uscc": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"}, "county": {"type": "string"}}), &["uscc", "name", "kind", "county"]),
                "facts_input": obj(json!({"source": {"type": "string"}, "facts": {"type": "array", "items": obj(json!({"year": {"type": "integer"}, "name": {"type": "string"}, "value": {}}), &["name", "value"])},
                    "events": {"type": "array", "items": {"type": "object"}}}), &["source"]),
                "import": {"type": "string", "description": "CSV with header uscc,year,fact,value, or JSON Lines"},
                "application": obj(json!({"entity_id": {"type": "integer"}, "claim_year": {"type": "integer"}}), &["entity_id", "claim_year"]),
                "verdict": obj(json!({"verdict": {"enum": ["approve", "reject"]}, "reason": {"type": "string"}}), &["verdict"]),
                "decision": obj(json!({"amount": {"type": "string"}, "reason": {"type": "string"}}), &["amount"]),
            },
        },
    })
}
