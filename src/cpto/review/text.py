"""Turn requirements, commit messages, paths and source files into comparable search terms.

One tokenizer for every document kind, so a requirement's "payment method" meets a file's
``PaymentMethodForm`` and a commit's ``payment_methods.py``: identifiers are split on camelCase,
snake_case, kebab-case and path separators, words are lower-cased and stemmed (Snowball English), and
words that say nothing about a feature (English function words, programming keywords) are dropped.
Rare words are weighted by the ranking model, not here.
"""

from __future__ import annotations

import re
from functools import lru_cache

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

_stemmer = snowballstemmer.stemmer("english")  # the C implementation when PyStemmer is installed
_TOKEN_CACHE_LIMIT = 500_000
_token_terms: dict[str, tuple[str, ...]] = {}


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of a lower-case word (cached: the same words recur across documents)."""
    return str(_stemmer.stemWord(word))


def _parts(token: str) -> list[str]:
    return [part.lower() for part in _CAMEL.split(token) if len(part) >= 2]


def terms(text: str) -> list[str]:
    """Stemmed search terms of ``text``, function words and code keywords removed.

    Identifiers recur across a repository, so each distinct token is split and stemmed once.
    """
    out: list[str] = []
    cache = _token_terms
    for token in _WORD.findall(text):
        found = cache.get(token)
        if found is None:
            if len(cache) >= _TOKEN_CACHE_LIMIT:
                cache.clear()
            found = cache[token] = tuple(
                stem(w) for w in _parts(token) if w not in STOP_WORDS and w not in CODE_WORDS
            )
        out.extend(found)
    return out


def path_text(path: str) -> str:
    """A path as words: ``api/checkout/guest_flow.py`` -> ``api checkout guest flow py``."""
    return re.sub(r"[/\\._\-]+", " ", path)
