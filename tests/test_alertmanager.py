"""The Alertmanager output: amtool accepts it, every alert reaches the receivers the routes
table promises, and obsgen's own router agrees with Alertmanager's on any labels."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from obsgen import api, router
from obsgen.lint import alertmanager as lint_alertmanager
from obsgen.lint import lint
from tests.conftest import ROOT, find_tool, run_tool

pytestmark = pytest.mark.tools

OUTPUTS = sorted(
    [ROOT / "generated", *ROOT.glob("tests/golden/*/expected")],
    key=lambda p: p.as_posix(),
)
AM_OUTPUTS = [p for p in OUTPUTS if (p / "alertmanager/alertmanager.yaml").exists()]


def test_there_are_alertmanager_outputs() -> None:
    assert len(AM_OUTPUTS) >= 3


@pytest.mark.parametrize("out", AM_OUTPUTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_amtool_accepts_the_config_and_every_route_row(out: Path, tmp_path: Path) -> None:
    find_tool("amtool")
    runs, _ = lint_alertmanager.commands(out, tmp_path)
    table = _load(out / "alertmanager/routes.test.yaml")["routes"]
    assert len(runs) == 1 + len(table) and table
    for _, _, argv, _ in runs:
        done = run_tool(*argv)
        assert done.returncode == 0, (argv, done.stdout + done.stderr)


def test_routes_table_lists_every_generated_alert() -> None:
    rules = [
        rule["alert"]
        for path in sorted((ROOT / "generated/prometheus/rules").glob("*.yaml"))
        for group in _load(path)["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]
    table = _load(ROOT / "generated/alertmanager/routes.test.yaml")["routes"]
    assert sorted(row["alert"] for row in table) == sorted(rules)


def test_a_wrong_expectation_in_the_routes_table_is_reported(tmp_path: Path) -> None:
    """The table check can fail: swap one row's receivers and lint names that alert."""
    find_tool("amtool")
    out = tmp_path / "generated"
    shutil.copytree(ROOT / "generated/alertmanager", out / "alertmanager")
    path = out / "alertmanager/routes.test.yaml"
    table = _load(path)
    row = next(r for r in table["routes"] if r["alert"] == "WeeklyReportDeliveryFailed")
    assert row["receivers"] == ["observability-updates", "ops-email", "ops-jira"]
    row["receivers"] = ["observability-updates", "ops-jira", "ops-email"]
    path.write_text(yaml.safe_dump(table))
    errors = [f.format() for f in lint(out).findings if f.level == "error"]
    assert errors == [
        f"{path}: WeeklyReportDeliveryFailed: amtool config routes test: error: expected "
        "receivers observability-updates,ops-jira,ops-email, Alertmanager routes it to "
        "observability-updates,ops-email,ops-jira"
    ]


def test_a_broken_config_fails_amtool_check(tmp_path: Path) -> None:
    find_tool("amtool")
    out = tmp_path / "generated"
    shutil.copytree(ROOT / "tests/golden/routing-minimal/expected", out)
    config = out / "alertmanager/alertmanager.yaml"
    config.write_text(config.read_text().replace("receiver: web-slack", "receiver: nobody", 1))
    errors = [f for f in lint(out).findings if f.level == "error"]
    assert any(f.tool == "amtool check-config" and "nobody" in f.message for f in errors)


def test_older_amtool_checks_a_copy_with_placeholders() -> None:
    config = _load(ROOT / "tests/golden/routing/expected/alertmanager/alertmanager.yaml")
    copy, replaced = lint_alertmanager.checkable(config, (0, 25))
    assert replaced == [
        "finance-jira: jira_configs (0.28)",
        "finance-secret-hook: webhook url_file (0.26)",
        "payments-teams: msteamsv2_configs (0.28)",
        "payments-telegram: telegram bot_token_file (0.26)",
    ]
    assert [r["name"] for r in copy["receivers"]] == [r["name"] for r in config["receivers"]]
    assert "bot_token_file" in str(config) and "bot_token_file" not in str(copy)
    assert lint_alertmanager.checkable(config, (0, 28)) == (config, [])


LABEL_VALUES = {
    "team": st.sampled_from(["payments", "finance", "other", ""]),
    "severity": st.sampled_from(["critical", "page", "warning", "ticket", "info", "x", ""]),
    "alertname": st.sampled_from(["LedgerImbalance", "LedgerX", "Checkout", ""]),
    "env": st.sampled_from(["prod", "staging", ""]),
    "service": st.sampled_from(["checkout", "ledger", ""]),
}


@pytest.fixture(scope="module")
def amtool_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden config, downgraded for the installed amtool when needed."""
    find_tool("amtool")
    version = lint_alertmanager.amtool_version() or (0, 28)
    config = _load(ROOT / "tests/golden/routing/expected/alertmanager/alertmanager.yaml")
    copy, _ = lint_alertmanager.checkable(config, version)
    target = tmp_path_factory.mktemp("amtool") / "alertmanager.yaml"
    target.write_text(yaml.safe_dump(copy))
    return target


@settings(max_examples=60, derandomize=True, deadline=None)
@given(labels=st.fixed_dictionaries({}, optional=LABEL_VALUES))
def test_obsgen_routes_like_alertmanager(amtool_config: Path, labels: dict[str, str]) -> None:
    """`routing.deliver` (used for compile-time checks and the table) matches amtool."""
    project = api.project(ROOT / "tests/golden/routing/specs")
    assert project.routing is not None
    labels = {k: v for k, v in labels.items() if v} or {"alertname": "Unlabelled"}
    done = run_tool(
        "amtool", "config", "routes", "test", f"--config.file={amtool_config}",
        *(f'{k}="{v}"' for k, v in sorted(labels.items())),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ",".join(router.deliver(project.routing.tree, labels))


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))
