"""The Python API: the pipeline as named stages. The CLI and the tests both call these.

    load -> validate -> build -> render -> emit

Nothing before `emit` writes. What is read: the spec files (`load`), the Jsonnet files they
and their dashboards import (validation), and the runbook templates (render).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from obsgen import emit, model
from obsgen.errors import Diagnostic, EnvironmentProblem, SpecError
from obsgen.spec.loader import Document, discover
from obsgen.spec.tree import load_tree

if TYPE_CHECKING:
    from obsgen.spec.validate import ValidSpecs


@dataclass(frozen=True)
class Outcome:
    written: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]


def load(specs_dir: Path) -> list[Document]:
    """Read every spec file below `specs_dir`; SpecError lists every file's problems."""
    if not specs_dir.is_dir():
        raise EnvironmentProblem(f"{specs_dir}: no such folder — pass --specs DIR")
    files = discover(specs_dir)
    if not files:
        raise EnvironmentProblem(f"{specs_dir}: no *.yaml, *.yml or *.jsonnet spec files")
    base = specs_dir.resolve().name or "specs"
    documents, problems = load_tree(specs_dir, files, base)
    if problems:
        # Validate what did load too, so one run reports every problem.
        _, more = _validated(documents)
        raise SpecError([*problems, *more])
    return documents


def _validated(documents: Sequence[Document]) -> tuple[ValidSpecs, list[Diagnostic]]:
    """The spec checks, then the checks that need built alerts (on what validated), then,
    when all pass and some delivery states notify_within, the notification-time budgets
    (they need the built project and the simulation)."""
    from obsgen.build import checks
    from obsgen.spec.validate import validate

    specs, problems = validate(documents)
    problems = [*problems, *checks.problems(specs)]
    if not problems and _has_budgets(specs):
        from obsgen.build import build
        from obsgen.proof import latency

        problems = latency.problems(build(specs))
    return specs, problems


def _has_budgets(specs: ValidSpecs) -> bool:
    if not specs.routing_checked:
        return False
    teams = [t for _, r in specs.routing for t in r.teams]
    deliveries = [d for t in teams for d in (t.page, t.ticket, t.info, t.mirror, *t.routes)]
    return (any(d is not None and d.notify_within for d in deliveries)
            or any(a.notify_within for _, s in specs.services for a in s.alerts))


def compile_documents(
    documents: Sequence[Document], templates: Path | None = None, jobs: int = 1
) -> dict[str, str]:
    """Validate, build and render: {path relative to the output folder: text}. Writes
    nothing; reads the Jsonnet dashboards the specs name and the runbook templates. `jobs`:
    processes to render on (`targets.render_all`); the same bytes whatever the number."""
    from obsgen.build import build
    from obsgen.targets import render_all

    specs, problems = _validated(documents)
    if problems:
        raise SpecError(problems)
    if templates is not None and not templates.is_dir():
        raise EnvironmentProblem(f"{templates}: no such templates folder")
    return render_all(build(specs, templates), jobs)


def project(specs_dir: Path) -> model.Project:
    """The validated, built project of a specs folder."""
    from obsgen.build import build

    specs, problems = _validated(load(specs_dir))
    if problems:
        raise SpecError(problems)
    return build(specs)


def validate_specs(specs_dir: Path) -> int:
    """Check the specs without rendering; returns the number of documents."""
    documents = load(specs_dir)
    _, problems = _validated(documents)
    if problems:
        raise SpecError(problems)
    return len(documents)


def compile_specs(specs_dir: Path, templates: Path | None = None,
                  jobs: int = 1) -> dict[str, str]:
    return compile_documents(load(specs_dir), templates, jobs)


def generate(specs_dir: Path, out_dir: Path, templates: Path | None = None,
             jobs: int = 1) -> Outcome:
    files = compile_specs(specs_dir, templates, jobs)
    emit.prepare(out_dir)
    todo = emit.changes(out_dir, files)
    try:
        emit.apply(out_dir, todo)
    except OSError as exc:  # while staging: nothing was written
        raise EnvironmentProblem(emit.write_problem(exc)) from None
    written = tuple(p for p in todo.write if p != emit.MANIFEST)
    return Outcome(written, tuple(todo.delete), tuple(todo.unchanged))


def check(specs_dir: Path, out_dir: Path, templates: Path | None = None,
          jobs: int = 1) -> list[str]:
    """Lines describing how `out_dir` differs from what the specs compile to; [] if current."""
    return emit.stale_report(out_dir, compile_specs(specs_dir, templates, jobs))
