"""Find vague wording in requirements and decision threads, and say what would make each statement precise.

A statement is precise when a reader could check it: a number with a unit, a date, a named file, person
or ticket. It is vague when it leans on words that each reader fills in differently ("fast", "soon",
"as appropriate", "customers want this"). The model is a set of hand-written vocabularies
(:mod:`cpto.language.lexicon`, from requirement-writing standards, hedging research and style guides)
plus English morphology for comparatives and superlatives, matched with a few compiled regular
expressions so that a whole PRD or decision log is scored in milliseconds.

Three rules keep the false alarms down:

- quoted text and code spans are the writer quoting something exact ("the button says 'Save
  quickly'"), so they are masked before matching, as are names, paths, tickets and version numbers;
- a comparative with a numeric baseline ("faster than 200 ms", "more than 3") is not vague, nor is a
  size word ("large", "high") in a sentence that states a number;
- the disagreement forms ("too risky", "no bandwidth", "customers need this") are vague only when the
  sentence names nothing specific: "risks double charges for the 40 annual accounts" is a real objection.

Offsets are Python string indices (code points), so ``text[f.start:f.end] == f.text`` for any text.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from cpto.language import lexicon as lx


@dataclass(frozen=True, slots=True)
class Finding:
    """One vague phrase: where it is, what kind of vagueness, and what would make it precise."""

    start: int
    end: int
    text: str
    kind: str
    suggestion: str


@dataclass(frozen=True, slots=True)
class Marker:
    """One precise anchor (a date, a quantity, a named file or person) that makes a statement checkable."""

    start: int
    end: int
    text: str
    kind: str


@dataclass(frozen=True, slots=True)
class Assessment:
    """The precision of a text: ``score`` is 1.0 for precise language and falls with each vague finding."""

    score: float
    findings: list[Finding]
    markers: list[Marker]


@dataclass(frozen=True, slots=True)
class Context:
    """Names the workspace knows, which count as precise wherever they are mentioned.

    ``features``: feature and PRD names, requirement ids. ``components``: repository paths, modules,
    services. ``people``: handles and names. A vague word inside a known name ("Fast Checkout") is part
    of the name, not a finding.
    """

    features: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    people: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """All names, longest first, so that "Smart Export v2" wins over "Smart Export"."""
        return tuple(
            sorted(
                {n.strip() for n in (*self.features, *self.components, *self.people) if n.strip()},
                key=len,
                reverse=True,
            )
        )


# --- what each kind of finding asks for ----------------------------------------------------------------

SUGGESTIONS: dict[str, str] = {
    "subjective/speed": "give the time limit with its unit and percentile, e.g. 'p95 under 200 ms at 500 req/s'",
    "subjective/usability": "name the user, the task and the success measure, e.g. 'a first-time user exports a report in under 2 minutes'",
    "subjective/reliability": "give the failure rate, availability or recovery target, or the standard it must meet",
    "subjective/scale": "say which load or change it must absorb and how much, e.g. '10x today's orders' or 'a new provider in 2 days'",
    "subjective/value": "replace the judgement with the observable result that would make it good enough",
    "subjective/degree": "state the criterion that decides it: a threshold, a rule or a named standard",
    "subjective/manner": "say what observable result shows it was done that way: a check, a limit or an example",
    "hedge": "say what you know and what you don't; if it is a guess, give the evidence or the odds",
    "booster": "drop the intensifier, or give the amount it stands for",
    "vague-quantity": "give the number, the range or the list",
    "vague-size": "give the value with its unit, e.g. 'over 2 GB' or 'above 5,000 req/s'",
    "vague-time": "give the date or the duration, and what slips if it is missed",
    "vague-frequency": "say how often (a rate) or in exactly which cases",
    "loophole": "drop the escape clause, or state the condition under which it applies and who decides",
    "open-ended": "give the complete list, or the rule that decides what belongs to it",
    "open-ended/and-or": "say whether both, either, or exactly one of them is meant",
    "open-ended/tbd": "decide it, or name who decides it by when",
    "non-verifiable": "say which functions or results count: what the system does, with which inputs and outcome",
    "comparative": "say compared with what, and by how much",
    "comparative/than": "say by how much, with a number and unit",
    "superlative": "say what it is measured by and the target value, instead of 'best' or 'optimal'",
    "vague-pronoun": "name the thing the pronoun stands for",
    "vague-risk": "name the component and the failure you expect, and how likely or costly it is",
    "vague-capacity": "say who is busy with what until when",
    "vague-customer": "name the customers or the data: which accounts, how many, which requests or tickets",
}
"""Suggestion per finding kind; a ``kind/facet`` key refines the advice within a kind."""

WEIGHTS: dict[str, float] = {
    "subjective": 1.0,
    "superlative": 1.0,
    "comparative": 0.8,
    "loophole": 1.0,
    "non-verifiable": 0.8,
    "open-ended": 0.8,
    "vague-quantity": 0.8,
    "vague-size": 0.7,
    "vague-time": 0.9,
    "vague-frequency": 0.7,
    "hedge": 0.7,
    "booster": 0.6,
    "vague-pronoun": 0.4,
    "vague-risk": 1.2,
    "vague-capacity": 1.2,
    "vague-customer": 1.2,
}
"""How much one finding of a kind lowers the score; an unresolved pronoun hurts less than "too risky"."""

# Kinds that are vague only when their sentence names nothing specific (no marker of any kind).
_NEEDS_NOTHING_SPECIFIC = frozenset({"vague-risk", "vague-capacity", "vague-customer"})
# Kinds that are vague only when their sentence gives no number.
_NEEDS_NO_NUMBER = frozenset({"vague-size"})
_NUMERIC_MARKERS = frozenset({"number", "quantity", "duration", "cost", "date"})


# --- vocabulary -------------------------------------------------------------------------------------------


def _phrase_table() -> dict[str, str]:
    """Every literal phrase mapped to its ``kind`` or ``kind/facet``; the first family to claim a phrase wins.

    The order puts the most specific families first: "as soon as possible" is a time, not a loophole;
    "highly available" is a reliability claim, not a booster.
    """
    families: list[tuple[str, Iterable[str]]] = [
        ("vague-risk", lx.RISK_PHRASES),
        ("vague-capacity", lx.CAPACITY_PHRASES),
        ("open-ended/and-or", ["and/or"]),
        ("open-ended/tbd", ["tbd", "tbc", "to be determined", "to be defined", "to be confirmed"]),
        ("loophole", lx.LOOPHOLES),
        ("open-ended", lx.OPEN_ENDED),
        ("vague-time", lx.VAGUE_TIMES),
        ("vague-frequency", lx.FREQUENCIES),
        ("hedge", lx.HEDGES),
        ("superlative", lx.SUPERLATIVES),
        ("superlative", [lx.degree_forms(a)[1] for a in _evaluative()]),
        ("comparative", lx.IRREGULAR_COMPARATIVES),
        ("comparative", [lx.degree_forms(a)[0] for a in lx.GRADABLE]),
        ("vague-quantity", lx.VAGUE_QUANTITIES),
        ("non-verifiable", lx.NON_VERIFIABLE),
    ]
    families += [(f"subjective/{facet}", words) for facet, words in lx.SUBJECTIVE.items()]
    families += [("booster", lx.BOOSTERS)]
    families += [(f"subjective/{facet}", lx.ly_forms(words)) for facet, words in lx.SUBJECTIVE.items()]
    families += [("subjective/manner", lx.MANNER_ADVERBS), ("vague-size", lx.DIMENSIONS)]
    table: dict[str, str] = {}
    for kind, phrases in families:
        for phrase in phrases:
            table.setdefault(_normal(phrase), kind)
    return table


def _evaluative() -> list[str]:
    """Gradable adjectives whose superlative claims an unmeasured optimum ("fastest", "easiest").

    Superlatives of plain dimensions and age ("highest", "oldest") usually select one item of a set
    ("the highest priority alarm"), which is checkable, so they are left out.
    """
    selecting = {*lx.DIMENSIONS, "new", "old", "near", "deep", "shallow", "thin", "thick", "steep", "brief"}
    return [a for a in lx.GRADABLE if a not in selecting]


def _normal(phrase: str) -> str:
    """Lower case with single spaces: the key both the table and a match are looked up by."""
    return " ".join(phrase.lower().split())


def trie_pattern(phrases: Iterable[str]) -> str:
    """A regular expression matching any of ``phrases``, factored into a character trie.

    Python's ``re`` tries alternatives one after another, so a flat alternation of 800 phrases costs 800
    attempts at every word start; the trie costs one character test per level. Alternatives at a node
    begin with different characters, so the match is deterministic, and optional tails are greedy, so the
    longest phrase wins. A space in a phrase matches any run of whitespace.
    """
    root: dict[str, dict[str, object]] = {}
    for phrase in phrases:
        node = root
        for ch in phrase:
            node = node.setdefault(ch, {})  # type: ignore[assignment]
        node[""] = {}
    return _emit(root)


def _emit(node: dict[str, dict[str, object]]) -> str:
    """Regular expression text for one trie node (see :func:`trie_pattern`)."""
    branches = [
        (r"\s+" if ch == " " else re.escape(ch)) + _emit(child)  # type: ignore[arg-type]
        for ch, child in sorted(node.items())
        if ch
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _alt(words: Iterable[str]) -> str:
    """Escaped alternation, longest first, for short lists where a trie is not needed."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


