"""Spec v1: plain alerting rules and the promtool tests a spec writes for them."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from obsgen import durations
from obsgen.spec.base import RunbookSpec, Spec
from obsgen.spec.consecutive import ConsecutiveSpec, problem
from obsgen.spec.nodata import AbsentSpec
from obsgen.spec.types import (
    AlertName,
    Annotations,
    Duration,
    Labels,
    PromQL,
    SeriesValues,
    Severity,
    TemplateText,
    TestSeries,
    fail,
)


def _evaluation_interval(value: str) -> str:
    if durations.parse_ms(value) < 1000:
        raise fail(f"evaluation interval {value} is shorter than 1s",
                   "give how often Prometheus evaluates the group, e.g. 10s or 1m")
    return value


EvaluationInterval = Annotated[Duration, AfterValidator(_evaluation_interval)]
"""A rule group's `interval:`, at least 1s."""


class InputSeries(Spec):
    """One input series of an alert test."""

    series: TestSeries
    """The series: a metric name and exact labels, e.g. up{job="worker"}."""
    values: SeriesValues
    """Samples in promtool's expanding notation, one per interval: '1x5 0x20'."""


class Expectation(Spec):
    """What the alert does at one evaluation time."""

    at: Duration
    """Time from the start of the test, e.g. 12m."""
    firing: list[Labels] = []
    """The firing instances, each as the labels its expression returns (the alert's own
    labels are added); empty: the alert must not fire at this time."""


class AlertTestSpec(Spec):
    """A promtool test of a plain alert, compiled into the service's rule tests."""

    name: str = Field(min_length=1)
    """What the test shows, e.g. 'worker down for 10m pages'."""
    interval: Duration = "1m"
    """Time between two samples of the input series."""
    input_series: list[InputSeries] = Field(min_length=1)
    """The series the alert's expression reads."""
    expect: list[Expectation] = Field(min_length=1)
    """When the alert fires, and when it must stay quiet."""


class SLOExpectation(Spec):
    """What one alert of the SLO does at one evaluation time."""

    at: Duration
    """Time from the start of the test, e.g. 2h."""
    alert: str = Field(min_length=1)
    """The alert: its tier (page or ticket) or its name (e.g. BatchFreshnessBurnRate)."""
    firing: list[Labels] = []
    """The firing instances, each as the labels the SLI gives it (the SLO's group_by labels;
    {} for an ungrouped SLO); the alert's own labels are added. Empty: the alert must not
    fire at this time."""


class SLOTestSpec(Spec):
    """A promtool test of an SLO's alerts, compiled into the SLO's rule tests: for raw
    SLIs, whose input series obsgen cannot synthesize."""

    name: str = Field(min_length=1)
    """What the test shows, in the team's words, e.g. 'no batch success for 2h pages'."""
    interval: Duration = "1m"
    """Time between two samples of the input series."""
    input_series: list[InputSeries] = Field(min_length=1)
    """The series the SLI's expression reads."""
    evaluation_interval: EvaluationInterval = "1m"
    """How often promtool evaluates the rules in this test. A raw SLI whose subqueries step
    at its sample cadence reads the same values between two samples, so evaluating at that
    cadence (e.g. 15m) is exact and makes tests over days cheap. Every `at` must be a
    multiple of it."""
    expect: list[SLOExpectation] = Field(min_length=1)
    """When which alert fires, and when it must stay quiet."""

    @field_validator("expect")
    @classmethod
    def _at_evaluations(cls, value: list[SLOExpectation], info: ValidationInfo
                        ) -> list[SLOExpectation]:
        every = info.data.get("evaluation_interval")
        if every is None:
            return value
        step = durations.parse_ms(every)
        off = [e.at for e in value if durations.parse_ms(e.at) % step]
        if off:
            raise fail(f"{', '.join(off)} is not a multiple of evaluation_interval {every}, "
                       "so no evaluation happens then",
                       f"check at multiples of {every}, or shorten evaluation_interval")
        return value


def fires_and_stays_quiet(expectations: list[Expectation] | list[SLOExpectation]) -> None:
    """Tests must show their alert firing at least once and quiet at least once."""
    if expectations and not any(e.firing for e in expectations):
        raise fail("no expectation shows the alert firing",
                   "add an expectation with firing: [{...labels...}]")
    if expectations and all(e.firing for e in expectations):
        raise fail("no expectation shows the alert quiet",
                   "add an expectation with firing: [] at a time it must not fire")


class AlertSpec(Spec):
    """A plain alerting rule, compiled as declared."""

    name: AlertName
    """Alert name, CamelCase, unique across all specs."""
    expr: PromQL
    """PromQL condition; the alert fires for each series it returns."""
    for_: Duration | None = Field(default=None, alias="for")
    """How long the condition must hold before firing."""
    consecutive: ConsecutiveSpec | None = None
    """Fire when the last `samples` samples of `expr`, `every` apart, all breach (a batch
    job's samples), instead of `for`: e.g. {samples: 2, every: 15m}. A missing sample is not
    a breach. Not with `for`; no `@`, time() or absent() in `expr`."""
    evaluation_interval: EvaluationInterval | None = None
    """This alert's rule-group interval, when it differs from the service's: the alert goes
    into its own group <service>.alerts-<interval>, e.g. 10s for a 30 s delivery budget."""
    notify_within: Duration | None = None
    """This alert's notification-time budget, from the incident's start to the notification
    (detection included); overrides notify_within of the deliveries it reaches."""
    keep_firing_for: Duration | None = None
    """How long to keep firing after the condition clears (Prometheus 2.42+)."""
    severity: Severity
    """critical or page wake someone; warning or ticket wait; info informs."""
    summary: TemplateText = Field(min_length=1)
    """One line: what is wrong. May use {{ $labels.x }} and {{ $value }}."""
    description: TemplateText = ""
    """More detail; defaults to a sentence built from the expression."""
    labels: Labels = {}
    """Extra labels."""
    annotations: Annotations = {}
    """Extra annotations."""
    runbook: RunbookSpec = RunbookSpec()
    """Runbook content for this alert."""
    tests: list[AlertTestSpec] = []
    """promtool tests for this alert; they must show it firing at least once and quiet at
    least once. An alert without tests is a lint warning (an error with --strict)."""
    absent: AbsentSpec | None = None
    """Also alert when the series the expression reads are absent (`absent: {}` for the
    defaults): a companion <Name>NoData, with generated tests."""

    @field_validator("consecutive")
    @classmethod
    def _samples_not_evaluations(cls, value: ConsecutiveSpec | None,
                                 info: ValidationInfo) -> ConsecutiveSpec | None:
        if value is None:
            return value
        if info.data.get("for_") is not None:
            raise fail("consecutive and for cannot be combined: consecutive counts samples, "
                       "for counts evaluations",
                       "remove for (one sample more: raise samples)")
        expr = info.data.get("expr")
        why = problem(expr, value) if isinstance(expr, str) else ""
        if why:
            what, _, how = why.partition(" — ")
            raise fail(what, how)
        return value

    @model_validator(mode="after")
    def _tests_fire_and_stay_quiet(self) -> AlertSpec:
        fires_and_stays_quiet([e for t in self.tests for e in t.expect])
        return self
