//! The phrase families. Each family is a handful of patterns for the shapes people write a
//! habit in (inflections, intensifiers, word order), not a list of memorised sentences, and each
//! names the playbook point or study it comes from.
//!
//! Pattern syntax: `regex`, matched case-insensitively over the message's own text (quoted
//! lines blanked), so `\s+` also spans a line break. Every alternative starts at a word
//! boundary, and one that ends in a letter or digit also ends at one.

use super::Rule;

/// Intensifiers that soften a nudge: "just a *quick* reminder", "a *gentle* nudge".
macro_rules! softener {
    () => {
        r"(?:quick|friendly|gentle|kind|polite|little|small|brief|short|soft|courtesy|tiny|final)"
    };
}

/// The messages a rep points back at.
macro_rules! my_message {
    () => {
        r"(?:(?:my|our)\s+(?:(?:last|previous|earlier|prior|recent|original|first|other)\s+)?(?:e-?mails?|messages?|notes?|mails?|voicemails?|proposal|quote|thread|offer|invitation|invite|request|letter|inmail)|(?:the|that)\s+(?:last|previous|earlier|prior|original|first|other)\s+(?:e-?mails?|messages?|notes?|mails?|voicemails?|proposal|quote|thread)|(?:the|this|my)\s+(?:e-?mail|message|note|mail|thread)\s+below|the\s+below|this\s+(?:e-?mail|message|note|mail|thread))"
    };
}

/// "you're", "you are", "youre", "u r".
macro_rules! you_are {
    () => {
        r"(?:you're|you\s+are|youre|you've\s+been|you\s+have\s+been|things\s+are|it's|it\s+is|everyone\s+is|life\s+is|work\s+is)"
    };
}

/// Busy and its synonyms, with an optional intensifier.
macro_rules! busy {
    () => {
        r"(?:(?:really|very|super|so|incredibly|extremely|crazy|pretty|quite|probably|likely)\s+)?(?:busy|swamped|slammed|hectic|crazy|flat\s+out|snowed\s+under|buried|stretched|overwhelmed)"
    };
}

