"""The heartbeat as a report (terminal, Markdown, HTML, JSON).

Reading order is the order of urgency: open stop cords first (the report's title names the newest, so
it is the first line in every format), then the threshold breaches, then the week so far, then the
week's delivery and effort. A number the records cannot support is shown as unknown with the reason
and what to set up, never as a zero, and carries no DORA level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, fields, replace
from datetime import datetime, timedelta
from typing import Any

from cpto.heartbeat.agreement import ModelCheck, describe, held_out_accuracy, model_check
from cpto.heartbeat.allocation import Allocation
from cpto.heartbeat.classify import CATEGORIES
from cpto.heartbeat.debt import complexity_grew
from cpto.heartbeat.dora import (
    FAIL_RATE,
    FREQUENCY,
    LEAD_TIME,
    RECOVERY,
    REWORK,
    SOURCE,
    Delivery,
    Lead,
    Metric,
    assess,
    breaches,
    restored,
    unjudged,
)
from cpto.heartbeat.evidence import NO_GITHUB
from cpto.heartbeat.hotspots import EXCLUDED
from cpto.heartbeat.reviews import ReviewSlas, Sla
from cpto.heartbeat.shares import Shares, allocation_shares, format_share, machine_confusions
from cpto.heartbeat.week import Heartbeat
from cpto.records.alarms import Alarm
from cpto.records.incidents import Incident
from cpto.records.people import COUNT_RULE, IDENTITY_RULE
from cpto.records.times import duration
from cpto.report import DETAIL, NARROW, WIDE, Block, Blocks, Chart, Link, Report, Table, Tag
from cpto.review.trace import Link as Evidence

Forge = Callable[[Evidence], str]  # where the forge shows a commit or pull request, "" when unknown

# the anchors of the sections a figure drills down to (stable: the forum and other pages link to them)
DEPLOYS = "deploys"
LEAD_CHANGES = "lead-time-changes"
DELIVERY_INCIDENTS = "delivery-incidents"
DELIVERY = "delivery"
STOP_CORDS = "stop-cords"
BREACHES = "breaches"
EFFORT = "effort"
INCIDENTS = "incidents"
ACTIONS = "action-items"
PAST_SLA = "decisions-past-sla"
WAITING = "waiting-for-review"
SO_FAR = "so-far"
METRIC_BASIS = {
    FREQUENCY: DEPLOYS,
    LEAD_TIME: LEAD_CHANGES,
    FAIL_RATE: DELIVERY_INCIDENTS,
    RECOVERY: DELIVERY_INCIDENTS,
    REWORK: DELIVERY_INCIDENTS,
}

QUIET = "no activity"


NO_DECISIONS = "no decision records: record decisions with `cpto decision new`"


def _pct(rate: float | None) -> str:
    return f"{rate:.0%}" if rate is not None else ""


def _hours(span: timedelta | None) -> float | None:
    return round(span.total_seconds() / 3600, 2) if span is not None else None


def metrics(beat: Heartbeat) -> list[Metric]:
    """The week's five delivery metrics; the deployment frequency's level is read over all the weeks
    shown (one week cannot tell a monthly deployer from a six-monthly one)."""
    return assess(beat.delivery, beat.sources, active=beat.active(-1), cadence=[d for _, d in beat.trend])


def not_judged(beat: Heartbeat, ms: list[Metric] | None = None) -> list[str]:
    """The thresholds in [alarms] the week's records cannot judge: a metric with an agreed floor whose
    value is unknown, the appeal rate without decided decisions, decision SLAs without decision records.
    Said beside the breach count, so "0 breaches" never stands for "nothing could be checked".
    ``ms``: :func:`metrics` of ``beat`` when the caller has them."""
    out = unjudged(ms if ms is not None else metrics(beat), beat.thresholds.worst_band)
    if beat.appeal_rate is None:
        out.append("appeal rate")
    if not beat.decision_records:
        out.append("decision SLAs")
    return out


def _breach_count(found: list[str], unjudged: list[str]) -> int | str:
    """The breach count, or what it stands on when some thresholds could not be judged."""
    if not unjudged:
        return len(found)
    return f"{len(found)} among what could be judged (not judged: {', '.join(unjudged)})"


def breached(beat: Heartbeat, ms: list[Metric] | None = None) -> list[str]:
    """The thresholds in [alarms] the week breaches (stop cords are apart: see ``beat.pulled``):
    DORA metrics worse than the agreed level, debt paydown under its floor while the hotspots grow,
    appeals over the agreed rate, decisions past their SLA. An unknown metric breaches nothing.
    ``ms``: :func:`metrics` of ``beat`` when the caller has them."""
    out = breaches(ms if ms is not None else metrics(beat), beat.thresholds.worst_band)
    steps = beat.thresholds.debt_weeks
    recent = beat.effort[-steps:]
    debt_shares = [a.shares("commits")["debt"] for _, a in recent]
    if (
        len(debt_shares) == steps
        and all(sum(a.commits.values()) for _, a in recent)  # a quiet week pays nothing down and owes nothing
        and all(share < beat.thresholds.debt_floor for share in debt_shares)
        and complexity_grew(beat.debt, steps)
    ):
        out.append(
            f"debt paydown under {_pct(beat.thresholds.debt_floor)} of commits while the hotspots' complexity"
            f" grew {steps} weeks running ({' -> '.join(str(w.hotspot_complexity) for w in beat.debt[-steps - 1 :])})"
        )
    if beat.appeal_rate is not None and beat.appeal_rate > beat.max_appeal_rate:
        out.append(
            f"appeal rate {_pct(beat.appeal_rate)} this quarter is over the agreed {_pct(beat.max_appeal_rate)}"
        )
    if beat.past_sla:
        out.append(
            f"{len(beat.past_sla)} decision(s) open past their SLA: {', '.join(d.id for d in beat.past_sla)}"
        )
    return out


def alarms(beat: Heartbeat) -> list[str]:
    """Everything that should stop the line: the open stop cords, then the threshold breaches."""
    return [_cord_line(a, beat.end) for a in beat.pulled] + breached(beat)


def _when(alarm: Alarm, today: datetime | None) -> str:
    if alarm.raised is None:
        return "raised at an unknown time"
    raised = alarm.raised.astimezone(today.tzinfo) if today is not None else alarm.raised
    if today is not None and raised.date() == today.date():
        return f"raised today {raised:%H:%M}"
    return f"raised {raised:%Y-%m-%d %H:%M}"


def _cord_line(alarm: Alarm, today: datetime | None = None) -> str:
    by = f" by {alarm.by}" if alarm.by else ""
    return f"STOP CORD {alarm.id}: {alarm.title} ({_when(alarm, today)}{by})"


def _this(beat: Heartbeat) -> str:
    """ "this week" for an ISO week's report, "in 2026-05-25..2026-12-06" for a ``--since`` window: a
    table titled "this week" over six months would misstate what it counts."""
    return f"in {beat.week}" if ".." in beat.week else "this week"


def _title(beat: Heartbeat, now: datetime | None) -> str:
    """The newest open stop cord when there is one (so it is the first line of every format), else the week."""
    if not beat.pulled:
        return f"Heartbeat {beat.week}"
    more = len(beat.pulled) - 1
    return _cord_line(beat.pulled[0], now) + (
        f" (+{more} more stop cord{'s' * (more > 1)} open)" if more else ""
    )


def _axis_table(title: str, axis: str, effort: Allocation) -> Table | None:
    """Effort under each label of one axis this week: commits, share, changed lines, main bucket."""
    slices = effort.by.get(axis)
    if not slices:
        return None
    total = sum(s.total for s in slices.values()) or 1.0
    rows = [
        [label, _count(s.total), _pct(s.total / total), round(s.lines), _split(s.commits, s.total)]
        for label, s in sorted(slices.items(), key=lambda kv: (-kv[1].total, kv[0]))
    ]
    return Table(title, [axis, "commits", "share", "changed lines", "buckets"], rows)


DECIDER_NAMES = {
    "label": "labels",
    "type": "authors' types",
    "override": "overrides",
    "model": "model",
    "rules": "rules",
}


def _decided_line(estimated: Shares) -> str:
    """Who decided the week's buckets, and how far the estimated shares can be trusted: people's
    buckets count as given, the machine's are counted as called and carry the interval (sampling plus the model's error on projects it never saw)."""
    counts = ", ".join(
        # a zero is said for what usually decides (labels, types, the model), not for overrides or the
        # rules, which decide only when there are overrides or no model
        f"{DECIDER_NAMES[d]} {n}"
        for d, n in estimated.decided.items()
        if n or d in ("label", "type", "model")
    )
    people = f"{estimated.by_people:.0%}" if estimated.by_people is not None else "none"
    return (
        f"decided by: {counts} ({people} of commits bucketed by people); estimated share: {estimated.method}"
    )


def _estimated_data(estimated: Shares) -> dict[str, Any]:
    """JSON: each bucket's estimated share of commits with its 95% interval, and who decided (new
    fields; the week's plain ``shares`` stay as they were); every share null in a week with no commits
    (unknown, not 0)."""
    return {
        "estimated_shares": {
            s.bucket: {"share": s.share, "low": s.low, "high": s.high, "observed": s.observed}
            for s in estimated.shares
        },
        "decided_by": estimated.decided,
        "decided_by_people": estimated.by_people,
        "shares_method": estimated.method,
        "shares_notes": estimated.notes,
    }


def _check_data(check: ModelCheck, period: str, summary: str) -> dict[str, Any]:
    """JSON: the model checked against the buckets people gave (cpto.heartbeat.agreement); ``rate`` and
    its interval null when nothing could be checked (unknown, not 0)."""
    return {
        "period": period,
        "checked": check.checked,
        "agreed": check.agreed,
        "rate": round(check.rate, 4) if check.rate is not None else None,
        "low": check.low,
        "high": check.high,
        "held_out_accuracy": held_out_accuracy(),
        "by_bucket": check.by_bucket,
        "summary": summary,
    }


def _count(value: float) -> float | int:
    """Whole commits as integers; a commit shared between labels leaves a fraction."""
    return int(value) if float(value).is_integer() else round(value, 1)


def _split(commits: dict[str, float], total: float) -> str:
    parts = [f"{c} {v / total:.0%}" for c, v in sorted(commits.items(), key=lambda kv: -kv[1]) if v]
    return ", ".join(parts)


def _or_nan(value: float | None) -> float:
    return float("nan") if value is None else value


def _charts(beat: Heartbeat) -> list[Chart]:
    weeks = [week for week, _ in beat.trend]
    per_window = [assess(d, beat.sources, active=beat.active(n)) for n, (_, d) in enumerate(beat.trend)]

    def series(index: int, scale: float = 1.0) -> list[float]:
        values = [m[index].value for m in per_window]
        return [float("nan") if v is None else v * scale for v in values]

    return [
        Chart(
            "Allocation over weeks",
            "bars",
            weeks,
            {c: [float(a.commits[c]) for _, a in beat.effort] for c in CATEGORIES},
            caption="share of each week's commits per bucket (cpto classify); a week with no commits has no bar",
        ),
        Chart(
            "DORA trends",
            "lines",
            weeks,
            {
                "deploys per week": series(0),
                "change lead time (hours, median)": series(1),
                "change fail rate (%)": series(2, 100),
                "failed deployment recovery time (hours, median)": series(3),
                "deployment rework rate (%)": series(4, 100),
            },
            caption="one chart per metric, each on its own axis; a gap is a week where it could not be measured",
        ),
        Chart(
            "Hotspot map",
            "treemap",
            [h.path for h in beat.hotspots],
            {
                "size": [float(h.complexity) for h in beat.hotspots],
                "heat": [float(h.commits) for h in beat.hotspots],
            },
            caption="box area = indentation complexity, redder = more commits in the last 12 weeks",
        ),
    ]


_LEAD_FIELDS = tuple(f.name for f in fields(Lead))


def _metric_data(m: Metric) -> dict[str, Any]:
    """One metric in JSON: ``value`` null with ``reason`` beside it when unknown; ``level`` null where
    the 2024 report gives none; the deploys, commits and incidents it rests on."""
    return {
        "value": m.value,
        "unit": m.unit,
        "text": m.text,
        "reason": m.reason or None,
        "level": m.level or None,
        "level_text": m.level_text or None,
        "deploys": m.deploys,
        # flat records: a plain dict each (asdict's deep copy cost 2 s for an estate's 76,000)
        "commits": [{name: getattr(c, name) for name in _LEAD_FIELDS} for c in m.commits],
        "incidents": m.incidents,
        "basis": m.basis or None,
    }


def _delivery_data(d: Delivery, ms: list[Metric]) -> dict[str, Any]:
    return {
        "deploys": d.deploys,
        "failed_deploys": d.failed,
        "rework_deploys": d.rework,
        "metrics": {m.name.replace(" ", "_"): _metric_data(m) for m in ms},
    }


def _metric_row(m: Metric) -> list[Any]:
    if m.value is None:
        return [m.name, Tag(m.text, "muted"), "", m.reason]
    level = Tag(m.level_text, _tone(m.level)) if m.level else m.level_text
    return [m.name, _figure(m), level, m.basis]


def _figure(m: Metric) -> str | Link:
    """A known metric's value, linked to the section listing what it was computed from."""
    return (
        Link(m.text, f"#{METRIC_BASIS[m.name]}") if m.value is not None and m.name in METRIC_BASIS else m.text
    )


