"""``cpto site DIR`` over the demo: every page written, every link inside the site leads to a written file
and anchor, nothing points at a server or the internet's scripts, the CLI's numbers, re-runs, and a
foreign folder refused untouched; then the site opened from file:// in chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from tests.forum.conftest import build_demo
from typer.testing import CliRunner

from cpto.cli import app as cli
from cpto.errors import CptoError
from cpto.forum.site import MARKER

CHROMIUM = Path("/usr/bin/chromium")
FIXED = (
    "index.html",
    "review.html",
    "roadmap.html",
    "heartbeat.html",
    "incidents.html",
    "decisions.html",
    "strategy.html",
    "people.html",
)


class _Links(HTMLParser):
    """Every href and src of a page, and every id it defines."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.ids: set[str] = set()
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.refs.append(value)
            if name == "id" and value is not None:
                self.ids.add(value)


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _site(demo: Path, folder: Path, *args: str) -> tuple[int, str]:
    """``cpto site`` in-process: its exit code and what it said (a CptoError is its one line)."""
    result = CliRunner().invoke(cli, ["site", str(folder), "-w", str(demo), *args])
    if isinstance(result.exception, CptoError):
        return 2, result.exception.message
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def site(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site") / "out"
    code, output = _site(demo, folder, "--weeks", "3")
    assert code == 0, output
    pages = len(FIXED) + 3  # the fixed pages and one heartbeat per asked week
    assert f"wrote {pages} pages to {folder}; open {folder / 'index.html'}" in output
    return folder


def test_the_site_has_every_page_and_the_asked_weeks(site: Path) -> None:
    names = {p.name for p in site.iterdir()}
    weeks = sorted(n for n in names if n.startswith("heartbeat-"))
    assert set(FIXED) <= names and MARKER in names
    assert len(weeks) == 3 and all(n.endswith(".html") for n in weeks)
    for name in FIXED + tuple(weeks):
        assert "data read 20" in (site / name).read_text(), name
    newest = weeks[-1].removeprefix("heartbeat-").removesuffix(".html")
    assert f"Heartbeat {newest}" in (site / "heartbeat.html").read_text()  # the last full week


def test_every_link_inside_the_site_resolves_and_nothing_needs_a_server(site: Path) -> None:
    pages = {p.name: _parse(p) for p in site.glob("*.html")}
    inside = 0
    for name, page in pages.items():
        text = (site / name).read_text()
        assert "<form" not in text and "<script" not in text, name
        assert not page.tags & {"script", "link", "iframe", "img", "form"}, name
        for ref in page.refs:
            assert not ref.startswith("/"), (name, ref)
            assert not ref.startswith("http://127") and "localhost" not in ref, (name, ref)
            if ref.startswith("https://"):
                assert ref.startswith("https://github.com/acme/shop/"), (name, ref)  # evidence on the forge
                continue
            target, _, anchor = ref.partition("#")
            target = target or name
            assert target in pages, (name, ref)
            if anchor:
                assert anchor in pages[target].ids, (name, ref)
            inside += 1
    assert inside > 7 * len(pages)  # the navigation bar at least, on every page
    weeks = sorted(n for n in pages if n.startswith("heartbeat-"))
    for week in weeks:  # each week reaches every other without the server's picker
        assert set(weeks) - {week} <= set(pages[week].refs), week
    assert set(weeks[:-1]) <= set(pages["heartbeat.html"].refs)  # all but itself, the newest


def _cli_json(demo: Path, *args: str) -> dict[str, object]:
    result = CliRunner().invoke(cli, [*args, "--workspace", str(demo), "--json"])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def test_pages_show_the_cli_numbers(site: Path, demo: Path) -> None:
    review = _cli_json(demo, "review")
    page = (site / "review.html").read_text()
    requirements = review["requirements"]
    assert isinstance(requirements, list) and requirements
    for r in requirements:
        assert f'id="{r["id"]}"' in page
    shipped = sum(1 for r in requirements if r["status"] == "shipped")
    assert shipped > 0 and page.count('<span class="tag good">shipped</span>') >= shipped
    assert "Evidence and verdicts" not in page and "<h2>Evidence</h2>" in page
    decisions = _cli_json(demo, "decision", "list")["decisions"]
    assert isinstance(decisions, list) and decisions
    text = (site / "decisions.html").read_text()
    for d in decisions:
        assert f"<td >{d['id']}</td>" in text
    assert '<a href="heartbeat.html">stop cord: ALARM-1' in (site / "index.html").read_text()


def test_rerun_updates_the_site_and_drops_weeks_it_no_longer_writes(demo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "site"
    assert _site(demo, folder, "--weeks", "3")[0] == 0
    first = sorted(p.name for p in folder.glob("heartbeat-*.html"))
    (folder / "index.html").write_text("stale")
    code, output = _site(demo, folder, "--weeks", "1")
    assert code == 0, output
    assert "what needs attention" in (folder / "index.html").read_text()
    assert sorted(p.name for p in folder.glob("heartbeat-*.html")) == first[-1:]
    assert f"wrote {len(FIXED) + 1} pages" in output


def test_a_foreign_folder_is_refused_untouched(demo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "index.html").write_text("mine")
    run = subprocess.run(
        [sys.executable, "-m", "cpto", "site", str(folder), "-w", str(demo)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert run.stderr.startswith("cpto: error: ") and run.stderr.count("\n") == 1, run.stderr
    assert "not a cpto site" in run.stderr and str(folder) in run.stderr and run.stdout == ""
    assert [p.name for p in folder.iterdir()] == ["index.html"]
    assert (folder / "index.html").read_text() == "mine"
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    code, output = _site(demo, afile)
    assert code == 2 and "not a folder" in output and afile.read_text() == "x"
    code, output = _site(demo, tmp_path / "w", "--weeks", "0")
    assert code == 2 and "--weeks 0" in output and not (tmp_path / "w").exists()


def test_a_link_out_of_the_site_folder_is_not_written_through(demo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "site"
    assert _site(demo, folder, "--weeks", "1")[0] == 0
    outside = tmp_path / "victim.txt"
    outside.write_text("keep")
    (folder / "people.html").unlink()
    (folder / "people.html").symlink_to(outside)
    code, output = _site(demo, folder, "--weeks", "1")
    assert code == 2 and "outside" in output
    assert outside.read_text() == "keep"


def test_a_script_in_a_prd_title_is_text_on_the_site(tmp_path: Path) -> None:
    demo = build_demo(tmp_path / "acme")
    (demo / "docs" / "prd" / "evil.md").write_text(
        "---\ntitle: <script>alert(1)</script>\ntarget: 2026-12-01\n---\n# Evil\n\n"
        "## Requirements\n- EVL-1: <script>alert(2)</script> shows nothing\n"
    )
    folder = tmp_path / "site"
    code, output = _site(demo, folder, "--weeks", "1")
    assert code == 0, output
    for page in folder.glob("*.html"):
        assert "<script" not in page.read_text(), page.name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (folder / "review.html").read_text()


@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (`make browser` installs it)"
)
def test_a_leader_opens_the_site_from_the_folder_and_clicks_through(site: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright
    from tests.forum.test_browser import ARGS

    copy = tmp_path / "attached"  # as received: a copy of the folder, away from the workspace
    shutil.copytree(site, copy)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.goto((copy / "index.html").as_uri())
        assert "what needs attention" in page.content() and "ALARM-1" in page.content()
        page.click("nav >> text=Product review")
        page.wait_for_url((copy / "review.html").as_uri())
        assert page.locator("form").count() == 0
        assert page.locator('.block[id^="CHK-"]').count() > 0
        page.click("nav >> text=Heartbeat")
        page.wait_for_url((copy / "heartbeat.html").as_uri())
        page.locator("p.weeks a").first.click()
        assert page.url.startswith((copy / "heartbeat-").as_uri()) and "Heartbeat 20" in page.content()
        browser.close()
