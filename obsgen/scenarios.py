"""Synthetic-traffic scenarios for an SLO, with the alert states `simulate` predicts.

For every SLO whose series obsgen can synthesize (ratio and latency SLIs):

- healthy: errors at a tenth of the budget: nothing fires at any window's end;
- threshold (per tier): after a healthy history as long as the tier's long window, a burn
  just above the tier's threshold: fires exactly when predicted, then resolves after recovery;
  the ticket tier's burn stays below every page threshold: a slow burn opens a ticket, never
  a page;
- outage: after a healthy history as long as the longest window, every event fails (in one
  group only when the SLO is grouped): each tier fires and resolves when predicted;
- zero traffic: nothing fires and the error ratio is 0, not NaN;
- low traffic: a handful of failing requests (fewer than min_events) pages nobody.

Every expectation is an exact set of firing alert instances at one evaluation minute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from obsgen import model
from obsgen.simulate import Counters, Phase, Recorded, Timeline, record, simulate
from obsgen.synth import parse_selector, render_series, satisfy

BASE_TOTAL = 1_000_000
"""Events a minute in the synthetic traffic: integers keep every counter value exact."""
BURN_MULTIPLIERS = (1.1, 1.13, 1.17, 1.21, 1.25, 1.3)


@dataclass(frozen=True)
class Series:
    text: str
    role: str  # bad, good, errors or total: which share of the traffic it counts
    group: int


@dataclass(frozen=True)
class InputPlan:
    mode: str
    groups: tuple[dict[str, str], ...]
    series: tuple[Series, ...]


@dataclass(frozen=True)
class Check:
    """At `minute`, alert `alert` fires for exactly these groups (indexes into plan.groups)."""

    minute: int
    alert: str
    groups: tuple[int, ...]


@dataclass
class Scenario:
    name: str
    phases: tuple[tuple[Phase, ...], ...]
    checks: list[Check] = field(default_factory=list)
    zero_ratio_at: int | None = None
    facts: dict[str, int] = field(default_factory=dict)

    @property
    def minutes(self) -> int:
        return sum(p.minutes for p in self.phases[0])


def input_plan(slo: model.SLO) -> InputPlan | str:
    """The series to synthesize for `slo`, or why obsgen cannot."""
    sli = slo.sli
    if sli.kind == "raw":
        return "a raw SLI is an arbitrary expression: obsgen cannot synthesize its input series"
    total = parse_selector(sli.total_selector)
    if sli.kind == "latency":
        part, mode = parse_selector(sli.good_selector), "good/separate"
    elif sli.errors_selector:
        part = parse_selector(sli.errors_selector)
        mode = "errors/shared" if part.metric == total.metric else "errors/separate"
    else:
        part = parse_selector(sli.good_selector)
        mode = "good/shared" if part.metric == total.metric else "good/separate"
    groups = _group_values(slo.group_by, [part, total])
    series: list[Series] = []
    for index, fixed in enumerate(groups):
        if mode.endswith("shared"):
            inside = satisfy([part, total], fixed)
            outside = satisfy([total], fixed, avoid=part)
            if inside is None or outside is None:
                return "no labels satisfy the SLI's selectors as the synthetic series need"
            first = "bad" if mode.startswith("errors") else "good"
            second = "good" if first == "bad" else "bad"
            series += [Series(render_series(part.metric, inside), first, index),
                       Series(render_series(total.metric, outside), second, index)]
        else:
            mine, all_ = satisfy([part], fixed), satisfy([total], fixed)
            if mine is None or all_ is None:
                return "no labels satisfy the SLI's selectors"
            if sli.kind == "latency":
                mine = {**mine, "le": sli.le}
            role = "errors" if mode.startswith("errors") else "good"
            series += [Series(render_series(part.metric, mine), role, index),
                       Series(render_series(total.metric, all_), "total", index)]
    return InputPlan(mode, tuple(groups), tuple(series))


def _group_values(group_by: tuple[str, ...], selectors: list[object]) -> list[dict[str, str]]:
    if not group_by:
        return [{}]
    first, second = {}, {}
    for label in group_by:
        wanted = [m for s in selectors for m in getattr(s, "matchers") if m.name == label]
        options = [v for v in (f"{label}-a", f"{label}-b", *(m.value for m in wanted))
                   if all(m.matches(v) for m in wanted)]
        if not options:
            return [{}]
        first[label] = options[0]
        second[label] = options[1] if len(options) > 1 else options[0]
    return [first, second] if first != second else [first]


def traffic_per_minute(slo: model.SLO) -> int:
    return max(BASE_TOTAL, 2 * slo.min_events)


def _errors(total: int, ratio: float) -> int:
    return min(total, max(0, round(total * ratio)))


def timelines(slo: model.SLO, plan: InputPlan, phases: tuple[tuple[Phase, ...], ...]
              ) -> dict[tuple[str, int], Timeline]:
    out = {}
    for g in range(len(plan.groups)):
        rec = _recorded(phases[g], plan.mode)
        for alert in slo.alerts:
            out[(alert.name, g)] = _simulated(slo, alert, rec, (phases[g], plan.mode))
    return out


@lru_cache(maxsize=256)
def _recorded(phases: tuple[Phase, ...], mode: str) -> Recorded:
    return record(Counters.of(phases), mode)


_SIMULATED: dict[tuple[object, ...], Timeline] = {}


def _simulated(slo: model.SLO, alert: model.SLOAlert, rec: Recorded,
               inputs: tuple[object, ...]) -> Timeline:
    """simulate(), memoized on everything it reads: a fleet of look-alike SLOs costs one run."""
    key = (inputs, slo.budget, slo.min_events, alert.windows, alert.for_ms)
    if key not in _SIMULATED:
        if len(_SIMULATED) > 4096:
            _SIMULATED.clear()
        _SIMULATED[key] = simulate(slo, alert, rec)
    return _SIMULATED[key]


def _checks_at(minutes: set[int], slo: model.SLO, lines: dict[tuple[str, int], Timeline],
               groups: int) -> list[Check]:
    checks = []
    for minute in sorted(minutes):
        for alert in slo.alerts:
            firing = tuple(g for g in range(groups) if lines[(alert.name, g)].firing[minute])
            checks.append(Check(minute, alert.name, firing))
    return checks


def _transitions(lines: dict[tuple[str, int], Timeline]) -> set[int]:
    found: set[int] = set()
    for line in lines.values():
        for m in range(1, len(line.firing)):
            if line.firing[m] != line.firing[m - 1]:
                found.update((m - 1, m))
    return found


def _ties(lines: dict[tuple[str, int], Timeline]) -> bool:
    return any(line.near_tie for line in lines.values())


def _uniform(plan: InputPlan, phases: tuple[Phase, ...]) -> tuple[tuple[Phase, ...], ...]:
    return tuple(phases for _ in plan.groups)


def _threshold(alert: model.SLOAlert, budget: float) -> tuple[int, float] | None:
    """Long window (minutes) and threshold of the alert's first condition that can fire."""
    for w in alert.windows:
        threshold = float(w.factor) * budget
        if threshold < 1:
            return w.long_s // 60, threshold
    return None


