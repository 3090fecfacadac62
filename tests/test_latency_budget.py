"""Seed 002: "Trigger circuit breaker → admin receives Telegram alert within 30 seconds".

Read from generated/ alone: the `interval:` of the rule group each critical trading-engine
alert is in, and the Alertmanager route it takes (`obsgen.router` over the route tree of
generated/alertmanager/alertmanager.yaml, timings inherited as Alertmanager inherits them).
Worst case from the moment the condition is true in the exporter (after the alert's own
`for`) to the notification:

    scrape interval 15s (assumption, specs/trading-platform.yaml)
  + the group's evaluation interval
  + group_wait when the alert opens a new group, group_interval when it joins a group that
    already fires (worst case: the larger)

must stay within 30 s, and the breaker alert, an event, has no `for` on top.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import yaml

from obsgen import matchers
from obsgen.durations import parse_ms
from obsgen.model import RouteNode
from obsgen.router import matched
from tests.conftest import ROOT, load_yaml

GENERATED = ROOT / "generated"
SCRAPE_MS = 15_000
BUDGET_MS = 30_000
GLOBAL_EVALUATION_MS = 60_000


def _load(path: str) -> Any:
    return yaml.safe_load((GENERATED / path).read_text(encoding="utf-8"))


def _tree(route: dict[str, Any], parent: RouteNode | None = None) -> RouteNode:
    """A RouteNode from Alertmanager's YAML, group_wait/group_interval inherited."""
    node = RouteNode(
        kind="team", receiver=route.get("receiver") or (parent.receiver if parent else None),
        matchers=tuple(matchers.parse(m) for m in route.get("matchers", [])),
        continue_=bool(route.get("continue", False)),
        group_wait=route.get("group_wait") or (parent.group_wait if parent else "30s"),
        group_interval=route.get("group_interval") or (parent.group_interval if parent else "5m"),
    )
    return replace(node, routes=tuple(_tree(r, node) for r in route.get("routes", [])))


def _critical_alerts() -> list[tuple[dict[str, Any], int]]:
    """(rule, its group's interval in ms) for every critical alert of trading-engine."""
    found = []
    groups = [g for path in sorted((GENERATED / "prometheus/rules").glob("trading-engine.*"))
              for g in load_yaml(path)["groups"]]
    for group in groups:
        interval = parse_ms(group["interval"]) if "interval" in group else GLOBAL_EVALUATION_MS
        for rule in group["rules"]:
            if "alert" in rule and rule["labels"].get("severity") in ("critical", "page"):
                found.append((rule, interval))
    return found


def worst_case_ms(rule: dict[str, Any], interval_ms: int, tree: RouteNode) -> int:
    labels = {**rule["labels"], "alertname": rule["alert"]}
    routes = matched(tree, labels)
    assert routes, rule["alert"]
    waits = [max(parse_ms(n.group_wait or "30s"), parse_ms(n.group_interval or "5m"))
             for n, _ in routes]
    return SCRAPE_MS + interval_ms + max(waits)


def test_every_critical_trading_engine_alert_is_delivered_within_30s() -> None:
    tree = _tree(_load("alertmanager/alertmanager.yaml")["route"])
    alerts = _critical_alerts()
    assert len(alerts) >= 5
    late = {rule["alert"]: worst_case_ms(rule, interval, tree) for rule, interval in alerts
            if worst_case_ms(rule, interval, tree) > BUDGET_MS}
    assert late == {}


def _breaker() -> tuple[dict[str, Any], int]:
    return next(a for a in _critical_alerts() if a[0]["alert"] == "CircuitBreakerTriggered")


def test_a_tripped_breaker_reaches_the_admin_telegram_within_30s() -> None:
    tree = _tree(_load("alertmanager/alertmanager.yaml")["route"])
    rule, interval = _breaker()
    assert rule.get("for", "0s") == "0s"
    assert "trading-admin-telegram" in [r for _, r in matched(
        tree, {**rule["labels"], "alertname": rule["alert"]})]
    assert worst_case_ms(rule, interval, tree) <= BUDGET_MS


def test_the_global_interval_alone_would_break_the_budget() -> None:
    """The check can fail: at Prometheus' default 1m evaluation the budget is gone."""
    tree = _tree(_load("alertmanager/alertmanager.yaml")["route"])
    rule, _ = _breaker()
    assert worst_case_ms(rule, GLOBAL_EVALUATION_MS, tree) > BUDGET_MS
