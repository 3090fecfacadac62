"""Golden cases: tests/golden/<case>/specs compiles to exactly tests/golden/<case>/expected.

Cases are discovered from the folder. `pytest --update-goldens` rewrites `expected/` on
purpose; review the diff before committing it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from obsgen import api
from tests.conftest import ROOT, snapshot

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "specs").is_dir())


@pytest.mark.parametrize("case", CASES)
def test_golden(
    case: str, tmp_path: Path, update_goldens: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = GOLDEN / case
    monkeypatch.chdir(folder)
    out = tmp_path / "generated"
    api.generate(Path("specs"), out)
    expected = folder / "expected"
    if update_goldens:
        shutil.rmtree(expected, ignore_errors=True)
        shutil.copytree(out, expected)
    assert snapshot(out) == snapshot(expected)


@pytest.mark.parametrize("case", CASES)
def test_second_pass_changes_nothing(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(GOLDEN / case)
    out = tmp_path / "generated"
    api.generate(Path("specs"), out)
    again = api.generate(Path("specs"), out)
    assert again.written == () and again.removed == ()


def test_repository_specs_match_generated(monkeypatch: pytest.MonkeyPatch) -> None:
    """The largest golden case: specs/ -> generated/. CI fails here when generated/ is stale."""
    monkeypatch.chdir(ROOT)
    assert api.check(Path("specs"), Path("generated")) == []


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 5
