"""Cheap proofs (issue 16): look-alike SLOs proven by their wiring, SLOs with disjoint inputs
sharing tests; each still fails when its own rules break."""

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
    for path in sorted((out / "prometheus/tests").glob(f"{service}.*yaml")):
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


def test_slos_with_disjoint_inputs_share_tests(tmp_path: Path) -> None:
    specs = _write(tmp_path, {"alpha": [("web", "99.9", "http_requests_total"),
                                        ("rpc", "99.5", "rpc_calls_total")]})
    out = tmp_path / "out"
    api.generate(specs, out)
    names = [n for n in _tests(out, "alpha") if n.startswith(("web: ", "rpc: "))]
    assert names and all(" + rpc: " in n and n.startswith("web: ") for n in names), names


def test_slos_reading_each_others_series_do_not(tmp_path: Path) -> None:
    """The second SLO's series are a subset of the first one's: apart."""
    specs = _write(tmp_path, {"alpha": [("web", "99.9", "http_requests_total"),
                                        ("login", "99.5", "http_requests_total")]})
    path = specs / "alpha.yaml"
    text = path.read_text()
    login = text.index("- name: login")
    path.write_text(text[:login] + text[login:].replace('service="alpha"',
                                                        'service="alpha",route="/login"'))
    out = tmp_path / "out"
    api.generate(specs, out)
    names = [n for n in _tests(out, "alpha") if n.startswith(("web: ", "login: "))]
    assert names and not any(" + " in n for n in names)
    assert any(n.startswith("login: ") for n in names)


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
        rules = out / f"prometheus/rules/{broken}.rules.yaml"
        text = rules.read_text()
        assert "rpc_calls_total{" in text
        rules.write_text(text.replace("rpc_calls_total{", "rpc_call_total{"))
    done = run_tool(promtool, "test", "rules", "beta.test.yaml", cwd=out / "prometheus/tests")
    assert (done.returncode == 0) == (broken is None), done.stdout + done.stderr
