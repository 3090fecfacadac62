"""Existing team runbooks (runbook.id and runbook.url): the alert opens the team's runbook,
obsgen's page stays one annotation away, and the pages and indexes name the id."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from obsgen import api
from tests.conftest import find_tool, run_tool

SERVICE = """\
apiVersion: obsgen/v1
kind: Service
metadata: {name: cache, team: journal}
slos:
  - name: hits
    objective: 99
    sli:
      ratio:
        errors: cache_requests_total{result="error"}
        total: cache_requests_total
    runbook: {id: RB-06, url: "https://runbooks/redis"}
alerts:
  - name: RedisDown
    expr: max(redis_up) == 0
    for: 2m
    severity: page
    summary: Redis is down.
    description: No Redis instance answers.
    runbook: {id: RB-06, url: "https://runbooks/redis"}
  - name: RedisEvicting
    expr: sum(rate(redis_evicted_keys_total[5m])) > 10
    for: 10m
    severity: ticket
    summary: Redis evicts keys.
    description: Redis is out of memory.
    runbook: {id: RB-06b}
  - name: RedisSlowlog
    expr: max(redis_slowlog_length) > 100
    for: 10m
    severity: info
    summary: Redis logs slow commands.
    description: Slow commands pile up.
probes:
  - name: redis-port
    tcp: {address: "redis.cache.svc:6379"}
    runbook: {id: RB-06, url: "https://runbooks/redis"}
"""


@pytest.fixture
def out(tmp_path: Path) -> Path:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "cache.yaml").write_text(SERVICE)
    target = tmp_path / "generated"
    api.generate(specs, target)
    return target


def _rules(out: Path) -> dict[str, dict[str, str]]:
    groups = [g for path in sorted((out / "prometheus/rules").glob("cache.*yaml"))
              for g in yaml.safe_load(path.read_text())["groups"]]
    return {r["alert"]: r["annotations"] for g in groups for r in g["rules"] if "alert" in r}


@pytest.mark.tools
def test_redis_down_for_two_minutes_pages_with_rb06_and_obsgens_page_beside_it(
    out: Path, tmp_path: Path
) -> None:
    """"Redis down for 2 minutes pages; the page opens RB-06": a hand-written promtool test
    over the generated rule file."""
    promtool = find_tool("promtool")
    page = "runbooks/cache/RedisDown.md"
    assert (out / page).is_file()
    scenario = {
        "rule_files": [str(out / "prometheus/rules/cache.rules.yaml")],
        "evaluation_interval": "1m",
        "tests": [{
            "interval": "1m",
            "input_series": [{"series": 'redis_up{instance="r1"}', "values": "1 1 0x10"}],
            "alert_rule_test": [
                {"eval_time": "3m", "alertname": "RedisDown", "exp_alerts": []},
                {"eval_time": "5m", "alertname": "RedisDown", "exp_alerts": [{
                    "exp_labels": {"service": "cache", "team": "journal", "severity": "page"},
                    "exp_annotations": {
                        "summary": "Redis is down.",
                        "description": "No Redis instance answers.",
                        "runbook_url": "https://runbooks/redis",
                        "obsgen_runbook_url": page,
                    },
                }]},
            ],
        }],
    }
    test_file = tmp_path / "redis.test.yaml"
    test_file.write_text(yaml.safe_dump(scenario, sort_keys=False))
    done = run_tool(promtool, "test", "rules", str(test_file))
    assert done.returncode == 0, done.stdout + done.stderr
    # The same scenario with the generated page as runbook_url fails: promtool compares.
    scenario["tests"][0]["alert_rule_test"][1]["exp_alerts"][0]["exp_annotations"] = {
        "summary": "Redis is down.", "description": "No Redis instance answers.",
        "runbook_url": page}
    test_file.write_text(yaml.safe_dump(scenario, sort_keys=False))
    assert run_tool(promtool, "test", "rules", str(test_file)).returncode != 0


def test_slo_plain_and_probe_alerts_link_the_team_runbook_and_the_generated_page(
    out: Path,
) -> None:
    rules = _rules(out)
    linked = [name for name, notes in rules.items()
              if notes["runbook_url"] == "https://runbooks/redis"]
    assert sorted(linked) == ["CacheHitsBudgetBurn", "CacheHitsBurnRate",
                              "CacheRedisPortProbeFailing", "RedisDown"]
    for name in linked:
        assert (out / rules[name]["obsgen_runbook_url"]).is_file(), name
    for name in ("RedisEvicting", "RedisSlowlog"):  # an id alone moves no link
        assert set(rules[name]) >= {"runbook_url"} and "obsgen_runbook_url" not in rules[name]
        assert (out / rules[name]["runbook_url"]).is_file(), name


def test_the_page_names_the_id_and_links_the_team_runbook(out: Path) -> None:
    page = (out / "runbooks/cache/RedisDown.md").read_text()
    assert "**Team runbook** [RB-06](https://runbooks/redis)" in page
    evicting = (out / "runbooks/cache/RedisEvicting.md").read_text()
    assert "**Team runbook** RB-06b" in evicting
    assert "Team runbook" not in (out / "runbooks/cache/RedisSlowlog.md").read_text()


def test_the_indexes_list_the_ids(out: Path) -> None:
    for index, link in (("runbooks/README.md", "cache/RedisDown.md"),
                        ("runbooks/cache/README.md", "RedisDown.md")):
        rows = {line.split("|")[1].strip(): line.split("|")
                for line in (out / index).read_text().splitlines() if line.startswith("| [")}
        assert "team runbook" in (out / index).read_text()
        assert "[RB-06](https://runbooks/redis)" in "|".join(rows[f"[RedisDown]({link})"])
        evicting = next(v for k, v in rows.items() if k.startswith("[RedisEvicting]"))
        assert " RB-06b " in evicting
