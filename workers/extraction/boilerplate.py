"""Block-level boilerplate classifier: publisher appeals, newsletters, credits, link lists."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import PUBLISHER_VOICE, READER_ADDRESS
from .text import Block

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# An unclosed quote runs to the end of the block: quotations spanning paragraphs open
# each paragraph with a quote mark and close only the last one.
_QUOTED = re.compile(r"\"[^\"]*(?:\"|$)|“[^”]*(?:”|$)|«[^»]*(?:»|$)")

_IMPERATIVE_VERBS = (
    r"support|donate|subscribe|sign\s+up|sign\s+in|log\s+in|register|follow|share|click|tap|join|"
    r"contribute|give|chip\s+in|become|download|listen|watch|read|get|try|start|send|tell|"
    r"visit|email|like|check\s+out|find\s+out|learn|discover|explore|see|enjoy|help|make|keep|enter"
)
# What an imperative addresses in a call to action ("Support us", "Read the report"),
# unlike a sentence opening with the same word as a noun ("Share prices fell").
_CALL_OBJECT = (
    r"us|our|me|this|these|it|them|now|here|today|the|a|an|your|more|up|free|on|in|to|with|sure|"
    r"access|all|other|fellow|thousands|millions|independent|quality|local|trusted|fearless|\d"
)
# A call to action: an imperative at the start of a sentence or after "please", or
# the fixed phrases of subscription, sharing and navigation widgets.
_CALL_TO_ACTION = re.compile(
    rf"(?:^|[.!?:]\s+)(?:{_IMPERATIVE_VERBS})\s+(?:{_CALL_OBJECT})\b"
    rf"|\bplease\s+(?:{_IMPERATIVE_VERBS})\b"
    r"|\b(?:support|follow|join|help|contact|email|find)\s+us\b|\blike\s+us\s+on\b"
    r"|\bfollow\b[^.!?]{0,60}\bon\s+(?:facebook|twitter|instagram|linkedin|tiktok|youtube|x)\b"
    r"|\b(?:subscribe|donate|unsubscribe|newsletters?|inbox|sign\s+up|sign\s+in|log\s+in|"
    r"remind\s+me\s+later|read\s+more|learn\s+more|click\s+here|continue\s+reading|"
    r"already\s+a\s+(?:subscriber|member)|become\s+a\s+(?:member|subscriber|supporter|patron)|"
    r"make\s+a\s+(?:contribution|donation|gift)|every\s+contribution|tax[-\s]deductible|"
    r"share\s+(?:this|it)|readers\s+like\s+you|maybe\s+later|no,?\s+thanks|email\s+address|"
    r"thanks?\s+(?:you\s+)?for\s+(?:reading|your\s+support|supporting|being\s+a\s+(?:reader|subscriber|member)))\b",
    re.IGNORECASE,
)
_APPEAL_MONEY = re.compile(
    r"(?:[$€£¥₹]|\brs\.?|\binr)\s?\d[\d.,]*|\d[\d.,]*\s?(?:dollars|euros|pounds|rupees|usd|eur|gbp|inr)\b",
    re.IGNORECASE,
)
_APPEAL_WORDS = re.compile(
    r"\b(?:support\w*|donat\w*|contribut\w*|subscri\w*|membership|gift|pledge|chip\s+in)\b",
    re.IGNORECASE,
)
_ON_ITSELF = re.compile(
    r"\b(?:journalis(?:m|ts?)|reporting|reporters|newsroom|readers(?:hip)?|editorial|independen(?:t|ce)|"
    r"subscri\w*|donat\w*|membership|members|supporters?|funded|funding|advertis\w*|paywall|mission)\b",
    re.IGNORECASE,
)
_READER_SALUTATION = re.compile(
    r"^(?:dear|hello|hi|greetings)\b[^.!?]{0,30}\b(?:readers?|friends?|supporters?|subscribers?|members?|"
    r"listeners?|viewers?|patrons?|donors?|community)\b[^.!?]{0,10}[,:!]?$",
    re.IGNORECASE,
)
_SALUTATION = re.compile(r"^(?:dear|hello|hi|greetings)\b[^.!?]{0,40}[,:!]?$", re.IGNORECASE)
_PHOTO_CREDIT = re.compile(
    r"^(?:photos?|images?|pictures?|illustrations?|video|graphics?|credit|source|caption)"
    r"\s*(?:credit)?\s*[:|/–—-]"
    r"|\((?:[^()]*/)?\s*(?:getty\s+images|reuters|ap(?:\s+photo)?|afp|epa|shutterstock|"
    r"alamy|file\s+photo|ap\s+images)[^()]*\)\s*$"
    r"|\b(?:getty\s+images|shutterstock|alamy|istock)\b\s*$",
    re.IGNORECASE,
)
_RELATED_LINKS = re.compile(
    r"^(?:related(?:\s+(?:articles?|stories|posts?|coverage|content|reading))?|read\s+(?:also|more|next)|"
    r"see\s+also|also\s+(?:read|see|on)|more\s+(?:from|on|about|stories|news)|recommended(?:\s+for\s+you)?|"
    r"trending(?:\s+now)?|most\s+(?:read|popular|viewed)|popular\s+(?:now|stories)|top\s+stories|"
    r"you\s+(?:may|might)\s+also\s+like|don['’]t\s+miss|editor['’]s\s+picks?|latest\s+(?:news|stories)|"
    r"further\s+reading|more:|also:)\b",
    re.IGNORECASE,
)
_LIST_HEADING = re.compile(
    r"^(?:sources?|references|bibliography|further\s+reading|tags|topics|categories|filed\s+under|"
    r"related|more|see\s+also|share(?:\s+this)?)\s*:?\s*$",
    re.IGNORECASE,
)
# Labels need their colon or date: "Sources said ..." and "Updated figures show ..." are news.
_CREDIT_LINE = re.compile(
    r"^\(?(?:(?:written|reporting|additional\s+reporting|editing|edited|compiled|photographs?)\s+by\b"
    r"|(?:sources?|tags?|topics?|categories|filed\s+under|posted\s+in)\s*:"
    r"|(?:published|updated|last\s+updated|first\s+published|posted)\s*(?::|on\b|at\b|\d)"
    r"|(?:correction|clarification|editor['’]s\s+note)\s*:)",
    re.IGNORECASE,
)
_CONTRIBUTOR_LINE = re.compile(
    r"\bcontributed\s+(?:reporting|to\s+(?:this|the)\s+(?:report|story|article))\b"
    r"|\b(?:can|may)\s+be\s+reached\s+at\b|^reach\s+(?:the|this)\s+(?:reporters?|writers?|authors?)\b"
    # The publisher's note on its own article: "An earlier version of this article misstated ...".
    r"|\b(?:earlier|previous|original)\s+version\s+of\s+this\s+(?:article|story|report|post)\b",
    re.IGNORECASE,
)
# "By Jane Doe and John Roe" but not "By raising rates, the bank ..."
_BYLINE = re.compile(r"^(?i:by)\s+(?:[A-Z][\w.'’-]*(?:\s+|,\s*|$)|and\s+|&\s+){1,8}$")
# Legal notices and the disclaimers publishers attach: affiliate, reprint, opinion, comment policy.
_LEGAL = re.compile(
    r"©|\bcopyright\b|\ball\s+rights\s+reserved\b|\bterms\s+of\s+(?:use|service)\b|"
    r"\bprivacy\s+policy\b|\bcookie\s+(?:policy|settings|preferences)\b|\bwe\s+use\s+cookies\b|"
    r"\bsubject\s+to\s+change\s+without\s+notice\b|\bquantities\s+(?:are|may\s+be)\s+limited\b|"
    r"\b(?:may|might|could)\s+(?:receive|earn|get)\s+(?:a\s+)?(?:small\s+)?(?:commission|compensation)\b|"
    r"\bpersonal,?\s+non-?commercial\s+use\b|"
    r"\bpresentation-ready\s+copies\b|"
    r"\b(?:views|opinions)\s+(?:and\s+opinions\s+)?expressed\s+(?:in\s+this\s+\w+|here(?:in)?)\s+are\b|"
    r"\bmoderat\w*\s+(?:all\s+)?comments\b|\bcomments\s+(?:are|will\s+be)\s+moderated\b",
    re.IGNORECASE,
)
_TERMINAL = tuple(".!?\"”’')]»…")

# How far an appeal reaches past its last unmistakable block, in blocks either way: far
# enough for a publisher's letter, not so far that an article in the first person goes with it.
_APPEAL_REACH = 3
_TINY_WORDS = 3
# Appeals for money are short; a deals post quoting prices runs longer.
_APPEAL_MONEY_WORDS = 60
_SHORT_ASK_WORDS = 30
# Share of words in the publisher's voice ("we", "our") that carries an appeal on.
_VOICE_DENSITY = 0.06
# The same, when the block speaks of the publisher's journalism, readers or funding.
_VOICE_DENSITY_ON_ITSELF = 0.03
_SHORT_WORDS = 12
_HEADING_WORDS = 10
_CREDIT_WORDS = 25
_HEADLINE_WORDS = 20
_LEAD_IN_DENSITY = 0.08


@dataclass(frozen=True)
class BlockSignals:
    words: int
    publisher_voice: int
    reader_address: int
    calls_to_action: int
    appeal_money: bool
    salutation: bool
    heading: bool
    headline: bool
    list_item: bool
    credit: bool
    related_links: bool
    legal: bool
    # The reader asked for support or a subscription in a few words ("Journalism needs your support.").
    reader_ask: bool = False
    # "Dear readers," opens an appeal; "Hello," or "Dear Editor," may open a letter or a question.
    reader_salutation: bool = False
    # Words of a publisher about itself: its journalism, readers, funding, members.
    on_itself: bool = False

    @property
    def address_density(self) -> float:
        return (self.publisher_voice + self.reader_address) / self.words if self.words else 0.0

    @property
    def certain(self) -> bool:
        """Boilerplate on its own, wherever it stands."""
        return self.credit or self.legal or self.salutation or self.opens_run

    @property
    def opens_run(self) -> bool:
        return self.opens_appeal or self.related_links

    @property
    def opens_appeal(self) -> bool:
        """Boilerplate that the next blocks are likely to continue."""
        return (
            self.reader_salutation
            or self.appeal_money
            or (self.calls_to_action > 0 and (self.address_density >= 0.05 or self.words <= _SHORT_WORDS))
            or (self.calls_to_action > 1 and self.words <= 60)
            # The publisher ("we") talking to the reader ("you"), not a first-person account.
            or (self.address_density >= 0.1 and self.publisher_voice > 0 and self.reader_address > 0)
        )

    @property
    def publisher_speaks(self) -> bool:
        """The publisher's "we" and "our", dense enough, or about its own work and readers."""
        return self.publisher_voice > 0 and (
            self.address_density >= _VOICE_DENSITY
            or (self.address_density >= _VOICE_DENSITY_ON_ITSELF and self.on_itself)
        )

    @property
    def continues_appeal(self) -> bool:
        """Boilerplate when it follows an appeal: the publisher's voice, a call to action or a
        credit. Addressing the reader alone is not enough: service journalism does that throughout."""
        return (
            self.publisher_speaks
            or self.calls_to_action > 0
            or self.credit
            or self.reader_ask
        )

    @property
    def widget_line(self) -> bool:
        """A link-like line ("Email address", "No thanks") or a closing formula ("Thank you."):
        boilerplate between two appeal blocks or after the last, a subheading before news."""
        return self.list_item or self.words <= _TINY_WORDS

    @property
    def leads_in(self) -> bool:
        """Boilerplate when an appeal follows it: the publisher's voice."""
        return self.calls_to_action > 0 or (
            self.publisher_voice > 0
            and (self.address_density >= _LEAD_IN_DENSITY
                 or (self.address_density >= _VOICE_DENSITY_ON_ITSELF and self.on_itself))
        )


