"""proof/sensitivity.py against the simulator; explain's band and `--all`; lint's findings.

The analytic detection times must agree with `proof/simulate.py` (Prometheus 2.42's arithmetic)
within one evaluation step and never be later than it, for SLOs of 7d, 28d, 30d and 90d, a
page-only and a ticket-only one, from an error-free and from the tests' healthy baseline.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from obsgen import api, cli, model
from obsgen.errors import SpecError
from obsgen.lint import Finding
from obsgen.lint.sensitivity import findings
from obsgen.proof import sensitivity
from obsgen.proof.explain import explain
from obsgen.proof.scenarios import step_for
from obsgen.proof.simulate import Counters, Phase, record, simulate
from tests.conftest import ROOT

TOTAL = 1_000_000
"""Events a minute in the simulated traffic, as in the generated tests."""


def _project(tmp_path: Path, slos: str) -> model.Project:
    specs = tmp_path / "specs"
    specs.mkdir(exist_ok=True)
    (specs / "svc.yaml").write_text(
        "apiVersion: obsgen/v1\nkind: Service\nmetadata: {name: svc, team: web}\nslos:\n"
        + textwrap.indent(textwrap.dedent(slos), "  "))
    return api.project(specs)


def _slo(tmp_path: Path, objective: str, window: str, alerts: str = "",
         sli: str = "ratio: {errors: 'req_total{code=\"500\"}', total: req_total}") -> model.SLO:
    text = f"- name: avail\n  objective: {objective}\n  window: {window}\n  sli: {{{sli}}}\n"
    if alerts:
        text += f"  alerts: {alerts}\n"
    return _project(tmp_path, text).services[0].slos[0]


SHAPES = {
    "30d": ("99.9", "30d", ""),
    "7d": ("99", "7d", ""),
    "28d-latency": ("99.5", "28d", ""),
    "90d": ("99.9", "90d", ""),
    "page-only, for 10m": ("99.9", "30d", "{ticket: {disabled: true}, page: {for: 10m}}"),
    "ticket-only": ("99.9", "30d", "{page: {disabled: true}}"),
}


def _shape(tmp_path: Path, name: str) -> model.SLO:
    objective, window, alerts = SHAPES[name]
    if name.endswith("latency"):
        return _slo(tmp_path, objective, window, alerts,
                    sli="latency: {histogram: req_seconds, threshold: 0.5}")
    return _slo(tmp_path, objective, window, alerts)


def _simulated(slo: model.SLO, alert: model.SLOAlert, burn: Fraction, baseline: Fraction,
               ) -> tuple[int | None, Fraction, Fraction]:
    """Minutes from the start of the burn to the alert's first firing evaluation, and the
    burn and baseline the integer error counts realize."""
    step = step_for(alert)
    budget = Fraction(slo.budget)
    burn_errors, healthy = round(TOTAL * burn * budget), round(TOTAL * baseline * budget)
    start = -(-max(w.long_s for w in alert.windows) // 60 // step) * step
    length = (max(w.long_s for w in alert.windows) + 3600 + (alert.for_ms or 0) // 1000) // 60
    mode = "good/separate" if slo.sli.kind == "latency" else "errors/separate"
    rec = record(Counters.of((Phase(start, TOTAL, healthy), Phase(length, TOTAL, burn_errors))),
                 mode, step)
    line = simulate(slo, alert, rec)
    assert not line.near_tie, "choose another burn: the simulation is within 1e-9 of a threshold"
    fired = line.first_firing(start)
    return (None if fired is None else fired - start,
            Fraction(burn_errors, TOTAL) / budget, Fraction(healthy, TOTAL) / budget)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("baseline", [Fraction(0), Fraction(1, 10)])
def test_detection_times_agree_with_the_simulator_within_two_steps(
        tmp_path: Path, shape: str, baseline: Fraction) -> None:
    slo = _shape(tmp_path, shape)
    ceiling = 1 / Fraction(slo.budget)
    compared = 0
    for alert in slo.alerts:
        step = step_for(alert)
        # multiples clear of the ramp's sample values, so no comparison is a near tie
        multiples = (Fraction(107, 100), Fraction(153, 100), Fraction(371, 100))
        burns = {min(Fraction(w.factor) * m, ceiling) for w in alert.windows for m in multiples}
        for burn in sorted(burns):
            minutes, b, h = _simulated(slo, alert, burn, baseline)
            hit = next((f for f in sensitivity.firings(slo, b, h, step * 60) if f.alert is alert),
                       None)
            assert (minutes is None) == (hit is None), (alert.name, float(b))
            if minutes is None or hit is None:
                continue
            analytic = hit.after_s / 60
            # Recorded every `step` minutes, a window is a count of samples: the crossing
            # waits for the next evaluation (one step), and Prometheus 2's closed range holds
            # one sample more than the window (up to one step more; the simulator's first
            # firing is the later of the two versions').
            assert analytic - 1e-6 <= minutes <= analytic + 2 * step, (alert.name, float(b))
            compared += 1
    assert compared >= 4


@pytest.mark.parametrize("shape", SHAPES)
def test_a_burn_at_the_lowest_factor_never_alerts_and_just_above_it_does(
        tmp_path: Path, shape: str) -> None:
    slo = _shape(tmp_path, shape)
    band = sensitivity.band(slo)
    assert band.lowest == min(w.factor for a in slo.alerts for w in a.windows)
    lowest = Fraction(band.lowest)
    assert sensitivity.first(slo, lowest) is None  # `>`: equal to the factor is not above it
    just_above = sensitivity.first(slo, lowest + Fraction(1, 10**6))
    assert just_above is not None and just_above.window.factor == band.lowest
    assert band.slowest_after_s is not None
    assert just_above.after_s == pytest.approx(band.slowest_after_s, rel=1e-4)
    # the simulator agrees: 2% below the lowest factor stays silent through the longest window
    for alert in slo.alerts:
        minutes, _, _ = _simulated(slo, alert, lowest * Fraction(98, 100), Fraction(0))
        assert minutes is None, alert.name


def test_the_slowest_alerting_burn_takes_the_long_window_plus_the_base_ramp(
        tmp_path: Path) -> None:
    """Just above 3x a 90d SLO's 3d ticket condition needs the whole 3d window full: 3d,
    plus the 5m base rate's ramp, plus half an evaluation interval (closed ranges)."""
    band = sensitivity.band(_shape(tmp_path, "90d"))
    assert band.window is not None and band.window.long_s == 3 * 86400
    assert band.slowest_after_s == 3 * 86400 + 300 + 30
    page_only = sensitivity.band(_shape(tmp_path, "page-only, for 10m"))
    assert page_only.window is not None and page_only.window.long_s == 6 * 3600
    assert page_only.slowest_after_s == 6 * 3600 + 300 + 30 + 600  # `for` included


