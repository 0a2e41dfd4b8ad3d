//! The OpenAPI 3.1 document served at `/api/openapi.json`.
//!
//! The paths, parameters, bodies and answers come from the handlers' own `#[utoipa::path]`
//! descriptions and types, collected as the routes are registered (`api::api_routes`). This
//! module adds what is the same for every operation (the security schemes, the reusable error
//! answers, the problem schema) and what depends on the pack being served: the vocabulary of a
//! facts document (the calculator's input, the events recorded for an entity), the applicant
//! kinds, counties and departments. It does not describe any route itself.

use qiangke_rules::Pack;
use qiangke_rules::model::Type;
use serde_json::{Value as J, json};
use utoipa::ToSchema;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

/// The document: the generated description of the routes, completed.
pub fn document(pack: &Pack, mut api: utoipa::openapi::OpenApi) -> J {
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    components.add_security_scheme("cookie", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::api::COOKIE))));
    for (name, response) in crate::schema::responses() {
        components.responses.insert(name.to_string(), response);
    }
    let mut schemas = Vec::new();
    <crate::schema::Problem as ToSchema>::schemas(&mut schemas);
    schemas.push((<crate::schema::Problem as ToSchema>::name().into_owned(), <crate::schema::Problem as utoipa::PartialSchema>::schema()));
    for (name, schema) in schemas {
        components.schemas.entry(name).or_insert(schema);
    }
    api.info.title = "qiangke ledger API".into();
    api.info.version = env!("CARGO_PKG_VERSION").into();
    api.info.license = None;
    api.info.contact = None;
    api.info.description = Some(format!(
        "The award ledger and the calculator of pack {} {} (SHA-256 {}).\n\n\
         Money is an exact yuan string (`\"200000.00\"`); an open upper end is `null`. Errors are \
         `application/problem+json` (RFC 9457) with `errors: [{{field, message}}]` for invalid input. \
         Sign in with `POST /api/login` and send the token as `Authorization: Bearer …`, or use the \
         session cookie `{}` (a change made with the cookie must come from this site). Each user may \
         make so many changes a minute (an entity user 60, others 1,200): beyond that the answer is \
         429 with `Retry-After`.",
        pack.id,
        pack.version,
        pack.hash,
        crate::api::COOKIE,
    ));
    let mut doc = serde_json::to_value(&api).expect("the document serializes");
    with_pack(&mut doc, pack);
    // What the derive cannot say: a rejection needs a reason the applicant can read.
    doc["components"]["schemas"]["VerdictBody"]["if"] = json!({"properties": {"verdict": {"const": "reject"}}});
    doc["components"]["schemas"]["VerdictBody"]["then"] = json!({"required": ["reason"], "properties": {"reason": {"pattern": r"\S"}}});
    // A reusable error answer that says when to come back always says it.
    if let Some(responses) = doc.pointer_mut("/components/responses").and_then(J::as_object_mut) {
        for r in responses.values_mut() {
            if let Some(h) = r.pointer_mut("/headers/Retry-After").and_then(J::as_object_mut) {
                h.insert("required".into(), J::Bool(true));
            }
        }
    }
    doc["tags"] = json!([
        {"name": "public", "description": "The calculator and the server itself; no sign-in."},
        {"name": "sessions", "description": "Signing in and out."},
        {"name": "users", "description": "Users, roles and passwords."},
        {"name": "entities", "description": "Entities and their facts, with provenance."},
        {"name": "awards", "description": "Applications, awards, verification and decisions."},
        {"name": "rounds", "description": "免申即享 rounds: every registered entity evaluated with no application; proposals the entity confirms or declines; what each still needs."},
        {"name": "payouts", "description": "Payouts and the budget."},
        {"name": "publication", "description": "公示: decided awards published before payment, and objections to them (public)."},
        {"name": "audit", "description": "The hash-chained audit log and the sign-in log."},
        {"name": "monitoring", "description": "Plan monitoring: indicator observations, task progress, the report."},
    ]);
    doc
}

