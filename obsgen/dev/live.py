"""A real Prometheus running generated rules over synthetic traffic, for tests and previews.

The input series are those the rule tests synthesize (`traffic.synthetic_inputs`), served on a
local exposition endpoint as counters; `incident` makes the failing share rise for a while,
so burn rates and budgets move. Prometheus loads a copy of the rules with every group
interval at 1s and scrapes every second: data appears within seconds, not minutes.
Not part of the compile: nothing here runs unless a test or a preview asks for it.
"""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import yaml

from obsgen import api
from obsgen.proof.traffic import synthetic_inputs

EVENTS_PER_SECOND = 100.0
HEALTHY_SHARE = 0.01


@dataclass(frozen=True)
class Incident:
    """From `start` to `end` seconds after the traffic starts, `share` of events fail."""

    start: float
    end: float
    share: float


@dataclass
class Traffic:
    """{series text: role} of every SLO obsgen can feed, and the (service, slo) pairs fed
    and not fed (raw and probe SLIs)."""

    series: dict[str, str] = field(default_factory=dict)
    fed: set[tuple[str, str]] = field(default_factory=set)
    unfed: set[tuple[str, str]] = field(default_factory=set)

    @staticmethod
    def of(specs: Path) -> Traffic:
        traffic = Traffic()
        for svc in api.project(specs).services:
            for slo in svc.slos:
                plan = synthetic_inputs(slo)
                if isinstance(plan, str) or plan.mode == "probe":  # no probe_success served
                    traffic.unfed.add((svc.name, slo.name))
                    continue
                traffic.fed.add((svc.name, slo.name))
                for s in plan.series:
                    traffic.series.setdefault(s.text, s.role)
        return traffic


def failed_events(elapsed: float, incident: Incident | None) -> float:
    """Failed events since the start: the healthy share, plus the incident's extra."""
    failed = EVENTS_PER_SECOND * HEALTHY_SHARE * elapsed
    if incident is not None:
        overlap = max(0.0, min(elapsed, incident.end) - incident.start)
        failed += EVENTS_PER_SECOND * (incident.share - HEALTHY_SHARE) * overlap
    return failed


def exposition(traffic: Traffic, elapsed: float, incident: Incident | None) -> str:
    total = EVENTS_PER_SECOND * elapsed
    bad = failed_events(elapsed, incident)
    value = {"total": total, "good": total - bad, "errors": bad, "bad": bad}
    return "".join(f"{text} {value[role]:.3f}\n" for text, role in sorted(traffic.series.items()))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LivePrometheus:
    """`with LivePrometheus(binary, specs, out, workdir) as prom:` a Prometheus on
    127.0.0.1 evaluating `out`'s rules over the specs' synthetic traffic."""

    def __init__(self, binary: str, specs: Path, out: Path, workdir: Path,
                 incident: Incident | None = None) -> None:
        self.binary, self.out, self.workdir, self.incident = binary, out, workdir, incident
        self.traffic = Traffic.of(specs)
        self.url = ""
        self._server: http.server.ThreadingHTTPServer | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._started = 0.0

    def __enter__(self) -> LivePrometheus:
        self._started = time.monotonic()
        live = self

        class Metrics(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = exposition(live.traffic, time.monotonic() - live._started,
                                  live.incident).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Metrics)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        port = free_port()
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": self._rules_copy(),
            "scrape_configs": [{
                "job_name": "synthetic", "honor_labels": True,
                "static_configs": [{"targets": [f"127.0.0.1:{self._server.server_address[1]}"]}],
            }],
        }
        (self.workdir / "prometheus.yml").write_text(yaml.safe_dump(config))
        log = (self.workdir / "prometheus.log").open("wb")
        self._proc = subprocess.Popen(
            [self.binary, f"--config.file={self.workdir / 'prometheus.yml'}",
             f"--storage.tsdb.path={self.workdir / 'data'}",
             f"--web.listen-address=127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _rules_copy(self) -> list[str]:
        paths = []
        for rules in sorted((self.out / "prometheus/rules").glob("*.yaml")):
            data = yaml.safe_load(rules.read_text())
            for group in data["groups"]:
                group["interval"] = "1s"
            target = self.workdir / rules.name
            target.write_text(yaml.safe_dump(data))
            paths.append(str(target))
        return paths

    def api(self, path: str, **params: str) -> Any:
        """The `data` of a Prometheus HTTP API answer; raises OSError while starting."""
        data = urllib.parse.urlencode(params).encode()
        with urllib.request.urlopen(f"{self.url}/api/v1/{path}", data=data, timeout=10) as reply:
            answer = json.loads(reply.read())
        if answer.get("status") != "success":
            raise ValueError(f"{path} {params}: {answer}")
        return answer["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.api("query", query=expr)["result"]
        return result

    def query_range(self, expr: str, seconds: float, step: str = "1s") -> list[dict[str, Any]]:
        end = time.time()
        result: list[dict[str, Any]] = self.api(
            "query_range", query=expr, start=f"{end - seconds:.3f}", end=f"{end:.3f}",
            step=step)["result"]
        return result
