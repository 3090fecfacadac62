"""Scenarios of probe SLOs: `probe_success` samples whose failure patterns cross each
condition's threshold, or stay just under it.

A probe SLI counts runs (`count_over_time(probe_success[5m])`) and failed runs, so its error
ratios are quantized: one failure in the 11 runs of a 5m window of a 30s probe is 9%. Counter
traffic of a million events a minute cannot be written as probe samples; instead, each
condition (long window, short window, factor x budget) gets periodic patterns, "e of every
n x P runs fail" (the e failures at the start of each P-minute period):

- crossing: after healthy runs (none fails) as long as the tier's longest window, the pattern
  of lowest failure share above the threshold that fires, until it fires, then healthy runs
  until it resolves;
- under: the pattern of highest share below the threshold, for the window, `for` and 10
  minutes more: the tier does not fire (none when a single failure in the window is above
  the threshold, as for a 10m threshold tier at 2x a 1% budget);
- threshold tiers: the crossing pattern for the longest stretch that stays shorter than `for`;
- outage: every run fails (in one group when grouped): each tier fires, then resolves;
- first runs: when min_events is set, a few failing runs after none: no alert, if the guard
  holds them back (its estimate extrapolates a short history, see `scenarios`).

A comparison within the simulator's tie margin is predicted both ways; a silent scenario must
be silent both ways, and a tied evaluation of a firing one is left unasserted. The tests
sample the series at the probe's interval when it divides a minute (one run a minute else).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from obsgen import model
from obsgen.conventions import BASE_WINDOW_S
from obsgen.durations import format_seconds
from obsgen.model import BurnWindow
from obsgen.proof.scenarios import Detection, Scenario, Suite, checks, step_for
from obsgen.proof.simulate import Phase, Recorded, simulate
from obsgen.proof.timeline import Timeline, both
from obsgen.proof.traffic import SyntheticInputs

Phases = tuple[tuple[Phase, ...], ...]
Lines = dict[tuple[str, int], Timeline]


def runs_per_minute(interval_s: int) -> int:
    """Samples a minute in the tests: the probe's, when its interval divides a minute."""
    return 60 // interval_s if 0 < interval_s <= 60 and 60 % interval_s == 0 else 1


def samples(phases: tuple[Phase, ...], per_minute: int) -> list[int | None]:
    """probe_success at each sample (None: no run): sample 0 at t=0, then `per_minute` a
    minute; in each minute of a phase its `errors` first runs fail (`total` 0: no runs)."""
    out: list[int | None] = [1 if phases and phases[0].total else None]
    for phase in phases:
        minute: list[int | None] = [0] * phase.errors
        minute += [1] * (phase.total - phase.errors) + [None] * (per_minute - phase.total)
        out += minute * phase.minutes
    return out


def series_text(phases: tuple[Phase, ...], per_minute: int) -> str:
    """The samples in promtool's notation: runs of a value as `vxN`, gaps as `_xN`."""
    values, parts, i = samples(phases, per_minute), [], 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[i]:
            j += 1
        text = "_" if values[i] is None else str(values[i])
        parts.append(text if j == i else f"{text}x{j - i}")
        i = j + 1
    return " ".join(parts)


@lru_cache(maxsize=256)
def record(phases: tuple[Phase, ...], per_minute: int, step: int, left_open: bool = False
           ) -> Recorded:
    """The probe SLI's base recording rules every `step` minutes, over the closed range
    [t-5m, t] of Prometheus 2 (or the left-open (t-5m, t] of Prometheus 3): runs / 300 and
    (runs - successes) / 300."""
    runs, good = _run_counts(phases, per_minute)
    span = BASE_WINDOW_S // 60 * per_minute
    last = np.arange(0, len(runs) - 1, per_minute)
    first = np.maximum(last - span + left_open, 0)
    count = runs[last + 1] - runs[first]
    ok = good[last + 1] - good[first]
    present = (count != 0) & (np.arange(len(last)) % step == 0)
    return Recorded((count - ok).astype(np.float64) / BASE_WINDOW_S,
                    count.astype(np.float64) / BASE_WINDOW_S, step, left_open, present)


