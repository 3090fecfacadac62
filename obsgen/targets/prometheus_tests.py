"""Prometheus rule tests: `prometheus/tests/<service>.test.yaml` and
`prometheus/tests/<service>/<slo>.test.yaml`, run by `promtool test rules`.

An SLO's files name only its own rule file (promtool evaluates every rule it is given, so
that is what keeps a proof cheap), a service's file its plain alerts' rule file; each fixes
the group evaluation order (promtool's default order is unstable). Every scenario of
`obsgen.proof.scenarios` becomes one test: the synthetic input series, and at each minute
where an alert changes state (and the minute before), the exact firing instances with their
labels, as `obsgen.proof.simulate` predicts them; each instance's annotations are asserted
too, at the first check where it fires (later checks read the ALERTS series, which carries
no annotations).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from obsgen import conventions, model
from obsgen.conventions import error_ratio, rules_path, tests_path, yaml_header
from obsgen.durations import format_ms, format_seconds
from obsgen.matchers import render_series
from obsgen.proof import nodata, probes, suites
from obsgen.proof.scenarios import Check, Scenario
from obsgen.proof.simulate import Counters, Phase
from obsgen.proof.traffic import SyntheticInputs, synthetic_inputs
from obsgen.proof.wiring import wiring
from obsgen.targets import prometheus
from obsgen.targets.look_alikes import proven_by
from obsgen.targets.prometheus import recorded_selector
from obsgen.targets.yamlout import dump

GLOBAL_EVALUATION_INTERVAL_MS = 60_000
"""Prometheus' default global evaluation_interval, for groups that set no `interval:`."""
LABEL_TEMPLATE = re.compile(r"\{\{-?\s*\$labels\.([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}")


def render(project: model.Project) -> dict[str, str]:
    """One file per evaluation interval: promtool evaluates every group of the rule files at
    the file's `evaluation_interval` (a group's own `interval:` is ignored by `test rules`),
    so the spec tests of an alert run at its group's interval, the SLO suites at their
    proof step. An SLO's suites, its wiring test (a look-alike) and its spec tests are files
    of their own (`<service>/<slo>.test.yaml`) that name the SLO's rule file alone; the
    service's file holds the tests of plain alerts and names `<service>.rules.yaml` (all the
    service's rule files when a plain alert reads obsgen's recorded series)."""
    out: dict[str, str] = {}
    look_alikes = proven_by(project)
    for svc in project.services:
        files: dict[tuple[str | None, int], list[dict[str, Any]]] = {}
        notes: list[str] = []
        for slo in svc.slos:
            if not slo.alerts:
                continue
            for t in slo.tests:  # the SLO's own tests, at their evaluation interval
                files.setdefault((slo.name, t.evaluation_interval_ms), []).append(
                    slo_spec_test(slo, t))
            plan = synthetic_inputs(slo)
            if isinstance(plan, str):
                if not slo.tests:
                    notes.append(f"# {slo.name}: no generated tests — {plan}.")
                continue
            deep = look_alikes.get((svc.name, slo.name))
            if deep is not None:
                files.setdefault((slo.name, 60_000), []).append(
                    slo_test(slo, plan, wiring(slo, plan, deep)))
                continue
            for suite in suites.build_once(slo, plan):
                files.setdefault((slo.name, suite.step * 60_000), []).extend(
                    slo_test(slo, plan, scenario) for scenario in suite.scenarios)
        for alert in svc.alerts:
            every = svc.group_interval_ms(alert) or GLOBAL_EVALUATION_INTERVAL_MS
            for test in (*alert.tests, *nodata.tests(alert)):
                files.setdefault((None, every), []).append(alert_test(alert, test))
        rule_files = prometheus.rule_files(svc)
        reads_recorded = any(conventions.RECORDED in a.expr for a in svc.alerts)
        comment = "\n".join([yaml_header(svc.source), *notes])
        for (slo_name, every), tests in sorted(files.items(), key=_file_order):
            own = rules_path(svc.name, slo_name)
            # the SLO's file; a plain alert reading a recorded series needs them all
            named = rule_files if slo_name is None and reads_recorded else {own: rule_files[own]}
            path = tests_path(svc.name, interval_ms=every, slo=slo_name)
            up = "../" * (path.count("/") - 1)  # from the test file up to prometheus/
            body = {
                "rule_files": [up + p.removeprefix("prometheus/") for p in named],
                "evaluation_interval": format_ms(every),
                "group_eval_order": [g["name"] for groups in named.values() for g in groups],
                "tests": tests,
            }
            out[path] = dump(body, comment)
    return out


def _file_order(item: tuple[tuple[str | None, int], object]) -> tuple[str, int]:
    (slo_name, every), _ = item
    return (slo_name or "", every)


