"""The Alertmanager routing plan: the route tree derived from the Routing documents, the
receivers, time intervals and inhibitions. `obsgen.router` walks the tree like
Alertmanager's dispatcher; the Alertmanager target writes it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from obsgen.matchers import Matcher
from obsgen.model.budgets import Budget

RouteKind = Literal["root", "team", "mirror", "route", "page", "ticket", "info"]
ReceiverKind = Literal["email", "jira", "msteams", "opsgenie", "pagerduty", "slack", "sms",
                       "telegram", "webhook"]


@dataclass(frozen=True, kw_only=True)
class RouteNode:
    """One route of the tree."""

    kind: RouteKind
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
    routes: tuple[RouteNode, ...] = ()
    budget: Budget | None = None
    """The delivery's notify_within (not written to Alertmanager: obsgen checks it)."""


@dataclass(frozen=True, kw_only=True)
class Inhibition:
    source: tuple[Matcher, ...]
    target: tuple[Matcher, ...]
    equal: tuple[str, ...]
    origin: Literal["page_inhibits_ticket", "critical_inhibits_warning", "custom"] = "custom"
    """Which switch of the Routing document made the rule: the lint judges obsgen's own
    rules and the spec's differently."""


@dataclass(frozen=True, kw_only=True)
class Integration:
    """One destination of a receiver: its kind and the spec's settings for it, as plain data
    (field names as in the spec, secrets only as file paths)."""

    kind: ReceiverKind
    settings: Mapping[str, Any]


@dataclass(frozen=True, kw_only=True)
class Receiver:
    name: str
    description: str
    integrations: tuple[Integration, ...]


@dataclass(frozen=True, kw_only=True)
class TimeSpan:
    times: tuple[tuple[str, str], ...] = ()
    """(start_time, end_time) pairs."""
    weekdays: tuple[str, ...] = ()
    days_of_month: tuple[str, ...] = ()
    months: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    location: str | None = None


@dataclass(frozen=True, kw_only=True)
class TimeInterval:
    name: str
    spans: tuple[TimeSpan, ...]


@dataclass(frozen=True, kw_only=True)
class TeamInfo:
    """What the runbooks say of a team."""

    description: str
    escalation: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class RoutingPlan:
    """Everything the Alertmanager target writes."""

    version: str
    tree: RouteNode
    receivers: tuple[Receiver, ...]
    time_intervals: tuple[TimeInterval, ...]
    inhibitions: tuple[Inhibition, ...]
    teams: Mapping[str, TeamInfo]
