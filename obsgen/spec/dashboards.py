"""Spec v1: dashboards a service describes, beside the SLO dashboard obsgen always writes.

A dashboard is either rows of panels written here, or a Jsonnet file that evaluates to
Grafana dashboard JSON. obsgen assigns the uid, panel ids and grid positions, and the
datasource variable, so the output is stable and portable.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from obsgen import promql
from obsgen.promql import grafana_free
from obsgen.spec.base import Spec
from obsgen.spec.panels import (
    Legend,
    PanelType,
    QueryFormat,
    Reduce,
    ValueMapping,
    panel_problem,
)
from obsgen.spec.types import fail


def _dashboard_query(value: str) -> str:
    problem = promql.parse_problem(grafana_free(value))
    if problem:
        raise fail(f"invalid PromQL: {problem}",
                   "fix the query ($__rate_interval, $__interval and $__range may be used)")
    return value


DashboardQuery = Annotated[str, Field(min_length=1), AfterValidator(_dashboard_query)]


class Target(Spec):
    """One PromQL query of a panel."""

    expr: DashboardQuery
    """The query; Grafana's $__rate_interval, $__interval and $__range may be used."""
    legend: str = ""
    """Legend template, e.g. {{exchange}}."""
    instant: bool = False
    """Query one instant rather than a range (stat, gauge, bargauge, table and piechart
    always do)."""
    format: QueryFormat | None = None
    """How Grafana reads the result: heatmap (a heatmap panel's, the default there), table
    (a table panel's) or time_series (every other panel's)."""


class Threshold(Spec):
    value: float | None = None
    """Where the color starts; the first step has none (from minus infinity)."""
    color: str = "green"
    """A Grafana color name or #rrggbb."""


class Panel(Spec):
    """A panel of a spec dashboard."""

    title: str = Field(min_length=1)
    """Panel title."""
    type: PanelType = "timeseries"
    """timeseries, stat, gauge, bargauge, table, piechart, histogram, heatmap, state-timeline
    or text (never the retired `graph`); docs/dashboards.md shows what each reads."""
    description: str = ""
    """Shown in the panel's info tooltip."""
    targets: list[Target] = []
    """PromQL queries (not for text panels)."""
    unit: str = ""
    """Grafana unit id, e.g. percentunit, s, ms, reqps, short, currencyUSD (a heatmap's: of
    its y axis, the bucket bounds)."""
    min: float | None = None
    """Axis or gauge minimum."""
    max: float | None = None
    """Axis or gauge maximum."""
    thresholds: list[Threshold] = []
    """Color steps, in increasing order of value."""
    reduce: Reduce | None = None
    """How a stat, gauge, bargauge or piechart reduces each series to one value
    (lastNotNull when not given)."""
    legend: Legend | None = None
    """The legend (Grafana's default when not given: a list below the chart)."""
    mappings: list[ValueMapping] = []
    """Values shown as text, e.g. a state timeline's 1 as running and 0 as stalled."""
    orientation: Literal["auto", "horizontal", "vertical"] = "auto"
    """A bargauge's bars."""
    bucket_size: int | None = Field(default=None, ge=1)
    """A histogram's bucket width, in the unit of the values (Grafana picks one when not
    given)."""
    content: str = ""
    """Markdown of a text panel."""
    width: int = Field(default=12, ge=1, le=24)
    """Width in grid columns (24 is the whole row)."""
    height: int = Field(default=8, ge=1, le=50)
    """Height in grid rows."""

    @model_validator(mode="after")
    def _checks(self) -> Panel:
        if self.type == "text":
            if self.targets or not self.content:
                raise fail("a text panel shows `content` and has no targets",
                           "write its Markdown under content: and drop targets")
        elif not self.targets:
            raise fail(f"a {self.type} panel needs at least one target",
                       "add targets: [{expr: ...}]")
        problem = panel_problem(self.type, set(self.model_fields_set), dict(self))
        if problem:
            raise problem
        self._check_formats()
        values = [t.value for t in self.thresholds]
        if values and values[0] is not None:
            raise fail("the first threshold step has a value",
                       "start with a step without value (the base color)")
        if any(v is None for v in values[1:]):
            raise fail("only the first threshold step may omit its value", "give each a value")
        numbers = [v for v in values[1:] if v is not None]
        if numbers != sorted(numbers):
            raise fail("threshold values are not increasing", "list the steps from low to high")
        return self

    def _check_formats(self) -> None:
        expected = {"heatmap": "heatmap", "table": "table"}.get(self.type, "time_series")
        for target in self.targets:
            if target.format not in (None, expected):
                raise fail(f"a {self.type} panel reads its queries as {expected}, not "
                           f"{target.format}", f"drop format: {target.format}"
                           + (" or make this a heatmap panel" if target.format == "heatmap"
                              else ""))
            if target.instant and self.type in ("heatmap", "state-timeline"):
                raise fail(f"a {self.type} panel draws a range: an instant query has none",
                           "drop instant: true")


class Row(Spec):
    """A titled row of panels, laid out left to right."""

    title: str = Field(min_length=1)
    """Row title."""
    panels: list[Panel] = Field(min_length=1)
    """Panels, left to right; a panel that does not fit starts a new line."""


class Dashboard(Spec):
    """A dashboard of the service: `rows` written here, or a `jsonnet` file."""

    title: str = Field(min_length=1)
    """Dashboard title, unique within the service: the uid derives from it."""
    description: str = ""
    """What the dashboard is for."""
    tags: list[str] = []
    """Extra tags (obsgen adds obsgen, the service name and the team)."""
    rows: list[Row] = []
    """Rows of panels."""
    jsonnet: str = ""
    """A .jsonnet file, relative to this spec file, evaluating to Grafana dashboard JSON."""

    @model_validator(mode="after")
    def _one_source(self) -> Dashboard:
        if bool(self.rows) == bool(self.jsonnet):
            raise fail("give exactly one of 'rows' and 'jsonnet'",
                       "describe the panels under rows:, or point jsonnet: at a file")
        if self.jsonnet and not self.jsonnet.endswith(".jsonnet"):
            raise fail(f"{self.jsonnet!r} is not a .jsonnet file", "name a file ending .jsonnet")
        return self