def build(slo: model.SLO, plan: InputPlan) -> list[Scenario]:
    total = traffic_per_minute(slo)
    budget = float(slo.budget)
    healthy = _errors(total, budget * 0.1)
    longest = max(w.long_s for a in slo.alerts for w in a.windows) // 60
    out = [_healthy(slo, plan, total, healthy)]
    for alert in slo.alerts:
        out.append(_at_threshold(slo, plan, alert, total, healthy))
    out.append(_outage(slo, plan, total, healthy, longest))
    out.append(_zero_traffic(slo, plan))
    if slo.min_events >= 2:
        out.append(_low_traffic(slo, plan))
    return out


def _healthy(slo: model.SLO, plan: InputPlan, total: int, healthy: int) -> Scenario:
    page = [a for a in slo.alerts if a.tier == "page"] or list(slo.alerts)
    length = max(w.long_s for a in page for w in a.windows) // 60 + 10
    phases = _uniform(plan, (Phase(length, total, healthy),))
    lines = timelines(slo, plan, phases)
    marks = {w.long_s // 60 for a in slo.alerts for w in a.windows if w.long_s // 60 <= length}
    scenario = Scenario("healthy traffic (errors at a tenth of the budget) never alerts", phases)
    scenario.checks = _checks_at(marks | {length}, slo, lines, len(plan.groups))
    return scenario


def _at_threshold(slo: model.SLO, plan: InputPlan, alert: model.SLOAlert, total: int,
                  healthy: int) -> Scenario:
    budget = float(slo.budget)
    found = _threshold(alert, budget)
    assert found is not None, "validation rejects tiers that cannot fire"
    long_m, threshold = found
    ceiling = 1.0
    if alert.tier == "ticket":
        pages = [_threshold(a, budget) for a in slo.alerts if a.tier == "page"]
        page_min = min((t for _, t in filter(None, pages)), default=1.0)
        ceiling = min(ceiling, (threshold + page_min) / 2)
    for multiplier in BURN_MULTIPLIERS:
        burn = _errors(total, min(multiplier * threshold, (threshold + ceiling) / 2))
        if burn / total <= threshold:
            burn += 1
        burning = lambda n, rest: (Phase(long_m, total, healthy), Phase(n, total, burn),  # noqa: E731
                                   Phase(rest, total, healthy))
        phases = _uniform(plan, burning(2 * long_m + 10, 1))
        fire = timelines(slo, plan, phases)[(alert.name, 0)].first_firing(long_m)
        assert fire is not None, f"{alert.name} never fires above its threshold"
        burn_len = fire - long_m + 2
        phases = _uniform(plan, burning(burn_len, 2 * long_m + 10))
        lines = timelines(slo, plan, phases)
        quiet = lines[(alert.name, 0)].first_quiet(fire)
        assert quiet is not None, f"{alert.name} never resolves"
        phases = _uniform(plan, burning(burn_len, quiet - long_m - burn_len + 5))
        lines = timelines(slo, plan, phases)
        if not _ties(lines):
            break
    kind = "slow burn opens a ticket and does not page" if alert.tier == "ticket" else "fast burn pages"
    scenario = Scenario(f"{kind}: {alert.name} at {burn / total / budget:.4g}x the budget rate",
                        phases)
    marks = _transitions(lines) | {long_m, sum(p.minutes for p in phases[0])}
    scenario.checks = _checks_at(marks, slo, lines, len(plan.groups))
    scenario.facts = {"burn_ppm": round(burn / total * 1e6), "start": long_m,
                      "fires": fire - long_m, "recovery": long_m + burn_len,
                      "resolves": quiet - (long_m + burn_len)}
    return scenario


def _outage(slo: model.SLO, plan: InputPlan, total: int, healthy: int, longest: int) -> Scenario:
    def phases_for(down: int, rest: int) -> tuple[tuple[Phase, ...], ...]:
        out = [(Phase(longest, total, healthy), Phase(down, total, total),
                Phase(rest, total, healthy))]
        out += [(Phase(longest + down + rest, total, healthy),)] * (len(plan.groups) - 1)
        return tuple(out)

    lines = timelines(slo, plan, phases_for(longest + 10, 1))
    fires = {a.name: lines[(a.name, 0)].first_firing(longest) for a in slo.alerts}
    assert all(f is not None for f in fires.values()), "a total outage must fire every tier"
    down = max(f for f in fires.values() if f is not None) - longest + 2
    lines = timelines(slo, plan, phases_for(down, 4 * longest))
    resolves = {a.name: lines[(a.name, 0)].first_quiet(longest + down) for a in slo.alerts}
    rest = max(r for r in resolves.values() if r is not None) - longest - down + 5
    phases = phases_for(down, rest)
    lines = timelines(slo, plan, phases)
    where = " in one group; the other stays quiet" if len(plan.groups) > 1 else ""
    scenario = Scenario(f"total outage{where}: every tier fires, then resolves", phases)
    scenario.checks = _checks_at(_transitions(lines) | {longest}, slo, lines, len(plan.groups))
    for alert in slo.alerts:
        fire, quiet = fires[alert.name], resolves[alert.name]
        assert fire is not None and quiet is not None
        scenario.facts[f"{alert.name}.fires"] = fire - longest
        scenario.facts[f"{alert.name}.resolves"] = quiet - longest - down
    scenario.facts["outage"] = down
    return scenario


def _zero_traffic(slo: model.SLO, plan: InputPlan) -> Scenario:
    length = 70
    phases = _uniform(plan, (Phase(length, 0, 0),))
    lines = timelines(slo, plan, phases)
    scenario = Scenario("zero traffic: no alert, error ratios 0 and not NaN", phases)
    scenario.checks = _checks_at({5, 30, length}, slo, lines, len(plan.groups))
    scenario.zero_ratio_at = length
    return scenario


def _low_traffic(slo: model.SLO, plan: InputPlan) -> Scenario:
    failing = min(5, slo.min_events - 1)
    page = [a for a in slo.alerts if a.tier == "page"] or list(slo.alerts)
    length = max(w.long_s for a in page for w in a.windows) // 60 + 10
    phases = _uniform(plan, (Phase(failing, 1, 1), Phase(length - failing, 0, 0)))
    lines = timelines(slo, plan, phases)
    scenario = Scenario(f"{failing} failing requests, under min_events ({slo.min_events}): no alert",
                        phases)
    marks = {1, failing, 10, 60, length} | _transitions(lines)
    scenario.checks = _checks_at({m for m in marks if m <= length}, slo, lines, len(plan.groups))
    return scenario
