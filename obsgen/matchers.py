"""Label matchers and series selectors: `name="value"`, `name!="value"`, `name=~"re"`,
`name!~"re"`, and PromQL's `metric{name="value", ...}`.

Specs write routing matchers in Alertmanager's own syntax (what users paste from its docs);
this module parses them, renders them back in one canonical form, and evaluates them the way
Alertmanager and Prometheus both do: a regex is anchored at both ends, and a missing label has
the value "". The same `Matcher` serves PromQL selectors (`parse_selector`), which the proof
engine satisfies with synthetic series and the spec checks read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

_MATCHER = re.compile(
    r'^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^"\s,{}]*))\s*$'
)
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n"}


@dataclass(frozen=True, order=True)
class Matcher:
    name: str
    op: str
    value: str

    def text(self) -> str:
        """The canonical form obsgen writes: the value always double-quoted."""
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'{self.name}{self.op}"{escaped}"'

    @cached_property
    def _regex(self) -> re.Pattern[str]:
        return re.compile(f"(?:{self.value})", re.DOTALL)

    def matches(self, labels: Mapping[str, str]) -> bool:
        return self.accepts(labels.get(self.name, ""))

    def accepts(self, got: str) -> bool:
        """Whether a label with the value `got` ("" when absent) is matched."""
        if self.op == "=":
            return got == self.value
        if self.op == "!=":
            return got != self.value
        hit = self._regex.fullmatch(got) is not None
        return hit if self.op == "=~" else not hit


_RE2_ONLY = re.compile(r"\[:\^?[a-z]+:\]|\\[pP]|\\[QEzC]")
"""RE2 syntax that Python's `re` reads differently or rejects: POSIX classes ([[:alpha:]]),
Unicode classes (\\pL, \\p{Greek}), \\Q...\\E quoting, \\z and \\C."""


def regex_problem(pattern: str) -> str:
    """Why obsgen cannot evaluate `pattern` exactly as Prometheus' RE2 does, or "".

    obsgen evaluates matchers with Python's `re` (routing checks, synthetic test series), so a
    pattern whose meaning differs between the two would give wrong proofs: it is refused."""
    found = _RE2_ONLY.search(pattern)
    if found:
        return (f"regular expression {pattern!r} uses {found.group(0)!r}, RE2 syntax that "
                "obsgen cannot evaluate as Prometheus does (write the characters out, e.g. "
                "[a-zA-Z] for [[:alpha:]])")
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"invalid regular expression ({exc})"
    return ""


def parse(text: str) -> Matcher:
    """One matcher; ValueError says what is wrong."""
    found = _MATCHER.match(text)
    if not found:
        raise ValueError(f"{text!r} is not a matcher")
    name, op, quoted, bare = found.groups()
    value = _unescape(quoted) if quoted is not None else bare
    if op in ("=~", "!~"):
        problem = regex_problem(value)
        if problem:
            raise ValueError(f"{text!r}: {problem}")
    return Matcher(name, op, value)


def _unescape(text: str) -> str:
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            nxt = next(chars, "\\")
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
        else:
            out.append(char)
    return "".join(out)


def equal(name: str, value: str) -> Matcher:
    return Matcher(name, "=", value)


def one_of(name: str, values: tuple[str, ...]) -> Matcher:
    """`name` is any of `values`: = for one value, an anchored alternation for several."""
    if len(values) == 1:
        return Matcher(name, "=", values[0])
    return Matcher(name, "=~", "|".join(re.escape(v) for v in values))


def all_match(matchers: tuple[Matcher, ...], labels: Mapping[str, str]) -> bool:
    return all(m.matches(labels) for m in matchers)


@dataclass(frozen=True)
class Selector:
    """A PromQL series selector: a metric name and label matchers."""

    metric: str
    matchers: tuple[Matcher, ...]

    def matches(self, metric: str, labels: Mapping[str, str]) -> bool:
        return metric == self.metric and all(m.matches(labels) for m in self.matchers)

    def text(self) -> str:
        """`metric{a="1",b=~"x"}`, matchers in the order written."""
        inner = ",".join(m.text() for m in self.matchers)
        return f"{self.metric}{{{inner}}}" if inner or not self.metric else self.metric

    def absent_labels(self) -> dict[str, str]:
        """The labels of `absent(selector)`'s sample: one per = matcher (a name given twice
        by = matchers is dropped, as Prometheus does)."""
        names = [m.name for m in self.matchers if m.op == "="]
        return {m.name: m.value for m in self.matchers
                if m.op == "=" and names.count(m.name) == 1}


_PROMQL_OPS = {
    "MatchOp.Equal": "=", "MatchOp.NotEqual": "!=", "MatchOp.Re": "=~", "MatchOp.NotRe": "!~",
}


def parse_selector(text: str) -> Selector:
    """A PromQL vector selector (already checked to parse as one)."""
    import promql_parser

    parsed: Any = promql_parser.parse(text)
    metric = parsed.name or ""
    found = []
    for m in parsed.matchers.matchers:
        if m.name == "__name__":
            metric = m.value
            continue
        found.append(Matcher(m.name, _PROMQL_OPS[str(m.op)], m.value))
    return Selector(metric, tuple(found))


def children(node: Any) -> list[Any]:
    """The sub-expressions of a promql_parser node (lint/exprs.py walks them too)."""
    kind = type(node).__name__
    if kind == "BinaryExpr":
        return [node.lhs, node.rhs]
    if kind == "Call":
        return list(node.args)
    if kind == "MatrixSelector":
        return [node.vector_selector]
    if kind in ("AggregateExpr", "ParenExpr", "UnaryExpr", "SubqueryExpr"):
        return [node.expr] + ([node.param] if kind == "AggregateExpr" and node.param else [])
    return []


FILTERS = ("unless", "and")
"""Binary operators whose right side only filters: its series never raise the alert."""


def kept_labels(tree: Any) -> set[str]:
    """Labels named in a `by (...)` clause outside any filter's right side: labels the alert's
    series carry from the (parsed) expression."""
    out: set[str] = set()
    for node in alerting(tree):
        if (type(node).__name__ == "AggregateExpr" and node.modifier is not None
                and str(node.modifier.type).endswith("By")):
            out |= set(node.modifier.labels)
    return out


def alerting(node: Any) -> Iterator[Any]:
    """The nodes whose results can raise the alert: the right side of unless/and is skipped."""
    yield node
    if type(node).__name__ == "BinaryExpr" and str(node.op) in FILTERS:
        yield from alerting(node.lhs)
        return
    for child in children(node):
        yield from alerting(child)


def read_selectors(expr: str) -> list[Selector]:
    """The vector selectors of a (valid) PromQL expression whose series it needs, in order of
    appearance, without repeats and offsets: every one but those on the right of `unless`
    (whose absence is the normal case)."""
    import promql_parser

    found: list[Selector] = []
    todo: list[Any] = [promql_parser.parse(expr)]
    while todo:
        node = todo.pop(0)
        kind = type(node).__name__
        if kind == "VectorSelector":
            metric = node.name or ""
            kept = []
            for m in node.matchers.matchers:
                if m.name == "__name__" and str(m.op) == "MatchOp.Equal":
                    metric = m.value
                else:
                    kept.append(Matcher(m.name, _PROMQL_OPS[str(m.op)], m.value))
            found.append(Selector(metric, tuple(kept)))
        elif kind == "BinaryExpr" and str(node.op) == "unless":
            todo.insert(0, node.lhs)
        else:
            todo[:0] = children(node)
    return list(dict.fromkeys(found))


def render_series(metric: str, labels: Mapping[str, str]) -> str:
    """`metric{a="1",b="2"}` with labels sorted, as promtool's input series are written."""
    body = ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(labels.items()))
    return f"{metric}{{{body}}}" if body else metric


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
