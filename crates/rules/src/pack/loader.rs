//! The loader's toolbox: diagnostics with hints, and the checks shared by every pack file
//! (clauses, verbatim quotes, departments, dates, types, tier and bracket tables).

use super::raw::*;
use super::{content_offset, field_hint, span};
use crate::diag::{Diagnostic, FileId, SourceMap, Span, did_you_mean};
use crate::model::*;
use crate::resolve::{CExpr, Ctx, is_fen_exact, resolve};
use crate::value::{Date, Quantity, parse_quantity_msg};
use qiangke_i18n::Msg;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashSet;
use toml::Spanned;

pub(super) struct Loader {
    pub(super) map: SourceMap,
    pub(super) diags: Vec<Diagnostic>,
}

impl Loader {
    pub(super) fn err(&self, code: &'static str, f: FileId, s: impl Into<SpanLike>, msg: Msg) -> Diagnostic {
        Diagnostic::error(code, f, s.into().0, msg)
    }

    /// Deserializes one TOML file, turning serde's errors into diagnostics with hints.
    pub(super) fn parse<T: for<'de> Deserialize<'de>>(&mut self, f: FileId) -> Option<T> {
        match toml::from_str::<T>(self.map.text(f)) {
            Ok(v) => Some(v),
            Err(e) => {
                let sp = e.span().map_or(Span::default(), span);
                let msg = e.message().trim().to_string();
                let d = if let Some(rest) = msg.strip_prefix("unknown field `") {
                    let name = rest.split('`').next().unwrap_or("");
                    let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
                    let d = self.err("E002", f, sp, Msg::new("e-unknown-field").arg("name", name));
                    match did_you_mean(name, expected.iter().copied()) {
                        Some(m) => d.with_hint(Msg::new("diag-did-you-mean").arg("name", m)),
                        None => d.with_hint(Msg::new("e-expected-one-of").arg("list", expected.join(", "))),
                    }
                } else if let Some(rest) = msg.strip_prefix("missing field `") {
                    let name = rest.split('`').next().unwrap_or("");
                    self.err("E003", f, sp, Msg::new("e-missing-field").arg("name", name)).with_hint(field_hint(name))
                } else {
                    self.err("E001", f, sp, Msg::new("e-invalid-toml").arg("detail", msg))
                };
                self.diags.push(d);
                None
            }
        }
    }

    pub(super) fn named_list(&mut self, f: FileId, raw: &[RawNamed], what: &str) -> Vec<Named> {
        let mut out: Vec<Named> = Vec::new();
        for n in raw {
            if out.iter().any(|x| x.id == *n.id.get_ref()) {
                self.diags.push(self.err(
                    "E011",
                    f,
                    n.id.span(),
                    Msg::new("e-declared-twice").arg("kind", what).arg("name", n.id.get_ref()),
                ));
            }
            out.push(Named { id: n.id.get_ref().clone(), name: Text { zh: n.zh.clone(), en: n.en.clone() }, aliases: n.aliases.clone() });
        }
        out
    }

    pub(super) fn date(&mut self, f: FileId, s: &Spanned<String>) -> Option<Date> {
        match Date::parse_msg(s.get_ref()) {
            Ok(d) => Some(d),
            Err(m) => {
                self.diags.push(self.err("E040", f, s.span(), m));
                None
            }
        }
    }

    pub(super) fn period(&mut self, f: FileId, from: &Spanned<String>, until: &Spanned<String>) -> (Date, Date) {
        let a = self.date(f, from);
        let b = self.date(f, until);
        match (a, b) {
            (Some(a), Some(b)) if a <= b => (a, b),
            (Some(a), Some(b)) => {
                self.diags.push(self.err("E040", f, until.span(), Msg::new("e-validity-reversed").arg("from", a).arg("until", b)));
                (a, a)
            }
            _ => (Date { year: 1, month: 1, day: 1 }, Date { year: 1, month: 1, day: 1 }),
        }
    }

