//! The yearly county assessment (评价和考核, 五(三)): a score per county from its indicator
//! completion, its fiscal S&T spending share and its R&D input, and a ranking.
//!
//! The plan names the three things assessed but gives no weights; the pack declares them in
//! `assessment.toml`, and without that file they are equal (a third each), which the report
//! says. Components: *completion* = the mean share of the way to the 2025 targets over the
//! county's computable indicators (each clamped to 0–100%); *fiscal* and *R&D* = the county's
//! latest value of the named indicator ÷ its 2025 target (clamped to 0–100%). A missing
//! component is left out and the remaining weights renormalised, with a note. Equal scores share
//! a rank (1, 1, 3).

use crate::observation::{Observation, Scope, find_indicator};
use crate::progress::progress;
use qiangke_rules::model::Pack;
use rust_decimal::Decimal;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Weights {
    pub completion: Decimal,
    pub fiscal: Decimal,
    pub rd: Decimal,
    pub fiscal_indicator: Option<usize>,
    pub rd_indicator: Option<usize>,
    /// Where the weights come from, for the report.
    pub source: String,
    /// The interpretation note that records the choice (index into `Pack::notes`), shown beside
    /// the assessment.
    pub note: Option<usize>,
}

impl Weights {
    /// Equal weights, the documented default.
    pub fn equal(pack: &Pack) -> Weights {
        Weights {
            completion: Decimal::ONE,
            fiscal: Decimal::ONE,
            rd: Decimal::ONE,
            fiscal_indicator: find_indicator(pack, "county-fiscal-st-spending-share"),
            rd_indicator: find_indicator(pack, "rd-intensity"),
            source: "equal weights (the plan gives none)".into(),
            note: None,
        }
    }

    /// Reads `assessment.toml` from the pack folder, or the equal default when it is absent.
    pub fn from_pack_dir(pack: &Pack, dir: &Path) -> Result<Weights, String> {
        let text = match std::fs::read_to_string(dir.join("assessment.toml")) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Weights::equal(pack)),
            Err(e) => return Err(format!("assessment.toml: {e}")),
        };
        let t: toml::Table = toml::from_str(&text).map_err(|e| format!("assessment.toml: {}", e.message()))?;
        let mut w = Weights::equal(pack);
        for (k, v) in &t {
            let weight = || -> Result<Decimal, String> {
                let d = match v {
                    toml::Value::Integer(i) => Decimal::from(*i),
                    toml::Value::String(s) => s.parse().map_err(|_| format!("assessment.toml: `{k}` must be a number"))?,
                    _ => return Err(format!("assessment.toml: `{k}` must be a number (write fractions as strings, \"0.5\")")),
                };
                if d.is_sign_negative() {
                    return Err(format!("assessment.toml: `{k}` cannot be negative"));
                }
                Ok(d)
            };
            let text = || v.as_str().ok_or_else(|| format!("assessment.toml: `{k}` must be a string"));
            match k.as_str() {
                "completion" => w.completion = weight()?,
                "fiscal" => w.fiscal = weight()?,
                "rd" => w.rd = weight()?,
                "fiscal_indicator" => {
                    w.fiscal_indicator = Some(find_indicator(pack, text()?).ok_or(format!("assessment.toml: no indicator `{}`", text()?))?)
                }
                "rd_indicator" => {
                    w.rd_indicator = Some(find_indicator(pack, text()?).ok_or(format!("assessment.toml: no indicator `{}`", text()?))?)
                }
                "source" => w.source = text()?.to_string(),
                "note" => {
                    let id = text()?;
                    w.note = Some(pack.notes.iter().position(|n| n.id == id).ok_or(format!("assessment.toml: no note `{id}`"))?);
                }
                other => return Err(format!("assessment.toml: unknown key `{other}`")),
            }
        }
        Ok(w)
    }
}

#[derive(Debug, Clone)]
pub struct CountyScore {
    pub county: u16,
    pub completion: Option<Decimal>,
    pub fiscal: Option<Decimal>,
    pub rd: Option<Decimal>,
    pub score: Option<Decimal>,
    pub rank: Option<usize>,
    pub notes: Vec<String>,
}

fn clamp01(x: Decimal) -> Decimal {
    x.max(Decimal::ZERO).min(Decimal::ONE)
}

/// Scores and ranks every county for a year.
pub fn assess(pack: &Pack, obs: &[Observation], year: i32, w: &Weights) -> Vec<CountyScore> {
    let counties = pack.enums[pack.county_enum as usize].variants.len() as u16;
    let level = |ind: Option<usize>, c: u16| -> Option<Decimal> {
        let i = ind?;
        let t = pack.plan.indicators[i].target_2025?;
        let v = obs.iter().filter(|o| o.indicator == i && o.scope == Scope::County(c) && o.year <= year).max_by_key(|o| o.year)?.value;
        (!t.is_zero()).then(|| clamp01(v / t).round_dp(6))
    };
    let mut out: Vec<CountyScore> = (0..counties)
        .map(|c| {
            let shares: Vec<Decimal> =
                (0..pack.plan.indicators.len()).filter_map(|i| progress(pack, obs, i, Scope::County(c), year).share.map(clamp01)).collect();
            let completion =
                (!shares.is_empty()).then(|| (shares.iter().copied().sum::<Decimal>() / Decimal::from(shares.len())).round_dp(6));
            let fiscal = level(w.fiscal_indicator, c);
            let rd = level(w.rd_indicator, c);
            let mut notes = Vec::new();
            let parts: Vec<(Decimal, Decimal)> = [
                (completion, w.completion, "indicator completion"),
                (fiscal, w.fiscal, "fiscal S&T spending share"),
                (rd, w.rd, "R&D input"),
            ]
            .into_iter()
            .filter_map(|(v, wt, name)| {
                if v.is_none() {
                    notes.push(format!("no data for {name}; left out of the score"));
                }
                v.map(|v| (v, wt))
            })
            .collect();
            let wsum: Decimal = parts.iter().map(|(_, w)| *w).sum();
            let score =
                (!parts.is_empty() && !wsum.is_zero()).then(|| (parts.iter().map(|(v, w)| v * w).sum::<Decimal>() / wsum).round_dp(6));
            CountyScore { county: c, completion, fiscal, rd, score, rank: None, notes }
        })
        .collect();
    out.sort_by(|a, b| b.score.cmp(&a.score).then(a.county.cmp(&b.county)));
    for i in 0..out.len() {
        if out[i].score.is_none() {
            continue;
        }
        let rank = if i > 0 && out[i - 1].score == out[i].score { out[i - 1].rank } else { Some(i + 1) };
        out[i].rank = rank;
    }
    out
}
