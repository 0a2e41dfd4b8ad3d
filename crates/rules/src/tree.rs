//! A spanned document tree shared by JSON and TOML facts files, so one validator reports
//! `file:line:col` for both. JSON is parsed here by hand (numbers keep their exact text, never a
//! float); TOML goes through the `toml` crate with spans.

use crate::diag::Span;
use qiangke_i18n::Msg;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    /// A number exactly as written (`1500000.55`); never converted through a float.
    Num(String),
    /// A TOML float: refused by the validator because its written digits are already lost.
    Float,
    Str(String),
    Arr(Vec<Node>),
    /// Keys in document order, with their spans.
    Obj(Vec<(String, Span, Node)>),
}

impl Node {
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Num(_) | Kind::Float => "a number",
            Kind::Str(_) => "a string",
            Kind::Arr(_) => "a list",
            Kind::Obj(_) => "a table",
        }
    }
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Obj(kv) => kv.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }
}

/// A located parse failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: Msg,
    pub span: Span,
}

// ---------------------------------------------------------------- JSON

/// Parses JSON text into a spanned tree. Duplicate keys are an error (a repeated key silently
/// overriding an earlier one is how facts get lost).
pub fn parse_json(src: &str) -> Result<Node, SyntaxError> {
    let mut p = Json { s: src.as_bytes(), src, i: 0, depth: 0 };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.i < p.s.len() {
        return Err(p.err("json-trailing-text"));
    }
    Ok(v)
}

struct Json<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
    depth: usize,
}

impl Json<'_> {
    /// Four hex digits of a `\\u` escape, consumed.
    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let hex = self.src.get(self.i..self.i + 4).ok_or_else(|| self.err("json-bad-u-escape"))?;
        let v = u32::from_str_radix(hex, 16).map_err(|_| self.err("json-bad-u-escape"))?;
        self.i += 4;
        Ok(v)
    }

    fn err(&self, id: &'static str) -> SyntaxError {
        // Spans start on a character boundary (an escape error can leave `i` inside one).
        let mut at = self.i.min(self.s.len());
        while !self.src.is_char_boundary(at) {
            at -= 1;
        }
        let end = (at + 1).min(self.s.len()).max(at);
        SyntaxError { message: Msg::new(id), span: Span::new(at, end) }
    }
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }
    fn value(&mut self) -> Result<Node, SyntaxError> {
        if self.depth > 64 {
            return Err(self.err("json-too-deep"));
        }
        let start = self.i;
        let Some(&c) = self.s.get(self.i) else {
            return Err(self.err("json-truncated"));
        };
        let kind = match c {
            b'{' => {
                self.i += 1;
                self.depth += 1;
                let mut kv: Vec<(String, Span, Node)> = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b'}') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        let ks = self.i;
                        if self.s.get(self.i) != Some(&b'"') {
                            return Err(self.err("json-expected-key"));
                        }
                        let k = self.string()?;
                        let kspan = Span::new(ks, self.i);
                        if kv.iter().any(|(x, _, _)| *x == k) {
                            return Err(SyntaxError { message: Msg::new("json-key-twice").arg("key", k), span: kspan });
                        }
                        self.ws();
                        if self.s.get(self.i) != Some(&b':') {
                            return Err(self.err("json-expected-colon"));
                        }
                        self.i += 1;
                        self.ws();
                        let v = self.value()?;
                        kv.push((k, kspan, v));
                        self.ws();
                        match self.s.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            None => {
                                return Err(self.err("json-truncated"));
                            }
                            _ => return Err(self.err("json-expected-comma-brace")),
                        }
                    }
                }
                self.depth -= 1;
                Kind::Obj(kv)
            }
            b'[' => {
                self.i += 1;
                self.depth += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b']') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        items.push(self.value()?);
                        self.ws();
                        match self.s.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            None => {
                                return Err(self.err("json-truncated"));
                            }
                            _ => return Err(self.err("json-expected-comma-bracket")),
                        }
                    }
                }
                self.depth -= 1;
                Kind::Arr(items)
            }
            b'"' => Kind::Str(self.string()?),
            b't' | b'f' | b'n' => {
                let word = [("true", Kind::Bool(true)), ("false", Kind::Bool(false)), ("null", Kind::Null)]
                    .into_iter()
                    .find(|(w, _)| self.s[self.i..].starts_with(w.as_bytes()));
                let Some((w, k)) = word else {
                    return Err(self.err("json-expected-value"));
                };
                self.i += w.len();
                k
            }
            b'-' | b'0'..=b'9' => {
                self.i += 1;
                while self.i < self.s.len() && matches!(self.s[self.i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') {
                    self.i += 1;
                }
                Kind::Num(self.src[start..self.i].to_string())
            }
            _ => {
                return Err(self.err("json-expected-value-kinds"));
            }
        };
        Ok(Node { span: Span::new(start, self.i), kind })
    }
    fn string(&mut self) -> Result<String, SyntaxError> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let Some(&c) = self.s.get(self.i) else {
                return Err(self.err("json-eof-in-string"));
            };
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(out);
                }
                b'\\' => {
                    let e = self.s.get(self.i + 1).copied();
                    self.i += 2;
                    match e {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'n') => out.push('\n'),
                        Some(b't') => out.push('\t'),
                        Some(b'r') => out.push('\r'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'u') => {
                            let v = self.hex4()?;
                            // A surrogate pair is one character; a lone surrogate is none, and NUL
                            // is refused (no text of a plan or its facts holds one, and databases
                            // choke on it).
                            let c = match v {
                                0 => return Err(self.err("json-nul")),
                                0xd800..=0xdbff => {
                                    if self.src.get(self.i..self.i + 2) != Some("\\u") {
                                        return Err(self.err("json-lone-surrogate"));
                                    }
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    if !(0xdc00..=0xdfff).contains(&lo) {
                                        return Err(self.err("json-lone-surrogate"));
                                    }
                                    char::from_u32(0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00))
                                }
                                0xdc00..=0xdfff => None,
                                v => char::from_u32(v),
                            };
                            out.push(c.ok_or_else(|| self.err("a lone surrogate (\\uDC00–\\uDFFF) is not a character"))?);
                        }
                        _ => return Err(self.err("json-unknown-escape")),
                    }
                }
                c if c < 0x20 => return Err(self.err("json-control-char")),
                _ => {
                    // Copy one whole UTF-8 character.
                    let ch = self.src[self.i..].chars().next().unwrap_or('\u{fffd}');
                    out.push(ch);
                    self.i += ch.len_utf8();
                }
            }
        }
    }
}

