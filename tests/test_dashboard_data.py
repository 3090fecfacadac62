"""Dashboards show data: a real Prometheus runs the generated rules over synthetic traffic
(`obsgen.dev.live`: the input series the rule tests synthesize, served as an exposition
endpoint), and every dashboard query that reads obsgen's recorded series returns at least
one series.

This catches what parsing cannot: a label matcher that matches nothing, a join
(`/ on (service, slo) group_left`) whose sides never meet, a variable that filters out
every series.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from obsgen.dev.live import Incident, LivePrometheus, exposition, failed_events
from obsgen.targets.grafana.dashboards import evaluable
from tests.conftest import ROOT, find_tool

CASES = {"generated": (ROOT / "specs", ROOT / "generated"),
         **{name: (ROOT / f"tests/golden/{name}/specs", ROOT / f"tests/golden/{name}/expected")
            for name in ("dashboards", "ratio-good-grouped", "latency-7d")}}


def test_incident_traffic_is_a_counter_with_the_stated_failing_share() -> None:
    incident = Incident(start=10, end=20, share=0.5)
    values = [failed_events(t, incident) for t in range(0, 40)]
    assert values == sorted(values), "counters never decrease"
    assert values[20] - values[10] == pytest.approx(100 * 0.5 * 10)
    assert values[39] - values[20] == pytest.approx(100 * 0.01 * 19)


@pytest.fixture(params=sorted(CASES), ids=str)
def prometheus(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LivePrometheus]:
    binary = find_tool("prometheus")
    specs, out = CASES[request.param]
    with LivePrometheus(binary, specs, out, tmp_path) as live:
        yield live


def _queries(out: Path, unfed: set[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(dashboard file, panel title, expr) of every query reading recorded series, but for
    those of SLOs that get no synthetic data, with Grafana's variables given values."""
    found = []
    for path in sorted((out / "grafana/dashboards").rglob("*.json")):
        data = json.loads(path.read_text())
        panels = [p for item in data["panels"] for p in [item, *item.get("panels", [])]]
        for item in panels:
            for query in item.get("targets", []):
                expr = query.get("expr", "")
                if "obsgen_slo:" not in expr:
                    continue
                named = dict(re.findall(r'(service|slo)="([^"]+)"', expr))
                if "slo" in named and (named.get("service"), named["slo"]) in unfed:
                    continue
                found.append((path.name, item["title"], evaluable(expr)))
    return found


@pytest.mark.tools
def test_every_slo_panel_shows_data(prometheus: LivePrometheus) -> None:
    traffic = prometheus.traffic
    queries = _queries(prometheus.out, traffic.unfed)
    assert traffic.fed and len(queries) >= 6 * len(traffic.fed), "a row of queries per SLO"
    assert exposition(traffic, 1.0, None).count("\n") == len(traffic.series)
    empty = queries
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):  # Prometheus is still starting
            empty = [q for q in empty if not prometheus.query(q[2])]
        if not empty:
            return
        time.sleep(1)
    pytest.fail("queries still empty after 120 s:\n" + "\n".join(map(str, empty)))


@pytest.mark.tools
def test_preview_draws_every_panel_of_a_dashboard_with_live_data(tmp_path: Path) -> None:
    from obsgen.dev import preview

    specs, out = CASES["dashboards"]
    board = json.loads((out / "grafana/dashboards/web/obsgen-shop.json").read_text())
    png = tmp_path / "shop.png"
    with LivePrometheus(find_tool("prometheus"), specs, out, tmp_path,
                        Incident(5, 10, 0.3)) as live:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if live.query("obsgen_slo:error_budget_remaining:ratio"):
                    break
            time.sleep(1)
        time.sleep(5)
        drawn = preview.draw(board, live, 60, png)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    assert width == round(24 * preview.COLUMN_IN * 100)
    titles = [p["title"] for p in board["panels"] if p["type"] != "row"]
    assert [t for t, _ in drawn] == titles
    slo_panels = [n for t, n in drawn if t != "Firing alerts"]
    assert slo_panels and all(n >= 1 for n in slo_panels), drawn


def test_preview_without_the_dashboard_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                               ) -> None:
    from obsgen.dev import preview

    assert preview.main(["obsgen-nothing", "--out", str(tmp_path)]) == 3
    assert "no dashboard obsgen-nothing" in capsys.readouterr().err
