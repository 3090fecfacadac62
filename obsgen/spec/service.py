"""Spec v1: the documents users write, as pydantic models.

Every field has a docstring: they become the JSON Schema (`obsgen schema`) and the spec
reference in the README (`make reference`, obsgen.dev.reference), so they are written for users.
Unknown keys are errors (`extra="forbid"`); the validate stage adds a did-you-mean.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, model_validator

from obsgen import durations, promql
from obsgen.spec.alerts import (
    AlertSpec,
    EvaluationInterval,
    Expectation,
    InputSeries,
    SLOTestSpec,
    fires_and_stays_quiet,
)
from obsgen.spec.base import RunbookSpec, Spec
from obsgen.spec.dashboards import Dashboard
from obsgen.spec.deploy import DeploySpec
from obsgen.spec.metrics import MetricSpec
from obsgen.spec.nodata import NoDataSpec, ScrapeJobSpec
from obsgen.spec.policies import WORKBOOK, AlertPolicy, SLOAlertSpec, SLOAlertsSpec
from obsgen.spec.probes import ProbeSpec
from obsgen.spec.routing_types import HostPort
from obsgen.spec.types import (
    Annotations,
    Duration,
    HttpUrlText,
    LabelName,
    Labels,
    MetricName,
    Objective,
    Selector,
    ServiceName,
    SLOName,
    TeamName,
    Window,
    fail,
)

__all__ = ["AlertSpec", "Expectation", "InputSeries", "RunbookSpec", "SLOAlertSpec",
           "SLOAlertsSpec", "Spec"]

API_VERSION = "obsgen/v1"
RESERVED_LABELS = ("alertname", "service", "team", "severity", "slo")
"""Labels obsgen sets on every alert it generates; a spec cannot override them."""


class Metadata(Spec):
    """Who the service is and who owns it."""

    name: ServiceName
    """Service name: lowercase letters, digits and '-'. The `service` label of every alert."""
    team: TeamName
    """Owning team: the `team` label of every alert, which routing keys on."""
    tier: int | None = Field(default=None, ge=0, le=9)
    """Criticality tier (0 most critical); added as the `tier` label when set."""
    description: str = ""
    """One paragraph on what the service does."""
    labels: Labels = {}
    """Extra labels put on every alert of this service."""


class RatioSLI(Spec):
    """Bad (or good) events over all events, from two counters."""

    errors: Selector | None = None
    """Selector of the counter of bad events, e.g. http_requests_total{code=~"5.."}."""
    good: Selector | None = None
    """Selector of the counter of good events (instead of `errors`)."""
    total: Selector
    """Selector of the counter of all events."""

    @model_validator(mode="after")
    def _one_of(self) -> RatioSLI:
        if (self.errors is None) == (self.good is None):
            raise fail(
                "give exactly one of 'errors' and 'good'",
                "errors: counts bad events; good: counts good ones",
            )
        return self


class LatencySLI(Spec):
    """Events slower than a threshold are bad, from a classic Prometheus histogram."""

    histogram: MetricName
    """Histogram base name, without _bucket/_count, e.g. http_request_duration_seconds."""
    selector: str = ""
    """Label matchers selecting the series, e.g. {service="edge",route="/login"}."""
    threshold: float = Field(gt=0, allow_inf_nan=False)
    """The bucket bound (`le`) of a good event, in the histogram's unit (0.25 for 250 ms when
    the histogram counts seconds)."""

    @model_validator(mode="after")
    def _selector_ok(self) -> LatencySLI:
        if self.selector:
            body = self.selector.strip()
            if not (body.startswith("{") and body.endswith("}")):
                raise fail(
                    f"selector {self.selector!r} is not a list of label matchers",
                    'write it in braces, e.g. {service="edge",route="/login"}',
                )
            problem = promql.selector_problem(f"{self.histogram}_count{body}")
            if problem:
                raise fail(
                    f"selector {self.selector!r}: {problem}",
                    'write label matchers such as {service="edge"}',
                )
            if "le" in _matcher_names(body):
                raise fail(
                    f"selector {self.selector!r} matches on 'le'",
                    "drop that matcher: obsgen adds le from `threshold`",
                )
        return self


def _matcher_names(body: str) -> set[str]:
    import promql_parser

    parsed: Any = promql_parser.parse(f"x{body}")
    return {m.name for m in parsed.matchers.matchers}


class RawSLI(Spec):
    """An error-ratio expression of your own, with {{window}} where the range goes."""

    error_ratio: str
    """PromQL giving bad/total over {{window}}, e.g.
    sum(rate(e[{{window}}])) / sum(rate(t[{{window}}]))."""
    sample_interval: Duration | None = None
    """How often the series the expression reads get a new sample (e.g. 15m for a job that
    computes a latency every quarter hour). `obsgen lint` flags ranges and subqueries shorter
    than twice this: they hold one sample at most, none when a sample is late. Unset: the
    scrape interval is assumed to be short enough."""

    @model_validator(mode="after")
    def _has_window(self) -> RawSLI:
        if not promql.WINDOW.search(self.error_ratio):
            raise fail(
                "error_ratio has no {{window}} placeholder",
                "write the range as [{{window}}] so each alert window can be filled in",
            )
        problem = promql.parse_problem(promql.substitute_window(self.error_ratio, "5m"))
        if problem:
            raise fail(
                f"invalid PromQL: {problem}",
                "fix the expression (checked with {{window}} set to 5m)",
            )
        return self


class ProbeSLI(Spec):
    """Availability from a probe of this service: each run is an event, a failed run a bad one."""

    name: SLOName
    """The probe's name (under `probes:` of this service)."""


