"""The forum is live: a commit, a new record or a verdict shows on the next page load(s), and every page
says when its data was read (a kept page the time it was read, not the time it was served)."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from tests.forum.conftest import BASE, TOKEN, build_demo

from cpto.forum.app import create_app
from cpto.forum.views import Forum
from cpto.workspace import load_workspace

READ = re.compile(r"data read (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return build_demo(tmp_path / "acme")


def test_a_commit_shows_on_the_next_loads_and_the_wait_is_said(demo: Path) -> None:
    with TestClient(create_app(load_workspace(demo), TOKEN), base_url=BASE) as client:
        client.cookies.set("cpto_token", TOKEN)
        before = client.get("/review").text
        rid = re.findall(r'<div class="block" id="([^"]+)">', before)[0]
        (demo / "live.txt").write_text("live\n")
        _git(demo, "add", "live.txt")
        _git(demo, "commit", "-q", "-m", f"{rid}: live forum check")
        sha = _git(demo, "rev-parse", "HEAD").strip()
        assert sha not in before
        first = client.get("/review").text
        # either drawn from the new index at once, or the last complete page saying it is re-indexing
        assert sha in first or "re-indexing: the repositories changed at" in first
        if sha not in first:
            assert READ.search(first) and READ.search(first).group(1) == READ.search(before).group(1)  # type: ignore[union-attr]
        for _ in range(60):
            page = client.get("/review").text
            if sha in page:
                break
            time.sleep(0.5)
        assert sha in page, "the commit never showed on the review page"
        assert "re-indexing" not in page


def test_a_new_decision_shows_on_the_next_load(demo: Path) -> None:
    with TestClient(create_app(load_workspace(demo), TOKEN), base_url=BASE) as client:
        client.cookies.set("cpto_token", TOKEN)
        assert "D-0999" not in client.get("/decisions").text
        source = sorted((demo / "decisions").glob("0001-*.md"))[0].read_text()
        new = source.replace("id: D-0001", "id: D-0999").replace(
            "Use Stripe as the card vault", "Live record check"
        )
        (demo / "decisions" / "0999-live-record-check.md").write_text(new)
        page = client.get("/decisions").text
        assert "D-0999" in page and "Live record check" in page


def test_a_verdict_invalidates_the_kept_review(demo: Path) -> None:
    forum = Forum(load_workspace(demo), commit=False)  # as the static site draws: no thread
    page = forum.review()
    found = re.search(
        r'name="prd" value="([^"]+)"><input type="hidden" name="requirement" value="([^"]+)">'
        r'<input type="hidden" name="ref" value="([0-9a-f]{40})">',
        page,
    )
    assert found, "no commit candidate offered for a verdict"
    prd, rid, ref = found.groups()
    linked = f"commit {ref[:7]}"
    assert forum.review() == page  # kept: the same page, the same read time
    forum.write_verdict(prd, rid, ref, "confirm")
    after = forum.review()
    assert after != page
    block = after.split(f'id="{rid}">', 1)[1].split("</div>", 1)[0]
    assert re.search(rf"commit {ref[:7]}\w* \(linked\)", block), (linked, block)


def test_a_kept_page_says_when_its_data_was_read_not_when_served(demo: Path) -> None:
    forum = Forum(load_workspace(demo), commit=False)
    first = forum.people()
    read = READ.search(first)
    assert read, "the page does not say when its data was read"
    time.sleep(1.1)
    again = forum.people()
    assert READ.search(again).group(1) == read.group(1)  # type: ignore[union-attr]
    (demo / "people.yaml").write_text((demo / "people.yaml").read_text() + "\n")  # a records change
    fresh = forum.people()
    assert READ.search(fresh).group(1) > read.group(1)  # type: ignore[union-attr]
