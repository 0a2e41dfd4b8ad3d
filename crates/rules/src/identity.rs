//! The identity of a named thing (a workshop, a project, a platform) inside a once-key: the same
//! thing written differently must give the same key, or a one-time award is paid once per
//! spelling. `一號數字化車間`, `一号数字化车间`, `1號數字化車間`, `一號數字化車間 ` and one with a
//! zero-width space inside are one workshop.
//!
//! The normalization works character by character, so that SQL can do exactly the same with
//! `translate` ([`translation`]): white space and invisible format characters are dropped, full-width
//! ASCII becomes ASCII, Latin letters lower case, Chinese digits (〇零一…九) ASCII digits, and
//! Traditional characters their Simplified form (OpenCC's character table, checked against the
//! converter by a test). It never touches what people see: only keys are normalized. Spellings
//! that differ by more (`十二號` and `12號`, an added word) are left to people: the review desk
//! warns about awards of the same rule and entity whose keys are near each other ([`near`]).

use std::collections::HashMap;
use std::sync::OnceLock;

/// Traditional → Simplified for single characters: pairs of characters, as OpenCC's t2s converter
/// gives them one by one (generated; `tests::table_matches_the_converter` keeps it true).
const T2S: &str = include_str!("identity_t2s.txt");

/// Characters dropped from identities: white space (ASCII, no-break, ideographic) and the
/// invisible format characters people paste without seeing them.
const DROPPED: &[char] =
    &[' ', '\t', '\n', '\r', '\u{a0}', '\u{3000}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{200e}', '\u{200f}', '\u{2060}', '\u{feff}'];

const CHINESE_DIGITS: [char; 11] = ['〇', '零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

fn t2s() -> &'static HashMap<char, char> {
    static MAP: OnceLock<HashMap<char, char>> = OnceLock::new();
    MAP.get_or_init(|| {
        let chars: Vec<char> = T2S.chars().collect();
        chars.chunks_exact(2).map(|p| (p[0], p[1])).collect()
    })
}

/// One character of an identity; `None` drops it.
fn map_char(c: char) -> Option<char> {
    if DROPPED.contains(&c) {
        return None;
    }
    let c = match c {
        // Full-width ASCII as ASCII, but for the apostrophe and the backslash, which could not
        // stand in a SQL string literal (see `translation`).
        '\u{ff07}' | '\u{ff3c}' => c,
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        _ => c,
    };
    Some(match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        '〇' | '零' => '0',
        _ => match CHINESE_DIGITS.iter().position(|&d| d == c) {
            Some(i) => char::from(b'0' + (i - 1) as u8),
            None => t2s().get(&c).copied().unwrap_or(c),
        },
    })
}

/// The normalized identity of a name, for once-keys.
pub fn normalize(s: &str) -> String {
    s.chars().filter_map(map_char).collect()
}

/// The same normalization for SQL's `translate(x, from, to)`: the characters to replace, and
/// what replaces them. The deleted ones come last in `from`, with no counterpart in `to`
/// (PostgreSQL and Spark both delete those). No quote or backslash is among them, so both can
/// stand in a SQL string literal as they are.
pub fn translation() -> (&'static str, &'static str) {
    static FROM_TO: OnceLock<(String, String)> = OnceLock::new();
    let (from, to) = FROM_TO.get_or_init(|| {
        let mut mapped: Vec<(char, char)> = t2s().iter().map(|(&a, &b)| (a, b)).collect();
        mapped.extend(('\u{ff01}'..='\u{ff5e}').chain('A'..='Z').chain(CHINESE_DIGITS).filter_map(|c| Some((c, map_char(c)?))));
        mapped.retain(|(a, b)| a != b);
        mapped.sort_unstable();
        let mut from: String = mapped.iter().map(|p| p.0).collect();
        let to: String = mapped.iter().map(|p| p.1).collect();
        from.extend(DROPPED);
        (from, to)
    });
    (from, to)
}

/// Whether two normalized identities are near enough that a person should look twice: one
/// contains the other, or they differ by at most two characters (insertions, deletions,
/// substitutions). Equal identities are not "near": they are the same.
pub fn near(a: &str, b: &str) -> bool {
    if a == b || a.is_empty() || b.is_empty() {
        return false;
    }
    if a.contains(b) || b.contains(a) {
        return true;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 2 {
        return false;
    }
    // Levenshtein distance, two rows.
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()] <= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_workshop_written_seven_ways_is_one_identity() {
        let canonical = normalize("一號數字化車間");
        assert_eq!(canonical, "1号数字化车间");
        for spelling in [
            "一號數字化車間",
            "一號數字化車間 ",
            " 一號數字化車間",
            "一號數字\u{200b}化車間",
            "一号数字化车间",
            "1號數字化車間",
            "１號數字化車間",
            "一號　數字化車間",
        ] {
            assert_eq!(normalize(spelling), canonical, "{spelling:?}");
        }
        assert_eq!(normalize("ＡＢＣ Lab"), "abclab");
        assert_ne!(normalize("一號數字化車間"), normalize("二號數字化車間"));
    }

    #[test]
    fn near_identities() {
        assert!(near(&normalize("一號數字化車間"), &normalize("一號數字化車間二期")));
        assert!(near(&normalize("鑄造數字化車間"), &normalize("铸件数字化车间")));
        assert!(!near(&normalize("一號數字化車間"), &normalize("一號數字化車間")));
        assert!(!near("1号数字化车间", "智能工厂"));
    }

    #[test]
    fn table_matches_the_converter() {
        use ferrous_opencc::{OpenCC, config::BuiltinConfig};
        let cc = OpenCC::from_config(BuiltinConfig::T2s).expect("built-in t2s");
        let mut buf = [0u8; 4];
        let mut expected = HashMap::new();
        for r in [0x3400u32..=0x4dbf, 0x4e00..=0x9fff, 0xf900..=0xfaff, 0x20000..=0x2a6df] {
            for c in r.filter_map(char::from_u32) {
                let s = c.encode_utf8(&mut buf);
                let mut out = cc.convert(s).chars().collect::<Vec<_>>();
                if out.len() == 1 && out[0] != c {
                    expected.insert(c, out.remove(0));
                }
            }
        }
        assert_eq!(t2s(), &expected);
    }

    #[test]
    fn the_sql_translation_is_the_same_mapping() {
        let (from, to) = translation();
        let to: Vec<char> = to.chars().collect();
        for (i, c) in from.chars().enumerate() {
            assert_eq!(to.get(i).copied(), map_char(c), "{c:?}");
        }
        // Every character the Rust side changes is in the table, and none that SQL would misread.
        assert!(!from.contains(['\'', '\\']) && !to.contains(&'\'') && !to.contains(&'\\'));
        for c in ('\u{20}'..='\u{ffff}').chain('\u{20000}'..='\u{2a6df}') {
            if map_char(c) != Some(c) {
                assert!(from.contains(c), "{c:?} is normalized in Rust but not in SQL");
            }
        }
    }
}
