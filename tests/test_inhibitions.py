"""The generated inhibitions mute what they are for, in the seeds' words (issue 14: "inhibition
rules that would mute alerts of other services or of another kind").

amtool cannot test inhibitions, so this applies Alertmanager's rule (an alert matching the
target matchers is muted while an alert matching the source matchers fires with the same
values, a missing label counting as empty, for every label of `equal`) to the generated
alertmanager.yaml and to instances of the generated alerts: each alert's own labels, plus the
labels its expression gives the instance."""

from __future__ import annotations

import pytest

from obsgen import matchers
from tests.conftest import ROOT, generated_alerts, load_yaml

RULES = generated_alerts()
INHIBIT_RULES = load_yaml(ROOT / "generated/alertmanager/alertmanager.yaml")["inhibit_rules"]


def _instance(alert: str, **labels: str) -> dict[str, str]:
    return {**RULES[alert], **labels}


def _muted_by(target: dict[str, str], source: dict[str, str]) -> bool:
    for rule in INHIBIT_RULES:
        src = tuple(matchers.parse(t) for t in rule.get("source_matchers", []))
        tgt = tuple(matchers.parse(t) for t in rule.get("target_matchers", []))
        if (matchers.all_match(src, source) and matchers.all_match(tgt, target)
                and all(source.get(k, "") == target.get(k, "") for k in rule.get("equal", []))):
            return True
    return False


CASES = [
    # Seed 004: the ladder escalates per data feed.
    ("three breaching samples of dukascopy make its two-sample warning redundant",
     ("SignalLatencyBreachCritical", {"source": "dukascopy"}),
     ("SignalLatencyBreach", {"source": "dukascopy"}), True),
    ("a critical breach of dukascopy leaves binance's warning to reach the on-call",
     ("SignalLatencyBreachCritical", {"source": "dukascopy"}),
     ("SignalLatencyBreach", {"source": "binance"}), False),
    ("sampling errors on one feed leave another feed's breach warning alone",
     ("SignalLatencySamplingErrored", {"source": "dukascopy"}),
     ("SignalLatencyBreach", {"source": "binance"}), False),
    # Seed 002: one user's breaker trip is about that user, not the admin's other warnings.
    ("a user's circuit breaker leaves the open-positions warning alone",
     ("CircuitBreakerTriggered", {"level": "account", "user_id": "u-17"}),
     ("OpenPositionsHigh", {}), False),
    ("a stopped worker leaves the order-rejection warning alone",
     ("WorkerStopped", {"worker_name": "executor"}), ("OrderRejectionRateHigh", {}), False),
    # Seed 001: "warn on runtime bus failures" of each feed.
    ("a publish error of one feed leaves another feed's fallback warning alone",
     ("TelemetryPublishFailed", {"feed": "system_validation"}),
     ("RuntimeBusPublishFallback", {"feed": "security"}), False),
    ("a publish error of a feed mutes that feed's fallback warning",
     ("TelemetryPublishFailed", {"feed": "security"}),
     ("RuntimeBusPublishFallback", {"feed": "security"}), True),
    # Seed 002: a lost trading database explains the trading engine's failing orders...
    ("a lost trading database mutes the order-rejection warning it causes",
     ("DatabaseConnectionLost", {}), ("OrderRejectionRateHigh", {}), True),
    ("a lost trading database mutes the order-execution SLO page it causes",
     ("DatabaseConnectionLost", {}), ("TradingEngineOrderExecutionBurnRate", {}), True),
    ("database connection lost does not hide a circuit breaker trip from the admin",
     ("DatabaseConnectionLost", {}), ("CircuitBreakerTriggered", {"level": "account"}), False),
    ("database connection lost does not hide an exchange rate limit",
     ("DatabaseConnectionLost", {}), ("ExchangeRateLimitExceeded", {}), False),
    # ... and nothing of another service.
    ("a lost trading database leaves the journal's Postgres alerts alone",
     ("DatabaseConnectionLost", {}), ("SignalLatencyBreach", {"source": "binance"}), False),
]


@pytest.mark.parametrize(("words", "source", "target", "muted"), CASES,
                         ids=[c[0] for c in CASES])
def test_inhibitions_in_the_seeds_words(words: str, source: tuple[str, dict[str, str]],
                                        target: tuple[str, dict[str, str]], muted: bool) -> None:
    assert _muted_by(_instance(target[0], **target[1]), _instance(source[0], **source[1])) \
        is muted, words


def test_a_critical_of_one_service_mutes_no_warning_of_another() -> None:
    criticals = [a for a, labels in RULES.items() if labels.get("severity") == "critical"]
    warnings = [a for a, labels in RULES.items() if labels.get("severity") == "warning"]
    crossing = [(c, w) for c in criticals for w in warnings
                if RULES[c]["service"] != RULES[w]["service"]
                and _muted_by(_instance(w), _instance(c))]
    assert crossing == []