def _tone(level: str) -> str:
    return {"elite": "good", "high": "good", "medium": "warn", "low": "bad"}.get(level, "")


def _cell(m: Metric) -> str:
    """A metric in a trend cell: its value, "no activity", "none" (nothing to measure), or "unknown"."""
    if m.value is not None or m.text == QUIET:
        return m.text
    return "none" if m.text == "none measured" else "unknown"


def _restore_text(i: Incident) -> str:
    back = restored(i)
    if back is None or i.started is None:
        return "not restored yet"
    return f"{duration(back[0] - i.started)} to {back[1]}" + (
        " (no mitigated event)" if back[1] == "resolved" else ""
    )


def _delivery_sections(beat: Heartbeat, ms: list[Metric], active: bool) -> list[Table | Blocks]:
    """The week's metrics as a wide table and, for narrow screens, one block per metric."""
    title = f"Delivery (DORA 2024) {beat.week}"
    caption = f"levels: {SOURCE}; definitions in docs/heartbeat.md"
    if not active:
        rows = [[f"{QUIET}: nothing committed or deployed in {beat.week}"]]
        setup = assess(beat.delivery, beat.sources, active=True)  # what an active week would lack
        gaps = {
            m.reason.split(":")[0]: m.reason
            for m in reversed(setup)
            if m.value is None and m.text == "unknown"
        }
        rows += [[f"to measure it: {r}"] for r in reversed(gaps.values())]
        return [Table(title, [""], rows, anchor=DELIVERY)]
    blocks = [
        Block(
            m.name,
            tag=Tag(m.level_text or "unknown", _tone(m.level) if m.value is not None else "muted")
            if m.level_text or m.value is None
            else None,
            note=_figure(m),
            text=m.basis if m.value is not None else m.reason,
        )
        for m in ms
    ]
    return [
        Table(
            title,
            ["metric", "value", "level", "based on / why unknown"],
            [_metric_row(m) for m in ms],
            caption,
            WIDE,
            anchor=DELIVERY,
        ),
        Blocks(title, blocks, caption, NARROW, anchor=DELIVERY),
    ]


