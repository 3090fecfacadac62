"""Spec dashboards as model records: rows and panels as written, or the canonical JSON of
a Jsonnet file (evaluated and checked during validation)."""

from __future__ import annotations

from obsgen import conventions, model
from obsgen.model import dashboards as boards
from obsgen.spec import dashboards as spec
from obsgen.spec.checks.dashboards import evaluate, jsonnet_path


def build_dashboard(service: str, board: spec.Dashboard, spec_file: str) -> model.ServiceDashboard:
    """`spec_file`: the spec file as it can be opened (Jsonnet files are relative to it)."""
    data = None
    if board.jsonnet:
        evaluated = evaluate(str(jsonnet_path(spec_file, board.jsonnet)))
        assert not isinstance(evaluated, str), evaluated  # validation reported it
        data = evaluated
    return model.ServiceDashboard(
        title=board.title, uid=conventions.dashboard_uid(service, board.title),
        description=board.description, tags=tuple(board.tags),
        rows=tuple(_row(r) for r in board.rows), jsonnet=data,
    )


def _row(row: spec.Row) -> model.DashboardRow:
    return model.DashboardRow(title=row.title, panels=tuple(_panel(p) for p in row.panels))


def _panel(panel: spec.Panel) -> model.DashboardPanel:
    legend = panel.legend
    return model.DashboardPanel(
        title=panel.title, type=panel.type, description=panel.description,
        targets=tuple(model.DashboardTarget(
            expr=t.expr, legend=t.legend or ("{{le}}" if panel.type == "heatmap" else ""),
            instant=t.instant)
            for t in panel.targets),
        unit=panel.unit, min=panel.min, max=panel.max,
        thresholds=tuple(model.ThresholdStep(value=t.value, color=t.color)
                         for t in panel.thresholds),
        content=panel.content, width=panel.width, height=panel.height,
        reduce=panel.reduce or "lastNotNull",
        legend=None if legend is None else boards.Legend(
            show=legend.show, placement=legend.placement, table=legend.table,
            values=tuple(legend.values)),
        mappings=tuple(boards.ValueMapping(value=str(m.value), text=m.text, color=m.color)
                       for m in panel.mappings),
        orientation=panel.orientation, bucket_size=panel.bucket_size,
    )

