"""Prometheus target: SLI recording rules and burn-rate alerts in a file per SLO
(`<service>.<slo>.rules.yaml`), a service's plain alerts in `<service>.rules.yaml`.

A file per SLO keeps each SLO's proof cheap: `promtool test rules` evaluates every rule of
the files a test names, so the tests of one SLO name its file alone.

Recorded series (labels: service, slo and the SLO's group_by labels):

    obsgen_slo:errors:rate5m                 bad events/s over 5m      (from the raw series, once)
    obsgen_slo:requests:rate5m               all events/s over 5m      (from the raw series, once)
    obsgen_slo:error_ratio:rate<w>           bad/all over each alert window w, traffic-weighted
    obsgen_slo:burn_rate:current             error ratio over the fastest page window / budget
    obsgen_slo:objective:ratio               the objective (0.999)          [service, slo only]
    obsgen_slo:error_budget:ratio            the budget (0.001)             [service, slo only]
    obsgen_slo:error_ratio:period            bad/all over the whole SLO window
    obsgen_slo:error_budget_remaining:ratio  1 - period error ratio / budget

Only the two 5m rules read raw series. Every longer window divides sums of the recorded 5m
rates (sum_over_time(errors) / sum_over_time(requests)): the ratio of events over the window,
weighted by traffic, not an average of 5m ratios. Zero traffic gives a ratio of 0, not NaN.
"""

from __future__ import annotations

from typing import Any

from obsgen import conventions, durations, model
from obsgen.conventions import BASE_WINDOW_S, ERRORS, REQUESTS, error_ratio
from obsgen.durations import format_ms, format_seconds
from obsgen.model import fmt_decimal
from obsgen.promql import substitute_window
from obsgen.targets.yamlout import dump

PERIOD_GROUP_INTERVAL = "5m"
"""The whole-window rules scan weeks of samples: evaluating them every 5m is plenty."""


def render(project: model.Project) -> dict[str, str]:
    out: dict[str, str] = {}
    for svc in project.services:
        for path, groups in rule_files(svc).items():
            out[path] = dump({"groups": groups}, conventions.yaml_header(svc.source))
    return out


def service_groups(svc: model.Service) -> list[dict[str, Any]]:
    """All of the service's rule groups, in the order of `rule_files`: what the deploy forms
    that hold a service (or a namespace) in one object carry."""
    return [g for groups in rule_files(svc).values() for g in groups]


def rule_files(svc: model.Service) -> dict[str, list[dict[str, Any]]]:
    """The service's rule files and their groups: each SLO with alerts, in spec order, then
    the plain alerts. With the service's `evaluation_interval` every group but the
    whole-window one says `interval:`; a plain alert with an interval of its own goes into
    `<service>.alerts-<interval>`, one group per distinct interval."""
    own = svc.evaluation_interval_ms
    out: dict[str, list[dict[str, Any]]] = {}
    for slo in svc.slos:
        groups = slo_groups(slo, own)
        if groups:
            out[conventions.rules_path(svc.name, slo.name)] = groups
    plain: dict[int | None, list[dict[str, Any]]] = {}
    for a in svc.alerts:
        interval = a.evaluation_interval_ms
        plain.setdefault(own if interval in (None, own) else interval, []).append(alert_rule(a))
    groups = []
    if own in plain:
        groups.append(_group(conventions.rule_group(svc.name, "alerts"), own, plain[own]))
    for interval in sorted(i for i in plain if i != own and i is not None):
        groups.append(_group(conventions.alert_group(svc.name, interval), interval,
                             plain[interval]))
    if groups:
        out[conventions.rules_path(svc.name)] = groups
    return out


def slo_groups(slo: model.SLO, own: int | None) -> list[dict[str, Any]]:
    """An SLO's groups: its SLI recordings, its whole-window recordings (every
    PERIOD_GROUP_INTERVAL) and its alerts."""
    groups: list[dict[str, Any]] = []
    sli = sli_rules(slo)
    if sli:
        groups.append(_group(conventions.rule_group(slo.service, "slo-sli", slo.name), own, sli))
        groups.append(_group(conventions.rule_group(slo.service, "slo-period", slo.name),
                             durations.parse_ms(PERIOD_GROUP_INTERVAL), period_rules(slo)))
    if slo.alerts:
        groups.append(_group(conventions.rule_group(slo.service, "slo-alerts", slo.name), own,
                             [slo_alert_rule(slo, a) for a in slo.alerts]))
    return groups


def _group(name: str, interval_ms: int | None, rules: list[dict[str, Any]]) -> dict[str, Any]:
    group: dict[str, Any] = {"name": name}
    if interval_ms is not None:
        group["interval"] = format_ms(interval_ms)
    group["rules"] = rules
    return group


