//! Exact values of the rule language: money (yuan, exact to any number of decimals), rates, dates.
//!
//! Money is `rust_decimal::Decimal` in yuan; it is never a binary float. This module parses the
//! literal forms the source text uses (`20萬元`, `1億元`, `500_000元`, `20%`) and formats amounts
//! for people (`200,000.00元`, `20万元`) and machines (`"200000.00"`). It does no evaluation.

use qiangke_i18n::Msg;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;

/// The high end of an amount the plan bounds only from below (不低于50萬元): no upper limit.
/// Arithmetic saturates at it; renderings say "no upper limit" and JSON carries `null`.
pub const UNBOUNDED: Decimal = Decimal::MAX;

/// A calendar date, checked on construction (no 2023-02-29).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) || !(1..=9999).contains(&year) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// The date `days` after 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's
    /// civil-from-days), if it falls in the years 1–9999.
    pub fn from_days_since_1970(days: i64) -> Option<Date> {
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe.checked_add(era.checked_mul(400)?)? + i64::from(m <= 2);
        Date::new(i32::try_from(y).ok()?, m as u8, d as u8)
    }

    /// Days since 1970-01-01 (negative before); the inverse of [`from_days_since_1970`](Self::from_days_since_1970).
    pub fn days_since_1970(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Monday 0 … Sunday 6 (1970-01-01 was a Thursday).
    pub fn weekday(self) -> u8 {
        (self.days_since_1970() + 3).rem_euclid(7) as u8
    }

    /// The same day `n` years later (29 February becomes 28 February in a common year); `None`
    /// past 9999.
    pub fn plus_years(self, n: i32) -> Option<Date> {
        let year = self.year.checked_add(n).filter(|y| (1..=9999).contains(y))?;
        let day = self.day.min(days_in_month(year, self.month));
        Some(Date { year, month: self.month, day })
    }

    /// The next day (9999-12-31 stays).
    pub fn next(self) -> Date {
        Date::from_days_since_1970(self.days_since_1970() + 1).unwrap_or(self)
    }

    /// Parses `YYYY-MM-DD`; `Err` says what is wrong.
    pub fn parse(s: &str) -> Result<Date, String> {
        Date::parse_msg(s).map_err(|m| m.to_string())
    }

    /// [`parse`](Self::parse), with what is wrong as a catalogue message.
    pub fn parse_msg(s: &str) -> Result<Date, Msg> {
        let b = s.as_bytes();
        let shape =
            b.len() == 10 && b[4] == b'-' && b[7] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape {
            return Err(Msg::new("date-not-iso").arg("text", s));
        }
        let bad = |part: &str| Msg::new("date-bad-part").arg("part", part).arg("text", s);
        let y: i32 = s[0..4].parse().map_err(|_| bad("year"))?;
        let m: u8 = s[5..7].parse().map_err(|_| bad("month"))?;
        let d: u8 = s[8..10].parse().map_err(|_| bad("day"))?;
        Date::new(y, m, d).ok_or_else(|| Msg::new("date-not-real").arg("text", s))
    }

    /// Parses a date as offices write it in forms and spreadsheets: `2023-11-20`, `2023/11/20`,
    /// `2023.11.20` (month and day with one or two digits) and `2023年11月20日`, full-width digits
    /// too. Always a real calendar date; `Err` says what is wrong. Pack files keep the strict
    /// [`parse`](Self::parse).
    pub fn parse_written(s: &str) -> Result<Date, Msg> {
        let t: String = s
            .trim()
            .chars()
            // Full-width digits and separators (２０２３／１１／２０) as ASCII.
            .map(|c| if ('\u{ff01}'..='\u{ff5e}').contains(&c) { char::from_u32(c as u32 - 0xfee0).unwrap_or(c) } else { c })
            .collect();
        let parts: Option<[&str; 3]> = if let Some(rest) = t.strip_suffix('日') {
            rest.split_once('年').and_then(|(y, md)| md.split_once('月').map(|(m, d)| [y, m, d]))
        } else {
            ['-', '/', '.'].iter().find_map(|&sep| {
                let v: Vec<&str> = t.split(sep).collect();
                (v.len() == 3).then(|| [v[0], v[1], v[2]])
            })
        };
        let shape_ok = |p: &[&str; 3]| {
            p[0].len() == 4
                && (1..=2).contains(&p[1].len())
                && (1..=2).contains(&p[2].len())
                && p.iter().all(|x| x.bytes().all(|b| b.is_ascii_digit()))
        };
        let Some(p) = parts.filter(shape_ok) else {
            return Err(Msg::new("date-shape").arg("text", s));
        };
        let (y, m, d) = (p[0].parse::<i32>(), p[1].parse::<u8>(), p[2].parse::<u8>());
        match (y, m, d) {
            (Ok(y), Ok(m), Ok(d)) => Date::new(y, m, d).ok_or_else(|| Msg::new("date-not-real").arg("text", s)),
            _ => Err(Msg::new("date-not-date").arg("text", s)),
        }
    }
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Points, or a range of them: `16分`, `7–8分`; in English `16 points`, `7–8 points`.
pub fn points_in(low: Decimal, high: Decimal, lang: crate::model::Lang) -> String {
    let n = |d: Decimal| d.normalize().to_string();
    let body = if low == high { n(low) } else { format!("{}–{}", n(low), n(high)) };
    match lang {
        crate::model::Lang::Zh => format!("{body}分"),
        crate::model::Lang::En if low == high && low == Decimal::ONE => "1 point".into(),
        crate::model::Lang::En => format!("{body} points"),
    }
}

/// What a numeric literal's suffix made of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// Yuan, already multiplied out (`20萬元` is 200000).
    Money(Decimal),
    /// A fraction (`20%` is 0.2).
    Rate(Decimal),
    Int(i64),
    Dec(Decimal),
    /// Points of a score (`20分`), as criteria texts give them.
    Points(Decimal),
}

