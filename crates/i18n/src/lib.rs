//! qiangke's message catalogue. Every message a user reads comes from `catalog/zh-Hans/*.ftl` and
//! `catalog/en/*.ftl` (Project Fluent, one file per area), by a stable id with named arguments; Traditional Chinese is
//! the Simplified text converted at the output (`qiangke_rules::script`), so there is no third
//! file to keep. A test holds the two files to the same ids, and every id to a use in the code.
//!
//! Moving messages here is under way (issue 12): the values a user types (facts cells, form
//! fields) are in the catalogue; other messages still carry their two languages inline.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, OnceLock};

/// The language of a text: Chinese (Simplified; Traditional is made from it) or English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// The catalogue's files, one per area, in each language (the same names in both).
macro_rules! files {
    ($lang:literal) => {
        [
            include_str!(concat!("../catalog/", $lang, "/values.ftl")),
            include_str!(concat!("../catalog/", $lang, "/diagnostics.ftl")),
            include_str!(concat!("../catalog/", $lang, "/explain.ftl")),
            include_str!(concat!("../catalog/", $lang, "/batch.ftl")),
            include_str!(concat!("../catalog/", $lang, "/report.ftl")),
            include_str!(concat!("../catalog/", $lang, "/ledger.ftl")),
            include_str!(concat!("../catalog/", $lang, "/api.ftl")),
            include_str!(concat!("../catalog/", $lang, "/web.ftl")),
            include_str!(concat!("../catalog/", $lang, "/cli.ftl")),
            include_str!(concat!("../catalog/", $lang, "/ladder.ftl")),
        ]
    };
}
const ZH: [&str; 10] = files!("zh-Hans");
const EN: [&str; 10] = files!("en");

fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static ZH_B: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    static EN_B: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    let (cell, files, tag) = match lang {
        Lang::Zh => (&ZH_B, ZH, "zh-Hans"),
        Lang::En => (&EN_B, EN, "en"),
    };
    cell.get_or_init(|| {
        let mut b = FluentBundle::new_concurrent(vec![tag.parse().expect("language tag")]);
        // No Unicode isolation marks around arguments: the texts go into HTML, CSV and terminals.
        b.set_use_isolating(false);
        for text in files {
            let res = FluentResource::try_new(text.to_string()).unwrap_or_else(|(_, e)| panic!("catalogue {tag} does not parse: {e:?}"));
            b.add_resource(res).unwrap_or_else(|e| panic!("catalogue {tag}: {e:?}"));
        }
        b
    })
}

/// A message by id, with its arguments, in a language. An id missing from the catalogue is a
/// defect the catalogue test catches; at run time it shows the id rather than nothing.
pub fn text(lang: Lang, id: &str, args: &[(&str, &str)]) -> String {
    let b = bundle(lang);
    let Some(pattern) = b.get_message(id).and_then(|m| m.value()) else {
        return id.to_string();
    };
    let mut fa = FluentArgs::new();
    for (k, v) in args {
        fa.set(*k, *v);
    }
    let mut errors = Vec::new();
    b.format_pattern(pattern, Some(&fa), &mut errors).into_owned()
}

/// A message without arguments (a heading, a label, a state), kept for the life of the process so
/// it can stand where a `&'static str` is needed. The ids are finite, so the cache is bounded.
pub fn label(lang: Lang, id: &'static str) -> &'static str {
    static CACHE: OnceLock<Mutex<HashMap<(Lang, &'static str), &'static str>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    cache.entry((lang, id)).or_insert_with(|| Box::leak(text(lang, id, &[]).into_boxed_str()))
}

/// A message not yet put into words: an id and its arguments, rendered in the reader's language
/// where it is shown. Its `Display` is the English text (logs, the API's `detail`, the CLI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub id: &'static str,
    /// Named arguments: a text, or a message itself (`detail`, `hint`) rendered in the same
    /// language. One list keeps the message small: it travels inside every error value.
    pub args: Vec<(&'static str, Arg)>,
}

/// An argument of a [`Msg`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Msg(Msg),
}

impl Msg {
    pub fn new(id: &'static str) -> Msg {
        Msg { id, args: Vec::new() }
    }
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Msg {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }
    /// A message that says more: the argument `detail`.
    pub fn detail(self, m: Msg) -> Msg {
        self.part("detail", m)
    }
    /// A message as the argument `name`.
    pub fn part(mut self, name: &'static str, m: Msg) -> Msg {
        self.args.push((name, Arg::Msg(m)));
        self
    }
    pub fn render(&self, lang: Lang) -> String {
        let rendered: Vec<(&str, std::borrow::Cow<'_, str>)> = self
            .args
            .iter()
            .map(|(k, a)| match a {
                Arg::Text(t) => (*k, std::borrow::Cow::Borrowed(t.as_str())),
                Arg::Msg(m) => (*k, std::borrow::Cow::Owned(m.render(lang))),
            })
            .collect();
        let args: Vec<(&str, &str)> = rendered.iter().map(|(k, v)| (*k, v.as_ref())).collect();
        text(lang, self.id, &args)
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// The ids of a catalogue, in order (for the catalogue test).
pub fn ids(lang: Lang) -> Vec<String> {
    let files = match lang {
        Lang::Zh => ZH,
        Lang::En => EN,
    };
    files
        .iter()
        .flat_map(|f| f.lines())
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    #[test]
    fn both_catalogues_parse_and_hold_the_same_ids() {
        for lang in [Lang::Zh, Lang::En] {
            let _ = bundle(lang);
        }
        let zh: BTreeSet<String> = ids(Lang::Zh).into_iter().collect();
        let en: BTreeSet<String> = ids(Lang::En).into_iter().collect();
        assert!(!zh.is_empty());
        assert_eq!(zh.difference(&en).collect::<Vec<_>>(), Vec::<&String>::new(), "in zh-Hans only");
        assert_eq!(en.difference(&zh).collect::<Vec<_>>(), Vec::<&String>::new(), "in en only");
        assert_eq!(zh.len(), ids(Lang::Zh).len(), "an id appears twice");
    }

    #[test]
    fn every_message_is_used_by_the_code() {
        // The ids stand in the code as string literals ("cell-not-money").
        let mut code = String::new();
        fn walk(dir: &Path, code: &mut String) {
            for e in std::fs::read_dir(dir).expect("read dir").flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, code);
                } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("i18n/src/lib.rs") {
                    code.push_str(&std::fs::read_to_string(&p).expect("read"));
                }
            }
        }
        walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".."), &mut code);
        let unused: Vec<String> = ids(Lang::Zh).into_iter().filter(|id| !code.contains(&format!("\"{id}\""))).collect();
        assert!(unused.is_empty(), "catalogue entries no code uses: {unused:?}");
    }

    #[test]
    fn arguments_are_placed_without_isolation_marks() {
        let m = Msg::new("cell-not-whole").arg("text", "3.5");
        assert_eq!(m.to_string(), "expected a whole number, found `3.5`");
        assert_eq!(m.render(Lang::Zh), "应填整数,填写的是“3.5”");
    }
}
