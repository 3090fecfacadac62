"""PromQL and alert-template checks done at compile time.

The `promql-parser` package (a Rust PromQL parser) catches syntax errors in well under a
millisecond per expression, so every expression in a spec is parsed while validating and the
error lands at the field's line. promtool, run over the output in the tests and in
`obsgen lint`, stays the final judge.

Alert annotations are Go templates that Prometheus executes; `template_problem` catches the
mistakes people make in them (unclosed actions, unbalanced if/end, unknown functions and
variables) without a Go toolchain.
"""

from __future__ import annotations

import re
from typing import Any

WINDOW = re.compile(r"\{\{\s*\.?window\s*\}\}")
"""The placeholder a raw SLI puts where the range goes: rate(x[{{window}}])."""


def _parser() -> Any:
    import promql_parser  # lazy: keeps `obsgen --help` fast

    return promql_parser


def parse(expr: str) -> Any:
    """The syntax tree of a valid expression (ValueError otherwise)."""
    return _parser().parse(expr)


def parse_problem(expr: str) -> str:
    """Why `expr` is not valid PromQL for both Prometheus 2.42 and 3.x, or "" when it is."""
    try:
        _parser().parse(expr)
    except ValueError as exc:
        return portability_problem(expr) or str(exc) or "cannot be parsed"
    return portability_problem(expr)


# Functions and aggregations of Prometheus 2.42 (checked against its promtool) that 3.x still has.
PORTABLE_FUNCTIONS = frozenset(
    [
        "abs",
        "absent",
        "absent_over_time",
        "acos",
        "acosh",
        "asin",
        "asinh",
        "atan",
        "atanh",
        "avg_over_time",
        "ceil",
        "changes",
        "clamp",
        "clamp_max",
        "clamp_min",
        "cos",
        "cosh",
        "count_over_time",
        "days_in_month",
        "day_of_month",
        "day_of_week",
        "day_of_year",
        "deg",
        "delta",
        "deriv",
        "exp",
        "floor",
        "histogram_count",
        "histogram_sum",
        "histogram_fraction",
        "histogram_quantile",
        "hour",
        "idelta",
        "increase",
        "irate",
        "label_replace",
        "label_join",
        "last_over_time",
        "ln",
        "log10",
        "log2",
        "max_over_time",
        "min_over_time",
        "minute",
        "month",
        "pi",
        "predict_linear",
        "present_over_time",
        "quantile_over_time",
        "rad",
        "rate",
        "resets",
        "round",
        "scalar",
        "sgn",
        "sin",
        "sinh",
        "sort",
        "sort_desc",
        "sqrt",
        "stddev_over_time",
        "stdvar_over_time",
        "sum_over_time",
        "tan",
        "tanh",
        "time",
        "timestamp",
        "vector",
        "year",
        "sum",
        "min",
        "max",
        "avg",
        "group",
        "stddev",
        "stdvar",
        "count",
        "count_values",
        "bottomk",
        "topk",
        "quantile",
    ]
)
_REMOVED_IN_3 = {"holt_winters": "double_exponential_smoothing (behind a feature flag)"}
_KEYWORDS = frozenset(
    [
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "bool",
        "and",
        "or",
        "unless",
        "start",
        "end",
    ]
)
_CALL = re.compile(r"(?<![\w:.])([A-Za-z_][A-Za-z0-9_]*)\s*\(")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')


def portability_problem(expr: str) -> str:
    """Why `expr` would fail in Prometheus 2.42 or 3.x though it parses, or ""."""
    for name in _CALL.findall(_QUOTED.sub('""', expr)):
        if name in _KEYWORDS:
            continue
        if name in _REMOVED_IN_3:
            return f"{name}() was removed in Prometheus 3 (its successor is {_REMOVED_IN_3[name]})"
        if name not in PORTABLE_FUNCTIONS:
            return f"{name}() is not available in Prometheus 2.42 (a 3.x addition or a typo)"
    return ""