pub(super) const RULES: &[Rule] = &[
    Rule {
        id: "reminder",
        patterns: &[
            concat!(
                r"(?:just\s+)?(?:a\s+|this\s+is\s+a\s+)?",
                softener!(),
                r"(?:[\s,]+",
                softener!(),
                r")?\s+(?:reminder|nudge|prod)"
            ),
            r"just\s+a\s+(?:reminder|nudge|prod)",
            r"just\s+(?:to\s+)?(?:remind|reminding|nudge|nudging)",
            r"(?:wanted|want|like|meant|writing|write)\s+to\s+(?:just\s+)?(?:remind|nudge)\s+you",
            r"(?:reminding|nudging)\s+you",
            r"let\s+me\s+remind\s+you",
            r"(?:this\s+is\s+)?a\s+reminder\s+(?:that|about|of)\s+(?:my|our|the\s+(?:email|message|proposal|quote)\s+i)",
            r"(?:as\s+a|one\s+more|another)\s+reminder",
        ],
        unless_followed_by: &[
            "service",
            "services",
            "feature",
            "features",
            "email",
            "emails",
            "template",
            "templates",
            "system",
            "systems",
            "app",
            "tool",
            "tools",
            "sms",
            "text",
            "texts",
            "flow",
            "flows",
            "function",
            "setting",
            "settings",
            "schedule",
            "campaign",
            "campaigns",
            "workflow",
            "workflows",
            "cadence",
            "sequence",
            "module",
            "product",
            "notification",
            "notifications",
            "letter",
            "letters",
            "job",
            "jobs",
            "call",
            "calls",
            "message",
            "messages",
            "option",
            "options",
            "rule",
            "rules",
        ],
        why: "A \"friendly reminder\" reads as a veiled complaint that they have not done your homework, and the softener makes it worse: it says you have nothing new and lowers your standing.",
        better: "Don't remind; give a reason to answer: one new, relevant thing, or a question they can answer in a line.",
        source: "PLAYBOOK.md cause 4 (\"Turned off by tactics\"); stuartmclaughlin.com, \"Everyone secretly hates your 'friendly reminder' email\"",
        examples: &[
            "Just a friendly reminder about the proposal.",
            "A gentle reminder that the quote is waiting.",
            "Quick reminder: the pilot proposal is attached.",
            "Just a quick, friendly nudge on this.",
            "I wanted to remind you about the contract.",
            "Reminding you that the offer is open.",
            "Just to remind you, the proposal is below.",
            "One more reminder on the pricing.",
        ],
    },
    Rule {
        id: "apology",
        patterns: &[
            r"(?:so\s+|really\s+|very\s+)?(?:sorry|apologies|apologi[sz]e|apologi[sz]ing)\s+(?:again\s+)?(?:to|for|if\s+(?:i'm|i\s+am|this\s+is|i've\s+been|i\s+keep))\s+(?:(?:keep|keeping|always|constantly|be|being|so|a)\s+)*(?:bother\w*|pester\w*|chas\w+|nag\w*|bug|bugging|hound\w*|disturb\w*|intrud\w+|interrupt\w*|troubl\w+|spam\w*|annoy\w*|pest|pushy|persistent|follow\w*\s+up\s+again|filling\s+your\s+inbox|flooding\s+your\s+inbox)(?:\s+you)?(?:\s+(?:again|once\s+more))?",
            r"(?:hate|hated|don't\s+mean|do\s+not\s+mean|didn't\s+mean|did\s+not\s+mean|not\s+trying|don't\s+want|do\s+not\s+want|didn't\s+want|did\s+not\s+want)\s+to\s+(?:(?:bother|pester|nag|bug|hound|chase|trouble|disturb)\s+you|keep\s+(?:bothering|pestering|chasing|nagging|e-?mailing|writing))",
            r"(?:sorry|apologies|apologi[sz]e)\s+for\s+(?:the|another|my|this|yet\s+another)\s+(?:follow[\s-]?up|nudge|reminder|ping|chaser|bump)",
            r"(?:sorry|apologies)\s+for\s+(?:the\s+)?(?:repeated|multiple|many|several|constant|all\s+the|another|yet\s+another)\s+(?:e-?mails?|messages?|notes?|follow[\s-]?ups?|reminders?|pings?)",
        ],
        unless_followed_by: &[],
        why: "Apologising for the touch says it is worth nothing to them; if it needs an apology, it should not be sent.",
        better: "Send only what is worth their time, and then there is nothing to apologise for.",
        source: "PLAYBOOK.md cause 4 (\"Turned off by tactics\") and prevention (\"every touch carries something relevant\")",
        examples: &[
            "Sorry to bother you again.",
            "So sorry to keep pestering you about this.",
            "Apologies for chasing.",
            "Sorry if I'm being a pest.",
            "I hate to bother you, but",
            "Sorry for the repeated emails.",
        ],
    },
    Rule {
        id: "pinging",
        patterns: &[
            r"(?:just\s+)?ping(?:ing|ed)\s+(?:you|u|y'all|on\s+this|about\s+this|regarding\s+this|re\s+this|this\s+(?:back\s+)?up|this\s+thread|the\s+thread\s+below)",
            r"ping(?:ing|ed)\s+this(?:\s+again)?\s*(?:[.!,;:?]|$)",
            r"ping(?:ing)?\s+you\s+(?:again|back|on\s+this|about\s+this|re\s+this|one\s+more\s+time|once\s+more)",
            r"just\s+a\s+(?:quick\s+|little\s+)?ping",
            r"just\s+(?:a\s+)?(?:quick\s+)?ping(?:ing)?\s+(?:you|on\s+this|about\s+this|here)",
            concat!(
                r"(?:a\s+|one\s+more\s+|another\s+)",
                softener!(),
                r"?\s*ping\s+(?:on|about|re|regarding)\s+(?:this|my|the\s+(?:below|proposal|quote|thread))"
            ),
            r"^[ \t]*ping\s*[?!.]*[ \t]*$",
        ],
        unless_followed_by: &[],
        why: "A ping is a bump by another name: it asks for their attention and gives nothing back.",
        better: "Write when you have something for them: a resource for the person they must convince, a date, or one clear question.",
        source: "PLAYBOOK.md cause 4 (\"Turned off by tactics\")",
        examples: &[
            "Just pinging you so it doesn't get buried.",
            "Pinging this again.",
            "I pinged you last week about the pilot.",
            "A quick ping on the proposal.",
            "Another ping on this.",
        ],
    },
    Rule {
        id: "just-following-up",
        patterns: &[
            r"just\s+(?:(?:wanted|want|wanting|writing|trying|hoping)\s+to\s+)?(?:quickly\s+)?follow(?:ing|ed)?[\s-]*up",
            concat!(r"just\s+(?:a\s+)?", softener!(), r"?\s*follow[\s-]*up"),
            concat!(
                r"(?:a\s+)?",
                softener!(),
                r"\s+follow[\s-]*up\s*(?:on|about|re|regarding|to\s+my|to\s+our|[:.!]|$)"
            ),
            concat!(
                r"follow(?:ing|ed)?[\s-]*up\s+(?:again\s+)?(?:on|about|regarding|re|with\s+you\s+(?:on|about|regarding))\s+",
                my_message!()
            ),
            r"follow(?:ing|ed)?[\s-]*up\s+(?:again|once\s+more|one\s+more\s+time|one\s+last\s+time)",
            r"(?:another|one\s+more|second|third|fourth|fifth)\s+follow[\s-]*up",
            r"circl(?:ing|ed)\s+back",
            r"(?:wanted|want|writing|like|just|here|thought\s+i'd|thought\s+i\s+would)\s+(?:to\s+)?circle\s+back",
            r"loop(?:ing|ed)\s+back",
            r"loop\s+back\s+(?:with\s+you|on\s+(?:this|my))",
            concat!(
                r"(?:following|follow)[\s-]*up\s+(?:on|about)\s+(?:where|whether|if)\s+",
                r"(?:we|you|things)"
            ),
        ],
        unless_followed_by: &[],
        why: "A follow-up with nothing new tells them you have nothing new; by the third follow-up, replies fall.",
        better: "Lead with something new: a resource for the person they must convince, an insight, or their own words about the problem.",
        source: "PLAYBOOK.md \"The story every salesperson knows\" and cause 3 (\"No new insight\"); Belkins 2021-23 (11M emails): the 3rd follow-up lowered replies by 20%",
        examples: &[
            "Just following up on the proposal.",
            "I just wanted to follow up.",
            "A quick follow-up on the pilot.",
            "Following up on my last email.",
            "Following up again.",
            "Circling back on the pricing.",
            "I wanted to circle back.",
            "Looping back on this.",
        ],
    },
    Rule {
        id: "just-checking-in",
        patterns: &[
            r"just\s+(?:(?:wanted|want|wanting|writing)\s+to\s+(?:quickly\s+)?check|thought\s+i(?:'d|\s+would)\s+check|checking)\s+(?:in|back)",
            r"just\s+a\s+(?:quick\s+|brief\s+|friendly\s+)?check[\s-]*in",
            r"(?:(?:wanted|want|i'd\s+like|would\s+like|writing|i'm\s+writing|hoping)\s+to|thought\s+i(?:'d|\s+would))\s+(?:quickly\s+|just\s+)?check\s+(?:in|back)",
            r"check(?:ing)?\s+(?:in|back)\s+(?:with\s+you|to\s+see|again|one\s+more\s+time|once\s+more|in\s+on|on\s+(?:this|that|it|you|my|where|how|whether|if|the\s+(?:status|proposal|quote|contract|offer|below|email|message|above|thread))|about\s+(?:this|that|it|my|where|how|whether|the\s+(?:status|proposal|quote)))",
            r"^[ \t]*checking\s+in\s*(?:[.!,?:;]|-|$)",
            r"touching\s+base",
            r"(?:just|wanted|want|writing|like|here|thought\s+i'd|thought\s+i\s+would)\s+(?:to\s+)?(?:quickly\s+)?touch\s+base",
            r"just\s+(?:(?:wanted|wanting)\s+to\s+reach|reaching)\s+out",
            r"(?:i'm|i\s+am|am|just|i'm\s+just)\s+reaching\s+out\s+(?:again|once\s+(?:more|again)|one\s+(?:more|last)\s+time)",
            r"^[ \t]*reaching\s+out\s+(?:again|once\s+(?:more|again)|one\s+(?:more|last)\s+time)",
            r"just\s+(?:(?:wanted|wanting|writing|hoping)\s+to\s+see|seeing)\s+(?:if|whether|how|where|what)",
        ],
        unless_followed_by: &[],
        why: "A check-in asks for their time and gives them nothing back.",
        better: "Say exactly why you are writing: the specific thing you bring or the one question you need answered.",
        source: "PLAYBOOK.md cause 4 (\"just checking in\")",
        examples: &[
            "Just checking in on the proposal.",
            "I wanted to check in.",
            "Checking in to see where things are.",
            "Checking back on this.",
            "Touching base about the pilot.",
            "Just reaching out again.",
            "Just wanted to see if you had thoughts.",
        ],
    },
    Rule {
        id: "just-wanted-to",
        patterns: &[
            r"(?:i\s+)?just\s+(?:wanted|want|wanting|thought\s+i'd|thought\s+i\s+would|hoping)\s+to\s+(?:quickly\s+)?(?:(?:make\s+sure|ensure|confirm|check)\s+(?:that\s+)?you\s+(?:saw|seen|got|received|had|have\s+seen|have\s+received|didn't\s+miss)|drop\s+you\s+a|shoot\s+you\s+a|send\s+(?:you\s+)?a\s+(?:quick|short|brief)\s+(?:note|e-?mail|line|message|reminder)|put\s+this\s+(?:back\s+)?on\s+your\s+radar|bring\s+this\s+(?:back\s+)?to\s+your\s+attention|resurface|resend|remind|ping|bump|nudge|touch\s+base|hear\s+(?:back|your\s+thoughts|from\s+you|what\s+you\s+think)|get\s+back\s+(?:on|to)\s+(?:this|my)|get\s+your\s+(?:thoughts|feedback|take)|(?:know|ask)\s+(?:if|whether)\s+you(?:'ve|\s+have)?\s+(?:had|seen|got|gotten|received|read))",
        ],
        unless_followed_by: &[],
        why: "\"Just wanted to\" hedges the message before it starts and reads as an excuse for writing.",
        better: "Drop the hedge and say the one thing you are writing for.",
        source: "PLAYBOOK.md cause 4 (\"Turned off by tactics\"); stuartmclaughlin.com on the hedging \"just\"",
        examples: &[
            "I just wanted to make sure you saw this.",
            "Just wanted to drop you a line.",
            "Just wanted to hear your thoughts.",
        ],
    },
    Rule {
        id: "bumping",
        patterns: &[
            r"(?:just\s+)?bump(?:ing|ed)?\s+(?:this|it|my|that|the\s+(?:thread|email|message|below)|up)(?:\s+(?:up|back\s+up|again))?",
            concat!(
                r"(?:just\s+a\s+|a\s+|one\s+more\s+|another\s+)",
                softener!(),
                r"?\s*bump\s+(?:on|for|to)\s+(?:this|my|the\s+(?:below|thread|email|message))"
            ),
            r"just\s+a\s+bump",
            r"(?:top|front)\s+of\s+(?:your|the)\s+inbox",
            r"(?:floating|resurfacing|surfacing)\s+(?:this|my\s+(?:e-?mail|message|note))",
            r"(?:pushing|bringing|moving|putting)\s+(?:this|it|my\s+(?:e-?mail|message|note))\s+(?:back\s+)?(?:up\s+)?to\s+the\s+top",
            r"(?:in\s+case|so)\s+(?:it|this|my\s+(?:email|message|note))\s+(?:doesn't|does\s+not|didn't|did\s+not|won't|will\s+not)\s+(?:get|go)\s+(?:buried|lost|missed)",
            r"in\s+case\s+(?:it|this|my\s+(?:\w+\s+)?(?:email|message|note))\s+(?:got|was|gets|is)\s+(?:buried|lost|missed)",
            r"in\s+case\s+(?:you\s+missed\s+(?:it|this|my)|it\s+slipped)",
            r"got\s+(?:buried|lost)\s+in\s+(?:your|the)\s+inbox",
            r"(?:did|has|may\s+have|might\s+have)\s+my\s+(?:(?:last|previous|earlier|prior)\s+)?(?:e-?mail|message|note)\s+(?:get\s+|got\s+|been\s+)?(?:lost|buried|missed|stuck)",
            r"resend(?:ing)?\s+(?:my|this|the\s+below|the\s+email|below)",
        ],
        unless_followed_by: &[],
        why: "Bumping an old message is the clearest sign of desperation mode.",
        better: "Don't resend. Send one new, relevant thing, or send the breakup.",
        source: "PLAYBOOK.md cause 4 (\"bumping this to the top of your inbox\")",
        examples: &[
            "Bumping this to the top of your inbox.",
            "Just bumping this up.",
            "A gentle bump on the below.",
            "Floating this back up.",
            "In case it got buried, here it is again.",
            "So it doesn't get buried.",
        ],
    },
    Rule {
        id: "per-my-last-email",
        patterns: &[
            r"(?:as\s+)?per\s+(?:my|our|the)\s+(?:(?:last|previous|earlier|prior|below|original)\s+)?(?:e-?mail|message|note|mail|voicemail|conversation)s?",
            r"as\s+(?:i\s+|we\s+)?(?:previously\s+)?(?:mentioned|said|stated|noted|wrote|explained|pointed\s+out|outlined)\s+(?:before|previously|earlier|below|above|in\s+my)",
            r"as\s+i\s+(?:mentioned|said)",
            r"as\s+previously\s+(?:mentioned|stated|discussed|noted|said)",
            r"(?:see|refer\s+to|re-?read)\s+my\s+(?:last|previous|earlier|prior|below|original)\s+(?:e-?mail|message|note|mail)",
        ],
        unless_followed_by: &[],
        why: "Pointing at your own history reads as a reproach.",
        better: "Restate the point in one line, as if it were the first time.",
        source: "PLAYBOOK.md cause 4 (\"here's the email I sent five times\")",
        examples: &[
            "As per my last email, pricing is attached.",
            "Per my previous message, the pilot starts in May.",
            "As I mentioned before, the pilot is free.",
            "As previously stated, we can start in May.",
            "See my earlier email for the details.",
        ],
    },
    Rule {
        id: "did-you-get-a-chance",
        patterns: &[
            r"(?:did|have|has|had)\s+(?:you|u|they|the\s+team|your\s+team)\s+(?:got|get|gotten|had|have|found|find)\s+(?:a|the|any)\s+(?:chance|moment|minute|second|opportunity)",
            r"had\s+(?:a|the|any)\s+(?:chance|moment|opportunity)\s+to",
            r"(?:were|was)\s+(?:you|the\s+team)\s+able\s+to\s+(?:look|review|read|go\s+over|check|take\s+a\s+look|get\s+to)",
            r"(?:wondering|wonder)\s+(?:if|whether)\s+you(?:'ve|\s+have)?\s+(?:had|got|gotten|get)\s+(?:a|the|any)\s+(?:chance|moment|time)",
            r"(?:not\s+sure|wondering|wonder|unsure)\s+(?:if|whether)\s+you\s+(?:saw|seen|got|received|read|had\s+a\s+look\s+at)\s+my",
            r"(?:did|have)\s+you\s+(?:see|seen|get|gotten|receive|received|read)\s+my\s+(?:(?:last|previous|earlier|prior|recent)\s+)?(?:e-?mail|message|note|mail|voicemail|proposal|quote|invitation|invite)",
        ],
        unless_followed_by: &[],
        why: "It puts them on the defensive about homework they never agreed to do.",
        better: "Ask a question they can answer in one line, or propose the next step with a date.",
        source: "PLAYBOOK.md prevention (\"not 'did you talk to your CTO?'\")",
        examples: &[
            "Did you get a chance to look?",
            "Have you had a chance to review the proposal?",
            "Were you able to look at the deck?",
            "Wondering if you've had a chance to read it.",
            "Did you see my last email?",
        ],
    },
    Rule {
        id: "any-news",
        patterns: &[
            r"any\s+(?:(?:more|further|new|fresh|quick|other)\s+)?(?:update|updates|news|thoughts|word|progress|movement|luck|joy|developments?|decision)(?:\s+(?:on|about|regarding|re|from)\s+(?:this|that|it|my\s+\w+|the\s+\w+(?:\s+\w+)?|our\s+\w+|your\s+(?:end|side)))?(?:\s+(?:yet|so\s+far|at\s+all|since|there))?\s*\?",
            r"any\s+updates?\s+(?:yet|so\s+far)",
            r"^[ \t]*(?:any\s+)?(?:thoughts|news|updates?)\s*\?",
            r"(?:still|any)\s+(?:no\s+)?(?:interest|interested)\s*\?",
        ],
        unless_followed_by: &[],
        why: "A bare \"any news?\" asks them to do the work of restarting the conversation and gives them nothing to react to.",
        better: "Ask one specific question they can answer in a line, or propose the next step with a date.",
        source: "PLAYBOOK.md prevention (\"every touch carries something relevant\") and cause 3 (\"No new insight\")",
        examples: &[
            "Any thoughts?",
            "Any news on this?",
            "Any updates yet",
            "Any word from the team?",
            "Any progress on the proposal?",
            "Any movement on the budget?",
        ],
    },
    Rule {
        id: "guilt",
        patterns: &[
            concat!(
                r"(?:i\s+know|i'm\s+sure|i\s+am\s+sure|i\s+imagine|i\s+understand|i\s+appreciate|i\s+realise|i\s+realize|i\s+get\s+that|must\s+be|i\s+know\s+how)\s+(?:that\s+)?",
                you_are!(),
                r"\s+",
                busy!()
            ),
            concat!(r"you\s+must\s+be\s+", busy!()),
            r"(?:i\s+know|i'm\s+sure|i\s+am\s+sure|i\s+imagine)\s+(?:that\s+)?you(?:'ve|\s+have)?\s+(?:got\s+)?(?:a\s+lot|lots|tons|plenty|so\s+much|a\s+million\s+things)\s+(?:on|going)",
            r"(?:haven't|have\s+not|hasn't|has\s+not|didn't|did\s+not|never)\s+(?:yet\s+)?heard\s+(?:back|from\s+you|anything|a\s+word)",
            r"(?:no|haven't\s+had\s+a|not\s+had\s+a|without\s+a)\s+(?:response|reply|answer)\s+(?:yet|so\s+far|from\s+you)",
            r"still\s+(?:waiting|hoping)\s+(?:on|for)\s+(?:your|you|a\s+(?:reply|response|word|decision)|an\s+(?:answer|update))",
            r"still\s+hoping\s+to\s+hear",
            r"still\s+waiting\s*(?:[.!?]|$)",
            r"(?:tried|trying|attempted)\s+(?:to\s+)?(?:reach|reaching|contact|contacting|get\s+hold\s+of|get\s+in\s+touch\s+with)\s+you",
            r"(?:sent|left|written|wrote)\s+(?:you\s+)?(?:several|multiple|a\s+few|many|a\s+number\s+of|three|four|five|\d+)\s+(?:e-?mails|messages|notes|voicemails)",
            r"(?:e-?mailed|called|written|wrote)\s+(?:to\s+you\s+|you\s+)?(?:several|multiple|a\s+few|many|three|four|five|a\s+number\s+of|\d+)\s+times",
            r"(?:after|given|despite|since|with)\s+(?:(?:the|this|all\s+the|weeks\s+of|months\s+of|some|a\s+bit\s+of)\s+)?radio\s+silence",
            r"radio\s+silence\s+(?:from|on)\s+your",
            r"(?:fell|fallen|dropped|slipped)\s+off\s+(?:your|the)\s+radar",
            r"(?:guess|assume|take\s+it)\s+(?:you're|you\s+are|youre)\s+(?:no\s+longer\s+|not\s+)interested",
            r"did\s+i\s+(?:do|say)\s+something\s+wrong",
            r"are\s+you\s+still\s+(?:alive|there|with\s+us|around)",
            r"i've\s+left\s+you",
            r"ignor(?:ed|ing)\s+(?:me|my\s+(?:e-?mails?|messages?|calls?|notes?))",
        ],
        unless_followed_by: &[],
        why: "Guilt lines make replying feel like an apology, so they don't reply.",
        better: "Give them an easy out instead: ask whether you should close the file.",
        source: "PLAYBOOK.md cause 4 (\"you must be busy, here's the email I sent five times\")",
        examples: &[
            "I know you're busy, but",
            "I'm sure things are hectic.",
            "You must be swamped.",
            "I haven't heard back from you.",
            "Still waiting for your reply.",
            "I've tried to reach you several times.",
            "I guess you're not interested.",
        ],
    },
    Rule {
        id: "pressure",
        patterns: &[
            r"last\s+chance",
            r"act\s+(?:now|fast|quickly|today)",
            r"before\s+it's\s+too\s+late",
            r"don't\s+miss\s+(?:out|this)",
            r"final\s+notice",
            r"expires?\s+(?:today|tonight|at\s+midnight|in\s+\d+\s+hours)",
            r"time\s+is\s+running\s+out",
            r"limited\s+time\s+only",
            r"only\s+\d+\s+(?:spots|seats|places|slots)\s+left",
        ],
        unless_followed_by: &[],
        why: "Manufactured urgency erodes trust.",
        better: "Make the cost of waiting concrete with their own numbers, not a countdown.",
        source: "PLAYBOOK.md \"Prevention plays\" (urgency from the cost of not acting)",
        examples: &[
            "Last chance to lock this in",
            "Act now",
            "Time is running out.",
        ],
    },
    Rule {
        id: "hollow-opener",
        patterns: &[
            r"(?:i\s+)?hope\s+(?:this|the|my|that\s+this)\s+(?:\w+\s+)?(?:e-?mail|message|note|mail|letter)\s+finds\s+you",
            r"(?:i\s+)?hope\s+this\s+finds\s+you",
            r"(?:i\s+)?hope\s+(?:you're|you\s+are|youre|you've\s+been|you\s+have\s+been|all\s+is|all's|everything\s+is|everything's|things\s+are|all\s+has\s+been)\s+(?:(?:doing|going|keeping)\s+)?(?:well|good|great|fine)",
            r"(?:i\s+)?hope\s+(?:you're|you\s+are|youre)\s+having\s+an?\s+(?:\w+\s+)?(?:week|day|weekend|start)",
            r"(?:i\s+)?hope\s+you\s+(?:had|have\s+had|enjoyed)\s+an?\s+(?:\w+\s+)?(?:week|day|weekend|holiday|holidays|break|start\s+to\s+the\s+week)",
        ],
        unless_followed_by: &[],
        why: "A hollow opener wastes the one line they will read.",
        better: "Open with their problem or the reason you are writing.",
        source: "PLAYBOOK.md cause 4 (\"pushy or hollow follow-ups\")",
        examples: &[
            "Hope this email finds you well.",
            "I hope you're doing well.",
            "Hope all is well.",
            "Hope you're having a great week.",
        ],
    },
];
