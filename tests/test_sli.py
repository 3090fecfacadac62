"""obsgen.build.sli: the `le` spellings of a latency SLI's bucket.

client_golang writes a bucket's upper bound with strconv.FormatFloat(v, 'g', -1, 64) (the
text exposition's writeFloat), and `_go_float` is meant to be exactly that. The expected
strings are Go's own: the 'g', -1 rows of the table in Go's src/strconv/ftoa_test.go, then
the Go spelling of client_golang's default buckets and of the exponent boundaries ('g' with
the shortest precision switches to an exponent below 1e-4 and from 1e+06 on, with at least
two exponent digits).
"""

from __future__ import annotations

import math
import re

import pytest

from obsgen.build.sli import _go_float, le_spellings

GO_FTOA_TEST = [  # FormatFloat(f, 'g', -1, 64) rows of strconv's ftoa_test.go
    (1, "1"),
    (20, "20"),
    (1234567.8, "1.2345678e+06"),
    (200000, "200000"),
    (2000000, "2e+06"),
    (0, "0"),
    (-1, "-1"),
    (12, "12"),
    (123456700, "1.234567e+08"),
    (1e23, "1e+23"),
    (99999999999999974834176, "9.999999999999997e+22"),
    (100000000000000008388608, "1.0000000000000001e+23"),
    (5e-324, "5e-324"),
    (-5e-324, "-5e-324"),
    (32, "32"),
    (2.2250738585072012e-308, "2.2250738585072014e-308"),
    (2.2250738585072011e-308, "2.225073858507201e-308"),
    (383260575764816448, "3.8326057576481645e+17"),
    (-5.8339553793802237e+23, "-5.8339553793802237e+23"),
]

# prometheus.DefBuckets, as client_golang exposes them
DEFAULT_BUCKETS = [(0.005, "0.005"), (0.01, "0.01"), (0.025, "0.025"), (0.05, "0.05"),
                   (0.1, "0.1"), (0.25, "0.25"), (0.5, "0.5"), (1, "1"), (2.5, "2.5"),
                   (5, "5"), (10, "10")]

BOUNDARIES = [
    (0.0001, "0.0001"),  # exponent -4: still plain
    (0.00001, "1e-05"),  # -5: exponent, two digits
    (0.000025, "2.5e-05"),
    (0.00012, "0.00012"),
    (100000, "100000"),  # exponent 5: plain
    (999999, "999999"),
    (1e6, "1e+06"),  # 6: exponent
    (1500000, "1.5e+06"),
    (3000, "3000"),
    (1e100, "1e+100"),  # three exponent digits when needed
    (-0.25, "-0.25"),
    (0.1 + 0.2, "0.30000000000000004"),  # the shortest digits that read back the same
]


@pytest.mark.parametrize(("value", "expected"), GO_FTOA_TEST + DEFAULT_BUCKETS + BOUNDARIES,
                         ids=lambda v: repr(v) if isinstance(v, float | int) else None)
def test_go_float_is_gos_format_float_g_shortest(value: float, expected: str) -> None:
    assert _go_float(value) == expected
    assert float(expected) == float(value)


@pytest.mark.parametrize(("value", "expected"), [(math.inf, "+Inf"), (-math.inf, "-Inf"),
                                                 (math.nan, "NaN")])
def test_go_float_of_infinities_and_nan(value: float, expected: str) -> None:
    assert _go_float(value) == expected


def _le_regex(threshold: float) -> str:
    """The le=~ matcher obsgen writes, as the regex Prometheus runs: PromQL's string
    literal turns each \\\\ into one backslash."""
    return "|".join(le_spellings(threshold)).replace("\\\\", "\\")


@pytest.mark.parametrize(("threshold", "spelled", "not_spelled"), [
    # Go (client_golang), Python's repr() and the OpenMetrics / Prometheus 3
    # form of an integer bound
    (1, ["1", "1.0"], ["10", "1e+00", "1x0"]),
    (0.25, ["0.25"], ["0x25", "0.250", "025"]),
    (1e6, ["1e+06", "1000000.0", "1000000"], ["1e+6", "1e06", "10000000"]),
    (0.00001, ["1e-05"], ["1e-5", "0.00001x"]),
    (2.5, ["2.5"], ["2x5", "25"]),
])
def test_le_spellings_match_what_exporters_write_and_nothing_else(
    threshold: float, spelled: list[str], not_spelled: list[str]
) -> None:
    regex = _le_regex(threshold)
    for text in spelled:
        assert re.fullmatch(regex, text), (regex, text)
    for text in not_spelled:
        assert not re.fullmatch(regex, text), (regex, text)
