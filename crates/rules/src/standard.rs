//! Standards: whether an entity meets a recognition's conditions in a claim year, from the results
//! of the pack's check and score rules for that year.
//!
//! The outcome is three-valued like a guard, with one more value for scores that experts decide
//! within bands: *meets*, *cannot meet*, *depends on expert review* (the score's range straddles
//! the pass mark: meeting is possible, not certain) and *needs information*. A known failure
//! decides even where other parts are unknown, as `false && unknown` is false.

use crate::eval::{Missing, RuleResult, State};
use crate::model::{Pack, Standard};
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Meets,
    CannotMeet,
    DependsOnReview,
    NeedsInformation,
    /// The claim falls outside the period of the rules the standard is made of.
    NotInForce,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Meets => "meets",
            Outcome::CannotMeet => "cannot-meet",
            Outcome::DependsOnReview => "depends-on-review",
            Outcome::NeedsInformation => "needs-information",
            Outcome::NotInForce => "not-in-force",
        }
    }
}

/// A standard assessed for one claim year.
#[derive(Debug, Clone)]
pub struct StandardResult<'p> {
    pub standard: &'p Standard,
    pub claim_year: i32,
    pub outcome: Outcome,
    /// The route that stood in for the score, when one did (index of a check rule).
    pub route: Option<usize>,
    /// Rules whose failure decided *cannot meet* (conditions not met, or the score's rules
    /// when the score cannot reach the pass mark).
    pub failed: Vec<usize>,
    /// Facts still needed, from every rule left undecided.
    pub missing: Vec<Missing>,
    /// The score's total `[low, high]`, when every score item is known.
    pub score: Option<(Decimal, Decimal)>,
}

impl StandardResult<'_> {
    /// Points the sure part of the score still lacks to pass: what expert review must give
    /// (`None` unless the score is known and its low end does not pass).
    pub fn short(&self) -> Option<Decimal> {
        if self.outcome != Outcome::DependsOnReview {
            return None;
        }
        let (low, _) = self.score?;
        let pass = self.standard.pass.as_ref()?;
        // Above an exclusive mark: one point more where points are whole (the standard's
        // `whole_points`: 各级指标均按整数打分), else the mark itself (to be exceeded).
        let need = match (pass.inclusive, self.standard.whole_points) {
            (false, true) => pass.value.floor() + Decimal::ONE,
            _ => pass.value,
        };
        Some(need - low)
    }
}

/// How one rule of a standard came out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Met,
    Failed,
    Unknown,
}

fn part(r: Option<&RuleResult<'_>>) -> Part {
    match r.map(|r| &r.state) {
        // A check refused only by its once-key passed its guard.
        Some(State::Awarded { .. } | State::NotEligible(crate::eval::Reason::AlreadyAwarded { .. })) => Part::Met,
        // An arithmetic overflow decides nothing about the entity.
        Some(State::NeedsInformation(_) | State::NotEligible(crate::eval::Reason::Overflow)) => Part::Unknown,
        _ => Part::Failed,
    }
}

/// Assesses every standard of the pack for `year` from that year's results (year-triggered
/// rules give one result each).
pub fn assess<'p>(pack: &'p Pack, year: i32, results: &[RuleResult<'p>]) -> Vec<StandardResult<'p>> {
    let of = |ri: usize| results.iter().find(|r| r.claim_year == year && std::ptr::eq(r.rule, &pack.rules[ri]));
    pack.standards.iter().map(|st| assess_one(st, year, &of)).collect()
}

fn assess_one<'p, 'r>(st: &'p Standard, year: i32, of: &dyn Fn(usize) -> Option<&'r RuleResult<'p>>) -> StandardResult<'p>
where
    'p: 'r,
{
    let parts = || st.all.iter().chain(&st.routes).chain(&st.score).chain(&st.with_score).copied();
    if parts().any(|ri| matches!(of(ri).map(|r| &r.state), Some(State::NotInForce { .. }))) {
        let empty = StandardResult {
            standard: st,
            claim_year: year,
            outcome: Outcome::NotInForce,
            route: None,
            failed: Vec::new(),
            missing: Vec::new(),
            score: None,
        };
        return empty;
    }
    let mut missing = Vec::new();
    let mut note_missing = |ri: usize| {
        if let Some(RuleResult { state: State::NeedsInformation(m), .. }) = of(ri) {
            missing.extend(m.iter().cloned());
        }
    };
    let failed_all: Vec<usize> = st.all.iter().copied().filter(|&ri| part(of(ri)) == Part::Failed).collect();
    let unknown_all = st.all.iter().any(|&ri| part(of(ri)) == Part::Unknown);
    let route = st.routes.iter().copied().find(|&ri| part(of(ri)) == Part::Met);
    let route_unknown = st.routes.iter().any(|&ri| part(of(ri)) == Part::Unknown);

    // The score's path: its items summed, and the checks that go with it.
    let mut score = Some((Decimal::ZERO, Decimal::ZERO));
    let mut score_failed = Vec::new();
    for &ri in &st.score {
        match of(ri).map(|r| &r.state) {
            Some(State::Awarded { low, high }) => score = score.map(|(a, b)| (a + low, b + high)),
            Some(State::NeedsInformation(_)) => score = None,
            _ => {
                score = None;
                score_failed.push(ri);
            }
        }
    }
    let with_failed: Vec<usize> = st.with_score.iter().copied().filter(|&ri| part(of(ri)) == Part::Failed).collect();
    let with_unknown = st.with_score.iter().any(|&ri| part(of(ri)) == Part::Unknown);
    let path = if st.score.is_empty() && st.with_score.is_empty() {
        // No score: the conditions alone decide, unless routes are the only way.
        if st.routes.is_empty() { Part::Met } else { Part::Failed }
    } else if !score_failed.is_empty() || !with_failed.is_empty() {
        Part::Failed
    } else {
        match score {
            Some((_, high)) if !st.passes(high) => {
                score_failed.extend(st.score.iter().copied());
                Part::Failed
            }
            Some((low, _)) if st.passes(low) && !with_unknown => Part::Met,
            _ => Part::Unknown,
        }
    };
    let review = path == Part::Unknown && score.is_some_and(|(low, high)| !st.passes(low) && st.passes(high)) && !with_unknown;
    let (outcome, failed) = if !failed_all.is_empty() {
        (Outcome::CannotMeet, failed_all)
    } else if route.is_some() {
        (if unknown_all { Outcome::NeedsInformation } else { Outcome::Meets }, Vec::new())
    } else if path == Part::Failed && !route_unknown {
        let mut f = with_failed;
        f.extend(score_failed);
        f.extend(st.routes.iter().copied());
        f.sort_unstable();
        f.dedup();
        (Outcome::CannotMeet, f)
    } else if path == Part::Met && !unknown_all {
        (Outcome::Meets, Vec::new())
    } else if review && !unknown_all {
        (Outcome::DependsOnReview, Vec::new())
    } else {
        (Outcome::NeedsInformation, Vec::new())
    };
    if matches!(outcome, Outcome::NeedsInformation) {
        for ri in parts() {
            note_missing(ri);
        }
        missing.sort();
        missing.dedup();
    }
    StandardResult {
        standard: st,
        claim_year: year,
        outcome,
        route: if outcome == Outcome::Meets { route } else { None },
        failed,
        missing,
        score,
    }
}
