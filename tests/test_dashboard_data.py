"""Dashboards show data: a real Prometheus runs the generated rules over synthetic traffic
(the input series the rule tests synthesize, served as an exposition endpoint), and every
dashboard query that reads obsgen's recorded series returns at least one series.

This catches what parsing cannot: a label matcher that matches nothing, a join
(`/ on (service, slo) group_left`) whose sides never meet, a variable that filters out
every series. Group intervals are shortened to 1s in the copy Prometheus loads, so the
test waits for data, not for the 5m period group.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import re
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from obsgen import api
from obsgen.spec.dashboards import grafana_free
from obsgen.traffic import input_plan
from tests.conftest import ROOT, find_tool

pytestmark = pytest.mark.tools

CASES = {"generated": (ROOT / "specs", ROOT / "generated"),
         **{name: (ROOT / f"tests/golden/{name}/specs", ROOT / f"tests/golden/{name}/expected")
            for name in ("dashboards", "ratio-good-grouped", "latency-7d")}}
PER_SECOND = {"total": 100.0, "good": 99.0, "errors": 1.0, "bad": 1.0}
"""Synthetic traffic by role: 1% of the events fail."""


def _inputs(specs: Path) -> tuple[dict[str, str], set[tuple[str, str]], set[tuple[str, str]]]:
    """{series text: role} to serve, and the (service, slo) pairs that get data and those
    that cannot (raw and probe SLIs)."""
    series: dict[str, str] = {}
    fed, unfed = set(), set()
    for svc in api.project(specs).services:
        for slo in svc.slos:
            plan = input_plan(slo)
            if isinstance(plan, str):
                unfed.add((svc.name, slo.name))
                continue
            fed.add((svc.name, slo.name))
            for s in plan.series:
                series.setdefault(s.text, s.role)
    return series, fed, unfed


def _serve(series: dict[str, str]) -> tuple[http.server.ThreadingHTTPServer, str]:
    start = time.monotonic()

    class Metrics(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            elapsed = time.monotonic() - start + 60
            body = "".join(f"{text} {PER_SECOND[role] * elapsed:.3f}\n"
                           for text, role in sorted(series.items())).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Metrics)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"127.0.0.1:{server.server_address[1]}"


def _rules_copy(out: Path, folder: Path) -> list[str]:
    paths = []
    for rules in sorted((out / "prometheus/rules").glob("*.yaml")):
        data = yaml.safe_load(rules.read_text())
        for group in data["groups"]:
            group["interval"] = "1s"
        target = folder / rules.name
        target.write_text(yaml.safe_dump(data))
        paths.append(str(target))
    return paths


@pytest.fixture(params=sorted(CASES), ids=str)
def prometheus(request: pytest.FixtureRequest, tmp_path: Path
               ) -> Iterator[tuple[str, Path, set[tuple[str, str]], set[tuple[str, str]]]]:
    """A real Prometheus evaluating one output's rules over synthetic traffic:
    (its URL, the output folder, the (service, slo) pairs fed, and those not)."""
    binary = find_tool("prometheus")
    specs, out = CASES[request.param]
    series, fed, unfed = _inputs(specs)
    server, target = _serve(series)
    port = _free_port()
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": _rules_copy(out, tmp_path),
        "scrape_configs": [{"job_name": "synthetic", "honor_labels": True,
                            "static_configs": [{"targets": [target]}]}],
    }
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    log = (tmp_path / "prometheus.log").open("w")
    proc = subprocess.Popen(
        [binary, f"--config.file={tmp_path / 'prometheus.yml'}",
         f"--storage.tsdb.path={tmp_path / 'data'}", f"--web.listen-address=127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        yield f"http://127.0.0.1:{port}", out, fed, unfed
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        server.shutdown()
        server.server_close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
                found.append((path.name, item["title"],
                              grafana_free(expr).replace("$slo", ".*")))
    return found


def _empty(url: str, queries: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    empty = []
    for query in queries:
        data = urllib.parse.urlencode({"query": query[2]}).encode()
        with urllib.request.urlopen(f"{url}/api/v1/query", data=data, timeout=10) as reply:
            result = json.loads(reply.read())
        assert result["status"] == "success", (query, result)
        if not result["data"]["result"]:
            empty.append(query)
    return empty


def test_every_slo_panel_shows_data(
    prometheus: tuple[str, Path, set[tuple[str, str]], set[tuple[str, str]]]
) -> None:
    url, out, fed, unfed = prometheus
    queries = _queries(out, unfed)
    assert fed and len(queries) >= 6 * len(fed), "each fed SLO has a row of queries"
    empty = queries
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):  # Prometheus is still starting
            empty = _empty(url, empty)
        if not empty:
            return
        time.sleep(1)
    pytest.fail("queries still empty after 120 s:\n" + "\n".join(map(str, empty)))
