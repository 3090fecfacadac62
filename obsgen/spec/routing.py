"""Spec v1, kind Routing: receivers, teams and their escalation, time intervals, inhibitions.

Services name their team; obsgen derives the Alertmanager routing tree from the labels every
generated alert carries (team, severity, service), so no spec repeats routing by hand.
Secrets never appear here: receivers take them only as absolute `*_file` paths.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from obsgen.spec.base import Spec
from obsgen.spec.receivers import RECEIVER_KINDS, ReceiverSpec
from obsgen.spec.routing_types import (
    ClockTime,
    DayRange,
    GroupLabel,
    IntervalName,
    Location,
    MatcherText,
    MonthRange,
    ReceiverName,
    WeekdayRange,
    YearRange,
)
from obsgen.spec.types import Duration, LabelName, TeamName, fail

__all__ = ["RECEIVER_KINDS", "ReceiverSpec"]


class Timing(Spec):
    """Grouping and timing overrides for one route; unset values are inherited."""

    group_by: list[GroupLabel] | None = None
    """Labels that split notifications into groups; ["..."] groups by all labels."""
    group_wait: Duration | None = None
    """How long to wait to batch the first notification of a group."""
    group_interval: Duration | None = None
    """How long to wait before notifying about new alerts in a group."""
    repeat_interval: Duration | None = None
    """How long to wait before repeating a notification still firing."""


class Delivery(Timing):
    """Who receives one class of alerts, and when."""

    receivers: list[ReceiverName] = Field(min_length=1)
    """Receivers notified, all of them, in this order."""
    active_time_intervals: list[IntervalName] = []
    """Deliver only inside these time intervals (e.g. business hours for tickets)."""
    mute_time_intervals: list[IntervalName] = []
    """Deliver nothing inside these time intervals."""
    notify_within: Duration | None = None
    """Notification-time budget: the longest these receivers may wait for an alert, e.g.
    30s. obsgen computes each alert's worst case (scrape, rule evaluation, detection,
    group_wait or group_interval; `obsgen explain` shows it) and rejects a budget it cannot
    meet. Outside active_time_intervals the wait for the interval is not counted."""
    notify_from: Literal["incident", "condition"] = "incident"
    """What notify_within counts from: the incident's start (the alert's detection time
    included: for, consecutive samples, range windows, an SLO tier's burn), or the moment
    the alert's condition holds in full (scrape, evaluation and Alertmanager's wait only)."""


class Route(Delivery):
    """A special case inside a team, tried before its page/ticket/info routes."""

    matchers: list[MatcherText] = Field(min_length=1)
    """Alertmanager matchers on the alert's labels, e.g. alertname="WeeklyReportDeliveryFailed"."""
    continue_: bool = Field(default=False, alias="continue")
    """Also deliver through the team's page/ticket/info routes."""


class Cadence(Spec):
    """How often the Prometheus that runs the rules scrapes and evaluates: the first terms
    of every alert's notification worst case."""

    scrape_interval: Duration = "1m"
    """The scrape interval of the alerts' inputs (Prometheus' global scrape_interval, 1m
    unless configured)."""
    evaluation_interval: Duration = "1m"
    """Prometheus' global evaluation_interval: the interval of rule groups without their own
    (services without evaluation_interval)."""


class Team(Spec):
    """A team: who gets a page, who gets a ticket, and the escalation path."""

    name: TeamName
    """The team name services give in metadata.team."""
    description: str = ""
    """Who the team is."""
    page: Delivery | None = None
    """Alerts with severity critical or page: wake someone up."""
    ticket: Delivery | None = None
    """Alerts with severity warning or ticket: handled in working hours."""
    info: Delivery | None = None
    """Alerts with severity info."""
    mirror: Delivery | None = None
    """Receivers that get every alert of the team as well (e.g. the team channel)."""
    routes: list[Route] = []
    """Special cases, tried in order before the severity routes."""
    mute_time_intervals: list[IntervalName] = []
    """Deliver none of the team's alerts inside these time intervals (maintenance)."""
    escalation: list[str] = []
    """Who to call when the on-call engineer needs help, in order (shown in runbooks)."""

    @model_validator(mode="after")
    def _has_receiver(self) -> Team:
        if not (self.page or self.ticket or self.info or self.routes):
            raise fail("the team has no receiver",
                       "add page: {receivers: [...]} and ticket: {receivers: [...]}")
        return self


