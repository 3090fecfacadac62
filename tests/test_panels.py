"""Panel types beyond time series: each is drawn (a golden case covers it, its Grafana 11.6
schema is vendored), reads the options it is given, and the heatmap's query is checked."""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml

from obsgen import api
from obsgen.spec.checks.panels import heatmap_problem
from obsgen.spec.dashboards import Panel
from obsgen.spec.panels import OPTIONS, PanelType
from tests.conftest import ROOT

SCHEMAS = ROOT / "tests" / "vendor" / "grafana-schema-11.6"
GOLDEN = ROOT / "tests" / "golden"


def _drawn(folder: Path, specs: str) -> dict[str, dict[str, Any]]:
    """The panels of a spec dashboard built from `specs` (one Service document), by title."""
    from obsgen.targets.grafana.dashboards import spec_dashboard

    (folder / "shop.yaml").write_text(specs)
    svc = api.project(folder).services[0]
    data = spec_dashboard(svc, svc.dashboards[0])
    return {p["title"]: p for p in data["panels"] if p["type"] != "row"}


def _service(panels: list[dict[str, Any]]) -> str:
    return yaml.safe_dump({
        "apiVersion": "obsgen/v1", "kind": "Service",
        "metadata": {"name": "shop", "team": "web"},
        "dashboards": [{"title": "Shop", "rows": [{"title": "r", "panels": panels}]}]})


def test_every_panel_type_has_its_schema_options_and_a_golden_panel() -> None:
    types = set(typing.get_args(PanelType))
    assert set(OPTIONS) == types
    drawn = {p["type"] for path in GOLDEN.glob("*/expected/grafana/dashboards/*/*.json")
             for p in json.loads(path.read_text())["panels"]}
    assert types <= drawn, types - drawn
    for kind in types:
        assert (SCHEMAS / f"{kind.replace('-', '')}.jsonschema.json").is_file(), kind


def test_a_heatmap_reads_buckets_as_heatmap_frames_with_its_unit_on_the_y_axis(
    tmp_path: Path,
) -> None:
    panels = _drawn(tmp_path, _service([{
        "title": "Latency", "type": "heatmap", "unit": "ms",
        "targets": [{"expr": "sum by (le) (rate(x_bucket[$__rate_interval]))"}]}]))
    item = panels["Latency"]
    assert item["targets"] == [{
        "expr": "sum by (le) (rate(x_bucket[$__rate_interval]))", "format": "heatmap",
        "legendFormat": "{{le}}", "refId": "A"}]
    assert item["options"]["calculate"] is False
    assert item["options"]["yAxis"] == {"axisPlacement": "left", "reverse": False, "unit": "ms"}
    assert "unit" not in item.get("fieldConfig", {}).get("defaults", {})


def test_pie_bargauge_histogram_and_timeline_read_their_options(tmp_path: Path) -> None:
    panels = _drawn(tmp_path, _service([
        {"title": "Pie", "type": "piechart", "targets": [{"expr": "sum by (r) (x)"}],
         "reduce": "sum", "unit": "short",
         "legend": {"placement": "right", "table": True, "values": ["value", "percent"]}},
        {"title": "Bars", "type": "bargauge", "targets": [{"expr": "x"}], "reduce": "max",
         "orientation": "horizontal"},
        {"title": "Spread", "type": "histogram", "targets": [{"expr": "x", "instant": True}],
         "bucket_size": 5, "legend": {"show": False}},
        {"title": "States", "type": "state-timeline", "targets": [{"expr": "x > bool 0"}],
         "mappings": [{"value": 1, "text": "up", "color": "green"}, {"value": 0, "text": "down"}]},
    ]))
    pie = panels["Pie"]
    assert pie["options"]["reduceOptions"] == {"calcs": ["sum"], "fields": "", "values": False}
    assert pie["options"]["legend"] == {"calcs": [], "displayMode": "table",
                                        "placement": "right", "showLegend": True,
                                        "values": ["value", "percent"]}
    assert pie["options"]["tooltip"] == {"mode": "single", "sort": "none"}
    assert pie["targets"][0]["instant"] is True
    assert pie["fieldConfig"]["defaults"]["unit"] == "short"
    bars = panels["Bars"]
    assert bars["options"]["orientation"] == "horizontal"
    assert bars["options"]["reduceOptions"]["calcs"] == ["max"]
    spread = panels["Spread"]
    assert spread["options"]["combine"] is True and spread["options"]["bucketSize"] == 5
    assert spread["options"]["legend"]["showLegend"] is False
    assert spread["options"]["legend"]["displayMode"] == "hidden"
    states = panels["States"]
    assert states["fieldConfig"]["defaults"]["mappings"] == [{"type": "value", "options": {
        "1": {"text": "up", "color": "green", "index": 0},
        "0": {"text": "down", "index": 1}}}]
    assert "instant" not in states["targets"][0]
    assert states["options"]["legend"]["showLegend"] is True, "Grafana's default, not the SDK's"
    assert states["options"]["tooltip"] == {"mode": "single", "sort": "none"}