// ---------------------------------------------------------------- TOML

/// Parses TOML text into the same spanned tree.
pub fn parse_toml(src: &str) -> Result<Node, SyntaxError> {
    match toml::from_str::<toml::Spanned<TomlNode>>(src) {
        Ok(v) => {
            let span = v.span();
            let mut n = v.into_inner().0;
            n.span = Span::new(span.start, span.end);
            Ok(n)
        }
        Err(e) if e.message().contains("$__toml_private_datetime") => Err(SyntaxError {
            message: Msg::new("toml-date-as-string"),
            span: e.span().map_or(Span::default(), |r| Span::new(r.start, r.end)),
        }),
        Err(e) => Err(SyntaxError {
            message: Msg::new("toml-syntax").arg("detail", e.message().trim()),
            span: e.span().map_or(Span::default(), |r| Span::new(r.start, r.end)),
        }),
    }
}

/// Wrapper so the `toml` deserializer can build [`Node`]s through serde.
struct TomlNode(Node);

impl<'de> Deserialize<'de> for TomlNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor).map(TomlNode)
    }
}

fn spanned(v: toml::Spanned<TomlNode>) -> Node {
    let span = v.span();
    let mut n = v.into_inner().0;
    n.span = Span::new(span.start, span.end);
    n
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a TOML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node { span: Span::default(), kind: Kind::Bool(v) })
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node { span: Span::default(), kind: Kind::Num(v.to_string()) })
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node { span: Span::default(), kind: Kind::Num(v.to_string()) })
    }
    fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
        Ok(Node { span: Span::default(), kind: Kind::Float })
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node { span: Span::default(), kind: Kind::Str(v.to_string()) })
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node { span: Span::default(), kind: Kind::Str(v) })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element::<toml::Spanned<TomlNode>>()? {
            items.push(spanned(v));
        }
        Ok(Node { span: Span::default(), kind: Kind::Arr(items) })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut kv: Vec<(String, Span, Node)> = Vec::new();
        while let Some(k) = map.next_key::<toml::Spanned<String>>()? {
            let kspan = Span::new(k.span().start, k.span().end);
            let key = k.into_inner();
            let v = spanned(map.next_value::<toml::Spanned<TomlNode>>()?);
            kv.push((key, kspan, v));
        }
        Ok(Node { span: Span::default(), kind: Kind::Obj(kv) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_numbers_keep_their_text_and_spans() {
        let src = r#"{"a": 1500000.55, "b": [true, null, "x"]}"#;
        let n = parse_json(src).unwrap();
        let a = n.get("a").unwrap();
        assert_eq!(a.kind, Kind::Num("1500000.55".into()));
        assert_eq!(&src[a.span.start..a.span.end], "1500000.55");
    }

    #[test]
    fn json_errors() {
        assert!(parse_json(r#"{"a": 1"#).unwrap_err().message.to_string().contains("truncated"));
        assert!(parse_json(r#"{"a": 1, "a": 2}"#).unwrap_err().message.to_string().contains("twice"));
        assert!(parse_json("").unwrap_err().message.to_string().contains("truncated"));
        // Escapes: a surrogate pair is one character; a lone surrogate and NUL are refused.
        assert_eq!(parse_json(r#""\ud83d\ude00""#).unwrap().kind, Kind::Str("😀".into()));
        assert!(parse_json(r#""a\ud800b""#).unwrap_err().message.to_string().contains("lone surrogate"));
        assert!(parse_json(r#""\udc00""#).unwrap_err().message.to_string().contains("lone surrogate"));
        assert!(parse_json(r#""\ud800\u0041""#).unwrap_err().message.to_string().contains("lone surrogate"));
        assert!(parse_json(r#""a\u0000""#).unwrap_err().message.to_string().contains("NUL"));
    }

    #[test]
    fn toml_spans_and_dates() {
        let src = "x = \"1万元\"\nd = \"2023-05-01\"\n[t]\ny = [1, 2]\n";
        let n = parse_toml(src).unwrap();
        let x = n.get("x").unwrap();
        assert_eq!(&src[x.span.start..x.span.end], "\"1万元\"");
        assert_eq!(n.get("d").unwrap().kind, Kind::Str("2023-05-01".into()));
        let e = parse_toml("d = 2023-05-01\n").unwrap_err();
        assert!(e.message.to_string().contains("written as strings"), "{}", e.message);
        assert_eq!(e.span.start, 4);
        assert!(matches!(n.get("t").unwrap().get("y").unwrap().kind, Kind::Arr(_)));
    }
}
