//! Helpers shared by the integration tests: the Wuwei pack as in-memory files that a test can edit.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn wuwei_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022")
}

/// The files `load_pack` would read, as `(relative name, text)`.
pub fn wuwei_files() -> Vec<(String, String)> {
    let dir = wuwei_dir();
    let mut out = Vec::new();
    for n in ["pack.toml", "facts.toml", "notes.toml", "source.zh.txt"] {
        out.push((n.to_string(), std::fs::read_to_string(dir.join(n)).expect("pack file")));
    }
    let mut rules: Vec<_> = std::fs::read_dir(dir.join("rules"))
        .expect("rules dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    rules.sort();
    for r in rules {
        out.push((format!("rules/{r}"), std::fs::read_to_string(dir.join("rules").join(&r)).expect("rule file")));
    }
    out
}

/// Replaces the first occurrence of `from` in file `name`; panics if it is not there, so a test
/// never silently checks an unchanged pack.
pub fn edit(files: &mut [(String, String)], name: &str, from: &str, to: &str) {
    let f = files.iter_mut().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no file {name}"));
    assert!(f.1.contains(from), "{name} does not contain {from:?}");
    f.1 = f.1.replacen(from, to, 1);
}

pub fn wuwei() -> qiangke_rules::Pack {
    qiangke_rules::load_pack(&wuwei_dir()).unwrap_or_else(|e| panic!("{e}"))
}
