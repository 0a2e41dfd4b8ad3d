//! Loading a pack folder: raw TOML shapes → checked [`Pack`], with every problem as a located
//! [`Diagnostic`].
//!
//! A pack is `pack.toml` (identity, validity, departments, enums), `facts.toml` (the fact
//! vocabulary), `notes.toml` (interpretations), `rules/*.toml` (tier and bracket tables,
//! derivations, rules) and the source text named in `pack.toml`. Loading collects all diagnostics
//! it can before giving up, like a compiler. Test cases (`cases/`) are not part of the pack; see
//! `cases`.

use crate::diag::{Diagnostic, FileId, SourceMap, Span, did_you_mean};
use crate::model::*;
use crate::resolve::{CExpr, Ctx};
use qiangke_i18n::Msg;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::Path;
use toml::Spanned;

mod loader;
mod plan;
mod raw;

use loader::Loader;
use raw::*;

/// Loading failed: every diagnostic found, with the files they point into.
pub type PackErrors = crate::diag::Report;

/// Reads a pack folder from disk and loads it.
pub fn load_pack(dir: &Path) -> Result<Pack, PackErrors> {
    load_pack_files(&read_pack_files(dir)?)
}

/// Files at the top of a pack folder that belong to the pack (all but `pack.toml` and
/// `facts.toml` are optional).
const ROOT_FILES: [&str; 7] =
    ["pack.toml", "facts.toml", "notes.toml", "departments.toml", "indicators.toml", "tasks.toml", "coverage.toml"];
/// Folders whose `*.toml` files belong to the pack.
const DIRS: [&str; 2] = ["rules", "notes"];

/// Reads the files of a pack folder as `(relative name, text)`: the root files, `rules/*.toml`,
/// `notes/*.toml` and the source text named by `pack.toml`. Cases and examples are not part of the
/// pack (they do not change its hash).
pub fn read_pack_files(dir: &Path) -> Result<Vec<(String, String)>, PackErrors> {
    let io_err = |name: String, e: Msg| {
        let mut map = SourceMap::new();
        let f = map.add(name, "");
        Err(PackErrors { diagnostics: vec![Diagnostic::error("E042", f, Span::default(), e)], map })
    };
    let read = |rel: &str| -> Result<Option<String>, Msg> {
        match std::fs::read(dir.join(rel)) {
            Ok(b) => String::from_utf8(b).map(Some).map_err(|_| Msg::new("e-not-utf8").arg("name", rel)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            // The system's reason stays as the system gives it.
            Err(e) => Err(Msg::new("e-cannot-read").arg("name", rel).arg("reason", e)),
        }
    };
    let mut files = Vec::new();
    for name in ROOT_FILES {
        match read(name) {
            Ok(Some(t)) => files.push((name.to_string(), t)),
            Ok(None) if name == "pack.toml" || name == "facts.toml" => {
                return io_err(format!("{}/{name}", dir.display()), Msg::new("e-folder-lacks").arg("name", name));
            }
            Ok(None) => {}
            Err(e) => return io_err(format!("{}/{name}", dir.display()), e),
        }
    }
    for sub in DIRS {
        let mut names: Vec<String> = match std::fs::read_dir(dir.join(sub)) {
            Ok(rd) => {
                rd.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".toml")).collect()
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && sub == "notes" => Vec::new(),
            Err(e) => {
                return io_err(format!("{}/{sub}", dir.display()), Msg::new("e-cannot-read-folder").arg("name", sub).arg("reason", e));
            }
        };
        names.sort();
        for n in names {
            let rel = format!("{sub}/{n}");
            match read(&rel) {
                Ok(Some(t)) => files.push((rel, t)),
                Ok(None) => {}
                Err(e) => return io_err(rel.clone(), e),
            }
        }
    }
    // The source text is named by the manifest; read it if the manifest says where.
    if let Some((_, manifest)) = files.first()
        && let Ok(m) = toml::from_str::<toml::Table>(manifest)
        && let Some(src) = m.get("source").and_then(|v| v.as_str())
    {
        if src.contains("..") || src.starts_with('/') || src.contains('\\') {
            return io_err("pack.toml".into(), Msg::new("e-source-outside").arg("name", src));
        }
        match read(src) {
            Ok(Some(t)) => files.push((src.to_string(), t)),
            Ok(None) => {}
            Err(e) => return io_err(format!("{}/{src}", dir.display()), e),
        }
    }
    Ok(files)
}

