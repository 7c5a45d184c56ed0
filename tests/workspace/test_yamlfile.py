"""The one YAML record reader and the typed readers of one value: every wrong shape is a one-line error."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cpto.errors import CptoError
from cpto.workspace.yamlfile import mapping_value, read_yaml_list, text_list, text_value

WHERE = "people.yaml:3: dana consulted"


def test_items_come_with_the_line_they_start_on(tmp_path: Path) -> None:
    path = tmp_path / "people.yaml"
    path.write_text("# team\npeople:\n  - handle: dana\n    emails: [d@x]\n  - handle: li\n")
    listing = read_yaml_list(path, "people")
    assert [(line, item["handle"]) for line, item in listing.items] == [(3, "dana"), (5, "li")]


def test_an_empty_or_absent_list_has_no_items(tmp_path: Path) -> None:
    path = tmp_path / "people.yaml"
    path.write_text("# nobody yet\n")
    assert read_yaml_list(path, "people").items == []
    path.write_text("people:\n")
    assert read_yaml_list(path, "people").items == []


def test_anchors_shared_a_few_times_read_as_written(tmp_path: Path) -> None:
    path = tmp_path / "roadmap.yaml"
    path.write_text("base: &b {horizon: quarter}\nitems:\n  - {<<: *b, id: RM-1}\n  - {<<: *b, id: RM-2}\n")
    assert [item["horizon"] for _, item in read_yaml_list(path, "items").items] == ["quarter", "quarter"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n'
            + "".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n"
                for i in range(6)
            )
            + "people: []\n",
            "people.yaml: invalid YAML: aliases (*name) expand to more than 100,000 values",
        ),
        ("people: &p\n  - *p\n", "people.yaml:1: invalid YAML: an alias inside the value it names"),
        (
            "people:\n  - since: 2026-13-01\n",
            "people.yaml:2: invalid YAML: '2026-13-01' is an impossible date",
        ),
        ("people: [a\n", "people.yaml:2: invalid YAML"),
        ("- a\n- b\n", "people.yaml:1: expected a mapping with a 'people:' list"),
        ("people: dana\n", "people.yaml:1: 'people' must be a list"),
    ],
)
def test_bad_yaml_is_one_line_naming_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "people.yaml"
    path.write_text(text)
    with pytest.raises(CptoError) as err:
        read_yaml_list(path, "people")
    assert err.value.message.startswith(str(tmp_path)) and message in err.value.message
    assert "\n" not in err.value.message


def test_text_value() -> None:
    assert (
        text_value("dana", WHERE) == "dana"
        and text_value(None, WHERE) == ""
        and text_value(None, WHERE, "x") == "x"
    )
    for wrong, shown in [
        (83, "83 (a number)"),
        (False, "false (YAML reads yes"),
        (date(2026, 1, 2), "2026-01-02 (a date)"),
    ]:
        with pytest.raises(CptoError) as err:
            text_value(wrong, WHERE)
        assert (
            err.value.message.startswith(f"{WHERE}: expected text, got {shown}")
            and "quotes" in err.value.message
        )


def test_text_list() -> None:
    assert text_list(["li", "sam"], WHERE) == ["li", "sam"]
    assert text_list("li", WHERE) == ["li"] and text_list(None, WHERE) == []
    with pytest.raises(
        CptoError, match=r"consulted: expected a list of text like \[li, sam\], got 5 \(a number\)"
    ):
        text_list(5, WHERE)
    with pytest.raises(CptoError, match=r"consulted: item 2 should be text, got a mapping"):
        text_list(["li", {"sam": 1}], WHERE)
    with pytest.raises(CptoError, match="a mapping"):
        text_list({"li": 1}, WHERE)


def test_mapping_value() -> None:
    assert mapping_value({"by": "sam"}, WHERE) == {"by": "sam"} and mapping_value(None, WHERE) == {}
    with pytest.raises(CptoError, match=r"expected keys and values .*, got a list of 2 item\(s\)"):
        mapping_value(["a", "b"], WHERE)
    with pytest.raises(CptoError, match=r"key 1 \(a number\) should be a word"):
        mapping_value({1: "x"}, WHERE)
