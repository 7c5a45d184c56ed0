"""Where R&D effort goes: each commit as feature, fix, debt, infra or other.

Evidence is weighed in the order people trust it: a conventional-commit type (``fix(api): ...``) decides;
otherwise the shipped model (``model.py``, trained on openly licensed conventional commits, docs/classify.md)
reads the message and the changed paths, its probabilities blended with the rules below when the model
file says that measured better on its hold-out. The rules: the subject's leading verb and the words of
the message vote, and the changed paths vote (only tests changed: debt; only docs: other; only CI, build
or lock files: infra). Size breaks ties: a commit that mostly adds lines leans feature. Every result says
why, so a wrong bucket can be argued.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from cpto.workspace.config import BUCKETS

CATEGORIES = BUCKETS  # defined with the settings that name them ([github] labels)

CONVENTIONAL = {
    "feat": "feature",
    "feature": "feature",
    "fix": "fix",
    "bugfix": "fix",
    "hotfix": "fix",
    "revert": "fix",
    "refactor": "debt",
    "perf": "debt",
    "style": "debt",
    "test": "debt",
    "tests": "debt",
    "build": "infra",
    "ci": "infra",
    "deps": "infra",
    "chore": "infra",
    "docs": "other",
    "doc": "other",
    "release": "other",
}
_CONVENTIONAL = re.compile(r"^\s*([A-Za-z]+)(\([^)]*\))?!?:\s")
_TICKET = re.compile(r"^\s*(\[[^\]]*\]|[A-Z][A-Z0-9]+-\d+:?|#\d+:?)\s*")

# Leading verbs (lower case, stems by prefix) and the bucket they put a commit in.
LEADING = {
    "fix": (
        "fix",
        "bug",
        "repair",
        "correct",
        "resolv",
        "revert",
        "hotfix",
        "patch",
        "prevent",
        "avoid",
        "handle",
        "workaround",
    ),
    "feature": (
        "add",
        "implement",
        "introduc",
        "support",
        "allow",
        "enabl",
        "new",
        "creat",
        "provid",
        "initial",
    ),
    "debt": (
        "refactor",
        "clean",
        "remov",
        "renam",
        "mov",
        "extract",
        "simplif",
        "improv",
        "optimi",
        "polish",
        "reformat",
        "tidy",
        "restructur",
        "reorganiz",
        "replac",
        "deprecat",
        "inline",
        "split",
        "merg",
        "consolidat",
        "speed",
        "reduc",
        "unify",
        "format",
        "test",
    ),
    "infra": ("bump", "upgrad", "build", "ci", "configur", "releas", "prepar", "version"),
    "other": (
        "doc",
        "javadoc",
        "document",
        "comment",
        "readme",
        "changelog",
        "typo",
        "licens",
        "spelling",
        "wording",
    ),
}
# Words anywhere in the message: a weaker vote.
WORDS = {
    "fix": (
        "fix",
        "bug",
        "error",
        "exception",
        "crash",
        "fail",
        "broken",
        "wrong",
        "incorrect",
        "npe",
        "nullpointer",
        "regression",
        "leak",
        "deadlock",
        "race",
        "issue",
        "problem",
    ),
    "feature": ("feature", "support", "new", "add", "ability", "option", "implement", "api"),
    "debt": (
        "refactor",
        "cleanup",
        "clean",
        "unused",
        "simplif",
        "performance",
        "deprecat",
        "duplicat",
        "dead",
        "warning",
        "test",
        "tests",
    ),
    "infra": (
        "dependency",
        "dependencies",
        "version",
        "maven",
        "gradle",
        "pom",
        "jenkins",
        "travis",
        "docker",
        "pipeline",
        "ci",
        "build",
    ),
    "other": ("javadoc", "doc", "docs", "documentation", "readme", "comment", "typo", "changelog"),
}
TEST_PATH = re.compile(
    r"(^|/)(tests?|spec|__tests__)(/|$)|(^|/)test_[^/]*$|_test\.[a-z]+$|Test[s]?\.[a-z]+$|\.spec\.[a-z]+$"
)
DOC_PATH = re.compile(
    r"(^|/)docs?(/|$)|\.(md|rst|adoc|txt)$|(^|/)(README|CHANGELOG|LICENSE)[^/]*$", re.IGNORECASE
)
INFRA_PATH = re.compile(
    r"(^|/)(\.github|\.circleci|\.gitlab-ci\.yml|Jenkinsfile|Dockerfile|docker-compose[^/]*|Makefile|"
    r"pom\.xml|build\.gradle[^/]*|settings\.gradle[^/]*|package(-lock)?\.json|yarn\.lock|pnpm-lock\.yaml|"
    r"poetry\.lock|Cargo\.(toml|lock)|go\.(mod|sum)|requirements[^/]*\.txt|setup\.(py|cfg)|pyproject\.toml|"
    r"tox\.ini|\.travis\.yml|infra|terraform|k8s|helm)(/|$)",
    re.IGNORECASE,
)


PEOPLE = ("label", "type", "override")  # deciders whose bucket is a person's word
MACHINES = ("model", "rules")  # deciders whose bucket is a guess with a measurable confusion
DECIDERS = PEOPLE + MACHINES  # every value of Classified.decided_by


@dataclass(frozen=True)
class Classified:
    category: str
    confidence: float
    why: str
    decided_by: str = "rules"  # what decided: "label" (a person's PR/issue label), "type" (conventional commit), "override", "model", "rules"


def classify(
    message: str, paths: Sequence[str] = (), added: int | None = None, deleted: int | None = None
) -> Classified:
    """One commit's bucket, how sure, and why: the type decides, else the model (with the rules' vote
    when the model's settings give it a weight; chosen on the training hold-out, see docs/classify.md).
    ``added``/``deleted``: the commit's changed lines, ``None`` when unknown (not the same as none)."""
    return _typed(message) or _modelled(message, paths, added, deleted)


