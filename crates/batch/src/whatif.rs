//! What-if: how would the budget change if the pack's amounts, tiers, caps, rates or validity
//! changed? A reform file names the changes; each variant is the pack with them applied, loaded
//! and checked like any pack. Variants are evaluated over one in-memory population, and only the
//! rules a reform touches (with the base rules of top-ups) are re-evaluated: every rule's awards
//! depend on no other rule but its base, so the rest of the budget is the baseline's.
//!
//! Reform file (TOML):
//!
//! ```toml
//! name = "higher high-tech subsidy"
//! [[rule]]                       # change fields of a rule (expressions and settings as text)
//! id = "high-tech-new"
//! amount = "30万元"
//! [[tier]]                       # change one band of a tier table (1-based)
//! table = "rd_spend"
//! band = 4
//! amount = "150万元"
//! [[sweep]]                      # one variant per value (a sweep)
//! rule = "rd-spend-tiers"        # or: table = "rd_spend", band = 1
//! field = "valid_until"          # for tiers: amount, from or to
//! values = ["2024-12-31", "2025-12-31"]
//! ```

use crate::budget::{Budget, Line};
use qiangke_i18n::{Lang, Msg};
use qiangke_lower::compiled::{Frame, Only, Program, Scratch};
pub use qiangke_lower::population::Population;
use qiangke_rules::load_pack_files;
use qiangke_rules::model::{Pack, RuleKind};
use qiangke_rules::resolve::NK;
use qiangke_rules::value::money_signed;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// A pack with a reform applied, and the rules whose results may differ from the baseline's.
#[derive(Debug)]
pub struct Variant {
    pub name: String,
    pub pack: Pack,
    /// Rules to re-evaluate (changed rules, top-ups of changed rules, and their bases).
    pub rules: Vec<bool>,
}

/// A change to one field: of a rule (`rule` id) or of a band of a tier table.
#[derive(Debug, Clone)]
pub struct Change {
    rule: Option<String>,
    table: Option<(String, usize)>,
    field: String,
    value: String,
}

impl Change {
    /// Field `field` of rule `id` written `value` (as a pack writes it: `30万元`).
    pub fn rule(id: &str, field: &str, value: &str) -> Change {
        Change { rule: Some(id.into()), table: None, field: field.into(), value: value.into() }
    }
    /// Field `field` (`amount`, `from`, `to`) of band `band` (counted from 1) of tier table `table`.
    pub fn band(table: &str, band: usize, field: &str, value: &str) -> Change {
        Change { rule: None, table: Some((table.into(), band)), field: field.into(), value: value.into() }
    }
}

/// A reform that cannot be applied: what is wrong in the reform file, or the pack it would make
/// refused by the pack's checks.
#[derive(Debug)]
pub enum ReformError {
    Reform { file: String, message: Msg },
    Pack(Box<qiangke_rules::Report>),
}

impl ReformError {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            ReformError::Reform { file, message } => {
                qiangke_i18n::text(lang, "whatif-error-at", &[("file", file), ("message", &message.render(lang))])
            }
            ReformError::Pack(r) => qiangke_i18n::text(lang, "whatif-error-pack", &[("report", &r.render_in(lang))]),
        }
    }
}

fn str_field<'a>(t: &'a toml::Table, k: &'static str, section: &'static str) -> Result<&'a str, Msg> {
    t.get(k).and_then(|v| v.as_str()).ok_or_else(|| Msg::new("whatif-needs-string").arg("section", section).arg("key", k))
}

/// Reads a reform file into its variants: one, or one per value of each sweep.
pub fn variants(base_files: &[(String, String)], base: &Pack, name: &str, text: &str) -> Result<Vec<Variant>, ReformError> {
    let at = |message: Msg| ReformError::Reform { file: name.to_string(), message };
    let sets = changes(name, text).map_err(at)?;
    sets.into_iter().map(|(label, changes)| variant(base_files, base, &label, &changes)).collect()
}

