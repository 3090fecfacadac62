"""Multi-window, multi-burn-rate alert math (Google SRE workbook, chapter 5).

A tier (page or ticket) fires when the error budget is being spent fast enough that
`budget_fraction` of it would be gone within `long` — confirmed over `short`, so that the
alert resets soon after the burn stops:

    factor = budget_fraction × period / long

For periods of 28 days and more, the long windows are the workbook's (1h, 6h, 1d, 3d), so a
30d SLO pages at 14.4×/6× and tickets at 3×/1×, and a 28d SLO at 13.44/5.6/2.8/0.9333 (the
Sloth defaults). Shorter periods scale the windows by period/28d — a 7d SLO watches 15m, 1h30m,
6h and 18h — which keeps each tier's factors and its share of the period; without the scaling
a 7d SLO's slowest ticket would need a burn of 0.23, i.e. fire while within budget.
Windows are whole minutes and never shorter than the base rate window (5m) the SLI records.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache

from obsgen.conventions import BASE_WINDOW_S
from obsgen.model import BurnWindow

PIVOT_DAYS = 28
TIERS = ("page", "ticket")
_CANONICAL: dict[str, tuple[tuple[int, int, Decimal], ...]] = {
    # (long window s, short window s, share of the budget spent in the long window)
    "page": ((3600, 300, Decimal("0.02")), (21600, 1800, Decimal("0.05"))),
    "ticket": ((86400, 7200, Decimal("0.1")), (259200, 21600, Decimal("0.1"))),
}
_FACTOR_PLACES = Decimal("0.0001")


@cache
def burn_windows(period_days: int, tier: str) -> tuple[BurnWindow, ...]:
    period_s = period_days * 86400
    scale = min(Fraction(period_days, PIVOT_DAYS), Fraction(1))
    out = []
    for long_s, short_s, fraction in _CANONICAL[tier]:
        long_w = max(_minutes(long_s * scale), BASE_WINDOW_S)
        short_w = min(max(_minutes(short_s * scale), BASE_WINDOW_S), long_w)
        factor = (fraction * period_s / long_w).quantize(_FACTOR_PLACES, ROUND_HALF_UP)
        out.append(BurnWindow(long_s=long_w, short_s=short_w, budget_fraction=fraction,
                              factor=factor.normalize()))
    return tuple(out)


def _minutes(seconds: Fraction) -> int:
    """Round to whole minutes, halves up."""
    return int((seconds / 60 + Fraction(1, 2)) // 1) * 60


@cache
def all_windows(period_days: int) -> tuple[int, ...]:
    """Every window (seconds) the SLI is recorded over for alerts, ascending."""
    found = {BASE_WINDOW_S}
    for tier in TIERS:
        for w in burn_windows(period_days, tier):
            found.update((w.long_s, w.short_s))
    return tuple(sorted(found))
