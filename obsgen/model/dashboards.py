"""The dashboards a spec describes: rows of panels, or the JSON a Jsonnet file evaluated to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

PanelType = Literal["timeseries", "stat", "gauge", "table", "text"]


@dataclass(frozen=True, kw_only=True)
class DashboardTarget:
    expr: str
    legend: str = ""
    instant: bool = False


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