_PHRASES = _phrase_table()
_PRONOUN_VERBS = [
    "shall",
    "will",
    "must",
    "should",
    "may",
    "might",
    "can",
    "could",
    "would",
    "is",
    "are",
    "was",
    "were",
    "has",
    "have",
    "had",
    "does",
    "do",
    "did",
    "isn't",
    "aren't",
    "won't",
    "can't",
    "doesn't",
    "didn't",
    "means",
    "needs",
    "requires",
    "seems",
    "looks",
    "sounds",
    "makes",
    "causes",
    "breaks",
    "works",
    "depends",
    "gets",
    "allows",
    "prevents",
    "helps",
    "includes",
    "contains",
    "affects",
    "involves",
    "becomes",
    "takes",
    "adds",
]
_NUMBER_WORD = trie_pattern(lx.NUMBER_WORDS)
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_RANGE = (
    r"(?:"
    + _NUM
    + r"|"
    + _NUMBER_WORD
    + r")(?:\s*(?:-|\u2013|to)\s*(?:"
    + _NUM
    + r"|"
    + _NUMBER_WORD
    + r"))?"
)
_MONTHS_FULL = lx.MONTHS[:12]

# One scan over the word starts of the lower-cased, masked text finds every vague candidate and every
# date or number marker. At one position the first group that matches wins, so idioms ("rather than",
# "as long as") shadow the vague words inside them, claims about unnamed customers win over "some", and
# the vocabulary wins over the generic -ly rule. Case matters only for month names, which are checked
# against the original text afterwards ("May 12" against the modal "may").
_SCAN = re.compile(
    r"(?<![\w-])(?:"
    r"(?P<idiom>(?:as\s+long\s+as|no\s+longer|no\s+more|any\s+more|anymore|rather\s+than|as\s+well(?:\s+as)?|"
    r"in\s+short|at\s+all|first\s+of\s+all|above\s+all|after\s+all|the\s+same|all\s+right|once\s+more|"
    r"(?:one|two|three|four|five|\d+)\s+or\s+(?:more|less|fewer))(?![\w-]))"
    r"|(?=[\d€$£])(?:"
    r"(?P<date>(?:\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2})?z?)?|\d{1,2}/\d{1,2}/\d{2,4}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:" + _alt(lx.MONTHS) + r")\.?(?:\s+\d{4})?)(?![\w/]))"
    r"|(?P<cost>(?:[€$£]\s?"
    + _NUM
    + r"(?:\s?(?:k|m|bn))?|"
    + _RANGE
    + r"\s?(?:"
    + _alt(lx.EFFORT_UNITS)
    + r"))(?![\w-]))"
    r"|(?P<duration>" + _RANGE + r"\s?(?:" + _alt(lx.TIME_UNITS) + r")(?![\w/-]))"
    r"|(?P<quantity>" + _RANGE + r"\s?(?:" + _alt(lx.QUANTITY_UNITS) + r")(?![\w/-]))"
    r"|(?P<number>" + _NUM + r"(?![\w]|\.\d)))"
    r"|(?P<when>(?:(?:q[1-4]|h[12])(?:\s*(?:fy)?'?\d{2,4})?|fy\s?'?\d{2,4}|"
    + _alt(lx.WEEKDAYS)
    + r")(?![\w-]))"
    r"|(?P<month>(?:"
    + _alt(_MONTHS_FULL)
    + r")(?:\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?|\s+\d{4})?(?![\w-]))"
    r"|(?P<spelled>(?:"
    + _NUMBER_WORD
    + r")\s+(?:"
    + _alt(w for w in lx.TIME_UNITS if len(w) > 3)
    + r")(?![\w-]))"
    r"|(?P<customer>(?:" + trie_pattern(lx.CUSTOMER_SUBJECTS) + r")\s+"
    r"(?:(?:really|all|always|also|still|now|often|keep|just|do|would|definitely|clearly)\s+)?"
    r"(?:" + trie_pattern(lx.CUSTOMER_VERBS) + r")(?![\w-])(?!\s+to\b))"
    r"|(?P<pronoun>it|this|that|they|these|those)(?=\s+(?:" + trie_pattern(_PRONOUN_VERBS) + r")(?![\w'-]))"
    r"|(?P<literal>" + trie_pattern(_PHRASES) + r")(?![\w-])"
    r"|(?P<op>more|less|fewer|most|least)(?:\s+(?P<adj>[^\W\d_]+(?:" + "|".join(lx.ADJECTIVE_SUFFIXES) + r")"
    r"|" + trie_pattern(sorted({*_PHRASES, *lx.GRADABLE})) + r"))?(?![\w-])"
    r")"
)
_SUFFIX_END = re.compile(r"[^\W\d_](?:ly|ful)(?![\w-])")
_MARKER_GROUPS = {
    "date": "date",
    "when": "date",
    "month": "date",
    "cost": "cost",
    "duration": "duration",
    "spelled": "duration",
    "quantity": "quantity",
    "number": "number",
}

