"""Tracing requirements through a real repository: explicit and inferred links, statuses, unplanned work."""

from __future__ import annotations

from pathlib import Path

import pytest

from cpto.history import store
from cpto.history.indexer import index_repository
from cpto.review.prd import read_prd
from cpto.review.service import review
from cpto.review.trace import IN_PROGRESS, NOT_STARTED, SHIPPED, RequirementTrace, TraceResult

PRD = """\
# Accounts

## Requirements

### AUTH-1: Password reset by email
A user who forgot the password gets a reset link by email.

### AUTH-2: Two-factor login
Login asks for a one-time code from an authenticator app (TOTP).

### AUTH-3: Single sign-on with SAML
Enterprise administrators connect their identity provider.

### BILL-1: Invoices as PDF
Customers download each invoice as a PDF document. See #42.
"""


def run_review(repo_path: Path, prd_path: Path, tmp_path: Path) -> TraceResult:
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo_path)
        return review(con, repo_path, [read_prd(prd_path)], records=[prd_path])


def by_id(result: TraceResult) -> dict[str, RequirementTrace]:
    return {t.requirement.id: t for t in result.requirements}


@pytest.fixture
def traced(make_repo, tmp_path: Path) -> tuple[TraceResult, dict[str, str]]:  # type: ignore[no-untyped-def]
    r = make_repo("product")
    shas = {}
    r.commit("chore: scaffold", {"app/__init__.py": "", "docs/prd/accounts.md": PRD})
    shas["reset"] = r.commit(
        "feat(auth): send password reset email (AUTH-1)",
        {
            "app/auth/reset.py": "def send_reset_link(user):\n    return mail(user.email, token())\n",
            "tests/test_reset.py": "# AUTH-1\ndef test_reset_link_is_mailed():\n    assert True\n",
        },
    )
    shas["invoice"] = r.commit(
        "Customers can download an invoice PDF (#42)",
        {"app/billing/invoice_pdf.py": "def render_invoice_pdf(invoice):\n    return pdf(invoice)\n"},
    )
    r.git("tag", "-a", "v1.0.0", "-m", "first release")
    shas["deps"] = r.commit("chore: bump dependencies", {"requirements.txt": "flask==3.0\n"})
    r.git("checkout", "-q", "-b", "feature/AUTH-2-totp")
    shas["totp"] = r.commit(
        "wip: authenticator codes", {"app/auth/totp.py": "def verify_code(secret, code):\n    ...\n"}
    )
    r.git("checkout", "-q", "main")
    result = run_review(r.path, r.path / "docs/prd/accounts.md", tmp_path)
    return result, shas


def test_an_id_in_a_commit_message_is_an_explicit_link(traced):
    result, shas = traced
    reset = by_id(result)["AUTH-1"]
    link = next(link for link in reset.links if link.ref == shas["reset"])
    assert link.explicit and link.linked and link.why == "message names AUTH-1"


def test_released_work_with_tests_is_shipped_and_says_where(traced):
    reset = by_id(traced[0])["AUTH-1"]
    assert reset.status == SHIPPED
    assert reset.releases == ["v1.0.0"] and reset.tests == ["tests/test_reset.py"]
    assert reset.effort.commits == 1 and reset.effort.people == ("Dana K",)


def test_an_id_in_a_code_comment_links_the_file(traced):
    reset = by_id(traced[0])["AUTH-1"]
    test_file = next(link for link in reset.links if link.ref == "tests/test_reset.py")
    assert test_file.explicit and test_file.why == "file names AUTH-1"


def test_work_only_on_a_branch_named_for_the_requirement_is_in_progress(traced):
    result, shas = traced
    totp = by_id(result)["AUTH-2"]
    link = next(link for link in totp.links if link.ref == shas["totp"])
    assert link.explicit and link.why == "on branch feature/AUTH-2-totp"
    assert totp.status == IN_PROGRESS and "only on feature/AUTH-2-totp" in totp.reason


