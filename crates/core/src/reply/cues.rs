//! The words each kind of answer is told by, in English, German, French and Spanish. Each table
//! is a list of patterns over the lower-cased text; the first match is kept as evidence.
//!
//! Tables come in two strengths (issue 10, "Acting is precision-first"): an EXPLICIT cue says
//! the answer outright ("close the file", "we signed with X", "remove me", "check back in Q3",
//! "still interested", "X owns this now") and may move a deal on its own; a WEAK cue (names
//! `*_WEAK`: "picked", "talk to", "let's talk", a time alone, a reason given without a
//! decision) only points to an answer, and the reading it decides waits for the rep. Patterns
//! are general forms of what people write (a verb and its object, in each language), not
//! sentences from the labelled set.

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
    /// at once and everywhere: always explicit, and a stop whatever else the reply says
    /// (issue 11, "Reading a reply never turns stop into anything else"). Each is the sender's
    /// own request (first person or imperative), never the instructions of a list footer.
    STOP = [
        r"^unsubscribe\b",
        r"\bplease unsubscribe\b",
        r"\b(?:i|we)(?:'d| would)? (?:like|want|wish|need) to unsubscribe\b",
        r"\bhow (?:do|can) (?:i|we) unsubscribe\b",
        r"\bremove me\b",
        r"\btake me off\b",
        r"\bopt (?:me|us) out\b",
        r"\b(?:i|we)(?:'d| would)? (?:like|want|wish) to opt out\b",
        r"\b(?:i|we) (?:opt|opted) out\b",
        r"\bstop (?:e-?mailing|contacting|sending (?:me|us)|writing to (?:me|us)|messaging|calling|spamming)\b",
        r"\bplease stop(?: (?:it|this|now))?(?:[.!,;]|$)",
        r"\b(?:do not|don't) (?:contact|e-?mail|write to|call|message) (?:me|us)\b",
        r"\bnever (?:e-?mail|contact|write to|call) (?:me|us) again\b",
        r"\b(?:i'll|i will|i'm going to|i am going to|i have|i've) (?:report|mark|flag)(?:ed|ing)? (?:this|you|it|these)? ?as spam\b",
        r"\breported (?:you |this )?as spam\b",
        r"\b(?:delete|erase|remove|purge|wipe)(?: all)?(?: of)? my (?:personal |contact )?(?:data|details|information|info|e-?mail(?: address)?|address|records?)(?:[.!,;]|$| (?:from|in) your| please| and| now)",
        r"\b(?:delete|erase|remove|purge|wipe)(?: all)?(?: of)? our (?:personal |contact )(?:data|details|information|info)\b",
        r"\bunsubscribe (?:me|us)\b",
        r"\b(?:don't|do not|please don't|never) (?:reach out|get in touch)\b[^.!?]{0,15}\bagain\b",
        r"\b(?:don't|do not|please don't|never) (?:reach out to|get in touch with|bother|follow up with|contact|e-?mail|write to|call|message) (?:me|us)\b",
        r"\b(?:gdpr|dsgvo|rgpd)\b[^.!?]{0,60}\b(?:eras|delet|remov|lösch|suppr|effac|borr|elimin|supres)",
        r"\b(?:right to (?:be forgotten|erasure)|recht auf (?:vergessenwerden|löschung)|droit à l'oubli|derecho (?:al olvido|de supresión))\b",
        r"\b(?:löschen sie|bitte löschen|löschung) (?:\w+ ){0,2}(?:meine[rn]?|unsere[rn]?) (?:daten|kontaktdaten|adresse|e-?mail-?adresse)\b",
        r"\b(?:meine|unsere) (?:daten|kontaktdaten|adresse|e-?mail-?adresse) (?:\w+ ){0,3}löschen\b",
        r"\bkeine (?:weiteren )?(?:e-?mails|nachrichten|anfragen|anrufe|kontaktaufnahmen?) mehr\b",
        r"\bschreiben sie mir nicht mehr\b",
        r"\bne (?:m'|me |nous )?(?:écrivez|contactez|envoyez|sollicitez|appelez) plus\b",
        r"\b(?:retirez|supprimez|effacez|enlevez|désinscrivez)[- ](?:moi|nous)\b",
        r"\b(?:me|nous) (?:retirer|désinscrire|supprimer|enlever) (?:de|des)\b",
        r"\b(?:supprimer|effacer|supprimez|effacez) (?:mes|nos) (?:données|coordonnées|informations)\b",
        r"\b(?:borre|borren|elimine|eliminen|suprima|supriman) (?:mis|nuestros) (?:datos|contactos|correos)\b",
        r"\b(?:s[aá]quen(?:me|nos)|qu[ií]ten(?:me|nos)|b[oó]rren(?:me|nos)) de\b",
        r"\bno (?:vuelva|vuelvan) a (?:contactar|escribir|llamar)(?:me|nos)\b",
        r"\bno more e-?mails\b",
        r"\b(?:nehmen|streichen|entfernen|löschen) sie mich\b",
        r"\bkeine weiteren (?:e-?mails|nachrichten|anfragen)\b",
        r"\bkontaktieren sie mich nicht\b",
        r"\bnicht mehr (?:kontaktieren|anschreiben)\b",
        r"\bne plus me (?:contacter|écrire|solliciter)\b",
        r"\b(?:me |nous )(?:désabonner|desabonner|désinscrire)\b",
        r"\b(?:désabonnez|désinscrivez)-(?:moi|nous)\b",
        r"\bno me (?:contacte|escriba)n? m[aá]s\b",
        r"\b(?:darme|denme|darnos|dennos|dese|den) de baja\b",
        r"\bde baja (?:mi|nuestro|nuestra|este|esta) (?:correo|e-?mail|dirección|cuenta)\b",
        r"\bremove my (?:address|e-?mail|details|data|name)\b",
        r"\bcease (?:all )?(?:contact|communications?|e-?mails)\b",
        r"(?:^|[.!?]\s+)stop[.!]*$",
        r"\bno m[aá]s (?:correos|e-?mails|mensajes)\b",
        r"\btake (?:me|my name|my address|us) off\b",
        r"\b(?:don't|do not) want (?:to (?:receive|get) )?any more (?:e-?mails|messages|mails?|of these|calls)\b",
        r"\bno longer (?:wish|want) to receive\b",
        r"\bhören sie (?:bitte )?auf\b",
        r"\b(?:kontaktieren|schreiben|rufen|belästigen) sie mich (?:bitte )?nicht mehr\b",
        r"\bmich (?:bitte )?nicht mehr (?:zu )?(?:kontaktieren|anschreiben|anrufen|belästigen)\b",
        r"\barrêtez de m'(?:envoyer|écrire)\b",
    ]
);

