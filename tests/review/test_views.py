"""The product review read where it is read: a pipe at 80 columns, a wide terminal, Markdown, HTML, JSON.

The review is built by hand from the trace dataclasses and rendered by the real renderers, so these tests
see what a reader sees.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from rich.console import Console

from cpto.report import Report
from cpto.report.render import render_html, render_json, render_markdown, render_terminal
from cpto.review.corpus import CommitDoc
from cpto.review.prd import Prd, Requirement
from cpto.review.trace import (
    DEFERRED,
    DROPPED,
    IN_PROGRESS,
    NOT_STARTED,
    SHIPPED,
    UNCLEAR,
    AreaWork,
    Effort,
    Link,
    RequirementTrace,
    TraceResult,
)
from cpto.review.views import STATUS_LABEL, review_report

TODAY = date(2026, 12, 5)
HOSTILE_TITLE = "Pay with [bold]cards[/bold] | wallets"
HOSTILE_REST = "Shoppers see <script>alert(1)</script> never; *stars* and _lines_ stay text."
LONG_TEXT = (
    "The order summary shows the tax for every line and the total tax before the shopper is asked to"
    " pay, in the shopper's currency, rounded the way the tax office of the shopper's country rounds it."
)
SHA = "1f9160f916aa00112233445566778899aabbccdd"
OLD_SHA = "0000aaaabbbbccccddddeeeeffff000011112222"
PRD_TEXT = "---\ntitle: Checkout v2\ntarget: 2026-12-15\n---\n# Checkout v2\n"


def requirement(prd: Path, rid: str, title: str, text: str, line: int) -> Requirement:
    return Requirement(id=rid, title=title, text=text, path=prd, line=line, shape="heading")


def traced(prd: Path, *, repos: tuple[str, str] = ("api", "api")) -> TraceResult:
    """Six requirements, one per status, with every kind of link and work from before the PRD."""
    day = datetime(2026, 10, 5, tzinfo=UTC)
    effort = Effort(commits=3, lines=84, people=("dana",), first=datetime(2026, 9, 1, tzinfo=UTC), last=day)
    links = [
        Link("commit", SHA, 1.4, True, True, "message names CHK-1", repo=repos[0]),
        Link("pr", "#12", 1.2, True, True, "PR title names CHK-1", repo=repos[1]),
        Link(
            "file", "api/checkout/guest.py", 0.4, True, False, "shared terms: guest, checkout", repo=repos[0]
        ),
        Link("file", "api/unlinked.py", 0.01, False, False, "shared terms: guest", repo=repos[0]),
    ]
    before = [Link("commit", OLD_SHA, 0.5, False, False, "shared terms: card, pay", repo=repos[0])]
    rows = [
        RequirementTrace(
            requirement(prd, "CHK-1", HOSTILE_TITLE, f"{HOSTILE_TITLE} {HOSTILE_REST}", 7),
            str(prd),
            links,
            status=SHIPPED,
            reason="in v1.1.0, with tests",
            effort=effort,
            release="v1.1.0",
            confidence="high",
            before=before,
        ),
        RequirementTrace(
            requirement(prd, "CHK-5", "Taxes before payment", f"Taxes before payment {LONG_TEXT}", 12),
            str(prd),
            [],
            status=IN_PROGRESS,
            reason="no tests",
        ),
        RequirementTrace(
            requirement(prd, "CHK-4", "Wallets", "Wallets", 15), str(prd), [], status=UNCLEAR, reason="weak"
        ),
        RequirementTrace(
            requirement(prd, "CHK-6", "Reorder", "Reorder", 17),
            str(prd),
            [],
            status=NOT_STARTED,
            reason="none",
        ),
        RequirementTrace(
            requirement(prd, "CHK-8", "Gift cards", "Gift cards", 19), str(prd), [], status=DEFERRED
        ),
        RequirementTrace(requirement(prd, "CHK-9", "Crypto", "Crypto", 21), str(prd), [], status=DROPPED),
    ]
    commit = CommitDoc("abc", "chore: bump | [red]deps[/red]", "dana", "d@x", day, 3, 1, ("web/a.ts",))
    area = AreaWork("web", [commit], Effort(commits=1, lines=4, people=("dana",), first=day, last=day))
    return TraceResult(
        requirements=rows,
        unplanned=[commit],
        unplanned_areas=[area],
        since=datetime(2026, 8, 25, tzinfo=UTC),
        subjects={
            SHA: "feat(checkout): guest <b>checkout</b> (CHK-1)",
            "#12": "Guest checkout",
            OLD_SHA: "old",
        },
        warnings=[f"{prd}: requirement on line 3 has no text"],
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    prd = tmp_path / "acme" / "docs" / "prd" / "checkout.md"
    prd.parent.mkdir(parents=True)
    prd.write_text(PRD_TEXT)
    return tmp_path / "acme"


def report_for(workspace: Path, **kwargs: object) -> Report:
    result = traced(workspace / "docs" / "prd" / "checkout.md", **kwargs)  # type: ignore[arg-type]
    return review_report(result, repo=str(workspace), root=workspace, today=TODAY)


def terminal(report: Report, width: int, *, colour: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(
        width=width, file=buffer, force_terminal=colour, color_system="standard" if colour else None
    )
    render_terminal(report, console)
    return buffer.getvalue()


def flat(text: str) -> str:
    """Text with its wrapping and indentation folded into single spaces."""
    return " ".join(text.split())


def split_words(out: str, words: list[str]) -> list[str]:
    """The words broken across two lines (``shipp`` / ``ed``)."""
    lines = [line.strip() for line in out.splitlines()]
    broken = []
    for above, below in itertools.pairwise(lines):
        if not above or not below:
            continue
        tail, head = above.split()[-1], below.split()[0]
        broken += [w for w in words if tail != w and w.startswith(tail) and head.startswith(w[len(tail) :])]
    return broken


LABEL_WORDS = sorted({word for label in STATUS_LABEL.values() for word in label.split()})


def test_a_pipe_at_80_columns_gets_one_block_per_requirement(workspace: Path) -> None:
    out = terminal(report_for(workspace), 80)
    assert max(len(line) for line in out.splitlines()) <= 80
    assert not [line for line in out.splitlines() if line != line.rstrip()]  # no tails of spaces
    assert split_words(out, LABEL_WORDS) == []
    assert "commits   lines" not in out  # not the wide table
    assert re.search(r"^CHK-1  shipped  in v1\.1\.0 · high confidence$", out, re.MULTILINE)
    for label in STATUS_LABEL.values():
        assert label in out
    text = flat(out)
    assert f"{HOSTILE_TITLE}: {HOSTILE_REST}" in text  # whole, and Rich markup shown as written
    assert f"Taxes before payment: {LONG_TEXT}" in text
    assert "why: in v1.1.0, with tests" in text
    assert "PR #12: Guest checkout — PR title names CHK-1" in text
    assert "1f9160f feat(checkout): guest <b>checkout</b> (CHK-1) — message names CHK-1" in text
    assert "api/unlinked.py" not in text  # candidates that are not linked are not evidence
    assert "existed before this PRD: 0000aaa old" in text
    assert "effort: 3 commits, 84 lines, 1 person, 2026-09-01 to 2026-10-05" in text
    assert "chore: bump | [red]deps[/red]" in text


def test_evidence_is_in_order_pull_requests_first_then_commits_then_files(workspace: Path) -> None:
    text = flat(terminal(report_for(workspace), 80))
    assert text.index("PR #12") < text.index("1f9160f") < text.index("api/checkout/guest.py")


def test_statuses_are_coloured_in_a_terminal(workspace: Path) -> None:
    out = terminal(report_for(workspace), 80, colour=True)
    for label, colour in (
        ("shipped", "32"),
        ("in progress", "33"),
        ("unclear", "35"),
        ("not started", "31"),
        ("deferred", "34"),
        ("dropped", "2"),
    ):
        assert re.search(rf"\x1b\[{colour}m{label}\x1b\[0m", out), label


def test_a_wide_terminal_keeps_the_tables_with_whole_words(workspace: Path) -> None:
    out = terminal(report_for(workspace), 160)
    assert "commits" in out and "why linked" in out  # the requirement and evidence tables
    assert split_words(out, LABEL_WORDS) == []
    assert "in progress" in out and "not started" in out
    assert "[bold]cards[/bold]" in out
    assert "commit, before the PRD" in out


def test_paths_are_relative_to_the_workspace(workspace: Path) -> None:
    report = report_for(workspace)
    for out in (terminal(report, 80), terminal(report, 160), render_markdown(report), render_html(report)):
        assert str(workspace) not in out
        assert "docs/prd/checkout.md" in out
    assert report.subtitle == "docs/prd/checkout.md against acme"
    assert report.notes == ["docs/prd/checkout.md: requirement on line 3 has no text"]


def test_each_prd_against_its_target_date_from_its_front_matter(workspace: Path) -> None:
    text = flat(terminal(report_for(workspace), 80))
    assert "Checkout v2 target 2026-12-15 in 10 days" in text
    # deferred and dropped are decisions, not work left: 1 of the 4 still planned is shipped
    assert (
        "status: 1 of 4 shipped (25-50%), 1 in progress, 1 unclear, 1 not started, 1 deferred, 1 dropped"
        in text
    )


def test_prds_given_by_the_caller_win_over_reading_the_files(tmp_path: Path) -> None:
    prd = tmp_path / "gone.md"  # never written: nothing is read
    result = traced(prd)
    given = Prd(path=prd, title="Given", owner=None, status=None, target="2026-12-01", requirements=[])
    report = review_report(result, repo=str(tmp_path), root=tmp_path, prds=[given], today=TODAY)
    assert "Given target 2026-12-01 4 days ago" in flat(terminal(report, 80))
    bare = review_report(result, repo=str(tmp_path), root=tmp_path, today=TODAY)
    assert "target" not in flat(terminal(bare, 80)).split("Requirements")[0]


def test_markdown_keeps_requirement_text_whole_and_escaped(workspace: Path) -> None:
    out = render_markdown(report_for(workspace))
    assert f"Taxes before payment: {LONG_TEXT}" in out
    assert "Pay with \\[bold\\]cards\\[/bold\\] \\| wallets" in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "<script>" not in out
    assert "\\*stars\\* and \\_lines\\_" in out
    row = next(line for line in out.splitlines() if line.startswith("| CHK-1 |"))
    header = next(line for line in out.splitlines() if line.startswith("| id | requirement |"))
    cells = re.compile(r"(?<!\\)\|")
    assert len(cells.findall(row)) == len(cells.findall(header))  # a | in the text breaks no cell
    assert "<b>" not in out and "&lt;b&gt;checkout&lt;/b&gt;" in out
    assert "| CHK-1 | Pay with" in out and "| shipped |" in out and "| v1.1.0 | high |" in out


def test_html_keeps_requirement_text_whole_and_escaped(workspace: Path) -> None:
    out = render_html(report_for(workspace))
    assert "<script>alert" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert LONG_TEXT.replace("'", "&#x27;") in out
    assert '<span class="tag good">shipped</span>' in out
    assert '<section class="wide">' in out and '<section class="narrow">' in out
    assert "PR #12: Guest checkout" in out
    assert "&lt;b&gt;checkout&lt;/b&gt;" in out


def test_evidence_names_its_repository_when_the_review_spans_several(workspace: Path) -> None:
    many = flat(terminal(report_for(workspace, repos=("api", "web")), 80))
    assert "api: 1f9160f" in many and "web: PR #12: Guest checkout" in many
    one = flat(terminal(report_for(workspace), 80))
    assert "api: 1f9160f" not in one and "- 1f9160f" in one


def test_json_adds_release_confidence_and_earlier_work_and_keeps_the_contract(workspace: Path) -> None:
    data = json.loads(render_json(report_for(workspace)))
    first = data["requirements"][0]
    assert first["release"] == "v1.1.0" and first["confidence"] == "high"
    assert first["before"][0]["ref"] == OLD_SHA
    for key in (
        "id",
        "title",
        "text",
        "status",
        "links",
        "reason",
        "prd",
        "line",
        "effort",
        "tests",
        "releases",
    ):
        assert key in first
    assert first["text"] == f"{HOSTILE_TITLE} {HOSTILE_REST}"
    assert set(first["links"][0]) == {"kind", "ref", "score", "linked", "explicit", "why"}
    assert first["prd"] == str(workspace / "docs" / "prd" / "checkout.md")  # scripts keep the real path


def test_json_links_name_their_repository_only_when_the_review_spans_several(workspace: Path) -> None:
    result = traced(workspace / "docs" / "prd" / "checkout.md", repos=("api", "web"))
    data = json.loads(render_json(review_report(result, repo=str(workspace), root=workspace, today=TODAY)))
    links = data["requirements"][0]["links"]
    assert [link["repo"] for link in links[:2]] == ["api", "web"]


def test_a_repository_outside_the_workspace_goes_by_its_name(tmp_path: Path) -> None:
    prd = tmp_path / "ws" / "prd.md"
    report = review_report(traced(prd), repo="/elsewhere/src/api", root=tmp_path / "ws", today=TODAY)
    assert report.subtitle == "prd.md against api"


def test_a_branch_merged_without_a_pr_number_goes_by_its_merge_commit(tmp_path: Path) -> None:
    result = traced(tmp_path / "prd.md")
    merge = "e419d50fd2" + "0" * 30
    result.requirements[0].links.insert(0, Link("pr", merge, 2.0, True, True, "branch feature/x", repo="api"))
    result.subjects[merge] = "feature/x"
    report = review_report(result, repo=str(tmp_path), root=tmp_path, today=TODAY)
    assert "- merge e419d50: feature/x — branch feature/x" in terminal(report, 80)
