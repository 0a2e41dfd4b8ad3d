//! Located diagnostics: what went wrong, where (file, byte span), and a hint.
//!
//! Every error a pack or a facts file can contain is reported as a [`Diagnostic`] with a byte span in
//! a file held by a [`SourceMap`]; rendering turns the span into `file:line:col` and a caret line, the
//! way a compiler does. This module does not decide what is an error; the loaders do.

use qiangke_i18n::{Lang, Msg, label};
use serde::{Serialize, Serializer};
use std::fmt::Write as _;
use unicode_width::UnicodeWidthChar;

/// A byte range `start..end` inside one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
    /// Shifts a span relative to an embedded string into the enclosing file.
    pub fn offset(self, by: usize) -> Span {
        Span::new(self.start + by, self.end + by)
    }
}

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FileId(pub u32);

/// The text of every file read while loading, so diagnostics can quote it.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<(String, String)>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a file (display name, text) and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push((name.into(), text.into()));
        FileId((self.files.len() - 1) as u32)
    }
    pub fn name(&self, id: FileId) -> &str {
        &self.files[id.0 as usize].0
    }
    /// Every file as (display name, text): for a loaded pack, the files it was loaded from.
    pub fn files(&self) -> &[(String, String)] {
        &self.files
    }
    pub fn text(&self, id: FileId) -> &str {
        &self.files[id.0 as usize].1
    }
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        line_col(self.text(id), offset)
    }
}

/// 1-based line and character column of `offset` in `text` (clamped to the text).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One located problem. `code` is stable (snapshot tests and the API key on it); the message and
/// the hint come from the catalogue and are put into words in the reader's language when shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
    #[serde(serialize_with = "english")]
    pub message: Msg,
    pub file: FileId,
    pub span: Span,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "english_opt")]
    pub hint: Option<Msg>,
}

/// A message serialized directly (not through `to_json_in`) is in English, like its `Display`.
fn english<S: Serializer>(m: &Msg, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&m.to_string())
}
fn english_opt<S: Serializer>(m: &Option<Msg>, s: S) -> Result<S::Ok, S::Error> {
    match m {
        Some(m) => s.serialize_some(&m.to_string()),
        None => s.serialize_none(),
    }
}

impl Diagnostic {
    pub fn error(code: &'static str, file: FileId, span: Span, message: Msg) -> Self {
        Diagnostic { severity: Severity::Error, code, message, file, span, hint: None }
    }
    pub fn with_hint(mut self, hint: Msg) -> Self {
        self.hint = Some(hint);
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders like a compiler, in English: header, `--> file:line:col`, the source line and a
    /// caret, the hint.
    pub fn render(&self, map: &SourceMap) -> String {
        self.render_in(map, Lang::En)
    }

    /// [`render`](Self::render) in `lang`: the words (message, hint, `error`, `help`) are the
    /// reader's; the code, the location, the source line and the caret are the same in every
    /// language.
    pub fn render_in(&self, map: &SourceMap, lang: Lang) -> String {
        let text = map.text(self.file);
        let (line, col) = map.line_col(self.file, self.span.start);
        let sev = match self.severity {
            Severity::Error => label(lang, "diag-error"),
            Severity::Warning => label(lang, "diag-warning"),
        };
        let mut out = String::new();
        let _ = writeln!(out, "{sev}[{}]: {}", self.code, self.message.render(lang));
        let _ = writeln!(out, "  --> {}:{line}:{col}", map.name(self.file));
        let src_line = text.lines().nth(line - 1).unwrap_or("");
        let gutter = line.to_string();
        let pad = " ".repeat(gutter.len());
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{gutter} | {src_line}");
        let lead: usize = src_line.chars().take(col - 1).map(|c| if c == '\t' { 1 } else { c.width().unwrap_or(0) }).sum();
        // The caret covers the span's part on this line, at least one column wide.
        let start = self.span.start.min(text.len());
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let end = self.span.end.clamp(start, line_end);
        let width: usize = text.get(start..end).map_or(0, |s| s.chars().map(|c| c.width().unwrap_or(0)).sum());
        let _ = writeln!(out, "{pad} | {}{}", " ".repeat(lead), "^".repeat(width.max(1)));
        if let Some(h) = &self.hint {
            let _ = writeln!(out, "{pad} = {}: {}", label(lang, "diag-help"), h.render(lang));
        }
        out
    }

    /// The JSON shape used by `check --format json` and the API (texts in English).
    pub fn to_json(&self, map: &SourceMap) -> serde_json::Value {
        self.to_json_in(map, Lang::En)
    }

    /// [`to_json`](Self::to_json) with the message and the hint in `lang`.
    pub fn to_json_in(&self, map: &SourceMap, lang: Lang) -> serde_json::Value {
        let (line, column) = map.line_col(self.file, self.span.start);
        serde_json::json!({
            "severity": self.severity,
            "code": self.code,
            "message": self.message.render(lang),
            "file": map.name(self.file),
            "line": line,
            "column": column,
            "hint": self.hint.as_ref().map(|h| h.render(lang)),
        })
    }
}

/// Suggests the closest candidate to a misspelled name, if one is close enough.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(name, c);
        let limit = (c.chars().count().max(name.chars().count()) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    // Optimal string alignment: like Levenshtein, but a swap of two neighbours (gaurd/guard) is one edit.
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let t = "ab\n金额 = x";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        // "金额 " is 7 bytes, so byte 10 is the 4th character of line 2.
        assert_eq!(line_col(t, 10), (2, 4));
    }

    #[test]
    fn suggestions_only_when_close() {
        assert_eq!(did_you_mean("rd_expenditur", ["rd_expenditure", "above_scale"]), Some("rd_expenditure"));
        assert_eq!(did_you_mean("zzz", ["rd_expenditure"]), None);
        assert_eq!(did_you_mean("gaurd", ["guard", "amount"]), Some("guard"));
    }
}

/// A failed load (of a pack or a facts file): all its diagnostics and the files they point into.
#[derive(Debug, Clone)]
pub struct Report {
    pub map: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// All diagnostics rendered compiler-style, in English.
    pub fn render(&self) -> String {
        self.render_in(Lang::En)
    }
    /// All diagnostics rendered compiler-style, in `lang`.
    pub fn render_in(&self, lang: Lang) -> String {
        self.diagnostics.iter().map(|d| d.render_in(&self.map, lang)).collect::<Vec<_>>().join("\n")
    }
    /// All diagnostics as a JSON array (texts in English).
    pub fn to_json(&self) -> serde_json::Value {
        self.to_json_in(Lang::En)
    }
    /// All diagnostics as a JSON array, texts in `lang`.
    pub fn to_json_in(&self, lang: Lang) -> serde_json::Value {
        serde_json::Value::Array(self.diagnostics.iter().map(|d| d.to_json_in(&self.map, lang)).collect())
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for Report {}