/// The variants a reform file describes: a label and the changes of each.
fn changes(name: &str, text: &str) -> Result<Vec<(String, Vec<Change>)>, Msg> {
    let t: toml::Table = toml::from_str(text).map_err(|e| Msg::new("whatif-toml").arg("detail", e.message()))?;
    let title = t.get("name").and_then(|v| v.as_str()).unwrap_or(name).to_string();
    let mut common = Vec::new();
    for (key, arr) in &t {
        let items = match (key.as_str(), arr.as_array()) {
            ("name", _) => continue,
            ("rule" | "tier" | "sweep", Some(a)) => a,
            (k, _) => return Err(Msg::new("whatif-unknown-section").arg("section", k)),
        };
        if key == "sweep" {
            continue;
        }
        for item in items {
            let tb = item.as_table().ok_or_else(|| Msg::new("whatif-not-a-table").arg("section", key))?;
            let target_rule = if key == "rule" { Some(str_field(tb, "id", "[[rule]]")?.to_string()) } else { None };
            let target_table = if key == "tier" {
                let band = tb
                    .get("band")
                    .and_then(|v| v.as_integer())
                    .filter(|b| *b >= 1)
                    .ok_or_else(|| Msg::new("whatif-needs-band").arg("section", "tier"))?;
                Some((str_field(tb, "table", "[[tier]]")?.to_string(), band as usize))
            } else {
                None
            };
            for (f, v) in tb {
                if matches!(f.as_str(), "id" | "table" | "band") {
                    continue;
                }
                let value = v.as_str().ok_or_else(|| Msg::new("whatif-value-not-string").arg("field", f))?.to_string();
                common.push(Change { rule: target_rule.clone(), table: target_table.clone(), field: f.clone(), value });
            }
        }
    }
    let mut sets: Vec<(String, Vec<Change>)> = Vec::new();
    if let Some(sweeps) = t.get("sweep").and_then(|v| v.as_array()) {
        for s in sweeps {
            let tb = s.as_table().ok_or_else(|| Msg::new("whatif-not-a-table").arg("section", "sweep"))?;
            let field = str_field(tb, "field", "[[sweep]]")?.to_string();
            let rule = tb.get("rule").and_then(|v| v.as_str()).map(str::to_string);
            let table = match (tb.get("table").and_then(|v| v.as_str()), tb.get("band").and_then(|v| v.as_integer())) {
                (Some(t), Some(b)) if b >= 1 => Some((t.to_string(), b as usize)),
                (Some(_), _) => return Err(Msg::new("whatif-needs-band").arg("section", "sweep")),
                _ => None,
            };
            if rule.is_none() && table.is_none() {
                return Err(Msg::new("whatif-sweep-target"));
            }
            let values = tb.get("values").and_then(|v| v.as_array()).ok_or_else(|| Msg::new("whatif-sweep-values"))?;
            for v in values {
                let value = v.as_str().ok_or_else(|| Msg::new("whatif-sweep-values"))?.to_string();
                let label = format!(
                    "{title}: {} {field} = {value}",
                    rule.clone().unwrap_or_else(|| table.as_ref().map(|(t, b)| format!("{t}[{b}]")).unwrap_or_default())
                );
                let mut set = common.clone();
                set.push(Change { rule: rule.clone(), table: table.clone(), field: field.clone(), value });
                sets.push((label, set));
            }
        }
    }
    if sets.is_empty() {
        sets.push((title, common));
    }
    Ok(sets)
}

