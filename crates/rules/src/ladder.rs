//! A ladder of recognitions across packs: for one enterprise and one year, each recognition it
//! holds, could obtain now, or lacks — with what is missing — and what a paying plan would give
//! for it.
//!
//! The packs stay independent. A criteria pack assesses its standard from the enterprise's facts;
//! the paying plan (the Wuwei pack) is evaluated twice from the same facts, once as they are and
//! once with the recognition the rung declares (`pays`: an event of the plan's own vocabulary),
//! and the awards the second evaluation adds are what the recognition would bring. The link
//! between them is the ladder file, read by people, never code that names a pack.
//!
//! A ladder file (`ladders/*.toml`), paths relative to it:
//!
//! ```toml
//! title = { zh = "…", en = "…" }
//! payer = "../packs/wuwei-2022"          # optional: the plan whose awards each rung would bring
//! payer_title = { zh = "武威方案", en = "the Wuwei plan" }   # its short name (default: its title)
//! example = "examples/enterprise.json"   # optional: a sample facts file to start from
//! year = 2025                            # optional: the year pages offer first
//! [[rung]]
//! title = { zh = "高新技术企业", en = "high-tech enterprise" }
//! pack = "../packs/cn-hnte-2016"         # optional: the criteria pack …
//! standard = "hnte"                      # … and its standard
//! versions = ["../packs/…", "…"]         # or several versions of it: the one in force in the
//!                                        # assessment year is used
//! held = "hnte_certificate"              # optional: a yes/no fact (any pack's) saying it is held
//! pays = { event = "recognition", fields = { kind = "high_tech", renewal = "false" } }
//! gap = { zh = "…", en = "…" }           # why a rung without a pack has no criteria encoded
//! ```

use crate::eval::{Evaluation, Options, RuleResult, State, evaluate};
use crate::facts::{Event, Facts, load_facts_among, parse_cell};
use crate::model::{Lang, Pack, RuleKind, Text, Value};
use crate::standard::{Outcome, StandardResult};
use crate::value::Date;
use crate::{Report, load_pack};
use qiangke_i18n::Msg;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A loaded ladder: its packs loaded and its references checked.
#[derive(Debug)]
pub struct Ladder {
    pub title: Text,
    /// Where it was read from (for messages).
    pub name: String,
    pub payer: Option<Pack>,
    /// The payer's short name in sentences (`武威方案`).
    pub payer_title: Option<Text>,
    pub rungs: Vec<Rung>,
    /// A sample facts file: its name and text.
    pub example: Option<(String, String)>,
    /// The year pages offer first.
    pub year: Option<i32>,
}