/// Parses a number with an optional unit, as the source and as Chinese offices write amounts:
/// `20萬元`, `1億元`, `500_000元`, `0.5元`, `20%`, `42`, `1.5`, `1500万`, `1.5亿`, `¥15000000`,
/// `￥1,500,000.00`. Both scripts are accepted (萬/万, 億/亿), full-width digits too. A comma
/// only separates thousands, in groups of three (`1,500,000.50`); anything else (`1500000,50`,
/// `1,2,3`, `,100`) is refused, never guessed. Underscores may stand between digits. The number is
/// read exactly: one with more digits than a decimal holds is refused, never rounded.
pub fn parse_quantity(s: &str) -> Result<Quantity, String> {
    parse_quantity_msg(s).map_err(|m| m.to_string())
}

/// [`parse_quantity`], with what is wrong as a catalogue message (for the reader's language).
pub fn parse_quantity_msg(s: &str) -> Result<Quantity, Msg> {
    let s = s.trim();
    let halfwidth;
    let s = if s.chars().any(|c| ('０'..='９').contains(&c)) {
        halfwidth = s
            .chars()
            .map(|c| if ('０'..='９').contains(&c) { char::from(b'0' + (c as u32 - '０' as u32) as u8) } else { c })
            .collect::<String>();
        halfwidth.as_str()
    } else {
        s
    };
    let (currency, body) = match s.strip_prefix('¥').or_else(|| s.strip_prefix('￥')) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, s),
    };
    let num_end = body.find(|c: char| !(c.is_ascii_digit() || c == '_' || c == '.' || c == ',' || c == '-')).unwrap_or(body.len());
    let (num, unit) = body.split_at(num_end);
    let digits = plain_digits(num)?;
    let digits = digits.as_ref();
    if digits.is_empty() || digits == "-" {
        return Err(Msg::new("qty-no-number").arg("text", s));
    }
    if digits.matches('.').count() > 1 || digits[1..].contains('-') || digits.ends_with('.') || digits.starts_with('.') {
        return Err(Msg::new("qty-malformed").arg("text", num));
    }
    let factor = match unit.trim() {
        "" if currency => Decimal::ONE,
        "" if !digits.contains('.') => {
            return digits.parse::<i64>().map(Quantity::Int).map_err(|_| Msg::new("qty-too-large").arg("text", num));
        }
        "" => return exact_decimal_msg(digits).map(Quantity::Dec),
        "%" if !currency => {
            return Ok(Quantity::Rate(exact_decimal_msg(digits)? / Decimal::ONE_HUNDRED));
        }
        "分" if !currency => return exact_decimal_msg(digits).map(Quantity::Points),
        "元" => Decimal::ONE,
        "萬元" | "万元" | "萬" | "万" => Decimal::from(10_000),
        "億元" | "亿元" | "億" | "亿" => Decimal::from(100_000_000),
        other => {
            return Err(Msg::new("qty-unknown-unit").arg("unit", other));
        }
    };
    exact_decimal_msg(digits)?.checked_mul(factor).map(Quantity::Money).ok_or_else(|| Msg::new("qty-too-large").arg("text", s))
}

