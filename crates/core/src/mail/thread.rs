//! The subject a thread is known by when its headers are gone: some clients and gateways drop
//! In-Reply-To and References, but "RE: [EXTERNAL] AW: Cost model" is still "cost model".

use regex::Regex;
use std::sync::LazyLock;

/// One leading reply or forward marker, possibly counted (`Re[2]:`, `Re(2):`, `Re^2:`,
/// Eudora's `Re*2:`), with
/// an ASCII or full-width colon; or a tag a gateway or list adds (`[EXT]`, `[EXTERNAL]`,
/// `[listname]`, `*EXTERNAL*`, `(EXT)`, `EXTERNAL:`, `【外部】`).
///
/// Markers, by the language clients write them in (Microsoft's and Mozilla's localised reply
/// and forward prefixes, and the list in Wikipedia's "List of email subject abbreviations"):
/// English `Re`, `Fw`, `Fwd`; German `AW`, `Antwort`, `WG`; Dutch `Antw`, `Doorst`; Nordic `SV`,
/// `Svar`, `VS`, `VB`, `VL`, `Vs`; French `TR`, `RE`, `Réf`; Spanish and Portuguese `RV`, `RVF`,
/// `RES`, `Resp`, `ENC`; Italian `R`, `RIF`, `I`, `Inol`; Polish `Odp`, `PD`; Czech `Odp`, `PŘ`;
/// Hungarian `Vá`, `Továbbítás`; Turkish `Yn`, `Ynt`, `Yanıt`, `İlt`; Baltic `Atb`, `Pārs`,
/// `Ats`, `Pers`; Indonesian `Bls`, `Trs`; Greek `ΑΠ`, `ΣΧΕΤ`, `ΠΡΘ`, `ΠΡΟΩΘ`; Russian `Отв`,
/// `Ответ`, `Пересл`, `Пер`; Hebrew
/// `השב`, `הועבר`; Arabic `رد`; Chinese `回复`, `答复`, `回覆`, `转发`, `轉寄`; Japanese
/// `返信`, `転送`; Korean `회신`, `답장`, `전달`.
static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:(?:re|fw|fwd|aw|antwort|wg|sv|svar|vs|vb|vl|tr|rv|rvf|antw|doorst|odp|pd|př|res|resp|enc|rif|réf|ref|r|i|inol|vá|továbbítás|yn|ynt|yanit|yanıt|i̇lt|ilt|atb|pārs|ats|pers|bls|trs|απ|σχετ|πρθ|προωθ|отв|ответ|пересл|пер|השב|הועבר|رد|回复|答复|回覆|转发|轉寄|返信|転送|회신|답장|전달)\s*(?:\[\d+\]|\(\d+\)|\^\d+|\*\d+)?\s*[:：]|\[[^\]]{1,40}\]|【[^】]{1,20}】|\([^)]{0,3}ext[^)]{0,10}\)|\*+\s*ext(?:ernal)?\s*\*+|ext(?:ernal)?\s*:)",
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
            "Re[2]: Cost model",
            "RE(3): Cost model",
            "Re^2: Cost model",
            "AW: WG: Cost model",
            "Antw: Cost model",
            "Antwort: Cost model",
            "SV: VS: Cost model",
            "R: RIF: I: Cost model",
            "Odp: PD: Cost model",
            "ΑΠ: Cost model",
            "Απ: ΣΧΕΤ: Cost model",
            "回复: Cost model",
            "答复：Cost model",
            "转发: 回覆: Cost model",
            "Отв: Cost model",
            "RV: ENC: RES: Cost model",
            "[EXT] RE: Cost model",
            "[EXTERNAL] Re: Cost model",
            "*EXTERNAL* RE: Cost model",
            "**EXT** Cost model",
            "EXTERNAL: Re: Cost model",
            "(EXT) Re: Cost model",
            "【外部】Re: Cost model",
            "Re: [ops-list] Re: Cost model",
            "Ynt: Cost model",
            "Vá: Cost model",
            "회신: 전달: Cost model",
            "Yanit: Resp: Cost model",
            "Inol: PŘ: Rvf: Cost model",
            "Пер: Cost model",
            "Re*2: Cost model",
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
        for (subject, key) in [
            ("Reference: pricing model", "reference: pricing model"),
            ("Iris: pricing model", "iris: pricing model"),
            ("External audit: plan", "external audit: plan"),
            ("Trial: pricing model", "trial: pricing model"),
            ("Svartberg: pricing", "svartberg: pricing"),
            ("PR: launch pricing", "pr: launch pricing"),
        ] {
            assert_eq!(thread_subject(subject).as_deref(), Some(key), "{subject}");
        }
    }
}
