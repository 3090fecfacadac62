"""The scenario suites of SLOs, remembered: a pure cache over `scenarios.build`.

Per SLO object, while it lives: the tests, runbooks and explain read one simulation (about
150 ms per SLO) instead of running it again. And per SLO *shape*: everything a suite holds
follows from the budget, min_events, each tier's windows and `for`, the input mode and the
number of groups, but for alert names; SLOs of one shape share one computation, renamed
(a fleet of 5,000 SLOs may have a handful of shapes).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence

from obsgen import model
from obsgen.proof import forks, probes, scenarios
from obsgen.proof.scenarios import Check, Scenario, Suite, build, step_for
from obsgen.proof.traffic import SyntheticInputs

_BY_OBJECT: dict[int, tuple[weakref.ref[model.SLO], list[Suite]]] = {}
SHAPES: dict[tuple[object, ...], tuple[tuple[str, ...], list[Suite]]] = {}
"""Suites per shape, with the alert names they were computed for."""
SHAPES_KEPT = 1024
"""At most this many shapes are remembered (then forgotten all at once)."""


def prebuild(pairs: Sequence[tuple[model.SLO, SyntheticInputs]], jobs: int) -> None:
    """Compute the suites of the distinct shapes among `pairs` on `jobs` forked processes
    and remember them, so that `build_once` finds them. Only where `forks.can_fork`, and only as
    many shapes as are kept; otherwise (or with `jobs` < 2) nothing happens and `build_once`
    computes them as it goes. The suites are the same either way: `build` is pure."""
    todo: dict[tuple[object, ...], tuple[model.SLO, SyntheticInputs]] = {}
    for slo, plan in pairs:
        key = shape(slo, plan)
        if key not in SHAPES:
            todo.setdefault(key, (slo, plan))
    if (jobs < 2 or len(todo) < 2 or len(SHAPES) + len(todo) > SHAPES_KEPT
            or not forks.can_fork()):
        return
    built = forks.forked_map(_build, list(todo.values()), jobs, chunksize=4)
    for (key, (slo, _)), suites in zip(todo.items(), built, strict=True):
        SHAPES[key] = (tuple(a.name for a in slo.alerts), suites)


def _build(pair: tuple[model.SLO, SyntheticInputs]) -> list[Suite]:
    slo, plan = pair
    return (probes.build if plan.mode == "probe" else build)(slo, plan)


def build_once(slo: model.SLO, plan: SyntheticInputs) -> list[Suite]:
    """`scenarios.build(slo, plan)`, remembered per SLO object and per shape."""
    key = id(slo)
    hit = _BY_OBJECT.get(key)
    if hit is not None and hit[0]() is slo:
        return hit[1]
    suites = shaped(slo, plan)
    _BY_OBJECT[key] = (weakref.ref(slo, lambda _ref: _BY_OBJECT.pop(key, None)), suites)
    return suites


def shaped(slo: model.SLO, plan: SyntheticInputs) -> list[Suite]:
    """`scenarios.build(slo, plan)`, computed once per shape and renamed."""
    key = shape(slo, plan)
    names = tuple(a.name for a in slo.alerts)
    if key not in SHAPES:
        if len(SHAPES) > SHAPES_KEPT:
            SHAPES.clear()
        SHAPES[key] = (names, _build((slo, plan)))
    built_names, suites = SHAPES[key]
    return suites if built_names == names else renamed(suites, built_names, slo.alerts)


def outage_fires(slo: model.SLO, plan: SyntheticInputs, alert: str) -> tuple[int, int]:
    """(minutes from the start of a total outage to `alert` firing, the step of its suite):
    the outage scenario alone, as its full suite computes it (the suite's, when remembered).
    `validate` reads it for the notification budgets and needs no other scenario."""
    key = shape(slo, plan)
    names = tuple(a.name for a in slo.alerts)
    if key in SHAPES:  # computed for this shape's alerts, in order: maybe under other names
        built_names, built = SHAPES[key]
        name = built_names[names.index(alert)]
        suite = next(s for s in built if name in s.outage)
        return suite.outage[name].fires, suite.step
    step = step_for(next(a for a in slo.alerts if a.name == alert))
    mine = tuple(a for a in slo.alerts if step_for(a) == step)
    longest = max(w.long_s for a in mine for w in a.windows) // 60
    longest = -(-longest // step) * step
    if plan.mode == "probe":
        _, timings = probes.Context(slo, plan, step).outage(mine, longest)
    else:
        _, timings = scenarios.Context(slo, plan, step).outage(mine, longest)
    return timings[alert].fires, step


def shape(slo: model.SLO, plan: SyntheticInputs) -> tuple[object, ...]:
    """All a suite follows from but alert names: SLOs of one shape have one computation."""
    return (plan.mode, plan.interval_s, len(plan.groups), slo.budget, slo.min_events,
            tuple((a.tier, a.kind, a.windows, a.for_ms) for a in slo.alerts))


def renamed(suites: list[Suite], names: tuple[str, ...],
            alerts: tuple[model.SLOAlert, ...]) -> list[Suite]:
    """`suites`, computed for alerts named `names`, for `alerts` (same shapes, in order)."""
    new = dict(zip(names, (a.name for a in alerts), strict=True))
    by_name = {a.name: a for a in alerts}
    # Alert names are CamelCase words: \b keeps one name from matching inside another.
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(new, key=len, reverse=True)))
                         + r")\b")

    def text(value: str) -> str:
        return pattern.sub(lambda m: new[m[1]], value)

    return [Suite(
        suite.step, tuple(by_name[new[a.name]] for a in suite.alerts),
        [Scenario(text(sc.name), sc.phases,
                  [Check(c.minute, new[c.alert], c.groups) for c in sc.checks],
                  sc.zero_ratio_at, sc.silent_until) for sc in suite.scenarios],
        {new[k]: v for k, v in suite.threshold.items()},
        {new[k]: v for k, v in suite.outage.items()},
    ) for suite in suites]
