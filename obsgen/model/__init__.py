"""The target-neutral model: what the specs mean, resolved once for every target.

Frozen, keyword-only dataclasses built by `obsgen.build` from validated specs: names
resolved, defaults applied, durations in milliseconds, objectives as exact decimals, every
alert with its final labels and annotations. Plain data only: no spec (pydantic) object
reaches a target, the proof engine or the router, and nothing here imports them
(tests/test_layers.py checks it).

    core.py        Project, Service, SLO, SLI, alerts and their tests, probes, runbooks
    routing.py     the Alertmanager routing plan: route tree, receivers, inhibitions
    dashboards.py  the dashboards a spec describes
    deploy.py      where the output is deployed (Settings.deploy)
    budgets.py     notification-time budgets: each alert's cadence, routes and budget
"""

from obsgen.model.budgets import Budget, Notification, Wait
from obsgen.model.core import (
    SLI,
    SLO,
    Alert,
    AlertTest,
    BurnWindow,
    Consecutive,
    Metric,
    Probe,
    ProbeKind,
    Project,
    Runbook,
    Service,
    SLIKind,
    SLOAlert,
    SLOTest,
    Tier,
    Watch,
    WatchKind,
    exhaustion_s,
    fmt_decimal,
)
from obsgen.model.dashboards import (
    DashboardPanel,
    DashboardRow,
    DashboardTarget,
    ServiceDashboard,
    ThresholdStep,
)
from obsgen.model.deploy import Deploy, Location
from obsgen.model.routing import (
    Inhibition,
    Integration,
    Receiver,
    RouteKind,
    RouteNode,
    RoutingPlan,
    TeamInfo,
    TimeInterval,
    TimeSpan,
)

__all__ = [
    "SLI", "SLO", "Alert", "AlertTest", "Budget", "BurnWindow", "Consecutive", "DashboardPanel",
    "DashboardRow", "DashboardTarget", "Deploy", "Inhibition", "Integration", "Location",
    "Metric", "Notification", "Probe", "ProbeKind", "Project", "Receiver",
    "RouteKind", "RouteNode", "RoutingPlan", "Runbook", "SLIKind", "SLOAlert", "SLOTest", "Service",
    "ServiceDashboard", "TeamInfo", "ThresholdStep", "Tier", "TimeInterval", "TimeSpan",
    "Wait", "Watch", "WatchKind", "exhaustion_s", "fmt_decimal",
]
