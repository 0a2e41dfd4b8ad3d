//! What would a change to the plan cost? The bureau, finance or the administrator changes one
//! amount or one tier threshold of the pack and sees, over the registered entities and their facts
//! in force, the budget beside today's and who gains and who loses. Nothing is written: the
//! change is a variant of the pack, checked like the pack itself (`qiangke_batch::whatif`).

use super::{Ctx, field};
use crate::api::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use qiangke_batch::budget::{Budget, Line};
use qiangke_batch::whatif::{Baseline, Change, Diff, Effects, Outcome, ReformError, compare, table_rules, variant, variant_outcome};
use qiangke_rules::Pack;
use qiangke_rules::model::RuleKind;
use qiangke_rules::resolve::{Func, NK};
use qiangke_rules::value::{UNBOUNDED, money_signed, money_source, money_yuan};
use qiangke_store::Role;
use std::sync::Arc;

type St = State<Arc<AppState>>;
type Form = axum::Form<Vec<(String, String)>>;

/// One thing the page can change: the form's value for it, what it is called, its value today
/// as the pack writes it, and what a new value changes.
struct Lever {
    key: String,
    label: String,
    current: String,
    target: Target,
}

enum Target {
    /// A field of a rule (its id).
    Rule(String, &'static str),
    /// A field of a band (table id, band counted from 1).
    Band(String, usize, &'static str),
}

/// Every amount a rule writes as a figure or a range of figures, and every band of every tier
/// table (its amount and its bounds), in the order of the pack.
fn levers(ctx: &Ctx, pack: &Pack) -> Vec<Lever> {
    let mut out = Vec::new();
    let fixed = |n: &qiangke_rules::resolve::N| match &n.k {
        NK::Const(_) => true,
        NK::Call(Func::Range | Func::AtLeast, args) => args.iter().all(|a| matches!(a.k, NK::Const(_))),
        _ => false,
    };
    for r in pack.rules.iter().filter(|r| r.kind == RuleKind::Award) {
        if let Some(a) = r.amount.as_ref().filter(|a| fixed(&a.node)) {
            out.push(Lever {
                key: format!("rule|{}|amount", r.id),
                label: ctx.say("whatif-lever-amount", &[("clause", &r.clause), ("title", r.title.get(ctx.lang))]),
                current: in_words(ctx, &a.node).unwrap_or_else(|| a.text.clone()),
                target: Target::Rule(r.id.clone(), "amount"),
            });
        }
    }
    for (ti, t) in pack.tiers.iter().enumerate() {
        let Some(r) = table_rules(pack, ti).first().map(|i| &pack.rules[*i]) else { continue };
        for (bi, b) in t.bands.iter().enumerate() {
            let band = (bi + 1).to_string();
            let args = |what: &'static str| ctx.say(what, &[("clause", &r.clause), ("title", r.title.get(ctx.lang)), ("band", &band)]);
            out.push(Lever {
                key: format!("tier|{}|{band}|amount", t.id),
                label: args("whatif-lever-band-amount"),
                current: money_source(b.amount),
                target: Target::Band(t.id.clone(), bi + 1, "amount"),
            });
            for (bound, field, what) in [(&b.lower, "from", "whatif-lever-band-from"), (&b.upper, "to", "whatif-lever-band-to")] {
                if let Some(x) = bound {
                    out.push(Lever {
                        key: format!("tier|{}|{band}|{field}", t.id),
                        label: args(what),
                        current: format!("{} {}", money_source(x.value), x.word),
                        target: Target::Band(t.id.clone(), bi + 1, field),
                    });
                }
            }
        }
    }
    out
}

/// A fixed amount as people write it: `20万元`, `20万元至30万元` (an amount the administrator sets
/// within the range), `不低于50万元` (no upper limit).
fn in_words(ctx: &Ctx, n: &qiangke_rules::resolve::N) -> Option<String> {
    let money = |n: &qiangke_rules::resolve::N| match &n.k {
        NK::Const(qiangke_rules::model::Value::Money(m)) => Some(money_source(*m)),
        _ => None,
    };
    match &n.k {
        NK::Call(Func::Range, args) if args.len() == 2 => {
            Some(ctx.say("whatif-range", &[("low", &money(&args[0])?), ("high", &money(&args[1])?)]))
        }
        NK::Call(Func::AtLeast, args) if args.len() == 1 => Some(ctx.say("whatif-at-least", &[("low", &money(&args[0])?)])),
        _ => money(n),
    }
}

/// An amount typed as people write it, in the pack's language: `20万元至30万元` (or `20万元-30万元`,
/// `20万元 to 30万元`) is `range(20万元, 30万元)`, `不低于50万元` (or `at least 50万元`) is
/// `at_least(50万元)`; anything else is taken as it is (the pack's checks judge it).
fn amount_expression(value: &str) -> String {
    let v = value.trim();
    for sep in ["至", "到", "—", "－", "~", "～", " to ", "-"] {
        if let Some((a, b)) = v.split_once(sep)
            && !a.trim().is_empty()
            && !b.trim().is_empty()
            && !v.contains('(')
        {
            return format!("range({}, {})", a.trim(), b.trim());
        }
    }
    for prefix in ["不低于", "至少", "at least "] {
        if let Some(a) = v.strip_prefix(prefix) {
            return format!("at_least({})", a.trim());
        }
    }
    v.to_string()
}

/// The change a new value makes.
fn change(lever: &Lever, value: &str) -> Change {
    match &lever.target {
        Target::Rule(id, f) => Change::rule(id, f, &amount_expression(value)),
        Target::Band(table, band, f) => Change::band(table, *band, f, value),
    }
}

/// What the form asked for.
struct Asked {
    lever: String,
    value: String,
    year: Option<i32>,
}

/// The page: the form, and the comparison when one was asked for.
pub(super) async fn page(ctx: Ctx, State(s): St) -> Response {
    render(&ctx, &s, None, None, None).await
}

/// Runs the comparison the form asks for.
pub(super) async fn run(ctx: Ctx, State(s): St, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/whatif") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let asked = Asked {
        lever: field(&form, "lever").to_string(),
        value: field(&form, "value").trim().to_string(),
        year: field(&form, "year").trim().parse().ok(),
    };
    if !allowed(p.role) {
        return render(&ctx, &s, Some(&asked), None, None).await;
    }
    let all = levers(&ctx, &s.pack);
    let Some(lever) = all.iter().find(|l| l.key == asked.lever) else {
        return render(&ctx, &s, Some(&asked), Some(Err(ctx.l("whatif-choose-lever").to_string())), None).await;
    };
    if asked.value.is_empty() {
        return render(&ctx, &s, Some(&asked), Some(Err(ctx.l("whatif-empty-value").to_string())), None).await;
    }
    let (facts, refused) = match s.store.population(&s.pack, &p).await {
        Ok(x) => x,
        Err(e) => return super::store_error(&ctx, e),
    };
    // Several values (10万元、15万元、20万元): one variant each, against one baseline.
    let values: Vec<String> = asked.value.split(['、', ';', '；']).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).collect();
    if values.len() > MAX_VALUES {
        let msg = ctx.say("whatif-too-many", &[("max", &MAX_VALUES.to_string())]);
        return render(&ctx, &s, Some(&asked), Some(Err(msg)), None).await;
    }
    let changes: Vec<(String, Change)> = values.iter().map(|v| (v.clone(), change(lever, v))).collect();
    let label = lever.label.clone();
    let pack = s.pack.clone();
    let years: Vec<i32> = asked.year.into_iter().collect();
    let entities = facts.len();
    type Compared = (Budget, Vec<(String, Outcome)>);
    let ran = s
        .evaluations
        .run(move || -> Result<Compared, (String, ReformError)> {
            let mut vs = Vec::with_capacity(changes.len());
            for (value, c) in changes {
                let v = variant(pack.map.files(), &pack, &label, std::slice::from_ref(&c)).map_err(|e| (value.clone(), e))?;
                vs.push((value, v));
            }
            let population = qiangke_batch::whatif::Population::from_facts(&pack, facts.iter());
            let base = Baseline::new(&pack, &population, &years, 0);
            let outcomes = vs.into_iter().map(|(value, v)| (value, variant_outcome(&base, &v, &population, &years, 0))).collect();
            Ok((base.budget(), outcomes))
        })
        .await;
    let result = match ran {
        Ok(Ok((baseline, outcomes))) => Ok(Ran { lever: lever.label.clone(), entities, refused, baseline, outcomes }),
        Ok(Err((value, ReformError::Pack(report)))) => {
            let why: Vec<String> = report.diagnostics.iter().map(|d| d.message.render(ctx.lang)).collect();
            Err(ctx.say("whatif-bad-value", &[("value", &value), ("why", &why.join(ctx.l("policy-list-separator")))]))
        }
        Ok(Err((_, e))) => Err(e.render(ctx.lang)),
        Err(busy) => Err(super::problem_text(&ctx, &crate::api::busy(busy)).1),
    };
    // The language switch sends the same question again, so the result shows in the other language.
    render(&ctx, &s, Some(&asked), Some(result), Some(&form)).await
}