/// The digits of a written number without its separators, after checking that every comma
/// separates a group of three digits in the whole part.
fn plain_digits(num: &str) -> Result<std::borrow::Cow<'_, str>, Msg> {
    if !num.contains([',', '_']) {
        return Ok(std::borrow::Cow::Borrowed(num));
    }
    if num.contains(',') {
        let unsigned = num.strip_prefix('-').unwrap_or(num);
        let (whole, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let groups: Vec<&str> = whole.split(',').collect();
        let grouped = !frac.contains(',')
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
        if !grouped {
            return Err(Msg::new("qty-comma-groups").arg("text", num));
        }
    }
    Ok(std::borrow::Cow::Owned(num.chars().filter(|&c| c != '_' && c != ',').collect()))
}

/// A decimal read exactly: trailing zeros after the point are dropped, and a number that would
/// need rounding to fit (more than 28 significant digits) is refused.
pub fn exact_decimal(digits: &str) -> Result<Decimal, String> {
    exact_decimal_msg(digits).map_err(|m| m.to_string())
}

/// [`exact_decimal`], with what is wrong as a catalogue message.
pub fn exact_decimal_msg(digits: &str) -> Result<Decimal, Msg> {
    let trimmed = if digits.contains('.') { digits.trim_end_matches('0').trim_end_matches('.') } else { digits };
    Decimal::from_str_exact(trimmed).map_err(|_| {
        if trimmed.bytes().filter(u8::is_ascii_digit).count() > 28 {
            Msg::new("qty-too-many-digits").arg("text", digits)
        } else {
            Msg::new("qty-not-decimal").arg("text", digits)
        }
    })
}

/// `200000.00`: exact, two decimals at least, for JSON and CSV. ([`UNBOUNDED`] renders as
/// `unbounded`; JSON renderers write `null` instead.)
pub fn money_plain(m: Decimal) -> String {
    if m == UNBOUNDED {
        return "unbounded".into();
    }
    // Fast path for amounts already exact to the fen (every award): integer arithmetic only.
    if m.scale() <= 2 {
        let cents = m.mantissa() * 10i128.pow(2 - m.scale());
        let (sign, c) = if cents < 0 { ("-", -cents) } else { ("", cents) };
        return format!("{sign}{}.{:02}", c / 100, c % 100);
    }
    let mut r = m.normalize();
    if r.scale() < 2 {
        r.rescale(2);
    }
    r.to_string()
}

/// `200,000.00元` for people.
/// A change of money, `+50,000.00元` or `-150,000.00元` (no sign for nothing: `0.00元`).
pub fn money_signed(m: Decimal) -> String {
    format!("{}{}", if m > Decimal::ZERO { "+" } else { "" }, money_yuan(m))
}

pub fn money_yuan(m: Decimal) -> String {
    if m == UNBOUNDED {
        return "∞".into();
    }
    let plain = money_plain(m);
    let (sign, body) = plain.strip_prefix('-').map_or(("", plain.as_str()), |b| ("-", b));
    let (int, frac) = body.split_once('.').unwrap_or((body, "00"));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{frac}元")
}

/// `200,000.00 yuan` for English readers.
pub fn money_en(m: Decimal) -> String {
    let y = money_yuan(m);
    format!("{} yuan", y.trim_end_matches('元'))
}

/// The source's own way of writing an amount where it is exact: `20萬元`, `1億元`, else yuan.
pub fn money_source(m: Decimal) -> String {
    if m == UNBOUNDED {
        return "∞".into();
    }
    let yi = Decimal::from(100_000_000);
    let wan = Decimal::from(10_000);
    if !m.is_zero() && (m % yi).is_zero() {
        format!("{}亿元", (m / yi).normalize())
    } else if !m.is_zero() && (m % wan).is_zero() {
        format!("{}万元", (m / wan).normalize())
    } else {
        money_yuan(m)
    }
}

/// `20%` for a rate stored as 0.2.
pub fn rate_percent(r: Decimal) -> String {
    let p = r * Decimal::ONE_HUNDRED;
    // A computed ratio (20 of 120 staff) is exact in memory but is read to a hundredth of a
    // percent, marked as rounded.
    if p.normalize().scale() > 4 {
        return format!("≈{}%", p.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero).normalize());
    }
    format!("{}%", p.normalize())
}

