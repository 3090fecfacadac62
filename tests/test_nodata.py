"""No-data alerts in the words of the teams that asked, through promtool: hand-written
scenarios over the rules obsgen compiles from a small spec."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from obsgen import api
from tests.conftest import find_tool, run_tool, service_rules

SPEC = """\
apiVersion: obsgen/v1
kind: Service
metadata: {name: shop, team: web}
slos:
  - name: checkout
    objective: 99.9
    sli:
      ratio:
        errors: http_requests_total{job="shop",code=~"5.."}
        total: http_requests_total{job="shop"}
    no_data: {for: 10m}
alerts:
  - name: WorkerStopped
    expr: sum by (worker_name) (increase(worker_runs_total{job="worker"}[5m])) == 0
    for: 1m
    severity: critical
    summary: A worker stopped.
    absent: {for: 10m}
scrape_jobs:
  - job: shop
    for: 5m
"""


def _rules(tmp_path: Path) -> Path:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "shop.yaml").write_text(SPEC)
    files = api.compile_specs(specs)
    rules = tmp_path / "shop.rules.yaml"
    rules.write_text(service_rules(files, "shop"))
    return rules


def _promtool(tmp_path: Path, series: list[dict[str, str]], checks: list[dict[str, object]]
              ) -> None:
    rules = _rules(tmp_path)
    test = {"rule_files": [rules.name], "evaluation_interval": "1m",
            "tests": [{"interval": "1m", "input_series": series, "promql_expr_test": checks}]}
    (tmp_path / "t.yaml").write_text(yaml.safe_dump(test))
    result = run_tool(find_tool("promtool"), "test", "rules", "t.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def _fires(alert: str, at: str, labels: dict[str, str] | None) -> dict[str, object]:
    """At `at`, `alert` fires with exactly `labels` (None: it does not fire), on ALERTS."""
    state = f'alertname="{alert}",alertstate="firing"'
    samples = [] if labels is None else [{"labels": "ALERTS{" + ",".join(
        [state, *(f'{k}="{v}"' for k, v in sorted(labels.items()))]) + "}", "value": 1}]
    return {"expr": f"ALERTS{{{state}}}", "eval_time": at, "exp_samples": samples}


@pytest.mark.tools
def test_worker_scrape_target_disappears_and_the_guard_fires_after_10m(tmp_path: Path) -> None:
    """If the worker's scrape target disappears, WorkerStopped's NoData guard fires after
    10m; while the worker's counter is scraped it stays quiet."""
    series = [{"series": 'worker_runs_total{job="worker",worker_name="import"}',
               "values": "0+1x20 stale"}]  # scraped until 20m, gone from 21m
    base = {"job": "worker", "service": "shop", "team": "web", "severity": "critical"}
    _promtool(tmp_path, series, [
        _fires("WorkerStoppedNoData", "20m", None),
        _fires("WorkerStoppedNoData", "30m", None),  # gone 9 minutes: pending
        _fires("WorkerStoppedNoData", "31m", base),
        _fires("WorkerStopped", "31m", None),  # the alert it guards cannot see the loss
    ])


@pytest.mark.tools
def test_slo_request_counter_vanishes_and_its_no_data_alert_fires(tmp_path: Path) -> None:
    """An SLO whose request counter vanishes raises its NoData alert; while the counter exists
    with zero traffic it stays quiet."""
    series = [{"series": 'http_requests_total{job="shop",code="200"}',
               "values": "100x40 stale"}]  # flat: no traffic for 40m, then gone
    labels = {"job": "shop", "service": "shop", "team": "web", "slo": "checkout",
              "severity": "ticket"}
    _promtool(tmp_path, series, [
        _fires("ShopCheckoutSLINoData", "40m", None),
        _fires("ShopCheckoutSLINoData", "50m", None),
        _fires("ShopCheckoutSLINoData", "51m", labels),
    ])


@pytest.mark.tools
def test_a_job_whose_target_is_down_for_5m_fires_target_down(tmp_path: Path) -> None:
    """A job whose target is down for 5m fires TargetDown, one instance per target; a job with
    targets never fires TargetAbsent."""
    series = [{"series": 'up{job="shop",instance="a:80"}', "values": "1x9 0x10"},
              {"series": 'up{job="shop",instance="b:80"}', "values": "1x19"}]
    down = {"job": "shop", "instance": "a:80", "service": "shop", "team": "web",
            "severity": "ticket"}
    _promtool(tmp_path, series, [
        _fires("ShopTargetDown", "14m", None),  # down since 10m: 4 minutes
        _fires("ShopTargetDown", "15m", down),
        _fires("ShopTargetAbsent", "15m", None),
    ])
