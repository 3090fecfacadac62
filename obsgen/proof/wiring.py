"""The short proof of a look-alike SLO: its alerts wired to its own series.

An SLO whose rules are another SLO's rules with names substituted (`targets.look_alikes`
checks this on the rendered rules) has the same arithmetic, which the other SLO's suites
prove in depth: thresholds, windows, `for` and the min_events guard. What is left to show
is the wiring: that its recording rules read its own series, that its alerts carry its own
labels and annotations, and that its groups stay apart. One scenario does that: healthy
traffic for a few minutes (no alert), then a total outage (in one group only when the SLO is
grouped) until every tier fires, each exactly when predicted, as in the deep suites.
"""

from __future__ import annotations

from obsgen import model
from obsgen.proof.scenarios import Context, Scenario, traffic_per_minute
from obsgen.proof.simulate import Phase
from obsgen.proof.traffic import SyntheticInputs

HEALTHY_MIN = 10
"""Minutes of healthy traffic before the outage: enough for every rate to have samples."""


def wiring(slo: model.SLO, plan: SyntheticInputs, proven_by: str) -> Scenario:
    """The scenario, evaluated every minute; `proven_by` names the SLO proven in depth."""
    ctx = Context(slo, plan, 1)
    total = traffic_per_minute(slo)
    healthy = ctx.healthy_errors

    def phases(down: int) -> tuple[tuple[Phase, ...], ...]:
        out: list[tuple[Phase, ...]] = [(Phase(HEALTHY_MIN, total, healthy),
                                         Phase(down, total, total))]
        out += [(Phase(HEALTHY_MIN + down, total, healthy),)] * (len(plan.groups) - 1)
        return tuple(out)

    wait = max((a.for_ms or 0) for a in slo.alerts) // 60_000
    lines = ctx.lines(phases(wait + 60))
    fires = [lines[(a.name, 0)].first_firing(HEALTHY_MIN) for a in slo.alerts]
    if None in fires:
        # A threshold near 100% needs the outage to fill the window: once it has, every
        # ratio is 1 and every tier that can fire does.
        longest = max(w.long_s for a in slo.alerts for w in a.windows) // 60
        lines = ctx.lines(phases(longest + wait + 10))
        fires = [lines[(a.name, 0)].first_firing(HEALTHY_MIN) for a in slo.alerts]
    if None in fires:
        raise AssertionError(f"{slo.name}: a total outage must fire every tier")
    down = max(f for f in fires if f is not None) - HEALTHY_MIN + 2
    final = phases(down)
    lines = ctx.lines(final)
    where = " in one group; the other stays quiet" if len(plan.groups) > 1 else ""
    scenario = Scenario(f"wiring (the rules are {proven_by}'s with names substituted, proven "
                        f"there in depth): healthy traffic for {HEALTHY_MIN}m, then a total "
                        f"outage{where}: every tier fires", final, silent_until=HEALTHY_MIN)
    end = HEALTHY_MIN + down
    scenario.checks = ctx.checks(ctx.transitions(lines) | {HEALTHY_MIN, end}, lines)
    return scenario
