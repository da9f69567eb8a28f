//! Addresses as the record matches them: case-insensitive, plus-tags ignored.

use crate::EmailAddress;

/// Parses an address and drops a plus-tag (`dana+crm@northwind.io` is `dana@northwind.io`).
pub fn normalise_address(raw: &str) -> Option<EmailAddress> {
    let parsed = EmailAddress::parse(raw).ok()?;
    let (local, domain) = parsed.as_str().split_once('@')?;
    match local.split_once('+') {
        Some((base, _)) if !base.is_empty() => {
            EmailAddress::parse(&format!("{base}@{domain}")).ok()
        }
        _ => Some(parsed),
    }
}

/// Consumer mail domains: a sender there is never matched to an account by domain.
const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "yahoo.co.uk",
    "ymail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.de",
    "gmx.net",
    "gmx.com",
    "web.de",
    "t-online.de",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "wanadoo.fr",
    "mail.com",
    "yandex.ru",
    "zoho.com",
    "fastmail.com",
    "hey.com",
];

pub fn is_free_mail(domain: &str) -> bool {
    let d = domain.trim().to_lowercase();
    FREE_MAIL.contains(&d.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_tags_and_case_are_ignored() {
        assert_eq!(
            normalise_address("Dana+CRM@Northwind.io").unwrap().as_str(),
            "dana@northwind.io"
        );
        assert_eq!(
            normalise_address("<dana@northwind.io>").unwrap().as_str(),
            "dana@northwind.io"
        );
        assert_eq!(
            normalise_address("+tag@x.io").unwrap().as_str(),
            "+tag@x.io"
        );
        assert!(normalise_address("not an address").is_none());
        assert!(is_free_mail("GMail.com") && !is_free_mail("northwind.io"));
    }
}

/// Whether an address's local part spells a person's name the ways companies build
/// addresses: `first.last`, `last.first`, `first_last`, `first-last`, `firstlast`, `flast`,
/// `f.last` (accents folded, case ignored). A name of one word, or a last name of one
/// letter, never matches: too little to tell people apart.
pub fn address_names(address: &EmailAddress, name: &str) -> bool {
    let words: Vec<String> = name
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|w| {
            fold_accents(w)
                .chars()
                .filter(char::is_ascii_alphabetic)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return false;
    };
    if words.len() < 2 || last.len() < 2 || first.is_empty() {
        return false;
    }
    // "Doyle, Sam" is written last name first.
    let (first, last) = if name.contains(',') {
        (last, first)
    } else {
        (first, last)
    };
    let local = address
        .as_str()
        .split('@')
        .next()
        .unwrap_or("")
        .to_lowercase();
    let local = local.split('+').next().unwrap_or("");
    let tokens: Vec<&str> = local
        .split(['.', '_', '-'])
        .filter(|t| !t.is_empty())
        .collect();
    let initial = &first[..1];
    let joined: String = tokens.concat();
    match tokens.as_slice() {
        [a, b] if (a == first && b == last) || (a == last && b == first) => true,
        [a, b] if *a == initial && b == last => true,
        _ => {
            tokens.len() == 1
                && (joined == format!("{first}{last}") || joined == format!("{initial}{last}"))
        }
    }
}

/// Lower case with the accents of Western European names taken off (`García` -> `garcia`).
pub(crate) fn fold_accents(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod name_tests {
    use super::*;

    #[test]
    fn addresses_that_spell_a_name() {
        let a = |s: &str| EmailAddress::parse(s).unwrap();
        for (address, name) in [
            ("sam.doyle@northwind.example", "Sam Doyle"),
            ("doyle.sam@northwind.example", "Sam Doyle"),
            ("sdoyle@northwind.example", "Sam Doyle"),
            ("s.doyle@northwind.example", "Sam Doyle"),
            ("samdoyle@northwind.example", "Sam Doyle"),
            ("ana_garcia@norte.example", "Ana García"),
            ("sam.doyle@northwind.example", "Doyle, Sam"),
        ] {
            assert!(address_names(&a(address), name), "{address} {name}");
        }
        for (address, name) in [
            ("sales@northwind.example", "Sam Doyle"),
            ("sam@northwind.example", "Sam Doyle"),
            ("dana.reyes@northwind.example", "Sam Doyle"),
            ("sam.doyle@northwind.example", "Sam"),
        ] {
            assert!(!address_names(&a(address), name), "{address} {name}");
        }
    }
}
