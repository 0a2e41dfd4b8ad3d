//! Unified social credit codes (统一社会信用代码, GB 32100-2015): shape and both check characters.
//!
//! Only the arithmetic of the standard is checked here; whether the code is registered is not knowable
//! offline and is not claimed.

use qiangke_i18n::Msg;

const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// 3^i mod 31 for positions 1..=17 (GB 32100-2015 §4.3).
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/// GB 11714 organization-code weights for positions 9..=16.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

fn value(c: char) -> Option<u32> {
    // A table instead of a search: bulk input checks a code on every row.
    const TABLE: [u8; 128] = {
        let mut t = [255u8; 128];
        let a = ALPHABET.as_bytes();
        let mut i = 0;
        while i < a.len() {
            t[a[i] as usize] = i as u8;
            i += 1;
        }
        t
    };
    let v = *TABLE.get(c as usize)?;
    (v != 255).then_some(v as u32)
}

/// The check character the standard requires for the first 17 characters.
pub fn check_char(first17: &str) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += value(c)? * w;
    }
    let v = (31 - sum % 31) % 31;
    ALPHABET.chars().nth(v as usize)
}

/// The GB 11714 check character of an 8-character organization code body.
fn org_check(org8: &str) -> char {
    let sum: u32 = org8.chars().zip(ORG_WEIGHTS).map(|(c, w)| org_value(c) * w).sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        v => char::from_digit(v, 10).unwrap_or('0'),
    }
}

/// A code with both check characters right, from its first eight characters (registration
/// authority, kind and the six-digit division code, e.g. `91620600`) and an eight-digit
/// organization code body: for synthetic populations and tests, never a real registration.
pub fn make(first8: &str, org8: &str) -> Option<String> {
    let ok = first8.len() == 8 && org8.len() == 8 && org8.chars().all(|c| c.is_ascii_digit());
    if !ok {
        return None;
    }
    let first17 = format!("{first8}{org8}{}", org_check(org8));
    let check = check_char(&first17)?;
    Some(format!("{first17}{check}"))
}

/// Checks an 18-character code; `Err` says exactly what is wrong.
pub fn validate(code: &str) -> Result<(), Msg> {
    let n = code.chars().count();
    if n != 18 {
        return Err(Msg::new("uscc-length").arg("n", n));
    }
    if let Some((i, c)) = code.chars().enumerate().find(|(_, c)| value(*c).is_none()) {
        return Err(Msg::new("uscc-character").arg("at", i + 1).arg("char", c));
    }
    if !code[2..8].chars().all(|c| c.is_ascii_digit()) {
        return Err(Msg::new("uscc-division"));
    }
    // Characters 9–17 are the organization code, with its own GB 11714 check character.
    let org = &code[8..17];
    if org[..8].chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()) {
        let expect = org_check(&org[..8]);
        let got = org.chars().nth(8).unwrap_or(' ');
        if got != expect {
            return Err(Msg::new("uscc-org-check").arg("got", got).arg("expect", expect));
        }
    }
    let expect = check_char(&code[..17]).ok_or_else(|| Msg::new("uscc-division"))?;
    let got = code.chars().nth(17).unwrap_or(' ');
    if got != expect {
        return Err(Msg::new("uscc-check").arg("got", got).arg("expect", expect));
    }
    Ok(())
}

fn org_value(c: char) -> u32 {
    if let Some(d) = c.to_digit(10) { d } else { c as u32 - 'A' as u32 + 10 }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Worked by hand. Organization code 12345678: Σ = 1·3+2·7+3·9+4·10+5·5+6·8+7·4+8·2 = 201,
    // 201 mod 11 = 3, 11 − 3 = 8, so the 17th character is 8 → "123456788".
    // Then for "91620600123456788" (9 1 6 2 0 6 0 0 1 2 3 4 5 6 7 8 8) with weights
    // 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28:
    // 9+3+54+54+0+156+0+0+20+58+75+52+40+144+70+240+224 = 1199; 1199 mod 31 = 21; 31 − 21 = 10 → 'A'.
    const VALID: &str = "91620600123456788A";

    #[test]
    fn hand_computed_code_passes() {
        assert_eq!(check_char(&VALID[..17]), Some('A'));
        assert_eq!(make("91620600", "12345678").as_deref(), Some(VALID));
        assert_eq!(validate(VALID), Ok(()));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(
            validate("91620600123456788B").unwrap_err().to_string().contains("expected `A`")
                || validate("91620600123456788B").unwrap_err().to_string().contains("gives `A`")
        );
        assert!(validate("9162060012345678").unwrap_err().to_string().contains("18 characters"));
        assert!(validate("91620600123456788I").unwrap_err().to_string().contains("not allowed"));
        assert!(validate("91620600123456789A").unwrap_err().to_string().contains("organization-code"));
        // The same in Chinese: 16 characters where the standard has 18.
        assert_eq!(validate("9162060012345678").unwrap_err().render(qiangke_i18n::Lang::Zh), "统一社会信用代码有 18 位,这个有 16 位");
    }
}