/// Loads a pack from in-memory files `(relative name, text)`: `pack.toml`, `facts.toml`,
/// optionally `notes.toml`, any `rules/*.toml`, and the source text file named by `pack.toml`.
pub fn load_pack_files(files: &[(String, String)]) -> Result<Pack, PackErrors> {
    let mut l = Loader { map: SourceMap::new(), diags: Vec::new() };
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut h = Sha256::new();
    for (n, t) in &sorted {
        h.update((n.len() as u64).to_le_bytes());
        h.update(n.as_bytes());
        h.update((t.len() as u64).to_le_bytes());
        h.update(t.as_bytes());
    }
    let hash = hex::encode(h.finalize());
    let find = |name: &str| files.iter().find(|(n, _)| n == name);
    let fail = |l: Loader| Err(PackErrors { map: l.map, diagnostics: l.diags });

    let Some((_, mt)) = find("pack.toml") else {
        let f = l.map.add("pack.toml", "");
        l.diags.push(Diagnostic::error("E042", f, Span::default(), Msg::new("e-no-manifest")));
        return fail(l);
    };
    let mf = l.map.add("pack.toml", mt.clone());
    let Some(raw) = l.parse::<RawManifest>(mf) else {
        return fail(l);
    };
    let Some((src_name, src_text)) = find(raw.source.get_ref()) else {
        l.diags.push(l.err("E042", mf, raw.source.span(), Msg::new("e-source-missing").arg("name", raw.source.get_ref())));
        return fail(l);
    };
    let valid = l.period(mf, &raw.valid_from, &raw.valid_until);
    let mut enums: Vec<EnumDef> = Vec::new();
    for e in &raw.enums {
        if enums.iter().any(|x| x.name == *e.name.get_ref()) {
            l.diags.push(l.err("E011", mf, e.name.span(), Msg::new("e-declared-twice").arg("kind", "enum").arg("name", e.name.get_ref())));
        }
        let variants = l.named_list(mf, &e.variants, "variant");
        enums.push(EnumDef::new(e.name.get_ref().clone(), variants));
    }
    let mut departments = l.named_list(mf, &raw.departments, "department");
    if let Some((_, dt)) = find("departments.toml") {
        let df = l.map.add("departments.toml", dt.clone());
        if let Some(rd) = l.parse::<RawDepartments>(df) {
            let more = l.named_list(df, &rd.department, "department");
            for d in more {
                if departments.iter().any(|x| x.id == d.id) {
                    let sp = rd.department.iter().find(|x| *x.id.get_ref() == d.id).map_or(Span::default(), |x| span(x.id.span()));
                    l.diags.push(l.err("E011", df, sp, Msg::new("e-declared-twice").arg("kind", "department").arg("name", &d.id)));
                }
                departments.push(d);
            }
        }
    }
    let enum_index = |l: &mut Loader, s: &Spanned<String>| -> u16 {
        match enums.iter().position(|e| e.name == *s.get_ref()) {
            Some(i) => i as u16,
            None => {
                l.diags.push(l.err("E041", mf, s.span(), Msg::new("e-no-such-enum").arg("name", s.get_ref())));
                0
            }
        }
    };
    let applicant_enum = enum_index(&mut l, &raw.applicant_enum);
    let county_enum = enum_index(&mut l, &raw.county_enum);
    if !l.diags.is_empty() {
        return fail(l);
    }

    // Fact vocabulary.
    let Some((_, ft)) = find("facts.toml") else {
        l.diags.push(l.err("E042", mf, Span::default(), Msg::new("e-no-vocabulary")));
        return fail(l);
    };
    let ff = l.map.add("facts.toml", ft.clone());
    let Some(rv) = l.parse::<RawVocab>(ff) else {
        return fail(l);
    };
    let mut vocab = Vocab::default();
    let mut seen = HashSet::new();
    vocab.attributes = rv.attribute.iter().map(|f| l.field(ff, f, &enums, &departments, &mut seen)).collect();
    seen.clear();
    vocab.yearly = rv.yearly.iter().map(|f| l.field(ff, f, &enums, &departments, &mut seen)).collect();
    seen.clear();
    for e in &rv.event {
        if !seen.insert(e.name.get_ref().clone()) {
            l.diags.push(l.err("E011", ff, e.name.span(), Msg::new("e-declared-twice").arg("kind", "event").arg("name", e.name.get_ref())));
        }
        let mut fseen = HashSet::new();
        let fields: Vec<FieldDef> = e.fields.iter().map(|f| l.field(ff, f, &enums, &departments, &mut fseen)).collect();
        if fields.iter().any(|f| f.name == "date") {
            l.diags.push(l.err("E011", ff, e.name.span(), Msg::new("e-event-date-declared")));
        }
        for x in e.fields.iter().flat_map(|x| &x.supplied_by) {
            l.diags.push(l.err("E012", ff, x.span(), Msg::new("e-supplied-by-on-field")).with_hint(Msg::new("e-hint-supplied-by")));
        }
        let supplied_by = e.supplied_by.iter().filter_map(|d| l.department(ff, d, &departments)).collect();
        vocab.events.push(EventDef { name: e.name.get_ref().clone(), title: e.title(), fields, supplied_by });
    }
    // Where each vocabulary key may stand: the every-year shorthand on yearly figures only,
    // `required_when` on event fields only, and no attribute named like a yearly figure (the
    // flat layout would have two columns of one name).
    for f in rv.attribute.iter().chain(rv.event.iter().flat_map(|e| &e.fields)) {
        if let Some(s) = &f.attribute_shorthand {
            l.diags.push(l.err("E011", ff, s.span(), Msg::new("e-shorthand-not-yearly")));
        }
    }
    for f in rv.attribute.iter().chain(&rv.yearly) {
        if let Some(w) = &f.required_when {
            l.diags.push(l.err("E011", ff, w.span(), Msg::new("e-required-when-not-event")));
        }
    }
    for y in &rv.yearly {
        if vocab.attribute(y.name.get_ref()).is_some() {
            l.diags.push(
                l.err("E011", ff, y.name.span(), Msg::new("e-attribute-and-yearly").arg("name", y.name.get_ref()))
                    .with_hint(Msg::new("e-hint-every-year")),
            );
        }
    }
    if !l.diags.is_empty() {
        // Rules are resolved against the vocabulary; a broken vocabulary would make every rule
        // report follow-on errors.
        return fail(l);
    }
    // A field required when a condition over its event's own fields holds.
    for (ei, e) in rv.event.iter().enumerate() {
        for (fi, f) in e.fields.iter().enumerate() {
            let Some(w) = &f.required_when else { continue };
            let ctx = Ctx { vocab: &vocab, enums: &enums, tiers: &[], brackets: &[], event: Some(ei) };
            if let Some(c) = l.expr(&ctx, ff, w, Some(Type::Bool)) {
                vocab.events[ei].fields[fi].required = crate::model::Required::When(c);
            }
        }
    }
    if vocab.attribute("kind").is_none_or(|i| vocab.attributes[i].ty != Type::Enum(applicant_enum)) {
        l.diags.push(l.err("E041", ff, Span::default(), Msg::new("e-no-kind-attribute").arg("type", &enums[applicant_enum as usize].name)));
    }

    // Interpretation notes: `notes.toml` and `notes/*.toml`.
    let mut notes = Vec::new();
    for (name, nt) in sorted.iter().filter(|(n, _)| *n == "notes.toml" || n.starts_with("notes/")) {
        let nf = l.map.add(name.clone(), nt.clone());
        if let Some(rn) = l.parse::<RawNotes>(nf) {
            for n in rn.note {
                if notes.iter().any(|x: &Note| x.id == *n.id.get_ref()) {
                    l.diags.push(l.err(
                        "E011",
                        nf,
                        n.id.span(),
                        Msg::new("e-declared-twice").arg("kind", "note").arg("name", n.id.get_ref()),
                    ));
                }
                l.clause(nf, &n.clause);
                notes.push(Note {
                    id: n.id.into_inner(),
                    clause: n.clause.into_inner(),
                    question: n.question.into(),
                    options: n.options,
                    choice: n.choice.into(),
                    reason: n.reason.into(),
                });
            }
        }
    }
    let sf = l.map.add(src_name.clone(), src_text.clone());
    let _ = sf;

    // Rule files: tables first (rules refer to them), then derivations and rules.
    let mut raw_rules = Vec::new();
    for (name, text) in sorted.iter().filter(|(n, _)| n.starts_with("rules/")) {
        let f = l.map.add(name.clone(), text.clone());
        if let Some(r) = l.parse::<RawRuleFile>(f) {
            raw_rules.push((f, r));
        }
    }
    let note_ix = |l: &mut Loader, f: FileId, s: &Spanned<String>| -> Option<usize> {
        let i = notes.iter().position(|n| n.id == *s.get_ref());
        if i.is_none() {
            let d = l.err("E013", f, s.span(), Msg::new("e-unknown-note").arg("name", s.get_ref()));
            let d = match did_you_mean(s.get_ref(), notes.iter().map(|n| n.id.as_str())) {
                Some(m) => d.with_hint(Msg::new("diag-did-you-mean").arg("name", m)),
                None => d.with_hint(Msg::new("e-hint-declare-note")),
            };
            l.diags.push(d);
        }
        i
    };
    let mut tiers: Vec<TierTable> = Vec::new();
    let mut brackets: Vec<BracketTable> = Vec::new();
    for (f, rf) in &raw_rules {
        for t in &rf.tiers {
            if tiers.iter().any(|x| x.id == *t.id.get_ref()) {
                l.diags.push(l.err(
                    "E011",
                    *f,
                    t.id.span(),
                    Msg::new("e-declared-twice").arg("kind", "tier-table").arg("name", t.id.get_ref()),
                ));
            }
            let overlap = t.overlap.as_ref().and_then(|o| {
                let prefer = match o.prefer.get_ref().as_str() {
                    "higher" => Prefer::Higher,
                    "lower" => Prefer::Lower,
                    other => {
                        l.diags.push(l.err("E033", *f, o.prefer.span(), Msg::new("e-overlap-prefer").arg("text", other)));
                        return None;
                    }
                };
                note_ix(&mut l, *f, &o.note).map(|n| (prefer, n))
            });
            let table = l.tier_table(*f, t, overlap);
            tiers.push(table);
        }
        for b in &rf.brackets {
            brackets.push(l.bracket_table(*f, b));
        }
    }

    let mut rules: Vec<Rule> = Vec::new();
    let mut derives = Vec::new();
    let mut ids = HashSet::new();
    // Top-ups name their base rule by id; resolved once every rule is known.
    let mut pending_requires: Vec<PendingRequires<'_>> = Vec::new();
    for (f, rf) in &raw_rules {
        let f = *f;
        for d in &rf.derive {
            l.clause(f, &d.clause);
            l.quote(f, &d.quote, src_text);
            let from = l.event_ref(f, &d.from, &vocab);
            let emit = l.event_ref(f, &d.emit, &vocab);
            let ctx = Ctx { vocab: &vocab, enums: &enums, tiers: &tiers, brackets: &brackets, event: from };
            let when = l.expr(&ctx, f, &d.when, Some(Type::Bool));
            let mut set = Vec::new();
            if let Some(ei) = emit {
                for (k, v) in &d.set {
                    let def = &vocab.events[ei];
                    if k.get_ref() == "date" {
                        l.diags.push(l.err("E021", f, k.span(), Msg::new("e-emit-date")));
                        continue;
                    }
                    match def.fields.iter().position(|x| x.name == *k.get_ref()) {
                        Some(fi) => {
                            if let Some(e) = l.expr(&ctx, f, v, Some(def.fields[fi].ty)) {
                                set.push((fi, e));
                            }
                        }
                        None => l.diags.push(l.err(
                            "E021",
                            f,
                            k.span(),
                            Msg::new("e-event-no-field").arg("event", &def.name).arg("name", k.get_ref()),
                        )),
                    }
                }
            }
            let dn: Vec<usize> = d.notes.iter().filter_map(|n| note_ix(&mut l, f, n)).collect();
            if let (Some(from), Some(emit), Some(when)) = (from, emit, when) {
                derives.push(Derive {
                    id: d.id.get_ref().clone(),
                    clause: d.clause.get_ref().clone(),
                    quote: d.quote.get_ref().clone(),
                    title: d.title.clone().into(),
                    from,
                    when,
                    emit,
                    set,
                    notes: dn,
                });
            }
        }
        for r in &rf.rule {
            if !ids.insert(r.id.get_ref().clone()) {
                l.diags.push(
                    l.err("E011", f, r.id.span(), Msg::new("e-rule-id-twice").arg("name", r.id.get_ref()))
                        .with_hint(Msg::new("e-hint-rule-id")),
                );
            }
            l.clause(f, &r.clause);
            l.quote(f, &r.quote, src_text);
            if let Some(p) = &r.procedure_quote {
                l.quote(f, p, src_text);
            }
            let ae = &enums[applicant_enum as usize];
            let mut applicants = Vec::new();
            for a in &r.applicants {
                match ae.lookup(a.get_ref()) {
                    Some(v) => applicants.push(v),
                    None => {
                        let d = l.err("E014", f, a.span(), Msg::new("e-unknown-applicant").arg("name", a.get_ref()));
                        let d = match did_you_mean(a.get_ref(), ae.variants.iter().map(|v| v.id.as_str())) {
                            Some(m) => d.with_hint(Msg::new("diag-did-you-mean").arg("name", m)),
                            None => d,
                        };
                        l.diags.push(d);
                    }
                }
            }
            let (trigger_event, trigger_ok) = if r.trigger.get_ref() == "year" {
                (None, true)
            } else {
                let e = l.event_ref(f, &r.trigger, &vocab);
                (e, e.is_some())
            };
            if !trigger_ok {
                // Expressions of a rule with an unknown trigger would only report follow-on errors.
                continue;
            }
            let ctx = Ctx { vocab: &vocab, enums: &enums, tiers: &tiers, brackets: &brackets, event: trigger_event };
            let filter = match (&r.when, trigger_event) {
                (Some(w), Some(_)) => l.expr(&ctx, f, w, Some(Type::Bool)).map(Some),
                (Some(w), None) if trigger_ok => {
                    l.diags.push(l.err("E021", f, w.span(), Msg::new("e-when-on-yearly")).with_hint(Msg::new("e-hint-yearly-guard")));
                    None
                }
                _ => Some(None),
            };
            let guard = r.guard.as_ref().map(|g| l.expr(&ctx, f, g, Some(Type::Bool)));
            let kind = match r.kind.as_ref().map(|k| k.get_ref().as_str()) {
                None | Some("award") => RuleKind::Award,
                Some("limit") => RuleKind::Limit,
                Some("check") => RuleKind::Check,
                Some("score") => RuleKind::Score,
                Some(other) => {
                    let sp = r.kind.as_ref().map_or(Span::default(), |k| span(k.span()));
                    l.diags.push(l.err("E033", f, sp, Msg::new("e-rule-kind").arg("text", other)));
                    RuleKind::Award
                }
            };
            // What each kind needs: an award pays (amount, payer, budget year); a limit has an amount
            // but pays nothing; a check has only its guard.
            let id_span = span(r.id.span());
            let need = |l: &mut Loader, present: bool, wanted: bool, field: &str| {
                if wanted && !present {
                    l.diags.push(l.err("E003", f, id_span, Msg::new("e-missing-field").arg("name", field)).with_hint(field_hint(field)));
                } else if !wanted && present {
                    let k = match kind {
                        RuleKind::Limit => "limit",
                        RuleKind::Score => "score",
                        _ => "check",
                    };
                    l.diags.push(l.err("E002", f, id_span, Msg::new("e-kind-has-no-field").arg("kind", k).arg("name", field)));
                }
            };
            need(&mut l, r.amount.is_some(), kind != RuleKind::Check, "amount");
            need(&mut l, r.paid_by.is_some(), kind == RuleKind::Award, "paid_by");
            need(&mut l, r.budget_year.is_some(), kind == RuleKind::Award, "budget_year");
            if kind == RuleKind::Check && r.guard.is_none() {
                l.diags.push(
                    l.err("E003", f, id_span, Msg::new("e-missing-field").arg("name", "guard")).with_hint(Msg::new("e-hint-check-guard")),
                );
            }
            let amount = r.amount.as_ref().map(|a| (a, l.expr(&ctx, f, a, None)));
            if let Some((a, Some(e))) = &amount
                && kind == RuleKind::Score
                && !matches!(e.ty(), Type::Points | Type::PointsRange)
            {
                let ty = e.ty().name(&enums);
                l.diags.push(
                    l.err("E024", f, a.span(), Msg::new("e-score-not-points").arg("found", ty))
                        .with_hint(Msg::new("e-hint-money-unit").arg("example", "20分")),
                );
            } else if let Some((a, Some(e))) = &amount
                && kind != RuleKind::Score
                && !matches!(e.ty(), Type::Money | Type::MoneyRange)
            {
                let ty = e.ty().name(&enums);
                l.diags.push(
                    l.err("E024", f, a.span(), Msg::new("e-amount-not-money").arg("found", ty))
                        .with_hint(Msg::new("e-hint-money-unit").arg("example", "20万元")),
                );
            }
            let amount_ok = !matches!(amount, Some((_, None)));
            let amount = amount.and_then(|(_, e)| e);
            let once: Vec<CExpr> = r.once.iter().filter_map(|o| l.expr(&ctx, f, o, None)).collect();
            let budget_year = match r.budget_year.as_ref().map(|b| (b.get_ref().as_str(), b.span())) {
                None | Some(("same", _)) => BudgetYear::Same,
                Some(("next", _)) => BudgetYear::Next,
                Some((other, sp)) => {
                    l.diags.push(l.err("E033", f, sp, Msg::new("e-budget-year").arg("text", other)));
                    BudgetYear::Same
                }
            };
            let verified_by: Vec<usize> = r.verified_by.iter().filter_map(|d| l.department(f, d, &departments)).collect();
            let paid_by = r.paid_by.as_ref().map(|p| l.department(f, p, &departments));
            let paid_ok = !matches!(paid_by, Some(None));
            let paid_by = paid_by.flatten();
            let rn: Vec<usize> = r.notes.iter().filter_map(|n| note_ix(&mut l, f, n)).collect();
            let rvalid = match (&r.valid_from, &r.valid_until) {
                (None, None) => valid,
                (a, b) => {
                    let from = a.clone().unwrap_or_else(|| Spanned::new(0..0, valid.0.to_string()));
                    let until = b.clone().unwrap_or_else(|| Spanned::new(0..0, valid.1.to_string()));
                    l.period(f, &from, &until)
                }
            };
            // A guard that failed to resolve is `Some(None)`: the rule is dropped (its diagnostic is kept).
            let guard_ok = !matches!(guard, Some(None));
            let req_key: Option<Vec<CExpr>> = r.requires.as_ref().map(|q| q.key.iter().filter_map(|k| l.expr(&ctx, f, k, None)).collect());
            if let (Some(filter), true, true, true, true) = (filter, amount_ok, paid_ok, trigger_ok, guard_ok) {
                if let (Some(q), Some(key)) = (&r.requires, req_key) {
                    pending_requires.push(PendingRequires { rule: rules.len(), file: f, target: &q.rule, key });
                }
                let trigger = match trigger_event {
                    Some(event) => Trigger::Event { event, filter },
                    None => Trigger::Year,
                };
                rules.push(Rule {
                    id: r.id.get_ref().clone(),
                    kind,
                    clause: r.clause.get_ref().clone(),
                    quote: r.quote.get_ref().clone(),
                    procedure_quote: r.procedure_quote.as_ref().map(|p| p.get_ref().clone()),
                    title: r.title.clone().into(),
                    applicants,
                    trigger,
                    guard: guard.flatten(),
                    amount,
                    once,
                    budget_year,
                    verified_by,
                    paid_by,
                    notes: rn,
                    valid: rvalid,
                    requires: None,
                    file: f,
                    span: span(r.id.span()),
                });
            }
        }
    }
    // Every rule that is itself a top-up, known before any is resolved (so the order of the
    // files cannot let a chain of top-ups through).
    let top_ups: Vec<usize> = pending_requires.iter().map(|p| p.rule).collect();
    for PendingRequires { rule: ri, file: f, target, key } in pending_requires {
        let sp = span(target.span());
        let Some(bi) = rules.iter().position(|x| x.id == *target.get_ref()) else {
            let d = l.err("E025", f, sp, Msg::new("e-top-up-unknown").arg("name", target.get_ref()));
            let d = match did_you_mean(target.get_ref(), rules.iter().map(|x| x.id.as_str())) {
                Some(m) => d.with_hint(Msg::new("diag-did-you-mean").arg("name", m)),
                None => d,
            };
            l.diags.push(d);
            continue;
        };
        let base = &rules[bi];
        let same_shape = base.once.len() == key.len() && base.once.iter().zip(&key).all(|(a, b)| a.ty() == b.ty());
        if top_ups.contains(&bi) || bi == ri {
            l.diags.push(l.err("E025", f, sp, Msg::new("e-top-up-of-top-up")));
        } else if !same_shape {
            let shape = |v: &[CExpr]| v.iter().map(|e| e.ty().name(&enums)).collect::<Vec<_>>().join(", ");
            l.diags.push(
                l.err("E025", f, sp, Msg::new("e-top-up-key").arg("key", shape(&key)).arg("base", &base.id).arg("once", shape(&base.once)))
                    .with_hint(Msg::new("e-hint-top-up-key")),
            );
        } else {
            rules[ri].requires = Some(Requires { rule: bi, key });
        }
    }
    let standards = standards(&mut l, &raw_rules, &rules, src_text, &note_ix);
    // The plan beyond its money rules: indicators, targets, tasks, boxes, the clause register.
    let mut plan = crate::plan::Plan::default();
    {
        let c = plan::Ctx { source: src_text, departments: &departments, notes: &notes, rules: &rules, rules_ok: l.diags.is_empty() };
        if let Some((_, t)) = find("indicators.toml") {
            let f = l.map.add("indicators.toml", t.clone());
            if let Some(raw) = l.parse::<RawIndicatorFile>(f) {
                l.indicators(f, &raw, &c, &mut plan);
            }
        }
        if let Some((_, t)) = find("tasks.toml") {
            let f = l.map.add("tasks.toml", t.clone());
            if let Some(raw) = l.parse::<RawTaskFile>(f) {
                l.tasks(f, &raw, &c, &mut plan);
            }
        }
        // The register names rules; with rule errors it would only repeat them.
        if let (Some((_, t)), true) = (find("coverage.toml"), l.diags.is_empty()) {
            let f = l.map.add("coverage.toml", t.clone());
            if let Some(raw) = l.parse::<RawCoverage>(f) {
                l.coverage(f, &raw, &c, &mut plan);
            }
        }
    }
    if rules.is_empty() && l.diags.is_empty() {
        l.diags.push(l.err("E042", mf, Span::default(), Msg::new("e-no-rules")));
    }
    if l.diags.iter().any(Diagnostic::is_error) {
        return fail(l);
    }
    // Every event field a rule or derivation reads must be marked required (or required when):
    // the vocabulary then says what a form must ask for. Only for packs that mark any field
    // (older packs do not speak of it).
    let marks = vocab.events.iter().flat_map(|e| &e.fields).any(|f| f.required.is_required());
    if marks {
        let mut read: Vec<(usize, usize, FileId, Span, String)> = Vec::new();
        for r in &rules {
            let Trigger::Event { event, .. } = &r.trigger else { continue };
            for x in r.exprs() {
                for f in fields_read(&x.node) {
                    read.push((*event, f, r.file, r.span, r.id.clone()));
                }
            }
        }
        for d in &derives {
            for x in std::iter::once(&d.when).chain(d.set.iter().map(|(_, e)| e)) {
                for f in fields_read(&x.node) {
                    read.push((d.from, f, x.file, Span::new(x.base, x.base + x.text.len()), d.id.clone()));
                }
            }
        }
        read.sort_by_key(|x| (x.0, x.1));
        read.dedup_by_key(|x| (x.0, x.1));
        for (e, f, file, sp, who) in read {
            let def = &vocab.events[e];
            if !def.fields[f].required.is_required() {
                l.diags.push(
                    l.err(
                        "E044",
                        file,
                        sp,
                        Msg::new("e-reads-unrequired").arg("who", &who).arg("event", &def.name).arg("field", &def.fields[f].name),
                    )
                    .with_hint(Msg::new("e-hint-mark-required")),
                );
            }
        }
    }
    let mut decisions = crate::model::Decisions::default();
    if let Some(d) = &raw.decisions {
        decisions.note = note_ix(&mut l, mf, &d.note);
        match crate::value::exact_decimal(d.second_approval_above_floor_times.get_ref()) {
            Ok(t) if t > rust_decimal::Decimal::ONE => decisions.second_approval_above_floor_times = Some(t),
            _ => l.diags.push(
                l.err("E043", mf, d.second_approval_above_floor_times.span(), Msg::new("e-second-approval"))
                    .with_hint(Msg::new("e-hint-second-approval")),
            ),
        }
    }
    let mut publication = crate::model::Publication::default();
    if let Some(raw_p) = &raw.publication {
        publication.required = raw_p.required;
        publication.note = note_ix(&mut l, mf, &raw_p.note);
        publication.publisher = l.department(mf, &raw_p.publisher, &departments);
        match u32::try_from(*raw_p.working_days.get_ref()) {
            Ok(n) if (1..=30).contains(&n) => publication.working_days = n,
            _ => l.diags.push(l.err("E045", mf, raw_p.working_days.span(), Msg::new("e-publication-days"))),
        }
        for (list, weekend) in [(&raw_p.holidays, false), (&raw_p.working_weekends, true)] {
            for s in list {
                match crate::value::Date::parse_msg(s.get_ref()) {
                    // A weekend worked must be a weekend; a holiday may fall on one (it changes nothing).
                    Ok(d) if weekend && d.weekday() < 5 => {
                        l.diags.push(l.err("E045", mf, s.span(), Msg::new("e-publication-not-weekend").arg("date", s.get_ref())));
                    }
                    Ok(d) => {
                        let set = if weekend { &mut publication.working_weekends } else { &mut publication.holidays };
                        set.insert(d);
                    }
                    Err(m) => l.diags.push(l.err("E045", mf, s.span(), m)),
                }
            }
        }
    }
    if l.diags.iter().any(Diagnostic::is_error) {
        return fail(l);
    }
    let mut eval_order: Vec<usize> = (0..rules.len()).collect();
    eval_order.sort_by_key(|&i| rules[i].requires.is_some());
    Ok(Pack {
        id: raw.id.get_ref().clone(),
        version: raw.version.clone(),
        title: raw.title.clone().into(),
        hash,
        source_name: src_name.clone(),
        source_text: src_text.clone(),
        provisional: raw.provisional.clone().map(Into::into),
        valid,
        departments,
        enums,
        applicant_enum,
        county_enum,
        vocab,
        rules,
        tiers,
        brackets,
        eval_order,
        derives,
        standards,
        notes,
        plan,
        decisions,
        publication,
        map: l.map,
    })
}