def _basis_sections(beat: Heartbeat, forge: Forge | None) -> list[Table]:
    """What the week's delivery figures were computed from, item by item, for the page a reader clicks
    through (shown in HTML only: the Delivery table's "based on" says it in a line elsewhere): the
    deploys, the changes behind the lead time, the incidents behind the stability metrics."""
    d = beat.delivery
    if not beat.active(-1) or not beat.sources.deploys_known:
        return []
    shipped = {name: sum(1 for x in d.leads if x.deploy == name) for name in d.deploys}
    out = [
        Table(
            f"Deploys in {beat.week}",
            ["deploy", "changes first shipped", "named as cause by", "shipped while open"],
            [
                [
                    name,
                    shipped[name],
                    ", ".join(d.failed_by.get(name, [])),
                    ", ".join(d.rework_for.get(name, [])),
                ]
                for name in d.deploys
            ]
            or [["none", "", "", ""]],
            caption=f"deploys are {beat.sources.deploy_source}; what deployment frequency, change fail rate"
            " and rework rate count",
            show=DETAIL,
            anchor=DEPLOYS,
        )
    ]
    if d.leads:
        out.append(
            Table(
                f"Changes behind the lead time {beat.week}",
                ["change", "landed as", "first deployed by", "lead time"],
                [_lead_row(x, forge) for x in d.leads],
                caption="each change from its pull request's first commit (else from when committed) to the"
                " first deploy containing it; the lead time is their median",
                show=DETAIL,
                anchor=LEAD_CHANGES,
            )
        )
    rows = [
        [i, dep, "named this deploy as its cause (change fail rate)"]
        for dep, ids in d.failed_by.items()
        for i in ids
    ]
    rows += [
        [
            r.incident,
            r.deploy,
            f"restored in {_h(r.hours)} ({r.restored_by}): failed deployment recovery time",
        ]
        for r in d.recoveries
    ]
    rows += [
        [i, dep, "open when this deploy shipped (rework rate)"]
        for dep, ids in d.rework_for.items()
        for i in ids
    ]
    rows += [[i, "", "caused by a deploy, not restored yet: no recovery time"] for i in d.unrestored]
    rows += [
        [i, "", f"started {_this(beat)}, names no deploy as cause: not counted"] for i in d.not_deploy_caused
    ]
    if beat.sources.incident_records:
        out.append(
            Table(
                f"Incidents behind the delivery figures {beat.week}",
                ["incident", "deploy", "counted as"],
                rows
                or [["none", "", f"no incident names a deploy {_this(beat)} or was open when one shipped"]],
                show=DETAIL,
                anchor=DELIVERY_INCIDENTS,
            )
        )
    return out