/// An amount in Chinese capitals (大写金额) as a payment document writes it, following the
/// People's Bank of China's rules for filling in bills and settlement vouchers (《正确填写票据和结算
/// 凭证的基本规定》) and the accounting rules (《会计基础工作规范》第五十二条): 壹贰叁… with 拾佰仟万亿
/// (a leading ten is 壹拾); one 零 for any run of zeros inside the number, and after 元 when the 角
/// is zero but the 分 is not; 整 after 元 or 角 when nothing follows, never after 分. `None` for a
/// negative amount or one finer than a fen (a letter never rounds).
pub fn money_capitals(m: Decimal) -> Option<String> {
    use rust_decimal::prelude::ToPrimitive;
    let fen = m.checked_mul(Decimal::ONE_HUNDRED)?;
    if m.is_sign_negative() && !m.is_zero() || !fen.fract().is_zero() {
        return None;
    }
    let fen = fen.to_u64()?;
    let (yuan, jiao, fen) = (fen / 100, (fen / 10 % 10) as usize, (fen % 10) as usize);
    const DIGITS: [&str; 10] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"];
    let mut out = capitals_whole(yuan);
    if !out.is_empty() {
        out.push('元');
    }
    match (jiao, fen) {
        (0, 0) if out.is_empty() => out.push_str("零元整"),
        (0, 0) => out.push('整'),
        (j, 0) => {
            out.push_str(DIGITS[j]);
            out.push_str("角整");
        }
        (0, f) => {
            if !out.is_empty() {
                out.push('零');
            }
            out.push_str(DIGITS[f]);
            out.push('分');
        }
        (j, f) => {
            out.push_str(DIGITS[j]);
            out.push('角');
            out.push_str(DIGITS[f]);
            out.push('分');
        }
    }
    Some(out)
}

