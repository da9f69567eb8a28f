//! Auto-replies are not replies (HubSpot's sequences ignore out-of-office; Mixmax reschedules
//! after the return date), and list traffic is not an auto-reply.
//!
//! A message is taken for automatic by its headers first: RFC 3834 §5 `Auto-Submitted` (any
//! value but `no`), `X-Autoreply`/`X-Autorespond`/`X-Autoresponder`, `Precedence: auto_reply`,
//! iCloud's `X-Apple-Action: VACATION`, Exchange's `X-MS-Exchange-Generated-Message-Source` and
//! `X-Auto-Response-Suppress: All` (an Exchange out-of-office carries it with
//! `X-MS-Exchange-Inbox-Rules-Loop`; the loop header alone marks a message an inbox rule
//! forwarded: zammad/zammad's out-of-office filter spec and public forwarding examples).
//! `Precedence: bulk|list|junk` is not one of them: RFC
//! 3834 §3.1.8 asks responders to *send* nothing to such mail, and mailing lists stamp it on
//! every post, people's replies included (while it counted, none of 34 replies posted to lists
//! were read as replies). Nor is `X-Auto-Response-Suppress` with other values: Outlook and Office
//! 365 stamp `DR, RN, NRN, OOF, AutoReply` on mail people write (seen on public kernel-list
//! posts from Office 365 tenants).
//!
//! Without a header, the subject a mail program writes (`Automatic reply:`, `Out of Office:`,
//! Lotus Notes' `Name is out of the office.`) or the wording of the *new* text of a short
//! message decides: a first-person absence plus the formulas of an out-of-office ("thank you
//! for your message", "limited access to email", "for urgent matters please contact", "I will
//! reply on my return") in English, German, French or Spanish. A person who mentions a holiday,
//! answers an out-of-office, or quotes one below their answer is not an auto-reply (PLAYBOOK.md,
//! "Numbers from the field": sequences stop on a reply and ignore out-of-office, so taking a
//! reply for one loses it; auditbuffet ab-000611: wording filters take real replies for
//! auto-replies).
//!
//! A permanent auto-reply (left the company, no longer with, mailbox not monitored, retired,
//! "no longer using this email") carries the words and the successor it names
//! (oneshot-agent/oneshot-gtm#63: such notices must stop the cadence). A notice that the
//! person's *address* changed ("my new address is", "please update your records", "zukünftig
//! erreichen Sie mich unter", "ma nouvelle adresse", "mi nueva dirección"; sisimai's
//! set-of-emails rfc3834-05 is one, "zukünftig" and the address) retires only the old address
//! and carries the new one (`Departure::new_address`), the same person's other address.
//!
//! The return date is read from the text (`return_date_in`): the day named as the day they are
//! back, or the day after the last day of an absence ("from X until Y", "du X au Y inclus",
//! "del X al Y", "vom X bis Y", "X - Y"; warmbly/warmbly#512: the first date named is the
//! start of the range, not the return). No published crate reads return dates in these four
//! languages (the date parsers on crates.io read one English date and know nothing of ranges or
//! of which date is the return), so the reading is written here.

use super::Message;
use crate::EmailAddress;
use crate::reply::{Action, Reading, Referral, ReplyClass};
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

/// Why a message was taken for an auto-reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "by", content = "text", rename_all = "snake_case")]
pub enum AutoReplyEvidence {
    Header(String),
    Subject(String),
    Wording(String),
}

/// A permanent auto-reply: the person is gone from this address for good.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Departure {
    /// The words that say so ("is no longer with", "this mailbox is not monitored", "my new
    /// address is").
    pub words: String,
    /// The person the notice sends writers to, when it names one (name and/or address).
    pub successor: Option<Referral>,
    /// The same person's new address, when the notice says they moved address rather than
    /// left ("please update your records", "zukünftig erreichen Sie mich unter", "ma nouvelle
    /// adresse", "mi nueva dirección"): only the old address is retired, and this one is
    /// offered as the contact's other address, never as a successor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_address: Option<EmailAddress>,
}

/// An automatic answer, with the date the person is back when the text says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AutoReply {
    pub evidence: AutoReplyEvidence,
    /// The first day the person is back (may fall on a weekend: the engine places touches on
    /// the next working day).
    pub returns_on: Option<Date>,
    /// Set when the notice is permanent: stop writing to this address.
    pub departed: Option<Departure>,
}

/// Day and month order of numeric dates ("06/08/2002").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayOrder {
    /// 06/08 is 6 August (Europe, most of the world).
    DayFirst,
    /// 06/08 is June 8 (the United States).
    MonthFirst,
    /// Nothing says: a `/` date is read month first, a `.` date day first.
    Unknown,
}

fn header<'a>(headers: &[(&'a str, &'a str)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

/// Whether headers mark mailing-list or bulk traffic: a `List-Id` (RFC 2919) or `List-Post`
/// (RFC 2369), or `List-Unsubscribe` with `Precedence: list|bulk|junk`. A reply posted to a
/// list is still a person's reply; this only says where it travelled.
pub fn is_list_traffic(headers: &[(&str, &str)]) -> bool {
    let present = |n: &str| header(headers, n).is_some_and(|v| !v.is_empty());
    let precedence = header(headers, "Precedence")
        .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "list" | "bulk" | "junk"));
    present("List-Id") || present("List-Post") || (precedence && present("List-Unsubscribe"))
}

/// The header that marks a message automatic, as `name: value` (see the module doc for the
/// list and its sources). `list`: the message is list traffic, where headers the list passes
/// through from a poster's server (Exchange's rule and suppression headers) say nothing.
fn automatic_header(headers: &[(&str, &str)], list: bool) -> Option<String> {
    headers.iter().find_map(|(name, value)| {
        let (name, value) = (name.trim().to_lowercase(), value.trim().to_lowercase());
        let automatic = match name.as_str() {
            // RFC 3834 §5.1: "no" (possibly with comments or parameters) means a person.
            "auto-submitted" => {
                let token = value.split([';', '(', ' ']).next().unwrap_or("");
                !token.is_empty() && token != "no"
            }
            "x-autoreply" | "x-autorespond" | "x-autoresponder" => {
                !value.is_empty() && !matches!(value.as_str(), "no" | "false" | "0")
            }
            // Outlook.com: "Reply" on its automatic replies ("Forward" on rule forwards).
            "x-autogenerated" => value == "reply",
            "precedence" | "x-precedence" => matches!(value.as_str(), "auto_reply" | "auto-reply"),
            // Exchange's out-of-office carries "All"; people's Outlook mail other values.
            "x-auto-response-suppress" => !list && value == "all",
            // A message an Exchange mailbox rule generated ("Mailbox Rules Agent"). The rule
            // loop header alone marks a message a rule *forwarded* (Zammad's out-of-office
            // filter reads it so), which is the original sender's message, not an answer.
            "x-ms-exchange-generated-message-source" => !list && !value.is_empty(),
            // RFC 3834 §3.3: a response goes out with a null reverse path (so do bounces,
            // which are read before auto-replies).
            "return-path" => !list && value == "<>",
            // iCloud's vacation responder (sisimai/set-of-emails rfc3834-03).
            "x-apple-action" => value == "vacation",
            _ => false,
        };
        automatic.then(|| format!("{name}: {value}"))
    })
}

/// Subject prefixes mail programs write on an auto-reply, at the start of the subject.
const SUBJECT_PREFIXES: &[&str] = &[
    "out of office autoreply",
    "out of office auto reply",
    "out of office auto-reply",
    "out of office reply",
    "out of office",
    "out of the office",
    "automatic reply",
    "auto reply",
    "auto-reply",
    "autoreply",
    "auto response",
    "auto-response",
    "autoresponse",
    "abwesenheitsnotiz",
    "abwesenheit",
    "automatische antwort",
    "réponse automatique",
    "reponse automatique",
    "absence du bureau",
    "respuesta automática",
    "respuesta automatica",
    "fuera de la oficina",
    "fuera de oficina",
    // Without its last letter: a subject in a charset the reader could not decode keeps the
    // rest ("odpowied=BC" in ISO-8859-2).
    "automatyczna odpowied",
    "automatisch antwoord",
    "afwezigheidsbericht",
    "risposta automatica",
    "fuori ufficio",
    "resposta automática",
    "automatiskt svar",
    "automatisk svar",
    "automaattinen vastaus",
    "automatická odpověď",
    // Exchange's and Notes' short forms, only as a prefix ("OOF: Pilot", "Auto: Pilot").
    "oof",
    "ooo",
    "auto",
];

