"""Alert policies and threshold tiers: the model, the burn math, and the alerts in the words
of the teams that asked, through the real promtool on hand-written test files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from obsgen import api, durations
from obsgen.api import _validated
from obsgen.build import build
from obsgen.build.burn import WORKBOOK_POLICY, Condition, Policy, burn_windows
from obsgen.errors import SpecError
from obsgen.spec.loader import load_yaml_text
from tests.conftest import find_tool, run_tool, service_rules

HEAD = "apiVersion: obsgen/v1\n"


def _service(slo: str) -> str:
    return (f"{HEAD}kind: Service\nmetadata: {{name: web, team: web}}\nslos:\n"
            + "".join(f"  {line}\n" for line in slo.strip().splitlines()))


def _rules(tmp_path: Path, text: str, settings_text: str = "") -> Path:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "web.yaml").write_text(text)
    if settings_text:
        (specs / "settings.yaml").write_text(settings_text)
    files = api.compile_specs(specs)
    rules = tmp_path / "web.rules.yaml"
    rules.write_text(_without_annotations(service_rules(files, "web")))
    return rules


def _without_annotations(text: str) -> str:
    """The rules, without the alerts' annotations (the scenarios check labels only)."""
    data = yaml.safe_load(text)
    for group in data["groups"]:
        for rule in group["rules"]:
            rule.pop("annotations", None)
    return yaml.safe_dump(data)


def _promtool(rules: Path, tests: str) -> None:
    path = rules.parent / "intent.test.yaml"
    path.write_text(f"rule_files: [{rules.name}]\nevaluation_interval: 1m\ntests:\n{tests}")
    result = run_tool(find_tool("promtool"), "test", "rules", path.name, cwd=rules.parent)
    assert result.returncode == 0, result.stdout + result.stderr


REFLECT = _service("""
- name: reflect-delivery
  objective: 95
  window: 90d
  sli: {latency: {histogram: event_delivery_lag_ms, threshold: 3000}}
  alerts:
    page: {name: ReflectLatencyP95High, threshold: {window: 5m, for: 10m}}
""")


def _reflect_series(slow_minutes: int) -> str:
    """1000 deliveries a minute: 1% slower than 3 s for 10m, then 10% (p95 at about 3.5 s)
    for `slow_minutes`, then 1% again."""
    rest = 60 - 10 - slow_minutes
    slow_end = 9900 + 900 * slow_minutes
    fast = f"0+990x10 10800+900x{slow_minutes - 1} {slow_end + 990}+990x{rest - 1}"
    return (f"""      - series: event_delivery_lag_ms_bucket{{le="3000"}}
        values: {fast}
      - series: event_delivery_lag_ms_count
        values: 0+1000x60
""")


def _firing(at: str, firing: bool) -> str:
    labels = ("\n          - exp_labels: {service: web, team: web, slo: reflect-delivery, "
              "severity: page}") if firing else " []"
    return f"      - eval_time: {at}\n        alertname: ReflectLatencyP95High\n" \
           f"        exp_alerts:{labels}\n"


@pytest.mark.tools
def test_reflect_p95_at_3_5s_for_10m_pages(tmp_path: Path) -> None:
    rules = _rules(tmp_path, REFLECT)
    _promtool(rules, "  - interval: 1m\n    input_series:\n" + _reflect_series(30)
              + "    alert_rule_test:\n" + _firing("9m", False) + _firing("18m", False)
              + _firing("26m", True) + _firing("38m", True))


@pytest.mark.tools
def test_reflect_p95_at_3_5s_for_8m_does_not_page(tmp_path: Path) -> None:
    rules = _rules(tmp_path, REFLECT)
    checks = "".join(_firing(f"{m}m", False) for m in (15, 18, 20, 22, 25, 30, 45))
    _promtool(rules, "  - interval: 1m\n    input_series:\n" + _reflect_series(8)
              + "    alert_rule_test:\n" + checks)