def test_which_tier_fires_first(tmp_path: Path) -> None:
    slo = _shape(tmp_path, "30d")
    at = {b: sensitivity.first(slo, b) for b in (2, 10, 100)}
    assert [(f.alert.tier, f.window.long_s) for f in at.values() if f] == [
        ("ticket", 3 * 86400), ("page", 6 * 3600), ("page", 3600)]
    # 10x from an error-free baseline: the 6h condition at 6x passes after 6/10 of 6h (+1m),
    # plus the 5m ramp's half, less half a minute
    assert at[10] is not None and at[10].after_s == pytest.approx(0.6 * (6 * 3600 + 60) + 150 - 30)
    with pytest.raises(ValueError, match="more than every event"):
        sensitivity.first(slo, 1001)


def test_explain_prints_the_band_after_the_tiers(tmp_path: Path) -> None:
    text = explain(_shape(tmp_path, "90d"))
    tiers, band = text.split("\n\nsensitivity")
    assert "ticket: SvcAvailBudgetBurn" in tiers and "sensitivity" not in tiers
    assert ("sensitivity" + band).splitlines() == [
        "sensitivity to a steady burn from an error-free baseline (analytic; min_events "
        "ignored: healthy traffic passes it):",
        "  slowest sustained burn that alerts: just above 3x (3x itself never does: the "
        "condition is `>`); ticket SvcAvailBudgetBurn fires after nearly 3d6m (3d condition)",
        "  burns between 1x and 3x never alert; at 3x the budget is gone in 30 days",
        "  at 5x: ticket SvcAvailBudgetBurn fires after 1d19h15m (3d condition)",
        "  at 10x: ticket SvcAvailBudgetBurn fires after 21h39m (3d condition)",
        "  at 20x: page SvcAvailBurnRate fires after 5h27m (6h condition)",
        "  at 50x: page SvcAvailBurnRate fires after 55m (1h condition)",
        "  at 100x: page SvcAvailBurnRate fires after 29m (1h condition)",
    ]


def test_explain_band_lines_of_other_shapes(tmp_path: Path) -> None:
    lines = {name: explain(_shape(tmp_path, name)).splitlines() for name in SHAPES}
    assert ("  no silent band: every burn above 1x alerts (a 1x burn spends exactly the budget "
            "over 30d)") in lines["30d"]
    assert ("  no silent band: every burn above 0.9333x alerts, even those below 1x that stay "
            "within budget over 7d") in lines["7d"]
    assert "  burns between 1x and 6x never alert; at 6x the budget is gone in 5 days" \
        in lines["page-only, for 10m"]
    assert ("  slowest sustained burn that alerts: just above 6x (6x itself never does: the "
            "condition is `>`); page SvcAvailBurnRate fires after nearly 6h16m (6h condition)"
            ) in lines["page-only, for 10m"]


