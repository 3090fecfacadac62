"""Spec v1: alerts on missing data — an SLO's absent SLI inputs, the absent guard of a plain
alert, and a service's scrape jobs (target down, target absent).

An alert over a series that no longer exists does not fire: it goes silent. These fields ask
obsgen for companions that fire on the silence itself (`absent()`), each with generated
promtool tests. `generated_alert_names` lists their names for the uniqueness check.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from obsgen import conventions, promql
from obsgen.spec.base import Spec
from obsgen.spec.types import AlertName, Duration, Severity, fail

if TYPE_CHECKING:
    from obsgen.spec.loader import PathKey
    from obsgen.spec.service import ServiceSpec


class NoDataSpec(Spec):
    """The SLO's no-data alert: its SLI's input series are absent, so its burn-rate alerts
    cannot fire. One alert per SLO, whatever its group_by (absent() cannot tell which group
    is missing): it fires when no series of the selector is left."""

    disabled: bool = False
    """Set true to generate no no-data alert for this SLO."""
    name: AlertName | None = None
    """Alert name; defaults to <Service><Slo>SLINoData."""
    for_: Duration | None = Field(default=None, alias="for")
    """How long the series must be absent before firing. Default: as long as the fastest page
    condition would take to fire if every event failed (Pyrra's rule), at least 10m."""
    severity: Severity = "ticket"
    """The alert's severity."""


class AbsentSpec(Spec):
    """A companion alert <Name>NoData that fires when a series the alert's expression reads is
    absent (every vector selector of the expression but those on the right of `unless`, whose
    absence is normal)."""

    for_: Duration = Field(default="10m", alias="for")
    """How long a series must be absent before the companion fires."""
    severity: Severity | None = None
    """The companion's severity; defaults to the alert's."""


class ScrapeJobSpec(Spec):
    """A Prometheus scrape job of the service: <Service><Job>TargetDown fires per target whose
    scrape fails (up == 0), <Service><Job>TargetAbsent when the job has no target at all."""

    job: str = Field(min_length=1)
    """The job label of the targets, e.g. worker."""
    for_: Duration = Field(default="5m", alias="for")
    """How long a target must be down (or the job empty) before firing."""
    severity: Severity = "ticket"
    """Severity of both alerts."""
    selector: str = ""
    """Extra label matchers of the job's up series, e.g. {env="prod"}; not on job."""

    @model_validator(mode="after")
    def _selector_ok(self) -> ScrapeJobSpec:
        body = self.selector.strip()
        if not body:
            return self
        if not (body.startswith("{") and body.endswith("}")):
            raise fail(f"selector {self.selector!r} is not a list of label matchers",
                       'write it in braces, e.g. {env="prod"}')
        problem = promql.selector_problem(f"up{body}")
        if problem:
            raise fail(f"selector {self.selector!r}: {problem}",
                       'write label matchers such as {env="prod"}')
        from obsgen.matchers import parse_selector

        if any(m.name == "job" for m in parse_selector(f"up{body}").matchers):
            raise fail(f"selector {self.selector!r} matches on 'job'",
                       "drop that matcher: obsgen adds job from `job`")
        return self

    @property
    def up_selector(self) -> str:
        """`up{job="worker",env="prod"}`."""
        extra = self.selector.strip()[1:-1].strip().strip(",")
        job = self.job.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'up{{job="{job}"' + (f",{extra}" if extra else "") + "}"


def generated_alert_names(svc: ServiceSpec) -> Iterable[tuple[PathKey, str]]:
    """The names of the no-data alerts a service gets, with where each is (or would be)
    written."""
    service = svc.metadata.name
    for i, slo in enumerate(svc.slos):
        if slo.no_data.disabled:
            continue
        if slo.no_data.name:
            yield ("slos", i, "no_data", "name"), slo.no_data.name
        else:
            yield ("slos", i, "name"), conventions.slo_no_data_alert_name(service, slo.name)
    for i, alert in enumerate(svc.alerts):
        if alert.absent is not None:
            yield ("alerts", i, "absent"), conventions.absent_guard_name(alert.name)
    for i, job in enumerate(svc.scrape_jobs):
        if job.job in [j.job for j in svc.scrape_jobs[:i]]:
            continue  # a duplicate job: reported once, by spec/checks/nodata.py
        for suffix in conventions.SCRAPE_JOB_ALERT_SUFFIXES:
            yield ("scrape_jobs", i, "job"), conventions.scrape_job_alert_name(
                service, job.job, suffix)
