"""Generated promtool tests of the no-data alerts (`model.Watch`, built by `build/nodata.py`).

Each test feeds one series per watched selector (labels from `synth.satisfy`), sampled every
minute, then takes the data away, and asserts on the ALERTS series:

- absent (any / all): the series exist for minutes 0-10, then a stale marker ends them all
  at 11m. Quiet at 10m (present) and one minute before the `for` ends (pending), firing at
  11m + `for`, with the labels absent() gives (the selector's = matchers);
- down: `up` is 1 for minutes 0-9, then 0. Quiet at 9m and one minute before the `for` ends,
  firing at 10m + `for`, with the series' labels.

A selector that no label set satisfies gets no test (`obsgen lint` then warns that the alert
has none firing).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from obsgen import model
from obsgen.matchers import Selector, render_series
from obsgen.proof.synth import satisfy

PRESENT_UNTIL_MIN = 10
"""The last minute with a sample before the data goes away."""
INSTANCE = "target-1:9100"
"""The instance label of a synthetic scrape target."""


def tests(alert: model.Alert) -> tuple[model.AlertTest, ...]:
    watch = alert.watch
    if watch is None:
        return ()
    labels = [satisfy([s], {}) for s in watch.selectors]
    if any(found is None for found in labels):
        return ()
    series = [dict(found or {}) for found in labels]
    wait_min = math.ceil((alert.for_ms or 0) / 60_000)
    if watch.kind == "down":
        return (_down(watch.selectors[0], series[0], wait_min),)
    return (_absent(watch, series, wait_min, alert.labels),)


def _absent(watch: model.Watch, series: list[dict[str, str]], wait_min: int,
            owned: Mapping[str, str]) -> model.AlertTest:
    """Instances: absent()'s label sets, the alert's own labels applied, without repeats."""
    gone = PRESENT_UNTIL_MIN + 1
    chosen = watch.selectors if watch.kind == "absent_any" else watch.selectors[:1]
    firing = list(dict.fromkeys(_frozen({**s.absent_labels(), **owned}) for s in chosen))
    inputs = tuple((render_series(s.metric, labels), f"1x{PRESENT_UNTIL_MIN} stale")
                   for s, labels in zip(watch.selectors, series, strict=True))
    return model.AlertTest(
        name=f"data gone for {wait_min}m fires, present it does not", interval_s=60,
        input_series=inputs,
        expect=_expect(PRESENT_UNTIL_MIN, gone + wait_min, [dict(f) for f in firing]))


def _down(up: Selector, labels: dict[str, str], wait_min: int) -> model.AlertTest:
    series = {**labels, "instance": INSTANCE} if "instance" not in labels else labels
    if not up.matches(up.metric, series):
        series = labels
    down_at = PRESENT_UNTIL_MIN
    values = f"1x{down_at - 1} 0x{wait_min + 5}"
    return model.AlertTest(
        name=f"a target down for {wait_min}m fires, up it does not", interval_s=60,
        input_series=((render_series(up.metric, series), values),),
        expect=_expect(down_at - 1, down_at + wait_min, [series]))


def _expect(present_min: int, fires_min: int, firing: list[dict[str, str]]
            ) -> tuple[tuple[int, tuple[Mapping[str, str], ...]], ...]:
    """Quiet while the data is there and the minute before the alert fires; then firing."""
    quiet = sorted({present_min, fires_min - 1})
    return (*((m * 60, ()) for m in quiet),
            (fires_min * 60, tuple(dict(sorted(f.items())) for f in firing)))


def _frozen(labels: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(labels.items()))
