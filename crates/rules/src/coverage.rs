//! Clause coverage: does the pack account for every numbered item of the plan's support policies
//! (四) and for every sentence of the plan that states a money figure?
//!
//! A text numbered by articles rather than by a plan's sections (a criteria pack's: 第六条,
//! (一), 1., A.) is read line by line instead: every numbered line must be quoted by a rule or a
//! standard, or by an entry of the register saying why nothing is computed from it.
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
    /// `四(二)8`; for a text numbered by articles, the line's number and its mark (`L23 (一)`).
    pub clause: String,
    /// The item's heading as printed (`激励规上工业企业加大研发投入`); the whole line for a text
    /// numbered by articles.
    pub heading: String,
    pub entries: Vec<&'p ClauseEntry>,
    /// Rules and standards whose quote holds the line (texts numbered by articles), by id.
    pub quoted_by: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Coverage<'p> {
    pub items: Vec<Item<'p>>,
    /// Register entries for clauses outside 四 (targets stated in 二 and 三).
    pub other_entries: Vec<&'p ClauseEntry>,
    /// Everything unaccounted for; empty means full coverage.
    pub problems: Vec<String>,
    /// Whether the items are the numbered lines of a text numbered by articles.
    pub by_lines: bool,
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

/// The numbered lines of a text numbered by articles: `(line number, mark, line)`. A line is
/// numbered when it starts with `第…条`, `(一)`, `(1)`, `1.`, `一、` or a band letter `A.`; the
/// lines of `【…】` (the editor's notes of an assembled text) are not the text.
pub fn numbered_lines(source: &str) -> Vec<(usize, String, &str)> {
    const NUMS: &str = "一二三四五六七八九十百";
    let mut out = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let l = line.trim();
        let mut it = l.chars();
        let mark: Option<String> = match it.next() {
            Some('第') => {
                let n: String = it.by_ref().take_while(|c| NUMS.contains(*c)).collect();
                (!n.is_empty() && l[('第'.len_utf8() + n.len())..].starts_with('条')).then(|| format!("第{n}条"))
            }
            Some('(') => {
                let n: String = it.by_ref().take_while(|c| *c != ')').collect();
                let ok = !n.is_empty() && (n.chars().all(|c| NUMS.contains(c)) || n.chars().all(|c| c.is_ascii_digit()));
                (ok && l.len() > n.len() + 2).then(|| format!("({n})"))
            }
            Some(c) if c.is_ascii_digit() => {
                let n: String = l.chars().take_while(char::is_ascii_digit).collect();
                l[n.len()..].starts_with('.').then(|| format!("{n}."))
            }
            Some(c @ 'A'..='F') if l[1..].starts_with('.') => Some(format!("{c}.")),
            Some(c) if NUMS.contains(c) => {
                let n: String = l.chars().take_while(|c| NUMS.contains(*c)).collect();
                l[n.len()..].starts_with('、').then(|| format!("{n}、"))
            }
            _ => None,
        };
        if let Some(m) = mark {
            out.push((i + 1, m, l));
        }
    }
    out
}

/// Coverage of a text numbered by articles ([`numbered_lines`]).
fn coverage_of_lines(pack: &Pack) -> Coverage<'_> {
    let register = &pack.plan.register;
    // A quote accounts for a line it holds whole (a band of a quoted table, a sentence quoted
    // with more around it) or whose beginning it quotes; a fragment from the middle of a line
    // does not account for the line.
    let quoted = |q: &str, line: &str| {
        let q = q.trim();
        let whole_line = q.lines().any(|l| l.trim() == line);
        !q.is_empty() && (whole_line || (line.chars().count() >= 10 && q.contains(line)) || (q.chars().count() >= 6 && line.starts_with(q)))
    };
    let mut problems = Vec::new();
    let items: Vec<Item<'_>> = numbered_lines(&pack.source_text)
        .into_iter()
        .map(|(n, mark, line)| {
            let quoted_by: Vec<String> = pack
                .rules
                .iter()
                .filter(|r| quoted(&r.quote, line))
                .map(|r| r.id.clone())
                .chain(pack.standards.iter().filter(|s| quoted(&s.quote, line)).map(|s| s.id.clone()))
                .collect();
            let entries: Vec<&ClauseEntry> = register.iter().filter(|e| e.quote.as_deref().is_some_and(|q| quoted(q, line))).collect();
            if quoted_by.is_empty() && entries.is_empty() {
                problems.push(format!("line {n} ({mark}) is quoted by no rule, standard or register entry: 「{line}」"));
            }
            Item { clause: format!("L{n} {mark}"), heading: line.to_string(), entries, quoted_by }
        })
        .collect();
    if items.is_empty() {
        problems.push("the source text has no numbered lines".into());
    }
    for e in register.iter().filter(|e| e.quote.is_none()) {
        problems
            .push(format!("the register entry for {} quotes nothing: a text numbered by articles is accounted for by quotes", e.clause));
    }
    Coverage { items, other_entries: Vec::new(), problems, by_lines: true }
}

/// Computes the coverage report of a pack: by the items of 四 for a plan, line by line for a
/// text numbered by articles.
pub fn coverage(pack: &Pack) -> Coverage<'_> {
    if items_of_support_policies(&pack.source_text).is_empty() && !numbered_lines(&pack.source_text).is_empty() {
        return coverage_of_lines(pack);
    }
    let register = &pack.plan.register;
    let mut problems = Vec::new();
    let items: Vec<Item<'_>> = items_of_support_policies(&pack.source_text)
        .into_iter()
        .map(|(clause, heading)| {
            let entries: Vec<&ClauseEntry> = register.iter().filter(|e| e.clause == clause).collect();
            if entries.is_empty() {
                problems.push(format!("{clause} ({heading}) is not in the clause register"));
            }
            Item { clause, heading, entries, quoted_by: Vec::new() }
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
    Coverage { items, other_entries, problems, by_lines: false }
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

    #[test]
    fn numbered_lines_are_the_articles_items_and_bands() {
        let src = "说明:不是条文。\n第六条 须同时满足:\n(一)居民企业。\n【缺:第七条】\n1.科技人员指标(满分20分)\nA.30%(含)以上(20分)\n(1)按比例。\n十、企业创新能力评价\n第一章 总则\n()空\n";
        let got: Vec<(usize, String)> = numbered_lines(src).into_iter().map(|(n, m, _)| (n, m)).collect();
        let want = [(2, "第六条"), (3, "(一)"), (5, "1."), (6, "A."), (7, "(1)"), (8, "十、")];
        assert_eq!(got, want.iter().map(|(n, m)| (*n, m.to_string())).collect::<Vec<_>>());
    }
}
