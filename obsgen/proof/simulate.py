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

from obsgen import model
from obsgen.conventions import BASE_WINDOW_S
from obsgen.proof.timeline import Timeline

STEP_S = 60
"""Sample interval of the synthetic series; evaluations happen every `step` of these."""
TIE = 1e-9


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


def rate(values: Sequence[float], minute: int, range_s: int = BASE_WINDOW_S,
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
    """The recorded 5m rates of one group (None: no sample), with running sums so that any
    window's sum is two lookups."""

    def __init__(self, errors: list[float | None], requests: list[float | None],
                 step: int = 1, left_open: bool = False) -> None:
        self.step = step
        self.left_open = left_open
        """Window sums over (t-w, t] (Prometheus 3), not [t-w, t] (Prometheus 2)."""
        self.errors = errors
        self.requests = requests
        self._sum_e = _prefix(errors)
        self._sum_r = _prefix(requests)
        self._count = _prefix([None if v is None else 1.0 for v in requests])
        self._ratios: dict[int, list[float | None]] = {}
        self._events: dict[int, list[float | None]] = {}

    def ratios(self, window_s: int) -> list[float | None]:
        """window_ratio() at every evaluation (None between evaluations), computed once per
        window."""
        if window_s not in self._ratios:
            if window_s == BASE_WINDOW_S:
                out = [window_ratio(self, m, window_s) if m % self.step == 0 else None
                       for m in range(len(self.requests))]
            else:
                out = self._window_ratios(window_s // STEP_S)
            self._ratios[window_s] = out
        return self._ratios[window_s]

    def _window_ratios(self, steps: int) -> list[float | None]:
        """window_ratio() at every evaluation, inlined: this loop is the simulator's hot
        spot."""
        sum_e, sum_r, count = self._sum_e, self._sum_r, self._count
        steps -= self.left_open
        out: list[float | None] = [None] * len(self.requests)
        for m in range(0, len(self.requests), self.step):
            first = m - steps if m > steps else 0
            if count[m + 1] == count[first]:
                continue
            requests = sum_r[m + 1] - sum_r[first]
            out[m] = (sum_e[m + 1] - sum_e[first]) / requests if requests > 0 else 0.0
        return out

    def event_counts(self, window_s: int) -> list[float | None]:
        """events() at every evaluation (None between evaluations), once per window."""
        if window_s not in self._events:
            sum_r, count = self._sum_r, self._count
            steps = window_s // STEP_S - self.left_open
            out: list[float | None] = [None] * len(self.requests)
            for m in range(0, len(self.requests), self.step):
                first = m - steps if m > steps else 0
                seen = count[m + 1] - count[first]
                if seen:
                    out[m] = (sum_r[m + 1] - sum_r[first]) / seen * float(window_s)
            self._events[window_s] = out
        return self._events[window_s]

    def window(self, minute: int, window_s: int) -> tuple[float, float, float]:
        """(sum of errors, sum of requests, samples) recorded in [minute - window, minute]
        ((minute - window, minute] when left-open)."""
        first = max(0, minute - window_s // STEP_S + self.left_open)
        return (
            self._sum_e[minute + 1] - self._sum_e[first],
            self._sum_r[minute + 1] - self._sum_r[first],
            self._count[minute + 1] - self._count[first],
        )


def _prefix(values: Sequence[float | None]) -> list[float]:
    return list(accumulate((v or 0.0 for v in values), initial=0.0))


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
    errors_out: list[float | None] = []
    requests_out: list[float | None] = []
    bad = counters.errors
    good = tuple(t - e for t, e in zip(counters.total, counters.errors, strict=True))
    for m in range(counters.minutes + 1):
        if m % step:
            errors_out.append(None)
            requests_out.append(None)
            continue
        errors: float | None
        total: float | None
        if mode in ("errors/shared", "good/shared"):
            r_bad, r_good = rate(bad, m, left_open=left_open), rate(good, m, left_open=left_open)
            total = None if r_bad is None or r_good is None else r_bad + r_good
            if mode == "errors/shared":
                errors = r_bad
            else:
                errors = None if total is None or r_good is None else total - r_good
        elif mode == "errors/separate":
            errors = rate(bad, m, left_open=left_open)
            total = rate(counters.total, m, left_open=left_open)
        else:
            total = rate(counters.total, m, left_open=left_open)
            r_good = rate(good, m, left_open=left_open)
            errors = None if total is None or r_good is None else total - r_good
        errors_out.append(errors)
        requests_out.append(total)
    return Recorded(errors_out, requests_out, step, left_open)


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
    minutes, step = len(rec.requests), rec.step
    holds = [False] * minutes
    unsure: set[int] = set()
    for w in alert.windows:
        threshold = float(w.factor) * budget
        margin = TIE * max(threshold, 1e-300)
        longs, shorts = rec.ratios(w.long_s), rec.ratios(w.short_s)
        seen = rec.event_counts(w.long_s) if slo.min_events else None
        low, high = threshold - margin, threshold + margin
        need = float(slo.min_events)
        need_low, need_high = need * (1 - TIE), need * (1 + TIE)
        for m in range(0, minutes, step):
            long_r, short_r = longs[m], shorts[m]
            # Each comparison is surely true, surely false, or unsure (within rounding of
            # its threshold); the condition is unsure when none is surely false and one is
            # unsure. This loop is the simulator's hot spot: the comparisons are inlined.
            if long_r is None or short_r is None or long_r < low or short_r < low:
                continue
            unsure_here = long_r <= high or short_r <= high
            if seen is not None:
                count = seen[m]
                if count is None or count < need_low:
                    continue
                unsure_here = unsure_here or count <= need_high
            if unsure_here:
                unsure.add(m)
            else:
                holds[m] = True
    # A window whose condition surely holds settles the minute, whatever the others do.
    ties = sorted(m for m in unsure if not holds[m])
    firing, active = _states(holds, step, alert.for_ms or 0)
    if not ties:
        return Timeline(firing, active, ties)
    maybe = list(holds)
    for m in ties:
        maybe[m] = True
    firing_if, active_if = _states(maybe, step, alert.for_ms or 0)
    return Timeline(firing, [a or b for a, b in zip(active, active_if, strict=True)], ties,
                    (firing_if,))


def _states(holds: list[bool], step: int, for_ms: int) -> tuple[list[bool], list[bool]]:
    """Firing and active (pending or firing) at each minute, the condition holding at the
    evaluations (every `step` minutes) where `holds`, held for `for_ms`."""
    minutes = len(holds)
    firing, active = [False] * minutes, [False] * minutes
    hold_s = for_ms // 1000
    active_since: int | None = None
    state = False
    for m in range(minutes):
        if m % step == 0:
            if holds[m]:
                active_since = m if active_since is None else active_since
                state = (m - active_since) * STEP_S >= hold_s
            else:
                active_since, state = None, False
        firing[m], active[m] = state, active_since is not None
    return firing, active

