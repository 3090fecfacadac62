"""Notification-time budgets: what the build knows of how fast each alert reaches its
receivers (cadence, rule groups, the routes it ends on) and the budget it must meet.
`obsgen.proof.latency` adds the detection time and does the arithmetic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from obsgen.model.deploy import Location


@dataclass(frozen=True, kw_only=True)
class Budget:
    """A notification-time budget and where the spec states it."""

    ms: int
    counted_from: Literal["incident", "condition"] = "incident"
    """incident: the alert's detection time is part of the budget; condition: not."""
    source: str
    """Who states it, in words: "team trading-platform's page delivery"."""
    at: Location


@dataclass(frozen=True, kw_only=True)
class Wait:
    """One route an alert ends on, with the timings Alertmanager applies (inherited)."""

    receiver: str
    kind: str
    """The route's kind: page, ticket, info or route (a team's own route)."""
    group_wait_ms: int
    """Before the first notification of a new group."""
    group_interval_ms: int
    """Before an alert joining a group already notified is sent."""
    active_time_intervals: tuple[str, ...] = ()
    mute_time_intervals: tuple[str, ...] = ()
    budget: Budget | None = None
    """The delivery's notify_within."""


@dataclass(frozen=True, kw_only=True)
class Notification:
    """How one alert is notified: everything but its detection time."""

    service: str
    alert: str
    slo: str = ""
    """The SLO of an SLO tier; "" for a plain alert."""
    scrape_ms: int
    scrape_set: str = "Routing cadence.scrape_interval"
    """Where the scrape interval comes from: the cadence, or a probe's own interval."""
    evaluation_ms: int
    """The interval of the rule group that evaluates the alert."""
    evaluation_set: str
    """Where that interval comes from, for the hint: "the service's evaluation_interval",
    "the alert's evaluation_interval" or "Prometheus' global evaluation_interval"."""
    recording_ms: int = 0
    """SLO tiers: the interval of the group recording the error ratios the alert reads."""
    waits: tuple[Wait, ...] = ()
    """The routes the alert ends on (the root and team nodes, which only hold the default
    receiver, left out)."""
    budget: Budget | None = None
    """The alert's own notify_within: overrides every delivery's."""
    at: Location | None = None
    """Where the alert is defined (its severity), for what the hint names."""
