"""Bad input: every case in tests/errors/<case>/specs fails with exactly expected.txt.

Each case runs the real CLI entry point in-process against an output folder that already
holds generated files, and asserts: exit code 2, the exact messages (lines and columns
included), and the output folder unchanged byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from obsgen import api, cli
from tests.conftest import snapshot

ERRORS = Path(__file__).parent / "errors"
CASES = sorted(p.name for p in ERRORS.iterdir() if (p / "specs").is_dir())
BASELINE = Path(__file__).parent / "golden" / "ratio-basic" / "specs"


@pytest.mark.parametrize("case", CASES)
def test_error_case(
    case: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    update_goldens: bool,
) -> None:
    out = tmp_path / "generated"
    api.generate(BASELINE, out)
    (out / "README.md").write_text("not ours\n")
    before = snapshot(out)
    folder = ERRORS / case
    monkeypatch.chdir(folder)
    capsys.readouterr()

    code = cli.main(["generate", "--specs", "specs", "--out", str(out)])

    stderr = capsys.readouterr().err
    expected = folder / "expected.txt"
    if update_goldens:
        expected.write_text(stderr)
    assert code == 2
    assert stderr == expected.read_text()
    assert snapshot(out) == before


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES)
def test_validate_reports_the_same(
    case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ERRORS / case)
    assert cli.main(["validate", "--specs", "specs"]) == 2
    assert capsys.readouterr().err == (ERRORS / case / "expected.txt").read_text()
