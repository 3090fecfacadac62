"""Same specs, same bytes: whatever the working directory, the hash seed or the number of
processes compiling."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, snapshot


def _generate(out: Path, cwd: Path, seed: str, jobs: int) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "obsgen",
            "generate",
            "--specs",
            str(ROOT / "specs"),
            "--out",
            str(out),
            "--jobs",
            str(jobs),
        ],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
    )


def test_two_runs_identical(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    _generate(tmp_path / "a", ROOT, "1", 1)
    _generate(tmp_path / "b", tmp_path / "elsewhere", "4242", 3)
    first, second = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    assert first and first == second
    assert first == snapshot(ROOT / "generated")


def test_parallel_rendering_renders_what_one_process_does(tmp_path: Path) -> None:
    """`render_all` on forked workers (suites prebuilt per shape, targets spread) and in
    this process: equal files, for the example specs and a fleet slice with look-alikes."""
    from benchmarks import fleet
    from obsgen import api
    from obsgen.proof import forks, suites
    from obsgen.targets import render_all

    if not forks.can_fork():
        pytest.skip("render_all forks on Linux only: elsewhere both runs are one process")
    fleet.write(tmp_path, 12, 5)
    for folder in (ROOT / "specs", tmp_path):
        suites.SHAPES.clear()
        parallel = render_all(api.project(folder), jobs=2)
        suites.SHAPES.clear()
        assert parallel == render_all(api.project(folder), jobs=1), folder


def test_no_absolute_paths_or_timestamps_in_output() -> None:
    for rel, data in snapshot(ROOT / "generated").items():
        text = data.decode()
        assert str(ROOT) not in text, rel
        assert "2026-" not in text and "2025-" not in text, rel


def test_every_generated_file_says_do_not_edit() -> None:
    files = snapshot(ROOT / "generated")
    for rel, data in files.items():
        assert b"DO NOT EDIT" in data.splitlines()[0] or rel.endswith(".json"), rel
        assert b"DO NOT EDIT" in data, rel


def test_a_spec_error_raised_in_a_worker_reaches_the_caller_whole() -> None:
    """Parallel rendering pickles what a worker raises: a SpecError keeps its message and
    its located diagnostics."""
    import pickle

    from obsgen.errors import Diagnostic, SpecError

    error = SpecError([Diagnostic("templates/x.md.j2", 3, 5, "", "unsafe attribute", "drop it")])
    again = pickle.loads(pickle.dumps(error))
    assert isinstance(again, SpecError)
    assert str(again) == str(error) and again.diagnostics == error.diagnostics
