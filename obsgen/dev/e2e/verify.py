"""The verdict of an e2e run: what arrived where, against what the generated files promise.

For each covered alert and each receiver the routes table gives it, every integration of the
receiver must get a firing message carrying the alert's labels, summary and runbook_url (as
far as its format carries them: Slack and SMS messages name only alertname and service, SMS
has no summary), then a resolved one when the integration sends resolutions. No receiver may
get an alert it was not promised, nor an inhibited or muted one. A receiver's credential that
differs from its secret file, or a request a sink cannot read, is a problem too. And every
firing message must come within the worst case `proof/latency.py` computes for that alert and
receiver (`worst_cases`, at the stack's cadence), plus `SLACK`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from obsgen import model
from obsgen.dev.e2e.scenario import Expected, Scenario, runbook_page
from obsgen.dev.e2e.sinks import Message
from obsgen.proof import latency

SHOWN_LABELS = {"slack": ("alertname", "service"), "sns": ("alertname", "service")}
"""What a format's message shows of the labels; the others show every label."""
NO_SUMMARY = {"sns"}
STACK_MS = 1000
"""The stack's cadence: the exporter scraped and every rule group evaluated each second."""
SLACK = 1.0
"""Seconds the worst case does not count: the local HTTP/SMTP delivery, the exporter's switch."""

Worst = Mapping[tuple[str, str], tuple[float | None, float]]
"""(alert, receiver) -> (its budget in seconds or None, the computed worst case in seconds)."""


def worst_cases(project: model.Project) -> dict[tuple[str, str], tuple[float | None, float]]:
    """Each alert's worst case per receiver, from the incident's start, at the stack's cadence
    (probe jobs keep their own interval, as the stack scrapes them)."""
    found: dict[tuple[str, str], tuple[float | None, float]] = {}
    for n in project.notifications.values():
        probe = not n.scrape_set.startswith("Routing")
        n = replace(n, scrape_ms=n.scrape_ms if probe else STACK_MS, evaluation_ms=STACK_MS,
                    recording_ms=STACK_MS if n.recording_ms else 0)
        b = latency.breakdown(project, n)
        if b.unknown:
            continue
        shared = sum(t.ms for t in b.terms)
        for wait, term in b.waits:
            budget = n.budget or wait.budget
            worst = (shared + term.ms) / 1000
            before = found.get((n.alert, wait.receiver))
            if before is None or worst > before[1]:
                found[(n.alert, wait.receiver)] = (budget.ms / 1000 if budget else None, worst)
    return found


@dataclass(frozen=True)
class Row:
    """One delivery the routes table promises: when the firing and resolved messages came,
    in seconds after the alert's incident started and ended (None: not yet, or not sent)."""

    alert: str
    receiver: str
    kind: str
    fired: float | None
    resolved: float | None
    wants_resolved: bool
    stand_in: bool
    budget: float | None = None
    worst: float | None = None
    """The computed worst case in seconds (None: not computed)."""


@dataclass
class Verdict:
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(r.fired is not None and (r.resolved is not None or not r.wants_resolved)
                   for r in self.rows)


def alerts_in(message: Message, names: list[str]) -> list[str]:
    if message.labels is not None:
        return sorted({labels.get("alertname", "?") for labels in message.labels})
    return [n for n in names if re.search(rf"\b{re.escape(n)}\b", message.text)]


def content_problems(message: Message, expected: Expected) -> list[str]:
    """What a firing message lacks of the alert it is about."""
    where = f"{expected.alert} at {message.receiver} ({message.kind})"
    wrong = []
    if message.labels is not None and message.annotations is not None:
        for labels, notes in zip(message.labels, message.annotations, strict=True):
            if labels.get("alertname") != expected.alert:
                continue
            lost = {k: v for k, v in expected.labels.items() if labels.get(k) != v}
            if lost:
                wrong.append(f"{where}: labels {lost} missing or different in {labels}")
            for key, value in (("summary", expected.summary),
                               ("runbook_url", expected.runbook_url)):
                if notes.get(key) != value:
                    wrong.append(f"{where}: {key} {notes.get(key)!r}, expected {value!r}")
        return wrong
    shown = SHOWN_LABELS.get(message.kind, tuple(expected.labels))
    lost_values = [f"{k}={expected.labels[k]}" for k in shown
                   if k in expected.labels and expected.labels[k] not in message.text]
    if lost_values:
        wrong.append(f"{where}: the message does not show {', '.join(lost_values)}")
    if message.kind not in NO_SUMMARY and "{{" not in expected.summary \
            and expected.summary not in message.text:
        wrong.append(f"{where}: the message lacks the summary {expected.summary!r}")
    if expected.runbook_url not in message.text:
        wrong.append(f"{where}: the message lacks the runbook_url {expected.runbook_url}")
    return wrong


