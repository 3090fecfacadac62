"""PromQL that counts an SLO's events over the base window, per SLI kind.

Every query is aggregated by the SLO's group labels, so the raw (possibly high-cardinality)
series are read once, at the base window; every longer window is derived later from the
recorded result.
"""

from __future__ import annotations

import math

from obsgen.conventions import BASE_WINDOW_S
from obsgen.durations import format_seconds, parse_ms
from obsgen.model import SLI
from obsgen.spec import service as spec

BASE = format_seconds(BASE_WINDOW_S)


def build_sli(sli: spec.SLISpec, group_by: tuple[str, ...], probe_selector: str = "",
              probe_interval_s: int = 0) -> SLI:
    """`probe_selector`, `probe_interval_s`: the probe's series selector ({job="..."}) and
    interval, for probe SLIs."""
    by = f"sum by ({', '.join(group_by)}) " if group_by else "sum "
    if sli.probe is not None:
        # Each run is an event: count the samples of probe_success, and the failed ones.
        runs = f"count_over_time(probe_success{probe_selector}[{BASE}])"
        good = f"sum_over_time(probe_success{probe_selector}[{BASE}])"
        total = f"{by}({runs}) / {BASE_WINDOW_S}"
        errors = f"({by}({runs}) - {by}({good})) / {BASE_WINDOW_S}"
        return SLI(kind="probe", errors=errors, total=total,
                   total_selector=f"probe_success{probe_selector}",
                   probe_interval_s=probe_interval_s)
    if sli.ratio is not None:
        total = f"{by}(rate({sli.ratio.total}[{BASE}]))"
        if sli.ratio.errors is not None:
            errors = _or_zero(f"{by}(rate({sli.ratio.errors}[{BASE}]))", total)
        else:
            good = _or_zero(f"{by}(rate({sli.ratio.good}[{BASE}]))", total)
            errors = f"{total}\n-\n({good})"
        return SLI(
            kind="ratio", errors=errors, total=total, errors_selector=sli.ratio.errors or "",
            good_selector=sli.ratio.good or "", total_selector=sli.ratio.total,
        )
    if sli.latency is not None:
        lat = sli.latency
        matchers = lat.selector.strip()[1:-1].strip().rstrip(",") if lat.selector else ""
        le = "|".join(le_spellings(lat.threshold))
        good_sel = f'{lat.histogram}_bucket{{{matchers + "," if matchers else ""}le=~"{le}"}}'
        total_sel = f"{lat.histogram}_count{{{matchers}}}" if matchers else f"{lat.histogram}_count"
        total = f"{by}(rate({total_sel}[{BASE}]))"
        good = _or_zero(f"{by}(rate({good_sel}[{BASE}]))", total)
        bucket = f"{lat.histogram}_bucket"
        plain_bucket = f"{bucket}{{{matchers}}}" if matchers else bucket
        return SLI(
            kind="latency", errors=f"{total}\n-\n({good})", total=total, good_selector=plain_bucket,
            total_selector=total_sel, le=_go_float(lat.threshold),
        )
    assert sli.raw is not None
    cadence = sli.raw.sample_interval
    return SLI(kind="raw", error_ratio=sli.raw.error_ratio,
               sample_interval_s=parse_ms(cadence) // 1000 if cadence else 0)


def _or_zero(expr: str, total: str) -> str:
    """`expr`, or 0 for each group that has events but no matching series (no errors yet)."""
    return f"{expr}\nor\n0 * {total}"


def le_spellings(threshold: float) -> list[str]:
    """Every way an exporter or Prometheus may spell the `le` label of this bucket bound.

    Prometheus 3 rewrites classic-histogram `le` values to canonical floats (`le="1"` becomes
    `le="1.0"`), and client libraries differ (Go writes 1e+06, Python 1000000.0), so the
    matcher lists them all, escaped for a regex.
    """
    go = _go_float(threshold)
    spellings = {repr(float(threshold)), go}
    if "." not in go and "e" not in go:
        spellings.add(go + ".0")  # the OpenMetrics / Prometheus 3 canonical form
    if float(threshold).is_integer() and abs(threshold) < 1e21:
        spellings.add(str(int(threshold)))
    return sorted(s.replace(".", "\\\\.").replace("+", "\\\\+") for s in spellings)


def _go_float(value: float) -> str:
    """Go's strconv.FormatFloat(v, 'g', -1, 64), what client_golang writes for `le`:
    the shortest digits, with an exponent when it is below -4 or at least 6 (1e+06)."""
    from decimal import Decimal

    if math.isinf(value) or math.isnan(value):
        return "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")
    sign, digits, exponent = Decimal(repr(float(value))).normalize().as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits))
    exp10 = len(digits) + exponent - 1
    head = "-" if sign else ""
    if exp10 < -4 or exp10 >= 6:
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{head}{mantissa}e{'-' if exp10 < 0 else '+'}{abs(exp10):02d}"
    if exponent >= 0:
        return head + text + "0" * exponent
    point = len(text) + exponent
    return (
        head
        + (text[:point] if point > 0 else "0")
        + "."
        + "0" * max(0, -point)
        + text[max(point, 0) :]
    )