#[derive(Debug)]
pub struct Rung {
    pub title: Text,
    /// The criteria: each version's pack and the index of its standard in it (empty: none
    /// encoded). An assessment uses the version in force in its year.
    pub criteria: Vec<(Pack, usize)>,
    /// A yes/no fact saying the enterprise already holds the recognition.
    pub held: Option<String>,
    /// The event the payer sees when the recognition is obtained: type and fields.
    pub pays: Option<(usize, Vec<(usize, Value)>)>,
    /// Why no criteria are encoded, for a rung without a pack.
    pub gap: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLadder {
    title: RawText,
    #[serde(default)]
    payer: Option<String>,
    #[serde(default)]
    payer_title: Option<RawText>,
    #[serde(default)]
    example: Option<String>,
    #[serde(default)]
    year: Option<i32>,
    rung: Vec<RawRung>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    zh: String,
    en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRung {
    title: RawText,
    #[serde(default)]
    pack: Option<String>,
    #[serde(default)]
    versions: Vec<String>,
    #[serde(default)]
    standard: Option<String>,
    #[serde(default)]
    held: Option<String>,
    #[serde(default)]
    pays: Option<RawPays>,
    #[serde(default)]
    gap: Option<RawText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPays {
    event: String,
    #[serde(default)]
    fields: BTreeMap<String, String>,
}

fn text(t: RawText) -> Text {
    Text { zh: t.zh, en: t.en }
}

/// Reads a ladder file and the packs it names. The error says which file and what is wrong (a
/// pack's own diagnostics rendered in `lang`).
pub fn load_ladder(path: &Path, lang: Lang) -> Result<Ladder, Msg> {
    let name = path.display().to_string();
    let fail = |detail: Msg| Msg::new("ladder-invalid").arg("file", &name).detail(detail);
    let body = std::fs::read_to_string(path).map_err(|e| fail(Msg::new("ladder-cannot-read").arg("reason", e)))?;
    let raw: RawLadder = toml::from_str(&body).map_err(|e| fail(Msg::new("ladder-toml").arg("reason", e.message())))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let pack_at = |rel: &str| -> Result<Pack, Msg> {
        let dir: PathBuf = base.join(rel);
        load_pack(&dir).map_err(|e| fail(Msg::new("ladder-pack").arg("pack", rel).arg("reason", e.render_in(lang))))
    };
    let payer = raw.payer.as_deref().map(pack_at).transpose()?;
    let mut rungs = Vec::new();
    for r in raw.rung {
        let paths: Vec<&String> = r.pack.iter().chain(&r.versions).collect();
        let mut criteria = Vec::new();
        match (paths.is_empty(), &r.standard) {
            (false, Some(s)) => {
                for p in paths {
                    let pack = pack_at(p)?;
                    let Some(i) = pack.standards.iter().position(|x| x.id == *s) else {
                        return Err(fail(Msg::new("ladder-no-standard").arg("pack", p).arg("name", s)));
                    };
                    criteria.push((pack, i));
                }
            }
            (true, None) => {}
            _ => return Err(fail(Msg::new("ladder-pack-and-standard"))),
        }
        let pays = match (&r.pays, &payer) {
            (None, _) => None,
            (Some(_), None) => return Err(fail(Msg::new("ladder-pays-without-payer"))),
            (Some(p), Some(payer)) => {
                let Some(ev) = payer.vocab.event(&p.event) else {
                    return Err(fail(Msg::new("ladder-unknown-event").arg("name", &p.event)));
                };
                let def = &payer.vocab.events[ev];
                let mut fields = Vec::new();
                for (k, v) in &p.fields {
                    let Some(fi) = def.fields.iter().position(|f| f.name == *k) else {
                        return Err(fail(Msg::new("ladder-unknown-field").arg("event", &p.event).arg("name", k)));
                    };
                    let value = parse_cell(payer, def.fields[fi].ty, v).map_err(|e| fail(e.msg))?;
                    fields.push((fi, value));
                }
                Some((ev, fields))
            }
        };
        if criteria.is_empty() && r.gap.is_none() {
            return Err(fail(Msg::new("ladder-gap-needed").arg("name", &r.title.zh)));
        }
        rungs.push(Rung { title: text(r.title), criteria, held: r.held, pays, gap: r.gap.map(text) });
    }
    let payer_title = raw.payer_title.map(text).or_else(|| payer.as_ref().map(|p| p.title.clone()));
    let example = match &raw.example {
        None => None,
        Some(rel) => {
            let body = std::fs::read_to_string(base.join(rel))
                .map_err(|e| fail(Msg::new("ladder-cannot-read").arg("reason", format!("{rel}: {e}"))))?;
            let file = Path::new(rel).file_name().map_or(rel.clone(), |f| f.to_string_lossy().into_owned());
            Some((file, body))
        }
    };
    Ok(Ladder { title: text(raw.title), name, payer, payer_title, rungs, example, year: raw.year })
}

/// A fact the ladder's form asks for: as the first criteria pack declaring it names and types
/// it, and for a yearly figure the years before the assessment year its rules read (0: the year
/// itself).
#[derive(Debug)]
pub struct FormFact<'l> {
    pub name: &'l str,
    pub title: &'l Text,
    pub ty: crate::model::Type,
    /// The pack that declares it (its enums name the choices).
    pub pack: &'l Pack,
    pub years_back: Vec<u8>,
}

impl Ladder {
    /// What a form for this ladder asks: the attributes and the yearly figures the criteria
    /// packs' rules read, each once, in the packs' order; yearly figures with the years read.
    pub fn form_facts(&self) -> (Vec<FormFact<'_>>, Vec<FormFact<'_>>) {
        let mut attrs: Vec<FormFact<'_>> = Vec::new();
        let mut yearly: Vec<FormFact<'_>> = Vec::new();
        for pack in self.rungs.iter().flat_map(|r| r.criteria.iter().map(|(p, _)| p)) {
            let mut read_attrs = std::collections::BTreeSet::new();
            let mut read_years: BTreeMap<usize, std::collections::BTreeSet<u8>> = BTreeMap::new();
            for e in pack.rules.iter().flat_map(|r| r.exprs()) {
                e.node.visit(&mut |k| {
                    if let crate::resolve::NK::Attr(i) = k {
                        read_attrs.insert(*i);
                    }
                });
                e.node.yearly_reads(0, &mut |i, back| {
                    read_years.entry(i).or_default().insert(back);
                });
            }
            for (i, a) in pack.vocab.attributes.iter().enumerate() {
                let asked = read_attrs.contains(&i) || a.required.is_required();
                if asked && !attrs.iter().any(|x| x.name == a.name) {
                    attrs.push(FormFact { name: &a.name, title: &a.title, ty: a.ty, pack, years_back: Vec::new() });
                }
            }
            for (i, y) in pack.vocab.yearly.iter().enumerate() {
                let Some(backs) = read_years.get(&i) else { continue };
                match yearly.iter_mut().find(|x| x.name == y.name) {
                    Some(x) => {
                        x.years_back.extend(backs.iter().copied());
                        x.years_back.sort_unstable();
                        x.years_back.dedup();
                    }
                    None => yearly.push(FormFact {
                        name: &y.name,
                        title: &y.title,
                        ty: y.ty,
                        pack,
                        years_back: backs.iter().copied().collect(),
                    }),
                }
            }
        }
        (attrs, yearly)
    }

    /// The years an assessment makes sense for: from the first year any of its criteria is in
    /// force to the last year of the paying plan (or of the criteria, if they end and no plan
    /// pays), at most 30 years.
    pub fn years(&self) -> std::ops::RangeInclusive<i32> {
        let packs = || self.rungs.iter().flat_map(|r| r.criteria.iter().map(|(p, _)| p));
        let from = packs().map(|p| p.valid.0.year).min().or(self.payer.as_ref().map(|p| p.valid.0.year)).unwrap_or(2000);
        let until = match &self.payer {
            Some(p) => p.valid.1.year,
            None => packs().map(|p| p.valid.1.year).max().unwrap_or(from),
        };
        from..=until.clamp(from, from + 30)
    }
}

/// Where an enterprise stands on one rung.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// It already holds the recognition (its `held` fact).
    Holds,
    /// The standard's outcome.
    Assessed(Outcome),
    /// No criteria are encoded for this rung.
    NotEncoded,
}

impl Standing {
    pub fn code(self) -> &'static str {
        match self {
            Standing::Holds => "holds",
            Standing::Assessed(o) => o.code(),
            Standing::NotEncoded => "not-encoded",
        }
    }
}

