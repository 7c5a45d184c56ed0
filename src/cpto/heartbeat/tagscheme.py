"""Which tags of a repository mark releases: read the scheme from the tag names themselves.

A repository that tags ``9.1.1`` never matches the default ``[deploys] tags = "v*"``, and every delivery
number would read as "no deploys". Rather than report zero, the heartbeat (and ``cpto init``) name the
pattern the repository's own tags follow, so the fix is one line of cpto.toml.
"""

from __future__ import annotations

import re
from collections import Counter
from fnmatch import fnmatchcase

# a release-like tag: an optional prefix without digits (v, release-, rel/, pkg@), then 1.2 or 1.2.3...
_VERSION = re.compile(r"^(?P<prefix>[^\d]*?)\d+(?:\.\d+)+(?:[-+._a-zA-Z0-9]*)$")


def suggest_tag_pattern(tag_names: list[str]) -> str | None:
    """The ``[deploys] tags`` glob most of the release-like tags follow, or None when no tag looks like a
    release (a version number of two or more parts, after an optional prefix without digits).

    The prefix is kept literally and followed by ``[0-9]*``, so ``9.1.1`` gives ``[0-9]*``, ``v1.2.0``
    gives ``v[0-9]*`` and ``release-2.3`` gives ``release-[0-9]*``; the commonest prefix wins, ties go
    to the shorter one. Other tags (``nightly``, ``docs-build``) are ignored.
    """
    prefixes: Counter[str] = Counter()
    for name in tag_names:
        m = _VERSION.match(name.strip())
        if m:
            prefixes[m.group("prefix")] += 1
    if not prefixes:
        return None
    prefix = min(prefixes, key=lambda p: (-prefixes[p], len(p), p))
    return f"{_glob_literal(prefix)}[0-9]*"


def matching(tag_names: list[str], pattern: str) -> list[str]:
    """The tags ``pattern`` matches, as ``[deploys] tags`` matches them (case-sensitive glob)."""
    return [name for name in tag_names if fnmatchcase(name, pattern)]


def _glob_literal(text: str) -> str:
    """``text`` with the glob's special characters bracketed, so it matches only itself."""
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in text)


def release_pattern(tag_names: list[str], base: str) -> str:
    """``base`` (``[0-9]*``, ``v[0-9]*``: the prefix and any version) narrowed to the glob that best
    separates plain releases (``9.1.1``) from pre-releases (``9.2.0.dev0``, ``8.0.0rc1``, ``24.1a1``).

    Pre-releases are not deploys to users, and a ``.dev0`` tag on the main branch would make every
    commit before it look shipped. A glob cannot say "digits only", so each candidate is scored by the
    releases it misses plus the other tags it takes in, and the broadest of the best wins: ``v[0-9]*``
    stays as it is when there is nothing to leave out; ``[0-9]*`` becomes ``[0-9]*.[0-9]`` (ends with a
    dot and one digit) for pytest, black and httpx, at the cost of pytest's 4.6.10 and 4.6.11.
    """
    prefix = _literal_prefix(base)
    if prefix is None:
        return base
    releases = set(plain_releases(tag_names, base))
    candidates = [base, *(base.removesuffix("[0-9]*") + end for end in ENDS)]

    def cost(pattern: str) -> int:
        return sum((t in releases) != fnmatchcase(t, pattern) for t in tag_names if fnmatchcase(t, base))

    return min(candidates, key=cost)  # min keeps the first (broadest) of equal costs


# after the prefix: ends with a digit; with a dot and one digit; with a dot and two digits
ENDS = ("[0-9]*[0-9]", "[0-9]*.[0-9]", "[0-9]*.[0-9][0-9]")


def _literal_prefix(base: str) -> str | None:
    """The literal prefix of a ``PREFIX[0-9]*`` glob (``[*]`` back to ``*``), None for any other shape."""
    if not base.endswith("[0-9]*"):
        return None
    return re.sub(r"\[(.)\]", r"\1", base.removesuffix("[0-9]*"))


def plain_releases(tag_names: list[str], base: str) -> list[str]:
    """Tags that are the scheme's prefix and a plain version number (``v1.2.3``), in the given order."""
    prefix = _literal_prefix(base)
    if prefix is None:
        return []
    plain = re.compile(re.escape(prefix) + r"\d+(?:\.\d+)+")
    return [t for t in tag_names if plain.fullmatch(t)]