/// Lines a mailing list or a bulk sender adds under a message ("To unsubscribe, e-mail ...",
/// "You received this message because ..."): instructions, not the sender asking to stop
/// (issue 10: the cue must be in the sender's own text, never a list footer). Such lines are
/// left out before the reply is read.
pub(super) static FOOTER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:(?:^|[.!]\s+)\W*(?:to|if you (?:wish|want|would like) to|you can|you may) unsubscribe\b|\bunsubscribe (?:here|link|at|from this|by)\b|[a-z0-9]-unsubscribe@|\bunsubscribe:|https?://\S*unsubscribe|\byou (?:are )?receiv(?:ed|ing) this\b|\bmanage (?:your )?(?:subscription|preferences)|\bclick (?:here )?to (?:unsubscribe|opt out)|\bfor additional commands\b|\bif you (?:no longer|don't|do not) (?:wish|want) to receive\b|\bsi vous ne (?:souhaitez|voulez) plus recevoir\b|\bsi (?:no|ya no) desea (?:seguir )?recibir\b|\bwenn sie (?:diese|keine)\b.{0,40}\berhalten (?:möchten|wollen)\b|\bpara (?:darse|dar) de baja\b|\bpour vous désabonner\b|\bum (?:sich )?ab(?:zu)?melden\b|\bpara darse de baja\b|\bpara cancelar (?:la|su) suscripci)",
    )
    .expect("static pattern")
});

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
        r"\babsente? jusqu'(?:au|à)\b",
        r"\bnicht erreichbar\b",
        r"\bde baja hasta\b",
    ]
);

