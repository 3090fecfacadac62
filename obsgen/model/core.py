"""The core of the model: a project of services, each with its SLOs, alerts and probes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from obsgen.matchers import Selector
from obsgen.model.budgets import Notification
from obsgen.model.dashboards import ServiceDashboard
from obsgen.model.deploy import Deploy
from obsgen.model.routing import RoutingPlan

SLIKind = Literal["ratio", "latency", "raw", "probe"]
Tier = Literal["page", "ticket"]
AlertKind = Literal["burn", "threshold"]
ProbeKind = Literal["http", "tcp", "dns", "icmp", "grpc"]


def fmt_decimal(value: Decimal) -> str:
    """Plain text of a decimal: 0.999, 14.4, 10 (never 1E+1 or 0.9990000000000001)."""
    return format(value.normalize(), "f")


def exhaustion_s(period_days: int, factor: Decimal) -> int:
    """Seconds until the whole budget of a `period_days` SLO is spent at a constant burn of
    `factor`."""
    seconds = Decimal(period_days * 86400) / factor
    return int(seconds.to_integral_value(ROUND_HALF_UP))


@dataclass(frozen=True, kw_only=True)
class Runbook:
    """What the on-call engineer reads when the alert fires."""

    id: str = ""
    """The team's id of its existing runbook (e.g. RB-06), or ""."""
    url: str = ""
    """The team's existing runbook, or "": then runbook_url is the generated page."""
    impact: str = ""
    symptoms: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    escalation: tuple[str, ...] = ()
    post_incident: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SLI:
    """How events are counted, as PromQL over the base window."""

    kind: SLIKind
    errors: str = ""
    """Bad events per second over the base window, aggregated by the SLO's group labels."""
    total: str = ""
    """All events per second over the base window, aggregated likewise."""
    error_ratio: str = ""
    """Raw SLIs only: the user's error-ratio expression with {{window}}."""
    sample_interval_s: int = 0
    """Raw SLIs only: the cadence the spec declares for the series read (0: not declared),
    for the lint of windows too short to hold two samples."""
    errors_selector: str = ""
    good_selector: str = ""
    total_selector: str = ""
    """The spec's selectors (ratio SLIs; latency SLIs fill total_selector and good_selector
    with the histogram's _count and threshold _bucket series)."""
    le: str = ""
    """Latency SLIs: the `le` value client_golang writes for the threshold."""
    probe_interval_s: int = 0
    """Probe SLIs: the probe's interval, in seconds."""


@dataclass(frozen=True, kw_only=True)
class BurnWindow:
    """One condition of a tier: burn above `factor` over both `long_s` and `short_s`."""

    long_s: int
    short_s: int
    budget_fraction: Decimal
    factor: Decimal


@dataclass(frozen=True, kw_only=True)
class SLOAlert:
    tier: Tier
    name: str
    severity: str
    windows: tuple[BurnWindow, ...]
    """Burn tiers: the policy's conditions; threshold tiers: one, with long_s == short_s
    (the window) and the factor of the budget."""
    for_ms: int | None
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    kind: AlertKind = "burn"
    """burn: multi-window burn-rate conditions; threshold: the error ratio over one window
    above factor x budget, for `for_ms`."""


@dataclass(frozen=True, kw_only=True)
class SLOTest:
    """A spec's promtool test of an SLO's alerts (raw SLIs: obsgen synthesizes no series)."""

    name: str
    interval_s: int
    input_series: tuple[tuple[str, str], ...]
    """(series, values) pairs."""
    expect: tuple[tuple[int, str, tuple[Mapping[str, str], ...]], ...]
    """(seconds from the start, alert name, label sets of the firing instances)."""
    evaluation_interval_ms: int = 60_000


@dataclass(frozen=True, kw_only=True)
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
    recorded_labels: Mapping[str, str]
    """Labels that select this SLO's recorded series: service and slo."""
    windows_s: tuple[int, ...]
    """Every window (seconds) the error ratio is recorded over, ascending."""
    fastest_window_s: int
    """The long window of the fastest page condition: the SLI and burn rate shown."""
    tolerated_burn: Decimal | None = None
    """The fastest steady burn the team accepts to go unalerted (the spec's
    alerts.tolerated_burn), as an exact decimal; None: not stated."""
    tests: tuple[SLOTest, ...] = ()
    """The spec's tests of these alerts, tiers resolved to alert names."""

    def exhaustion_s(self, factor: Decimal) -> int:
        """Seconds until the whole budget is spent at a constant burn of `factor`."""
        return exhaustion_s(self.period_days, factor)