/// The most values one question may compare.
const MAX_VALUES: usize = 20;

/// A comparison made: the baseline and each value's outcome.
struct Ran {
    lever: String,
    entities: usize,
    refused: usize,
    baseline: Budget,
    outcomes: Vec<(String, Outcome)>,
}

fn allowed(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Reviewer | Role::Finance)
}

async fn render(
    ctx: &Ctx,
    s: &AppState,
    asked: Option<&Asked>,
    result: Option<Result<Ran, String>>,
    repost: Option<&[(String, String)]>,
) -> Response {
    let p = match ctx.require_user() {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let title = ctx.l("whatif-title");
    if !allowed(p.role) {
        return ctx.page_status(StatusCode::FORBIDDEN, title, html! { p { (ctx.l("whatif-only-roles")) } });
    }
    let all = levers(ctx, &s.pack);
    let chosen = asked.map_or("", |a| a.lever.as_str());
    let status = match &result {
        Some(Err(_)) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    let body = html! {
        p { (ctx.l("whatif-what-it-does")) }
        form method="post" action="/whatif" class="card" {
            (ctx.csrf_field())
            p {
                label for="lever" { (ctx.l("whatif-lever")) } " "
                select #lever.wide name="lever" {
                    @for l in &all {
                        option value=(l.key) selected[l.key == chosen] {
                            (ctx.say("whatif-lever-option", &[("label", &l.label), ("current", &l.current)]))
                        }
                    }
                }
            }
            p {
                label for="value" { (ctx.l("whatif-value")) } " "
                input #value name="value" type="text" value=(asked.map_or("", |a| a.value.as_str())) required;
            }
            p.hint { (ctx.l("whatif-value-hint")) }
            p {
                label for="year" { (ctx.l("whatif-year")) } " "
                select #year name="year" {
                    option value="" selected[asked.is_none_or(|a| a.year.is_none())] { (ctx.l("whatif-all-years")) }
                    @for y in s.pack.valid.0.year..=s.pack.valid.1.year {
                        option value=(y) selected[asked.is_some_and(|a| a.year == Some(y))] { (y) }
                    }
                }
            }
            p { button type="submit" #run-whatif { (ctx.l("whatif-run")) } }
        }
        @match &result {
            Some(Err(msg)) => p.error role="alert" #whatif-error { (msg) },
            Some(Ok(r)) => (outcome(ctx, &s.pack, r)),
            None => {},
        }
    };
    match repost {
        Some(form) => ctx.page_reposting(status, title, body, form),
        None => ctx.page_status(status, title, body),
    }
}

fn amount(l: &Line) -> String {
    if l.high == l.low {
        money_yuan(l.low)
    } else if l.high == UNBOUNDED {
        format!("{}+", money_yuan(l.low))
    } else {
        format!("{}–{}", money_yuan(l.low), money_yuan(l.high))
    }
}

/// Over what the comparison ran.
fn over(ctx: &Ctx, r: &Ran) -> Markup {
    html! {
        p.card role="status" #whatif-summary {
            (ctx.say("whatif-over", &[("entities", &r.entities.to_string())]))
            @if r.refused > 0 { " " (ctx.say("whatif-refused", &[("n", &r.refused.to_string())])) }
        }
    }
}

