//! 公示 periods in working days, counted by hand on the 2026 calendar of the State Council's
//! notice (国务院办公厅关于2026年部分节假日安排的通知) that the Wuwei pack carries, and the
//! located diagnostics of a badly written `[publication]`.

mod common;

use common::{edit, wuwei, wuwei_files};
use qiangke_rules::load_pack_files;
use qiangke_rules::value::Date;

fn d(s: &str) -> Date {
    Date::parse(s).expect("a date")
}

#[test]
fn weekdays_from_the_calendar() {
    // 1970-01-01 was a Thursday; 2026-01-01 too; 2026-12-01 a Tuesday; 2026-02-14 a Saturday.
    assert_eq!(d("1970-01-01").weekday(), 3);
    assert_eq!(d("2026-01-01").weekday(), 3);
    assert_eq!(d("2026-12-01").weekday(), 1);
    assert_eq!(d("2026-02-14").weekday(), 5);
    assert_eq!(d("2024-02-29").next(), d("2024-03-01"));
    assert_eq!(d("2026-12-31").next(), d("2027-01-01"));
    for s in ["1970-01-01", "2000-02-29", "2026-12-01", "1969-12-31"] {
        assert_eq!(Date::from_days_since_1970(d(s).days_since_1970()), Some(d(s)));
    }
}

#[test]
fn five_working_days_skip_weekends_and_holidays_and_count_weekends_worked() {
    let p = wuwei().publication;
    assert!(p.required);
    assert_eq!(p.working_days, 5);
    let period = |s: &str| {
        let (a, b) = p.period(d(s));
        (a.to_string(), b.to_string())
    };
    // Tuesday 1 December 2026: 1, 2, 3, 4 and Monday 7 December.
    assert_eq!(period("2026-12-01"), ("2026-12-01".into(), "2026-12-07".into()));
    // Published on Sunday 1 March 2026: from Monday 2 March to Friday 6 March.
    assert_eq!(period("2026-03-01"), ("2026-03-02".into(), "2026-03-06".into()));
    // Wednesday 30 September 2026, before the National Day holiday (1–7 October off, Saturday 10
    // October worked): 30 September, 8, 9, 10 and Monday 12 October.
    assert_eq!(period("2026-09-30"), ("2026-09-30".into(), "2026-10-12".into()));
    // Saturday 14 February 2026 is worked (春节调休); 15–23 February are off (16–20 and 23 are
    // weekdays off, 21–22 a weekend): 14, 24, 25, 26 and 27 February.
    assert_eq!(period("2026-02-14"), ("2026-02-14".into(), "2026-02-27".into()));
    // 1 January 2026 (Thursday) and 2 January are off, Sunday 4 January is worked: 4, 5, 6, 7, 8.
    assert_eq!(period("2026-01-01"), ("2026-01-04".into(), "2026-01-08".into()));
    // The calendar knows 2026, not 2027 (its notice is not in the pack yet).
    assert!(p.knows_year(2026) && !p.knows_year(2027));
    assert!(!p.is_working_day(d("2026-10-01")) && p.is_working_day(d("2026-10-10")) && !p.is_working_day(d("2026-10-11")));
}

#[test]
fn a_badly_written_publication_section_is_located() {
    for (from, to, text) in [
        ("working_days = 5", "working_days = 0", "expected a whole number of working days from 1 to 30"),
        (r#""2026-01-04", "2026-02-14""#, r#""2026-01-05", "2026-02-14""#, "2026-01-05 is not a Saturday or Sunday"),
        (r#""2026-04-06","#, r#""2026-04-31","#, "2026-04-31"),
        (r#"publisher = "science-bureau""#, r#"publisher = "science-bureu""#, "science-bureu"),
    ] {
        let mut files = wuwei_files();
        edit(&mut files, "pack.toml", from, to);
        let report = load_pack_files(&files).expect_err("the broken pack loaded");
        let first = &report.to_json()[0];
        let rendered = report.render();
        assert_eq!(first["file"], "pack.toml", "{rendered}");
        assert!(matches!(first["code"].as_str(), Some("E045" | "E012")), "{rendered}");
        assert!(rendered.contains(text), "{rendered}");
        // Located on the line of the mistake.
        let line =
            files.iter().find(|(n, _)| n == "pack.toml").expect("pack.toml").1.lines().position(|l| l.contains(to)).expect("line") + 1;
        assert_eq!(first["line"], line, "{rendered}");
    }
}
