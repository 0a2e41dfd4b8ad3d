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
use qiangke_i18n::{Lang, Msg, text};
use qiangke_rules::model::{Pack, Text};
use rust_decimal::Decimal;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Weights {
    pub completion: Decimal,
    pub fiscal: Decimal,
    pub rd: Decimal,
    pub fiscal_indicator: Option<usize>,
    pub rd_indicator: Option<usize>,
    /// Where the weights come from, for the report, in both languages.
    pub source: Text,
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
            source: Text { zh: text(Lang::Zh, "monitor-weights-equal", &[]), en: text(Lang::En, "monitor-weights-equal", &[]) },
            note: None,
        }
    }

    /// Reads `assessment.toml` from the pack folder, or the equal default when it is absent.
    /// `source` is one text for both languages or a table `{ zh = "…", en = "…" }`.
    pub fn from_pack_dir(pack: &Pack, dir: &Path) -> Result<Weights, Msg> {
        let text = match std::fs::read_to_string(dir.join("assessment.toml")) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Weights::equal(pack)),
            Err(e) => return Err(Msg::new("monitor-weights-unreadable").arg("error", e)),
        };
        let t: toml::Table = toml::from_str(&text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start).min(text.len());
            let before = &text[..at];
            let line = 1 + before.matches('\n').count();
            let column = 1 + before.rsplit('\n').next().unwrap_or("").chars().count();
            Msg::new("monitor-weights-syntax").arg("line", line).arg("column", column).arg("error", e.message())
        })?;
        let mut w = Weights::equal(pack);
        for (k, v) in &t {
            let bad = |id: &'static str| Msg::new(id).arg("key", k);
            let weight = || -> Result<Decimal, Msg> {
                let d = match v {
                    toml::Value::Integer(i) => Decimal::from(*i),
                    toml::Value::String(s) => s.parse().map_err(|_| bad("monitor-weights-not-number"))?,
                    _ => return Err(bad("monitor-weights-not-number-fraction")),
                };
                if d.is_sign_negative() {
                    return Err(bad("monitor-weights-negative"));
                }
                Ok(d)
            };
            let text = || v.as_str().ok_or_else(|| bad("monitor-weights-not-text"));
            let indicator = || -> Result<usize, Msg> {
                let id = text()?;
                find_indicator(pack, id).ok_or_else(|| bad("monitor-weights-no-indicator").arg("id", id))
            };
            match k.as_str() {
                "completion" => w.completion = weight()?,
                "fiscal" => w.fiscal = weight()?,
                "rd" => w.rd = weight()?,
                "fiscal_indicator" => w.fiscal_indicator = Some(indicator()?),
                "rd_indicator" => w.rd_indicator = Some(indicator()?),
                "source" => {
                    w.source = match v {
                        toml::Value::String(s) => Text { zh: s.clone(), en: s.clone() },
                        toml::Value::Table(t) => match (t.get("zh").and_then(|x| x.as_str()), t.get("en").and_then(|x| x.as_str())) {
                            (Some(zh), Some(en)) if t.len() == 2 => Text { zh: zh.into(), en: en.into() },
                            _ => return Err(bad("monitor-weights-source")),
                        },
                        _ => return Err(bad("monitor-weights-source")),
                    }
                }
                "note" => {
                    let id = text()?;
                    w.note = Some(pack.notes.iter().position(|n| n.id == id).ok_or_else(|| bad("monitor-weights-no-note").arg("id", id))?);
                }
                _ => return Err(bad("monitor-weights-unknown-key")),
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
    pub notes: Vec<Msg>,
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
                (completion, w.completion, "monitor-part-completion"),
                (fiscal, w.fiscal, "monitor-part-fiscal"),
                (rd, w.rd, "monitor-part-rd"),
            ]
            .into_iter()
            .filter_map(|(v, wt, part)| {
                if v.is_none() {
                    notes.push(Msg::new("monitor-assess-part-missing").detail(Msg::new(part)));
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
