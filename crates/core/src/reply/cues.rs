//! The words each kind of answer is told by, in English, German, French and Spanish. Each table
//! is a list of patterns over the lower-cased text; the first match is kept as evidence.
//!
//! Tables come in two strengths: an EXPLICIT cue says
//! the answer outright ("close the file", "we signed with X", "remove me", "check back in Q3",
//! "still interested", "X owns this now") and may move a deal on its own; a WEAK cue (names
//! `*_WEAK`: "picked", "talk to", "let's talk", a time alone, a reason given without a
//! decision) only points to an answer, and the reading it decides waits for the rep.
//!
//! Each pattern is a family: one form of answer (a verb and its objects, a kind of request),
//! written as word classes and alternatives, in one language or several. No pattern is a
//! sentence copied from a reply, and each earns its place on more than one labelled line: the
//! audit (`eval::audit_cues`, `rekindle replies eval --cues`) counts what every pattern matches
//! in every set, and a test holds the tables to it.

use crate::LostReason;
use regex::Regex;
use std::sync::LazyLock;

/// A table of alternatives compiled once.
pub(super) struct Cues {
    regex: Regex,
    patterns: Vec<&'static str>,
}

impl Cues {
    fn new(alternatives: &[&'static str]) -> Cues {
        Cues {
            regex: Regex::new(&format!(r"(?:{})", alternatives.join("|"))).expect("static pattern"),
            patterns: alternatives.to_vec(),
        }
    }

    /// The table's patterns, one by one.
    pub(super) fn patterns(&self) -> &[&'static str] {
        &self.patterns
    }

    /// The words that matched first, if any.
    pub(super) fn find<'t>(&self, text: &'t str) -> Option<&'t str> {
        self.regex.find(text).map(|m| m.as_str())
    }

    /// Every match, in order.
    pub(super) fn find_all<'t>(&self, text: &'t str) -> impl Iterator<Item = regex::Match<'t>> {
        self.regex.find_iter(text)
    }

    /// The first match, with where it is.
    pub(super) fn find_at<'t>(&self, text: &'t str) -> Option<regex::Match<'t>> {
        self.regex.find(text)
    }
}

