"""What the Acme demo workspace contains: people, code templates, documents and the storyline.

Everything here is plain data plus a few small render functions. :mod:`cpto.demo.builder` turns it into
a git history. Requirement status by construction is recorded in :data:`REQUIREMENT_STATUS` so tests and
demos can compare what cpto finds with what was built.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta

START = date(2026, 8, 24)
END = date(2026, 11, 13)

# --------------------------------------------------------------------------------------------------
# Schema
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Someone at Acme (or a bot) who commits; ``areas`` weights what their everyday commits touch."""

    handle: str
    name: str
    discipline: str
    role: str
    team: str
    manager: str | None
    emails: tuple[str, ...]
    region: str
    rate: float
    areas: tuple[tuple[str, float], ...]
    conventional: float = 0.7
    off: tuple[tuple[date, date], ...] = ()
    alt_name: str | None = None
    bot: bool = False


@dataclass(frozen=True)
class Noun:
    """A domain noun the code generators build functions around (snake/camel, type, field, words)."""

    n: str
    t: str
    f: str
    w: str


@dataclass(frozen=True)
class Src:
    """A source file's starting point: its generator kind, header, blocks and test companion."""

    kind: str
    header: str
    blocks: tuple[str, ...] = ()
    nouns: tuple[Noun, ...] = ()
    test: str | None = None
    import_from: str | None = None
    imports: tuple[str, ...] = ()
    pinned: bool = True


@dataclass(frozen=True)
class Put:
    """Write a whole file (documents: PRDs, decisions, incidents, roadmap)."""

    path: str
    text: str


@dataclass(frozen=True)
class NewFile:
    """Create a block-structured source file from a :class:`Src`."""

    path: str
    src: Src


@dataclass(frozen=True)
class AddBlock:
    """Append a block (function, component, rule, resource) to an existing file."""

    path: str
    code: str
    imports: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReplaceBlock:
    """Replace the block with the same name (the name is read from the code)."""

    path: str
    code: str


@dataclass(frozen=True)
class Sub:
    """Replace text everywhere in a file (imports after a rename, colours to tokens)."""

    path: str
    old: str
    new: str


@dataclass(frozen=True)
class Move:
    """Rename a file (git sees a delete plus an add and detects the rename)."""

    old: str
    new: str


@dataclass(frozen=True)
class SetParam:
    """Set one parameter of a parameter file (copy strings, config values)."""

    path: str
    key: str
    value: str


@dataclass(frozen=True)
class Generic:
    """Apply one of the everyday edit operations to a file: marker, unmarker, tweak or feature."""

    path: str
    op: str


@dataclass(frozen=True)
class NewParams:
    """Create a parameter file (rendered by one of :data:`RENDERERS`)."""

    path: str
    kind: str
    params: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Logo:
    """Write the binary PNG logo; variant 2 is the refreshed one."""

    variant: int


@dataclass(frozen=True)
class Initial:
    """The initial import: every base file at once."""


Change = (
    Put | NewFile | AddBlock | ReplaceBlock | Sub | Move | SetParam | Generic | NewParams | Logo | Initial
)


@dataclass(frozen=True)
class Story:
    """One scripted commit. ``at`` is local wall time of the author; None means 'some time that day'."""

    day: str
    who: str
    message: str
    changes: tuple[Change, ...] = ()
    at: str | None = None
    branch: str = "main"
    merge: str | None = None
    key: str | None = None
    release: str | None = None
    tag: str | None = None
    pr: bool = False
    github: bool = False
    alt_email: bool = False


# --------------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------------

PEOPLE: tuple[Person, ...] = (
    Person(
        "claire",
        "Claire Dubois",
        "leadership",
        "CEO",
        "leadership",
        None,
        ("claire@acme.example",),
        "paris",
        0.03,
        (("docs", 1.0),),
        conventional=0.2,
    ),
    Person(
        "dana",
        "Dana Kowalski",
        "product",
        "CPO",
        "leadership",
        "claire",
        ("dana@acme.example",),
        "new_york",
        0.18,
        (("copy", 0.5), ("docs", 0.5)),
        conventional=0.5,
    ),
    Person(
        "li",
        "Li Wei",
        "engineering",
        "CTO",
        "leadership",
        "claire",
        ("li@acme.example",),
        "london",
        0.45,
        (("api", 0.3), ("infra", 0.15), ("docs", 0.2), ("billing", 0.1), ("ci", 0.1), ("tests", 0.15)),
        conventional=0.55,
    ),
    Person(
        "sam",
        "Sam Okafor",
        "engineering",
        "Staff Engineer",
        "checkout",
        "li",
        ("sam@acme.example",),
        "berlin",
        1.2,
        (
            ("api", 0.45),
            ("billing", 0.1),
            ("web", 0.1),
            ("tests", 0.22),
            ("infra", 0.05),
            ("docs", 0.03),
            ("ci", 0.05),
        ),
        conventional=0.8,
    ),
    Person(
        "priya",
        "Priya Raman",
        "engineering",
        "Senior Frontend Engineer",
        "checkout",
        "li",
        ("priya@acme.example", "priya.raman.dev@gmail.com"),
        "bangalore",
        1.15,
        (("web", 0.6), ("css", 0.1), ("tests", 0.22), ("api", 0.05), ("copy", 0.03)),
        conventional=0.65,
        off=((date(2026, 9, 28), date(2026, 10, 2)),),
        alt_name="priya-r",
    ),
    Person(
        "marco",
        "Marco Bianchi",
        "engineering",
        "Backend Engineer",
        "billing",
        "li",
        ("marco@acme.example",),
        "berlin",
        1.0,
        (("billing", 0.55), ("api", 0.15), ("tests", 0.25), ("docs", 0.05)),
        conventional=0.75,
    ),
    Person(
        "jordan",
        "Jordan Reyes",
        "engineering",
        "Platform Engineer",
        "platform",
        "li",
        ("jordan@acme.example",),
        "new_york",
        0.75,
        (("infra", 0.5), ("ci", 0.15), ("deps", 0.3), ("docs", 0.05)),
        conventional=0.9,
        off=((date(2026, 10, 26), date(2026, 10, 30)),),
    ),
    Person(
        "aiko",
        "Aiko Tanaka",
        "design",
        "Product Designer",
        "checkout",
        "dana",
        ("aiko@acme.example",),
        "london",
        0.22,
        (("css", 0.55), ("copy", 0.35), ("web", 0.1)),
        conventional=0.4,
    ),
    Person(
        "nina",
        "Nina Petrova",
        "data",
        "Data Analyst",
        "data",
        "dana",
        ("nina@acme.example",),
        "berlin",
        0.18,
        (("data", 0.7), ("docs", 0.3)),
        conventional=0.6,
    ),
)

BOT = Person(
    "dependabot",
    "dependabot[bot]",
    "bot",
    "bot",
    "platform",
    None,
    ("49699333+dependabot[bot]@users.noreply.github.com",),
    "utc",
    0.0,
    (("deps", 1.0),),
    bot=True,
)

GITHUB = ("GitHub", "noreply@github.com")
PEOPLE_COUNT = len(PEOPLE)


def people_yaml() -> str:
    """people.yaml: handles, names, disciplines, roles, teams, managers and commit emails."""
    out = ["# Who is who at Acme. The emails map git commits to people (one person, many emails).", "people:"]
    for p in PEOPLE:
        out += [
            f"  - handle: {p.handle}",
            f"    name: {p.name}",
            f"    discipline: {p.discipline}",
            f"    role: {p.role}",
            f"    team: {p.team}",
        ]
        if p.manager:
            out.append(f"    manager: {p.manager}")
        out.append(f"    emails: [{', '.join(p.emails)}]")
    return "\n".join(out) + "\n"


CPTO_TOML = """\
# cpto workspace settings for Acme. Everything is optional; these are the team's choices.

[workspace]
name = "Acme"
repos = ["."]
prds = ["docs/prd/**/*.md"]
decisions = "decisions"
incidents = "incidents"
roadmap = "roadmap.yaml"
people = "people.yaml"

[working_agreement]
outcomes = "product"
experience = "design"
implementation = "engineering"
appeals_to = "ceo"
max_appeal_rate = "20%"   # appealed decisions per decisions made, per quarter

[meetings]
joint_review = "thursday"   # decisions ready earlier should not wait for it

[sla]
decision = "2d"
approval = "1d"

[deploys]
tags = "v*"

[incidents]
severities = ["SEV1", "SEV2", "SEV3"]
"""


def readme(seed: int) -> str:
    """The workspace README: says loudly that this is generated demo data."""
    return f"""\
# Acme Checkout (cpto demo workspace)

**This repository is generated demo data.** Acme, its people, its code and its records are made up.
`cpto demo` built it from seed {seed}; the same seed always gives the same commits, byte for byte.

Acme Checkout is a small web shop checkout: a Python API (`api/`), a React front end (`web/`), billing
jobs (`billing/`), Terraform (`infra/`) and docs (`docs/`). Twelve weeks of history (24 August to
13 November 2026) by nine people in product, design, engineering and data, next to the records a
leadership team keeps in git:

| Path | What it is |
|------|------------|
| `cpto.toml` | workspace settings and the working agreement |
| `people.yaml` | who is who; emails map commits to people |
| `roadmap.yaml` | the roadmap, changed at the joint review every other Thursday |
| `docs/prd/` | product requirement documents with requirement IDs |
| `decisions/` | decision records (MADR), including appeals |
| `incidents/` | incident records with timelines and the change that caused them |

Point cpto at this folder to see the whole picture.
"""


GITIGNORE = """\
__pycache__/
*.pyc
.venv/
node_modules/
web/dist/
.terraform/
*.tfstate*
.cpto/
"""

# --------------------------------------------------------------------------------------------------
# Nouns for the code generators
# --------------------------------------------------------------------------------------------------

ORDER_NOUNS = (
    Noun("order", "Order", "lines", "order"),
    Noun("refund", "Refund", "amount_cents", "refund"),
    Noun("receipt", "Receipt", "email", "receipt"),
    Noun("shipment", "Shipment", "tracking_code", "shipment"),
)
CART_NOUNS = (
    Noun("cart", "Cart", "lines", "cart"),
    Noun("coupon", "Coupon", "code", "coupon"),
    Noun("line", "Line", "sku", "cart line"),
)
MONEY_NOUNS = (Noun("price", "Money", "cents", "price"), Noun("discount", "Discount", "percent", "discount"))
GUEST_NOUNS = (
    Noun("guest", "GuestCustomer", "email", "guest"),
    Noun("session", "CheckoutSession", "token", "checkout session"),
)
TAX_NOUNS = (
    Noun("rate", "TaxRate", "country", "tax rate"),
    Noun("exemption", "TaxExemption", "vat_id", "tax exemption"),
)
INVOICE_NOUNS = (
    Noun("invoice", "Invoice", "number", "invoice"),
    Noun("credit_note", "CreditNote", "reason", "credit note"),
    Noun("charge", "Charge", "status", "charge"),
)
DUNNING_NOUNS = (
    Noun("renewal", "Renewal", "charge_id", "failed renewal"),
    Noun("subscription", "Subscription", "plan", "subscription"),
)
CARD_NOUNS = (
    Noun("card", "SavedCard", "token", "saved card"),
    Noun("mandate", "Mandate", "reference", "mandate"),
)
STRIPE_NOUNS = (
    Noun("payment_intent", "PaymentIntent", "client_secret", "payment intent"),
    Noun("payout", "Payout", "arrival_date", "payout"),
)
ROUTE_NOUNS = (
    Noun("order", "orders", "id", "order"),
    Noun("refund", "refunds", "id", "refund"),
    Noun("shipment", "shipments", "id", "shipment"),
    Noun("coupon", "coupons", "code", "coupon"),
)
CLIENT_NOUNS = (
    Noun("cart", "Cart", "totalCents", "cart"),
    Noun("order", "Order", "status", "order"),
    Noun("address", "Address", "postcode", "address"),
    Noun("paymentMethod", "PaymentMethod", "last4", "payment method"),
)
SUMMARY_NOUNS = (
    Noun("line", "CartLine", "quantity", "line"),
    Noun("discount", "Discount", "code", "discount"),
    Noun("shipping", "ShippingOption", "carrier", "shipping option"),
)
PAYMENT_NOUNS = (
    Noun("card", "CardDetails", "brand", "card"),
    Noun("intent", "PaymentIntent", "status", "payment"),
)
TF_NOUNS = (
    Noun("checkout_api", "", "", "checkout API"),
    Noun("dunning", "", "", "dunning job"),
    Noun("orders_db", "", "", "orders database"),
    Noun("webhooks", "", "", "webhooks"),
    Noun("assets", "", "", "static assets"),
)
CSS_NOUNS = (
    Noun("summary-row", "", "", "summary rows"),
    Noun("badge", "", "", "badges"),
    Noun("step-header", "", "", "step headers"),
    Noun("coupon", "", "", "coupon field"),
    Noun("trust-badges", "", "", "trust badges"),
    Noun("help-text", "", "", "help text"),
    Noun("card-brand", "", "", "card brand icons"),
    Noun("progress", "", "", "progress bar"),
)

# --------------------------------------------------------------------------------------------------
# Code generator templates. Tokens: @n@ noun, @N@ Noun, @T@ type, @f@ field, @w@ words, @a@ adjective.
# Each template: (name pattern, code, commit phrase, test code)
# --------------------------------------------------------------------------------------------------

ADJECTIVES = ("expired", "paid", "pending", "refundable", "settled", "eligible", "locked", "stale")

PY_MODULE: dict[str, tuple[str, str, str, str]] = {
    "validate": (
        "validate_@n@",
        '''def validate_@n@(@n@: @T@) -> None:
    """Raise ValueError when the @w@ cannot be used at checkout."""
    if @n@ is None:
        raise ValueError("missing @w@")
    if not @n@.@f@:
        raise ValueError("@w@ has no @f@")''',
        "validate @w@s before saving",
        """def test_validate_@n@_rejects_missing_@f@(make_@n@):
    with pytest.raises(ValueError):
        validate_@n@(make_@n@(@f@=None))""",
    ),
    "format": (
        "format_@n@",
        '''def format_@n@(@n@: @T@, currency: str = "EUR") -> str:
    """Human-readable @w@ amount for receipts and emails."""
    amount = @n@.total_cents / 100
    return f"{amount:,.2f} {currency}"''',
        "format @w@ amounts for receipts",
        '''def test_format_@n@_uses_two_decimals(make_@n@):
    assert format_@n@(make_@n@(total_cents=1999)) == "19.99 EUR"''',
    ),
    "is": (
        "is_@n@_@a@",
        '''def is_@n@_@a@(@n@: @T@) -> bool:
    """True when the @w@ is @a@."""
    return bool(@n@.@f@) and @n@.status == "@a@"''',
        "add is_@n@_@a@ check",
        """def test_is_@n@_@a@(make_@n@):
    assert is_@n@_@a@(make_@n@(status="@a@"))
    assert not is_@n@_@a@(make_@n@(status="draft"))""",
    ),
    "load": (
        "load_@n@s",
        '''def load_@n@s(customer_id: str, limit: int = 50) -> list[@T@]:
    """Most recent @w@s for a customer, newest first."""
    rows = store.query("@n@s", customer_id=customer_id, order_by="-created_at", limit=limit)
    return [@T@(**row) for row in rows]''',
        "load a customer's @w@s newest first",
        """def test_load_@n@s_newest_first(store, make_@n@):
    older, newer = make_@n@(created_at="2026-01-01"), make_@n@(created_at="2026-02-01")
    store.insert_many("@n@s", [older, newer])
    assert [x.id for x in load_@n@s(older.customer_id)] == [newer.id, older.id]""",
    ),
    "to_dict": (
        "@n@_to_dict",
        '''def @n@_to_dict(@n@: @T@) -> dict[str, object]:
    """Serialise a @w@ for the public API."""
    return {
        "id": @n@.id,
        "@f@": @n@.@f@,
        "created_at": @n@.created_at.isoformat(),
    }''',
        "expose @w@s in the public API",
        """def test_@n@_to_dict_has_id(make_@n@):
    @n@ = make_@n@()
    assert @n@_to_dict(@n@)["id"] == @n@.id""",
    ),
    "count": (
        "count_@n@s_by_status",
        '''def count_@n@s_by_status(@n@s: list[@T@]) -> dict[str, int]:
    """Tally @w@s per status for the support dashboard."""
    counts: dict[str, int] = {}
    for item in @n@s:
        counts[item.status] = counts.get(item.status, 0) + 1
    return counts''',
        "count @w@s by status",
        """def test_count_@n@s_by_status(make_@n@):
    items = [make_@n@(status="paid"), make_@n@(status="paid"), make_@n@(status="pending")]
    assert count_@n@s_by_status(items) == {"paid": 2, "pending": 1}""",
    ),
    "retry": (
        "retry_@n@",
        '''def retry_@n@(client: Client, @n@_id: str, attempts: int = 3) -> bool:
    """Retry a @w@ call with exponential backoff."""
    for attempt in range(attempts):
        if client.post(f"/@n@s/{@n@_id}/retry").ok:
            return True
        time.sleep(2**attempt)
    return False''',
        "retry @w@ calls with backoff",
        """def test_retry_@n@_gives_up(flaky_client):
    assert not retry_@n@(flaky_client(fail_times=5), "x_1", attempts=2)""",
    ),
    "find": (
        "find_@n@",
        '''def find_@n@(@n@_id: str) -> @T@ | None:
    """Look up one @w@; None when it does not exist."""
    row = store.get("@n@s", @n@_id)
    return @T@(**row) if row else None''',
        "look up @w@s by id",
        """def test_find_@n@_missing_returns_none(store):
    assert find_@n@("does-not-exist") is None""",
    ),
}

