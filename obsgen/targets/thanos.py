"""The thanos form: thanos/rules/<service>.rules.yaml for the Thanos ruler.

The groups of prometheus/rules/ with `partial_response_strategy` set on each (Thanos' own
default is abort; writing it keeps the choice visible). The SLO groups abort: with a store
missing, their sums would under-count errors, and a page would be missed without a trace.
The plain alerts' group (`<service>.alerts`) takes deploy.thanos.partial_response.
"""

from __future__ import annotations

from obsgen import conventions, model
from obsgen.targets import prometheus
from obsgen.targets.yamlout import dump

PLAIN_GROUP = "alerts"


def render(project: model.Project) -> dict[str, str]:
    deploy = project.deploy
    if not deploy.has("thanos"):
        return {}
    out: dict[str, str] = {}
    plain = conventions.rule_group("", PLAIN_GROUP)
    for svc in project.services:
        groups = prometheus.service_groups(svc)
        if not groups:
            continue
        for group in groups:
            is_plain = group["name"] == svc.name + plain
            group["partial_response_strategy"] = (
                deploy.thanos_partial_response if is_plain else "abort")
        out[conventions.thanos_rules_path(svc.name)] = dump(
            {"groups": groups}, conventions.yaml_header(svc.source))
    return out
