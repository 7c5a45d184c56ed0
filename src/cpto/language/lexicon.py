"""Vocabularies of vague and precise wording, from general writing guidance rather than from any data set.

Each list below says where it comes from. The sources are general-purpose: ISO/IEC/IEEE 29148:2018
§5.2.7 (the "unbounded or ambiguous terms" a requirement must avoid: superlatives, subjective language,
vague pronouns, ambiguous adverbs and adjectives, open-ended non-verifiable terms, comparative phrases,
loopholes), the INCOSE Guide for Writing Requirements (rules R7 vague terms, R26 absolutes, R31
superfluous infinitives, R32 escape clauses, R33 open-ended clauses, R35 indefinite temporal keywords),
Hyland's hedge and booster lexicons (Hyland 1998, "Hedging in Scientific Research Articles"; 2005,
"Metadiscourse"), weasel-word style guides (the write-good linter's weasel words, Vale's and
proselint's hedging and "very" rules, Wikipedia's "Words to watch"), and English comparative and
superlative morphology. The lists were written by hand from those sources; none was fitted to a
labelled set, and domain nouns that a particular corpus happens to mark as vague are left out on purpose.

Words are lower case. Multi-word entries are matched with any run of whitespace between the words.
"""

from __future__ import annotations

from collections.abc import Iterable

# --- subjective and non-verifiable qualities ------------------------------------------------------------

SUBJECTIVE: dict[str, tuple[str, ...]] = {
    "speed": (
        "fast",
        "quick",
        "slow",
        "rapid",
        "speedy",
        "snappy",
        "responsive",
        "sluggish",
        "instant",
        "instantaneous",
        "prompt",
        "high-performance",
        "performant",
        "lightweight",
        "low-latency",
        "efficient",
    ),
    "usability": (
        "easy",
        "simple",
        "intuitive",
        "user-friendly",
        "user friendly",
        "easy to use",
        "easy-to-use",
        "easy to learn",
        "friendly",
        "convenient",
        "comfortable",
        "ergonomic",
        "straightforward",
        "clear",
        "understandable",
        "readable",
        "usable",
        "self-explanatory",
        "seamless",
        "smooth",
        "pleasant",
        "attractive",
        "elegant",
        "beautiful",
        "nice",
        "clean",
        "modern",
        "polished",
        "unobtrusive",
        "transparent",
        "difficult",
        "complex",
        "complicated",
        "confusing",
        "cumbersome",
        "tedious",
    ),
    "reliability": (
        "robust",
        "reliable",
        "stable",
        "resilient",
        "fault-tolerant",
        "dependable",
        "highly available",
        "accurate",
        "correct",
        "precise",
        "error-free",
        "bug-free",
        "safe",
        "secure",
        "trustworthy",
    ),
    "scale": (
        "scalable",
        "flexible",
        "extensible",
        "expandable",
        "extendable",
        "adaptable",
        "configurable",
        "customizable",
        "customisable",
        "maintainable",
        "portable",
        "modular",
        "reusable",
        "future-proof",
        "versatile",
        "powerful",
    ),
    "value": (
        "good",
        "bad",
        "great",
        "excellent",
        "poor",
        "high-quality",
        "high quality",
        "low-quality",
        "cost-effective",
        "cost effective",
        "cheap",
        "expensive",
        "effective",
        "efficient",
        "useful",
        "helpful",
        "valuable",
        "meaningful",
        "important",
        "nice-to-have",
        "professional",
        "sophisticated",
        "state-of-the-art",
        "state of the art",
        "world-class",
        "best-in-class",
        "cutting-edge",
        "innovative",
        "smart",
        "proper",
        "properly",
    ),
    "degree": (
        "appropriate",
        "adequate",
        "sufficient",
        "reasonable",
        "acceptable",
        "suitable",
        "satisfactory",
        "normal",
        "typical",
        "usual",
        "customary",
        "relevant",
        "significant",
        "substantial",
        "considerable",
        "negligible",
        "excessive",
        "allowable",
        "ancillary",
        "proficient",
    ),
}
"""Subjective and non-verifiable terms, grouped by the quality attribute a reader would have to measure.

From ISO/IEC/IEEE 29148 §5.2.7 ("subjective language": user friendly, easy to use, cost effective;
"ambiguous adjectives": significant, minimal), INCOSE GtWR R7 ("vague terms": ancillary, relevant,
routine, common, generic, significant, flexible, expandable, typical, sufficient, adequate, appropriate,
efficient, effective, proficient, reasonable, customary; "common", "generic" and "routine" are left out
because they are also technical terms: common mode, generic type, routine as a procedure), and the quality-attribute adjectives that
requirement-review checklists ask to replace with a measure (fast, robust, reliable, secure, scalable,
intuitive, seamless; cf. Wiegers & Beatty, "Software Requirements", ambiguous-terms table). The group
names pick the suggestion: a speed word needs a time limit, a usability word a user task and success
measure, and so on. Their ``-ly`` adverbs (quickly, safely, properly) are derived by ``ly_forms``.
"""