/// Lotus Notes and Domino: "Dana Reyes/Dublin/NW is out of the office." (the whole subject),
/// and its French and German forms "Dana REYES est absent(e)." and "Dana Reyes ist abwesend."
/// (an absence notice Notes sent to an R list, `eval/realmail` auto-172).
static NOTES_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[^:]{1,80}\b(?:is (?:currently )?out of (?:the )?office|est (?:actuellement )?absente?(?:\(e\))?|ist (?:derzeit |zurzeit |zur zeit )?(?:abwesend|außer haus|ausser haus|nicht im büro))\.?\s*(?:\(.*\))?$")
        .expect("static pattern")
});
/// A reply or forward prefix: a person answering (or passing on) an auto-reply.
static ANSWER_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:\[[^\]]*\]\s*)*(?:re|aw|sv|vs|antw|r|rif|tr|fw|fwd|wg|rv|enc)\s*(?:\[\d+\]|\(\d+\))?\s*:")
        .expect("static pattern")
});

/// Whether a subject is an answer's or a forward's ("Re:", "AW:", "SV:", "Antw:", "Re[2]:",
/// "[EXT] RE:"): the message answers an earlier one, whether or not the record holds it.
pub(crate) fn is_answer_subject(subject: &str) -> bool {
    ANSWER_PREFIX.is_match(subject)
}

/// An acknowledgement's whole subject: "Thank you for your e-mail".
static ACK_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:thank you|thanks|many thanks) for (?:your|you|the) (?:e-?mail|message|mail|enquiry|inquiry|note)\s*[.!]?$|^(?:vielen )?dank für ihre (?:e-?mail|nachricht)\s*[.!]?$|^merci (?:pour|de) votre (?:message|e-?mail|courriel)\s*[.!]?$|^gracias por su (?:mensaje|correo)\s*[.!]?$")
        .expect("static pattern")
});

static TAGS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\s*(?:\[[^\]]*\]|\*[^*]{1,20}\*)\s*)+").expect("static pattern")
});

/// The subject marker of an auto-reply, when the subject is one a mail program wrote.
fn subject_marker(subject: &str) -> Option<String> {
    let s = subject.trim();
    if ANSWER_PREFIX.is_match(s) {
        return None;
    }
    let lowered_original = s.to_lowercase();
    // Tags a gateway puts in front ("[EXT] Automatic reply: ...") are not the subject.
    let s = TAGS.replace(s, "");
    let lowered = s.to_lowercase();
    if let Some(p) = SUBJECT_PREFIXES.iter().find(|p| {
        lowered.strip_prefix(**p).is_some_and(|rest| {
            rest.is_empty() || rest.trim_start().starts_with([':', '-', '(', '['])
        })
    }) {
        return Some((*p).to_string());
    }
    if let Some(p) = SUBJECT_PREFIXES.iter().filter(|p| p.len() > 4).find(|p| {
        // GroupWise appends "(Out of Office)"; gateways bracket it: "[Automatic reply] ...".
        ['(', '['].iter().any(|open| {
            lowered_original
                .split(*open)
                .skip(1)
                .any(|inside| inside.trim_start().starts_with(**p))
        })
    }) {
        return Some((*p).to_string());
    }
    if ACK_SUBJECT.is_match(&s) {
        return Some("thank you for your message".to_string());
    }
    NOTES_SUBJECT
        .is_match(&s)
        .then(|| "is out of the office".to_string())
}

/// A subject that mentions an absence anywhere (weaker than `subject_marker`).
fn subject_mentions_absence(subject: &str) -> bool {
    let lowered = subject.to_lowercase();
    !ANSWER_PREFIX.is_match(subject)
        && SUBJECT_PREFIXES
            .iter()
            .filter(|p| p.len() > 4)
            .any(|p| lowered.contains(p))
}

/// Out-of-office wording, anywhere (used by the reply reader to spot absences).
pub(crate) static WORDING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(out of (the )?office|(on|annual) leave|on vacation|on holiday|away from (the |my )?(office|desk)|limited access to (my )?e-?mail|currently (away|travelling|traveling)|nicht im büro|außer haus|ausser haus|abwesend|im urlaub|je suis absente?|hors du bureau|en congés?|en vacances|nicht erreichbar|fuera de la oficina|de vacaciones|de baja|estaré fuera|estoy fuera|ausente)\b",
    )
    .expect("static pattern")
});

/// A present or future absence, said by the person or about them, or the notice's other way
/// of saying it: when the person is back ("I'll be back in the office on 17 July", "Ich bin am
/// 17. Juli wieder im Büro", "je serai de retour le 9").
static ABSENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:(?:i am|i'm|i’m|i will be|i'll be|i’ll be|i shall be|i will|is|am|are|will be|we are|we're)\s+(?:currently\s+|now\s+|presently\s+|also\s+)?(?:out of (?:the )?office|out of the country|ooo|away|on (?:\w+ )?leave|on (?:vacation|holidays?|pto|a business trip|business travel|sabbatical)|travell?ing|not in the office|not available|unavailable|absent|out)\b|(?:ich bin|bin ich|sind wir|ist)\b[^\n]{0,60}?\b(?:nicht im büro|abwesend|im urlaub|außer haus|ausser haus|auf dienstreise|nicht erreichbar|nicht im hause|in elternzeit)|\bje (?:suis|serai)\b[^\n]{0,40}?\b(?:absente?|en congés?|en vacances|hors du bureau|en déplacement|indisponible)|\b(?:estoy|estaré|me encuentro|estare)\b[^\n]{0,40}?\b(?:fuera de la oficina|de vacaciones|de baja|ausente|fuera|de viaje|no disponible)|\b(?:i will|i'll|i’ll|i shall) be back (?:in|at|to) (?:the |my )?(?:office|desk)\b|\b(?:ich bin|bin ich)\b[^\n]{0,40}?\bwieder (?:im büro|im hause|erreichbar|im dienst)\b|\bje serai de retour\b|\bestaré de (?:vuelta|regreso)\b)",
    )
    .expect("static pattern")
});
/// The formulas of an automatic absence notice: thanks for the message, no access to mail,
/// who to contact meanwhile, an answer on return, mail not read or forwarded.
static FORMULAS: LazyLock<[Regex; 4]> = LazyLock::new(|| {
    [
        r"(?i)\b(?:thank you|thanks|many thanks) for (?:your|the) (?:e-?mail|message|mail|note|enquiry|inquiry)\b|\bdank(?:e)? für ihre (?:e-?mail|nachricht|mail)|\bvielen dank für ihre (?:e-?mail|nachricht|mail)|\bmerci (?:pour|de) votre (?:message|e-?mail|courriel|mail)|\bgracias por (?:su|tu) (?:mensaje|correo|e-?mail)",
        r"(?i)\b(?:limited|no|without|intermittent|restricted|sporadic) access to (?:my )?e-?mails?\b|\b(?:upon|on|after) my return\b|\bwhen i (?:get back|return)\b|\b(?:will|shall|i'll|i’ll) (?:respond|reply|get back to you|answer)\b[^.\n]{0,60}\b(?:return|back|possible)|\bnach meiner rückkehr\b|\bkeinen zugriff auf\b|\bdès mon retour\b|\bà mon retour\b|\ba mi (?:regreso|vuelta|retorno)\b|\bsin acceso\b|\bsans accès\b",
        r"(?i)\b(?:for|with) (?:any )?(?:urgent|immediate|pressing)\b|\bif (?:this is |it is |it's |your (?:matter|request|enquiry|inquiry) is )?(?:urgent|an emergency)\b|\bin (?:urgent cases|case of (?:urgency|emergency))\b|\bin (?:dringenden|eiligen) fällen\b|\bbei dringenden\b|\ben cas d['’]urgence\b|\bpour toute (?:urgence|demande urgente)\b|\b(?:para|en) (?:asuntos |casos )?urgentes?\b|\ben caso de urgencia\b|\bplease contact my colleague\b",
        r"(?i)\bwill not be (?:forwarded|read|monitored)\b|\bwird nicht weitergeleitet\b|\bwerden nicht weitergeleitet\b|\bne (?:sera|seront) pas (?:transféré|transmis|lu)s?\b|\bno (?:será|serán) (?:reenviad|leíd)[oa]s?\b",
    ]
    .map(|p| Regex::new(p).expect("static pattern"))
});
/// Words only a machine writes about its own message ("this is an automatic reply", and the
/// Chinese and Japanese "自动回复", "自動返信" that QQ Mail and others write), not a
/// person's words about someone else's ("an automated message to the list").
static SELF_AUTOMATIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:this|it) (?:is|was) an? (?:automatic|automated|auto-?generated|auto)[ -]?(?:reply|response|message|e-?mail|notification|answer)\b|^\s*(?:automatic|automated|auto)[ -]?(?:reply|response)\b|\bdies ist eine automatische (?:antwort|nachricht|e-?mail)\b|\bceci est (?:une réponse|un message) automatique\b|\besta es una respuesta automática\b|\beste es un mensaje automático\b|自动回复|自動回覆|自動回复|自动答复|自動返信|自動応答")
        .expect("static pattern")
});
/// What people write and notices do not: the past ("I was out"), an answer or a question.
static PERSON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:i was|i've been|i have been|we were|just got back|back from|welcome back|hope (?:you|the|your)|sorry for (?:the|my) (?:late|slow|delayed)|sorry for the delay|works for (?:me|us)|sounds good|let's|let us|happy to|attached|ich war|j'étais|estuve|estaba|(?:will|i'll|i’ll|we'll) (?:review|look at|look into|send|check|read|call|sign|share|confirm|go through|take a look))\b|\bthanks,? (?-i:[A-Z])[a-z]+[!,.]|\?")
        .expect("static pattern")
});

