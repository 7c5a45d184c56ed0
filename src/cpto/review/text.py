"""Turn requirements, commit messages, paths and source files into comparable search terms.

One tokenizer for every document kind, so a requirement's "payment method" meets a file's
``PaymentMethodForm`` and a commit's ``payment_methods.py``: identifiers are split on camelCase,
snake_case, kebab-case and path separators, words are lower-cased and stemmed (Snowball, in the PRD's
language), and words that say nothing about a feature (function words, programming keywords) are dropped.
Rare words are weighted by the ranking model, not here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import accumulate

import snowballstemmer

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "cannot",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "either",
        "else",
        "etc",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "however",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "let",
        "may",
        "me",
        "might",
        "more",
        "most",
        "must",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "per",
        "same",
        "shall",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "use",
        "used",
        "using",
        "very",
        "via",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "within",
        "without",
        "would",
        "yet",
        "you",
        "your",
        "able",
        "e",
        "g",
        "ie",
        "eg",
    ]
)

CODE_WORDS = frozenset(
    [
        "abstract",
        "assert",
        "boolean",
        "break",
        "byte",
        "case",
        "catch",
        "char",
        "class",
        "const",
        "continue",
        "default",
        "double",
        "enum",
        "extends",
        "final",
        "finally",
        "float",
        "goto",
        "implements",
        "import",
        "instanceof",
        "int",
        "interface",
        "long",
        "native",
        "new",
        "null",
        "package",
        "private",
        "protected",
        "public",
        "return",
        "short",
        "static",
        "strictfp",
        "super",
        "switch",
        "synchronized",
        "throw",
        "throws",
        "transient",
        "try",
        "void",
        "volatile",
        "true",
        "false",
        "include",
        "define",
        "ifdef",
        "ifndef",
        "endif",
        "struct",
        "typedef",
        "unsigned",
        "signed",
        "sizeof",
        "extern",
        "def",
        "self",
        "none",
        "lambda",
        "elif",
        "pass",
        "raise",
        "yield",
        "async",
        "await",
        "function",
        "var",
        "let",
        "const",
        "undefined",
        "this",
        "string",
        "java",
        "org",
        "com",
        "www",
        "http",
        "https",
        "html",
        "src",
        "main",
        "lib",
        "test",
        "tests",
        "py",
        "js",
        "ts",
        "tsx",
        "jsx",
    ]
)
# ``test`` and ``src`` are dropped from text matching only; test files are recognised by path instead.


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words of the other languages PRDs are commonly written in. English is the default; another
# language is used when a PRD is written in it (see detect_language), because an English stemmer and
# stop list leave Italian or German words unstemmed and their articles weighted like features.
OTHER_STOP_WORDS = {
    "italian": _words(
        """a ad agli ai al alla alle allo anche che chi ci come con cui da dai dal dalla dalle degli dei
        del della delle dello deve devono di dove e ed era essere gli ha hanno il in io la le lo loro ma
        mi ne negli nei nel nella nelle no non o ogni per perché più può quale quando quello quella questo
        questa questi queste se si sia sono su sua sue sul sulla suo suoi tra un una uno viene vengono"""
    ),
    "german": _words(
        """aber als am an auch auf aus bei bin bis da dann das dass dem den der des die dies diese dieser
        durch ein eine einem einen einer eines es für hat haben ich ihr im in ist jede jeder kann kein
        mit muss nach nicht noch nur oder sein sich sie sind so soll über um und uns unter vom von vor
        war werden wird wie wir zu zum zur"""
    ),
    "french": _words(
        """à au aux avec ce ces cette dans de des doit du elle en est et être il ils la le les leur lui
        mais ne nous on ou par pas peut pour qu que qui sa se ses son sont sur un une vous y"""
    ),
    "spanish": _words(
        """a al como con cuando de del debe el ella en entre es esta este hay la las lo los más no o para
        pero por puede que se ser si sin sobre su sus también un una uno y ya"""
    ),
    "portuguese": _words(
        """a ao aos as com como da das de deve do dos e é ela ele em entre essa esse está mais mas na nas
        no nos não o os ou para pela pelo pode por que se sem ser seu sua também um uma"""
    ),
}
LANGUAGES = ("english", *OTHER_STOP_WORDS)
_MIN_SHARE = 0.05  # a language needs this share of a text's words among its function words to be chosen

_TOKEN_CACHE_LIMIT = 500_000
_token_words: dict[str, tuple[str, ...]] = {}
_word_terms: dict[tuple[str, str], str | None] = {}


@lru_cache(maxsize=8)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(language)  # the C implementation when PyStemmer is installed


@lru_cache(maxsize=8)
def _stop_words(language: str) -> frozenset[str]:
    """What a language's text loses before ranking: its function words, English ones and code keywords."""
    return STOP_WORDS | CODE_WORDS | OTHER_STOP_WORDS.get(language, frozenset())