/// The variant named `label`: `changes` applied to the rule files, the result loaded and checked
/// like any pack.
pub fn variant(base_files: &[(String, String)], base: &Pack, label: &str, changes: &[Change]) -> Result<Variant, ReformError> {
    let at = |file: &str, message: Msg| ReformError::Reform { file: file.to_string(), message };
    let mut files = base_files.to_vec();
    let mut touched_rules: Vec<String> = Vec::new();
    let mut touched_tables: Vec<String> = Vec::new();
    for c in changes {
        let mut done = false;
        for (name, text) in files.iter_mut().filter(|(n, _)| n.starts_with("rules/")) {
            let mut doc: toml::Table = toml::from_str(text).map_err(|e| at(name, Msg::new("whatif-toml").arg("detail", e.message())))?;
            let mut hit = false;
            if let Some(id) = &c.rule
                && let Some(rules) = doc.get_mut("rule").and_then(|v| v.as_array_mut())
            {
                for r in rules.iter_mut().filter_map(|r| r.as_table_mut()) {
                    if r.get("id").and_then(|v| v.as_str()) == Some(id.as_str()) {
                        r.insert(c.field.clone(), toml::Value::String(c.value.clone()));
                        hit = true;
                        touched_rules.push(id.clone());
                    }
                }
            }
            if let Some((table, band)) = &c.table
                && let Some(tiers) = doc.get_mut("tiers").and_then(|v| v.as_array_mut())
            {
                for t in tiers.iter_mut().filter_map(|t| t.as_table_mut()) {
                    if t.get("id").and_then(|v| v.as_str()) == Some(table.as_str()) {
                        let no_band = || at(name, Msg::new("whatif-no-band").arg("table", table).arg("band", band));
                        let bands = t.get_mut("bands").and_then(|v| v.as_array_mut()).ok_or_else(no_band)?;
                        let b = bands.get_mut(band - 1).and_then(|b| b.as_table_mut()).ok_or_else(no_band)?;
                        b.insert(c.field.clone(), toml::Value::String(c.value.clone()));
                        hit = true;
                        touched_tables.push(table.clone());
                    }
                }
            }
            if hit {
                *text = toml::to_string(&doc).map_err(|e| at(name, Msg::new("whatif-toml").arg("detail", e)))?;
                done = true;
            }
        }
        if !done {
            return Err(at(
                label,
                match (&c.rule, &c.table) {
                    (Some(r), _) => Msg::new("whatif-no-rule").arg("rule", r),
                    (_, Some((t, _))) => Msg::new("whatif-no-table").arg("table", t),
                    _ => Msg::new("whatif-sweep-target"),
                },
            ));
        }
    }
    let pack = load_pack_files(&files).map_err(|e| ReformError::Pack(Box::new(e)))?;
    if pack.rules.len() != base.rules.len() || pack.rules.iter().zip(&base.rules).any(|(a, b)| a.id != b.id) {
        return Err(at(label, Msg::new("whatif-reorders")));
    }
    // Rules to re-evaluate: the changed ones, those using a changed table, top-ups of changed
    // rules, and the bases of all of these (a top-up needs its base's awards).
    let mut rules = vec![false; pack.rules.len()];
    let changed_tables: Vec<usize> =
        pack.tiers.iter().enumerate().filter(|(_, t)| touched_tables.contains(&t.id)).map(|(i, _)| i).collect();
    // Derivations that read a changed table change the events of every rule they feed.
    let derived_events: Vec<usize> = pack
        .derives
        .iter()
        .filter(|d| any_uses(std::iter::once(&d.when).chain(d.set.iter().map(|(_, e)| e)), &changed_tables))
        .map(|d| d.emit)
        .collect();
    for (i, r) in pack.rules.iter().enumerate() {
        let fed = matches!(&r.trigger, qiangke_rules::model::Trigger::Event { event, .. } if derived_events.contains(event));
        if fed || touched_rules.contains(&r.id) || any_uses(r.exprs(), &changed_tables) {
            rules[i] = true;
        }
    }
    for (i, r) in pack.rules.iter().enumerate() {
        if let Some(q) = &r.requires
            && rules[q.rule]
        {
            rules[i] = true;
        }
    }
    for (i, r) in pack.rules.iter().enumerate() {
        if let (true, Some(q)) = (rules[i], &r.requires) {
            rules[q.rule] = true;
        }
    }
    Ok(Variant { name: label.to_string(), pack, rules })
}

/// The rules whose amount, guard, filter or keys look up tier table `table` (by index).
pub fn table_rules(pack: &Pack, table: usize) -> Vec<usize> {
    pack.rules.iter().enumerate().filter(|(_, r)| any_uses(r.exprs(), &[table])).map(|(i, _)| i).collect()
}

fn any_uses<'a>(mut exprs: impl Iterator<Item = &'a qiangke_rules::resolve::CExpr>, tables: &[usize]) -> bool {
    exprs.any(|e| any_node(&e.node, &|k| matches!(k, NK::Tier(t, _) if tables.contains(t))))
}

/// Whether any node of an expression is one `hit` picks.
fn any_node(n: &qiangke_rules::resolve::N, hit: &impl Fn(&NK) -> bool) -> bool {
    let mut found = false;
    n.visit(&mut |k| found |= hit(k));
    found
}

