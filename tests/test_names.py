"""Generated alert names say the service once: `redis` scraping job `redis` alerts as
RedisTargetDown, not RedisRedisTargetDown."""

from __future__ import annotations

import pytest

from obsgen import conventions


@pytest.mark.parametrize(("service", "part", "expected"), [
    ("redis", "redis", "Redis"),
    ("signal-latency", "signal-latency", "SignalLatency"),
    ("edge", "edge-login", "EdgeLogin"),
    ("edge", "login", "EdgeLogin"),
    ("edge", "edgeway", "EdgeEdgeway"),  # a word that only starts like the service
    ("trading-engine", "trading", "TradingEngineTrading"),
])
def test_the_service_is_said_once(service: str, part: str, expected: str) -> None:
    assert conventions.prefixed(service, part) == expected
    assert conventions.slo_alert_name(service, part, "page") == f"{expected}BurnRate"
    assert conventions.slo_no_data_alert_name(service, part) == f"{expected}SLINoData"


def test_scrape_job_names_keep_their_inner_capitals() -> None:
    assert conventions.scrape_job_alert_name("postgres", "node_exporter", "TargetDown") == \
        "PostgresNodeExporterTargetDown"
    assert conventions.scrape_job_alert_name("x", "nodeExporter", "TargetAbsent") == \
        "XNodeExporterTargetAbsent"
    assert conventions.scrape_job_alert_name("trading-engine", "trading-engine", "TargetDown") \
        == "TradingEngineTargetDown"