def selector_problem(text: str) -> str:
    """Why `text` is not a plain instant-vector selector such as `up{job="x"}`, or ""."""
    problem = parse_problem(text)
    if problem:
        return f"invalid PromQL: {problem}"
    parsed = _parser().parse(text)
    kind = type(parsed).__name__
    if kind != "VectorSelector":
        return f"expected a series selector, got {_KIND_WORDS.get(kind, 'an expression')}"
    if getattr(parsed, "offset", None) or getattr(parsed, "at", None):
        return "a selector here cannot carry offset or @"
    from obsgen.matchers import parse_selector, regex_problem

    for matcher in parse_selector(text).matchers:
        problem = regex_problem(matcher.value) if matcher.op in ("=~", "!~") else ""
        if problem:
            return f"{matcher.name}: {problem}"
    return ""


_KIND_WORDS = {
    "AggregateExpr": "an aggregation",
    "BinaryExpr": "a binary expression",
    "Call": "a function call",
    "MatrixSelector": "a range selector",
    "NumberLiteral": "a number",
    "StringLiteral": "a string",
    "ParenExpr": "a parenthesized expression",
    "SubqueryExpr": "a subquery",
    "UnaryExpr": "a unary expression",
}


def grafana_free(expr: str) -> str:
    """`expr` with Grafana's built-in variables replaced by durations, for parsing."""
    for name in ("$__rate_interval", "${__rate_interval}", "$__interval", "${__interval}",
                 "$__range", "${__range}"):
        expr = expr.replace(name, "5m")
    return expr


def substitute_window(expr: str, window: str) -> str:
    return WINDOW.sub(window, expr)


PREDEFINED_VARIABLES = {"$", "$labels", "$value", "$externalLabels", "$externalURL"}
TEMPLATE_FUNCTIONS = {
    # Go text/template builtins
    "and",
    "or",
    "not",
    "len",
    "index",
    "slice",
    "print",
    "printf",
    "println",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "html",
    "js",
    "urlquery",
    "call",
    # Prometheus template functions (template/template.go)
    "query",
    "first",
    "label",
    "value",
    "strvalue",
    "args",
    "reReplaceAll",
    "safeHtml",
    "match",
    "title",
    "toUpper",
    "toLower",
    "graphLink",
    "tableLink",
    "sortByLabel",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "pathPrefix",
    "externalURL",
    "stripPort",
    "stripDomain",
    "parseDuration",
    "toTime",
    "toDuration",
}
_OPENERS = {"if", "range", "with", "define", "block"}
_ACTION = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`|\'(?:[^\'\\]|\\.)\'')
_TOKEN = re.compile(
    r"\$[A-Za-z0-9_]*|(?<![\w$.])\.?[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
)


def template_problem(text: str) -> str:
    """Why Prometheus would fail to parse `text` as an alert template, or ""."""
    if "{{" not in text:
        return ""
    rest = _ACTION.sub("", text)
    if "{{" in rest:
        return "an action opened with '{{' is never closed with '}}'"
    stack: list[str] = []
    variables = set(PREDEFINED_VARIABLES)
    for match in _ACTION.finditer(text):
        body = match.group(1).strip().removeprefix("-").removesuffix("-").strip()
        if body.startswith("/*"):
            continue
        if not body:
            return "an empty action '{{ }}'"
        unquoted = _STRING.sub('""', body)
        if unquoted.count('"') % 2 or "`" in unquoted:
            return f"an unterminated string in {{{{{match.group(1)}}}}}"
        if unquoted.count("(") != unquoted.count(")"):
            return f"unbalanced parentheses in {{{{{match.group(1)}}}}}"
        words = unquoted.split()
        keyword = words[0]
        if keyword in _OPENERS:
            stack.append(keyword)
        elif keyword == "end":
            if not stack:
                return "'{{ end }}' without a matching if, range or with"
            stack.pop()
        elif keyword == "else" and not stack:
            return "'{{ else }}' outside if, range or with"
        for name in re.findall(r"(\$[A-Za-z0-9_]*)\s*:?=", unquoted):
            variables.add(name)
        for token in _TOKEN.findall(unquoted):
            if token.startswith("$"):
                if token not in variables:
                    return f"undefined variable {token!r} (use $labels, $value or $externalLabels)"
            elif not token.startswith(".") and token not in TEMPLATE_FUNCTIONS | _OPENERS | {
                "end",
                "else",
                "template",
                "nil",
                "true",
                "false",
                "break",
                "continue",
            }:
                return f"unknown function {token!r}"
    if stack:
        return f"'{{{{ {stack[-1]} }}}}' is never closed with '{{{{ end }}}}'"
    return ""