/// Whole yuan in capitals, without 元 ("" for zero): groups of four digits under 亿 and 万.
fn capitals_whole(n: u64) -> String {
    const DIGITS: [&str; 10] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"];
    // One group of up to four digits; zeros inside it read as one 零.
    let group = |g: u64| {
        let mut s = String::new();
        let (mut any, mut zero) = (false, false);
        for (place, unit) in [(1000, "仟"), (100, "佰"), (10, "拾"), (1, "")] {
            let d = (g / place % 10) as usize;
            if d == 0 {
                zero |= any;
                continue;
            }
            if zero {
                s.push('零');
                zero = false;
            }
            s.push_str(DIGITS[d]);
            s.push_str(unit);
            any = true;
        }
        s
    };
    let mut out = String::new();
    let (mut started, mut gap) = (false, false);
    let yi = n / 100_000_000;
    if yi > 0 {
        out.push_str(&capitals_whole(yi));
        out.push('亿');
        started = true;
    }
    for (g, unit) in [(n / 10_000 % 10_000, "万"), (n % 10_000, "")] {
        if g == 0 {
            gap |= started;
            continue;
        }
        // Zeros before this group (a whole group, or its own leading places) read as one 零.
        if started && (gap || g < 1000) {
            out.push('零');
        }
        out.push_str(&group(g));
        out.push_str(unit);
        started = true;
        gap = false;
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn capitals_as_a_payment_document_writes_them() {
        let cap = |s: &str| money_capitals(s.parse().expect("decimal")).expect("capitals");
        // The cases issue 14 names, written out by hand.
        assert_eq!(cap("0.01"), "壹分");
        assert_eq!(cap("10"), "壹拾元整");
        assert_eq!(cap("100000"), "壹拾万元整");
        assert_eq!(cap("1000000.50"), "壹佰万元伍角整");
        assert_eq!(cap("100000000"), "壹亿元整");
        assert_eq!(cap("1234567.89"), "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分");
        // The plan's amounts, and the People's Bank's own examples of zeros.
        assert_eq!(cap("150000"), "壹拾伍万元整");
        assert_eq!(cap("200000.00"), "贰拾万元整");
        assert_eq!(cap("1409.50"), "壹仟肆佰零玖元伍角整");
        assert_eq!(cap("6007.14"), "陆仟零柒元壹角肆分");
        assert_eq!(cap("16409.02"), "壹万陆仟肆佰零玖元零贰分");
        assert_eq!(cap("325000.09"), "叁拾贰万伍仟元零玖分");
        assert_eq!(cap("107000.53"), "壹拾万柒仟元伍角叁分");
        assert_eq!(cap("200050"), "贰拾万零伍拾元整");
        assert_eq!(cap("100001000"), "壹亿零壹仟元整");
        assert_eq!(cap("100000001"), "壹亿零壹元整");
        assert_eq!(cap("1010101010"), "壹拾亿壹仟零壹拾万壹仟零壹拾元整");
        assert_eq!(cap("0.50"), "伍角整");
        assert_eq!(cap("0"), "零元整");
        // Never rounded, never negative.
        assert_eq!(money_capitals("0.001".parse().expect("decimal")), None);
        assert_eq!(money_capitals("-1".parse().expect("decimal")), None);
    }

    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn literals_read_like_the_source() {
        assert_eq!(parse_quantity("20萬元"), Ok(Quantity::Money(d("200000"))));
        assert_eq!(parse_quantity("1億元"), Ok(Quantity::Money(d("100000000"))));
        assert_eq!(parse_quantity("500_000元"), Ok(Quantity::Money(d("500000"))));
        assert_eq!(parse_quantity("500000.01元"), Ok(Quantity::Money(d("500000.01"))));
        assert_eq!(parse_quantity("20%"), Ok(Quantity::Rate(d("0.2"))));
        assert_eq!(parse_quantity("2000万元"), Ok(Quantity::Money(d("20000000"))));
        assert_eq!(parse_quantity("42"), Ok(Quantity::Int(42)));
        assert!(parse_quantity("20千元").unwrap_err().contains("unknown unit"));
        assert!(parse_quantity("1.2.3元").is_err());
        assert!(parse_quantity("元").is_err());
    }

    #[test]
    fn amounts_as_offices_write_them() {
        let m = |s: &str| {
            parse_quantity(s).map(|q| match q {
                Quantity::Money(m) | Quantity::Dec(m) => m,
                Quantity::Int(i) => Decimal::from(i),
                Quantity::Rate(r) | Quantity::Points(r) => r,
            })
        };
        assert_eq!(m("1500万"), Ok(d("15000000")));
        assert_eq!(m("1500万元"), Ok(d("15000000")));
        assert_eq!(m("1500萬元"), Ok(d("15000000")));
        assert_eq!(m("1.5亿"), Ok(d("150000000")));
        assert_eq!(m("¥15000000"), Ok(d("15000000")));
        assert_eq!(m("￥1,500,000.00"), Ok(d("1500000")));
        assert_eq!(m("15000000元"), Ok(d("15000000")));
        assert_eq!(m("１５００万元"), Ok(d("15000000")));
        assert_eq!(m("1,500,000"), Ok(d("1500000")));
        assert_eq!(m("-1,500"), Ok(d("-1500")));
        assert_eq!(parse_quantity("¥20%").map_err(|e| e.contains("unknown unit")), Err(true));
    }

    #[test]
    fn commas_only_separate_thousands() {
        // 1500000,50 meant 1,500,000.50 (below every R&D tier); read as 150,000,050 it earned the
        // 1亿元 tier. It is refused, as is every comma that does not separate three digits.
        for bad in ["1500000,50", "1,2,3", ",100", "1,50", "1,5000", "1,500,00", "100,", "1,500.000,5", "1500,000万元"] {
            let e = parse_quantity(bad).expect_err(bad);
            assert!(e.contains("groups of three"), "{bad}: {e}");
        }
    }

    #[test]
    fn more_digits_than_a_decimal_holds_are_refused_not_rounded() {
        // 9999999.9999999999999999999999 has 30 significant digits; rounded to 28 it became
        // 10000000 and earned the 1000万元 tier.
        for bad in ["9999999.9999999999999999999999", "4999999.99999999999999999999999", "99999999999999999999999999999"] {
            let e = parse_quantity(&format!("{bad}元")).expect_err(bad);
            assert!(e.contains("more digits than can be held exactly"), "{bad}: {e}");
        }
        // Trailing zeros are exact and fine.
        assert_eq!(parse_quantity("1.000000000000000000000000000000元"), Ok(Quantity::Money(d("1"))));
        assert_eq!(parse_quantity("0.1000000000000000000000000001"), Ok(Quantity::Dec(d("0.1000000000000000000000000001"))));
    }

    #[test]
    fn formatting() {
        assert_eq!(money_plain(d("200000")), "200000.00");
        assert_eq!(money_plain(d("0.005")), "0.005");
        assert_eq!(money_yuan(d("4999999.99")), "4,999,999.99元");
        assert_eq!(money_source(d("200000")), "20万元");
        assert_eq!(money_source(d("100000000")), "1亿元");
        assert_eq!(money_source(d("123.45")), "123.45元");
        assert_eq!(rate_percent(d("0.2")), "20%");
    }

    #[test]
    fn dates_are_checked() {
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2023-02-29").unwrap_err().contains("not a real calendar date"));
        assert!(Date::parse("2023-13-01").is_err());
        assert!(Date::parse("23-1-1").is_err());
    }
}
