"""People's verdicts on the review: the file format, the byte-preserving edits, and what the review does
with them (apply_verdicts, verdict_status)."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cpto.errors import CptoError
from cpto.review import verdicts as vd
from cpto.review.prd import read_prd
from cpto.review.trace import DEFERRED, DROPPED, Link
from cpto.workspace import load_workspace

AT = datetime(2026, 11, 3, 16, 0, tzinfo=UTC)
SHA = "3f2a9c1d0e4b5a6978877665544332211ffeedd0"

HAND_KEPT = """\
# Verdicts kept by hand: comments, blank lines and odd quoting stay as they are.

CHK-1:   # guest checkout
  confirmed:
    - {ref: 3f2a9c1, by: dana, at: 2026-11-03T16:00Z}   # the first cut
    - ref: "#42"
      by: li
      at: 2026-11-03
      reason: |
        the pull request
        that shipped it

"CHK-4":
  deferred:
    by: dana
    reason: 'after the payments migration'
"""


def prd(tmp_path: Path) -> Path:
    path = tmp_path / "docs" / "prd" / "checkout.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Checkout\n\n## Requirements\n\n- CHK-1: Guest checkout\n- CHK-4: Apple Pay\n")
    return path


def apply(text: str, edit: vd.Edit, path: Path = Path("checkout.review.yaml")) -> str:
    return edit(text, path)


# --------------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------------


def test_the_verdicts_file_lives_beside_the_prd():
    assert vd.verdicts_path(Path("docs/prd/checkout.md")) == Path("docs/prd/checkout.review.yaml")
    assert vd.verdicts_path(Path("prds/v2.checkout.md")) == Path("prds/v2.checkout.review.yaml")


def test_a_missing_file_has_no_verdicts(tmp_path):
    verdicts = vd.read_verdicts(prd(tmp_path))
    assert verdicts.requirements == {} and verdicts.get("CHK-1") is None


def test_a_hand_kept_file_reads_with_lines(tmp_path):
    path = prd(tmp_path)
    vd.verdicts_path(path).write_text(HAND_KEPT)
    verdicts = vd.read_verdicts(path)
    chk1 = verdicts.requirements["CHK-1"]
    assert chk1.line == 3
    assert [(v.ref, v.by, v.day, v.line) for v in chk1.confirmed] == [
        ("3f2a9c1", "dana", "2026-11-03", 5),
        ("#42", "li", "2026-11-03", 6),
    ]
    assert chk1.confirmed[1].reason == "the pull request\nthat shipped it\n"
    chk4 = verdicts.requirements["CHK-4"]
    assert chk4.deferred is not None and chk4.deferred.at is None
    assert chk4.deferred.reason == "after the payments migration"


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        ("- CHK-1\n", ":1", "expected requirement ids as keys"),
        ("CHK-1:\n  confirmd: []\n", ":2", "unknown key 'confirmd'"),
        ("CHK-1:\n  confirmed: {ref: x}\n", ":2", "expected a list"),
        ("CHK-1:\n  confirmed:\n    - {by: dana}\n", ":3", "'ref' is missing"),
        ("CHK-1:\n  confirmed:\n    - {ref: abcd, by: dana, note: x}\n", ":3", "unknown key 'note'"),
        ("CHK-1:\n  rejected:\n    - {ref: 1234567, by: dana}\n", ":3", "is not text; put it in quotes"),
        ("CHK-1:\n  deferred: {by: dana, reason: yes}\n", ":2", "reason True is not text"),
        ("CHK-1:\n  deferred: {by: dana}\n", ":2", "'reason' is missing"),
        ("CHK-1:\n  dropped: {by: dana, at: soon, reason: x}\n", ":2", "'soon' is not a date"),
        (
            "CHK-1:\n  deferred: {by: a, reason: x}\n  dropped: {by: a, reason: y}\n",
            ":1",
            "both deferred and dropped",
        ),
        ("CHK-1: {}\nCHK-1: {}\n", ":2", "duplicate requirement 'CHK-1' (first at line 1)"),
        (
            "CHK-1:\n  confirmed: [{ref: abcd, by: a}]\n  rejected: [{ref: abcd12, by: b}]\n",
            ":3",
            "abcd12 is rejected and also confirmed (line 2)",
        ),
        ("CHK-1:\n  confirmed: [{ref: x, by: a}\n", ":3", "invalid verdicts file"),
    ],
)
def test_a_bad_file_is_an_error_naming_file_line_and_problem(tmp_path, text, where, problem):
    path = prd(tmp_path)
    vd.verdicts_path(path).write_text(text)
    with pytest.raises(CptoError) as caught:
        vd.read_verdicts(path)
    message = caught.value.message
    assert message.startswith(f"{vd.verdicts_path(path)}{where}: "), message
    assert problem in message and "\n" not in message


# --------------------------------------------------------------------------------------------------
# Writing: small edits that read back
# --------------------------------------------------------------------------------------------------


def test_a_new_file_gets_a_header_and_one_line_per_verdict(tmp_path):
    path = prd(tmp_path)
    assert vd.write_verdicts(path, vd.confirm_edit("CHK-1", SHA, "dana", AT), root=tmp_path)
    vd.write_verdicts(
        path, vd.reject_edit("CHK-1", "api/legacy.py", "li", AT, "shares words only"), root=tmp_path
    )
    vd.write_verdicts(path, vd.drop_edit("CHK-4", "dana", AT, "card data stays with Stripe"), root=tmp_path)
    text = vd.verdicts_path(path).read_text()
    assert text.startswith("# People's verdicts on the product review of checkout.md")
    assert text.endswith(
        "CHK-1:\n"
        "  confirmed:\n"
        f"    - {{ref: {SHA}, by: dana, at: 2026-11-03T16:00Z}}\n"
        "  rejected:\n"
        "    - {ref: api/legacy.py, by: li, at: 2026-11-03T16:00Z, reason: shares words only}\n"
        "CHK-4:\n"
        "  dropped: {by: dana, at: 2026-11-03T16:00Z, reason: card data stays with Stripe}\n"
    )
    verdicts = vd.read_verdicts(path)
    assert verdicts.requirements["CHK-4"].dropped is not None
    assert [v.ref for v in verdicts.requirements["CHK-1"].rejected] == ["api/legacy.py"]


def test_edits_keep_every_other_byte_of_a_hand_kept_file():
    text = HAND_KEPT
    text = apply(text, vd.confirm_edit("CHK-1", "web/pay.py", "li", AT))
    text = apply(text, vd.reject_edit("CHK-1", "3f2a9c1d", "li", AT, "a revert"))  # takes back line 5
    text = apply(text, vd.confirm_edit("CHK-9", "#7", "sam", AT))
    lines = HAND_KEPT.splitlines(keepends=True)
    expected = [
        *lines[:4],
        *lines[5:11],
        "    - {ref: web/pay.py, by: li, at: 2026-11-03T16:00Z}\n",
        "  rejected:\n",
        "    - {ref: 3f2a9c1d, by: li, at: 2026-11-03T16:00Z, reason: a revert}\n",
        *lines[11:],
        "CHK-9:\n",
        '  confirmed:\n    - {ref: "#7", by: sam, at: 2026-11-03T16:00Z}\n',
    ]
    assert text == "".join(expected)


def test_a_deferral_is_replaced_in_place_and_a_drop_replaces_it():
    text = apply(HAND_KEPT, vd.defer_edit("CHK-4", "li", AT, "Q2"))
    assert text.endswith('"CHK-4":\n  deferred: {by: li, at: 2026-11-03T16:00Z, reason: Q2}\n')
    text = apply(text, vd.drop_edit("CHK-4", "dana", AT, "no"))
    assert text.endswith('"CHK-4":\n  dropped: {by: dana, at: 2026-11-03T16:00Z, reason: "no"}\n')
    assert text.startswith(HAND_KEPT[: HAND_KEPT.index('"CHK-4"')])


def test_saying_the_same_thing_twice_changes_nothing():
    once = apply("", vd.confirm_edit("CHK-1", SHA, "dana", AT))
    assert apply(once, vd.confirm_edit("CHK-1", SHA[:7], "li", AT)) == once  # a prefix of the same commit


def test_crlf_files_stay_crlf():
    text = HAND_KEPT.replace("\n", "\r\n")
    out = apply(text, vd.confirm_edit("CHK-4", "#9", "li", AT))
    assert out.startswith(text) and "\n" not in out.replace("\r\n", "")


def test_an_entry_in_another_layout_is_rewritten_alone():
    text = "CHK-2: {deferred: {by: a, reason: x}}  # flow style\nCHK-1:\n  confirmed: [{ref: abcd, by: a}]\n"
    out = apply(text, vd.confirm_edit("CHK-1", "#1", "b", AT))
    assert out.startswith("CHK-2: {deferred: {by: a, reason: x}}  # flow style\n")
    assert out.endswith(
        'CHK-1:\n  confirmed:\n    - {ref: abcd, by: a}\n    - {ref: "#1", by: b, at: 2026-11-03T16:00Z}\n'
    )


def test_a_broken_file_is_not_edited():
    with pytest.raises(CptoError, match=r"checkout.review.yaml:2: .*unknown key"):
        apply("CHK-1:\n  oops: 1\n", vd.confirm_edit("CHK-1", "#1", "b", AT))


HOSTILE = [
    'line one\nline two: "quoted" # not a comment',
    "- starts like a list item",
    "{looks: like, a: mapping}",
    "yes",
    "null",
    "~",
    "1e10",
    "2026-11-03",
    "ends with a colon:",
    "tab\there, \\ backslash, 'single' and \"double\"",
    "unicode: caffè, 日本語, emoji 😀, line\u2028separator, next\x85line",
    "  leading and trailing spaces  ",
    "&anchor *alias !tag %directive @at `tick`",
    "...",
    "---",
    "\ufeffbom",
    "nul\x00bell\x07",
    "x" * 5000,
]


@pytest.mark.parametrize("reason", HOSTILE)
def test_hostile_text_round_trips(tmp_path, reason):
    path = prd(tmp_path)
    ref = " ".join(reason.split()) or "x"  # a ref is one line; who and why can be anything
    vd.write_verdicts(path, vd.defer_edit("CHK-4", reason, AT, reason), root=tmp_path)
    vd.write_verdicts(path, vd.confirm_edit("CHK-1", ref, reason, AT, reason), root=tmp_path)
    verdicts = vd.read_verdicts(path)
    deferred = verdicts.requirements["CHK-4"].deferred
    assert deferred is not None and deferred.reason == reason and deferred.by == reason
    confirmed = verdicts.requirements["CHK-1"].confirmed[0]
    assert (confirmed.ref, confirmed.by, confirmed.reason) == (ref, reason, reason)
    text = vd.verdicts_path(path).read_text()
    assert len(text.splitlines()) == 7  # two header lines, and one line per verdict


def test_a_verdicts_file_linking_outside_the_workspace_is_refused(tmp_path):
    workspace, outside = tmp_path / "ws", tmp_path / "outside.yaml"
    workspace.mkdir()
    outside.write_text("# not yours\n")
    path = prd(workspace)
    vd.verdicts_path(path).symlink_to(outside)
    with pytest.raises(CptoError, match="outside the workspace"):
        vd.write_verdicts(path, vd.confirm_edit("CHK-1", "#1", "dana", AT), root=workspace)
    assert outside.read_text() == "# not yours\n"
    vd.verdicts_path(path).unlink()
    vd.verdicts_path(path).symlink_to(tmp_path / "dangling.yaml")  # a link to nothing yet, outside
    with pytest.raises(CptoError, match="outside the workspace"):
        vd.write_verdicts(path, vd.confirm_edit("CHK-1", "#1", "dana", AT), root=workspace)
    assert not (tmp_path / "dangling.yaml").exists()


def test_a_link_inside_the_workspace_is_written_through(tmp_path):
    path = prd(tmp_path)
    target = tmp_path / "verdicts" / "checkout.yaml"
    target.parent.mkdir()
    target.write_text("")
    vd.verdicts_path(path).symlink_to(target)
    vd.write_verdicts(path, vd.confirm_edit("CHK-1", "#1", "dana", AT), root=tmp_path)
    assert vd.verdicts_path(path).is_symlink() and "#1" in target.read_text()


def test_defer_and_drop_need_a_reason_and_refs_are_one_line():
    with pytest.raises(CptoError, match="--reason"):
        vd.defer_edit("CHK-1", "dana", AT, "  ")
    for bad in ("", " abc", "a\nb"):
        with pytest.raises(CptoError, match="not a commit"):
            vd.confirm_edit("CHK-1", bad, "dana", AT)


# --------------------------------------------------------------------------------------------------
# What the review does with them
# --------------------------------------------------------------------------------------------------


def link(kind: str, ref: str, score: float = 0.4, linked: bool = False) -> Link:
    return Link(kind, ref, score, linked, False, "shared terms: cart")


def verdicts_of(text: str) -> vd.Verdicts:
    return vd.parse_verdicts(text, Path("checkout.review.yaml"))


def test_apply_verdicts_links_the_confirmed_and_removes_the_rejected():
    verdicts = verdicts_of(
        "CHK-1:\n"
        "  confirmed:\n"
        "    - {ref: 3f2a9c1, by: dana, at: 2026-11-03T16:00Z}\n"
        '    - {ref: "#42", by: li, at: 2026-11-04T09:00Z}\n'
        "    - {ref: ./api/cart.py, by: li}\n"
        "    - {ref: 9e9e9e9e, by: sam, at: 2026-11-05}\n"
        "  rejected:\n"
        "    - {ref: web/legacy.py, by: li, at: 2026-11-03T16:00Z}\n"
        "    - {ref: 777aaa, by: li}\n"
    )
    links = [
        link("commit", SHA, 0.9, True),
        link("commit", "777aaa0000"),
        link("file", "web/legacy.py", 0.8, True),
        link("file", "api/cart.py", 0.1),
        link("pr", "#42", 0.2),
        link("pr", "#4"),
    ]
    out = vd.apply_verdicts(links, "CHK-1", verdicts)
    assert [(x.kind, x.ref, x.score, x.linked, x.explicit, x.why) for x in out] == [
        ("commit", SHA, 0.9, True, True, "confirmed by dana on 2026-11-03"),
        ("file", "api/cart.py", 0.1, True, True, "confirmed by li"),
        ("pr", "#42", 0.2, True, True, "confirmed by li on 2026-11-04"),
        ("pr", "#4", 0.4, False, False, "shared terms: cart"),
        ("commit", "9e9e9e9e", 1.0, True, True, "confirmed by sam on 2026-11-05"),
    ]
    assert vd.apply_verdicts(links, "CHK-2", verdicts) == links  # no verdicts, nothing changes


def test_verdict_status_says_deferred_or_dropped_with_who_when_and_why():
    verdicts = verdicts_of(
        "CHK-1:\n  confirmed: [{ref: abcd, by: a}]\n"
        'CHK-4:\n  deferred: {by: dana, at: 2026-11-05T10:00Z, reason: "after the\\n  migration"}\n'
        "CHK-9:\n  dropped: {by: li, reason: legal}\n"
    )
    assert vd.verdict_status("CHK-4", verdicts) == (
        DEFERRED,
        "deferred by dana on 2026-11-05: after the migration",
    )
    assert vd.verdict_status("CHK-9", verdicts) == (DROPPED, "dropped by li: legal")
    assert vd.verdict_status("CHK-1", verdicts) is None
    assert vd.verdict_status("CHK-2", verdicts) is None


def test_ref_kinds_and_matching():
    assert [vd.ref_kind(r) for r in ("#12", "abc1", SHA, "api/x.py", "abc")] == [
        "pr",
        "commit",
        "commit",
        "file",
        "file",
    ]
    assert vd.same_ref("3F2A9C1", SHA) and vd.same_ref(SHA, "3f2a") and not vd.same_ref("3f2b", SHA)
    assert vd.same_ref("./a/b.py", "a/b.py") and not vd.same_ref("#1", "#12")


# --------------------------------------------------------------------------------------------------
# Finding the requirement and the ref
# --------------------------------------------------------------------------------------------------


def test_find_requirement_exact_then_any_case_else_nearest(tmp_path):
    one = read_prd(prd(tmp_path))
    other_path = tmp_path / "docs" / "prd" / "other.md"
    other_path.write_text("# Other\n\n- CHK-4: Apple Pay again\n- OTH-1: Something\n")
    other = read_prd(other_path)
    assert vd.find_requirement([one, other], "chk-1", "ws")[1].id == "CHK-1"
    with pytest.raises(
        CptoError, match=r"CHK-4 is a requirement of .*checkout\.md, .*other\.md; name one with --prd"
    ):
        vd.find_requirement([one, other], "CHK-4", "ws")
    with pytest.raises(CptoError) as caught:
        vd.find_requirement([one, other], "CHK-11", "ws")
    assert (
        caught.value.message.startswith("ws: no requirement 'CHK-11'")
        and "nearest: CHK-1" in caught.value.message
    )


def test_resolve_ref_stores_full_shas_and_repository_paths(make_repo, tmp_path):
    repo = make_repo()
    sha = repo.commit("feat: cart", {"api/cart.py": "x = 1\n"})
    repo.commit("feat: wallet (#42)", {"api/wallet.py": "w = 1\n"})
    assert vd.resolve_ref(sha[:7], [repo.path]) == sha
    assert vd.resolve_ref("#42", [repo.path]) == "#42"
    with pytest.raises(CptoError, match=r"#43: no pull request #43 in"):
        vd.resolve_ref("#43", [repo.path])
    assert vd.resolve_ref("api/cart.py", [repo.path]) == "api/cart.py"
    assert vd.resolve_ref("cart.py", [repo.path], cwd=repo.path / "api") == "api/cart.py"
    for bad in ("0000000", "api/nope.py", "../outside", ".git/config"):
        with pytest.raises(CptoError, match=r"not a commit of .*, a pull request"):
            vd.resolve_ref(bad, [repo.path])


# --------------------------------------------------------------------------------------------------
# cpto check
# --------------------------------------------------------------------------------------------------


def test_check_verdicts_finds_unknown_ids_missing_commits_and_strays(make_repo):
    repo = make_repo("ws")
    sha = repo.commit("feat: cart", {"api/cart.py": "x = 1\n"})
    path = prd(repo.path)
    vd.verdicts_path(path).write_text(
        "CHK-1:\n"
        f"  confirmed: [{{ref: {sha[:8]}, by: a}}, {{ref: api/cart.py, by: a}}]\n"
        "  rejected:\n"
        "    - {ref: deadbeef, by: a}\n"
        "    - {ref: api/gone.py, by: a}\n"
        "CHK-11:\n"
        "  deferred: {by: a, reason: x}\n"
    )
    (path.parent / "old.review.yaml").write_text("")
    config = load_workspace(repo.path)
    read, findings = vd.check_verdicts(config, [read_prd(path)])
    where = str(vd.verdicts_path(path))
    assert read == 1
    assert sorted(findings) == sorted(
        [
            vd.Finding("error", f"{where}:4", "CHK-1: deadbeef is not a commit in the repository"),
            vd.Finding("warning", f"{where}:5", "CHK-1: api/gone.py is not a file in the repository"),
            vd.Finding(
                "error", f"{where}:6", "no requirement 'CHK-11' in checkout.md; nearest: CHK-1, CHK-4"
            ),
            vd.Finding(
                "warning",
                str(path.parent / "old.review.yaml"),
                "no PRD beside it (it was renamed or removed?)",
            ),
        ]
    )
    vd.verdicts_path(path).write_text("CHK-1:\n  confirmed: 5\n")
    _, findings = vd.check_verdicts(config, [read_prd(path)])
    assert (
        vd.Finding("error", f"{where}:2", "CHK-1 confirmed: expected a list of {ref, by, at, reason}")
        in findings
    )


def test_a_git_identity_is_not_needed_to_read(tmp_path):
    """Reading never runs git: a workspace that is not a repository reads its verdicts fine."""
    path = prd(tmp_path)
    vd.verdicts_path(path).write_text("CHK-1:\n  dropped: {by: a, reason: x}\n")
    env = {**os.environ, "PATH": ""}
    code = f"from cpto.review.verdicts import read_verdicts; from pathlib import Path; print(read_verdicts(Path({str(path)!r})).requirements['CHK-1'].dropped.by)"
    out = subprocess.run([os.sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)  # type: ignore[attr-defined]
    assert out.stdout.strip() == "a"


def test_the_documented_example_reads(tmp_path):
    """docs/workspace.md's example is a valid verdicts file, and reads as it says."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "workspace.md").read_text()
    section = doc[doc.index("## Verdicts on the product review") :]
    example = section[section.index("```yaml\n") + 8 : section.index("```\n", section.index("```yaml"))]
    verdicts = vd.parse_verdicts(example, tmp_path / "checkout.review.yaml")
    assert set(verdicts.requirements) == {"CHK-1", "CHK-4", "CHK-9"}
    assert vd.verdict_status("CHK-9", verdicts) == (
        DROPPED,
        "dropped by dana on 2026-11-06: legal: card data stays with Stripe",
    )
    assert vd.verdicts_path(Path("docs/prd/checkout.md")).as_posix() in doc


def test_an_alias_bomb_in_a_verdicts_file_is_one_line_not_gigabytes(tmp_path: Path) -> None:
    from cpto.errors import CptoError
    from cpto.review.verdicts import parse_verdicts

    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for n, p in zip("bcdefghi", "abcdefgh", strict=True)
    )
    with pytest.raises(CptoError, match=r"aliases .* expand to more than 100,000 values"):
        parse_verdicts(f"CHK-1:\n  note: ok\n{bomb}", tmp_path / "p.review.yaml")