_EXPLETIVE = re.compile(
    r"\s+(?:\w+\s+){0,4}?(?:possible|impossible|necessary|unnecessary|required|mandatory|desirable|"
    r"recommended|allowed|permitted|forbidden|prohibited|important|essential|likely|unlikely|expected|"
    r"assumed|advisable|sufficient|acceptable|enough|clear|true|false|known|noted|agreed|the case|"
    r"intended|planned|proposed|envisaged|foreseen|worth)\s+(?:to|that|for|whether|if)\b"
)
_BASELINE_AFTER = re.compile(
    r"\s+(?:or\s+(?:equal\s+)?(?:to\s+)?)?than\s+(?:(?:\S+\s+){0,3}?[\d€$£]|(?:" + _NUMBER_WORD + r")\b)"
)
_THAN_AFTER = re.compile(r"\s+than\b")
_MAGNITUDE_BEFORE = re.compile(
    r"(?:\d\s*(?:%|x|times|percent|ms|s|seconds|minutes|hours|days)?|(?:"
    + _NUMBER_WORD
    + r")(?:\s+times)?)\s+$"
)
_VERB_BEFORE = re.compile(r"(?:\bto|shall|will|must|should|may|might|can|could|would|not)\s+$")
_DETERMINER_AFTER = re.compile(r"\s+(?:the|a|an|its|their|his|her|this|that|these|those|our|your|it|them)\b")
_BOUND_NUMBER = re.compile(r"\s+(?:\S+\s+)?[\d€$£]|\s+(?:" + _NUMBER_WORD + r")\b")
_FOLLOWED_BY_WORD = re.compile(r"\s+[^\W\d_]")
_APPROXIMATORS = frozenset(_normal(a) for a in lx.APPROXIMATORS)
_NUMBER_AFTER = re.compile(r"\s+(?:[€$£]\s?)?\d|\s+(?:" + _NUMBER_WORD + r")(?![\w-])")
_CONJUNCTION_BEFORE = re.compile(r"(?<![\w-])(?:and|but|so|because|since|although|though|then|otherwise)\s+$")
_MONTH_CONTEXT = re.compile(r"(?:\b(?:in|by|until|till|before|after|since|from|of|mid|early|late|end)\s+)$")