MANNER_ADVERBS: tuple[str, ...] = (
    "correctly",
    "accordingly",
    "gracefully",
    "nicely",
    "smoothly",
    "reasonably",
    "sensibly",
    "intelligently",
    "optimally",
    "well",
)
"""Manner adverbs that judge how something is done without saying what done looks like.

From the "-ly adverb" rules of write-good and Vale (adverbs of manner weaken a claim and hide the
criterion) and INCOSE GtWR R7 (usually, approximately, sufficiently, typically). Most manner adverbs are
derived from ``SUBJECTIVE`` by ``ly_forms``, and any other ``-ly`` word counts as a manner adverb unless
``NOT_MANNER_LY`` or the ``-ally`` rule (see ``is_manner_adverb``) says otherwise.
"""

NOT_MANNER_LY: frozenset[str] = frozenset(
    [
        "only",
        "early",
        "daily",
        "weekly",
        "monthly",
        "yearly",
        "hourly",
        "quarterly",
        "nightly",
        "biweekly",
        "annually",
        "family",
        "supply",
        "apply",
        "reply",
        "rely",
        "comply",
        "imply",
        "multiply",
        "ally",
        "fly",
        "july",
        "italy",
        "assembly",
        "anomaly",
        "monopoly",
        "butterfly",
        "jelly",
        "belly",
        "bully",
        "holy",
        "ugly",
        "silly",
        "lonely",
        "lovely",
        "costly",
        "elderly",
        "orderly",
        "curly",
        "friendly",
        "unfriendly",
        "likely",
        "unlikely",
        "timely",
        "firstly",
        "secondly",
        "thirdly",
        "lastly",
        "finally",
        "initially",
        "previously",
        "subsequently",
        "currently",
        "presently",
        "formerly",
        "afterwards",
        "namely",
        "respectively",
        "accordingly",
        "consequently",
        "similarly",
        "likewise",
        "conversely",
        "alternatively",
        "additionally",
        "specifically",
        "particularly",
        "especially",
        "notably",
        "explicitly",
        "implicitly",
        "exactly",
        "directly",
        "indirectly",
        "individually",
        "separately",
        "jointly",
        "collectively",
        "independently",
        "simultaneously",
        "sequentially",
        "concurrently",
        "alternately",
        "mutually",
        "exclusively",
        "solely",
        "uniquely",
        "permanently",
        "continuously",
        "continually",
        "constantly",
        "randomly",
        "uniformly",
        "linearly",
        "proportionally",
        "successively",
        "selectively",
        "immediately",
        "directly",
        "newly",
        "freshly",
        "recently",
        "lately",
        "shortly",
        "entirely",
        "fully",
        "partly",
        "partially",
        "wholly",
        "completely",
    ]
)
"""``-ly`` words that are not evaluative manner adverbs: nouns and verbs that happen to end in -ly
(family, supply, apply), ``-ly`` adjectives (friendly, costly, daily), and adverbs of sequence, time,
relation and exclusivity (firstly, previously, respectively, separately, explicitly, exactly). They
place or scope an action rather than judge it (Quirk et al. §8.87-8.90 on relational and viewpoint
adverbs). Those that are vague for another reason (timely, shortly, likely) are on their own lists.
"""


