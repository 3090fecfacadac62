"""Constrained scalar types of the Routing document: matchers, secret files, clock times.

Like `obsgen.spec.types`, each fails with "what is wrong — how to fix it".
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlsplit

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo
from pydantic.json_schema import SkipJsonSchema

from obsgen import matchers
from obsgen.spec.types import _label_name, _slug, fail

ReceiverName = Annotated[str, _slug("receiver")]
IntervalName = Annotated[str, _slug("time interval")]


def _matcher(value: str) -> str:
    try:
        return matchers.parse(value).text()
    except ValueError as exc:
        raise fail(
            str(exc),
            'write label, operator and quoted value, e.g. severity="critical" or '
            'service=~"core|edge"',
        ) from None


GroupLabel = Annotated[str, AfterValidator(lambda v: v if v == "..." else _label_name(v))]
"""A label to group notifications by, or "..." for all labels."""

MatcherText = Annotated[str, AfterValidator(_matcher)]
"""An Alertmanager matcher; stored in canonical form (value double-quoted)."""


def absolute_file(reader: str, example: str) -> AfterValidator:
    """A secret's file path as the program reading it needs it: absolute, no `..`."""
    def check(value: str) -> str:
        if not value.startswith("/") or "/../" in f"{value}/" or any(c in value for c in "\n\0"):
            raise fail(f"{value!r} is not an absolute path",
                       f"{reader} reads *_file paths as written, without resolving them: "
                       f"write e.g. {example}")
        return value

    return AfterValidator(check)


SecretFile = Annotated[str, absolute_file("Alertmanager",
                                          "/etc/alertmanager/secrets/slack-api-url")]


SECRET_FILE_FIELDS = {
    "api_url": "api_url_file",
    "routing_key": "routing_key_file",
    "service_key": "routing_key_file",
    "bot_token": "bot_token_file",
    "auth_password": "auth_password_file",
    "webhook_url": "webhook_url_file",
    "api_key": "api_key_file",
    "password": "password_file",
    "token": "token_file",
}
"""Inline secret fields of Alertmanager receivers, and the *_file field to use instead."""


def _reject_inline(value: object, info: ValidationInfo) -> None:
    use = SECRET_FILE_FIELDS.get(info.field_name or "", "the *_file field")
    raise fail(
        "a secret written inline would be committed to the repository",
        f"write {use}: /etc/alertmanager/secrets/<name> instead, and put the secret in that "
        "file on the Alertmanager host",
    )


InlineSecret = SkipJsonSchema[Annotated[Any, BeforeValidator(_reject_inline)]]
"""A field that exists only to reject an inline secret with a located message."""


def _reject_aws_key(value: object) -> None:
    raise fail(
        "an AWS key written inline would be committed to the repository",
        "leave keys out: Alertmanager takes them from its environment (AWS_ACCESS_KEY_ID, "
        "AWS_SECRET_ACCESS_KEY), the instance or pod role, profile: or role_arn:",
    )


InlineAwsKey = SkipJsonSchema[Annotated[Any, BeforeValidator(_reject_aws_key)]]
"""SNS's sigv4 keys have no *_file form in Alertmanager: rejected, with where keys come from."""


def _jira_api_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise fail(f"{value!r} is not an http(s) URL",
                   "write Jira's REST API v2 address, e.g. https://acme.atlassian.net/rest/api/2/")
    if not re.search(r"/rest/api/2/?$", parts.path):
        raise fail(f"{value!r} is not Jira's REST API v2 address",
                   "end it with /rest/api/2/: Alertmanager's default issue description is wiki "
                   "markup, which only API v2 accepts (v3 wants Atlassian Document Format)")
    why = secret_in_url(value)
    if why:
        raise fail(f"the URL looks like a secret: {why}",
                   "give the credential as password_file or token_file")
    return value


JiraApiUrl = Annotated[str, AfterValidator(_jira_api_url)]