def _lead_row(lead: Lead, forge: Forge | None) -> list[Any]:
    """One change of the lead time: the pull request (or commit) and the commit that landed it, each
    linked to the forge when its remote is known."""
    commit = _forge_link(lead.sha[:10], Evidence("commit", lead.sha, 0.0, True, False, ""), forge)
    if lead.pull is None:
        return [commit, "", lead.deploy, _h(lead.hours)]
    pull = _forge_link(f"#{lead.pull}", Evidence("pr", f"#{lead.pull}", 0.0, True, False, ""), forge)
    return [pull, commit, lead.deploy, _h(lead.hours)]


def _forge_link(text: str, item: Evidence, forge: Forge | None) -> str | Link:
    url = forge(item) if forge is not None else ""
    return Link(text, url) if url else text


def _linked_facts(
    facts: list[tuple[str, Any]], sections: list[Table | Blocks], to: dict[str, str]
) -> list[tuple[str, Any]]:
    """Each fact named in ``to`` linked to its section, when the report has that section."""
    anchors = {t.anchor for t in sections}
    return [
        (name, Link(str(value), f"#{to[name]}") if to.get(name) in anchors else value)
        for name, value in facts
    ]


def _so_far_table(beat: Heartbeat) -> Table | None:
    s = beat.so_far
    if s is None:
        return None
    title = f"This week so far ({s.week}, {s.start:%a %d %b} to {s.now:%a %d %b %H:%M})"
    if not s.active:
        return Table(title, ["", ""], [[QUIET, "nothing committed or deployed yet this week"]], anchor=SO_FAR)
    ms = assess(s.delivery, beat.sources, active=True)
    rows: list[list[Any]] = [
        ["commits", sum(s.effort.commits.values())],
        ["deploys", ", ".join(s.delivery.deploys) or "none yet"],
        ["incidents started", ", ".join(i.id for i in s.incidents) or "none"],
    ]
    rows += [[m.name, _cell(m)] for m in ms[1:]]
    return Table(
        title,
        ["", "so far"],
        rows,
        caption="a partial week: no DORA levels until it is complete",
        anchor=SO_FAR,
    )