    pub(super) fn field(&mut self, f: FileId, raw: &RawField, enums: &[EnumDef], deps: &[Named], seen: &mut HashSet<String>) -> FieldDef {
        if !seen.insert(raw.name.get_ref().clone()) {
            self.diags.push(self.err("E011", f, raw.name.span(), Msg::new("e-field-declared-twice").arg("name", raw.name.get_ref())));
        }
        let ty = match raw.r#type.get_ref().as_str() {
            "bool" => Type::Bool,
            "integer" | "year" | "count" => Type::Int,
            "decimal" => Type::Dec,
            "money" => Type::Money,
            "rate" => Type::Rate,
            "points" => Type::Points,
            "date" => Type::Date,
            "text" => Type::Text,
            "uscc" => Type::Uscc,
            other => match enums.iter().position(|e| e.name == other) {
                Some(i) => Type::Enum(i as u16),
                None => {
                    let mut cands = vec!["bool", "integer", "year", "count", "decimal", "money", "rate", "points", "date", "text", "uscc"];
                    cands.extend(enums.iter().map(|e| e.name.as_str()));
                    let d = self.err("E041", f, raw.r#type.span(), Msg::new("e-unknown-type").arg("name", other));
                    let d = match did_you_mean(other, cands.iter().copied()) {
                        Some(m) => d.with_hint(Msg::new("diag-did-you-mean").arg("name", m)),
                        None => d.with_hint(Msg::new("e-types-are").arg("list", cands.join(", "))),
                    };
                    self.diags.push(d);
                    Type::Bool
                }
            },
        };
        let supplied_by = raw.supplied_by.iter().filter_map(|d| self.department(f, d, deps)).collect();
        let required = if raw.required.as_ref().is_some_and(|r| *r.get_ref()) { Required::Always } else { Required::No };
        if let (Some(r), Some(w)) = (&raw.required, &raw.required_when) {
            let _ = r;
            self.diags.push(self.err("E011", f, w.span(), Msg::new("e-required-and-required-when")));
        }
        let every_year = match &raw.attribute_shorthand {
            None => false,
            Some(s) if s.get_ref() == "every-year" => true,
            Some(s) => {
                self.diags.push(
                    self.err("E041", f, s.span(), Msg::new("e-unknown-shorthand").arg("name", s.get_ref()))
                        .with_hint(Msg::new("e-hint-shorthand")),
                );
                false
            }
        };
        FieldDef {
            name: raw.name.get_ref().clone(),
            ty,
            title: Text { zh: raw.zh.clone(), en: raw.en.clone() },
            supplied_by,
            required,
            every_year,
        }
    }

    /// Clauses read like the text's numbering: `四`, `四(二)`, `四(二)8`, `三(二)5`; `第六条`,
    /// `第十一条(五)`, `第七条2(1)`.
    pub(super) fn clause(&mut self, f: FileId, c: &Spanned<String>) {
        const NUMS: &str = "一二三四五六七八九十";
        // A plan's numbering (四(二)8), or an article's (第六条, 第十一条(五)2), either after the
        // name of the document when a pack holds several (指引十(一)3, 办法第十一条).
        let s = c.get_ref();
        let body = s.trim_start_matches(|ch: char| !ch.is_ascii() && !NUMS.contains(ch) && ch != '第');
        let article = body.starts_with('第');
        let mut it = body.strip_prefix('第').unwrap_or(body).chars().peekable();
        let mut ok = it.next().is_some_and(|ch| NUMS.contains(ch) || ch == '百');
        while it.peek().is_some_and(|ch| NUMS.contains(*ch) || *ch == '百') {
            it.next();
        }
        if article {
            ok = ok && it.next() == Some('条');
        }
        // Then items: `(二)`, `(1)`, `8`, in any sequence (`(五)2`, `2(1)`).
        while ok && let Some(ch) = it.next() {
            if ch == '(' {
                let mut inner = String::new();
                let mut closed = false;
                for c in it.by_ref() {
                    if c == ')' {
                        closed = true;
                        break;
                    }
                    inner.push(c);
                }
                ok = closed && !inner.is_empty() && (inner.chars().all(|c| NUMS.contains(c)) || inner.chars().all(|c| c.is_ascii_digit()));
            } else {
                ok = ch.is_ascii_digit();
            }
        }
        if !ok {
            self.diags.push(self.err("E016", f, c.span(), Msg::new("e-not-a-clause").arg("text", s)).with_hint(Msg::new("e-hint-clause")));
        }
    }

