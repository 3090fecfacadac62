"""Probes: blackbox_exporter accepts the modules and runs them, Prometheus accepts the jobs,
and obsgen rejects what the exporter's own check lets through."""

from __future__ import annotations

import base64
import http.server
import re
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from obsgen.dev.live import free_port
from obsgen.lint import blackbox_exporter, lint, prometheus_config
from tests.conftest import ROOT, find_tool, run_tool

pytestmark = pytest.mark.tools

OUTPUTS = [p for p in [ROOT / "generated", *sorted(ROOT.glob("tests/golden/*/expected"))]
           if (p / "blackbox/blackbox.yaml").exists()]
GOLDEN = ROOT / "tests/golden/probes/expected"


def _exporter() -> str:
    find_tool(blackbox_exporter())
    return blackbox_exporter()


def test_there_are_probe_outputs() -> None:
    assert len(OUTPUTS) >= 2


@pytest.mark.parametrize("out", OUTPUTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_blackbox_exporter_accepts_the_modules(out: Path) -> None:
    config = out / "blackbox/blackbox.yaml"
    done = run_tool(_exporter(), "--config.check", f"--config.file={config}")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("out", OUTPUTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_prometheus_accepts_a_config_with_the_scrape_jobs(out: Path, tmp_path: Path) -> None:
    promtool = find_tool("promtool")
    config = tmp_path / "prometheus.yml"
    config.write_text(prometheus_config(out / "prometheus/scrape/blackbox.yaml"))
    jobs = yaml.safe_load(config.read_text())["scrape_configs"]
    modules = yaml.safe_load((out / "blackbox/blackbox.yaml").read_text())["modules"]
    assert jobs and all(j["params"]["module"][0] in modules for j in jobs)
    done = run_tool(promtool, "check", "config", "--syntax-only", str(config))
    assert done.returncode == 0, done.stdout + done.stderr


def test_identical_modules_are_shared() -> None:
    jobs = yaml.safe_load((GOLDEN / "prometheus/scrape/blackbox.yaml").read_text())
    used = [j["params"]["module"][0] for j in jobs["scrape_configs"]]
    assert len(set(used)) == len(used) - 1  # storefront and storefront-mirror share one


def test_an_unknown_prober_passes_the_exporter_check_but_not_lint(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    shutil.copytree(GOLDEN / "blackbox", out / "blackbox")
    path = out / "blackbox/blackbox.yaml"
    path.write_text(path.read_text().replace("prober: tcp", "prober: tpc"))
    done = run_tool(_exporter(), "--config.check", f"--config.file={path}")
    assert done.returncode == 0, "the exporter's own check now catches this: drop ours"
    errors = [f.message for f in lint(out).findings if f.level == "error"]
    assert len(errors) == 1 and "unknown prober 'tpc'" in errors[0]


TOKEN, USER, PASSWORD = "probe-token-1", "probe", "probe-password-1"
ACCEPTED = {f"Bearer {TOKEN}",
            "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()}


class _Site(http.server.BaseHTTPRequestHandler):
    """/<status>/<delay seconds>/<body words separated by ->: answers exactly that; under
    /private, only to a request carrying the probe user's token or password (else 401)."""

    def _answer(self) -> None:
        path = self.path
        if path.startswith("/private/"):
            path = path.removeprefix("/private")
            if self.headers.get("Authorization") not in ACCEPTED:
                path = "/401/0/who-are-you"
        _, status, delay, words = path.split("/", 3)
        time.sleep(float(delay))
        body = words.replace("-", " ").encode()
        try:
            self.send_response(int(status))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the exporter gave up on a slow answer: that is the point

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _secret_files(modules: dict[str, Any]) -> Iterator[dict[str, str]]:
    for module in modules.values():
        config = module.get("http", {})
        yield from (c for c in (config.get("authorization"), config.get("basic_auth")) if c)


@pytest.fixture
def secrets(tmp_path: Path) -> dict[str, Path]:
    """The golden modules' secret files, as files in tmp_path holding the probe user's
    token and password: {module name: its secret file}."""
    modules = yaml.safe_load((GOLDEN / "blackbox/blackbox.yaml").read_text())["modules"]
    out = {}
    for name, module in modules.items():
        for auth in _secret_files({name: module}):
            key = "credentials_file" if "credentials_file" in auth else "password_file"
            out[name] = tmp_path / f"{name}.secret"
            out[name].write_text(TOKEN if key == "credentials_file" else PASSWORD)
    return out


@pytest.fixture
def exporter(tmp_path: Path, secrets: dict[str, Path]) -> Iterator[str]:
    """The real blackbox_exporter with the golden modules (their secret files moved to
    tmp_path), stopped by its PID."""
    config = yaml.safe_load((GOLDEN / "blackbox/blackbox.yaml").read_text())
    for name, path in secrets.items():
        for auth in _secret_files({name: config["modules"][name]}):
            key = "credentials_file" if "credentials_file" in auth else "password_file"
            auth[key] = str(path)
    (tmp_path / "blackbox.yaml").write_text(yaml.safe_dump(config))
    port = free_port()
    log = (tmp_path / "exporter.log").open("w")
    proc = subprocess.Popen(
        [_exporter(), f"--config.file={tmp_path / 'blackbox.yaml'}",
         f"--web.listen-address=127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/-/healthy", timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, (tmp_path / "exporter.log").read_text()
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _probe(exporter: str, module: str, target: str) -> int:
    query = urllib.parse.urlencode({"module": module, "target": target})
    with urllib.request.urlopen(f"{exporter}/probe?{query}", timeout=30) as reply:
        text = reply.read().decode()
    found = re.search(r"^probe_success (\d)", text, re.M)
    assert found, text
    return int(found[1])


def test_each_http_module_passes_a_healthy_target_and_fails_broken_ones(
    exporter: str, site: str, secrets: dict[str, Path]
) -> None:
    modules = yaml.safe_load((GOLDEN / "blackbox/blackbox.yaml").read_text())["modules"]
    http = {name: m for name, m in modules.items() if m["prober"] == "http"}
    assert len(http) == 4 and len(secrets) == 2
    for name, module in http.items():
        if name in secrets:
            site_root = f"{site}/private"
            secret = secrets[name].read_text()
        else:
            site_root = site
        spec = module["http"]
        assert not spec.get("fail_if_not_ssl"), "this test serves plain HTTP"
        words = [w for w in spec.get("fail_if_body_not_matches_regexp", []) if re.escape(w) == w]
        assert words, "the golden http probes must match literal words"
        good_status = spec.get("valid_status_codes", [200])[0]
        timeout = float(module["timeout"].rstrip("s"))
        body = "-".join(words)
        cases = {
            "healthy": (f"{site}/{good_status}/0/{body}", 1),
            "wrong status": (f"{site}/503/0/{body}", 0),
            "body mismatch": (f"{site}/{good_status}/0/nothing-here", 0),
            "too slow": (f"{site}/{good_status}/{timeout + 1}/{body}", 0),
        }
        for forbidden in spec.get("fail_if_body_matches_regexp", []):
            cases["forbidden body"] = (f"{site}/{good_status}/0/{body}-{forbidden}", 0)
        for case, (target, expected) in cases.items():
            assert _probe(exporter, name, target.replace(site, site_root, 1)) == expected, (
                name, case)
        if name in secrets:
            # The exporter reads the file at every run: a wrong secret fails the next one.
            secrets[name].write_text("wrong")
            healthy = cases["healthy"][0].replace(site, site_root, 1)
            assert _probe(exporter, name, healthy) == 0, (name, "wrong credentials")
            secrets[name].write_text(secret)
            assert _probe(exporter, name, healthy) == 1, (name, "credentials restored")
        else:
            assert _probe(exporter, name, f"{site}/private/200/0/{body}") == 0, (
                name, "a module without credentials gets no answer from /private")
