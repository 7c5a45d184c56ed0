"""Finding requirements in the shapes PRD templates use."""

from __future__ import annotations

import textwrap

from cpto.review.prd import read_prd


def prd(tmp_path, text: str, name: str = "checkout.md"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip())
    return read_prd(path)


def test_headings_bullets_and_front_matter(tmp_path):
    doc = prd(
        tmp_path,
        """
        ---
        title: Checkout v2
        owner: dana
        status: approved
        target: 2026-12-15
        ---
        # Checkout

        ## Requirements
        ### CHK-1: Guest checkout
        Shoppers pay with only an email address.

        ### REQ-12 Saved cards
        Customers can save a card.

        ## Later
        - [CHK-6] One-click reorder from order history.
        - **UC1** Browse the catalogue
          with filters on price.
        1. R7: Export orders to CSV.
        - Q3 planning happens in the joint review.
        """,
    )
    assert (doc.title, doc.owner, doc.status, doc.target) == ("Checkout v2", "dana", "approved", "2026-12-15")
    got = {r.id: (r.shape, r.title, r.text) for r in doc.requirements}
    assert got["CHK-1"] == (
        "heading",
        "Guest checkout",
        "Guest checkout Shoppers pay with only an email address.",
    )
    assert got["REQ-12"][0:2] == ("heading", "Saved cards")
    assert got["CHK-6"] == (
        "bullet",
        "One-click reorder from order history.",
        "One-click reorder from order history.",
    )
    assert got["UC1"][2] == "Browse the catalogue with filters on price."
    assert got["R7"][0] == "bullet"
    assert set(got) == {"CHK-1", "REQ-12", "CHK-6", "UC1", "R7"}
    assert doc.requirements[0].line == 10


def test_table_with_an_id_column(tmp_path):
    doc = prd(
        tmp_path,
        """
        ## Requirements
        | ID | Requirement | Priority | Notes |
        |----|-------------|----------|-------|
        | DUN-1 | Retry failed renewals on day 1, 3 and 7 | Must | schedule agreed in D-0003 |
        | DUN-2 | Email the customer after each failed attempt | Must | |

        ## Success metrics
        | Metric | Target |
        |---|---|
        | Recovered renewals | 35% |
        """,
    )
    assert [(r.id, r.shape, r.title) for r in doc.requirements] == [
        ("DUN-1", "table", "Retry failed renewals on day 1, 3 and 7"),
        ("DUN-2", "table", "Email the customer after each failed attempt"),
    ]
    assert doc.requirements[0].text == "Retry failed renewals on day 1, 3 and 7 schedule agreed in D-0003"


def test_items_without_ids_under_requirement_headings_get_stable_ids(tmp_path):
    text = """
        # Merchant onboarding
        ## Why
        - Merchants churn in their first week.
        ## User stories
        - As a new merchant, I see a setup checklist.
        - As an admin, I can invite teammates.
        ## Acceptance criteria
        1. The checklist remembers completed steps.
        """
    doc = prd(tmp_path, text, name="onboarding.md")
    assert [r.shape for r in doc.requirements] == ["section-item"] * 3
    assert all(r.derived_id and r.id.startswith("ONBOARDING-") for r in doc.requirements)

    reordered = prd(
        tmp_path,
        """
        ## User stories
        - As an admin, I can invite teammates.
        - As a brand new merchant, I see a setup checklist.
        - As a new merchant, I see a setup checklist.
        """,
        name="onboarding.md",
    )
    ids = {r.text: r.id for r in reordered.requirements}
    assert ids["As a new merchant, I see a setup checklist."] == doc.requirements[0].id
    assert ids["As an admin, I can invite teammates."] == doc.requirements[1].id


def test_code_blocks_and_escaped_lines_are_text(tmp_path):
    doc = prd(
        tmp_path,
        r"""
        ## R1: Import
        The importer reads:
        \## not a heading
        \- R9: not a requirement either

        ```
        - R2: inside a code block
        ```
        - R3: Export
        """,
    )
    assert [r.id for r in doc.requirements] == ["R1", "R3"]
    assert "## not a heading - R9: not a requirement either" in doc.requirements[0].text


def test_heading_requirement_ends_at_the_next_id_bullet(tmp_path):
    doc = prd(tmp_path, "## R3: Add patients\n\nThe HCP enters a patient.\n\n- R4: The HCP records a date.\n")
    assert [(r.id, r.text) for r in doc.requirements] == [
        ("R3", "Add patients The HCP enters a patient."),
        ("R4", "The HCP records a date."),
    ]


def test_duplicate_ids_are_kept_and_warned_with_both_places(tmp_path):
    doc = prd(tmp_path, "- R1: First\n- R2: Second\n- R1: Again\n")
    assert [r.id for r in doc.requirements] == ["R1", "R2", "R1~2"]
    path = tmp_path / "checkout.md"
    assert doc.warnings == [
        f"{path}:3: duplicate requirement ID R1 (first at {path}:1); this one is reported as R1~2"
    ]


def test_no_requirements(tmp_path):
    doc = prd(tmp_path, "# Vision\n\nWe make checkout delightful.\n\n- fast\n- simple\n")
    assert doc.requirements == [] and doc.title == "Vision"


def test_every_requirement_of_the_demo_workspace_is_found(tmp_path):
    from cpto.demo import build_demo
    from cpto.demo.content import REQUIREMENT_STATUS

    summary = build_demo(tmp_path / "acme")
    found = {r.id for path in summary.prds for r in read_prd(summary.path / path).requirements}
    numbered = {key for key in REQUIREMENT_STATUS if not key.startswith("onboarding:")}
    assert numbered <= found
    assert sum(1 for key in REQUIREMENT_STATUS if key.startswith("onboarding:")) == sum(
        1 for rid in found if rid.startswith("ONBOARDING-")
    )
