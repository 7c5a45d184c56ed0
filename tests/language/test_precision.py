"""The language-precision model, by example: what it flags, what it leaves alone, and how it scores."""

from __future__ import annotations

import pytest

from cpto.language import Assessment, Context, assess, split_sentences


def kinds(result: Assessment) -> list[tuple[str, str]]:
    return [(f.text, f.kind) for f in result.findings]


def marker_kinds(result: Assessment) -> set[str]:
    return {m.kind for m in result.markers}


# --- disagreements: vague only when the sentence names nothing specific ------------------------------------


def test_a_bare_risk_objection_is_vague_and_a_specific_one_is_not() -> None:
    vague = assess("This is too risky.")
    precise = assess(
        "Moving billing/dunning.py to the new queue risks double charges for the 40 annual accounts; "
        "I'd wait until the 2026-12-05 freeze ends."
    )
    assert ("too risky", "vague-risk") in kinds(vague)
    risk = next(f for f in vague.findings if f.kind == "vague-risk")
    assert "component" in risk.suggestion and "failure" in risk.suggestion
    assert precise.findings == []
    assert {"path", "number", "date"} <= marker_kinds(precise)
    assert precise.score > vague.score


def test_capacity_objection_needs_who_what_until_when() -> None:
    vague = assess("We have no bandwidth for this.")
    precise = assess("@mara is on the SSO migration until 14 March, so no capacity before Q2.")
    assert kinds(vague) == [("no bandwidth", "vague-capacity")]
    assert vague.findings[0].suggestion == "say who is busy with what until when"
    assert precise.findings == []
    assert {"handle", "date"} <= marker_kinds(precise)


def test_customer_claims_need_names_or_data() -> None:
    assert kinds(assess("Customers need this.")) == [("Customers need", "vague-customer")]
    assert kinds(assess("Everyone is asking for dark mode.")) == [("Everyone is asking", "vague-customer")]
    assert assess("Customers need this: 14 enterprise accounts asked in ACME-512.").findings == []
    # "users need to" states an obligation in a requirement, not a claim about what users want
    assert assess("Users need to confirm their e-mail address.").findings == []