def is_evaluative_adjective(word: str) -> bool:
    """Whether a ``-ful`` word is an evaluative adjective ("useful", "meaningful", "successful").

    The suffix -ful forms adjectives that grade their noun's quality ("full of use"), so nearly all of
    them are judgements (Quirk et al. App. I.35); the measure nouns in -ful (handful, spoonful) are not.
    """
    w = word.lower()
    return (
        len(w) > 5 and w.endswith("ful") and w not in {"handful", "spoonful", "mouthful", "armful", "cupful"}
    )


def is_manner_adverb(word: str) -> bool:
    """Whether an ``-ly`` word judges how something is done ("safely", "carefully", "smoothly").

    Adverbs in ``-ally`` come from relational adjectives in -al/-ic (manually, automatically,
    electronically, physically) that classify an action instead of grading it, so they are not manner
    adverbs unless a vocabulary list names them (optimally, basically).
    """
    w = word.lower()
    return len(w) > 4 and w.endswith("ly") and not w.endswith("ally") and w not in NOT_MANNER_LY


HEDGES: tuple[str, ...] = (
    "probably",
    "possibly",
    "perhaps",
    "maybe",
    "might",
    "might be",
    "could be",
    "likely",
    "unlikely",
    "presumably",
    "apparently",
    "seemingly",
    "supposedly",
    "arguably",
    "conceivably",
    "hopefully",
    "somewhat",
    "sort of",
    "kind of",
    "more or less",
    "in principle",
    "in theory",
    "to some extent",
    "to a certain extent",
    "to some degree",
    "i think",
    "i guess",
    "i believe",
    "i feel",
    "i suppose",
    "we think",
    "we believe",
    "it seems",
    "seems to",
    "appears to",
    "tends to",
    "tend to",
    "should be fine",
    "should work",
    "not sure",
    "ought to",
    "unclear",
    "uncertain",
)
"""Hedges: words that lower the writer's commitment to a claim.

From Hyland's hedge lexicon (probably, possibly, perhaps, might, likely, apparently, seems, appears,
tend to, somewhat, in principle, I think/believe) and Vale's/proselint's hedging rules. The modal verbs
"may", "should", "could" and "would" are left out: in requirements they are defined obligation levels
(RFC 2119, ISO 29148 "should" = goal), not vagueness, and a separate check owns them.
"""

BOOSTERS: tuple[str, ...] = (
    "clearly",
    "obviously",
    "definitely",
    "certainly",
    "undoubtedly",
    "of course",
    "surely",
    "really",
    "very",
    "extremely",
    "highly",
    "hugely",
    "incredibly",
    "remarkably",
    "exceedingly",
    "substantially",
    "significantly",
    "considerably",
    "greatly",
    "vastly",
    "fairly",
    "quite",
    "rather",
    "relatively",
    "reasonably",
    "sufficiently",
    "adequately",
    "virtually",
    "practically",
    "essentially",
    "basically",
    "almost",
    "nearly",
    "approximately",
    "roughly",
    "more or less",
    "largely",
    "mostly",
    "mainly",
    "partly",
    "slightly",
    "totally",
    "completely",
    "absolutely",
    "simply",
)
"""Boosters and degree adverbs: intensify or soften an unstated amount.

From Hyland's booster list (clearly, obviously, definitely, certainly, of course, really), the write-good
weasel words (very, fairly, several, extremely, exceedingly, quite, remarkably, few, surprisingly,
mostly, largely, relatively, completely, substantially, significantly, clearly, vastly), Wikipedia's
"Words to watch" and ISO 29148's "ambiguous adverbs" (almost, approximately, significantly).
"""

APPROXIMATORS: tuple[str, ...] = (
    "roughly",
    "about",
    "almost",
    "approximately",
    "around",
    "nearly",
    "close to",
)
"""Hedges that round a number they are followed by: "roughly 300 controls", "almost 40%", "about 2 s".

INCOSE GtWR R7 and ISO 29148 list these as vague because, alone, they soften an unstated amount ("almost
done", "nearly ready"). Before a number they say the number is rounded, and a rounded number is still
checkable (300 controls give or take a few, not 30 or 3,000), so there they are not findings. A bare
"~" is never a finding: it only ever rounds a number.
"""

