"""Alertmanager target: `alertmanager/alertmanager.yaml` and its routes test table.

The configuration uses only what Alertmanager 0.25 and current releases both read (`matchers`
lists, never the deprecated `match`/`match_re`; top-level `time_intervals`), plus the receiver
fields the Routing document's `alertmanager_version` allows. Receivers and time intervals are
sorted by name so that moving them between spec files changes nothing.

`alertmanager/routes.test.yaml` lists, for every alert obsgen generated, its labels and the
receivers Alertmanager must notify, in order. `obsgen lint` and the test suite run each row
through `amtool config routes test --verify.receivers`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from obsgen import conventions, model, router
from obsgen.targets.yamlout import dump

CONFIG = conventions.ALERTMANAGER_CONFIG
ROUTES_TEST = conventions.ALERTMANAGER_ROUTES_TEST

_PAGE = '"critical" "page"'
_TICKET = '"warning" "ticket"'
PAGERDUTY_SEVERITY = (
    f"{{{{ if eq .CommonLabels.severity {_PAGE} }}}}critical"
    f"{{{{ else if eq .CommonLabels.severity {_TICKET} }}}}warning{{{{ else }}}}info{{{{ end }}}}"
)
"""PagerDuty accepts critical, error, warning and info only."""
JIRA_PRIORITY = (
    f"{{{{ if eq .CommonLabels.severity {_PAGE} }}}}High"
    f"{{{{ else if eq .CommonLabels.severity {_TICKET} }}}}Medium{{{{ else }}}}Low{{{{ end }}}}"
)
"""Jira's default priority scheme; Alertmanager's own template knows only critical and
warning."""
SMS_TEXT = (
    "{{ .Status | toUpper }}: {{ .CommonLabels.alertname }} ({{ .CommonLabels.service }})"
    "{{ if .CommonAnnotations.runbook_url }} {{ .CommonAnnotations.runbook_url }}{{ end }}"
)
"""A text message is short: what fired, where, and the runbook when the group shares one."""
OPSGENIE_PRIORITY = (
    f"{{{{ if eq .CommonLabels.severity {_PAGE} }}}}P1"
    f"{{{{ else if eq .CommonLabels.severity {_TICKET} }}}}P3{{{{ else }}}}P5{{{{ end }}}}"
)
CHAT_TITLE = (
    "[{{ .Status | toUpper }}{{ if eq .Status \"firing\" }}:{{ .Alerts.Firing | len }}{{ end }}]"
    " {{ .CommonLabels.alertname }} ({{ .CommonLabels.service }})"
)
CHAT_TEXT = (
    "{{ range .Alerts }}• {{ .Annotations.summary }}"
    "{{ if .Annotations.runbook_url }} <{{ .Annotations.runbook_url }}|runbook>{{ end }}"
    "{{ if .Annotations.obsgen_runbook_url }} <{{ .Annotations.obsgen_runbook_url }}|obsgen page>"
    "{{ end }}\n{{ end }}"
)
"""Alertmanager's default Slack text is empty: say what fired and link each runbook (the
team's own and obsgen's page, when the spec names the team's)."""


def render(project: model.Project) -> dict[str, str]:
    plan = project.routing
    if plan is None:
        return {}
    config: dict[str, Any] = {"route": route_dict(plan.tree)}
    if plan.inhibitions:
        config["inhibit_rules"] = [
            {
                "source_matchers": [x.text() for x in rule.source],
                "target_matchers": [x.text() for x in rule.target],
                **({"equal": list(rule.equal)} if rule.equal else {}),
            }
            for rule in plan.inhibitions
        ]
    config["receivers"] = [
        receiver_dict(r) for r in sorted(plan.receivers, key=lambda r: r.name)
    ]
    if plan.time_intervals:
        config["time_intervals"] = [
            interval_dict(t) for t in sorted(plan.time_intervals, key=lambda t: t.name)
        ]
    head = conventions.yaml_header(*project.routing_sources)
    return {CONFIG: dump(config, head), ROUTES_TEST: dump(routes_table(project), head)}


def route_dict(node: model.RouteNode) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if node.matchers:
        out["matchers"] = [x.text() for x in node.matchers]
    if node.receiver:
        out["receiver"] = node.receiver
    if node.continue_:
        out["continue"] = True
    if node.group_by is not None:
        out["group_by"] = list(node.group_by)
    for key in ("group_wait", "group_interval", "repeat_interval"):
        value = getattr(node, key)
        if value is not None:
            out[key] = value
    if node.active_time_intervals:
        out["active_time_intervals"] = list(node.active_time_intervals)
    if node.mute_time_intervals:
        out["mute_time_intervals"] = list(node.mute_time_intervals)
    if node.routes:
        out["routes"] = [route_dict(child) for child in node.routes]
    return out


