"""The pre-commit hooks of `.pre-commit-hooks.yaml`, run by the real `pre-commit` package in a
temporary git repository: they pass on current output, `obsgen-check` fails on a stale
generated/ and `obsgen-validate` on an invalid spec.

Offline: the hooks are `language: system`, so pre-commit installs nothing (it clones the hooks
repository, here a local one made from this checkout's hooks file); `obsgen` is found on the
PATH of the interpreter running the tests, and imports this checkout (PYTHONPATH).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from obsgen import api
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "diff" / "alert-changed" / "base" / "specs"
PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which(
    "pre-commit")
pytestmark = pytest.mark.skipif(PRE_COMMIT is None,
                                reason="pre-commit is not installed (pip install -e '.[dev]')")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c",
                           "user.email=t@example.com", "-c", "commit.gpgsign=false", *args],
                          check=True, capture_output=True, text=True).stdout.strip()


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT)
    env["PRE_COMMIT_HOME"] = str(tmp / "pre-commit-home")
    env.pop("NO_COLOR", None)
    return env


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A specs repository with current generated/ and a config using obsgen's hooks from a
    local hooks repository (this checkout's .pre-commit-hooks.yaml, committed)."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    shutil.copy(ROOT / ".pre-commit-hooks.yaml", hooks / ".pre-commit-hooks.yaml")
    _git(hooks, "init", "-q")
    _git(hooks, "add", "-A")
    _git(hooks, "commit", "-qm", "hooks")
    rev = _git(hooks, "rev-parse", "HEAD")
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo / "specs")
    api.generate(repo / "specs", repo / "generated")
    config = {"repos": [{"repo": str(hooks), "rev": rev,
                         "hooks": [{"id": "obsgen-validate"}, {"id": "obsgen-check"}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "specs")
    return repo


def _run(repo: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    assert PRE_COMMIT is not None
    return subprocess.run([PRE_COMMIT, "run", "--all-files", "--color", "never"], cwd=repo,
                          env=_env(tmp), capture_output=True, text=True, timeout=300)


def test_the_hooks_file_is_a_valid_manifest() -> None:
    assert PRE_COMMIT is not None
    done = subprocess.run([PRE_COMMIT, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    ids = [h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())]
    assert ids == ["obsgen-validate", "obsgen-check"]


def test_hooks_pass_on_current_output(project: Path, tmp_path: Path) -> None:
    done = _run(project, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "obsgen validate (the specs are valid)" in done.stdout
    assert "obsgen check (generated/ is current)" in done.stdout
    assert done.stdout.count("Passed") == 2, done.stdout


def test_check_fails_on_stale_generated(project: Path, tmp_path: Path) -> None:
    spec = project / "specs" / "shop.yaml"
    spec.write_text(spec.read_text().replace("objective: 99.9", "objective: 99.5"))
    _git(project, "add", "-A")
    done = _run(project, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    check = done.stdout[done.stdout.index("obsgen check"):]
    assert "Failed" in check and "is stale: run `make generate`" in check, done.stdout
    validate = done.stdout[:done.stdout.index("obsgen check")]
    assert "Passed" in validate


def test_validate_fails_on_an_invalid_spec(project: Path, tmp_path: Path) -> None:
    spec = project / "specs" / "shop.yaml"
    spec.write_text(spec.read_text().replace("objective: 99.9", "objective: 100.5"))
    _git(project, "add", "-A")
    done = _run(project, tmp_path)
    assert done.returncode == 1
    assert "specs/shop.yaml:6:16: slos[0].objective: must be below 100" in done.stdout
