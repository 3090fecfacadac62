"""Spec v1: what a dashboard panel of each type may say beyond its queries.

`PANEL_TYPES` lists the Grafana panel plugins obsgen draws; `OPTIONS` says which of a
panel's optional fields each type reads, so a field a type would ignore is an error (a
`reduce` on a time series, a `legend` on a stat) rather than silently dropped.
`panel_problem` is the Panel model's check of those rules.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from obsgen.spec.base import Spec
from obsgen.spec.types import fail

PanelType = Literal["timeseries", "stat", "gauge", "bargauge", "table", "piechart",
                    "histogram", "heatmap", "state-timeline", "text"]
QueryFormat = Literal["time_series", "table", "heatmap"]
Reduce = Literal["lastNotNull", "last", "first", "mean", "median", "min", "max", "sum",
                 "count", "range", "delta"]
"""Grafana's reducer ids: how a stat, gauge, bar gauge or pie chart turns a series into one
value."""

POINT_IN_TIME = frozenset({"stat", "gauge", "bargauge", "table", "piechart"})
"""Types whose queries are instant queries: they show one value per series."""
OPTIONS: dict[str, frozenset[str]] = {
    "timeseries": frozenset({"unit", "min", "max", "thresholds", "legend", "mappings"}),
    "stat": frozenset({"unit", "min", "max", "thresholds", "reduce", "mappings"}),
    "gauge": frozenset({"unit", "min", "max", "thresholds", "reduce", "mappings"}),
    "bargauge": frozenset({"unit", "min", "max", "thresholds", "reduce", "mappings",
                           "legend", "orientation"}),
    "table": frozenset({"unit", "min", "max", "thresholds", "mappings"}),
    "piechart": frozenset({"unit", "thresholds", "reduce", "mappings", "legend"}),
    "histogram": frozenset({"unit", "min", "max", "thresholds", "legend", "bucket_size"}),
    "heatmap": frozenset({"unit", "legend"}),
    "state-timeline": frozenset({"unit", "thresholds", "legend", "mappings"}),
    "text": frozenset({"content"}),
}
"""The optional fields each panel type reads, beyond COMMON."""
COMMON = frozenset({"title", "type", "description", "targets", "width", "height"})


class Legend(Spec):
    """A panel's legend (time series, bar gauge, pie chart, histogram, heatmap, state
    timeline)."""

    show: bool = True
    """false hides it."""
    placement: Literal["bottom", "right"] = "bottom"
    """Below the chart or to its right."""
    table: bool = False
    """A table (one row per series) rather than a list."""
    values: list[Literal["value", "percent"]] = []
    """Pie chart only: the value and/or the share of each slice, in the legend."""


class ValueMapping(Spec):
    """A value shown as text (and color): a state timeline's 1 as `running`, 0 as `stalled`."""

    value: int | str
    """The value as the query returns it: 1, 0, or a string."""
    text: str = Field(min_length=1)
    """What the panel shows instead."""
    color: str = ""
    """A Grafana color name or #rrggbb (the thresholds' color when empty)."""


def panel_problem(kind: str, given: set[str], fields: dict[str, Any]) -> Exception | None:
    """What is wrong with the optional fields `given` (set explicitly) of a panel of `kind`."""
    unread = sorted(given - OPTIONS[kind] - COMMON)
    if unread:
        names = ", ".join(f"`{name}`" for name in unread)
        readers = sorted(t for t, read in OPTIONS.items() if unread[0] in read)
        where = f"{', '.join(readers)} panels read it" if readers else "no panel type reads it"
        return fail(f"a {kind} panel does not read {names}", f"drop it ({where})")
    legend = fields.get("legend")
    if isinstance(legend, Legend):
        if legend.values and kind != "piechart":
            return fail(f"legend values are a pie chart's (this is a {kind} panel)",
                        "drop legend.values")
        if kind == "heatmap" and legend.model_fields_set - {"show"}:
            return fail("a heatmap's legend (its color scale) has only `show`",
                        "drop placement and table")
    mappings = fields.get("mappings") or []
    values = [str(m.value) for m in mappings]
    doubled = sorted({v for v in values if values.count(v) > 1})
    if doubled:
        return fail(f"value {doubled[0]!r} is mapped twice", "map each value once")
    return None