def recorded_selector(slo: model.SLO) -> str:
    return "{" + ",".join(f'{k}="{v}"' for k, v in slo.recorded_labels.items()) + "}"


def _record(name: str, expr: str, slo: model.SLO) -> dict[str, Any]:
    return {"record": name, "expr": expr, "labels": dict(slo.recorded_labels)}


def ratio_expr(slo: model.SLO, window: str) -> str:
    """The error ratio over `window`: traffic-weighted for counted SLIs, the user's for raw."""
    if slo.sli.kind == "raw":
        return f"({substitute_window(slo.sli.error_ratio, window)}) >= 0"
    sel = recorded_selector(slo)
    if window == format_seconds(BASE_WINDOW_S):
        errors, requests = f"{ERRORS}{sel}", f"{REQUESTS}{sel}"
    else:
        errors = f"sum_over_time({ERRORS}{sel}[{window}])"
        requests = f"sum_over_time({REQUESTS}{sel}[{window}])"
    return f"{errors}\n/ ({requests} > 0)\nor\n0 * {requests}"


def sli_rules(slo: model.SLO) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    if slo.sli.kind != "raw":
        rules.append(_record(ERRORS, slo.sli.errors, slo))
        rules.append(_record(REQUESTS, slo.sli.total, slo))
    for seconds in slo.windows_s:
        rules.append(_record(error_ratio(seconds), ratio_expr(slo, format_seconds(seconds)), slo))
    rules.append(
        _record(
            conventions.BURN_RATE,
            f"{error_ratio(slo.fastest_window_s)}{recorded_selector(slo)}"
            f" / {fmt_decimal(slo.budget)}",
            slo,
        )
    )
    return rules


def period_rules(slo: model.SLO) -> list[dict[str, Any]]:
    sel = recorded_selector(slo)
    return [
        _record(conventions.OBJECTIVE, f"vector({fmt_decimal(slo.objective)})", slo),
        _record(conventions.ERROR_BUDGET, f"vector({fmt_decimal(slo.budget)})", slo),
        _record(conventions.ERROR_RATIO_PERIOD, ratio_expr(slo, f"{slo.period_days}d"), slo),
        _record(
            conventions.BUDGET_REMAINING,
            f"1 - {conventions.ERROR_RATIO_PERIOD}{sel} / {fmt_decimal(slo.budget)}",
            slo,
        ),
    ]


def burn_condition(slo: model.SLO, long_s: int, short_s: int, factor: str,
                   *, single: bool = False) -> str:
    """Both windows' error ratios above factor x budget (`single`: the long window's only,
    for a threshold tier), with the min_events guard over the long window."""
    sel = recorded_selector(slo)
    threshold = f"({factor} * {fmt_decimal(slo.budget)})"
    lines = [f"{error_ratio(long_s)}{sel} > {threshold}"]
    if not single:
        lines += ["and", f"{error_ratio(short_s)}{sel} > {threshold}"]
    if slo.min_events and slo.sli.kind != "raw":
        lines += [
            "and",
            f"avg_over_time({REQUESTS}{sel}[{format_seconds(long_s)}]) * {long_s} "
            f">= {slo.min_events}",
        ]
    return "\n".join(lines)


def slo_alert_expr(slo: model.SLO, alert: model.SLOAlert) -> str:
    parts = [burn_condition(slo, w.long_s, w.short_s, fmt_decimal(w.factor),
                            single=alert.kind == "threshold") for w in alert.windows]
    if len(parts) == 1:
        return parts[0]
    return "\nor\n".join("(\n" + _indent(p) + "\n)" for p in parts)


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.split("\n"))


def slo_alert_rule(slo: model.SLO, alert: model.SLOAlert) -> dict[str, Any]:
    rule: dict[str, Any] = {"alert": alert.name, "expr": slo_alert_expr(slo, alert)}
    if alert.for_ms:
        rule["for"] = format_ms(alert.for_ms)
    rule["labels"] = dict(alert.labels)
    rule["annotations"] = dict(alert.annotations)
    return rule


def alert_rule(alert: model.Alert) -> dict[str, Any]:
    rule: dict[str, Any] = {"alert": alert.name, "expr": alert.expr}
    if alert.for_ms is not None:  # an explicit 0s says: fire on one evaluation, on purpose
        rule["for"] = format_ms(alert.for_ms)
    if alert.keep_firing_for_ms:
        rule["keep_firing_for"] = format_ms(alert.keep_firing_for_ms)
    rule["labels"] = dict(alert.labels)
    rule["annotations"] = dict(alert.annotations)
    return rule
