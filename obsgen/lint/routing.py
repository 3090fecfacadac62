"""Semantic lint of the routing plan: inhibitions that mute the wrong alerts, team routes no
alert can take.

Alertmanager accepts any inhibition and any route; what goes wrong is silent. A custom rule
whose `equal` lacks `service` lets one service's critical mute another's warnings; matchers
that take alerts of several teams make one team's incident hide another's. obsgen's own
critical-inhibits-warning rule is safe per service, unless a critical alert of the service is
fleet-wide: then any exporter of the fleet mutes the service's warnings. A team route whose
matchers name only labels obsgen sets, with values no alert of the team has, never matches.
The alerts are evaluated with `obsgen.router`'s matchers, as Alertmanager would.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from obsgen import model
from obsgen.lint import Finding, exprs
from obsgen.matchers import Matcher, all_match

TOOL = "obsgen-semantic"


@dataclass(frozen=True)
class Fired:
    """One alert obsgen writes, with the labels Alertmanager receives (alertname included)."""

    service: model.Service
    name: str
    labels: dict[str, str]


def alerts(project: model.Project) -> list[Fired]:
    out = []
    for svc in project.services:
        pairs = [(a.name, a.labels) for a in svc.alerts]
        pairs += [(a.name, a.labels) for slo in svc.slos for a in slo.alerts]
        out += [Fired(svc, name, {**labels, "alertname": name}) for name, labels in pairs]
    return out


def findings(project: model.Project) -> Iterator[Finding]:
    plan = project.routing
    if plan is None:
        return
    fired = alerts(project)
    where = ", ".join(project.routing_sources) or "routing"
    for rule in plan.inhibitions:
        if rule.origin == "custom":
            for level, text in _custom(rule, fired):
                yield Finding(where, TOOL, level, f"inhibition {_describe(rule)}: {text}")
        elif rule.origin == "critical_inhibits_warning":
            yield from _fleet_critical(project)
    for team, matchers in _team_routes(plan.tree):
        yield from _dead_route(where, team, matchers, fired)


def _describe(rule: model.Inhibition) -> str:
    def side(ms: tuple[Matcher, ...]) -> str:
        return ", ".join(m.text() for m in ms)

    return (f"source [{side(rule.source)}] target [{side(rule.target)}] "
            f"equal [{', '.join(rule.equal)}]")


def _custom(rule: model.Inhibition, fired: list[Fired]) -> Iterator[tuple[str, str]]:
    sources = [a for a in fired if all_match(rule.source, a.labels)]
    targets = [a for a in fired if all_match(rule.target, a.labels)]
    scoped = set(rule.equal) & {"service", *exprs.SCOPE_LABELS} - {"alertname"}
    if not scoped:
        crossing = next(((s, t) for s in sources for t in targets
                         if s.service.name != t.service.name
                         and all(s.labels.get(k, "") == t.labels.get(k, "") for k in rule.equal)),
                        None)
        if crossing:
            s, t = crossing
            others = len({a.service.name for a in targets} - {s.service.name})
            yield "error", (
                f"equal lacks service, so {s.name} of {s.service.name} firing mutes {t.name} "
                f"of {t.service.name} (the target matchers take alerts of {others} other "
                f"service{'s' if others != 1 else ''}) — add service to equal")
    for what, matched in (("source", sources), ("target", targets)):
        teams = sorted({a.service.team for a in matched})
        if len(teams) > 1:
            yield "warning", (
                f"the {what} matchers match alerts of {len(teams)} teams ({', '.join(teams)}), "
                "so one team's alerts inhibit or are inhibited by another's — narrow the "
                f'{what} matchers to one service (e.g. add service="{matched[0].service.name}")')


def _fleet_critical(project: model.Project) -> Iterator[Finding]:
    """A critical alert over the whole fleet, in a service that has warnings to mute."""
    if len(project.services) < 2:
        return
    for svc in project.services:
        warnings = [a.name for a in svc.alerts if a.severity == "warning"]
        warnings += [a.name for s in svc.slos for a in s.alerts if a.severity == "warning"]
        if not warnings:
            continue
        for alert in svc.alerts:
            wide = exprs.unscoped(alert, exprs.parse(alert.expr)) if alert.severity == "critical" \
                else []
            if wide:
                sel = wide[0].text()
                yield Finding(svc.source, TOOL, "warning", (
                    f"{alert.name}: a fleet-wide critical alert ({sel} has no scope matcher): "
                    f"whenever any {wide[0].metric} series of the fleet fires it, the built-in "
                    f"critical-inhibits-warning rule mutes every warning of {svc.name} "
                    f"({', '.join(sorted(warnings))}) — scope the selector, or set "
                    "inhibitions.critical_inhibits_warning: false in the Routing document"))


def _team_routes(tree: model.RouteNode) -> Iterator[tuple[str, tuple[Matcher, ...]]]:
    for team in tree.routes:
        if team.kind != "team":
            continue
        name = next((m.value for m in team.matchers if m.name == "team" and m.op == "="), "")
        for route in team.routes:
            if route.kind == "route":
                yield name, (*team.matchers, *route.matchers)


def _dead_route(where: str, team: str, matchers: tuple[Matcher, ...],
                fired: list[Fired]) -> Iterator[Finding]:
    own = [a for a in fired if a.service.team == team]
    static = {k for a in own for k in a.labels}
    if not own or not {m.name for m in matchers} <= static:
        return  # a matcher on a label the expressions may carry: not decidable here
    if not any(all_match(matchers, a.labels) for a in own):
        text = ", ".join(m.text() for m in matchers if m.name != "team")
        yield Finding(where, TOOL, "warning", (
            f"team {team} route [{text}] matches none of the team's {len(own)} alerts: it names "
            "only labels obsgen sets, with values none of them carries, so it never delivers — "
            "fix the matchers (an alertname of the team's services, a severity they use)"))
