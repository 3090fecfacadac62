"""What the semantic lint reads in a PromQL expression, from promql_parser's tree.

The checks need a few facts, not the whole tree: the vector selectors (with their matchers
as `obsgen.matchers.Matcher`), the range of every range selector and subquery, the labels
an expression keeps through `by (...)`, and the "any event" comparisons
(`increase(x[w]) > 0`). Walking the tree once per question keeps each check a plain loop
over records.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from obsgen import model
from obsgen.durations import format_seconds
from obsgen.matchers import Matcher, alerting, children

_OPS = {"MatchOp.Equal": "=", "MatchOp.NotEqual": "!=", "MatchOp.Re": "=~",
        "MatchOp.NotRe": "!~"}
EVENT_FUNCTIONS = ("increase", "rate", "irate", "changes")
"""Functions whose `> 0` means "some event happened": they need two samples of a series."""
SCOPE_LABELS = ("job", "service", "namespace", "instance", "pod", "container", "app",
                "cluster", "deployment", "alertname")
"""Labels whose matchers tie a selector to some targets rather than the whole fleet."""
"""Binary operators whose right side only filters the left: it raises no alert itself."""


@dataclass(frozen=True)
class Selector:
    metric: str
    matchers: tuple[Matcher, ...]
    offset_s: int

    def text(self) -> str:
        """The selector as obsgen prints it in a message: pg_up, up{job="api"}."""
        inner = ",".join(m.text() for m in self.matchers)
        return f"{self.metric}{{{inner}}}" if inner else self.metric


@dataclass(frozen=True)
class Window:
    """A range selector (`x[5m]`, step 0) or a subquery (`(...)[5m:15m]`)."""

    range_s: int
    step_s: int
    selectors: tuple[Selector, ...]

    def text(self) -> str:
        rng = _duration(self.range_s)
        return f"[{rng}:{_duration(self.step_s)}]" if self.step_s else f"[{rng}]"


@dataclass(frozen=True)
class EventCheck:
    """`func(selector[range]) > 0` (or `>= 1`, `!= 0`), possibly inside aggregations."""

    func: str
    selector: Selector
    range_s: int
    text: str


def parse(expr: str) -> Any:
    import promql_parser  # lazy, as in obsgen.promql

    return promql_parser.parse(expr)


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in children(node):
        yield from _walk(child)


def _selector(node: Any) -> Selector:
    found = tuple(Matcher(m.name, _OPS[str(m.op)], m.value) for m in node.matchers.matchers
                  if m.name != "__name__")
    offset = node.offset.total_seconds() if node.offset is not None else 0
    return Selector(node.name or "", found, int(offset))


def selectors(tree: Any) -> list[Selector]:
    """Every vector selector, in order of appearance, without repeats."""
    found = [_selector(n) for n in _walk(tree) if type(n).__name__ == "VectorSelector"]
    return list(dict.fromkeys(found))


def windows(tree: Any) -> list[Window]:
    out = []
    for node in _walk(tree):
        kind = type(node).__name__
        if kind in ("MatrixSelector", "SubqueryExpr"):
            step = node.step.total_seconds() if kind == "SubqueryExpr" and node.step else 0
            out.append(Window(int(node.range.total_seconds()), int(step),
                              tuple(selectors(node))))
    return list(dict.fromkeys(out))


def event_checks(tree: Any) -> list[EventCheck]:
    """The "any event" comparisons that can raise the alert."""
    out = []
    for node in alerting(tree):
        if type(node).__name__ != "BinaryExpr" or type(node.rhs).__name__ != "NumberLiteral":
            continue
        op, value = str(node.op), float(node.rhs.val)
        if (op, value) not in ((">", 0.0), (">=", 1.0), ("!=", 0.0)):
            continue
        call = node.lhs
        while type(call).__name__ in ("AggregateExpr", "ParenExpr"):
            call = call.expr
        if type(call).__name__ != "Call" or call.func.name not in EVENT_FUNCTIONS:
            continue
        arg = call.args[0]
        if type(arg).__name__ != "MatrixSelector":
            continue
        sel = _selector(arg.vector_selector)
        rng = int(arg.range.total_seconds())
        text = f"{call.func.name}({sel.text()}[{_duration(rng)}]) {op} {_number(value)}"
        out.append(EventCheck(call.func.name, sel, rng, text))
    return out


def appearance_covered(tree: Any, metric: str) -> bool:
    """Whether the expression already alerts on a series appearing: `x unless x offset w`."""
    return any(type(node).__name__ == "BinaryExpr" and str(node.op) == "unless"
               and any(s.metric == metric and s.offset_s for s in selectors(node.rhs))
               for node in _walk(tree))


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def _duration(seconds: int) -> str:
    return format_seconds(seconds)


def scoped(selector: Selector, scope: set[str]) -> bool:
    """Whether some matcher restricts a scope label to some values (`job="api"`, not
    `job!="x"` or `job=~".+"`)."""
    return any(m.name in scope and m.op in ("=", "=~") and not m.accepts("")
               and not (m.op == "=~" and m.accepts("\x00any value"))
               for m in selector.matchers)


def job(name: str) -> Matcher:
    return Matcher("job", "=", name)


def scope_labels(alert: model.Alert) -> set[str]:
    """Matchers on these labels tie a selector to one service's targets: the usual target
    labels, and the labels the service itself puts on its alerts (e.g. a stack)."""
    return set(SCOPE_LABELS) | (set(alert.labels) - {"severity", "team", "tier"})


def unscoped(alert: model.Alert, tree: Any) -> list[Selector]:
    """The selectors of an alert's expression that match the whole fleet's series (obsgen's
    own recorded series excepted)."""
    scope = scope_labels(alert)
    return [s for s in selectors(tree)
            if not s.metric.startswith("obsgen_") and not scoped(s, scope)]