def judge(messages: list[Message], expected: dict[str, Expected], scenario: Scenario,
          integrations: dict[str, list[tuple[str, bool, bool]]], started: float,
          out: Path, worst: Worst | None = None) -> Verdict:
    verdict = Verdict()
    names = sorted(expected, key=len, reverse=True)
    for exp in expected.values():
        if exp.runbook_url and runbook_page(out, exp.runbook_url) is None:
            verdict.problems.append(f"{exp.alert}: runbook_url {exp.runbook_url} is not a "
                                    f"generated page under {out / 'runbooks'}")
    seen: dict[tuple[str, str, str, str], Message] = {}
    for message in messages:
        if message.problem:
            verdict.problems.append(f"{message.receiver} ({message.kind}): {message.problem}")
        about = alerts_in(message, names)
        if not about:
            verdict.problems.append(f"{message.receiver} ({message.kind}) got a message about "
                                    f"no covered alert: {message.text[:200]!r}")
        for alert in about:
            found = expected.get(alert)
            if found is None or message.receiver not in found.receivers:
                why = f" ({found.silenced_by})" if found and found.silenced_by else ""
                promised = list(found.receivers) if found else []
                verdict.problems.append(
                    f"{alert}{why} reached {message.receiver} ({message.kind}), which the "
                    f"routes table does not promise (it promises {promised})")
                continue
            key = (alert, message.receiver, message.kind, message.status)
            if key in seen:
                continue
            seen[key] = message
            if message.status == "firing":
                verdict.problems += content_problems(message, found)
    for exp in expected.values():
        start, end = scenario.window(exp.alert)
        for receiver in exp.receivers:
            for kind, wants_resolved, stand_in in integrations.get(receiver, []):
                fired = seen.get((exp.alert, receiver, kind, "firing"))
                resolved = seen.get((exp.alert, receiver, kind, "resolved"))
                if resolved is not None and not wants_resolved:
                    verdict.problems.append(f"{exp.alert}: {receiver} ({kind}) got a resolved "
                                            "message though it does not send resolutions")
                budget, bound = (worst or {}).get((exp.alert, receiver), (None, None))
                row = Row(exp.alert, receiver, kind,
                          None if fired is None else fired.at - started - start,
                          None if resolved is None else resolved.at - started - end,
                          wants_resolved, stand_in, budget, bound)
                if row.fired is not None and bound is not None and row.fired > bound + SLACK:
                    verdict.problems.append(
                        f"{exp.alert}: delivered to {receiver} ({kind}) {row.fired:.1f} s after "
                        f"the incident started, over the computed worst case {bound:.0f} s "
                        f"(+{SLACK:.0f} s slack)")
                verdict.rows.append(row)
    return verdict


def missing(verdict: Verdict, timeout: float) -> list[str]:
    """The promised messages that never came, once the run is over."""
    out = []
    for r in verdict.rows:
        if r.fired is None:
            out.append(f"{r.alert}: no firing message at {r.receiver} ({r.kind}) within "
                       f"{timeout:.0f} s")
        elif r.wants_resolved and r.resolved is None:
            out.append(f"{r.alert}: no resolved message at {r.receiver} ({r.kind}) within "
                       f"{timeout:.0f} s")
    return out


def table(verdict: Verdict, expected: dict[str, Expected]) -> str:
    """alert | receiver | kind | firing after | resolved after, then the silenced alerts."""
    def seconds(value: float | None, wanted: bool = True) -> str:
        return "not sent" if not wanted else "—" if value is None else f"{value:.1f} s"

    lines = ["| alert | receiver | kind | budget | worst case | delivered after incident start "
             "| resolved after incident end |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in verdict.rows:
        kind = f"{r.kind} (webhook stand-in)" if r.stand_in else r.kind
        lines.append(f"| {r.alert} | {r.receiver} | {kind} | {seconds(r.budget)} | "
                     f"{seconds(r.worst)} | {seconds(r.fired)} | "
                     f"{seconds(r.resolved, r.wants_resolved)} |")
    for exp in expected.values():
        if exp.silenced_by:
            lines.append(f"| {exp.alert} | (none: {exp.silenced_by}) | | | | not delivered | |")
    return "\n".join(lines)
