"""The routing tree, derived from the Routing documents and the labels of generated alerts.

Pure: the validate stage uses `plan` and `deliver` to prove at compile time that every alert
reaches its team, the Alertmanager target renders the same tree, and the routes test table
lists what `deliver` computes — which `amtool config routes test` then confirms.

The tree, for each team (in name order):

    team="journal"                       no receiver of its own: the root's default
      mirror receivers                   no matchers, continue: true (every alert)
      the team's own routes              the spec's matchers, in order
      severity=~"critical|page"          page receivers (all but the last continue)
      severity=~"ticket|warning"         ticket receivers
      severity="info"                    info receivers

`deliver` walks it exactly as Alertmanager's dispatcher does: depth first, a matching child
stops the search unless it has `continue`, and a node none of whose children match is itself
the match.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from obsgen import matchers as m
from obsgen.matchers import Matcher
from obsgen.spec.routing import (
    Delivery,
    InhibitRule,
    Receiver,
    Route,
    Routing,
    Team,
    TimeInterval,
    Timing,
)

SEVERITY_CLASSES: dict[str, tuple[str, ...]] = {
    "page": ("critical", "page"),
    "ticket": ("ticket", "warning"),
    "info": ("info",),
}
"""Which alert severities each team delivery takes."""
FEATURES: dict[str, tuple[str, str]] = {
    "telegram": ("0.26", "Telegram with bot_token_file"),
    "webhook.url_file": ("0.26", "webhook url_file"),
    "msteams": ("0.28", "Microsoft Teams Workflows (msteamsv2_configs)"),
}
"""Receiver features newer than Alertmanager 0.25: (first version, what needs it)."""


@dataclass(frozen=True)
class Node:
    """One route of the tree."""

    kind: str
    """root, team, mirror, route, page, ticket or info."""
    matchers: tuple[Matcher, ...] = ()
    receiver: str | None = None
    """None: inherited from the parent."""
    continue_: bool = False
    group_by: tuple[str, ...] | None = None
    group_wait: str | None = None
    group_interval: str | None = None
    repeat_interval: str | None = None
    active_time_intervals: tuple[str, ...] = ()
    mute_time_intervals: tuple[str, ...] = ()
    routes: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Inhibition:
    source: tuple[Matcher, ...]
    target: tuple[Matcher, ...]
    equal: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """Everything the Alertmanager target writes."""

    version: str
    tree: Node
    receivers: tuple[Receiver, ...]
    time_intervals: tuple[TimeInterval, ...]
    inhibitions: tuple[Inhibition, ...]
    teams: Mapping[str, Team]


def merged(documents: Sequence[Routing]) -> Routing | None:
    """All Routing documents as one (validation has rejected conflicting settings)."""
    if not documents:
        return None
    single = {"alertmanager_version", "defaults", "inhibitions"}
    values: dict[str, object] = {"apiVersion": "obsgen/v1", "kind": "Routing"}
    for doc in documents:
        for name in single & doc.model_fields_set:
            values.setdefault(name, getattr(doc, name))
    for name in ("receivers", "teams", "time_intervals"):
        values[name] = [item for doc in documents for item in getattr(doc, name)]
    return Routing.model_construct(**values)  # type: ignore[arg-type]


def plan(routing: Routing, group_labels: Iterable[str], scope_labels: Iterable[str]) -> Plan:
    """The tree and inhibitions. `group_labels`: every SLO's group_by labels;
    `scope_labels`: labels that separate deployments (Settings.rule_labels)."""
    defaults = routing.defaults
    if defaults is None:
        raise AssertionError("validation requires defaults in a Routing document")
    root = Node(
        "root",
        receiver=defaults.receiver,
        **_timing(defaults),
        routes=tuple(_team_node(t) for t in sorted(routing.teams, key=lambda t: t.name)),
    )
    scope = tuple(sorted(set(scope_labels)))
    return Plan(
        routing.alertmanager_version,
        root,
        tuple(routing.receivers),
        tuple(routing.time_intervals),
        _inhibitions(routing, tuple(sorted(set(group_labels))), scope),
        {t.name: t for t in routing.teams},
    )


def _team_node(team: Team) -> Node:
    mute = tuple(team.mute_time_intervals)
    children: list[Node] = []
    if team.mirror:
        children += _deliveries("mirror", (), team.mirror, mute, last_continues=True)
    for route in team.routes:
        children += _deliveries(
            "route", tuple(m.parse(t) for t in route.matchers), route, mute, route.continue_
        )
    for tier, severities in SEVERITY_CLASSES.items():
        delivery: Delivery | None = getattr(team, tier)
        if delivery:
            children += _deliveries(tier, (m.one_of("severity", severities),), delivery, mute)
    return Node("team", (m.equal("team", team.name),), routes=tuple(children))


def _deliveries(
    kind: str,
    where: tuple[Matcher, ...],
    delivery: Delivery | Route,
    team_mute: tuple[str, ...],
    last_continues: bool = False,
) -> list[Node]:
    """One sibling route per receiver: all but the last continue, so each gets the alert."""
    mute = tuple(dict.fromkeys((*team_mute, *delivery.mute_time_intervals)))
    names = delivery.receivers
    return [
        Node(
            kind,
            where,
            receiver=name,
            continue_=last_continues if i == len(names) - 1 else True,
            **_timing(delivery),
            active_time_intervals=tuple(delivery.active_time_intervals),
            mute_time_intervals=mute,
        )
        for i, name in enumerate(names)
    ]


def _timing(settings: Timing) -> dict[str, Any]:
    """A route's grouping and timings as Node fields (None: inherited)."""
    return {"group_by": None if settings.group_by is None else tuple(settings.group_by),
            "group_wait": settings.group_wait, "group_interval": settings.group_interval,
            "repeat_interval": settings.repeat_interval}


