"""`obsgen explain <service>/<slo>`: what each alert tier of an SLO does, in figures;
`obsgen explain --all`: every SLO's band of steady burns that never alert.

The timings come from `obsgen.proof.scenarios`, the code that writes the generated promtool tests,
so every figure printed here is one that `promtool test rules` checks. The closing
sensitivity section is analytic (`obsgen.proof.sensitivity`), for every steady burn at once.
"""

from __future__ import annotations

from decimal import Decimal

from obsgen import model
from obsgen.conventions import tests_path
from obsgen.durations import format_seconds
from obsgen.model import fmt_decimal
from obsgen.proof import sensitivity, suites
from obsgen.proof.traffic import synthetic_inputs


def find(project: model.Project, target: str) -> model.SLO | None:
    service, _, name = target.partition("/")
    return next((slo for svc in project.services if svc.name == service
                 for slo in svc.slos if slo.name == name), None)


def available(project: model.Project) -> list[str]:
    return [f"{svc.name}/{slo.name}" for svc in project.services for slo in svc.slos]


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


def explain(slo: model.SLO) -> str:
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
            f"longest window; checked in generated/{tests_path(slo.service, suite.step)})",
        ]
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