/// Whether an expression looks up any tier or bracket table.
fn any_table(n: &qiangke_rules::resolve::N) -> bool {
    any_node(n, &|k| matches!(k, NK::Tier(..) | NK::Brackets(..)))
}

/// Budget lines per rule: `(rule index, budget year, paying department, clause)`.
pub type RuleBudget = BTreeMap<(usize, i32, String, String), Line>;

/// One award of an entity in a population run: which result (rule, claim year, triggering event)
/// and its amount. What the baseline keeps to tell who gains and who loses under a variant.
/// Kept small (the baseline holds one per award of the population): amounts in fen (every
/// award is rounded to the fen; `i64::MAX` is no upper limit), the rule and event type as `u16`.
#[derive(Debug, Clone, PartialEq)]
struct Award {
    rule: u16,
    /// The triggering event's type, or `u16::MAX` for a rule of the claim year.
    event: u16,
    claim_year: i32,
    date: Option<qiangke_rules::value::Date>,
    low: i64,
    high: i64,
}

impl Award {
    fn new(a: &qiangke_lower::compiled::Award) -> Award {
        let fen = |m: Decimal| {
            if m == qiangke_rules::value::UNBOUNDED {
                i64::MAX
            } else {
                (m * Decimal::ONE_HUNDRED).trunc().try_into().unwrap_or(i64::MAX - 1)
            }
        };
        Award {
            rule: a.rule as u16,
            event: a.trigger.map_or(u16::MAX, |(e, _)| e as u16),
            claim_year: a.claim_year,
            date: a.trigger.map(|(_, d)| d),
            low: fen(a.low),
            high: fen(a.high),
        }
    }

    fn amounts(&self) -> (Decimal, Decimal) {
        let dec = |f: i64| if f == i64::MAX { qiangke_rules::value::UNBOUNDED } else { Decimal::new(f, 2) };
        (dec(self.low), dec(self.high))
    }
}

/// What a population run keeps beside the budget lines.
#[derive(Clone, Copy)]
enum Keep<'a> {
    Nothing,
    /// Each entity's awards, and which triggers fired for it (the baseline).
    Awards,
    /// The effects against the baseline's awards, over the re-evaluated rules.
    Effects(&'a Baseline, &'a [bool]),
}

/// A worker's share of a population run.
#[derive(Default)]
struct Part {
    /// Per (rule, budget year): made into [`RuleBudget`] keys once, at the end.
    lines: HashMap<(usize, i32), Line>,
    awards: Vec<Award>,
    /// One past each entity's last award in `awards`.
    award_end: Vec<u32>,
    /// (rule, entity) for each trigger that fired.
    fired: Vec<(usize, u32)>,
    effects: Effects,
}