    /// The quote must occur verbatim in the source text, so every award can cite it.
    pub(super) fn quote(&mut self, f: FileId, q: &Spanned<String>, source: &str) {
        let quote = q.get_ref();
        if quote.trim().is_empty() {
            self.diags.push(self.err("E010", f, q.span(), Msg::new("e-quote-empty")));
            return;
        }
        if source.contains(quote.as_str()) {
            return;
        }
        // Find how much of the quote does match, to point at the first difference.
        let chars: Vec<(usize, char)> = quote.char_indices().collect();
        let mut good = 0;
        for (i, (b, c)) in chars.iter().enumerate() {
            if source.contains(&quote[..b + c.len_utf8()]) {
                good = i + 1;
            } else {
                break;
            }
        }
        let hint = if good == 0 {
            Msg::new("e-hint-quote-copy")
        } else {
            let at: String = chars.iter().skip(good).take(6).map(|(_, c)| *c).collect();
            Msg::new("e-hint-quote-differs").arg("count", good).arg("at", at)
        };
        self.diags.push(self.err("E010", f, q.span(), Msg::new("e-quote-not-found")).with_hint(hint));
    }

    pub(super) fn event_ref(&mut self, f: FileId, s: &Spanned<String>, vocab: &Vocab) -> Option<usize> {
        let i = vocab.event(s.get_ref());
        if i.is_none() {
            let d = self.err("E015", f, s.span(), Msg::new("e-unknown-event-type").arg("name", s.get_ref()));
            let mut c: Vec<&str> = vocab.events.iter().map(|e| e.name.as_str()).collect();
            c.push("year");
            self.diags.push(match did_you_mean(s.get_ref(), c.iter().copied()) {
                Some(m) => d.with_hint(Msg::new("diag-did-you-mean").arg("name", m)),
                None => d.with_hint(Msg::new("e-hint-trigger").arg("list", c.join(", "))),
            });
        }
        i
    }

    pub(super) fn department(&mut self, f: FileId, s: &Spanned<String>, deps: &[Named]) -> Option<usize> {
        let i = deps.iter().position(|d| d.matches(s.get_ref()));
        if i.is_none() {
            let d = self.err("E012", f, s.span(), Msg::new("e-unknown-department").arg("name", s.get_ref()));
            let names = deps.iter().flat_map(|d| {
                std::iter::once(d.id.as_str()).chain(std::iter::once(d.name.zh.as_str())).chain(d.aliases.iter().map(String::as_str))
            });
            self.diags.push(match did_you_mean(s.get_ref(), names) {
                Some(m) => d.with_hint(Msg::new("diag-did-you-mean").arg("name", m)),
                None => d.with_hint(Msg::new("e-hint-departments")),
            });
        }
        i
    }

    /// Resolves an expression string in a TOML file, optionally requiring a type.
    pub(super) fn expr(&mut self, ctx: &Ctx<'_>, f: FileId, s: &Spanned<String>, want: Option<Type>) -> Option<CExpr> {
        let base = content_offset(self.map.text(f), s.span(), s.get_ref());
        match resolve(ctx, s.get_ref(), f, base) {
            Ok(e) => {
                if let Some(w) = want
                    && e.ty() != w
                {
                    let (want, found) = (w.name(ctx.enums), e.ty().name(ctx.enums));
                    let d = if w == Type::Bool {
                        self.err("E024", f, s.span(), Msg::new("e-expected-condition").arg("want", want).arg("found", found))
                            .with_hint(Msg::new("e-hint-condition"))
                    } else {
                        self.err("E024", f, s.span(), Msg::new("e-expected-field-type").arg("want", want).arg("found", found))
                    };
                    self.diags.push(d);
                    return None;
                }
                Some(e)
            }
            Err(d) => {
                self.diags.push(d);
                None
            }
        }
    }

