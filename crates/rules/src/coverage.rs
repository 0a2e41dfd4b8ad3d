//! Clause coverage: does the pack account for every numbered item of the plan's support policies
//! (四) and for every sentence of the plan that states a money figure?
//!
//! The items of 四 are read from the source text itself (group headings `(一)`…, items `7.`…),
//! so a clause cannot be forgotten by forgetting to list it. An item is accounted for by an entry
//! of the clause register (`coverage.toml`): *encoded* (its rules), *target* (its targets) or
//! *not computable* (with the reason). A money sentence is accounted for when a rule, a target or a
//! register entry quotes it (or a part of it).

use crate::model::{Pack, Rule};
use crate::plan::{ClauseEntry, ClauseStatus};

/// One numbered item of 四 and how the pack accounts for it.
#[derive(Debug, Clone)]
pub struct Item<'p> {
    /// `四(二)8`
    pub clause: String,
    /// The item's heading as printed (`激励规上工业企业加大研发投入`).
    pub heading: String,
    pub entries: Vec<&'p ClauseEntry>,
}

#[derive(Debug, Clone)]
pub struct Coverage<'p> {
    pub items: Vec<Item<'p>>,
    /// Register entries for clauses outside 四 (targets stated in 二 and 三).
    pub other_entries: Vec<&'p ClauseEntry>,
    /// Everything unaccounted for; empty means full coverage.
    pub problems: Vec<String>,
}

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// The numbered items of section 四 of the source: `(四(二)8, heading)`.
pub fn items_of_support_policies(source: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut inside = false;
    let mut group = "";
    for line in source.lines().map(str::trim) {
        if line.starts_with("四、") {
            inside = true;
            continue;
        }
        if inside && line.starts_with("五、") {
            break;
        }
        if !inside {
            continue;
        }
        if let Some(rest) = line.strip_prefix('(')
            && let Some(n) = NUMERALS.iter().find(|n| rest.starts_with(**n) && rest[n.len()..].starts_with(')'))
        {
            group = n;
            continue;
        }
        let digits: String = line.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() && line[digits.len()..].starts_with('.') {
            let rest = &line[digits.len() + 1..];
            let heading = rest.split('。').next().unwrap_or(rest).to_string();
            out.push((format!("四({group}){digits}"), heading));
        }
    }
    out
}

/// Sentences of the source that state an amount of money (万元 or 亿元), split at 。 and ;.
pub fn money_sentences(source: &str) -> Vec<&str> {
    source.split(['。', ';', '\n']).map(str::trim).filter(|s| s.contains("万元") || s.contains("亿元")).collect()
}

/// Computes the coverage report of a pack.
pub fn coverage(pack: &Pack) -> Coverage<'_> {
    let register = &pack.plan.register;
    let mut problems = Vec::new();
    let items: Vec<Item<'_>> = items_of_support_policies(&pack.source_text)
        .into_iter()
        .map(|(clause, heading)| {
            let entries: Vec<&ClauseEntry> = register.iter().filter(|e| e.clause == clause).collect();
            if entries.is_empty() {
                problems.push(format!("{clause} ({heading}) is not in the clause register"));
            }
            Item { clause, heading, entries }
        })
        .collect();
    if items.is_empty() {
        problems.push("the source text has no numbered items under 四、 (is it the plan?)".into());
    }
    // Every rule is listed by an encoded entry of its clause.
    for (i, r) in pack.rules.iter().enumerate() {
        let listed = register.iter().any(|e| e.status == ClauseStatus::Encoded && e.clause == r.clause && e.rules.contains(&i));
        if !listed {
            problems.push(format!("rule `{}` ({}) is not listed by an encoded entry for {}", r.id, r.clause, r.clause));
        }
    }
    for e in register.iter().filter(|e| e.status == ClauseStatus::Encoded) {
        for &ri in &e.rules {
            if pack.rules[ri].clause != e.clause {
                problems.push(format!(
                    "the register lists rule `{}` under {}, but the rule's clause is {}",
                    pack.rules[ri].id, e.clause, pack.rules[ri].clause
                ));
            }
        }
    }
    // Every money sentence is quoted somewhere.
    let quotes: Vec<&str> = pack
        .rules
        .iter()
        .flat_map(|r: &Rule| std::iter::once(r.quote.as_str()).chain(r.procedure_quote.as_deref()))
        .chain(pack.plan.targets.iter().map(|t| t.quote.as_str()))
        .chain(register.iter().filter_map(|e| e.quote.as_deref()))
        .collect();
    for s in money_sentences(&pack.source_text) {
        // Quotes shorter than a few characters (a bare unit) would match anything.
        let covered =
            quotes.iter().map(|q| q.trim_end_matches(['。', ';', ','])).any(|q| q.contains(s) || (q.chars().count() >= 6 && s.contains(q)));
        if !covered {
            problems.push(format!("a sentence with a money figure is not accounted for: 「{s}」"));
        }
    }
    let item_clauses: Vec<&str> = items.iter().map(|i| i.clause.as_str()).collect();
    let other_entries = register.iter().filter(|e| !item_clauses.contains(&e.clause.as_str())).collect();
    Coverage { items, other_entries, problems }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_and_money_sentences_are_read_from_the_text() {
        let src = "三、任务\n1.不是这里。\n四、支持政策\n(一)甲。\n1.第一条。对新认定的给予20万元。\n(二)乙\n7.第七条。补助。\n五、保障措施\n(一)丙。花1亿元;还有。";
        let items = items_of_support_policies(src);
        assert_eq!(items, vec![("四(一)1".to_string(), "第一条".to_string()), ("四(二)7".to_string(), "第七条".to_string())]);
        assert_eq!(money_sentences(src), vec!["对新认定的给予20万元", "花1亿元"]);
    }
}