VAGUE_QUANTITIES: tuple[str, ...] = (
    "some",
    "several",
    "many",
    "much",
    "few",
    "a few",
    "various",
    "numerous",
    "countless",
    "a lot",
    "a lot of",
    "lots of",
    "plenty of",
    "a number of",
    "a large number of",
    "a small number of",
    "a couple of",
    "a variety of",
    "a range of",
    "a bunch of",
    "a handful of",
    "a fraction of",
    "a portion of",
    "a majority of",
    "the majority of",
    "a minority of",
    "enough",
    "more and more",
    "a bit",
    "a little",
    "tons of",
    "loads of",
    "multiple",
    "certain",
    "approximate",
    "close to",
)
"""Quantities with no number: give the number or the list instead.

From INCOSE GtWR R7 (some, any, several, many, a lot of, a few, almost always, very nearly, nearly,
about, close to, almost, approximate), ISO 29148 and the write-good weasel words (many, various,
several, few, huge, tiny).
"""

DIMENSIONS: tuple[str, ...] = (
    "high",
    "low",
    "large",
    "small",
    "big",
    "huge",
    "tiny",
    "massive",
    "enormous",
    "long",
    "short",
    "wide",
    "narrow",
    "heavy",
    "minimal",
    "maximal",
    "limited",
    "extensive",
)
"""Size and level adjectives that are vague only when the sentence gives no number.

"A large file" is vague; "files larger than 2 GB" or "high load (above 5,000 req/s)" are not. From ISO
29148's "ambiguous adjectives" and INCOSE R7, with the qualification (also in Wiegers & Beatty) that a
stated value in the same sentence resolves them.
"""

VAGUE_TIMES: tuple[str, ...] = (
    "soon",
    "sooner",
    "later",
    "later on",
    "earlier",
    "eventually",
    "shortly",
    "recently",
    "lately",
    "timely",
    "in a timely manner",
    "in a timely fashion",
    "as soon as possible",
    "asap",
    "as early as possible",
    "in due course",
    "at some point",
    "some day",
    "someday",
    "sometime",
    "some time",
    "in the future",
    "in the near future",
    "in the foreseeable future",
    "going forward",
    "down the road",
    "for now",
    "not now",
    "a while",
    "for a while",
    "in a while",
    "before long",
    "at a later date",
    "at a later stage",
    "at a later time",
    "until further notice",
    "when we have time",
    "promptly",
    "immediately",
    "instantly",
    "instantaneously",
    "without delay",
    "next sprint or so",
    "temporarily",
    "simultaneous",
    "simultaneously",
    "at the same time",
)
"""Times with no date or duration: give the date, the duration or the deadline and what slips.

From INCOSE GtWR R35 (indefinite temporal keywords: eventually, until, before, when, after, as, once,
earliest, latest, instantaneous, simultaneous, at last), ISO 29148 ("as soon as possible", "timely") and
the plain-language guides' "soon/later" entries.
"""

FREQUENCIES: tuple[str, ...] = (
    "usually",
    "often",
    "sometimes",
    "occasionally",
    "frequently",
    "rarely",
    "seldom",
    "regularly",
    "periodically",
    "normally",
    "typically",
    "generally",
    "commonly",
    "in general",
    "as a rule",
    "from time to time",
    "now and then",
    "every now and then",
    "most of the time",
    "almost always",
    "nearly always",
    "almost never",
    "hardly ever",
    "in most cases",
    "in some cases",
    "in many cases",
    "where relevant",
)
"""Frequencies and generalisations with no rate: say how often, or in which cases.

From INCOSE GtWR R7 (usually, typically, almost always) and Hyland's frequency hedges (often,
sometimes, usually, generally, typically).
"""

