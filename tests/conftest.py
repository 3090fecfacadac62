"""Shared test machinery: the golden-file option and access to the real tools."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import pytest
import yaml

# pytest imports this file as `conftest`, the test modules as `tests.conftest`: make them one
# module, so that the tool guard below has one state and patches subprocess once.
if __name__ == "conftest":
    sys.modules.setdefault("tests.conftest", sys.modules[__name__])

ROOT = Path(__file__).resolve().parent.parent
INSTALL_HINT = (
    "install it with: apt-get install --no-install-recommends "
    "prometheus prometheus-alertmanager prometheus-blackbox-exporter (or run `make tools` as root)"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite the expected files of golden and error cases from the current output",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


# The binaries of the Prometheus ecosystem that only tests marked `tools` may run, so that
# `pytest -m "not tools"` stays tool-free and fast (issue 13).
REAL_TOOLS = frozenset({"promtool", "amtool", "prometheus", "alertmanager",
                        "prometheus-alertmanager", "blackbox_exporter",
                        "prometheus-blackbox-exporter"})
# Node id of the running test when it is NOT marked `tools`, else None. A plain global, not
# a contextvar: obsgen.lint runs the tools from worker threads, which copy no context.
_untooled: str | None = None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture of the test is set up: may this test run real tools?"""
    global _untooled
    _untooled = None if item.get_closest_marker("tools") else item.nodeid


def _refuse_untooled(name: str) -> None:
    if _untooled is not None:
        pytest.fail(f"{_untooled} uses a real tool ({name}) but lacks @pytest.mark.tools",
                    pytrace=False)


class _GuardedPopen(subprocess.Popen):  # type: ignore[type-arg]
    """subprocess.Popen (and so subprocess.run) that refuses to start one of REAL_TOOLS,
    when found on the PATH, from a test not marked `tools` — also when obsgen starts it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        argv = args[0] if args else kwargs.get("args", ())
        if isinstance(argv, (str, bytes)):  # a command line, for shell=True
            argv = os.fsdecode(argv).split()
        elif isinstance(argv, os.PathLike):
            argv = [argv]
        program = os.fsdecode(next(iter(argv), ""))
        name = os.path.basename(program)
        path = (kwargs.get("env") or os.environ).get("PATH")
        if name in REAL_TOOLS and shutil.which(program, path=path):
            _refuse_untooled(name)
        super().__init__(*args, **kwargs)


subprocess.Popen = _GuardedPopen  # type: ignore[misc]


def find_tool(name: str) -> str:
    """Path of a real tool; under CI a missing tool fails the test, elsewhere it skips loudly.
    Only tests marked `tools` may ask: elsewhere this fails, found or not."""
    _refuse_untooled(name)
    path = shutil.which(name)
    if path:
        return path
    missing(f"{name} not found — {INSTALL_HINT}")


def missing(message: str) -> NoReturn:
    """Something a test needs is absent: under CI the test fails, elsewhere it skips loudly."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def tool(request: pytest.FixtureRequest) -> Callable[[str], str]:
    if request.node.get_closest_marker("tools") is None:
        pytest.fail(f"{request.node.nodeid} uses the tool fixture but lacks @pytest.mark.tools",
                    pytrace=False)
    return find_tool


def run_tool(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, cwd=cwd, timeout=300, check=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` with its bytes: to prove a run changed nothing."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def generated_alerts() -> dict[str, dict[str, str]]:
    """Every alert of generated/prometheus/rules: its own labels plus alertname."""
    found: dict[str, dict[str, str]] = {}
    for path in sorted((ROOT / "generated/prometheus/rules").glob("*.yaml")):
        for group in load_yaml(path).get("groups", []):
            for rule in group.get("rules", []):
                if "alert" in rule:
                    labels = {k: str(v) for k, v in (rule.get("labels") or {}).items()}
                    found[rule["alert"]] = {**labels, "alertname": rule["alert"]}
    return found


def service_rules(files: dict[str, str], service: str) -> str:
    """The groups of all of `service`'s compiled rule files (`<service>.<slo>.rules.yaml`,
    then `<service>.rules.yaml`) as the text of one rule file, for hand-written tests."""
    mine = [p for p in files if p.startswith("prometheus/rules/")
            and p.removeprefix("prometheus/rules/").split(".")[0] == service]
    groups = [g for p in sorted(mine, key=lambda p: (p.count(".") == 2, p))
              for g in yaml.safe_load(files[p])["groups"]]
    return yaml.safe_dump({"groups": groups}, sort_keys=False)
