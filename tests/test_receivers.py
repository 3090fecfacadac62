"""Jira and SMS receivers: the rendered Alertmanager fields against the documented ones,
secrets only as files, the version gate, and who receives what.

amtool here is 0.25, which predates `jira_configs` (0.28): it checks SMS (`sns_configs`,
0.23+) for real, and Jira only in the copy where lint swaps `jira_configs` for a placeholder
webhook. The Jira fields themselves are checked against Alertmanager 0.28's documented list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from obsgen import api, router
from obsgen.lint import alertmanager as lint_alertmanager
from tests.conftest import ROOT, find_tool, run_tool

GOLDEN = ROOT / "tests/golden/routing"

JIRA_CONFIG_FIELDS = {
    "send_resolved", "api_url", "project", "summary", "description", "labels", "priority",
    "issue_type", "resolve_transition", "reopen_transition", "wont_fix_resolution",
    "reopen_duration", "fields", "http_config",
}
"""`<jira_config>` in Alertmanager 0.28's docs/configuration.md (config.JiraConfig)."""
JIRA_REQUIRED = {"project", "issue_type"}
"""JiraConfig.UnmarshalYAML rejects a config without these; api_url falls back to
global.jira_api_url, which obsgen does not write, so obsgen always sets it."""
HTTP_CONFIG_AUTH = {"basic_auth": {"username", "password_file"},
                    "authorization": {"type", "credentials_file"}}
SNS_CONFIG_FIELDS = {"send_resolved", "api_url", "sigv4", "topic_arn", "subject",
                     "phone_number", "target_arn", "message", "attributes", "http_config"}
"""`<sns_config>` in Alertmanager 0.25's docs (config.SNSConfig)."""
SIGV4_FIELDS = {"region", "access_key", "secret_key", "profile", "role_arn"}


def _config() -> dict[str, Any]:
    text = (GOLDEN / "expected/alertmanager/alertmanager.yaml").read_text()
    return dict(yaml.safe_load(text))


def _receiver(name: str) -> dict[str, Any]:
    return next(r for r in _config()["receivers"] if r["name"] == name)


def _routing(tmp_path: Path, receivers: str, version: str = "0.28") -> Path:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "web.yaml").write_text(
        "apiVersion: obsgen/v1\nkind: Service\nmetadata: {name: web, team: web}\nalerts:\n"
        "  - {name: WebDown, expr: 'up == 0', for: 5m, severity: critical, summary: Down.}\n"
        "  - {name: WebSlow, expr: 'up > 1', for: 5m, severity: warning, summary: Slow.}\n")
    (specs / "routing.yaml").write_text(
        f"apiVersion: obsgen/v1\nkind: Routing\nalertmanager_version: \"{version}\"\n"
        f"defaults: {{receiver: first}}\nreceivers:\n{receivers}\nteams:\n"
        "  - {name: web, page: {receivers: [first]}, ticket: {receivers: [first]}}\n")
    out = tmp_path / "out"
    api.generate(specs, out)
    return out / "alertmanager/alertmanager.yaml"


def test_jira_config_uses_only_documented_fields_and_secrets_as_files() -> None:
    jira = _receiver("finance-jira")
    assert list(jira) == ["name", "jira_configs"]
    (config,) = jira["jira_configs"]
    assert set(config) <= JIRA_CONFIG_FIELDS
    assert set(config) >= JIRA_REQUIRED and config["api_url"].endswith("/rest/api/2/")
    (auth, fields), = config["http_config"].items()
    assert set(fields) == HTTP_CONFIG_AUTH[auth]
    assert fields == {"username": "alertmanager@example.com",
                      "password_file": "/run/secrets/jira-token"}
    assert config["reopen_duration"] == "7d" and config["send_resolved"] is True


