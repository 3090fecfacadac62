"""URLs obsgen puts in alerts and runbooks: the Prometheus graph of a query, the service's
Grafana dashboard. One place, so that the runbooks and the dashboards agree on a uid."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlencode

GRAFANA_UID_MAX = 40
"""Grafana rejects longer dashboard uids."""


def dashboard_uid(service: str, title: str = "") -> str:
    """Stable uid of a dashboard: `obsgen-<service>` for the SLO dashboard,
    `obsgen-<service>-<title slug>` for the spec's own, shortened with a hash suffix when
    Grafana's 40-character limit requires it."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    uid = f"obsgen-{service}" + (f"-{slug}" if slug else "")
    if len(uid) <= GRAFANA_UID_MAX:
        return uid
    digest = hashlib.sha256(uid.encode()).hexdigest()[:8]
    return f"{uid[: GRAFANA_UID_MAX - 9]}-{digest}"


FLEET_UID = "obsgen--overview"
"""The fleet overview; '--' cannot occur in a service name, so no service dashboard has it."""


def prometheus_graph(base_url: str, expr: str, range_input: str = "1d") -> str:
    """The Prometheus expression browser showing `expr` (Prometheus 2 and 3 both read it)."""
    query = urlencode({"g0.expr": expr, "g0.tab": "0", "g0.range_input": range_input})
    return f"{base_url.rstrip('/')}/graph?{query}"


def grafana_dashboard(base_url: str, service: str, slo: str = "") -> str:
    """The service's SLO dashboard, with the SLO selected when given."""
    url = f"{base_url.rstrip('/')}/d/{dashboard_uid(service)}"
    return f"{url}?{urlencode({'var-slo': slo})}" if slo else url
