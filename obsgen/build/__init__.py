"""The build stage: validated specs -> the target-neutral model (`obsgen.model`).

    project.py     the Project: settings resolved once, services, routing plan
    service.py     a service's SLOs and plain alerts, with final labels and annotations
    sli.py         SLI queries over the base window
    burn.py        burn-rate windows and factors (SRE workbook)
    probes.py      blackbox modules, scrape jobs and probe alerts
    routing.py     the Alertmanager routing plan
    dashboards.py  spec dashboards as model records
    checks.py      checks that need built alerts: reachable tiers, every alert routed
"""

from obsgen.build.project import build

__all__ = ["build"]