    pub(super) fn bound(&mut self, f: FileId, s: &Spanned<String>, lower: bool) -> Option<(Bound, Type)> {
        // Longest words first: 不超过 must not be read as 超过.
        const WORDS: [(&str, bool, bool); 9] = [
            ("不低于", true, true),
            ("不超过", false, true),
            ("以上", true, true),
            ("超过", true, false),
            ("高于", true, false),
            ("以下", false, true),
            ("不满", false, false),
            ("未满", false, false),
            ("低于", false, false),
        ];
        let text = s.get_ref().trim();
        let Some((word, is_lower, inclusive)) = WORDS.iter().find(|(w, _, _)| text.ends_with(w)).copied() else {
            self.diags.push(
                self.err("E033", f, s.span(), Msg::new("e-bound-no-word").arg("text", text)).with_hint(Msg::new("e-hint-bound-word")),
            );
            return None;
        };
        let num = text[..text.len() - word.len()].trim();
        // Bounds are money (`500万元`), a rate (`30%`) or a number (`4`, a count).
        let (value, by) = match parse_quantity_msg(num) {
            Ok(Quantity::Money(m)) => (m, Type::Money),
            Ok(Quantity::Rate(r)) => (r, Type::Rate),
            Ok(Quantity::Int(i)) => (Decimal::from(i), Type::Int),
            Ok(Quantity::Dec(d)) => (d, Type::Int),
            Ok(Quantity::Points(_)) => {
                self.diags.push(
                    self.err("E033", f, s.span(), Msg::new("e-bound-not-money").arg("text", num))
                        .with_hint(Msg::new("e-hint-unit").arg("example", "500万元, 30%, 4")),
                );
                return None;
            }
            Err(m) => {
                self.diags.push(self.err("E033", f, s.span(), m));
                return None;
            }
        };
        if is_lower != lower {
            let (side, other) = if lower { ("from", "to") } else { ("to", "from") };
            self.diags.push(
                self.err("E033", f, s.span(), Msg::new("e-bound-wrong-side").arg("word", word).arg("side", side))
                    .with_hint(Msg::new("e-hint-bound-side").arg("word", word).arg("side", other)),
            );
            return None;
        }
        Some((Bound { value, inclusive, word: word.to_string() }, by))
    }

    /// A standard's pass mark: points with a word that bounds from below (`60分 不低于`,
    /// `70分 超过`).
    pub(super) fn pass_mark(&mut self, f: FileId, s: &Spanned<String>) -> Option<Bound> {
        const WORDS: [(&str, bool); 4] = [("不低于", true), ("以上", true), ("超过", false), ("高于", false)];
        let text = s.get_ref().trim();
        let found = WORDS.iter().find(|(w, _)| text.ends_with(w)).and_then(|(w, inclusive)| {
            match parse_quantity_msg(text[..text.len() - w.len()].trim()) {
                Ok(Quantity::Points(p)) => Some(Bound { value: p, inclusive: *inclusive, word: w.to_string() }),
                _ => None,
            }
        });
        if found.is_none() {
            self.diags.push(self.err("E033", f, s.span(), Msg::new("e-pass-mark").arg("text", text)));
        }
        found
    }