LOOPHOLES: tuple[str, ...] = (
    "as appropriate",
    "where appropriate",
    "when appropriate",
    "if appropriate",
    "if possible",
    "where possible",
    "when possible",
    "whenever possible",
    "wherever possible",
    "as far as possible",
    "as much as possible",
    "as little as possible",
    "as far as practicable",
    "if feasible",
    "where feasible",
    "when feasible",
    "if practicable",
    "where practicable",
    "if practical",
    "where practical",
    "as required",
    "as needed",
    "if needed",
    "when needed",
    "where needed",
    "as necessary",
    "if necessary",
    "where necessary",
    "when necessary",
    "if it should prove necessary",
    "to the extent possible",
    "to the extent practical",
    "to the extent practicable",
    "to the extent necessary",
    "to the extent feasible",
    "to the extent",
    "as applicable",
    "where applicable",
    "if applicable",
    "when applicable",
    "if any",
    "unless otherwise specified",
    "unless otherwise stated",
    "unless otherwise agreed",
    "as agreed",
    "as desired",
    "as preferred",
    "at the discretion of",
    "ideally",
    "optionally",
    "provide support for",
    "depending on",
    "depends on",
    "provide for",
    "take into account",
    "take into consideration",
    "be taken into account",
    "be taken into consideration",
)
"""Escape clauses and loopholes: they let a statement be met by doing nothing.

From INCOSE GtWR R32 (escape clauses: so far as is possible, as little as possible, where possible, as
much as possible, if it should prove necessary, if necessary, to the extent necessary, as appropriate,
as required, to the extent practical, if practicable) and ISO 29148 (loopholes: if possible, as
appropriate, as applicable; non-verifiable: provide support) and Wiegers & Beatty's ambiguous-terms table ("depends on": say how;
"optionally": whose choice). INCOSE R31's superfluous infinitives
("shall be able to", "be capable of", "be designed to") were tried and left out: they are wordy, not
vague ("shall be able to export CSV" is as checkable as "shall export CSV"), and flagging them mostly
flagged precise requirements.
"""

OPEN_ENDED: tuple[str, ...] = (
    "etc",
    "etc.",
    "and so on",
    "and so forth",
    "and the like",
    "or the like",
    "and/or",
    "including but not limited to",
    "but not limited to",
    "not limited to",
    "among others",
    "amongst others",
    "or similar",
    "and similar",
    "or equivalent",
    "and others",
    "including",
    "such as",
    "as a minimum",
    "at a minimum",
    "for example",
    "for instance",
    "e.g.",
    "e.g",
    "tbd",
    "tbc",
    "to be determined",
    "to be defined",
    "to be confirmed",
)
"""Open-ended and incomplete lists: say the whole list, or the rule that decides membership.

From INCOSE GtWR R33 (open-ended clauses: including but not limited to, etc., and so on), R25 (and/or)
and ISO 29148 (open-ended, non-verifiable: "but not limited to", "as a minimum"; incomplete: TBD).
"""

SUPERLATIVES: tuple[str, ...] = (
    "best",
    "worst",
    "optimal",
    "optimum",
    "optimally",
    "ideal",
    "perfect",
    "perfectly",
    "ultimate",
    "maximize",
    "maximise",
    "minimize",
    "minimise",
    "optimize",
    "optimise",
    "maximizes",
    "maximized",
    "maximizing",
    "maximises",
    "maximised",
    "maximising",
    "minimizes",
    "minimized",
    "minimizing",
    "minimises",
    "minimised",
    "minimising",
    "optimizes",
    "optimized",
    "optimizing",
    "optimises",
    "optimised",
    "optimising",
    "as fast as possible",
    "as quickly as possible",
    "as small as possible",
    "as low as possible",
    "as high as possible",
    "as short as possible",
    "as few as possible",
    "as many as possible",
    "best possible",
    "best practice",
    "best practices",
    "best effort",
    "unmatched",
    "unparalleled",
    "second to none",
)
"""Superlatives and optimisation verbs with no stated optimum.

From ISO 29148 ("superlatives, such as best, most"; "minimize", "maximize", "optimize" as unbounded, with their inflections) and
the plain-language guides' puffery entries (world-class, leading, second to none). Regular ``-est``
forms come from ``GRADABLE`` by ``degree_forms``.
"""