/// What the paying plan would give for a rung.
#[derive(Debug)]
pub enum Pay<'l> {
    /// The awards the recognition would add (possibly none: the plan pays nothing for it).
    Awards(Vec<RuleResult<'l>>),
    /// The enterprise already holds it: nothing is new.
    Held,
    /// The year is outside the plan's period.
    NotInForce { from: Date, until: Date },
    /// The plan has paid for it already (its once-key), in `year`.
    AlreadyPaid { year: i32 },
    /// The ladder names no event for it, or has no payer.
    NotDeclared,
}

impl Pay<'_> {
    /// Why the paying plan gives nothing for a rung, in words; `None` where there are awards to
    /// show (or no plan pays).
    pub fn nothing_text(&self, r: &LadderResult<'_>, lang: Lang) -> Option<String> {
        use qiangke_i18n::text as t;
        let payer = r.ladder.payer_title.as_ref().map_or("", |p| p.get(lang));
        Some(match self {
            Pay::Awards(a) if a.is_empty() => t(lang, "ladder-pays-nothing", &[("payer", payer)]),
            Pay::Awards(_) => return None,
            Pay::Held => t(lang, "ladder-pays-held", &[("payer", payer)]),
            Pay::NotInForce { from, until } => t(
                lang,
                "ladder-pays-not-in-force",
                &[("payer", payer), ("year", &r.year.to_string()), ("from", &from.to_string()), ("until", &until.to_string())],
            ),
            Pay::AlreadyPaid { year } => t(lang, "ladder-pays-already", &[("payer", payer), ("year", &year.to_string())]),
            Pay::NotDeclared if r.ladder.payer.is_some() => t(lang, "ladder-pays-not-declared", &[("payer", payer)]),
            Pay::NotDeclared => return None,
        })
    }
}

