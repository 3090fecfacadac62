"""Settings.deploy resolved for the targets, with the spec places their errors name."""

from __future__ import annotations

from collections.abc import Iterable

from obsgen import conventions, model
from obsgen.errors import format_path
from obsgen.model.deploy import Deploy, Location
from obsgen.spec.deploy import DeploySpec
from obsgen.spec.loader import Document, PathKey


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
