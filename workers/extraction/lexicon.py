"""Word, tag and label sets of the extraction rules, in one place to read or change them."""

from __future__ import annotations

# -- quotation marks ----------------------------------------------------------------------------

OPENING_QUOTES = frozenset({"“", "«", "``"})
CLOSING_QUOTES = frozenset({"”", "»", "''"})
# Every mark that opens or closes a quotation in a parse ('"' does both, by turns).
QUOTE_MARKS = OPENING_QUOTES | CLOSING_QUOTES | {'"'}
# The double marks a claim's text can hold: an odd count means a quotation left open.
DOUBLE_QUOTES = frozenset({'"', "“", "”"})
# Single marks, which are apostrophes too ("don't"): quotes only by their spacing.
SINGLE_QUOTES = frozenset({"'", "‘", "’"})
# What may follow a sentence's final "?" or ".".
CLOSING_PUNCTUATION = "\"'”’)]»"
# Marks that join a clause to the next one, never the last before a full stop.
CLAUSE_SEPARATORS = frozenset({",", ";", ":", "-", "–", "—"})
# Words a sentence cannot end with: a line that stops on one goes on in the next line.
WORDS_ENDING_NO_SENTENCE = frozenset({"the", "a", "an", "of", "in", "to", "and", "or", "for", "with", "by", "at",
                                      "from", "on", "than", "nor"})

# -- dependency labels ----------------------------------------------------------------------------

# A subject that is a noun phrase (a name, a noun, a pronoun): what a claim borrows, a pronoun
# means, or a speaker is.
NOUN_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# Any subject at all, clausal and expletive ones included: whether a clause has a subject.
ANY_SUBJECT_DEPS = NOUN_SUBJECT_DEPS | {"csubj", "csubjpass", "expl"}
OBJECT_DEPS = frozenset({"dobj", "attr", "acomp", "ccomp", "xcomp", "pobj", "dative", "oprd", "agent"})
# What a subject keeps when a later pronoun is rewritten to it: "the new coronavirus".
SUBJECT_PHRASE_DEPS = frozenset({"det", "amod", "compound", "nmod", "nummod", "poss"})
# What a long attribution keeps left of its head: "the foreign ministry".
SPEAKER_PHRASE_DEPS = frozenset({"det", "amod", "compound", "poss", "nmod", "case"})
# Where a list can be split: objects and complements, not subjects ("A and B are" wants "are").
LIST_DEPS = frozenset({"dobj", "pobj", "pcomp", "attr", "oprd", "dative"})

# -- parts of speech and tags ----------------------------------------------------------------------

VERB_POS = frozenset({"VERB", "AUX"})
NOMINAL_POS = frozenset({"NOUN", "PROPN"})
# What a list item's description may open with: "Lumo: a compiler ...".
DESCRIPTION_POS = frozenset({"DET", "ADJ", "NOUN", "PROPN"})
PLURAL_NOUN_TAGS = frozenset({"NNS", "NNPS"})
PAST_TAGS = frozenset({"VBD", "VBN"})
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
COMPARISON_TAGS = frozenset({"JJR", "RBR", "JJS", "RBS"})

# -- entity labels ------------------------------------------------------------------------------

NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"}
)
NUMBER_LABELS = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY"})
DATE_LABELS = frozenset({"DATE"})
# Words the tagger marks DATE that say how often, not when: "an annual summit" names no date.
FREQUENCY_WORDS = frozenset({"annual", "annually", "yearly", "biannual", "biennial", "quarterly", "monthly",
                             "fortnightly", "weekly", "daily", "nightly", "hourly"})
# Figures, dates and times: "on July 8 and 9" is a range, and such a mention names no one.
NUMERIC_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"})
# Names that "it" and "its" can stand for.
THING_LABELS = frozenset({"ORG", "GPE", "LOC", "FAC", "PRODUCT", "LAW", "EVENT", "WORK_OF_ART"})
# Names that "they" and "their" can stand for.
GROUP_LABELS = frozenset({"ORG", "NORP", "GPE"})

# -- pronouns -------------------------------------------------------------------------------------

# Third-person pronouns by what they can stand for. Reflexives ("the audit itself") are left
# out: their antecedent is always in their own clause.
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
PERSON_PRONOUNS = frozenset(PRONOUN_GENDER)
THING_PRONOUNS = frozenset({"it", "its"})
GROUP_PRONOUNS = frozenset({"they", "them", "their", "theirs"})
THIRD_PERSON = PERSON_PRONOUNS | THING_PRONOUNS | GROUP_PRONOUNS
DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})
FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"})
SECOND_PERSON = frozenset({"you", "your", "yours", "yourself", "yourselves"})
PLURAL_PRONOUNS = GROUP_PRONOUNS | {"we", "us", "these", "those"}
# A subject, or a subject's owner, that carries the topic on ("He ...", "His term ..."): the
# pronoun that stands for that topic.
TOPIC_PRONOUNS = {"it": "it", "they": "they", "he": "he", "she": "she",
                  "its": "it", "their": "they", "his": "he", "her": "she"}