def test_a_data_center_token_becomes_a_bearer_credentials_file(tmp_path: Path) -> None:
    path = _routing(tmp_path, (
        "  - name: first\n    jira:\n      api_url: https://jira.example.com/rest/api/2\n"
        "      project: OPS\n      issue_type: Task\n      token_file: /etc/am/jira-pat\n"))
    (config,) = yaml.safe_load(path.read_text())["receivers"][0]["jira_configs"]
    assert set(config) <= JIRA_CONFIG_FIELDS
    assert config["http_config"] == {
        "authorization": {"type": "Bearer", "credentials_file": "/etc/am/jira-pat"}}
    assert "password" not in path.read_text()


def test_jira_priority_follows_the_severity_classes() -> None:
    (config,) = _receiver("finance-jira")["jira_configs"]
    priority = config["priority"]
    for severities, level in ((('"critical"', '"page"'), "High"),
                              (('"warning"', '"ticket"'), "Medium")):
        assert f"severity {' '.join(severities)} }}}}{level}" in priority
    assert priority.endswith("{{ else }}Low{{ end }}")


def test_sms_through_sns_texts_the_phone_number() -> None:
    sms = _receiver("payments-sms")
    assert list(sms) == ["name", "sns_configs"]
    (config,) = sms["sns_configs"]
    assert set(config) <= SNS_CONFIG_FIELDS and set(config["sigv4"]) <= SIGV4_FIELDS
    assert config["phone_number"] == "+447700900123"
    assert "topic_arn" not in config and "target_arn" not in config
    assert not {"access_key", "secret_key"} & set(config["sigv4"])
    assert config["send_resolved"] is False


def test_an_sms_gateway_is_a_webhook_beside_the_receivers_own_webhook() -> None:
    gateway = _receiver("payments-sms-gateway")
    assert list(gateway) == ["name", "webhook_configs"]
    assert [c["url"] for c in gateway["webhook_configs"]] == [
        "http://sachet.internal:9876/alert", "http://relay.internal:8080/payments"]


def test_a_page_texts_the_on_call_and_a_finance_ticket_opens_a_jira_issue() -> None:
    """In the team's words: payments pages reach PagerDuty/Opsgenie, Telegram and both SMS
    routes; finance tickets go to the relay, then Jira."""
    project = api.project(GOLDEN / "specs")
    assert project.routing is not None
    tree = project.routing.tree
    page = router.deliver(tree, {"team": "payments", "severity": "critical",
                                 "alertname": "CheckoutQueueStuck"})
    assert page[-2:] == ["payments-sms", "payments-sms-gateway"]
    ticket = router.deliver(tree, {"team": "finance", "severity": "ticket", "env": "staging",
                                   "alertname": "LedgerImbalance"})
    assert ticket == ["finance-relay", "finance-jira"]
    info = router.deliver(tree, {"team": "payments", "severity": "info", "alertname": "X"})
    assert "payments-sms" not in info


def test_older_amtool_gets_a_placeholder_for_jira() -> None:
    config = _config()
    copy, replaced = lint_alertmanager.checkable(config, (0, 27))
    assert "finance-jira: jira_configs (0.28)" in replaced
    jira = next(r for r in copy["receivers"] if r["name"] == "finance-jira")
    assert "jira_configs" not in jira and jira["webhook_configs"][0]["send_resolved"] is True
    assert "jira_configs" in str(config)
    assert lint_alertmanager.checkable(config, (0, 28))[1] == []


@pytest.mark.tools
def test_amtool_accepts_sms_through_sns_and_rejects_it_without_a_destination(
    tmp_path: Path,
) -> None:
    """Alertmanager 0.25 reads sns_configs: the SMS config passes amtool check-config, and
    the same config without phone_number fails it (so the check reads the field)."""
    find_tool("amtool")
    path = _routing(tmp_path, (
        "  - name: first\n    sms:\n      phone_number: \"+15555550123\"\n"
        "      sns: {region: us-east-1, profile: alerts}\n"), version="0.25")
    done = run_tool("amtool", "check-config", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    config = yaml.safe_load(path.read_text())
    del config["receivers"][0]["sns_configs"][0]["phone_number"]
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(config))
    done = run_tool("amtool", "check-config", str(broken))
    assert done.returncode != 0 and "Phone Number" in done.stdout + done.stderr