GRADABLE: tuple[str, ...] = (
    "fast",
    "quick",
    "slow",
    "easy",
    "simple",
    "safe",
    "clean",
    "clear",
    "smooth",
    "cheap",
    "fine",
    "great",
    "strong",
    "weak",
    "tight",
    "loose",
    "rich",
    "poor",
    "smart",
    "heavy",
    "high",
    "low",
    "large",
    "small",
    "big",
    "long",
    "short",
    "wide",
    "narrow",
    "deep",
    "shallow",
    "near",
    "new",
    "old",
    "sharp",
    "thin",
    "thick",
    "fresh",
    "quiet",
    "loud",
    "busy",
    "lean",
    "neat",
    "tidy",
    "nice",
    "secure",
    "stable",
    "hard",
    "friendly",
    "healthy",
    "happy",
    "scary",
    "risky",
    "noisy",
    "tiny",
    "huge",
    "brief",
    "steep",
    "soft",
    "harsh",
    "precise",
)
"""Gradable adjectives with regular ``-er``/``-est`` forms (English morphology).

Common one- and two-syllable adjectives that take inflected comparison (Quirk et al., "A Comprehensive
Grammar of the English Language", §7.74-7.80). ``degree_forms`` spells their comparative and superlative
(bigger, easier, safest). Longer adjectives are compared with more/most/less/least, which the model
matches by suffix instead of by list.
"""

IRREGULAR_COMPARATIVES: tuple[str, ...] = (
    "better",
    "worse",
    "fewer",
    "greater",
    "smaller",
    "lesser",
    "improve",
    "improves",
    "improved",
    "enhance",
    "enhances",
    "enhanced",
)
"""Irregular comparatives (good → better, bad → worse, few → fewer) and the change words that imply one.

"Improved" and "enhanced" claim a comparison without its baseline or size (the nouns "improvement" and
"enhancement" are left out: they usually name a category of work, as in "an enhancement request"): Wiegers & Beatty's
ambiguous-terms table ("improved, better, faster, superior: quantify how much better").
"""

ADJECTIVE_SUFFIXES: tuple[str, ...] = (
    "able",
    "ible",
    "ive",
    "ful",
    "ous",
    "ent",
    "ant",
    "ic",
    "al",
    "ary",
    "ly",
    "less",
    "ile",
    "ure",
)
"""Adjective and adverb endings (derivational morphology: -able, -ive, -ful, -ous, -ent, -al, -ic, -ly...).

After more/most/less/least they mark a periphrastic comparative or superlative ("more reliable", "most
intuitive", "less secure"), which English uses for adjectives of two or more syllables.
"""

NON_VERIFIABLE: tuple[str, ...] = (
    "provide support",
    "provides support",
    "provide support for",
    "provides support for",
    "deal with",
    "deals with",
    "take care of",
    "takes care of",
)
"""Phrases that name a capability without its behaviour: say which functions or results count.

From ISO 29148's non-verifiable "provide support" and Wiegers & Beatty's ambiguous-terms table
("support, enable: define exactly what functions the system will perform"); "deal with" and "take care
of" are the same pattern in review checklists. The bare verbs "support", "enable" and "handle" were
tried and left out: "shall support CSV export" names a function a test can find, and as bare verbs they
mostly flagged precise requirements.
"""

# --- disagreement forms (decision threads) ----------------------------------------------------------

RISK_PHRASES: tuple[str, ...] = (
    "risky",
    "too risky",
    "very risky",
    "dangerous",
    "too dangerous",
    "unsafe",
    "scary",
    "too much risk",
    "a lot of risk",
    "high risk",
    "big risk",
    "huge risk",
    "major risk",
    "serious risk",
    "real risk",
    "significant risk",
    "could break things",
    "might break things",
    "may break things",
    "could break something",
    "might break something",
    "could break everything",
    "might break everything",
    "bad idea",
    "not a good idea",
    "asking for trouble",
    "a can of worms",
    "too big a change",
    "too much change",
)
"""Risk objections that name no component and no failure.

From decision-making and code-review guidance that asks objections to be specific (Google's
engineering practices for code review: comments should say what is wrong and why; pre-mortem practice
names the failure mode), worded the way such objections are usually written.
"""