/// One rung assessed.
#[derive(Debug)]
pub struct RungResult<'l> {
    pub rung: &'l Rung,
    pub standing: Standing,
    /// The criteria pack's evaluation for the year (its standard's outcome, every condition and
    /// score with its trace).
    pub evaluation: Option<Evaluation<'l>>,
    pub pay: Pay<'l>,
}

impl<'l> RungResult<'l> {
    /// The standard's outcome, when the rung has criteria (of the version used).
    pub fn standard(&self) -> Option<&StandardResult<'l>> {
        let ev = self.evaluation.as_ref()?;
        let (_, si) = self.rung.criteria.iter().find(|(p, _)| std::ptr::eq(p, ev.pack))?;
        ev.standards.iter().find(|s| std::ptr::eq(s.standard, &ev.pack.standards[*si]))
    }
}

/// The ladder assessed for one enterprise and year.
#[derive(Debug)]
pub struct LadderResult<'l> {
    pub ladder: &'l Ladder,
    pub year: i32,
    pub entity_id: String,
    pub entity_name: Option<String>,
    pub rungs: Vec<RungResult<'l>>,
}

/// Assesses every rung for the facts document `text` (named `name`: its extension chooses JSON
/// or TOML) in `year`. The document may hold the facts of every pack of the ladder; each pack
/// checks its own and leaves the others' to them. The recognition a rung would bring is dated
/// the last day of `year`.
pub fn assess<'l>(ladder: &'l Ladder, name: &str, text: &str, year: i32) -> Result<LadderResult<'l>, Report> {
    let packs: Vec<&Pack> = ladder.payer.iter().chain(ladder.rungs.iter().flat_map(|r| r.criteria.iter().map(|(p, _)| p))).collect();
    let loaded: Vec<Facts> = load_facts_among(&packs, name, text)?;
    let opts = Options { years: vec![year], trace: true, ..Options::default() };
    let payer = ladder.payer.as_ref().map(|p| (p, &loaded[0]));
    let baseline = payer.map(|(p, f)| evaluate(p, f, &opts));
    let held = |fact: &str| {
        packs.iter().zip(&loaded).any(|(p, f)| {
            let v = p
                .vocab
                .yearly(fact)
                .and_then(|i| f.figure(year, i))
                .or_else(|| p.vocab.attribute(fact).and_then(|i| f.attributes[i].as_ref()));
            v.is_some_and(|x| x.value == Value::Bool(true))
        })
    };
    let first = loaded.first();
    let mut rungs = Vec::new();
    for rung in &ladder.rungs {
        // The version in force in the year, the latest to come into force if two are (else the
        // first, which says it is not in force).
        let version = rung
            .criteria
            .iter()
            .filter(|(p, _)| (p.valid.0.year..=p.valid.1.year).contains(&year))
            .max_by_key(|(p, _)| p.valid.0)
            .or(rung.criteria.first());
        let evaluation = version.map(|(pack, _)| {
            let i = packs.iter().position(|p| std::ptr::eq(*p, pack)).expect("every criteria pack is loaded");
            evaluate(pack, &loaded[i], &opts)
        });
        let standing = match (&rung.held, &evaluation, version) {
            (Some(h), _, _) if held(h) => Standing::Holds,
            (_, Some(ev), Some((_, si))) => {
                let st = ev.standards.iter().find(|s| std::ptr::eq(s.standard, &ev.pack.standards[*si]));
                Standing::Assessed(st.map_or(Outcome::NeedsInformation, |s| s.outcome))
            }
            _ => Standing::NotEncoded,
        };
        let pay = match (&rung.pays, payer, &baseline) {
            (Some(_), Some(_), _) if standing == Standing::Holds => Pay::Held,
            (Some((ev, fields)), Some((pack, facts)), Some(base)) => {
                let mut with = facts.clone();
                let mut values = vec![None; pack.vocab.events[*ev].fields.len()];
                for (fi, v) in fields {
                    values[*fi] = Some(v.clone());
                }
                let date = Date::parse(&format!("{year}-12-31")).unwrap_or(Date { year, month: 12, day: 31 });
                with.events.push(Event { ty: *ev, date, fields: values, at: None });
                let after = evaluate(pack, &with, &opts);
                let before: Vec<(&str, Option<&String>)> = base
                    .results
                    .iter()
                    .filter(|r| matches!(r.state, State::Awarded { .. }) && r.rule.kind == RuleKind::Award)
                    .map(|r| (r.rule.id.as_str(), r.once_key.as_ref()))
                    .collect();
                // What the added event itself came to (it has no place in a file: `at` is none).
                let own = |r: &RuleResult<'_>| r.trigger.as_ref().is_some_and(|t| t.event == *ev && t.date == date && t.at.is_none());
                let not_in_force = after.results.iter().filter(|r| own(r)).find_map(|r| match r.state {
                    State::NotInForce { valid, .. } => Some(valid),
                    _ => None,
                });
                let paid = after.results.iter().filter(|r| own(r)).find_map(|r| match &r.state {
                    State::NotEligible(crate::eval::Reason::AlreadyAwarded { year, .. }) => Some(*year),
                    _ => None,
                });
                let added: Vec<RuleResult<'l>> = after
                    .results
                    .into_iter()
                    .filter(|r| matches!(r.state, State::Awarded { .. }) && r.rule.kind == RuleKind::Award)
                    .filter(|r| !before.contains(&(r.rule.id.as_str(), r.once_key.as_ref())))
                    .collect();
                match (added.is_empty(), not_in_force, paid) {
                    (true, Some((from, until)), _) => Pay::NotInForce { from, until },
                    (true, None, Some(year)) => Pay::AlreadyPaid { year },
                    _ => Pay::Awards(added),
                }
            }
            _ => Pay::NotDeclared,
        };
        rungs.push(RungResult { rung, standing, evaluation, pay });
    }
    Ok(LadderResult {
        ladder,
        year,
        entity_id: first.map(|f| f.entity_id.clone()).unwrap_or_default(),
        entity_name: first.and_then(|f| f.name.clone()),
        rungs,
    })
}

