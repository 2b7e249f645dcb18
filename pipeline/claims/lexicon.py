"""Word lists the claim rules consult: cue verbs, role words, organisation and outlet heads.

The lists are deliberately general (news-writing vocabulary), never phrases of any one article.
"""

from __future__ import annotations

# Finite reporting verbs that introduce "SPEAKER CUE [that] CONTENT" or close "CONTENT, SPEAKER CUE".
FINITE_CUES = (
    "said",
    "says",
    "told",
    "tells",
    "stated",
    "states",
    "announced",
    "confirmed",
    "reported",
    "warned",
    "insisted",
    "emphasized",
    "emphasised",
    "stressed",
    "noted",
    "added",
    "claimed",
    "signaled",
    "signalled",
    "disclosed",
    "revealed",
    "suggested",
    "implied",
    "imply",
    "argued",
    "asserted",
    "denied",
    "predicted",
    "say",
    "adds",
    "announces",
    "argue",
    "argues",
    "asks",
    "asked",
    "claims",
    "confirms",
    "denies",
    "insists",
    "notes",
    "reports",
    "suggests",
    "warns",
    "wrote",
    "writes",
    "explained",
    "explains",
    "tweeted",
    "tweets",
    "posted",
    "replied",
    "responded",
    "acknowledged",
    "acknowledges",
    "admitted",
    "admits",
    "commented",
    "declared",
    "declares",
    "promised",
    "predicts",
    "concluded",
    "recalled",
    "countered",
    "conceded",
    "contended",
    "maintained",
    "complained",
    "continued",
    "cautioned",
    "testified",
    "alleged",
    "observed",
    "remarked",
    "joked",
    "vowed",
    "pledged",
    "described",
    "describes",
    "confirm",
    "deny",
    "suggest",
    "warn",
    "explain",
    "announce",
    "insist",
    "claim",
    "note",
    "reveal",
    "admit",
    "acknowledge",
    "tell",
    "threatened",
    "add",
    "write",
    "ask",
    "reply",
    "replies",
    "respond",
    "responds",
    "describe",
    "predict",
    "promise",
    "promises",
    "declare",
    "reveals",
)

# Participles that hang a further claim on the clause's subject: ", stating that ...".
PARTICIPLE_CUES = (
    "stating",
    "saying",
    "adding",
    "noting",
    "claiming",
    "warning",
    "insisting",
    "suggesting",
    "emphasizing",
    "emphasising",
    "stressing",
    "announcing",
    "confirming",
    "signaling",
    "signalling",
    "arguing",
    "denying",
    "telling",
    "writing",
    "explaining",
    "asking",
    "acknowledging",
    "admitting",
    "declaring",
    "predicting",
    "promising",
    "revealing",
    "tweeting",
    "reporting",
    "responding",
    "replying",
    "describing",
)

# Verbs that join a cue into one cue phrase: "appeared to imply", "went on to say".
CUE_PHRASE_LEADS = (
    "appeared",
    "appears",
    "seemed",
    "seems",
    "went on",
    "goes on",
    "go on",
    "proceeded",
    "continued",
    "continues",
    "continue",
    "expected",
    "quick",
    "hastened",
)

# Cues whose complement may be a bare clause ("he said the talks failed"), without "that".
BARE_CLAUSE_CUES = frozenset(
    {"say", "said", "says", "saying", "told", "tells", "telling", "stated", "added", "claimed", "insisted", "warned"}
)
# Cues that take a bare clause only when it reads as one (a subject pronoun or a finite verb near its start).
CHECKED_CLAUSE_CUES = frozenset(
    """add write predict declare insist argue argues claims insists wrote writes explained acknowledged admitted admits
    predicted noted notes
    suggested suggests argued conceded contended maintained recalled concluded testified reported reports
    announced revealed confirmed claiming insisting warning arguing suggesting noting explaining acknowledging
    admitting predicting confirming reporting stating""".split()
)

# After a bare-clause cue, these first words mean an object or an adjunct, not a reported clause.
BARE_CLAUSE_STOP = frozenset(
    {
        "of",
        "about",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "at",
        "from",
        "as",
        "against",
        "after",
        "before",
        "so",
        "this",
        "it",
        "yes",
        "no",
        "nothing",
        "something",
        "goodbye",
    }
)
# After "told"/"tells" a possessive or pronoun starts the object ("told his aides"), not the clause.
OBJECT_STARTERS = frozenset({"his", "her", "their", "its", "it", "them", "him", "me", "us", "you", "my", "our"})

