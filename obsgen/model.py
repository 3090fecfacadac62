"""The target-neutral model: what the specs mean, resolved once for every target.

Frozen dataclasses, built by `obsgen.build` from validated specs: names resolved, defaults
applied, durations in milliseconds, objectives as exact decimals, every alert with its final
labels and annotations. Targets read only this model, never the spec.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from obsgen.build.burn import BurnWindow
from obsgen.build.routing import Plan as RoutingPlan
from obsgen.spec.base import Runbook
from obsgen.spec.dashboards import Dashboard as DashboardSpec


def fmt_decimal(value: Decimal) -> str:
    """Plain text of a decimal: 0.999, 14.4, 10 (never 1E+1 or 0.9990000000000001)."""
    text = format(value.normalize(), "f")
    return text


@dataclass(frozen=True)
class SLI:
    """How events are counted, as PromQL over the base window."""

    kind: str
    """ratio, latency or raw."""
    errors: str = ""
    """Bad events per second over the base window, aggregated by the SLO's group labels."""
    total: str = ""
    """All events per second over the base window, aggregated likewise."""
    error_ratio: str = ""
    """Raw SLIs only: the user's error-ratio expression with {{window}}."""
    errors_selector: str = ""
    good_selector: str = ""
    total_selector: str = ""
    """The spec's selectors (ratio SLIs; latency SLIs fill total_selector and good_selector
    with the histogram's _count and threshold _bucket series)."""
    le: str = ""
    """Latency SLIs: the `le` value client_golang writes for the threshold."""


@dataclass(frozen=True)
class SLOAlert:
    tier: str
    name: str
    severity: str
    windows: tuple[BurnWindow, ...]
    for_ms: int | None
    labels: Mapping[str, str]
    annotations: Mapping[str, str]


@dataclass(frozen=True)
class SLO:
    service: str
    name: str
    description: str
    objective_percent: Decimal
    objective: Decimal
    """The objective as a ratio: 0.999."""
    budget: Decimal
    """The error budget as a ratio: 0.001."""
    period_days: int
    sli: SLI
    group_by: tuple[str, ...]
    min_events: int
    alerts: tuple[SLOAlert, ...]
    runbook: Runbook
    selector: Mapping[str, str]
    """Labels that select this SLO's recorded series: service and slo."""


@dataclass(frozen=True)
class AlertTest:
    """A spec's promtool test of a plain alert."""

    name: str
    interval_s: int
    input_series: tuple[tuple[str, str], ...]
    """(series, values) pairs."""
    expect: tuple[tuple[int, tuple[Mapping[str, str], ...]], ...]
    """(seconds from the start, label sets of the firing instances) pairs."""


@dataclass(frozen=True)
class Alert:
    name: str
    expr: str
    for_ms: int | None
    keep_firing_for_ms: int | None
    severity: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    runbook: Runbook
    tests: tuple[AlertTest, ...] = ()
    spec_description: str = ""
    """The description the spec wrote (the annotation falls back to a generated one)."""


@dataclass(frozen=True)
class Probe:
    """A synthetic probe: its blackbox_exporter module and its scrape job."""

    service: str
    name: str
    kind: str
    target: str
    module_name: str
    module: Mapping[str, Any]
    interval: str
    scrape_timeout: str
    labels: Mapping[str, str]
    """Static labels of the probe's series: service, probe and the spec's labels."""
    job: str
    description: str = ""


@dataclass(frozen=True)
class ServiceDashboard:
    """A dashboard the spec describes: its rows, or the JSON its Jsonnet file evaluated to."""

    title: str
    uid: str
    spec: DashboardSpec
    jsonnet: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Service:
    name: str
    team: str
    tier: int | None
    description: str
    source: str
    """The spec file, as named in generated headers (e.g. specs/edge.yaml)."""
    slos: tuple[SLO, ...]
    alerts: tuple[Alert, ...]
    probes: tuple[Probe, ...] = ()
    dashboards: tuple[ServiceDashboard, ...] = ()


@dataclass(frozen=True)
class Project:
    services: tuple[Service, ...]
    runbook_base_url: str
    routing: RoutingPlan | None = None
    """The Alertmanager routing, when the specs hold Routing documents."""
    routing_sources: tuple[str, ...] = ()
    """The files the Routing documents come from, as named in generated headers."""
    prometheus_url: str = ""
    grafana_url: str = ""
    blackbox_exporter: str = "blackbox-exporter:9115"
    probe_outputs: tuple[str, ...] = ("scrape_configs",)
    grafana_dashboards_path: str = "/var/lib/grafana/dashboards/obsgen"
    templates_dir: str = ""
    """A folder of runbook templates overriding the defaults; empty: the defaults only."""
