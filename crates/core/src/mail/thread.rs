//! The subject a thread is known by when its headers are gone: some clients and gateways drop
//! In-Reply-To and References, but "RE: [EXTERNAL] AW: Cost model" is still "cost model".

use regex::Regex;
use std::sync::LazyLock;

/// One leading reply or forward marker (English, German, French, Spanish, Nordic, Dutch,
/// Italian, Polish, Portuguese), possibly counted (`Re[2]:`), or a bracketed tag.
static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|tr|rv|antw|odp|res|enc|rif|r|i)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]|\[[^\]]{1,40}\]|\([^)]{0,3}ext[^)]{0,10}\))",
    )
    .expect("static pattern")
});

/// The normalised subject of a thread; `None` when what is left is too generic to tie
/// messages together ("Hi", "Meeting", "Question").
pub fn thread_subject(subject: &str) -> Option<String> {
    let mut rest = subject;
    while let Some(m) = PREFIX.find(rest) {
        rest = &rest[m.end()..];
    }
    let words: Vec<String> = rest.split_whitespace().map(|w| w.to_lowercase()).collect();
    let key = words.join(" ");
    (words.len() >= 2 && key.chars().count() >= 8).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::thread_subject;

    #[test]
    fn reply_and_forward_markers_and_tags_are_dropped_in_any_order() {
        for subject in [
            "Cost model",
            "RE: Cost model",
            "Re[2]: cost  MODEL",
            "RE: [EXTERNAL] AW: Cost model",
            "Fwd: WG: SV: Cost model",
            "TR : Cost model",
            "[Acme] Re: Cost model",
        ] {
            assert_eq!(
                thread_subject(subject).as_deref(),
                Some("cost model"),
                "{subject}"
            );
        }
        assert_eq!(thread_subject("Re: Hi"), None);
        assert_eq!(thread_subject("Meeting"), None);
        assert_eq!(thread_subject(""), None);
        assert_eq!(
            thread_subject("Renewal: pricing").as_deref(),
            Some("renewal: pricing"),
            "a word starting with re is not a prefix"
        );
    }
}
