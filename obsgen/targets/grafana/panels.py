"""Panel building blocks over grafana-foundation-sdk (pinned to a Grafana 11.6 build).

Every panel reads the `datasource` dashboard variable (never a `${DS_...}` import
placeholder), and every query gets a stable refId (A, B, ...).
"""

from __future__ import annotations

import json
from typing import Any

from grafana_foundation_sdk.builders import (
    bargauge,
    gauge,
    heatmap,
    histogram,
    piechart,
    stat,
    statetimeline,
    table,
    text,
    timeseries,
)
from grafana_foundation_sdk.builders import common as common_builders
from grafana_foundation_sdk.builders import dashboard as builders
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


def queries(items: list[Query], *, instant: bool = False, query_format: str = "time_series"
            ) -> list[prom.Dataquery]:
    """Prometheus queries A, B, ...: `query_format` table or heatmap is written out (Grafana's
    default, time_series, is not)."""
    out = []
    for index, (expr, legend) in enumerate(items):
        query = prom.Dataquery().expr(expr).ref_id(chr(ord("A") + index))
        if legend:
            query = query.legend_format(legend)
        if instant:
            query = query.instant()
        if query_format != "time_series":
            query = query.format(PromQueryFormat(query_format))
        out.append(query)
    return out


KINDS: dict[str, Any] = {
    "timeseries": timeseries.Panel, "stat": stat.Panel, "gauge": gauge.Panel,
    "bargauge": bargauge.Panel, "table": table.Panel, "piechart": piechart.Panel,
    "histogram": histogram.Panel, "heatmap": heatmap.Panel,
    "state-timeline": statetimeline.Panel,
}
"""The SDK's panel builder of each panel type but text."""
POINT_IN_TIME = frozenset({"stat", "gauge", "bargauge", "table", "piechart"})
"""Types that show one value per series: their queries are instant queries."""


def thresholds(steps: list[tuple[float | None, str]]) -> builders.ThresholdsConfig:
    return builders.ThresholdsConfig().mode(models.ThresholdsMode.ABSOLUTE).steps(
        [models.Threshold(value=value, color=color) for value, color in steps])


def panel(kind: str, title: str, *, width: int, height: int, items: list[Query] | None = None,
          unit: str = "", description: str = "", steps: list[tuple[float | None, str]] | None
          = None, minimum: float | None = None, maximum: float | None = None,
          instant: bool = False, content: str = "", lines: bool = False) -> Any:
    """A panel builder of `kind`: text or one of KINDS, its queries in the format the type
    reads (heatmap, table or time_series)."""
    if kind == "text":
        return (text.Panel().title(title).span(width).height(height).content(content)
                .mode(text_models.TextMode.MARKDOWN))
    built = KINDS[kind]()
    built = built.title(title).datasource(DATASOURCE).span(width).height(height)
    point_in_time = instant or kind in POINT_IN_TIME
    read_as = {"table": "table", "heatmap": "heatmap"}.get(kind, "time_series")
    for query in queries(items or [], instant=point_in_time, query_format=read_as):
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
_LEGEND = {"calcs": [], "displayMode": "list", "placement": "bottom", "showLegend": True}
_TOOLTIP = {"mode": "single", "sort": "none"}
DEFAULT_OPTIONS: dict[str, dict[str, Any]] = {
    "timeseries": {"legend": _LEGEND, "tooltip": {"mode": "multi", "sort": "none"}},
    "bargauge": {
        "displayMode": "gradient", "legend": {**_LEGEND, "showLegend": False},
        "maxVizHeight": 300, "minVizHeight": 16, "minVizWidth": 8, "namePlacement": "auto",
        "orientation": "auto", "reduceOptions": _REDUCE, "showUnfilled": True,
        "sizing": "auto", "valueMode": "color",
    },
    "piechart": {
        "displayLabels": [], "legend": {**_LEGEND, "values": []}, "orientation": "auto",
        "pieType": "pie", "reduceOptions": _REDUCE, "tooltip": _TOOLTIP,
    },
    "histogram": {"combine": False, "legend": _LEGEND, "tooltip": _TOOLTIP},
    "heatmap": {
        "calculate": False, "cellGap": 1,
        "color": {"exponent": 0.5, "fill": "dark-orange", "mode": "scheme", "reverse": False,
                  "scale": "exponential", "scheme": "Oranges", "steps": 64},
        "exemplars": {"color": "rgba(255,0,255,0.7)"}, "filterValues": {"le": 1e-9},
        "legend": {"show": True}, "rowsFrame": {"layout": "auto"}, "selectionMode": "x",
        "showValue": "auto",
        "tooltip": {"mode": "single", "showColorScale": False, "yHistogram": False},
        "yAxis": {"axisPlacement": "left", "reverse": False},
    },
    "state-timeline": {
        "alignValue": "left", "legend": _LEGEND, "mergeValues": True, "perPage": 20,
        "rowHeight": 0.9, "showValue": "auto", "tooltip": _TOOLTIP,
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
                inner["options"] = merged(DEFAULT_OPTIONS[kind], inner.get("options") or {})
            if kind in DEFAULT_CUSTOM:
                field = inner.setdefault("fieldConfig", {"defaults": {}, "overrides": []})
                field["defaults"]["custom"] = {**DEFAULT_CUSTOM[kind],
                                               **field["defaults"].get("custom", {})}
    return data


def merged(defaults: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """`given` completed from `defaults`, object by object (a given list or value wins)."""
    out: dict[str, Any] = json.loads(json.dumps(defaults))
    for key, value in given.items():
        old = out.get(key)
        out[key] = (merged(old, value) if isinstance(old, dict) and isinstance(value, dict)
                    else value)
    return out


def to_dict(dashboard: builders.Dashboard) -> dict[str, Any]:
    """The dashboard as JSON data, laid out on the grid (`grid.place`) and completed (see
    `complete`)."""
    data: dict[str, Any] = json.loads(json.dumps(dashboard.build(), cls=JSONEncoder))
    return complete(grid.place(data))
