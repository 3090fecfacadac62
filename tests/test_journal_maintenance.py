"""Seed 003's Sunday maintenance window mutes what it exists for, and nothing else.

The `journal-maintenance` interval is the data stores' weekly maintenance (RB-05 "Run VACUUM
(FULL) during low-traffic"): it must mute team infra's alerts, whose locks and restarted
exporters it causes, and never the journal's own pages: users hit by the maintenance still
page the journal on-call. amtool's `routes test` ignores time intervals, so this walks the
generated Alertmanager route tree itself (first matching child, as Alertmanager does, no
route of these teams has `continue`) and reads the mute intervals of the route each
generated alert ends on.
"""

from __future__ import annotations

from typing import Any

import pytest

from obsgen import matchers
from tests.conftest import ROOT, generated_alerts, load_yaml

WINDOW = "journal-maintenance"


def _leaf(route: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    for child in route.get("routes", []):
        if all(matchers.parse(m).matches(labels) for m in child.get("matchers", [])):
            assert not child.get("continue"), child
            return _leaf(child, labels)
    return route


def _muted(team: str) -> dict[str, tuple[str, ...]]:
    tree = load_yaml(ROOT / "generated/alertmanager/alertmanager.yaml")["route"]
    return {name: tuple(_leaf(tree, labels).get("mute_time_intervals", []))
            for name, labels in generated_alerts().items() if labels.get("team") == team}


def test_the_window_is_sunday_night_utc() -> None:
    config = load_yaml(ROOT / "generated/alertmanager/alertmanager.yaml")
    (window,) = [w for w in config["time_intervals"] if w["name"] == WINDOW]
    (span,) = window["time_intervals"]
    assert span["weekdays"] == ["sunday"]
    assert span["times"] == [{"start_time": "02:00", "end_time": "04:00"}]
    assert span.get("location", "UTC") == "UTC"


def test_it_mutes_every_infra_alert_postgres_and_redis_included() -> None:
    muted = _muted("infra")
    assert {"PostgresBloatOrLocks", "RedisDown", "RedisEvictions"} <= set(muted)
    assert {name for name, mutes in muted.items() if WINDOW not in mutes} == set()


@pytest.mark.parametrize("severity", ["page", "ticket"])
def test_it_mutes_none_of_the_journals_alerts(severity: str) -> None:
    alerts = generated_alerts()
    muted = _muted("journal")
    ours = {name for name in muted if alerts[name]["severity"] == severity}
    assert ours, severity
    if severity == "page":
        assert {"EdgeAvailabilityBurn", "ReflectLatencyP95High", "ImportBacklogGrowing"} <= ours
    assert {name for name in ours if WINDOW in muted[name]} == set()