/// An answer opening the text ("Yes.", "Sure,"): a notice never starts by answering.
static ANSWER_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:yes|no|yep|nope|sure|ok|okay|agreed|absolutely|of course|ja|nein|oui|non|sí|si)\b")
        .expect("static pattern")
});

/// A permanent absence: left, no longer with, the mailbox not monitored or closed, retired.
static PERMANENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:(?:is|am) no longer (?:with|employed|working|part of|a member of)\b|(?:is|am) no longer at (?-i:[A-Z])|no longer works? (?:for|at|with)\b|(?:has|have|had) (?:now )?left (?:the |our |this )?(?:company|organi[sz]ation|firm|business|team|group|agency)\b|has (?:now )?left (?-i:[A-Z])\w+|left the (?:company|organi[sz]ation|firm|business)|(?:mailbox|inbox|e-?mail address|e-?mail account|address|account|e-?mail) (?:is|will) (?:no longer|not) (?:be )?(?:monitored|active|in use|checked|valid|read|maintained)|(?:mailbox|inbox|e-?mail address|e-?mail account) (?:has been |was |is now |is )?(?:closed|deactivated|decommissioned|shut down)\b|\bis no longer (?:being )?monitored\b|no longer (?:using|monitoring|checking|in use|active)\b[^.\n]{0,20}|(?:has|have) retired|(?:i am|i'm|i’m) (?:now )?retired|retired from|nicht mehr (?:bei|für|im unternehmen|in unserem unternehmen|tätig|beschäftigt|im hause|aktiv)\b|hat (?:das unternehmen|uns|die firma|unser unternehmen) verlassen|ist (?:aus dem unternehmen )?ausgeschieden|in den (?:wohlverdienten )?ruhestand|(?:postfach|e-?mail-?adresse|adresse) (?:ist|wird) nicht mehr|ne fait plus partie|a quitté (?:la société|l['’]entreprise|notre société|le groupe|ses fonctions)|n['’]est plus (?:en poste|chez|au sein|dans|employée?|joignable à cette adresse)|n['’]est plus (?:active|consultée|utilisée)|(?:pris sa|à la|partie? à la) retraite|ya no (?:trabaja|forma parte|está|pertenece) (?:en|con|de|a)\b|ha dejado (?:la|nuestra) (?:empresa|compañía|organización)|dejó la empresa|ya no (?:está activ[oa]|se revisa|se utiliza|se consulta)|se ha jubilado|jubilad[oa])",
    )
    .expect("static pattern")
});
/// Of the permanent phrases, those only a notice writes (a person who left says "I have left").
static PERMANENT_NOTICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:mailbox|inbox|address|account|e-?mail) (?:is|will) (?:no longer|not) (?:be )?(?:monitored|active|in use|checked|read|maintained)|(?:mailbox|inbox|e-?mail address|e-?mail account) (?:has been |was |is now |is )?(?:closed|deactivated|decommissioned|shut down)\b|\bis no longer (?:being )?monitored\b|no longer (?:using|monitoring|checking) this|(?:postfach|adresse) (?:ist|wird) nicht mehr|n['’]est plus (?:active|consultée|utilisée)|ya no (?:está activ[oa]|se revisa|se utiliza|se consulta)")
        .expect("static pattern")
});

/// A notice that the person's address changed for good (they did not leave): English, German,
/// French and Spanish forms of "my new address is", "please update your records", "you can
/// reach me at ... from now on". Read only beside an address in the text.
static ADDRESS_MOVED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\bmy (?:new )?e-?mail(?: address)? (?:has changed|is changing|changed|is now|will be)\b|\bmy new (?:e-?mail |mail |work |business )?address\b|\bnew (?:e-?mail|mail) address\b|\b(?:e-?mail )?address has (?:been )?changed\b|\bplease update your (?:records|address book|contacts|contact (?:list|details|information)|mailing list|distribution list|crm)\b|\b(?:i can|i may|can|may) (?:now |henceforth |from now on )?be reached at\b|\b(?:i am|i'm|i’m) now (?:reachable|available) at\b|\b(?:zukünftig|künftig|ab sofort|ab jetzt)\b[^\n.]{0,40}?\berreichen sie mich\b|\b(?:zukünftig|künftig|ab sofort|désormais|dorénavant|en adelante|from now on)\s*:?\s*[A-Za-z0-9._%+-]+@|\bmeine neue (?:e-?mail-?)?adresse\b|\bneue (?:e-?mail-?|mail-?)adresse\b|\b(?:e-?mail-?)?adresse hat sich geändert\b|\bbitte (?:aktualisieren|ändern) sie\b[^\n.]{0,40}?\b(?:adressbuch|kontakt|adresse|daten)|\bma nouvelle adresse\b|\bnouvelle adresse (?:e-?mail|électronique|mail|courriel)\b|\bmon adresse (?:e-?mail |électronique |mail |courriel )?a changé\b|\bmerci de (?:mettre à jour|modifier) (?:vos|votre)\b|\bje suis désormais joignable\b|\bmi nueva dirección\b|\bnueva dirección de (?:correo|e-?mail)\b|\bmi (?:dirección de )?correo(?: electrónico)? ha cambiado\b|\bpor favor,? actualice\b|\ba partir de ahora\b[^\n.]{0,40}?\b(?:escríbame|escribame|contácteme|contacteme)\b",
    )
    .expect("static pattern")
});

/// The new address an address-change notice gives: the first address in the text that is not
/// `own` (the sender's), looked for after the notice's words first, then before them.
fn moved_to(
    text: &str,
    words: &regex::Match<'_>,
    own: Option<&EmailAddress>,
) -> Option<EmailAddress> {
    let found = |part: &str| -> Option<EmailAddress> {
        crate::reply::addresses_in(part)
            .into_iter()
            .find(|a| own.is_none_or(|o| !o.as_str().eq_ignore_ascii_case(a.as_str())))
    };
    found(&text[words.start()..]).or_else(|| found(&text[..words.start()]))
}

/// Words that say the old address stops working: "this address will no longer work", "my
/// old address will be closed", "meine alte Adresse ist ab Juni nicht mehr erreichbar", "mon
/// ancienne adresse ne sera plus active", "mi antigua dirección dejará de funcionar".
static OLD_STOPS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:old|current|this|previous|former|the other) (?:e-?mail |mail |work )?(?:address|account|mailbox|inbox|one)\b[^.\n]{0,40}?\b(?:will (?:no longer|not|stop)|won['’]t|(?:is|goes|will go|will be|is being|gets) (?:going away|away|closed|deactivated|shut down|switched off|retired|deleted|removed)|stops? working|no longer (?:works?|active|monitored|in use)|(?:is|will be) (?:no longer|not) (?:monitored|active|read|checked|in use))|\b(?:alte|bisherige) (?:e-?mail-?)?adresse\b[^.\n]{0,60}?\bnicht mehr\b|\b(?:ancienne|actuelle) adresse\b[^.\n]{0,60}?\bne sera plus\b|\b(?:antigua|anterior) dirección\b[^.\n]{0,60}?\b(?:dejará de|ya no)\b")
        .expect("static pattern")
});

