"""The prometheus-operator form: kubernetes/prometheus-operator/.

- `rules/<service>.yaml`: a `PrometheusRule` per service holding the groups of
  prometheus/rules/<service>.rules.yaml unchanged;
- `probes/<service>.yaml`: the service's blackbox probes as `Probe` objects, or (deploy
  `prometheus_operator.probes: scrape-config`) `scrapeconfigs/<service>.yaml`: the same jobs
  as prometheus/scrape/blackbox.yaml in `ScrapeConfig` objects (v1alpha1);
- the Alertmanager configuration: `alertmanager/<config_secret>.yaml`, a `Secret` holding
  alertmanager.yaml for the Alertmanager's `configSecret` (every routing feature, the root
  route included), or (`alertmanager: alertmanager-config`) `alertmanager/obsgen-<team>.yaml`,
  an `AlertmanagerConfig` per team (`alertmanager_config.py`);
- `kustomization.yaml` listing them.
"""

from __future__ import annotations

from typing import Any

from obsgen import conventions, model
from obsgen.targets import alertmanager, blackbox, prometheus
from obsgen.targets.kubernetes import (
    OBJECT_BYTES_MAX,
    alertmanager_config,
    data_size,
    kustomization,
    metadata,
    objects,
    too_large,
)

FOLDER = conventions.KUBERNETES_OPERATOR
API = "monitoring.coreos.com/v1"
ALPHA_API = "monitoring.coreos.com/v1alpha1"


def scrape_configs_path(service: str) -> str:
    return f"{FOLDER}/scrapeconfigs/{service}.yaml"


def render(project: model.Project) -> dict[str, str]:
    deploy = project.deploy
    if not deploy.has("prometheus-operator"):
        return {}
    out: dict[str, str] = {}
    for svc in project.services:
        head = conventions.yaml_header(svc.source)
        groups = prometheus.service_groups(svc)
        if groups:
            out[conventions.operator_rules_path(svc.name)] = objects(
                head, [prometheus_rule(svc, groups, deploy)])
        if svc.probes and deploy.probes == "scrape-config":
            out[scrape_configs_path(svc.name)] = objects(
                head, [scrape_config(p, svc.team, project.blackbox_exporter, deploy)
                       for p in svc.probes])
        elif svc.probes:
            out[conventions.operator_probes_path(svc.name)] = objects(
                head, [probe(p, svc.team, project.blackbox_exporter, deploy)
                       for p in svc.probes])
    if project.routing is not None and deploy.alertmanager == "alertmanager-config":
        out.update(alertmanager_config.render(project))
    elif project.routing is not None:
        out[conventions.operator_alertmanager_path(deploy.config_secret)] = config_secret(project)
    return kustomization(FOLDER, out, deploy)


def prometheus_rule(svc: model.Service, groups: list[dict[str, Any]],
                    deploy: model.Deploy) -> dict[str, Any]:
    return {
        "apiVersion": API,
        "kind": "PrometheusRule",
        "metadata": metadata(deploy, conventions.object_name(f"obsgen-{svc.name}"),
                             {"service": svc.name, "team": svc.team}),
        "spec": {"groups": groups},
    }


def probe(p: model.Probe, team: str, exporter: str, deploy: model.Deploy) -> dict[str, Any]:
    obj = blackbox.operator_probe(p, team, exporter)
    labels = obj["metadata"]["labels"]
    return {**obj, "metadata": metadata(deploy, obj["metadata"]["name"], labels)}


_SCRAPE_KEYS = {"job_name": "jobName", "metrics_path": "metricsPath", "params": "params",
                "scrape_interval": "scrapeInterval", "scrape_timeout": "scrapeTimeout",
                "static_configs": "staticConfigs", "relabel_configs": "relabelings",
                "source_labels": "sourceLabels", "target_label": "targetLabel",
                "replacement": "replacement", "targets": "targets", "labels": "labels"}
"""prometheus/scrape/blackbox.yaml's keys -> ScrapeConfig's; a new key of the plain job fails
the tests instead of being dropped."""


def scrape_config(p: model.Probe, team: str, exporter: str,
                  deploy: model.Deploy) -> dict[str, Any]:
    """The probe's job of prometheus/scrape/blackbox.yaml as a ScrapeConfig: `jobName` sets
    the `job` label the SLIs select (the Operator names the job itself)."""
    job = blackbox.scrape_job(p, exporter)
    return {
        "apiVersion": ALPHA_API,
        "kind": "ScrapeConfig",
        "metadata": metadata(deploy, p.job, {"service": p.service, "team": team}),
        "spec": _camel_job(job),
    }


def _camel_job(value: Any, key: str = "") -> Any:
    if isinstance(value, dict) and key not in ("params", "labels"):
        return {_SCRAPE_KEYS[k]: _camel_job(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel_job(v) for v in value]
    return value


def config_secret(project: model.Project) -> str:
    """alertmanager.yaml in a Secret; the receivers' `*_file` secrets are read from the
    Alertmanager pod, where the Operator mounts the Alertmanager's `spec.secrets` under
    /etc/alertmanager/secrets/<Secret name>/<key>."""
    deploy = project.deploy
    text = alertmanager.render(project)[conventions.ALERTMANAGER_CONFIG]
    data = {"alertmanager.yaml": text}
    size = data_size(data)
    if size > OBJECT_BYTES_MAX:
        raise too_large(deploy.routing, "alertmanager.yaml", size,
                        "split the receivers' templates out, or mount the file instead of "
                        "using configSecret")
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": metadata(deploy, deploy.config_secret),
        "type": "Opaque",
        "stringData": data,
    }
    return objects(conventions.yaml_header(*project.routing_sources), [secret])
