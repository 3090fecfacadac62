"""Settings.deploy resolved for the targets, with the spec places their errors name, and
what the chosen forms cannot express (`problems`, run with the build checks)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from obsgen import conventions, matchers, model
from obsgen.errors import Diagnostic, format_path
from obsgen.model.deploy import Deploy, Location, secret_ref
from obsgen.spec.deploy import DeploySpec
from obsgen.spec.loader import Document, PathKey
from obsgen.spec.receivers import RECEIVER_KINDS
from obsgen.spec.routing import InhibitRule, Routing
from obsgen.spec.validate import ValidSpecs

_FORM = "with deploy.prometheus_operator.alertmanager: alertmanager-config,"
_OR_SECRET = "or deploy the Alertmanager configuration as prometheus_operator.alertmanager: " \
    "config-secret"


def deploy(spec: DeploySpec, services: Iterable[tuple[Document, model.Service]],
           routing: Iterable[Document]) -> Deploy:
    boards: dict[str, Location] = {}
    for doc, built in services:
        boards[conventions.dashboard_uid(built.name)] = _at(doc, ("metadata", "name"))
        for i, board in enumerate(built.dashboards):
            boards[board.uid] = _at(doc, ("dashboards", i))
    routing_docs = list(routing)
    ops = spec.prometheus_operator
    return Deploy(
        forms=tuple(spec.forms),
        namespace=spec.kubernetes.namespace,
        labels=dict(sorted(spec.kubernetes.labels.items())),
        alertmanager=ops.alertmanager,
        config_secret=ops.config_secret,
        secrets={path: (ref.name, ref.key) for path, ref in sorted(ops.secrets.items())},
        probes=ops.probes,
        sidecar_label=dict(spec.grafana.sidecar_label),
        folder_annotation=spec.grafana.folder_annotation,
        instance_selector=dict(sorted(spec.grafana.instance_selector.items())),
        ruler_namespace_by=spec.ruler.namespace_by,
        thanos_partial_response=spec.thanos.partial_response,
        dashboards=boards,
        routing=_at(routing_docs[0], ()) if routing_docs else None,
    )


def _at(doc: Document, path: PathKey) -> Location:
    line, col = doc.position(path)
    return Location(file=doc.file, line=line, col=col, path=format_path(path))


def problems(specs: ValidSpecs) -> list[Diagnostic]:
    """What the Settings' deploy forms cannot express, located in the Routing documents."""
    deploy_spec = specs.settings.deploy if specs.settings is not None else None
    if (deploy_spec is None or "prometheus-operator" not in deploy_spec.forms
            or deploy_spec.prometheus_operator.alertmanager != "alertmanager-config"):
        return []
    secrets = {p: (r.name, r.key) for p, r in deploy_spec.prometheus_operator.secrets.items()}
    found: list[Diagnostic] = []
    for doc, routing in specs.routing:
        found += _receivers(doc, routing, secrets)
        found += _time_zones(doc, routing)
        if routing.inhibitions is not None:
            for i, rule in enumerate(routing.inhibitions.rules):
                if _across_teams(rule):
                    found.append(doc.diagnostic(
                        ("inhibitions", "rules", i),
                        f"{_FORM} this inhibition may mute one team's alerts by another "
                        "team's, and each AlertmanagerConfig holds one team's rules",
                        f"add service (or team) to equal, {_OR_SECRET}"))
    return found


def _receivers(doc: Document, routing: Routing, secrets: dict[str, tuple[str, str]]
               ) -> Iterator[Diagnostic]:
    for i, receiver in enumerate(routing.receivers):
        for kind in RECEIVER_KINDS:
            spec = getattr(receiver, kind)
            if spec is None:
                continue
            if kind == "jira":
                yield doc.diagnostic(
                    ("receivers", i, "jira"),
                    f"{_FORM} the Prometheus Operator 0.93's AlertmanagerConfig has no Jira "
                    "receiver (no jiraConfigs)",
                    f"send this receiver's alerts another way (e.g. a webhook), {_OR_SECRET}")
                continue
            for path, value in _files(("receivers", i, kind), spec.model_dump()):
                if secret_ref(value, secrets) is None:
                    yield doc.diagnostic(
                        path, f"{_FORM} no Secret key stands for {value}",
                        "name it in Settings deploy.prometheus_operator.secrets "
                        f"({value}: {{name: <Secret>, key: <key>}}), or use a path "
                        "/etc/alertmanager/secrets/<Secret>/<key>")


def _files(path: PathKey, data: dict[str, Any]) -> Iterator[tuple[PathKey, str]]:
    for key, value in data.items():
        if isinstance(value, dict):
            yield from _files((*path, key), value)
        elif key.endswith("_file") and isinstance(value, str):
            yield (*path, key), value


def _time_zones(doc: Document, routing: Routing) -> Iterator[Diagnostic]:
    for i, interval in enumerate(routing.time_intervals):
        for j, span in enumerate(interval.time_intervals):
            if span.location is not None:
                yield doc.diagnostic(
                    ("time_intervals", i, "time_intervals", j, "location"),
                    f"{_FORM} an AlertmanagerConfig time interval has no location "
                    "(its times are UTC)",
                    f"write the times in UTC and remove location, {_OR_SECRET}")


def _across_teams(rule: InhibitRule) -> bool:
    """True when the rule could pair alerts of two teams (so no one team's object holds it)."""
    if {"service", "team"} & set(rule.equal):
        return False
    teams = [{m.value for m in map(matchers.parse, side)
              if m.name == "team" and m.op == "="} for side in (rule.source, rule.target)]
    return not (len(teams[0] | teams[1]) == 1 and teams[0] and teams[1])
