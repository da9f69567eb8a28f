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
