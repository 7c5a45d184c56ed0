"""people.yaml: reading it with file:line errors, mapping git identities, the organisation's shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from cpto.errors import CptoError
from cpto.records.people import Author, People, Person, contributions, lanes, org_shape, read_people, who

PEOPLE = """\
# Who is who
people:
  - handle: claire
    name: Claire Dubois
    discipline: leadership
    role: CEO
  - handle: dana
    name: Dana K
    discipline: product
    manager: claire
    emails: [dana@acme.example]
  - handle: sam
    name: Sam Okafor
    discipline: engineering
    manager: dana
    emails: [sam@acme.example]
    aliases: [sam.okafor@old-laptop.local, "Sam O"]
  - handle: li
    discipline: engineering
    manager: claire
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "people.yaml"
    path.write_text(text)
    return path


def test_people_are_read_with_the_line_each_starts_on(tmp_path):
    people = read_people(write(tmp_path, PEOPLE))
    assert [p.handle for p in people.people] == ["claire", "dana", "sam", "li"]
    assert people.by_handle["sam"].line == 12
    assert people.by_handle["li"].name == "li"  # the handle stands in for a missing name
    assert people.warnings == []


def test_git_identities_map_to_people_by_email_alias_or_name(tmp_path):
    people = read_people(write(tmp_path, PEOPLE))
    assert people.identify("SAM@acme.example") == "sam"
    assert people.identify("sam.okafor@old-laptop.local") == "sam"
    assert people.identify("someone@laptop", "Sam O") == "sam"
    assert people.identify("bot@ci.example", "ci-bot") is None


def test_the_shape_counts_disciplines_and_spans_of_control(tmp_path):
    shape = org_shape(read_people(write(tmp_path, PEOPLE)))
    assert shape.disciplines == {"engineering": 2, "leadership": 1, "product": 1}
    assert shape.spans == {"claire": 2, "dana": 1}


def test_code_by_people_outside_engineering_crosses_lanes_and_strangers_are_listed(tmp_path):
    people = read_people(write(tmp_path, PEOPLE))
    work = contributions(
        people,
        [
            Author("sam@acme.example", "Sam", 40, 900, code_commits=30),
            Author("dana@acme.example", "Dana K", 3, 25, code_commits=2),
            Author("bot@ci.example", "ci-bot", 7, 70),
        ],
    )
    assert work.commits == {"sam": 40, "dana": 3}
    # across lanes counts code commits: Dana's third commit changed no code file
    assert [(p.handle, n) for p, n in work.across_lanes] == [("dana", 2)]
    assert [a.email for a in work.unmapped] == ["bot@ci.example"]
    assert work.unknown == []


def test_a_product_person_who_committed_no_code_has_not_crossed_lanes(tmp_path):
    people = read_people(write(tmp_path, PEOPLE))
    work = contributions(people, [Author("dana@acme.example", "Dana K", 5, 40, code_commits=0)])
    assert work.commits == {"dana": 5} and work.across_lanes == []


def test_without_people_yaml_disciplines_are_unknown_not_engineering(tmp_path):
    work = contributions(read_people(tmp_path / "people.yaml"), [Author("sam@acme.example", "Sam", 4, 9, 4)])
    assert work.across_lanes == [] and [a.email for a in work.unmapped] == ["sam@acme.example"]
    assert (
        len(work.unknown) == 1 and "no people.yaml" in work.unknown[0] and "docs/people.md" in work.unknown[0]
    )


def test_the_identity_rule_is_people_yaml_then_mailmap_then_email(tmp_path):
    people = read_people(write(tmp_path, PEOPLE))
    # people.yaml by the raw identity, and by its .mailmap form
    assert who(people, "sam.okafor@old-laptop.local", "x").key == "sam"
    assert who(people, "s@new.example", "s", mapped=("Sam", "SAM@acme.example")).source == "people.yaml"
    # no entry: the .mailmap identity, else the email in lower case
    mapped = who(people, "old@bot.example", "bot", mapped=("CI Bot", "ci@bot.example"))
    assert (mapped.key, mapped.name, mapped.source, mapped.handle) == (
        "ci@bot.example",
        "CI Bot",
        ".mailmap",
        None,
    )
    assert who(None, "Ann@Example.org", "Ann").key == "ann@example.org"
    assert who(None, "Ann@Example.org", "Ann").source == "email"
    # a placeholder email is shared by many people: their name tells them apart
    assert who(None, "none@none", "hpk").key == "hpk" and who(None, "", "fijal").key == "fijal"