macro_rules! cues {
    ($(#[$doc:meta])* $name:ident = [$($alt:literal),+ $(,)?]) => {
        $(#[$doc])*
        pub(super) static $name: LazyLock<Cues> = LazyLock::new(|| Cues::new(&[$($alt),+]));
    };
}

cues!(
    /// Do not contact me again (unsubscribe, remove me, stop, delete my data, GDPR erasure),
    /// at once and everywhere: always explicit, and a stop whatever else the reply says. Each
    /// is the sender's own request (first person or imperative), never the instructions of a
    /// list footer.
    STOP = [
        // EN: unsubscribe or opt me out, asked in the first person or as an imperative
        r"^unsubscribe\b|\b(?:please|(?:i|we)(?:'d| would)? (?:like|want|wish|need) to|how (?:do|can) (?:i|we)) (?:unsubscribe|opt out)\b|\bunsubscribe (?:me|us)\b|\bopt (?:me|us) out\b|\b(?:i|we) (?:opt|opted) out\b",
        // EN: remove me, take me off (a list, a sequence), (be) removed from your list
        r"\bremove me\b|\btake (?:me|us|my name|my address) off\b|\bremoved? (?:me |us |my (?:name|address|e-?mail) )?from (?:your (?:mailing |e-?mail |contact |distribution )?(?:list|database|sequence|cadence)|(?:the|this) (?:mailing|e-?mail|contact|distribution) list)\b",
        // EN: stop, cease or discontinue contacting or the emails, a bare "stop", or I report you as spam
        r"\bstop (?:e-?mailing|contacting|sending (?:me|us)|writing to (?:me|us)|messaging|calling|spamming)\b|\b(?:cease|discontinue|stop)(?: with)?(?: (?:all|these|those|your|the|further|multiple))* (?:contact|communications?|e-?mails|messages|mails)\b|\bplease stop(?: (?:it|this|now))?(?:[.!,;]|$)|(?:^|[.!?]\s+)stop[.!]*$|\b(?:(?:i'll|i will|i'm going to|i am going to|i have|i've) (?:report|mark|flag)(?:ed|ing)?|reported) (?:(?:this|you|it|these) )?as spam\b",
        // EN: do not / never contact me (any verb of contact), no more mail
        r"\b(?:don't|do not|please don't|never) (?:reach out to|get in touch with|bother|follow up with|contact|e-?mail|write to|call|message) (?:me|us)\b|\b(?:don't|do not|please don't|never) (?:reach out|get in touch)\b[^.!?]{0,15}\bagain\b|\bno more e-?mails\b|\b(?:don't|do not) want (?:to (?:receive|get) )?any more (?:e-?mails|messages|mails?|of these|calls)\b|\bno longer (?:wish|want) to receive\b",
        // EN: delete, erase, remove my data (a verb of erasure and my or our details, ending there); any language: the data-protection law and a word of erasure, or the right to be forgotten
        r"\b(?:delete|erase|remove|purge|wipe)(?: all)?(?: of)? (?:my (?:personal |contact )?(?:data|details|information|info|e-?mail(?: address)?|address|records?)|our (?:personal |contact )(?:data|details|information|info))(?:[.!,;]|$| (?:from|in) your| please| and| now)|\bremove my (?:address|e-?mail|details|name)\b|\b(?:gdpr|dsgvo|rgpd)\b[^.!?]{0,60}\b(?:eras|delet|remov|lösch|suppr|effac|borr|elimin|supres)|\b(?:right to (?:be forgotten|erasure)|recht auf (?:vergessenwerden|löschung)|droit à l'oubli|derecho (?:al olvido|de supresión))\b",
        // DE: do not contact or write to me (any more), stop, remove me, delete my data
        r"\b(?:kontaktieren|schreiben|rufen|belästigen|mailen) sie (?:mich|mir|uns) (?:bitte )?nicht(?: mehr)?\b|\b(?:mich|uns) (?:bitte )?nicht mehr (?:zu )?(?:kontaktieren|anschreiben|anrufen|belästigen)\b|\bhören sie (?:bitte )?auf\b|\bkeine (?:weiteren (?:e-?mails|nachrichten|anfragen|anrufe)|(?:e-?mails|nachrichten|anfragen|anrufe|kontaktaufnahmen?) mehr)\b|\b(?:nehmen|streichen|entfernen|löschen) sie (?:mich|uns)\b|\b(?:löschen sie|bitte löschen|löschung) (?:\w+ ){0,2}(?:meine[rn]?|unsere[rn]?) (?:daten|kontaktdaten|adresse|e-?mail-?adresse)\b|\b(?:meine|unsere) (?:daten|kontaktdaten|adresse|e-?mail-?adresse) (?:\w+ ){0,3}löschen\b",
        // FR: do not write to or contact me any more, remove or unsubscribe me, delete my data
        r"\bne (?:m'|me |nous )?(?:écrivez|contactez|envoyez|sollicitez|appelez) plus\b|\bne plus (?:me|nous) (?:contacter|écrire|solliciter)\b|\barrêtez de (?:m'|me |nous )(?:envoyer|écrire|contacter|solliciter)\b|\b(?:retirez|supprimez|effacez|enlevez|désinscrivez|désabonnez)[- ](?:moi|nous)\b|\b(?:me|nous) (?:retirer|supprimer|enlever) (?:de|des)\b|\b(?:me|nous) (?:désabonner|desabonner|désinscrire)\b|\b(?:supprimer|effacer|supprimez|effacez) (?:mes|nos) (?:données|coordonnées|informations)\b",
        // ES: do not contact or write to me again, no more mail, take me off, delete my data
        r"\bno (?:me|nos) (?:contacte|escriba|llame)n? m[aá]s\b|\bno (?:vuelva|vuelvan) a (?:contactar|escribir|llamar)(?:me|nos)\b|\bno m[aá]s (?:correos|e-?mails|mensajes)\b|\b(?:darme|denme|darnos|dennos|dese|den) de baja\b|\bde baja (?:mi|nuestro|nuestra|este|esta) (?:correo|e-?mail|dirección|cuenta)\b|\b(?:s[aá]quen(?:me|nos)|qu[ií]ten(?:me|nos)|b[oó]rren(?:me|nos)) de\b|\b(?:borre|borren|elimine|eliminen|suprima|supriman) (?:mis|nuestros) (?:datos|contactos|correos)\b",
    ]
);

/// Lines a mailing list or a bulk sender adds under a message ("To unsubscribe, e-mail ...",
/// "You received this message because ..."): instructions, not the sender asking to stop.
/// Such lines are left out before the reply is read.
pub(super) static FOOTER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:(?:^|[.!]\s+)\W*(?:to|if you (?:wish|want|would like) to|you can|you may) unsubscribe\b|\bunsubscribe (?:here|link|at|from this|by)\b|[a-z0-9]-unsubscribe@|\bunsubscribe:|https?://\S*unsubscribe|\byou (?:are )?receiv(?:ed|ing) this\b|\bmanage (?:your )?(?:subscription|preferences)|\bclick (?:here )?to (?:unsubscribe|opt out)|\bfor additional commands\b|\bif you (?:no longer|don't|do not) (?:wish|want) to receive\b|\bsi vous ne (?:souhaitez|voulez) plus recevoir\b|\bsi (?:no|ya no) desea (?:seguir )?recibir\b|\bwenn sie (?:diese|keine)\b.{0,40}\berhalten (?:möchten|wollen)\b|\bpara (?:darse|dar) de baja\b|\bpour vous désabonner\b|\bum (?:sich )?ab(?:zu)?melden\b|\bpara darse de baja\b|\bpara cancelar (?:la|su) suscripci)",
    )
    .expect("static pattern")
});