def _h(hours: float | None) -> str:
    return duration(timedelta(hours=hours)) if hours is not None else ""


def _sla_row(s: Sla, person: bool) -> list[Any]:
    over = f"{s.first_reviews_over_sla} / {s.approvals_over_sla}"
    return [
        s.who,
        *([s.team] if person else []),
        s.turns,
        _h(s.first_review_hours) or "none",
        _h(s.approval_hours) or "none",
        over,
        s.waiting,
    ]


def _review_sections(
    r: ReviewSlas | None, week: str, person_scores: bool, forge: Forge | None = None
) -> list[Table]:
    """Review SLAs: per reviewer (unless [privacy] person_scores = false), per team, and what waits now."""
    title = f"Review SLAs {week}"
    if r is None or not r.known:
        return [Table(title, [""], [[f"unknown: {NO_GITHUB}"]])]
    sla = f"[sla] approval = {duration(r.sla)}" if r.sla else "no [sla] approval set: nothing is over"
    asked = sum(1 for t in r.turns if not t.asked_by_request)
    caption = (
        f"median time from being asked to review to the first review (1st review) and to approval;"
        f" over SLA: first reviews / approvals slower than {sla}; waiting: open pull requests asked of them now"
        + (
            f"; {asked} of {len(r.turns)} reviews had no stored request and count from the pull request's opening"
            if asked
            else ""
        )
    )
    head = ["reviews", "1st review", "to approve", "over SLA", "waiting"]
    out = []
    if person_scores:
        out.append(
            Table(
                f"{title}: per reviewer",
                ["reviewer", "team", *head],
                [_sla_row(s, True) for s in r.reviewers]
                or [["none", "", "no review submitted in this window", *[""] * 4]],
                caption,
            )
        )
    out.append(
        Table(
            f"{title}: per team",
            ["team", *head],
            [_sla_row(s, False) for s in r.teams]
            or [["none", "no review submitted in this window", *[""] * 4]],
            caption if not person_scores else "the same, per team in people.yaml",
        )
    )
    out.append(
        Table(
            "Pull requests waiting for review now",
            ["pull request", "title", "author", "waiting on", "since", "waited"],
            [
                [
                    _forge_link(f"#{w.number}", Evidence("pr", f"#{w.number}", 0.0, True, False, ""), forge),
                    w.title[:50],
                    w.author,
                    w.who,
                    f"{w.since:%Y-%m-%d %H:%M}" + ("" if w.asked_by_request else " (opened)"),
                    Tag(_h(w.hours), "bad") if w.over_sla else _h(w.hours),
                ]
                for w in r.waiting
            ]
            or [["none", "no open pull request waits on a requested reviewer", "", "", "", ""]],
            caption=f"open, not draft, review requested and not given; longest first; red: over {sla}"
            if r.waiting
            else "",
            anchor=WAITING,
        )
    )
    return out


