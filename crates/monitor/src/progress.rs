//! Progress of each indicator toward its 2025 target, for a report year and a scope.
//!
//! Share of the way = (value − baseline) ÷ (target − baseline); the linear path stands at
//! (year − baseline year) ÷ (2025 − baseline year). Status thresholds (documented, not in the
//! plan): **achieved** when the value has reached the 2025 target; **on track** when the share
//! is at least the linear path; **behind** when it is short of the path by at most 10
//! percentage points; **at risk** beyond that. Baselines keep their own year (2020 for rows
//! marked `*`). County values are compared with the city's targets (the plan's attachment with
//! any county targets is missing); a county's baseline is its own observation in the baseline
//! year, and without one nothing is computed.

use crate::observation::{Observation, Scope};
use qiangke_i18n::{Lang, Msg, label};
use qiangke_rules::model::Pack;
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Achieved,
    OnTrack,
    Behind,
    AtRisk,
    /// Nothing observed for this scope up to the report year.
    NoData,
    /// The indicator has no usable baseline or target; the reason.
    NotComputable(Msg),
}

impl Status {
    pub fn code(&self) -> &'static str {
        match self {
            Status::Achieved => "achieved",
            Status::OnTrack => "on-track",
            Status::Behind => "behind",
            Status::AtRisk => "at-risk",
            Status::NoData => "no-data",
            Status::NotComputable(_) => "not-computable",
        }
    }
    /// The status in a language (from the catalogue).
    pub fn label(&self, lang: Lang) -> &'static str {
        let id = match self {
            Status::Achieved => "monitor-status-achieved",
            Status::OnTrack => "monitor-status-on-track",
            Status::Behind => "monitor-status-behind",
            Status::AtRisk => "monitor-status-at-risk",
            Status::NoData => "monitor-status-no-data",
            Status::NotComputable(_) => "monitor-status-not-computable",
        };
        label(lang, id)
    }
    /// The status in Chinese.
    pub fn zh(&self) -> &'static str {
        self.label(Lang::Zh)
    }
}

/// Short of the linear path by more than this (a fraction) is *at risk*.
pub const BEHIND_MARGIN: Decimal = Decimal::from_parts(10, 0, 0, false, 2);

#[derive(Debug, Clone)]
pub struct Progress {
    pub indicator: usize,
    pub scope: Scope,
    pub year: i32,
    /// The latest observation up to the report year, and its year.
    pub value: Option<(Decimal, i32)>,
    pub baseline: Option<(Decimal, i32)>,
    pub target_2025: Option<Decimal>,
    /// Share of the way from baseline to target (a fraction; 0.4819 is 48.19%).
    pub share: Option<Decimal>,
    pub linear: Option<Decimal>,
    pub status: Status,
    /// Whether the 2022 observation met the 2022 target.
    pub met_2022: Option<bool>,
    /// Change still needed per year to reach the target by 2025: linear (a difference), and
    /// compound (a rate).
    pub needed_linear: Option<Decimal>,
    pub needed_compound: Option<Decimal>,
    /// The 2025 value the observed trend (least squares over baseline and observations) points to.
    pub projection_2025: Option<Decimal>,
    /// What is missing or assumed.
    pub notes: Vec<Msg>,
}

/// `x^(1/n)` for x > 0 by Newton's method, to 12 decimals.
fn nth_root(x: Decimal, n: u32) -> Option<Decimal> {
    if x <= Decimal::ZERO || n == 0 {
        return None;
    }
    let nd = Decimal::from(n);
    let mut r = if x > Decimal::ONE { x / nd + Decimal::ONE } else { Decimal::ONE };
    for _ in 0..100 {
        let mut p = Decimal::ONE;
        for _ in 0..n - 1 {
            p = p.checked_mul(r)?;
        }
        let next = ((nd - Decimal::ONE) * r + x.checked_div(p)?) / nd;
        if (next - r).abs() < Decimal::new(1, 14) {
            return Some(next.round_dp(12));
        }
        r = next;
    }
    Some(r.round_dp(12))
}

