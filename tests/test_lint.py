"""`obsgen lint` and `obsgen explain`: own checks, tool output parsing, exit codes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from obsgen import cli
from obsgen.lint import Finding, Report, own_checks, promtool_test_failures
from tests.conftest import ROOT, find_tool

GOLDEN = ROOT / "tests" / "golden" / "ratio-basic"

RULES = """\
groups:
  - name: shop.alerts
    rules:
      - alert: cart_errors
        expr: up == 0
        labels: {severity: page}
        annotations:
          summary: Cart down.
          runbook_url: https://example.com/runbooks/shop/cart_errors.md
      - alert: CartSlow
        expr: up == 0
        for: 0s
        annotations:
          summary: Cart slow.
          description: Slow.
          runbook_url: https://example.com/runbooks/shop/CartSlow.md
"""
TESTS = """\
tests:
  - interval: 1m
    input_series: []
    alert_rule_test:
      - eval_time: 1m
        alertname: Renamed
        exp_alerts: []
    promql_expr_test:
      - expr: ALERTS{alertname="CartSlow"}
        eval_time: 1m
        exp_samples:
          - labels: ALERTS{alertname="CartSlow",alertstate="firing"}
            value: 1
"""


def test_own_checks_name_every_problem(tmp_path: Path) -> None:
    (tmp_path / "prometheus").mkdir()
    rules, tests = tmp_path / "shop.rules.yaml", tmp_path / "shop.test.yaml"
    rules.write_text(RULES)
    tests.write_text(TESTS)
    (tmp_path / "runbooks" / "shop").mkdir(parents=True)
    (tmp_path / "runbooks" / "shop" / "CartSlow.md").write_text("# CartSlow\n")
    found = [f.format() for f in own_checks(tmp_path, [rules], [tests])]
    r, t = str(rules), str(tests)
    assert found == [
        f"{r}: obsgen: error: cart_errors: alert names are CamelCase",
        f"{r}: obsgen: error: cart_errors: no description annotation",
        f"{r}: obsgen: error: cart_errors: plain alert without `for` — set it in the spec "
        "(for: 0s to fire on a single evaluation on purpose)",
        f"{r}: obsgen: error: cart_errors: runbook_url "
        "https://example.com/runbooks/shop/cart_errors.md is not a generated runbook page",
        f"{t}: obsgen: error: tests name alert Renamed, which no rule defines",
        f"{r}: obsgen: warning: cart_errors: no test shows it firing — add tests: to the "
        "alert in its spec",
    ]


def test_promtool_failures_become_one_line_each() -> None:
    output = """Unit Testing:  edge.test.yaml
  FAILED:
    name: login: outage,
    alertname: EdgeBurn, time: 6h5m,
        exp:[ ... ],
        got:[]
    name: login: quiet,
    expr: "count_over_time(ALERTS[6h])", time: 6h,
        exp: nil
"""
    assert promtool_test_failures(output) == [
        "login: outage: alertname: EdgeBurn at 6h5m: got differs from expected "
        "(run promtool test rules on this file for the diff)",
        'login: quiet: expr: "count_over_time(ALERTS[6h])" at 6h: got differs from expected '
        "(run promtool test rules on this file for the diff)",
    ]


def _out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(GOLDEN / "expected", out)
    return out


def test_lint_exits_3_naming_the_install_command_when_promtool_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _out(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert cli.main(["lint", "--out", str(out)]) == 3
    assert ("promtool is not installed — install it: apt-get install "
            "--no-install-recommends prometheus") in capsys.readouterr().out


@pytest.mark.tools
def test_lint_exits_1_when_a_generated_test_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    find_tool("promtool")
    out = _out(tmp_path)
    rules = out / "prometheus" / "rules" / "checkout.availability.rules.yaml"
    rules.write_text(rules.read_text().replace("(14.4 * 0.001)", "(144 * 0.001)", 1))
    assert cli.main(["lint", "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "checkout/availability.test.yaml: promtool test rules: error: " in printed


@pytest.mark.tools
def test_lint_passes_on_golden_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    find_tool("promtool")
    out = _out(tmp_path)
    assert cli.main(["lint", "--out", str(out)]) == 0
    assert "0 errors" in capsys.readouterr().err


def test_strict_turns_warnings_into_failures() -> None:
    warning = Finding("f", "obsgen", "warning", "X: no test shows it firing")
    report = Report((warning,), (), 1)
    assert report.errors(strict=False) == []
    assert report.errors(strict=True) == [warning]


def test_explain_names_the_slos_when_the_target_is_unknown(
    capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["explain", "--specs", str(GOLDEN / "specs"), "checkout/nope"]) == 3
    assert "one of: checkout/" in capsys.readouterr().err
