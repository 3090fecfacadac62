"""What an e2e run does and expects: the incident, the servers it drives, the expectations.

A scenario file (tests/e2e/scenario.yaml) names the gauges the synthetic exporter serves and
when each is 1 (the incident), when the site the probes request fails, which incident starts
each covered alert, which alerts an inhibition must silence and which a mute interval must.
Who must receive the others comes from the generated `alertmanager/routes.test.yaml`, their
summary and `runbook_url` from the generated rule files.
"""

from __future__ import annotations

import http.server
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Window = tuple[float, float]


@dataclass(frozen=True)
class Scenario:
    incidents: dict[str, Window]
    probe_failing: Window
    alerts: dict[str, str]
    inhibited: dict[str, str] = field(default_factory=dict)
    muted: tuple[str, ...] = ()

    @staticmethod
    def load(path: Path) -> Scenario:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        windows = {k: (float(v[0]), float(v[1])) for k, v in data["incidents"].items()}
        probe = (float(data["probe_failing"][0]), float(data["probe_failing"][1]))
        scenario = Scenario(windows, probe, dict(data["alerts"]),
                            dict(data.get("inhibited") or {}), tuple(data.get("muted") or ()))
        for alert, cause in scenario.alerts.items():
            if cause != "probe_failing" and cause not in windows:
                raise ValueError(f"{path}: alerts.{alert}: {cause} is not an incident — "
                                 f"name one of {sorted(windows)} or probe_failing")
        return scenario

    def window(self, alert: str) -> Window:
        cause = self.alerts[alert]
        return self.probe_failing if cause == "probe_failing" else self.incidents[cause]

    @property
    def end(self) -> float:
        return max(end for _, end in [*self.incidents.values(), self.probe_failing])


@dataclass(frozen=True)
class Expected:
    """A covered alert: the labels its rule gives, its summary and runbook_url, and the
    receivers the routes table says it reaches (empty when inhibited or muted)."""

    alert: str
    labels: dict[str, str]
    summary: str
    runbook_url: str
    receivers: tuple[str, ...]
    silenced_by: str = ""


def expectations(out: Path, scenario: Scenario) -> dict[str, Expected]:
    table = yaml.safe_load((out / "alertmanager/routes.test.yaml").read_text(encoding="utf-8"))
    annotations: dict[str, dict[str, str]] = {}
    for rules in sorted((out / "prometheus/rules").glob("*.yaml")):
        for group in yaml.safe_load(rules.read_text(encoding="utf-8"))["groups"]:
            for rule in group["rules"]:
                if "alert" in rule:
                    annotations[rule["alert"]] = rule.get("annotations", {})
    found: dict[str, Expected] = {}
    for row in table["routes"]:
        name = row["alert"]
        if name not in scenario.alerts:
            continue
        silenced = (f"inhibited by {scenario.inhibited[name]}" if name in scenario.inhibited
                    else "muted" if name in scenario.muted else "")
        notes = annotations.get(name, {})
        found[name] = Expected(name, {k: str(v) for k, v in row["labels"].items()},
                               notes.get("summary", ""),
                               notes.get("obsgen_runbook_url", notes.get("runbook_url", "")),
                               () if silenced else tuple(row["receivers"]), silenced)
    missing = sorted(set(scenario.alerts) - set(found))
    if missing:
        raise ValueError(f"scenario alerts {missing} are not in {out}/alertmanager/"
                         "routes.test.yaml — is the scenario for these specs?")
    return found


def runbook_page(out: Path, url: str) -> Path | None:
    """The generated page a runbook_url points at, when it exists (obsgen lint's rule)."""
    _, found, page = f"/{url}".partition("/runbooks/")
    path = out / "runbooks" / page
    return path if found and page and path.is_file() else None


class Clock:
    """Seconds since the incident started; None before `start()`."""

    def __init__(self) -> None:
        self.started: float | None = None

    def start(self) -> float:
        self.started = time.time()
        return self.started

    def inside(self, window: Window) -> bool:
        if self.started is None:
            return False
        elapsed = time.time() - self.started
        return window[0] <= elapsed < window[1]


def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _answer(request: http.server.BaseHTTPRequestHandler, code: int, body: bytes,
            ctype: str) -> None:
    request.send_response(code)
    request.send_header("Content-Type", ctype)
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


def exporter(scenario: Scenario, clock: Clock) -> http.server.ThreadingHTTPServer:
    """The synthetic exporter: each incident gauge, 1 inside its window."""

    class Metrics(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = "".join(f"{name} {int(clock.inside(window))}\n"
                           for name, window in sorted(scenario.incidents.items()))
            _answer(self, 200, body.encode(), "text/plain; version=0.0.4")

        def log_message(self, *args: Any) -> None:
            pass

    return _serve(Metrics)


def site(scenario: Scenario, clock: Clock) -> http.server.ThreadingHTTPServer:
    """The site the probes request: 200 with a welcome page, 500 while failing."""

    class Site(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if clock.inside(scenario.probe_failing):
                _answer(self, 500, b"Internal Server Error", "text/plain")
            else:
                _answer(self, 200, b"<h1>Welcome</h1>", "text/html")

        def log_message(self, *args: Any) -> None:
            pass

    return _serve(Site)