PY_ROUTES: dict[str, tuple[str, str, str, str]] = {
    "get": (
        "get_@n@",
        '''@app.get("/@n@s/{@n@_id}")
def get_@n@(request: Request, @n@_id: str) -> Response:
    """Return one @w@."""
    return json_response(@t@.to_dict(@t@.load(@n@_id)))''',
        "GET endpoint for a single @w@",
        """def test_get_@n@_404(client):
    assert client.get("/@n@s/missing").status_code == 404""",
    ),
    "list": (
        "list_@n@s",
        '''@app.get("/customers/{customer_id}/@n@s")
def list_@n@s(request: Request, customer_id: str) -> Response:
    """A customer's @w@s, newest first."""
    limit = min(int(request.query.get("limit", 20)), 100)
    return json_response([@t@.to_dict(x) for x in @t@.for_customer(customer_id, limit=limit)])''',
        "list a customer's @w@s",
        """def test_list_@n@s_caps_limit(client):
    assert client.get("/customers/c_1/@n@s?limit=500").status_code == 200""",
    ),
    "delete": (
        "delete_@n@",
        '''@app.delete("/@n@s/{@n@_id}")
def delete_@n@(request: Request, @n@_id: str) -> Response:
    """Delete a @w@; deleting twice is fine."""
    @t@.delete(@n@_id)
    return json_response({}, status=204)''',
        "DELETE endpoint for @w@s",
        """def test_delete_@n@_is_idempotent(client):
    assert client.delete("/@n@s/x_1").status_code == 204
    assert client.delete("/@n@s/x_1").status_code == 204""",
    ),
}

TS_MODULE: dict[str, tuple[str, str, str, str]] = {
    "format": (
        "format@N@",
        """export function format@N@(@n@: @T@): string {
  return `${@n@.@f@}`.trim();
}""",
        "format @w@ for display",
        """it("formats a @w@", () => {
  expect(format@N@(make@N@({ @f@: "x" }))).toBe("x");
});""",
    ),
    "isReady": (
        "is@N@Ready",
        """export function is@N@Ready(@n@: @T@ | undefined): boolean {
  return Boolean(@n@ && @n@.@f@);
}""",
        "check whether the @w@ is ready",
        """it("treats a missing @w@ as not ready", () => {
  expect(is@N@Ready(undefined)).toBe(false);
});""",
    ),
    "fetch": (
        "fetch@N@s",
        """export async function fetch@N@s(customerId: string): Promise<@T@[]> {
  const res = await api.get(`/customers/${customerId}/@n@s`);
  return res.data as @T@[];
}""",
        "fetch a customer's @w@s",
        """it("fetches @w@s for a customer", async () => {
  mockApi({ "/customers/c_1/@n@s": [] });
  expect(await fetch@N@s("c_1")).toEqual([]);
});""",
    ),
    "use": (
        "use@N@",
        """export function use@N@(id: string): @T@ | null {
  const [@n@, set@N@] = useState<@T@ | null>(null);
  useEffect(() => {
    api.get(`/@n@s/${id}`).then((res) => set@N@(res.data));
  }, [id]);
  return @n@;
}""",
        "use@N@ hook",
        """it("use@N@ starts empty", () => {
  const { result } = renderHook(() => use@N@("x_1"));
  expect(result.current).toBeNull();
});""",
    ),
    "sort": (
        "sort@N@s",
        """export function sort@N@s(items: @T@[]): @T@[] {
  return [...items].sort((a, b) => String(a.@f@).localeCompare(String(b.@f@)));
}""",
        "sort @w@s predictably",
        """it("sorts @w@s without mutating the input", () => {
  const items = [make@N@({ @f@: "b" }), make@N@({ @f@: "a" })];
  expect(sort@N@s(items)[0].@f@).toBe("a");
  expect(items[0].@f@).toBe("b");
});""",
    ),
    "row": (
        "@N@Row",
        """export function @N@Row({ @n@ }: { @n@: @T@ }) {
  return (
    <div className="checkout-row">
      <span>{String(@n@.@f@)}</span>
    </div>
  );
}""",
        "@N@Row component",
        """it("renders a @w@ row", () => {
  render(<@N@Row @n@={make@N@({ @f@: "x" })} />);
  expect(screen.getByText("x")).toBeInTheDocument();
});""",
    ),
}

TF_TEMPLATES: dict[str, tuple[str, str, str]] = {
    "alarm": (
        "@n@_errors",
        """resource "aws_cloudwatch_metric_alarm" "@n@_errors" {
  alarm_name          = "@n@-errors"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  metric_name         = "Errors"
  namespace           = "Acme/Checkout"
  period              = 60
  statistic           = "Sum"
  threshold           = 25
  alarm_actions       = [aws_sns_topic.oncall.arn]
}""",
        "alarm on @w@ errors",
    ),
    "queue": (
        "@n@_dlq",
        """resource "aws_sqs_queue" "@n@_dlq" {
  name                      = "@n@-dlq"
  message_retention_seconds = 1209600
}""",
        "dead-letter queue for @w@",
    ),
    "bucket": (
        "@n@_logs",
        """resource "aws_s3_bucket" "@n@_logs" {
  bucket = "acme-@n@-logs"
  tags = {
    team = "platform"
  }
}""",
        "log bucket for @w@",
    ),
    "dashboard": (
        "@n@_dashboard",
        """resource "aws_cloudwatch_dashboard" "@n@_dashboard" {
  dashboard_name = "@n@"
  dashboard_body = file("${path.module}/dashboards/@n@.json")
}""",
        "dashboard for @w@",
    ),
}

CSS_TEMPLATE = """.checkout-@n@ {
  display: flex;
  align-items: center;
  gap: @p1@px;
  padding: @p2@px @p3@px;
}"""

EVENT_POOL: tuple[tuple[str, str], ...] = (
    ("address_suggestion_picked", "The shopper picked an autocomplete suggestion."),
    ("guest_checkout_chosen", "The shopper chose to continue as a guest."),
    ("coupon_applied", "A coupon code was accepted."),
    ("coupon_rejected", "A coupon code was rejected; props carry the reason."),
    ("payment_failed", "The payment provider declined or errored."),
    ("saved_card_used", "The shopper paid with a saved card."),
    ("account_created_after_order", "A guest created an account on the confirmation page."),
    ("tax_breakdown_viewed", "The shopper expanded the tax breakdown."),
    ("order_confirmed", "The confirmation page was shown."),
    ("checkout_abandoned", "No activity for 30 minutes after reaching checkout."),
    ("wallet_button_shown", "A wallet button was rendered."),
    ("onboarding_step_completed", "A merchant finished an onboarding step."),
)

EVENT_TEMPLATE = '''def @e@(cart_id: str, **props: str) -> None:
    """@d@"""
    emit("@e@", cart_id=cart_id, **props)'''

MD_POOLS: dict[str, tuple[str, ...]] = {
    "docs/architecture.md": (
        "## Feature flags\n\nFlags live in `api/settings.py` (`FEATURE_FLAGS`). A flag that has been at 100% "
        "for two sprints gets removed; the owner is named in the decision that introduced it.",
        "## Saved cards and the vault\n\nWe never store card numbers. `billing/cards.py` keeps the Stripe "
        "payment-method id as a vault token plus brand, last four digits and expiry.",
        "## Dunning job\n\nA nightly job (`billing/dunning.py`) retries failed renewals on day 1, 3 and 7 "
        "and emails the customer after every failed attempt.",
        "## Observability\n\nStructured logs go to CloudWatch; every request carries `x-request-id`. "
        "Alarms are defined next to the service in `infra/`.",
        "## Data flow for analytics\n\nProduct events are emitted from `api/events.py` and land in the "
        "warehouse within 15 minutes. Definitions are in `docs/metrics.md`.",
    ),
    "docs/metrics.md": (
        "## Guest share\n\nOrders placed without an account divided by all orders, per week.",
        "## Recovery rate (dunning)\n\nFailed renewals that succeed within 7 days divided by all failed "
        "renewals in the same week.",
        "## Saved-card reuse\n\nOrders paid with a saved card divided by orders from returning customers.",
        "## Time to first test payment\n\nMinutes from merchant sign-up to the first successful test "
        "payment; reported as median and p80.",
        "## Refund rate\n\nRefunded orders divided by all orders, by week of the original order.",
        "## Address autocomplete usage\n\nCheckouts where an autocomplete suggestion was picked divided by "
        "checkouts that reached the address step.",
    ),
    "docs/runbook.md": (
        "## Paging\n\nPagerDuty service `checkout`. The secondary is paged after 10 minutes.",
        "## Database failover\n\n`aws rds failover-db-cluster --db-cluster-identifier checkout`. Expect "
        "30-60 s of errors.",
        "## Feature flags\n\nFlags are read at start-up; change `FEATURE_FLAGS` and redeploy the last tag.",
    ),
}

FIX_PHRASES: dict[str, tuple[str, ...]] = {
    "api": (
        "handle missing @w@ in @fn@",
        "return 404 instead of 500 for unknown @w@s",
        "off-by-one in @fn@ pagination",
        "do not log full @w@ payloads",
    ),
    "billing": (
        "handle missing @w@ in @fn@",
        "round @w@ amounts half-even",
        "avoid double @w@ lookups",
        "use the customer's currency for @w@s",
    ),
    "web": (
        "guard against empty @w@ in @fn@",
        "keep focus on the pay button after errors",
        "stop @fn@ from re-rendering on every keystroke",
        "handle slow networks in @fn@",
    ),
    "infra": ("tighten @w@ alarm threshold", "right-size @w@", "raise @w@ retention"),
}

FREEFORM = (
    "wip",
    "address review comments",
    "small fixes",
    "fix lint",
    "oops",
    "more tests",
    "tidy up",
    "Make the linter happy",
    "cleanup",
    "review feedback",
)

MARKERS: dict[str, tuple[str, ...]] = {
    "TODO": (
        "handle partial refunds",
        "remove once checkout_v2 is on for everyone",
        "cache this per request",
        "move to a background job",
        "add metrics",
        "paginate",
        "translate this string",
        "use the shared money formatter",
        "split this when it grows again",
    ),
    "FIXME": (
        "rounding is wrong for JPY",
        "race when two tabs submit at once",
        "N+1 query for big carts",
        "breaks when the customer has no email",
        "timezone is assumed to be UTC",
    ),
}

COPY_START: dict[str, str] = {
    "payment.title": "Payment",
    "payment.pay_button": "Pay now",
    "payment.card_declined": "Your card was declined.",
    "payment.processing": "Processing…",
    "summary.title": "Order summary",
    "summary.total": "Total",
    "address.title": "Shipping address",
    "address.street_label": "Street address",
    "errors.generic": "Something went wrong. Please try again.",
    "confirmation.title": "Thanks for your order!",
}

COPY_VARIANTS: dict[str, tuple[str, ...]] = {
    "payment.pay_button": ("Pay now", "Pay securely", "Place order", "Pay {amount}"),
    "payment.card_declined": (
        "Your card was declined.",
        "Your bank declined this payment. Try another card.",
        "That card didn't work. Check the details or use another card.",
    ),
    "payment.processing": ("Processing…", "Confirming with your bank…", "One moment…"),
    "errors.generic": (
        "Something went wrong. Please try again.",
        "We couldn't finish that. Nothing was charged; please try again.",
        "Something went wrong on our side. Your card was not charged.",
    ),
    "confirmation.title": ("Thanks for your order!", "Order confirmed", "You're all set"),
    "summary.title": ("Order summary", "Your order", "Summary"),
    "address.title": ("Shipping address", "Where should we send it?", "Delivery address"),
}

COPY_NEW: tuple[tuple[str, str], ...] = (
    ("guest.continue", "Continue as guest"),
    ("guest.create_account", "Save your details for next time"),
    ("summary.tax", "Tax"),
    ("summary.subtotal", "Subtotal"),
    ("payment.secure_note", "Payments are encrypted and processed by Stripe."),
    ("address.manual_entry", "Enter address manually"),
    ("errors.network", "You seem to be offline. We'll retry when you're back."),
    ("confirmation.receipt_sent", "We've emailed your receipt to {email}."),
)

PY_DEPS = {
    "stripe": "10.1.0",
    "psycopg[binary]": "3.2.1",
    "pydantic": "2.8.2",
    "structlog": "24.4.0",
    "httpx": "0.27.0",
    "pytest": "8.3.2",
    "ruff": "0.5.5",
}
JS_DEPS = {
    "dep:react": "18.3.1",
    "dep:react-dom": "18.3.1",
    "dep:axios": "1.7.2",
    "dep:@stripe/stripe-js": "4.1.0",
    "dep:zod": "3.23.8",
    "dev:typescript": "5.5.3",
    "dev:vite": "5.3.4",
    "dev:vitest": "2.0.3",
    "dev:@testing-library/react": "16.0.0",
    "dev:eslint": "9.7.0",
}
CI_PARAMS = {"python": "3.12", "node": "20.15", "pytest_args": "-q", "ruff": "0.5.5", "timeout": "15"}
TFVARS = {
    "region": "eu-central-1",
    "api_min_replicas": "3",
    "api_max_replicas": "12",
    "db_instance_class": "db.r6g.large",
    "dunning_concurrency": "4",
    "log_retention_days": "30",
}

# --------------------------------------------------------------------------------------------------
# Parameter-file renderers
# --------------------------------------------------------------------------------------------------