/// Fills in what depends on the pack: the facts vocabulary and the enumerations.
fn with_pack(doc: &mut J, pack: &Pack) {
    let schemas = &mut doc["components"]["schemas"];
    let (document, event) = facts_schemas(pack);
    schemas["FactsDocument"] = document;
    schemas["FactsEvent"] = event;
    schemas["FactsInput"]["properties"]["events"] = json!({"type": "array", "items": {"$ref": "#/components/schemas/FactsEvent"}, "description": "Events: each with its `type`, its `date` and the fields of that type."});
    let v = &pack.vocab;
    let mut names: Vec<&str> = v.attributes.iter().map(|a| a.name.as_str()).filter(|n| !matches!(*n, "kind" | "uscc" | "county")).collect();
    names.extend(v.yearly.iter().map(|y| y.name.as_str()));
    schemas["FactInput"]["properties"]["name"] = json!({"type": "string", "enum": names,
        "description": "The fact's name in the pack's vocabulary: an attribute of the entity (no `year`) or a yearly figure (with its `year`). \
         Kind, credit code and county are set when the entity is registered."});
    // A fact's value as the ledger reads it: text, a number or a boolean (never null, a list or an object).
    let value = &mut schemas["FactInput"]["properties"]["value"];
    value["type"] = json!(["string", "number", "boolean"]);
    value["examples"] = json!(["15000000", 3, true]);
    let ids = |e: u16| -> Vec<&str> { pack.enums[e as usize].variants.iter().map(|x| x.id.as_str()).collect() };
    let counties = ids(pack.county_enum);
    let departments: Vec<&str> = pack.departments.iter().map(|d| d.id.as_str()).collect();
    schemas["NewEntity"]["properties"]["kind"] = json!({"type": "string", "enum": spellings(pack, pack.applicant_enum),
        "examples": ids(pack.applicant_enum), "description": "The kind of applicant: a variant's id, or its Chinese or English name."});
    schemas["NewEntity"]["properties"]["county"] = json!({"type": "string", "enum": spellings(pack, pack.county_enum),
        "examples": counties, "description": "The county: a variant's id, or its Chinese or English name."});
    for s in ["NewUser", "UserUpdate"] {
        let p = &mut schemas[s]["properties"];
        append(&mut p["department"], &format!(" One of: {}. Only for a reviewer; ignored for other roles.", departments.join(", ")));
        append(
            &mut p["county"],
            &format!(" One of: {} (or a name). Only for a county official; ignored for other roles.", counties.join(", ")),
        );
        append(&mut p["entity_id"], " Only for an entity user; ignored for other roles.");
    }
    // A new user's role needs its scope field (an entity that does not exist is still refused).
    schemas["NewUser"]["allOf"] = json!([
        {"if": {"properties": {"role": {"const": "entity"}}, "required": ["role"]},
            "then": {"required": ["entity_id"], "properties": {"entity_id": {"type": "integer"}}}},
        {"if": {"properties": {"role": {"const": "reviewer"}}, "required": ["role"]},
            "then": {"required": ["department"], "properties": {"department": {"enum": departments}}}},
        {"if": {"properties": {"role": {"const": "county"}}, "required": ["role"]},
            "then": {"required": ["county"], "properties": {"county": {"enum": spellings(pack, pack.county_enum)}}}},
    ]);
}

