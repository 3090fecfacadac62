"""Spec v1, Settings.deploy: where the generated configuration is deployed, and how.

`plain` is the folder of plain files every other form is derived from (and what the promtool
tests, lint and runbooks read), so it is always written; the other forms each add a folder:

    prometheus-operator  kubernetes/prometheus-operator/: PrometheusRule per service, Probe
                         objects, the Alertmanager configuration (Secret or AlertmanagerConfig)
    grafana-sidecar      kubernetes/grafana/: dashboards as ConfigMaps for the Helm chart's sidecar
    grafana-operator     kubernetes/grafana/: grafana-operator GrafanaDashboard objects
    mimir                mimir/rules/: ruler namespaces, as `mimirtool rules sync` reads them
    thanos               thanos/rules/: rule files with the Thanos ruler's partial_response_strategy
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, field_validator

from obsgen.spec.base import Spec
from obsgen.spec.types import fail

DeployForm = Literal["plain", "prometheus-operator", "grafana-sidecar", "grafana-operator",
                     "mimir", "thanos"]

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_DNS_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")


def _k8s(pattern: re.Pattern[str], what: str, example: str) -> AfterValidator:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise fail(f"{value!r} is not a valid Kubernetes {what}",
                       f"use lowercase letters, digits and '-', e.g. {example!r}")
        return value

    return AfterValidator(check)


Namespace = Annotated[str, _k8s(_DNS_LABEL, "namespace", "monitoring")]
ObjectName = Annotated[str, _k8s(_DNS_NAME, "object name", "alertmanager-obsgen")]
_LABEL_KEY = re.compile(r"^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?"
                        r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
_SECRET_KEY = re.compile(r"^[-._a-zA-Z0-9]{1,253}$")
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")


def _label_key(value: str) -> str:
    if not _LABEL_KEY.match(value):
        raise fail(f"{value!r} is not a valid Kubernetes label or annotation key",
                   "use [prefix/]name, e.g. 'release' or 'app.kubernetes.io/part-of'")
    return value


def _label_value(value: str) -> str:
    if not _LABEL_VALUE.match(value):
        raise fail(f"{value!r} is not a valid Kubernetes label value",
                   "use at most 63 letters, digits, '-', '_' or '.', starting and ending "
                   "with a letter or digit")
    return value


def _secret_key(value: str) -> str:
    if not _SECRET_KEY.match(value):
        raise fail(f"{value!r} is not a valid Secret key",
                   "use letters, digits, '-', '_' or '.', e.g. 'slack-url'")
    return value


def _absolute(value: str) -> str:
    if not value.startswith("/"):
        raise fail(f"{value!r} is not an absolute path",
                   "write the `*_file` path exactly as the Routing document gives it")
    return value


ObjectLabels = dict[Annotated[str, AfterValidator(_label_key)],
                    Annotated[str, AfterValidator(_label_value)]]


class KubernetesSpec(Spec):
    """What every Kubernetes object obsgen writes shares."""

    namespace: Namespace = "monitoring"
    """The namespace of every object (kustomization.yaml sets it too)."""
    labels: ObjectLabels = {}
    """Labels on every object, e.g. {release: kube-prometheus-stack} so that the Prometheus'
    ruleSelector and probeSelector pick the objects up."""


class SecretKeyRef(Spec):
    """A key of a Kubernetes Secret, in the namespace of the AlertmanagerConfig objects."""

    name: ObjectName
    """The Secret's name."""
    key: Annotated[str, AfterValidator(_secret_key)]
    """The key in the Secret's data."""


