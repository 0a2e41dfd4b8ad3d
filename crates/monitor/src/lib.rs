//! qiangke-monitor: is the plan on track? Observations of the plan's indicators (per year, for
//! the city or a county), progress toward the 2025 targets, task updates and overdue
//! milestones, the yearly county assessment (评价和考核), and reports.
//!
//! Pure computation over the pack and the observations given to it; storage and the web come
//! from the service. Indicator values are exact decimals; the only rounding is where a result is
//! shown (percentages to two decimals).

pub mod assess;
pub mod observation;
pub mod progress;
pub mod report;
pub mod tasks;

pub use observation::{Observation, Scope, import_observations};
pub use progress::{Progress, Status, progress};

/// A text cell written to a CSV that people open in a spreadsheet: one that starts like a
/// formula (`=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading apostrophe, so the
/// spreadsheet shows it as text instead of running it ("CSV injection"). Numbers are left as
/// they are. [`text_cell`] takes the apostrophe off again on import, so exports round-trip.
pub fn formula_safe(s: &str) -> std::borrow::Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && qiangke_rules::value::exact_decimal(s).is_err() {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// A text cell read from CSV: the apostrophe [`formula_safe`] put in front of a formula-like
/// text is taken off.
pub fn text_cell(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralized_and_come_back() {
        for f in ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tx"] {
            let safe = formula_safe(f);
            assert!(safe.starts_with('\''), "{f}");
            assert_eq!(text_cell(&safe), f);
        }
        assert_eq!(formula_safe("-12.5"), "-12.5", "a number stays a number");
        assert_eq!(formula_safe("市统计局"), "市统计局");
        assert_eq!(text_cell("'plain"), "'plain", "only a neutralized formula loses its apostrophe");
    }
}