@dataclass(frozen=True, kw_only=True)
class AlertTest:
    """A spec's promtool test of a plain alert."""

    name: str
    interval_s: int
    input_series: tuple[tuple[str, str], ...]
    """(series, values) pairs."""
    expect: tuple[tuple[int, tuple[Mapping[str, str], ...]], ...]
    """(seconds from the start, label sets of the firing instances) pairs."""


@dataclass(frozen=True, kw_only=True)
class Consecutive:
    """A plain alert that fires when its last `samples` samples, `every_ms` apart, breach."""

    samples: int
    every_ms: int
    within_ms: int
    """How old the sample read for each position may be (every_ms unless the spec said)."""
    condition: str
    """The spec's expression; the alert's `expr` is its rewrite (`spec/consecutive.py`)."""


WatchKind = Literal["absent_any", "absent_all", "down"]


@dataclass(frozen=True, kw_only=True)
class Watch:
    """What a no-data alert watches, for its generated tests and the lint: `absent_any`
    fires when any of `selectors` matches nothing, `absent_all` when none matches anything,
    `down` when a scrape target's `up` series (the one selector) is 0."""

    kind: WatchKind
    selectors: tuple[Selector, ...]


@dataclass(frozen=True, kw_only=True)
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
    watch: Watch | None = None
    """No-data alerts (absent SLI inputs, absent guards, scrape jobs): what they watch."""
    consecutive: Consecutive | None = None
    """Alerts on N consecutive samples: the samples and the condition before the rewrite."""
    evaluation_interval_ms: int | None = None
    """The alert's own rule-group interval (its group `<service>.alerts-<interval>`); None:
    the service's."""


@dataclass(frozen=True, kw_only=True)
class Probe:
    """A synthetic probe: its blackbox_exporter module and its scrape job."""

    service: str
    name: str
    kind: ProbeKind
    target: str
    module_name: str
    module: Mapping[str, Any]
    interval: str
    scrape_timeout: str
    labels: Mapping[str, str]
    """Static labels of the probe's series: service, probe and the spec's labels."""
    job: str
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class Metric:
    """A metric family a service declares it exposes."""

    name: str
    type: str
    series: tuple[str, ...]
    """Every series name the family writes (a histogram's _bucket, _count and _sum)."""
    labels: tuple[str, ...] = ()
    """The labels the exporter sets; empty: not declared."""
    help: str = ""


@dataclass(frozen=True, kw_only=True)
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
    metrics: tuple[Metric, ...] = ()
    evaluation_interval_ms: int | None = None
    """The interval of the service's rule groups (`interval:`); None: Prometheus' global
    evaluation_interval."""

    def group_interval_ms(self, alert: Alert | None = None) -> int | None:
        """The `interval:` of the rule group that evaluates `alert` (None: the SLO alerts),
        or None when the group sets none and Prometheus' global evaluation_interval applies."""
        if alert is not None and alert.evaluation_interval_ms is not None:
            return alert.evaluation_interval_ms
        return self.evaluation_interval_ms


@dataclass(frozen=True, kw_only=True)
class Project:
    services: tuple[Service, ...]
    runbook_base_url: str
    routing: RoutingPlan | None = None
    """The Alertmanager routing, when the specs hold Routing documents."""
    routing_sources: tuple[str, ...] = ()
    """The files the Routing documents come from, as named in generated headers."""
    prometheus_url: str
    grafana_url: str
    blackbox_exporter: str
    probe_outputs: tuple[str, ...]
    grafana_dashboards_path: str
    templates_dir: str = ""
    """A folder of runbook templates overriding the defaults; empty: the defaults only."""
    deploy: Deploy = field(default_factory=Deploy)
    """Settings.deploy: the forms written besides the plain files."""
    notifications: Mapping[str, Notification] = field(default_factory=dict)
    """Alert name -> how it is notified and its budget (every routed alert; empty without
    Routing documents)."""
