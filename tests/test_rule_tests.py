"""The generated promtool tests: they pass, they fail when a rule is broken, and
`obsgen explain` prints the timings they assert."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from obsgen import api, durations
from obsgen.lint import lint
from obsgen.proof.explain import explain, find
from obsgen.proof.scenarios import step_for
from obsgen.targets import prometheus_tests
from tests.conftest import ROOT, find_tool, run_tool

GENERATED = ROOT / "generated"
GOLDEN_TESTS = sorted(ROOT.glob("tests/golden/*/expected/prometheus/tests/**/*.yaml"))

pytestmark = pytest.mark.tools


def test_generated_folder_lints_clean_with_every_generated_test_passing() -> None:
    """`obsgen lint` runs promtool check rules and promtool test rules on every file."""
    find_tool("promtool")
    report = lint(GENERATED)
    errors = [f.format() for f in report.findings if f.level == "error"]
    assert errors == []
    assert len(list((GENERATED / "prometheus/tests").rglob("*.yaml"))) >= 8


def test_golden_cases_carry_rule_tests() -> None:
    """The parametrized test below would skip, not fail, on an empty list."""
    assert len(GOLDEN_TESTS) >= 5


def test_every_silence_check_selects_alerts_some_test_sees_firing() -> None:
    """`count_over_time(ALERTS{...})` expecting nothing passes vacuously if its selector
    matches no alert: each selector must match the labels of an alert asserted firing."""
    for path in sorted((GENERATED / "prometheus/tests").rglob("*.yaml")):
        tests = _load(path)["tests"]
        firing = [inst["exp_labels"] for t in tests for c in t.get("alert_rule_test", [])
                  for inst in c["exp_alerts"]]
        exprs = [c["expr"] for t in tests for c in t.get("promql_expr_test", [])]
        selectors = [re.search(r"ALERTS\{([^}]*)\}", e) for e in exprs
                     if e.startswith("count_over_time(ALERTS")]
        for found in selectors:
            assert found
            wanted = dict(re.findall(r'(\w+)="([^"]*)"', found.group(1)))
            assert wanted and any(wanted.items() <= labels.items() for labels in firing), (
                path.name, wanted)


@pytest.mark.parametrize("path", GOLDEN_TESTS, ids=lambda p: p.parts[-5] + "/" + p.name)
def test_golden_rule_tests_pass(path: Path) -> None:
    promtool = find_tool("promtool")
    result = run_tool(promtool, "test", "rules", path.name, cwd=path.parent)
    assert result.returncode == 0, result.stdout + result.stderr


PAGES, TICKETS = "core/reflect-delivery.test.yaml", "core/reflect-delivery.long-windows.test.yaml"


def _mutated(tmp_path: Path, rule_file: str, old: str, new: str) -> Path:
    """A copy of the generated rules and tests with `old` replaced once in `rule_file`."""
    for sub in ("rules", "tests"):
        shutil.copytree(GENERATED / "prometheus" / sub, tmp_path / sub)
    rules = tmp_path / "rules" / rule_file
    text = rules.read_text()
    assert text.count(old) >= 1, f"{old!r} not in {rules.name}"
    rules.write_text(text.replace(old, new, 1))
    return tmp_path / "tests"


@pytest.mark.parametrize(
    ("old", "new", "test_file"),
    [
        ("(1 * 0.05)", "(10 * 0.05)", PAGES),  # page threshold x10
        ("(3 * 0.05)", "(30 * 0.05)", TICKETS),  # ticket threshold x10
        ("(9 * 0.05)", "(0.9 * 0.05)", TICKETS),  # ticket threshold /10
        ('error_ratio:rate3d{service="core",slo="reflect-delivery"} > (3 * 0.05)',
         'error_ratio:rate1d{service="core",slo="reflect-delivery"} > (3 * 0.05)',
         TICKETS),  # the ticket's long window, 3d -> 1d
        ("* 300 >= 100", "* 300 >= 1e12", PAGES),  # the min_events guard
        ("> (1 * 0.05)", "> (1 * 0.05) > 1e12", PAGES),  # a dead threshold tier
    ],
)
def test_breaking_a_rule_by_hand_fails_the_generated_tests(
    tmp_path: Path, old: str, new: str, test_file: str
) -> None:
    promtool = find_tool("promtool")
    test = _mutated(tmp_path, "core.reflect-delivery.rules.yaml", old, new) / test_file
    result = run_tool(promtool, "test", "rules", test.name, cwd=test.parent)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILED" in result.stdout + result.stderr


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def _first_firing(test: dict[str, Any], alert: str) -> int:
    return min(
        durations.parse_ms(c["eval_time"]) // 60000
        for c in test["alert_rule_test"]
        if c["alertname"] == alert and c["exp_alerts"]
    )


def _start(test: dict[str, Any]) -> int:
    found = re.search(r"healthy traffic for (\w+)", test["name"])
    assert found, test["name"]
    return durations.parse_ms(found.group(1)) // 60000


def _minutes(text: str) -> int:
    return durations.parse_ms(text) // 60000


@pytest.mark.parametrize("target", ["core/reflect-delivery", "trading-engine/order-execution"])
def test_explain_prints_the_firing_times_the_generated_tests_assert(target: str) -> None:
    project = api.project(ROOT / "specs")
    slo = find(project, target)
    assert slo is not None
    text = explain(slo)
    for alert in slo.alerts:
        path = GENERATED / prometheus_tests.tests_path(
            slo.service, interval_ms=step_for(alert) * 60_000, slo=slo.name)
        tests = [t for t in _load(path)["tests"] if t["name"].startswith(slo.name + ":")]
        section = text.split(f": {alert.name} (")[1]
        outage = re.search(r"total outage: fires (\w+) after", section)
        thresholds = re.findall(r"just above the (\w+) threshold \([^)]*\): fires (\w+) after",
                                section.split("\n\n")[0])
        assert outage and thresholds, section
        outage_test = next(t for t in tests if "total outage" in t["name"])
        assert _first_firing(outage_test, alert.name) - _start(outage_test) == _minutes(
            outage.group(1))
        for window, fires in thresholds:
            burn_test = next(t for t in tests
                             if f"{alert.name} at " in t["name"] and f"({window} condition)"
                             in t["name"])
            assert _first_firing(burn_test, alert.name) - _start(burn_test) == _minutes(fires)


def test_slos_of_one_shape_share_a_simulation_renamed_exactly(tmp_path: Path) -> None:
    """`suites.shaped` computes a shape once and renames it for look-alike SLOs: each
    renamed suite equals the one `scenarios.build` computes afresh."""
    from obsgen.proof import scenarios, suites
    from obsgen.proof.traffic import synthetic_inputs

    spec = """apiVersion: obsgen/v1
kind: Service
metadata: {{name: {name}, team: web}}
slos:
  - name: {slo}
    objective: 99.5
    window: 7d
    sli:
      ratio:
        errors: requests_total{{job="{name}",code=~"5.."}}
        total: requests_total{{job="{name}"}}
"""
    # One service's alert names are prefixes of the other's: renaming must not mix them.
    (tmp_path / "a.yaml").write_text(spec.format(name="pay", slo="api"))
    (tmp_path / "b.yaml").write_text(spec.format(name="pay-api", slo="api"))
    slos = [s for svc in api.project(tmp_path).services for s in svc.slos]
    assert len({a.name for s in slos for a in s.alerts}) == 4
    plans = [synthetic_inputs(s) for s in slos]
    pairs = [(s, p) for s, p in zip(slos, plans, strict=True) if not isinstance(p, str)]
    assert len(pairs) == 2
    suites.SHAPES.clear()
    shared = [suites.shaped(s, p) for s, p in pairs]
    assert len(suites.SHAPES) == 1
    for (slo, plan), found in zip(pairs, shared, strict=True):
        assert found == scenarios.build(slo, plan)
        names = {a.name for a in slo.alerts}
        assert {c.alert for su in found for sc in su.scenarios for c in sc.checks} == names