# --- requirement smells -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The export shall be fast and user-friendly.",
            [("fast", "subjective"), ("user-friendly", "subjective")],
        ),
        ("The train shall stop safely.", [("safely", "subjective")]),
        ("Errors shall be logged as appropriate.", [("as appropriate", "loophole")]),
        ("Retry where feasible.", [("where feasible", "loophole")]),
        ("The new importer must be faster.", [("faster", "comparative")]),
        ("The API should probably be more secure.", [("probably", "hedge"), ("more secure", "comparative")]),
        ("The search shall return the best results.", [("best", "superlative")]),
        ("Import CSV, JSON, etc.", [("etc.", "open-ended")]),
        ("Import CSV, JSON and more.", [("and more", "open-ended")]),
        ("Notify the owner and/or the admin.", [("and/or", "open-ended")]),
        ("The page shall load soon.", [("soon", "vague-time")]),
        ("Ship it as soon as possible.", [("as soon as possible", "vague-time")]),
        ("Several users reported issues.", [("Several", "vague-quantity")]),
        ("The system shall accept a large file.", [("large", "vague-size")]),
        ("This will break the build.", [("This", "vague-pronoun")]),
    ],
)
def test_requirement_smells(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(assess(text)) == expected


def test_every_finding_says_what_would_make_it_precise() -> None:
    text = (
        "The dashboard should probably be fast, intuitive and more secure, with several widgets, etc. "
        "It will ship soon if possible; customers want it and we have no bandwidth. This is too risky."
    )
    result = assess(text)
    assert len({f.kind for f in result.findings}) >= 8
    assert all(f.suggestion.strip() for f in result.findings)
    by_kind = {f.kind: f.suggestion for f in result.findings}
    assert by_kind["comparative"] == "say compared with what, and by how much"
    assert "date" in by_kind["vague-time"]
    assert "customers" in by_kind["vague-customer"]


def test_expletive_it_is_not_a_vague_pronoun() -> None:
    assert assess("It shall be possible to export the report.").findings == []
    assert assess("It is necessary that the driver acknowledges the alarm.").findings == []


def test_size_words_are_fine_when_the_sentence_gives_the_number() -> None:
    assert assess("The system shall accept files larger than 2 GB.").findings == []
    assert assess("High load is above 5,000 req/s.").findings == []


# --- tricky cases -------------------------------------------------------------------------------------------


def test_word_boundaries_fast_inside_breakfast_is_not_a_finding() -> None:
    assert assess("We serve breakfast at the steadfast café.").findings == []


def test_versions_are_neither_quantities_nor_markers() -> None:
    result = assess("Upgrade to v1.2 and 1.2.3 on Python 3.11.")
    assert result.findings == []
    assert result.markers == []


def test_quoted_text_and_code_spans_are_not_flagged() -> None:
    quoted = assess('The button says "Save quickly".')
    code = assess("Run `make fast` before merging.")
    assert quoted.findings == [] and marker_kinds(quoted) == {"quote"}
    assert code.findings == [] and marker_kinds(code) == {"code"}


def test_a_comparative_with_a_numeric_baseline_is_precise() -> None:
    assert assess("The new importer must be faster than 200 ms per file.").findings == []
    assert assess("Show more than 3 results.").findings == []
    assert assess("Show more than one result.").findings == []
    assert assess("The p95 latency shall be 20% lower.").findings == []
    # a baseline without a size still misses "by how much"
    (finding,) = assess("The new importer must be faster than the old one.").findings
    assert finding.kind == "comparative" and "how much" in finding.suggestion


@pytest.mark.parametrize(
    "text",
    [
        "We have roughly 300 controls.",
        "The export takes about 2 seconds.",
        "Almost 40% of trials convert.",
        "The query runs in approximately 5 ms.",
        "Around 20 people use the beta.",
        "The migration took nearly 3 weeks.",
        "We keep ~300 controls.",
        "The review took roughly two weeks.",
        "Hosting costs close to $300 a month.",
        "Nearly 1,200 requests failed.",
    ],
)
def test_a_rounded_number_is_precise(text: str) -> None:
    # "roughly 300 controls" is checkable: 300 give or take, not 30 or 3,000
    result = assess(text)
    assert result.findings == [], kinds(result)
    assert marker_kinds(result) & {"number", "quantity", "duration", "cost"}


@pytest.mark.parametrize(
    ("text", "hedge"),
    [
        ("The migration is almost done.", "almost"),
        ("The new flow is nearly ready.", "nearly"),
        ("We have roughly a few controls.", "roughly"),
        ("It takes approximately as long as the old export.", "approximately"),
        ("The fix is almost v2 quality.", "almost"),  # a version is not an amount
    ],
)
def test_a_hedge_without_a_number_stays_vague(text: str, hedge: str) -> None:
    assert hedge in [f.text.lower() for f in assess(text).findings]


def test_adjectives_used_as_verbs_are_not_findings() -> None:
    assert assess("Lower the pantograph and clear the alarm when the train stops.").findings == []


@pytest.mark.parametrize(
    "text",
    [
        "Café crème: the naïve résumé parser shall be fast — très rapide, probably.",
        "İstanbul users want a fast 🚀 export, etc.",
        "The “Smart” flag shall be robust and the ﬁle list several pages long.",
    ],
)
def test_offsets_are_exact_for_unicode_text(text: str) -> None:
    result = assess(text)
    assert result.findings
    for item in [*result.findings, *result.markers]:
        assert text[item.start : item.end] == item.text


# --- markers and context ------------------------------------------------------------------------------------


def test_precise_markers_are_recognised() -> None:
    result = assess(
        "Ship it by Friday; the rollout takes 3 days and 2 sprints, costs €2,000 or 2 engineer-weeks, "
        "keeps p95 under 200 ms at 500 req/s for 10,000 users (see PAY-12, @dana, cpto.language.precision)."
    )
    assert result.findings == []
    assert {"date", "duration", "cost", "quantity", "ticket", "handle", "module"} <= marker_kinds(result)


def test_a_workspace_feature_name_counts_as_precise() -> None:
    without = assess("Smart Export is too risky.")
    with_context = assess("Smart Export is too risky.", Context(features=("Smart Export",)))
    assert kinds(without) == [("Smart", "subjective"), ("too risky", "vague-risk")]
    assert with_context.findings == []
    assert [(m.text, m.kind) for m in with_context.markers] == [("Smart Export", "name")]


def test_a_vague_word_inside_a_known_name_is_part_of_the_name() -> None:
    context = Context(features=("Fast Checkout",), components=("billing",), people=("Dana K",))
    result = assess("The Fast Checkout flow owned by Dana K shall be robust.", context)
    assert kinds(result) == [("robust", "subjective")]
    assert sum(m.kind == "name" for m in result.markers) == 2


# --- score --------------------------------------------------------------------------------------------------


def test_precise_sentences_score_higher_than_vague_ones() -> None:
    precise = assess("The export shall finish in under 2 s for 10,000 rows.")
    plain = assess("The export shall write one file per account.")
    vague = assess("The export shall be fast.")
    vaguer = assess("The export should probably be fast, intuitive and robust, etc.")
    assert precise.score == 1.0
    assert precise.score > plain.score > vague.score > vaguer.score
    assert 0.0 <= vaguer.score < 0.5


def test_empty_text_is_precise() -> None:
    assert assess("   ") == Assessment(1.0, [], [])


# --- sentences ----------------------------------------------------------------------------------------------


def test_split_sentences_gives_offsets_that_map_back() -> None:
    text = "First one. Second one, e.g. this one.\n\n- item one\n- item two\nPrice is 3.5 EUR! Done?"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "First one.",
        "Second one, e.g. this one.",
        "- item one",
        "- item two\nPrice is 3.5 EUR!",
        "Done?",
    ]