@pytest.mark.tools
def test_steady_1pct_errors_on_a_999_90d_slo_with_a_threshold_page_tier_pages(
        tmp_path: Path) -> None:
    rules = _rules(tmp_path, _service("""
- name: login
  objective: 99.9
  window: 90d
  sli:
    ratio: {errors: 'http_requests_total{code="500"}', total: http_requests_total}
  alerts:
    page: {name: EdgeAvailabilityBurn, threshold: {window: 5m, for: 10m}}
"""))
    labels = "{service: web, team: web, slo: login, severity: page}"
    _promtool(rules, f"""  - interval: 1m
    input_series:
      - series: 'http_requests_total{{code="200"}}'
        values: 0+990x40
      - series: 'http_requests_total{{code="500"}}'
        values: 0+10x40
    alert_rule_test:
      - {{eval_time: 5m, alertname: EdgeAvailabilityBurn, exp_alerts: []}}
      - eval_time: 20m
        alertname: EdgeAvailabilityBurn
        exp_alerts:
          - exp_labels: {labels}
""")


OUTAGE_SETTINGS = f"""{HEAD}kind: Settings
alert_policies:
  outage-90d:
    page: [{{long: 10m, short: 5m, factor: 4}}]
    ticket: [{{long: 1d, short: 2h, factor: 2}}]
"""


@pytest.mark.tools
def test_a_90d_slo_total_outage_pages_within_minutes_under_a_policy(tmp_path: Path) -> None:
    """Every job fails from minute 61: paged within 10 minutes (the workbook: 5h27m)."""
    rules = _rules(tmp_path, _service("""
- name: sim
  objective: 95
  window: 90d
  sli:
    ratio: {errors: 'jobs_total{result="fail"}', total: jobs_total}
  alerts:
    policy: outage-90d
    page: {name: SimulationDown}
"""), OUTAGE_SETTINGS)
    labels = "{service: web, team: web, slo: sim, severity: page}"
    _promtool(rules, f"""  - interval: 1m
    input_series:
      - series: 'jobs_total{{result="ok"}}'
        values: 0+1000x60 60000x30
      - series: 'jobs_total{{result="fail"}}'
        values: 0x60 1000+1000x29
    alert_rule_test:
      - {{eval_time: 60m, alertname: SimulationDown, exp_alerts: []}}
      - eval_time: 70m
        alertname: SimulationDown
        exp_alerts:
          - exp_labels: {labels}
""")


def test_the_workbook_policy_rejects_that_outage_page_as_unreachable(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "web.yaml").write_text(_service("""
- name: sim
  objective: 95
  window: 90d
  sli:
    ratio: {errors: 'jobs_total{result="fail"}', total: jobs_total}
"""))
    with pytest.raises(SpecError) as caught:
        api.compile_specs(specs)
    assert [(d.line, d.col, d.path, d.message, d.hint) for d in caught.value.diagnostics] == [
        (5, 5, "slos[0].alerts.page", "the 1h condition of policy 'workbook' needs a burn of "
         "43.2x, i.e. 216% bad events: it can never fire", "use a shorter long window, a lower "
         "factor, or a threshold tier (alerts.page.threshold)")]


def test_workbook_policy_is_the_sre_workbook() -> None:
    """30d: 14.4/6 page, 3/1 ticket; 28d: the Sloth defaults; 7d: windows scaled."""
    assert [(w.long_s, w.short_s, w.factor) for w in burn_windows(30, "page")] == [
        (3600, 300, Decimal("14.4")), (21600, 1800, Decimal(6))]
    assert [w.factor for w in burn_windows(28, "ticket")] == [Decimal("2.8"),
                                                               Decimal("0.9333")]
    assert [w.long_s for w in burn_windows(7, "page")] == [900, 5400]


def test_explicit_windows_are_not_scaled_and_factors_are_kept() -> None:
    policy = Policy("p", page=(Condition(3600, 300, factor=Decimal(10)),),
                    ticket=(Condition(86400, 7200, budget_share=Decimal("0.1")),))
    page = burn_windows(7, "page", policy)
    assert [(w.long_s, w.short_s, w.factor) for w in page] == [(3600, 300, Decimal(10))]
    assert abs(page[0].budget_fraction - Decimal(10) * 3600 / (7 * 86400)) < Decimal("1e-6")
    assert burn_windows(7, "ticket", policy)[0].factor == Decimal("0.7")


def _compiled(text: str) -> list[Decimal] | list[str]:
    docs, problems = load_yaml_text(text, "specs/x.yaml", "specs/x.yaml")
    assert not problems
    specs, found = _validated(docs)
    if found:
        return [str(d) for d in found]
    project = build(specs)
    return [w.factor * slo.budget for svc in project.services for slo in svc.slos
            for a in slo.alerts for w in a.windows]


windows = st.sampled_from(["5m", "10m", "30m", "1h", "6h", "1d", "3d"])