/// Every spelling the ledger reads for a variant of an enum: ids first, then names and aliases.
fn spellings(pack: &Pack, e: u16) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let variants = &pack.enums[e as usize].variants;
    let all = variants
        .iter()
        .map(|v| v.id.clone())
        .chain(variants.iter().flat_map(|v| [v.name.zh.clone(), v.name.en.clone()].into_iter().chain(v.aliases.iter().cloned())));
    for s in all {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

fn append(schema: &mut J, text: &str) {
    let d = schema["description"].as_str().unwrap_or("").to_string();
    schema["description"] = J::String(format!("{d}{text}"));
}

/// The JSON Schema of a fact's value of type `ty` in a facts document, as the facts validator
/// reads it (`null` is an unknown value everywhere).
fn value_schema(pack: &Pack, ty: Type) -> J {
    match ty {
        Type::Bool => json!({"type": ["boolean", "null"]}),
        Type::Int => json!({"anyOf": [{"type": "integer", "minimum": 0, "maximum": 1_000_000_000},
            {"type": "string", "pattern": r"^\s*\+?[0-9]+\s*$"}, {"type": "null"}]}),
        Type::Dec => json!({"type": ["number", "string", "null"]}),
        Type::Money => json!({"type": ["string", "number", "null"], "examples": ["15000000", "1500万元", "1500000.50"],
            "description": "An amount of money, exact to the fen, never negative: `\"15000000\"`, `\"1500万元\"`, `\"1500000.50元\"`."}),
        Type::Rate => json!({"type": ["string", "null"], "pattern": "%", "examples": ["20%"]}),
        Type::Points => json!({"type": ["string", "number", "null"], "examples": ["8分", "8"]}),
        Type::Date => json!({"type": ["string", "null"], "format": "date"}),
        Type::Text => json!({"type": ["string", "null"]}),
        Type::Uscc => json!({"type": ["string", "null"], "pattern": r"^\s*[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}\s*$",
            "description": "A unified social credit code (GB 32100-2015)."}),
        Type::Enum(e) => {
            let all: Vec<J> = spellings(pack, e).into_iter().map(J::String).chain([J::Null]).collect();
            json!({"enum": all, "description": format!("A {}: a variant's id, or its Chinese or English name.", pack.enums[e as usize].name)})
        }
        // Not a type a fact can have (the pack loader refuses it in a vocabulary).
        Type::MoneyRange | Type::RateRange | Type::PointsRange | Type::List => json!(false),
    }
}

/// The facts document and a single event, from the pack's vocabulary.
fn facts_schemas(pack: &Pack) -> (J, J) {
    let v = &pack.vocab;
    let describe = |mut s: J, title: &qiangke_rules::model::Text| {
        let d = s["description"].as_str().map(|d| format!(" {d}")).unwrap_or_default();
        s["description"] = J::String(format!("{} ({}).{d}", title.en, title.zh));
        s
    };
    let mut entity = serde_json::Map::new();
    entity.insert("id".into(), json!({"anyOf": [{"type": "string", "pattern": r"\S"}, {"type": "number"}], "description": "Any identifier of the entity (or give `uscc`)."}));
    entity.insert("name".into(), json!({"type": "string", "pattern": r"\S"}));
    for a in &v.attributes {
        entity.insert(a.name.clone(), describe(value_schema(pack, a.ty), &a.title));
    }
    let mut identified = vec![json!({"required": ["id"]})];
    if let Some(a) = v.attributes.iter().find(|a| a.ty == Type::Uscc) {
        identified.push(json!({"required": [a.name], "properties": {a.name.clone(): {"type": "string"}}}));
    }
    let mut yearly = serde_json::Map::new();
    for y in &v.yearly {
        yearly.insert(y.name.clone(), describe(value_schema(pack, y.ty), &y.title));
    }
    let events: Vec<J> = v
        .events
        .iter()
        .map(|e| {
            let mut props = serde_json::Map::new();
            props.insert("type".into(), json!({"const": e.name}));
            props.insert(
                "date".into(),
                json!({"type": ["string", "null"], "format": "date", "description": "When it happened (`null`: the event is left out)."}),
            );
            for f in &e.fields {
                props.insert(f.name.clone(), describe(value_schema(pack, f.ty), &f.title));
            }
            json!({"type": "object", "title": e.name, "description": format!("{} ({}).", e.title.en, e.title.zh),
                "properties": props, "required": ["type", "date"], "additionalProperties": false})
        })
        .collect();
    let event = json!({"oneOf": events, "description": "An event: its `type`, its `date` and the fields the pack declares for that type."});
    let year_key = r"^\+?0*(19[0-9]{2}|2[01][0-9]{2}|2200)$";
    let document = json!({
        "type": "object",
        "description": "A facts document, as `qiangke eval` reads it: the entity and its attributes, yearly figures keyed by year, \
            and dated events, every name from the pack's vocabulary. A value left out (or `null`) is unknown, never false or zero.",
        "properties": {
            "entity": {"type": "object", "properties": entity, "additionalProperties": false, "anyOf": identified},
            "years": {"type": "object", "patternProperties": {year_key: {"type": "object", "properties": yearly, "additionalProperties": false}},
                "additionalProperties": false, "description": "Yearly figures by calendar year."},
            "events": {"type": "array", "items": {"$ref": "#/components/schemas/FactsEvent"}, "maxItems": crate::compute::MAX_EVENTS},
        },
        "required": ["entity"],
        "additionalProperties": false,
        "examples": [{"entity": {"id": "91620600123456788A", "kind": "enterprise", "above_scale": true},
            "years": {"2023": {"rd_expenditure": "15000000"}},
            "events": [{"type": "recognition", "date": "2023-11-20", "kind": "high_tech", "renewal": false}]}],
    });
    (document, event)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> J {
        let pack =
            qiangke_rules::load_pack(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022")).expect("pack");
        let (_, api) = crate::api::api_routes().split_for_parts();
        document(&pack, api)
    }

    fn refs<'a>(v: &'a J, out: &mut Vec<&'a str>) {
        match v {
            J::Object(m) => {
                for (k, x) in m {
                    match (k.as_str(), x) {
                        ("$ref", J::String(r)) => out.push(r),
                        _ => refs(x, out),
                    }
                }
            }
            J::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_resolves() {
        let d = doc();
        let mut all = Vec::new();
        refs(&d, &mut all);
        assert!(all.len() > 50, "{}", all.len());
        for r in all {
            let pointer = r.strip_prefix('#').expect("a local reference");
            assert!(d.pointer(pointer).is_some(), "{r} does not resolve");
        }
    }

    #[test]
    fn every_operation_is_described_and_its_links_lead_somewhere() {
        let d = doc();
        let mut ids = std::collections::BTreeSet::new();
        for (path, ops) in d["paths"].as_object().expect("paths") {
            for (method, op) in ops.as_object().expect("operations") {
                let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path}: no operationId"));
                assert!(ids.insert(id.to_string()), "{id} twice");
                assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()), "{method} {path}: no summary");
                assert!(op["description"].as_str().is_some_and(|s| !s.is_empty()), "{method} {path}: no description");
                let codes: Vec<&String> = op["responses"].as_object().expect("responses").keys().collect();
                assert!(codes.iter().any(|c| c.starts_with('2')), "{method} {path}: no success answer");
                // A signed-in operation says so, and says what happens without a session.
                let secured = op["security"].as_array().is_some_and(|s| !s.iter().any(|r| r.as_object().is_some_and(|o| o.is_empty())));
                if secured {
                    assert!(codes.iter().any(|c| *c == "401"), "{method} {path}: no 401");
                }
            }
        }
        for ops in d["paths"].as_object().expect("paths").values() {
            for op in ops.as_object().expect("operations").values() {
                for r in op["responses"].as_object().expect("responses").values() {
                    for (name, link) in r["links"].as_object().into_iter().flatten() {
                        let target = link["operationId"].as_str().expect("operationId");
                        assert!(ids.contains(target), "link {name} leads to {target}, which does not exist");
                    }
                }
            }
        }
    }

    #[test]
    fn the_examples_of_a_facts_document_follow_the_vocabulary() {
        let d = doc();
        let pack =
            qiangke_rules::load_pack(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022")).expect("pack");
        for ex in d["components"]["schemas"]["FactsDocument"]["examples"].as_array().expect("examples") {
            qiangke_rules::load_facts(&pack, "example.json", &ex.to_string()).expect("the example is a valid facts document");
        }
    }
}
