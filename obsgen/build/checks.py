"""Checks that need what the build stage computes, each located at the field to change:

- a tier that can never fire: even a total outage burns the budget slower than every
  condition of its burn-rate windows;
- an alert that reaches only the default receiver (or only mirrors) of the routing tree.

They run after the spec checks, on every document that validated (`obsgen.api` calls them),
so one run still reports every problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from obsgen import conventions, router
from obsgen.build import routing
from obsgen.build.burn import burn_windows
from obsgen.build.service import TIERS, build_service
from obsgen.errors import Diagnostic
from obsgen.spec.loader import Document, PathKey
from obsgen.spec.nodata import generated_alert_names
from obsgen.spec.service import ServiceSpec
from obsgen.spec.validate import ValidSpecs

_SEVERITY_KEY = {"slos": ("no_data", "severity"), "alerts": ("absent", "severity"),
                 "scrape_jobs": ("severity",)}
"""Where a no-data alert's severity is written, below its SLO, alert or scrape job."""


def problems(specs: ValidSpecs) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for doc, svc in specs.services:
        found += _unreachable_tiers(doc, svc)
    if specs.routing_checked:
        found += _reachability(specs)
    return found


def _unreachable_tiers(doc: Document, svc: ServiceSpec) -> Iterator[Diagnostic]:
    for i, slo in enumerate(svc.slos):
        budget, days = slo.budget, slo.period_days
        for tier in TIERS:
            if getattr(slo.alerts, tier).disabled:
                continue
            windows = burn_windows(days, tier)
            if all(w.factor * budget >= 1 for w in windows):
                factors = ", ".join(f"{_plain(w.factor)}x" for w in windows)
                yield doc.diagnostic(
                    ("slos", i, "objective"),
                    f"the {tier} alert can never fire: even a total outage burns this "
                    f"{_plain(budget * 100)}% budget at only {_plain(1 / budget)}x, below every "
                    f"{days}d {tier} threshold ({factors})",
                    f"raise the objective, shorten the window, or set alerts.{tier}.disabled: "
                    "true",
                )


def _plain(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.0001")).normalize(), "f")


def _reachability(specs: ValidSpecs) -> Iterator[Diagnostic]:
    merged = routing.merged([spec for _, spec in specs.routing])
    assert merged is not None
    tree = routing.plan(merged, (), ()).tree
    default = tree.receiver
    tiers = {sev: tier for tier, sevs in conventions.SEVERITY_CLASSES.items() for sev in sevs}
    extra = dict(specs.settings.rule_labels) if specs.settings else {}
    for doc, svc in specs.services:
        built = build_service(svc, doc.source, "", extra, file=doc.file)
        alerts: list[tuple[PathKey, str, dict[str, str]]] = [
            (("slos", i, "alerts", a.tier, "severity"), a.name, dict(a.labels))
            for i, slo in enumerate(built.slos) for a in slo.alerts
        ]
        probe_index = {p.name: j for j, p in enumerate(svc.probes)}
        generated = {name: (*path[:2], *_SEVERITY_KEY[str(path[0])])
                     for path, name in generated_alert_names(svc)}
        alerts += [(("alerts", i, "severity") if i < len(svc.alerts)
                    else generated[a.name] if a.name in generated
                    else ("probes", probe_index[a.labels["probe"]], "severity"),
                    a.name, dict(a.labels)) for i, a in enumerate(built.alerts)]
        for at, name, labels in alerts:
            hits = router.matched(tree, {**labels, "alertname": name})
            if all(node.kind in ("root", "team", "mirror") for node, _ in hits):
                severity = labels.get("severity", "")
                yield doc.diagnostic(
                    at,
                    f"alert {name} (severity {severity}) reaches no receiver of team "
                    f"{svc.metadata.team!r}, only the default {default!r}"
                    + (" and the team's mirrors" if len(hits) > 1 or hits[0][0].kind == "mirror"
                       else ""),
                    f"give team {svc.metadata.team!r} a {tiers.get(severity, 'page')} delivery "
                    "or a route that matches it, or change the severity",
                )
