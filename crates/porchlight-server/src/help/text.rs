//! Small text helpers of the help center: HTML escaping, URL path encoding, and the
//! search normalisation (lower case, Latin diacritics folded, Arabic-script variants
//! unified) shared by the index and the queries, so both sides always agree.

use std::fmt::Write as _;

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(&mut out, text);
    out
}

pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Percent-encodes one URL path segment (or query value): everything but the RFC 3986
/// unreserved characters, so a Persian slug or a user's query is safe in a `Location`
/// header and in an `href`.
pub fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Decodes an `application/x-www-form-urlencoded` body into (name, value) pairs.
pub fn parse_form(body: &[u8]) -> Vec<(String, String)> {
    body.split(|b| *b == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let mut it = pair.splitn(2, |b| *b == b'=');
            let name = decode_component(it.next().unwrap_or_default());
            let value = decode_component(it.next().unwrap_or_default());
            (name, value)
        })
        .collect()
}

fn decode_component(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < raw.len() => {
                let hex = std::str::from_utf8(&raw[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Appends the search form of `c` to `out`: lower case, Latin letters without their
/// diacritics (ş → s, ł → l, é → e, ß → ss), Arabic yeh/kaf/teh marbuta/alef forms written
/// the Persian way, vowel marks and tatweel dropped, Persian and Arabic digits as ASCII.
/// Returns false for characters that separate words (the zero-width non-joiner included:
/// Persian writes `می‌خواهم` with it, and readers type it with a space as often).
fn fold_char(c: char, out: &mut String) -> bool {
    if c.is_ascii() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            return true;
        }
        return false;
    }
    let mapped: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å'
        | 'Ā' | 'Ă' | 'Ą' => "a",
        'ç' | 'ć' | 'č' | 'ĉ' | 'Ç' | 'Ć' | 'Č' => "c",
        'ď' | 'đ' | 'Ď' | 'Đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ę' | 'Ě' => {
            "e"
        }
        'ğ' | 'Ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' | 'İ' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => "i",
        'ł' | 'ľ' | 'Ł' | 'Ľ' => "l",
        'ñ' | 'ń' | 'ň' | 'Ñ' | 'Ń' | 'Ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō'
        | 'Ő' => "o",
        'ř' | 'Ř' => "r",
        'ş' | 'ś' | 'š' | 'ș' | 'Ş' | 'Ś' | 'Š' | 'Ș' => "s",
        'ţ' | 'ť' | 'ț' | 'Ţ' | 'Ť' | 'Ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' => {
            "u"
        }
        'ý' | 'ÿ' | 'Ý' => "y",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        'ß' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        '\u{064A}' | '\u{0649}' => "\u{06CC}", // Arabic yeh, alef maksura → Persian yeh
        '\u{0643}' => "\u{06A9}",              // Arabic kaf → keheh
        '\u{0629}' | '\u{06C0}' => "\u{0647}", // teh marbuta, heh with yeh → heh
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' => "\u{0627}", // alef forms
        '\u{0624}' => "\u{0648}",              // waw with hamza → waw
        '\u{06F0}'..='\u{06F9}' => {
            out.push((b'0' + (c as u32 - 0x06F0) as u8) as char);
            return true;
        }
        '\u{0660}'..='\u{0669}' => {
            out.push((b'0' + (c as u32 - 0x0660) as u8) as char);
            return true;
        }
        // Combining marks (the dot of a lower-cased İ), Arabic vowel marks, superscript
        // alef, tatweel, zero-width joiner, soft hyphen: part of the word, not searched.
        '\u{0300}'..='\u{036F}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{0640}'
        | '\u{200D}'
        | '\u{00AD}' => return true,
        c if c.is_alphanumeric() => {
            for l in c.to_lowercase() {
                if !('\u{0300}'..='\u{036F}').contains(&l) {
                    out.push(l);
                }
            }
            return true;
        }
        _ => return false,
    };
    out.push_str(mapped);
    true
}

/// Longest word indexed or searched, in bytes of its folded form.
const MAX_TERM_BYTES: usize = 64;

/// Calls `f` with every folded word of `text`, in order.
pub fn for_each_term(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::with_capacity(32);
    for c in text.chars() {
        let before = word.len();
        if !fold_char(c, &mut word) {
            if !word.is_empty() {
                f(&word);
                word.clear();
            }
        } else if word.len() > MAX_TERM_BYTES {
            word.truncate(before);
        }
    }
    if !word.is_empty() {
        f(&word);
    }
}

/// The folded words of `text`.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_term(text, |t| out.push(t.to_string()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_makes_diacritics_and_script_variants_equal() {
        assert_eq!(
            terms("Şifre SIFIRLAMA İade"),
            ["sifre", "sifirlama", "iade"]
        );
        assert_eq!(terms("Hasło, zwrot: ŻÓŁW"), ["haslo", "zwrot", "zolw"]);
        assert_eq!(terms("Crème brûlée Straße"), ["creme", "brulee", "strasse"]);
        // Arabic yeh and kaf become Persian, vowel marks and tatweel vanish.
        assert_eq!(terms("كيف"), terms("کیف"));
        assert_eq!(terms("بـازپَرداخت"), ["بازپرداخت"]);
        // The zero-width non-joiner separates like a space; Persian digits are ASCII.
        assert_eq!(terms("می\u{200C}خواهم ۱۲۳۴"), ["می", "خواهم", "1234"]);
        assert_eq!(terms("order-1234 (guide)"), ["order", "1234", "guide"]);
    }

    #[test]
    fn escaping_and_encoding() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(encode_segment("a b/ç"), "a%20b%2F%C3%A7");
        assert_eq!(
            parse_form(b"helpful=yes&q=a+b%26c&bad=%zz"),
            vec![
                ("helpful".to_string(), "yes".to_string()),
                ("q".to_string(), "a b&c".to_string()),
                ("bad".to_string(), "%zz".to_string()),
            ]
        );
    }
}
