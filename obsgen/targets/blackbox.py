"""Probes target: blackbox_exporter modules and the scrape jobs that run them.

- `blackbox/blackbox.yaml`: every module, named by its content, in name order;
- `prometheus/scrape/blackbox.yaml`: one scrape job per probe, with the standard relabelling
  (the target becomes `__param_target` and `instance`, the exporter's address `__address__`),
  for Prometheus' `scrape_config_files` (2.43+) or to merge into `scrape_configs`;
- `kubernetes/probes/<service>.yaml`: Prometheus Operator `Probe` objects, when
  Settings.probe_outputs asks for them.

Scrape timeouts are the module timeout plus one second, so the exporter's own timeout, not
Prometheus', ends a slow run, and the failure is recorded as probe_success 0.
"""

from __future__ import annotations

from typing import Any

from obsgen import conventions, model
from obsgen.targets.yamlout import dump

MODULES = conventions.BLACKBOX_MODULES
SCRAPE = conventions.BLACKBOX_SCRAPE


def header(sources: list[str]) -> str:
    return conventions.yaml_header(*sorted(set(sources)))


def render(project: model.Project) -> dict[str, str]:
    services = [s for s in project.services if s.probes]
    if not services:
        return {}
    probes = [p for s in services for p in s.probes]
    head = header([s.source for s in services])
    modules = {p.module_name: dict(p.module) for p in probes}
    out = {MODULES: dump({"modules": dict(sorted(modules.items()))}, head)}
    if "scrape_configs" in project.probe_outputs:
        jobs = [scrape_job(p, project.blackbox_exporter) for p in probes]
        out[SCRAPE] = dump({"scrape_configs": jobs}, head)
    if "prometheus_operator" in project.probe_outputs:
        for svc in services:
            docs = [dump(operator_probe(p, svc.team, project.blackbox_exporter))
                    for p in svc.probes]
            body = "---\n".join(docs)
            out[conventions.probe_objects_path(svc.name)] = header([svc.source]) + "\n" + body
    return out


def scrape_job(probe: model.Probe, exporter: str) -> dict[str, Any]:
    return {
        "job_name": probe.job,
        "metrics_path": "/probe",
        "params": {"module": [probe.module_name]},
        "scrape_interval": probe.interval,
        "scrape_timeout": probe.scrape_timeout,
        "static_configs": [{"targets": [probe.target], "labels": dict(probe.labels)}],
        "relabel_configs": [
            {"source_labels": ["__address__"], "target_label": "__param_target"},
            {"source_labels": ["__param_target"], "target_label": "instance"},
            {"target_label": "__address__", "replacement": exporter},
        ],
    }


def operator_probe(probe: model.Probe, team: str, exporter: str) -> dict[str, Any]:
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "Probe",
        "metadata": {"name": probe.job, "labels": {"service": probe.service, "team": team}},
        "spec": {
            "jobName": probe.job,
            "interval": probe.interval,
            "scrapeTimeout": probe.scrape_timeout,
            "module": probe.module_name,
            "prober": {"url": exporter, "path": "/probe"},
            "targets": {"staticConfig": {"static": [probe.target],
                                         "labels": dict(probe.labels)}},
        },
    }
