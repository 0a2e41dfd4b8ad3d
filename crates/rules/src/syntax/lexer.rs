//! Tokens of the expression language. Numbers carry their unit (`20萬元`, `20%`); identifiers may be
//! Chinese (`高新技術企業`); dates are `YYYY-MM-DD`.

use crate::diag::Span;
use qiangke_i18n::Msg;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// A number with its unit suffix, verbatim (`500_000元`).
    Num(String),
    Date(String),
    Ident(String),
    Sym(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

const UNITS: [&str; 7] = ["萬元", "万元", "億元", "亿元", "元", "%", "分"];
const SYMS: [&str; 17] = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "(", ")", ",", "."];

/// Splits `src` into tokens; the error is a message and the offending span.
pub fn lex(src: &str) -> Result<Vec<Token>, (Msg, Span)> {
    let mut out = Vec::new();
    let mut i = 0;
    let b = src.as_bytes();
    while i < src.len() {
        let rest = &src[i..];
        let c = rest.chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let start = i;
        if c.is_ascii_digit() {
            if is_date(&b[i..]) {
                out.push(Token { tok: Tok::Date(src[i..i + 10].to_string()), span: Span::new(i, i + 10) });
                i += 10;
                continue;
            }
            while i < src.len() && (b[i].is_ascii_digit() || b[i] == b'_' || b[i] == b'.') {
                i += 1;
            }
            if let Some(u) = UNITS.iter().find(|u| src[i..].starts_with(**u)) {
                i += u.len();
            }
            out.push(Token { tok: Tok::Num(src[start..i].to_string()), span: Span::new(start, i) });
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            while let Some(ch) = src[i..].chars().next() {
                if ch.is_alphanumeric() || ch == '_' {
                    i += ch.len_utf8();
                } else {
                    break;
                }
            }
            out.push(Token { tok: Tok::Ident(src[start..i].to_string()), span: Span::new(start, i) });
            continue;
        }
        if c == '[' || c == ']' {
            out.push(Token { tok: Tok::Sym(if c == '[' { "[" } else { "]" }), span: Span::new(i, i + 1) });
            i += 1;
            continue;
        }
        if let Some(s) = SYMS.iter().find(|s| rest.starts_with(**s)) {
            out.push(Token { tok: Tok::Sym(s), span: Span::new(i, i + s.len()) });
            i += s.len();
            continue;
        }
        let hint = Msg::new(match c {
            '=' => "e-lex-equals",
            '&' => "e-lex-and",
            '|' => "e-lex-or",
            '（' | '）' | '，' => "e-lex-full-width",
            _ => "e-lex-foreign",
        });
        return Err((Msg::new("e-lex-unexpected").arg("char", c).detail(hint), Span::new(i, i + c.len_utf8())));
    }
    Ok(out)
}

fn is_date(b: &[u8]) -> bool {
    b.len() >= 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b[..10].iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && b.get(10).is_none_or(|c| !c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_units_dates_and_chinese_names() {
        let toks: Vec<Tok> = lex("year.rd >= 1億元 && 高新技術企業 == x && d < 2025-12-31").unwrap().into_iter().map(|t| t.tok).collect();
        assert_eq!(toks[4], Tok::Num("1億元".into()));
        assert_eq!(toks[6], Tok::Ident("高新技術企業".into()));
        assert_eq!(toks[12], Tok::Date("2025-12-31".into()));
        let err = lex("a = b").unwrap_err();
        assert_eq!(err.1, Span::new(2, 3));
    }
}