cues!(
    /// Absence notices a person or a tool wrote, beyond what the auto-reply wording knows.
    AWAY = [
        // EN: ill, on leave of any kind
        r"\bout sick\b|\b(?:sick|parental|maternity|paternity|medical) leave\b|\bi(?:'m| am) on leave\b",
        // EN: travelling, at a conference, without mail
        r"\bat a conference\b|\btravell?ing (?:this|next) week\b|\bno access to (?:my )?e-?mail\b|\blimited (?:e-?mail )?access\b",
        // EN: the wording of a notice
        r"\bautomatic reply\b|\bwill (?:reply|respond) (?:when i'm back|when i return|on my return|upon my return|tomorrow)\b|^away (?:until|till)\b",
        // DE, FR, ES: not reachable, back on, out of the office
        r"\bkeinen zugriff\b|\b(?:wieder|nicht) erreichbar\b|\bde retour le\b|\babsente? (?:du bureau|jusqu'(?:au|à))|\bacceso limitado\b|\bde baja hasta\b",
    ]
);

cues!(
    /// Someone else owns this now, said outright: the sender has left or moved, or names the
    /// new owner.
    REFERRAL = [
        // EN: someone owns, runs or handles it now; is your contact now
        r"\b(?:owns|runs|handles|manages|leads|running|handling|leading|managing|owning) (?:this|it)(?: project)? now\b|\bdecision maker now\b|\b(?:will be|is now) your (?:main |new )?contact\b|\bcontact going forward\b",
        // EN: not the right person, not my area
        r"\bnot the right (?:person|contact)\b|\bwrong (?:person|contact)\b|\bnot my (?:area|call|department|decision|remit)\b",
        // EN: I left or moved, no longer there or responsible; my successor, handed over
        r"\bmy (?:replacement|successor)\b|\bhand(?:ing|ed)? (?:this |it )?(?:over|off) to\b|\bmoved (?:to|into) (?:a )?(?:different|new|another) (?:role|team|position|department)\b|\b(?:i've|i have|i) left (?:the company|the firm|the business|[a-z]+ (?:last|this) (?:week|month))\b|\b(?:i'm|i am|is|she's|he's|she is|he is) no longer (?:at|with|working (?:at|for|on)|responsible|in charge)\b|\b(?:i|she|he) no longer works? (?:at|for|here|there|with|on)\b",
        // DE, FR, ES: no longer responsible, the new contact is
        r"\bnicht mehr (?:zuständig|verantwortlich|bei)\b|\b(?:neue[rn]? )?ansprechpartner(?:in)? (?:ist|wird)\b|\bplus (?:en charge|responsable)\b|\bgère (?:ce|le) dossier\b|\bya no (?:llevo|estoy a cargo|soy (?:el|la) responsable|trabajo)\b|\bse encarga\b",
    ]
);

cues!(
    /// Someone else may be the one to talk to: "talk to", "loop in", "try our...". Weak: the
    /// new person is offered to the rep, not added.
    REFERRAL_WEAK = [
        // EN: talk to, reach out to, work with
        r"\b(?:talk|speak|speaking|work) (?:to|with)\b|\b(?:reach out|get in touch) (?:to|with)\b",
        // EN: passed or forwarded it on to, direct it to
        r"\b(?:passed|forward(?:ing|ed)?|direct) (?:you|this|it|your (?:e-?mail|message|request|question)) (?:on |over )?to\b",
        // EN: looping in, adding a colleague, who takes it from here
        r"\bloop(?:ing)? in\b|\badding (?:my colleague|in)\b|\btake (?:it|this) from here\b|\b(?:sits|lies|belongs) with\b|\bwho (?:handles|owns|runs|manages|leads|decides)\b",
        // EN: try our X, try someone in, try an address
        r"\btry (?:(?:our|my|the)\b|[a-z]+ in\b|[a-z0-9._%+-]+@)",
        // DE, FR, ES: turn to, contact
        r"\bwenden sie sich\b|\bsprechen sie mit\b|\bkontaktieren sie\b|\badressez-vous\b|\badresser à\b|\bcontacte[zr]\b|\bhable con\b|\bcontacte (?:a|con)\b",
    ]
);