def block_signals(block_text: str) -> BlockSignals:
    unquoted = _QUOTED.sub(" ", block_text)
    # "US" is the country, not the publisher's "us".
    words = [word.lower().replace("’", "'") for word in _WORD.findall(unquoted) if word != "US"]
    publisher_voice = sum(word in PUBLISHER_VOICE for word in words)
    reader_address = sum(word in READER_ADDRESS for word in words)
    calls_to_action = len(_CALL_TO_ACTION.findall(unquoted))
    stripped = block_text.strip()
    word_count = len(_WORD.findall(block_text))
    return BlockSignals(
        words=word_count,
        publisher_voice=publisher_voice,
        reader_address=reader_address,
        calls_to_action=calls_to_action,
        # The publisher asking for money ("support us from just $2"), not an article on how
        # much a reader may put into a pension ("you can contribute up to $19,000").
        appeal_money=bool(_APPEAL_MONEY.search(unquoted) and _APPEAL_WORDS.search(unquoted))
        and (publisher_voice > 0 or calls_to_action > 0)
        and word_count <= _APPEAL_MONEY_WORDS,
        salutation=word_count <= 6 and bool(_SALUTATION.match(stripped)),
        heading=word_count <= _HEADING_WORDS and (stripped.endswith(":") or not stripped.endswith(_TERMINAL)),
        headline=word_count <= _HEADLINE_WORDS and not stripped.endswith(_TERMINAL),
        list_item=word_count <= _SHORT_WORDS and not stripped.endswith(_TERMINAL),
        credit=word_count <= _CREDIT_WORDS
        and bool(
            _PHOTO_CREDIT.search(stripped)
            or _CREDIT_LINE.match(stripped)
            or _BYLINE.match(stripped)
            or _CONTRIBUTOR_LINE.search(stripped)
        ),
        related_links=word_count <= 25
        and bool(_RELATED_LINKS.match(stripped) or _LIST_HEADING.match(stripped)),
        legal=word_count <= 60 and bool(_LEGAL.search(stripped)),
        on_itself=bool(_ON_ITSELF.search(unquoted)),
        reader_salutation=word_count <= 6 and bool(_READER_SALUTATION.match(stripped)),
        reader_ask=reader_address > 0 and word_count <= _SHORT_ASK_WORDS and bool(_APPEAL_WORDS.search(unquoted)),
    )