@lru_cache(maxsize=200_000)
def stem(word: str, language: str = "english") -> str:
    """The Snowball stem of a lower-case word (cached: the same words recur across documents)."""
    return str(_stemmer(language).stemWord(word))


def detect_language(texts: Iterable[str]) -> str:
    """The language ``texts`` are written in, of :data:`LANGUAGES`, by their share of function words.

    English unless another language's function words are both more frequent and at least 5% of the
    words: identifiers and code keep most PRDs English whatever else they quote.
    """
    counts = dict.fromkeys(LANGUAGES, 0)
    total = 0
    english = STOP_WORDS
    for text in texts:
        for token in _WORD.findall(text.lower()):
            total += 1
            counts["english"] += token in english
            for language, words in OTHER_STOP_WORDS.items():
                counts[language] += token in words
    best = max(LANGUAGES, key=lambda language: counts[language])
    if best != "english" and counts[best] > counts["english"] and counts[best] >= _MIN_SHARE * total:
        return best
    return "english"


def _parts(token: str) -> list[str]:
    return [part.lower() for part in _CAMEL.split(token) if len(part) >= 2]


def words(text: str) -> list[str]:
    """The lower-case words of ``text``, identifiers split on camelCase, snake_case and paths, before
    stemming: what the history index keeps for each commit, whatever the language of the PRDs."""
    cache = _token_words
    out: list[str] = []
    for token in _WORD.findall(text):
        found = cache.get(token)
        if found is None:
            if len(cache) >= _TOKEN_CACHE_LIMIT:
                cache.clear()
            found = cache[token] = tuple(_parts(token))
        out.extend(found)
    return out


def terms_of_words(stored: str, language: str = "english") -> list[str]:
    """Search terms from words kept by :func:`words` (space-separated): stop words out, stems in.

    Each distinct word is stemmed once per process, so a review never tokenises the history again.
    """
    return _terms_of(stored.split(), language)


def terms(text: str, language: str = "english") -> list[str]:
    """Stemmed search terms of ``text``, function words and code keywords removed: :func:`words`, then
    the same stemming as the words the index keeps, so both sides of a match are made alike."""
    return _terms_of(words(text), language)


def _terms_of(split: Iterable[str], language: str) -> list[str]:
    cache = _word_terms
    out: list[str] = []
    for word in split:
        found = cache.get((language, word), "")
        if found == "":
            if len(cache) >= _TOKEN_CACHE_LIMIT:
                cache.clear()
            found = cache[(language, word)] = None if word in _stop_words(language) else stem(word, language)
        if found is not None:
            out.append(found)
    return out


def path_text(path: str) -> str:
    """A path as words: ``api/checkout/guest_flow.py`` -> ``api checkout guest flow py``."""
    return re.sub(r"[/\\._\-]+", " ", path)


_SEPARATOR = "\n\x00\n"


def matches_in(pattern: re.Pattern[str], texts: Sequence[str]) -> Iterator[tuple[int, re.Match[str]]]:
    """(position in ``texts``, match) for every match of ``pattern``, from one scan of all texts joined:
    a regex call per commit or file costs more than the search itself on a long history. The separator
    holds a NUL, which no requirement ID, issue reference or text of ours contains, so no match spans
    two texts."""
    if not texts:
        return
    starts = list(accumulate([0] + [len(t) + len(_SEPARATOR) for t in texts[:-1]]))
    for m in pattern.finditer(_SEPARATOR.join(texts)):
        yield bisect_right(starts, m.start()) - 1, m