cues!(
    /// Not now, come back later.
    DEFER = [
        // EN: check back, come back to me
        r"\bcheck back\b|\bcome back to (?:me|us)\b|\bget back (?:in touch|to (?:me|us) (?:in|after|next|around|once))\b",
        // EN: reach out, follow up, contact, call, reconnect or try me again or at a time; ping me; touch base
        r"\b(?:reach out|follow(?:\s|-)?up(?: with me)?|contact me|call me|reconnect|try (?:me|us))(?: again)? (?:in|after|next|around|then|once)\b|\b(?:reach out|try (?:me|us)|ask (?:me|us)|follow(?:\s|-)?up) again\b|\bping me\b|\btouch base\b",
        // EN: revisit, circle back, park, pick it up or push it to a time, pencil us in
        r"\brevisit\b|\bcircle back\b|\bpark (?:this|it)\b|\bpick (?:it|this|that) (?:back )?up(?: again)? (?:in|after|next|once|around)\b|\bpush (?:this|it) (?:to|until|back to)\b|\b(?:put|pencil) (?:me|us|it|this) (?:down )?(?:in|for)\b",
        // EN: not the right time, not now
        r"\bnot (?:the right|a good|the best) time\b|\btiming (?:isn't|is not|is wrong|is bad)\b|\bnot (?:right )?now\b",
        // EN: held until a time (a freeze, a lock-in, the earliest)
        r"\bwait until\b|\bthe earliest\b|\blocked in(?:to)?\b|\bno budget until\b|\b(?:freeze|moratorium) (?:lifts|ends|is (?:over|lifted))\b",
        // DE: not the right time, get in touch again
        r"\bpasst es (?:gerade |jetzt )?nicht\b|\bnicht der (?:richtige|passende) zeitpunkt\b|\bmelden sie sich\b|\b(?:noch einmal|wieder) melden\b|\berst ab\b|\bfrag(?:en sie)? mich\b",
        // FR: not the right time, come back to me
        r"\bpas le (?:bon|meilleur) moment\b|\brecontactez\b|\brevenez vers\b|\bon en (?:re)?parle\b",
        // ES: not the right time, write to me again
        r"\bno es (?:buen|el|un buen) momento\b|\b(?:escr[ií]ba|cont[aá]cte)(?:me|nos) de nuevo\b|\bvuelva a contactar",
    ]
);

cues!(
    /// Not now, said with a hedge or without a time ("maybe next year", "too early", "try
    /// again"): weak, for the rep to confirm.
    DEFER_WEAK = [
        // Try again, maybe later, too early, on the roadmap, in any language
        r"\btry again\b|\bmaybe (?:next|in)\b|\bon (?:our|the) roadmap\b|^later\b|\btoo early\b|\b(?:plus tard|m[aá]s adelante|después de|zu früh|trop tôt|demasiado pronto)\b",
    ]
);

cues!(
    /// A time to look again framed without a request to come back ("after the holidays, early
    /// January", "can't tackle it before next year"): counts only with a date weeks away, and
    /// is weak.
    LATER_FRAME = [
        // Cannot before, not until, frozen until, in any language
        r"\b(?:can't|cannot|can not|won't be able to|unable to|not able to)\b[^.!?]{0,50}\b(?:before|until|till|prior to)\b|\bnot (?:before|until|till)\b|\b(?:frozen|on hold|paused) (?:until|till)\b|\b(?:nicht vor|erst nach|nach den feiertagen|pas avant|après les fêtes|no antes de|después de las fiestas)\b",
        // EN: after a season
        r"^after\b|\bafter (?:the )?(?:holidays|new year|summer|break|year-end|year end)\b",
    ]
);

cues!(
    /// "Don't close it": the file stays open whatever else the reply says about closing.
    KEEP_OPEN = [
        // EN: don't close, keep it open
        r"\b(?:don't|do not|please don't|no need to) close\b|\bkeep (?:the file|it|this) (?:open|alive)\b|\bnot dead\b",
        // DE, FR, ES: don't close
        r"\bnicht schließen\b|\bne fermez pas\b|\bno (?:lo )?cierre\b",
    ]
);

cues!(
    /// Yes, close the file.
    CLOSE = [
        // EN: close the file, close it out, remove us from your pipeline
        r"\bclose (?:the|my|our|this) (?:file|deal|opportunity)\b|\bclose (?:it |this |the (?:file|deal|opportunity) )?out\b|\bremove (?:this|it|us) from your pipeline\b",
        // EN: (please, you can, yes) close it
        r"\b(?:please|you can|you may|go ahead and|feel free to|ok to|okay to|fine to|yes,?(?: please)?|yep,?|yeah,?|sure,?) close (?:it|this|us)(?: out)?(?:[.!,;]|$| (?:for now|off|out|then|please|as|and|down|from))|(?:^|[.!?;]\s+|\s-\s)close (?:it|this|us)(?: out)?(?:[.!,;]|$| (?:for now|then|please))",
        // DE: please close it, you may close it
        r"\bbitte (?:(?:den vorgang|die akte|das thema|das|es|ihn|sie) )?schließen\b|\bschließen sie (?:bitte )?(?:den vorgang|die akte|das thema|das|es|ihn)\b|\b(?:können|dürfen) sie (?:den vorgang |die akte |das thema |das |es |ihn )?(?:gerne )?schließen\b",
        // FR: close the file
        r"\b(?:pouvez|pourriez|veuillez|merci de) (?:\w+ )?fermer(?: (?:le|ce) dossier)?(?:[.!,;]|$)|\bfermez (?:le|ce) dossier\b",
        // ES: close the file
        r"\b(?:puede|pueden|podría|por favor) (?:\w+ )?cerrar (?:el|este) (?:expediente|tema|caso|asunto)\b|\bci[ée]rrel[oa]\b|\bcierre (?:el|este) (?:expediente|tema|caso|asunto)\b",
    ]
);

