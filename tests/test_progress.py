"""`obsgen lint` progress: shown on a terminal (one line rewritten, erased at the end), quiet
elsewhere unless `--progress`, throttled in a log; the lint runner reports every tool run."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from obsgen import api
from obsgen.cli import main
from obsgen.lint import lint
from obsgen.lint.progress import Printer, printer

SPECS = Path(__file__).parent / "diff" / "no-change" / "head" / "specs"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_quiet_when_not_a_terminal_unless_forced() -> None:
    assert printer(io.StringIO(), forced=False) is None
    assert printer(io.StringIO(), forced=True) is not None
    shown = printer(_Terminal(), forced=False)
    assert shown is not None and shown.terminal


def test_terminal_line_is_rewritten_and_erased() -> None:
    out, clock = _Terminal(), _Clock()
    shown = Printer(out, terminal=True, clock=clock)
    shown(1, 3, "generated/a.yaml", 2.5)
    clock.now = 0.05
    shown(2, 3, "generated/b.yaml", 0.1)  # within 0.1 s of the last line: not drawn
    clock.now = 1.0
    shown(3, 3, "generated/c.yaml", 1.0)
    text = out.getvalue()
    assert text.count("\r") == 2
    assert "lint: 3/3 tool runs, slowest generated/a.yaml 2.5s" in text
    assert "2/3" not in text and "\n" not in text
    shown.close()
    assert out.getvalue().endswith("\r" + " " * len(shown.line(3, 3)) + "\r")


def test_log_lines_are_throttled_but_the_last_is_printed() -> None:
    out, clock = io.StringIO(), _Clock()
    shown = Printer(out, terminal=False, every_s=10, clock=clock)
    for done in range(1, 101):
        clock.now = done * 0.5
        shown(done, 100, f"f{done}", float(done % 7))
    lines = out.getvalue().splitlines()
    assert 2 <= len(lines) <= 7, lines
    assert lines[-1] == "lint: 100/100 tool runs, slowest f97 6.0s"
    assert "\r" not in out.getvalue()


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    out = tmp_path / "generated"
    api.generate(SPECS, out)
    return out


@pytest.mark.tools
def test_lint_reports_every_tool_run(generated: Path) -> None:
    calls: list[tuple[int, int, str, float]] = []
    lint(generated, progress=lambda *call: calls.append(call))
    assert calls, "no tool run reported"
    total = calls[0][1]
    assert [c[0] for c in calls] == list(range(1, total + 1))
    assert {c[1] for c in calls} == {total}
    assert all(c[2].startswith(str(generated)) and c[3] >= 0 for c in calls)


@pytest.mark.tools
@pytest.mark.parametrize("forced", [False, True])
def test_cli_progress_only_when_asked_off_a_terminal(
        forced: bool, generated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["lint", "--out", str(generated), "--specs", str(SPECS),
                 *(["--progress"] if forced else [])])
    err = capsys.readouterr().err
    assert code in (0, 1)
    assert ("tool runs, slowest" in err) is forced, err
    assert "files linted" in err
