"""Kubernetes forms of the output (Settings.deploy): what their objects share.

- `prometheus_operator.py`: kubernetes/prometheus-operator/ (PrometheusRule, Probe, the
  Alertmanager configuration);
- `grafana.py`: kubernetes/grafana/ (ConfigMaps for the Helm chart's sidecar, or
  grafana-operator GrafanaDashboards).

Each folder has a kustomization.yaml listing every object file, so `kubectl apply -k
<folder>` and Argo CD or Flux apply it as it is. Objects carry the namespace and labels of
Settings.deploy.kubernetes and `app.kubernetes.io/managed-by: obsgen`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from obsgen import conventions, model
from obsgen.errors import Diagnostic, SpecError
from obsgen.targets.yamlout import dump

MANAGED_BY = {"app.kubernetes.io/managed-by": "obsgen"}
OBJECT_BYTES_MAX = 1024 * 1024
"""A ConfigMap's or Secret's data may hold at most 1 MiB (the API server's limit)."""


def metadata(deploy: model.Deploy, name: str, labels: Mapping[str, str] | None = None,
             annotations: Mapping[str, str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": name,
        "namespace": deploy.namespace,
        "labels": dict(sorted({**deploy.labels, **MANAGED_BY, **(labels or {})}.items())),
    }
    if annotations:
        out["annotations"] = dict(sorted(annotations.items()))
    return out


def objects(header: str, docs: Sequence[dict[str, Any]]) -> str:
    """A YAML file of one or more objects."""
    return header + "\n" + "---\n".join(dump(doc) for doc in docs)


def kustomization(folder: str, files: Mapping[str, str], deploy: model.Deploy) -> dict[str, str]:
    """`files` with the folder's kustomization.yaml listing them (paths relative to it)."""
    prefix = folder + "/"
    resources = sorted(path[len(prefix):] for path in files if path.startswith(prefix))
    if not resources:
        return dict(files)
    text = dump({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "namespace": deploy.namespace,
        "resources": resources,
    }, conventions.yaml_header())
    return {**files, f"{prefix}{conventions.KUSTOMIZATION}": text}


def too_large(where: model.Location | None, what: str, size: int, hint: str) -> SpecError:
    loc = where or model.Location(file="", line=1, col=1, path="")
    return SpecError([Diagnostic(
        loc.file, loc.line, loc.col, loc.path,
        f"{what} is {size:,} bytes, over the {OBJECT_BYTES_MAX:,}-byte limit of a "
        "Kubernetes object's data", hint)])


def data_size(data: Mapping[str, str]) -> int:
    """What the API server counts against the limit: the values' bytes."""
    return sum(len(v.encode()) for v in data.values())
