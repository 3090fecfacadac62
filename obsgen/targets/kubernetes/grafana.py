"""The grafana-sidecar and grafana-operator forms: kubernetes/grafana/<folder>/<uid>.yaml.

Every dashboard of grafana/dashboards/, as the same JSON, in one object each:

- grafana-sidecar: a `ConfigMap` labelled for the Grafana Helm chart's dashboard sidecar
  (deploy.grafana.sidecar_label), its folder in the deploy.grafana.folder_annotation
  annotation (the team, or "SLO overview"). A ConfigMap holds at most 1 MiB: a larger
  dashboard is a located error;
- grafana-operator: a `GrafanaDashboard` (grafana.integreatly.org/v1beta1) for the Grafana
  instances deploy.grafana.instance_selector matches, in the same folder; a dashboard over
  1 MiB is stored gzipped (`gzipJson`).
"""

from __future__ import annotations

import base64
import gzip
from typing import Any

from obsgen import conventions, model
from obsgen.targets import grafana
from obsgen.targets.kubernetes import (
    OBJECT_BYTES_MAX,
    data_size,
    kustomization,
    metadata,
    objects,
    too_large,
)

FOLDER = conventions.KUBERNETES_GRAFANA
OPERATOR_API = "grafana.integreatly.org/v1beta1"
FOLDER_TITLES = {conventions.GRAFANA_OVERVIEW_FOLDER: "SLO overview"}


def render(project: model.Project) -> dict[str, str]:
    deploy = project.deploy
    form = next((f for f in deploy.forms if f in ("grafana-sidecar", "grafana-operator")), "")
    if not form:
        return {}
    prefix = conventions.GRAFANA_DASHBOARDS + "/"
    out: dict[str, str] = {}
    for path, text in grafana.render(project).items():
        if not path.startswith(prefix):
            continue  # the provisioning file: the sidecar and the operator provision
        folder, name = path[len(prefix):].split("/")
        uid = name.removesuffix(".json")
        title = FOLDER_TITLES.get(folder, folder)
        obj = (config_map(uid, title, text, deploy) if form == "grafana-sidecar"
               else dashboard(uid, title, text, deploy))
        out[conventions.grafana_object_path(folder, uid)] = objects(
            conventions.yaml_header(), [obj])
    return kustomization(FOLDER, out, deploy)


def config_map(uid: str, folder: str, text: str, deploy: model.Deploy) -> dict[str, Any]:
    data = {f"{uid}.json": text}
    size = data_size(data)
    if size > OBJECT_BYTES_MAX:
        raise too_large(deploy.dashboards.get(uid), f"the ConfigMap of dashboard {uid}", size,
                        "split the dashboard into smaller ones, or deploy with "
                        "grafana-operator (its GrafanaDashboard stores large JSON gzipped)")
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata(deploy, conventions.object_name(f"grafana-dashboard-{uid}"),
                             deploy.sidecar_label, {deploy.folder_annotation: folder}),
        "data": data,
    }


def dashboard(uid: str, folder: str, text: str, deploy: model.Deploy) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "instanceSelector": {"matchLabels": dict(deploy.instance_selector)},
        "folder": folder,
    }
    if len(text.encode()) > OBJECT_BYTES_MAX:
        packed = gzip.compress(text.encode(), compresslevel=9, mtime=0)
        spec["gzipJson"] = base64.b64encode(packed).decode()
    else:
        spec["json"] = text
    return {
        "apiVersion": OPERATOR_API,
        "kind": "GrafanaDashboard",
        "metadata": metadata(deploy, conventions.object_name(uid)),
        "spec": spec,
    }
