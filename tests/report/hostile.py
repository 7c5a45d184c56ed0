"""The hostile strings of hostile.txt, for the tests that feed them to every renderer and command."""

from __future__ import annotations

import codecs
from pathlib import Path

CORPUS = Path(__file__).with_name("hostile.txt")


def hostile_strings() -> list[str]:
    """Each string of the corpus, escapes decoded."""
    out = []
    for line in CORPUS.read_text(encoding="ascii").splitlines():
        if line.strip() and not line.startswith("# ") and line != "#":
            out.append(codecs.decode(line, "unicode_escape"))
    return out
