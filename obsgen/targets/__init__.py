"""Output targets. Each is a module with `render(project) -> {relative path: text}`.

Adding a target is adding a module and one line in `TARGETS`; nothing else changes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from obsgen.model import Project

TARGETS: tuple[str, ...] = (
    "prometheus", "prometheus_tests", "alertmanager", "runbooks", "blackbox", "grafana",
    "kubernetes.prometheus_operator", "kubernetes.grafana", "mimir", "thanos",
)
"""Target modules under obsgen.targets, rendered in this order."""

Renderer = Callable[[Project], dict[str, str]]


def renderer(name: str) -> Renderer:
    module = importlib.import_module(f"obsgen.targets.{name}")
    render: Renderer = module.render
    return render


def render_all(project: Project) -> dict[str, str]:
    files: dict[str, str] = {}
    for name in TARGETS:
        for path, text in renderer(name)(project).items():
            if path in files:
                raise AssertionError(f"two targets write {path}")
            files[path] = text
    return dict(sorted(files.items()))