cues!(
    /// Someone else owns this now, said outright: the sender has left or moved, or names the
    /// new owner.
    REFERRAL = [
        r"\b(?:owns|runs|handles|manages|leads) (?:this|it) now\b",
        r"\b(?:running|handling|leading|managing|owning) (?:this|it)(?: project)? now\b",
        r"\bdecision maker now\b",
        r"\bnot the right (?:person|contact)\b",
        r"\bwrong (?:person|contact)\b",
        r"\bnot my (?:area|call|department|decision|remit)\b",
        r"\bmy (?:replacement|successor)\b",
        r"\bhand(?:ing|ed)? (?:this |it )?(?:over|off) to\b",

        r"\bmoved (?:to|into) (?:a )?(?:different|new|another) (?:role|team|position|department)\b",
        r"\b(?:i've|i have|i) left (?:the company|the firm|the business|[a-z]+ (?:last|this) (?:week|month))\b",
        r"\b(?:i'm|i am|is|she's|he's|she is|he is) no longer (?:at|with|working (?:at|for|on)|responsible|in charge)\b",
        r"\b(?:will be|is now) your (?:main |new )?contact\b",
        r"\bcontact going forward\b",
        r"\bnicht mehr (?:zuständig|verantwortlich|bei)\b",
        r"\b(?:neue[rn]? )?ansprechpartner(?:in)? (?:ist|wird)\b",
        r"\bplus (?:en charge|responsable)\b",
        r"\bgère (?:ce|le) dossier\b",
        r"\bya no (?:llevo|estoy a cargo|soy (?:el|la) responsable|trabajo)\b",
        r"\bse encarga\b",
    ]
);

cues!(
    /// Someone else may be the one to talk to: "talk to", "loop in", "try our...". Weak: the
    /// new person is offered to the rep, not added.
    REFERRAL_WEAK = [
        r"\bpassed (?:this|it) (?:on |over )?to\b",
        r"\b(?:sits|lies|belongs) with\b",
        r"\b(?:talk|speak|speaking) (?:to|with)\b",
        r"\breach out to\b",
        r"\bget in touch with\b",
        r"\bwork with\b",
        r"\bforward(?:ing|ed)? (?:you|this|it) (?:on )?to\b",
        r"\bloop(?:ing)? in\b",
        r"\btake it from here\b",
        r"\bdirect (?:this|it|your (?:e-?mail|message|request|question)) to\b",
        r"\btry (?:our|my|the)\b",
        r"\btry [a-z]+ in\b",
        r"\btry [a-z0-9._%+-]+@",
        r"\badding (?:my colleague|in)\b",
        r"\bwho (?:handles|owns|runs|manages|leads|decides)\b",
        r"\bwenden sie sich\b",
        r"\bsprechen sie mit\b",
        r"\bkontaktieren sie\b",
        r"\badressez-vous\b",
        r"\badresser à\b",
        r"\bcontactez\b",
        r"\bcontacter\b",
        r"\bhable con\b",
        r"\bcontacte (?:a|con)\b",
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
        r"\btry (?:me|us) (?:again|then|in|after)\b",
        r"\bon en (?:re)?parle\b",
        r"\bping me\b",
        r"\bcontact me (?:again )?(?:after|in)\b",
        r"\bnot (?:the right|a good|the best) time\b",
        r"\btiming (?:isn't|is not|is wrong|is bad)\b",
        r"\bnot (?:right )?now\b",
        r"\bwait until\b",
        r"\bthe earliest\b",
        r"\bask (?:me|us) again\b",
        r"\blocked in(?:to)?\b",
        r"\b(?:put|pencil) (?:me|us|it|this) (?:down )?(?:in|for)\b",
        r"\bget back in touch\b",
        r"\bno budget until\b",
        r"\b(?:freeze|moratorium) (?:lifts|ends|is (?:over|lifted))\b",
        r"\bpick (?:it|this|that) (?:back )?up(?: again)? (?:in|after|next|once|around)\b",
        r"\bcome back to (?:me|us)\b",
        r"\bget back to (?:me|us) (?:in|after|next|around|once)\b",
        r"\bpasst es nicht\b",
        r"\bmelden sie sich\b",
        r"\b(?:noch einmal|wieder) melden\b",
        r"\bnicht der richtige zeitpunkt\b",
        r"\berst ab\b",
        r"\bpas le bon moment\b",
        r"\brecontactez\b",
        r"\brevenez vers\b",
        r"\bno es (?:buen|el) momento\b",
        r"\bescr[ií]bame de nuevo\b",
        r"\bvuelva a contactar",
        r"\bcall me (?:next|in|after)\b",
        r"\breconnect (?:then|in|after)\b",
        r"\bpush (?:this|it) (?:to|until|back to)\b",
        r"\bfrag(?:en sie)? mich\b",
        r"\bcont[aá]cte(?:me|nos) de nuevo\b",
    ]
);