def test_a_shared_issue_number_is_an_explicit_link(traced):
    result, shas = traced
    invoice = by_id(result)["BILL-1"]
    link = next(link for link in invoice.links if link.ref == shas["invoice"])
    assert link.explicit and link.why == "shares issue #42"


def test_words_alone_link_a_file_with_the_terms_that_matched(traced):
    invoice = by_id(traced[0])["BILL-1"]
    pdf = next(link for link in invoice.links if link.ref == "app/billing/invoice_pdf.py")
    assert pdf.linked and not pdf.explicit
    assert "invoic" in pdf.why or "pdf" in pdf.why


def test_a_requirement_nothing_matches_is_not_started(traced):
    sso = by_id(traced[0])["AUTH-3"]
    assert sso.status == NOT_STARTED and not any(link.linked for link in sso.links)


def test_commits_tracing_to_no_requirement_are_unplanned_work_by_area(traced):
    result, shas = traced
    assert shas["deps"] in {c.sha for c in result.unplanned}
    assert shas["reset"] not in {c.sha for c in result.unplanned}
    assert "(root)" in {a.area for a in result.unplanned_areas}


def test_the_prd_itself_is_never_evidence(traced):
    for t in traced[0].requirements:
        assert all(not link.ref.endswith("accounts.md") for link in t.links)


RELATED_PRD = """\
# Shipping

- SHIP-1: Shipping rates are computed from parcel weight and destination zone.
- SHIP-2: Customers see a countdown banner for same-day dispatch.
"""


def test_a_file_that_uses_a_matching_file_is_related_evidence(make_repo, tmp_path):
    r = make_repo("shop")
    r.commit(
        "Add checkout",
        {
            "shop/rates.py": "def rate_for(weight, zone):\n    # parcel weight and destination zone\n"
            "    return ZONES[zone] * weight\n",
            "shop/quote.py": "from shop import rates\n\ndef quote(cart):\n    return rates.rate_for(cart.kg, 2)\n",
            "shop/banner.py": "def countdown():\n    return 'same-day dispatch closes soon'\n",
        },
    )
    prd = tmp_path / "shipping.md"
    prd.write_text(RELATED_PRD)
    result = run_review(r.path, prd, tmp_path)
    files = {link.ref: link for link in by_id(result)["SHIP-1"].links if link.kind == "file"}
    assert "related to shop/rates.py" in files["shop/quote.py"].why
    assert files["shop/rates.py"].score > files["shop/quote.py"].score
    assert "shop/banner.py" not in files  # it shares no word and no reference


PAYMENTS_PRD = """\
- PAY-1: Refunds go back to the original card within five days.
- PAY-2: Receipts are emailed to the customer after each charge.
- PAY-3: Declined card charges are retried on a schedule.
- PAY-4: Administrators export a yearly tax summary of every charge.
"""


def test_a_requirement_matching_far_worse_than_the_others_gets_no_inferred_link(make_repo, tmp_path):
    """PAY-4 shares one everyday word ("charge") with the work; the others match theirs closely."""
    r = make_repo("payments")
    r.commit("Refund to the original card", {"pay/refunds.py": "def refund_to_original_card(): ...\n"})
    r.commit("Email a receipt to the customer", {"pay/receipts.py": "def email_receipt(customer): ...\n"})
    r.commit("Retry declined charges on a schedule", {"pay/retries.py": "def retry_declined(): ...\n"})
    prd = tmp_path / "payments.md"
    prd.write_text(PAYMENTS_PRD)
    result = run_review(r.path, prd, tmp_path)
    tax = by_id(result)["PAY-4"]
    assert tax.links, "its candidates are still listed, with scores"
    assert not [link for link in tax.links if link.linked]
    assert tax.status == NOT_STARTED
    assert all(by_id(result)[rid].linked("commit") for rid in ("PAY-1", "PAY-2", "PAY-3"))
