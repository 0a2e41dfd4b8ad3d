//! The compiled evaluator and the interpreter agree on a generated population of 100,000 rows,
//! byte for byte in every output (awards, totals, errors) and in the summary and budget, with
//! rows written the other ways people write them and rows that are wrong in every way the
//! reader refuses (so the compiled path's hand-over to the interpreter's reading is exercised).

use qiangke_batch::synth::{Rng, write_csv};
use qiangke_batch::{BatchOptions, Evaluator, Format, Outputs, Summary, run};
use qiangke_i18n::Lang;
use qiangke_rules::load_pack;
use qiangke_rules::model::{Pack, Type};
use std::path::{Path, PathBuf};

fn pack() -> Pack {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022");
    load_pack(&dir).unwrap_or_else(|e| panic!("{e}"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("qiangke-compiled-test-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("tmp");
    d.join(name)
}

/// What a column holds, for the edits below.
fn column_types(pack: &Pack, header: &[&str]) -> Vec<Option<Type>> {
    let v = &pack.vocab;
    header
        .iter()
        .map(|h| {
            if let Some((e, f)) = h.split_once('.') {
                let ev = v.events.iter().find(|x| x.name == e)?;
                return if f == "date" { Some(Type::Date) } else { ev.fields.iter().find(|x| x.name == f).map(|x| x.ty) };
            }
            v.attributes.iter().chain(&v.yearly).find(|x| x.name == *h).map(|x| x.ty)
        })
        .collect()
}

/// The synthetic population with one row in 25 edited: written another valid way (元, 万元,
/// 是/否, 2024/3/5, padding) or made wrong (a bad amount, no year, a figure that contradicts the
/// same year's row, an event without its date, a short row, an id out of order, a repeated row).
fn population(pack: &Pack, rows: u64, seed: u64) -> (String, [u32; 12]) {
    let mut raw = Vec::new();
    write_csv(pack, rows, seed, &mut raw).expect("synthetic rows");
    let text = String::from_utf8(raw).expect("utf-8");
    let mut lines = text.lines();
    let header_line = lines.next().expect("header");
    let header: Vec<&str> = header_line.split(',').collect();
    let types = column_types(pack, &header);
    let year_col = header.iter().position(|h| *h == "year").expect("year column");
    let mut rng = Rng::new(seed ^ 0x5eed);
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    out.push_str(header_line);
    out.push('\n');
    let mut edits = [0u32; 12];
    let mut previous: Option<String> = None;
    for line in lines {
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        let mut extra: Option<String> = None;
        if rng.chance(4) {
            let pick = rng.below(12) as usize;
            let with = |ty: Type, cells: &[String]| -> Vec<usize> {
                (0..cells.len()).filter(|&i| types[i] == Some(ty) && !cells[i].is_empty() && i != year_col).collect()
            };
            let done = match pick {
                0..=2 => {
                    let money = with(Type::Money, &cells);
                    if money.is_empty() {
                        false
                    } else {
                        let i = money[rng.below(money.len() as u64) as usize];
                        cells[i] = match pick {
                            0 => format!("{}元", cells[i]),
                            1 => format!(" {} ", cells[i]),
                            _ => "12.3.4".into(),
                        };
                        true
                    }
                }
                3 => {
                    let flags = with(Type::Bool, &cells);
                    flags.first().is_some_and(|&i| {
                        cells[i] = if cells[i] == "true" { "是".into() } else { "否".into() };
                        true
                    })
                }
                4 => {
                    let dates = with(Type::Date, &cells);
                    dates.first().is_some_and(|&i| {
                        cells[i] = cells[i].replace('-', "/");
                        true
                    })
                }
                5 => {
                    cells[year_col].clear();
                    true
                }
                6 => {
                    // The same year again with one figure changed.
                    let money = with(Type::Money, &cells);
                    money.first().is_some_and(|&i| {
                        let mut again = cells.clone();
                        again[i] = format!("1{}", again[i]);
                        extra = Some(again.join(","));
                        true
                    })
                }
                7 => {
                    // An event's field without its date.
                    let dates = with(Type::Date, &cells);
                    dates.iter().find(|&&i| header[i].ends_with(".date")).is_some_and(|&i| {
                        cells[i].clear();
                        true
                    })
                }
                8 => {
                    cells.pop();
                    true
                }
                9 => {
                    // An id that goes backwards.
                    cells[0] = "SYN0000000000".into();
                    true
                }
                10 => {
                    // The same row twice: figures repeat, events come again.
                    extra = Some(cells.join(","));
                    true
                }
                _ => {
                    // The row of the previous entity's id under this one's: a different
                    // attribute for the same entity.
                    previous.as_ref().is_some_and(|p| {
                        let mut other: Vec<String> = p.split(',').map(str::to_string).collect();
                        other[0] = cells[0].clone();
                        extra = Some(other.join(","));
                        other[3] != cells[3]
                    })
                }
            };
            if done {
                edits[pick] += 1;
            }
        }
        let joined = cells.join(",");
        out.push_str(&joined);
        out.push('\n');
        if let Some(x) = extra {
            out.push_str(&x);
            out.push('\n');
        }
        previous = Some(joined);
    }
    (out, edits)
}

fn run_with(pack: &Pack, csv: &str, evaluator: Evaluator, years: Vec<i32>, name: &str) -> (Summary, Vec<u8>, Vec<u8>, Vec<u8>) {
    let (awards, totals, errors) = (tmp(&format!("{name}-a.csv")), tmp(&format!("{name}-t.csv")), tmp(&format!("{name}-e.csv")));
    let outputs =
        Outputs { awards: Some(awards.clone()), totals: Some(totals.clone()), errors: Some(errors.clone()), bom: false, lang: Lang::Zh };
    let opts = BatchOptions { evaluator, years, block_bytes: 64 * 1024, ..BatchOptions::default() };
    let summary = run(pack, csv.as_bytes(), Format::Csv, &opts, &outputs).unwrap_or_else(|e| panic!("{e}"));
    let read = |p: &Path| std::fs::read(p).expect("output");
    (summary, read(&awards), read(&totals), read(&errors))
}

#[test]
fn compiled_and_interpreter_agree_on_100000_generated_rows() {
    let p = pack();
    let (csv, edits) = population(&p, 100_000, 16);
    assert!(edits.iter().all(|&n| n > 20), "every kind of edit is made: {edits:?}");
    for years in [Vec::new(), vec![2023, 2024]] {
        let tag = if years.is_empty() { "all" } else { "2023-24" };
        let (cs, ca, ct, ce) = run_with(&p, &csv, Evaluator::Compiled, years.clone(), &format!("compiled-{tag}"));
        let (is, ia, it, ie) = run_with(&p, &csv, Evaluator::Interpreter, years.clone(), &format!("interpreter-{tag}"));
        assert!(cs.awards > 10_000, "{tag}: {} awards", cs.awards);
        assert!(cs.bad_rows > 500, "{tag}: {} bad rows", cs.bad_rows);
        assert_eq!((cs.rows, cs.entities, cs.awards, cs.bad_rows), (is.rows, is.entities, is.awards, is.bad_rows), "{tag}: counts");
        assert_eq!(cs.budget, is.budget, "{tag}: budget");
        for (what, c, i) in [("awards", &ca, &ia), ("totals", &ct, &it), ("errors", &ce, &ie)] {
            if c != i {
                let (c, i) = (String::from_utf8_lossy(c), String::from_utf8_lossy(i));
                let first = c.lines().zip(i.lines()).position(|(a, b)| a != b).unwrap_or(c.lines().count().min(i.lines().count()));
                panic!(
                    "{tag}: {what} differ at line {}: compiled {:?}, interpreter {:?}",
                    first + 1,
                    c.lines().nth(first),
                    i.lines().nth(first)
                );
            }
        }
    }
}

/// A byte-order mark that opens an entity's first row in the middle of a file (files joined with
/// `cat`) stays part of its first cell, as the interpreter's reading keeps it, also when the
/// compiled reading hands the entity back to that reading.
#[test]
fn a_byte_order_mark_in_the_middle_of_a_file_is_read_the_same_way() {
    let p = pack();
    for header in
        ["year,id,kind,above_scale,rd_expenditure,super_deduction_amount", "id,year,kind,above_scale,rd_expenditure,super_deduction_amount"]
    {
        let first_is_year = header.starts_with("year");
        let row = |id: &str, year: &str| if first_is_year { format!("{year},{id}") } else { format!("{id},{year}") };
        let csv = format!(
            "{header}\n{},enterprise,true,6000000,100000\n\u{feff}{},enterprise,true,6000000,100000\n{},enterprise,true,x,100000\n",
            row("A", "2023"),
            row("B", "2023"),
            row("C", "2023"),
        );
        let (cs, ca, ct, ce) = run_with(&p, &csv, Evaluator::Compiled, Vec::new(), "bom-c");
        let (is, ia, it, ie) = run_with(&p, &csv, Evaluator::Interpreter, Vec::new(), "bom-i");
        assert_eq!((cs.rows, cs.entities, cs.awards, cs.bad_rows), (is.rows, is.entities, is.awards, is.bad_rows), "{header}");
        assert_eq!(String::from_utf8_lossy(&ca), String::from_utf8_lossy(&ia), "{header}: awards");
        assert_eq!(String::from_utf8_lossy(&ct), String::from_utf8_lossy(&it), "{header}: totals");
        assert_eq!(String::from_utf8_lossy(&ce), String::from_utf8_lossy(&ie), "{header}: errors");
        assert_eq!(cs.bad_rows, if first_is_year { 2 } else { 1 }, "{header}: C's amount, and B's year when the mark opens it");
    }
}