cues!(
    /// Not now, said with a hedge or without a time ("maybe next year", "too early", "try
    /// again"): weak, for the rep to confirm.
    DEFER_WEAK = [
        r"\btry again\b",
        r"\bmaybe (?:next|in)\b",
        r"\bon (?:our|the) roadmap\b",
        r"^later\b",
        r"\b(?:plus tard|m[aá]s adelante|después de)\b",
        r"\b(?:too early|zu früh|trop tôt|demasiado pronto)\b",
    ]
);

cues!(
    /// A time to look again framed without a request to come back ("after the holidays, early
    /// January", "can't tackle it before next year"): counts only with a date weeks away, and
    /// is weak.
    LATER_FRAME = [
        r"^after\b",
        r"\b(?:frozen|on hold|paused) (?:until|till)\b",
        r"\b(?:can't|cannot|can not|won't be able to|unable to|not able to)\b[^.!?]{0,50}\b(?:before|until|till|prior to)\b",
        r"\bnot (?:before|until|till)\b",
        r"\bafter (?:the )?(?:holidays|new year|summer|break|year-end|year end)\b",
        r"\b(?:nicht vor|erst nach|nach den feiertagen)\b",
        r"\b(?:pas avant|après les fêtes)\b",
        r"\b(?:no antes de|después de las fiestas)\b",
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
        r"\bclose (?:the|my|our|this) (?:file|deal|opportunity)\b",
        r"\b(?:please|you can|you may|go ahead and|feel free to|ok to|okay to|fine to|yes,?(?: please)?|yep,?|yeah,?|sure,?) close (?:it|this|us)(?: out)?(?:[.!,;]|$| (?:for now|off|out|then|please|as|and|down|from))",
        r"(?:^|[.!?;]\s+|\s-\s)close (?:it|this|us)(?: out)?(?:[.!,;]|$| (?:for now|then|please))",
        r"\bbitte (?:(?:den vorgang|die akte|das thema|das|es|ihn|sie) )?schließen\b",
        r"\bschließen sie (?:bitte )?(?:den vorgang|die akte|das thema|das|es|ihn)\b",
        r"\b(?:können|dürfen) sie (?:den vorgang |die akte |das thema |das |es |ihn )?(?:gerne )?schließen\b",
        r"\b(?:pouvez|pourriez|veuillez|merci de) (?:\w+ )?fermer(?: (?:le|ce) dossier)?(?:[.!,;]|$)",
        r"\bfermez (?:le|ce) dossier\b",
        r"\b(?:puede|pueden|podría|por favor) (?:\w+ )?cerrar (?:el|este) (?:expediente|tema|caso|asunto)\b",
        r"\bci[ée]rrel[oa]\b",
        r"\bcierre (?:el|este) (?:expediente|tema|caso|asunto)\b",
        r"\bclose (?:it |this |the (?:file|deal|opportunity) )?out\b",
        r"\bremove (?:this|it|us) from your pipeline\b",
    ]
);

