"""Spec v1, kind Routing: receivers, teams and their escalation, time intervals, inhibitions.

Services name their team; obsgen derives the Alertmanager routing tree from the labels every
generated alert carries (team, severity, service), so no spec repeats routing by hand.
Secrets never appear here: receivers take them only as absolute `*_file` paths.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from obsgen.spec.base import Spec
from obsgen.spec.routing_types import (
    ClockTime,
    DayRange,
    EmailAddress,
    GroupLabel,
    HostPort,
    InlineSecret,
    IntervalName,
    Location,
    MatcherText,
    MonthRange,
    ReceiverName,
    SecretFile,
    WebhookUrl,
    WeekdayRange,
    YearRange,
)
from obsgen.spec.types import Duration, HttpUrlText, LabelName, TeamName, fail


class SlackReceiver(Spec):
    """A Slack channel, through an incoming-webhook URL read from a file."""

    api_url_file: SecretFile
    """File holding the incoming-webhook URL."""
    channel: str = Field(min_length=1)
    """Channel to post to, e.g. #ci-alerts."""
    send_resolved: bool = True
    """Also post when the alert resolves."""
    api_url: InlineSecret = None


class PagerDutyReceiver(Spec):
    """A PagerDuty service (Events API v2). Severity is mapped to PagerDuty's levels."""

    routing_key_file: SecretFile
    """File holding the integration (routing) key."""
    send_resolved: bool = True
    """Resolve the incident when the alert resolves."""
    routing_key: InlineSecret = None
    service_key: InlineSecret = None


class TelegramReceiver(Spec):
    """A Telegram chat, through a bot (Alertmanager 0.26+ for bot_token_file)."""

    bot_token_file: SecretFile
    """File holding the bot token."""
    chat_id: int
    """The chat to post to (negative for groups and channels)."""
    send_resolved: bool = True
    """Also post when the alert resolves."""
    bot_token: InlineSecret = None


class EmailReceiver(Spec):
    """An email address list, through an SMTP relay."""

    to: list[EmailAddress] = Field(min_length=1)
    """Recipients."""
    from_: EmailAddress = Field(alias="from")
    """Sender address."""
    smarthost: HostPort
    """SMTP relay as host:port."""
    auth_username: str = ""
    """SMTP user, when the relay needs one."""
    auth_password_file: SecretFile | None = None
    """File holding the SMTP password."""
    require_tls: bool = True
    """Refuse to send without STARTTLS."""
    send_resolved: bool = False
    """Also mail when the alert resolves."""
    auth_password: InlineSecret = None


class WebhookReceiver(Spec):
    """An HTTP endpoint receiving Alertmanager's JSON payload (e.g. a relay that opens a GitHub
    issue). A URL that carries a credential belongs in url_file (Alertmanager 0.26+)."""

    url: WebhookUrl | None = None
    """Endpoint without credentials, e.g. http://alert-relay:8080/github-issue."""
    url_file: SecretFile | None = None
    """File holding the endpoint URL, when the URL itself is secret."""
    max_alerts: int = Field(default=0, ge=0)
    """Most alerts per message; 0: all."""
    send_resolved: bool = True
    """Also call when the alert resolves."""

    @model_validator(mode="after")
    def _one_url(self) -> WebhookReceiver:
        if (self.url is None) == (self.url_file is None):
            raise fail("give exactly one of 'url' and 'url_file'",
                       "url for a plain endpoint, url_file when the URL holds a token")
        return self


class MSTeamsReceiver(Spec):
    """A Microsoft Teams channel through a Workflows webhook (Alertmanager 0.28+)."""

    webhook_url_file: SecretFile
    """File holding the Workflows webhook URL."""
    send_resolved: bool = True
    """Also post when the alert resolves."""
    webhook_url: InlineSecret = None


class OpsgenieResponder(Spec):
    type: Literal["team", "user", "escalation", "schedule"]
    """What kind of responder."""
    name: str = Field(min_length=1)
    """Its name in Opsgenie."""


class OpsgenieReceiver(Spec):
    """Opsgenie alerts; severity is mapped to priority P1 (page), P3 (ticket), P5 (info)."""

    api_key_file: SecretFile
    """File holding the API key."""
    api_url: HttpUrlText = ""
    """API endpoint when not the default, e.g. https://api.eu.opsgenie.com/."""
    responders: list[OpsgenieResponder] = []
    """Who is notified."""
    send_resolved: bool = True
    """Close the Opsgenie alert when the alert resolves."""
    api_key: InlineSecret = None


RECEIVER_KINDS = ("slack", "pagerduty", "telegram", "email", "webhook", "msteams", "opsgenie")


class Receiver(Spec):
    """A named destination: one or more of the kinds below, all notified together."""

    name: ReceiverName
    """Receiver name, unique across Routing documents."""
    description: str = ""
    """Who reads it, shown in runbooks."""
    slack: SlackReceiver | None = None
    """Post to a Slack channel."""
    pagerduty: PagerDutyReceiver | None = None
    """Open PagerDuty incidents."""
    telegram: TelegramReceiver | None = None
    """Post to a Telegram chat."""
    email: EmailReceiver | None = None
    """Send email."""
    webhook: WebhookReceiver | None = None
    """POST Alertmanager's JSON to an endpoint."""
    msteams: MSTeamsReceiver | None = None
    """Post to a Microsoft Teams channel."""
    opsgenie: OpsgenieReceiver | None = None
    """Create Opsgenie alerts."""

    @model_validator(mode="after")
    def _has_destination(self) -> Receiver:
        if not any(getattr(self, k) is not None for k in RECEIVER_KINDS):
            raise fail("the receiver has no destination, so it would drop alerts silently",
                       f"add one of {', '.join(RECEIVER_KINDS)}")
        return self


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


class Route(Delivery):
    """A special case inside a team, tried before its page/ticket/info routes."""

    matchers: list[MatcherText] = Field(min_length=1)
    """Alertmanager matchers on the alert's labels, e.g. alertname="WeeklyReportDeliveryFailed"."""
    continue_: bool = Field(default=False, alias="continue")
    """Also deliver through the team's page/ticket/info routes."""


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


class TimeSpan(Spec):
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


class TimeInterval(Spec):
    """A named set of times, used by routes to deliver only inside (or never inside) them."""

    name: IntervalName
    """Name, unique across Routing documents."""
    time_intervals: list[TimeSpan] = Field(min_length=1)
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
    """A firing critical alert mutes the warnings of the same service."""
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
    """Where alerts go. Several Routing documents are merged; defaults, inhibitions and
    alertmanager_version may be set in one of them only."""

    apiVersion: Literal["obsgen/v1"]
    """Always obsgen/v1."""
    kind: Literal["Routing"]
    """Always Routing."""
    alertmanager_version: Literal["0.25", "0.26", "0.27", "0.28"] = "0.25"
    """Oldest Alertmanager the output must load in; receivers that need a newer one are
    rejected (0.28 covers later releases too)."""
    defaults: Defaults | None = None
    """The root route: default receiver, grouping and timing."""
    receivers: list[Receiver] = []
    """Named destinations."""
    teams: list[Team] = []
    """Teams and who receives their alerts."""
    time_intervals: list[TimeInterval] = []
    """Named time intervals: business hours, maintenance windows."""
    inhibitions: Inhibitions | None = None
    """Inhibition rules; obsgen's two defaults apply when unset."""
