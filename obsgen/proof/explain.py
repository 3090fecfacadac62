"""`obsgen explain <service>/<slo>`: what each alert tier of an SLO does, in figures, and
how fast it is notified; `obsgen explain <service>/<Alert>`: a plain alert's notification
worst case; `obsgen explain --all`: every SLO's band of steady burns that never alert;
`obsgen explain --budgets`: every alert under a notification-time budget.

The timings come from `obsgen.proof.scenarios`, the code that writes the generated promtool tests,
so every figure printed here is one that `promtool test rules` checks. The closing
sensitivity section is analytic (`obsgen.proof.sensitivity`), for every steady burn at once.
"""

from __future__ import annotations

from decimal import Decimal

from obsgen import model
from obsgen.conventions import tests_path
from obsgen.durations import format_ms, format_seconds
from obsgen.model import fmt_decimal
from obsgen.proof import latency, sensitivity, suites
from obsgen.proof.traffic import synthetic_inputs


def find(project: model.Project, target: str) -> model.SLO | None:
    service, _, name = target.partition("/")
    return next((slo for svc in project.services if svc.name == service
                 for slo in svc.slos if slo.name == name), None)


def find_alert(project: model.Project, target: str) -> model.Notification | None:
    """The notification of a plain alert named `<service>/<AlertName>`."""
    service, _, name = target.partition("/")
    found = project.notifications.get(name)
    return found if found is not None and found.service == service and not found.slo else None


def available(project: model.Project) -> list[str]:
    return [f"{svc.name}/{slo.name}" for svc in project.services for slo in svc.slos]


def explain_alert(project: model.Project, notification: model.Notification) -> str:
    """A plain alert: how fast it is notified, term by term, and its budgets."""
    n = notification
    lines = [f"{n.service}/{n.alert}: from the incident's start to the notification",
             *latency.describe(latency.breakdown(project, n))]
    return "\n".join(lines) + "\n"


def budgets(project: model.Project) -> str:
    """`obsgen explain --budgets`: one line per alert and budget, then a count."""
    lines, over = [], 0
    for n in sorted(project.notifications.values(), key=lambda n: (n.service, n.alert)):
        b = latency.breakdown(project, n)
        for c in b.checks():
            over += c.over()
            worst = (format_ms(c.worst_ms) if c.checked else "not derived")
            lines.append(f"{n.service}/{n.alert}: {worst} from the {c.budget.counted_from} "
                         f"(budget {format_ms(c.budget.ms)}, {c.budget.source}"
                         f"{', OVER' if c.over() else ''}): {latency.sum_text(c.terms)}")
    count = len(lines)
    lines.append(f"{over} of {count} budget{'s' if count != 1 else ''} exceeded")
    return "\n".join(lines) + "\n"


def _minutes(minutes: int) -> str:
    return format_seconds(minutes * 60)


def _condition(slo: model.SLO, alert: model.SLOAlert, w: model.BurnWindow) -> str:
    long = format_seconds(w.long_s)
    if alert.kind == "threshold":
        bad = fmt_decimal(w.factor * slo.budget * 100)
        if w.factor == 1:
            return (f"  more than {bad}% bad events over {long}: the SLI below its "
                    f"{fmt_decimal(slo.objective_percent)}% objective")
        return (f"  more than {bad}% bad events over {long}: {fmt_decimal(w.factor)}x the "
                f"{fmt_decimal(slo.budget * 100)}% the objective allows")
    consumed = fmt_decimal(w.budget_fraction * 100)
    return (f"  burn above {fmt_decimal(w.factor)}x over {long} and "
            f"{format_seconds(w.short_s)}: {consumed}% of the budget spent in {long}")


def explain(slo: model.SLO, project: model.Project | None = None) -> str:
    """`project`: also each tier's notification worst case (needs the routing plan)."""
    budget_pct = fmt_decimal(slo.budget * 100)
    lines = [
        f"{slo.service}/{slo.name}: {fmt_decimal(slo.objective_percent)}% over "
        f"{slo.period_days}d; error budget {budget_pct}% of events "
        f"({format_seconds(int(slo.budget * slo.period_days * 86400))} of total outage)",
    ]
    if slo.min_events:
        lines.append(f"a tier stays quiet while its long window has fewer than "
                     f"{slo.min_events} events")
    plan = synthetic_inputs(slo)
    by_alert = {} if isinstance(plan, str) else {
        a.name: s for s in suites.build_once(slo, plan) for a in s.alerts}
    for alert in slo.alerts:
        lines += ["", f"{alert.tier}: {alert.name} (severity {alert.severity})"]
        lines += [_condition(slo, alert, w) for w in alert.windows]
        if alert.for_ms:
            lines.append(f"  holds for {format_seconds(alert.for_ms // 1000)} before firing")
        suite = by_alert.get(alert.name)
        if suite is None:
            lines.append(f"  no simulated timings: {plan}")
            continue
        every = _minutes(suite.step)
        outage = suite.outage[alert.name]
        lines.append(f"  total outage: fires {_minutes(outage.fires)} after it starts, resolves "
                     f"{_minutes(outage.resolves)} after recovery")
        for t in suite.threshold[alert.name]:
            level = (f"{fmt_decimal(round(slo.budget * Decimal(str(t.burn)) * 100, 4))}% bad "
                     f"events" if alert.kind == "threshold" else f"{t.burn:.4g}x the budget rate")
            lines.append(
                f"  just above the {format_seconds(t.window_s)} threshold ({level}): fires "
                f"{_minutes(t.fires)} after it starts, resolves {_minutes(t.resolves)} after "
                f"it stops")
        lines += [
            f"  (rules evaluated every {every}, after a healthy history as long as the "
            f"longest window; checked in "
            f"generated/{tests_path(slo.service, interval_ms=suite.step * 60_000, slo=slo.name)})",
        ]
        notification = project.notifications.get(alert.name) if project else None
        if project is not None and notification is not None:
            lines += latency.describe(latency.breakdown(project, notification))
    lines += ["", *sensitivity.describe(slo)]
    return "\n".join(lines) + "\n"


def bands(project: model.Project) -> str:
    """`obsgen explain --all`: every SLO's silent band, one line each, then a count; the
    question a reviewer asks of a whole fleet is which SLOs let a slow burn go unalerted."""
    lines, silent = [], 0
    for svc in project.services:
        for slo in svc.slos:
            band = sensitivity.band(slo)
            silent += band.silent
            lines.append(f"{svc.name}/{slo.name} ({fmt_decimal(slo.objective_percent)}% over "
                         f"{slo.period_days}d): {sensitivity.band_line(band)}")
    count = len(lines)
    lines.append(f"{silent} of {count} SLO{'s' if count != 1 else ''} "
                 f"{'has' if silent == 1 else 'have'} a silent band")
    return "\n".join(lines) + "\n"
