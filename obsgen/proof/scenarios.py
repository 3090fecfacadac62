"""Synthetic-traffic scenarios for an SLO, with the alert states `simulate` predicts.

An SLO's tiers are split into suites by evaluation step: tiers whose windows are all at most
12h are evaluated every minute; longer ones (the ticket tier's 1d and 3d windows) every
15 minutes (`step_for`), which makes their tests over 20 times cheaper than every minute
(promtool's cost is evaluations x rules in the file) at the price of a 15-minute resolution
on ticket timings, still 8 evaluations in a 2h short window. Each suite:

- threshold (per tier): after a healthy history as long as the tier's longest window (errors
  at a tenth of the budget: no alert, pending or firing, at any evaluation, checked on the
  ALERTS series), a burn just above the tier's threshold fires exactly when predicted, then
  resolves after recovery;
  the ticket tier's burn stays below every page threshold, so a slow burn never pages;
- outage: after a healthy history as long as the suite's longest window, every event fails
  (in one group only when the SLO is grouped): each tier fires and resolves when predicted;
- quiet: zero traffic for a full window (error ratios 0, not NaN), then a handful of failing
  requests, fewer than min_events: no alert at any evaluation;
- threshold tiers also get a breach shorter than `for` and their SLI at the objective, both
  silent (`thresholds`).

Every other expectation is the exact set of firing alert instances at one evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from obsgen import model
from obsgen.conventions import COARSE_STEP_MIN
from obsgen.durations import format_seconds
from obsgen.model import BurnWindow
from obsgen.proof import thresholds
from obsgen.proof.simulate import Phase, Recorded, cumulative, record_arrays, simulate
from obsgen.proof.timeline import Timeline, both
from obsgen.proof.traffic import SyntheticInputs

BASE_TOTAL = 1_000_000
"""Events a minute in the synthetic traffic: integers keep every counter value exact."""
BURN_MULTIPLIERS = (1.1, 1.13, 1.17, 1.21, 1.25, 1.3)
COARSE_STEP = COARSE_STEP_MIN
COARSE_FROM_S = 12 * 3600

Phases = tuple[tuple[Phase, ...], ...]
Lines = dict[tuple[str, int], Timeline]


@dataclass(frozen=True)
class Check:
    """At `minute`, alert `alert` fires for exactly these groups (indexes into plan.groups)."""

    minute: int
    alert: str
    groups: tuple[int, ...]


@dataclass
class Scenario:
    name: str
    phases: Phases
    checks: list[Check] = field(default_factory=list)
    zero_ratio_at: int | None = None
    silent_until: int | None = None
    """No ALERTS sample (pending or firing) for this SLO from the start to this minute."""


@dataclass(frozen=True, kw_only=True)
class Detection:
    """What one tier does, in minutes: from the start of a burn to the alert, from the end
    of the burn to its resolution."""

    burn: float
    """The burn rate, as a multiple of the budget rate."""
    window_s: int
    """The long window of the condition at whose threshold the burn is (outage: 0)."""
    fires: int
    resolves: int


@dataclass
class Suite:
    step: int
    """Minutes between evaluations."""
    alerts: tuple[model.SLOAlert, ...]
    scenarios: list[Scenario]
    threshold: dict[str, list[Detection]]
    """Per alert, one timing per condition tested at its threshold (slowest window last)."""
    outage: dict[str, Detection]


def step_for(alert: model.SLOAlert) -> int:
    """Minutes between evaluations in the tier's tests: every minute up to 12h windows;
    beyond, COARSE_STEP when it divides every window and `for` of the tier and the short
    windows hold at least 6 evaluations (else every 5 minutes, else every minute)."""
    longest = max(w.long_s for w in alert.windows)
    if longest <= COARSE_FROM_S:
        return 1
    spans = [s for w in alert.windows for s in (w.long_s, w.short_s)]
    for step in (COARSE_STEP, 5):
        if (all(s % (step * 60) == 0 for s in spans) and (alert.for_ms or 0) % (step * 60_000)
                == 0 and min(w.short_s for w in alert.windows) >= 6 * step * 60):
            return step
    return 1


def traffic_per_minute(slo: model.SLO) -> int:
    return max(BASE_TOTAL, 2 * slo.min_events)


def _errors(total: int, ratio: float) -> int:
    return min(total, max(0, round(total * ratio)))


def _align(minute: int, step: int) -> int:
    return -(-minute // step) * step


def build(slo: model.SLO, plan: SyntheticInputs) -> list[Suite]:
    """The suites of `slo`, computed afresh (`obsgen.suites.build_once` remembers them)."""
    suites = [_suite(slo, plan, step) for step in sorted({step_for(a) for a in slo.alerts})]
    _add_quiet(slo, plan, suites)
    return suites


def _suite(slo: model.SLO, plan: SyntheticInputs, step: int) -> Suite:
    mine = tuple(a for a in slo.alerts if step_for(a) == step)
    ctx = Context(slo, plan, step)
    longest = _align(max(w.long_s for a in mine for w in a.windows) // 60, step)
    suite = Suite(step, mine, [], {}, {})
    for alert in mine:
        for window in _tested_conditions(alert, float(slo.budget), step):
            scenario, timing = ctx.at_threshold(alert, window)
            suite.scenarios.append(scenario)
            suite.threshold.setdefault(alert.name, []).append(timing)
        if alert.kind == "threshold":
            suite.scenarios += ctx.threshold_scenarios(alert, scenario)
    scenario, suite.outage = ctx.outage(mine, longest)
    suite.scenarios.append(scenario)
    return suite


def _tested_conditions(alert: model.SLOAlert, budget: float, step: int
                       ) -> list[BurnWindow]:
    """The conditions to test at their thresholds: every reachable one for tiers evaluated
    every minute; the first for the long-window tiers (their conditions all mean "10% of the
    budget spent": under a steady burn the slowest window fires first and hides the others,
    and each extra 3-day scenario would double the cost of the suite)."""
    reachable = [w for w in alert.windows if float(w.factor) * budget < 1]
    return reachable if step == 1 else reachable[:1]


def _add_quiet(slo: model.SLO, plan: SyntheticInputs, suites: list[Suite]) -> None:
    """One quiet scenario for all tiers: in the cheapest suite where it stays silent (the
    min_events guard estimates a window's events from the part of it that has samples, so a
    short quiet history can make a few requests look like many), else in the longest one."""
    for suite in suites:
        ctx = Context(slo, plan, suite.step)
        longest = max(w.long_s for a in suite.alerts for w in a.windows) // 60
        scenario = ctx.quiet(slo.alerts, _align(longest, suite.step))
        if scenario.silent_until is not None or suite is suites[-1]:
            suite.scenarios.append(scenario)
            return


@lru_cache(maxsize=256)
def _recorded(phases: tuple[Phase, ...], mode: str, step: int, left_open: bool) -> Recorded:
    return record_arrays(*cumulative(phases), mode, step, left_open)


_SIMULATED: dict[tuple[object, ...], Timeline] = {}


class Context:
    """One SLO's scenarios at one evaluation step: the simulations they need, remembered."""

    def __init__(self, slo: model.SLO, plan: SyntheticInputs, step: int) -> None:
        self.slo, self.plan, self.step = slo, plan, step
        self.total = traffic_per_minute(slo)
        self.budget = float(slo.budget)
        self.healthy_errors = _errors(self.total, self.budget * 0.1)

    def lines(self, phases: Phases, within: Phases | None = None) -> Lines:
        """Every tier's timeline for every group. `within`: phases simulated before, which
        `phases` may begin (the same traffic, ending sooner): then their timelines are cut,
        not simulated again."""
        out = {}
        for g in range(len(self.plan.groups)):
            for alert in self.slo.alerts:
                out[(alert.name, g)] = (self._simulated(alert, phases[g]) if within is None
                                        else self._cut(alert, within[g], phases[g]))
        return out

    def _cut(self, alert: model.SLOAlert, longer: tuple[Phase, ...],
             phases: tuple[Phase, ...]) -> Timeline:
        last = len(phases) - 1
        if (len(longer) <= last or phases[:last] != longer[:last]
                or phases[last].minutes > longer[last].minutes
                or (phases[last].total, phases[last].errors) != (longer[last].total,
                                                                  longer[last].errors)):
            return self._simulated(alert, phases)
        line = self._simulated(alert, longer)
        shorter = sum(p.minutes for p in longer) - sum(p.minutes for p in phases)
        return line.cut(len(line.firing) - shorter)

    def _simulated(self, alert: model.SLOAlert, phases: tuple[Phase, ...]) -> Timeline:
        """simulate() under both range semantics, memoized on all it reads: a fleet of
        look-alike SLOs costs one run."""
        slo, mode = self.slo, self.plan.mode
        key = (phases, mode, self.step, slo.budget, slo.min_events, alert.windows,
               alert.for_ms)
        if key not in _SIMULATED:
            if len(_SIMULATED) > 4096:
                _SIMULATED.clear()
            _SIMULATED[key] = both(
                simulate(slo, alert, _recorded(phases, mode, self.step, False)),
                simulate(slo, alert, _recorded(phases, mode, self.step, True)))
        return _SIMULATED[key]

    def uniform(self, phases: tuple[Phase, ...]) -> Phases:
        return tuple(phases for _ in self.plan.groups)

    def checks(self, minutes: set[int], lines: Lines) -> list[Check]:
        return checks(self.slo, len(self.plan.groups), self.step, minutes, lines)

    def transitions(self, lines: Lines) -> set[int]:
        found: set[int] = set()
        for line in lines.values():
            for m in line.changes(self.step):
                found.update((m - self.step, m))
        return found

    def threshold(self, alert: model.SLOAlert) -> tuple[int, float]:
        """Threshold of the alert's first condition that can fire."""
        return next((w.long_s, float(w.factor) * self.budget) for w in alert.windows
                    if float(w.factor) * self.budget < 1)

    def at_threshold(self, alert: model.SLOAlert, window: BurnWindow
                     ) -> tuple[Scenario, Detection]:
        threshold = float(window.factor) * self.budget
        start = _align(max(w.long_s for w in alert.windows) // 60, self.step)
        ceiling = 1.0
        if alert.tier == "ticket":
            pages = [self.threshold(a)[1] for a in self.slo.alerts if a.tier == "page"]
            ceiling = (threshold + min(pages, default=1.0)) / 2
        total, healthy = self.total, self.healthy_errors
        for multiplier in BURN_MULTIPLIERS:
            burn = _errors(total, min(multiplier * threshold, (threshold + ceiling) / 2))
            if burn / total <= threshold:
                burn += 1

            def burning(n: int, rest: int, burn: int = burn) -> Phases:
                return self.uniform((Phase(start, total, healthy), Phase(n, total, burn),
                                     Phase(rest, total, healthy)))

            wait = _align((alert.for_ms or 0) // 60_000, self.step)  # a threshold's `for`
            fire = self.lines(burning(2 * start + wait + 10, 1))[(alert.name, 0)].first_firing(
                start)
            assert fire is not None, f"{alert.name} never fires above its threshold"
            burn_len = fire - start + self.step
            lines = self.lines(burning(burn_len, 2 * start + 10))
            quiet = lines[(alert.name, 0)].first_quiet(fire)
            assert quiet is not None, f"{alert.name} never resolves"
            phases = burning(burn_len, quiet - start - burn_len + _align(5, self.step))
            lines = self.lines(phases, within=burning(burn_len, 2 * start + 10))
            if not any(line.near_tie for line in lines.values()):
                break
        rate = burn / total / self.budget
        paged = any(lines[(a.name, 0)].fires() for a in self.slo.alerts if a.tier == "page")
        kind = "a fast burn pages" if alert.tier == "page" else (
            "a slow burn opens a ticket and does not page" if not paged
            else "a slow burn opens a ticket (and pages: the page tier fires on less)")
        assert _silent(lines, start + 1), "healthy traffic must not alert"
        scenario = Scenario(f"{_healthy(start)}, then {kind}: {alert.name} at {rate:.4g}x "
                            f"the budget rate ({format_seconds(window.long_s)} condition)",
                            phases, silent_until=start)
        end = sum(p.minutes for p in phases[0])
        assert fire is not None and quiet is not None
        scenario.checks = self.checks(self.transitions(lines) | {start, end}, lines)
        return scenario, Detection(burn=rate, window_s=window.long_s, fires=fire - start,
                                   resolves=quiet - (start + burn_len))

    def threshold_scenarios(self, alert: model.SLOAlert, fired: Scenario) -> list[Scenario]:
        """A threshold tier's short breach and its SLI at the objective (`thresholds`),
        `fired` being its threshold scenario (whose burn the short breach reuses)."""
        start = fired.phases[0][0].minutes
        found = [
            thresholds.short_breach(alert, self.budget, self.total, self.healthy_errors, start,
                                    fired.phases[0][1].errors, self._line(alert)),
            thresholds.at_objective(alert, self.budget, self.total, self.healthy_errors, start,
                                    self._line(alert)),
        ]
        out = []
        for name, phases, marks in (f for f in found if f is not None):
            lines = self.lines(self.uniform(phases))
            scenario = Scenario(name, self.uniform(phases), silent_until=start)
            scenario.checks = self.checks(self.transitions(lines) | marks, lines)
            out.append(scenario)
        return out

    def _line(self, alert: model.SLOAlert) -> thresholds.Lines:
        return lambda phases: self.lines(self.uniform(phases))[(alert.name, 0)]

    def outage(self, alerts: tuple[model.SLOAlert, ...], start: int
               ) -> tuple[Scenario, dict[str, Detection]]:
        total, healthy = self.total, self.healthy_errors

        def phases_for(down: int, rest: int) -> Phases:
            out: list[tuple[Phase, ...]] = [(Phase(start, total, healthy),
                                             Phase(down, total, total),
                                             Phase(rest, total, healthy))]
            out += [(Phase(start + down + rest, total, healthy),)] * (len(self.plan.groups) - 1)
            return tuple(out)

        wait = _align(max((a.for_ms or 0) for a in alerts) // 60_000, self.step)  # `for`
        lines = self.lines(phases_for(start + wait + 10, 1))
        fires = {a.name: lines[(a.name, 0)].first_firing(start) for a in alerts}
        assert all(f is not None for f in fires.values()), "a total outage fires every tier"
        down = max(f for f in fires.values() if f is not None) - start + self.step
        lines = self.lines(phases_for(down, 4 * start))
        resolves = {a.name: lines[(a.name, 0)].first_quiet(start + down) for a in alerts}
        rest = max(r for r in resolves.values() if r is not None) - start - down
        phases = phases_for(down, rest + _align(5, self.step))
        lines = self.lines(phases, within=phases_for(down, 4 * start))
        where = " in one group; the other stays quiet" if len(self.plan.groups) > 1 else ""
        assert _silent(lines, start + 1), "healthy traffic must not alert"
        scenario = Scenario(f"{_healthy(start)}, then a total outage{where}: every tier fires, "
                            "then resolves", phases, silent_until=start)
        scenario.checks = self.checks(self.transitions(lines) | {start}, lines)
        timings = {}
        for alert in alerts:
            fire, quiet = fires[alert.name], resolves[alert.name]
            assert fire is not None and quiet is not None
            timings[alert.name] = Detection(burn=1 / self.budget, window_s=0, fires=fire - start,
                                            resolves=quiet - start - down)
        return scenario, timings

    def quiet(self, alerts: tuple[model.SLOAlert, ...], start: int) -> Scenario:
        failing = min(5, self.slo.min_events - 1)
        short = max(w.short_s for a in alerts for w in a.windows) // 60
        length = _align(start + failing + short + 10, self.step)
        phases = self.uniform((Phase(start, 0, 0), Phase(failing, 1, 1),
                               Phase(length - start - failing, 0, 0)))
        lines = self.lines(phases)
        silent = _silent(lines)
        name = "zero traffic"
        if failing > 0:
            name += f", then {failing} failing requests (min_events is {self.slo.min_events})"
        name += ": no alert, error ratios 0 and not NaN" if silent else ""
        scenario = Scenario(name, phases, zero_ratio_at=start,
                            silent_until=length if silent else None)
        marks = {start, start + _align(failing, self.step), length} | self.transitions(lines)
        scenario.checks = self.checks(marks, lines)
        return scenario


def checks(slo: model.SLO, groups: int, step: int, minutes: set[int], lines: Lines
           ) -> list[Check]:
    """At each evaluation of `minutes`, the firing groups of each alert: only where
    Prometheus 2 and 3 agree for every group (a transition is bracketed by the evaluations
    before and after it, where they do)."""
    out = []
    for minute in sorted(m for m in minutes if m % step == 0):
        for alert in slo.alerts:
            mine = [lines[(alert.name, g)] for g in range(groups)]
            if all(line.agrees(minute) for line in mine):
                out.append(Check(minute, alert.name,
                                 tuple(g for g, line in enumerate(mine) if line.firing[minute])))
    return out


def _healthy(minutes: int) -> str:
    return (f"healthy traffic for {format_seconds(minutes * 60)} (errors at a tenth of the "
            "budget: no alert at any evaluation)")


def _silent(lines: Lines, until: int | None = None) -> bool:
    return not any(line.pending_or_firing(until) for line in lines.values())
