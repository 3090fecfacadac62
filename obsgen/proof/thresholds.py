"""The scenarios proper to a threshold tier ("page when the SLI is below the objective for
10m"), beside the threshold and outage scenarios every tier gets:

- a short breach: the SLI just below the objective for the longest stretch that does not
  last `for` (once the window has filled): pending at most, never firing;
- at the objective: errors one event a minute under the threshold, for the window and `for`
  and more: no alert at all.

Each returns its name, its phases (one group's; the caller spreads them) and the minutes to
check; the caller turns them into a Scenario with the simulator's expectations.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from obsgen import model
from obsgen.durations import format_seconds
from obsgen.proof.simulate import Phase
from obsgen.proof.timeline import Timeline

Lines = Callable[[tuple[Phase, ...]], Timeline]
"""The simulated timeline of the alert for one group's phases."""


def short_breach(alert: model.SLOAlert, budget: float, total: int, healthy: int, start: int,
                 burn: int, lines: Lines) -> tuple[str, tuple[Phase, ...], set[int]] | None:
    """`burn` errors a minute (just above the threshold) for as long as the alert still stays
    silent; None when even one minute of it fires."""
    window = alert.windows[0].long_s // 60
    hold = (alert.for_ms or 0) // 60_000
    tail = window + hold + 10
    for length in range(window + hold + 1, 0, -1):
        phases = (Phase(start, total, healthy), Phase(length, total, burn),
                  Phase(tail, total, healthy))
        if not lines(phases).fires():
            rate = burn / total / budget
            name = (f"the SLI just below its objective ({rate:.4g}x the budget rate) for "
                    f"{format_seconds(length * 60)}, shorter than the {format_seconds(hold * 60)}"
                    f" it must last: {alert.name} stays silent")
            end = start + length + tail
            return name, phases, {start, start + length, start + window + hold + 1, end}
    return None


def at_objective(alert: model.SLOAlert, budget: float, total: int, healthy: int, start: int,
                 lines: Lines) -> tuple[str, tuple[Phase, ...], set[int]]:
    """Errors one a minute under the threshold for three times the window and `for`."""
    threshold = float(alert.windows[0].factor) * budget
    errors = math.ceil(threshold * total) - 1
    length = 3 * (alert.windows[0].long_s // 60 + (alert.for_ms or 0) // 60_000)
    phases = (Phase(start, total, healthy), Phase(length, total, errors),
              Phase(5, total, healthy))
    assert not lines(phases).pending_or_firing(), f"{alert.name} fires at its threshold"
    name = (f"the SLI at its objective ({errors / total / budget:.4g}x the budget rate, one "
            f"event a minute under the threshold) for {format_seconds(length * 60)}: "
            f"{alert.name} stays silent")
    return name, phases, {start, start + length // 2, start + length, start + length + 5}
