"""The synthetic fleet `make bench` compiles: 1,000 services x 5 SLOs with realistic variety.

Each service is one spec file with five SLOs drawn, by a seeded generator (the same fleet on
every run), from what real teams write: availability as a ratio of errors or of good events,
latency from a histogram and a bucket bound, per-route or per-tenant SLIs (`group_by`),
objectives from 95 to 99.95, windows of 7d, 28d, 30d and 90d, the built-in workbook policy or
one of two named policies, a threshold page tier on some latency SLOs, `min_events` on some
SLOs, and a plain alert per service (a few with `tests:` of their own). 40 teams own it.

`write(folder, services)` writes the specs (and the Settings document with the named
policies) and returns the shapes of the SLOs it wrote: (objective, window, policy, SLI kind,
groups), what obsgen's per-shape caches see.
"""

from __future__ import annotations

import random
from pathlib import Path

SEED = 16
TEAMS = [
    f"{area}-{n}"
    for area in ("payments", "search", "identity", "checkout", "catalog", "media", "ads", "infra")
    for n in range(1, 6)
]
WINDOWS = ["28d", "30d", "7d", "90d"]
WINDOW_WEIGHTS = [4, 4, 1, 1]
AVAILABILITY = [99.0, 99.5, 99.9, 99.95]
LATENCY = [95.0, 99.0, 99.5, 99.9]
BUCKETS = [0.1, 0.25, 0.5, 1.0, 2.5]
GROUPS = [[], [], [], ["route"], ["tenant"], ["region", "route"]]
Shape = tuple[float, str, str, str, tuple[str, ...]]

SETTINGS = """\
apiVersion: obsgen/v1
kind: Settings
# Two named policies besides the workbook's: 'fast' for user-facing SLOs that page sooner,
# 'long-window' for 90d SLOs (the workbook's factors scaled to 90d leave a 3x burn silent).
alert_policies:
  fast:
    page:
      - {long: 1h, short: 5m, factor: 14.4}
      - {long: 6h, short: 30m, factor: 6}
    ticket:
      - {long: 1d, short: 2h, factor: 3}
  long-window:
    page:
      - {long: 1h, short: 5m, factor: 10}
      - {long: 6h, short: 30m, factor: 5}
    ticket:
      - {long: 1d, short: 2h, factor: 2}
      - {long: 3d, short: 6h, factor: 1.5}
"""


def _selector(name: str, extra: str = "") -> str:
    return f'{{service="{name}"{extra}}}'


def _slo(rng: random.Random, name: str, j: int) -> tuple[str, Shape]:
    """One SLO of service `name` (its j-th) as YAML, and its shape."""
    kind = ("ratio-errors", "ratio-good", "latency", "latency", "ratio-errors")[j]
    if rng.random() < 0.3:
        kind = rng.choice(["ratio-errors", "ratio-good", "latency"])
    window = rng.choices(WINDOWS, WINDOW_WEIGHTS)[0]
    groups = rng.choice(GROUPS)
    lines = [f"  - name: {kind.split('-')[0]}-{j}"]
    if kind == "latency":
        objective = rng.choice(LATENCY)
        bucket = rng.choice(BUCKETS)
        metric = "http_request_duration_seconds" if j % 2 else "rpc_duration_seconds"
        sli = [
            "      latency:",
            f"        histogram: {metric}",
            f"        selector: '{_selector(name)}'",
            f"        threshold: {bucket:g}",
        ]
        lines.append(f"    description: {objective:g}% of requests answered within {bucket:g} s.")
    else:
        objective = rng.choice(AVAILABILITY)
        metric = "http_requests_total" if j % 2 == 0 else "grpc_server_handled_total"
        if kind == "ratio-errors":
            bad = ',code=~"5.."' if metric == "http_requests_total" else ',grpc_code="Unavailable"'
            first = f"        errors: {metric}{_selector(name, bad)}"
        else:
            good = ',code!~"5.."' if metric == "http_requests_total" else ',grpc_code="OK"'
            first = f"        good: {metric}{_selector(name, good)}"
        sli = ["      ratio:", first, f"        total: {metric}{_selector(name)}"]
        lines.append(f"    description: {objective:g}% of requests succeed.")
    lines += [f"    objective: {objective:g}", f"    window: {window}"]
    if groups:
        lines.append(f"    group_by: [{', '.join(groups)}]")
    if rng.random() < 0.2:
        lines.append(f"    min_events: {rng.choice([0, 20, 500])}")
    policy = "long-window" if window == "90d" else rng.choices(["workbook", "fast"], [3, 1])[0]
    alerts: list[str] = []
    if policy != "workbook":
        alerts.append(f"      policy: {policy}")
    if kind == "latency" and policy == "workbook" and rng.random() < 0.25:
        policy = "threshold-page"
        alerts += ["      page:", "        threshold: {window: 5m, for: 10m}"]
    if alerts:
        lines += ["    alerts:", *alerts]
    lines += ["    sli:", *sli]
    return "\n".join(lines) + "\n", (objective, window, policy, kind, tuple(groups))


def _alert(i: int, name: str) -> str:
    alert = (
        f"  - name: Svc{i:04d}Down\n"
        f'    expr: up{{job="{name}"}} == 0\n    for: 5m\n    severity: page\n'
        f"    summary: {name} is down.\n"
    )
    if i % 12 == 0:
        alert += (
            "    tests:\n"
            "      - name: a target down for 5m pages; up again, quiet\n"
            "        input_series:\n"
            f'          - series: up{{job="{name}",instance="a:9100"}}\n'
            '            values: "1x5 0x10 1x10"\n'
            "        expect:\n"
            "          - {at: 8m, firing: []}\n"
            f'          - {{at: 12m, firing: [{{job: {name}, instance: "a:9100"}}]}}\n'
            "          - {at: 22m, firing: []}\n"
        )
    return alert


def service(rng: random.Random, i: int, slos: int) -> tuple[str, list[Shape]]:
    name = f"svc-{i:04d}"
    parts = [_slo(rng, name, j) for j in range(slos)]
    text = (
        f"apiVersion: obsgen/v1\nkind: Service\nmetadata:\n  name: {name}\n"
        f"  team: {TEAMS[i % len(TEAMS)]}\n  tier: {i % 3}\n"
        f"slos:\n{''.join(p[0] for p in parts)}alerts:\n{_alert(i, name)}"
    )
    return text, [p[1] for p in parts]


def write(folder: Path, services: int, slos: int) -> list[Shape]:
    """Write services x slos SLOs (one file a service) and the Settings into `folder`."""
    rng = random.Random(SEED)
    shapes: list[Shape] = []
    (folder / "settings.yaml").write_text(SETTINGS)
    for i in range(services):
        text, found = service(rng, i, slos)
        (folder / f"svc-{i:04d}.yaml").write_text(text)
        shapes += found
    return shapes