def _integrity(name: str, version: str) -> str:
    """A stable fake sha512 integrity string for a package version."""
    digest = hashlib.sha512(f"{name}@{version}".encode()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def render_package_json(p: dict[str, str]) -> str:
    """web/package.json from version and dependency parameters."""
    doc = {
        "name": "acme-checkout-web",
        "version": p["version"],
        "private": True,
        "type": "module",
        "scripts": {
            "dev": "vite",
            "build": "tsc -b && vite build",
            "test": "vitest run",
            "lint": "eslint src",
        },
        "dependencies": {k[4:]: "^" + v for k, v in p.items() if k.startswith("dep:")},
        "devDependencies": {k[4:]: "^" + v for k, v in p.items() if k.startswith("dev:")},
    }
    return json.dumps(doc, indent=2) + "\n"


def render_package_lock(p: dict[str, str]) -> str:
    """web/package-lock.json (lockfile v3) pinned to exactly the parameter versions."""
    deps = {k[4:]: v for k, v in p.items() if k.startswith("dep:")}
    dev = {k[4:]: v for k, v in p.items() if k.startswith("dev:")}
    packages: dict[str, object] = {
        "": {
            "name": "acme-checkout-web",
            "version": p["version"],
            "dependencies": {k: "^" + v for k, v in deps.items()},
            "devDependencies": {k: "^" + v for k, v in dev.items()},
        },
    }
    for name, version in sorted({**deps, **dev}.items()):
        entry: dict[str, object] = {
            "version": version,
            "resolved": f"https://registry.npmjs.org/{name}/-/{name.split('/')[-1]}-{version}.tgz",
            "integrity": _integrity(name, version),
        }
        if name in dev:
            entry["dev"] = True
        packages[f"node_modules/{name}"] = entry
    doc = {
        "name": "acme-checkout-web",
        "version": p["version"],
        "lockfileVersion": 3,
        "requires": True,
        "packages": packages,
    }
    return json.dumps(doc, indent=2) + "\n"


def render_requirements(p: dict[str, str]) -> str:
    """api/requirements.txt, pinned."""
    lines = ["# Pinned by `pip-compile`; bump with `make deps`."]
    lines += [f"{name}=={version}" for name, version in p.items()]
    return "\n".join(lines) + "\n"


def render_ci(p: dict[str, str]) -> str:
    """.github/workflows/ci.yml."""
    return f"""\
name: ci
on:
  push:
    branches: [main]
  pull_request:

jobs:
  api:
    runs-on: ubuntu-latest
    timeout-minutes: {p["timeout"]}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "{p["python"]}"
      - run: pip install -r api/requirements.txt
      - run: pipx run ruff=={p["ruff"]} check api billing
      - run: pytest {p["pytest_args"]} api/tests billing/tests

  web:
    runs-on: ubuntu-latest
    timeout-minutes: {p["timeout"]}
    defaults:
      run:
        working-directory: web
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: "{p["node"]}"
          cache: npm
          cache-dependency-path: web/package-lock.json
      - run: npm ci
      - run: npm run lint
      - run: npm test
"""


def render_tfvars(p: dict[str, str]) -> str:
    """infra/production.tfvars."""
    width = max(len(k) for k in p)
    lines = []
    for key, value in p.items():
        shown = value if value.isdigit() else f'"{value}"'
        lines.append(f"{key.ljust(width)} = {shown}")
    return "\n".join(lines) + "\n"


def render_copy(p: dict[str, str]) -> str:
    """web/src/copy/en.json."""
    return json.dumps(p, indent=2, ensure_ascii=False) + "\n"


def render_version(p: dict[str, str]) -> str:
    """api/version.py."""
    return f'"""Release version, bumped by the release commit."""\n\n__version__ = "{p["version"]}"\n'


RENDERERS = {
    "package_json": render_package_json,
    "package_lock": render_package_lock,
    "requirements": render_requirements,
    "ci": render_ci,
    "tfvars": render_tfvars,
    "copy": render_copy,
    "version": render_version,
}

DEPLOY_YML = """\
name: deploy
on:
  push:
    tags: ["v*"]

jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@v4
      - run: ./infra/scripts/deploy.sh "${GITHUB_REF_NAME}"
"""

TSCONFIG = """\
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "ESNext",
    "moduleResolution": "bundler",
    "jsx": "react-jsx",
    "strict": true,
    "skipLibCheck": true
  },
  "include": ["src"]
}
"""

# --------------------------------------------------------------------------------------------------
# The initial import: block-structured source files
# --------------------------------------------------------------------------------------------------

PY_TEST_HEADER = "from __future__ import annotations\n\nimport pytest"

BASE_SOURCES: dict[str, Src] = {
    "api/app.py": Src(
        "py-routes",
        '''"""HTTP entry point for the Acme Checkout API."""

from __future__ import annotations

import logging

from api import settings
from api.checkout import cart, orders
from api.http import App, Request, Response, json_response

logger = logging.getLogger(__name__)
app = App(name="acme-checkout", timeout=settings.REQUEST_TIMEOUT_SECONDS)''',
        (
            '''@app.get("/health")
def health(request: Request) -> Response:
    """Liveness probe for the load balancer."""
    return json_response({"ok": True})''',
            '''@app.post("/carts/{cart_id}/items")
def add_item(request: Request, cart_id: str) -> Response:
    """Add a product to a cart and return the new totals."""
    body = request.json()
    current = cart.load(cart_id)
    current = cart.add_line(current, body["sku"], int(body.get("quantity", 1)))
    return json_response(cart.totals(current))''',
            '''@app.get("/carts/{cart_id}")
def get_cart(request: Request, cart_id: str) -> Response:
    """A cart with its totals."""
    current = cart.load(cart_id)
    return json_response({"id": current.id, "totals": cart.totals(current)})''',
            '''@app.post("/orders")
def create_order(request: Request) -> Response:
    """Turn a cart into an order once payment has been authorised."""
    body = request.json()
    order = orders.create(body["cart_id"], body["payment_intent"])
    logger.info("order created", extra={"order_id": order.id})
    return json_response(orders.to_dict(order), status=201)''',
        ),
        ROUTE_NOUNS,
        "api/tests/test_app.py",
        pinned=False,
    ),
    "api/settings.py": Src(
        "py-settings",
        '''"""Runtime settings, read once from the environment."""

from __future__ import annotations

import os''',
        (
            'DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://localhost/checkout")',
            "REQUEST_TIMEOUT_SECONDS = 10",
            """FEATURE_FLAGS: dict[str, bool] = {
    "checkout_v2": False,
}""",
        ),
    ),
    "api/checkout/cart.py": Src(
        "py-module",
        '''"""Carts: lines, quantities and totals."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from api.checkout.utils import Money, round_half_even
from api.db import store

logger = logging.getLogger(__name__)
MAX_QUANTITY = 99''',
        (
            """@dataclass
class Line:
    sku: str
    quantity: int
    unit_price: Money""",
            """@dataclass
class Cart:
    id: str
    customer_id: str | None
    currency: str = "EUR"
    lines: list[Line] = field(default_factory=list)""",
            '''def load(cart_id: str) -> Cart:
    """Fetch a cart from the store, raising KeyError when it does not exist."""
    row = store.get("carts", cart_id)
    lines = [Line(sku=l["sku"], quantity=l["quantity"], unit_price=store.price(l["sku"])) for l in row["lines"]]
    return Cart(id=row["id"], customer_id=row["customer_id"], currency=row["currency"], lines=lines)''',
            '''def add_line(cart: Cart, sku: str, quantity: int) -> Cart:
    """Add or merge a line, capping the quantity at MAX_QUANTITY."""
    for line in cart.lines:
        if line.sku == sku:
            line.quantity = min(line.quantity + quantity, MAX_QUANTITY)
            return cart
    cart.lines.append(Line(sku=sku, quantity=min(quantity, MAX_QUANTITY), unit_price=store.price(sku)))
    return cart''',
            '''def totals(cart: Cart) -> dict[str, int]:
    """Subtotal, tax and total in minor units."""
    if not cart.lines:
        return {"subtotal": 0, "tax": 0, "total": 0}
    subtotal = sum(line.unit_price.cents * line.quantity for line in cart.lines)
    tax = round_half_even(subtotal * 0.2)
    return {"subtotal": subtotal, "tax": tax, "total": subtotal + tax}''',
        ),
        CART_NOUNS,
        "api/tests/test_cart.py",
    ),
    "api/checkout/orders.py": Src(
        "py-module",
        '''"""Orders: created from a paid cart, never edited afterwards."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from api.checkout import cart as carts
from api.checkout.utils import Money
from api.db import store
from api.http import Client

logger = logging.getLogger(__name__)''',
        (
            """@dataclass
class Order:
    id: str
    cart_id: str
    customer_id: str | None
    total: Money
    status: str
    created_at: datetime
    receipt_email: str | None = None""",
            '''def create(cart_id: str, payment_intent: str) -> Order:
    """Create an order for a cart whose payment intent has succeeded."""
    current = carts.load(cart_id)
    total = carts.totals(current)["total"]
    order = Order(
        id=store.new_id("ord"),
        cart_id=cart_id,
        customer_id=current.customer_id,
        total=Money(total, current.currency),
        status="paid",
        created_at=datetime.now(timezone.utc),
    )
    store.insert("orders", order.__dict__ | {"payment_intent": payment_intent})
    return order''',
            '''def to_dict(order: Order) -> dict[str, object]:
    """Public representation of an order."""
    return {
        "id": order.id,
        "status": order.status,
        "total": order.total.cents,
        "currency": order.total.currency,
        "created_at": order.created_at.isoformat(),
    }''',
            '''def for_customer(customer_id: str, limit: int = 20) -> list[Order]:
    """A customer's orders, newest first."""
    rows = store.query("orders", customer_id=customer_id, order_by="-created_at", limit=limit)
    return [Order(**row) for row in rows]''',
        ),
        ORDER_NOUNS,
        "api/tests/test_orders.py",
        pinned=False,
    ),
    "api/checkout/utils.py": Src(
        "py-module",
        '''"""Money helpers. Amounts are integers in minor units (cents)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from api.db import store''',
        (
            '''@dataclass(frozen=True)
class Money:
    cents: int
    currency: str = "EUR"''',
            '''def round_half_even(amount: float) -> int:
    """Round to whole minor units the way the tax office does."""
    return int(Decimal(str(amount)).quantize(Decimal("1"), rounding=ROUND_HALF_EVEN))''',
            '''def format_money(money: Money) -> str:
    """'12.50 EUR' style formatting for logs and emails."""
    return f"{money.cents / 100:.2f} {money.currency}"''',
        ),
        MONEY_NOUNS,
        "api/tests/test_money.py",
        pinned=False,
    ),
    "api/tests/conftest.py": Src(
        "py-fixtures",
        '''"""Shared fixtures: an in-memory store and factories."""

from __future__ import annotations

import pytest

from api.db import MemoryStore''',
        (
            """@pytest.fixture
def store(monkeypatch):
    memory = MemoryStore()
    monkeypatch.setattr("api.db.store", memory)
    return memory""",
            """@pytest.fixture
def cart_factory(store):
    def make(lines=(("SKU-1", 1),), currency="EUR"):
        return store.make_cart(lines=list(lines), currency=currency)

    return make""",
        ),
    ),
    "api/tests/test_cart.py": Src(
        "py-tests",
        PY_TEST_HEADER,
        (
            """def test_add_line_merges_same_sku(cart_factory):
    cart = add_line(cart_factory(lines=[("SKU-1", 1)]), "SKU-1", 2)
    assert cart.lines[0].quantity == 3""",
            """def test_quantity_is_capped(cart_factory):
    cart = add_line(cart_factory(lines=[]), "SKU-1", 500)
    assert cart.lines[0].quantity == 99""",
            """def test_totals_include_tax(cart_factory):
    assert totals(cart_factory(lines=[("SKU-1", 1)]))["tax"] > 0""",
        ),
        import_from="api.checkout.cart",
        imports=("add_line", "totals"),
    ),
    "api/tests/test_orders.py": Src(
        "py-tests",
        PY_TEST_HEADER,
        (
            '''def test_create_order_from_paid_cart(cart_factory):
    order = create(cart_factory().id, "pi_123")
    assert order.status == "paid"''',
            """def test_to_dict_has_no_internal_fields(cart_factory):
    assert "payment_intent" not in to_dict(create(cart_factory().id, "pi_123"))""",
        ),
        import_from="api.checkout.orders",
        imports=("create", "to_dict"),
    ),
    "billing/stripe_client.py": Src(
        "py-module",
        '''"""Thin wrapper around the Stripe SDK so tests can fake one module."""

from __future__ import annotations

import logging
import time

import stripe

from billing.config import STRIPE_API_KEY
from billing.db import store
from billing.http import Client

logger = logging.getLogger(__name__)
stripe.api_key = STRIPE_API_KEY''',
        (
            '''def create_payment_intent(cart_id: str, amount_cents: int, currency: str = "eur") -> stripe.PaymentIntent:
    """A PaymentIntent for a cart; the cart id doubles as idempotency key."""
    return stripe.PaymentIntent.create(
        amount=amount_cents,
        currency=currency,
        metadata={"cart_id": cart_id},
        idempotency_key=f"cart-{cart_id}",
    )''',
            '''def retry_payment(charge_id: str) -> stripe.PaymentIntent:
    """Confirm a failed PaymentIntent again with the same payment method."""
    return stripe.PaymentIntent.confirm(charge_id)''',
            '''def refund(payment_intent_id: str, amount_cents: int | None = None) -> stripe.Refund:
    """Refund all or part of a payment."""
    return stripe.Refund.create(payment_intent=payment_intent_id, amount=amount_cents)''',
        ),
        STRIPE_NOUNS,
        pinned=False,
    ),
    "billing/invoices.py": Src(
        "py-module",
        '''"""Invoices for subscription renewals and one-off orders."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date

from billing.db import store
from billing.http import Client

logger = logging.getLogger(__name__)
INVOICE_PREFIX = "ACME"''',
        (
            '''@dataclass
class Invoice:
    number: str
    customer_id: str
    issued_on: date
    total_cents: int
    currency: str = "EUR"
    status: str = "open"''',
            '''def next_invoice_number(year: int) -> str:
    """Gapless numbering per year, as the accountants require."""
    last = store.max("invoices", "sequence", year=year) or 0
    return f"{INVOICE_PREFIX}-{year}-{last + 1:06d}"''',
            '''def render_invoice(invoice: Invoice) -> str:
    """Plain-text invoice body for the email."""
    return "\\n".join(
        [
            f"Invoice {invoice.number}",
            f"Issued {invoice.issued_on:%d %B %Y}",
            f"Total {invoice.total_cents / 100:.2f} {invoice.currency}",
        ]
    )''',
        ),
        INVOICE_NOUNS,
        "billing/tests/test_invoices.py",
        pinned=False,
    ),
    "billing/retry.py": Src(
        "py-module",
        '''"""Retry failed subscription charges."""

from __future__ import annotations

import logging

from billing import stripe_client

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3''',
        (
            '''def retry_failed_charge(charge_id: str) -> bool:
    """Try the charge again once; the caller decides when."""
    intent = stripe_client.retry_payment(charge_id)
    logger.info("retried charge", extra={"charge_id": charge_id, "status": intent.status})
    return intent.status == "succeeded"''',
            '''def cancel_subscription(subscription_id: str) -> None:
    """Cancel immediately after a failed renewal."""
    stripe_client.cancel(subscription_id)''',
        ),
        DUNNING_NOUNS,
        "billing/tests/test_dunning.py",
    ),
    "billing/tests/test_invoices.py": Src(
        "py-tests",
        PY_TEST_HEADER,
        (
            '''def test_invoice_numbers_are_gapless(store):
    assert next_invoice_number(2026) == "ACME-2026-000001"''',
            """def test_render_invoice_shows_total(make_invoice):
    assert "Total 12.50 EUR" in render_invoice(make_invoice(total_cents=1250))""",
        ),
        import_from="billing.invoices",
        imports=("next_invoice_number", "render_invoice"),
    ),
    "web/src/App.tsx": Src(
        "tsx-component",
        """import { useState } from "react";
import { CartSummary } from "./components/CartSummary";
import { Payment } from "./components/Payment";
import { useCart } from "./api/client";""",
        (
            """export function App({ cartId }: { cartId: string }) {
  const cart = useCart(cartId);
  const [step, setStep] = useState<"address" | "payment" | "done">("address");
  if (!cart) return <p className="checkout-loading">Loading…</p>;
  return (
    <main className="checkout">
      <CartSummary cart={cart} />
      {step === "payment" && <Payment cart={cart} onPaid={() => setStep("done")} />}
    </main>
  );
}""",
        ),
        SUMMARY_NOUNS,
        pinned=False,
    ),
    "web/src/api/client.ts": Src(
        "ts-module",
        """import axios from "axios";
import { useEffect, useState } from "react";
import type { Address, Cart, Order, PaymentMethod } from "../types";

export const api = axios.create({ baseURL: "/api", timeout: 10000 });""",
        (
            """export async function getCart(cartId: string): Promise<Cart> {
  const res = await api.get(`/carts/${cartId}`);
  return res.data as Cart;
}""",
            """export async function addItem(cartId: string, sku: string, quantity = 1): Promise<Cart> {
  const res = await api.post(`/carts/${cartId}/items`, { sku, quantity });
  return res.data as Cart;
}""",
            """export function useCart(cartId: string): Cart | null {
  const [cart, setCart] = useState<Cart | null>(null);
  useEffect(() => {
    getCart(cartId).then(setCart);
  }, [cartId]);
  return cart;
}""",
        ),
        CLIENT_NOUNS,
        "web/src/__tests__/client.test.ts",
        import_from="../api/client",
        pinned=False,
    ),
    "web/src/components/CartSummary.tsx": Src(
        "tsx-component",
        """import { formatMoney } from "../money";
import type { Cart, CartLine } from "../types";""",
        (
            """function LineRow({ line }: { line: CartLine }) {
  return (
    <li className="checkout-line">
      <span>{line.quantity} &times; {line.name}</span>
      <span>{formatMoney(line.totalCents, line.currency)}</span>
    </li>
  );
}""",
            """export function CartSummary({ cart }: { cart: Cart }) {
  return (
    <section className="checkout-summary" aria-label="Order summary">
      <ul>{cart.lines.map((line) => <LineRow key={line.sku} line={line} />)}</ul>
      <p className="checkout-total">Total {formatMoney(cart.totalCents, cart.currency)}</p>
    </section>
  );
}""",
        ),
        SUMMARY_NOUNS,
        "web/src/__tests__/CartSummary.test.tsx",
        import_from="../components/CartSummary",
    ),
    "web/src/components/Payment.tsx": Src(
        "tsx-component",
        """import { useState } from "react";
import { loadStripe } from "@stripe/stripe-js";
import { api } from "../api/client";
import type { Cart } from "../types";

const stripePromise = loadStripe(import.meta.env.VITE_STRIPE_KEY);""",
        (
            """export function Payment({ cart, onPaid }: { cart: Cart; onPaid: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function pay() {
    setBusy(true);
    const stripe = await stripePromise;
    const { data } = await api.post("/payments", { cartId: cart.id });
    const result = await stripe!.confirmCardPayment(data.clientSecret);
    setBusy(false);
    if (result.error) setError(result.error.message ?? "Payment failed");
    else onPaid();
  }

  return (
    <section className="checkout-payment">
      <div id="card-element" />
      {error && <p className="checkout-error">{error}</p>}
      <button className="checkout-button" disabled={busy} onClick={pay}>Pay now</button>
    </section>
  );
}""",
        ),
        PAYMENT_NOUNS,
        pinned=False,
    ),
    "web/src/__tests__/CartSummary.test.tsx": Src(
        "ts-tests",
        """import { render, screen } from "@testing-library/react";
import { makeCart } from "./factories";""",
        (
            """it("shows the total", () => {
  render(<CartSummary cart={makeCart({ totalCents: 2500 })} />);
  expect(screen.getByText(/25.00/)).toBeInTheDocument();
});""",
            """it("lists every line", () => {
  render(<CartSummary cart={makeCart({ lines: 3 })} />);
  expect(screen.getAllByRole("listitem")).toHaveLength(3);
});""",
        ),
        import_from="../components/CartSummary",
        imports=("CartSummary",),
    ),
    "web/src/styles/checkout.css": Src(
        "css",
        "/* Checkout styles. Colours and spacing come from the design. */",
        (
            """.checkout {
  color: #1f2933;
  max-width: 960px;
  margin: 0 auto;
}""",
            """.checkout-summary {
  border: 1px solid #d9e2ec;
  border-radius: 8px;
  padding: 16px;
}""",
            """.checkout-total {
  font-weight: 600;
  color: #1f2933;
}""",
            """.checkout-error {
  color: #c92a2a;
  font-size: 14px;
}""",
            """.checkout-button {
  background: #3b5bdb;
  color: #fff;
  border-radius: 6px;
  padding: 12px 20px;
}""",
        ),
        CSS_NOUNS,
        pinned=False,
    ),
    "infra/main.tf": Src(
        "tf",
        "# Production infrastructure for Acme Checkout. Apply from CI only.",
        (
            """terraform {
  required_version = ">= 1.6"
  backend "s3" {
    bucket = "acme-terraform-state"
    key    = "checkout/terraform.tfstate"
    region = "eu-central-1"
  }
}""",
            """provider "aws" {
  region = var.region
}""",
            """module "checkout_api" {
  source       = "./modules/service"
  name         = "checkout-api"
  image        = var.api_image
  cpu          = 512
  memory       = 1024
  min_replicas = var.api_min_replicas
  max_replicas = var.api_max_replicas
}""",
            """resource "aws_db_instance" "checkout" {
  identifier        = "checkout"
  engine            = "postgres"
  engine_version    = "16.3"
  instance_class    = var.db_instance_class
  allocated_storage = 100
  multi_az          = true
}""",
            """resource "aws_sqs_queue" "dunning" {
  name                       = "dunning-jobs"
  visibility_timeout_seconds = 300
}""",
            """resource "aws_sns_topic" "oncall" {
  name = "checkout-oncall"
}""",
        ),
        TF_NOUNS,
        pinned=False,
    ),
    "infra/variables.tf": Src(
        "tf",
        "",
        (
            """variable "region" {
  type    = string
  default = "eu-central-1"
}""",
            """variable "api_image" {
  type        = string
  description = "Container image for checkout-api, set by the deploy workflow"
}""",
            """variable "api_min_replicas" {
  type    = number
  default = 2
}""",
            """variable "api_max_replicas" {
  type    = number
  default = 8
}""",
            """variable "db_instance_class" {
  type    = string
  default = "db.t4g.medium"
}""",
        ),
    ),
    "docs/architecture.md": Src(
        "md",
        "# Architecture\n\nAcme Checkout is three deployable pieces behind one load balancer.",
        (
            "## API\n\n`api/` is a small Python service. Carts, orders and money live in `api/checkout/`.",
            "## Web\n\n`web/` is a React app built with Vite and served from S3 and CloudFront.",
            "## Billing\n\n`billing/` runs scheduled jobs (renewals, invoices) against Stripe.",
        ),
    ),
    "docs/runbook.md": Src(
        "md",
        "# Checkout runbook",
        (
            "## Deploys\n\nEvery `v*` tag deploys to production through `.github/workflows/deploy.yml`.",
            "## Rollback\n\nRe-run the deploy workflow for the previous tag. Database migrations are "
            "backwards compatible for one release.",
        ),
    ),
}

BASE_PARAMS: dict[str, tuple[str, dict[str, str]]] = {
    "api/requirements.txt": ("requirements", PY_DEPS),
    "web/package.json": ("package_json", {"version": "1.0.0", **JS_DEPS}),
    "web/package-lock.json": ("package_lock", {"version": "1.0.0", **JS_DEPS}),
    "web/src/copy/en.json": ("copy", COPY_START),
    "infra/production.tfvars": ("tfvars", TFVARS),
    "api/version.py": ("version", {"version": "0.9.0"}),
}

BASE_TEXT: dict[str, str] = {
    ".gitignore": GITIGNORE,
    "CHANGELOG.md": "# Changelog\n\nAll notable changes to Acme Checkout. Newest first.\n",
    "api/__init__.py": "",
    "api/checkout/__init__.py": '"""Checkout domain: carts, orders and money."""\n',
    "billing/__init__.py": '"""Billing jobs and the Stripe integration."""\n',
    "web/tsconfig.json": TSCONFIG,
}

# Files whose lines move together: a dependency bump edits both.
JS_DEP_FILES = ("web/package.json", "web/package-lock.json")
PY_DEP_FILE = "api/requirements.txt"
COPY_FILE = "web/src/copy/en.json"
CI_FILE = ".github/workflows/ci.yml"
TFVARS_FILE = "infra/production.tfvars"
LOGO = "web/assets/logo.png"

# --------------------------------------------------------------------------------------------------
# PRDs (each has a few versions; the storyline commits them in order)
# --------------------------------------------------------------------------------------------------


def checkout_prd(version: int) -> str:
    """docs/prd/checkout.md. v1 draft, v2 approved with CHK-7, v3 in progress with CHK-8."""
    status = {1: "draft", 2: "approved", 3: "in-progress"}[version]
    nfr = ""
    if version >= 2:
        nfr = """
## Non-functional requirements
- CHK-7: Checkout API p95 latency stays under 800 ms at three times today's peak traffic.
"""
    later = "- [CHK-6] One-click reorder from order history.\n"
    if version >= 3:
        later += "- [CHK-8] Gift cards can be redeemed at checkout, alone or together with a card.\n"
    return f"""\
---
title: Checkout v2
owner: dana
status: {status}
target: 2026-12-15
---
# Checkout v2

## Problem
Four in ten shoppers who reach the payment step leave without paying (checkout funnel, Q2). Most of
them are new customers who are asked to create an account, re-type a card, or only find out the tax
at the very end.

## Goals
- Lift payment-step conversion from 58% to 68% by the end of Q4.
- Keep checkout fast while we add payment methods.

## Requirements

### CHK-1: Guest checkout
Shoppers can pay with only an email address; creating an account is offered after the order is
placed, never before.

### CHK-2: Address autocomplete
The shipping form suggests full addresses as the shopper types the street, so a complete address
takes fewer than ten keystrokes.

### CHK-3: Saved cards
Customers can save a card for later purchases and pick it on the payment step without re-typing it.
Card numbers never touch our servers: we keep a vault token only. Asked for in #23.

### CHK-4: Wallet payments
Apple Pay and Google Pay buttons appear on the payment step on supported devices
(https://github.com/acme/shop/issues/31).

### CHK-5: Taxes before payment
The order summary shows the tax for every line and the total tax before the shopper is asked to pay.
{nfr}
## Later
{later}
## Out of scope
- Buy now, pay later providers.
- Multi-currency pricing (tracked separately).

## Success metrics
| Metric | Baseline | Target |
|--------|----------|--------|
| Payment-step conversion | 58% | 68% |
| Checkout p95 latency | 910 ms | 800 ms |
"""


def dunning_prd(version: int) -> str:
    """docs/prd/billing-dunning.md. v1 draft, v2 adds Nina's baseline, v3 adds DUN-5."""
    status = "draft" if version == 1 else "approved"
    baseline = ""
    if version >= 2:
        baseline = (
            "\nBaseline (Q2, 4,118 failed renewals): 23% of those customers came back on their own within\n"
            "a month; 71% of recoveries in comparable shops happen within 7 days of the first failure.\n"
        )
    dun5 = "| DUN-5 | Finance can see recovered revenue per week in a dashboard | Could | data team |\n"
    return f"""\
---
title: Failed payment recovery (dunning)
owner: dana
status: {status}
target: 2026-11-30
---
# Failed payment recovery

## Context
About 6% of subscription renewals fail on the first charge attempt, mostly expired cards and
insufficient funds. Today we cancel on the first failure and email nobody.
{baseline}
## Requirements

| ID | Requirement | Priority | Notes |
|----|-------------|----------|-------|
| DUN-1 | Retry failed renewals on day 1, 3 and 7 after the first failure | Must | schedule in D-0003; #12 |
| DUN-2 | Email the customer after each failed attempt with a link to update the card | Must | copy by design; #19 |
| DUN-3 | Refresh expired cards automatically through the card network updater | Should | |
| DUN-4 | Pause the subscription after the final failed attempt instead of cancelling it | Should | |
{dun5 if version >= 3 else ""}
## Success metrics
- Recover at least 35% of failed renewals within 7 days.
- Fewer than 0.5% of dunning emails reported as spam.
"""


def onboarding_prd(version: int) -> str:
    """docs/prd/onboarding.md: requirements as user stories and acceptance criteria, without IDs."""
    status = "draft" if version == 1 else "in-progress"
    payout = (
        "As a new merchant, I can connect my Stripe account in the first session."
        if version == 1
        else "As a new merchant, I can add my payout bank account without contacting support."
    )
    third = (
        "- 80% of new merchants take a first test payment within 10 minutes of signing up.\n"
        if version >= 2
        else ""
    )
    return f"""\
---
title: Merchant onboarding
owner: aiko
status: {status}
target: 2027-01-31
---
# Merchant onboarding

## Why
New merchants need three days on average to take their first test payment, and a third never do.
Support spends a day a week walking people through the same four steps.

## User stories
- As a new merchant, I see a setup checklist the first time I sign in.
- {payout}
- As an admin, I can invite teammates by email and choose their role.

## Acceptance criteria
- The checklist remembers completed steps across devices.
- Every checklist step has help text written in plain language.
{third}
## Design notes
The checklist replaces the empty dashboard for merchants who have not taken a payment yet. It uses
the existing card component; no new colours.
"""


# --------------------------------------------------------------------------------------------------
# Decision records
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Appeal:
    """An appeal against a decision; ``resolved``/``outcome`` are None while it is open."""

    by: str
    at: str
    reason: str
    resolved: str | None = None
    outcome: str | None = None
    resolver: str = "claire"


@dataclass(frozen=True)
class Decision:
    """A MADR-style decision record and the facts its history is made of."""

    id: str
    slug: str
    title: str
    domain: str
    point: str
    raised: str
    decided: str | None
    consulted: tuple[str, ...]
    informed: tuple[str, ...]
    context: str
    options: tuple[str, ...]
    outcome: str
    discussion: tuple[tuple[str, str, str], ...]
    appeal: Appeal | None = None
    decision_makers: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        """decisions/NNNN-slug.md."""
        return f"decisions/{self.id[2:]}-{self.slug}.md"


DECISIONS: tuple[Decision, ...] = (
    Decision(
        "D-0001",
        "stripe-card-vault",
        "Use Stripe as the card vault instead of storing cards ourselves",
        "implementation",
        "li",
        "2026-08-26T10:30",
        "2026-08-27T15:00",
        ("marco", "sam", "dana"),
        ("builders",),
        "Saved cards (CHK-3) need somewhere to keep card details. Storing them ourselves puts the whole "
        "platform in PCI DSS scope.",
        ("Stripe payment methods as vault tokens", "Our own encrypted vault", "A third-party vault (VGS)"),
        "Chosen option: Stripe payment methods. We store the payment-method id, brand, last four and expiry.",
        (
            (
                "marco",
                "2026-08-26",
                "our own vault means PCI DSS SAQ D, roughly 300 controls and a yearly "
                "audit; Stripe keeps us at SAQ A",
            ),
            ("dana", "2026-08-26", "fine by me as long as saved cards still show brand and last four digits"),
            ("sam", "2026-08-27", "vendor lock-in worries me a bit"),
            (
                "li",
                "2026-08-27",
                "tokens can be exported through Stripe's PAN migration if we ever leave; "
                "that took two weeks at my last company",
            ),
        ),
    ),
    Decision(
        "D-0002",
        "guest-checkout-default",
        "Guest checkout is the default path",
        "outcomes",
        "dana",
        "2026-08-31T09:30",
        "2026-09-02T14:00",
        ("aiko", "sam", "nina"),
        ("claire",),
        "Shoppers must create an account before paying. Most payment-step exits happen on that screen.",
        (
            "Guest first, account offered after the order",
            "Account first, guest as a small link",
            "Keep account required",
        ),
        "Chosen option: guest first. Account creation moves to the confirmation page.",
        (
            (
                "nina",
                "2026-08-31",
                "41% of payment-step exits happen on the create-account screen (Q2, n=18,204 sessions)",
            ),
            ("aiko", "2026-09-01", "I'd rather keep account creation prominent, brand loyalty matters"),
            (
                "sam",
                "2026-09-01",
                "guest orders need an email-only customer record; two days of work, no "
                "schema change beyond a nullable password hash",
            ),
            (
                "dana",
                "2026-09-02",
                "going guest-first; account creation moves to the confirmation page where "
                "aiko's design already has room",
            ),
        ),
    ),
    Decision(
        "D-0003",
        "dunning-retry-schedule",
        "Retry failed renewals on day 1, 3 and 7",
        "outcomes",
        "dana",
        "2026-09-07T11:00",
        "2026-09-09T10:00",
        ("nina", "marco"),
        ("builders", "finance"),
        "DUN-1 needs a retry schedule. Too few retries leave money on the table; too many annoy customers "
        "and card networks.",
        ("Day 1, 3 and 7", "Daily for 7 days", "Day 3 and 10"),
        "Chosen option: day 1, 3 and 7, revisited after one month of data.",
        (
            (
                "nina",
                "2026-09-08",
                "in the Q2 sample 71% of recoveries happen within 7 days; after day 7 "
                "each extra attempt recovers under 2%",
            ),
            ("marco", "2026-09-08", "more retries increase the risk of card-network fines"),
            (
                "nina",
                "2026-09-08",
                "the networks allow 15 retries in 30 days; three in seven days is far below that",
            ),
            ("dana", "2026-09-09", "day 1, 3 and 7 it is; we look at it again after one month of data"),
        ),
    ),
    Decision(
        "D-0004",
        "design-tokens",
        "One design-token file for checkout colours and spacing",
        "experience",
        "aiko",
        "2026-09-21T10:00",
        "2026-09-22T12:00",
        ("priya", "dana"),
        ("builders",),
        "Checkout colours and spacing are hard-coded in several places and have drifted apart.",
        ("A single tokens.css with CSS custom properties", "A Tailwind theme", "Leave as is"),
        "Chosen option: tokens.css with custom properties; components only use variables.",
        (
            (
                "priya",
                "2026-09-21",
                "14 hard-coded colours in checkout.css today, 3 of them almost identical "
                "greys; tokens.css removes all of them",
            ),
            ("dana", "2026-09-21", "does this slow down the saved-cards work?"),
            ("priya", "2026-09-22", "half a day, in its own PR"),
        ),
    ),
    Decision(
        "D-0005",
        "remove-order-notes",
        "Remove the order-notes field from checkout",
        "experience",
        "aiko",
        "2026-10-05T10:00",
        "2026-10-06T11:00",
        ("dana", "nina"),
        ("builders",),
        "The payment step has an optional order-notes field. Usability sessions show people hesitate on it.",
        ("Remove the field", "Collapse it behind a link", "Keep it"),
        "Chosen option: remove the field; delivery instructions move to the address form.",
        (
            (
                "nina",
                "2026-10-05",
                "3.1% of orders have a note; 60% of those notes are delivery instructions",
            ),
            ("aiko", "2026-10-05", "the field adds clutter and people feel they have to fill it in"),
            ("dana", "2026-10-06", "this feels wrong for our bigger merchants"),
            ("aiko", "2026-10-06", "removing it; delivery instructions move to the address form"),
            (
                "dana",
                "2026-10-07",
                "appealing: 212 of September's notes were PO numbers from 9 B2B merchants, "
                "who together are 18% of GMV",
            ),
            (
                "claire",
                "2026-10-09",
                "keep the field for accounts with invoicing enabled, hide it for everyone else; overturned",
            ),
        ),
        Appeal(
            "dana",
            "2026-10-07T09:15",
            "B2B merchants put purchase-order numbers in notes; removing it breaks their invoicing",
            "2026-10-09",
            "overturned",
        ),
    ),
    Decision(
        "D-0006",
        "checkout-v2-flag",
        "Ship checkout v2 behind a feature flag",
        "outcomes",
        "dana",
        "2026-10-19T10:00",
        "2026-10-20T16:00",
        ("li", "sam"),
        ("builders",),
        "Checkout v2 (wallets, saved cards on the new payment step) is ready in pieces. We can ship it all "
        "at once on a date, or continuously behind a flag and ramp up.",
        ("Behind a flag, ramped 5% → 50% → 100%", "Big-bang release on 2026-11-16"),
        "Chosen option: behind the checkout_v2 flag, ramped over two weeks.",
        (
            ("sam", "2026-10-19", "this is too risky"),
            (
                "dana",
                "2026-10-19",
                "the flag touches checkout/api.py only; rollback is one config change, 5 minutes",
            ),
            ("li", "2026-10-20", "agree with the flag; we remove it within two sprints of reaching 100%"),
            (
                "sam",
                "2026-10-21",
                "appealing: two code paths means every checkout test runs twice for as long "
                "as the flag lives",
            ),
            ("claire", "2026-10-23", "upheld; the flag stays and li owns removing it by 2026-12-15"),
        ),
        Appeal(
            "sam",
            "2026-10-21T09:00",
            "a second code path doubles the checkout test matrix until the flag is removed",
            "2026-10-23",
            "upheld",
        ),
    ),
    Decision(
        "D-0007",
        "order-history-read-replica",
        "Serve order history from a read replica",
        "implementation",
        "li",
        "2026-11-04T11:00",
        None,
        ("sam", "jordan", "nina"),
        ("builders",),
        "Order-history pages put load on the primary database during evening sales.",
        ("Postgres read replica for history queries", "Cache history pages for 60 s", "Do nothing yet"),
        "Proposed: a read replica for order-history queries only.",
        (
            (
                "nina",
                "2026-11-04",
                "order-history queries are 38% of primary DB reads and peak during the evening sale",
            ),
            ("jordan", "2026-11-05", "replica lag could confuse people"),
            ("sam", "2026-11-05", "we measured 40-120 ms of lag on staging; history pages tolerate seconds"),
            ("jordan", "2026-11-06", "not sure about this yet"),
        ),
    ),
    Decision(
        "D-0008",
        "pause-instead-of-cancel",
        "Pause subscriptions after the final failed retry",
        "outcomes",
        "dana",
        "2026-11-09T10:00",
        "2026-11-10T15:00",
        ("marco", "nina", "claire"),
        ("finance",),
        "DUN-4: after the last retry we cancel. Customers who come back must start from scratch.",
        ("Pause and keep card and plan", "Cancel as today", "Downgrade to a free plan"),
        "Chosen option: pause; nothing is charged until the customer resumes.",
        (
            (
                "nina",
                "2026-11-09",
                "12% of customers cancelled by dunning resubscribe within 60 days; all of "
                "them re-enter their details from scratch",
            ),
            ("marco", "2026-11-10", "this might cause problems with finance"),
            (
                "dana",
                "2026-11-10",
                "paused subscriptions keep the card and plan; nothing is charged until the customer resumes",
            ),
            (
                "marco",
                "2026-11-11",
                "appealing: revenue recognition for paused subscriptions is undefined; "
                "finance needs a week to sign off",
            ),
        ),
        Appeal(
            "marco",
            "2026-11-11T09:30",
            "finance has not signed off revenue recognition for paused subscriptions",
        ),
    ),
)


def _flow(items: tuple[str, ...]) -> str:
    """A YAML flow sequence."""
    return "[" + ", ".join(items) + "]"


def decision_text(d: Decision, stage: str, upto: str | None = None) -> str:
    """Render a decision at one stage of its life: proposed, decided, appealed or resolved.

    ``upto`` (a date) shows a still-proposed record with the discussion so far.
    """
    status = {"proposed": "proposed", "decided": "decided", "appealed": "appealed"}.get(stage)
    if stage == "resolved" and d.appeal and d.appeal.outcome:
        status = d.appeal.outcome
    cutoff = {
        "proposed": d.raised,
        "decided": d.decided or d.raised,
        "appealed": d.appeal.at if d.appeal else "",
        "resolved": (d.appeal.resolved or "") if d.appeal else "",
    }
    limit = cutoff[stage][:10]
    fm = [
        "---",
        f"id: {d.id}",
        f"title: {d.title}",
        f"status: {status}",
        f"domain: {d.domain}",
        f"point: {d.point}",
        f"raised: {d.raised}",
    ]
    if stage != "proposed" and d.decided:
        fm.append(f"decided: {d.decided}")
    fm += [
        f"decision-makers: {_flow(d.decision_makers or (d.point,))}",
        f"consulted: {_flow(d.consulted)}",
        f"informed: {_flow(d.informed)}",
    ]
    if d.appeal and stage in ("appealed", "resolved"):
        a = d.appeal
        parts = [f"by: {a.by}", f"at: {a.at}", f'reason: "{a.reason}"']
        if stage == "resolved" and a.resolved:
            parts += [f"resolved: {a.resolved}", f"outcome: {a.outcome}"]
        fm.append("appeal: {" + ", ".join(parts) + "}")
    fm.append("---")
    body = [
        "",
        f"# {d.title}",
        "",
        "## Context and Problem Statement",
        "",
        d.context,
        "",
        "## Considered Options",
        "",
    ]
    body += [f"- {o}" for o in d.options]
    body += ["", "## Decision Outcome", ""]
    body.append(d.outcome if stage != "proposed" or not d.decided else "Not decided yet.")
    bullets = [
        f"- {who}, {day}: {text}"
        for who, day, text in d.discussion
        if day < limit
        or (day == limit and (stage != "proposed" or who == d.point))
        or (upto is not None and day <= upto)
    ]
    if bullets:
        body += ["", "## Discussion", "", *bullets]
    return "\n".join(fm + body) + "\n"


# --------------------------------------------------------------------------------------------------
# Incidents ("@@SHA:key:len@@" is replaced by the abbreviated id of the commit stored under that key)
# --------------------------------------------------------------------------------------------------

INCIDENTS: tuple[tuple[str, str], ...] = (
    (
        "incidents/2026-09-29-duplicate-dunning-emails.md",
        """\
---
id: INC-1
title: Customers received duplicate failed-payment emails
severity: SEV2
services: [billing]
commander: marco
caused_by: @@SHA:culprit-dunning:8@@
---
## Summary
The nightly dunning run sent the same failed-payment email two to four times to 1,284 customers.
No one was charged twice.

## Timeline
All times UTC.

- 2026-09-28 23:00 started: nightly dunning run begins; email provider latency above 10 s
- 2026-09-29 06:45 detected: support flags a spike of "why did I get this three times" tickets
- 2026-09-29 07:02 acknowledged: marco paged
- 2026-09-29 07:30 mitigated: dunning job paused
- 2026-09-29 10:40 resolved: idempotent send deployed in v1.2.1, job resumed

## Root cause
`notify_customer` retried on `TimeoutError`, but the provider had often accepted the first send.

## Action items
- [x] Idempotency key per renewal and attempt (marco)
- [x] Alarm on dunning email send rate (jordan)
- [ ] Contract test for the provider's timeout behaviour (marco)
""",
    ),
    (
        "incidents/2026-10-07-saved-cards-missing.md",
        """\
---
id: INC-2
title: Returning customers could not see their saved cards
severity: SEV2
services: [checkout, billing]
commander: sam
caused_by: v1.3.0
---
## Summary
After v1.3.0, customers who had first ordered as guests saw no saved cards and had to type their card
again. Conversion on the payment step dropped 4 points for returning customers.

## Timeline
All times UTC.

- 2026-10-06 13:52 started: v1.3.0 deployed
- 2026-10-07 08:40 detected: support reports "my saved card disappeared"
- 2026-10-07 08:55 acknowledged: sam picks it up
- 2026-10-07 10:10 mitigated: saved-card picker hidden, typing a card still works
- 2026-10-07 14:05 resolved: v1.3.1 deployed; cards looked up by customer id

## Root cause
`list_cards` looked customers up by email; guests who later created an account have two customer
records with the same email.

## Action items
- [x] Look cards up by customer id (sam)
- [ ] Merge duplicate customer records created by guest checkout (marco)
""",
    ),
    (
        "incidents/2026-11-03-checkout-500s-empty-cart.md",
        """\
---
id: INC-3
title: Checkout returned 500s for new (empty) carts
severity: SEV1
services: [checkout, api]
commander: sam
caused_by: @@SHA:culprit-cart:12@@
---
## Summary
For 42 minutes, 31% of cart requests failed: every new cart is empty, and computing the totals of an
empty cart raised `IndexError`.

## Timeline
All times UTC.

- 2026-11-03 14:22 started: error rate on GET /carts rises to 31%
- 2026-11-03 14:27 detected: 5xx alarm fired
- 2026-11-03 14:31 acknowledged: sam paged
- 2026-11-03 15:04 mitigated: rolled back to v1.4.0
- 2026-11-04 10:50 resolved: fix deployed in v1.5.1

## Root cause
A refactor of `totals` read the currency from the first cart line and dropped the empty-cart guard.
No test covered an empty cart.

## Action items
- [x] Guard and test for empty carts (sam)
- [x] 5xx alarm per endpoint (jordan)
- [ ] Canary deploys for the API (jordan)
""",
    ),
)


# --------------------------------------------------------------------------------------------------
# Roadmap: item horizons at each joint review
# --------------------------------------------------------------------------------------------------

REVIEWS = ("2026-08-27", "2026-09-10", "2026-09-24", "2026-10-08", "2026-10-22", "2026-11-05")

# id, title, prd, owner, horizon per review (None: not on the roadmap yet), review index it shipped at
ROADMAP: tuple[tuple[str, str, str, str, tuple[str | None, ...], int | None], ...] = (
    (
        "RM-1",
        "Guest checkout",
        "docs/prd/checkout.md",
        "dana",
        ("month", "week", "week", "week", "week", "week"),
        1,
    ),
    (
        "RM-2",
        "Saved cards",
        "docs/prd/checkout.md",
        "dana",
        ("quarter", "quarter", "month", "week", "week", "week"),
        3,
    ),
    (
        "RM-3",
        "Apple Pay and Google Pay",
        "docs/prd/checkout.md",
        "dana",
        ("half", "quarter", "quarter", "quarter", "month", "month"),
        None,
    ),
    (
        "RM-4",
        "Dunning retries and emails",
        "docs/prd/billing-dunning.md",
        "dana",
        ("quarter", "month", "week", "week", "week", "week"),
        2,
    ),
    (
        "RM-5",
        "Card updater",
        "docs/prd/billing-dunning.md",
        "marco",
        ("half", "half", "half", "half", "half", "half"),
        None,
    ),
    (
        "RM-6",
        "Merchant onboarding checklist",
        "docs/prd/onboarding.md",
        "aiko",
        ("year", "half", "quarter", "month", "week", "week"),
        4,
    ),
    (
        "RM-7",
        "Gift cards",
        "docs/prd/checkout.md",
        "sam",
        ("half", "quarter", "month", "month", "month", "month"),
        None,
    ),
    (
        "RM-8",
        "One-click reorder",
        "docs/prd/checkout.md",
        "dana",
        (None, None, None, None, "year", "year"),
        None,
    ),
)

REORDER_ADDED = date(2026, 10, 14)
HORIZON_DAYS = {"week": 7, "month": 30, "quarter": 91, "half": 182, "year": 365}


def roadmap_text(review: int, with_reorder: bool = False) -> str:
    """roadmap.yaml as of a review; an item's target only moves when its horizon does.

    ``with_reorder`` adds RM-8 early: Li put it on the long list between two reviews.
    """
    lines = [
        "# Acme roadmap. Changed at the joint product/design/engineering review every other Thursday.",
        f"reviewed: {REVIEWS[review]}",
        "items:",
    ]
    for rid, title, prd, owner, horizons, shipped in ROADMAP:
        horizon = horizons[review] or ("year" if with_reorder and rid == "RM-8" else None)
        if horizon is None:
            continue
        since = review
        while since > 0 and horizons[since - 1] == horizon:
            since -= 1
        start = REORDER_ADDED if rid == "RM-8" else date.fromisoformat(REVIEWS[since])
        target = start + timedelta(days=HORIZON_DAYS[horizon])
        lines += [
            f"  - id: {rid}",
            f"    title: {title}",
            f"    horizon: {horizon}",
            f"    prd: {prd}",
            f"    owner: {owner}",
            f"    target: {target.isoformat()}",
        ]
        if shipped is not None and review >= shipped:
            lines.append("    status: shipped")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------
# Ground truth: requirement status by construction
# --------------------------------------------------------------------------------------------------

REQUIREMENT_STATUS: dict[str, str] = {
    "CHK-1": "shipped",  # api/checkout/guest.py + tests, v1.1.0; commits cite CHK-1
    "CHK-2": "shipped",  # web/src/components/AddressForm.tsx + test, merged branch, v1.2.0; words only
    "CHK-3": "shipped",  # billing/cards.py vault tokenisation + tests, v1.3.0 (INC-2), v1.3.1
    "CHK-4": "in-progress",  # WalletButtons.tsx + api/checkout/wallets.py behind a flag, no tests
    "CHK-5": "shipped",  # api/checkout/tax.py + CartSummary tax breakdown, v1.2.0; words only
    "CHK-6": "not-started",
    "CHK-7": "in-progress",  # perf commits (tax-rate cache, batched price lookups, step timings)
    "CHK-8": "in-progress",  # only on the unmerged feature/gift-cards branch
    "DUN-1": "shipped",  # billing/dunning.py retry schedule + tests, v1.2.0
    "DUN-2": "shipped",  # billing/emails.py failed-payment email + tests, v1.2.0 (INC-1)
    "DUN-3": "in-progress",  # billing/card_updater.py with TODO/FIXME, no tests
    "DUN-4": "not-started",  # D-0008 decided then appealed
    "DUN-5": "not-started",
    "onboarding: setup checklist": "shipped",  # Checklist.tsx + api/onboarding/progress.py, v1.4.0
    "onboarding: payout bank account": "in-progress",  # api/onboarding/payouts.py with TODO/FIXME
    "onboarding: invite teammates": "not-started",
    "onboarding: checklist remembers steps": "shipped",
    "onboarding: plain-language help text": "in-progress",
    "onboarding: first test payment in 10 minutes": "not-started",
}

# --------------------------------------------------------------------------------------------------
# Feature code used by the storyline
# --------------------------------------------------------------------------------------------------

GUEST = Src(
    "py-module",
    '''"""Guest checkout: pay with an email address, no account needed."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from api.checkout import orders
from api.db import store

logger = logging.getLogger(__name__)
EMAIL_RE = re.compile(r"^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$")''',
    (
        """@dataclass
class GuestCustomer:
    id: str
    email: str
    marketing_opt_in: bool = False""",
        '''def start_guest_checkout(cart_id: str, email: str) -> GuestCustomer:
    """Create (or reuse) an email-only customer and attach it to the cart."""
    # TODO(sam): rate-limit by IP once the edge proxy is in
    if not EMAIL_RE.match(email):
        raise ValueError("invalid email")
    existing = store.find_one("guest_customers", email=email.lower())
    guest = GuestCustomer(**existing) if existing else GuestCustomer(store.new_id("gst"), email.lower())
    store.upsert("guest_customers", guest.__dict__)
    store.update("carts", cart_id, customer_id=guest.id)
    return guest''',
    ),
    GUEST_NOUNS,
    "api/tests/test_guest.py",
)

GUEST_ATTACH = '''def attach_guest_to_order(order: orders.Order, guest: GuestCustomer) -> orders.Order:
    """Record the guest on the order so receipts and refunds reach them."""
    order.customer_id = guest.id
    order.receipt_email = guest.email
    return order'''

GUEST_OFFER = '''def offer_account(guest: GuestCustomer) -> dict[str, str]:
    """Payload for the 'save your details' prompt on the confirmation page."""
    return {"email": guest.email, "cta": "create_account"}'''

GUEST_ROUTE = '''@app.post("/checkout/guest")
def guest_checkout(request: Request) -> Response:
    """Start checkout with only an email address."""
    body = request.json()
    customer = guest.start_guest_checkout(body["cart_id"], body["email"])
    return json_response({"customer_id": customer.id}, status=201)'''

GUEST_TESTS = Src(
    "py-tests",
    PY_TEST_HEADER,
    (
        """def test_guest_checkout_with_email_only(cart_factory, store):
    cart = cart_factory()
    guest = start_guest_checkout(cart.id, "Ada@Example.com")
    assert guest.email == "ada@example.com"
    assert store.get("carts", cart.id)["customer_id"] == guest.id""",
        """def test_guest_checkout_rejects_invalid_email(cart_factory):
    with pytest.raises(ValueError):
        start_guest_checkout(cart_factory().id, "not-an-email")""",
        """def test_returning_guest_reuses_customer(cart_factory):
    first = start_guest_checkout(cart_factory().id, "ada@example.com")
    second = start_guest_checkout(cart_factory().id, "ada@example.com")
    assert first.id == second.id""",
    ),
    import_from="api.checkout.guest",
    imports=("start_guest_checkout",),
)

GRAPHQL = Src(
    "py-module",
    '''"""Spike: a GraphQL gateway in front of the checkout API. Not for production."""

from __future__ import annotations

import strawberry

from api.checkout import cart, orders''',
    (
        """@strawberry.type
class CartType:
    id: str
    total: int""",
        """@strawberry.type
class Query:
    @strawberry.field
    def cart(self, id: str) -> CartType:
        current = cart.load(id)
        return CartType(id=current.id, total=cart.totals(current)["total"])""",
    ),
    ORDER_NOUNS,
)

GRAPHQL_ORDERS = '''def resolve_orders(customer_id: str) -> list[dict[str, object]]:
    """Orders resolver; N+1 on purpose for the spike."""
    return [orders.to_dict(o) for o in orders.for_customer(customer_id)]'''

METRICS = Src(
    "md",
    "# Metrics\n\nDefinitions the dashboards use. Owner: data team. Change them here first.",
    (
        "## Payment-step conversion\n\nSessions that place an order divided by sessions that reach the "
        "payment step, per day, excluding internal traffic.",
        "## Checkout p95 latency\n\n95th percentile of server time for `/carts/*` and `/orders`, per hour.",
    ),
)

EVENTS = Src(
    "py-events",
    '''"""Product analytics events. Names are snake_case and past tense; see docs/metrics.md."""

from __future__ import annotations

from api.analytics import emit''',
    (
        '''def checkout_started(cart_id: str, customer_type: str) -> None:
    """A shopper opened the checkout page."""
    emit("checkout_started", cart_id=cart_id, customer_type=customer_type)''',
        '''def payment_submitted(cart_id: str, method: str) -> None:
    """The shopper pressed Pay."""
    emit("payment_submitted", cart_id=cart_id, method=method)''',
    ),
)

STEP_TIMING = '''def step_timing(cart_id: str, step: str, duration_ms: int) -> None:
    """Server-side duration of one checkout step, for the latency goal."""
    emit("checkout_step_timed", cart_id=cart_id, step=step, duration_ms=duration_ms)'''

DUNNING_SCHEDULE = "RETRY_SCHEDULE_DAYS = (1, 3, 7)"

DUNNING_NEXT = '''def next_attempt(failed_at: datetime, attempts_so_far: int) -> datetime | None:
    """When to retry next, or None once the schedule is used up."""
    if attempts_so_far >= len(RETRY_SCHEDULE_DAYS):
        return None
    return failed_at + timedelta(days=RETRY_SCHEDULE_DAYS[attempts_so_far])'''

DUNNING_RUN_1 = '''def run_due_retries(now: datetime) -> int:
    """Nightly job: retry every renewal whose next attempt is due."""
    retried = 0
    for renewal in store.query("failed_renewals", due_before=now):
        if retry_failed_charge(renewal["charge_id"]):
            store.update("failed_renewals", renewal["id"], status="recovered")
        else:
            store.update("failed_renewals", renewal["id"], attempts=renewal["attempts"] + 1)
        retried += 1
    return retried'''

DUNNING_RUN_2 = '''def run_due_retries(now: datetime) -> int:
    """Nightly job: retry every renewal whose next attempt is due and tell the customer if it fails."""
    retried = 0
    for renewal in store.query("failed_renewals", due_before=now):
        if retry_failed_charge(renewal["charge_id"]):
            store.update("failed_renewals", renewal["id"], status="recovered")
        else:
            attempt = renewal["attempts"] + 1
            store.update("failed_renewals", renewal["id"], attempts=attempt)
            notify_customer(renewal, attempt)
        retried += 1
    return retried'''

NOTIFY_1 = '''def notify_customer(renewal: dict[str, str], attempt: int) -> None:
    """Tell the customer the charge failed and how to fix it (one email per attempt)."""
    emails.failed_payment_email(renewal["email"], attempt, update_url=renewal["update_url"])'''

NOTIFY_2 = '''def notify_customer(renewal: dict[str, str], attempt: int) -> None:
    """Tell the customer the charge failed and how to fix it (one email per attempt)."""
    for _ in range(3):
        try:
            emails.failed_payment_email(renewal["email"], attempt, update_url=renewal["update_url"])
            return
        except TimeoutError:
            logger.warning("email provider timed out, retrying", extra={"renewal": renewal["id"]})'''

NOTIFY_3 = '''def notify_customer(renewal: dict[str, str], attempt: int) -> None:
    """Tell the customer the charge failed and how to fix it (exactly one email per attempt)."""
    key = f"dunning:{renewal['id']}:{attempt}"
    if store.exists("sent_emails", key):
        return
    for _ in range(3):
        try:
            emails.failed_payment_email(
                renewal["email"], attempt, update_url=renewal["update_url"], idempotency_key=key
            )
            break
        except TimeoutError:
            logger.warning("email provider timed out, retrying", extra={"renewal": renewal["id"]})
    store.insert("sent_emails", {"id": key})'''

DUNNING_TESTS = Src(
    "py-tests",
    PY_TEST_HEADER + "\nfrom datetime import datetime, timedelta",
    (
        """def test_schedule_is_day_1_3_7():
    failed = datetime(2026, 9, 1, 2, 0)
    assert [next_attempt(failed, n) for n in range(3)] == [
        failed + timedelta(days=1),
        failed + timedelta(days=3),
        failed + timedelta(days=7),
    ]""",
        """def test_schedule_used_up_after_three_attempts():
    assert next_attempt(datetime(2026, 9, 1), 3) is None""",
    ),
    import_from="billing.dunning",
    imports=("next_attempt",),
)

DUNNING_TEST_EMAILS = """def test_customer_emailed_after_each_failed_attempt(fake_mailer, renewal):
    for attempt in (1, 2, 3):
        notify_customer(renewal, attempt)
    assert len(fake_mailer.sent) == 3"""

DUNNING_TEST_IDEMPOTENT = """def test_email_sent_once_even_when_provider_times_out(flaky_mailer, renewal):
    notify_customer(renewal, 1)
    notify_customer(renewal, 1)
    assert len(flaky_mailer.delivered) == 1"""

EMAILS = Src(
    "py-module",
    '''"""Customer emails sent by billing."""

from __future__ import annotations

from billing.mailer import send_template''',
    (
        '''def failed_payment_email(customer_email: str, attempt: int, update_url: str) -> str:
    """Send the 'your payment failed' email; returns the provider's message id."""
    return send_template(
        "failed-payment",
        to=customer_email,
        data={"attempt": attempt, "update_url": update_url},
    )''',
    ),
)

EMAILS_2 = '''def failed_payment_email(customer_email: str, attempt: int, update_url: str, idempotency_key: str) -> str:
    """Send the 'your payment failed' email; returns the provider's message id."""
    return send_template(
        "failed-payment",
        to=customer_email,
        data={"attempt": attempt, "update_url": update_url},
        idempotency_key=idempotency_key,
    )'''

ADDRESS_FORM = Src(
    "tsx-component",
    """import { useEffect, useState } from "react";
import { api } from "../api/client";
import type { Address } from "../types";""",
    (
        """export function AddressForm({ onChange }: { onChange: (address: Address) => void }) {
  const [query, setQuery] = useState("");
  const [suggestions, setSuggestions] = useState<Address[]>([]);

  useEffect(() => {
    if (query.length < 3) return;
    api.get(`/addresses/suggest?q=${encodeURIComponent(query)}`).then((res) => setSuggestions(res.data));
  }, [query]);

  return (
    <div className="checkout-address">
      <input aria-label="Street address" value={query} onChange={(e) => setQuery(e.target.value)} />
      <ul role="listbox">
        {suggestions.map((s) => (
          <li key={s.id} role="option" onClick={() => onChange(s)}>{s.label}</li>
        ))}
      </ul>
    </div>
  );
}""",
    ),
    CLIENT_NOUNS,
    "web/src/__tests__/AddressForm.test.tsx",
)

ADDRESS_DEBOUNCE = """function useDebounced<T>(value: T, delayMs = 200): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}"""

ADDRESS_FORM_2 = """export function AddressForm({ onChange }: { onChange: (address: Address) => void }) {
  const [query, setQuery] = useState("");
  const [suggestions, setSuggestions] = useState<Address[]>([]);
  const debounced = useDebounced(query);

  useEffect(() => {
    if (debounced.length < 3) return;
    api.get(`/addresses/suggest?q=${encodeURIComponent(debounced)}`).then((res) => setSuggestions(res.data));
  }, [debounced]);

  return (
    <div className="checkout-address">
      <input aria-label="Street address" value={query} onChange={(e) => setQuery(e.target.value)} />
      <ul role="listbox">
        {suggestions.map((s) => (
          <li key={s.id} role="option" onClick={() => onChange(s)}>{s.label}</li>
        ))}
      </ul>
    </div>
  );
}"""

ADDRESS_TESTS = Src(
    "ts-tests",
    'import { fireEvent, render, screen } from "@testing-library/react";',
    (
        """it("suggests addresses after three characters", async () => {
  render(<AddressForm onChange={() => {}} />);
  fireEvent.change(screen.getByLabelText("Street address"), { target: { value: "10 Down" } });
  expect(await screen.findAllByRole("option")).toHaveLength(3);
});""",
        """it("selects a suggestion with the keyboard", async () => {
  const onChange = vi.fn();
  render(<AddressForm onChange={onChange} />);
  fireEvent.change(screen.getByLabelText("Street address"), { target: { value: "10 Down" } });
  fireEvent.keyDown(await screen.findByRole("listbox"), { key: "Enter" });
  expect(onChange).toHaveBeenCalled();
});""",
    ),
    import_from="../components/AddressForm",
    imports=("AddressForm",),
)

ADDRESS_CSS = """.checkout-address li[aria-selected="true"] {
  background: #f0f4f8;
  outline: 2px solid #3b5bdb;
}"""

TAX = Src(
    "py-module",
    '''"""Tax rates and per-line tax, shown to shoppers before they pay."""

from __future__ import annotations

from typing import TYPE_CHECKING

from api.checkout.utils import round_half_even

if TYPE_CHECKING:
    from api.checkout.cart import Line''',
    (
        'RATES = {"DE": 0.19, "FR": 0.20, "GB": 0.20, "IE": 0.23, "NL": 0.21, "US": 0.0}',
        '''def rate_for(country: str) -> float:
    """VAT rate for a shipping country; unknown countries pay the EU default."""
    return RATES.get(country.upper(), 0.20)''',
        '''def tax_for_line(line: Line, country: str) -> int:
    """Tax for one cart line in minor units, rounded per line."""
    return round_half_even(line.unit_price.cents * line.quantity * rate_for(country))''',
    ),
    TAX_NOUNS,
    "api/tests/test_tax.py",
)

RATE_CACHED = '''@lru_cache(maxsize=256)
def rate_for(country: str) -> float:
    """VAT rate for a shipping country; unknown countries pay the EU default."""
    return RATES.get(country.upper(), 0.20)'''

TOTALS_2 = '''def totals(cart: Cart, country: str = "DE") -> dict[str, int]:
    """Subtotal, per-line tax and total in minor units."""
    if not cart.lines:
        return {"subtotal": 0, "tax": 0, "total": 0}
    subtotal = sum(line.unit_price.cents * line.quantity for line in cart.lines)
    tax = sum(tax_for_line(line, country) for line in cart.lines)
    return {"subtotal": subtotal, "tax": tax, "total": subtotal + tax}'''

TOTALS_3 = '''def totals(cart: Cart, country: str = "DE") -> dict[str, int | str]:
    """Subtotal, per-line tax and total in minor units, in the cart's currency."""
    currency = cart.lines[0].unit_price.currency
    subtotal = sum(line.unit_price.cents * line.quantity for line in cart.lines)
    tax = sum(tax_for_line(line, country) for line in cart.lines)
    return {"currency": currency, "subtotal": subtotal, "tax": tax, "total": subtotal + tax}'''

TOTALS_4 = '''def totals(cart: Cart, country: str = "DE") -> dict[str, int | str]:
    """Subtotal, per-line tax and total in minor units, in the cart's currency."""
    if not cart.lines:
        return {"currency": cart.currency, "subtotal": 0, "tax": 0, "total": 0}
    currency = cart.lines[0].unit_price.currency
    subtotal = sum(line.unit_price.cents * line.quantity for line in cart.lines)
    tax = sum(tax_for_line(line, country) for line in cart.lines)
    return {"currency": currency, "subtotal": subtotal, "tax": tax, "total": subtotal + tax}'''

EMPTY_CART_TEST = """def test_totals_for_empty_cart(cart_factory):
    assert totals(cart_factory(lines=[]))["total"] == 0"""

CART_LOAD_2 = '''def load(cart_id: str) -> Cart:
    """Fetch a cart and all its prices in two queries instead of one per line."""
    row = store.get("carts", cart_id)
    prices = store.prices([l["sku"] for l in row["lines"]])
    lines = [Line(sku=l["sku"], quantity=l["quantity"], unit_price=prices[l["sku"]]) for l in row["lines"]]
    return Cart(id=row["id"], customer_id=row["customer_id"], currency=row["currency"], lines=lines)'''

SUMMARY_LINE_2 = """function LineRow({ line }: { line: CartLine }) {
  return (
    <li className="checkout-line">
      <span>{line.quantity} &times; {line.name}</span>
      <span>{formatMoney(line.totalCents, line.currency)}</span>
      <small>incl. {formatMoney(line.taxCents, line.currency)} tax</small>
    </li>
  );
}"""

SUMMARY_2 = """export function CartSummary({ cart }: { cart: Cart }) {
  return (
    <section className="checkout-summary" aria-label="Order summary">
      <ul>{cart.lines.map((line) => <LineRow key={line.sku} line={line} />)}</ul>
      <dl className="checkout-totals">
        <dt>Subtotal</dt>
        <dd>{formatMoney(cart.subtotalCents, cart.currency)}</dd>
        <dt>Tax</dt>
        <dd>{formatMoney(cart.taxCents, cart.currency)}</dd>
        <dt>Total</dt>
        <dd className="checkout-total">{formatMoney(cart.totalCents, cart.currency)}</dd>
      </dl>
    </section>
  );
}"""

CARDS = Src(
    "py-module",
    '''"""Saved cards: vault tokens only, never card numbers."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from billing import stripe_client
from billing.db import store

logger = logging.getLogger(__name__)''',
    (
        """@dataclass(frozen=True)
class SavedCard:
    id: str
    customer_id: str
    token: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int""",
        '''def tokenise_card(customer_id: str, setup_intent_id: str) -> SavedCard:
    """Exchange a confirmed SetupIntent for a vault token and remember the card."""
    method = stripe_client.payment_method_for(setup_intent_id)
    card = SavedCard(
        id=store.new_id("card"),
        customer_id=customer_id,
        token=method.id,
        brand=method.card.brand,
        last4=method.card.last4,
        exp_month=method.card.exp_month,
        exp_year=method.card.exp_year,
    )
    store.insert("saved_cards", card.__dict__)
    return card''',
        '''def list_cards(customer_email: str) -> list[SavedCard]:
    """Cards a returning customer can pick on the payment step."""
    customer = store.find_one("customers", email=customer_email)
    return [SavedCard(**row) for row in store.query("saved_cards", customer_id=customer["id"])]''',
    ),
    CARD_NOUNS,
    "billing/tests/test_cards.py",
)

LIST_CARDS_2 = '''def list_cards(customer_id: str) -> list[SavedCard]:
    """Cards a returning customer can pick on the payment step."""
    return [SavedCard(**row) for row in store.query("saved_cards", customer_id=customer_id)]'''

DELETE_CARD = '''def delete_card(customer_id: str, card_id: str) -> None:
    """Forget a card and detach its vault token."""
    row = store.get("saved_cards", card_id)
    if row["customer_id"] != customer_id:
        raise PermissionError("card belongs to another customer")
    stripe_client.detach(row["token"])
    store.delete("saved_cards", card_id)'''

CARD_TESTS = Src(
    "py-tests",
    PY_TEST_HEADER,
    (
        """def test_tokenise_card_keeps_no_card_number(fake_stripe, store):
    card = tokenise_card("cus_1", "seti_123")
    assert card.token.startswith("pm_")
    assert "4242424242424242" not in str(store.dump())""",
        """def test_list_cards_for_customer(saved_card):
    assert [c.id for c in list_cards(saved_card.customer_email)] == [saved_card.id]""",
        """def test_delete_card_of_other_customer_is_refused(saved_card):
    with pytest.raises(PermissionError):
        delete_card("cus_other", saved_card.id)""",
    ),
    import_from="billing.cards",
    imports=("delete_card", "list_cards", "tokenise_card"),
)

CARD_TEST_LIST_2 = """def test_list_cards_for_customer(saved_card):
    assert [c.id for c in list_cards(saved_card.customer_id)] == [saved_card.id]"""

CARD_TEST_GUEST = """def test_list_cards_for_former_guest(saved_card_of_former_guest):
    assert list_cards(saved_card_of_former_guest.customer_id)"""

PAYMENT_METHODS = Src(
    "py-module",
    '''"""Payment-method endpoints used by the payment step."""

from __future__ import annotations

from api.http import Request, Response, json_response
from billing import cards''',
    (
        '''def list_saved_cards(request: Request) -> Response:
    """Saved cards for the signed-in customer."""
    saved = cards.list_cards(request.customer.email)
    return json_response([{"id": c.id, "brand": c.brand, "last4": c.last4} for c in saved])''',
        '''def save_card(request: Request) -> Response:
    """Store the card from a confirmed SetupIntent."""
    card = cards.tokenise_card(request.customer.id, request.json()["setup_intent"])
    return json_response({"id": card.id}, status=201)''',
    ),
)

LIST_SAVED_2 = '''def list_saved_cards(request: Request) -> Response:
    """Saved cards for the signed-in customer."""
    saved = cards.list_cards(request.customer.id)
    return json_response([{"id": c.id, "brand": c.brand, "last4": c.last4} for c in saved])'''

SAVED_CARDS_TSX = Src(
    "tsx-component",
    """import { useEffect, useState } from "react";
import { api } from "../api/client";
import type { SavedCard } from "../types";""",
    (
        """export function SavedCards({ onPick }: { onPick: (cardId: string) => void }) {
  const [cards, setCards] = useState<SavedCard[]>([]);
  useEffect(() => {
    api.get("/payment-methods/cards").then((res) => setCards(res.data));
  }, []);
  if (cards.length === 0) return null;
  return (
    <fieldset className="checkout-saved-cards">
      <legend>Saved cards</legend>
      {cards.map((card) => (
        <label key={card.id}>
          <input type="radio" name="card" onChange={() => onPick(card.id)} />
          {card.brand} •••• {card.last4}
        </label>
      ))}
    </fieldset>
  );
}""",
    ),
    PAYMENT_NOUNS,
)

TOKENS_CSS = Src(
    "css",
    "/* Design tokens (D-0004). Components use these variables, never raw values. */",
    (
        """:root {
  --color-text: #1f2933;
  --color-muted: #616e7c;
  --color-border: #d9e2ec;
  --color-accent: #3b5bdb;
  --color-danger: #c92a2a;
  --space-1: 4px;
  --space-2: 8px;
  --space-3: 16px;
}""",
    ),
)

TOKEN_SUBS = (
    ("#1f2933", "var(--color-text)"),
    ("#d9e2ec", "var(--color-border)"),
    ("#3b5bdb", "var(--color-accent)"),
    ("#c92a2a", "var(--color-danger)"),
)

ALERTS = Src(
    "tf",
    "# Alarms that page the checkout on-call.",
    (
        """resource "aws_cloudwatch_metric_alarm" "dunning_email_rate" {
  alarm_name          = "dunning-email-rate"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 2
  metric_name         = "EmailsSent"
  namespace           = "Acme/Billing"
  period              = 300
  statistic           = "Sum"
  threshold           = 2000
  alarm_actions       = [aws_sns_topic.oncall.arn]
}""",
    ),
    TF_NOUNS,
)

ALERT_5XX = """resource "aws_cloudwatch_metric_alarm" "api_5xx_per_endpoint" {
  for_each            = toset(["carts", "orders", "payments"])
  alarm_name          = "checkout-api-5xx-${each.key}"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "5xx_${each.key}"
  namespace           = "Acme/Checkout"
  period              = 60
  statistic           = "Sum"
  threshold           = 20
  alarm_actions       = [aws_sns_topic.oncall.arn]
}"""

RUNBOOK_SAVED_CARDS = (
    "## Saved cards\n\nIf returning customers see no saved cards, hide the picker "
    '(`FEATURE_FLAGS["saved_cards"] = False`); typing a card still works. See INC-2.'
)

CHECKLIST = Src(
    "tsx-component",
    """import { useEffect, useState } from "react";
import { api } from "../api/client";
import copy from "../copy/en.json";""",
    (
        'const STEPS = ["business_details", "payout_account", "first_product", "test_payment"] as const;',
        """export function Checklist({ merchantId }: { merchantId: string }) {
  const [done, setDone] = useState<string[]>([]);
  useEffect(() => {
    api.get(`/merchants/${merchantId}/onboarding`).then((res) => setDone(res.data.completed));
  }, [merchantId]);
  return (
    <ol className="onboarding-checklist">
      {STEPS.map((step) => (
        <li key={step} className={done.includes(step) ? "is-done" : undefined}>
          <h3>{copy[`onboarding.${step}.title`]}</h3>
          <p>{copy[`onboarding.${step}.help`]}</p>
        </li>
      ))}
    </ol>
  );
}""",
    ),
    CLIENT_NOUNS,
)

CHECKLIST_TESTS = Src(
    "ts-tests",
    """import { render, screen } from "@testing-library/react";
import { mockApi } from "./mockApi";""",
    (
        """it("remembers completed steps", async () => {
  mockApi({ "/merchants/m_1/onboarding": { completed: ["business_details"] } });
  render(<Checklist merchantId="m_1" />);
  expect((await screen.findByText(/business details/i)).closest("li")).toHaveClass("is-done");
});""",
    ),
    import_from="../onboarding/Checklist",
    imports=("Checklist",),
)

PROGRESS = Src(
    "py-module",
    '''"""Onboarding progress, stored server-side so every device agrees."""

from __future__ import annotations

from api.db import store

STEPS = ("business_details", "payout_account", "first_product", "test_payment")''',
    (
        '''def completed_steps(merchant_id: str) -> list[str]:
    """Steps the merchant has finished, in checklist order."""
    done = {row["step"] for row in store.query("onboarding_steps", merchant_id=merchant_id)}
    return [step for step in STEPS if step in done]''',
        '''def complete_step(merchant_id: str, step: str) -> None:
    """Mark a step done; doing it twice is fine."""
    if step not in STEPS:
        raise ValueError(f"unknown onboarding step {step!r}")
    store.upsert("onboarding_steps", {"merchant_id": merchant_id, "step": step})''',
    ),
)

PROGRESS_TESTS = Src(
    "py-tests",
    PY_TEST_HEADER,
    (
        """def test_completed_steps_survive_a_new_session(store):
    complete_step("m_1", "business_details")
    assert completed_steps("m_1") == ["business_details"]""",
        """def test_unknown_step_is_rejected(store):
    with pytest.raises(ValueError):
        complete_step("m_1", "launch_rocket")""",
    ),
    import_from="api.onboarding.progress",
    imports=("complete_step", "completed_steps"),
)

PAYOUTS = Src(
    "py-module",
    '''"""Payout bank accounts for new merchants (onboarding step 2)."""

from __future__ import annotations

from billing import stripe_client''',
    (
        '''def add_payout_account(merchant_id: str, iban: str) -> dict[str, str]:
    """Attach a bank account for payouts without a support ticket."""
    # TODO(marco): IBAN checksum validation
    # FIXME: this calls Stripe synchronously inside the request
    account = stripe_client.create_external_account(merchant_id, iban=iban)
    return {"id": account.id, "last4": iban[-4:]}''',
    ),
)

CARD_UPDATER = Src(
    "py-module",
    '''"""Card updater: refresh expired cards from the card network's account updater."""

from __future__ import annotations

import logging

from billing import stripe_client
from billing.db import store

logger = logging.getLogger(__name__)''',
    (
        '''def cards_expiring(before_year: int, before_month: int) -> list[dict[str, str]]:
    """Saved cards that expire before the given month."""
    # TODO(marco): page through results, this loads everything
    return store.query("saved_cards", expires_before=(before_year, before_month))''',
        '''def request_update(card: dict[str, str]) -> None:
    """Ask the network updater for a fresh expiry date or number."""
    # FIXME: only Visa and Mastercard support this; skip other brands explicitly
    stripe_client.request_account_update(card["token"])''',
    ),
    CARD_NOUNS,
)

CARD_UPDATER_WEBHOOK = '''def handle_update_webhook(event: dict[str, object]) -> None:
    """Apply an 'account updated' event to the saved card."""
    # TODO: what do we do when the network says the account is closed?
    data = event["data"]
    assert isinstance(data, dict)
    store.update("saved_cards", data["card_id"], exp_month=data["exp_month"], exp_year=data["exp_year"])'''

GIFT_CARDS = Src(
    "py-module",
    '''"""Gift cards: balances and redemption at checkout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from billing.db import store''',
    (
        """@dataclass
class GiftCard:
    code: str
    balance_cents: int
    currency: str
    expires_on: date | None = None""",
        '''def balance(code: str) -> int:
    """Remaining balance in minor units; 0 for unknown or expired codes."""
    row = store.find_one("gift_cards", code=code.strip().upper())
    if row is None:
        return 0
    return int(row["balance_cents"])''',
    ),
)

GIFT_REDEEM = '''def redeem(code: str, order_total_cents: int) -> tuple[int, int]:
    """Apply a gift card to an order; returns (covered, still_to_pay) in minor units."""
    # TODO(sam): lock the row, two tabs can redeem the same card
    available = balance(code)
    covered = min(available, order_total_cents)
    store.update("gift_cards", code, balance_cents=available - covered)
    return covered, order_total_cents - covered'''

GIFT_FIELD = Src(
    "tsx-component",
    """import { useState } from "react";
import { api } from "../api/client";""",
    (
        """export function GiftCardField({ onApplied }: { onApplied: (coveredCents: number) => void }) {
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  async function apply() {
    const res = await api.post("/gift-cards/redeem", { code });
    if (res.data.coveredCents === 0) setError("This gift card has no balance.");
    else onApplied(res.data.coveredCents);
  }
  return (
    <div className="checkout-gift-card">
      <input aria-label="Gift card code" value={code} onChange={(e) => setCode(e.target.value)} />
      <button type="button" onClick={apply}>Apply</button>
      {error && <p className="checkout-error">{error}</p>}
    </div>
  );
}""",
    ),
)

WALLET_BUTTONS = Src(
    "tsx-component",
    """import { useEffect, useState } from "react";
import { canMakeWalletPayment, pay } from "../payments/wallets";
import { flags } from "../flags";""",
    (
        """export function WalletButtons({ amountCents, currency }: { amountCents: number; currency: string }) {
  const [available, setAvailable] = useState<{ applePay: boolean; googlePay: boolean } | null>(null);
  useEffect(() => {
    canMakeWalletPayment(currency).then(setAvailable);
  }, [currency]);
  if (!flags.checkout_wallets || !available) return null;
  return (
    <div className="checkout-wallets">
      {available.applePay && (
        <button className="wallet wallet--apple" onClick={() => pay("apple_pay", amountCents)}>Pay</button>
      )}
      {available.googlePay && (
        <button className="wallet wallet--google" onClick={() => pay("google_pay", amountCents)}>Buy</button>
      )}
    </div>
  );
}""",
    ),
    PAYMENT_NOUNS,
)

WALLET_TRACK = """export function trackWalletShown(wallet: "apple_pay" | "google_pay"): void {
  analytics.track("wallet_button_shown", { wallet });
}"""

WALLETS_PY = Src(
    "py-module",
    '''"""Apple Pay and Google Pay sessions (behind the checkout_wallets flag)."""

from __future__ import annotations

from api import settings
from billing import stripe_client''',
    (
        '''def create_wallet_session(cart_id: str, wallet: str, domain: str) -> dict[str, str]:
    """Start an Apple Pay or Google Pay session for the cart."""
    # TODO(priya): Apple Pay domain verification for merchant subdomains
    if not settings.FEATURE_FLAGS.get("checkout_wallets"):
        raise PermissionError("wallet payments are not enabled")
    if wallet not in ("apple_pay", "google_pay"):
        raise ValueError(f"unknown wallet {wallet!r}")
    intent = stripe_client.create_payment_intent(cart_id, payment_method_types=["card"], wallet=wallet)
    return {"client_secret": intent.client_secret, "domain": domain}''',
    ),
)

FLAGS_2 = """FEATURE_FLAGS: dict[str, bool] = {
    "checkout_v2": False,
    "checkout_wallets": False,
}"""

WALLETS_CSS = Src(
    "css",
    "/* Wallet buttons follow Apple's and Google's brand guidelines; do not restyle them. */",
    (
        """.wallet {
  min-height: 44px;
  width: 100%;
  border-radius: 6px;
}""",
        """.wallet--apple {
  background: #000;
  color: #fff;
}""",
        """.wallet--google {
  background: #fff;
  border: 1px solid #3c4043;
}""",
    ),
)

# --------------------------------------------------------------------------------------------------
# The storyline: scripted commits, in date order per branch
# --------------------------------------------------------------------------------------------------

U2M = ("api.checkout.utils", "api.checkout.money")


def _code_stories() -> list[Story]:
    """Feature work, fixes, renames, merges, releases and hotfixes."""
    s = Story
    return [
        s(
            "2026-08-24",
            "li",
            "Initial import of Acme Checkout\n\nImported from acme/monolith at 4f1c2e9; "
            "earlier history stays there.",
            (Initial(),),
            at="09:12",
        ),
        s(
            "2026-08-24",
            "jordan",
            "ci: add GitHub Actions for tests and tag deploys",
            (
                NewParams(CI_FILE, "ci", tuple(CI_PARAMS.items())),
                Put(".github/workflows/deploy.yml", DEPLOY_YML),
            ),
            at="10:40",
        ),
        s(
            "2026-08-25",
            "li",
            "chore: add cpto workspace config and people.yaml",
            (Put("cpto.toml", CPTO_TOML), Put("people.yaml", people_yaml())),
            at="10:05",
        ),
        s("2026-08-28", "jordan", "chore(release): v1.0.0", release="1.0.0", at="15:30"),
        s(
            "2026-08-31",
            "sam",
            "feat(checkout): guest checkout skeleton (CHK-1)",
            (NewFile("api/checkout/guest.py", GUEST),),
        ),
        s(
            "2026-09-01",
            "sam",
            "feat(checkout): email-only guest orders",
            (
                AddBlock("api/checkout/guest.py", GUEST_ATTACH),
                AddBlock("api/checkout/guest.py", GUEST_OFFER),
                Sub("api/app.py", "import cart, orders", "import cart, guest, orders"),
                AddBlock("api/app.py", GUEST_ROUTE),
            ),
            pr=True,
        ),
        s(
            "2026-09-02",
            "li",
            "spike: GraphQL gateway over the checkout API",
            (NewFile("api/graphql/schema.py", GRAPHQL),),
            branch="spike/graphql-gateway",
        ),
        s(
            "2026-09-03",
            "sam",
            "test(checkout): guest checkout happy path and invalid email (CHK-1)",
            (NewFile("api/tests/test_guest.py", GUEST_TESTS),),
        ),
        s(
            "2026-09-03",
            "priya",
            "refactor(web): rename Payment to PaymentForm",
            (
                Move("web/src/components/Payment.tsx", "web/src/components/PaymentForm.tsx"),
                Sub("web/src/components/PaymentForm.tsx", "function Payment(", "function PaymentForm("),
                Sub(
                    "web/src/App.tsx",
                    '{ Payment } from "./components/Payment"',
                    '{ PaymentForm } from "./components/PaymentForm"',
                ),
                Sub("web/src/App.tsx", "<Payment cart", "<PaymentForm cart"),
            ),
        ),
        s(
            "2026-09-03",
            "li",
            "wip: orders resolver",
            (AddBlock("api/graphql/schema.py", GRAPHQL_ORDERS),),
            branch="spike/graphql-gateway",
        ),
        s(
            "2026-09-03",
            "nina",
            "feat(api): emit checkout funnel events",
            (NewFile("api/events.py", EVENTS),),
        ),
        s(
            "2026-09-04",
            "marco",
            "refactor(billing): rename retry module to dunning",
            (
                Move("billing/retry.py", "billing/dunning.py"),
                Sub(
                    "billing/dunning.py",
                    "Retry failed subscription charges.",
                    "Dunning: recover failed subscription renewals.",
                ),
            ),
        ),
        s(
            "2026-09-08",
            "marco",
            "feat(billing): retry schedule for failed renewals",
            (
                Sub(
                    "billing/dunning.py",
                    "import logging\n",
                    "import logging\nfrom datetime import datetime, timedelta\n",
                ),
                Sub(
                    "billing/dunning.py",
                    "from billing import stripe_client",
                    "from billing import stripe_client\nfrom billing.db import store",
                ),
                AddBlock("billing/dunning.py", DUNNING_SCHEDULE),
                AddBlock("billing/dunning.py", DUNNING_NEXT),
                AddBlock("billing/dunning.py", DUNNING_RUN_1),
            ),
            branch="feature/dunning-retries",
        ),
        s(
            "2026-09-08",
            "priya",
            "feat(web): address autocomplete component",
            (NewFile("web/src/components/AddressForm.tsx", ADDRESS_FORM),),
            branch="feature/address-autocomplete",
        ),
        s(
            "2026-09-09",
            "marco",
            "test(billing): retry schedule",
            (NewFile("billing/tests/test_dunning.py", DUNNING_TESTS),),
            branch="feature/dunning-retries",
        ),
        s("2026-09-09", "li", "chore(release): v1.1.0", release="1.1.0", at="14:00"),
        s(
            "2026-09-10",
            "priya",
            "feat(web): debounce address lookups",
            (
                AddBlock("web/src/components/AddressForm.tsx", ADDRESS_DEBOUNCE),
                ReplaceBlock("web/src/components/AddressForm.tsx", ADDRESS_FORM_2),
            ),
            branch="feature/address-autocomplete",
        ),
        s(
            "2026-09-11",
            "priya",
            "test(web): address form keyboard navigation",
            (NewFile("web/src/__tests__/AddressForm.test.tsx", ADDRESS_TESTS),),
            branch="feature/address-autocomplete",
            alt_email=True,
        ),
        s(
            "2026-09-11",
            "marco",
            "address review comments",
            (Generic("billing/dunning.py", "tweak"),),
            branch="feature/dunning-retries",
        ),
        s(
            "2026-09-14",
            "aiko",
            "style(web): address suggestions focus state",
            (AddBlock("web/src/styles/checkout.css", ADDRESS_CSS),),
        ),
        s(
            "2026-09-15",
            "li",
            "Merge pull request #{pr} from acme/feature/dunning-retries\n\n"
            "Retry failed renewals on day 1, 3 and 7",
            merge="feature/dunning-retries",
            github=True,
            at="10:00",
        ),
        s(
            "2026-09-15",
            "marco",
            "feat(billing): email customers after each failed renewal",
            (
                NewFile("billing/emails.py", EMAILS),
                Sub(
                    "billing/dunning.py",
                    "from billing import stripe_client",
                    "from billing import emails, stripe_client",
                ),
                AddBlock("billing/dunning.py", NOTIFY_1),
                ReplaceBlock("billing/dunning.py", DUNNING_RUN_2),
            ),
            pr=True,
            at="14:10",
        ),
        s(
            "2026-09-16",
            "priya",
            "Merge branch 'feature/address-autocomplete'",
            merge="feature/address-autocomplete",
            at="11:00",
        ),
        s(
            "2026-09-16",
            "sam",
            "feat(api): tax breakdown per line in cart totals",
            (
                NewFile("api/checkout/tax.py", TAX),
                Sub(
                    "api/checkout/cart.py",
                    "from api.checkout.utils import Money",
                    "from api.checkout.tax import tax_for_line\nfrom api.checkout.utils import Money",
                ),
                ReplaceBlock("api/checkout/cart.py", TOTALS_2),
            ),
            pr=True,
        ),
        s(
            "2026-09-17",
            "priya",
            "feat(web): show tax breakdown in the order summary",
            (
                ReplaceBlock("web/src/components/CartSummary.tsx", SUMMARY_LINE_2),
                ReplaceBlock("web/src/components/CartSummary.tsx", SUMMARY_2),
            ),
        ),
        s(
            "2026-09-17",
            "marco",
            "test(billing): failed renewal emails",
            (AddBlock("billing/tests/test_dunning.py", DUNNING_TEST_EMAILS, ("notify_customer",)),),
        ),
        s(
            "2026-09-18",
            "marco",
            "fix(billing): retry dunning emails when the provider times out",
            (ReplaceBlock("billing/dunning.py", NOTIFY_2),),
            key="culprit-dunning",
            pr=True,
            at="10:15",
        ),
        s(
            "2026-09-18",
            "sam",
            "refactor(api): rename checkout utils to money",
            (
                Move("api/checkout/utils.py", "api/checkout/money.py"),
                Sub("api/checkout/cart.py", *U2M),
                Sub("api/checkout/orders.py", *U2M),
                Sub("api/checkout/tax.py", *U2M),
            ),
            at="15:40",
        ),
        s(
            "2026-09-21",
            "marco",
            "feat(billing): add card vault tokenisation",
            (NewFile("billing/cards.py", CARDS),),
            branch="feature/saved-cards",
        ),
        s("2026-09-22", "li", "chore(release): v1.2.0", release="1.2.0", at="15:00"),
        s(
            "2026-09-23",
            "sam",
            "feat(checkout): saved cards API (CHK-3)",
            (NewFile("api/checkout/payment_methods.py", PAYMENT_METHODS),),
            branch="feature/saved-cards",
        ),
        s("2026-09-24", "aiko", "design: refreshed logo", (Logo(2),)),
        s(
            "2026-09-24",
            "priya",
            "refactor(web): move checkout colours to design tokens (D-0004)",
            (
                NewFile("web/src/styles/tokens.css", TOKENS_CSS),
                *(Sub("web/src/styles/checkout.css", old, new) for old, new in TOKEN_SUBS),
            ),
            pr=True,
        ),
        s(
            "2026-09-25",
            "marco",
            "feat(billing): delete saved cards",
            (AddBlock("billing/cards.py", DELETE_CARD),),
            branch="feature/saved-cards",
            at="11:20",
        ),
        s(
            "2026-09-25",
            "marco",
            "test(billing): vault tokenisation and card listing",
            (NewFile("billing/tests/test_cards.py", CARD_TESTS),),
            branch="feature/saved-cards",
            at="16:05",
        ),
        s(
            "2026-09-25",
            "priya",
            "feat(web): saved card picker on the payment step",
            (NewFile("web/src/components/SavedCards.tsx", SAVED_CARDS_TSX),),
            branch="feature/saved-cards",
        ),
        s(
            "2026-09-29",
            "marco",
            "fix(billing): make dunning emails idempotent",
            (
                ReplaceBlock("billing/dunning.py", NOTIFY_3),
                ReplaceBlock("billing/emails.py", EMAILS_2),
                AddBlock("billing/tests/test_dunning.py", DUNNING_TEST_IDEMPOTENT),
            ),
            pr=True,
            tag="v1.2.1",
            at="12:15",
        ),
        s(
            "2026-09-30",
            "jordan",
            "feat(infra): alarm on dunning email send rate",
            (NewFile("infra/alerts.tf", ALERTS),),
        ),
        s(
            "2026-10-01",
            "li",
            "Merge pull request #{pr} from acme/feature/saved-cards\n\nSaved cards (CHK-3)",
            merge="feature/saved-cards",
            github=True,
            at="11:00",
        ),
        s(
            "2026-10-02",
            "sam",
            "feat(checkout): remember-card opt-in copy (CHK-3)",
            (SetParam(COPY_FILE, "payment.save_card", "Save this card for next time"),),
        ),
        s("2026-10-06", "li", "chore(release): v1.3.0", release="1.3.0", at="14:30"),
        s(
            "2026-10-07",
            "sam",
            "fix(billing): look up saved cards by customer id, not email",
            (
                ReplaceBlock("billing/cards.py", LIST_CARDS_2),
                ReplaceBlock("api/checkout/payment_methods.py", LIST_SAVED_2),
                ReplaceBlock("billing/tests/test_cards.py", CARD_TEST_LIST_2),
                AddBlock("billing/tests/test_cards.py", CARD_TEST_GUEST),
            ),
            tag="v1.3.1",
            at="15:20",
        ),
        s(
            "2026-10-09",
            "jordan",
            "docs: move runbook to docs/runbooks and add a saved-cards section",
            (
                Move("docs/runbook.md", "docs/runbooks/checkout.md"),
                AddBlock("docs/runbooks/checkout.md", RUNBOOK_SAVED_CARDS),
            ),
        ),
        s(
            "2026-10-12",
            "priya",
            "feat(web): onboarding checklist",
            (NewFile("web/src/onboarding/Checklist.tsx", CHECKLIST),),
            branch="feature/onboarding-checklist",
        ),
        s(
            "2026-10-13",
            "sam",
            "feat(api): persist onboarding progress",
            (
                Put("api/onboarding/__init__.py", '"""Merchant onboarding."""\n'),
                NewFile("api/onboarding/progress.py", PROGRESS),
            ),
            branch="feature/onboarding-checklist",
        ),
        s("2026-10-13", "marco", "wip: card updater", (NewFile("billing/card_updater.py", CARD_UPDATER),)),
        s(
            "2026-10-14",
            "sam",
            "feat(billing): gift card balance model",
            (NewFile("billing/gift_cards.py", GIFT_CARDS),),
            branch="feature/gift-cards",
        ),
        s(
            "2026-10-14",
            "priya",
            "test(web): checklist remembers completed steps",
            (NewFile("web/src/__tests__/Checklist.test.tsx", CHECKLIST_TESTS),),
            branch="feature/onboarding-checklist",
            alt_email=True,
        ),
        s(
            "2026-10-15",
            "sam",
            "test(api): onboarding progress",
            (NewFile("api/tests/test_onboarding.py", PROGRESS_TESTS),),
            branch="feature/onboarding-checklist",
            at="10:30",
        ),
        s(
            "2026-10-15",
            "aiko",
            "copy: plain-language help text for onboarding steps",
            tuple(
                SetParam(COPY_FILE, f"onboarding.{k}.{part}", v)
                for k, part, v in (
                    ("business_details", "title", "Tell us about your business"),
                    ("business_details", "help", "Your legal name and address, as they appear on invoices."),
                    ("payout_account", "title", "Where should we send your money?"),
                    (
                        "payout_account",
                        "help",
                        "Add the bank account you want payouts in. It takes a minute.",
                    ),
                )
            ),
        ),
        s(
            "2026-10-15",
            "marco",
            "feat(billing): card updater webhook handler",
            (AddBlock("billing/card_updater.py", CARD_UPDATER_WEBHOOK),),
        ),
        s(
            "2026-10-16",
            "priya",
            "Merge branch 'feature/onboarding-checklist'",
            merge="feature/onboarding-checklist",
            at="11:30",
        ),
        s(
            "2026-10-16",
            "sam",
            "feat(web): gift card field at checkout",
            (NewFile("web/src/components/GiftCardField.tsx", GIFT_FIELD),),
            branch="feature/gift-cards",
        ),
        s(
            "2026-10-19",
            "priya",
            "feat(web): Apple Pay and Google Pay buttons (CHK-4)",
            (NewFile("web/src/components/WalletButtons.tsx", WALLET_BUTTONS),),
            branch="feature/wallets",
        ),
        s("2026-10-20", "jordan", "chore(release): v1.4.0", release="1.4.0", at="15:00"),
        s(
            "2026-10-21",
            "sam",
            "perf(api): cache tax rates per country",
            (
                Sub(
                    "api/checkout/tax.py",
                    "from typing import TYPE_CHECKING",
                    "from functools import lru_cache\nfrom typing import TYPE_CHECKING",
                ),
                ReplaceBlock("api/checkout/tax.py", RATE_CACHED),
            ),
            pr=True,
        ),
        s(
            "2026-10-22",
            "priya",
            "feat(api): wallet payment session endpoint behind checkout_wallets flag",
            (NewFile("api/checkout/wallets.py", WALLETS_PY), ReplaceBlock("api/settings.py", FLAGS_2)),
            branch="feature/wallets",
        ),
        s(
            "2026-10-23",
            "sam",
            "wip",
            (Generic("billing/gift_cards.py", "marker"),),
            branch="feature/gift-cards",
        ),
        s(
            "2026-10-23",
            "marco",
            "feat(api): payout bank account step for onboarding (wip)",
            (NewFile("api/onboarding/payouts.py", PAYOUTS),),
        ),
        s(
            "2026-10-26",
            "li",
            "perf(api): batch price lookups when loading carts (CHK-7)",
            (ReplaceBlock("api/checkout/cart.py", CART_LOAD_2),),
        ),
        s(
            "2026-10-27",
            "sam",
            "refactor(api): simplify cart total calculation",
            (ReplaceBlock("api/checkout/cart.py", TOTALS_3),),
            key="culprit-cart",
            pr=True,
            at="16:10",
        ),
        s(
            "2026-10-28",
            "priya",
            "address review comments",
            (Generic("web/src/components/WalletButtons.tsx", "tweak"),),
            branch="feature/wallets",
        ),
        s("2026-10-29", "marco", "wip", (Generic("billing/card_updater.py", "marker"),)),
        s(
            "2026-10-29",
            "nina",
            "feat(api): track checkout step timings (CHK-7)",
            (AddBlock("api/events.py", STEP_TIMING),),
        ),
        s(
            "2026-11-02",
            "aiko",
            "style(web): wallet button sizes per platform guidelines",
            (NewFile("web/src/styles/wallets.css", WALLETS_CSS),),
            branch="feature/wallets",
        ),
        s("2026-11-03", "li", "chore(release): v1.5.0", release="1.5.0", at="14:00"),
        s(
            "2026-11-04",
            "sam",
            "Fix crash when cart is empty",
            (
                ReplaceBlock("api/checkout/cart.py", TOTALS_4),
                AddBlock("api/tests/test_cart.py", EMPTY_CART_TEST),
            ),
            pr=True,
            at="10:20",
        ),
        s("2026-11-04", "li", "chore(release): v1.5.1", release="1.5.1", at="10:45"),
        s(
            "2026-11-05",
            "jordan",
            "feat(infra): alarm on checkout 5xx rate per endpoint",
            (AddBlock("infra/alerts.tf", ALERT_5XX),),
        ),
        s(
            "2026-11-06",
            "li",
            "Merge pull request #{pr} from acme/feature/wallets\n\nWallet buttons behind the "
            "checkout_wallets flag (CHK-4)",
            merge="feature/wallets",
            github=True,
            at="14:00",
        ),
        s(
            "2026-11-09",
            "sam",
            "feat(billing): redeem gift card against order total (CHK-8)",
            (AddBlock("billing/gift_cards.py", GIFT_REDEEM),),
            branch="feature/gift-cards",
        ),
        s(
            "2026-11-10",
            "priya",
            "feat(web): wallet button analytics events",
            (AddBlock("web/src/components/WalletButtons.tsx", WALLET_TRACK),),
        ),
        s("2026-11-12", "li", "chore(release): v1.6.0", release="1.6.0", at="15:00"),
        s(
            "2026-11-13",
            "aiko",
            "copy: wallet button labels",
            (
                SetParam(COPY_FILE, "wallet.apple_pay", "Pay with Apple Pay"),
                SetParam(COPY_FILE, "wallet.google_pay", "Pay with Google Pay"),
            ),
        ),
    ]


def _doc_stories() -> list[Story]:
    """PRDs, roadmap reviews and incident records."""
    s = Story
    out = [
        s(
            "2026-08-25",
            "dana",
            "docs(prd): checkout v2 draft",
            (Put("docs/prd/checkout.md", checkout_prd(1)),),
            at="15:20",
        ),
        s(
            "2026-09-01",
            "dana",
            "docs(prd): checkout v2 approved, add latency target",
            (Put("docs/prd/checkout.md", checkout_prd(2)),),
            at="11:00",
        ),
        s(
            "2026-09-07",
            "dana",
            "docs(prd): failed payment recovery draft",
            (Put("docs/prd/billing-dunning.md", dunning_prd(1)),),
            at="09:40",
        ),
        s(
            "2026-09-09",
            "nina",
            "docs(prd): add Q2 recovery baseline to dunning PRD",
            (Put("docs/prd/billing-dunning.md", dunning_prd(2)),),
            at="11:30",
        ),
        s(
            "2026-09-02",
            "nina",
            "docs: define checkout funnel metrics",
            (NewFile("docs/metrics.md", METRICS),),
        ),
        s(
            "2026-10-05",
            "aiko",
            "docs(prd): merchant onboarding draft",
            (Put("docs/prd/onboarding.md", onboarding_prd(1)),),
            at="14:00",
        ),
        s(
            "2026-10-12",
            "dana",
            "Onboarding PRD: rewrite stories after research sessions",
            (Put("docs/prd/onboarding.md", onboarding_prd(2)),),
            at="13:00",
        ),
        s(
            "2026-10-13",
            "dana",
            "docs(prd): add gift cards to the checkout later list",
            (Put("docs/prd/checkout.md", checkout_prd(3)),),
            at="10:30",
        ),
        s(
            "2026-10-19",
            "dana",
            "docs(prd): finance dashboard for dunning (DUN-5)",
            (Put("docs/prd/billing-dunning.md", dunning_prd(3)),),
            at="15:00",
        ),
        s(
            "2026-10-14",
            "li",
            "roadmap: add one-click reorder to the long list",
            (Put("roadmap.yaml", roadmap_text(3, with_reorder=True)),),
            at="17:10",
        ),
    ]
    titles = (
        "roadmap: first joint review",
        "roadmap: joint review 10 Sep",
        "Roadmap after joint review",
        "roadmap: joint review 8 Oct",
        "roadmap: joint review 22 Oct",
        "roadmap: joint review 5 Nov",
    )
    for i, day in enumerate(REVIEWS):
        out.append(s(day, "dana", titles[i], (Put("roadmap.yaml", roadmap_text(i)),), at="16:30"))
    incident_meta = (
        ("2026-09-30", "marco", "docs(incidents): INC-1 duplicate dunning emails", "14:00"),
        ("2026-10-09", "sam", "docs(incidents): INC-2 saved cards missing after v1.3.0", "11:40"),
        ("2026-11-05", "sam", "Incident write-up: INC-3 checkout 500s on empty carts", "15:00"),
    )
    for (path, text), (day, who, msg, at) in zip(INCIDENTS, incident_meta, strict=True):
        out.append(s(day, who, msg, (Put(path, text),), at=at))
    return out


def _decision_stories() -> list[Story]:
    """Each decision record: proposed, decided, appealed and resolved, each by the right person."""
    out: list[Story] = []
    for i, d in enumerate(DECISIONS):
        short = d.title[0].lower() + d.title[1:]
        propose = f"docs(decisions): propose {d.id} {short}" if i % 2 == 0 else f"Propose {d.id}: {short}"
        out.append(
            Story(
                d.raised[:10],
                d.point,
                propose,
                (Put(d.path, decision_text(d, "proposed")),),
                at=d.raised[11:],
            )
        )
        if not d.decided:
            later = sorted({day for _, day, _ in d.discussion if day > d.raised[:10]})
            for day in later:
                who = [w for w, bullet_day, _ in d.discussion if bullet_day == day][-1]
                out.append(
                    Story(
                        day,
                        who,
                        f"docs(decisions): {d.id} discussion",
                        (Put(d.path, decision_text(d, "proposed", upto=day)),),
                    )
                )
        if d.decided:
            msg = f"docs(decisions): {d.id} decided" if i % 3 else f"Decide {d.id}: {short}"
            out.append(
                Story(
                    d.decided[:10],
                    d.point,
                    msg,
                    (Put(d.path, decision_text(d, "decided")),),
                    at=d.decided[11:],
                )
            )
        if d.appeal:
            a = d.appeal
            out.append(
                Story(
                    a.at[:10],
                    a.by,
                    f"docs(decisions): appeal {d.id}",
                    (Put(d.path, decision_text(d, "appealed")),),
                    at=a.at[11:],
                )
            )
            if a.resolved:
                out.append(
                    Story(
                        a.resolved,
                        a.resolver,
                        f"{d.id}: appeal {a.outcome}",
                        (Put(d.path, decision_text(d, "resolved")),),
                        at="11:00",
                    )
                )
    return out


def storyline() -> list[Story]:
    """Every scripted commit, sorted by day (stable, so same-day order is the order written above)."""
    stories = _code_stories() + _doc_stories() + _decision_stories()
    return sorted(stories, key=lambda st: st.day)


# --------------------------------------------------------------------------------------------------
# The stop cord pulled today
# --------------------------------------------------------------------------------------------------

# Raised when the demo is built (the day `cpto demo` runs), left uncommitted as `cpto alarm raise` leaves
# it: the first line of that day's heartbeat, whatever week it reports. Not part of the git history, so
# the same seed still gives the same commits.
TODAYS_ALARM = (
    "li",
    "Checkout p95 latency doubled since v1.6.0",
    "p95 of POST /checkout went from 0.9 s to 1.9 s after v1.6.0 shipped the wallet buttons; the wallet"
    " branch is still open and nobody owns the regression.",
)
