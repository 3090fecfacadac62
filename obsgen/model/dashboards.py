"""The dashboards a spec describes: rows of panels, or the JSON a Jsonnet file evaluated to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

PanelType = Literal["timeseries", "stat", "gauge", "bargauge", "table", "piechart",
                    "histogram", "heatmap", "state-timeline", "text"]


@dataclass(frozen=True, kw_only=True)
class DashboardTarget:
    expr: str
    legend: str = ""
    instant: bool = False


@dataclass(frozen=True, kw_only=True)
class Legend:
    show: bool = True
    placement: Literal["bottom", "right"] = "bottom"
    table: bool = False
    values: tuple[Literal["value", "percent"], ...] = ()
    """A pie chart's: each slice's value and/or share."""


@dataclass(frozen=True, kw_only=True)
class ValueMapping:
    value: str
    """The value as Grafana matches it: its text."""
    text: str
    color: str = ""


@dataclass(frozen=True, kw_only=True)
class ThresholdStep:
    value: float | None
    """None for the base step (from minus infinity)."""
    color: str


@dataclass(frozen=True, kw_only=True)
class DashboardPanel:
    title: str
    type: PanelType
    description: str
    targets: tuple[DashboardTarget, ...]
    unit: str
    min: float | None
    max: float | None
    thresholds: tuple[ThresholdStep, ...]
    content: str
    width: int
    height: int
    """The Grafana target reads each type's queries in the format the type needs (heatmap:
    heatmap, table: table, others: time_series); the spec's `format` can only agree."""
    reduce: str = "lastNotNull"
    """A Grafana reducer id (stat, gauge, bargauge, piechart)."""
    legend: Legend | None = None
    """None: Grafana's default legend."""
    mappings: tuple[ValueMapping, ...] = ()
    orientation: Literal["auto", "horizontal", "vertical"] = "auto"
    bucket_size: int | None = None
    """A histogram's bucket width (None: Grafana picks)."""


@dataclass(frozen=True, kw_only=True)
class DashboardRow:
    title: str
    panels: tuple[DashboardPanel, ...]


@dataclass(frozen=True, kw_only=True)
class ServiceDashboard:
    """A dashboard of a service: its rows, or the JSON its Jsonnet file evaluated to (in
    grafana-foundation-sdk's canonical form; panels without positions are placed by the
    Grafana target)."""

    title: str
    uid: str
    description: str
    tags: tuple[str, ...]
    rows: tuple[DashboardRow, ...] = ()
    jsonnet: Mapping[str, Any] | None = None