def slo_test(slo: model.SLO, plan: SyntheticInputs, scenario: Scenario) -> dict[str, Any]:
    test: dict[str, Any] = {
        "name": f"{slo.name}: {scenario.name}",
        "interval": format_seconds(plan.interval_s),
        "input_series": [
            {"series": s.text,
             "values": _series_text(scenario.phases[s.group], s.role, 60 // plan.interval_s)}
            for s in plan.series
        ],
        "alert_rule_test": [],
    }
    exprs = []
    asserted: set[tuple[str, int]] = set()
    for check in scenario.checks:
        new = {(check.alert, g) for g in check.groups} - asserted
        if check.groups and not new:
            exprs.append(_firing_check(slo, check, plan))
            continue
        asserted |= new
        test["alert_rule_test"].append({
            "eval_time": _at(check.minute),
            "alertname": check.alert,
            "exp_alerts": [_instance(slo, check.alert, plan.groups[g]) for g in check.groups],
        })
    if scenario.zero_ratio_at is not None:
        exprs += _zero_checks(slo, plan, scenario.zero_ratio_at)
    if scenario.silent_until is not None:
        # ALERTS holds a sample for every evaluation at which an alert was pending or firing.
        until = _at(scenario.silent_until)
        exprs.append({"expr": f"count_over_time(ALERTS{recorded_selector(slo)}[{until}])",
                      "eval_time": until, "exp_samples": []})
    if exprs:
        test["promql_expr_test"] = exprs
    return test


def _firing_check(slo: model.SLO, check: Check, plan: SyntheticInputs) -> dict[str, Any]:
    """A check of instances whose annotations an earlier check of the scenario asserted:
    the ALERTS series, labels and state only. Annotations are asserted once per instance,
    so that a changed summary changes a few lines of a test file, not every check."""
    alert = next(a for a in slo.alerts if a.name == check.alert)
    return _firing(alert.name, slo.recorded_labels, _at(check.minute),
                   [{**alert.labels, **plan.groups[g]} for g in check.groups])


def _firing(name: str, selector: Mapping[str, str], eval_time: str,
            instances: list[dict[str, str]]) -> dict[str, Any]:
    """At `eval_time`, exactly `instances` (their full labels) of alert `name` fire among
    those `selector` matches, read on the ALERTS series."""
    state = {"alertname": name, "alertstate": "firing"}
    return {"expr": render_series("ALERTS", {**state, **selector}), "eval_time": eval_time,
            "exp_samples": [{"labels": render_series("ALERTS", {**labels, **state}), "value": 1}
                            for labels in instances]}


def slo_spec_test(slo: model.SLO, test: model.SLOTest) -> dict[str, Any]:
    """A spec's test of an SLO's alerts, checked on the ALERTS series among the SLO's
    alerts: each instance with the alert's labels and the SLI's group labels."""
    alerts = {a.name: a for a in slo.alerts}
    checks = [_firing(name, slo.recorded_labels, format_seconds(at_s),
                      [{**labels, **alerts[name].labels} for labels in firing])
              for at_s, name, firing in test.expect]
    return {
        "name": f"{slo.name}: {test.name}",
        "interval": format_seconds(test.interval_s),
        "input_series": [{"series": series, "values": values}
                         for series, values in test.input_series],
        "promql_expr_test": checks,
    }


def alert_test(alert: model.Alert, test: model.AlertTest) -> dict[str, Any]:
    """A spec's test of a plain alert, checked on the ALERTS series: its labels are the
    instance's labels, without the annotations (which may render {{ $value }})."""
    checks = [_firing(alert.name, {}, format_seconds(at_s),
                      [{**labels, **alert.labels} for labels in firing])
              for at_s, firing in test.expect]
    return {
        "name": f"{alert.name}: {test.name}",
        "interval": format_seconds(test.interval_s),
        "input_series": [{"series": series, "values": values}
                         for series, values in test.input_series],
        "promql_expr_test": checks,
    }


@functools.lru_cache(maxsize=4096)
def _series_text(phases: tuple[Phase, ...], role: str, per_minute: int = 1) -> str:
    """The values of one input series in expanding notation (`per_minute` samples a minute:
    probe series). Remembered: SLOs of the same shape (objective, windows, SLI kind) have the
    same scenarios, and a fleet has few shapes and many SLOs."""
    if role == "probe":
        return probes.series_text(phases, per_minute)
    counters = Counters.of(phases)
    if role in ("bad", "errors"):
        values = list(counters.errors)
    elif role == "good":
        values = [t - e for t, e in zip(counters.total, counters.errors, strict=True)]
    else:
        values = list(counters.total)
    return series_values(values)


def series_values(values: list[int]) -> str:
    """promtool's expanding notation: runs of a constant step as `start+stepxcount`."""
    parts, i = [], 0
    while i < len(values):
        step = values[i + 1] - values[i] if i + 1 < len(values) else 0
        j = i
        while j + 1 < len(values) and values[j + 1] - values[j] == step:
            j += 1
        parts.append(f"{values[i]}+{step}x{j - i}")
        i = j + 1
    return " ".join(parts)


def _at(minute: int) -> str:
    return format_seconds(minute * 60)


def _instance(slo: model.SLO, name: str, group: dict[str, str]) -> dict[str, Any]:
    alert = next(a for a in slo.alerts if a.name == name)
    labels = dict(sorted({**alert.labels, **group}.items()))
    return {
        "exp_labels": labels,
        "exp_annotations": {k: expand(v, labels) for k, v in alert.annotations.items()},
    }


def expand(template: str, labels: dict[str, str]) -> str:
    """Render the `{{ $labels.name }}` actions of an annotation as Prometheus would."""
    return LABEL_TEMPLATE.sub(lambda m: labels.get(m.group(1), ""), template)


def _zero_checks(slo: model.SLO, plan: SyntheticInputs, minute: int) -> list[dict[str, Any]]:
    fastest = min(w.long_s for a in slo.alerts for w in a.windows)
    out = []
    for metric, value in (
        (error_ratio(fastest), 0),
        (conventions.BUDGET_REMAINING, 1),
    ):
        samples = []
        for group in plan.groups:
            labels = {**group, **slo.recorded_labels}
            samples.append({"labels": render_series(metric, labels), "value": value})
        out.append({"expr": f"{metric}{recorded_selector(slo)}", "eval_time": _at(minute),
                    "exp_samples": samples})
    return out