/// The ladder as people read it: for each rung where the enterprise stands and why, what is
/// missing and how far off it is, and what the paying plan would give.
pub fn to_text(r: &LadderResult<'_>, lang: Lang) -> String {
    use qiangke_i18n::{label, text as t};
    use std::fmt::Write as _;
    let mut o = String::new();
    let who = r.entity_name.as_deref().unwrap_or(&r.entity_id);
    let payer = r.ladder.payer_title.as_ref().map_or("", |p| p.get(lang));
    let _ = writeln!(o, "{} — {who} · {}", r.ladder.title.get(lang), t(lang, "ladder-year", &[("year", &r.year.to_string())]));
    for (n, rr) in r.rungs.iter().enumerate() {
        let standing = match rr.standing {
            Standing::Holds => label(lang, "ladder-holds"),
            Standing::NotEncoded => label(lang, "ladder-not-encoded"),
            Standing::Assessed(Outcome::Meets) => label(lang, "ex-standard-meets"),
            Standing::Assessed(Outcome::CannotMeet) => label(lang, "ex-standard-cannot-meet"),
            Standing::Assessed(Outcome::DependsOnReview) => label(lang, "ladder-review"),
            Standing::Assessed(Outcome::NeedsInformation) => label(lang, "ex-needs-information"),
            Standing::Assessed(Outcome::NotInForce) => label(lang, "ex-standard-not-in-force"),
        };
        let _ = writeln!(o, "\n{}. {} — {standing}", n + 1, rr.rung.title.get(lang));
        if let (Some(ev), Some(st)) = (&rr.evaluation, rr.standard()) {
            let pack = ev.pack;
            let mut line = format!("{} {} [{}]", pack.id, pack.version, st.standard.clause);
            if pack.provisional.is_some() {
                line = format!("{line} · {}", label(lang, "ex-provisional"));
            }
            let _ = writeln!(o, "   {line}");
            if rr.standing != Standing::Holds {
                o.push_str(&standard_detail(ev, st, lang));
            }
        }
        if let (true, Some(gap)) = (rr.rung.criteria.is_empty(), &rr.rung.gap) {
            let _ = writeln!(o, "   {}", gap.get(lang));
        }
        if let Some(why) = rr.pay.nothing_text(r, lang) {
            let _ = writeln!(o, "   {why}");
        }
        if let Pay::Awards(a) = &rr.pay {
            for x in a {
                let State::Awarded { low, high } = x.state else { continue };
                let by = x.budget_year.map(|y| y.to_string()).unwrap_or_default();
                let _ = writeln!(
                    o,
                    "   {}",
                    t(
                        lang,
                        "ladder-pays",
                        &[
                            ("payer", payer),
                            ("clause", &x.rule.clause),
                            ("title", x.rule.title.get(lang)),
                            ("amount", &crate::explain::amount_text(low, high, lang)),
                            ("budget_year", &by),
                        ]
                    )
                );
                let _ = writeln!(o, "     「{}」", x.rule.quote);
            }
        }
    }
    o
}