class SLISpec(Spec):
    """How good and bad events are counted: exactly one of ratio, latency, raw, probe."""

    ratio: RatioSLI | None = None
    """Two counters: errors (or good) over total."""
    latency: LatencySLI | None = None
    """A histogram and a threshold: slower events are bad."""
    raw: RawSLI | None = None
    """Your own error-ratio expression."""
    probe: ProbeSLI | None = None
    """The success of a synthetic probe."""

    @model_validator(mode="after")
    def _exactly_one(self) -> SLISpec:
        given = [k for k in ("ratio", "latency", "raw", "probe") if getattr(self, k) is not None]
        if len(given) != 1:
            raise fail(
                f"give exactly one SLI kind, got {len(given)}"
                + (f" ({', '.join(given)})" if given else ""),
                "choose one of ratio, latency, raw or probe",
            )
        return self


class SLOSpec(Spec):
    """A service level objective and its burn-rate alerts."""

    name: SLOName
    """SLO name, unique within the service: the `slo` label."""
    description: str = ""
    """What the objective promises users; quoted in alerts and runbooks."""
    objective: Objective
    """Target percentage of good events, above 0 and below 100 (e.g. 99.9)."""
    window: Window = "30d"
    """The compliance period: a whole number of days, 1d to 365d. Alert windows scale with it."""
    sli: SLISpec
    """How good and bad events are counted."""
    group_by: list[LabelName] = []
    """Labels to keep: one SLI and one alert per value (per route, per tenant)."""
    min_events: int | None = Field(default=None, ge=0)
    """An alert needs at least this many events in its long window: no page from a handful
    of requests. Default 100 for ratio and latency SLIs; 0 turns the guard off. Not for raw
    SLIs, which count no events."""
    labels: Labels = {}
    """Extra labels on this SLO's alerts."""
    annotations: Annotations = {}
    """Extra annotations on this SLO's alerts."""
    alerts: SLOAlertsSpec = SLOAlertsSpec()
    """The page and ticket tiers."""
    no_data: NoDataSpec = NoDataSpec()
    """The alert on absent SLI inputs (on by default): the total counter (ratio), the
    histogram's _count (latency), probe_success (probe), or every series the expression
    reads (raw: it fires when none of them is left, so an error counter that appears only
    with the first error does not trip it)."""
    runbook: RunbookSpec = RunbookSpec()
    """Runbook content shared by this SLO's alerts."""
    tests: list[SLOTestSpec] = []
    """promtool tests of this SLO's alerts (a raw SLI's: obsgen synthesizes the series of
    the other kinds), compiled into the SLO's rule tests; together they must show an
    alert firing at least once and quiet at least once. A raw SLO without tests is a lint
    warning."""

    @property
    def objective_percent(self) -> Decimal:
        """The objective as an exact decimal: 99.9, never 99.90000000000001."""
        return Decimal(repr(self.objective))

    @property
    def budget(self) -> Decimal:
        """The error budget as a ratio: 0.001 for 99.9."""
        return 1 - self.objective_percent / 100

    @property
    def period_days(self) -> int:
        return durations.parse_ms(self.window) // 86_400_000

    @model_validator(mode="after")
    def _checks(self) -> SLOSpec:
        if len(set(self.group_by)) != len(self.group_by):
            raise fail("group_by lists a label twice", "list each label once")
        fires_and_stays_quiet([e for t in self.tests for e in t.expect])
        return self


