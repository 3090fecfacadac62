"""One e2e run: the sinks, the exporter and the site, then blackbox_exporter, Alertmanager and
Prometheus on loopback ports, the incident, and the verdict.

Every process is started with its log in the run's folder and stopped in `finally`; a process
that exits early fails the run with the end of its log. The run polls (every 0.2 s) and ends
as soon as every promised message came (plus a short grace for late strays), as soon as a
problem is seen (an undue delivery, a wrong credential), or at the deadline.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from obsgen.dev.e2e import scenario as sc
from obsgen.dev.e2e import stack, verify
from obsgen.dev.e2e.sinks import HTTPSinks, Inbox, SMTPSink
from obsgen.dev.live import free_port

POLL = 0.2
GRACE = 4.0
"""After the last promised message: two group_intervals of the e2e specs, for strays."""
TIMEOUT = 40.0
"""Past the incident's end, how long promised messages may take."""


@dataclass(frozen=True)
class Tools:
    prometheus: str
    alertmanager: str
    blackbox_exporter: str


@dataclass
class Result:
    verdict: verify.Verdict
    expected: dict[str, sc.Expected]
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.verdict.problems

    def report(self) -> str:
        lines = [*self.notes, verify.table(self.verdict, self.expected)]
        if self.verdict.problems:
            lines += ["", f"FAILED: {len(self.verdict.problems)} problem(s):"]
            lines += [f"  - {p}" for p in self.verdict.problems]
        lines.append(f"e2e run: {self.seconds:.0f} s")
        return "\n".join(lines)


class _Processes:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.running: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        with (self.workdir / f"{name}.log").open("wb") as log:
            self.running.append((name, subprocess.Popen(
                argv, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.workdir)))

    def check(self) -> None:
        for name, proc in self.running:
            if proc.poll() is not None:
                tail = (self.workdir / f"{name}.log").read_text(errors="replace")[-1500:]
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{tail}")

    def stop(self) -> None:
        for _, proc in reversed(self.running):
            proc.terminate()
        for _, proc in self.running:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as reply:
        body: bytes = reply.read()
        return body


def _wait(what: str, ready: Callable[[], bool], procs: _Processes, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        procs.check()
        with contextlib.suppress(OSError, ValueError):
            if ready():
                return
        time.sleep(POLL)
    raise RuntimeError(f"{what} not within {timeout:.0f} s (logs in {procs.workdir})")


def _healthy_scrapes(prometheus: str) -> bool:
    """Every target scraped and up, every probe succeeding: the incident may start."""
    query = urllib.parse.quote("min(up) * min(probe_success or vector(1))")
    answer = json.loads(_get(f"{prometheus}/api/v1/query?query={query}"))["data"]["result"]
    targets = json.loads(_get(f"{prometheus}/api/v1/targets"))["data"]["activeTargets"]
    return bool(answer and answer[0]["value"][1] == "1" and targets
                and all(t["health"] == "up" for t in targets))


def run(out: Path, scenario_file: Path, workdir: Path, tools: Tools,
        tamper: Callable[[Path], None] | None = None, worst: verify.Worst | None = None
        ) -> Result:
    """Run the stack over `out` (a generated folder); `tamper(workdir)` may break the run's
    files once written, before the tools start (the tests' mutations); `worst`: each
    delivery's computed worst case (`verify.worst_cases`), which the measured time must meet."""
    began = time.monotonic()
    scenario = sc.Scenario.load(scenario_file)
    expected = sc.expectations(out, scenario)
    inbox, clock, procs = Inbox(), sc.Clock(), _Processes(workdir)
    servers = [sc.exporter(scenario, clock), sc.site(scenario, clock)]
    with contextlib.ExitStack() as stack_:
        sinks = stack_.enter_context(HTTPSinks(inbox))
        smtp_port = free_port()
        version = stack.version_of(tools.alertmanager)
        prepared = stack.alertmanager_config(out / "alertmanager/alertmanager.yaml",
                                             workdir / "secrets", sinks.url, smtp_port, version)
        inbox.credentials.update(prepared.credentials)
        stack_.enter_context(SMTPSink(inbox, prepared.addresses, smtp_port))
        for server in servers:
            stack_.callback(server.server_close)
            stack_.callback(server.shutdown)
        ports = {name: free_port() for name in ("blackbox", "alertmanager", "prometheus")}
        addr = {name: f"127.0.0.1:{port}" for name, port in ports.items()}
        (workdir / "alertmanager.yml").write_text(yaml.safe_dump(prepared.config))
        (workdir / "blackbox.yml").write_text((out / "blackbox/blackbox.yaml").read_text())
        (workdir / "prometheus.yml").write_text(yaml.safe_dump(stack.prometheus_config(
            out, workdir, f"127.0.0.1:{servers[0].server_address[1]}",
            f"http://127.0.0.1:{servers[1].server_address[1]}", addr["blackbox"],
            addr["alertmanager"])))
        if tamper is not None:
            tamper(workdir)
        stack_.callback(procs.stop)
        procs.start("blackbox_exporter", [tools.blackbox_exporter, "--config.file=blackbox.yml",
                                          f"--web.listen-address={addr['blackbox']}"])
        procs.start("alertmanager", [
            tools.alertmanager, "--config.file=alertmanager.yml", "--storage.path=am-data",
            f"--web.listen-address={addr['alertmanager']}", "--cluster.listen-address="],
            env={**os.environ, "AWS_ACCESS_KEY_ID": stack.AWS_ACCESS_KEY,
                 "AWS_SECRET_ACCESS_KEY": "e2e-secret"})
        procs.start("prometheus", [
            tools.prometheus, "--config.file=prometheus.yml", "--storage.tsdb.path=prom-data",
            f"--web.listen-address={addr['prometheus']}"])
        prom = f"http://{addr['prometheus']}"
        _wait("Alertmanager ready", lambda: bool(_get(f"http://{addr['alertmanager']}/-/ready")),
              procs, 30)
        _wait("every scrape healthy", lambda: _healthy_scrapes(prom), procs, 60)
        started = clock.start()
        deadline = started + scenario.end + TIMEOUT
        done_at: float | None = None
        while True:
            procs.check()
            verdict = verify.judge(inbox.snapshot(), expected, scenario, prepared.integrations,
                                   started, out, worst)
            now = time.time()
            if verdict.problems or (done_at is not None and now >= done_at):
                break
            if verdict.complete and done_at is None:
                done_at = now + GRACE
            if now >= deadline:
                verdict.problems += verify.missing(verdict, scenario.end + TIMEOUT)
                break
            time.sleep(POLL)
    return Result(verdict, expected, prepared.notes, time.monotonic() - began)