/// A new address a person's own reply gives for themselves ("Sounds good. BTW my new address
/// is dana@northwind-group.example, please use it from now on"). Read by the importer beside
/// the reply's reading: the new address is offered as a suggested contact; the old one is
/// retired (`Action::StopAddress`) only when the text says it stops working (`old_stops`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressChange {
    pub to: EmailAddress,
    pub old_stops: bool,
}

/// The address change a text announces, with `own` (the sender's address, when known) never
/// taken for the new one: the words of an address-change notice (`ADDRESS_MOVED`, English,
/// German, French and Spanish) beside an address in the text. `None` when the text gives no
/// new address.
pub fn address_change(text: &str, own: Option<&EmailAddress>) -> Option<AddressChange> {
    let words = ADDRESS_MOVED.find(text)?;
    let to = moved_to(text, &words, own)?;
    Some(AddressChange {
        to,
        old_stops: OLD_STOPS.is_match(text) || PERMANENT_NOTICE.is_match(text),
    })
}

/// The short answers a person opens a reply with ("Yes.", "Sounds good -", "OK, thanks.",
/// "D'accord.", "Vale, perfecto."): an automatic notice never opens by answering.
const ANSWER_OPENINGS: &[&str] = &[
    "yes",
    "yep",
    "yeah",
    "yup",
    "no",
    "nope",
    "sure",
    "ok",
    "okay",
    "agreed",
    "absolutely",
    "of course",
    "sounds good",
    "sounds great",
    "great",
    "perfect",
    "fine",
    "fine by me",
    "works for me",
    "that works",
    "will do",
    "go ahead",
    "got it",
    "noted",
    "done",
    "excellent",
    "thanks",
    "thank you",
    "many thanks",
    "cheers",
    "understood",
    "ja",
    "nein",
    "gerne",
    "passt",
    "einverstanden",
    "alles klar",
    "danke",
    "oui",
    "non",
    "d'accord",
    "parfait",
    "entendu",
    "très bien",
    "merci",
    "sí",
    "si",
    "vale",
    "perfecto",
    "de acuerdo",
    "claro",
    "gracias",
];

/// Whether a text opens with a person's short answer (`ANSWER_OPENINGS`), alone in its first
/// clause or followed by one word (a name: "Thanks Alex."), never by "for" ("Thank you for
/// your message" is a notice's formula).
fn opens_with_answer(text: &str) -> bool {
    let lowered = text.trim_start().to_lowercase().replace('’', "'");
    let clause = lowered
        .split(['.', '!', '?', ',', ';', ':', '\n', '-', '–'])
        .next()
        .unwrap_or("")
        .trim();
    let clause: Vec<&str> = clause.split_whitespace().collect();
    ANSWER_OPENINGS.iter().any(|opening| {
        let words: Vec<&str> = opening.split(' ').collect();
        clause.len() >= words.len()
            && clause[..words.len()] == words[..]
            && match &clause[words.len()..] {
                [] => true,
                [one] => !matches!(*one, "for" | "für" | "pour" | "por"),
                _ => false,
            }
    })
}

/// New text longer than this is a person's message whatever words it holds: notices are short.
const SHORT: usize = 1500;

/// Decides whether a message is an automatic reply. `headers` are (name, value) pairs;
/// `text` is the message's *new* text (`mail::new_text`); `sent` is the message's date, to
/// resolve dates without a year or relative ones. Numeric dates follow the Date header's zone
/// when it is among `headers`, else the text's language.
pub fn auto_reply(
    headers: &[(&str, &str)],
    subject: &str,
    text: &str,
    sent: Date,
) -> Option<AutoReply> {
    decide(headers, subject, text, sent, None)
}

/// `auto_reply` for a parsed message: its automatic headers, subject, the new text of its body
/// and the sender's domain (whose country hints at day/month order).
pub fn auto_reply_to(message: &Message, new_text: &str, sent: Date) -> Option<AutoReply> {
    let headers: Vec<(&str, &str)> = message
        .automatic_headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let own = message.from.as_ref();
    let auto = decide(&headers, &message.subject, new_text, sent, own)?;
    Some(AutoReply {
        departed: auto.departed.map(|d| Departure {
            successor: d.successor.filter(|s| {
                s.address.as_ref() != own
                    && !message
                        .reply_to
                        .iter()
                        .any(|r| Some(r) == s.address.as_ref())
            }),
            ..d
        }),
        ..auto
    })
}

fn decide(
    headers: &[(&str, &str)],
    subject: &str,
    text: &str,
    sent: Date,
    own: Option<&EmailAddress>,
) -> Option<AutoReply> {
    let list = is_list_traffic(headers);
    let order = day_order(text, header(headers, "Date"), own.map(|a| a.domain()));
    let moved = ADDRESS_MOVED
        .find(text)
        .and_then(|m| moved_to(text, &m, own).map(|to| (m, to)));
    let evidence = if let Some(h) = automatic_header(headers, list) {
        AutoReplyEvidence::Header(h)
    } else if let Some(marker) = subject_marker(subject) {
        AutoReplyEvidence::Subject(marker)
    } else {
        AutoReplyEvidence::Wording(wording(subject, text, sent, order, moved.is_some())?)
    };
    // A notice that names a return is an absence, never a departure: stopping a contact on
    // a misread holiday costs the deal, while a missed departure only delays the stop.
    let returns_on = return_date_in(text, sent, order);
    // A person who left the company is gone whatever address they give; an address that is
    // no longer used, with a new one, is the same person moved.
    let left = PERMANENT
        .find(text)
        .filter(|m| !PERMANENT_NOTICE.is_match(m.as_str()));
    if let Some((words, to)) = moved.filter(|_| left.is_none() && returns_on.is_none()) {
        return Some(AutoReply {
            evidence,
            returns_on,
            departed: Some(Departure {
                words: words.as_str().trim().to_string(),
                successor: None,
                new_address: Some(to),
            }),
        });
    }
    let departed = PERMANENT
        .find(text)
        .filter(|_| returns_on.is_none())
        .map(|m| {
            let rest = &text[m.start()..];
            Departure {
                words: m.as_str().trim().to_string(),
                // Only a successor with an address: a name alone may be the person who left.
                successor: crate::reply::referral_in(rest, 0..m.len())
                    .filter(|r| r.address.is_some())
                    .map(|r| Referral {
                        name: r.name.map(|n| spelled_as_written(rest, &n)),
                        ..r
                    }),
                new_address: None,
            }
        });
    Some(AutoReply {
        evidence,
        returns_on,
        departed,
    })
}

/// What a permanent auto-reply does to its deal, as a reading the rep can override: the
/// sender is not written to again (`Action::DoNotContact`, the path a stop takes, so drafts,
/// the engine and the outbox all skip them). Nothing else moves: the successor the notice
/// names is kept in the reading (`referral`) for the caller to offer as a suggested contact.
/// The reading is an out-of-office (an automatic absence, here for good), never a reply that
/// moves the deal; its evidence quotes the notice. Source: oneshot-agent/oneshot-gtm#63 (a
/// "no longer with" notice must stop the cadence) and PLAYBOOK.md, "Warning signs" (a deal
/// needs someone with clout: the successor named is the way to stay multi-threaded).
///
/// A notice that the person moved address (`Departure::new_address`) retires only the old
/// address (`Action::StopAddress`): the person is still the deal's contact, and the new
/// address is for the caller to offer as their other address.
pub fn departure_plan(departed: &Departure) -> (Reading, Vec<Action>) {
    let mut evidence = vec![format!("permanent auto-reply: {}", departed.words)];
    if let Some(to) = &departed.new_address {
        evidence.push(format!("new address: {to}"));
    }
    let reading = Reading {
        class: ReplyClass::OutOfOffice,
        confident: true,
        evidence,
        lost_reason: None,
        until: None,
        proposal: None,
        referral: departed.successor.clone(),
        back_on: None,
    };
    let action = if departed.new_address.is_some() {
        Action::StopAddress
    } else {
        Action::DoNotContact
    };
    (reading, vec![action])
}