_VERBISH = frozenset(
    [
        "clear",
        "clean",
        "slow",
        "smooth",
        "secure",
        "correct",
        "lower",
        "better",
        "limited",
        "narrow",
        "prompt",
        "quiet",
        "stable",
        "fast",
        "optimize",
        "optimise",
        "maximize",
        "maximise",
        "minimize",
        "minimise",
        "simple",
        "normal",
        "high",
    ]
)
"""Words that are also verbs (clear the alarm, lower the pantograph): vague only as adjectives."""


# --- identifiers and quotes: found first and masked --------------------------------------------------------

_IDENTIFIERS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (re.compile(r"://"), re.compile(r"(?P<url>https?://[^\s<>\"'`]+[^\s<>\"'`.,;:!?)])")),
    (
        re.compile(r"@"),
        re.compile(r"(?P<handle>(?<![\w.])@[A-Za-z0-9_][\w.-]*\w|[\w.+-]+@[\w-]+\.[\w.-]*\w)"),
    ),
    (
        re.compile(r"[A-Z0-9]-\d|#\d"),
        re.compile(r"(?P<ticket>(?<![\w-])[A-Z][A-Z0-9]{1,9}-\d+(?![\w-])|(?<![\w&])#\d+\b)"),
    ),
    (
        re.compile(r"/"),
        re.compile(
            r"(?P<path>(?<![\w/.-])(?:~|\.{1,2})?/?(?:[\w.-]+/)+[\w-]+\.[A-Za-z0-9]{1,8}(?![\w/])"
            r"|(?<![\w/.-])(?:~|\.{1,2})?/?(?:[a-z_][\w.-]*/){2,}(?:[\w.-]+)?)"
        ),
    ),
    (
        re.compile(r"\d\.\d|v\d"),
        re.compile(
            r"(?P<version>(?<![\w.])v\d+(?:\.\d+)*(?:[-+][\w.]*\w)?(?!\w|\.\d)"
            r"|(?<![\w.])\d+(?:\.\d+){2,}(?:[-+][\w.]+)?(?![\w])"
            r"|(?<![\w.])[A-Z][A-Za-z+#]*\s+\d+\.\d+(?!\w|\.\d)"
            r"(?!\s*(?i:" + _alt(lx.TIME_UNITS + lx.QUANTITY_UNITS) + r")(?![\w/])))"
        ),
    ),
    (
        re.compile(r"[A-Za-z_]\.[a-z_]"),
        re.compile(r"(?P<module>(?<![\w./-])[A-Za-z_][\w-]+(?:\.[a-z_][\w-]*)+(?![\w]))"),
    ),
)
"""(cheap gate, pattern) per identifier kind, in priority order; a family is skipped when its gate fails."""

