"""Diagnostics: located, actionable problems found in specs, and the exceptions that carry them.

Every message a user sees about a spec has the shape

    specs/edge.yaml:14:7: slos[0].objective: must be below 100 (got 100.0) — a 100%
        objective leaves no error budget

`Diagnostic` holds those parts; `format()` renders them. Diagnostics sort by file, then
position, so one run reports every problem in reading order.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# Exit codes are API: documented in the README and asserted by the tests.
EXIT_OK = 0
EXIT_STALE = 1
"""`obsgen check`: generated/ differs from what the specs compile to."""
EXIT_FINDINGS = 1
"""`obsgen lint`: a real tool or obsgen's own checks found an error in generated/."""
EXIT_INVALID = 2
EXIT_ENVIRONMENT = 3


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one place of one spec file."""

    file: str
    line: int
    col: int
    path: str
    message: str
    hint: str = ""

    def format(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}"
        what = f"{self.path}: {self.message}" if self.path else self.message
        return f"{where}: {what} — {self.hint}" if self.hint else f"{where}: {what}"


class ObsgenError(Exception):
    """Base of the errors the CLI turns into a message and an exit code."""

    exit_code = EXIT_ENVIRONMENT


class SpecError(ObsgenError):
    """The specs are invalid; carries every diagnostic found, sorted."""

    exit_code = EXIT_INVALID

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics: Sequence[Diagnostic] = sorted(set(diagnostics))
        super().__init__("\n".join(d.format() for d in self.diagnostics))

    def __reduce__(self) -> tuple[type[SpecError], tuple[list[Diagnostic]]]:
        """Pickled by its diagnostics: raised in a worker of a parallel render, it reaches
        the caller whole."""
        return (SpecError, (list(self.diagnostics),))


class EnvironmentProblem(ObsgenError):
    """Something outside the specs is wrong: a missing tool, an unwritable folder."""

    exit_code = EXIT_ENVIRONMENT


def display_name(path: Path) -> str:
    """How a file is named in messages: relative to the working directory when it is inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def folders_on_the_way(path: Path) -> list[Path]:
    """`path` and every folder between the working directory and it (just `path` when it is
    not below the working directory): the links a repository checkout may bring."""
    absolute = Path(os.path.abspath(path))
    cwd = Path(os.getcwd())
    if not absolute.is_relative_to(cwd):
        return [absolute]
    parts = absolute.relative_to(cwd).parts
    return [cwd.joinpath(*parts[:i]) for i in range(1, len(parts) + 1)]


def format_path(parts: Sequence[str | int]) -> str:
    """Render a location inside a document: ("slos", 0, "objective") -> "slos[0].objective"."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{part}"
        else:
            out = str(part)
    return out
