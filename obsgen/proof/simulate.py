"""Predict when obsgen's SLO alerts fire, computing what Prometheus 2 and 3 compute.

The generated promtool tests and `obsgen explain` both come from here, so the figures a
person reads are the figures promtool checks. The model follows the rules that the Prometheus
target writes, evaluated every minute on counters sampled every minute:

- `rate(x[5m])` is Prometheus's extrapolatedRate over the samples of the range [t-5m, t];
- each window's error ratio is sum_over_time(errors) / sum_over_time(requests) over the
  recorded 5m rates in [t-w, t] (0 when there were no requests);
- a tier fires at the first evaluation where, for one of its windows, the long and the short
  ratio both exceed factor x budget and the long window saw at least min_events events, once
  that has held for the alert's `for` duration.

Every prediction is made twice. Prometheus 2 closes ranges at both ends, [t-r, t];
Prometheus 3 opens them on the left, (t-r, t] (its migration guide: "range selectors and the
lookback delta are now left-open"), so a 5m range over one-minute samples holds 6 samples in
2.x and 5 in 3.x, and a window sum over recorded rates one sample fewer. Rates then differ
where the traffic changes, and an alert can change state one evaluation later in one
version. `both` joins the two timelines; tests assert a state only at evaluations where they
agree, and a scenario lasts until both have fired and resolved. The 3.x model is checked
against Prometheus 3's own PromQL test data (tests/test_promql_semantics.py).

Rates follow Prometheus's arithmetic step by step; window sums use running totals, which
differ from Prometheus's Kahan sums only in the last bits. A comparison within 1e-9 of its
threshold is therefore flagged (`near_tie`), and scenarios are chosen to have none, so no
prediction depends on rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

import numpy as np
import numpy.typing as npt

from obsgen import model
from obsgen.conventions import BASE_WINDOW_S
from obsgen.proof.timeline import Timeline

STEP_S = 60
"""Sample interval of the synthetic series; evaluations happen every `step` of these."""
TIE = 1e-9
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Phase:
    """`minutes` minutes of traffic: `total` events a minute, of which `errors` are bad."""

    minutes: int
    total: int
    errors: int


@dataclass(frozen=True)
class Counters:
    """Cumulative counter values at each minute of one group's synthetic series."""

    errors: tuple[int, ...]
    total: tuple[int, ...]

    @staticmethod
    def of(phases: Sequence[Phase]) -> Counters:
        errors = accumulate((p.errors for p in phases for _ in range(p.minutes)), initial=0)
        total = accumulate((p.total for p in phases for _ in range(p.minutes)), initial=0)
        return Counters(tuple(errors), tuple(total))

    @property
    def minutes(self) -> int:
        return len(self.total) - 1


def rate(values: Sequence[float] | Floats, minute: int, range_s: int = BASE_WINDOW_S,
         left_open: bool = False) -> float | None:
    """`rate(x[range])` at `minute`, samples every minute from minute 0, over the closed range
    [t-range, t] (Prometheus 2) or the left-open (t-range, t] (Prometheus 3, `left_open`)."""
    steps = range_s // STEP_S
    if minute >= steps and range_s == BASE_WINDOW_S and not left_open:
        # Full range, no counter reset (synthetic counters never decrease): nothing to
        # extrapolate, and Prometheus multiplies by (sampled/sampled)/range.
        return (float(values[minute]) - float(values[minute - steps])) * (1.0 / range_s)
    if left_open and range_s == BASE_WINDOW_S and minute >= steps - 1:
        # Left-open full range: steps samples, the first a minute after the range starts
        # (under the 1.1-interval threshold: extrapolated to the start, unless the counter's
        # zero point is nearer), the last at its end. The general path's float operations,
        # in its order.
        first = float(values[minute - steps + 1])
        result = float(values[minute]) - first
        sampled = float((steps - 1) * STEP_S)
        if result == 0 or (first >= 0 and sampled * (first / result) >= STEP_S):
            return result * ((sampled + STEP_S) / sampled / range_s)
    first = max(0, minute - steps + left_open)
    points = [(m * STEP_S, float(values[m])) for m in range(first, minute + 1)]
    return extrapolated_rate(points, minute * STEP_S - range_s, minute * STEP_S,
                             prometheus3=left_open)