def model_guess(
    message: str, paths: Sequence[str] = (), added: int | None = None, deleted: int | None = None
) -> str:
    """The bucket the model would give a commit whose bucket people decided, had its author not typed
    it: its call on the message with the type removed (:func:`without_type`), as training reads its
    examples. Set beside the people's bucket, it measures the model on a team's own words
    (``Allocation.checked``)."""
    return _modelled(without_type(message), paths, added, deleted).category


def without_type(message: str) -> str:
    """The message without the type its author put first: a gitmoji, a conventional or bracketed type,
    ticket keys (``fix(api): JIRA-1 x`` -> ``x``). The rules would otherwise read the type back."""
    from cpto.heartbeat.model import strip_prefixes

    subject, newline, body = message.strip().partition("\n")
    return strip_prefixes(without_gitmoji(subject)) + newline + body


def without_gitmoji(text: str) -> str:
    """``text`` without its leading gitmoji (a pictograph or ``:shortcode:`` and the space after it)."""
    return _GITMOJI.sub("", text, count=1)


def _modelled(message: str, paths: Sequence[str], added: int | None, deleted: int | None) -> Classified:
    """The model's bucket, with the rules' vote at the weight its file gives."""
    from cpto.heartbeat.model import load_model, predict

    model = load_model()
    prediction = predict(message, paths, model, added, deleted)
    weight = float(model.provenance.get("settings", {}).get("rules_weight", 0.0))
    # the rules vote on the text and inputs training gave them: every type and ticket prefix removed, no
    # sizes (the model reads the sizes itself)
    ruled = rules(without_type(message), paths) if weight else Classified("other", 0.0, NO_SIGNAL)
    scores = dict(prediction.probabilities)
    if weight and ruled.why != NO_SIGNAL:
        scores[ruled.category] += weight * ruled.confidence
    best = max(CATEGORIES, key=lambda c: (scores[c], -CATEGORIES.index(c)))
    probability = prediction.probabilities[best]
    words = ", ".join(f"'{w}'" for w in prediction.evidence) if best == prediction.category else ""
    why = f"model {probability:.2f}" + (f" ({words})" if words else "")
    if weight and ruled.category == best and ruled.why != NO_SIGNAL:
        why += f"; rules agree: {ruled.why}"
    elif best != prediction.category:
        why += f"; rules tipped it from {prediction.category}: {ruled.why}"
    return Classified(best, round(min(0.9, probability), 2), why, "model")


NO_SIGNAL = "no signal in message or paths"
# A chore is infra only when it is about tooling; training labels chores the same way.
CHORE_TOOLING = re.compile(
    r"\b(?:deps?|dependenc\w*|dependabot|renovate|bump\w*|upgrad\w*|build\w*|ci|circleci|release\w*|version\w*)\b"
)  # whole words: "ci" inside "deprecation" or "special" is not CI
# The bracketed form many Apache projects use: "[Fix-1234][api] ...", "[Feature] ...", "[type:fix] ...".
_BRACKET = re.compile(r"^\s*\[(?:type\s*:\s*)?([A-Za-z]+)(?:[-_ #]?\d+)?\]", re.IGNORECASE)
# Type words authors write that are not conventional-commit types (bracketed or before a colon).
EXTRA_TYPES = {"bug": "fix", "enhancement": "feature"}  # not "new": "New: tests for ..." is no feature
# Gitmoji (https://gitmoji.dev), as the character or the :shortcode:, and the bucket its author meant.
GITMOJI = {
    "\U0001f41b": "fix", "bug": "fix",  # bug
    "\U0001f691": "fix", "ambulance": "fix",  # critical hotfix
    "\u2728": "feature", "sparkles": "feature",
    "\u267b": "debt", "recycle": "debt",
    "\u26a1": "debt", "zap": "debt",  # performance
    "\U0001f525": "debt", "fire": "debt",  # remove code
    "\u2705": "debt", "white_check_mark": "debt",  # tests
    "\U0001f3a8": "debt", "art": "debt",  # structure / format
    "\U0001f6a8": "debt", "rotating_light": "debt",  # linter warnings
    "\U0001f4dd": "other", "memo": "other",  # docs
    "\u270f": "other", "pencil2": "other",  # typos
    "\U0001f310": "other", "globe_with_meridians": "other",  # translations
    "\U0001f516": "other", "bookmark": "other",  # release
    "\u2b06": "infra", "arrow_up": "infra", "\u2b07": "infra", "arrow_down": "infra",  # dependencies
    "\U0001f477": "infra", "construction_worker": "infra",  # CI
    "\U0001f49a": "infra", "green_heart": "infra",  # fix CI
    "\U0001f527": "infra", "wrench": "infra",  # configuration
    "\U0001f528": "infra", "hammer": "infra",  # development scripts
    "\U0001f4e6": "infra", "package": "infra",
    "\U0001f4cc": "infra", "pushpin": "infra",  # pin dependencies
    "\u2795": "infra", "heavy_plus_sign": "infra", "\u2796": "infra", "heavy_minus_sign": "infra",
}  # fmt: skip
# A leading gitmoji: one pictograph (with its variation selector) or one :shortcode:, then a space.
_GITMOJI = re.compile(r"^\s*(?::([a-z0-9_]+):|([\u2600-\u2bff\U0001f300-\U0001faff]))\ufe0f?\s+")