class ServiceSpec(Spec):
    """A service: who owns it, its SLOs and its alerts."""

    apiVersion: Literal["obsgen/v1"]
    """Always obsgen/v1."""
    kind: Literal["Service"]
    """Always Service."""
    metadata: Metadata
    """Name, team, tier, labels, description."""
    slos: list[SLOSpec] = []
    """Service level objectives."""
    metrics: list[MetricSpec] = []
    """The metric families the service exposes: declared, the selectors that read them are
    checked by `obsgen lint` (names and labels)."""
    alerts: list[AlertSpec] = []
    """Plain alerting rules."""
    evaluation_interval: EvaluationInterval | None = None
    """How often Prometheus evaluates this service's rule groups (their `interval:`), e.g.
    10s when an alert must reach someone within 30 s; default: Prometheus' global
    evaluation_interval (1m unless configured). The whole-window SLO rules keep 5m."""
    probes: list[ProbeSpec] = []
    """Synthetic probes run by blackbox_exporter, with their alerts."""
    dashboards: list[Dashboard] = []
    """Grafana dashboards of the service, besides the SLO dashboard obsgen writes."""
    scrape_jobs: list[ScrapeJobSpec] = []
    """The service's Prometheus scrape jobs: alerts on targets down and on jobs with no
    target."""


class Settings(Spec):
    """Project-wide settings; at most one Settings document across all specs."""

    apiVersion: Literal["obsgen/v1"]
    """Always obsgen/v1."""
    kind: Literal["Settings"]
    """Always Settings."""
    runbook_base_url: HttpUrlText = ""
    """Where generated/runbooks is served, e.g. https://github.com/acme/obs/blob/main/generated/runbooks.
    Empty: runbook_url is the path relative to generated/."""
    rule_labels: Labels = {}
    """Labels added to every generated alert (e.g. an environment)."""
    prometheus_url: HttpUrlText = ""
    """The Prometheus UI, e.g. https://prometheus.example.com: runbooks link each query's graph."""
    grafana_url: HttpUrlText = ""
    """The Grafana UI, e.g. https://grafana.example.com: runbooks link the service dashboard."""
    blackbox_exporter: HostPort = "blackbox-exporter:9115"
    """host:port of blackbox_exporter as Prometheus reaches it: the probes' scrape jobs send
    their requests there."""
    probe_outputs: list[Literal["scrape_configs", "prometheus_operator"]] = ["scrape_configs"]
    """How Prometheus learns the probe jobs: a scrape_configs file to include, and/or
    Prometheus Operator Probe objects."""
    grafana_dashboards_path: str = "/var/lib/grafana/dashboards/obsgen"
    """Where generated/grafana/dashboards is mounted in Grafana: the provisioning file's
    providers read <this>/<team>."""
    runbook_templates: str = ""
    """A folder of Jinja2 templates overriding obsgen's defaults by file name (alert.md.j2,
    slo-alert.md.j2, index.md.j2, service.md.j2), relative to this spec file; the
    --templates option overrides it."""
    jsonnet_library_paths: list[str] = []
    """Folders where Jsonnet imports are also looked up, in order, after the importing file's
    own folder (like jsonnet -J), e.g. vendor for jsonnet-bundler's vendored grafonnet:
    relative to the specs folder and inside it. Files in them are imported, not read as
    specs. Only a YAML Settings document may set it."""

    alert_policies: dict[SLOName, AlertPolicy] = {}
    """Named burn-rate policies an SLO may select (`slos[].alerts.policy`), besides the
    built-in `workbook`: e.g. {fast: {page: [{long: 1h, short: 5m, factor: 10}], ticket:
    [{long: 1d, short: 2h, factor: 2}]}}. Their windows are used as given, for every period."""
    default_alert_policy: str = WORKBOOK
    """The policy of SLOs that name none. `workbook` (the Google SRE workbook's: 2% of the
    budget in 1h or 5% in 6h pages, 10% in 1d or 3d tickets, each factor budget share x
    period / long window; periods under 28d scale the windows by period/28d) or a name of
    alert_policies."""
    deploy: DeploySpec = DeploySpec()
    """Where the output is deployed: plain files, and Kubernetes or ruler forms beside them."""

    @classmethod
    def defaults(cls) -> Settings:
        """The settings of a project without a Settings document: every default, once."""
        return cls(apiVersion="obsgen/v1", kind="Settings")