/// A standard's outcome in the reader's words, worked out once for the text and the web page:
/// the conditions all met, the route, the score against its mark with its items, the points
/// short, what failed and why, what is missing, and what would score more.
#[derive(Debug, Default)]
pub struct StandardView {
    /// `认定条件 8 项均已满足。`, when every condition of `all` is met.
    pub conditions_met: Option<String>,
    pub route: Option<String>,
    /// The score against the pass mark (none where a route stood in for it).
    pub score: Option<String>,
    /// Each score item: its title, its points, and whether experts decide within a range.
    pub items: Vec<(String, String, bool)>,
    /// The points the sure part lacks, when experts decide.
    pub short: Option<String>,
    /// Each condition not met (`[第十一条(四)] …`) and why; the routes not taken are left out.
    pub failed: Vec<(String, String)>,
    pub missing: Vec<String>,
    /// The next band of each score item that would score more (`知识产权:…`).
    pub hints: Vec<String>,
}

pub fn standard_view(ev: &Evaluation<'_>, st: &StandardResult<'_>, lang: Lang) -> StandardView {
    use crate::value::points_in;
    use qiangke_i18n::{label, text as t};
    let pack = ev.pack;
    let of = |ri: usize| ev.results.iter().find(|x| std::ptr::eq(x.rule, &pack.rules[ri]) && x.claim_year == st.claim_year);
    let mut v = StandardView::default();
    let met = st.standard.all.iter().filter(|ri| of(**ri).is_some_and(|x| matches!(x.state, State::Awarded { .. }))).count();
    if met == st.standard.all.len() && met > 0 {
        v.conditions_met = Some(t(lang, "ladder-page-conditions-met", &[("count", &met.to_string())]));
    }
    if let Some(route) = st.route {
        let r = &pack.rules[route];
        v.route = Some(t(lang, "ex-standard-route", &[("route", r.title.get(lang)), ("clause", &r.clause)]));
    }
    if let (Some((lo, hi)), Some(pass), None) = (st.score, &st.standard.pass, st.route) {
        let args = [("score", points_in(lo, hi, lang)), ("pass", crate::explain::pass_mark_text(pass, lang))];
        v.score = Some(t(lang, "ex-standard-score", &args.iter().map(|(k, x)| (*k, x.as_str())).collect::<Vec<_>>()));
        v.items = st
            .standard
            .score
            .iter()
            .filter_map(|ri| {
                let x = of(*ri)?;
                let State::Awarded { low, high } = x.state else { return None };
                Some((x.rule.title.get(lang).to_string(), points_in(low, high, lang), low != high))
            })
            .collect();
        v.short = st.short().map(|s| t(lang, "ex-standard-short", &[("points", &points_in(s, s, lang))]));
    }
    v.failed = st
        .failed
        .iter()
        .filter(|ri| !st.standard.routes.contains(ri))
        .filter_map(|ri| of(*ri))
        .map(|x| (format!("[{}] {}", x.rule.clause, x.rule.title.get(lang)), crate::explain::not_eligible_text(pack, x, lang)))
        .collect();
    v.missing = st.missing.iter().map(|m| crate::explain::fact_title(pack, &crate::explain::missing_ref(m), lang)).collect();
    // What would score more: the next band of each score item, where the text has bands.
    if st.outcome != Outcome::Meets {
        for x in st.standard.score.iter().filter_map(|ri| of(*ri)) {
            for h in crate::explain::tier_hints_above(pack, x, lang, score_high(x)) {
                v.hints.push(format!("{}{}{h}", x.rule.title.get(lang), label(lang, "ex-colon")));
            }
        }
    }
    v
}

