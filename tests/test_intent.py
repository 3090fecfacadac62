"""The example specs do what the seeds' teams asked, in their words (issues 14 and 15).

tests/intent/*.test.yaml are promtool unit tests written by hand — not by obsgen's test
generator — against the rules obsgen generated from specs/ into generated/: "the journal's
Postgres going down does not page the trading team", "the first trip of a breaker fires".
They run the real promtool, so a rule that only matches obsgen's own formula fails here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, run_tool

INTENT = ROOT / "tests" / "intent"
CASES = sorted(INTENT.glob("*.test.yaml"))


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_there_are_intent_tests() -> None:
    assert len(CASES) >= 1


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_intent_file_reads_generated_rules_and_shows_firing_and_quiet(path: Path) -> None:
    doc = _load(path)
    for rule_file in doc["rule_files"]:
        target = (path.parent / rule_file).resolve()
        assert target.is_relative_to(ROOT / "generated"), rule_file
        assert target.is_file(), f"{path.name}: {rule_file} is not generated"
    for test in doc["tests"]:
        checks = test.get("promql_expr_test", []) + test.get("alert_rule_test", [])
        samples = [c.get("exp_samples", c.get("exp_alerts")) for c in checks]
        assert any(samples) and any(s == [] or s is None for s in samples), (
            f"{path.name}: {test['name']!r} must show an alert firing and quiet")


@pytest.mark.tools
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_intent_holds_under_promtool(path: Path, tool: Any) -> None:
    promtool = tool("promtool")
    result = run_tool(promtool, "test", "rules", path.name, cwd=path.parent)
    assert result.returncode == 0, result.stdout + result.stderr
