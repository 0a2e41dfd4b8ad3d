//! The compiled form gives the interpreter's awards on every case of every pack: the same rules,
//! years, amounts and budget years, in the same order.

use qiangke_lower::compiled::{Award, Frame, Program, Scratch};
use qiangke_lower::population::Population;
use qiangke_rules::eval::{Options, State, evaluate};
use qiangke_rules::facts::Facts;
use qiangke_rules::model::Pack;

/// The interpreter's awards, in the compiled form's terms.
fn reference(pack: &Pack, facts: &Facts, years: &[i32]) -> Vec<Award> {
    let ev = evaluate(pack, facts, &Options { years: years.to_vec(), awards_only: true, ..Options::default() });
    ev.results
        .iter()
        .filter_map(|r| match r.state {
            State::Awarded { low, high } => Some(Award {
                rule: pack.rules.iter().position(|x| std::ptr::eq(x, r.rule)).expect("a rule of the pack"),
                claim_year: r.claim_year,
                low,
                high,
                budget_year: r.budget_year.expect("an award has a budget year"),
                trigger: r.trigger.as_ref().map(|t| (t.event, t.date)),
            }),
            _ => None,
        })
        .collect()
}

#[test]
fn every_pack_case_gives_the_interpreters_awards() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs");
    let mut packs = 0;
    let mut compared = 0;
    let mut awarded = 0;
    for entry in std::fs::read_dir(&root).expect("packs") {
        let dir = entry.expect("entry").path();
        if !dir.join("pack.toml").exists() {
            continue;
        }
        let pack = qiangke_rules::load_pack(&dir).unwrap_or_else(|e| panic!("{e}"));
        let cases = qiangke_rules::cases::load_cases(&pack, &dir).unwrap_or_else(|e| panic!("{e}"));
        let program = Program::new(&pack);
        let (mut frame, mut scratch, mut out) = (Frame::new(&pack), Scratch::default(), Vec::new());
        packs += 1;
        // Every case's facts held columnar too, and unpacked again for the same comparison.
        // Made in three parts, appended column by column, with a shrink between (the index of
        // names is made again for the last part).
        let third = cases.len() / 3;
        let mut population = Population::from_facts(&pack, cases[..third].iter().map(|c| &c.facts));
        population.append(Population::from_facts(&pack, cases[third..2 * third].iter().map(|c| &c.facts)));
        population.shrink();
        for c in &cases[2 * third..] {
            population.push_facts(&c.facts, &mut frame);
        }
        assert_eq!(population.len(), cases.len());
        for (i, case) in cases.iter().enumerate() {
            population.load(i, &mut frame);
            assert_eq!(population.id(i), case.facts.entity_id);
            program.awards(&frame, &case.years, &mut scratch, &mut out);
            assert_eq!(out, reference(&pack, &case.facts, &case.years), "{} ({}), from the population", case.name, case.at);
        }
        for case in &cases {
            // The case's own years, and every year the facts mention.
            for years in [case.years.clone(), Vec::new()] {
                frame.load(&case.facts);
                program.awards(&frame, &years, &mut scratch, &mut out);
                let want = reference(&pack, &case.facts, &years);
                assert_eq!(out, want, "{} ({}), years {years:?}", case.name, case.at);
                compared += 1;
                awarded += want.len();
            }
        }
    }
    assert!(packs >= 1 && compared >= 100 && awarded >= 100, "{packs} packs, {compared} comparisons, {awarded} awards");
}

/// A frame's rows of figures are made only as far as a figure is set, and stay with their year
/// when an earlier year arrives later (rows of an entity need not be in year order).
#[test]
fn a_frame_keeps_each_years_figures_whatever_the_order_of_years() {
    use qiangke_rules::model::Value;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022");
    let pack = qiangke_rules::load_pack(&dir).unwrap_or_else(|e| panic!("{e}"));
    let last = pack.vocab.yearly.len() - 1;
    let mut f = Frame::new(&pack);
    let y2024 = f.year_slot(2024);
    f.set_figure(y2024, 0, Value::Int(24));
    f.year_slot(2025);
    f.year_slot(2022);
    let y2023 = f.year_slot(2023);
    f.set_figure(y2023, last, Value::Int(23));
    assert_eq!([f.slot(2022), f.slot(2023), f.slot(2024), f.slot(2025), f.slot(2021)], [Some(0), Some(1), Some(2), Some(3), None]);
    assert_eq!(f.stated(2, 0), Some(&Value::Int(24)));
    assert_eq!(f.stated(1, last), Some(&Value::Int(23)));
    for (slot, i) in [(0, 0), (1, 0), (2, last), (3, 0), (3, last)] {
        assert_eq!(f.stated(slot, i), None, "slot {slot}, figure {i}");
    }
    f.clear();
    assert_eq!(f.slot(2024), None);
}