CAPACITY_PHRASES: tuple[str, ...] = (
    "no bandwidth",
    "no capacity",
    "no time",
    "not enough time",
    "not enough people",
    "not enough capacity",
    "not enough bandwidth",
    "too busy",
    "too much on our plate",
    "too much on my plate",
    "at capacity",
    "over capacity",
    "stretched thin",
    "spread too thin",
    "swamped",
    "understaffed",
    "short-staffed",
    "short staffed",
    "lack of resources",
    "lack of bandwidth",
    "lack of capacity",
    "limited bandwidth",
    "limited capacity",
    "limited resources",
    "don't have the bandwidth",
    "don't have the capacity",
    "don't have the time",
    "don't have time",
    "do not have the bandwidth",
    "do not have the capacity",
    "do not have the time",
    "can't fit it in",
    "cannot fit it in",
)
"""Capacity objections that name no person, no competing work and no date.

Same sources as ``RISK_PHRASES``; capacity planning asks who is busy with what until when.
"""

CUSTOMER_SUBJECTS: tuple[str, ...] = (
    "customers",
    "users",
    "clients",
    "people",
    "folks",
    "stakeholders",
    "the market",
    "everyone",
    "everybody",
    "nobody",
    "no one",
    "all our customers",
    "our customers",
    "our users",
    "many customers",
    "many users",
    "most customers",
    "most users",
    "a lot of customers",
    "a lot of users",
    "several customers",
    "some customers",
    "some users",
)
"""Unnamed groups whose wishes are cited as evidence (weasel attribution: Wikipedia "Words to watch",
"some people say", "many believe"; write-good's "many", "various")."""

CUSTOMER_VERBS: tuple[str, ...] = (
    "need",
    "needs",
    "want",
    "wants",
    "ask for",
    "asks for",
    "asked for",
    "are asking",
    "is asking",
    "keep asking",
    "keeps asking",
    "have asked",
    "has asked",
    "have been asking",
    "has been asking",
    "expect",
    "expects",
    "love",
    "loves",
    "hate",
    "hates",
    "demand",
    "demands",
    "are demanding",
    "are requesting",
    "complain",
    "complains",
    "are complaining",
    "keep complaining",
    "would love",
    "would like",
    "care about",
    "cares about",
    "don't care",
)
"""Verbs of wanting and asking that turn an unnamed group into a claimed requirement (same sources)."""

# --- precise markers ----------------------------------------------------------------------------------

TIME_UNITS: tuple[str, ...] = (
    "ms",
    "msec",
    "millisecond",
    "milliseconds",
    "s",
    "sec",
    "secs",
    "second",
    "seconds",
    "min",
    "mins",
    "minute",
    "minutes",
    "h",
    "hr",
    "hrs",
    "hour",
    "hours",
    "d",
    "day",
    "days",
    "working days",
    "business days",
    "wk",
    "wks",
    "week",
    "weeks",
    "month",
    "months",
    "quarter",
    "quarters",
    "year",
    "years",
    "sprint",
    "sprints",
    "iteration",
    "iterations",
    "µs",
    "us",
    "ns",
)
"""Units of time (SI and calendar) and of delivery cadence (sprints, iterations)."""