_QUOTE = re.compile(
    r"```.*?```|`[^`\n]+`|\"[^\"\n]{1,200}\"|\u201c[^\u201d\n]{1,200}\u201d|\u2018[^\u2019\n]{1,200}\u2019|(?<![\w])'[^'\n]{1,80}'(?![\w])",
    re.DOTALL,
)
_QUOTE_GATE = re.compile(r"[`\"'\u201c\u2018]")
_MASK = "\ue000"  # a private-use character: not a word character, not whitespace, not punctuation


@lru_cache(maxsize=64)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for the workspace's names: single words case-sensitively ("Export" the feature, not
    "export" the verb), longer names in any case."""
    if not names:
        return None
    # Tries, not flat alternations: a workspace has thousands of paths, and trying each at every
    # position of a long text cost seconds per 100 KB (see :func:`trie_pattern`).
    exact = trie_pattern(n for n in names if n.isalpha())
    loose = trie_pattern({" ".join(n.lower().split()) for n in names if not n.isalpha()})
    parts = ([f"(?i:{loose})"] if loose else []) + ([exact] if exact else [])
    return re.compile(r"(?<![\w/.@-])(?:" + "|".join(parts) + r")(?![\w-]|/\w)")


def _identifiers(text: str, context: Context | None) -> tuple[list[Marker], str]:
    """Quotes, code spans, workspace names, links, handles, tickets, paths, versions and modules in ``text``,
    and ``text`` with all of them masked.

    Masking keeps every offset: each masked character becomes one private-use character, so a vague word
    quoted or inside a name ("Fast Checkout", `--quick`) cannot match, while offsets stay those of
    ``text``. Versions are masked but are not markers: "v1.2" is not a quantity.
    """
    found: list[Marker] = []
    masked = text
    if _QUOTE_GATE.search(text):
        found += [
            Marker(m.start(), m.end(), m.group(0), "code" if m.group(0).startswith("`") else "quote")
            for m in _QUOTE.finditer(text)
        ]
        masked = _apply_mask(text, [(mk.start, mk.end) for mk in found])
    pattern = _names_pattern(context.names()) if context else None
    if pattern is not None:
        named = [Marker(m.start(), m.end(), m.group(0), "name") for m in pattern.finditer(masked)]
        found += named
        masked = _apply_mask(masked, [(mk.start, mk.end) for mk in named])
    spans: list[tuple[int, int]] = []  # sorted and disjoint, so overlap is a binary search
    for gate, regex in _IDENTIFIERS:
        if not gate.search(masked):
            continue
        added: list[tuple[int, int]] = []  # in text order and disjoint: finditer never overlaps itself
        for m in regex.finditer(masked):
            kind = m.lastgroup or "path"
            start, end = m.span()
            if _overlaps(spans, start, end) or (kind == "path" and not _is_path(m.group(0))):
                continue
            added.append((start, end))
            if kind != "version":
                found.append(Marker(start, end, text[start:end], kind))
        if added:
            spans = sorted(spans + added)
    return found, _apply_mask(masked, spans)


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps one of ``spans`` (sorted and disjoint, so their ends are sorted too).

    A binary search rather than a scan of every span: a long text has as many spans as identifiers, and
    checking each new one against all the others made a 1 MB line take minutes.
    """
    i = bisect_left(spans, end, key=lambda span: span[0])  # spans[:i] start before ``end``
    return i > 0 and spans[i - 1][1] > start