cues!(
    /// Signed with or went with someone else, said outright: explicit, a loss on its own.
    WENT_WITH = [
        // EN: we, the board or the team went, signed or are going with someone else
        r"\b(?:we|we've|we have|we've now|the (?:board|team|committee|company)|management)(?: \w+)? (?:went|gone|signed|decided to go|are going|'re going|will go) with\b|\bsigned (?:a contract )?with (?:another|a different|an? other|a competitor|someone|somebody)\b",
        // DE, FR, ES: we decided for, chose, signed with
        r"\bhaben uns für\b[^.!?]{0,40}\bentschieden\b|\bavons (?:choisi|signé avec|retenu|opté pour)\b|\bsommes partis (?:avec|sur)\b|\b(?:contratamos|nos fuimos con|optamos por|nos decidimos por)\b|\bhemos (?:elegido|firmado con|optado por)\b",
    ]
);

cues!(
    /// Chose someone else or another way (a reason; explicit only as `WENT_WITH`).
    COMPETITOR = [
        // EN: went or signed with
        r"\b(?:went|gone|going|decided to go|signed) with\b",
        // EN: chose, selected or picked (another)
        r"\b(?:chose|chosen|selected|picked|opted for) (?:another|a different|a competing|a cheaper|an? (?:other|alternative|different)|someone|somebody|a competitor|a vendor|a provider|one of)\b|\b(?:we|we've|they|they've|the board|the team|management) (?:chose|chosen|selected|picked)\b",
        // EN: another vendor or way, a competitor, in-house
        r"\b(?:different|another|other) (?:direction|provider|vendor|solution|tool|way)\b|\ba competitor\b|\bin-?house\b",
        // DE, FR, ES: another provider, chosen, the competition
        r"\banderen anbieter\b|\bchoisi\b|\bautre (?:solution|prestataire|fournisseur)\b|\b(?:un|le|notre) concurrent\b|\botr[ao] (?:proveedor|empresa|solución|herramienta)\b|\belegido\b|\bla competencia\b|\bnos quedamos con\b",
    ]
);

cues!(
    /// No money for it.
    BUDGET = [
        // EN: no budget, budget cut, cannot afford, too expensive
        r"\bno budget\b|\bbudget (?:was |got |has been |is )?(?:cut|frozen|slashed|gone)\b|\bcan't (?:justify|afford)\b|\blost (?:the|our) (?:funding|budget)\b|\b(?:price|cost|quote|pricing|it)(?:'s| is| was) (?:just |way |far |much )?too (?:high|much|expensive|steep|pricey)\b|\b(?:more|over|above|beyond) (?:than )?(?:what )?we can (?:spend|afford|justify)\b",
        // DE, FR, ES: no budget
        r"\bkein budget\b|\bpas de budget\b|\bno tenemos presupuesto\b|\bsin presupuesto\b",
    ]
);

cues!(
    /// It no longer matters to them.
    PRIORITY = [
        // Not a priority, priorities changed, shelved, in any language
        r"\b(?:no longer|not) (?:a|our) priority\b|\bpriorities changed\b|\bshelved\b|\bon hold (?:permanently|indefinitely)\b|\bplus une priorité\b|\bkeine priorität\b|\bya no es (?:una )?prioridad\b",
        // EN: the project was cancelled or dropped; it will not happen
        r"\b(?:project|initiative) (?:is |was |has been )?(?:cancell?ed|dropped|killed)\b|\b(?:dropping|killed|cancell?ed|scrapped) the (?:project|initiative|deal)\b|\b(?:(?:this|it) (?:won't|will not|isn't going to|is not going to)|nothing (?:will|is going to)) happen\b",
    ]
);

cues!(
    /// What they have will do (PLAYBOOK.md: "we're all set").
    STATUS_QUO = [
        // EN: staying with or happy with what we have, all set, already have or use one, renewed with the incumbent
        r"\b(?:stick|stay|staying|sticking|keep|keeping)(?: with)? (?:our|the) (?:current|existing|old|present)\b|\b(?:happy|fine|ok|okay|content|satisfied) with (?:what we have|our (?:current|existing)|the (?:current|existing))\b|\bprefers? (?:the |our |to keep )?(?:current|existing|spreadsheets?|excel|status quo)\b|\b(?:we're|we are) all set\b|\brenew(?:ed|ing)? with\b|\bwe(?:'re| are)? already (?:have|use|using|work(?:ing)? with)\b|\bwe have (?:our own|an existing|a current)\b",
    ]
);

