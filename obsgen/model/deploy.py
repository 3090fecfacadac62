"""Where the output is deployed: the forms of Settings.deploy, resolved for the targets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

AlertmanagerForm = Literal["config-secret"]


@dataclass(frozen=True, kw_only=True)
class Location:
    """A place in a spec file, for the errors a form raises while rendering."""

    file: str
    line: int
    col: int
    path: str


@dataclass(frozen=True, kw_only=True)
class Deploy:
    forms: tuple[str, ...] = ("plain",)
    namespace: str = "monitoring"
    labels: Mapping[str, str] = field(default_factory=dict)
    alertmanager: AlertmanagerForm = "config-secret"
    config_secret: str = "alertmanager-obsgen"
    sidecar_label: Mapping[str, str] = field(default_factory=lambda: {"grafana_dashboard": "1"})
    folder_annotation: str = "k8s-sidecar-target-directory"
    instance_selector: Mapping[str, str] = field(default_factory=lambda: {"dashboards": "grafana"})
    ruler_namespace_by: Literal["team", "service"] = "team"
    thanos_partial_response: Literal["abort", "warn"] = "abort"
    dashboards: Mapping[str, Location] = field(default_factory=dict)
    """Dashboard uid -> where the spec defines it (a size error names that place)."""
    routing: Location | None = None
    """Where the Routing document starts, for what AlertmanagerConfig cannot express."""

    def has(self, form: str) -> bool:
        return form in self.forms