/// Progress of one indicator for one scope and report year.
pub fn progress(pack: &Pack, obs: &[Observation], indicator: usize, scope: Scope, year: i32) -> Progress {
    let def = &pack.plan.indicators[indicator];
    let mut notes = Vec::new();
    let mine: Vec<&Observation> = obs.iter().filter(|o| o.indicator == indicator && o.scope == scope).collect();
    let value = mine.iter().filter(|o| o.year <= year).max_by_key(|o| o.year).map(|o| (o.value, o.year));
    if let Some((_, y)) = value
        && y < year
    {
        notes.push(Msg::new("monitor-note-latest-earlier").arg("year", year).arg("latest", y));
    }
    let baseline = match scope {
        Scope::City => def.baseline.map(|b| (b, def.baseline_year)),
        Scope::County(_) => {
            let b = mine.iter().find(|o| o.year == def.baseline_year).map(|o| (o.value, o.year));
            if b.is_none() {
                notes.push(Msg::new("monitor-note-no-county-baseline").arg("year", def.baseline_year));
            } else {
                notes.push(Msg::new("monitor-note-city-target"));
            }
            b
        }
    };
    let target = def.target_2025;
    let mut p = Progress {
        indicator,
        scope,
        year,
        value,
        baseline,
        target_2025: target,
        share: None,
        linear: None,
        status: Status::NoData,
        met_2022: None,
        needed_linear: None,
        needed_compound: None,
        projection_2025: None,
        notes,
    };
    // The 2022 target, where both the target and a 2022 observation exist.
    if let (Some(t22), Some(o22)) = (def.target_2022, mine.iter().find(|o| o.year == 2022)) {
        p.met_2022 = Some(if target.zip(def.baseline).is_some_and(|(t, b)| t < b) { o22.value <= t22 } else { o22.value >= t22 });
    }
    let (Some((b, by)), Some(t)) = (baseline, target) else {
        p.status = Status::NotComputable(match (baseline, target) {
            (None, _) => Msg::new("monitor-nc-no-baseline"),
            _ => Msg::new("monitor-nc-no-target"),
        });
        return p;
    };
    // Direction comes from the table (the city's baseline against its target): a county that
    // starts beyond the target is not thereby "decreasing".
    let increasing = def.baseline.map_or(t > b, |cb| t >= cb);
    let reached_at = |v: Decimal| if increasing { v >= t } else { v <= t };
    if t == b || (increasing && b > t) || (!increasing && b < t) {
        p.status = match value {
            Some((v, _)) if reached_at(v) => Status::Achieved,
            _ => Status::NotComputable(Msg::new("monitor-nc-baseline-beyond-target")),
        };
        return p;
    }
    let span = 2025 - by;
    if span <= 0 {
        p.status = Status::NotComputable(Msg::new("monitor-nc-baseline-year").arg("year", by));
        return p;
    }
    p.linear = (span > 0).then(|| (Decimal::from((year - by).clamp(0, span)) / Decimal::from(span)).round_dp(6));
    let Some((v, _)) = value else { return p };
    let Some(share) = (v - b).checked_div(t - b).map(|s| s.round_dp(6)) else {
        p.status = Status::NotComputable(Msg::new("monitor-nc-out-of-range"));
        return p;
    };
    p.share = Some(share);
    let reached = reached_at(v);
    p.status = if reached {
        Status::Achieved
    } else {
        match p.linear {
            Some(l) if share >= l => Status::OnTrack,
            Some(l) if share >= l - BEHIND_MARGIN => Status::Behind,
            _ => Status::AtRisk,
        }
    };
    if year < 2025 && !reached {
        let n = (2025 - year) as u32;
        p.needed_linear = Some(((t - v) / Decimal::from(n)).round_dp(6));
        p.needed_compound =
            (v > Decimal::ZERO).then(|| t.checked_div(v).and_then(|q| nth_root(q, n)).map(|r| (r - Decimal::ONE).round_dp(6))).flatten();
    }
    // Trend: least squares over the baseline and every observation up to the report year.
    let mut pts: Vec<(Decimal, Decimal)> = vec![(Decimal::from(by), b)];
    pts.extend(mine.iter().filter(|o| o.year <= year && o.year != by).map(|o| (Decimal::from(o.year), o.value)));
    if pts.len() >= 2 {
        p.projection_2025 = trend_2025(&pts);
    }
    p
}

/// The least-squares line through the points, at 2025 (`None` if it cannot be computed exactly).
fn trend_2025(pts: &[(Decimal, Decimal)]) -> Option<Decimal> {
    let n = Decimal::from(pts.len());
    let (mut sx, mut sy) = (Decimal::ZERO, Decimal::ZERO);
    for (x, y) in pts {
        sx = sx.checked_add(*x)?;
        sy = sy.checked_add(*y)?;
    }
    let (mx, my) = (sx.checked_div(n)?, sy.checked_div(n)?);
    let (mut sxy, mut sxx) = (Decimal::ZERO, Decimal::ZERO);
    for (x, y) in pts {
        sxy = sxy.checked_add((x - mx).checked_mul(y.checked_sub(my)?)?)?;
        sxx = sxx.checked_add((x - mx).checked_mul(x - mx)?)?;
    }
    if sxx.is_zero() {
        return None;
    }
    let slope = sxy.checked_div(sxx)?;
    Some(my.checked_add(slope.checked_mul(Decimal::from(2025) - mx)?)?.round_dp(4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots() {
        assert_eq!(nth_root(Decimal::from(4), 2), Some(Decimal::from(2)));
        assert_eq!(nth_root(Decimal::from(27), 3).map(|r| r.round_dp(9)), Some(Decimal::from(3)));
    }
}
