"""Which steady burns an SLO's alerts catch, how fast, and which they never catch.

Why: a tier's factors fix the slowest burn that alerts, and a team rarely sees the
consequence. A 90d SLO's slowest ticket condition (10% of the budget in 3d) needs a burn
above 3x: a steady 2.5x burn never alerts, yet spends the whole budget in 36 days. The
simulation (`scenarios`) tells when one given burn fires; this module answers for every
burn at once, in closed form, so `obsgen explain` and lint can name the silent band.

The model. A steady burn `b` (a multiple of the budget rate, so the error ratio is
b × budget) starts at t = 0 after a baseline `h` (0: no errors; the generated tests use 0.1).
The SLI is recorded as a rate over the 5m base window B, so the recorded ratio ramps from h
to b over [0, B]; a window W's ratio is the average of that recording over [t - W, t]
(a window equal to B is the recording itself; raw SLIs are the user's ratio over W, no ramp).
Its share F(t) of the step grows from 0 to 1, and the window passes factor × budget once
F(t) > q = (f - h) / (b - h):

    t = sqrt(2·B·q·W)            while q·W <= B/2
    t = q·W + B/2                while q·W <= W - B/2   (the workbook's t = W·f/b, late by B/2)
    t = W + B - sqrt(2·B·W·(1 - q))   otherwise (the ramp leaving the window)

Read from samples every evaluation interval Δ (1m), a closed range holds one sample more than
W / Δ: the window acts as W + Δ centred Δ/2 later, so t is taken for W + Δ, less Δ/2. With
this, the times agree with the simulator of Prometheus 2.42 (`simulate`): the alert fires at
the first evaluation after t (tests/test_sensitivity.py holds them within one step).

A condition holds once both its long and its short window pass (the short one passes
first: an average over a shorter trailing window of a rising signal is never smaller), and
its tier fires `for` later; a steady burn never stops holding. min_events is ignored: at
healthy traffic every long window holds far more events than the guard asks for.

Conditions compare with `>`, so a burn equal to a factor never fires that condition: the
burns from 1x up to and including the lowest enabled factor never alert, although every burn
above 1x spends the budget before the SLO window ends (in period / b).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from obsgen import model
from obsgen.conventions import BASE_WINDOW_S
from obsgen.durations import format_seconds
from obsgen.model import fmt_decimal

Number = Fraction | Decimal | int | float
INTERVAL_S = 60
"""Seconds between rule evaluations (Prometheus's usual 1m; the generated tests use 1m or 5m)."""
SAMPLE_BURNS = (2, 5, 10, 20, 50, 100)
"""The burns `explain` times besides the slowest one (those above the lowest factor)."""


@dataclass(frozen=True, kw_only=True)
class Firing:
    """The first alert a steady burn raises: its tier, the condition, and when."""

    alert: model.SLOAlert
    window: model.BurnWindow
    after_s: float
    """Seconds from the start of the burn, `for` included (an infimum: the first
    evaluation after it fires)."""


@dataclass(frozen=True, kw_only=True)
class Band:
    """The slowest enabled condition, and the steady burns that escape it."""

    lowest: Decimal | None
    """The lowest factor of the enabled tiers: burns up to it (inclusive) never alert.
    None: every tier is disabled, no burn alerts."""
    alert: model.SLOAlert | None
    window: model.BurnWindow | None
    slowest_after_s: float | None
    """How long a burn just above `lowest` takes to alert (the limit as it nears it)."""
    period_days: int

    @property
    def silent(self) -> bool:
        """Burns in (1x, lowest] spend the whole budget within the period, unalerted."""
        return self.lowest is None or self.lowest > 1

    def exhaustion_days(self) -> Fraction | None:
        """Days until the budget is gone at the lowest factor (None: no factor)."""
        return None if self.lowest is None else Fraction(self.period_days) / Fraction(self.lowest)


def base_s(slo: model.SLO) -> int:
    """The ramp of the recorded ratio: raw SLIs record the user's ratio over each window."""
    return 0 if slo.sli.kind == "raw" else BASE_WINDOW_S


def crossing_s(window_s: int, ramp_s: int, q: float) -> float:
    """Seconds after the burn starts at which the window's share of it passes q (0 < q <= 1)."""
    if ramp_s == 0:
        return q * window_s
    if window_s <= ramp_s:
        return q * ramp_s
    y = q * window_s
    if y <= ramp_s / 2:
        return math.sqrt(2 * ramp_s * y)
    if y <= window_s - ramp_s / 2:
        return y + ramp_s / 2
    return window_s + ramp_s - math.sqrt(max(0.0, 2 * ramp_s * (window_s - y)))


def sampled_s(window_s: int, ramp_s: int, q: float, interval_s: int) -> float:
    """crossing_s for a window read from samples every `interval_s`: a closed range holds
    one sample more than window / interval, as if the window were one interval longer and
    centred half an interval later (a window equal to the base window is one sample)."""
    if not ramp_s or window_s <= ramp_s:  # a raw SLI's own ratio; the base window's sample
        return crossing_s(window_s, ramp_s, q)
    return crossing_s(window_s + interval_s, ramp_s, q) - interval_s / 2


def condition_s(slo: model.SLO, window: model.BurnWindow, burn: Number,
                baseline: Number = 0, interval_s: int = INTERVAL_S) -> float | None:
    """When `window`'s condition starts to hold under `burn` (None: never; b <= f)."""
    b, h, f = Fraction(burn), Fraction(baseline), Fraction(window.factor)
    if not b > f:
        return None
    q = float((f - h) / (b - h))
    ramp = base_s(slo)
    return max(sampled_s(window.long_s, ramp, q, interval_s),
               sampled_s(window.short_s, ramp, q, interval_s))


def _check(slo: model.SLO, burn: Number, baseline: Number) -> None:
    if Fraction(burn) * Fraction(slo.budget) > 1:
        raise ValueError(f"a burn of {burn}x would fail more than every event")
    lowest = min((w.factor for a in slo.alerts for w in a.windows), default=None)
    if Fraction(baseline) < 0 or (lowest is not None and Fraction(baseline) >= lowest):
        raise ValueError(f"a baseline of {baseline}x is not healthy: it alerts already")


def firings(slo: model.SLO, burn: Number, baseline: Number = 0,
            interval_s: int = INTERVAL_S) -> list[Firing]:
    """Per enabled tier that a steady `burn` fires, its fastest condition; soonest first."""
    _check(slo, burn, baseline)
    out = []
    for alert in slo.alerts:
        hold_s = (alert.for_ms or 0) / 1000
        timed = [(t + hold_s, w) for w in alert.windows
                 if (t := condition_s(slo, w, burn, baseline, interval_s)) is not None]
        if timed:
            after, window = min(timed, key=lambda tw: tw[0])
            out.append(Firing(alert=alert, window=window, after_s=after))
    return sorted(out, key=lambda f: f.after_s)


def first(slo: model.SLO, burn: Number, baseline: Number = 0,
          interval_s: int = INTERVAL_S) -> Firing | None:
    """The first alert a steady `burn` raises, or None when it never alerts."""
    found = firings(slo, burn, baseline, interval_s)
    return found[0] if found else None


def band(slo: model.SLO, interval_s: int = INTERVAL_S) -> Band:
    """The lowest enabled factor and how a burn just above it is caught."""
    conditions = [(w.factor, a, w) for a in slo.alerts for w in a.windows]
    if not conditions:
        return Band(lowest=None, alert=None, window=None, slowest_after_s=None,
                    period_days=slo.period_days)
    lowest = min(f for f, _, _ in conditions)
    ramp = base_s(slo)
    slowest = [(max(sampled_s(w.long_s, ramp, 1.0, interval_s),
                    sampled_s(w.short_s, ramp, 1.0, interval_s))
                + (a.for_ms or 0) / 1000, a, w) for f, a, w in conditions if f == lowest]
    # a tie goes to the first in tier order (page first)
    after, alert, window = min(slowest, key=lambda taw: taw[0])
    return Band(lowest=lowest, alert=alert, window=window, slowest_after_s=after,
                period_days=slo.period_days)


def minutes(seconds: float) -> str:
    """A time rounded up to the minute, as `explain` prints it."""
    return format_seconds(math.ceil(seconds / 60 - 1e-9) * 60)


def days(value: Fraction) -> str:
    """Days to one decimal, without a trailing .0: 30, 31 (for 31.03), 12.9."""
    return f"{float(value):.1f}".removesuffix(".0")


def band_line(b: Band) -> str:
    """The silent band in one sentence (also lint's wording)."""
    if b.lowest is None:
        return "every tier is disabled: no burn alerts, however fast"
    f = fmt_decimal(b.lowest)
    exhaustion = b.exhaustion_days()
    assert exhaustion is not None
    if b.silent:
        return (f"burns between 1x and {f}x never alert; at {f}x the budget is gone in "
                f"{days(exhaustion)} days")
    if b.lowest < 1:
        return (f"no silent band: every burn above {f}x alerts, even those below 1x that "
                f"stay within budget over {b.period_days}d")
    return f"no silent band: every burn above 1x alerts (a 1x burn spends exactly the budget " \
           f"over {b.period_days}d)"


def describe(slo: model.SLO) -> list[str]:
    """`explain`'s sensitivity section: the slowest burn that alerts, the silent band, and
    the first alert at a few steady burns."""
    b = band(slo)
    lines = ["sensitivity to a steady burn from an error-free baseline (analytic; "
             "min_events ignored: healthy traffic passes it):"]
    if b.lowest is None or b.alert is None or b.window is None or b.slowest_after_s is None:
        return [*lines, f"  {band_line(b)}"]
    f = fmt_decimal(b.lowest)
    lines += [
        f"  slowest sustained burn that alerts: just above {f}x ({f}x itself never does: the "
        f"condition is `>`); {b.alert.tier} {b.alert.name} fires after nearly "
        f"{minutes(b.slowest_after_s)} ({format_seconds(b.window.long_s)} condition)",
        f"  {band_line(b)}",
    ]
    ceiling = 1 / Fraction(slo.budget)
    for burn in (x for x in SAMPLE_BURNS if b.lowest < x <= ceiling):
        hit = first(slo, burn)
        assert hit is not None
        lines.append(f"  at {burn}x: {hit.alert.tier} {hit.alert.name} fires after "
                     f"{minutes(hit.after_s)} ({format_seconds(hit.window.long_s)} condition)")
    return lines
