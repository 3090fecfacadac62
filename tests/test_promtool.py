"""Every generated rule file passes the real `promtool check rules`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT, find_tool, run_tool

RULE_FILES = sorted(
    [
        *ROOT.glob("generated/prometheus/rules/*.yaml"),
        *ROOT.glob("tests/golden/*/expected/prometheus/rules/*.yaml"),
    ]
)

pytestmark = pytest.mark.tools


def test_rule_files_exist() -> None:
    assert len(RULE_FILES) >= 10


def test_promtool_accepts_every_rule_file() -> None:
    promtool = find_tool("promtool")
    result = run_tool(promtool, "check", "rules", *map(str, RULE_FILES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == len(RULE_FILES)


def test_promtool_rejects_a_broken_file(tmp_path: Path) -> None:
    """The check above can fail: promtool really reads what it is given."""
    promtool = find_tool("promtool")
    broken = tmp_path / "broken.rules.yaml"
    text = (ROOT / "generated/prometheus/rules/edge.availability.rules.yaml").read_text()
    broken.write_text(text.replace("sum_over_time(", "sum_over_tim(", 1))
    result = run_tool(promtool, "check", "rules", str(broken))
    assert result.returncode != 0
