"""The week in one short Markdown message for chat or email, and posting it to an incoming webhook.

Order is urgency: open stop cords, then what needs whom (decisions past their SLA with their point
person, open action items by owner), then PRD requirements at risk, then delivery in DORA's terms with
the value of the last snapshot beside each ("was"). Every piece of record text goes through the
Markdown renderer's escaping, so a title cannot turn into a link or a heading in the chat.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from urllib.parse import urlsplit

from cpto.errors import CptoError
from cpto.report.render import md_escape  # the one Markdown escaping
from cpto.review.trace import UNCLEAR
from cpto.review.views import at_risk as risky
from cpto.snapshot.figures import COMMITS, PAST_SLA, Week, shown
from cpto.snapshot.store import Snapshot

LIST_MAX = 5  # items per list: the message stays under ~40 lines
TIMEOUT = 10.0  # seconds for the webhook to answer


def _more(items: list[str], limit: int = LIST_MAX) -> list[str]:
    return items[:limit] + ([f"- and {len(items) - limit} more"] if len(items) > limit else [])


def _was(name: str, previous: Snapshot | None) -> str:
    """`` (was 2d 4h)``: the snapshot's value as it was shown (:func:`figures.shown`: a count as its
    number, unknown with its reason); "" when the snapshot has no such figure."""
    figure = previous.get(name) if previous is not None else None
    return "" if figure is None else f" (was {md_escape(shown(figure))})"


def at_risk(week: Week, today: date) -> list[str]:
    """PRDs at risk against their target (``review.views.at_risk``), each with the requirements (id and
    title) not shipped; unclear ones are said to be unclear."""
    if week.review is None:
        return []
    lines = []
    for prd, when, open_ in risky(week.review, week.prds, today):
        due = f"{(today - when).days} days past" if when < today else f"in {(when - today).days} days"
        reqs = ", ".join(
            f"{t.requirement.id} {t.requirement.title}" + (" (unclear)" if t.status == UNCLEAR else "")
            for t in open_[:3]
        ) + (f" and {len(open_) - 3} more" if len(open_) > 3 else "")
        lines.append(f"- {md_escape(prd.title or prd.path.stem)} (target {when}, {due}): {md_escape(reqs)}")
    return lines


def digest(week: Week, previous: Snapshot | None, workspace: str) -> str:
    """The digest as Markdown. ``previous``: the snapshot whose figures are shown as "was"."""
    beat = week.beat
    today = week.taken_at.date()
    since = f", compared with the snapshot of {previous.week}" if previous is not None else ""
    lines = [f"**{md_escape(workspace)} \u00b7 week {beat.week}**{since}", ""]
    if beat.pulled:
        lines.append(f"**Stop cords open ({len(beat.pulled)})**")
        lines += _more(
            [
                f"- {md_escape(a.id)}: {md_escape(a.title)}"
                + (f" (raised by {md_escape(a.by)})" if a.by else "")
                for a in beat.pulled
            ]
        )
        lines.append("")
    needs = []
    if not beat.decision_records:
        needs.append("- decisions past SLA: unknown, no decision records")
    for d in beat.past_sla:
        waited = d.waited(beat.end)
        days = f", open {waited.days} days" if waited is not None else ""
        needs.append(
            f"- decision {md_escape(d.id)} {md_escape(d.title)}: past its SLA{days}, point person {md_escape(d.point or '(none named)')}"
        )
    owners: dict[str, list[str]] = defaultdict(list)
    for a in beat.open_actions:
        owners[a.owner or "(no owner)"].append(f"{a.record}: {a.text}")
    for owner, items in sorted(owners.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        listed = "; ".join(items[:2]) + (f"; and {len(items) - 2} more" if len(items) > 2 else "")
        needs.append(
            f"- {md_escape(owner)}: {len(items)} open action item{'s' * (len(items) > 1)} ({md_escape(listed)})"
        )
    if needs:
        lines += ["**Needs someone**", *_more(needs, 2 * LIST_MAX), ""]
    risky = at_risk(week, today)
    if risky:
        lines += ["**PRD requirements at risk**", *_more(risky), ""]
    lines.append("**Delivery (DORA 2024)**")
    for m in week.metrics:
        now = m.text if m.value is not None else f"unknown: {m.reason}"
        lines.append(f"- {m.name}: {md_escape(now)}{_was(m.name, previous)}")
    commits = sum(beat.effort[-1][1].commits.values())
    lines.append(f"- {COMMITS}: {commits}{_was(COMMITS, previous)}")
    if beat.decision_records:
        lines.append(f"- {PAST_SLA}: {len(beat.past_sla)}{_was(PAST_SLA, previous)}")
    for warning in week.warnings:
        lines += ["", f"_{md_escape(warning)}_"]
    return "\n".join(lines).rstrip() + "\n"


def webhook_host(url: str) -> str:
    """The host of a webhook URL, the only part ever shown: the path of an incoming webhook is its key."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CptoError("--post: not an http(s) URL (the URL is not shown: a webhook's URL is its secret)")
    return parts.hostname + (f":{parts.port}" if parts.port else "")


def post(url: str, text: str, timeout: float = TIMEOUT) -> str:
    """POST ``{"text": text}`` to a Slack-compatible incoming webhook; returns its host. No answer or a
    non-2xx answer is a one-line error naming the host alone."""
    import httpx

    host = webhook_host(url)
    try:
        response = httpx.post(url.strip(), json={"text": text}, timeout=timeout)
    except httpx.TimeoutException:
        raise CptoError(f"--post: {host} did not answer within {timeout:g}s") from None
    except httpx.HTTPError as exc:
        raise CptoError(f"--post: could not reach {host} ({type(exc).__name__})") from None
    if not response.is_success:
        raise CptoError(
            f"--post: {host} answered {response.status_code} {response.reason_phrase}; the digest was not posted"
        )
    return host
