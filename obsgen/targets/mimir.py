"""The mimir form: mimir/rules/<namespace>.yaml, the rule groups as ruler namespaces.

Each file is what `mimirtool rules load|sync` (and Cortex's `cortextool`) reads: a
`namespace` and its `groups`, the groups of prometheus/rules/ unchanged. The namespace is the
team (deploy.ruler.namespace_by: team, services in name order) or the service. Group names
start with the service, so they stay unique inside a team's namespace.
"""

from __future__ import annotations

from typing import Any

from obsgen import conventions, model
from obsgen.targets import prometheus
from obsgen.targets.yamlout import dump


def render(project: model.Project) -> dict[str, str]:
    deploy = project.deploy
    if not deploy.has("mimir"):
        return {}
    spaces: dict[str, list[model.Service]] = {}
    for svc in project.services:
        key = svc.team if deploy.ruler_namespace_by == "team" else svc.name
        spaces.setdefault(key, []).append(svc)
    out: dict[str, str] = {}
    for namespace, services in sorted(spaces.items()):
        groups: list[dict[str, Any]] = [g for s in services for g in prometheus.service_groups(s)]
        if groups:
            head = conventions.yaml_header(*sorted({s.source for s in services}))
            out[conventions.mimir_rules_path(namespace)] = dump(
                {"namespace": namespace, "groups": groups}, head)
    return out
