"""The routing plan: the route tree derived from the Routing documents and the labels obsgen
puts on every alert, with the receivers, time intervals and inhibitions as model records.

The tree, for each team (in name order):

    team="journal"                       no receiver of its own: the root's default
      mirror receivers                   no matchers, continue: true (every alert)
      the team's own routes              the spec's matchers, in order
      severity=~"critical|page"          page receivers (all but the last continue)
      severity=~"ticket|warning"         ticket receivers
      severity="info"                    info receivers

`obsgen.router` walks it as Alertmanager's dispatcher does; the build checks use it to prove
at compile time that every alert reaches its team.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from obsgen import conventions, model
from obsgen import matchers as m
from obsgen.matchers import Matcher
from obsgen.spec.receivers import RECEIVER_KINDS, ReceiverSpec
from obsgen.spec.routing import (
    Delivery,
    InhibitRule,
    Route,
    Routing,
    Team,
    TimeIntervalSpec,
    Timing,
)

SEVERITY_CLASSES = conventions.SEVERITY_CLASSES


def merged(documents: Sequence[Routing]) -> Routing | None:
    """All Routing documents as one (validation has rejected conflicting settings)."""
    if not documents:
        return None
    single = {"alertmanager_version", "defaults", "inhibitions", "cadence"}
    values: dict[str, object] = {"apiVersion": "obsgen/v1", "kind": "Routing"}
    for doc in documents:
        for name in single & doc.model_fields_set:
            values.setdefault(name, getattr(doc, name))
    for name in ("receivers", "teams", "time_intervals"):
        values[name] = [item for doc in documents for item in getattr(doc, name)]
    return Routing.model_construct(**values)  # type: ignore[arg-type]


BudgetKey = tuple[str, str, int]
"""(team, delivery kind, index of the team's route; 0 for the other kinds)."""


def plan(
    routing: Routing, group_labels: Iterable[str], scope_labels: Iterable[str],
    budgets: Mapping[BudgetKey, model.Budget] | None = None,
    instance_labels: Iterable[str] = (),
) -> model.RoutingPlan:
    """The tree and inhibitions. `group_labels`: every SLO's group_by labels;
    `scope_labels`: labels that separate deployments (Settings.rule_labels); `budgets`: each
    delivery's notify_within, located (`build/budgets.delivery_budgets`); `instance_labels`:
    labels that tell apart instances of critical and warning alerts."""
    defaults = routing.defaults
    if defaults is None:
        raise AssertionError("validation requires defaults in a Routing document")
    root = model.RouteNode(
        kind="root",
        receiver=defaults.receiver,
        **_timing(defaults),
        routes=tuple(_team_node(t, budgets or {})
                     for t in sorted(routing.teams, key=lambda t: t.name)),
    )
    scope = tuple(sorted(set(scope_labels)))
    return model.RoutingPlan(
        version=routing.alertmanager_version,
        tree=root,
        receivers=tuple(_receiver(r) for r in routing.receivers),
        time_intervals=tuple(_interval(t) for t in routing.time_intervals),
        inhibitions=_inhibitions(routing, tuple(sorted(set(group_labels))), scope,
                                 tuple(sorted(set(instance_labels)))),
        teams={t.name: model.TeamInfo(description=t.description,
                                      escalation=tuple(t.escalation)) for t in routing.teams},
    )


def _receiver(receiver: ReceiverSpec) -> model.Receiver:
    """The receiver as plain data: each destination's settings as the spec gives them."""
    integrations = []
    for kind in RECEIVER_KINDS:
        config = getattr(receiver, kind)
        if config is not None:
            integrations.append(model.Integration(
                kind=kind, settings=config.model_dump(exclude_none=True)))
    return model.Receiver(name=receiver.name, description=receiver.description,
                          integrations=tuple(integrations))


def _interval(interval: TimeIntervalSpec) -> model.TimeInterval:
    return model.TimeInterval(name=interval.name, spans=tuple(
        model.TimeSpan(
            times=tuple((t.start_time, t.end_time) for t in span.times),
            weekdays=tuple(span.weekdays), days_of_month=tuple(span.days_of_month),
            months=tuple(span.months), years=tuple(span.years), location=span.location,
        ) for span in interval.time_intervals))


def _team_node(team: Team, budgets: Mapping[BudgetKey, model.Budget]) -> model.RouteNode:
    mute = tuple(team.mute_time_intervals)
    children: list[model.RouteNode] = []
    if team.mirror:
        children += _deliveries("mirror", (), team.mirror, mute, last_continues=True,
                                budget=budgets.get((team.name, "mirror", 0)))
    for i, route in enumerate(team.routes):
        children += _deliveries(
            "route", tuple(m.parse(t) for t in route.matchers), route, mute, route.continue_,
            budget=budgets.get((team.name, "route", i)),
        )
    for tier, severities in SEVERITY_CLASSES.items():
        delivery: Delivery | None = getattr(team, tier)
        if delivery:
            children += _deliveries(tier, (m.one_of("severity", severities),), delivery, mute,
                                    budget=budgets.get((team.name, tier, 0)))
    return model.RouteNode(kind="team", matchers=(m.equal("team", team.name),),
                           routes=tuple(children))


def _deliveries(
    kind: model.RouteKind,
    where: tuple[Matcher, ...],
    delivery: Delivery | Route,
    team_mute: tuple[str, ...],
    last_continues: bool = False,
    budget: model.Budget | None = None,
) -> list[model.RouteNode]:
    """One sibling route per receiver: all but the last continue, so each gets the alert."""
    mute = tuple(dict.fromkeys((*team_mute, *delivery.mute_time_intervals)))
    names = delivery.receivers
    return [
        model.RouteNode(
            kind=kind,
            matchers=where,
            receiver=name,
            continue_=last_continues if i == len(names) - 1 else True,
            **_timing(delivery),
            active_time_intervals=tuple(delivery.active_time_intervals),
            mute_time_intervals=mute,
            budget=budget,
        )
        for i, name in enumerate(names)
    ]


def _timing(settings: Timing) -> dict[str, Any]:
    """A route's grouping and timings as RouteNode fields (None: inherited)."""
    return {"group_by": None if settings.group_by is None else tuple(settings.group_by),
            "group_wait": settings.group_wait, "group_interval": settings.group_interval,
            "repeat_interval": settings.repeat_interval}


def _inhibitions(
    routing: Routing, group_labels: tuple[str, ...], scope: tuple[str, ...],
    instance_labels: tuple[str, ...] = (),
) -> tuple[model.Inhibition, ...]:
    settings = routing.inhibitions
    page_ticket = settings.page_inhibits_ticket if settings else True
    critical_warning = settings.critical_inhibits_warning if settings else True
    rules: list[model.Inhibition] = []
    # The labels that tell two instances of a service apart (the routing's group_by and the
    # scope labels): an inhibition mutes the same thing, never a sibling feed or endpoint.
    keys = dict.fromkeys((*group_labels, *scope))
    rest = tuple(x for x in keys if x not in ("service", "slo"))
    if page_ticket:
        rules.append(
            model.Inhibition(
                source=(m.one_of("severity", SEVERITY_CLASSES["page"]),
                        Matcher("slo", "=~", ".+")),
                target=(m.one_of("severity", SEVERITY_CLASSES["ticket"]),
                        Matcher("slo", "=~", ".+")),
                equal=("service", "slo", *rest),
                origin="page_inhibits_ticket",
            )
        )
    if critical_warning:
        rules.append(
            model.Inhibition(
                source=(m.equal("severity", "critical"),),
                target=(m.equal("severity", "warning"),),
                # every label that tells instances apart: one user's breaker, one feed's
                # failure mutes that user's, that feed's warnings, never the others'
                equal=("service", *dict.fromkeys(
                    (*rest, *(x for x in instance_labels if x != "service")))),
                origin="critical_inhibits_warning",
            )
        )
    custom: list[InhibitRule] = settings.rules if settings else []
    for rule in custom:
        rules.append(
            model.Inhibition(
                source=tuple(m.parse(t) for t in rule.source),
                target=tuple(m.parse(t) for t in rule.target),
                equal=tuple(rule.equal),
            )
        )
    return tuple(rules)