/// Finds a note by id, reporting an unknown one.
type NoteIx<'a> = &'a dyn Fn(&mut Loader, FileId, &Spanned<String>) -> Option<usize>;

/// The standards of the rule files: each names check and score rules of the pack (by id), of the
/// kind its place asks for and triggered by the year, since a standard is assessed per year.
fn standards(
    l: &mut Loader,
    raw_rules: &[(FileId, RawRuleFile)],
    rules: &[Rule],
    src_text: &str,
    note_ix: NoteIx<'_>,
) -> Vec<crate::model::Standard> {
    let mut out: Vec<crate::model::Standard> = Vec::new();
    for (f, rf) in raw_rules {
        let f = *f;
        for st in &rf.standard {
            if out.iter().any(|x| x.id == *st.id.get_ref()) || rules.iter().any(|r| r.id == *st.id.get_ref()) {
                l.diags.push(l.err(
                    "E011",
                    f,
                    st.id.span(),
                    Msg::new("e-declared-twice").arg("kind", "standard").arg("name", st.id.get_ref()),
                ));
            }
            l.clause(f, &st.clause);
            l.quote(f, &st.quote, src_text);
            let refs = |l: &mut Loader, list: &[Spanned<String>], want: RuleKind| -> Vec<usize> {
                let mut v = Vec::new();
                for id in list {
                    match rules.iter().position(|r| r.id == *id.get_ref()) {
                        Some(i) if rules[i].kind == want && matches!(rules[i].trigger, Trigger::Year) => v.push(i),
                        Some(_) => {
                            let k = if want == RuleKind::Score { "score" } else { "check" };
                            l.diags.push(l.err(
                                "E025",
                                f,
                                id.span(),
                                Msg::new("e-standard-rule-kind").arg("name", id.get_ref()).arg("kind", k),
                            ));
                        }
                        None => {
                            let d = l.err("E025", f, id.span(), Msg::new("e-standard-unknown-rule").arg("name", id.get_ref()));
                            let d = match did_you_mean(id.get_ref(), rules.iter().map(|x| x.id.as_str())) {
                                Some(m) => d.with_hint(Msg::new("diag-did-you-mean").arg("name", m)),
                                None => d,
                            };
                            l.diags.push(d);
                        }
                    }
                }
                v
            };
            let all = refs(l, &st.all, RuleKind::Check);
            let score = refs(l, &st.score, RuleKind::Score);
            let with_score = refs(l, &st.with_score, RuleKind::Check);
            let routes = refs(l, &st.routes, RuleKind::Check);
            // The pass mark is written as a lower bound: `60分 不低于`, `70分 超过`.
            let pass = st.pass.as_ref().and_then(|p| l.pass_mark(f, p));
            // A score needs its pass mark and a pass mark its score.
            if st.score.is_empty() == st.pass.is_some() {
                l.diags.push(l.err("E003", f, st.id.span(), Msg::new("e-standard-score-pass")));
            }
            let notes = st.notes.iter().filter_map(|n| note_ix(l, f, n)).collect();
            out.push(crate::model::Standard {
                id: st.id.get_ref().clone(),
                clause: st.clause.get_ref().clone(),
                quote: st.quote.get_ref().clone(),
                title: st.title.clone().into(),
                all,
                score,
                pass,
                with_score,
                routes,
                whole_points: st.whole_points,
                notes,
                file: f,
                span: span(st.id.span()),
            });
        }
    }
    out
}