def test_an_unknown_manager_is_a_warning_with_file_and_line(tmp_path):
    people = read_people(write(tmp_path, PEOPLE.replace("manager: dana", "manager: danna")))
    assert people.warnings == [f"{tmp_path / 'people.yaml'}:12: sam's manager 'danna' is not in people.yaml"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("people:\n  - name: No Handle\n", "people.yaml:2: person without a handle"),
        ("people:\n  - handle: a\n  - handle: a\n", "people.yaml:3: duplicate handle 'a' (first at line 2)"),
        ("people:\n  - handle: Dana K\n", "people.yaml:2: handle 'Dana K' must be lower-case"),
        ("people:\n  - handle: a\n    emails: 3\n", "people.yaml:2: emails: expected a list of text"),
        ("people: {a: 1}\n", "people.yaml:1: 'people' must be a list"),
        ("people:\n  - handle: [a\n", "people.yaml:3: invalid YAML"),
        ("- just a list\n", "people.yaml:1: expected a mapping with a 'people:' list"),
    ],
)
def test_malformed_people_files_say_where_and_what(tmp_path, text, message):
    with pytest.raises(CptoError) as caught:
        read_people(write(tmp_path, text))
    assert message in str(caught.value)


def test_a_non_utf8_people_file_is_a_clean_error(tmp_path):
    path = tmp_path / "people.yaml"
    path.write_bytes(b"people:\n  - handle: ren\xe9\n")
    with pytest.raises(CptoError, match="not UTF-8"):
        read_people(path)


def test_no_people_file_means_nobody(tmp_path):
    assert read_people(tmp_path / "people.yaml").people == []


def test_prds_outside_product_and_consulting_across_disciplines_are_lanes_crossed():
    team = People(
        Path("people.yaml"),
        [
            Person("dana", "Dana", "product"),
            Person("li", "Li", "engineering"),
            Person("aiko", "Aiko", "design"),
        ],
    )
    crossed = lanes(
        team,
        [("docs/prd/checkout.md", "dana"), ("docs/prd/search.md", "li")],
        [("dana", ["li", "aiko"]), ("li", ["aiko", "ghost"]), ("aiko", ["aiko"])],
    )
    assert [(p.handle, path) for p, path in crossed.prds] == [("li", "docs/prd/search.md")]
    assert [(p.handle, n) for p, n in crossed.consulted] == [("aiko", 2), ("li", 1)]


def test_a_manager_cycle_is_a_warning_naming_the_loop_and_its_line(tmp_path):
    text = (
        "people:\n  - handle: a\n    manager: b\n  - handle: b\n    manager: c\n"
        "  - handle: c\n    manager: a\n  - handle: d\n    manager: a\n"
    )
    people = read_people(write(tmp_path, text))
    assert people.warnings == [
        f"{tmp_path / 'people.yaml'}:2: manager cycle: c manages b manages a manages c; nobody in it has a manager"
    ]
    # two who manage each other are a cycle too; a chain that ends is not
    assert (
        "manager cycle: b manages a manages b"
        in read_people(
            write(tmp_path, "people:\n  - handle: a\n    manager: b\n  - handle: b\n    manager: a\n")
        ).warnings[0]
    )
    assert (
        read_people(write(tmp_path, "people:\n  - handle: a\n    manager: b\n  - handle: b\n")).warnings == []
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("    manager: 0123\n", "people.yaml:2: manager: expected text, got 83"),
        ("    name: [Dana, K]\n", "people.yaml:2: name: expected text, got a list"),
        ("    discipline: {a: 1}\n", "people.yaml:2: discipline: expected text, got a mapping"),
        ("    aliases: [ok, 5]\n", "people.yaml:2: aliases: item 2 should be text"),
    ],
)
def test_a_value_of_the_wrong_type_is_an_error_not_its_text(tmp_path, entry, message):
    with pytest.raises(CptoError) as caught:
        read_people(write(tmp_path, "people:\n  - handle: a\n" + entry))
    assert message in caught.value.message and "\n" not in caught.value.message