@settings(derandomize=True, max_examples=150, deadline=None)
@given(objective=st.sampled_from([50, 80, 90, 95, 99, 99.5, 99.9, 99.99]),
       days=st.integers(1, 365), policy=st.sampled_from(["workbook", "mine"]),
       long=windows, factor=st.sampled_from([0.5, 1, 3, 10, 50, 500]),
       share=st.sampled_from([0.5, 2, 10, 50]), threshold=st.booleans())
def test_every_condition_can_fire_or_is_rejected(
        objective: float, days: int, policy: str, long: str, factor: float, share: float,
        threshold: bool) -> None:
    page = f"threshold: {{window: 5m, for: 10m, factor: {factor}}}" if threshold else ""
    text = (_service(f"""
- name: s
  objective: {objective}
  window: {days}d
  sli: {{ratio: {{errors: 'x_total{{c="bad"}}', total: x_total}}}}
  alerts: {{policy: {policy}, page: {{{page}}}}}
""") + f"""---
{HEAD}kind: Settings
alert_policies:
  mine:
    page: [{{long: {long}, short: 5m, factor: {factor}}}]
    ticket: [{{long: {long}, short: 5m, budget_share: {share}}}]
""")
    found = _compiled(text)
    if found and isinstance(found[0], str):
        assert all("it can never fire" in d for d in found), found
    else:
        assert found and all(isinstance(r, Decimal) and r < 1 for r in found)


def test_workbook_policy_object_is_the_default() -> None:
    assert burn_windows(30, "page") == burn_windows(30, "page", WORKBOOK_POLICY)


def test_sensitivity_a_threshold_tier_catches_any_burn_above_its_factor() -> None:
    from obsgen.proof import sensitivity

    docs, problems = load_yaml_text(REFLECT, "specs/x.yaml", "specs/x.yaml")
    assert not problems
    specs, found = _validated(docs)
    assert not found
    slo = build(specs).services[0].slos[0]
    band = sensitivity.band(slo)
    assert band.lowest == 1 and not band.silent
    hit = sensitivity.first(slo, Decimal("1.1"))
    assert hit is not None and hit.alert.name == "ReflectLatencyP95High"
    assert 10 * 60 < hit.after_s <= (5 + 10) * 60


def test_explain_and_the_runbook_describe_a_threshold_tier_in_sli_terms(tmp_path: Path) -> None:
    """A threshold tier is "the SLI below its objective", not a burn rate over two windows."""
    from obsgen.proof.explain import explain

    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "web.yaml").write_text(REFLECT)
    slo = api.project(specs).services[0].slos[0]
    text = explain(slo)
    assert "  more than 5% bad events over 5m: the SLI below its 95% objective\n" in text
    assert "  just above the 5m threshold (5.5% bad events): fires" in text
    assert "burn above 1x over 5m" not in text
    page = next(t for p, t in api.compile_specs(specs).items()
                if p.startswith("runbooks/") and p.endswith("/ReflectLatencyP95High.md"))
    assert "| bad events above | over | at that rate the whole budget lasts |\n" in page
    assert "| 5% | 5m | 90d |" in page and "burn rate above" not in page


@pytest.mark.tools
def test_a_threshold_for_longer_than_its_window_is_proven_not_a_crash(tmp_path: Path) -> None:
    """`for: 3h` over a 5m window: the generated scenarios burn long enough for the tier to
    fire (they used to stop after twice the window and trip an assertion)."""
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "web.yaml").write_text(_service("""
- name: availability
  objective: 99.9
  window: 30d
  sli:
    ratio:
      errors: http_requests_total{job="web",code=~"5.."}
      total: http_requests_total{job="web"}
  alerts:
    page: {threshold: {window: 5m, for: 3h}}
"""))
    files = api.compile_specs(specs)
    tests = yaml.safe_load(files["prometheus/tests/web/availability.test.yaml"])["tests"]
    fired = [durations.parse_ms(c["eval_time"]) for t in tests
             for c in t.get("alert_rule_test", [])
             if c["alertname"] == "WebAvailabilityBurnRate" and c["exp_alerts"]]
    assert fired and min(fired) >= 3 * 3600_000  # shown firing, and only after the 3h `for`
    for path, text in files.items():
        (tmp_path / "out" / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "out" / path).write_text(text)
    result = run_tool(find_tool("promtool"), "test", "rules", "availability.test.yaml",
                      cwd=tmp_path / "out/prometheus/tests/web")
    assert result.returncode == 0, result.stdout + result.stderr