def extrapolated_rate(points: Sequence[tuple[float, float]], range_start: float,
                      range_end: float, *, counter: bool = True, per_second: bool = True,
                      prometheus3: bool = False) -> float | None:
    """Prometheus's extrapolatedRate over the samples `points` ((seconds, value), oldest
    first) that the range selector from `range_start` to `range_end` (seconds) kept: rate()
    (`per_second`), increase() (counter, not per second) or delta() (neither). Since 2.51
    (so in 3.x, `prometheus3`) a counter's cutoff at its zero point applies after the
    half-interval rule, not before; obsgen's counters start at 0, where the order does not
    matter, but the function follows each version (tests/test_promql_semantics.py)."""
    if len(points) < 2:
        return None
    result = points[-1][1] - points[0][1]
    if counter:
        previous = points[0][1]
        for _, value in points[1:]:
            if value < previous:
                result += previous
            previous = value
    to_start = float(points[0][0] - range_start)
    to_end = float(range_end - points[-1][0])
    sampled = float(points[-1][0] - points[0][0])
    average = sampled / (len(points) - 1)
    threshold = average * 1.1
    zero_cutoff = counter and result > 0 and points[0][1] >= 0
    to_zero = sampled * (points[0][1] / result) if zero_cutoff else 0.0
    if prometheus3:
        start = to_start if to_start < threshold else average / 2
        extrapolate = sampled + (min(start, to_zero) if zero_cutoff else start)
    else:
        to_start = min(to_start, to_zero) if zero_cutoff else to_start
        extrapolate = sampled + (to_start if to_start < threshold else average / 2)
    extrapolate += to_end if to_end < threshold else average / 2
    factor = extrapolate / sampled
    if per_second:
        factor /= float(range_end - range_start)
    return result * factor


