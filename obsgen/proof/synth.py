"""Synthetic series for generated rule tests: label sets that a selector does or does not match.

To test an SLO end to end, the generated promtool tests feed the raw series the SLI reads
(`http_requests_total{code="500"}`), so obsgen needs concrete labels that satisfy the spec's
matchers (`code=~"5.."`) — and, for the good events of a shared counter, labels that satisfy
the total's matchers but not the errors'. Regexes get a shortest example from Python's regex
parser (Prometheus anchors regexes fully, as `fullmatch` does).
"""

from __future__ import annotations

import re
import re._parser as sre_parse  # type: ignore[import-not-found]  # Python 3.11+
from collections.abc import Iterable
from typing import Any

from obsgen.matchers import Matcher, Selector, parse_selector, render_series

__all__ = ["Matcher", "Selector", "parse_selector", "regex_examples", "render_series", "satisfy"]

FALLBACK_VALUES = ("200", "ok", "x", "a1", "get", "0")


def regex_examples(pattern: str) -> list[str]:
    """A few short strings the regex matches fully (best effort; [] when unsure)."""
    try:
        tree = sre_parse.parse(pattern)
    except re.error:
        return []
    out = []
    for choice in (0, 1):
        text = _example(tree, choice)
        if text is not None and re.fullmatch(pattern, text, re.DOTALL):
            out.append(text)
    return list(dict.fromkeys(out))


def _example(tree: Any, choice: int) -> str | None:
    out = []
    for op, arg in tree:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append("a" if chr(arg) != "a" else "b")
        elif name == "ANY":
            out.append("0")
        elif name == "IN":
            char = _class_member(arg)
            if char is None:
                return None
            out.append(char)
        elif name == "BRANCH":
            branches = arg[1]
            part = _example(branches[min(choice, len(branches) - 1)], 0)
            if part is None:
                return None
            out.append(part)
        elif name == "SUBPATTERN":
            part = _example(arg[-1], choice)
            if part is None:
                return None
            out.append(part)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, sub = arg
            count = max(low, 1) if choice else low
            part = _example(sub, 0)
            if part is None:
                return None
            out.append(part * count)
        elif name == "AT":
            continue
        else:
            return None
    return "".join(out)


def _class_member(items: Any) -> str | None:
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            return None
        if name == "LITERAL":
            return chr(arg)
        if name == "RANGE":
            return chr(arg[0])
        if name == "CATEGORY":
            return {"CATEGORY_DIGIT": "0", "CATEGORY_WORD": "a", "CATEGORY_SPACE": " "}.get(
                str(arg)
            )
    return None


def _candidates(matchers: Iterable[Matcher]) -> list[str]:
    values: list[str] = []
    for m in matchers:
        if m.op == "=":
            values.append(m.value)
        elif m.op in ("=~", "!~"):
            values.extend(regex_examples(m.value))
        else:
            values.append(m.value)
    return list(dict.fromkeys([*values, *FALLBACK_VALUES, ""]))


def satisfy(
    selectors: Iterable[Selector], fixed: dict[str, str], avoid: Selector | None = None
) -> dict[str, str] | None:
    """Labels matched by every selector in `selectors` (and not by `avoid`), keeping `fixed`."""
    chosen = list(selectors)
    names = sorted({m.name for s in chosen for m in s.matchers} | set(fixed))
    labels: dict[str, str] = {}
    for name in names:
        wanted = [m for s in chosen for m in s.matchers if m.name == name]
        pool = [fixed[name]] if name in fixed else _candidates(wanted)
        value = next((v for v in pool if all(m.accepts(v) for m in wanted)), None)
        if value is None:
            return None
        if value:
            labels[name] = value
    if avoid is None:
        return labels
    metric = chosen[0].metric if chosen else avoid.metric
    if not avoid.matches(metric, labels):
        return labels
    for m in avoid.matchers:  # change one label so that `avoid` no longer matches
        if m.name in fixed:
            continue
        wanted = [w for s in chosen for w in s.matchers if w.name == m.name]
        for value in _candidates([m, *wanted]):
            if not m.accepts(value) and all(w.accepts(value) for w in wanted):
                trial = {**labels, m.name: value} if value else {
                    k: v for k, v in labels.items() if k != m.name
                }
                if not avoid.matches(metric, trial):
                    return trial
    return None
