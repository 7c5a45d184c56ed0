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