def boilerplate_flags(text: str, blocks: list[Block]) -> list[bool]:
    """For each block, whether it is boilerplate (yields no claims).

    Decided by what the blocks say, wherever they stand: a publisher's appeal in the middle of
    an article, or an article pasted twice with its appeal, is found like one at the end."""
    signals = [block_signals(text[block.start : block.end]) for block in blocks]
    flags = [signal.certain for signal in signals]
    # Unpunctuated short lines in a row are lists of links or teasers; a lone one is a
    # title or subheading, which may well state a claim ("Myth: garlic cures flu").
    for index, signal in enumerate(signals):
        neighbours = signals[max(0, index - 1) : index] + signals[index + 1 : index + 2]
        if signal.headline and any(neighbour.headline for neighbour in neighbours):
            flags[index] = True
    for index, in_appeal in enumerate(_appeal_runs(signals)):
        flags[index] = flags[index] or in_appeal

    # A list of links ("Related:") goes on while its items do.
    in_list = False
    for index, signal in enumerate(signals):
        if signal.related_links:
            in_list = True
        elif in_list and (signal.list_item or signal.credit):
            flags[index] = True
        else:
            in_list = False

    # Backwards: a short heading ("A word from our editors:") belongs to the boilerplate it introduces.
    for index in range(len(blocks) - 2, -1, -1):
        if flags[index + 1] and not flags[index]:
            flags[index] = signals[index].heading
    return flags