/// A top-up's `requires`, kept until every rule id is known.
struct PendingRequires<'a> {
    rule: usize,
    file: FileId,
    target: &'a Spanned<String>,
    key: Vec<CExpr>,
}

pub(super) fn span(r: std::ops::Range<usize>) -> Span {
    Span::new(r.start, r.end)
}

/// Byte offset of a string value's content inside its TOML file, given the span of the whole value
/// (quotes included). Falls back to the value's start when escapes make the text differ.
pub(super) fn content_offset(file: &str, span: std::ops::Range<usize>, value: &str) -> usize {
    let raw = file.get(span.clone()).unwrap_or("");
    let mut off = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        3 + usize::from(raw[3..].starts_with('\n'))
    } else if raw.starts_with('"') || raw.starts_with('\'') {
        1
    } else {
        0
    };
    if file.get(span.start + off..span.start + off + value.len()) != Some(value) {
        off = 0;
    }
    span.start + off
}

pub(super) fn field_hint(name: &str) -> Msg {
    Msg::new(match name {
        "quote" => "e-hint-field-quote",
        "clause" => "e-hint-field-clause",
        "once" => "e-hint-field-once",
        "budget_year" => "e-hint-field-budget-year",
        "paid_by" | "verified_by" => "e-hint-field-departments",
        _ => "e-hint-field-other",
    })
}

/// The fields of the event in scope that an expression reads.
fn fields_read(n: &crate::resolve::N) -> Vec<usize> {
    let mut out = Vec::new();
    n.visit(&mut |k| {
        if let crate::resolve::NK::Field(f) = k {
            out.push(*f);
        }
    });
    out
}
