"""The built wheel holds every package: an editable install finds new subpackages by itself,
so only a real wheel shows one left out of the packaging (and the runbook templates with it)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def _not_sources(folder: str, names: list[str]) -> set[str]:
    if Path(folder) == ROOT:
        return {n for n in names if n.startswith(".") or n in ("build", "generated", "tests")
                or n.endswith(".egg-info")}
    return {n for n in names if n == "__pycache__"}


def test_wheel_contains_and_imports_every_subpackage(tmp_path: Path) -> None:
    # Build from a copy: setuptools reuses a build/ folder, whose stale files would hide a
    # package missing from the list.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=_not_sources)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "--disable-pip-version-check", "-w", str(tmp_path / "dist"), str(source)],
        capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    wheel = next((tmp_path / "dist").glob("obsgen-*.whl"))
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
        names = archive.namelist()
    expected = sorted(
        ".".join(p.relative_to(ROOT).parent.parts)
        for p in (ROOT / "obsgen").rglob("__init__.py")
    )
    assert expected, "no packages found below obsgen/"
    for package in expected:
        assert f"{package.replace('.', '/')}/__init__.py" in names, f"{package} not in the wheel"
    for template in ("alert.md.j2", "slo-alert.md.j2", "index.md.j2", "service.md.j2"):
        assert f"obsgen/templates/{template}" in names, template
    # Import each package from the unpacked wheel only: not from the source tree.
    script = (
        "import importlib, sys\n"
        f"sys.path = [{str(site)!r}] + [p for p in sys.path if p and 'obsgen' not in p]\n"
        "for name in sys.argv[1:]:\n"
        "    module = importlib.import_module(name)\n"
        f"    assert module.__file__.startswith({str(site)!r}), module.__file__\n"
        "from obsgen.targets.runbooks import default_templates\n"
        f"assert str(default_templates()).startswith({str(site)!r})\n"
    )
    ran = subprocess.run([sys.executable, "-I", "-c", script, *expected], capture_output=True,
                         text=True, timeout=120, check=False, cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
