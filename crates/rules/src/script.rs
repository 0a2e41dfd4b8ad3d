//! Chinese script for display. Everything qiangke says in Chinese, and the Wuwei pack's source
//! text, is Simplified (the plan was published in Simplified). Traditional is produced from it at
//! the output boundary by OpenCC's `s2t` dictionaries (ferrous-opencc, Apache-2.0), so that
//! nobody keeps a second copy of any text by hand.

use ferrous_opencc::{OpenCC, config::BuiltinConfig};
use std::sync::OnceLock;

/// Simplified Chinese text (and anything else: ASCII passes through) in Traditional characters.
pub fn to_traditional(s: &str) -> String {
    static CC: OnceLock<Option<OpenCC>> = OnceLock::new();
    match CC.get_or_init(|| OpenCC::from_config(BuiltinConfig::S2t).ok()) {
        Some(cc) => cc.convert(s),
        // The dictionaries are compiled in; failing to load them is a build defect, and showing
        // Simplified is then better than showing nothing.
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplified_becomes_traditional_and_markup_is_untouched() {
        assert_eq!(to_traditional("武威市强科技行动实施方案"), "武威市強科技行動實施方案");
        assert_eq!(to_traditional("给予20万元一次性补助"), "給予20萬元一次性補助");
        assert_eq!(
            to_traditional(r#"<p class="amount" lang="zh-Hant">预算年度 2024</p>"#),
            r#"<p class="amount" lang="zh-Hant">預算年度 2024</p>"#
        );
    }
}