# Pronouns that open a relative clause as its subject: "who founded Lumo".
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
# Verbs that tell the reader what to do ("but keep in mind that ...", "and note that ..."), never
# an act of the sentence's subject.
READER_INSTRUCTIONS = frozenset({"keep", "bear", "note", "remember", "consider", "imagine", "notice"})
# "It is worth noting that X", "it is important to remember that X": the writer pointing at X, which
# is all the sentence states.
NOTEWORTHY_ADJECTIVES = frozenset({"worth", "important", "notable", "noteworthy", "interesting", "crucial", "essential",
                                   "vital", "useful", "helpful", "fair", "safe"})
NOTING_VERBS = frozenset({"note", "mention", "remember", "point", "stress", "emphasize", "emphasise", "highlight",
                          "recall", "add", "keep", "bear", "notice", "recognize", "recognise", "understand", "say",
                          "clarify", "reiterate", "repeat", "acknowledge"})
# Words that turn a statement into its opposite: claims differing by one are different facts.
NEGATIONS = frozenset({"not", "no", "never", "nor", "neither", "none", "nobody", "nothing", "cannot"})
# Verbs of an "it" that refers to nothing: "it is not known if ...", "it seems that ...".
EXPLETIVE_IT_VERBS = frozenset({"be", "seem", "appear", "take", "remain", "know", "say", "believe", "report",
                                "think", "expect", "estimate", "come", "matter", "become", "make", "look"})
# Of those, the ones with an empty "it" only in the passive: "it is said that ...", but "It said ...".
PASSIVE_EXPLETIVE_IT_VERBS = frozenset({"know", "say", "believe", "report", "think", "expect", "estimate"})
# "It is due to open in 2027", "it is likely to rise": with "to" and a verb after one of these, the "it"
# is what opens or rises (an extraposed clause would start "that": "it is likely that ...").
RAISING_ADJECTIVES = frozenset({"due", "likely", "unlikely", "certain", "sure", "set", "bound", "about", "poised",
                                "ready", "able", "unable", "scheduled", "slated"})
# "The two countries", "the three firms": a count of things named before.
COUNT_WORDS = {"two": 2, "three": 3, "four": 4}
# "The country" stands for the country named last.
COUNTRY_NOUNS = frozenset({"country", "nation"})

# -- names and gender ------------------------------------------------------------------------------

# Labels of names that may be given one type per article (`entities.CanonicalNames.label`).
TYPED_NAME_LABELS = frozenset({"PERSON", "GPE", "LOC", "ORG", "NORP", "FAC"})
PLACE_LABELS = ("GPE", "LOC", "FAC")
# Nouns a title ends in: "Russian President" Vladimir Putin, "the finance minister".
TITLE_NOUNS = frozenset(
    """president minister premier chancellor secretary governor mayor senator congressman congresswoman
    representative ambassador envoy king queen prince princess pope emperor chairman chairwoman chair ceo
    spokesman spokeswoman spokesperson commander general admiral chief director leader judge prosecutor
    attorney-general mp lawmaker""".split())
# A sentence's link to the one before, no part of its fact: "But the war ...", "However, ...".
DISCOURSE_MARKERS = frozenset(
    """but and yet so however meanwhile moreover furthermore nevertheless nonetheless still also besides
    additionally instead indeed""".split())
# Markers that open a sentence without a comma after them ("But the war ..."); the rest need one.
BARE_DISCOURSE_MARKERS = frozenset({"but", "and", "yet", "so"})
# "The war" names the one the article is about: "the war in Ukraine", once the article has placed it.
CONFLICT_NOUNS = frozenset({"war", "conflict", "offensive", "invasion", "fighting", "hostilities"})
# "Relations" alone are between parties the article named before: "relations between A and B".
RELATION_NOUNS = frozenset({"relations", "ties"})
# "The strike", "the agreement" alone: an event or act only the article says which; nothing here
# resolves them, so a claim holding one bare needs its context.
EVENT_OR_ACT_NOUNS = frozenset(
    """strike strikes attack attacks deal agreement accord treaty crisis scandal incident protest protests
    election vote referendum merger takeover bill law ban plan proposal decision reform policy project
    programme program investigation inquiry probe trial lawsuit outbreak storm blast explosion crash
    accident shooting summit meeting talks negotiations ceasefire truce sanctions measure measures report
    study survey poll discovery invention finding findings announcement ruling verdict visit trip
    accusation accusations allegation allegations claim claims closure closures statement warning idea
    arrangement move scheme initiative offer request demand case""".split())