def _is_path(candidate: str) -> bool:
    """A slash-separated token is a path when it has a file extension or two slashes and some lower case,
    so "km/h", "and/or" and "ERTMS/ETCS" are not paths."""
    if "." in candidate.rsplit("/", 1)[-1] or candidate.count("/") >= 2:
        return any(c.islower() for c in candidate)
    return False


def _apply_mask(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span overwritten by the mask character (same length, so offsets hold)."""
    if not spans:
        return text
    out: list[str] = []
    last = 0
    for start, end in sorted(spans):
        start = max(start, last)
        if end > start:
            out += [text[last:start], _MASK * (end - start)]
            last = end
    out.append(text[last:])
    return "".join(out)


def _lower(text: str) -> str:
    """Lower case with the same length, so offsets into the result are offsets into ``text``."""
    low = text.lower()
    return low if len(low) == len(text) else "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


# --- sentences --------------------------------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    [
        "e.g",
        "i.e",
        "etc",
        "vs",
        "cf",
        "approx",
        "incl",
        "mr",
        "mrs",
        "ms",
        "dr",
        "no",
        "fig",
        "sec",
        "al",
        "resp",
        "ca",
    ]
)
_BOUNDARY = re.compile(
    r"(?P<end>[.!?]+)[\"')\]\u2019\u201d]*(?=\s+\S)"  # terminal punctuation followed by more text
    r"|\n[ \t]*\n"  # a blank line
    r"|\n(?=[ \t]*(?:[-*+•]\s|#{1,6}\s|\d+[.)]\s|>\s|\|))"  # before a list item, heading, quote or table row
)
_LAST_WORD = re.compile(r"[\w.]*$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in ``text``, trimmed of surrounding whitespace.

    Sentences end at . ! ? followed by more text (not after e.g., i.e., etc., vs. or a decimal point),
    at blank lines, and before Markdown list items, headings and table rows, so that a caller can score
    a PRD or a decision thread sentence by sentence and map each one back to its line.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group("end") == ".":
            word = _LAST_WORD.search(text, max(0, m.start() - 12), m.start())
            if word and word.group(0).lower().rstrip(".") in _ABBREVIATIONS:
                continue
        _add_span(text, start, m.end(), spans)
        start = m.end()
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Append ``text[start:end]`` without its surrounding whitespace, if anything is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


# --- findings ---------------------------------------------------------------------------------------------

Candidate = tuple[int, int, str]


def _scan(text: str, low: str) -> tuple[list[Candidate], list[Candidate]]:
    """Vague candidates ``(start, end, kind or kind/facet)`` and date/number markers, in text order."""
    vague: list[Candidate] = []
    markers: list[Candidate] = []
    shadows: list[tuple[int, int]] = []
    for m in _SCAN.finditer(low):
        group = m.lastgroup or ""
        shadows.append(m.span())
        if group in _MARKER_GROUPS:
            if group != "month" or _is_month(text, m):
                markers.append((m.start(), m.end(), _MARKER_GROUPS[group]))
            continue
        hit = _HANDLERS[group](low, m) if group in _HANDLERS else None
        if hit is not None:
            vague.append(hit)
    graded = _graded_by_suffix(low, shadows)
    if graded:
        vague = sorted(vague + graded)
    return vague, markers


def _graded_by_suffix(low: str, shadows: list[tuple[int, int]]) -> list[Candidate]:
    """Other ``-ly`` manner adverbs ("carefully") and ``-ful`` adjectives ("meaningful"): judgements by form.

    Found by their ending (a fast literal search) rather than in the main scan, and dropped where the
    scan already matched something (a vocabulary word such as "easily", or an idiom).
    """
    found: list[Candidate] = []
    for m in _SUFFIX_END.finditer(low):
        start, end = m.start(), m.end()
        while start > 0 and low[start - 1].isalpha():
            start -= 1
        if start > 0 and low[start - 1] in "-_":
            continue
        if _overlaps(shadows, start, end):
            continue
        word = low[start:end]
        if lx.is_manner_adverb(word):
            found.append((start, end, "subjective/manner"))
        elif lx.is_evaluative_adjective(word):
            found.append((start, end, "subjective/value"))
    return found


def _is_month(text: str, m: re.Match[str]) -> bool:
    """A month name is a date when capitalised and followed by a day or year or preceded by "in", "by"..."""
    if not text[m.start()].isupper():
        return False
    return m.end() - m.start() > len(m.group(0).split()[0]) or bool(
        _MONTH_CONTEXT.search(text, max(0, m.start() - 8), m.start())
    )


def _literal(low: str, m: re.Match[str]) -> Candidate | None:
    """A vocabulary phrase, unless it is an adjective used as a verb or a comparative with a baseline."""
    key = _PHRASES[_normal(m.group(0))]
    start, end = m.span()
    if key == "comparative":
        if _has_baseline(low, start, end):
            return None
        if _THAN_AFTER.match(low, end):
            key = "comparative/than"
    if m.group(0) in _VERBISH and _used_as_verb(low, start, end):
        return None
    if _rounds_a_number(low, m):
        return None
    return start, end, key


def _rounds_a_number(low: str, m: re.Match[str]) -> bool:
    """ "roughly 300 controls", "almost 40%", "nearly two weeks": a hedge that rounds the number after it
    states an amount a reader can check, so it is not vague (see :data:`lexicon.APPROXIMATORS`)."""
    return _normal(m.group(0)) in _APPROXIMATORS and bool(_NUMBER_AFTER.match(low, m.end()))


def _has_baseline(low: str, start: int, end: int) -> bool:
    """A comparative is precise when it says than what, numerically ("than 200 ms"), or by how much ("20% faster")."""
    if _BASELINE_AFTER.match(low, end):
        return True
    return bool(_MAGNITUDE_BEFORE.search(low, max(0, start - 24), start))


def _used_as_verb(low: str, start: int, end: int) -> bool:
    """ "shall clear the alarm", "to lower the pantograph": an adjective form used as a verb is not vague."""
    if _VERB_BEFORE.search(low, max(0, start - 8), start):
        return not _THAN_AFTER.match(low, end)
    return bool(_DETERMINER_AFTER.match(low, end))


def _degree(low: str, m: re.Match[str]) -> Candidate | None:
    """ "more reliable", "most users", "less secure": comparison with no numeric baseline.

    "at least 3" and "at most 5 s" are bounds, not vague amounts; a bare "at least" is open-ended, and
    so is a list that ends "and more"; otherwise a bare "more" or "most" counts only when something
    follows it ("more servers", "most of").
    """
    op = m.group("op")
    start, end = m.span()
    op_end = m.end("op")
    if op in ("least", "most") and low.endswith("at ", 0, start):
        if _BOUND_NUMBER.match(low, op_end):
            return None
        return (start - 3, op_end, "open-ended") if op == "least" else None
    if _has_baseline(low, start, op_end) or _has_baseline(low, start, end):
        return None
    if m.group("adj") is None and not _FOLLOWED_BY_WORD.match(low, end):
        # "CSV, JSON and more." ends a list without closing it
        return (start - 4, op_end, "open-ended") if op == "more" and low.endswith("and ", 0, start) else None
    if op in ("most", "least"):
        return start, end, "superlative"
    return start, end, "comparative/than" if _THAN_AFTER.match(low, end) else "comparative"


def _customer(low: str, m: re.Match[str]) -> Candidate | None:
    """ "customers need this", "everyone is asking": a claimed need attributed to an unnamed group."""
    return m.start(), m.end(), "vague-customer"


def _pronoun(low: str, m: re.Match[str]) -> Candidate | None:
    """A pronoun followed by a verb at the start of a sentence or clause, unless it is the expletive
    "it" ("it shall be possible to", "it is necessary that")."""
    start, end = m.span()
    head = low[max(0, start - 12) : start]
    stripped = head.rstrip()
    if stripped and stripped[-1] not in ".!?;:(":
        if stripped[-1] != "," and not _CONJUNCTION_BEFORE.search(head):
            return None  # mid-clause: "... of it is" has a noun somewhere before
        if m.group(0) == "that":
            return None  # "..., that is" opens a relative clause
    if m.group(0) == "it" and _EXPLETIVE.match(low, end):
        return None
    return start, end, "vague-pronoun"


_HANDLERS = {
    "literal": _literal,
    "op": _degree,
    "adj": _degree,
    "customer": _customer,
    "pronoun": _pronoun,
}


# --- assessment -------------------------------------------------------------------------------------------


def assess(text: str, context: Context | None = None) -> Assessment:
    """Findings, markers and a score in [0, 1] for ``text`` (a sentence, a requirement or a whole thread).

    The score is the length-weighted mean of the sentence scores (see :func:`sentence_score`), so one
    vague sentence in a long precise document lowers it only a little, while each finding is still listed.
    """
    if not text.strip():
        return Assessment(1.0, [], [])
    markers, masked = _identifiers(text, context)
    vague, numeric = _scan(text, _lower(masked))
    if numeric:
        markers += [Marker(s, e, text[s:e], kind) for s, e, kind in numeric]
        markers.sort(key=lambda mk: mk.start)
    sentences = split_sentences(masked) or [(0, len(text))]
    starts = [s for s, _ in sentences]
    marker_kinds: list[set[str]] = [set() for _ in sentences]
    marker_counts = [0] * len(sentences)
    for mk in markers:
        index = max(0, bisect_right(starts, mk.start) - 1)
        marker_kinds[index].add(mk.kind)
        marker_counts[index] += 1
    findings: list[Finding] = []
    kinds: list[list[str]] = [[] for _ in sentences]
    for start, end, key in vague:
        index = max(0, bisect_right(starts, start) - 1)
        kind = key.partition("/")[0]
        if kind in _NEEDS_NOTHING_SPECIFIC and marker_kinds[index]:
            continue
        if kind in _NEEDS_NO_NUMBER and marker_kinds[index] & _NUMERIC_MARKERS:
            continue
        findings.append(Finding(start, end, text[start:end], kind, SUGGESTIONS.get(key) or SUGGESTIONS[kind]))
        kinds[index].append(kind)
    total = weighted = 0.0
    for (start, end), sentence_kinds, count in zip(sentences, kinds, marker_counts, strict=True):
        words = masked.count(" ", start, end) + 1
        total += words
        weighted += words * sentence_score(sentence_kinds, count, words)
    return Assessment(round(weighted / total, 4), findings, markers)


def sentence_score(kinds: list[str], markers: int, words: int) -> float:
    """Score one sentence from the kinds of its findings, its number of markers and its length in words.

    No findings: 1.0, less a small length cost of up to 0.1 that each precise marker halves. The cost
    stands for what no vocabulary catches: the longer a statement, the more room for a qualifier nobody
    quantified (INCOSE GtWR R18, one thought per requirement; plain-language guides' 25-word limit), so a
    short statement with markers is the most precise thing there is. With findings the score starts at
    0.9 and falls exponentially with the weighted findings per sqrt(12 words), so one "fast" in a 40-word
    requirement costs less than in "Make it fast"; each marker wins back 15% of the distance to 0.9, up
    to half of it. Every sentence with a finding scores below every sentence without one.
    """
    length_cost = 0.1 * (1 - math.exp(-words / 40))
    if not kinds:
        return 1.0 - length_cost * max(0.0, 1 - 0.5 * markers)
    load = sum(WEIGHTS.get(k, 1.0) for k in kinds) * math.sqrt(12 / max(words, 12))
    base = (0.9 - length_cost) * math.exp(-0.6 * load)
    return base + (0.9 - base) * min(0.5, 0.15 * markers)


__all__ = [
    "Assessment",
    "Context",
    "Finding",
    "Marker",
    "assess",
    "sentence_score",
    "split_sentences",
    "trie_pattern",
]
