"""Output targets. Each is a module with `render(project) -> {relative path: text}`.

Adding a target is adding a module and one line in `TARGETS`; nothing else changes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from obsgen.model import SLO, Project
from obsgen.proof import forks, suites
from obsgen.proof.traffic import SyntheticInputs, synthetic_inputs

TARGETS: tuple[str, ...] = (
    "prometheus", "prometheus_tests", "alertmanager", "runbooks", "blackbox", "grafana",
    "kubernetes.prometheus_operator", "kubernetes.grafana", "mimir", "thanos",
)
"""Target modules under obsgen.targets, rendered in this order."""
LONGEST_FIRST: tuple[str, ...] = ("runbooks", "prometheus_tests", "grafana", "prometheus")
"""The targets that take longest on a fleet, handed out first when rendering in parallel."""

Renderer = Callable[[Project], dict[str, str]]


def renderer(name: str) -> Renderer:
    module = importlib.import_module(f"obsgen.targets.{name}")
    render: Renderer = module.render
    return render


def render_all(project: Project, jobs: int = 1) -> dict[str, str]:
    """Every target's files. With `jobs` > 1 where `forks.can_fork`: the proof suites of the
    distinct shapes first (`suites.prebuild`), then the targets, on `jobs` processes that
    inherit the project and the suites. The files are the same bytes either way."""
    if jobs > 1 and forks.can_fork():
        suites.prebuild(proof_inputs(project), jobs)
        order = [*LONGEST_FIRST, *(t for t in TARGETS if t not in LONGEST_FIRST)]
        done = dict(zip(order, forks.forked_map(lambda name: renderer(name)(project), order,
                                                jobs), strict=True))
        rendered = [done[name] for name in TARGETS]
    else:
        rendered = [renderer(name)(project) for name in TARGETS]
    files: dict[str, str] = {}
    for output in rendered:
        for path, text in output.items():
            if path in files:
                raise AssertionError(f"two targets write {path}")
            files[path] = text
    return dict(sorted(files.items()))


def proof_inputs(project: Project) -> list[tuple[SLO, SyntheticInputs]]:
    """The SLOs with alerts whose series obsgen synthesizes, with their inputs."""
    out = []
    for svc in project.services:
        for slo in svc.slos:
            plan = synthetic_inputs(slo) if slo.alerts else None
            if isinstance(plan, SyntheticInputs):
                out.append((slo, plan))
    return out
