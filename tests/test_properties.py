"""Any spec either compiles to rules promtool accepts, or is rejected with located errors.

Specs are drawn by Hypothesis (derandomized: CI never flakes) from values near and beyond
every boundary: objectives at 0/100, odd windows, names with '../', hyphenated labels...
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from obsgen.api import compile_documents
from obsgen.errors import SpecError
from obsgen.spec.loader import load_yaml_text
from obsgen.targets.yamlout import dump
from tests.conftest import find_tool, run_tool

# Every compiled spec goes through the real promtool.
pytestmark = pytest.mark.tools

names = st.one_of(
    st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?", fullmatch=True),
    st.sampled_from(["../x", "A", "a--b", "", "x/y", "-a"]),
)
labels = st.one_of(
    st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True),
    st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True),
    st.sampled_from(["route-x", "__x", "1a", "severity", "service"]),
)
# Valid values are drawn more often than broken ones, so that many specs compile.
objectives = st.one_of(
    st.floats(min_value=99, max_value=99.999),
    st.floats(min_value=90, max_value=99.99),
    st.sampled_from([0, 50, 95, 99.9, 100, 105, -1, "high"]),
)
windows = st.one_of(
    st.sampled_from(["7d", "14d", "28d", "30d", "90d"]),
    st.sampled_from(["1d", "365d", "366d", "36h", "30", "x"]),
)
selectors = st.one_of(
    st.sampled_from(
        ['http_requests_total{code=~"5.."}', "http_requests_total", 'errors_total{a="b"}']
    ),
    st.sampled_from(["sum(x)", "x{", "rate(x[5m])"]),
)
slis = st.one_of(
    st.fixed_dictionaries(
        {"ratio": st.fixed_dictionaries({"errors": selectors, "total": selectors})}
    ),
    st.fixed_dictionaries(
        {"ratio": st.fixed_dictionaries({"good": selectors, "total": selectors})}
    ),
    st.fixed_dictionaries(
        {
            "latency": st.fixed_dictionaries(
                {
                    "histogram": st.sampled_from(["h_seconds", "bad-name"]),
                    "threshold": st.sampled_from([0.25, 1, 3000, 1e6, 0, -1]),
                    "selector": st.sampled_from(["", '{a="b"}', '{le="1"}', "a=b"]),
                }
            )
        }
    ),
    st.fixed_dictionaries(
        {
            "raw": st.fixed_dictionaries(
                {
                    "error_ratio": st.sampled_from(
                        [
                            "sum(rate(e[{{window}}])) / sum(rate(t[{{window}}]))",
                            "sum(rate(e[5m]))",
                            "x[{{window}}",
                        ]
                    )
                }
            )
        }
    ),
)
slos = st.fixed_dictionaries(
    {"name": names, "objective": objectives, "window": windows, "sli": slis},
    optional={"group_by": st.lists(labels, max_size=2), "min_events": st.integers(-1, 1000)},
)
alerts = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["Down", "HighErrors", "bad-name", "X1"]),
        "expr": st.sampled_from(
            [
                "up == 0",
                "sum(rate(x[5m])) > 1",
                "up ==",
                "sum by (job) (up) < 1",
                'x{a=~"("} > 0',
                "mad_over_time(x[5m]) > 1",
            ]
        ),
        "severity": st.sampled_from(["page", "ticket", "critical", "sev1"]),
        "summary": st.sampled_from(["Down.", "{{ $labels.instance }} down", "{{ oops"]),
    },
    optional={"for": st.sampled_from(["5m", "0", "1h30m", "5 minutes"])},
)
services = st.fixed_dictionaries(
    {
        "apiVersion": st.just("obsgen/v1"),
        "kind": st.just("Service"),
        "metadata": st.fixed_dictionaries(
            {"name": names, "team": names},
            optional={"labels": st.dictionaries(labels, st.just("v"), max_size=2)},
        ),
    },
    optional={"slos": st.lists(slos, max_size=2), "alerts": st.lists(alerts, max_size=2)},
)


@settings(
    derandomize=True, max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(services)
def test_compiles_or_reports_located_errors(spec: dict[str, Any]) -> None:
    text = dump(spec)
    docs, problems = load_yaml_text(text, "specs/x.yaml", "specs/x.yaml")
    assert not problems
    try:
        files = compile_documents(docs)
    except SpecError as exc:
        lines = text.count("\n")
        assert exc.diagnostics
        for d in exc.diagnostics:
            assert d.file == "specs/x.yaml" and 1 <= d.line <= lines and d.col >= 1
            assert " — " in d.format(), d.format()
        event("rejected with located errors")
        return
    event("compiled")
    promtool = find_tool("promtool")
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for rel, body in files.items():
            if not rel.startswith("prometheus/rules/"):
                continue
            path = Path(tmp) / rel.replace("/", "_")
            path.write_text(body)
            paths.append(str(path))
        if paths:
            result = run_tool(promtool, "check", "rules", *paths)
            assert result.returncode == 0, result.stdout + result.stderr + text
