"""The prometheus-operator form's AlertmanagerConfig objects: one per team
(kubernetes/prometheus-operator/alertmanager/obsgen-<team>.yaml).

Each holds the team's branch of the derived tree as its route: the team matcher, the
Routing document's defaults (receiver, grouping, timing) filled in where the team route
inherits them, then the team's routes unchanged; the receivers and time intervals that branch
names; obsgen's inhibitions and the custom ones, each with the team matcher on both sides.
The receivers' `*_file` secrets become Secret key references (`model.secret_ref`); what this
form cannot express (Jira, time zones, inhibitions across teams) was refused by
build/deploy.py.

The Operator prefixes every name with `<namespace>/<object>/`, puts each object's route first
under its own root with `continue: true` and, with the default matcher strategy
(`OnNamespace`), a `namespace="<namespace>"` matcher before the team's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from obsgen import conventions, matchers, model
from obsgen.matchers import Matcher
from obsgen.model.deploy import secret_ref
from obsgen.targets import alertmanager
from obsgen.targets.kubernetes import metadata, objects

API = "monitoring.coreos.com/v1alpha1"

_TIMING = ("group_wait", "group_interval", "repeat_interval")
_KEYS = {
    "slack_configs": "slackConfigs", "pagerduty_configs": "pagerdutyConfigs",
    "telegram_configs": "telegramConfigs", "email_configs": "emailConfigs",
    "webhook_configs": "webhookConfigs", "msteamsv2_configs": "msteamsv2Configs",
    "opsgenie_configs": "opsgenieConfigs", "sns_configs": "snsConfigs",
    "api_url_file": "apiURL", "routing_key_file": "routingKey", "bot_token_file": "botToken",
    "auth_password_file": "authPassword", "url_file": "urlSecret",
    "webhook_url_file": "webhookURL", "api_key_file": "apiKey",
    "api_url": "apiURL", "chat_id": "chatID", "auth_username": "authUsername",
    "require_tls": "requireTLS", "send_resolved": "sendResolved", "max_alerts": "maxAlerts",
    "phone_number": "phoneNumber", "role_arn": "roleArn",
    **{k: k for k in ("channel", "title", "text", "severity", "to", "from", "smarthost",
                      "url", "priority", "responders", "type", "name", "sigv4", "region",
                      "profile", "message")},
}
"""alertmanager.yaml's receiver keys -> AlertmanagerConfig's; a key missing here fails the
tests rather than writing a field the Operator would drop."""


def path(team: str) -> str:
    return f"{conventions.KUBERNETES_OPERATOR}/alertmanager/{object_name(team)}.yaml"


def object_name(team: str) -> str:
    return conventions.object_name(f"obsgen-{team}")


def render(project: model.Project) -> dict[str, str]:
    plan = project.routing
    if plan is None:
        return {}
    head = conventions.yaml_header(*project.routing_sources)
    out: dict[str, str] = {}
    for node in plan.tree.routes:
        team = _team(node)
        out[path(team)] = objects(head, [team_config(project, plan, node, team)])
    return out


def team_config(project: model.Project, plan: model.RoutingPlan, node: model.RouteNode,
                team: str) -> dict[str, Any]:
    root = plan.tree
    top = model.RouteNode(
        kind="team", matchers=node.matchers, receiver=node.receiver or root.receiver,
        group_by=node.group_by if node.group_by is not None else root.group_by,
        **{k: getattr(node, k) or getattr(root, k) for k in _TIMING},
        active_time_intervals=node.active_time_intervals,
        mute_time_intervals=node.mute_time_intervals, routes=node.routes)
    receivers = sorted(_names(top, "receiver"))
    intervals = sorted(_names(top, "intervals"))
    deploy = project.deploy
    spec: dict[str, Any] = {"route": route(top)}
    rules = [_inhibition(rule, node.matchers) for rule in plan.inhibitions
             if rule.origin != "custom" or _reaches(project, team, rule.target)]
    if rules:
        spec["inhibitRules"] = rules
    spec["receivers"] = [receiver(r, deploy.secrets)
                         for r in sorted(plan.receivers, key=lambda r: r.name)
                         if r.name in receivers]
    if intervals:
        spec["muteTimeIntervals"] = [
            interval(t) for t in sorted(plan.time_intervals, key=lambda t: t.name)
            if t.name in intervals]
    return {
        "apiVersion": API,
        "kind": "AlertmanagerConfig",
        "metadata": metadata(deploy, object_name(team), {"team": team}),
        "spec": spec,
    }


def _team(node: model.RouteNode) -> str:
    (team,) = [m.value for m in node.matchers if m.name == "team" and m.op == "="]
    assert node.kind == "team", node
    return team


def _names(node: model.RouteNode, what: str) -> set[str]:
    found = ({node.receiver} if node.receiver else set()) if what == "receiver" else {
        *node.active_time_intervals, *node.mute_time_intervals}
    for child in node.routes:
        found |= _names(child, what)
    return found


def route(node: model.RouteNode) -> dict[str, Any]:
    plain = alertmanager.route_dict(node)
    out: dict[str, Any] = {}
    if node.receiver:
        out["receiver"] = node.receiver
    if node.matchers:
        out["matchers"] = [matcher(m) for m in node.matchers]
    if node.continue_:
        out["continue"] = True
    if node.group_by is not None:
        out["groupBy"] = list(node.group_by)
    for key in _TIMING:
        if key in plain:
            out[_camel(key)] = plain[key]
    for key in ("active_time_intervals", "mute_time_intervals"):
        if key in plain:
            out[_camel(key)] = plain[key]
    if node.routes:
        out["routes"] = [route(child) for child in node.routes]
    return out


def matcher(m: Matcher) -> dict[str, str]:
    return {"name": m.name, "matchType": m.op, "value": m.value}


def _inhibition(rule: model.Inhibition, team: tuple[Matcher, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "sourceMatch": [matcher(m) for m in (*team, *rule.source)],
        "targetMatch": [matcher(m) for m in (*team, *rule.target)],
    }
    if rule.equal:
        out["equal"] = list(rule.equal)
    return out


def _reaches(project: model.Project, team: str, target: tuple[Matcher, ...]) -> bool:
    """Whether a custom inhibition's target matches an alert obsgen generated for the team."""
    for svc in project.services:
        if svc.team != team:
            continue
        alerts = [(a.name, a.labels) for slo in svc.slos for a in slo.alerts]
        alerts += [(a.name, a.labels) for a in svc.alerts]
        if any(matchers.all_match(target, {**labels, "alertname": name})
               for name, labels in alerts):
            return True
    return False