class PrometheusOperatorSpec(Spec):
    """The prometheus-operator form."""

    alertmanager: Literal["config-secret", "alertmanager-config"] = "config-secret"
    """config-secret: a Secret holding alertmanager.yaml, for the Alertmanager's
    `configSecret` (every routing feature). The receivers' `*_file` secrets are read in the
    Alertmanager pod: list their Secrets in the Alertmanager's `spec.secrets`, which the
    Operator mounts under /etc/alertmanager/secrets/<name>/<key>.
    alertmanager-config: one AlertmanagerConfig (monitoring.coreos.com/v1alpha1) per team,
    its `*_file` secrets as Secret key references (`secrets`); Jira receivers, time zones of
    time intervals and inhibitions across teams are refused."""
    config_secret: ObjectName = "alertmanager-obsgen"
    """The name of the config-secret Secret."""
    secrets: dict[Annotated[str, AfterValidator(_absolute)], SecretKeyRef] = {}
    """alertmanager-config: the Secret key each `*_file` path of the Routing documents
    stands for, e.g. {/etc/alertmanager/secrets/slack-url: {name: alertmanager-secrets,
    key: slack-url}}. A path /etc/alertmanager/secrets/<name>/<key> (where the Operator
    mounts the Alertmanager's `spec.secrets`) needs no entry: it is Secret <name>, key <key>."""
    probes: Literal["probe", "scrape-config"] = "probe"
    """How the blackbox probe jobs are written: Probe objects (monitoring.coreos.com/v1), or
    ScrapeConfig objects (monitoring.coreos.com/v1alpha1) holding the same job as
    prometheus/scrape/blackbox.yaml (the Prometheus' scrapeConfigSelector picks them)."""


class GrafanaKubernetesSpec(Spec):
    """The grafana-sidecar and grafana-operator forms."""

    sidecar_label: ObjectLabels = {"grafana_dashboard": "1"}
    """grafana-sidecar: the label the chart's sidecar selects ConfigMaps by
    (`sidecar.dashboards.label` and `labelValue`)."""
    folder_annotation: Annotated[str, AfterValidator(_label_key)] = (
        "k8s-sidecar-target-directory")
    """grafana-sidecar: the annotation that names a dashboard's folder: the sidecar's default,
    or the chart's `sidecar.dashboards.folderAnnotation`. The chart also needs
    `sidecar.dashboards.provider.foldersFromFilesStructure: true`."""
    instance_selector: ObjectLabels = {"dashboards": "grafana"}
    """grafana-operator: the labels of the Grafana instances that load the dashboards
    (`spec.instanceSelector.matchLabels`)."""


class RulerSpec(Spec):
    """The mimir form (Cortex's `cortextool rules sync` reads the same files)."""

    namespace_by: Literal["team", "service"] = "team"
    """One ruler namespace per team, or per service."""


class ThanosSpec(Spec):
    """The thanos form."""

    partial_response: Literal["abort", "warn"] = "abort"
    """partial_response_strategy of the plain alerts' groups. The SLO groups always abort: a
    partial answer would under-count errors (a missed page) or look like missing data."""


class DeploySpec(Spec):
    """Where the generated configuration is deployed (Settings.deploy)."""

    forms: list[DeployForm] = ["plain"]
    """The forms written, e.g. [plain, prometheus-operator]. plain is always written: the
    other forms are derived from it, and the promtool tests and lint read it."""
    kubernetes: KubernetesSpec = KubernetesSpec()
    """Namespace and labels of the Kubernetes objects."""
    prometheus_operator: PrometheusOperatorSpec = PrometheusOperatorSpec()
    """The prometheus-operator form's choices."""
    grafana: GrafanaKubernetesSpec = GrafanaKubernetesSpec()
    """The grafana-sidecar and grafana-operator forms' choices."""
    ruler: RulerSpec = RulerSpec()
    """The mimir form's choices."""
    thanos: ThanosSpec = ThanosSpec()
    """The thanos form's choices."""

    @field_validator("forms")
    @classmethod
    def _forms(cls, forms: list[DeployForm]) -> list[DeployForm]:
        if "plain" not in forms:
            raise fail("must include 'plain'",
                       "the other forms are derived from the plain files, which the "
                       "promtool tests and lint read: add plain to the list")
        if len(set(forms)) != len(forms):
            raise fail("a form is listed twice", "list each form once")
        if {"grafana-sidecar", "grafana-operator"} <= set(forms):
            raise fail("grafana-sidecar and grafana-operator both load every dashboard",
                       "choose one of them for the cluster's Grafana")
        return forms