DETERMINERS = frozenset({"the", "a", "an"})

# Plural names of members of a party or a camp: "Republicans" may be the "they" of a later sentence.
PARTY_MEMBERS = frozenset(
    "democrats republicans conservatives liberals progressives independents libertarians socialists".split()
)

PRONOUNS = frozenset({"he", "she", "it", "they"})

# Capitalised words that open a sentence or clause but never a speaker phrase.
CLAUSE_OPENERS = frozenset(
    """but and or so yet however meanwhile moreover furthermore additionally also still then now previously
    earlier later separately instead indeed in on at during after before while when where if as since although
    though because despite with without for from by to of this that these those it its there here what which who
    why how last next every each according under over amid among following asked speaking once thus hence
    besides nonetheless nevertheless otherwise finally first second third""".split()
)

# Lower-case words that may stand inside a speaker phrase: roles, ranks, descriptive adjectives.
ROLE_WORDS = frozenset(
    """minister ministers aide aides advisor adviser advisors advisers official officials spokesman spokeswoman
    spokesperson spokespeople president presidential leader leaders chancellor secretary ambassador envoy
    diplomat diplomats foreign defense defence prime deputy vice chief senior top high-level high-ranking
    policy military government state general analyst analysts expert experts commander commanders source
    sources broadcaster agency news media newspaper daily outlet ministry office representative
    representatives press intelligence security national former acting unnamed anonymous undisclosed
    spy counterpart premier governor mayor senator lawmaker lawmakers legislator director chairman chairwoman
    head founder executive ceo researcher researchers scientist scientists professor observer observers
    investigator investigators prosecutor prosecutors judge officer officers army navy police authorities
    regime administration cabinet council committee department parliament kremlin embassy
    foreign-policy economic finance interior trade justice health unification affairs
    people percent critics members staff campaign candidate candidates nominee nominees delegates
    attorney attorneys aide spokesmen spokeswomen congressman congresswoman businessman businesswoman
    chair economist economists strategist strategists pollster pollsters many some several most few
    retired elected unnamed longtime veteran public local federal political republican democratic
    conservative liberal independent second third fourth fifth one two three four five law person man woman
    user users witness witnesses fans friends allies""".split()
)

# What a claim may be attributed to besides people and bodies: "according to a new poll", "the report said".
DOCUMENT_HEADS = frozenset(
    """poll polls survey surveys report reports study studies analysis data figures filings records documents
    estimates tally statement census email editorial memo letter article story ad lawsuit complaint indictment
    ruling opinion document release transcript probe investigation review audit""".split()
)
DOCUMENT_ADJECTIVES = frozenset("new recent latest preliminary internal annual quarterly".split())

PERSON_HEADS = frozenset(
    """minister aide advisor adviser official officials spokesman spokeswoman spokesperson spokespeople president
    leader leaders chancellor secretary ambassador envoy diplomat diplomats analyst analysts expert experts
    commander commanders counterpart premier governor mayor senator lawmaker lawmakers legislator director
    chairman chairwoman head founder executive ceo researcher researchers scientist scientists professor
    observer observers investigator investigators prosecutor prosecutors judge officer officers representative
    representatives candidate nominee attorney people critics supporters voters residents members staff
    congressman congresswoman spokesmen spokeswomen chief person man woman user users witness witnesses fans
    friends allies aides""".split()
)

# Lower-case word endings of person nouns and of the adjectives before them ("pollster", "strategist",
# "political"), for phrases whose words no list holds; closed-class words with such endings are excluded.
NOUNISH_ENDINGS = tuple("ist ian ant ent er or ee man woman men women al ic ive ous ary".split())
NOT_NOUNISH = frozenset(
    """after never ever over under other rather whether either neither however further later earlier together
    another whatever whenever wherever moreover sooner latter longer per consider remember answer offer enter
    gather deliver order matter wonder suffer cover discover went sent spent meant want arrive receive drive
    give live prefer refer differ register deter alter bother render surrender recover uncover encounter
    counter ensure""".split()
)