cues!(
    /// A plain no, said outright: explicit, a loss on its own.
    DECLINE = [
        // EN: not interested (said of the offer, or ending there)
        r"\b(?:not|no longer) interested(?:[.!,;]|$| (?:at (?:this|the moment)|right now|anymore|any more|thanks|thank you|for now|in (?:this|it|your (?:offer|product|service|solution|proposal|platform|tool)|the (?:offer|product|service|proposal))))",
        // EN: not moving forward, not proceeding, decided not to or against
        r"\b(?:won't|will not|not) (?:be )?(?:moving|going) forward\b|\b(?:not|won't|will not) be proceeding\b|\bnot (?:going to )?proceed\b|\bdecided not to (?:go ahead|proceed|move forward|buy|purchase|sign|renew|pursue|continue|go with you)\b|\b(?:we've|we have|we) decided against (?:it|this|going ahead|moving forward|buying)\b",
        // EN: we will pass
        r"\b(?:(?:we|i)(?:'ll| will|'re going to| are going to|'m going to| have to| must)|(?:going to|gonna) have to) pass(?: on (?:this|it|the offer|that))?(?:[.!,;]|$| for now| this time)",
        // EN: the answer is no; not buying, not doing it, not going ahead
        r"\b(?:it's|it is) a no\b|\bthe answer(?:'s| is) (?:a )?no\b|\b(?:won't|will not|not going to) (?:be )?(?:buying|purchasing|renewing|renew|signing (?:up|the contract|with you))\b|\b(?:we're|we are) not (?:(?:doing|buying|pursuing) (?:this|it)|(?:going|moving) ahead)\b",
        // DE, FR, ES: no interest, decided against, will not follow up
        r"\bne (?:donnerons|donnerai) pas suite\b|\bpas intéressée?s?\b|\bne pas (?:poursuivre|continuer|donner suite)\b|\bkein interesse\b|\bgegen\b.{0,40}\bentschieden\b|\bno (?:nos|me) interesa\b",
    ]
);

cues!(
    /// A no that may be to something smaller than the deal ("no thanks" to a slot, "decided
    /// no" on a feature): weak.
    DECLINE_WEAK = [
        // EN: no thanks, not interested, said or decided no
        r"\bno,? thanks?\b|\bnot interested\b|\bsaid no\b|\bdecid\w* no\b|\bdecided (?:not to|against)\b",
        // EN: dropping it, not a fit, no need, not at this time, not looking
        r"\b(?:have to|going to|decided to|will|need to) drop (?:this|it)\b|\b(?:it's|this is|that's|it is) not (?:for us|a (?:good )?fit|the right fit)\b|\bnot (?:for us|a (?:good )?fit|the right fit)\b|\b(?:we|i) (?:don't|do not) (?:need|require) (?:this|it|that|your|any)\b|\bnot at (?:this time|the moment|present)\b|\b(?:we're|we are|i'm|i am) not (?:looking|in the market)\b",
    ]
);

cues!(
    /// Politeness and acknowledgement ("thanks for the update", "received, I'll share it with
    /// our CFO", "forwarded it to our recruiter"): they say nothing about the deal, so when
    /// nothing else speaks the reply is left unclear without a guess (field case 17).
    ACKNOWLEDGE = [
        // EN: thanks, received, noted; I will share or forward it, forwarded it to
        r"^(?:hi|hello|hey|dear)?[^.!?]{0,30}\b(?:thanks|thank you|thx|many thanks|cheers|much appreciated|appreciated)\b|^(?:received|noted|got it|will do|ok|okay|sounds good|great|perfect)\b|\b(?:i'll|i will|i've|i have|we'll|we will) (?:share|forward|pass|circulate|send)\b[^.!?]{0,30}\b(?:with|to|on|along|around)\b|\b(?:forwarded|passed|shared|sent) (?:it|this|them|your \w+) (?:on |along )?(?:to|with)\b",
        // DE, FR, ES: thanks
        r"^(?:merci|danke|gracias|vielen dank|muchas gracias)\b",
    ]
);

cues!(
    /// Wants to continue, said outright.
    REVIVE = [
        // EN: still interested, still want it
        r"\bstill (?:interested|keen|a priority|on (?:for|board))\b|\b(?:we|i) still want\b|\bwe (?:still )?want (?:this|it)(?:[.!,]|$| (?:done|signed|now|asap))",
        // EN: want or ready to move forward, proceed, continue
        r"\b(?:want|like|ready|happy|keen) to (?:move forward|proceed|go ahead|continue|keep going|run the pilot)\b",
        // EN: let's continue or proceed; the budget is there now
        r"\blet'?s (?:continue|proceed|move forward|go ahead|keep going)\b|\b(?:we (?:have|got)|we've got|we now have) (?:the )?(?:budget|funding|sign-off)(?: for (?:this|it))? (?:now|approved|in place|signed off)\b|\b(?:budget|funding) (?:is|was|has been|got) (?:now )?(?:approved|signed off|released)\b",
        // EN: we are in, let's do it, send the contract
        r"\blet's do it\b|\bwe're in(?:[.!,]|$)|\bcount (?:us|me) in\b|\bsend (?:me |us )?(?:over )?the (?:contract|order form|paperwork|agreement)\b",
        // DE: want to continue, still interested
        r"\b(?:wollen|möchten|würden gerne) (?:\w+ ){0,2}weiter(?:machen)?\b|\bweitermachen\b|\bweiterhin (?:interessiert|dabei)\b",
        // FR, ES: still interested, want to go ahead
        r"\btoujours intéressée?s?\b|\b(?:voulons|souhaitons|aimerions) (?:avancer|continuer|poursuivre)\b|\b(?:queremos|quisiéramos) (?:avanzar|continuar|seguir)\b|\bseguimos (?:interesados|adelante)\b|\bseguir adelante\b",
    ]
);