cues!(
    /// Signed with or went with someone else, said outright: explicit, a loss on its own.
    WENT_WITH = [
        r"\b(?:we|we've|we have|we've now|the (?:board|team|committee|company)|management)(?: \w+)? (?:went|gone|signed|decided to go|are going|'re going|will go) with\b",
        r"\bsigned (?:a contract )?with (?:another|a different|an? other|a competitor|someone|somebody)\b",
        r"\bhaben uns für\b[^.!?]{0,40}\bentschieden\b",
        r"\bavons (?:choisi|signé avec|retenu|opté pour)\b",
        r"\bsommes partis (?:avec|sur)\b",
        r"\b(?:contratamos|nos fuimos con|optamos por|nos decidimos por)\b",
        r"\bhemos (?:elegido|firmado con|optado por)\b",
    ]
);

cues!(
    /// Chose someone else or another way (a reason; explicit only as `WENT_WITH`).
    COMPETITOR = [
        r"\b(?:went|gone|going|decided to go) with\b",
        r"\bsigned with\b",
        r"\b(?:chose|chosen|selected|picked|opted for) (?:another|a different|a competing|a cheaper|an? (?:other|alternative|different)|someone|somebody|a competitor|a vendor|a provider|one of)\b",
        r"\b(?:we|we've|they|they've|the board|the team|management) (?:chose|chosen|selected|picked)\b",
        r"\b(?:different|another|other) (?:direction|provider|vendor|solution|tool|way)\b",
        r"\ba competitor\b",
        r"\bin-?house\b",
        r"\banderen anbieter\b",
        r"\bchoisi\b",
        r"\bautre (?:solution|prestataire|fournisseur)\b",
        r"\botr[ao] (?:proveedor|empresa|solución|herramienta)\b",
        r"\b(?:un|le|notre) concurrent\b",
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
        r"\b(?:price|cost|quote|pricing|it)(?:'s| is| was) (?:just |way |far |much )?too (?:high|much|expensive|steep|pricey)\b",
        r"\b(?:more|over|above|beyond) (?:than )?(?:what )?we can (?:spend|afford|justify)\b",
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
        r"\b(?:this|it|nothing) (?:won't|will not|isn't going to|is not going to|will|is going to) happen\b",
        r"\bplus une priorité\b",
        r"\bkeine priorität\b",
        r"\bya no es (?:una )?prioridad\b",
        r"\b(?:killed|cancell?ed|scrapped) the (?:project|initiative|deal)\b",
    ]
);

cues!(
    /// What they have will do (PLAYBOOK.md: "we're all set").
    STATUS_QUO = [
        r"\b(?:stick|stay|staying|sticking|keep|keeping)(?: with)? (?:our|the) (?:current|existing|old|present)\b",
        r"\b(?:happy|fine|ok|okay|content|satisfied) with (?:what we have|our (?:current|existing)|the (?:current|existing))\b",
        r"\bprefers? (?:the |our |to keep )?(?:current|existing|spreadsheets?|excel|status quo)\b",
        r"\b(?:we're|we are) all set\b",
        r"\brenew(?:ed|ing)? with\b",
    ]
);

