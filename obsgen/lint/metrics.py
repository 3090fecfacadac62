"""Lint: every selector reads a metric some spec declares, with labels it has.

Opt-in per project: once any service lists `metrics:`, the selectors of every plain alert,
SLI and dashboard panel are checked against the declarations of all services, so a panel
querying `pnl_usd` while the engine exports `positions_pnl_usd` is a finding instead of an
empty graph. Series that obsgen, Prometheus or blackbox_exporter write (`obsgen_slo:*`,
`up`, `ALERTS`, `probe_*`, `scrape_*`) need no declaration; target labels (job, instance,
namespace, ...) are allowed on every metric.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from obsgen import model
from obsgen.lint import Finding, exprs
from obsgen.promql import grafana_free, substitute_window

TOOL = "obsgen-semantic"
BUILTIN_NAMES = frozenset({"up", "ALERTS", "ALERTS_FOR_STATE"})
BUILTIN_PREFIXES = ("obsgen_", "probe_", "scrape_")
ALWAYS_LABELS = frozenset({*exprs.SCOPE_LABELS, "le", "quantile"})


def findings(project: model.Project) -> list[Finding]:
    declared = {series: metric for svc in project.services for metric in svc.metrics
                for series in metric.series}
    if not declared:
        return []
    out = []
    for svc in project.services:
        for where, expr in _queries(svc):
            for text in _check(where, expr, declared):
                out.append(Finding(svc.source, TOOL, "warning", text))
    return out


def _queries(svc: model.Service) -> Iterator[tuple[str, str]]:
    """(where, PromQL) of everything of the service that reads series."""
    for alert in svc.alerts:
        yield alert.name, alert.expr
    for slo in svc.slos:
        sli = slo.sli
        if sli.kind == "raw":
            yield f"SLO {slo.name}", substitute_window(sli.error_ratio, "5m")
        elif sli.kind != "probe":
            yield f"SLO {slo.name}", f"{sli.errors} / {sli.total}"
    for board in svc.dashboards:
        for row in board.rows:
            for panel in row.panels:
                for target in panel.targets:
                    yield f"dashboard {board.title!r} panel {panel.title!r}", target.expr
        if board.jsonnet is not None:
            for expr in _json_exprs(board.jsonnet):
                yield f"dashboard {board.title!r}", expr


def _json_exprs(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "expr" and isinstance(value, str):
                yield value
            else:
                yield from _json_exprs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _json_exprs(item)


def _check(where: str, expr: str, declared: Mapping[str, model.Metric]) -> Iterator[str]:
    try:
        tree = exprs.parse(grafana_free(expr))
    except (ValueError, SyntaxError):
        return  # not PromQL obsgen can read (Grafana variables): promtool or Grafana will say
    for sel in exprs.selectors(tree):
        name = sel.metric
        if not name or name in BUILTIN_NAMES or name.startswith(BUILTIN_PREFIXES):
            continue
        metric = declared.get(name)
        if metric is None:
            close = difflib.get_close_matches(name, sorted(declared), n=1, cutoff=0.5)
            hint = f"did you mean {close[0]}? Or declare" if close else "declare"
            yield (f"{where}: reads {name}, which no spec declares — {hint} it under "
                   f"metrics: of the service that exposes it")
            continue
        if not metric.labels:
            continue
        for matcher in sel.matchers:
            if matcher.name not in metric.labels and matcher.name not in ALWAYS_LABELS:
                yield (f"{where}: {sel.text()} matches on {matcher.name}, a label {metric.name} "
                       f"does not have (it has {', '.join(metric.labels)}) — fix the matcher, "
                       f"or add the label to the metric's labels: if the exporter sets it")