cues!(
    /// Points to continuing without saying so outright ("let's talk", "call me", "works for
    /// me"): weak, the rep sets the step.
    REVIVE_WEAK = [
        // EN: let's talk, can we meet, happy to chat, we'd be interested
        r"\blet's (?:talk|reconnect|pick|keep|find|meet|go|schedule|book|set|get|chat|speak)\b|\bcan we (?:talk|schedule|do|meet|chat|speak|set up|book)\b|\bcan you do\b|\b(?:happy|glad|open) to (?:chat|talk|connect|meet|take a look|hop on|jump on|learn more)\b|\b(?:i'm|i am|we're|we are|i'd be|we'd be|i would be|we would be) (?:very |definitely |potentially )?interested\b",
        // EN: call me, I am free, works for me
        r"\b(?:call|ring) me\b|\bgive me a (?:call|ring)\b|\b(?:are you|i'm|i am) free\b|\bworks for (?:me|us)\b",
        // EN: book or set up a call, see a demo; the paperwork, next steps
        r"\bbook (?:something|the|a)\b|\b(?:set up|see) (?:the|a) (?:call|meeting|demo)\b|\b(?:order form|next steps|paperwork)\b",
        // EN: still on, good to go, ready to start
        r"\bstill on\b|\b(?:want|like|ready|happy|keen) to (?:start|get started)\b|\bsigned off\b|\bgood to go\b|\bmove forward\b|\bgo ahead with\b|\bwe're back on\b|^interested\b",
        // DE, FR, ES: call, a slot that suits
        r"\btelefonieren\b|\bpasst ihnen\b|\btermine?\b|\bappelez-moi\b|\bm'appeler\b|\bvous convient\b|\bhabl(?:amos|emos)\b|\ble va bien\b",
    ]
);

cues!(
    /// Words that make a question about when to meet, not about the offer.
    SCHEDULING = [
        // EN: meeting words
        r"\b(?:call|talk|meet|chat|speak|demo|free|available|schedule|book|start|kickoff)\b|\bwhen can (?:we|you)\b|\bworks? for (?:you|me|us)\b",
        // EN: days
        r"\b(?:monday|tuesday|wednesday|thursday|friday|tomorrow|next week)\b",
        // Times of day
        r"\b\d{1,2}(?::\d{2})?\s?(?:am|pm|uhr|h)\b",
        // DE, FR, ES: days and meeting words
        r"\b(?:montag|dienstag|mittwoch|donnerstag|freitag|telefonieren|passt|termine?|anrufen|rückruf)\b|\b(?:appeler|rappeler|rendez-vous|lundi|mardi|mercredi|jeudi|vendredi|convient)\b|\b(?:llamar|llamarme|reunión|lunes|martes|miércoles|jueves|viernes|hablamos|le va bien)\b",
        // Paperwork
        r"\b(?:order form|contract|paperwork|next steps|purchase order)\b",
    ]
);

cues!(
    /// An objection or a question asked without a question mark.
    OBJECTION = [
        // Too expensive, the price is the problem, in any language
        r"\b(?:price|cost|it) is (?:the problem|too high|a (?:problem|concern|blocker))\b|\btoo expensive\b|\babove (?:what )?(?:we )?budget|\bzu (?:hoch|teuer)\b|\btrop cher\b|\b(?:demasiado|muy) caro\b",
        // EN: worried or not convinced
        r"\b(?:is|are|am|'re|'m) (?:worried|concerned) about\b|\bworries me\b|\bmy (?:main )?concern\b|\bnot (?:sure|convinced) (?:the|it|this|that)\b|\bwon't accept\b",
        // EN: a question without its mark
        r"\bwhy would\b|\basked (?:whether|if)\b|\bwondering (?:if|whether)\b|\bquick question\b",
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
///
/// `original` is the reply as written (before lower-casing): a choice is a vendor only when
/// the words after it name one (`names_a_choice`).
pub(super) fn lost_reason<'t>(text: &'t str, original: &str) -> (LostReason, Option<&'t str>) {
    let tables: [(&LazyLock<Cues>, LostReason); 4] = [
        (&COMPETITOR, LostReason::Competitor),
        (&BUDGET, LostReason::Budget),
        (&PRIORITY, LostReason::NotAPriority),
        (&STATUS_QUO, LostReason::NoDecision),
    ];
    tables
        .iter()
        .find_map(|(cues, reason)| {
            cues.find_at(text)
                .filter(|m| !NOT_A_CHOICE.is_match(&text[m.end()..]))
                .filter(|m| {
                    !CHOICE_VERB.is_match(m.as_str()) || names_a_choice(original, text, m.end())
                })
                .map(|m| (*reason, Some(m.as_str())))
        })
        .unwrap_or((LostReason::Other, None))
}

/// A cue that ends in a choice ("went with", "signed with", "we chose"): what follows decides
/// whether a vendor was chosen.
pub(super) static CHOICE_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\bwith|\bchose|\bchosen|\bselected|\bpicked)$").expect("static pattern")
});