# Verbs with no passive: "was born in Warsaw and died in Savoy" lends "died" no "was".
INTRANSITIVE_LEMMAS = frozenset(
    """die retire emigrate immigrate flee arrive go come remain stay live travel rise fall resign""".split())
# Verbs of a making done once: "a language created by ..." was created, not "is created".
CREATION_LEMMAS = frozenset(
    """create found build write design discover invent establish compose paint publish release launch
    construct coin""".split())
# "The system opened in 1982", "The majority is in Brazil": a bare "the X" standing for something
# the article named before. The article's "Helsinki Metro is a system" resolves it (coreference
# `described_names`); without such a tie the claim needs its context.
REFERRING_NOUNS = frozenset(
    """majority minority rest remainder bulk system company firm group organization organisation bank
    agency airline carrier insurer retailer manufacturer carmaker startup operator regulator network
    platform service device product building tower bridge museum facility plant factory structure team
    club band film book album series show""".split())
# Courtesy titles are not part of the name: "Ms Solberg" is the "Ingrid Solberg" of the article.
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lady", "lord"})
# What the article itself says of a person's gender: a title or a noun right beside the name.
MALE_TITLES = frozenset({"mr", "sir", "lord", "king", "prince", "duke", "monsieur", "señor", "herr"})
FEMALE_TITLES = frozenset({"mrs", "ms", "miss", "dame", "lady", "queen", "princess", "duchess", "madame", "madam",
                           "señora", "frau"})
MALE_NOUNS = frozenset(
    """man boy father dad son brother husband boyfriend king prince duke actor businessman chairman spokesman
    congressman councilman uncle nephew grandfather grandson gentleman widower monk emperor policeman fireman
    salesman sportsman stepfather groom bridegroom godfather patriarch headmaster waiter""".split())
FEMALE_NOUNS = frozenset(
    """woman girl mother mum mom daughter sister wife girlfriend queen princess duchess actress businesswoman
    chairwoman spokeswoman congresswoman councilwoman aunt niece grandmother granddaughter lady widow nun
    empress policewoman saleswoman sportswoman stepmother bride godmother matriarch headmistress waitress
    hostess heroine""".split())
# Common given names borne almost only by one gender in English-language news; one vote each, and
# names used for both ("Jordan", "Kim", "Jean", "Andrea") are left out on purpose.
MALE_GIVEN_NAMES = frozenset(
    """james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony
    mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan
    jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory frank raymond
    alexander patrick jack dennis jerry tyler aaron henry adam douglas nathan peter zachary kyle walter harold
    jeremy ethan carl keith roger gerald christian sean arthur austin noah lawrence jesse joe bryan billy
    bruce albert willie gabriel logan alan juan wayne roy ralph randy eugene vincent russell louis bobby philip
    johnny mitch mike bill bob jim tom dan steve ted barack bernie marco rand mitt hunter boris vladimir
    narendra xi emmanuel olaf rishi keir viktor recep volodymyr sergei dmitry ivan pedro carlos
    luis jorge miguel ahmed mohammed muhammad ali hassan omar lars hans klaus jens erik karl ole per""".split())
FEMALE_GIVEN_NAMES = frozenset(
    """mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty margaret sandra
    ashley kimberly emily donna michelle carol amanda dorothy melissa deborah stephanie rebecca sharon laura
    cynthia kathleen amy angela shirley anna brenda pamela emma nicole helen samantha katherine christine debra
    rachel carolyn janet catherine maria heather diane ruth julie olivia joyce virginia victoria lauren
    christina joan evelyn judith megan cheryl hannah martha gloria teresa sara madison frances kathryn janice
    abigail alice judy sophia grace denise amber doris marilyn danielle beverly isabella theresa diana natalie
    brittany charlotte marie kayla lori hillary kamala nikki ursula liz priti
    tammy elise ilhan alexandria marjorie kristi gretchen kathy jacinda giorgia marine sanna mette
    annalena julia yulia svetlana olga irina natalia tatiana fatima aisha mirella ingrid agnes astrid""".split())

# -- speech and stance --------------------------------------------------------------------------