def test_explain_all_prints_every_band(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    _project(tmp_path, """\
        - {name: a, objective: 99.9, window: 90d, sli: {ratio: {errors: 'e_total', total: t_total}}}
        - {name: b, objective: 99, window: 28d, sli: {ratio: {errors: 'e_total', total: t_total}}}
        """)
    assert cli.main(["explain", "--all", "--specs", str(tmp_path / "specs")]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "svc/a (99.9% over 90d): burns between 1x and 3x never alert; at 3x the budget is gone "
        "in 30 days",
        "svc/b (99% over 28d): no silent band: every burn above 0.9333x alerts, even those below "
        "1x that stay within budget over 28d",
        "1 of 2 SLOs has a silent band",
    ]


def test_explain_prints_a_band_line_for_every_slo_in_specs() -> None:
    project = api.project(ROOT / "specs")
    slos = [slo for svc in project.services for slo in svc.slos]
    assert len(slos) >= 5
    for slo in slos:
        lowest = min(w.factor for a in slo.alerts for w in a.windows)
        f = model.fmt_decimal(lowest)
        days = sensitivity.days(Fraction(slo.period_days) / Fraction(lowest))
        expected = (f"  burns between 1x and {f}x never alert; at {f}x the budget is gone in "
                    f"{days} days" if lowest > 1 else "  no silent band: every burn above ")
        band = [ln for ln in explain(slo).splitlines()
                if ln.startswith(("  burns between", "  no silent band"))]
        assert len(band) == 1 and band[0].startswith(expected), (slo.name, band)


NINETY = "- {name: avail, objective: 99.9, window: %s, sli: {ratio: {errors: e_total, " \
    "total: t_total}}%s}\n"


def _findings(tmp_path: Path, window: str, alerts: str = "") -> list[Finding]:
    return findings(_project(tmp_path, NINETY % (window, f", alerts: {alerts}" if alerts else "")))


def test_a_silent_band_is_a_warning(tmp_path: Path) -> None:
    assert _findings(tmp_path, "90d") == [Finding(
        "specs/svc.yaml", "obsgen", "warning",
        "svc/avail: burns between 1x and 3x never alert (budget gone in 30 days at 3x): "
        "shorten the window to 30d or less (the 3d ticket condition's factor is 10% × window "
        "/ 3d), or accept the band with alerts.tolerated_burn: 3")]


def test_a_factor_above_the_tolerated_burn_is_an_error(tmp_path: Path) -> None:
    assert _findings(tmp_path, "87d", "{tolerated_burn: 2}") == [Finding(
        "specs/svc.yaml", "obsgen", "error",
        "svc/avail: burns between 1x and 2.9x never alert (budget gone in 30 days at 2.9x); "
        "tolerated_burn is 2: shorten the window to 60d or less (the 3d ticket condition's "
        "factor is 10% × window / 3d), or raise tolerated_burn to 2.9")]
    assert _findings(tmp_path, "30d", "{ticket: {disabled: true}, tolerated_burn: 1.5}") == [
        Finding("specs/svc.yaml", "obsgen", "error",
                "svc/avail: burns between 1x and 6x never alert (budget gone in 5 days at 6x); "
                "tolerated_burn is 1.5: enable the ticket tier (alerts.ticket.disabled: "
                "false), or raise tolerated_burn to 6")]


def test_a_tolerated_band_is_a_note_and_no_band_no_finding(tmp_path: Path) -> None:
    # equal is tolerated: a burn of exactly 3x never alerts, and the team accepts 3x
    assert _findings(tmp_path, "90d", "{tolerated_burn: 3}") == [Finding(
        "specs/svc.yaml", "obsgen", "note",
        "svc/avail: burns between 1x and 3x never alert (budget gone in 30 days at 3x): "
        "accepted, tolerated_burn is 3")]
    assert _findings(tmp_path, "90d", "{tolerated_burn: 2.99}")[0].level == "error"
    assert _findings(tmp_path, "30d") == []
    assert _findings(tmp_path, "30d", "{tolerated_burn: 1.2}") == []


def test_the_model_carries_the_tolerance_exactly(tmp_path: Path) -> None:
    project = _project(tmp_path, NINETY % ("90d", ", alerts: {tolerated_burn: 2.1}"))
    slo = project.services[0].slos[0]
    assert slo.tolerated_burn == Decimal("2.1")
    assert _shape(tmp_path, "90d").tolerated_burn is None


@pytest.mark.parametrize("value", ["1", "0.5", ".inf", ".nan"])
def test_tolerated_burn_must_be_above_1(tmp_path: Path, value: str) -> None:
    with pytest.raises(SpecError) as caught:
        _project(tmp_path, NINETY % ("90d", f", alerts: {{tolerated_burn: {value}}}"))
    text = "\n".join(d.format() for d in caught.value.diagnostics)
    assert "slos[0].alerts.tolerated_burn: must be a number above 1" in text, text
