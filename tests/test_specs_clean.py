"""`obsgen lint` on the example specs has nothing to say (issues 14 and 15): the semantic and
sensitivity checks over specs/' model, and obsgen's own checks of generated/ (every alert shown
firing by a test, runbook links, names). promtool, amtool and blackbox_exporter's verdicts on
generated/ are the tool tests' (test_promtool.py, test_alertmanager.py, test_probes.py)."""

from __future__ import annotations

from obsgen import api
from obsgen.lint import own_checks, rule_and_test_files, semantic
from tests.conftest import ROOT


def _findings() -> list[str]:
    out = ROOT / "generated"
    found = own_checks(out, *rule_and_test_files(out))
    found += semantic.findings(api.project(ROOT / "specs"))
    return [f.format() for f in sorted(found) if f.level != "note"]


def test_lint_of_the_example_specs_finds_nothing() -> None:
    assert _findings() == []
