"""Constrained scalar types of spec v1, each failing with a message that says how to fix it.

A failure raises `PydanticCustomError("obsgen", "what is wrong — how to fix it")`; the
validate stage splits that text at " — " into a diagnostic's message and hint.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from obsgen import durations, promql

Severity = Literal["critical", "page", "warning", "ticket", "info"]
"""critical and page wake someone up; warning and ticket wait for working hours; info informs."""


def fail(message: str, hint: str) -> PydanticCustomError:
    return PydanticCustomError("obsgen", "{message} — {hint}", {"message": message, "hint": hint})


_SLUG = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
_ALERT = re.compile(r"^[A-Z][A-Za-z0-9]{0,127}$")
_LABEL = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_METRIC = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")


def _slug(what: str) -> AfterValidator:
    def check(value: str) -> str:
        if not _SLUG.match(value) or value.endswith("-") or "--" in value:
            raise fail(
                f"{value!r} is not a valid {what} name",
                "use lowercase letters, digits and single '-', starting with a letter "
                "(it becomes part of file names)",
            )
        return value

    return AfterValidator(check)


def _alert_name(value: str) -> str:
    if not _ALERT.match(value):
        suggestion = "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", value) if p)
        example = suggestion if _ALERT.match(suggestion) else "EdgeAvailabilityBurn"
        raise fail(
            f"{value!r} is not a valid alert name",
            f"use CamelCase letters and digits, e.g. {example!r}",
        )
    return value


def _label_name(value: str) -> str:
    if not _LABEL.match(value):
        fixed = re.sub(r"[^a-zA-Z0-9_]", "_", value)
        fixed = fixed if _LABEL.match(fixed) else f"_{fixed}"
        raise fail(
            f"{value!r} is not a valid label name",
            f"Prometheus 2 accepts only letters, digits and '_' (not starting with a digit): "
            f"rename it to {fixed!r}",
        )
    if value.startswith("__"):
        raise fail(
            f"{value!r} starts with '__', which Prometheus reserves",
            "choose a name without the leading '__'",
        )
    return value


def _metric_name(value: str) -> str:
    if not _METRIC.match(value):
        raise fail(
            f"{value!r} is not a valid metric name",
            "use letters, digits, '_' and ':' only, e.g. http_request_duration_seconds",
        )
    return value


def _duration(value: str) -> str:
    try:
        durations.parse_ms(value)
    except ValueError:
        raise fail(
            f"{value!r} is not a duration",
            "write a Prometheus duration such as 30s, 5m, 1h30m or 30d",
        ) from None
    return value


def _number_as_text(value: object) -> object:
    """YAML reads `for: 0` as a number: accept 0 as "0s", reject other bare numbers clearly."""
    if isinstance(value, bool):
        return value
    if value == 0 and isinstance(value, int):
        return "0s"
    if isinstance(value, int | float):
        raise fail(
            f"{value!r} has no unit", f"write a duration with a unit, e.g. '{value}m' or '{value}d'"
        )
    return value


def _checked(find_problem: Callable[[str], str], prefix: str, hint: str) -> AfterValidator:
    """A validator that fails with `prefix + problem — hint` when `find_problem` finds one."""

    def check(value: str) -> str:
        problem = find_problem(value)
        if problem:
            raise fail(f"{prefix}{problem}", hint)
        return value

    return AfterValidator(check)


_EXPR = _checked(
    promql.parse_problem,
    "invalid PromQL: ",
    "fix the expression (it must run on Prometheus 2.42 and 3.x)",
)
_SELECTOR = _checked(
    promql.selector_problem,
    "",
    'write a series selector such as http_requests_total{service="edge"}',
)
_TEMPLATE = _checked(
    promql.template_problem,
    "invalid template: ",
    "fix the {{ ... }} action (Prometheus runs this text as a Go template)",
)


_SERIES_VALUES = re.compile(
    r"\s*(?:(?:_|stale|[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)"
    r"(?:[-+](?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)?(?:x\d+)?\s*)+",
)


def _series_values(value: str) -> str:
    if not _SERIES_VALUES.fullmatch(value):
        raise fail(
            f"{value!r} is not in promtool's expanding notation",
            "write values such as '0+10x30 300x10' (start+step x count), '1x5 0x15' or '_x3'",
        )
    return value


def _series(value: str) -> str:
    from obsgen.matchers import parse_selector

    problem = promql.selector_problem(value)
    if problem:
        raise fail(problem, 'write one series such as up{job="worker"}')
    if any(m.op != "=" for m in parse_selector(value).matchers):
        raise fail(f"{value!r} has a matcher other than =", "a test series lists exact labels")
    return value


def _label_value(value: object) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise fail(f"label values are text, got the number {value!r}", f'quote it: "{value}"')
    return value


def _objective(value: float) -> float:
    if not 0 < value < 100:
        if value >= 100:
            raise fail(
                f"must be below 100 (got {value})", "a 100% objective leaves no error budget"
            )
        raise fail(f"must be above 0 (got {value})", "write the target as a percentage, e.g. 99.9")
    return value


def _tolerated_burn(value: float) -> float:
    if not math.isfinite(value) or value <= 1:
        raise fail(
            f"must be a number above 1 (got {value})",
            "a burn of 1x spends exactly the budget over the window; write e.g. 2 to accept "
            "steady burns up to 2x going unalerted",
        )
    return value


def _window(value: str) -> str:
    ms = durations.parse_ms(value)
    if ms % 86_400_000 or not 1 <= ms // 86_400_000 <= 365:
        raise fail(
            f"{value!r} is not a whole number of days from 1d to 365d", "write e.g. 7d, 28d or 30d"
        )
    return value


def _http_url(value: str) -> str:
    if value and not value.startswith(("https://", "http://")):
        raise fail(
            f"{value!r} is not an http(s) URL",
            "write e.g. https://github.com/acme/obs/blob/main/generated/runbooks",
        )
    return value


ServiceName = Annotated[str, _slug("service")]
SLOName = Annotated[str, _slug("SLO")]
TeamName = Annotated[str, _slug("team")]
AlertName = Annotated[str, AfterValidator(_alert_name)]
LabelName = Annotated[str, AfterValidator(_label_name)]
LabelValue = Annotated[str, BeforeValidator(_label_value)]
MetricName = Annotated[str, AfterValidator(_metric_name)]
Duration = Annotated[str, BeforeValidator(_number_as_text), AfterValidator(_duration)]
PromQL = Annotated[str, Field(min_length=1), _EXPR]
Selector = Annotated[str, Field(min_length=1), _SELECTOR]
TemplateText = Annotated[str, _TEMPLATE]
Objective = Annotated[float, AfterValidator(_objective)]
Window = Annotated[Duration, AfterValidator(_window)]
ToleratedBurn = Annotated[float, AfterValidator(_tolerated_burn)]
HttpUrlText = Annotated[str, AfterValidator(_http_url)]


_RUNBOOK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/#-]{0,63}$")


def _runbook_id(value: str) -> str:
    if value and not _RUNBOOK_ID.match(value):
        raise fail(f"{value!r} is not a runbook id",
                   "write the team's id as it is known, e.g. RB-06 (letters, digits, '.', '_', "
                   "'-', '/', '#'; at most 64)")
    return value


def _page_url(value: str) -> str:
    if value and (not value.startswith(("https://", "http://")) or any(c.isspace() for c in value)):
        raise fail(f"{value!r} is not an http(s) URL",
                   "write the existing runbook's address, e.g. https://wiki.example.com/runbooks/RB-06")
    return value


RunbookId = Annotated[str, AfterValidator(_runbook_id)]
PageUrl = Annotated[str, AfterValidator(_page_url)]
SeriesValues = Annotated[str, Field(min_length=1), AfterValidator(_series_values)]
TestSeries = Annotated[str, Field(min_length=1), AfterValidator(_series)]
Labels = dict[LabelName, LabelValue]
Annotations = dict[LabelName, TemplateText]