def _appeal_runs(signals: list[BlockSignals]) -> list[bool]:
    """The blocks of appeals: each block that opens one, what follows it while it still reads
    like one (short, in the publisher's voice, asking for something) and the publisher's voice
    leading into it, at most _APPEAL_REACH blocks either side of a block that opens an appeal."""
    in_appeal = [signal.opens_appeal for signal in signals]
    # Credits and legal lines inside an appeal carry it on to what follows them.
    anchors = [signal.opens_appeal or signal.certain for signal in signals]
    reach = 0
    for index in range(1, len(signals)):
        if anchors[index] and (in_appeal[index - 1] or signals[index].opens_appeal):
            in_appeal[index] = True
            reach = 0
        elif in_appeal[index - 1] and reach < _APPEAL_REACH and (
                signals[index].continues_appeal or signals[index].widget_line and _appeal_goes_on(signals, index + 1)):
            in_appeal[index] = True
            reach += 1
    reach = 0
    for index in range(len(signals) - 2, -1, -1):
        if in_appeal[index]:
            reach = 0
        elif in_appeal[index + 1] and reach < _APPEAL_REACH and signals[index].leads_in:
            in_appeal[index] = True
            reach += 1
    return in_appeal


def _appeal_goes_on(signals: list[BlockSignals], index: int) -> bool:
    """The text ends at `index`, or an appeal goes on there (past any link-like lines)."""
    while index < len(signals) and signals[index].widget_line and not signals[index].calls_to_action:
        index += 1
    if index == len(signals):
        return True
    following = signals[index]
    return following.opens_appeal or following.certain or following.continues_appeal
