"""Checks of what a panel's queries return, where its type needs a particular shape.

A heatmap draws a Prometheus histogram: each target (Grafana's `format: heatmap`) must read
a `_bucket` series and keep its `le` label, the bucket bound the heatmap's rows are, so
`sum by (le) (rate(x_bucket[$__rate_interval]))` and not `sum(...)`, `sum by (exchange)
(...)` or `histogram_quantile(...)`, which draw nothing or one row.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from obsgen.errors import Diagnostic
from obsgen.matchers import children
from obsgen.promql import grafana_free
from obsgen.spec.dashboards import Dashboard
from obsgen.spec.loader import Document

HEATMAP_SHAPE = "sum by (le) (rate(<histogram>_bucket[$__rate_interval]))"


def problems(doc: Document, index: int, board: Dashboard) -> Iterator[Diagnostic]:
    for r, row in enumerate(board.rows):
        for p, panel in enumerate(row.panels):
            if panel.type != "heatmap":
                continue
            for t, target in enumerate(panel.targets):
                found = heatmap_problem(target.expr)
                if found:
                    yield doc.diagnostic(("dashboards", index, "rows", r, "panels", p,
                                          "targets", t, "expr"), *found)


def heatmap_problem(expr: str) -> tuple[str, str] | None:
    """(message, hint) when the query of a heatmap target does not return buckets by `le`."""
    import promql_parser  # lazy, as in obsgen.promql

    tree: Any = promql_parser.parse(grafana_free(expr))
    nodes = list(_walk(tree))
    metrics = [_metric(n) for n in nodes if type(n).__name__ == "VectorSelector"]
    if not any(m.endswith("_bucket") for m in metrics):
        read = ", ".join(sorted({m for m in metrics if m})) or "no metric"
        return (f"a heatmap draws a histogram's buckets, and this query reads {read}, "
                "no `_bucket` series",
                f"query the histogram's buckets: {HEATMAP_SHAPE}")
    for node in nodes:
        kind = type(node).__name__
        if kind == "Call" and node.func.name == "histogram_quantile":
            return ("histogram_quantile turns the buckets into one quantile: a heatmap "
                    "draws the buckets themselves",
                    f"drop histogram_quantile: {HEATMAP_SHAPE}")
        if kind == "AggregateExpr" and not _keeps_le(node):
            return (f"`{_clause(node)}` drops `le`, the bucket bound a heatmap's rows are",
                    f"keep le in the grouping: {HEATMAP_SHAPE}")
    return None


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in children(node):
        yield from _walk(child)


def _metric(node: Any) -> str:
    for m in node.matchers.matchers:
        if m.name == "__name__" and str(m.op) == "MatchOp.Equal":
            return str(m.value)
    return str(node.name or "")


def _keeps_le(node: Any) -> bool:
    modifier = node.modifier
    if modifier is None:
        return False
    if str(modifier.type).endswith("By"):
        return "le" in modifier.labels
    return "le" not in modifier.labels


def _clause(node: Any) -> str:
    modifier = node.modifier
    if modifier is None:
        return f"{node.op}(...)"
    way = "by" if str(modifier.type).endswith("By") else "without"
    return f"{node.op} {way} ({', '.join(modifier.labels)})"
