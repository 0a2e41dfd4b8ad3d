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
use qiangke_rules::facts::Facts;
use qiangke_rules::model::{Pack, RuleKind};
use qiangke_rules::value::money_signed;
use qiangke_rules::{Options, State, evaluate, load_pack_files};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

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
        if fed || touched_rules.contains(&r.id) || any_uses(rule_exprs(r), &changed_tables) {
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
    pack.rules.iter().enumerate().filter(|(_, r)| any_uses(rule_exprs(r), &[table])).map(|(i, _)| i).collect()
}

/// Every expression of a rule: guard, amount, the trigger's filter, once-key and top-up key.
fn rule_exprs(r: &qiangke_rules::model::Rule) -> impl Iterator<Item = &qiangke_rules::resolve::CExpr> {
    let filter = match &r.trigger {
        qiangke_rules::model::Trigger::Event { filter, .. } => filter.as_ref(),
        qiangke_rules::model::Trigger::Year => None,
    };
    r.guard.iter().chain(r.amount.iter()).chain(filter).chain(r.once.iter()).chain(r.requires.iter().flat_map(|q| q.key.iter()))
}

fn any_uses<'a>(mut exprs: impl Iterator<Item = &'a qiangke_rules::resolve::CExpr>, tables: &[usize]) -> bool {
    exprs.any(|e| uses_tier(&e.node, tables))
}

/// Whether an expression looks up any of these tier tables.
fn uses_tier(n: &qiangke_rules::resolve::N, tables: &[usize]) -> bool {
    use qiangke_rules::resolve::NK;
    match &n.k {
        NK::Tier(t, x) => tables.contains(t) || uses_tier(x, tables),
        NK::Brackets(_, x) | NK::Not(x) | NK::Neg(x) | NK::In(x, _) => uses_tier(x, tables),
        NK::Bin(_, a, b) => uses_tier(a, tables) || uses_tier(b, tables),
        NK::If(a, b, c) => uses_tier(a, tables) || uses_tier(b, tables) || uses_tier(c, tables),
        NK::Call(_, args) => args.iter().any(|a| uses_tier(a, tables)),
        _ => false,
    }
}

/// Budget lines per rule: `(rule index, budget year, paying department, clause)`.
pub type RuleBudget = BTreeMap<(usize, i32, String, String), Line>;

/// One award of an entity in a population run: which result (rule, claim year, triggering event)
/// and its amount. What the baseline keeps to tell who gains and who loses under a variant.
#[derive(Debug, Clone, PartialEq)]
struct Award {
    rule: usize,
    claim_year: i32,
    trigger: Option<(usize, qiangke_rules::value::Date, Option<Arc<str>>)>,
    low: Decimal,
    high: Decimal,
}

/// What a population run keeps beside the budget lines.
#[derive(Clone, Copy)]
enum Keep<'a> {
    Nothing,
    /// Each entity's awards (the baseline).
    Awards,
    /// The effects against these awards of the baseline (indexed like the population), over the
    /// re-evaluated rules.
    Effects(&'a [Vec<Award>], &'a [bool]),
}

