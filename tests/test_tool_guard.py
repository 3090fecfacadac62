"""The conftest guard that keeps `pytest -m "not tools"` tool-free: a test not marked `tools`
that asks for a real tool, or starts one (itself or through obsgen), fails loudly. Fake
tools on a temporary PATH stand in for the real ones, so this file needs none."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from obsgen.lint import alertmanager as lint_alertmanager
from tests.conftest import find_tool

LACKS = "lacks @pytest.mark.tools"


@pytest.fixture
def fake_tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """promtool and amtool on an otherwise empty PATH: scripts that leave a mark when run."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("promtool", "amtool"):
        script = bin_dir / name
        script.write_text(f"#!/bin/sh\necho > {tmp_path}/ran-{name}\necho {name}, version 0.28.0\n")
        script.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    return tmp_path


def test_find_tool_fails_in_a_test_without_the_marker(fake_tools: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match=LACKS):
        find_tool("promtool")


def test_starting_a_tool_fails_in_a_test_without_the_marker(fake_tools: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match=LACKS):
        subprocess.run(["promtool", "--version"], check=False)
    with pytest.raises(pytest.fail.Exception, match=LACKS):
        subprocess.Popen("amtool --version", shell=True)
    assert not list(fake_tools.glob("ran-*")), "the tool never started"


def test_obsgen_starting_a_tool_fails_too(fake_tools: Path) -> None:
    # amtool_version() catches OSError; the guard's failure is not one
    with pytest.raises(pytest.fail.Exception, match=LACKS):
        lint_alertmanager.amtool_version()
    assert not (fake_tools / "ran-amtool").exists()


def test_a_tool_that_is_not_installed_is_left_to_fail_as_usual(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """obsgen's own handling of a missing tool (tested without the marker) still runs."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(FileNotFoundError):
        subprocess.run(["promtool", "--version"], check=False)
    assert lint_alertmanager.amtool_version() is None


def test_other_programs_run(fake_tools: Path) -> None:
    import sys

    done = subprocess.run([sys.executable, "-c", "print('ok')"], capture_output=True,
                          text=True, check=True)
    assert done.stdout == "ok\n"


def test_the_tool_fixture_fails_without_the_marker(request: pytest.FixtureRequest) -> None:
    with pytest.raises(pytest.fail.Exception, match=LACKS):
        request.getfixturevalue("tool")


@pytest.mark.tools
def test_a_marked_test_may_find_and_run_tools(
    fake_tools: Path, tool: Callable[[str], str]
) -> None:
    assert tool("amtool") == str(fake_tools / "bin" / "amtool")
    assert lint_alertmanager.amtool_version() == (0, 28)
    assert (fake_tools / "ran-amtool").exists()