/// A name as the text writes it ("Ana García") when `name` was read from an address
/// ("Ana Garcia"): the same words once accents are set aside.
fn spelled_as_written(text: &str, name: &str) -> String {
    let fold = super::address::fold_accents;
    let wanted = fold(name);
    let words = name.split_whitespace().count();
    let all: Vec<&str> = text.split_whitespace().collect();
    all.windows(words.max(1))
        .map(|w| {
            w.iter()
                .map(|x| x.trim_matches(|c: char| !c.is_alphabetic()))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .find(|candidate| fold(candidate) == wanted)
        .unwrap_or_else(|| name.to_string())
}

/// Whether a reply's text reads as an absence notice rather than a person mentioning an
/// absence (the wording test of `auto_reply`, without headers or subject): for the reply
/// reader, so "I'm on holiday until Monday but happy to talk Tuesday" stays a reply.
pub(crate) fn reads_as_notice(text: &str, sent: Date) -> bool {
    let text = text.trim();
    wording("", text, sent, day_order(text, None, None), false).is_some()
        || (text.chars().count() <= 200 && !PERSON.is_match(text))
}

/// The wording that makes a short new text an automatic notice, or `None` for a person.
fn wording(subject: &str, text: &str, sent: Date, order: DayOrder, moved: bool) -> Option<String> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > SHORT {
        return None;
    }
    // "Yes. I'm away until the 17th": a person answering, who mentions an absence; their
    // answer must not be ignored as an out-of-office. Headers and the subject still mark a
    // real notice before this is asked.
    if opens_with_answer(text) {
        return None;
    }
    if let Some(m) = SELF_AUTOMATIC
        .find(text)
        .or_else(|| PERMANENT_NOTICE.find(text))
    {
        return Some(m.as_str().to_string());
    }
    // "My new address is ...; please update your records": a notice when nothing in it
    // answers or asks anything (a person's reply that mentions a new address stays a reply).
    if moved
        && !PERSON.is_match(text)
        && !ANSWER_START.is_match(text)
        && let Some(m) = ADDRESS_MOVED.find(text)
    {
        return Some(m.as_str().to_string());
    }
    let absence = ABSENCE
        .find(text)
        .or_else(|| PERMANENT.find(text).filter(|_| subject.is_empty()))?;
    let mut score = 2;
    score += 2 * FORMULAS.iter().filter(|f| f.is_match(text)).count() as i32;
    if subject_mentions_absence(subject) {
        score += 2;
    }
    if return_date_in(text, sent, order).is_some() {
        score += 1;
    }
    score -= 2 * PERSON.find_iter(text).count().min(2) as i32;
    if ANSWER_START.is_match(text) {
        score -= 2;
    }
    let sentences = text
        .split(['.', '!', '?', '\n'])
        .filter(|s| s.trim().chars().any(char::is_alphabetic))
        .count();
    // A bare "I am out of the office until 5 June." is a notice; more text needs formulas.
    let needed = if sentences <= 2 { 3 } else { 4 };
    (score >= needed).then(|| absence.as_str().to_string())
}

pub(crate) const MONTHS: &[(&str, i8)] = &[
    ("january", 1),
    ("jan", 1),
    ("januar", 1),
    ("janvier", 1),
    ("enero", 1),
    ("jänner", 1),
    ("february", 2),
    ("feb", 2),
    ("februar", 2),
    ("février", 2),
    ("fevrier", 2),
    ("febrero", 2),
    ("march", 3),
    ("mar", 3),
    ("märz", 3),
    ("maerz", 3),
    ("mars", 3),
    ("marzo", 3),
    ("april", 4),
    ("apr", 4),
    ("avril", 4),
    ("abril", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("june", 6),
    ("jun", 6),
    ("juni", 6),
    ("juin", 6),
    ("junio", 6),
    ("july", 7),
    ("jul", 7),
    ("juli", 7),
    ("juillet", 7),
    ("julio", 7),
    ("august", 8),
    ("aug", 8),
    ("août", 8),
    ("aout", 8),
    ("agosto", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("october", 10),
    ("oct", 10),
    ("oktober", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("november", 11),
    ("nov", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("december", 12),
    ("dec", 12),
    ("dezember", 12),
    ("décembre", 12),
    ("decembre", 12),
    ("diciembre", 12),
];

const WEEKDAYS: &[(&str, Weekday)] = &[
    ("monday", Weekday::Monday),
    ("tuesday", Weekday::Tuesday),
    ("wednesday", Weekday::Wednesday),
    ("thursday", Weekday::Thursday),
    ("friday", Weekday::Friday),
    ("saturday", Weekday::Saturday),
    ("sunday", Weekday::Sunday),
    ("montag", Weekday::Monday),
    ("dienstag", Weekday::Tuesday),
    ("mittwoch", Weekday::Wednesday),
    ("donnerstag", Weekday::Thursday),
    ("freitag", Weekday::Friday),
    ("samstag", Weekday::Saturday),
    ("sonntag", Weekday::Sunday),
    ("lundi", Weekday::Monday),
    ("mardi", Weekday::Tuesday),
    ("mercredi", Weekday::Wednesday),
    ("jeudi", Weekday::Thursday),
    ("vendredi", Weekday::Friday),
    ("samedi", Weekday::Saturday),
    ("dimanche", Weekday::Sunday),
    ("lunes", Weekday::Monday),
    ("martes", Weekday::Tuesday),
    ("miércoles", Weekday::Wednesday),
    ("miercoles", Weekday::Wednesday),
    ("jueves", Weekday::Thursday),
    ("viernes", Weekday::Friday),
    ("sábado", Weekday::Saturday),
    ("sabado", Weekday::Saturday),
    ("domingo", Weekday::Sunday),
    ("tues", Weekday::Tuesday),
    ("thurs", Weekday::Thursday),
    ("mon", Weekday::Monday),
    ("tue", Weekday::Tuesday),
    ("wed", Weekday::Wednesday),
    ("thu", Weekday::Thursday),
    ("fri", Weekday::Friday),
];

fn alternation(words: impl Iterator<Item = &'static str>) -> String {
    let mut all: Vec<&str> = words.collect();
    all.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    all.join("|")
}

/// One date expression: full, numeric, partial (a weekday and a day, a bare ordinal day, a
/// weekday), relative ("tomorrow", "next week") or a holiday.
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let month = alternation(MONTHS.iter().map(|(m, _)| *m));
    let wd = alternation(WEEKDAYS.iter().map(|(w, _)| *w));
    let art = r"(?:(?:the|le|el|den|dem|zum)\s+)?";
    Regex::new(&format!(
        r"(?i)\b(?:(?P<iso>\d{{4}}-\d{{1,2}}-\d{{1,2}})|(?:(?P<wd1>{wd})\.?,?\s+)?{art}(?P<d1>\d{{1,2}})(?:st|nd|rd|th|er|\.|º)?\s*(?:of\s+|de\s+)?(?P<m1>{month})\b\.?(?:,?\s*(?:de\s+)?(?P<y1>\d{{4}}))?|(?:(?P<wd2>{wd})\.?,?\s+)?(?P<m2>{month})\.?\s+{art}(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-–]\s*(?P<d2e>\d{{1,2}})(?:st|nd|rd|th)?)?\b(?:,?\s+(?P<y2>\d{{4}})\b)?|(?:(?P<wd3>{wd})\.?,?\s+)?{art}(?P<n1>\d{{1,2}})(?P<sep>[/.])(?P<n2>\d{{1,2}})(?:[/.](?P<ny>\d{{4}}|\d{{2}}))?\b\.?|(?P<wd4>{wd})\.?,?\s+{art}(?P<d4>\d{{1,2}})(?:st|nd|rd|th|er|\.)?(?:\b|$)|(?:the|le|el|den|dem|zum)\s+(?P<d5>\d{{1,2}})(?:st|nd|rd|th|er|\.)?(?:\b|$)|(?P<wd6>{wd})\b|(?P<rel>tomorrow|morgen|demain|mañana|next week|nächste[n]? woche|la semaine prochaine|la próxima semana|la semana que viene)|(?P<hol>thanksgiving|christmas|xmas|new year['’]?s?(?: day)?|weihnachten|neujahr|noël|noel|navidad|año nuevo))"
    ))
    .expect("static pattern")
});

/// Words before a date that make it the day after the last day away (a range's end).
static RANGE_GAP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*,?\s*(?:-|–|—|to|until|till|through|thru|and|bis(?:\s+(?:zum|einschließlich|einschliesslich|inklusive))?|und|au|al|jusqu['’]au|et|hasta(?:\s+el)?|y)\s*(?:(?:the|le|el|den|dem|zum)\s+)?$")
        .expect("static pattern")
});
/// "24 - ", "du 24 au ", "vom 24. bis ": the date that follows ends a range.
static PARTIAL_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b\d{1,2}(?:st|nd|rd|th|er|\.)?\s*(?:-|–|to|until|till|through|au|al|bis(?:\s+zum)?|jusqu['’]au|hasta(?:\s+el)?)\s*(?:(?:the|le|el|den|zum)\s+)?$")
        .expect("static pattern")
});
/// "will not return until", "won't be back before", "nicht vor dem": the date is the return.
static NOT_UNTIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\bnot|n['’]t|\bnicht|\bne|\bno)\b[^.\n]{0,40}?\b(?:until|till|before|vor|avant|hasta|antes del?|erst)\s*(?:(?:the|le|el|den|dem)\s+)?$|\berst (?:wieder )?(?:am|ab)\s*(?:dem\s+)?$")
        .expect("static pattern")
});
/// "until", "bis", "jusqu'au", "hasta": the date is the last day away.
static UNTIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?P<word>until|till|through|thru|up to and including|bis(?:\s+(?:zum|einschließlich|einschliesslich|inklusive|und mit))?|jusqu['’](?:au|à)|hasta(?:\s+el)?)\s*(?:(?:the|le|el|den|dem)\s+)?$")
        .expect("static pattern")
});
/// "back on", "returning", "ab", "de retour le", "à partir du", "regreso el": the date is the
/// return.
static BACK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\b(?:back|return|returning|returns|available|reachable|zurück|wieder|erreichbar|retour|regreso|regresaré|regresare|vuelvo|volveré|volvere|de vuelta|reincorporo|reincorporaré)\b[^.\n;]{0,30}?\s(?:on|from|by|as of|am|ab|le|el|the|dem|den|du|del|in|at)?|\b(?:ab|à partir du|a partir del?|dès le|as of)|\b(?:back|return|returning|zurück|wieder|retour|regreso|vuelvo)\b)\s*(?:(?:the|le|el|den|dem)\s+)?$")
        .expect("static pattern")
});
/// German word order puts the return after the date: "Ich bin am 17. Juli wieder im Büro",
/// "ab Montag, 3. Juni, wieder erreichbar" (realmail auto-173).
static BACK_AFTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*,?\s*(?:wieder|zurück)\b").expect("static pattern"));
/// "during the week of", "la semaine du", "die Woche vom", "la semana del".
static WEEK_OF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:week of|semaine du|woche vom|semana del)\s*(?:(?:the|le|el|den|dem)\s+)?$",
    )
    .expect("static pattern")
});
/// "out of the office Friday", "off on Monday", "absent le lundi": the date right after an
/// absence word is the one day away.
static AWAY_ON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:out of (?:the )?office|out|off|away|not in(?: the office)?|on leave|absente?|ausente|fuera de la oficina)\s+(?:on\s+|le\s+|el\s+)?$")
        .expect("static pattern")
});
static AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:after|nach|après|después de)\s*(?:the\s+)?$").expect("static pattern")
});

