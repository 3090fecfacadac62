"""Notification-time budgets: for every routed alert, the terms the build knows (the
cadence of Routing.cadence, the interval of its rule group, the routes it ends on with their
inherited group_wait and group_interval) and the budgets it must meet: each delivery's
`notify_within` (teams[].page, ticket, info, mirror, routes[]), or the alert's own
`notify_within`, which overrides them.

`obsgen.proof.latency` adds the detection time (it needs the simulation) and checks the sum.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from obsgen import model, router
from obsgen.build.routing import BudgetKey
from obsgen.durations import parse_ms
from obsgen.errors import format_path
from obsgen.model.deploy import Location
from obsgen.spec.loader import Document, PathKey
from obsgen.spec.nodata import generated_alert_names
from obsgen.spec.routing import Cadence, Routing
from obsgen.spec.service import ServiceSpec

_SEVERITY_KEY = {"slos": ("no_data", "severity"), "alerts": ("absent", "severity"),
                 "scrape_jobs": ("severity",)}
_KINDS = ("mirror", "page", "ticket", "info")


def _at(doc: Document, path: PathKey) -> Location:
    line, col = doc.position(path)
    return Location(file=doc.file, line=line, col=col, path=format_path(path))


def delivery_budgets(routing: Sequence[tuple[Document, Routing]]
                     ) -> dict[BudgetKey, model.Budget]:
    """Every delivery's notify_within, keyed as `build.routing.plan` reads them."""
    found: dict[BudgetKey, model.Budget] = {}
    for doc, spec in routing:
        for i, team in enumerate(spec.teams):
            places: list[tuple[BudgetKey, PathKey, str]] = [
                ((team.name, kind, 0), ("teams", i, kind), f"{kind} delivery")
                for kind in _KINDS]
            places += [((team.name, "route", j), ("teams", i, "routes", j), f"route {j}")
                       for j in range(len(team.routes))]
            for key, path, name in places:
                delivery = (team.routes[key[2]] if key[1] == "route"
                            else getattr(team, key[1]))
                if delivery is None or delivery.notify_within is None:
                    continue
                found[key] = model.Budget(
                    ms=parse_ms(delivery.notify_within), counted_from=delivery.notify_from,
                    source=f"team {team.name}'s {name}",
                    at=_at(doc, (*path, "notify_within")))
    return found


def notifications(
    cadence: Cadence,
    built: Sequence[tuple[Document, ServiceSpec, model.Service]],
    plan: model.RoutingPlan,
) -> dict[str, model.Notification]:
    """Alert name -> its notification terms, for every alert of every service."""
    scrape_ms = parse_ms(cadence.scrape_interval)
    global_ms = parse_ms(cadence.evaluation_interval)
    parents = _parents(plan.tree)
    found: dict[str, model.Notification] = {}
    for doc, svc, service in built:
        probes = {p.name: parse_ms(p.interval) for p in service.probes}
        for path, alert, slo in _alerts(svc, service):
            labels = {**alert.labels, "alertname": alert.name}
            budget = None
            if slo is None and path[0] == "alerts" and isinstance(path[1], int):
                own = svc.alerts[path[1]].notify_within
                if own is not None:
                    budget = model.Budget(ms=parse_ms(own), source="the alert's notify_within",
                                          at=_at(doc, ("alerts", path[1], "notify_within")))
            interval = service.group_interval_ms(alert if isinstance(alert, model.Alert)
                                                 else None)
            if isinstance(alert, model.Alert) and alert.evaluation_interval_ms is not None:
                where = "the alert's evaluation_interval"
            elif service.evaluation_interval_ms is not None:
                where = "the service's evaluation_interval"
            else:
                where = "Prometheus' global evaluation_interval (Routing cadence)"
            probe = alert.labels.get("probe", "") if slo is None else ""
            found[alert.name] = model.Notification(
                service=service.name, alert=alert.name, slo=slo.name if slo else "",
                scrape_ms=probes.get(probe, scrape_ms),
                scrape_set="the probe's interval" if probe in probes
                else "Routing cadence.scrape_interval",
                evaluation_ms=interval or global_ms, evaluation_set=where,
                recording_ms=(service.evaluation_interval_ms or global_ms) if slo else 0,
                waits=tuple(_wait(node, receiver, parents)
                            for node, receiver in router.matched(plan.tree, labels)
                            if node.kind not in ("root", "team")),
                budget=budget, at=_at(doc, path))
    return found


def _alerts(svc: ServiceSpec, service: model.Service
            ) -> Iterator[tuple[PathKey, model.Alert | model.SLOAlert, model.SLO | None]]:
    """Every alert of the service with where its severity is written (or would be)."""
    for i, slo in enumerate(service.slos):
        for tier in slo.alerts:
            yield ("slos", i, "alerts", tier.tier, "severity"), tier, slo
    probe_index = {p.name: j for j, p in enumerate(svc.probes)}
    generated = {name: (*path[:2], *_SEVERITY_KEY[str(path[0])])
                 for path, name in generated_alert_names(svc)}
    for i, a in enumerate(service.alerts):
        path: PathKey = (("alerts", i, "severity") if i < len(svc.alerts)
                         else generated[a.name] if a.name in generated
                         else ("probes", probe_index.get(a.labels.get("probe", ""), 0),
                               "severity"))
        yield path, a, None


def _parents(tree: model.RouteNode) -> dict[int, model.RouteNode]:
    found: dict[int, model.RouteNode] = {}
    todo = [tree]
    while todo:
        node = todo.pop()
        for child in node.routes:
            found[id(child)] = node
            todo.append(child)
    return found


def _wait(node: model.RouteNode, receiver: str, parents: dict[int, model.RouteNode]
          ) -> model.Wait:
    """The route's timings, inherited as Alertmanager inherits them (Alertmanager's own
    defaults 30s and 5m at the root)."""
    wait, interval = node.group_wait, node.group_interval
    up = parents.get(id(node))
    while up is not None and (wait is None or interval is None):
        wait, interval = wait or up.group_wait, interval or up.group_interval
        up = parents.get(id(up))
    return model.Wait(receiver=receiver, kind=node.kind,
                      group_wait_ms=parse_ms(wait or "30s"),
                      group_interval_ms=parse_ms(interval or "5m"),
                      active_time_intervals=node.active_time_intervals,
                      mute_time_intervals=node.mute_time_intervals, budget=node.budget)