/// Evaluates the entities at `which` (positions in `population`) with the compiled pack, awards
/// only, restricted to `rules` if given, on `jobs` threads: the budget lines per rule and what
/// `keep` asks for.
fn evaluate_population(
    pack: &Pack,
    population: &Population,
    which: &[usize],
    years: &[i32],
    rules: Option<&[bool]>,
    jobs: usize,
    keep: Keep<'_>,
) -> Part {
    let jobs = if jobs == 0 { std::thread::available_parallelism().map_or(2, |n| n.get()) } else { jobs };
    let program = Program::new(pack);
    let needs = program.needs(rules);
    let order = rules.map(|m| program.order(m));
    let per = which.len().div_ceil(jobs.max(1)).max(1);
    let parts: Vec<Part> = std::thread::scope(|s| {
        let handles: Vec<_> = which
            .chunks(per)
            .map(|chunk| {
                let (program, needs, order) = (&program, &needs, order.as_deref());
                s.spawn(move || {
                    let mut part = Part::default();
                    let (mut frame, mut scratch, mut out, mut fired) = (Frame::new(pack), Scratch::default(), Vec::new(), Vec::new());
                    let mut mine = Vec::new();
                    for &i in chunk {
                        population.load_needed(i, needs, &mut frame);
                        fired.clear();
                        let only = Only { rules: order, fired: matches!(keep, Keep::Awards).then_some(&mut fired) };
                        program.awards_only(&frame, years, only, &mut scratch, &mut out);
                        part.fired.extend(fired.iter().map(|r| (*r, i as u32)));
                        for a in &out {
                            if pack.rules[a.rule].kind != RuleKind::Award {
                                continue;
                            }
                            part.lines.entry((a.rule, a.budget_year)).or_default().add(a.low, a.high);
                            if !matches!(keep, Keep::Nothing) {
                                mine.push(Award::new(a));
                            }
                        }
                        match keep {
                            Keep::Nothing => {}
                            Keep::Awards => {
                                part.awards.append(&mut mine);
                                part.award_end.push(part.awards.len() as u32);
                            }
                            Keep::Effects(baseline, changed) => {
                                part.effects.add(baseline.awards(i).iter().filter(|a| changed[a.rule as usize]), &mine);
                                mine.clear();
                            }
                        }
                    }
                    part
                })
            })
            .collect();
        // A worker that panicked is not a share left out: the panic goes on.
        handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    let mut all = Part::default();
    for p in parts {
        for (k, l) in p.lines {
            all.lines.entry(k).or_default().merge(&l);
        }
        let base = all.awards.len() as u32;
        all.awards.extend(p.awards);
        all.award_end.extend(p.award_end.iter().map(|e| e + base));
        all.fired.extend(p.fired);
        all.effects.merge(&p.effects);
    }
    all
}

/// The per-rule budget of a run's lines.
fn rule_lines(pack: &Pack, lines: HashMap<(usize, i32), Line>) -> RuleBudget {
    let mut out = RuleBudget::new();
    for ((ri, y), l) in lines {
        let rule = &pack.rules[ri];
        let paid = rule.paid_by.map_or(String::new(), |d| pack.departments[d].id.clone());
        out.entry((ri, y, paid, rule.clause.clone())).or_default().merge(&l);
    }
    out
}

/// Evaluates a population (awards only), restricted to `rules` if given, on `jobs` threads.
pub fn rule_budget(pack: &Pack, population: &Population, years: &[i32], rules: Option<&[bool]>, jobs: usize) -> RuleBudget {
    let all: Vec<usize> = (0..population.len()).collect();
    rule_lines(pack, evaluate_population(pack, population, &all, years, rules, jobs, Keep::Nothing).lines)
}

/// The baseline of a what-if: the budget lines per rule; every entity's awards, so that a variant
/// can say who gains and who loses without evaluating the baseline again; and, for each rule
/// triggered by events, the entities whose events set it off, so that a variant changing what
/// such a rule pays re-evaluates only those.
#[derive(Debug)]
pub struct Baseline {
    pub lines: RuleBudget,
    awards: Vec<Award>,
    award_end: Vec<u32>,
    /// For each rule, the entities where its trigger fired (ascending).
    fired: Vec<Vec<u32>>,
    /// What decides whether a rule's trigger fires: its trigger with its filter's text, and the
    /// derivations' texts; a variant that changes none of them has the same triggers.
    triggers: Vec<Option<String>>,
    derivations: Option<String>,
}

impl Baseline {
    pub fn new(pack: &Pack, population: &Population, years: &[i32], jobs: usize) -> Baseline {
        let all: Vec<usize> = (0..population.len()).collect();
        let part = evaluate_population(pack, population, &all, years, None, jobs, Keep::Awards);
        let mut fired = vec![Vec::new(); pack.rules.len()];
        for (r, e) in part.fired {
            fired[r].push(e);
        }
        Baseline {
            lines: rule_lines(pack, part.lines),
            awards: part.awards,
            award_end: part.award_end,
            fired,
            triggers: pack.rules.iter().map(trigger_key).collect(),
            derivations: derivations_key(pack),
        }
    }

    /// The baseline's budget.
    pub fn budget(&self) -> Budget {
        to_budget(&self.lines, None)
    }

    /// Entity `i`'s awards.
    fn awards(&self, i: usize) -> &[Award] {
        let start = if i == 0 { 0 } else { self.award_end[i - 1] as usize };
        &self.awards[start..self.award_end[i] as usize]
    }
}

/// A rule's trigger as text (`year`, or who may apply, the event type and the filter's text);
/// `None` where the filter looks up a table (a reform may change a table's bands), so that no
/// variant counts as keeping it.
fn trigger_key(r: &qiangke_rules::model::Rule) -> Option<String> {
    // Who may apply decides too: an entity of a kind the rule leaves out never reaches its trigger.
    let who = format!("{:?}", r.applicants);
    match &r.trigger {
        qiangke_rules::model::Trigger::Year => Some("year".into()),
        qiangke_rules::model::Trigger::Event { event, filter } => match filter {
            Some(f) if any_table(&f.node) => None,
            Some(f) => Some(format!("{who}|{event}|{}", f.text)),
            None => Some(format!("{who}|{event}")),
        },
    }
}

/// The derivations as text; `None` where one looks up a table.
fn derivations_key(pack: &Pack) -> Option<String> {
    let mut k = String::new();
    for d in &pack.derives {
        if std::iter::once(&d.when).chain(d.set.iter().map(|(_, e)| e)).any(|e| any_table(&e.node)) {
            return None;
        }
        k.push_str(&format!("{}>{}:{};", d.from, d.emit, d.when.text));
        for (i, e) in &d.set {
            k.push_str(&format!("{i}={};", e.text));
        }
    }
    Some(k)
}

/// Sums per-rule lines into a budget, leaving out the rules in `except`.
pub fn to_budget(lines: &RuleBudget, except: Option<&[bool]>) -> Budget {
    let mut b = Budget::default();
    for ((ri, y, d, c), l) in lines {
        if except.is_some_and(|m| m[*ri]) {
            continue;
        }
        b.lines.entry((*y, d.clone(), c.clone())).or_default().merge(l);
    }
    b
}

/// Entities better or worse off under a variant: how many, and by how much in all and at most
/// (the change of the low end of what each receives; of the high end too while both are bounded).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Side {
    pub entities: u64,
    pub total_low: Decimal,
    /// `None` once an entity's award on either side has no upper limit.
    pub total_high: Option<Decimal>,
    /// The largest change of one entity's low end (by magnitude, with its sign).
    pub largest_low: Decimal,
}

/// What a variant changes for the entities, against the baseline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects {
    /// Awards the variant makes and the baseline does not (same rule, claim year and triggering event).
    pub gained: u64,
    /// Awards the baseline makes and the variant does not.
    pub lost: u64,
    /// Awards both make, for a different amount.
    pub changed: u64,
    pub better: Side,
    pub worse: Side,
}

