"""Build the Project: the Settings resolved once (defaults from the Settings model itself),
every service, and the routing plan."""

from __future__ import annotations

from pathlib import Path

from obsgen import matchers, model, promql
from obsgen.build import routing
from obsgen.build.budgets import delivery_budgets, notifications
from obsgen.build.burn import policy_book
from obsgen.build.deploy import deploy
from obsgen.build.service import build_service
from obsgen.spec.routing import Cadence
from obsgen.spec.service import Settings
from obsgen.spec.validate import ValidSpecs


def build(specs: ValidSpecs, templates: Path | None = None) -> model.Project:
    """`templates`: a runbook templates folder given on the command line (overrides Settings)."""
    settings = specs.settings or Settings.defaults()
    base_url = settings.runbook_base_url.rstrip("/")
    extra = dict(settings.rule_labels)
    grafana_url = settings.grafana_url.rstrip("/")
    policies = policy_book(settings)
    services = [build_service(svc, doc.source, base_url, extra, file=doc.file,
                              grafana_url=grafana_url, policies=policies)
                for doc, svc in specs.services]
    merged = routing.merged([spec for _, spec in specs.routing])
    plan, notified = None, {}
    if merged is not None:
        group_labels = {g for s in services for slo in s.slos for g in slo.group_by}
        plan = routing.plan(merged, group_labels, extra, delivery_budgets(specs.routing),
                            _instance_labels(services))
        notified = notifications(
            merged.cadence or Cadence(),
            [(doc, svc, built) for (doc, svc), built in zip(specs.services, services,
                                                            strict=True)], plan)
    if templates is None and settings.runbook_templates:
        templates = Path(specs.settings_file).parent / settings.runbook_templates
    return model.Project(
        services=tuple(sorted(services, key=lambda s: s.name)),
        runbook_base_url=base_url,
        routing=plan,
        routing_sources=tuple(sorted({doc.source for doc, _ in specs.routing})),
        prometheus_url=settings.prometheus_url.rstrip("/"),
        grafana_url=grafana_url,
        templates_dir=str(templates.resolve()) if templates else "",
        blackbox_exporter=settings.blackbox_exporter,
        probe_outputs=tuple(settings.probe_outputs),
        grafana_dashboards_path=settings.grafana_dashboards_path,
        deploy=deploy(settings.deploy, zip([d for d, _ in specs.services], services, strict=True),
                      [doc for doc, _ in specs.routing]),
        notifications=notified,
    )


def _instance_labels(services: list[model.Service]) -> set[str]:
    """The labels that tell apart instances of the critical and warning alerts: their `by`
    labels (a user, a feed, a worker), `slo`, and `instance` for unaggregated selectors."""
    out = {"instance", "slo"}
    for svc in services:
        out |= {g for slo in svc.slos for g in slo.group_by}
        for alert in svc.alerts:
            if alert.severity in ("critical", "warning"):
                out |= matchers.kept_labels(promql.parse(alert.expr))
    return out
