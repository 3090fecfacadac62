"""Spec v1, Routing receivers: where notifications go, with secrets only as `*_file` paths.

Each kind takes the fields teams use; an inline secret (`api_url`, `routing_key`,
`bot_token`, ...) is a field that exists only to be rejected, at its key, with the `*_file`
form to use instead.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from obsgen.spec.base import Spec
from obsgen.spec.routing_types import (
    EmailAddress,
    HostPort,
    InlineSecret,
    ReceiverName,
    SecretFile,
    WebhookUrl,
)
from obsgen.spec.types import HttpUrlText, fail

RECEIVER_FEATURES: dict[str, tuple[str, str]] = {
    "telegram": ("0.26", "Telegram with bot_token_file"),
    "webhook.url_file": ("0.26", "webhook url_file"),
    "msteams": ("0.28", "Microsoft Teams Workflows (msteamsv2_configs)"),
}
"""Receiver features newer than Alertmanager 0.25: (first version, what needs it)."""


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


ReceiverKind = Literal["slack", "pagerduty", "telegram", "email", "webhook", "msteams",
                       "opsgenie"]
RECEIVER_KINDS: tuple[ReceiverKind, ...] = (
    "slack", "pagerduty", "telegram", "email", "webhook", "msteams", "opsgenie")


class ReceiverSpec(Spec):
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
    def _has_destination(self) -> ReceiverSpec:
        if not any(getattr(self, k) is not None for k in RECEIVER_KINDS):
            raise fail("the receiver has no destination, so it would drop alerts silently",
                       f"add one of {', '.join(RECEIVER_KINDS)}")
        return self