class TimeRange(Spec):
    start_time: ClockTime
    """HH:MM, inclusive."""
    end_time: ClockTime
    """HH:MM, exclusive; 24:00 for midnight."""

    @model_validator(mode="after")
    def _ordered(self) -> TimeRange:
        if self.end_time <= self.start_time:
            raise fail(f"end_time {self.end_time} is not after start_time {self.start_time}",
                       "split a range that crosses midnight in two, e.g. 22:00-24:00 and "
                       "00:00-06:00")
        return self


class TimeSpanSpec(Spec):
    """One Alertmanager time_interval entry: every given field must match."""

    times: list[TimeRange] = []
    """Times of day."""
    weekdays: list[WeekdayRange] = []
    """Days of the week or ranges, e.g. monday:friday."""
    days_of_month: list[DayRange] = []
    """Days of the month or ranges; negative counts from the end (-1 is the last day)."""
    months: list[MonthRange] = []
    """Months or ranges, e.g. january:march."""
    years: list[YearRange] = []
    """Years or ranges."""
    location: Location | None = None
    """IANA time zone of the times, e.g. Europe/London; UTC when unset."""


class TimeIntervalSpec(Spec):
    """A named set of times, used by routes to deliver only inside (or never inside) them."""

    name: IntervalName
    """Name, unique across Routing documents."""
    time_intervals: list[TimeSpanSpec] = Field(min_length=1)
    """Any of these spans."""


class InhibitRule(Spec):
    """Mute target alerts while a source alert fires with the same values of `equal`."""

    source: list[MatcherText] = Field(min_length=1)
    """Matchers of the inhibiting alert."""
    target: list[MatcherText] = Field(min_length=1)
    """Matchers of the muted alerts."""
    equal: list[LabelName] = []
    """Labels that must have the same value on both."""


class Inhibitions(Spec):
    """Inhibition rules: obsgen's defaults, switchable, and your own."""

    page_inhibits_ticket: bool = True
    """A firing SLO page mutes the ticket of the same service, SLO and group."""
    critical_inhibits_warning: bool = True
    """A firing critical alert mutes the warnings of the same service and instance (the same
    values of every SLO `group_by` label, alert `by` label, `slo`, `instance` and rule
    label), never a sibling feed's."""
    rules: list[InhibitRule] = []
    """More rules."""


class Defaults(Timing):
    """The root of the routing tree."""

    receiver: ReceiverName
    """Receives every alert no team route takes (alerts obsgen did not generate)."""
    group_by: list[GroupLabel] | None = ["alertname", "service"]
    """Labels that split notifications into groups; ["..."] groups by all labels."""
    group_wait: Duration | None = "30s"
    """How long to wait to batch the first notification of a group."""
    group_interval: Duration | None = "5m"
    """How long to wait before notifying about new alerts in a group."""
    repeat_interval: Duration | None = "4h"
    """How long to wait before repeating a notification still firing."""


class Routing(Spec):
    """Where alerts go. Several Routing documents are merged; defaults, inhibitions,
    cadence and alertmanager_version may be set in one of them only."""

    apiVersion: Literal["obsgen/v1"]
    """Always obsgen/v1."""
    kind: Literal["Routing"]
    """Always Routing."""
    alertmanager_version: Literal["0.25", "0.26", "0.27", "0.28"] = "0.25"
    """Oldest Alertmanager the output must load in; receivers that need a newer one are
    rejected (0.28 covers later releases too)."""
    defaults: Defaults | None = None
    """The root route: default receiver, grouping and timing."""
    receivers: list[ReceiverSpec] = []
    """Named destinations."""
    teams: list[Team] = []
    """Teams and who receives their alerts."""
    time_intervals: list[TimeIntervalSpec] = []
    """Named time intervals: business hours, maintenance windows."""
    inhibitions: Inhibitions | None = None
    """Inhibition rules; obsgen's two defaults apply when unset."""
    cadence: Cadence | None = None
    """The scrape and evaluation intervals the notification-time budgets assume (1m each
    when unset, Prometheus' defaults); in one Routing document only."""