def _inhibitions(
    routing: Routing, group_labels: tuple[str, ...], scope: tuple[str, ...]
) -> tuple[Inhibition, ...]:
    settings = routing.inhibitions
    page_ticket = settings.page_inhibits_ticket if settings else True
    critical_warning = settings.critical_inhibits_warning if settings else True
    rules: list[Inhibition] = []
    if page_ticket:
        keys = dict.fromkeys((*group_labels, *scope))
        rest = tuple(x for x in keys if x not in ("service", "slo"))
        rules.append(
            Inhibition(
                (m.one_of("severity", SEVERITY_CLASSES["page"]), Matcher("slo", "=~", ".+")),
                (m.one_of("severity", SEVERITY_CLASSES["ticket"]), Matcher("slo", "=~", ".+")),
                ("service", "slo", *rest),
            )
        )
    if critical_warning:
        rules.append(
            Inhibition(
                (m.equal("severity", "critical"),),
                (m.equal("severity", "warning"),),
                ("service", *(s for s in scope if s != "service")),
            )
        )
    custom: list[InhibitRule] = settings.rules if settings else []
    for rule in custom:
        rules.append(
            Inhibition(
                tuple(m.parse(t) for t in rule.source),
                tuple(m.parse(t) for t in rule.target),
                tuple(rule.equal),
            )
        )
    return tuple(rules)


def matched(node: Node, labels: Mapping[str, str]) -> list[tuple[Node, str]]:
    """The routes an alert with `labels` is delivered through, with their receivers."""
    return _match(node, labels, node.receiver or "")


def _match(node: Node, labels: Mapping[str, str], inherited: str) -> list[tuple[Node, str]]:
    if not m.all_match(node.matchers, labels):
        return []
    receiver = node.receiver or inherited
    found: list[tuple[Node, str]] = []
    for child in node.routes:
        hits = _match(child, labels, receiver)
        found += hits
        if hits and not child.continue_:
            break
    return found or [(node, receiver)]


def deliver(node: Node, labels: Mapping[str, str]) -> list[str]:
    """Receiver names in the order Alertmanager notifies them (what amtool prints)."""
    return [receiver for _, receiver in matched(node, labels)]
