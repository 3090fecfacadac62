"""`obsgen diff` on the command line: `--base REF` through git (the working tree untouched),
exit codes (0 with changes, 2 on invalid specs either side, located; 3 on a bad revision),
colour only on a terminal and never with NO_COLOR."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from obsgen.cli import main
from obsgen.errors import EXIT_ENVIRONMENT, EXIT_INVALID, EXIT_OK

DIFF = Path(__file__).parent / "diff"
BROKEN = "    objective: 100.5\n"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c",
                           "user.email=t@example.com", *args], check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose HEAD holds the alert-changed case's base specs and whose working
    tree holds its head specs, uncommitted."""
    root = tmp_path / "repo"
    shutil.copytree(DIFF / "alert-changed" / "base" / "specs", root / "specs")
    (root / ".venv").symlink_to("/nonexistent/venv")  # a committed absolute link: skipped
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    shutil.rmtree(root / "specs")
    shutil.copytree(DIFF / "alert-changed" / "head" / "specs", root / "specs")
    return root


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["diff", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _break(path: Path) -> None:
    text = path.read_text()
    path.write_text(text.replace("    objective: 99.9\n", BROKEN))


def test_base_ref_reads_git_and_leaves_the_tree_alone(
        repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    before = (_git(repo, "status", "--porcelain"), _git(repo, "stash", "list"),
              {p: p.read_bytes() for p in (repo / "specs").iterdir()})
    code, out, _ = _run(["--base", "HEAD", "--format", "json"], capsys)
    assert code == EXIT_OK
    after = (_git(repo, "status", "--porcelain"), _git(repo, "stash", "list"),
             {p: p.read_bytes() for p in (repo / "specs").iterdir()})
    assert before == after
    got = json.loads(out)
    expected = json.loads((DIFF / "alert-changed" / "expected.json").read_text())
    assert (got["base"], got["head"]) == ("HEAD", "specs")
    assert got["changes"] == expected["changes"] and got["files"] == expected["files"]


def test_the_same_tree_at_head_shows_nothing(
        repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "head")
    monkeypatch.chdir(repo)
    code, out, _ = _run(["--base", "HEAD", "--specs", "specs"], capsys)
    assert code == EXIT_OK and ": no changes" in out.splitlines()[0]


def test_an_invalid_base_revision_exits_2_located(
        repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    spec = repo / "specs" / "shop.yaml"
    good = spec.read_text()
    _break(spec)
    _git(repo, "commit", "-qam", "broken")
    spec.write_text(good)
    monkeypatch.chdir(repo)
    code, out, err = _run(["--base", "HEAD"], capsys)
    assert code == EXIT_INVALID and out == ""
    assert "HEAD:specs/shop.yaml:6:16: slos[0].objective:" in err, err


@pytest.mark.parametrize("side", ["base", "head"])
def test_invalid_specs_on_either_side_exit_2(
        side: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("base", "head"):
        shutil.copytree(DIFF / "slo-objective" / name / "specs", tmp_path / name / "specs")
    spec = tmp_path / side / "specs" / "shop.yaml"
    spec.write_text(spec.read_text().replace("objective: 99.", "objective: 100.").replace(
        "objective: 100.5", "objective: 100.9"))
    code, out, err = _run(["--base-specs", str(tmp_path / "base" / "specs"), "--specs",
                           str(tmp_path / "head" / "specs")], capsys)
    assert code == EXIT_INVALID and out == ""
    assert "specs/shop.yaml:6:16: slos[0].objective: " in err, err
    assert "nothing was written" in err


def test_an_unknown_revision_is_an_environment_problem(
        repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    code, _, err = _run(["--base", "no-such-branch"], capsys)
    assert code == EXIT_ENVIRONMENT and "commit, branch or tag" in err


def test_specs_outside_a_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(DIFF / "no-change" / "head" / "specs", tmp_path / "specs")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    code, _, err = _run(["--base", "HEAD"], capsys)
    assert code == EXIT_ENVIRONMENT and "obsgen: git rev-parse" in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("tty", "no_color", "coloured"),
                         [(True, None, True), (True, "1", False), (False, None, False)])
def test_colour_only_on_a_terminal_without_no_color(
        tty: bool, no_color: str | None, coloured: bool,
        monkeypatch: pytest.MonkeyPatch) -> None:
    stdout = _Terminal() if tty else io.StringIO()
    monkeypatch.setattr("sys.stdout", stdout)
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    case = DIFF / "alert-changed"
    code = main(["diff", "--base-specs", str(case / "base" / "specs"), "--specs",
                 str(case / "head" / "specs")])
    assert code == EXIT_OK
    assert ("\033[" in stdout.getvalue()) is coloured
    plain = stdout.getvalue()
    if coloured:
        import re
        plain = re.sub(r"\033\[[0-9;]*m", "", plain)
    expected = (case / "expected.txt").read_text()
    assert plain.splitlines()[1:] == expected.splitlines()[1:]
