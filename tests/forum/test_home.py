"""Home on a repository with no records: what cannot be judged reads unknown, with what to set up,
never a reassuring 0; on the demo, the same counts are numbers."""

from __future__ import annotations

import html
import re
from pathlib import Path

from tests.conftest import Repo

from cpto.forum.views import Forum
from cpto.workspace import load_workspace


def facts(page: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"\s+", " ", text)


def test_home_without_records_says_unknown_not_zero(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "svc")
    repo.path.mkdir()
    repo.git("init", "-q")
    repo.commit("first", {"app.py": "x = 1\n"})
    page = facts(Forum(load_workspace(repo.path), commit=False).home())
    assert "decisions past SLA unknown: no decision records" in page
    assert "incidents in the last 7 days unknown: no incident records" in page
    assert "requirements at risk unknown: no PRDs" in page
    assert "stop cords open 0" in page  # none pulled is a fact, not a gap
    assert "all clear" not in page and "nothing among what could be judged" in page


def test_home_on_the_demo_counts(demo: Path) -> None:
    page = facts(Forum(load_workspace(demo), commit=False).home())
    assert re.search(r"decisions past SLA \d+", page)
    assert re.search(r"requirements at risk \d+", page)
    assert "unknown: no decision records" not in page