/// A variant's budget and its effects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub budget: Budget,
    pub effects: Effects,
}

/// The variant's budget (the baseline's lines for untouched rules, plus the variant's own for the
/// re-evaluated ones) and who gains and who loses. Only entities that can trigger a re-evaluated
/// rule are evaluated: for a rule triggered by events whose trigger the variant leaves as it was,
/// those where it fired in the baseline; for other event rules, those with such an event (or
/// with the source event of a derivation that emits it); for a rule of the claim year, all.
pub fn variant_outcome(baseline: &Baseline, variant: &Variant, population: &Population, years: &[i32], jobs: usize) -> Outcome {
    let mut budget = to_budget(&baseline.lines, Some(&variant.rules));
    let pack = &variant.pack;
    let same_derivations = baseline.derivations.is_some() && derivations_key(pack) == baseline.derivations;
    let mut types = vec![false; pack.vocab.events.len()];
    let mut fired: Vec<&[u32]> = Vec::new();
    let mut every_entity = false;
    for (i, r) in pack.rules.iter().enumerate().filter(|(i, _)| variant.rules[*i]) {
        match &r.trigger {
            qiangke_rules::model::Trigger::Year => every_entity = true,
            qiangke_rules::model::Trigger::Event { .. }
                if same_derivations && baseline.triggers[i].is_some() && trigger_key(r) == baseline.triggers[i] =>
            {
                fired.push(&baseline.fired[i]);
            }
            qiangke_rules::model::Trigger::Event { event, .. } => {
                types[*event] = true;
                for d in pack.derives.iter().filter(|d| d.emit == *event) {
                    types[d.from] = true;
                }
                // The entities the rule paid under its old trigger may lose what it paid.
                match baseline.triggers.get(i).and_then(Option::as_deref) {
                    Some("year") => every_entity = true,
                    _ => fired.push(&baseline.fired[i]),
                }
            }
        }
    }
    let which: Vec<usize> = if every_entity {
        (0..population.len()).collect()
    } else {
        let mut w: Vec<usize> = fired.iter().flat_map(|f| f.iter().map(|e| *e as usize)).collect();
        if types.iter().any(|t| *t) {
            w.extend((0..population.len()).filter(|i| population.event_types(*i).any(|t| types[t])));
        }
        w.sort_unstable();
        w.dedup();
        w
    };
    let keep = Keep::Effects(baseline, &variant.rules);
    let part = evaluate_population(pack, population, &which, years, Some(&variant.rules), jobs, keep);
    budget.merge(to_budget(&rule_lines(pack, part.lines), None));
    Outcome { budget, effects: part.effects }
}