/// Words after a choice that name a vendor or another way.
static VENDOR_OBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:(?:our|the) (?:current|existing|old|present|incumbent)\b|another|a different|an? other|a competing|a competitor|a cheaper|someone|somebody|their|a local|one of|an? (?:\w+ )?(?:vendor|provider|supplier|solution|tool|platform|partner|agency|company|firm|product|option|system|service))\b")
        .expect("static pattern")
});

/// Whether the words after byte `end` of `lower` (the lower-cased `original`) name a vendor:
/// a vendor-like phrase ("another vendor"), or a proper name in the sender's own casing ("went
/// with RouteMax", not "went with the second approach"). Lost in technical prose, where
/// "we went with" picks a design.
pub(super) fn names_a_choice(original: &str, lower: &str, end: usize) -> bool {
    let Some(rest) = lower.get(end..) else {
        return false;
    };
    if VENDOR_OBJECT.is_match(rest) {
        return true;
    }
    // The sender's casing sits at the same offsets when lower-casing kept every length.
    if original.len() != lower.len() {
        return false;
    }
    let Some(next) = original.get(end..).map(str::trim_start) else {
        return false;
    };
    let word: String = next.chars().take_while(|c| c.is_alphanumeric()).collect();
    word.chars().next().is_some_and(char::is_uppercase)
        && !NOT_VENDORS.contains(&word.to_lowercase().as_str())
}

/// Capitalised words after a choice that name a plan or a day, not a vendor ("we went with
/// Option B", "went with Monday").
const NOT_VENDORS: &[&str] = &[
    "i",
    "option",
    "plan",
    "tier",
    "package",
    "version",
    "proposal",
    "approach",
    "idea",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "you",
    "your",
];

/// What follows "picked", "chose" or "selected" when it is not a vendor: "picked up your
/// resume", "we chose a date" (realmail case 07).
static NOT_A_CHOICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:up|out|a (?:date|time|day|slot|venue|room)|the (?:date|time|day|slot|venue|room)|one of (?:your|the) (?:slots|times|dates))\b")
        .expect("static pattern")
});

/// Every table, by name, for the audit of the tables themselves (`eval::audit_cues`).
pub(super) fn tables() -> Vec<(&'static str, &'static Cues)> {
    vec![
        ("STOP", &*STOP),
        ("AWAY", &*AWAY),
        ("REFERRAL", &*REFERRAL),
        ("REFERRAL_WEAK", &*REFERRAL_WEAK),
        ("DEFER", &*DEFER),
        ("DEFER_WEAK", &*DEFER_WEAK),
        ("LATER_FRAME", &*LATER_FRAME),
        ("KEEP_OPEN", &*KEEP_OPEN),
        ("CLOSE", &*CLOSE),
        ("WENT_WITH", &*WENT_WITH),
        ("COMPETITOR", &*COMPETITOR),
        ("BUDGET", &*BUDGET),
        ("PRIORITY", &*PRIORITY),
        ("STATUS_QUO", &*STATUS_QUO),
        ("DECLINE", &*DECLINE),
        ("DECLINE_WEAK", &*DECLINE_WEAK),
        ("ACKNOWLEDGE", &*ACKNOWLEDGE),
        ("REVIVE", &*REVIVE),
        ("REVIVE_WEAK", &*REVIVE_WEAK),
        ("SCHEDULING", &*SCHEDULING),
        ("OBJECTION", &*OBJECTION),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reply::eval::{HOLDOUT, SET, audit_cues, parse_set};

    /// Every pattern compiles on its own and is in one table once; each is a family of forms
    /// that earns its place on more than one labelled line, and none is a sentence copied from
    /// a reply. The audit itself is printed with `--nocapture`.
    #[test]
    fn each_cue_is_a_general_form_once() {
        let mut seen = std::collections::HashSet::new();
        for (name, table) in tables() {
            for p in table.patterns() {
                assert!(seen.insert((name, *p)), "{name} holds {p} twice");
                assert!(Regex::new(p).is_ok(), "{name}: {p}");
            }
        }
        let set = parse_set(SET).unwrap_or_default();
        let holdout = parse_set(HOLDOUT).unwrap_or_default();
        let audit = audit_cues(&[("labelled", &set), ("holdout", &holdout)]);
        for c in &audit.cues {
            println!("{:?} {} {}", c.matches, c.table, c.pattern);
        }
        assert!(
            audit.one_line_or_none * 10 <= audit.patterns,
            "{} of {} patterns match at most one labelled line",
            audit.one_line_or_none,
            audit.patterns
        );
        let sentences: Vec<&str> = audit
            .cues
            .iter()
            .filter(|c| c.sentence)
            .map(|c| c.pattern)
            .collect();
        assert!(sentences.is_empty(), "sentences: {sentences:?}");
    }
}