pub(crate) fn month_number(name: &str) -> Option<i8> {
    let n = name.to_lowercase();
    MONTHS.iter().find(|(m, _)| *m == n).map(|(_, v)| *v)
}

fn weekday(name: &str) -> Option<Weekday> {
    let n = name.to_lowercase();
    WEEKDAYS.iter().find(|(w, _)| *w == n).map(|(_, d)| *d)
}

fn is_working_day(d: Date) -> bool {
    !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The first working day on or after `d` (Saturday and Sunday are not).
pub fn working_day_on_or_after(d: Date) -> Date {
    let mut day = d;
    while !is_working_day(day) {
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => return d,
        }
    }
    day
}

/// The language a text is written in, as far as day/month order goes: German, French or
/// Spanish words outnumbering English ones mean day first.
fn european_text(text: &str) -> Option<bool> {
    const EN: &[&str] = &[
        "the", "and", "i", "am", "of", "to", "will", "be", "my", "until", "office",
    ];
    const EU: &[&str] = &[
        "ich", "bin", "und", "nicht", "der", "die", "das", "im", "bis", "je", "suis", "le", "la",
        "les", "et", "du", "au", "jusqu", "estoy", "el", "hasta", "y", "los", "las", "del", "de",
    ];
    let (mut en, mut eu) = (0, 0);
    for word in text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(300)
    {
        let w = word.to_lowercase();
        en += usize::from(EN.contains(&w.as_str()));
        eu += usize::from(EU.contains(&w.as_str()));
    }
    match (en, eu) {
        (0, 0) => None,
        (en, eu) if eu > en => Some(true),
        (en, eu) if en > eu => Some(false),
        _ => None,
    }
}

/// The zone offset, in hours, at the end of an RFC 5322 Date header ("... +0100").
fn zone_hours(date_header: &str) -> Option<i32> {
    let last = date_header
        .split_whitespace()
        .rev()
        .find(|w| w.starts_with(['+', '-']) && w.len() == 5)?;
    let sign = if last.starts_with('-') { -1 } else { 1 };
    let hours: i32 = last.get(1..3)?.parse().ok()?;
    Some(sign * hours)
}

/// Day/month order for a sender: the language of the text (German, French or Spanish: day
/// first), the country of the domain (`.us`: month first; European, Commonwealth and Latin
/// American country domains: day first), then the Date header's zone (UTC-4 to UTC-10, the
/// United States and Canada: month first; UTC-1 and east of it: day first).
pub fn day_order(text: &str, date_header: Option<&str>, domain: Option<&str>) -> DayOrder {
    if european_text(text) == Some(true) {
        return DayOrder::DayFirst;
    }
    let tld = domain
        .and_then(|d| d.rsplit('.').next())
        .map(str::to_ascii_lowercase);
    match tld.as_deref() {
        Some("us") => return DayOrder::MonthFirst,
        Some(
            "uk" | "ie" | "de" | "at" | "ch" | "fr" | "be" | "nl" | "lu" | "es" | "pt" | "it"
            | "dk" | "se" | "no" | "fi" | "pl" | "cz" | "au" | "nz" | "in" | "za" | "br" | "ar"
            | "mx" | "cl" | "co" | "pe" | "eu" | "gr" | "ro" | "hu" | "sk" | "si" | "hr" | "sg"
            | "il" | "tr" | "ru" | "ua",
        ) => return DayOrder::DayFirst,
        _ => {}
    }
    match date_header.and_then(zone_hours) {
        Some(h) if (-10..=-4).contains(&h) => DayOrder::MonthFirst,
        Some(h) if (-1..=14).contains(&h) => DayOrder::DayFirst,
        _ => DayOrder::Unknown,
    }
}

/// A date without a year: the next such date on or after `sent`, when that is within 200
/// days; further off, the date has just passed and the notice is stale (no one announces a
/// return most of a year ahead).
fn place(year: Option<i16>, month: i8, day: i8, sent: Date) -> Option<Date> {
    match year {
        Some(y) => Date::new(y, month, day).ok(),
        None => {
            // The last day away may be the day before the message (back the day it was sent).
            let earliest = sent.yesterday().unwrap_or(sent);
            let this_year = Date::new(sent.year(), month, day).ok()?;
            let next = if this_year >= earliest {
                this_year
            } else {
                Date::new(sent.year().checked_add(1)?, month, day).ok()?
            };
            (next <= sent.checked_add(200.days()).ok()?).then_some(next)
        }
    }
}

/// The next date after `sent` with day `day`: this month's when it is still ahead, else the
/// next month that has that day. With a weekday (`on`: "Monday 23rd") the date must fall on
/// it; when it does not, the words name no date we can trust (the sender may mean another
/// month, or mistyped), and none is guessed: a wrong return date is worse than none.
fn next_day_of_month(day: i8, on: Option<Weekday>, sent: Date) -> Option<Date> {
    let next = (0..=2i32).find_map(|k| {
        let first = sent.first_of_month().checked_add(k.months()).ok()?;
        Date::new(first.year(), first.month(), day)
            .ok()
            .filter(|d| *d > sent)
    })?;
    on.is_none_or(|w| next.weekday() == w).then_some(next)
}

fn next_weekday(on: Weekday, sent: Date) -> Option<Date> {
    let mut d = sent.tomorrow().ok()?;
    for _ in 0..7 {
        if d.weekday() == on {
            return Some(d);
        }
        d = d.tomorrow().ok()?;
    }
    None
}