impl Side {
    fn merge(&mut self, o: &Side) {
        if o.entities == 0 {
            return;
        }
        self.total_high = if self.entities == 0 { o.total_high } else { self.total_high.zip(o.total_high).map(|(a, b)| a + b) };
        self.entities += o.entities;
        self.total_low += o.total_low;
        if o.largest_low.abs() > self.largest_low.abs() {
            self.largest_low = o.largest_low;
        }
    }
}

impl Effects {
    /// Who gains and who loses, in sentences: the awards gained, lost and changed; the entities
    /// better and worse off, how many, by how much in all and at most (or that nobody is).
    pub fn sentences(&self, lang: Lang) -> String {
        let awards = [("gained", self.gained.to_string()), ("lost", self.lost.to_string()), ("changed", self.changed.to_string())];
        let side = |s: &Side, some: &str, none: &str| {
            if s.entities == 0 {
                return qiangke_i18n::text(lang, none, &[]);
            }
            let (n, total, most) = (s.entities.to_string(), money_signed(s.total_low), money_signed(s.largest_low));
            qiangke_i18n::text(lang, some, &[("n", &n), ("total", &total), ("most", &most)])
        };
        let awards: Vec<(&str, &str)> = awards.iter().map(|(k, v)| (*k, v.as_str())).collect();
        // (English starts each further sentence with its space; Chinese needs none after 。)
        format!(
            "{}{}{}",
            qiangke_i18n::text(lang, "whatif-awards", &awards),
            side(&self.better, "whatif-better", "whatif-none-better"),
            side(&self.worse, "whatif-worse", "whatif-none-worse")
        )
    }

    fn merge(&mut self, o: &Effects) {
        self.gained += o.gained;
        self.lost += o.lost;
        self.changed += o.changed;
        self.better.merge(&o.better);
        self.worse.merge(&o.worse);
    }

    /// One entity: its awards under the re-evaluated rules, before and now.
    fn add<'a>(&mut self, before: impl Iterator<Item = &'a Award> + Clone, now: &[Award]) {
        let same = |a: &Award, b: &Award| a.rule == b.rule && a.claim_year == b.claim_year && a.event == b.event && a.date == b.date;
        // Each award of before is paired at most once (two events of a type on one date give two
        // awards with the same rule, year and trigger): first the same amount, then any.
        let old: Vec<&Award> = before.clone().collect();
        let mut paired = vec![false; old.len()];
        let mut unpaired = Vec::new();
        for n in now {
            match (0..old.len()).find(|&k| !paired[k] && same(old[k], n) && (old[k].low, old[k].high) == (n.low, n.high)) {
                Some(k) => paired[k] = true,
                None => unpaired.push(n),
            }
        }
        for n in unpaired {
            match (0..old.len()).find(|&k| !paired[k] && same(old[k], n)) {
                Some(k) => {
                    paired[k] = true;
                    self.changed += 1;
                }
                None => self.gained += 1,
            }
        }
        self.lost += paired.iter().filter(|p| !**p).count() as u64;
        let sum = |it: &mut dyn Iterator<Item = &Award>| {
            it.fold(Line::default(), |mut l, a| {
                let (low, high) = a.amounts();
                l.add(low, high);
                l
            })
        };
        let (dl, dh) = delta(&sum(&mut before.clone()), &sum(&mut now.iter()));
        let side = match (dl.cmp(&Decimal::ZERO), dh.map(|d| d.cmp(&Decimal::ZERO))) {
            (std::cmp::Ordering::Greater, _) | (std::cmp::Ordering::Equal, Some(std::cmp::Ordering::Greater)) => &mut self.better,
            (std::cmp::Ordering::Less, _) | (std::cmp::Ordering::Equal, Some(std::cmp::Ordering::Less)) => &mut self.worse,
            _ => return,
        };
        side.merge(&Side { entities: 1, total_low: dl, total_high: dh, largest_low: dl });
    }
}

