"""Reading Markdown records: front matter, body line numbers, and one-line errors for bad files."""

from __future__ import annotations

import pytest

from cpto.errors import CptoError
from cpto.workspace.markdown import read_document


def test_front_matter_and_body_line(tmp_path):
    path = tmp_path / "prd.md"
    path.write_text("---\ntitle: Checkout v2\nowner: dana\n---\n# Checkout\n\nBody\n")
    doc = read_document(path)
    assert doc.front_matter == {"title": "Checkout v2", "owner": "dana"}
    assert doc.body[0] == "# Checkout" and doc.body_line == 5


def test_no_front_matter(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# Notes\n---\nnot front matter\n")
    doc = read_document(path)
    assert doc.front_matter == {} and doc.body_line == 1 and len(doc.body) == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"---\ntitle: [unclosed\n---\n", "invalid front matter"),
        (b"---\ntitle: x\n", "never closed"),
        (b"---\n- a list\n---\n", "must be a mapping"),
        (b"caf\xe9 au lait\n", "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
    ],
)
def test_bad_files_are_one_line_errors_naming_the_file(tmp_path, content, message):
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    with pytest.raises(CptoError) as err:
        read_document(path)
    assert message in err.value.message and str(path) in err.value.message
    assert "\n" not in err.value.message


def test_missing_file(tmp_path):
    with pytest.raises(CptoError, match="file not found"):
        read_document(tmp_path / "nope.md")


BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
)


@pytest.mark.parametrize(
    ("front", "message"),
    [
        (BOMB, "aliases (*name) expand to more than 100,000 values"),
        ("a: &a [*a]\n", ":2: invalid front matter: an alias inside the value it names"),
        ("start: 2026-02-30\n", ":2: invalid front matter: '2026-02-30' is an impossible date or time"),
        (
            "at: 2026-02-01 10:00:00+25:00\n",
            ":2: invalid front matter: '2026-02-01 10:00:00+25:00' is an impossible",
        ),
        ("n: " + "1" * 5000 + "\n", ":2: invalid front matter: a number of more than 100 characters"),
        ("n: 1" + ":30" * 50_000 + "\n", "a number of more than 100 characters"),
        ("x: " + "[" * 50_000 + "\n", "invalid front matter"),
        ("? [1]\n: 2\n", ":2: invalid front matter: found unhashable key"),
    ],
)
def test_front_matter_beyond_the_limits_is_one_line_naming_the_file(tmp_path, front, message):
    path = tmp_path / "prd.md"
    path.write_text(f"---\n{front}---\n# PRD\n")
    with pytest.raises(CptoError) as err:
        read_document(path)
    assert f"{path}" in err.value.message and message in err.value.message
    assert "\n" not in err.value.message


def test_a_few_shared_values_are_fine(tmp_path):
    path = tmp_path / "prd.md"
    path.write_text("---\nteam: &core [dana, li]\nconsulted: *core\nx: {<<: {a: 1}, b: 2}\n---\nBody\n")
    doc = read_document(path)
    assert doc.front_matter["consulted"] == ["dana", "li"] and doc.front_matter["x"] == {"a": 1, "b": 2}