/// A holiday's date on or after `sent`, and the first day back after it.
fn holiday(name: &str, sent: Date) -> Option<(Date, Date)> {
    let n = name.to_lowercase();
    let in_year = |y: i16| -> Option<(Date, Date)> {
        if n.contains("thanksgiving") {
            // US Thanksgiving: the fourth Thursday of November; back the Monday after.
            let first = Date::new(y, 11, 1).ok()?;
            let offset = (3 - first.weekday().to_monday_zero_offset() + 7) % 7;
            let day = first.checked_add(i64::from(offset + 21).days()).ok()?;
            Some((day, day.checked_add(4.days()).ok()?))
        } else if n.contains("christ")
            || n == "xmas"
            || n.contains("weihnacht")
            || n.starts_with("no")
            || n.contains("navidad")
        {
            let day = Date::new(y, 12, 25).ok()?;
            Some((day, working_day_on_or_after(Date::new(y, 12, 27).ok()?)))
        } else {
            let day = Date::new(y, 1, 1).ok()?;
            Some((day, working_day_on_or_after(Date::new(y, 1, 2).ok()?)))
        }
    };
    let this = in_year(sent.year())?;
    if this.0 >= sent {
        Some(this)
    } else {
        in_year(sent.year() + 1)
    }
}

/// What a date expression's words make of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// The day they are back.
    Back,
    /// The last day away: back the day after.
    LastDay,
    /// English "until Monday, August 26": back on that working day.
    UntilNamedDay,
    /// Away on that one day ("out of the office Friday"): back the next working day.
    AwayOn,
    /// Away the week of that day ("during the week of November 29"): back the Monday after.
    WeekOf,
}

/// The date a person is back, from out-of-office text, in an unknown locale (see
/// `return_date_in`).
pub fn return_date(text: &str, sent: Date) -> Option<Date> {
    return_date_in(text, sent, day_order(text, None, None))
}

/// The first day the person is back, from out-of-office text sent on `sent`, or `None` when
/// the text names no return. The day after the last day of a range or of "until X" (without a
/// weekday: "until May 20" leaves May 20 out of reach); the day itself after "back on",
/// "returning", "ab", "de retour le", "regreso el", "will not return until", and English
/// "until <weekday> <date>" when that day is a working day. Partial and relative
/// dates resolve against `sent`; `order` sets numeric day/month order; no answer is before
/// `sent`.
pub fn return_date_in(text: &str, sent: Date, order: DayOrder) -> Option<Date> {
    // One accepted range for every date (`time::EARLIEST` to `time::LATEST`): a mangled year
    // ("200 2", "9999") names no return.
    return_date_unchecked(text, sent, order)
        .filter(|d| (crate::time::EARLIEST..=crate::time::LATEST).contains(d))
}

