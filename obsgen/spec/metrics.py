"""Spec v1: the metrics a service exposes, declared so that what reads them can be checked.

A service may list the series its exporters write. Once any spec of a project declares
metrics, `obsgen lint` checks every selector obsgen writes or copies (plain alerts, SLIs,
dashboard panels) against the declarations of all services: a dashboard querying `pnl_usd`
when the engine exports `positions_pnl_usd` is a finding, not an empty panel in production.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from obsgen.spec.base import Spec
from obsgen.spec.types import LabelName, MetricName, fail

MetricType = Literal["counter", "gauge", "histogram", "summary", "info"]


class MetricSpec(Spec):
    """One metric family the service exposes (as its /metrics page lists it)."""

    name: MetricName
    """The family name, e.g. orders_created_total; for a histogram its base name
    (order_execution_duration_seconds), which covers the _bucket, _count and _sum series."""
    type: MetricType
    """counter, gauge, histogram, summary or info."""
    help: str = ""
    """What it counts or measures, with its unit."""
    labels: list[LabelName] = []
    """The labels the exporter sets (le and quantile excepted). When listed, a matcher on any
    other label is a lint finding; target labels (job, instance, namespace, pod, ...) are
    always allowed. Empty: labels are not checked."""

    @model_validator(mode="after")
    def _checks(self) -> MetricSpec:
        if len(set(self.labels)) != len(self.labels):
            raise fail("labels lists a label twice", "list each label once")
        if self.type == "histogram" and self.name.endswith(("_bucket", "_count", "_sum")):
            raise fail(f"histogram {self.name!r} is named by one of its series",
                       f"give the base name, {self.name.rsplit('_', 1)[0]!r}")
        return self

    def series_names(self) -> tuple[str, ...]:
        """Every series name the family writes."""
        if self.type == "histogram":
            return tuple(f"{self.name}{s}" for s in ("_bucket", "_count", "_sum"))
        if self.type == "summary":
            return (self.name, f"{self.name}_count", f"{self.name}_sum")
        return (self.name,)
