"""Which SLOs of a service may share one promtool test: scenarios side by side.

`promtool test rules` evaluates every rule of the files a test names at every evaluation of
every test, whatever the test's series feed. The look-alikes' wiring tests sit in the
service's test file, which names all of the service's rule files, so a test's cost is its
length times the rules of the whole service. The scenarios of two SLOs whose synthetic
series neither SLO's SLI reads from the other can run in one test: each SLO's rules see only
its own series, and the service's rules are evaluated once for both. (Full suites need no
packing: their files name the SLO's rule file alone.)

`packs` groups a service's suites (SLOs in order, greedily) so that inside a pack every SLO's
SLI selectors match none of another member's series and all series are sampled alike;
`rows` lines the packed scenarios up, longest with longest, one test per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest

from obsgen import model
from obsgen.matchers import Selector, parse_selector, read_selectors
from obsgen.proof.scenarios import Scenario
from obsgen.proof.traffic import SyntheticInputs


@dataclass(frozen=True)
class Lane:
    """One SLO's scenarios of one evaluation step."""

    slo: model.SLO
    plan: SyntheticInputs
    scenarios: tuple[Scenario, ...]


def packs(lanes: Sequence[Lane]) -> list[list[Lane]]:
    """`lanes` in packs whose members' inputs are disjoint, first fit in order."""
    out: list[list[tuple[Lane, list[Selector], list[Selector]]]] = []
    for lane in lanes:
        reads, writes = _reads(lane.slo), _writes(lane.plan)
        for pack in out:
            if all(lane.plan.interval_s == other.plan.interval_s
                   and not _meets(reads, other_writes) and not _meets(other_reads, writes)
                   for other, other_reads, other_writes in pack):
                pack.append((lane, reads, writes))
                break
        else:
            out.append([(lane, reads, writes)])
    return [[lane for lane, _, _ in pack] for pack in out]


def rows(pack: Sequence[Lane]) -> list[list[tuple[Lane, Scenario]]]:
    """The pack's scenarios side by side: each lane's longest first, so that a test lasts
    about as long as its longest member and no lane waits long on another."""
    columns = [sorted(lane.scenarios, key=lambda s: -length(s)) for lane in pack]
    out = []
    for row in zip_longest(*columns):
        out.append([(lane, s) for lane, s in zip(pack, row, strict=True) if s is not None])
    return out


def length(scenario: Scenario) -> int:
    """Minutes of synthetic traffic in the scenario."""
    return max(sum(p.minutes for p in phases) for phases in scenario.phases)


def _reads(slo: model.SLO) -> list[Selector]:
    """The selectors of the SLO's SLI expressions: what its recording rules read."""
    return [s for expr in (slo.sli.errors, slo.sli.total) for s in read_selectors(expr)]


def _writes(plan: SyntheticInputs) -> list[Selector]:
    return [parse_selector(series.text) for series in plan.series]


def _meets(reads: list[Selector], writes: list[Selector]) -> bool:
    """Some selector of `reads` matches some series of `writes` (written with = matchers)."""
    for w in writes:
        labels = {"__name__": w.metric, **{m.name: m.value for m in w.matchers}}
        if any(r.metric in ("", w.metric) and all(m.matches(labels) for m in r.matchers)
               for r in reads):
            return True
    return False