def receiver(r: model.Receiver, secrets: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    out: dict[str, Any] = {"name": r.name}
    for key, configs in alertmanager.receiver_dict(r).items():
        if key != "name":
            out[_KEYS[key]] = [_fields(c, secrets) for c in configs]
    return out


def _fields(config: Mapping[str, Any], secrets: Mapping[str, tuple[str, str]]) -> Any:
    out: dict[str, Any] = {}
    for key, value in config.items():
        if key.endswith("_file"):
            ref = secret_ref(value, secrets)
            assert ref is not None, f"{value}: refused by build/deploy.py"
            out[_KEYS[key]] = {"name": ref[0], "key": ref[1]}
        elif isinstance(value, dict):
            out[_KEYS[key]] = _fields(value, secrets)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            out[_KEYS[key]] = [_fields(v, secrets) for v in value]
        else:
            out[_KEYS[key]] = value
    return out


def interval(t: model.TimeInterval) -> dict[str, Any]:
    spans = []
    for span in t.spans:
        out: dict[str, Any] = {}
        if span.times:
            out["times"] = [{"startTime": a, "endTime": b} for a, b in span.times]
        if span.weekdays:
            out["weekdays"] = list(span.weekdays)
        if span.days_of_month:
            out["daysOfMonth"] = [_day_range(d) for d in span.days_of_month]
        if span.months:
            out["months"] = list(span.months)
        if span.years:
            out["years"] = list(span.years)
        spans.append(out)
    return {"name": t.name, "timeIntervals": spans}


def _day_range(text: str) -> dict[str, int]:
    start, _, end = text.partition(":")
    return {"start": int(start), "end": int(end or start)}


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(w.title() for w in rest)