/// Evaluates the entities at `which` (positions in `population`), awards only, restricted to
/// `rules` if given, on `jobs` threads: the budget lines per rule and what `keep` asks for (each
/// entity's awards in the order of `which`, or the effects against the baseline).
fn evaluate_population(
    pack: &Pack,
    population: &[&Facts],
    which: &[usize],
    years: &[i32],
    rules: Option<&[bool]>,
    jobs: usize,
    keep: Keep<'_>,
) -> (RuleBudget, Vec<Vec<Award>>, Effects) {
    let jobs = if jobs == 0 { std::thread::available_parallelism().map_or(2, |n| n.get()) } else { jobs };
    let opts = Options { years: years.to_vec(), trace: false, awards_only: true, only_rules: rules.map(Arc::from) };
    let per = which.len().div_ceil(jobs.max(1)).max(1);
    type Part = (RuleBudget, Vec<Vec<Award>>, Effects);
    let parts: Vec<Part> = std::thread::scope(|s| {
        let handles: Vec<_> = which
            .chunks(per)
            .map(|chunk| {
                let opts = &opts;
                s.spawn(move || {
                    let (mut b, mut kept, mut effects) = (RuleBudget::new(), Vec::new(), Effects::default());
                    let mut mine = Vec::new();
                    for &i in chunk {
                        let ev = evaluate(pack, population[i], opts);
                        for r in &ev.results {
                            let (State::Awarded { low, high }, Some(y), RuleKind::Award) = (&r.state, r.budget_year, r.rule.kind) else {
                                continue;
                            };
                            let ri = pack.rules.iter().position(|x| std::ptr::eq(x, r.rule)).unwrap_or(0);
                            let paid = r.rule.paid_by.map_or(String::new(), |d| pack.departments[d].id.clone());
                            b.entry((ri, y, paid, r.rule.clause.clone())).or_default().add(*low, *high);
                            if !matches!(keep, Keep::Nothing) {
                                let trigger = r.trigger.as_ref().map(|t| (t.event, t.date, t.at.clone()));
                                mine.push(Award { rule: ri, claim_year: r.claim_year, trigger, low: *low, high: *high });
                            }
                        }
                        match keep {
                            Keep::Nothing => {}
                            Keep::Awards => kept.push(std::mem::take(&mut mine)),
                            Keep::Effects(baseline, changed) => {
                                effects.add(baseline[i].iter().filter(|a| changed[a.rule]), &mine);
                                mine.clear();
                            }
                        }
                    }
                    (b, kept, effects)
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let mut out = (RuleBudget::new(), Vec::new(), Effects::default());
    for (p, kept, effects) in parts {
        for (k, l) in p {
            out.0.entry(k).or_default().merge(&l);
        }
        out.1.extend(kept);
        out.2.merge(&effects);
    }
    out
}

/// Evaluates a population (awards only), restricted to `rules` if given, on `jobs` threads.
pub fn rule_budget(pack: &Pack, population: &[&Facts], years: &[i32], rules: Option<&[bool]>, jobs: usize) -> RuleBudget {
    let all: Vec<usize> = (0..population.len()).collect();
    evaluate_population(pack, population, &all, years, rules, jobs, Keep::Nothing).0
}

/// The baseline of a what-if: the budget lines per rule, and every entity's awards, so that a
/// variant can say who gains and who loses without evaluating the baseline again.
#[derive(Debug)]
pub struct Baseline {
    pub lines: RuleBudget,
    awards: Vec<Vec<Award>>,
}

impl Baseline {
    pub fn new(pack: &Pack, population: &[&Facts], years: &[i32], jobs: usize) -> Baseline {
        let all: Vec<usize> = (0..population.len()).collect();
        let (lines, awards, _) = evaluate_population(pack, population, &all, years, None, jobs, Keep::Awards);
        Baseline { lines, awards }
    }

    /// The baseline's budget.
    pub fn budget(&self) -> Budget {
        to_budget(&self.lines, None)
    }
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
/// rule are evaluated: for rules triggered by events, those with such an event (or with the
/// source event of a derivation that emits it).
pub fn variant_outcome(baseline: &Baseline, variant: &Variant, population: &[&Facts], years: &[i32], jobs: usize) -> Outcome {
    let mut budget = to_budget(&baseline.lines, Some(&variant.rules));
    let pack = &variant.pack;
    let mut types = vec![false; pack.vocab.events.len()];
    let mut every_entity = false;
    for r in pack.rules.iter().enumerate().filter(|(i, _)| variant.rules[*i]).map(|(_, r)| r) {
        match &r.trigger {
            qiangke_rules::model::Trigger::Year => every_entity = true,
            qiangke_rules::model::Trigger::Event { event, .. } => {
                types[*event] = true;
                for d in pack.derives.iter().filter(|d| d.emit == *event) {
                    types[d.from] = true;
                }
            }
        }
    }
    let which: Vec<usize> = (0..population.len()).filter(|i| every_entity || population[*i].events.iter().any(|e| types[e.ty])).collect();
    let keep = Keep::Effects(&baseline.awards, &variant.rules);
    let (own, _, effects) = evaluate_population(pack, population, &which, years, Some(&variant.rules), jobs, keep);
    budget.merge(to_budget(&own, None));
    Outcome { budget, effects }
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
        let same = |a: &Award, b: &Award| a.rule == b.rule && a.claim_year == b.claim_year && a.trigger == b.trigger;
        for n in now {
            match before.clone().find(|b| same(b, n)) {
                None => self.gained += 1,
                Some(b) if (b.low, b.high) != (n.low, n.high) => self.changed += 1,
                Some(_) => {}
            }
        }
        self.lost += before.clone().filter(|b| !now.iter().any(|n| same(b, n))).count() as u64;
        let sum = |it: &mut dyn Iterator<Item = &Award>| {
            it.fold(Line::default(), |mut l, a| {
                l.add(a.low, a.high);
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