class Recorded:
    """The recorded 5m rates of one group at each minute (NaN, and False in `present`: no
    sample), with running sums so that any window's sum is two lookups. Arrays are numpy's:
    elementwise float64 operations and sequential running sums (`cumsum`) give the same bits
    as the same operations one by one."""

    def __init__(self, errors: Sequence[float | None] | Floats,
                 requests: Sequence[float | None] | Floats, step: int = 1,
                 left_open: bool = False, present: Bools | None = None) -> None:
        self.step = step
        self.left_open = left_open
        """Window sums over (t-w, t] (Prometheus 3), not [t-w, t] (Prometheus 2)."""
        e, r = _floats(errors), _floats(requests)
        self.present: Bools = ~np.isnan(r) if present is None else present
        self._e = np.where(self.present, e, 0.0)
        self._r = np.where(self.present, r, 0.0)
        self._sum_e = _prefix(self._e)
        self._sum_r = _prefix(self._r)
        self._count = _prefix(self.present.astype(np.float64))
        self._ratios: dict[int, tuple[Floats, Bools]] = {}
        self._events: dict[int, tuple[Floats, Bools]] = {}

    @property
    def minutes(self) -> int:
        return len(self._r)

    @property
    def errors(self) -> list[float | None]:
        return [float(v) if p else None for v, p in zip(self._e, self.present, strict=True)]

    @property
    def requests(self) -> list[float | None]:
        return [float(v) if p else None for v, p in zip(self._r, self.present, strict=True)]

    def evaluations(self) -> npt.NDArray[np.int64]:
        return np.arange(0, self.minutes, self.step, dtype=np.int64)

    def ratios(self, window_s: int) -> tuple[Floats, Bools]:
        """window_ratio() at each evaluation (every `step` minutes from 0) and where it has a
        value, computed once per window."""
        if window_s not in self._ratios:
            m = self.evaluations()
            if window_s == BASE_WINDOW_S:
                errors, requests, seen = self._e[m], self._r[m], self.present[m]
            else:
                first = self._first(m, window_s)
                seen = self._count[m + 1] != self._count[first]
                errors = self._sum_e[m + 1] - self._sum_e[first]
                requests = self._sum_r[m + 1] - self._sum_r[first]
            out = np.zeros(len(m))
            np.divide(errors, requests, out=out, where=requests > 0)
            self._ratios[window_s] = (out, seen)
        return self._ratios[window_s]

    def event_counts(self, window_s: int) -> tuple[Floats, Bools]:
        """events() at each evaluation and where it has a value, once per window."""
        if window_s not in self._events:
            m = self.evaluations()
            first = self._first(m, window_s)
            seen = self._count[m + 1] - self._count[first]
            out = np.zeros(len(m))
            np.divide(self._sum_r[m + 1] - self._sum_r[first], seen, out=out, where=seen != 0)
            self._events[window_s] = (out * float(window_s), seen != 0)
        return self._events[window_s]

    def _first(self, m: npt.NDArray[np.int64], window_s: int) -> npt.NDArray[np.int64]:
        steps = window_s // STEP_S - self.left_open
        return np.maximum(m - steps, 0)

    def window(self, minute: int, window_s: int) -> tuple[float, float, float]:
        """(sum of errors, sum of requests, samples) recorded in [minute - window, minute]
        ((minute - window, minute] when left-open)."""
        first = max(0, minute - window_s // STEP_S + self.left_open)
        return (
            float(self._sum_e[minute + 1] - self._sum_e[first]),
            float(self._sum_r[minute + 1] - self._sum_r[first]),
            float(self._count[minute + 1] - self._count[first]),
        )


def _floats(values: Sequence[float | None] | Floats) -> Floats:
    if isinstance(values, np.ndarray):
        return values.astype(np.float64)
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _prefix(values: Floats) -> Floats:
    out = np.zeros(len(values) + 1)
    np.cumsum(values, out=out[1:])
    return out


def cumulative(phases: Sequence[Phase]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Counters.of(phases) as arrays (errors, total): the simulator's input."""
    minutes = [max(0, p.minutes) for p in phases]  # (a phase of negative length is empty)
    out = []
    for per_minute in ([p.errors for p in phases], [p.total for p in phases]):
        counter = np.zeros(sum(minutes) + 1, dtype=np.int64)
        np.cumsum(np.repeat(np.array(per_minute, dtype=np.int64), minutes), out=counter[1:])
        out.append(counter)
    return out[0], out[1]


def rates(counter: npt.NDArray[np.int64], left_open: bool = False) -> tuple[Floats, Bools]:
    """rate(counter[5m]) at every minute (counter sampled every minute from minute 0) and
    where it has a value: `rate` at each minute, the full ranges at once."""
    values = counter.astype(np.float64)
    out, present = np.zeros(len(values)), np.ones(len(values), dtype=np.bool_)
    steps = BASE_WINDOW_S // STEP_S
    if left_open:
        full = steps - 1
        if len(values) > full:
            first, result = values[:-full or None], values[full:] - values[:-full or None]
            sampled = float(full * STEP_S)
            safe = np.where(result == 0, 1.0, result)
            ok = (result == 0) | ((first >= 0) & (sampled * (first / safe) >= STEP_S))
            out[full:] = result * ((sampled + STEP_S) / sampled / BASE_WINDOW_S)
            slow = [int(i) + full for i in np.flatnonzero(~ok)]
        else:
            slow = []
    else:
        full = steps
        if len(values) > full:
            out[full:] = (values[full:] - values[:-full]) * (1.0 / BASE_WINDOW_S)
        slow = []
    for m in [*range(min(full, len(values))), *slow]:
        value = rate(values, m, left_open=left_open)
        if value is None:
            out[m], present[m] = np.nan, False
        else:
            out[m] = value
    return out, present


def record(counters: Counters, mode: str, step: int = 1, left_open: bool = False
           ) -> Recorded:
    """The two base recording rules, for the way the SLI's series are laid out (`mode`):

    errors/shared   bad series + good series of one counter; errors = r(bad)
    errors/separate an errors counter and a total counter
    good/shared     good series + bad series of one counter; errors = total - r(good)
    good/separate   a good counter (or histogram bucket) and a total counter (or _count)

    Rules are evaluated every `step` minutes: other minutes hold no recorded sample. Ranges
    are closed (Prometheus 2), or left-open (Prometheus 3) with `left_open`.
    """
    bad = np.array(counters.errors, dtype=np.int64)
    total = np.array(counters.total, dtype=np.int64)
    return record_arrays(bad, total, mode, step, left_open)


def record_arrays(bad: npt.NDArray[np.int64], total: npt.NDArray[np.int64], mode: str,
                  step: int = 1, left_open: bool = False) -> Recorded:
    """`record` of the cumulative counters as arrays (`cumulative`)."""
    if mode in ("errors/shared", "good/shared"):
        (r_bad, p_bad), (r_good, p_good) = rates(bad, left_open), rates(total - bad, left_open)
        requests, present = r_bad + r_good, p_bad & p_good
        errors = r_bad if mode == "errors/shared" else requests - r_good
    elif mode == "errors/separate":
        (errors, p_bad), (requests, p_total) = rates(bad, left_open), rates(total, left_open)
        present = p_bad & p_total
    else:
        (requests, p_total), (r_good, p_good) = rates(total, left_open), rates(total - bad,
                                                                             left_open)
        errors, present = requests - r_good, p_total & p_good
    if step > 1:
        present = present & (np.arange(len(present)) % step == 0)
    return Recorded(errors, requests, step, left_open, present)


def window_ratio(rec: Recorded, minute: int, window_s: int) -> float | None:
    """obsgen_slo:error_ratio:rate<window> at `minute` (0 when there were no requests)."""
    if window_s == BASE_WINDOW_S:
        errors, requests = rec.errors[minute], rec.requests[minute]
        if errors is None or requests is None:
            return None
        return errors / requests if requests > 0 else 0.0
    sum_e, sum_r, count = rec.window(minute, window_s)
    if not count:
        return None
    return sum_e / sum_r if sum_r > 0 else 0.0


def events(rec: Recorded, minute: int, window_s: int) -> float | None:
    """avg_over_time(requests[window]) * window_seconds at `minute`."""
    _, sum_r, count = rec.window(minute, window_s)
    return None if not count else sum_r / count * float(window_s)


def simulate(slo: model.SLO, alert: model.SLOAlert, rec: Recorded) -> Timeline:
    """The alert's state after each evaluation (every `rec.step` minutes), carried to the
    minutes in between."""
    budget = float(slo.budget)
    evaluations = len(rec.evaluations())
    holds = np.zeros(evaluations, dtype=np.bool_)
    unsure = np.zeros(evaluations, dtype=np.bool_)
    for w in alert.windows:
        threshold = float(w.factor) * budget
        margin = TIE * max(threshold, 1e-300)
        (longs, has_long), (shorts, has_short) = rec.ratios(w.long_s), rec.ratios(w.short_s)
        low, high = threshold - margin, threshold + margin
        # Each comparison is surely true, surely false, or unsure (within rounding of its
        # threshold); the condition is unsure when none is surely false and one is unsure.
        met = has_long & has_short & (longs >= low) & (shorts >= low)
        unsure_here = (longs <= high) | (shorts <= high)
        if slo.min_events:
            need = float(slo.min_events)
            seen, has_seen = rec.event_counts(w.long_s)
            met &= has_seen & (seen >= need * (1 - TIE))
            unsure_here |= seen <= need * (1 + TIE)
        unsure |= met & unsure_here
        holds |= met & ~unsure_here
    # A window whose condition surely holds settles the minute, whatever the others do.
    tied = unsure & ~holds
    minutes, step, for_ms = rec.minutes, rec.step, alert.for_ms or 0
    firing, active = _states(holds, step, for_ms, minutes)
    ties = [int(k) * step for k in np.flatnonzero(tied)]
    if not ties:
        return Timeline(firing, active, ties)
    firing_if, active_if = _states(holds | tied, step, for_ms, minutes)
    return Timeline(firing, active | active_if, ties, (firing_if,))


def _states(holds: Bools, step: int, for_ms: int, minutes: int) -> tuple[Bools, Bools]:
    """Firing and active (pending or firing) at each minute, the condition holding at the
    evaluations (every `step` minutes) where `holds`, held for `for_ms`."""
    index = np.arange(len(holds))
    starts = holds & ~np.concatenate(([False], holds[:-1]))
    since = np.maximum.accumulate(np.where(starts, index, 0)) if len(holds) else index
    firing = holds & ((index - since) * (step * STEP_S) >= for_ms // 1000)
    return np.repeat(firing, step)[:minutes], np.repeat(holds, step)[:minutes]