SOURCE_HEADS = frozenset({"source", "sources"})

ORG_HEADS = frozenset(
    """ministry government army navy military police authorities regime administration cabinet council committee
    department parliament kremlin embassy office agency command forces commission court party service
    pentagon assembly duma senate congress union bank company corporation institute university association
    federation organisation organization alliance group""".split()
)

OUTLET_HEADS = frozenset(
    """broadcaster news newspaper daily outlet media tv television radio channel wire magazine tabloid
    times post journal herald gazette tribune telegraph guardian press""".split()
)

# Names of news organisations that do not carry an outlet word of their own.
OUTLET_NAMES = frozenset(
    """nhk reuters ap afp sputnik tass ria interfax yonhap kcna xinhua bloomberg cnn bbc kyodo nyt wsj
    dpa efe ansa cbs nbc abc fox msnbc politico axios rferl rfa voa aljazeera""".split()
)

# Capitalised words that name organisations, places or events rather than people.
NON_PERSON_WORDS = frozenset(
    """day square war embassy ministry party army navy news world oblast korea russia moscow pyongyang seoul
    kremlin germany europe union nations states council department university institute house hill street
    parade victory forces force republic kingdom group times post agency association committee office
    government federation ukraine china japan america kyiv beijing tokyo washington london paris berlin
    city region province county river sea ocean island islands bay mountain mountains summit forum
    anniversary celebration celebrations festival olympics cup league championship week month year
    monday tuesday wednesday thursday friday saturday sunday january february march april june july
    august september october november december assembly congress senate parliament court bank company
    corporation inc ltd llc press service command commission embassy center centre school""".split()
)

# Countries and capitals stand for their governments when they speak.
GOVERNMENT_NAMES = frozenset(
    """russia ukraine china japan korea america germany france britain israel iran india moscow kyiv beijing
    pyongyang seoul tokyo washington london paris berlin tehran""".split()
)

# Capitalised role words that stop a personal name when read from its end.
TITLE_WORDS = frozenset(
    """president prime minister defense defence foreign secretary general spokesman spokesperson spokeswoman
    chancellor ambassador advisor adviser aide leader chairman chairwoman chair director deputy vice senator
    representative governor mayor king queen pope chief commander officer
    premier envoy lt gen col maj capt sgt presidential supreme marshal admiral state mr mrs ms miss dr prof
    sen rep gov""".split()
)

# Forms of address that say nothing about a speaker's role.
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx"})

# Nationality adjectives and direction words that precede names as descriptors.
DEMONYMS = frozenset(
    """russian korean north south east west american ukrainian chinese japanese slovak german french british
    english dutch greek thai swiss czech polish soviet nazi western eastern european asian african indian
    iranian israeli turkish syrian iraqi afghan pakistani saudi egyptian italian spanish portuguese swedish
    norwegian danish finnish belarusian georgian armenian kazakh mongolian vietnamese cuban brazilian
    canadian mexican australian hungarian romanian bulgarian serbian croatian austrian belgian irish scottish
    welsh palestinian lebanese jordanian yemeni qatari emirati taiwanese filipino indonesian malaysian""".split()
)

# Acronyms used as descriptors ("DPRK leader", "U.S. envoy"); case matters: "Un" is a name ("Kim Jong Un").
DESCRIPTOR_ACRONYMS = frozenset({"US", "U.S.", "U.S", "UK", "U.K.", "U.K", "EU", "UN", "U.N.", "DPRK", "ROK", "NATO"})

# Sentence starters that show a dotted abbreviation ("U.S.", "Inc.") really ended the sentence.
SENTENCE_STARTERS = frozenset(
    """the he she it they we i but and this that these those in on a an however meanwhile there his her its
    their our yet so after when while if as since although""".split()
)

# Abbreviations after which a full stop never ends a sentence (titles, initials are handled apart).
TITLE_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col maj capt sgt cpl adm rev sen rep gov pres st mt ft no nos vol pp fig
    messrs hon supt insp cmdr""".split()
)

# Abbreviations that may end a sentence: split only when a typical sentence starter follows.
TRAILING_ABBREVIATIONS = frozenset({"inc", "corp", "co", "ltd", "jr", "sr", "etc", "vs", "approx", "est", "dept"})

MONTH_ABBREVIATIONS = frozenset({"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"})
