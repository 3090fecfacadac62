"""One tier's predicted states, minute by minute, under every prediction that may be
Prometheus's (`simulate` makes them): where they disagree, no test may assert a state."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Timeline:
    """When one tier's alert fires for one group, minute by minute, as every prediction
    that may be Prometheus's: `firing` (Prometheus 2's closed ranges, comparisons within
    rounding of their threshold taken as false) and the `others` (a comparison within rounding
    taken as true; once `both` joined them, Prometheus 3's left-open ranges). Where they
    disagree (`agrees`), no test may assert a state."""

    firing: list[bool]
    active: list[bool]
    """The alert's condition holds (pending or firing), in any prediction."""
    near_tie: list[int]
    others: tuple[list[bool], ...] = ()
    _changes: dict[int, tuple[int, ...]] = field(default_factory=dict, repr=False,
                                                 compare=False)

    @property
    def lines(self) -> tuple[list[bool], ...]:
        return (self.firing, *self.others)

    def changes(self, step: int) -> tuple[int, ...]:
        """The evaluations (every `step` minutes) at which the firing state differs from
        the evaluation before, in any prediction. Remembered: a fleet's look-alike SLOs
        share timelines."""
        if step not in self._changes:
            lines = self.lines
            self._changes[step] = tuple(m for m in range(step, len(self.firing), step)
                                        if any(f[m] != f[m - step] for f in lines))
        return self._changes[step]

    def agrees(self, minute: int) -> bool:
        return all(f[minute] == self.firing[minute] for f in self.others)

    def fires(self) -> bool:
        """Fires at some minute, in some prediction."""
        return any(any(f) for f in self.lines)

    def first_firing(self, after: int = 0) -> int | None:
        """The first minute from `after` by which every prediction has fired (the latest of
        their first firings), None when one never does."""
        found = [_first(f, True, after) for f in self.lines]
        return None if None in found else max(m for m in found if m is not None)

    def first_quiet(self, after: int) -> int | None:
        found = [_first(f, False, after) for f in self.lines]
        return None if None in found else max(m for m in found if m is not None)


def _first(values: list[bool], wanted: bool, after: int) -> int | None:
    return next((m for m in range(after, len(values)) if values[m] == wanted), None)


def both(closed: Timeline, left_open: Timeline) -> Timeline:
    """One timeline of the two semantics' predictions for the same inputs."""
    return Timeline(closed.firing, [a or b for a, b in zip(closed.active, left_open.active,
                                                           strict=True)],
                    sorted({*closed.near_tie, *left_open.near_tie}),
                    (*closed.others, *left_open.lines))
