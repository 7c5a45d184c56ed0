"""The product review drills down: its status counts link to the requirements, its evidence to GitHub
when the repository's remote is there (the demo's origin is github.com/acme/shop)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from tests.report.html_links import Page

from cpto.cli.history import run_index
from cpto.forum.pages import workspace_review
from cpto.history import store
from cpto.history.forge import forge_url, workspace_remotes
from cpto.report import Link, Report, render_text
from cpto.review.trace import Link as Evidence
from cpto.review.views import review_report
from cpto.workspace import load_workspace


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Report]:
    folder = tmp_path_factory.mktemp("reviewlinks") / "acme"
    subprocess.run([sys.executable, "-m", "cpto", "demo", str(folder)], check=True, capture_output=True)
    config = load_workspace(folder)
    remotes = workspace_remotes(config)
    run_index(config.index_path, config.repos, jobs=None, quiet=True)
    with store.open_index(config.index_path, read_only=True) as con:
        result, prds = workspace_review(con, config)

    def forge(item: Evidence) -> str:
        return forge_url(item, remotes)

    repo = ", ".join(str(r) for r in config.repos)
    plain = review_report(result, repo=repo, root=config.root, prds=prds)
    return plain, review_report(result, repo=repo, root=config.root, prds=prds, forge=forge)


def test_status_counts_link_to_the_requirements_on_the_page(reports: tuple[Report, Report]) -> None:
    _, linked = reports
    facts = dict(linked.facts)
    assert isinstance(facts["shipped"], Link) and facts["shipped"].href == "#requirements"
    page = Page()
    page.feed(render_text(linked, "html"))
    inner = [h for h in page.hrefs if h.startswith("#")]
    assert "#requirements" in inner and "#unplanned" in inner
    assert all(h[1:] in page.ids for h in inner) and len(page.ids) == len(set(page.ids))


def test_evidence_links_to_github_and_nothing_changes_without_a_forge(reports: tuple[Report, Report]) -> None:
    plain, linked = reports
    page = Page()
    page.feed(render_text(linked, "html"))
    forge = [h for h in page.hrefs if h.startswith("https://")]
    assert forge and all(h.startswith("https://github.com/acme/shop/") for h in forge)
    assert 'href="https:' not in render_text(plain, "html")
    assert render_text(plain, "json") == render_text(linked, "json")
    assert render_text(plain, "markdown").replace("](#", "") == render_text(plain, "markdown")