QUANTITY_UNITS: tuple[str, ...] = (
    "%",
    "percent",
    "per cent",
    "pct",
    "b",
    "byte",
    "bytes",
    "kb",
    "kib",
    "mb",
    "mib",
    "gb",
    "gib",
    "tb",
    "tib",
    "pb",
    "bit",
    "bits",
    "kbit/s",
    "mbit/s",
    "kbps",
    "mbps",
    "gbps",
    "req/s",
    "requests/s",
    "rps",
    "qps",
    "tps",
    "ops/s",
    "rpm",
    "fps",
    "dpi",
    "px",
    "pt",
    "em",
    "hz",
    "khz",
    "mhz",
    "ghz",
    "km/h",
    "kph",
    "mph",
    "m/s",
    "km",
    "m",
    "cm",
    "mm",
    "kg",
    "g",
    "t",
    "v",
    "kv",
    "a",
    "ma",
    "w",
    "kw",
    "mw",
    "kwh",
    "°c",
    "°f",
    "°",
    "db",
    "x",
    "times",
    "users",
    "user",
    "customers",
    "accounts",
    "requests",
    "sessions",
    "transactions",
    "orders",
    "events",
    "messages",
    "records",
    "rows",
    "items",
    "files",
    "lines",
    "pages",
    "nodes",
    "servers",
    "instances",
    "pods",
    "cores",
    "threads",
    "connections",
    "retries",
    "attempts",
    "errors",
    "incidents",
    "tickets",
    "bugs",
    "engineers",
    "people",
    "seats",
    "licenses",
    "characters",
    "chars",
    "digits",
    "clicks",
    "steps",
    "screens",
)
"""Units of measure (SI, data sizes, rates) and the countable things product work is measured in."""

EFFORT_UNITS: tuple[str, ...] = (
    "engineer-days",
    "engineer-weeks",
    "engineer-months",
    "person-days",
    "person-weeks",
    "person-months",
    "developer-days",
    "developer-weeks",
    "man-days",
    "man-weeks",
    "man-months",
    "story points",
    "points",
    "fte",
    "ftes",
    "eur",
    "usd",
    "gbp",
    "chf",
    "euro",
    "euros",
    "dollars",
    "pounds",
    "k€",
    "k$",
)
"""Units of cost and effort (currencies by ISO 4217 code and name, person-time)."""

MONTHS: tuple[str, ...] = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
)
"""English month names and their usual abbreviations."""

WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
"""English weekday names: "by Friday" is a date a reader can hold someone to."""

NUMBER_WORDS: tuple[str, ...] = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "fifteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "hundred",
    "thousand",
    "million",
    "billion",
    "half",
    "twice",
    "double",
    "triple",
    "a dozen",
    "dozen",
)
"""Spelled-out numbers: "more than two" has a baseline just as "more than 2" has."""


def ly_forms(adjectives: Iterable[str]) -> list[str]:
    """The ``-ly`` adverbs of single-word adjectives, spelled by the regular English rules.

    easy → easily, simple → simply, automatic → automatically, full → fully, true → truly, else +ly.
    Hyphenated and multi-word entries have no adverb and are skipped.
    """
    out: list[str] = []
    for adj in adjectives:
        if not adj.isalpha() or adj.endswith("ly"):
            continue
        if adj.endswith("y") and len(adj) > 2:
            out.append(adj[:-1] + "ily")
        elif adj.endswith("le") and len(adj) > 3:
            out.append(adj[:-1] + "y")
        elif adj.endswith("ic"):
            out.append(adj + "ally")
        elif adj.endswith("ll"):
            out.append(adj + "y")
        elif adj.endswith("ue"):
            out.append(adj[:-1] + "ly")
        else:
            out.append(adj + "ly")
    return out


def degree_forms(adjective: str) -> tuple[str, str]:
    """Comparative and superlative of a one- or two-syllable adjective, by the regular spelling rules.

    big → bigger/biggest (a single final consonant after a single vowel doubles), easy → easier/easiest
    (consonant + y → i), safe → safer/safest (silent e drops), fast → faster/fastest.
    """
    vowels = "aeiou"
    if adjective.endswith("e"):
        stem = adjective[:-1]
    elif adjective.endswith("y") and len(adjective) > 2 and adjective[-2] not in vowels:
        stem = adjective[:-1] + "i"
    elif (
        len(adjective) >= 3
        and adjective[-1] not in vowels + "wxy"
        and adjective[-2] in vowels
        and adjective[-3] not in vowels
        and len(adjective) <= 4
    ):
        stem = adjective + adjective[-1]
    else:
        stem = adjective
    return stem + "er", stem + "est"
