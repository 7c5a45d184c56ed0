"""The heartbeat over the demo drills down: every figure links to a section of the same page listing
what it was computed from, and the changes link to GitHub (the demo's origin is github.com/acme/shop)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from tests.report.html_links import Page

from cpto.cli.history import run_index
from cpto.heartbeat.views import heartbeat_report
from cpto.heartbeat.week import week_start, workspace_heartbeat
from cpto.history import store
from cpto.history.forge import forge_url, workspace_remotes
from cpto.report import Report, render_text
from cpto.review.trace import Link as Evidence
from cpto.workspace import load_workspace


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("drill") / "acme"
    subprocess.run([sys.executable, "-m", "cpto", "demo", str(folder)], check=True, capture_output=True)
    return folder


NOW = datetime.now().astimezone()


def week45(demo: Path, linked: bool) -> Report:
    config = load_workspace(demo)
    remotes = workspace_remotes(config)
    now = NOW.astimezone(config.zone)
    run_index(config.index_path, [config.repos[0]], jobs=None, quiet=True)
    with store.open_index(config.index_path, read_only=True) as con:
        beat = workspace_heartbeat(con, config, week_start("2026-W45", now.date(), config.zone), now=now)

    def forge(item: Evidence) -> str:
        return forge_url(item, remotes)

    return heartbeat_report(beat, config.name, now, forge=forge if linked else None)


def test_every_figure_links_to_a_section_of_the_same_page(demo: Path) -> None:
    page = Page(charts=False)
    page.feed(render_text(week45(demo, linked=True), "html"))
    inner = [h for h in page.hrefs if h.startswith("#")]
    assert len(page.ids) == len(set(page.ids))
    assert {"#deploys", "#lead-time-changes", "#delivery-incidents", "#incidents", "#stop-cords"} <= set(
        inner
    )
    missing = [h for h in inner if h[1:] not in page.ids]
    assert not missing, missing


def test_the_basis_sections_list_the_deploys_changes_and_incidents(demo: Path) -> None:
    report = week45(demo, linked=True)
    sections = {t.anchor: t for t in report.tables}
    deploys = sections["deploys"]
    assert [row[0] for row in deploys.rows] == ["v1.5.0", "v1.5.1"]
    assert ["INC-3", "v1.5.0", "named this deploy as its cause (change fail rate)"] in sections[
        "delivery-incidents"
    ].rows
    changes = sections["lead-time-changes"]
    metric = report.data["delivery"]["metrics"]["change_lead_time"]
    assert len(changes.rows) == len(metric["commits"])  # every change the median was taken over
    hrefs = [cell.href for row in changes.rows for cell in row if hasattr(cell, "href")]
    assert hrefs and all(h.startswith("https://github.com/acme/shop/commit/") for h in hrefs)


def test_without_a_forge_terminal_markdown_and_json_read_as_before(demo: Path) -> None:
    plain, linked = week45(demo, linked=False), week45(demo, linked=True)
    markdown = render_text(linked, "markdown")
    assert (
        "github.com" not in markdown
        and "](#" not in markdown
        and "Changes behind the lead time" not in markdown
    )
    assert render_text(plain, "json") == render_text(linked, "json")
    assert "github.com" not in render_text(plain, "html")