def receiver_dict(receiver: model.Receiver) -> dict[str, Any]:
    out: dict[str, Any] = {"name": receiver.name}
    for integration in sorted(receiver.integrations, key=lambda i: _ORDER.index(i.kind)):
        key, config = _INTEGRATIONS[integration.kind](integration.settings)
        out.setdefault(key, []).append(_clean(config))
    return out


def _email(e: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return "email_configs", {
        "to": ", ".join(e["to"]), "from": e["from_"], "smarthost": e["smarthost"],
        "auth_username": e.get("auth_username") or None,
        "auth_password_file": e.get("auth_password_file"),
        "require_tls": e.get("require_tls"), "send_resolved": e.get("send_resolved"),
    }


def _jira(j: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    auth: dict[str, Any] = (
        {"basic_auth": {"username": j["username"], "password_file": j["password_file"]}}
        if j.get("password_file")
        else {"authorization": {"type": "Bearer", "credentials_file": j["token_file"]}})
    return "jira_configs", {
        "api_url": j["api_url"], "project": j["project"], "issue_type": j["issue_type"],
        "labels": list(j.get("labels", [])) or None,
        "priority": j.get("priority") or JIRA_PRIORITY,
        **{k: j.get(k) or None for k in ("resolve_transition", "reopen_transition",
                                         "wont_fix_resolution", "reopen_duration")},
        "send_resolved": j.get("send_resolved"),
        "http_config": auth,
    }


def _sms(s: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    gateway = s.get("gateway")
    if gateway is not None:
        return _webhook({**gateway, "send_resolved": s.get("send_resolved")})
    sns = s["sns"]
    return "sns_configs", {
        "api_url": sns.get("api_url") or None,
        "sigv4": _clean({k: sns.get(k) or None for k in ("region", "profile", "role_arn")}),
        "phone_number": s["phone_number"], "message": SMS_TEXT,
        "send_resolved": s.get("send_resolved"),
    }


def _msteams(t: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return "msteamsv2_configs", {"webhook_url_file": t["webhook_url_file"],
                                 "send_resolved": t.get("send_resolved")}


def _opsgenie(o: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return "opsgenie_configs", {
        "api_key_file": o["api_key_file"], "api_url": o.get("api_url") or None,
        "priority": OPSGENIE_PRIORITY,
        "responders": [{"type": r["type"], "name": r["name"]}
                       for r in o.get("responders", [])] or None,
        "send_resolved": o.get("send_resolved"),
    }


def _pagerduty(p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return "pagerduty_configs", {"routing_key_file": p["routing_key_file"],
                                 "severity": PAGERDUTY_SEVERITY,
                                 "send_resolved": p.get("send_resolved")}


def _slack(c: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return "slack_configs", {"api_url_file": c["api_url_file"], "channel": c["channel"],
                             "title": CHAT_TITLE, "text": CHAT_TEXT,
                             "send_resolved": c.get("send_resolved")}


def _telegram(t: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return "telegram_configs", {"bot_token_file": t["bot_token_file"], "chat_id": t["chat_id"],
                                "send_resolved": t.get("send_resolved")}


def _webhook(w: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return "webhook_configs", {"url": w.get("url"), "url_file": w.get("url_file"),
                               "max_alerts": w.get("max_alerts") or None,
                               "send_resolved": w.get("send_resolved")}


_INTEGRATIONS: dict[str, Callable[[Mapping[str, Any]], tuple[str, dict[str, Any]]]] = {
    "email": _email, "jira": _jira, "msteams": _msteams, "opsgenie": _opsgenie,
    "pagerduty": _pagerduty, "slack": _slack, "sms": _sms, "telegram": _telegram,
    "webhook": _webhook,
}
_ORDER = tuple(_INTEGRATIONS)
"""Alertmanager's own order does not matter; a fixed one keeps the output stable."""


def interval_dict(interval: model.TimeInterval) -> dict[str, Any]:
    spans = []
    for span in interval.spans:
        spans.append(_clean({
            "times": [{"start_time": start, "end_time": end} for start, end in span.times]
            or None,
            "weekdays": list(span.weekdays) or None,
            "days_of_month": list(span.days_of_month) or None,
            "months": list(span.months) or None,
            "years": list(span.years) or None,
            "location": span.location,
        }))
    return {"name": interval.name, "time_intervals": spans}


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def routes_table(project: model.Project) -> dict[str, Any]:
    """Every generated alert, its labels and the receivers it must reach."""
    assert project.routing is not None
    rows = []
    for svc in project.services:
        alerts = [(a.name, a.labels) for slo in svc.slos for a in slo.alerts]
        alerts += [(a.name, a.labels) for a in svc.alerts]
        for name, labels in alerts:
            full = dict(sorted({**labels, "alertname": name}.items()))
            rows.append({
                "alert": name,
                "labels": full,
                "receivers": router.deliver(project.routing.tree, full),
            })
    return {"routes": rows}
