"""Records read whole (every section in order) and their action items (``- [ ]`` lines) as open work."""

from __future__ import annotations

from pathlib import Path

import pytest

from cpto.errors import CptoError
from cpto.records.actions import open_action_items, parse_item, workspace_actions
from cpto.records.decisions import read_decision
from cpto.records.incidents import read_incident
from cpto.workspace import load_workspace

INCIDENT = """\
---
id: INC-3
title: Checkout returned 500s
severity: SEV1
commander: sam
---
## Summary
For 42 minutes, 31% of cart requests failed.
Every new cart is empty.

## Timeline
- 2026-11-03 14:22 started: error rate rises to 31%
- 2026-11-04 10:50 resolved: fix deployed

## Root cause
A refactor dropped the empty-cart guard.

## Action items
- [x] Guard and test for empty carts (sam)
- [ ] Canary deploys for the API (jordan)
- [ ] Ask @li to add a runbook
- [ ] Someone should look at the alerts
* [X] Post the summary to #eng (Dana)

```markdown
- [ ] an example inside a code block is not an action item (nobody)
## Not a heading either
```
"""

DECISION = """\
---
id: D-0006
title: Ship checkout v2 behind a flag
status: decided
point: dana
---
# Ship checkout v2 behind a flag

## Context and Problem Statement

Checkout v2 is ready in pieces.

## Considered Options

- Behind a flag
- Big-bang release

## Decision Outcome

Chosen option: behind the flag.

### Consequences

- [ ] Remove the flag by 2026-12-15 (li)

## Discussion

- sam, 2026-10-19: this is too risky
"""


def workspace(tmp_path: Path) -> Path:
    (tmp_path / "incidents").mkdir()
    (tmp_path / "decisions").mkdir()
    (tmp_path / "incidents" / "2026-11-03-checkout.md").write_text(INCIDENT)
    (tmp_path / "decisions" / "0006-flag.md").write_text(DECISION)
    return tmp_path


def test_every_section_is_kept_in_document_order_with_its_text_and_lines(tmp_path):
    i = read_incident(workspace(tmp_path) / "incidents" / "2026-11-03-checkout.md")
    assert [s.title for s in i.sections] == ["Summary", "Timeline", "Root cause", "Action items"]
    summary = i.sections[0]
    assert summary.line == 7 and summary.chunks() == [
        (8, "For 42 minutes, 31% of cart requests failed. Every new cart is empty.")
    ]
    actions = i.sections[3]
    assert actions.chunks()[1] == (20, "- [ ] Canary deploys for the API (jordan)")
    code = actions.chunks()[-1]
    assert code[1].startswith("```markdown\n- [ ] an example") and "## Not a heading either" in code[1]


def test_subsections_say_which_section_they_sit_under(tmp_path):
    d = read_decision(workspace(tmp_path) / "decisions" / "0006-flag.md")
    assert [s.trail for s in d.sections] == [
        "Ship checkout v2 behind a flag",
        "Context and Problem Statement",
        "Considered Options",
        "Decision Outcome",
        "Decision Outcome / Consequences",
        "Discussion",
    ]
    assert d.sections[2].chunks() == [(15, "- Behind a flag"), (16, "- Big-bang release")]


@pytest.mark.parametrize(
    ("line", "parsed"),
    [
        ("- [ ] Canary deploys for the API (jordan)", (False, "Canary deploys for the API", "jordan")),
        ("- [x] 5xx alarm per endpoint (jordan)", (True, "5xx alarm per endpoint", "jordan")),
        ("* [X] Post the summary (Dana)", (True, "Post the summary", "dana")),
        ("1. [ ] Ask @li to add a runbook", (False, "Ask @li to add a runbook", "li")),
        ("- [ ] Look at the alerts (5 min)", (False, "Look at the alerts (5 min)", "")),
        ("- [ ] Mail ops@acme.example", (False, "Mail ops@acme.example", "")),
        ("- [] not a checkbox", None),
        ("- plain item (jordan)", None),
    ],
)
def test_a_checkbox_line_is_an_action_item_with_its_owner(line, parsed):
    assert parse_item(line) == parsed


def test_open_action_items_name_their_record_file_and_line(tmp_path):
    config = load_workspace(workspace(tmp_path))
    items = open_action_items(config)
    assert [(a.record, a.owner, a.line, a.section) for a in items] == [
        ("INC-3", "jordan", 20, "Action items"),
        ("INC-3", "li", 21, "Action items"),
        ("INC-3", "", 22, "Action items"),
        ("D-0006", "li", 24, "Decision Outcome / Consequences"),
    ]
    assert items[0].where.endswith("incidents/2026-11-03-checkout.md:20")
    assert items[3].kind == "decision" and items[3].title == "Ship checkout v2 behind a flag"
    found = workspace_actions(config, owner="@LI")
    assert [a.text for a in found.items] == ["Ask @li to add a runbook", "Remove the flag by 2026-12-15"]
    assert (found.records, found.missing) == (2, [])


def test_no_records_is_said_not_counted_as_zero(tmp_path):
    found = workspace_actions(load_workspace(tmp_path))
    assert found.records == 0 and found.items == []
    assert [m.split(":")[0] for m in found.missing] == ["no incident records", "no decision records"]


def test_a_broken_record_is_one_line_naming_the_file(tmp_path):
    workspace(tmp_path)
    (tmp_path / "incidents" / "broken.md").write_bytes(b"\x89PNG\r\n\x1a\n\0\0")
    with pytest.raises(CptoError, match=r"broken\.md: binary file"):
        open_action_items(load_workspace(tmp_path))
