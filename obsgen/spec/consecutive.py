"""`consecutive` of a plain alert: fire when the last N samples, `every` apart, all breach.

A `for` counts evaluations, not samples: a series sampled every 15 minutes vanishes between
single-point samples (5m staleness), and one late sample of a continuously exported gauge
stretches or fakes it. Instead, the alert's condition is rewritten into N copies, copy k
reading each series' latest sample in the k-th slot before the evaluation time
(t - k*every - within, t - k*every], and the copies are joined with `and`:

    x > 5   (samples: 2, every: 15m)
    →   last_over_time(x[14m59s999ms]) > 5
      and
        last_over_time(x[14m59s999ms] offset 15m) > 5

An instant selector `s` (offset `o`) becomes `last_over_time(s[within - 1ms] offset o+k*every)`;
a range selector or a subquery gets `offset o+k*every`. An empty slot (a missing sample)
drops the series from that copy, so it is not a breach. The range is 1ms shorter than
`within`: Prometheus 2.x ranges are closed at both ends, 3.x ranges are open on the left,
and one millisecond less makes both read exactly the same samples (slots never overlap, so
no sample is read twice). The tree is rewritten with promql-parser (placeholders for the
selectors, then `prettify`), and a rewrite is accepted only when its printed text parses back
to the same tree.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, model_validator

from obsgen import durations
from obsgen.spec.base import Spec
from obsgen.spec.types import Duration, fail

_CLOCK = frozenset(["time", "timestamp", "minute", "hour", "day_of_month", "day_of_week",
                    "day_of_year", "days_in_month", "month", "year"])
"""Functions that read the evaluation time (without arguments, or of the sample): a copy
shifted by k*every would still compare against now."""
_ABSENCE = frozenset(["absent", "absent_over_time"])
_SEL = "__obsgen_sel_{}__"
_RNG = "__obsgen_rng_{}__"
_PLACEHOLDER = re.compile(r"__obsgen_(sel|rng)_(\d+)__(?:\[[^\]]*\])?")
_OFFSET = re.compile(r"\s+offset\s+\S+$")
TIGHTEN_MS = 1
"""How much shorter than `within` each range is (see the module docstring)."""


class ConsecutiveSpec(Spec):
    """Fire when the last `samples` samples of the condition, `every` apart, all breach."""

    samples: int = Field(ge=1, le=60)
    """How many consecutive samples must breach: 2 fires on the second, never on one."""
    every: Duration
    """The time between two samples (a cron's period, e.g. 15m)."""
    within: Duration | None = None
    """How old the sample read for each position may be; default `every` (samples pushed or
    written as single points). For a value exported continuously (a gauge scraped every
    15s-1m that changes every `every`), set about twice the scrape interval, so that a gap
    in the series is a missing sample rather than the previous sample read again."""

    @model_validator(mode="after")
    def _within_every(self) -> ConsecutiveSpec:
        if self.within is not None and durations.parse_ms(self.within) > durations.parse_ms(
                self.every):
            raise fail(f"within {self.within} is longer than every {self.every}",
                       "use at most `every`: longer slots overlap and read one sample twice")
        if durations.parse_ms(self.every) < 2:
            raise fail("every is shorter than 2ms", "give the period of the samples, e.g. 15m")
        return self

    def every_ms(self) -> int:
        return durations.parse_ms(self.every)

    def within_ms(self) -> int:
        return durations.parse_ms(self.within or self.every)


class Unrewritable(ValueError):
    """The expression cannot be read sample by sample; the text says why and how to fix it."""


def _parser() -> Any:
    import promql_parser  # lazy: keeps `obsgen --help` fast

    return promql_parser


def _without_offset(text: str) -> str:
    return _OFFSET.sub("", text)


def _offset_ms(node: Any) -> int:
    if getattr(node, "at", None) is not None:
        raise Unrewritable("the condition uses @, which pins a selector to one time — "
                           "remove the @ modifier: consecutive shifts each sample itself")
    offset = getattr(node, "offset", None)
    ms = 0 if offset is None else round(offset.total_seconds() * 1000)
    if ms < 0:
        raise Unrewritable("the condition uses a negative offset — use offsets >= 0")
    return ms


def _pieces(expr: str) -> tuple[str, list[tuple[str, str, int]]]:
    """The condition's text with placeholders for its selectors, and per placeholder:
    (kind, text without offset, offset in ms)."""
    p = _parser()
    tree = p.parse(expr)
    if repr(p.parse(tree.prettify())) != repr(tree):
        raise Unrewritable("obsgen cannot print this condition back exactly — "
                           "simplify it, or use `for` instead of consecutive")
    found: list[tuple[str, str, int]] = []

    def placeholder(kind: str, text: str, offset: int, rng: str = "") -> Any:
        found.append((kind, text, offset))
        name = (_SEL if kind == "sel" else _RNG).format(len(found) - 1)
        return p.parse(f"{name}[{rng}]" if kind == "rng" else name)

    def visit(node: Any) -> Any:
        if isinstance(node, p.Call):
            name = node.func.name
            if name in _CLOCK:
                raise Unrewritable(f"the condition calls {name}(), which reads the evaluation "
                                   "time, not the sample's — compare sample values only, or "
                                   "use `for` instead of consecutive")
            if name in _ABSENCE:
                raise Unrewritable(f"the condition calls {name}(), but a missing sample is "
                                   "never a breach — use `absent:` on the alert instead")
        if isinstance(node, p.VectorSelector):
            if (node.name or "").startswith("__obsgen_"):
                return None
            return placeholder("sel", _without_offset(node.prettify()), _offset_ms(node))
        if isinstance(node, p.MatrixSelector):
            vs = node.vector_selector
            rng = p.display_duration(node.range)
            text = f"{_without_offset(vs.prettify())}[{rng}]"
            return placeholder("rng", text, _offset_ms(vs), rng)
        if isinstance(node, p.SubqueryExpr):
            rng = p.display_duration(node.range)
            return placeholder("rng", _without_offset(node.prettify()), _offset_ms(node), rng)
        return None

    text = p.transform(tree, pre_visit=visit).prettify()
    if not any(kind == "sel" or kind == "rng" for kind, _, _ in found):
        raise Unrewritable("the condition reads no series — consecutive needs a selector to "
                           "sample, e.g. max by (source) (latency_ms) > 120000")
    return text, found


def rewrite(expr: str, samples: int, every_ms: int, within_ms: int) -> str:
    """The condition that holds when the last `samples` samples of `expr` all breach.
    Raises Unrewritable (its text: what — how to fix) when `expr` cannot be rewritten."""
    text, found = _pieces(expr)
    window = durations.format_ms(within_ms - TIGHTEN_MS)

    def copy(k: int) -> str:
        def sub(match: re.Match[str]) -> str:
            kind, source, offset = found[int(match.group(2))]
            shift = offset + k * every_ms
            tail = f" offset {durations.format_ms(shift)}" if shift else ""
            if kind == "sel":
                return f"last_over_time({source}[{window}]{tail})"
            return f"{source}{tail}"
        return _PLACEHOLDER.sub(sub, text)

    p = _parser()
    copies = [p.parse(copy(k)).prettify() for k in range(samples)]
    tree = p.parse(" and ".join(f"({c})" for c in copies))
    out = "\nand\n".join("(\n" + _indent(c) + "\n)" for c in copies)
    if repr(p.parse(out)) != repr(tree):  # pragma: no cover - a printer bug, caught loudly
        raise Unrewritable("obsgen cannot print the rewritten condition back exactly — "
                           "simplify the condition, or use `for` instead of consecutive")
    return out


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.split("\n"))


def problem(expr: str, consecutive: ConsecutiveSpec) -> str:
    """Why `expr` cannot be read sample by sample ("what — how to fix"), or ""."""
    try:
        rewrite(expr, consecutive.samples, consecutive.every_ms(), consecutive.within_ms())
    except Unrewritable as exc:
        return str(exc)
    except ValueError:
        return ""  # not PromQL: the expr field reports it
    return ""
