"""One tier's predicted states, minute by minute, under every prediction that may be
Prometheus's (`simulate` makes them): where they disagree, no test may assert a state."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Bools = npt.NDArray[np.bool_]


@dataclass
class Timeline:
    """When one tier's alert fires for one group, minute by minute, as every prediction
    that may be Prometheus's: `firing` (Prometheus 2's closed ranges, comparisons within
    rounding of their threshold taken as false) and the `others` (a comparison within rounding
    taken as true; once `both` joined them, Prometheus 3's left-open ranges). Where they
    disagree (`agrees`), no test may assert a state."""

    firing: Bools
    active: Bools
    """The alert's condition holds (pending or firing), in any prediction."""
    near_tie: list[int]
    others: tuple[Bools, ...] = ()
    _changes: dict[int, tuple[int, ...]] = field(default_factory=dict, repr=False,
                                                 compare=False)

    @property
    def lines(self) -> tuple[Bools, ...]:
        return (self.firing, *self.others)

    def changes(self, step: int) -> tuple[int, ...]:
        """The evaluations (every `step` minutes) at which the firing state differs from
        the evaluation before, in any prediction. Remembered: a fleet's look-alike SLOs
        share timelines."""
        if step not in self._changes:
            changed = np.zeros(max(0, (len(self.firing) - 1) // step), dtype=np.bool_)
            for f in self.lines:
                evaluations = f[::step]
                changed |= evaluations[1:] != evaluations[:-1]
            self._changes[step] = tuple(int(k + 1) * step for k in np.flatnonzero(changed))
        return self._changes[step]

    def cut(self, minutes: int) -> Timeline:
        """The first `minutes` minutes: what simulating the same traffic ending sooner
        gives, since every prediction at a minute reads only the minutes before it."""
        return Timeline(self.firing[:minutes], self.active[:minutes],
                        [m for m in self.near_tie if m < minutes],
                        tuple(f[:minutes] for f in self.others))

    def agrees(self, minute: int) -> bool:
        return all(f[minute] == self.firing[minute] for f in self.others)

    def fires(self) -> bool:
        """Fires at some minute, in some prediction."""
        return any(bool(f.any()) for f in self.lines)

    def pending_or_firing(self, until: int | None = None) -> bool:
        """Active (pending or firing) at some minute before `until`, in some prediction."""
        return bool(self.active[:until].any())

    def first_firing(self, after: int = 0) -> int | None:
        """The first minute from `after` by which every prediction has fired (the latest of
        their first firings), None when one never does."""
        found = [_first(f, True, after) for f in self.lines]
        return None if None in found else max(m for m in found if m is not None)

    def first_quiet(self, after: int) -> int | None:
        found = [_first(f, False, after) for f in self.lines]
        return None if None in found else max(m for m in found if m is not None)


def _first(values: Bools, wanted: bool, after: int) -> int | None:
    found = np.flatnonzero(values[after:] == wanted)
    return int(found[0]) + after if len(found) else None


def both(closed: Timeline, left_open: Timeline) -> Timeline:
    """One timeline of the two semantics' predictions for the same inputs."""
    return Timeline(closed.firing, closed.active | left_open.active,
                    sorted({*closed.near_tie, *left_open.near_tie}),
                    (*closed.others, *left_open.lines))