    pub(super) fn tier_table(&mut self, f: FileId, t: &RawTiers, overlap: Option<(Prefer, usize)>) -> TierTable {
        let mut bands = Vec::new();
        let mut bad_bounds = false;
        // What the first bound measures and whether the first amount is points: every other
        // bound and amount of the table must be of the same kind.
        let mut input: Option<Type> = None;
        let mut points: Option<bool> = None;
        for b in &t.bands {
            let mut side = |l: &mut Self, s: &Spanned<String>, lower: bool| -> Option<Bound> {
                let (bound, by) = l.bound(f, s, lower)?;
                match input {
                    Some(t) if t != by => {
                        l.diags.push(l.err("E033", f, s.span(), Msg::new("e-bound-kinds-differ").arg("text", s.get_ref())));
                        None
                    }
                    _ => {
                        input = Some(by);
                        Some(bound)
                    }
                }
            };
            let lower = b.from.as_ref().and_then(|s| side(self, s, true));
            let upper = b.to.as_ref().and_then(|s| side(self, s, false));
            if lower.is_none() && b.from.is_some() || upper.is_none() && b.to.is_some() {
                // A bound that did not parse is already reported; gap and overlap checks would
                // only echo it.
                bad_bounds = true;
            }
            let mut unit = |l: &mut Self, s: &Spanned<String>| -> Option<(Decimal, bool)> {
                let (v, is_points) = match parse_quantity_msg(s.get_ref()) {
                    Ok(Quantity::Money(m)) if is_fen_exact(m) && !m.is_sign_negative() => (m, false),
                    Ok(Quantity::Points(p)) if !p.is_sign_negative() => (p, true),
                    Ok(Quantity::Money(_)) => {
                        l.diags.push(l.err("E033", f, s.span(), Msg::new("e-tier-amount-exact")));
                        return None;
                    }
                    Ok(_) => {
                        l.diags.push(
                            l.err("E033", f, s.span(), Msg::new("e-tier-amount-money"))
                                .with_hint(Msg::new("e-hint-unit").arg("example", "10万元, 20分")),
                        );
                        return None;
                    }
                    Err(m) => {
                        l.diags.push(l.err("E033", f, s.span(), m));
                        return None;
                    }
                };
                if points.is_some_and(|p| p != is_points) {
                    l.diags.push(l.err("E033", f, s.span(), Msg::new("e-tier-amount-kinds-differ")));
                    return None;
                }
                points = Some(is_points);
                Some((v, is_points))
            };
            let Some((amount, _)) = unit(self, &b.amount) else { continue };
            let high = match &b.high {
                None => None,
                Some(h) => match unit(self, h) {
                    Some((v, _)) if v >= amount => Some(v),
                    Some(_) => {
                        self.diags.push(self.err("E034", f, h.span(), Msg::new("e-range-reversed")).with_hint(Msg::new("e-hint-range")));
                        continue;
                    }
                    None => continue,
                },
            };
            bands.push((b, Band { lower, upper, amount, high, by: Type::Money }));
        }
        let mut overlaps = 0;
        let checked: &[_] = if bad_bounds { &[] } else { &bands };
        for w in checked.windows(2) {
            let ((_, a), (rb, b)) = (&w[0], &w[1]);
            let bspan = rb.from.as_ref().map_or(rb.amount.span(), |s| s.span());
            let (Some(up), Some(lo)) = (&a.upper, &b.lower) else {
                self.diags.push(self.err("E031", f, bspan, Msg::new("e-tier-open-overlap")).with_hint(Msg::new("e-hint-tier-bounds")));
                continue;
            };
            if lo.value < a.lower.as_ref().map_or(lo.value, |x| x.value) {
                self.diags.push(self.err("E032", f, bspan, Msg::new("e-tier-not-ascending")).with_hint(Msg::new("e-hint-tier-ascending")));
            } else if up.value < lo.value || (up.value == lo.value && !up.inclusive && !lo.inclusive) {
                self.diags.push(
                    self.err(
                        "E030",
                        f,
                        bspan,
                        Msg::new("e-tier-gap")
                            .arg("from", crate::model::measure_text(input.unwrap_or(Type::Money), up.value))
                            .arg("from_word", &up.word)
                            .arg("to", crate::model::measure_text(input.unwrap_or(Type::Money), lo.value))
                            .arg("to_word", &lo.word),
                    )
                    .with_hint(Msg::new("e-hint-tier-gap")),
                );
            } else if up.value > lo.value {
                self.diags.push(
                    self.err(
                        "E031",
                        f,
                        bspan,
                        Msg::new("e-tier-overlap")
                            .arg("from", crate::model::measure_text(input.unwrap_or(Type::Money), lo.value))
                            .arg("to", crate::model::measure_text(input.unwrap_or(Type::Money), up.value)),
                    ),
                );
            } else if up.inclusive && lo.inclusive {
                overlaps += 1;
                if overlap.is_none() {
                    self.diags.push(
                        self.err(
                            "E031",
                            f,
                            bspan,
                            Msg::new("e-tier-shared-bound")
                                .arg("value", crate::model::measure_text(input.unwrap_or(Type::Money), lo.value))
                                .arg("upper", &up.word)
                                .arg("lower", &lo.word),
                        )
                        .with_hint(Msg::new("e-hint-tier-overlap")),
                    );
                }
            }
            if b.amount < a.amount {
                self.diags.push(
                    self.err("E032", f, rb.amount.span(), Msg::new("e-tier-amounts-decrease")).with_hint(Msg::new("e-hint-tier-amounts")),
                );
            }
        }
        if overlap.is_some() && overlaps == 0 && bands.len() == t.bands.len() && !bad_bounds {
            let sp = t.overlap.as_ref().map_or(t.id.span(), |o| o.prefer.span());
            self.diags.push(self.err("E035", f, sp, Msg::new("e-overlap-unused")).with_hint(Msg::new("e-hint-remove-overlap")));
        }
        if bands.is_empty() {
            self.diags.push(self.err("E033", f, t.id.span(), Msg::new("e-tier-no-band")));
        }
        let input = input.unwrap_or(Type::Money);
        let bands = bands.into_iter().map(|(_, b)| Band { by: input, ..b }).collect();
        TierTable { id: t.id.get_ref().clone(), bands, overlap, input, points: points.unwrap_or(false) }
    }

