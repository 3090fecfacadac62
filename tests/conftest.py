"""Shared test machinery: the golden-file option and access to the real tools."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

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


def find_tool(name: str) -> str:
    """Path of a real tool; under CI a missing tool fails the test, elsewhere it skips loudly."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} not found — {INSTALL_HINT}"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def tool() -> Callable[[str], str]:
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
