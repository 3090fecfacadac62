"""Semantic lint (`obsgen/lint/semantic.py`, `lint/routing.py`): golden cases and mutations.

Golden cases: every tests/semantic/<case>/specs folder lints to exactly the lines of its
expected.txt (`--update-goldens` rewrites them). Mutations: the `clean` case, which holds
the fixed version of every pattern, lints clean; each mutation brings one pattern back
(an unscoped selector, a broad inhibition, ...) and must produce exactly its message.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from obsgen import api, cli
from obsgen.lint import Finding, semantic
from tests.conftest import find_tool

SEMANTIC = Path(__file__).parent / "semantic"
CASES = sorted(p.name for p in SEMANTIC.iterdir() if (p / "specs").is_dir())
CLEAN = (SEMANTIC / "clean" / "specs" / "services.yaml").read_text()


def _lines(specs: Path) -> list[str]:
    return [f.format() for f in semantic.findings(api.project(specs))]


@pytest.mark.parametrize("case", CASES)
def test_semantic_case(case: str, monkeypatch: pytest.MonkeyPatch, update_goldens: bool) -> None:
    folder = SEMANTIC / case
    monkeypatch.chdir(folder)
    got = "".join(f"{line}\n" for line in _lines(Path("specs")))
    expected = folder / "expected.txt"
    if update_goldens:
        expected.write_text(got)
    assert got == expected.read_text()


def test_every_check_has_a_case() -> None:
    assert {"unscoped-selector", "first-event", "inhibition-scope", "fleet-critical",
            "raw-sli-cadence", "for-below-interval", "routed-labels", "dead-team-route",
            "undeclared-metric",
            "clean"} <= set(CASES)
    assert (SEMANTIC / "clean" / "expected.txt").read_text() == ""


MUTATIONS: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "unscoped selector": ('pg_up{job="trading-postgres"} == 0', "pg_up == 0", [
        ("warning", "DatabaseConnectionLost: a fleet-wide critical alert (pg_up has no scope "
         "matcher): whenever any pg_up series of the fleet fires it, the built-in "
         "critical-inhibits-warning rule mutes every warning of trading (OrdersSlow) — scope "
         "the selector, or set inhibitions.critical_inhibits_warning: false in the Routing "
         "document"),
        ("warning", "DatabaseConnectionLost: selector pg_up has no job, service, namespace, "
         "instance or other scope matcher, so it matches every pg_up series of the fleet and "
         'team trading is alerted for all of them — add a matcher such as pg_up{job="trading"}'),
    ]),
    "counter born at its first event": (
        '\n      or (sum by (level) (circuit_breakers_triggered_total{job="trading"} unless '
        'circuit_breakers_triggered_total{job="trading"} offset 5m))', "", [
            ("warning", 'CircuitBreakerTriggered: increase(circuit_breakers_triggered_total'
             '{job="trading"}[5m]) > 0 misses the first event of every '
             'circuit_breakers_triggered_total{job="trading"} series created at that event (it '
             "starts at 1, with no earlier sample for increase() to compare) — alert on new "
             'series too: (increase(circuit_breakers_triggered_total{job="trading"}[5m]) > 0) '
             'or (circuit_breakers_triggered_total{job="trading"} unless '
             'circuit_breakers_triggered_total{job="trading"} offset 5m), or initialise the '
             "counter at 0 for every label value"),
        ]),
    "broad inhibition": (
        "      target: ['service=\"trading\"', 'alertname!=\"DatabaseConnectionLost\"']\n"
        "      equal: [service]",
        "      target: ['severity=\"warning\"']\n      equal: []", [
            ("error", 'inhibition source [alertname="DatabaseConnectionLost"] target '
             '[severity="warning"] equal []: equal lacks service, so DatabaseConnectionLost of '
             "trading firing mutes InvoicesLate of billing (the target matchers take alerts "
             "of 1 other service) — add service to equal"),
            ("warning", 'inhibition source [alertname="DatabaseConnectionLost"] target '
             '[severity="warning"] equal []: the target matchers match alerts of 2 teams '
             "(billing, trading), so one team's alerts inhibit or are inhibited by another's — "
             'narrow the target matchers to one service (e.g. add service="billing")'),
        ]),
    "window shorter than the cadence": ("sample_interval: 1m", "sample_interval: 15m", [
        ("error", 'SLO latency: the subquery [5m:1m] over signal_latency_p95_ms{job="trading"} '
         "(alert window 5m) is shorter than twice the raw SLI's sample_interval 15m: it holds no "
         "sample at times, so the error ratio goes missing or jumps — widen the window to at "
         "least 30m (2× the cadence), or sample more often"),
    ]),
    "for below the evaluation interval": (
        "for: 1m\n    severity: warning", "for: 45s\n    severity: warning", [
            ("warning", "OrdersSlow: for: 45s is shorter than the 1m evaluation interval of its "
             "rule group: the alert fires at the second evaluation that sees the condition, "
             "exactly as with for: 1m, so `for` means nothing — set for: 0s to fire on one "
             "evaluation, or for: 1m or longer"),
        ]),
    "team label overwritten": (
        "sum by (le) (rate(order_seconds_bucket", "sum by (le, team) (rate(order_seconds_bucket", [
            ("warning", "OrdersSlow: the expression keeps a team label (by (team)) that the "
             "rule's team=\"trading\" overwrites: routing never sees the series' team, and "
             "series that differ only in it collide (vector contains metrics with the same "
             "labelset after applying alert labels) — drop team from by (...), or label_replace "
             "it to another name such as exported_team"),
        ]),
    "dead team route": (
        "['alertname=\"CircuitBreakerTriggered\"']", "['alertname=\"CircuitBreakerTripped\"']", [
            ("warning", 'team trading route [alertname="CircuitBreakerTripped"] matches none of '
             "the team's 6 alerts: it names only labels obsgen sets, with values none of them "
             "carries, so it never delivers — fix the matchers (an alertname of the team's "
             "services, a severity they use)"),
        ]),
}


def _findings(tmp_path: Path, text: str) -> list[Finding]:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "services.yaml").write_text(text)
    return semantic.findings(api.project(specs))


def test_the_fixed_versions_are_clean(tmp_path: Path) -> None:
    assert _findings(tmp_path, CLEAN) == []


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutation_is_caught_with_its_message(name: str, tmp_path: Path) -> None:
    fixed, broken, expected = MUTATIONS[name]
    assert CLEAN.count(fixed) == 1, "the mutation must apply to the clean case exactly once"
    found = _findings(tmp_path, CLEAN.replace(fixed, broken))
    assert [(f.level, f.message) for f in found] == expected
    assert {(f.file, f.tool) for f in found} == {("specs/services.yaml", "obsgen-semantic")}


def test_lint_specs_default_is_the_folder_beside_the_output(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    args = argparse.Namespace(specs=None, out=out)
    assert cli.lint_specs(args) is None
    (tmp_path / "specs").mkdir()
    assert cli.lint_specs(args) == tmp_path / "specs"
    assert cli.lint_specs(argparse.Namespace(specs=Path("elsewhere"), out=out)) == \
        Path("elsewhere")


def test_checks_are_a_list_another_module_extends() -> None:
    """The hook for more project checks (e.g. lint/sensitivity.py): one entry of CHECKS."""
    assert semantic.CHECKS[0] is not None and len(semantic.CHECKS) >= 2


@pytest.mark.tools
def test_lint_reports_semantic_findings_and_fails_on_their_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    find_tool("promtool")
    case = SEMANTIC / "raw-sli-cadence" / "specs"
    out = tmp_path / "generated"
    api.generate(case, out)
    assert cli.main(["lint", "--specs", str(case), "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "specs/service.yaml: obsgen-semantic: error: SLO latency: the subquery [5m:15m]" \
        in printed