REPORTING_VERBS = frozenset(
    {
        "say", "tell", "state", "announce", "claim", "add", "report", "confirm", "deny", "insist",
        "argue", "warn", "note", "explain", "write", "accuse", "allege", "acknowledge", "admit",
        "estimate", "reveal", "declare", "assert", "testify", "tweet", "urge", "disclose",
        "maintain", "contend", "reply", "respond", "stress", "emphasize", "emphasise", "predict",
    }
)
PREDICTION_MODALS = frozenset(
    {"will", "'ll", "wo", "shall", "would", "could", "may", "might", "should", "must", "ought"}
)
CAUSAL_LEMMAS = frozenset(
    {"because", "therefore", "thus", "hence", "consequently", "cause", "trigger", "due", "owing"}
)
OPINION_WORDS = frozenset(
    {
        "good", "bad", "great", "terrible", "awful", "horrible", "wonderful", "amazing", "awesome",
        "excellent", "fantastic", "brilliant", "beautiful", "ugly", "ridiculous", "absurd", "stupid",
        "silly", "outrageous", "disgraceful", "shameful", "disgusting", "pathetic", "unfair",
        "unacceptable", "incredible", "unbelievable", "tremendous", "disastrous", "horrific",
        "nice", "lovely", "sad", "happy", "boring", "interesting", "exciting", "fascinating",
        "wrong", "perfect", "useless", "pointless",
        "crucial", "essential", "important", "vital", "necessary", "deserve", "clearly", "obviously",
        "unfortunately", "fortunately", "sadly", "hopefully", "frankly", "honestly", "surely",
        "arguably", "shocking", "appalling", "reckless", "foolish", "wise", "smart",
        "evil", "corrupt", "hypocritical", "misguided", "naive", "laughable", "insane", "crazy",
        "fabulous", "magnificent", "splendid", "lousy", "dreadful", "miserable", "glorious",
        "heroic", "cowardly", "believe", "think", "feel", "hope", "wish",
    }
)
# Opinion verbs mark an opinion only when the speaker owns them ("I think").
OPINION_VERBS = frozenset({"believe", "think", "feel", "hope", "wish", "deserve"})
VAGUE_WORDS = frozenset(
    {"some", "many", "several", "various", "often", "sometimes", "somewhat", "lots", "things",
     "stuff", "something", "someone", "somebody", "everything", "everyone", "everybody", "perhaps",
     "maybe", "probably", "possibly", "certain", "kind", "sort"}
)
# Adjectives that classify or count rather than judge ("former", "economic", "other").
CLASSIFYING_ADJECTIVES = frozenset(
    """other more many much such same former last next own few several only first second third recent
    new economic social political national public private foreign military medical legal domestic federal
    financial international local fiscal chief main joint net annual daily weekly monthly early late total
    current previous final single double certain various further available additional general senior
    junior official human regional rural urban global western eastern northern southern central royal
    commercial industrial environmental digital online technical scientific academic clinical nuclear
    electric electoral presidential parliamentary constitutional judicial criminal civil corporate
    personal individual young old elderly male female black white red green blue yellow brown grey gray
    dark free full open due able likely possible unlike similar different separate specific particular
    entire whole top upper lower front back past future present""".split()
)
# Adverbs through which the author weighs in ("simply", "surely", "even"); -ly adverbs count too
# unless they only place or measure ("recently", "roughly", "publicly").
STANCE_ADVERBS = frozenset(
    """just even yet surely perhaps indeed hardly simply merely truly really quite rather too so very
    ever maybe arguably certainly clearly obviously evidently""".split()
)
NEUTRAL_LY_ADVERBS = frozenset(
    """recently previously currently reportedly allegedly officially formerly initially finally early
    only nearly roughly approximately mostly largely partly respectively annually daily weekly monthly
    yearly publicly privately directly jointly separately subsequently eventually immediately shortly
    already likely lately usually typically generally originally later quickly slowly fully newly widely
    heavily closely rarely frequently occasionally regularly apparently""".split()
)

# -- kinds of claim --------------------------------------------------------------------------------

POLICY_LEMMAS = frozenset(
    {"law", "bill", "policy", "regulation", "ban", "sanction", "tax", "tariff", "legislation",
     "mandate", "decree", "ordinance", "budget", "subsidy", "reform", "treaty", "rule", "ruling",
     "court", "parliament", "congress", "senate", "vote", "veto", "legalize", "legalise", "regulate"}
)
# Verbs of a state, not an event: a dated "is" or "has" does not make an event.
STATIVE_LEMMAS = frozenset({"be", "have", "become", "remain", "seem", "see", "consider", "regard", "call"})

# -- decomposition ----------------------------------------------------------------------------------

