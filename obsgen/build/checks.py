"""Checks that need what the build stage computes, each located at the field to change:

- a condition that can never fire: its threshold, factor x budget, is 100% bad events or
  more (a total outage burns the budget slower), located at the tier; or, for a probe SLI,
  its long window holds fewer runs than min_events, located at min_events (or the tier);
- an alert that reaches only the default receiver (or only mirrors) of the routing tree.

They run after the spec checks, on every document that validated (`obsgen.api` calls them),
so one run still reports every problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from obsgen import conventions, router
from obsgen.build import deploy, routing
from obsgen.build.burn import PolicyBook, policy_book
from obsgen.build.service import DEFAULT_MIN_EVENTS, TIERS, build_service, tier_windows
from obsgen.conventions import BASE_WINDOW_S
from obsgen.durations import format_seconds, parse_ms
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
    policies = policy_book(specs.settings)
    for doc, svc in specs.services:
        found += _unreachable_conditions(doc, svc, policies)
        found += _too_few_runs(doc, svc, policies)
        found += _tested_alerts(doc, svc)
    if specs.routing_checked:
        found += _reachability(specs, policies)
    found += deploy.problems(specs)
    return found


def _unreachable_conditions(doc: Document, svc: ServiceSpec, policies: PolicyBook
                            ) -> Iterator[Diagnostic]:
    for i, slo in enumerate(svc.slos):
        budget = slo.budget
        policy = policies.get(slo.alerts.policy)
        for tier in TIERS:
            conf = getattr(slo.alerts, tier)
            if conf.disabled:
                continue
            for w in tier_windows(slo, tier, policy):
                if w.factor * budget < 1:
                    continue
                bad = _plain(w.factor * budget * 100)
                if conf.threshold is not None:
                    yield doc.diagnostic(
                        ("slos", i, "alerts", tier, "threshold", "factor"),
                        f"the threshold needs {bad}% bad events ({_plain(w.factor)}x this "
                        f"{_plain(budget * 100)}% budget): it can never fire",
                        "lower the factor",
                    )
                    continue
                yield doc.diagnostic(
                    ("slos", i, "alerts", tier),
                    f"the {format_seconds(w.long_s)} condition of policy {policy.name!r} needs "
                    f"a burn of {_plain(w.factor)}x, i.e. {bad}% bad events: it can never fire",
                    "use a shorter long window, a lower factor, or a threshold tier "
                    f"(alerts.{tier}.threshold)",
                )


def _too_few_runs(doc: Document, svc: ServiceSpec, policies: PolicyBook
                  ) -> Iterator[Diagnostic]:
    """Probe SLIs: the min_events guard reads avg_over_time(runs over 5m / 300) x window,
    at most (300 / interval + 1) runs over 5m (Prometheus 2's closed range)."""
    intervals = {p.name: parse_ms(p.interval) // 1000 for p in svc.probes}
    for i, slo in enumerate(svc.slos):
        probe = slo.sli.probe.name if slo.sli.probe else ""
        interval = intervals.get(probe, 0)
        needed = DEFAULT_MIN_EVENTS if slo.min_events is None else slo.min_events
        if not interval or not needed:
            continue
        policy = policies.get(slo.alerts.policy)
        for tier in TIERS:
            if getattr(slo.alerts, tier).disabled:
                continue
            for w in tier_windows(slo, tier, policy):
                most = (BASE_WINDOW_S // interval + 1) * w.long_s // BASE_WINDOW_S
                if most >= needed:
                    continue
                given = "" if slo.min_events is not None else " (the default)"
                yield doc.diagnostic(
                    ("slos", i, "min_events") if slo.min_events is not None
                    else ("slos", i, "alerts", tier),
                    f"the {format_seconds(w.long_s)} window of the {tier} tier holds at most "
                    f"{most} runs of probe {probe!r} (every {interval}s), fewer "
                    f"than min_events {needed}{given}: it can never fire",
                    f"set min_events to at most {most} (0 turns the guard off), or use a "
                    "longer window",
                )


def _tested_alerts(doc: Document, svc: ServiceSpec) -> Iterator[Diagnostic]:
    """An SLO test's expectation names an enabled tier of the SLO or its alert."""
    for i, slo in enumerate(svc.slos):
        known: dict[str, str] = {}
        for tier in TIERS:
            conf = getattr(slo.alerts, tier)
            if not conf.disabled:
                known[tier] = known[conf.name or conventions.slo_alert_name(
                    svc.metadata.name, slo.name, tier)] = tier
        for j, test in enumerate(slo.tests):
            for k, expectation in enumerate(test.expect):
                if expectation.alert in known:
                    continue
                disabled = expectation.alert in TIERS
                yield doc.diagnostic(
                    ("slos", i, "tests", j, "expect", k, "alert"),
                    f"the {expectation.alert} tier of SLO {slo.name!r} is disabled" if disabled
                    else f"{expectation.alert!r} is not an alert of SLO {slo.name!r}",
                    "name one of " + ", ".join(sorted(known)) if known
                    else "enable a tier, or drop the test",
                )


def _plain(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.0001")).normalize(), "f")


def _reachability(specs: ValidSpecs, policies: PolicyBook) -> Iterator[Diagnostic]:
    merged = routing.merged([spec for _, spec in specs.routing])
    assert merged is not None
    tree = routing.plan(merged, (), ()).tree
    default = tree.receiver
    tiers = {sev: tier for tier, sevs in conventions.SEVERITY_CLASSES.items() for sev in sevs}
    extra = dict(specs.settings.rule_labels) if specs.settings else {}
    for doc, svc in specs.services:
        built = build_service(svc, doc.source, "", extra, file=doc.file, policies=policies)
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