def _phone_number(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        raise fail(f"{value} is a number, not a quoted phone number",
                   'quote it in E.164 form, e.g. "+447700900123"')
    if not isinstance(value, str) or not re.fullmatch(r"\+[1-9][0-9]{6,14}", value):
        raise fail(f"{value!r} is not a phone number in E.164 form",
                   'write + then the country code and number without spaces, e.g. "+447700900123"')
    return value


PhoneNumber = Annotated[str, BeforeValidator(_phone_number)]
"""A phone number in E.164 form, as Amazon SNS wants it."""


_SECRET_QUERY = re.compile(
    r"^(.*token.*|.*secret.*|.*key.*|sig|signature|password|pass|pwd|auth|code|sv|sp)$", re.I
)
_SECRET_HOSTS = ("hooks.slack.com", "webhook.office.com", "logic.azure.com",
                 "discord.com", "discordapp.com", "api.telegram.org", "events.pagerduty.com")
_TOKEN_LIKE = re.compile(r"^(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9_\-]{24,}$")


def secret_in_url(url: str) -> str:
    """Why `url` looks like it carries a credential, or ""."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        return "it holds a user name or password"
    for name, _ in parse_qsl(parts.query, keep_blank_values=True):
        if _SECRET_QUERY.match(name):
            return f"its query parameter {name!r} looks like a credential"
    host = (parts.hostname or "").lower()
    if any(host == h or host.endswith("." + h) for h in _SECRET_HOSTS):
        return f"{host} URLs carry their credential in the path"
    if any(_TOKEN_LIKE.match(segment) for segment in parts.path.split("/")):
        return "a path segment looks like a token"
    return ""


def _webhook_url(value: str) -> str:
    if not value.startswith(("http://", "https://")) or not urlsplit(value).hostname:
        raise fail(f"{value!r} is not an http(s) URL", "write e.g. http://alert-relay:8080/hook")
    why = secret_in_url(value)
    if why:
        raise fail(
            f"the URL looks like a secret: {why}",
            "write url_file: /etc/alertmanager/secrets/<name>-url instead, and put the URL in "
            "that file on the Alertmanager host",
        )
    return value


WebhookUrl = Annotated[str, AfterValidator(_webhook_url)]


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s,<>]+@[^@\s,<>]+\.[^@\s,<>]+", value):
        raise fail(f"{value!r} is not an email address", "write e.g. ops-alerts@example.com")
    return value


EmailAddress = Annotated[str, AfterValidator(_email)]


def _host_port(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+:\d{1,5}", value):
        raise fail(f"{value!r} is not host:port", "write e.g. smtp.example.com:587")
    return value


HostPort = Annotated[str, AfterValidator(_host_port)]


def _clock(value: str) -> str:
    found = re.fullmatch(r"(\d\d):(\d\d)", value)
    if not found or int(found[2]) > 59 or int(found[1]) * 60 + int(found[2]) > 24 * 60:
        raise fail(f"{value!r} is not a time of day", "write HH:MM from 00:00 to 24:00, e.g. 09:00")
    return value


ClockTime = Annotated[str, AfterValidator(_clock)]

WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")


def _range_of(what: str, parse: Any, example: str) -> AfterValidator:
    def check(value: str) -> str:
        text = value.strip().lower()
        ends = text.split(":")
        try:
            if len(ends) > 2:
                raise ValueError
            begin, end = parse(ends[0]), parse(ends[-1])
        except (ValueError, KeyError):
            raise fail(
                f"{value!r} is not a {what} or range of them", f"write e.g. {example}"
            ) from None
        if (begin < 0) == (end < 0) and begin > end:
            raise fail(f"{value!r} ends before it starts", f"write e.g. {example}")
        return text

    return AfterValidator(check)


def _weekday(text: str) -> int:
    return WEEKDAYS.index(text)


def _month(text: str) -> int:
    return int(text) if text.isdigit() and 1 <= int(text) <= 12 else MONTHS.index(text) + 1


def _day(text: str) -> int:
    day = int(text)
    if day == 0 or not -31 <= day <= 31:
        raise ValueError
    return day


def _year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError
    return int(text)


def _as_text(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


WeekdayRange = Annotated[str, _range_of("weekday", _weekday, "monday:friday or saturday")]
MonthRange = Annotated[
    str, BeforeValidator(_as_text), _range_of("month", _month, "january:march or 12")
]
DayRange = Annotated[str, BeforeValidator(_as_text), _range_of("day of month", _day, "1:7 or -1")]
YearRange = Annotated[str, BeforeValidator(_as_text), _range_of("year", _year, "2026:2027")]


def _location(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise fail(
            f"{value!r} is not a time zone", "write an IANA name such as Europe/London or UTC"
        ) from None
    return value


Location = Annotated[str, Field(min_length=1), AfterValidator(_location)]
