//! The words each kind of answer is told by, in English, German, French and Spanish. Each table
//! is a list of patterns over the lower-cased text; the first match is kept as evidence.

use crate::LostReason;
use regex::Regex;
use std::sync::LazyLock;

/// A table of alternatives compiled once.
pub(super) struct Cues(Regex);

impl Cues {
    fn new(alternatives: &[&str]) -> Cues {
        Cues(Regex::new(&format!(r"(?:{})", alternatives.join("|"))).expect("static pattern"))
    }

    /// The words that matched first, if any.
    pub(super) fn find<'t>(&self, text: &'t str) -> Option<&'t str> {
        self.0.find(text).map(|m| m.as_str())
    }

    /// The first match, with where it is.
    pub(super) fn find_at<'t>(&self, text: &'t str) -> Option<regex::Match<'t>> {
        self.0.find(text)
    }
}

macro_rules! cues {
    ($(#[$doc:meta])* $name:ident = [$($alt:literal),+ $(,)?]) => {
        $(#[$doc])*
        pub(super) static $name: LazyLock<Cues> = LazyLock::new(|| Cues::new(&[$($alt),+]));
    };
}

cues!(
    /// Do not contact me again (unsubscribe, remove me, stop), at once and everywhere.
    STOP = [
        r"\bunsubscribe",
        r"\bremove me\b",
        r"\btake me off\b",
        r"\bopt(?:ed)? out\b",
        r"\bstop (?:e-?mailing|contacting|sending|writing|messaging|calling|spamming)\b",
        r"\bplease stop\b",
        r"^stop\b",
        r"\b(?:do not|don't) (?:contact|e-?mail|write to|call|message) (?:me|us)\b",
        r"\bnever (?:e-?mail|contact|write to|call) (?:me|us) again\b",
        r"\b(?:report|mark|flag)(?:ing)? (?:this|you|it|these)? ?as spam\b",
        r"\bdelete my (?:data|details|information)\b",
        r"\bno more e-?mails\b",
        r"\bverteiler\b",
        r"\bstreichen sie mich\b",
        r"\bkeine weiteren (?:e-?mails|nachrichten|anfragen)\b",
        r"\bkontaktieren sie mich nicht\b",
        r"\bnicht mehr (?:kontaktieren|anschreiben)\b",
        r"\bne plus me (?:contacter|écrire|solliciter)\b",
        r"\bdésabonner\b",
        r"\bdesabonner\b",
        r"\bdésinscrire\b",
        r"\bno me (?:contacte|escriba)n? m[aá]s\b",
        r"\bdar(?:me)? de baja\b",
        r"\bdese de baja\b",
        r"\bremove my (?:address|e-?mail|details|data|name)\b",
        r"\bcease (?:all )?(?:contact|communications?|e-?mails)\b",
        r"(?:^|[.!?]\s+)stop[.!]*$",
        r"\bno m[aá]s (?:correos|e-?mails|mensajes)\b",
        r"\btake (?:me|my name|my address|us) off\b",
        r"\b(?:don't|do not) want (?:to receive )?any more\b",
        r"\bno longer (?:wish|want) to receive\b",
        r"\bhören sie (?:bitte )?auf\b",
        r"\bmich (?:bitte )?nicht mehr\b",
        r"\barrêtez de m'(?:envoyer|écrire)\b",
    ]
);

cues!(
    /// Absence notices a person or a tool wrote, beyond what the auto-reply wording knows.
    AWAY = [
        r"\bout sick\b",
        r"\bsick leave\b",
        r"\b(?:parental|maternity|paternity) leave\b",
        r"\bat a conference\b",
        r"\btravell?ing (?:this|next) week\b",
        r"\bno access to (?:my )?e-?mail\b",
        r"\bautomatic reply\b",
        r"\bwill (?:reply|respond) (?:when i'm back|on my return|tomorrow)\b",
        r"\bi'm on leave\b",
        r"\bkeinen zugriff\b",
        r"\bwieder erreichbar\b",
        r"\bde retour le\b",
        r"\bacceso limitado\b",
        r"\blimited (?:e-?mail )?access\b",
        r"^away (?:until|till)\b",
        r"\babsente? du bureau\b",
    ]
);

cues!(
    /// Someone else owns this now.
    REFERRAL = [
        r"\bowns (?:this|it) now\b",
        r"\bdecision maker now\b",
        r"\bnot the right person\b",
        r"\bwrong person\b",
        r"\bnot my (?:area|call|department|decision)\b",
        r"\b(?:talk|speak) (?:to|with)\b",
        r"\breach out to\b",
        r"\bget in touch with\b",
        r"\bmy replacement\b",
        r"\bhand(?:ing|ed)? (?:this |it )?(?:over|off) to\b",
        r"\bloop(?:ing)? in\b",
        r"\btake it from here\b",
        r"\b(?:sits|lies|belongs) with\b",
        r"\bdirect (?:this|it|your (?:email|message|request)) to\b",
        r"\bmoved to a (?:different|new) role\b",
        r"\bleft the company\b",
        r"\bcontact going forward\b",
        r"\btry (?:our|my|the)\b",
        r"\btry [a-z]+ in\b",
        r"\bwenden sie sich an\b",
        r"\bnicht mehr zuständig\b",
        r"\bansprechpartner(?:in)? ist\b",
        r"\bplus en charge\b",
        r"\badresser à\b",
        r"\bcontactez\b",
        r"\bya no llevo\b",
        r"\bya no estoy a cargo\b",
        r"\bhable con\b",
        r"\bcontacte (?:a|con)\b",
        r"\bse encarga\b",
        r"\badding (?:my colleague|in)\b",
        r"\bwho (?:handles|owns|runs|manages|leads|decides)\b",
        r"\bno longer (?:at|with)\b",
        r"\btry [a-z0-9._%+-]+@",
        r"\b(?:running|handling|leading|managing|owning) (?:this|it)(?: project)? now\b",
        r"\bcontacter\b",
        r"\bgère ce dossier\b",
        r"\bpassed (?:this|it) (?:on )?to\b",
        r"\b(?:will be|is now) your (?:main )?contact\b",
        r"\bspeaking (?:to|with)\b",
        r"\bkontaktieren sie\b",
    ]
);

cues!(
    /// Not now, come back later.
    DEFER = [
        r"\bcheck back\b",
        r"\breach out (?:again|in|after|next|around)\b",
        r"\bfollow(?:\s|-)?up (?:again |with me )?(?:in|after|next|around)\b",
        r"\brevisit\b",
        r"\bcircle back\b",
        r"\bpark (?:this|it)\b",
        r"\btouch base\b",
        r"\btry (?:me |us )?again\b",
        r"\bping me\b",
        r"\bcontact me (?:again )?(?:after|in)\b",
        r"\bnot (?:the right|a good|the best) time\b",
        r"\btiming isn't\b",
        r"\bnot (?:right )?now\b",
        r"\bmaybe (?:next|in)\b",
        r"\bwait until\b",
        r"\bthe earliest\b",
        r"\bask (?:me|us) again\b",
        r"\blocked in(?:to)?\b",
        r"\bput me down for\b",
        r"\bon (?:our|the) roadmap\b",
        r"\bget back in touch\b",
        r"\bno budget until\b",
        r"\bfreeze lifts\b",
        r"\bpick (?:it|this) (?:back )?up (?:in|after|next)\b",
        r"^later\b",
        r"\bpasst es nicht\b",
        r"\bmelden sie sich\b",
        r"\b(?:noch einmal|wieder) melden\b",
        r"\bnicht der richtige zeitpunkt\b",
        r"\berst ab\b",
        r"\bpas le bon moment\b",
        r"\brecontactez\b",
        r"\brevenez vers\b",
        r"\bplus tard\b",
        r"\bno es (?:buen|el) momento\b",
        r"\bescr[ií]bame de nuevo\b",
        r"\bvuelva a contactar",
        r"\bm[aá]s adelante\b",
        r"\bcall me (?:next|in|after)\b",
        r"\breconnect (?:then|in|after)\b",
        r"\btoo early\b",
        r"\bzu früh\b",
        r"\btrop tôt\b",
        r"\bdemasiado pronto\b",
        r"\bdespués de\b",
        r"\bpush (?:this|it) (?:to|until|back to)\b",
        r"\bfrag(?:en sie)? mich\b",
        r"\bcont[aá]cte(?:me|nos) de nuevo\b",
    ]
);

cues!(
    /// "Don't close it": the file stays open whatever else the reply says about closing.
    KEEP_OPEN = [
        r"\b(?:don't|do not|please don't|no need to) close\b",
        r"\bkeep (?:the file|it|this) (?:open|alive)\b",
        r"\bnot dead\b",
        r"\bnicht schließen\b",
        r"\bne fermez pas\b",
        r"\bno (?:lo )?cierre\b",
    ]
);

cues!(
    /// Yes, close the file.
    CLOSE = [
        r"\b(?:please |you can |go ahead and |can )?close (?:it|the file|this|the deal)\b",
        r"\bschließen\b",
        r"\bfermer\b",
        r"\bcerrar\b",
        r"\bci[ée]rrelo\b",
        r"\bclose (?:it |this |the (?:file|deal|opportunity) )?out\b",
        r"\bremove (?:this|it|us) from your pipeline\b",
    ]
);

cues!(
    /// Chose someone else or another way.
    COMPETITOR = [
        r"\b(?:went|gone|going|decided to go) with\b",
        r"\bsigned with\b",
        r"\b(?:chose|chosen|selected|picked)\b",
        r"\b(?:different|another|other) (?:direction|provider|vendor|solution|tool|way)\b",
        r"\ba competitor\b",
        r"\bin-?house\b",
        r"\banderen anbieter\b",
        r"\bchoisi\b",
        r"\bautre (?:solution|prestataire|fournisseur)\b",
        r"\botro proveedor\b",
        r"\belegido\b",
        r"\bla competencia\b",
        r"\bnos quedamos con\b",
    ]
);

cues!(
    /// No money for it.
    BUDGET = [
        r"\bno budget\b",
        r"\bbudget (?:was |got |has been |is )?(?:cut|frozen|slashed|gone)\b",
        r"\bcan't (?:justify|afford)\b",
        r"\b(?:price|cost) was too\b",
        r"\bwhat we can spend\b",
        r"\bshame about the price\b",
        r"\bkein budget\b",
        r"\bpas de budget\b",
        r"\bno tenemos presupuesto\b",
        r"\bsin presupuesto\b",
        r"\blost (?:the|our) (?:funding|budget)\b",
    ]
);

cues!(
    /// It no longer matters to them.
    PRIORITY = [
        r"\bno longer a priority\b",
        r"\bnot a priority\b",
        r"\bpriorities changed\b",
        r"\bshelved\b",
        r"\b(?:project|initiative) (?:is |was |has been )?(?:cancell?ed|dropped|killed)\b",
        r"\bdropping the (?:initiative|project)\b",
        r"\bon hold (?:permanently|indefinitely)\b",
        r"\bwon't happen\b",
        r"\bplus une priorité\b",
        r"\bkeine priorität\b",
        r"\bya no es (?:una )?prioridad\b",
        r"\b(?:killed|cancell?ed|scrapped) the (?:project|initiative|deal)\b",
    ]
);

cues!(
    /// What they have will do (PLAYBOOK.md: "we're all set").
    STATUS_QUO = [
        r"\bstick with (?:our|the) (?:current|existing)\b",
        r"\bhappy with what we have\b",
        r"\bprefers? the spreadsheet\b",
        r"\bkeep (?:our|the) (?:current|existing)\b",
        r"\b(?:we're|we are) all set\b",
        r"\brenew(?:ed|ing)? with\b",
        r"\bstay with (?:our|the) (?:current|existing)\b",
    ]
);

cues!(
    /// A plain no.
    DECLINE = [
        r"\bnot interested\b",
        r"\b(?:won't|will not|not) (?:be )?(?:moving|going) forward\b",
        r"\bdecided not to\b",
        r"\b(?:we'll|we will|have to|going to) pass\b",
        r"\bit's a no\b",
        r"\bwon't be buying\b",
        r"\bnot doing this\b",
        r"\bno thanks\b",
        r"\b(?:not|won't|will not) be proceeding\b",
        r"\bnot (?:going to )?proceed\b",
        r"\bne donnerons pas suite\b",
        r"\bpas intéressés?\b",
        r"\bkein interesse\b",
        r"\bno nos interesa\b",
        r"\bgegen\b.{0,40}\bentschieden\b",
        r"\bne pas (?:poursuivre|continuer|donner suite)\b",
        r"\bdecid\w* no\b",
    ]
);

cues!(
    /// Wants to continue.
    REVIVE = [
        r"\bstill (?:interested|keen|on|a priority|want)\b",
        r"\b(?:want|like|ready|happy|keen) to (?:move forward|proceed|go ahead|continue|keep going|run the pilot|start|get started)\b",
        r"\bmove forward\b",
        r"\bgo ahead with\b",
        r"\blet's (?:talk|do it|reconnect|pick|keep|find|meet|go|schedule|book|set|get|chat|speak)\b",
        r"\bcan we (?:talk|schedule|do|meet|chat|speak|set up|book)\b",
        r"\bcan you do\b",
        r"\b(?:call|ring) me\b",
        r"\bgive me a call\b",
        r"\b(?:are you|i'm|i am) free\b",
        r"\bworks for (?:me|us)\b",
        r"\bwe're in\b",
        r"\bbook (?:something|the|a)\b",
        r"\bsend (?:over )?the contract\b",
        r"\bsigned off\b",
        r"\bhappy to continue\b",
        r"\bthis is happening\b",
        r"\bwants? to see a demo\b",
        r"\bwe (?:still )?want this\b",
        r"^interested\b",
        r"\bweitermachen\b",
        r"\btelefonieren\b",
        r"\bpasst ihnen\b",
        r"\btoujours intéressés?\b",
        r"\bappelez-moi\b",
        r"\bvous convient\b",
        r"\bseguimos interesados\b",
        r"\bseguir adelante\b",
        r"\bhablamos\b",
        r"\ble va bien\b",
        r"\border form\b",
        r"\bnext steps\b",
        r"\bhablemos\b",
        r"\bgood to go\b",
        r"\bcount (?:us|me) in\b",
        r"\bwe want it\b",
        r"\bset up (?:the|a) (?:call|meeting|demo)\b",
        r"\bpaperwork\b",
    ]
);

cues!(
    /// Words that make a question about when to meet, not about the offer.
    SCHEDULING = [
        r"\b(?:call|talk|meet|chat|speak|demo|free|available|schedule|book|start|kickoff)\b",
        r"\bwhen can (?:we|you)\b",
        r"\bworks? for (?:you|me|us)\b",
        r"\b(?:monday|tuesday|wednesday|thursday|friday|tomorrow|next week)\b",
        r"\b\d{1,2}(?::\d{2})?\s?(?:am|pm|uhr|h)\b",
        r"\b(?:montag|dienstag|mittwoch|donnerstag|freitag|telefonieren|passt)\b",
        r"\b(?:lundi|mardi|mercredi|jeudi|vendredi|convient)\b",
        r"\b(?:lunes|martes|miércoles|jueves|viernes|hablamos|le va bien)\b",
        r"\b(?:order form|contract|paperwork|next steps|purchase order)\b",
    ]
);

cues!(
    /// An objection or a question asked without a question mark.
    OBJECTION = [
        r"\b(?:price|cost|it) is (?:the problem|too high|a (?:problem|concern|blocker))\b",
        r"\btoo expensive\b",
        r"\babove (?:what )?(?:we )?budget",
        r"\b(?:i'm|we're|i am|we are) (?:worried|concerned) about\b",
        r"\bwhy would\b",
        r"\bwon't accept\b",
        r"\basked (?:whether|if)\b",
        r"\bwondering (?:if|whether)\b",
        r"\bquick question\b",
        r"\bzu (?:hoch|teuer)\b",
        r"\btrop cher\b",
        r"\b(?:demasiado|muy) caro\b",
        r"\bworries me\b",
        r"\bmy (?:main )?concern\b",
        r"\bnot (?:sure|convinced) (?:the|it|this|that)\b",
    ]
);

/// Words that turn a wish to continue into its opposite when they come just before it
/// ("not ready to move forward", "no seguir adelante").
pub(super) static NEGATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:not|no|don't|won't|never|nicht|kein|keine|ne|pas|nunca|jamás)[^\w.!?;,]+(?:\w+[^\w.!?;,]+){0,2}$")
        .expect("static pattern")
});

/// A bare yes: after a breakup ("should I close the file?") it means close it.
pub(super) static BARE_YES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:yes|yep|yeah|yup|sure|correct|ja|oui|sí|si)(?:,? (?:please|bitte|por favor|s'il vous plaît))?[.!]*$")
        .expect("static pattern")
});

/// A bare no: after a breakup it means keep the file open.
pub(super) static BARE_NO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:no|nope|nah|don't|do not|nein|non)[.!]*$").expect("static pattern")
});

/// The lost reason the reply's words point to (PLAYBOOK.md, "Triage": timing, a missing
/// feature and budget are salvageable), with the words.
pub(super) fn lost_reason(text: &str) -> (LostReason, Option<&str>) {
    let tables: [(&LazyLock<Cues>, LostReason); 4] = [
        (&COMPETITOR, LostReason::Competitor),
        (&BUDGET, LostReason::Budget),
        (&PRIORITY, LostReason::NotAPriority),
        (&STATUS_QUO, LostReason::NoDecision),
    ];
    tables
        .iter()
        .find_map(|(cues, reason)| cues.find(text).map(|w| (*reason, Some(w))))
        .unwrap_or((LostReason::Other, None))
}