cues!(
    /// A plain no, said outright: explicit, a loss on its own.
    DECLINE = [
        r"\b(?:not|no longer) interested(?:[.!,;]|$| (?:at (?:this|the moment)|right now|anymore|any more|thanks|thank you|for now|in (?:this|it|your (?:offer|product|service|solution|proposal|platform|tool)|the (?:offer|product|service|proposal))))",
        r"\b(?:won't|will not|not) (?:be )?(?:moving|going) forward\b",
        r"\bdecided not to (?:go ahead|proceed|move forward|buy|purchase|sign|renew|pursue|continue|go with you)\b",
        r"\b(?:we'll|we will|we're going to|we are going to|we have to|we must|i'll|i will|i have to|going to have to) pass(?: on (?:this|it|the offer|that))?(?:[.!,;]|$| for now| this time)",
        r"\b(?:it's|it is|the answer is) a no\b",
        r"\bthe answer is no\b",
        r"\b(?:won't|will not|not going to) (?:be )?(?:buying|purchasing|renewing|renew|signing (?:up|the contract|with you))\b",
        r"\b(?:we're|we are) not (?:doing|buying|pursuing) (?:this|it)\b",
        r"\b(?:we're|we are) not (?:going|moving) ahead\b",
        r"\b(?:we've|we have|we) decided against (?:it|this|going ahead|moving forward|buying)\b",
        r"\b(?:not|won't|will not) be proceeding\b",
        r"\bnot (?:going to )?proceed\b",
        r"\bne donnerons pas suite\b",
        r"\bpas intéressés?\b",
        r"\bkein interesse\b",
        r"\bno nos interesa\b",
        r"\bgegen\b.{0,40}\bentschieden\b",
        r"\bne pas (?:poursuivre|continuer|donner suite)\b",
    ]
);

cues!(
    /// A no that may be to something smaller than the deal ("no thanks" to a slot, "decided
    /// no" on a feature): weak.
    DECLINE_WEAK = [
        r"\bno,? thanks?\b",
        r"\bdecid\w* no\b",
        r"\bdecided not to\b",
        r"\bnot interested\b",
        r"\bsaid no\b",
        r"\bdecided against\b",
        r"\b(?:have to|going to|decided to|will|need to) drop (?:this|it)\b",
        r"\b(?:it's|this is|that's|it is) not (?:for us|a (?:good )?fit|the right fit)\b",
    ]
);

cues!(
    /// Politeness and acknowledgement ("thanks for the update", "received, I'll share it with
    /// our CFO", "forwarded it to our recruiter"): they say nothing about the deal, so when
    /// nothing else speaks the reply is left unclear without a guess (field case 17).
    ACKNOWLEDGE = [
        r"^(?:hi|hello|hey|dear)?[^.!?]{0,30}\b(?:thanks|thank you|thx|many thanks|cheers|much appreciated|appreciated)\b",
        r"^(?:received|noted|got it|will do|ok|okay|sounds good|great|perfect)\b",
        r"\b(?:i'll|i will|i've|i have|we'll|we will) (?:share|forward|pass|circulate|send)\b[^.!?]{0,30}\b(?:with|to|on|along|around)\b",
        r"\b(?:forwarded|passed|shared|sent) (?:it|this|them|your \w+) (?:on |along )?(?:to|with)\b",
        r"^(?:merci|danke|gracias|vielen dank|muchas gracias)\b",
    ]
);