def _review_data(r: ReviewSlas | None, person_scores: bool) -> dict[str, Any]:
    if r is None or not r.known:
        return {"known": False, "reason": NO_GITHUB}
    return {
        "known": True,
        "sla_hours": _hours(r.sla),
        "start": r.start.isoformat(),
        "end": r.end.isoformat(),
        "now": r.now.isoformat(),
        "reviewers": [asdict(s) for s in r.reviewers] if person_scores else None,
        "reviewers_reason": None if person_scores else "[privacy] person_scores = false in cpto.toml",
        "teams": [asdict(s) for s in r.teams],
        "reviews": [
            {
                "pull": t.number,
                "reviewer": t.reviewer if person_scores else None,
                "asked": t.asked.isoformat(),
                "asked_by_request": t.asked_by_request,
                "first_review_hours": t.first_review_hours,
                "approval_hours": t.approval_hours,
            }
            for t in r.turns
        ],
        "waiting": [asdict(w) | {"since": w.since.isoformat()} for w in r.waiting],
    }


def heartbeat_report(
    beat: Heartbeat,
    workspace: str,
    now: datetime | None = None,
    *,
    person_scores: bool = True,
    forge: Forge | None = None,
) -> Report:
    """The week's heartbeat. Each headline figure links to the section listing what it was computed
    from (in HTML); ``forge`` (a commit or pull request to its page on the forge, "" when unknown) links
    the changes behind the lead time there."""
    d = beat.delivery
    ms = metrics(beat)  # assessed once: the breaches and what cannot be judged read the same
    breaches_ = breached(beat, ms)
    unjudged = not_judged(beat, ms)
    active = beat.active(-1)
    trend_metrics = [
        (week, w, assess(w, beat.sources, active=beat.active(n))) for n, (week, w) in enumerate(beat.trend)
    ]
    trend_rows = [
        [week, sum(beat.effort[n][1].commits.values()), *(_cell(m) for m in wm)]
        if beat.active(n)
        else [week, QUIET, *([""] * len(wm))]
        for n, (week, _w, wm) in enumerate(trend_metrics)
    ]
    effort = beat.effort[-1][1]
    line_share, people_share = (effort.shares(m) for m in ("lines", "people_weeks"))
    confusions = machine_confusions()  # read once: each week's estimate uses the same
    estimates = [allocation_shares(a, confusions) for _, a in beat.effort]  # the table's week is the last
    estimated = estimates[-1]
    checked = model_check(a for _, a in beat.effort)
    first, last = beat.effort[0][0], beat.effort[-1][0]
    checked_over = f"{first.split('..')[0]} to {last.split('..')[-1]}"  # 2026-W29 to 2026-W33, or dates
    check_said = describe(checked, checked_over)  # the caption's sentence and the JSON's summary
    span = f"{beat.start:%Y-%m-%d} to {beat.end - timedelta(days=1):%Y-%m-%d}"
    sections: list[Table | Blocks | None] = [
        Table(
            "Stop cords open (cpto alarm raise)",
            ["id", "raised", "by", "title"],
            [
                [Tag(a.id, "bad"), f"{a.raised:%Y-%m-%d %H:%M}" if a.raised else "", a.by, a.title]
                for a in beat.pulled
            ],
            caption="open until someone runs cpto alarm clear; the same count as cpto alarm list",
            anchor=STOP_CORDS,
        )
        if beat.pulled
        else None,
        Table(
            "Threshold breaches ([alarms] in cpto.toml)",
            ["breach"],
            [[b] for b in breaches_],
            anchor=BREACHES,
        )
        if breaches_
        else None,
        _so_far_table(beat),
        *_delivery_sections(beat, ms, active),
        Table(
            "Delivery trend",
            ["week", "commits", "deploys/week", "lead time", "fail rate", "recovery", "rework"],
            trend_rows,
        ),
        Table(
            f"Where effort went {_this(beat)}",
            ["bucket", "commits", "share (95%)", "changed lines", "share", "people-weeks", "share"],
            [
                [
                    c,
                    effort.commits[c],
                    format_share(estimated.get(c)),  # the estimate with its interval, not the plain count's
                    effort.lines[c],
                    _pct(line_share[c]),
                    effort.people_weeks[c],
                    _pct(people_share[c]),
                ]
                for c in CATEGORIES
            ],
            caption=(
                (
                    f"{effort.by_label} of {sum(effort.commits.values())} commits bucketed by their pull"
                    " request's (or its issue's) GitHub label ([github] labels), the rest by cpto classify"
                    if effort.by_label
                    else "buckets from cpto classify"
                )
                + " (a type its author wrote, else the shipped model: docs/classify.md);"
                f" {COUNT_RULE.split(';')[0]}; {IDENTITY_RULE}, as in cpto history and cpto people"
                + f". {_decided_line(estimated)}; {check_said}"
            ),
            anchor=EFFORT,
        )
        if active
        else Table(
            f"Where effort went {_this(beat)}",
            [""],
            [[f"{QUIET}: nothing was committed in {beat.week}"]],
            anchor=EFFORT,
        ),
        Table(
            "Effort trend (share of commits, 95%)",
            ["week", *CATEGORIES],
            [
                # each week with its interval, as the week's own table: a week of 8 commits is no 0%
                [week, *(format_share(e.get(c)) for c in CATEGORIES)]
                if sum(a.commits.values())
                else [week, QUIET, *([""] * (len(CATEGORIES) - 1))]
                for (week, a), e in zip(beat.effort, estimates, strict=True)
            ],
        ),
        *(
            _axis_table("Effort per team", "team", effort),
            _axis_table("Effort per PRD", "prd", effort),
            _axis_table("Effort per roadmap item", "roadmap item", effort),
        ),
        *_review_sections(beat.reviews, beat.week, person_scores, forge),
        Table(
            "Tech-debt hotspots (last 12 weeks)",
            ["file", "score", "why"],
            [[h.path, h.score, h.why] for h in beat.hotspots]
            or [["none", "", "no code file changed in the last 12 weeks"]],
            caption=f"score = commits x indentation complexity at HEAD (Tornhill); {EXCLUDED}",
        ),
        Table(
            "Tech-debt trend",
            ["week", "markers", "hotspot complexity", "test lines", "code lines", "test/code"],
            [
                [
                    w.week,
                    w.markers,
                    w.hotspot_complexity if beat.hotspots else "no hotspots",
                    *([w.test_lines, w.code_lines, w.test_ratio] if beat.active(n) else [QUIET, "", ""]),
                ]
                for n, w in enumerate(beat.debt)
            ],
            caption="TODO/FIXME/HACK/XXX markers in code and the complexity of this week's hotspots as the code stood at each week's end; lines changed in tests and in code during the week",
        ),
        Table(
            f"Incidents {_this(beat)}",
            ["id", "severity", "title", "caused by", "service restored"],
            [
                [
                    i.id,
                    i.severity or "(GitHub issue)",
                    i.title[:50],
                    i.caused_by or "(not named)",
                    _restore_text(i),
                ]
                for i in beat.incidents
            ]
            or [["none" if beat.sources.incident_records else "unknown", "", "", "", ""]],
            caption="service restored = the first mitigated event, else resolved (said so)"
            + (
                "; #N: GitHub issues labelled as incidents, opened = impact start, closed = restored"
                if beat.sources.github_incidents
                else ""
            )
            if beat.sources.incident_records
            else "no incident records: record incidents with `cpto incident new`",
            anchor=INCIDENTS,
        ),
        Table(
            "Open action items",
            ["owner", "action", "record", "where"],
            [[a.owner or "(nobody)", a.text, a.record, f"{a.path.name}:{a.line}"] for a in beat.open_actions]
            or [["none" if beat.sources.incident_files or beat.decision_records else "unknown", "", "", ""]],
            caption="the - [ ] lines of incident and decision records, whatever the week; `cpto actions` lists them"
            if beat.sources.incident_files or beat.decision_records
            else "no incident or decision records to hold action items: `cpto incident new`, `cpto decision new`",
            anchor=ACTIONS,
        ),
        Table(
            "Decisions open past their SLA",
            ["id", "title", "point", "days open"],
            [
                [
                    x.id,
                    x.title[:50],
                    x.point,
                    round(w.total_seconds() / 86400, 1) if (w := x.waited(beat.end)) else "",
                ]
                for x in beat.past_sla
            ]
            or [["none" if beat.decision_records else "unknown", "", "", ""]],
            caption="" if beat.decision_records else NO_DECISIONS,
            anchor=PAST_SLA,
        ),
        *_basis_sections(beat, forge),
    ]
    tables = [t for t in sections if t is not None]
    deploys_fact: Any = len(d.deploys) if beat.sources.deploys_known else "unknown (see Delivery)"
    drill = {
        "stop cords open": STOP_CORDS,
        "threshold breaches": BREACHES,
        "commits": EFFORT,
        "deploys": DEPLOYS if beat.sources.deploys_known else DELIVERY,
        "incidents started": INCIDENTS,
        "decisions open past SLA": PAST_SLA,
        "open action items": ACTIONS,
        "pull requests waiting for review": WAITING,
    }
    return Report(
        title=_title(beat, now),
        subtitle=f"Heartbeat {beat.week} · {workspace}: {span}" if beat.pulled else f"{workspace}: {span}",
        facts=_linked_facts(
            [
                ("stop cords open", len(beat.pulled)),
                ("threshold breaches", _breach_count(breaches_, unjudged)),
                ("commits", sum(effort.commits.values()) if active else QUIET),
                ("deploys", deploys_fact),
                (
                    "incidents started",
                    len(beat.incidents) if beat.sources.incident_records else "no incident records",
                ),
                (
                    "decisions open past SLA",
                    len(beat.past_sla) if beat.decision_records else "no decision records",
                ),
                (
                    "open action items",
                    len(beat.open_actions)
                    if beat.sources.incident_files or beat.decision_records
                    else "no incident or decision records",
                ),
                ("appeal rate this quarter", _pct(beat.appeal_rate) or "no decisions decided"),
                (
                    "pull requests waiting for review",
                    len({w.number for w in beat.reviews.waiting})
                    if beat.reviews is not None and beat.reviews.known
                    else "unknown (no GitHub data)",
                ),
            ],
            tables,
            drill,
        ),
        tables=tables,
        charts=_charts(beat),
        notes=list(beat.warnings),
        data={
            "stop_cords": {
                "open": len(beat.pulled),
                "items": [
                    {
                        "id": a.id,
                        "title": a.title,
                        "by": a.by,
                        "raised": a.raised.isoformat() if a.raised else None,
                        "path": str(a.path),
                    }
                    for a in beat.pulled
                ],
            },
            "threshold_breaches": {"count": len(breaches_), "items": breaches_, "not_judged": unjudged},
            "week": beat.week,
            "start": beat.start.isoformat(),
            "end": beat.end.isoformat(),
            "active": active,
            "so_far": _so_far_data(beat),
            "delivery": _delivery_data(d, ms),
            "deploy_source": beat.sources.deploy_source,
            "levels_source": SOURCE,
            "trend": [
                {"week": week, "active": beat.active(n), **_delivery_data(w, wm)}
                for n, (week, w, wm) in enumerate(trend_metrics)
            ],
            "incidents": [
                {
                    "id": i.id,
                    "source": "github issue" if i.id.startswith("#") else "record",
                    "severity": i.severity,
                    "caused_by": i.caused_by or None,
                    "hours_to_restore": _hours(back[0] - i.started)
                    if (back := restored(i)) and i.started
                    else None,
                    "restored_by": back[1] if back else None,
                }
                for i in beat.incidents
            ],
            "incident_records": beat.sources.incident_files,
            "github_incidents": {
                "count": beat.sources.github_incidents,
                "this_week": [i.id for i in beat.incidents if i.id.startswith("#")],
                "rule": "issues labelled [incidents] github_label: opened = impact start, closed = restored",
            }
            if beat.github
            else {"count": None, "reason": NO_GITHUB},
            "reviews": _review_data(beat.reviews, person_scores),
            "github": beat.github,
            # an estate: what each repository adds to the pooled figures (absent for one repository)
            **({"repositories": [asdict(r) for r in beat.repositories]} if beat.repositories else {}),
            "model_check": _check_data(checked, checked_over, check_said),
            "effort": [
                {
                    "week": week,
                    "active": bool(sum(a.commits.values())),
                    "commits": a.commits,
                    "lines": a.lines,
                    "people_weeks": a.people_weeks,
                    "decided_by_labels": a.by_label,
                    "shares": {m: a.shares(m) for m in ("commits", "lines", "people_weeks")}
                    if sum(a.commits.values())
                    else None,
                    **_estimated_data(estimate),
                    "by": {
                        axis: {
                            label: {
                                "commits": round(x.total, 2),
                                "lines": round(x.lines),
                                "buckets": x.commits,
                            }
                            for label, x in slices.items()
                        }
                        for axis, slices in a.by.items()
                    },
                }
                for (week, a), estimate in zip(beat.effort, estimates, strict=True)
            ],
            "hotspots": [asdict(h) | {"why": h.why} for h in beat.hotspots],
            "debt": [asdict(w) | {"test_ratio": w.test_ratio} for w in beat.debt],
            "rules": {"count": COUNT_RULE, "identity": IDENTITY_RULE},
            "decisions_past_sla": [x.id for x in beat.past_sla] if beat.decision_records else None,
            "decisions_past_sla_reason": None if beat.decision_records else NO_DECISIONS,
            "open_action_items": [
                {"owner": a.owner or None, "text": a.text, "record": a.record, "where": a.where}
                for a in beat.open_actions
            ]
            if beat.sources.incident_files or beat.decision_records
            else None,
            "appeal_rate": beat.appeal_rate,
            "warnings": beat.warnings,
        },
    )


def _so_far_data(beat: Heartbeat) -> dict[str, Any] | None:
    s = beat.so_far
    if s is None:
        return None
    ms = [replace(m, level="", level_text="") for m in assess(s.delivery, beat.sources, active=s.active)]
    return {
        "week": s.week,
        "start": s.start.isoformat(),
        "now": s.now.isoformat(),
        "active": s.active,
        "commits": sum(s.effort.commits.values()),
        "incidents": [i.id for i in s.incidents],
        **_delivery_data(s.delivery, ms),
    }