/// Several values side by side: for each, what the budget changes by over the years compared and
/// who gains and who loses.
fn several(ctx: &Ctx, r: &Ran) -> Markup {
    let base = r.baseline.total().low;
    let cols = [
        (ctx.l("whatif-col-value"), false),
        (ctx.l("whatif-col-budget-delta"), true),
        (ctx.l("whatif-col-gained"), true),
        (ctx.l("whatif-col-lost"), true),
        (ctx.l("whatif-col-amount-changed"), true),
        (ctx.l("whatif-col-better"), true),
        (ctx.l("whatif-col-worse"), true),
    ];
    let rows = html! {
        @for (value, o) in &r.outcomes {
            @let e = &o.effects;
            tr {
                td { (value) }
                td.num { (money_signed(o.budget.total().low - base)) }
                td.num { (e.gained) }
                td.num { (e.lost) }
                td.num { (e.changed) }
                td.num { (e.better.entities) " (" (money_signed(e.better.total_low)) ")" }
                td.num { (e.worse.entities) " (" (money_signed(e.worse.total_low)) ")" }
            }
        }
    };
    html! {
        section #whatif-result {
            h2 { (r.lever) }
            (over(ctx, r))
            (super::table(Some("whatif-values"), &cols, rows))
            p.hint { (ctx.l("whatif-values-hint")) }
        }
    }
}