cues!(
    /// Wants to continue, said outright.
    REVIVE = [
        r"\bstill (?:interested|keen|a priority)\b",
        r"\bstill on (?:for|board)\b",
        r"\b(?:we|i) still want\b",
        r"\b(?:want|like|ready|happy|keen) to (?:move forward|proceed|go ahead|continue|keep going|run the pilot)\b",
        r"\blet's do it\b",
        r"\bsend (?:me |us )?(?:over )?the (?:contract|order form|paperwork|agreement)\b",
        r"\bwe're in(?:[.!,]|$)",
        r"\bcount (?:us|me) in\b",
        r"\bwe (?:still )?want (?:this|it)(?:[.!,]|$| (?:done|signed|now|asap))",
        r"\b(?:wollen|möchten|würden gerne) (?:\w+ ){0,2}weiter(?:machen)?\b",
        r"\bweitermachen\b",
        r"\bweiterhin (?:interessiert|dabei)\b",
        r"\btoujours intéressés?\b",
        r"\b(?:voulons|souhaitons|aimerions) (?:avancer|continuer|poursuivre)\b",
        r"\b(?:queremos|quisiéramos) (?:avanzar|continuar|seguir)\b",
        r"\bseguimos (?:interesados|adelante)\b",
        r"\bseguir adelante\b",
    ]
);

cues!(
    /// Points to continuing without saying so outright ("let's talk", "call me", "works for
    /// me"): weak, the rep sets the step.
    REVIVE_WEAK = [
        r"\bstill on\b",
        r"\b(?:want|like|ready|happy|keen) to (?:start|get started)\b",
        r"\bsigned off\b",
        r"\bgood to go\b",
        r"\bmove forward\b",
        r"\bgo ahead with\b",
        r"\bwe're back on\b",
        r"\blet's (?:talk|reconnect|pick|keep|find|meet|go|schedule|book|set|get|chat|speak)\b",
        r"\bcan we (?:talk|schedule|do|meet|chat|speak|set up|book)\b",
        r"\bcan you do\b",
        r"\b(?:call|ring) me\b",
        r"\bgive me a call\b",
        r"\b(?:are you|i'm|i am) free\b",
        r"\bworks for (?:me|us)\b",
        r"\bbook (?:something|the|a)\b",
        r"\bwants? to see a demo\b",
        r"^interested\b",
        r"\btelefonieren\b",
        r"\bpasst ihnen\b",
        r"\btermine?\b",
        r"\bappelez-moi\b",
        r"\bm'appeler\b",
        r"\bvous convient\b",
        r"\bhablamos\b",
        r"\ble va bien\b",
        r"\border form\b",
        r"\bnext steps\b",
        r"\bhablemos\b",
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
        r"\b(?:montag|dienstag|mittwoch|donnerstag|freitag|telefonieren|passt|termine?|anrufen|rückruf)\b",
        r"\b(?:appeler|rappeler|rendez-vous)\b",
        r"\b(?:llamar|llamarme|reunión)\b",
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
        r"\b(?:is|are|am|'re|'m) (?:worried|concerned) about\b",
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
/// "we went with" picks a design (issue 10).
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
    use crate::reply::eval::{HOLDOUT, SET, parse_set};

    /// Every pattern stands on its own and is in one table once; how many labelled lines each
    /// matches is printed (`--nocapture`): a pattern that matches one line of the set it was
    /// written from may be a memorised sentence (issue 10, section 4).
    #[test]
    fn each_cue_stands_alone_once() {
        let set = parse_set(SET).unwrap_or_default();
        let holdout = parse_set(HOLDOUT).unwrap_or_default();
        let lines: Vec<String> = set
            .iter()
            .chain(&holdout)
            .map(|e| e.text.to_lowercase().replace('’', "'"))
            .collect();
        let mut one = 0;
        let mut total = 0;
        let mut seen = std::collections::HashSet::new();
        for (name, table) in tables() {
            for p in table.patterns() {
                assert!(seen.insert((name, *p)), "{name} holds {p} twice");
                let re = Regex::new(p);
                assert!(re.is_ok(), "{name}: {p}");
                let Ok(re) = re else { continue };
                let n = lines.iter().filter(|l| re.is_match(l)).count();
                total += 1;
                if n == 1 {
                    one += 1;
                }
                println!("{n:3} {name} {p}");
            }
        }
        assert!(total > 100, "{total} patterns");
        println!("{one} of {total} patterns match exactly one labelled line");
    }
}
