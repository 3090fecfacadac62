"""Cheap proofs (issue 16): look-alike SLOs proven by their wiring, an SLO's tests against
its own rule file; each still fails when its own rules break."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from obsgen import api
from obsgen.targets.look_alikes import proven_by, signature
from tests.conftest import find_tool, run_tool

SERVICE = """\
apiVersion: obsgen/v1
kind: Service
metadata: {{name: {name}, team: team-{name}}}
slos:
{slos}
"""
SLO = """\
  - name: {slo}
    objective: {objective}
    window: 30d
    sli:
      ratio:
        errors: {metric}{{service="{name}",code=~"5.."}}
        total: {metric}{{service="{name}"}}
"""


def _write(folder: Path, services: dict[str, list[tuple[str, str, str]]]) -> Path:
    """services: name -> [(slo, objective, metric)]."""
    specs = folder / "specs"
    specs.mkdir(parents=True)
    for name, slos in services.items():
        text = "".join(SLO.format(slo=s, objective=o, metric=m, name=name) for s, o, m in slos)
        (specs / f"{name}.yaml").write_text(SERVICE.format(name=name, slos=text.rstrip("\n")))
    return specs


def _tests(out: Path, service: str) -> list[str]:
    names = []
    tests = out / "prometheus/tests"
    for path in sorted([*tests.glob(f"{service}.*yaml"), *tests.glob(f"{service}/*.yaml")]):
        names += [t["name"] for t in yaml.safe_load(path.read_text())["tests"]]
    return names


def test_a_look_alike_is_proven_by_its_wiring(tmp_path: Path) -> None:
    specs = _write(tmp_path, {"alpha": [("availability", "99.9", "http_requests_total")],
                              "beta": [("availability", "99.9", "rpc_calls_total")],
                              "gamma": [("availability", "99.5", "rpc_calls_total")]})
    project = api.project(specs)
    assert proven_by(project) == {("beta", "availability"): "alpha/availability"}
    out = tmp_path / "out"
    api.generate(specs, out)
    assert [n for n in _tests(out, "beta") if not n.startswith("Beta")] == [
        "availability: wiring (the rules are alpha/availability's with names substituted, "
        "proven there in depth): healthy traffic for 10m, then a total outage: every tier "
        "fires"]
    assert len(_tests(out, "alpha")) > 3 and len(_tests(out, "gamma")) > 3  # full suites


def test_the_rules_compared_are_the_rendered_rules(tmp_path: Path) -> None:
    """Equal once names are replaced, different as soon as an expression differs."""
    specs = _write(tmp_path, {"alpha": [("a", "99.9", "x_total")],
                              "beta": [("b", "99.9", "y_total")]})
    first, second = (svc.slos[0] for svc in api.project(specs).services)
    assert signature(first) == signature(second)
    assert "x_total" not in signature(first) and "«errors»" in signature(first)


def test_an_slos_suites_name_its_own_rule_file_alone(tmp_path: Path) -> None:
    """promtool evaluates every rule of the files a test names: an SLO's suites name its
    file, so the other SLOs' rules cost them nothing."""
    specs = _write(tmp_path, {"alpha": [("web", "99.9", "http_requests_total"),
                                        ("rpc", "99.5", "rpc_calls_total")]})
    out = tmp_path / "out"
    api.generate(specs, out)
    for slo in ("web", "rpc"):
        body = yaml.safe_load((out / f"prometheus/tests/alpha/{slo}.test.yaml").read_text())
        assert body["rule_files"] == [f"../../rules/alpha.{slo}.rules.yaml"]
        assert body["group_eval_order"] == [f"alpha.{slo}.slo-{part}"
                                            for part in ("sli", "period", "alerts")]
        assert body["tests"] and all(t["name"].startswith(f"{slo}: ") for t in body["tests"])


def test_a_look_alikes_wiring_names_its_own_rule_file_and_plain_tests_theirs(
        tmp_path: Path) -> None:
    """The wiring test of a look-alike is in its SLO's file, against its rule file alone;
    the service's file holds the no-data alerts' tests, against the plain rule file."""
    specs = _write(tmp_path, {"alpha": [("web", "99.9", "http_requests_total")],
                              "beta": [("web", "99.9", "web_requests_total")]})
    out = tmp_path / "out"
    api.generate(specs, out)
    body = yaml.safe_load((out / "prometheus/tests/beta/web.test.yaml").read_text())
    assert body["rule_files"] == ["../../rules/beta.web.rules.yaml"]
    assert [t["name"].split(" (")[0] for t in body["tests"]] == ["web: wiring"]
    plain = yaml.safe_load((out / "prometheus/tests/beta.test.yaml").read_text())
    assert plain["rule_files"] == ["../rules/beta.rules.yaml"]
    assert plain["tests"] and all("NoData" in t["name"] for t in plain["tests"])


@pytest.mark.tools
@pytest.mark.parametrize("broken", [None, "beta"])
def test_the_wiring_proof_fails_when_its_rules_read_another_series(
        tmp_path: Path, broken: str | None) -> None:
    """promtool passes the look-alike's wiring test, and fails it once its recording rule
    reads another metric (the shipped rule file, edited)."""
    promtool = find_tool("promtool")
    specs = _write(tmp_path, {"alpha": [("availability", "99.9", "http_requests_total")],
                              "beta": [("availability", "99.9", "rpc_calls_total")]})
    out = tmp_path / "out"
    api.generate(specs, out)
    if broken:
        rules = out / f"prometheus/rules/{broken}.availability.rules.yaml"
        text = rules.read_text()
        assert "rpc_calls_total{" in text
        rules.write_text(text.replace("rpc_calls_total{", "rpc_call_total{"))
    done = run_tool(promtool, "test", "rules", "availability.test.yaml",
                    cwd=out / "prometheus/tests/beta")
    assert (done.returncode == 0) == (broken is None), done.stdout + done.stderr
