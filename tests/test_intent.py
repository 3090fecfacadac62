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

from tests.conftest import ROOT, generated_alerts, load_yaml, run_tool

INTENT = ROOT / "tests" / "intent"
CASES = sorted(INTENT.glob("*.test.yaml"))


def test_there_are_intent_tests() -> None:
    assert len(CASES) >= 1


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_intent_file_reads_generated_rules_and_shows_firing_and_quiet(path: Path) -> None:
    doc = load_yaml(path)
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


# Routing intents: tests/intent/*.routes.yaml say who receives an alert, in the seed's words:
#
#   routes:
#     - name: "a tripped breaker reaches the admin Telegram channel"
#       alert: CircuitBreakerTriggered        # an alert of generated/prometheus/rules
#       labels: {level: user}                 # labels its expression returns (optional)
#       receivers: [trading-admin-telegram]   # exactly these, in Alertmanager's order
#
# The alert's own labels come from the generated rule, so a rule that loses its team or
# severity label fails here; amtool (on a copy it can read) decides the receivers.

ROUTE_CASES = sorted(INTENT.glob("*.routes.yaml"))


@pytest.mark.parametrize("path", ROUTE_CASES, ids=lambda p: p.stem)
def test_routing_intents_name_generated_alerts(path: Path) -> None:
    rules = generated_alerts()
    rows = load_yaml(path)["routes"]
    assert rows, path.name
    for row in rows:
        assert set(row) <= {"name", "alert", "labels", "receivers"}, row
        assert row["alert"] in rules, f"{path.name}: {row['name']!r}: no alert {row['alert']}"
        assert row["receivers"], row["name"]


@pytest.mark.tools
@pytest.mark.parametrize("path", ROUTE_CASES, ids=lambda p: p.stem)
def test_routing_intents_hold_under_amtool(path: Path, tool: Any, tmp_path: Path) -> None:
    from obsgen import matchers
    from obsgen.lint import alertmanager as lint_alertmanager

    amtool = tool("amtool")
    config = load_yaml(ROOT / "generated/alertmanager/alertmanager.yaml")
    version = lint_alertmanager.amtool_version() or (0, 0)
    readable, _ = lint_alertmanager.checkable(config, version)
    checked = tmp_path / "alertmanager.yaml"
    checked.write_text(yaml.safe_dump(readable, sort_keys=False), encoding="utf-8")
    rules = generated_alerts()
    failures = []
    for row in load_yaml(path)["routes"]:
        labels = {**rules[row["alert"]], **(row.get("labels") or {}), "alertname": row["alert"]}
        argv = [amtool, "config", "routes", "test", f"--config.file={checked}",
                f"--verify.receivers={','.join(row['receivers'])}"]
        argv += [matchers.equal(k, str(v)).text() for k, v in sorted(labels.items())]
        done = run_tool(*argv)
        if done.returncode != 0:
            failures.append(f"{row['name']}: {(done.stdout + done.stderr).strip()}")
    assert not failures, "\n".join(failures)