def author_type(subject: str) -> tuple[str, str] | None:
    """The bucket the author's own type gives, and how it was written: a conventional type (``fix(api):``),
    a bracketed one (``[Refactor] ...``, ``[Fix-1234]``) or a leading gitmoji. None when there is none
    or it says little (a chore that is not tooling, a bracket that is a ticket key like ``[HBASE-12]``).
    The training script labels its examples with this same function (training/train_classifier.py)."""
    g = _GITMOJI.match(subject)
    if g:
        code = g.group(1) or g.group(2)
        bucket = GITMOJI.get(code)
        if bucket:
            return bucket, f"gitmoji {code if g.group(2) else f':{code}:'}"
        subject = subject[g.end() :]  # an emoji that is no type may stand before one ("🚀 feat: launch")
    m, form = _CONVENTIONAL.match(subject), "conventional commit type"
    if not m:
        m, form = _BRACKET.match(subject), "bracketed type"
    if not m:
        return None
    kind = m.group(1).lower()
    if kind == "chore" and not CHORE_TOOLING.search(subject.lower()):
        return None  # a chore that is not tooling says little
    found = CONVENTIONAL.get(kind) or EXTRA_TYPES.get(kind)
    return (found, f"{form} '{kind}'") if found else None


def _typed(message: str) -> Classified | None:
    """The bucket the author's type gives (:func:`author_type`), or None when there is no (useful) type."""
    found = author_type(_subject(message))
    return Classified(found[0], 0.95, found[1], "type") if found else None


def rules(message: str, paths: Sequence[str] = (), added: int = 0, deleted: int = 0) -> Classified:
    """Today's hand-written rules alone (a conventional type still decides): the floor the model must beat."""
    typed = _typed(message)
    if typed:
        return typed
    subject = _subject(message)
    votes = dict.fromkeys(CATEGORIES, 0.0)
    reasons: dict[str, list[str]] = {c: [] for c in CATEGORIES}
    words = re.findall(r"[a-z]+", _TICKET.sub("", _CONVENTIONAL.sub("", subject)).lower())
    if words:
        for category, stems in LEADING.items():
            if words[0].startswith(stems):
                votes[category] += 3.0
                reasons[category].append(f"starts with '{words[0]}'")
                break
    for word in set(re.findall(r"[a-z]+", message.lower())):
        for category, stems in WORDS.items():
            if word.startswith(stems) and (len(word) <= len(max(stems, key=len)) + 4):
                votes[category] += 1.0
                reasons[category].append(f"'{word}'")
    path_vote = _paths(paths)
    if path_vote:
        votes[path_vote[0]] += 2.5
        reasons[path_vote[0]].append(path_vote[1])
    if added + deleted > 0 and added > 4 * max(deleted, 1) and added >= 50:
        votes["feature"] += 0.5
        reasons["feature"].append(f"+{added}/-{deleted} lines")
    best = max(CATEGORIES, key=lambda c: (votes[c], -CATEGORIES.index(c)))
    total = sum(votes.values())
    if total == 0:
        return Classified("other", 0.2, NO_SIGNAL)
    return Classified(best, round(min(0.9, votes[best] / total), 2), "; ".join(reasons[best][:4]))


def _subject(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else ""


def _paths(paths: Sequence[str]) -> tuple[str, str] | None:
    """A vote when every changed path is of one kind: tests, docs, or CI/build/dependency files."""
    if not paths:
        return None
    names = [str(PurePosixPath(p)) for p in paths]
    for category, pattern, what in (
        ("debt", TEST_PATH, "tests"),
        ("other", DOC_PATH, "docs"),
        ("infra", INFRA_PATH, "build/CI/dependency files"),
    ):
        if all(pattern.search(n) for n in names):
            return category, f"only {what} changed"
    return None