    pub(super) fn bracket_table(&mut self, f: FileId, t: &RawBrackets) -> BracketTable {
        let mut out: Vec<Bracket> = Vec::new();
        for (i, b) in t.brackets.iter().enumerate() {
            let rate = match parse_quantity_msg(b.rate.get_ref()) {
                Ok(Quantity::Rate(r)) => r,
                _ => {
                    self.diags.push(self.err("E033", f, b.rate.span(), Msg::new("e-bracket-rate")));
                    continue;
                }
            };
            let upto = match &b.upto {
                Some(u) => match parse_quantity_msg(u.get_ref()) {
                    Ok(Quantity::Money(m)) => Some(m),
                    _ => {
                        self.diags.push(self.err("E033", f, u.span(), Msg::new("e-bracket-limit")));
                        continue;
                    }
                },
                None if i + 1 == t.brackets.len() => None,
                None => {
                    self.diags.push(self.err("E030", f, b.rate.span(), Msg::new("e-bracket-open")));
                    continue;
                }
            };
            if let (Some(prev), Some(cur)) = (out.last().and_then(|p| p.upto), upto)
                && cur <= prev
            {
                self.diags.push(self.err(
                    "E032",
                    f,
                    b.upto.as_ref().map_or(b.rate.span(), |u| u.span()),
                    Msg::new("e-bracket-limits-rise"),
                ));
            }
            out.push(Bracket { upto, rate });
        }
        BracketTable { id: t.id.get_ref().clone(), brackets: out }
    }
}

/// Converts `Range<usize>` or `Span` for [`Loader::err`].
pub(super) struct SpanLike(Span);
impl From<std::ops::Range<usize>> for SpanLike {
    fn from(r: std::ops::Range<usize>) -> Self {
        SpanLike(Span::new(r.start, r.end))
    }
}
impl From<Span> for SpanLike {
    fn from(s: Span) -> Self {
        SpanLike(s)
    }
}