def _run_counts(phases: tuple[Phase, ...], per_minute: int
                ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Running counts of runs and of successful runs over `samples(phases, per_minute)`,
    from 0 before the first sample."""
    first = int(bool(phases and phases[0].total))
    minute = np.arange(per_minute)
    ran = [minute < p.total for p in phases]
    succeeded = [(minute >= p.errors) & (minute < p.total) for p in phases]
    minutes = [max(0, p.minutes) for p in phases]
    out = []
    for flags in (ran, succeeded):
        values = np.concatenate([np.array([first], dtype=np.int64)] + [
            np.tile(f.astype(np.int64), m) for f, m in zip(flags, minutes, strict=True)])
        counts = np.zeros(len(values) + 1, dtype=np.int64)
        np.cumsum(values, out=counts[1:])
        out.append(counts)
    return out[0], out[1]


def build(slo: model.SLO, plan: SyntheticInputs) -> list[Suite]:
    suites = []
    for step in sorted({step_for(a) for a in slo.alerts}):
        ctx = Context(slo, plan, step)
        mine = tuple(a for a in slo.alerts if step_for(a) == step)
        suite = Suite(step, mine, [], {}, {})
        for alert in mine:
            reachable = [w for w in alert.windows if float(w.factor) * ctx.budget < 1]
            for window in reachable if step == 1 else reachable[:1]:
                crossing, timing, pattern = ctx.crossing(alert, window)
                suite.scenarios.append(crossing)
                suite.threshold.setdefault(alert.name, []).append(timing)
                suite.scenarios += ctx.under(alert, window)
                if alert.kind == "threshold":
                    suite.scenarios += ctx.short_breach(alert, pattern)
        longest = ctx.align(max(w.long_s for a in mine for w in a.windows) // 60)
        outage, suite.outage = ctx.outage(mine, longest)
        suite.scenarios.append(outage)
        suites.append(suite)
    if slo.min_events:
        suites[0].scenarios += Context(slo, plan, suites[0].step).first_runs()
    return suites


class Context:
    def __init__(self, slo: model.SLO, plan: SyntheticInputs, step: int) -> None:
        self.slo, self.plan, self.step = slo, plan, step
        self.n = runs_per_minute(plan.interval_s)
        self.budget = float(slo.budget)

    def align(self, minute: int) -> int:
        return -(-minute // self.step) * self.step

    def lines(self, phases: Phases) -> Lines:
        out = {}
        for g in range(len(self.plan.groups)):
            for alert in self.slo.alerts:
                out[(alert.name, g)] = self.simulated(alert, phases[g])
        return out

    def simulated(self, alert: model.SLOAlert, phases: tuple[Phase, ...]) -> Timeline:
        """`alert` on one group's runs, under Prometheus 2's and 3's range semantics."""
        return both(simulate(self.slo, alert, record(phases, self.n, self.step, False)),
                    simulate(self.slo, alert, record(phases, self.n, self.step, True)))

    def scenario(self, name: str, phases: Phases, marks: set[int], start: int) -> Scenario:
        """The scenario with checks at `marks` and at every change of state."""
        lines = self.lines(phases)
        assert not any(line.pending_or_firing(start + 1) for line in lines.values()), \
            "healthy probe runs must not alert"
        end = sum(p.minutes for p in phases[0])
        silent = not any(line.pending_or_firing() for line in lines.values())
        found = set(marks) | {start, end}
        for line in lines.values():
            for m in line.changes(self.step):
                found.update((m - self.step, m))
        found = {m for m in found if m <= end}
        return Scenario(name, phases, checks(self.slo, len(self.plan.groups), self.step,
                                             found, lines), None, end if silent else start)

    def spread(self, first: tuple[Phase, ...], everywhere: bool = False) -> Phases:
        """`first` in group 0 (in every group if `everywhere`), the others healthy."""
        healthy = (Phase(sum(p.minutes for p in first), self.n, 0),)
        return tuple(first if g == 0 or everywhere else healthy
                     for g in range(len(self.plan.groups)))

    def patterned(self, start: int, e: int, period: int, minutes: int, after: int
                  ) -> tuple[Phase, ...]:
        """Healthy runs for `start` minutes, the pattern for `minutes`, healthy for `after`."""
        out = [Phase(start, self.n, 0)]
        for at in range(0, minutes, period):
            out += [Phase(1, self.n, e), Phase(min(period, minutes - at) - 1, self.n, 0)]
        out.append(Phase(after, self.n, 0))
        return tuple(p for p in out if p.minutes > 0)

    def patterns(self, threshold: float, above: bool, limit: int) -> Iterator[tuple[int, int]]:
        """(e, P) for P up to `limit`, by failure share e / (n x P), nearest the threshold
        first."""
        found = [(e, p) for e in range(1, self.n + 1) for p in range(1, max(1, limit) + 1)
                 if (e / (self.n * p) > threshold) == above and e / (self.n * p) != threshold]
        yield from sorted(found, key=lambda c: (abs(c[0] / (self.n * c[1]) - threshold), c))

    def start(self, alert: model.SLOAlert) -> int:
        return self.align(max(w.long_s for w in alert.windows) // 60)

    def crossing(self, alert: model.SLOAlert, window: BurnWindow
                 ) -> tuple[Scenario, Detection, tuple[int, int]]:
        threshold, start = float(window.factor) * self.budget, self.start(alert)
        # Periods within the short window: every short window sees a failure.
        for e, period in self.patterns(threshold, True, window.short_s // 60):
            def probe_phases(minutes: int, e: int = e, period: int = period) -> Phases:
                return self.spread(self.patterned(start, e, period, minutes, 1))

            probe = self.lines(probe_phases(2 * start + 10))
            fire = probe[(alert.name, 0)].first_firing(start)
            if fire is None or fire != self.alone(alert, window, probe_phases(2 * start + 10)):
                continue  # not at all, or through another condition first
            burn = fire - start + self.step
            lines = self.lines(self.spread(self.patterned(start, e, period, burn, 4 * start)))
            quiet = lines[(alert.name, 0)].first_quiet(fire)
            if quiet is None:
                continue
            phases = self.spread(self.patterned(start, e, period, burn,
                                                quiet - start - burn + self.align(5)))
            # A tied evaluation (a ratio on its threshold, as whole runs make likely) is
            # predicted both ways and left unasserted: the pattern nearest the threshold wins.
            return self._crossing(alert, window, start, e, period, fire, burn, quiet, phases)
        raise AssertionError(f"{alert.name}: no failure pattern fires above its threshold")

    def _crossing(self, alert: model.SLOAlert, window: BurnWindow, start: int, e: int,
                  period: int, fire: int, burn: int, quiet: int, phases: Phases
                  ) -> tuple[Scenario, Detection, tuple[int, int]]:
        rate = e / (self.n * period) / self.budget
        name = (f"{_healthy(start)}, then {self._share(e, period)} ({rate:.4g}x the budget "
                f"rate, above the {format_seconds(window.long_s)} threshold): {alert.name} "
                "fires, then resolves")
        return (self.scenario(name, phases, set(), start),
                Detection(burn=rate, window_s=window.long_s, fires=fire - start,
                          resolves=quiet - start - burn), (e, period))

    def alone(self, alert: model.SLOAlert, window: BurnWindow, phases: Phases) -> int | None:
        """When the alert would first fire (group 0) with `window` its only condition."""
        solo = replace(alert, windows=(window,))
        return self.simulated(solo, phases[0]).first_firing(self.start(alert))

    def under(self, alert: model.SLOAlert, window: BurnWindow) -> list[Scenario]:
        threshold, start = float(window.factor) * self.budget, self.start(alert)
        length = self.align(window.long_s // 60 + (alert.for_ms or 0) // 60_000 + 10)
        limit = max(1, math.ceil(self.n / threshold) + 1)
        for e, period in list(self.patterns(threshold, False, limit))[:12]:
            phases = self.spread(self.patterned(start, e, period, length, self.align(5)))
            lines = self.lines(phases)
            if lines[(alert.name, 0)].fires():
                continue
            rate = e / (self.n * period) / self.budget
            name = (f"{_healthy(start)}, then {self._share(e, period)} for "
                    f"{format_seconds(length * 60)} ({rate:.4g}x the budget rate, under the "
                    f"{format_seconds(window.long_s)} threshold): {alert.name} does not fire")
            return [self.scenario(name, phases, {start + length}, start)]
        return []

    def short_breach(self, alert: model.SLOAlert, pattern: tuple[int, int]) -> list[Scenario]:
        """The crossing pattern for the longest stretch that stays shorter than `for`."""
        e, period = pattern
        start, hold = self.start(alert), (alert.for_ms or 0) // 60_000
        window = alert.windows[0].long_s // 60
        for length in range(window + hold + 1, 0, -1):
            phases = self.spread(self.patterned(start, e, period, length, window + hold + 10))
            lines = self.lines(phases)
            if lines[(alert.name, 0)].fires():
                continue
            name = (f"{self._share(e, period)} for {format_seconds(length * 60)}: the "
                    f"{format_seconds(window * 60)} ratio stays above the threshold for less "
                    f"than the {format_seconds(hold * 60)} it must last, {alert.name} stays "
                    "silent")
            return [self.scenario(name, phases, {start + length}, start)]
        return []

    def outage(self, alerts: tuple[model.SLOAlert, ...], start: int
               ) -> tuple[Scenario, dict[str, Detection]]:
        def phases_for(down: int, rest: int) -> Phases:
            return self.spread((Phase(start, self.n, 0), Phase(down, self.n, self.n),
                                Phase(rest, self.n, 0)))

        lines = self.lines(phases_for(start + 10, 1))
        fires = {a.name: lines[(a.name, 0)].first_firing(start) for a in alerts}
        assert all(f is not None for f in fires.values()), "every run failing fires every tier"
        down = max(f for f in fires.values() if f is not None) - start + self.step
        lines = self.lines(phases_for(down, 4 * start))
        quiet = {a.name: lines[(a.name, 0)].first_quiet(start + down) for a in alerts}
        rest = max(q for q in quiet.values() if q is not None) - start - down
        where = " in one group; the other stays quiet" if len(self.plan.groups) > 1 else ""
        scenario = self.scenario(f"{_healthy(start)}, then every run fails{where}: every tier "
                                 "fires, then resolves",
                                 phases_for(down, rest + self.align(5)), set(), start)
        timings = {}
        for alert in alerts:
            fire, back = fires[alert.name], quiet[alert.name]
            assert fire is not None and back is not None
            timings[alert.name] = Detection(burn=1 / self.budget, window_s=0,
                                            fires=fire - start, resolves=back - start - down)
        return scenario, timings

    def first_runs(self) -> list[Scenario]:
        """No runs, then a few failing ones (fewer than min_events), then none: silent when
        the guard holds them back; left out when its estimate lets them alert."""
        failing = max(1, min(5, self.slo.min_events - 1) // self.n)
        start = self.align(max(w.long_s for a in self.slo.alerts for w in a.windows
                               if step_for(a) == self.step) // 60)
        phases = self.spread((Phase(start, 0, 0), Phase(failing, self.n, self.n),
                              Phase(self.align(start + 10), 0, 0)), everywhere=True)
        if any(x.pending_or_firing() for x in self.lines(phases).values()):
            return []
        name = (f"no probe runs, then {failing * self.n} failing runs (min_events is "
                f"{self.slo.min_events}): no alert")
        return [self.scenario(name, phases, {start + failing}, start)]

    def _share(self, e: int, period: int) -> str:
        runs = self.n * period
        if e == runs:
            return "every run fails"
        return f"{e} of every {runs} runs {'fails' if e == 1 else 'fail'}"


def _healthy(minutes: int) -> str:
    return f"probe runs all succeed for {format_seconds(minutes * 60)} (no alert)"