fn return_date_unchecked(text: &str, sent: Date, order: DayOrder) -> Option<Date> {
    let mut previous_end: Option<usize> = None;
    let (mut explicit, mut inferred, mut weak): (Option<Date>, Option<Date>, Option<Date>) =
        (None, None, None);
    for caps in DATE.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        let from = previous_end
            .unwrap_or(0)
            .max(whole.start().saturating_sub(80));
        let lead = &text[floor_boundary(text, from)..whole.start()];
        // Within the sentence: a paragraph break, a semicolon or a full stop ends it.
        let lead = lead.rsplit("\n\n").next().unwrap_or(lead);
        let lead = lead.rsplit(';').next().unwrap_or(lead);
        let lead = match lead.rfind(". ") {
            Some(i) if !lead[..i].ends_with(|c: char| c.is_ascii_digit()) => &lead[i + 1..],
            _ => lead,
        };
        let after_previous = previous_end
            .and_then(|p| text.get(p..whole.start()))
            .is_some_and(|gap| RANGE_GAP.is_match(gap));
        previous_end = Some(whole.end());
        let named_weekday = ["wd1", "wd2", "wd3", "wd4", "wd6"]
            .iter()
            .find_map(|n| caps.name(n))
            .and_then(|w| weekday(w.as_str()));
        let role = if caps.name("hol").is_some() && AFTER.is_match(lead) {
            let Some((_, back)) = holiday(caps.name("hol")?.as_str(), sent) else {
                continue;
            };
            if back >= sent {
                explicit = explicit.or(Some(back));
            }
            continue;
        } else if after_previous || PARTIAL_RANGE.is_match(lead) || caps.name("d2e").is_some() {
            Role::LastDay
        } else if NOT_UNTIL.is_match(lead) {
            Role::Back
        } else if let Some(until) = UNTIL.captures(lead) {
            let english = until
                .name("word")
                .is_some_and(|w| matches!(w.as_str().to_lowercase().as_str(), "until" | "till"));
            if english && named_weekday.is_some() {
                Role::UntilNamedDay
            } else {
                Role::LastDay
            }
        } else if BACK.is_match(lead)
            || text
                .get(whole.end()..)
                .is_some_and(|after| BACK_AFTER.is_match(after))
        {
            Role::Back
        } else if WEEK_OF.is_match(lead) {
            Role::WeekOf
        } else if AWAY_ON.is_match(lead) {
            Role::AwayOn
        } else {
            continue;
        };
        let Some(date) = resolve(&caps, sent, order, named_weekday) else {
            continue;
        };
        let back = match role {
            Role::Back => date,
            Role::UntilNamedDay if is_working_day(date) => date,
            Role::LastDay | Role::UntilNamedDay => match date.tomorrow() {
                Ok(d) => d,
                Err(_) => continue,
            },
            Role::AwayOn => match date.tomorrow() {
                Ok(d) => working_day_on_or_after(d),
                Err(_) => continue,
            },
            Role::WeekOf => {
                let to_monday = 7 - i64::from(date.weekday().to_monday_zero_offset());
                match date.checked_add(to_monday.days()) {
                    Ok(d) => d,
                    Err(_) => continue,
                }
            }
        };
        if back < sent {
            continue;
        }
        match role {
            Role::Back => explicit = explicit.or(Some(back)),
            Role::AwayOn => weak = weak.or(Some(back)),
            _ => inferred = inferred.or(Some(back)),
        }
    }
    // A day named as the return wins over one inferred from the last day away ("until Monday
    // 7th, returning Tuesday 8th"), and that over a single day away (which may be a range's
    // first day: "out of office August 3 - August 14").
    explicit.or(inferred).or(weak)
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The calendar date an expression names, against `sent`.
fn resolve(
    caps: &regex::Captures<'_>,
    sent: Date,
    order: DayOrder,
    named_weekday: Option<Weekday>,
) -> Option<Date> {
    let number = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<i16>().ok());
    if let Some(iso) = caps.name("iso") {
        return iso.as_str().parse().ok();
    }
    if let (Some(d), Some(m)) = (number("d1"), caps.name("m1")) {
        return place(
            number("y1"),
            month_number(m.as_str())?,
            i8::try_from(d).ok()?,
            sent,
        );
    }
    // "July 10-31": the range's last day.
    if let (Some(d), Some(m)) = (number("d2e").or(number("d2")), caps.name("m2")) {
        return place(
            number("y2"),
            month_number(m.as_str())?,
            i8::try_from(d).ok()?,
            sent,
        );
    }
    if let (Some(a), Some(b)) = (number("n1"), number("n2")) {
        let (a, b) = (i8::try_from(a).ok()?, i8::try_from(b).ok()?);
        let year = number("ny").map(|y| if y < 100 { 2000 + y } else { y });
        let slash = caps.name("sep").is_some_and(|s| s.as_str() == "/");
        let month_first = match order {
            DayOrder::MonthFirst => true,
            DayOrder::DayFirst => false,
            DayOrder::Unknown => slash,
        };
        let (first, second) = if month_first {
            ((a, b), (b, a))
        } else {
            ((b, a), (a, b))
        };
        // The locale's reading first; the other when the first is no date or is before the
        // message.
        return [first, second]
            .into_iter()
            .filter_map(|(month, day)| place(year, month, day, sent))
            .find(|d| *d >= sent.yesterday().unwrap_or(sent));
    }
    if let Some(d) = number("d4").or(number("d5")) {
        return next_day_of_month(i8::try_from(d).ok()?, named_weekday, sent);
    }
    if let Some(w) = caps.name("wd6") {
        return next_weekday(weekday(w.as_str())?, sent);
    }
    if let Some(rel) = caps.name("rel") {
        let r = rel.as_str().to_lowercase();
        if matches!(r.as_str(), "tomorrow" | "morgen" | "demain" | "mañana") {
            return sent.tomorrow().ok();
        }
        let to_monday = 7 - i64::from(sent.weekday().to_monday_zero_offset());
        return sent.checked_add(to_monday.days()).ok();
    }
    if let Some(h) = caps.name("hol") {
        return holiday(h.as_str(), sent).map(|(day, _)| day);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn return_dates_in_four_languages() {
        let sent = d("2026-05-08");
        let cases = [
            (
                "I am out of the office and back on Monday 12 May.",
                "2026-05-12",
            ),
            ("Out of office until 5/14.", "2026-05-15"),
            (
                "I'm away until May 20th, with limited access to email.",
                "2026-05-21",
            ),
            ("Returning on 2026-06-01.", "2026-06-01"),
            (
                "I will be back in the office on the 18th of May",
                "2026-05-18",
            ),
            ("Ich bin bis zum 15. Mai nicht im Büro.", "2026-05-16"),
            ("Ich bin ab 19.05. wieder erreichbar.", "2026-05-19"),
            ("Je suis absent jusqu'au 5 juin.", "2026-06-06"),
            (
                "Je suis absente, de retour le lundi 1er juin.",
                "2026-06-01",
            ),
            (
                "Estoy fuera de la oficina hasta el 5 de junio.",
                "2026-06-06",
            ),
            (
                "Estaré de vacaciones, regreso el 10 de junio de 2026.",
                "2026-06-10",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(
                return_date(text, sent).map(|x| x.to_string()),
                Some(expected.to_string()),
                "{text}"
            );
        }
        assert_eq!(return_date("Thanks, let's talk next week.", sent), None);
        assert_eq!(
            return_date("Out of office until 3/14.", sent),
            None,
            "a date just passed is a stale notice, not next year's"
        );
        assert_eq!(
            return_date("Out of office until 1/4.", d("2026-12-21")),
            Some(d("2027-01-05")),
            "across the new year"
        );
        assert_eq!(
            return_date("Back on 31 February.", sent),
            None,
            "not a date"
        );
    }

    #[test]
    fn recognised_by_headers_subject_or_wording() {
        let sent = d("2026-05-08");
        let by_header = auto_reply(
            &[("Auto-Submitted", "auto-replied")],
            "Re: proposal",
            "I'm away.",
            sent,
        )
        .unwrap();
        assert_eq!(
            by_header.evidence,
            AutoReplyEvidence::Header("auto-submitted: auto-replied".into())
        );
        assert!(
            auto_reply(
                &[("Auto-Submitted", "no")],
                "Re: proposal",
                "Sounds good, Tuesday works.",
                sent
            )
            .is_none()
        );
        assert!(auto_reply(&[("X-Autoreply", "yes")], "Re: x", "", sent).is_some());
        assert!(auto_reply(&[("Precedence", "auto_reply")], "Re: x", "", sent).is_some());
        let by_subject = auto_reply(
            &[],
            "Automatische Antwort: Angebot",
            "Ich bin bis 15.05. abwesend.",
            sent,
        )
        .unwrap();
        assert_eq!(by_subject.returns_on, Some(d("2026-05-16")));
        assert!(auto_reply(&[], "Réponse automatique : devis", "", sent).is_some());
        let by_wording = auto_reply(
            &[],
            "Re: proposal",
            "Hi, I'm on leave until May 20 with no access to email.",
            sent,
        )
        .unwrap();
        assert!(matches!(by_wording.evidence, AutoReplyEvidence::Wording(_)));
        assert_eq!(by_wording.returns_on, Some(d("2026-05-21")));
    }

    #[test]
    fn a_person_mentioning_the_office_is_still_a_reply() {
        let long = format!(
            "I was out of office last week, sorry for the delay. {}",
            "We reviewed the numbers with finance and want to move ahead. ".repeat(12)
        );
        assert!(auto_reply(&[], "Re: proposal", &long, d("2026-05-08")).is_none());
        assert!(
            auto_reply(
                &[],
                "Re: proposal",
                "Yes, Thursday at 10 works for me.",
                d("2026-05-08")
            )
            .is_none()
        );
    }

    #[test]
    fn an_address_change_is_a_move_not_a_departure() {
        let sent = d("2026-11-25");
        let own = EmailAddress::parse("dana@northwind.example").unwrap();
        let cases = [
            (
                "Meine E-Mail-Adresse hat sich geändert. Zukünftig erreichen Sie mich unter dana.reyes@northwind-group.example.\n\nBitte aktualisieren Sie Ihr Adressbuch.",
                "dana.reyes@northwind-group.example",
            ),
            (
                "Bonjour, veuillez noter ma nouvelle adresse : dana@marchand-groupe.example. Merci de mettre à jour vos contacts.",
                "dana@marchand-groupe.example",
            ),
            ("zukünftig\nkarl@hanz.example", "karl@hanz.example"),
            (
                "Hola, mi nueva dirección de correo es dana@grupo-norte.example. Por favor, actualice sus contactos.",
                "dana@grupo-norte.example",
            ),
            (
                "This mailbox is no longer monitored. My new address is dana.reyes@northwind-freight.example - please update your records.",
                "dana.reyes@northwind-freight.example",
            ),
        ];
        for (text, new) in cases {
            let auto = decide(&[], "Re: Pilot", text, sent, Some(&own))
                .unwrap_or_else(|| panic!("a notice: {text}"));
            let departed = auto.departed.expect(text);
            assert_eq!(
                departed
                    .new_address
                    .as_ref()
                    .map(|a| a.to_string())
                    .as_deref(),
                Some(new),
                "{text}"
            );
            assert_eq!(departed.successor, None, "{text}");
            assert_eq!(departure_plan(&departed).1, vec![Action::StopAddress]);
        }
        // Someone who left gives an address at the new employer: still a departure.
        let left = decide(
            &[("Auto-Submitted", "auto-replied")],
            "Automatic reply: Pilot",
            "Dana has left the company. Please contact Priya Natarajan at priya@northwind.example.",
            sent,
            Some(&own),
        )
        .unwrap();
        assert_eq!(left.departed.unwrap().new_address, None);
        // A person's reply that mentions a new address is a reply.
        assert!(
            decide(
                &[],
                "Re: Pilot",
                "Sounds good, Thursday works. My new address is dana@northwind-group.example.",
                sent,
                Some(&own)
            )
            .is_none()
        );
    }

    #[test]
    fn list_precedence_is_not_automatic() {
        let list = [("Precedence", "bulk"), ("List-Id", "<dev.lists.example>")];
        assert!(is_list_traffic(&list));
        assert!(auto_reply(&list, "Re: Plugin release", "All set.", d("2017-10-29")).is_none());
        let outlook = [("X-Auto-Response-Suppress", "DR, RN, NRN, OOF, AutoReply")];
        assert!(auto_reply(&outlook, "Re: pilot", "Thursday works.", d("2026-05-08")).is_none());
    }
}

#[cfg(test)]
mod answer_tests {
    use super::*;

    #[test]
    fn a_short_answer_that_mentions_an_absence_is_a_person() {
        let sent: Date = "2026-11-25".parse().unwrap();
        for text in [
            "Yes, go ahead. I am on leave until 12/04 with limited access to email.",
            "OK, thanks. I'm on vacation until January 4th with no access to email.",
            "Sounds good - I'm out of the office until Monday 30th, back on Tuesday.",
            "Perfect. Ich bin bis 4.12. im Urlaub.",
            "D'accord. Je suis absent jusqu'au 4 décembre.",
            "Vale, perfecto. Estoy de vacaciones hasta el 4 de diciembre.",
            "Thanks Alex. Out of office until Friday with limited access to email.",
        ] {
            assert!(auto_reply(&[], "Re: Pilot", text, sent).is_none(), "{text}");
        }
        for text in [
            "Thank you for your message. I am out of the office until 4 December with limited access to email.",
            "Thanks for your email. I'm on annual leave until Monday 30 November.",
            "Hello, I am out of the office until 4 December. For urgent matters please contact my colleague.",
        ] {
            assert!(auto_reply(&[], "Re: Pilot", text, sent).is_some(), "{text}");
        }
        // Headers still decide: an answer-shaped text under an auto-reply header is automatic.
        assert!(
            auto_reply(
                &[("Auto-Submitted", "auto-replied")],
                "Re: Pilot",
                "OK. Away until Monday.",
                sent
            )
            .is_some()
        );
    }
}
