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
    InlineAwsKey,
    InlineSecret,
    JiraApiUrl,
    PhoneNumber,
    ReceiverName,
    SecretFile,
    WebhookUrl,
)
from obsgen.spec.types import Duration, HttpUrlText, fail

RECEIVER_FEATURES: dict[str, tuple[str, str]] = {
    "telegram": ("0.26", "Telegram with bot_token_file"),
    "webhook.url_file": ("0.26", "webhook url_file"),
    "msteams": ("0.28", "Microsoft Teams Workflows (msteamsv2_configs)"),
    "jira": ("0.28", "Jira (jira_configs)"),
    "sms.gateway.url_file": ("0.26", "an SMS gateway's url_file"),
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


class JiraReceiver(Spec):
    """Jira issues, one per alert group, through Jira's REST API v2 (Alertmanager 0.28+).
    Jira Cloud signs in with username (the account's email) and password_file (an API
    token); Jira Data Center with token_file (a personal access token)."""

    api_url: JiraApiUrl
    """Jira's REST API v2, e.g. https://acme.atlassian.net/rest/api/2/."""
    project: str = Field(min_length=1)
    """Project key the issues are created in, e.g. OPS."""
    issue_type: str = Field(min_length=1)
    """Issue type, e.g. Bug or Task."""
    username: str = ""
    """Jira Cloud: the account's email address, with password_file."""
    password_file: SecretFile | None = None
    """Jira Cloud: file holding the account's API token."""
    token_file: SecretFile | None = None
    """Jira Data Center: file holding a personal access token (sent as a Bearer token)."""
    labels: list[str] = []
    """Labels added to the issue (templates allowed), e.g. [alertmanager]."""
    priority: str = ""
    """Issue priority name or template; empty: High for critical/page, Medium for
    warning/ticket, Low for info."""
    resolve_transition: str = ""
    """Workflow transition that resolves the issue when the alert resolves, e.g. Done."""
    reopen_transition: str = ""
    """Workflow transition that reopens a resolved issue when the alert fires again."""
    wont_fix_resolution: str = ""
    """With reopen_transition: issues with this resolution are not reopened."""
    reopen_duration: Duration | None = None
    """With reopen_transition: reopen only issues resolved less than this long ago."""
    send_resolved: bool = True
    """Also update the issue when the alert resolves."""
    password: InlineSecret = None
    token: InlineSecret = None

    @model_validator(mode="after")
    def _one_credential(self) -> JiraReceiver:
        if (self.password_file is None) == (self.token_file is None):
            raise fail("give exactly one of 'password_file' (with username) and 'token_file'",
                       "Jira Cloud: username and password_file holding an API token; Jira Data "
                       "Center: token_file holding a personal access token")
        if (self.password_file is None) != (not self.username):
            raise fail("username and password_file go together",
                       "Jira Cloud signs in with the account's email as username and an API "
                       "token in password_file")
        if (self.wont_fix_resolution or self.reopen_duration) and not self.reopen_transition:
            raise fail("wont_fix_resolution and reopen_duration only apply with reopen_transition",
                       "set reopen_transition, e.g. To Do, or remove them")
        return self


class SNSAccess(Spec):
    """How Alertmanager reaches Amazon SNS. Credentials come from Alertmanager's environment
    (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), the instance or pod role, a profile or an
    assumed role: never from the spec."""

    region: str = ""
    """AWS region, e.g. eu-west-1; empty: from Alertmanager's environment."""
    profile: str = ""
    """Named AWS profile of Alertmanager's credentials file."""
    role_arn: str = ""
    """Role to assume, e.g. arn:aws:iam::123456789012:role/alertmanager-sms."""
    api_url: HttpUrlText = ""
    """SNS endpoint when not the region's default."""
    access_key: InlineAwsKey = None
    secret_key: InlineAwsKey = None


class SMSGateway(Spec):
    """An SMS gateway that takes Alertmanager's webhook payload (e.g. Sachet) and maps the
    receiver name to phone numbers in its own configuration."""

    url: WebhookUrl | None = None
    """Gateway endpoint, e.g. http://sachet:9876/alert."""
    url_file: SecretFile | None = None
    """File holding the endpoint, when the URL holds a token (Alertmanager 0.26+)."""
    max_alerts: int = Field(default=0, ge=0)
    """Most alerts per message; 0: all."""

    @model_validator(mode="after")
    def _one_url(self) -> SMSGateway:
        if (self.url is None) == (self.url_file is None):
            raise fail("give exactly one of 'url' and 'url_file'",
                       "url for a plain endpoint, url_file when the URL holds a token")
        return self


class SMSReceiver(Spec):
    """A text message: through Amazon SNS to phone_number (sns_configs, Alertmanager 0.25+), or
    through an SMS gateway's webhook (webhook_configs), which knows the numbers itself."""

    phone_number: PhoneNumber | None = None
    """With sns: the number to text, in E.164 form, e.g. "+447700900123"."""
    sns: SNSAccess | None = None
    """Send through Amazon SNS."""
    gateway: SMSGateway | None = None
    """Send through an SMS gateway receiving Alertmanager's webhook."""
    send_resolved: bool = False
    """Also text when the alert resolves."""

    @model_validator(mode="after")
    def _one_way(self) -> SMSReceiver:
        if (self.sns is None) == (self.gateway is None):
            raise fail("give exactly one of 'sns' and 'gateway'",
                       "sns: {region: ...} with phone_number to text through Amazon SNS, "
                       "gateway: {url: ...} for an SMS gateway")
        if self.sns is not None and self.phone_number is None:
            raise fail("sns needs phone_number", 'add phone_number: "+447700900123" (E.164)')
        if self.gateway is not None and self.phone_number is not None:
            raise fail("a gateway gets no phone_number from Alertmanager",
                       "remove phone_number: the gateway's configuration maps this receiver's "
                       "name to numbers")
        return self


ReceiverKind = Literal["slack", "pagerduty", "telegram", "email", "webhook", "msteams",
                       "opsgenie", "jira", "sms"]
RECEIVER_KINDS: tuple[ReceiverKind, ...] = (
    "slack", "pagerduty", "telegram", "email", "webhook", "msteams", "opsgenie", "jira", "sms")


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
    jira: JiraReceiver | None = None
    """Open Jira issues (Alertmanager 0.28+)."""
    sms: SMSReceiver | None = None
    """Send a text message."""

    @model_validator(mode="after")
    def _has_destination(self) -> ReceiverSpec:
        if not any(getattr(self, k) is not None for k in RECEIVER_KINDS):
            raise fail("the receiver has no destination, so it would drop alerts silently",
                       f"add one of {', '.join(RECEIVER_KINDS)}")
        return self
