"""A spec dashboard's panel as an SDK builder: the common part (`panels.panel`), then what
its type reads beyond it: the reduce calc, the legend, value mappings, a bar gauge's
orientation, a histogram's buckets, a heatmap's y axis.

A heatmap draws a Prometheus histogram as it is (`calculate: false`): its queries are read
as `format: heatmap`, one row per `le` bucket, and the panel's unit is the y axis' (the
bucket bounds), not the cells'. A histogram panel bins the values of all its series
together (`combine`), e.g. users by exposure.
"""

from __future__ import annotations

from typing import Any

from grafana_foundation_sdk.builders import common as common_builders
from grafana_foundation_sdk.builders import heatmap, piechart
from grafana_foundation_sdk.models import common as common_models
from grafana_foundation_sdk.models import dashboard as models
from grafana_foundation_sdk.models import piechart as pie_models

from obsgen import model
from obsgen.model.dashboards import Legend
from obsgen.targets.grafana.panels import panel

REDUCED = frozenset({"stat", "gauge", "bargauge", "piechart"})
"""Types that reduce each series to one value: they write `reduceOptions`."""
SDK_DEFAULTED = frozenset({"piechart", "histogram", "state-timeline"})
"""Types whose options obsgen always sets (the tooltip, the bucket mode, ...): once any
option is set, the SDK writes all of them with its own defaults, a hidden legend and a
tooltip sorted ascending (the enums' first values), which are not Grafana's. These get
Grafana's: an unsorted tooltip and a visible legend, unless the spec says otherwise."""


def spec_panel(item: model.DashboardPanel) -> Any:
    kind = item.type
    built = panel(
        kind, item.title, width=item.width, height=item.height,
        items=[(t.expr, t.legend) for t in item.targets],
        unit="" if kind == "heatmap" else item.unit, description=item.description,
        minimum=item.min, maximum=item.max,
        steps=[(s.value, s.color) for s in item.thresholds] or None,
        instant=any(t.instant for t in item.targets), content=item.content)
    if kind in REDUCED:
        built = built.reduce_options(common_builders.ReduceDataOptions().calcs([item.reduce])
                                     .values(False))
    if kind in SDK_DEFAULTED or (kind == "timeseries" and item.legend is not None):
        mode = (common_models.TooltipDisplayMode.MULTI if kind == "timeseries"
                else common_models.TooltipDisplayMode.SINGLE)
        built = built.tooltip(common_builders.VizTooltipOptions().mode(mode)
                              .sort(common_models.SortOrder.NONE))
    if item.mappings:
        built = built.mappings([mappings(item)])
    legend = item.legend or (Legend() if kind in SDK_DEFAULTED else None)
    if legend is not None:
        built = _legend(built, kind, legend)
    if kind == "bargauge":
        built = built.orientation(common_models.VizOrientation(item.orientation))
    elif kind == "histogram":
        built = built.combine(True)
        if item.bucket_size is not None:
            built = built.bucket_size(item.bucket_size)
    elif kind == "heatmap":
        built = built.calculate(False)
        if item.unit:
            built = built.y_axis(heatmap.YAxisConfig().unit(item.unit))
    return built


def mappings(item: model.DashboardPanel) -> models.ValueMap:
    """One value-to-text mapping of every value the panel maps, in the order written."""
    return models.ValueMap(options={
        m.value: models.ValueMappingResult(text=m.text, color=m.color or None, index=index)
        for index, m in enumerate(item.mappings)})


def _legend(built: Any, kind: str, legend: Legend) -> Any:
    if kind == "heatmap":
        return built.show_legend() if legend.show else built.hide_legend()
    mode = (common_models.LegendDisplayMode.HIDDEN if not legend.show else
            common_models.LegendDisplayMode.TABLE if legend.table else
            common_models.LegendDisplayMode.LIST)
    placement = common_models.LegendPlacement(legend.placement)
    if kind == "piechart":
        return built.legend(
            piechart.PieChartLegendOptions().show_legend(legend.show).display_mode(mode)
            .placement(placement).calcs([])
            .values([pie_models.PieChartLegendValues(v) for v in legend.values]))
    return built.legend(common_builders.VizLegendOptions().show_legend(legend.show)
                        .display_mode(mode).placement(placement).calcs([]))
