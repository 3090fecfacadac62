"""Grafana target: dashboards and their provisioning file.

- `grafana/dashboards/<team>/<uid>.json`: each service's dashboard (services with alerts)
  and the dashboards its spec describes (rows or Jsonnet);
- `grafana/dashboards/_overview/obsgen--overview.json`: every SLO of the fleet;
- `grafana/provisioning/dashboards.yaml`: one file provider per team folder.

JSON is written with sorted keys and two-space indentation; a dashboard's description
carries the DO NOT EDIT notice (JSON has no comments).
"""

from __future__ import annotations

import json
from typing import Any

from obsgen import conventions, model
from obsgen.targets.grafana import dashboards
from obsgen.targets.yamlout import dump

ROOT = conventions.GRAFANA_DASHBOARDS
PROVISIONING = conventions.GRAFANA_PROVISIONING
OVERVIEW = conventions.GRAFANA_OVERVIEW_FOLDER
"""The fleet overview's folder: '_' cannot start a team name."""


def render(project: model.Project) -> dict[str, str]:
    out: dict[str, str] = {}
    folders: dict[str, str] = {}
    for svc in project.services:
        if svc.slos or svc.alerts:
            out[path(svc.team, conventions.dashboard_uid(svc.name))] = text(
                dashboards.slo_dashboard(svc))
            folders[svc.team] = svc.team
        for board in svc.dashboards:
            data = (dashboards.jsonnet_dashboard(svc, board) if board.jsonnet is not None
                    else dashboards.spec_dashboard(svc, board))
            out[path(svc.team, board.uid)] = text(data)
            folders[svc.team] = svc.team
    if any(svc.slos for svc in project.services):
        out[path(OVERVIEW, conventions.FLEET_UID)] = text(dashboards.fleet_dashboard(project))
        folders[OVERVIEW] = "SLO overview"
    if out:
        out[PROVISIONING] = dump(provisioning(folders, project.grafana_dashboards_path),
                                 conventions.yaml_header())
    return out


def path(folder: str, uid: str) -> str:
    return f"{ROOT}/{folder}/{uid}.json"


def text(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def provisioning(folders: dict[str, str], root: str) -> dict[str, Any]:
    return {
        "apiVersion": 1,
        "providers": [
            {
                "name": f"obsgen-{folder}",
                "orgId": 1,
                "folder": title,
                "folderUid": f"obsgen-{folder}".replace("_", ""),
                "type": "file",
                "disableDeletion": False,
                "allowUiUpdates": False,
                "updateIntervalSeconds": 60,
                "options": {"path": f"{root.rstrip('/')}/{folder}",
                            "foldersFromFilesStructure": False},
            }
            for folder, title in sorted(folders.items())
        ],
    }
