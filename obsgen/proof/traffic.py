"""The synthetic input series of an SLO: which series obsgen writes, with which labels.

An SLI's selectors say which series count as events and which as failures (or successes);
obsgen picks label values that satisfy them (and, for a shared counter, values that the
errors selector rejects), one set per group for grouped SLOs.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from obsgen import model
from obsgen.matchers import Selector, parse_selector, render_series
from obsgen.proof.synth import satisfy


@dataclass(frozen=True)
class Series:
    text: str
    role: str  # bad, good, errors, total, or probe (probe_success samples)
    group: int


@dataclass(frozen=True)
class SyntheticInputs:
    mode: str
    groups: tuple[dict[str, str], ...]
    series: tuple[Series, ...]
    interval_s: int = 60
    """Seconds between two samples of the series (a probe's interval; counters: 1m)."""


_BY_OBJECT: dict[int, tuple[weakref.ref[model.SLO], SyntheticInputs | str]] = {}


def synthetic_inputs(slo: model.SLO) -> SyntheticInputs | str:
    """The series to synthesize for `slo`, or why obsgen cannot. Remembered per SLO object
    while it lives: the tests, runbooks and the parallel render all ask."""
    key = id(slo)
    hit = _BY_OBJECT.get(key)
    if hit is not None and hit[0]() is slo:
        return hit[1]
    found = _synthetic_inputs(slo)
    _BY_OBJECT[key] = (weakref.ref(slo, lambda _ref: _BY_OBJECT.pop(key, None)), found)
    return found


def _synthetic_inputs(slo: model.SLO) -> SyntheticInputs | str:
    sli = slo.sli
    if sli.kind == "raw":
        return "a raw SLI is an arbitrary expression: obsgen cannot synthesize its input series"
    total = parse_selector(sli.total_selector)
    if sli.kind == "probe":
        return _probe(slo, total)
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
    return SyntheticInputs(mode, tuple(groups), tuple(series))


def _probe(slo: model.SLO, runs: Selector) -> SyntheticInputs | str:
    """One probe_success series per group, sampled at the probe's interval when it divides
    a minute (`probes.runs_per_minute`), else once a minute."""
    groups = _group_values(slo.group_by, [runs])
    series = []
    for index, fixed in enumerate(groups):
        labels = satisfy([runs], fixed)
        if labels is None:
            return "no labels satisfy the probe SLI's selector"
        series.append(Series(render_series(runs.metric, labels), "probe", index))
    interval = slo.sli.probe_interval_s
    every = interval if 0 < interval <= 60 and 60 % interval == 0 else 60
    return SyntheticInputs("probe", tuple(groups), tuple(series), every)


def _group_values(group_by: tuple[str, ...], selectors: list[Selector]) -> list[dict[str, str]]:
    if not group_by:
        return [{}]
    first, second = {}, {}
    for label in group_by:
        wanted = [m for s in selectors for m in s.matchers if m.name == label]
        options = [v for v in (f"{label}-a", f"{label}-b", *(m.value for m in wanted))
                   if all(m.accepts(v) for m in wanted)]
        if not options:
            return [{}]
        first[label] = options[0]
        second[label] = options[1] if len(options) > 1 else options[0]
    return [first, second] if first != second else [first]
