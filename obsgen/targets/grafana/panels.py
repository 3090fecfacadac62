"""Panel building blocks over grafana-foundation-sdk (pinned to a Grafana 11.6 build).

Every panel reads the `datasource` dashboard variable (never a `${DS_...}` import
placeholder), and every query gets a stable refId (A, B, ...).
"""

from __future__ import annotations

import json
from typing import Any

from grafana_foundation_sdk.builders import common as common_builders
from grafana_foundation_sdk.builders import dashboard as builders
from grafana_foundation_sdk.builders import gauge, stat, table, text, timeseries
from grafana_foundation_sdk.builders import prometheus as prom
from grafana_foundation_sdk.cog.builder import Builder
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common as common_models
from grafana_foundation_sdk.models import dashboard as models
from grafana_foundation_sdk.models import text as text_models
from grafana_foundation_sdk.models.prometheus import PromQueryFormat

from obsgen.targets.grafana import grid

DATASOURCE = models.DataSourceRef(type_val="prometheus", uid="${datasource}")
PanelBuilder = Builder[models.Panel]
Query = tuple[str, str]
"""(expr, legend)."""


def datasource_variable() -> builders.DatasourceVariable:
    return builders.DatasourceVariable("datasource").label("Data source").type("prometheus")


def queries(items: list[Query], *, instant: bool = False, table_format: bool = False
            ) -> list[prom.Dataquery]:
    out = []
    for index, (expr, legend) in enumerate(items):
        query = prom.Dataquery().expr(expr).ref_id(chr(ord("A") + index))
        if legend:
            query = query.legend_format(legend)
        if instant:
            query = query.instant()
        if table_format:
            query = query.format(PromQueryFormat.TABLE)
        out.append(query)
    return out


def thresholds(steps: list[tuple[float | None, str]]) -> builders.ThresholdsConfig:
    return builders.ThresholdsConfig().mode(models.ThresholdsMode.ABSOLUTE).steps(
        [models.Threshold(value=value, color=color) for value, color in steps])


def panel(kind: str, title: str, *, width: int, height: int, items: list[Query] | None = None,
          unit: str = "", description: str = "", steps: list[tuple[float | None, str]] | None
          = None, minimum: float | None = None, maximum: float | None = None,
          instant: bool = False, content: str = "", lines: bool = False) -> Any:
    """A panel builder of `kind`: timeseries, stat, gauge, table or text."""
    if kind == "text":
        return (text.Panel().title(title).span(width).height(height).content(content)
                .mode(text_models.TextMode.MARKDOWN))
    kinds: dict[str, Any] = {"timeseries": timeseries.Panel, "stat": stat.Panel,
                             "gauge": gauge.Panel, "table": table.Panel}
    built = kinds[kind]()
    built = built.title(title).datasource(DATASOURCE).span(width).height(height)
    point_in_time = instant or kind in ("stat", "gauge", "table")
    for query in queries(items or [], instant=point_in_time, table_format=kind == "table"):
        built = built.with_target(query)
    if description:
        built = built.description(description)
    if unit:
        built = built.unit(unit)
    if minimum is not None:
        built = built.min(minimum)
    if maximum is not None:
        built = built.max(maximum)
    if steps:
        built = built.thresholds(thresholds(steps))
        if lines and kind == "timeseries":
            built = built.thresholds_style(common_builders.GraphThresholdsStyleConfig().mode(
                common_models.GraphThresholdsStyleMode.LINE))
    return built


_REDUCE = {"calcs": ["lastNotNull"], "fields": "", "values": False}
DEFAULT_OPTIONS: dict[str, dict[str, Any]] = {
    "timeseries": {
        "legend": {"calcs": [], "displayMode": "list", "placement": "bottom", "showLegend": True},
        "tooltip": {"mode": "multi", "sort": "none"},
    },
    "stat": {
        "colorMode": "value", "graphMode": "area", "justifyMode": "auto", "orientation": "auto",
        "percentChangeColorMode": "standard", "reduceOptions": _REDUCE,
        "showPercentChange": False, "textMode": "auto", "wideLayout": True,
    },
    "gauge": {
        "minVizHeight": 75, "minVizWidth": 75, "orientation": "auto", "reduceOptions": _REDUCE,
        "showThresholdLabels": False, "showThresholdMarkers": True, "sizing": "auto",
    },
    "table": {"frameIndex": 0, "showHeader": True},
    "text": {"mode": "markdown", "content": ""},
}
"""The options each panel plugin's schema requires, with Grafana's own defaults: written
out, so the JSON validates and Grafana has nothing to add when it loads the dashboard."""
DEFAULT_CUSTOM: dict[str, dict[str, Any]] = {
    "table": {"align": "auto", "inspect": False},
}
"""Likewise for the field config's `custom` part."""


def complete(data: dict[str, Any]) -> dict[str, Any]:
    """Panel options completed from DEFAULT_OPTIONS; panel ids assigned in order (rows
    included), from 1."""
    number = 0
    for item in data.get("panels", []):
        number += 1
        item["id"] = number
        for inner in [item, *item.get("panels", [])]:
            if inner is not item:
                number += 1
                inner["id"] = number
            kind = str(inner.get("type"))
            if kind in DEFAULT_OPTIONS:
                inner["options"] = {**json.loads(json.dumps(DEFAULT_OPTIONS[kind])),
                                    **(inner.get("options") or {})}
            if kind in DEFAULT_CUSTOM:
                field = inner.setdefault("fieldConfig", {"defaults": {}, "overrides": []})
                field["defaults"]["custom"] = {**DEFAULT_CUSTOM[kind],
                                               **field["defaults"].get("custom", {})}
    return data


def to_dict(dashboard: builders.Dashboard) -> dict[str, Any]:
    """The dashboard as JSON data, laid out on the grid (`grid.place`) and completed (see
    `complete`)."""
    data: dict[str, Any] = json.loads(json.dumps(dashboard.build(), cls=JSONEncoder))
    return complete(grid.place(data))
