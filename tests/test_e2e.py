"""End to end (issue 18 §2, `make e2e`): Debian's Prometheus, Alertmanager and blackbox_exporter
run what obsgen compiles from tests/e2e/specs/, and local receivers of every kind record what
arrives (obsgen/dev/e2e/). The run must deliver exactly what the generated routes table
promises, with labels, summary and a runbook link that resolves; a broken route, secret file
or inhibition must fail it.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from obsgen import api
from obsgen.dev.e2e import stack, verify
from obsgen.dev.e2e.run import Result, Tools, run
from obsgen.dev.e2e.scenario import Scenario, expectations
from tests.conftest import ROOT, find_tool

SPECS = ROOT / "tests/e2e/specs"
SCENARIO = ROOT / "tests/e2e/scenario.yaml"
KINDS = {"slack", "pagerduty", "telegram", "webhook", "opsgenie", "email", "sns", "teams", "jira"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("e2e") / "generated"
    api.generate(SPECS, out)
    return out


def _tools() -> Tools:
    alertmanager = "alertmanager" if shutil.which("alertmanager") else "prometheus-alertmanager"
    exporter = ("blackbox_exporter" if shutil.which("blackbox_exporter")
                else "prometheus-blackbox-exporter")
    return Tools(find_tool("prometheus"), find_tool(alertmanager), find_tool(exporter))


def _worst() -> verify.Worst:
    return verify.worst_cases(api.project(SPECS))


def _run(generated: Path, tmp_path: Path, tamper: Callable[[Path], None] | None = None,
         edit: Callable[[dict[str, object]], None] | None = None) -> Result:
    """A run over a copy of `generated`, its alertmanager.yaml edited by `edit` first."""
    out = tmp_path / "generated"
    shutil.copytree(generated, out)
    if edit is not None:
        path = out / "alertmanager/alertmanager.yaml"
        config = yaml.safe_load(path.read_text())
        edit(config)
        path.write_text(yaml.safe_dump(config))
    work = tmp_path / "run"
    work.mkdir()
    result = run(out, SCENARIO, work, _tools(), tamper, worst=_worst())
    print(result.report())
    return result


def test_the_runnable_config_reaches_only_loopback_and_the_run_folder(
        generated: Path, tmp_path: Path) -> None:
    prepared = stack.alertmanager_config(
        generated / "alertmanager/alertmanager.yaml", tmp_path / "secrets",
        lambda kind, name: f"http://127.0.0.1:1/{kind}/{name}/", 2, (0, 25))
    text = yaml.safe_dump(prepared.config)
    hosts = set(re.findall(r"https?://([^/:\s\"]+)", text))
    assert hosts == {"127.0.0.1"}, "every endpoint is a local sink"
    assert "smarthost: 127.0.0.1:2" in text
    assert "/etc/alertmanager" not in text, "every *_file moved to the run's secrets folder"
    assert "obsgen-placeholder" not in text, "every placeholder filled from its secret file"
    assert {k for kinds in prepared.integrations.values() for k, _, _ in kinds} == KINDS
    assert (tmp_path / "secrets/slack-web-url").read_text() == \
        "http://127.0.0.1:1/slack/web-slack/"
    assert prepared.notes and "0.25" in prepared.notes[0]


def test_the_scenario_covers_every_alert_and_names_real_incidents(generated: Path) -> None:
    scenario = Scenario.load(SCENARIO)
    expected = expectations(generated, scenario)
    table = yaml.safe_load((generated / "alertmanager/routes.test.yaml").read_text())
    assert {row["alert"] for row in table["routes"]} == set(expected)
    assert {e.silenced_by.split()[0] for e in expected.values() if e.silenced_by} == \
        {"inhibited", "muted"}


@pytest.mark.tools
def test_every_promised_delivery_arrives_and_nothing_else(generated: Path,
                                                          tmp_path: Path) -> None:
    result = _run(generated, tmp_path)
    assert result.ok, result.report()
    rows = result.verdict.rows
    assert {r.kind for r in rows} == KINDS, "every receiver kind obsgen renders delivered"
    assert all(r.fired is not None for r in rows)
    fanned = {r.alert for r in rows if r.receiver == "ops-webhook"}
    assert fanned == {"LedgerExportFailed"}, "the continue: true special case"
    assert {r.receiver for r in rows if r.alert == "LedgerExportFailed"} >= {"ops-teams",
                                                                              "ops-jira"}
    assert result.seconds < 150


@pytest.mark.tools
def test_a_route_that_disagrees_with_the_routes_table_fails_the_run(
        generated: Path, tmp_path: Path) -> None:
    def ticket_to_webhook(config: dict[str, object]) -> None:
        ops = config["route"]["routes"][0]  # type: ignore[index]
        assert ops["matchers"] == ['team="ops"']
        last = ops["routes"][-1]
        assert last["receiver"] == "ops-jira"
        last["receiver"] = "ops-webhook"

    result = _run(generated, tmp_path, edit=ticket_to_webhook)
    assert not result.ok
    assert any("LedgerReconcileLagging reached ops-webhook" in p
               for p in result.verdict.problems), result.report()


@pytest.mark.tools
def test_a_wrong_secret_file_fails_the_run(generated: Path, tmp_path: Path) -> None:
    def wrong_key(work: Path) -> None:
        (work / "secrets/pagerduty-web-key").write_text("someone-elses-key")

    result = _run(generated, tmp_path, tamper=wrong_key)
    assert not result.ok
    assert any("routing_key 'someone-elses-key' is not the one in web-pagerduty's secret file"
               in p for p in result.verdict.problems), result.report()


@pytest.mark.tools
def test_without_the_inhibition_the_inhibited_alert_is_delivered_and_fails_the_run(
        generated: Path, tmp_path: Path) -> None:
    def no_inhibitions(config: dict[str, object]) -> None:
        assert config.pop("inhibit_rules")

    result = _run(generated, tmp_path, edit=no_inhibitions)
    assert not result.ok
    assert any(p.startswith("ShopQueueBacklog (inhibited by ShopDatabaseDown) reached")
               for p in result.verdict.problems), result.report()


@pytest.mark.tools
def test_a_message_without_the_summary_and_runbook_link_fails_the_run(
        generated: Path, tmp_path: Path) -> None:
    def plain_slack(config: dict[str, object]) -> None:
        for receiver in config["receivers"]:  # type: ignore[attr-defined]
            for slack in receiver.get("slack_configs", []):
                slack.pop("text")

    result = _run(generated, tmp_path, edit=plain_slack)
    assert not result.ok
    assert any("at web-slack (slack): the message lacks the summary" in p
               for p in result.verdict.problems), result.report()
    assert any("at web-slack (slack): the message lacks the runbook_url" in p
               for p in result.verdict.problems), result.report()


def test_every_delivery_has_a_computed_worst_case(generated: Path) -> None:
    worst = _worst()
    expected = expectations(generated, Scenario.load(SCENARIO))
    promised = {(e.alert, r) for e in expected.values() for r in e.receivers}
    assert promised <= set(worst)
    assert worst[("ShopDatabaseDown", "web-pagerduty")] == (20.0, 5.0)


@pytest.mark.tools
def test_a_delivery_slower_than_its_worst_case_fails_the_run(
        generated: Path, tmp_path: Path) -> None:
    """Alertmanager made slower than the specs say (the web pages' group_wait 1s -> 9s): the
    measured deliveries exceed the worst cases computed from the specs."""
    def slow_pages(config: dict[str, object]) -> None:
        web = next(r for r in config["route"]["routes"]  # type: ignore[index]
                   if r["matchers"] == ['team="web"'])
        pages = [r for r in web["routes"] if r.get("receiver") == "web-pagerduty"]
        assert pages
        for route in pages:
            route["group_wait"] = route["group_interval"] = "9s"

    result = _run(generated, tmp_path, edit=slow_pages)
    assert not result.ok
    assert any("delivered to web-pagerduty (pagerduty)" in p and "over the computed worst case"
               in p for p in result.verdict.problems), result.report()