/// A standard's score, the experts' part of it, what failed and what would help, as lines.
fn standard_detail(ev: &Evaluation<'_>, st: &StandardResult<'_>, lang: Lang) -> String {
    use qiangke_i18n::label;
    use std::fmt::Write as _;
    let v = standard_view(ev, st, lang);
    let mut o = String::new();
    for line in v.conditions_met.iter().chain(&v.route).chain(&v.score) {
        let _ = writeln!(o, "   {line}");
    }
    if v.score.is_some() {
        let parts: Vec<String> = v.items.iter().map(|(title, pts, _)| format!("{title} {pts}")).collect();
        let _ = writeln!(o, "   {}", parts.join(" · "));
    }
    if let Some(short) = &v.short {
        let _ = writeln!(o, "   {short}");
    }
    for (what, why) in &v.failed {
        let why = if why.is_empty() { String::new() } else { format!(":{why}") };
        let _ = writeln!(o, "   {} {what}{why}", label(lang, "ex-standard-failed"));
    }
    if !v.missing.is_empty() {
        let _ = writeln!(o, "   {}: {}", label(lang, "ex-needs-information"), v.missing.join(", "));
    }
    for h in &v.hints {
        let _ = writeln!(o, "   {} {h}", label(lang, "ladder-more"));
    }
    o
}

/// A score's current high end (what a better band must beat).
pub fn score_high(x: &RuleResult<'_>) -> Option<rust_decimal::Decimal> {
    match x.state {
        State::Awarded { high, .. } => Some(high),
        _ => None,
    }
}

/// The machine form: each rung's standing, its standard (as `explain::standard_json`) and the
/// awards it would bring.
pub fn to_json(r: &LadderResult<'_>) -> serde_json::Value {
    use serde_json::json;
    let rungs: Vec<serde_json::Value> = r
        .rungs
        .iter()
        .map(|rr| {
            let standard = match (&rr.evaluation, rr.standard()) {
                (Some(ev), Some(st)) => {
                    let mut j = crate::explain::standard_json(ev.pack, st);
                    j["pack"] = json!({"id": ev.pack.id, "version": ev.pack.version, "hash": ev.pack.hash, "provisional": ev.pack.provisional.is_some()});
                    let of = |ri: &usize| ev.results.iter().find(|x| std::ptr::eq(x.rule, &ev.pack.rules[*ri]));
                    j["results"] = st.standard.all.iter().chain(&st.standard.with_score).chain(&st.standard.routes).chain(&st.standard.score)
                        .filter_map(of)
                        .map(|x| crate::explain::result_json(ev.pack, x))
                        .collect();
                    j
                }
                _ => serde_json::Value::Null,
            };
            let pays = match (&rr.pay, &r.ladder.payer) {
                (Pay::Awards(a), Some(payer)) => a.iter().map(|x| crate::explain::result_json(payer, x)).collect(),
                (Pay::Held, _) => json!({"none": "held"}),
                (Pay::NotInForce { from, until }, _) => json!({"none": "not-in-force", "valid": {"from": from.to_string(), "until": until.to_string()}}),
                (Pay::AlreadyPaid { year }, _) => json!({"none": "already-paid", "year": year}),
                _ => serde_json::Value::Null,
            };
            json!({
                "title": {"zh": rr.rung.title.zh, "en": rr.rung.title.en},
                "standing": rr.standing.code(),
                "standard": standard,
                "gap": rr.rung.gap.as_ref().map(|g| json!({"zh": g.zh, "en": g.en})),
                "pays": pays,
            })
        })
        .collect();
    json!({
        "ladder": {"title": {"zh": r.ladder.title.zh, "en": r.ladder.title.en}},
        "payer": r.ladder.payer.as_ref().map(|p| json!({"id": p.id, "version": p.version, "hash": p.hash})),
        "entity": {"id": r.entity_id, "name": r.entity_name},
        "year": r.year,
        "rungs": rungs,
    })
}