/// `now` minus `before`: the low ends, and the high ends unless either is open-ended.
fn delta(before: &Line, now: &Line) -> (Decimal, Option<Decimal>) {
    let open = |l: &Line| l.high == qiangke_rules::value::UNBOUNDED;
    let high = (!open(before) && !open(now)).then(|| now.high - before.high);
    (now.low - before.low, high)
}

/// One line of a comparison: baseline and variant amounts for a budget line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    pub key: crate::budget::Key,
    pub baseline: Line,
    pub variant: Line,
}

impl Diff {
    /// Variant minus baseline (low end; the high end too unless either is open-ended).
    pub fn delta(&self) -> (Decimal, Option<Decimal>) {
        delta(&self.baseline, &self.variant)
    }
}

/// Every budget line where the variant differs from the baseline, plus a total line per year
/// (key clause `*`).
pub fn compare(baseline: &Budget, variant: &Budget) -> Vec<Diff> {
    let keys: std::collections::BTreeSet<&crate::budget::Key> = baseline.lines.keys().chain(variant.lines.keys()).collect();
    let mut out: Vec<Diff> = keys
        .into_iter()
        .map(|k| Diff {
            key: k.clone(),
            baseline: baseline.lines.get(k).copied().unwrap_or_default(),
            variant: variant.lines.get(k).copied().unwrap_or_default(),
        })
        .filter(|d| d.baseline != d.variant)
        .collect();
    let (by, vy) = (baseline.by_year(), variant.by_year());
    let years: std::collections::BTreeSet<i32> = by.keys().chain(vy.keys()).copied().collect();
    for y in years {
        let d = Diff {
            key: (y, "*".into(), "*".into()),
            baseline: by.get(&y).copied().unwrap_or_default(),
            variant: vy.get(&y).copied().unwrap_or_default(),
        };
        if d.baseline != d.variant {
            out.push(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use qiangke_rules::value::Date;

    /// An award of rule 3 for an event of type 1 on 2024-05-01, claim year 2024, of `yuan`.
    fn award(yuan: i64) -> Award {
        Award { rule: 3, event: 1, claim_year: 2024, date: Date::new(2024, 5, 1), low: yuan * 100, high: yuan * 100 }
    }

    /// Two events of one type on one date give two awards with the same rule, year and trigger:
    /// each award of the baseline is paired once, the same amount first.
    #[test]
    fn awards_with_the_same_trigger_are_paired_once_each() {
        // The same two amounts in the other order: nothing changed.
        let mut e = Effects::default();
        e.add([award(100), award(200)].iter(), &[award(200), award(100)]);
        assert_eq!((e.gained, e.lost, e.changed), (0, 0, 0));
        assert_eq!((e.better.entities, e.worse.entities), (0, 0));
        // One of the two is no longer paid: one lost, the entity 200 yuan worse off.
        let mut e = Effects::default();
        e.add([award(100), award(200)].iter(), &[award(100)]);
        assert_eq!((e.gained, e.lost, e.changed), (0, 1, 0));
        assert_eq!(e.worse.total_low, Decimal::from(-200));
        // Both paid, one of them 50 yuan more: one changed.
        let mut e = Effects::default();
        e.add([award(100), award(200)].iter(), &[award(250), award(100)]);
        assert_eq!((e.gained, e.lost, e.changed), (0, 0, 1));
        assert_eq!(e.better.total_low, Decimal::from(50));
        // A third award appears: one gained.
        let mut e = Effects::default();
        e.add([award(100)].iter(), &[award(100), award(100)]);
        assert_eq!((e.gained, e.lost, e.changed), (1, 0, 0));
    }
}