fn outcome(ctx: &Ctx, pack: &Pack, r: &Ran) -> Markup {
    let [(_, one)] = r.outcomes.as_slice() else { return several(ctx, r) };
    let diffs = compare(&r.baseline, &one.budget);
    let e: &Effects = &one.effects;
    let dept = |id: &str| pack.department_name(id, ctx.lang);
    let row = |d: &Diff| {
        let (y, paid, clause) = &d.key;
        let (low, _) = d.delta();
        html! {
            tr class=[(paid == "*").then_some("total")] {
                td { (y) }
                @if paid == "*" {
                    td colspan="2" { (ctx.l("whatif-total")) }
                } @else {
                    td { (dept(paid)) }
                    td { (clause) }
                }
                td.num { (amount(&d.baseline)) }
                td.num { (amount(&d.variant)) }
                td.num { (money_signed(low)) }
            }
        }
    };
    let cols = [
        (ctx.l("whatif-col-year"), false),
        (ctx.l("whatif-col-paid-by"), false),
        (ctx.l("whatif-col-clause"), false),
        (ctx.l("whatif-col-now"), true),
        (ctx.l("whatif-col-changed"), true),
        (ctx.l("whatif-col-delta"), true),
    ];
    html! {
        section #whatif-result {
            h2 { (r.lever) }
            (over(ctx, r))
            p.card #whatif-effects {
                (e.sentences(ctx.lang))
            }
            @if diffs.is_empty() {
                p #whatif-no-change { (ctx.l("whatif-no-change")) }
            } @else {
                (super::table(Some("whatif-budget"), &cols, html! { @for d in &diffs { (row(d)) } }))
                p.hint { (ctx.l("whatif-budget-hint")) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::amount_expression;

    #[test]
    fn amounts_typed_as_people_write_them() {
        assert_eq!(amount_expression("30万元"), "30万元");
        assert_eq!(amount_expression(" 20万元至30万元 "), "range(20万元, 30万元)");
        assert_eq!(amount_expression("20万元-30万元"), "range(20万元, 30万元)");
        assert_eq!(amount_expression("20万元 to 30万元"), "range(20万元, 30万元)");
        assert_eq!(amount_expression("不低于50万元"), "at_least(50万元)");
        assert_eq!(amount_expression("at least 50万元"), "at_least(50万元)");
        // The pack's own notation passes through, and so does what only the pack's checks can judge.
        assert_eq!(amount_expression("range(20万元, 30万元)"), "range(20万元, 30万元)");
        assert_eq!(amount_expression("at_least(50万元)"), "at_least(50万元)");
        assert_eq!(amount_expression("-5万元"), "-5万元");
    }
}
