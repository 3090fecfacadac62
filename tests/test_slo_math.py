"""Burn-rate windows and factors for the periods people use."""

from __future__ import annotations

from decimal import Decimal

import pytest

from obsgen import model
from obsgen.build.burn import all_windows, burn_windows
from obsgen.conventions import BASE_WINDOW_S
from obsgen.durations import format_seconds


def _table(days: int) -> list[tuple[str, str, str]]:
    return [
        (format_seconds(w.long_s), format_seconds(w.short_s), str(w.factor))
        for tier in ("page", "ticket")
        for w in burn_windows(days, tier)
    ]


def test_30_days_is_the_sre_workbook() -> None:
    assert _table(30) == [
        ("1h", "5m", "14.4"),
        ("6h", "30m", "6"),
        ("1d", "2h", "3"),
        ("3d", "6h", "1"),
    ]


def test_28_days_keeps_the_windows_and_scales_the_factors() -> None:
    assert _table(28) == [
        ("1h", "5m", "13.44"),
        ("6h", "30m", "5.6"),
        ("1d", "2h", "2.8"),
        ("3d", "6h", "0.9333"),
    ]


def test_7_days_scales_the_windows_to_a_quarter() -> None:
    assert _table(7) == [
        ("15m", "5m", "13.44"),
        ("1h30m", "8m", "5.6"),
        ("6h", "30m", "2.8"),
        ("18h", "1h30m", "0.9333"),
    ]


@pytest.mark.parametrize("days", range(1, 366))
def test_every_period_is_consistent(days: int) -> None:
    period = days * 86400
    for tier in ("page", "ticket"):
        for w in burn_windows(days, tier):
            assert BASE_WINDOW_S <= w.short_s <= w.long_s < period or days == 1
            assert w.long_s % 60 == 0 and w.short_s % 60 == 0
            exact = w.budget_fraction * period / w.long_s
            assert abs(w.factor - exact) <= Decimal("0.00005")
    assert all_windows(days) == tuple(sorted(set(all_windows(days))))


def test_budget_lasts_period_over_factor() -> None:
    assert _slo(30).exhaustion_s(Decimal("14.4")) == 50 * 3600
    assert _slo(30).exhaustion_s(Decimal("1")) == 30 * 86400


def _slo(days: int) -> model.SLO:
    return model.SLO(
        service="s", name="x", description="", objective_percent=Decimal("99.9"),
        objective=Decimal("0.999"), budget=Decimal("0.001"), period_days=days,
        sli=model.SLI(kind="ratio"), group_by=(), min_events=0, alerts=(),
        runbook=model.Runbook(), recorded_labels={}, windows_s=all_windows(days),
        fastest_window_s=burn_windows(days, "page")[0].long_s,
    )