def test_a_time_series_legend_keeps_the_shared_tooltip(tmp_path: Path) -> None:
    panels = _drawn(tmp_path, _service([
        {"title": "Lines", "targets": [{"expr": "x"}],
         "legend": {"placement": "right", "table": True}}]))
    options = panels["Lines"]["options"]
    assert options["tooltip"] == {"mode": "multi", "sort": "none"}
    assert options["legend"] == {"calcs": [], "displayMode": "table", "placement": "right",
                                 "showLegend": True}


@pytest.mark.parametrize(("expr", "problem"), [
    ("sum by (le) (rate(x_bucket[$__rate_interval]))", None),
    ("sum without (pod) (rate(x_bucket[5m]))", None),
    ('rate({__name__="x_bucket"}[5m])', None),
    ("sum(rate(x_bucket[5m]))", "`sum(...)` drops `le`"),
    ("sum by (route) (rate(x_bucket[5m]))", "`sum by (route)` drops `le`"),
    ("sum without (le) (rate(x_bucket[5m]))", "`sum without (le)` drops `le`"),
    ("histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))", "histogram_quantile"),
    ("sum by (le) (rate(x_count[5m]))", "reads x_count, no `_bucket` series"),
])
def test_heatmap_queries_must_keep_the_buckets(expr: str, problem: str | None) -> None:
    found = heatmap_problem(expr)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found[0], found


@pytest.mark.parametrize(("fields", "message"), [
    ({"type": "gauge", "legend": {}}, "a gauge panel does not read `legend`"),
    ({"type": "table", "reduce": "max"}, "a table panel does not read `reduce`"),
    ({"type": "piechart", "bucket_size": 3}, "a piechart panel does not read `bucket_size`"),
    ({"type": "heatmap", "min": 0}, "a heatmap panel does not read `min`"),
    ({"type": "stat", "orientation": "horizontal"}, "does not read `orientation`"),
    ({"type": "table", "targets": [{"expr": "x", "format": "heatmap"}]},
     "a table panel reads its queries as table, not heatmap"),
    ({"type": "state-timeline", "targets": [{"expr": "x", "instant": True}]},
     "an instant query has none"),
    ({"type": "histogram", "legend": {"values": ["value"]}}, "legend values are a pie chart's"),
    ({"type": "heatmap", "legend": {"table": True}}, "a heatmap's legend"),
])
def test_options_a_panel_type_would_ignore_are_errors(fields: dict[str, Any],
                                                      message: str) -> None:
    from pydantic import ValidationError

    fields = {"title": "p", "targets": [{"expr": "x_bucket"}], **fields}
    with pytest.raises(ValidationError) as raised:
        Panel.model_validate(fields)
    assert message in str(raised.value)


def test_trading_platform_draws_the_seed_002_panel_types() -> None:
    """Seed 002: worker status (status panel), API latency (heatmap), rejected trades by
    reason (pie chart), user exposure distribution (histogram)."""
    boards = ROOT / "generated/grafana/dashboards/trading-platform"
    kinds = {(p["title"], p["type"]) for path in boards.glob("obsgen-trading-engine-*.json")
             for p in json.loads(path.read_text())["panels"]}
    assert {("Worker status", "state-timeline"), ("API latency", "heatmap"),
            ("Rejected trades by reason (24h)", "piechart"),
            ("User exposure distribution", "histogram")} <= kinds



def test_a_jsonnet_heatmap_reading_no_buckets_is_reported_with_the_fix() -> None:
    from obsgen.spec.checks.dashboards import _content_problem

    def board(expr: str) -> dict[str, Any]:
        return {"panels": [{"type": "heatmap", "title": "L",
                            "targets": [{"expr": expr, "format": "heatmap"}]}]}

    found = _content_problem(board("sum by (route) (rate(x_bucket[5m]))"))
    assert found == "panel 'L': `sum by (route)` drops `le`, the bucket bound a heatmap's rows are"
    assert "sum by (le)" in getattr(found, "hint", "")
    assert _content_problem(board("sum by (le) (rate(x_bucket[5m]))")) == ""
