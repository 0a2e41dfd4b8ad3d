//! Helpers shared by the integration tests: the Wuwei pack as in-memory files that a test can edit.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn wuwei_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022")
}

/// The files `load_pack` would read, as `(relative name, text)`.
pub fn wuwei_files() -> Vec<(String, String)> {
    qiangke_rules::pack::read_pack_files(&wuwei_dir()).unwrap_or_else(|e| panic!("{e}"))
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
