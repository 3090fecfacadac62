"""Where the output is deployed: the forms of Settings.deploy, resolved for the targets."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

AlertmanagerForm = Literal["config-secret", "alertmanager-config"]
ProbeForm = Literal["probe", "scrape-config"]
SECRETS_MOUNT = "/etc/alertmanager/secrets/"
"""Where the Operator mounts each Secret of the Alertmanager's `spec.secrets`, as
<SECRETS_MOUNT><name>/<key>."""
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
_KEY = re.compile(r"^[-._a-zA-Z0-9]{1,253}$")


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
    secrets: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """`*_file` path -> (Secret name, key), for the AlertmanagerConfig objects."""
    probes: ProbeForm = "probe"
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


def secret_ref(path: str, secrets: Mapping[str, tuple[str, str]]) -> tuple[str, str] | None:
    """The Secret (name, key) a `*_file` path stands for: Settings' mapping first, then the
    Operator's mount convention /etc/alertmanager/secrets/<name>/<key>; None: neither."""
    if path in secrets:
        return secrets[path]
    rest = path.removeprefix(SECRETS_MOUNT)
    if rest != path and rest.count("/") == 1:
        name, key = rest.split("/")
        if _NAME.match(name) and _KEY.match(key):
            return name, key
    return None