# Participles that work as prepositions and frame the clause ("assuming X", "compared with Y"):
# no proposition of the subject's own.
FRAMING_PARTICIPLES = frozenset(
    """assuming considering given granted judging speaking regarding concerning excluding
    including compared according provided supposing barring""".split())
# Subordinate clauses the sentence asserts as true alongside its main clause.
CONCESSIVE_MARKS = frozenset({"although", "though", "whereas", "while"})
# "a menu featuring Nordic cuisine": what a thing is made of or shows, a fact about the thing.
FEATURE_LEMMAS = frozenset({"feature", "contain", "showcase", "star", "combine", "boast", "incorporate", "depict"})
# Verbs whose subject owns, offers or made its object: "The bakery sells a cake ..." → "The bakery's cake".
OWNING_LEMMAS = frozenset({"offer", "have", "serve", "run", "launch", "open", "publish", "release", "unveil",
                           "present", "host", "introduce", "sell", "produce", "operate", "build", "design", "create",
                           "develop", "write", "own", "make", "stage", "broadcast", "air"})
# Subordinate clauses that give a cause ("because demand fell"): a fact of their own as well.
CAUSAL_MARKS = frozenset({"because"})
# Subordinate clauses that date the main one ("after it was cut off"): a past event of their own.
TEMPORAL_MARKS = frozenset({"after", "before", "when", "once", "since", "until", "till"})
# Of these, the ones the main clause's truth hangs on ("has not visited since ..."): it keeps them.
BOUNDING_MARKS = frozenset({"before", "since", "until", "till"})
# How the writer stresses a participle phrase ("notably declining to sign"): no part of its fact.
EMPHASIS_ADVERBS = frozenset(
    """notably particularly especially significantly importantly crucially tellingly pointedly
    conspicuously thereby thus""".split())
# A noun whose content clause is reported, not asserted: "following reports (that) some were left".
REPORT_NOUNS = frozenset({"report"})
# Documents, and the participles that say what a document says: "a joint statement calling for ...".
DOCUMENT_NOUNS = frozenset(
    """statement declaration resolution letter petition communique communiqué motion proposal
    report document""".split())
SAYING_LEMMAS = frozenset(
    """call urge demand say state ask warn condemn accuse propose recommend reaffirm express pledge
    insist reject affirm""".split())
# "the talks between Moscow and Delhi" or "a mix of sand and clay" name one thing, not a list.
COLLECTIVE_HEADS = frozenset({
    "between", "among", "amongst", "combination", "mix", "mixture", "blend", "difference", "ratio",
    "combine", "compare", "merge", "both",
})
# What two subjects do or are together, not each alone: "Oslo and Bergen met", "A and B account for 40%".
JOINT_LEMMAS = frozenset("""
    meet agree disagree differ compete marry merge collide clash negotiate talk fight share combine cooperate
    collaborate partner team unite tie draw match account total add make comprise form constitute represent equal
    outnumber split divide exchange trade swap sign link connect join overlap coincide correlate interact converge
    alternate rival vie debate discuss coexist reconcile separate
    """.split())
# Words that make a coordinated subject one party: "both", "together", "each other", "respectively".
JOINT_WORDS = frozenset({"both", "together", "jointly", "combined", "respectively", "each", "another", "between",
                         "among", "altogether", "collectively", "mutual", "mutually", "same", "similar",
                         "alike", "different", "versus", "vs", "than"})
TRIP_VERBS = frozenset({"visit", "travel", "go", "come", "fly", "arrive", "return", "head", "journey"})
EVENT_NOUNS = frozenset({
    "summit", "meeting", "conference", "talks", "talk", "forum", "ceremony", "festival", "session", "funeral",
    "wedding", "inauguration", "congress", "convention", "rally", "parade", "tournament", "exhibition", "fair",
    "assembly", "negotiations", "negotiation", "games", "celebration",
})
# What separates a list item's term from its description: "Lumo: a compiler", "Ada Reyes - elected".
TERM_SEPARATORS = frozenset({":", "-", "–", "—"})

# -- dates ----------------------------------------------------------------------------------------

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
# Prepositions a date may already have: "in June 2024" needs no "in" added.
DATE_PREPOSITIONS = frozenset({"in", "on", "at", "since", "by", "until", "till", "from", "during", "before",
                               "after", "of", "through"})

# -- boilerplate --------------------------------------------------------------------------------

# Publisher voice and reader address in a block, counted outside quotations only.
PUBLISHER_VOICE = frozenset({"we", "our", "us", "ours", "ourselves", "we're", "we've", "we'd", "we'll"})
READER_ADDRESS = frozenset({"you", "your", "yours", "yourself", "you're", "you've", "you'll", "you'd"})
