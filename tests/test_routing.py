"""Matchers, secret detection and the routing tree, without the real tools."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obsgen import api, matchers
from obsgen.spec.loader import load_yaml_text
from obsgen.spec.routing_types import secret_in_url

GOLDEN = Path(__file__).parent / "golden" / "routing" / "specs"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ('severity="critical"', 'severity="critical"'),
        ("severity = critical", 'severity="critical"'),
        ('service=~"core|edge"', 'service=~"core|edge"'),
        ('alertname!~"Watchdog.*"', 'alertname!~"Watchdog.*"'),
        (r'summary!="say \"hi\""', r'summary!="say \"hi\""'),
    ],
)
def test_matchers_parse_to_canonical_text(text: str, canonical: str) -> None:
    assert matchers.parse(text).text() == canonical


@pytest.mark.parametrize("text", ['a=="b"', "a b", '1a="b"', 'a=~"("', ""])
def test_invalid_matchers_are_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        matchers.parse(text)


def test_regex_matchers_are_anchored_and_missing_labels_are_empty() -> None:
    m = matchers.parse('service=~"core|edge"')
    assert m.matches({"service": "core"}) and not m.matches({"service": "score"})
    assert matchers.parse('env=""').matches({})
    assert matchers.parse('env!~".+"').matches({"other": "x"})
    assert not matchers.parse('env=~".+"').matches({})


@settings(max_examples=200, derandomize=True)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20))
def test_any_value_round_trips_through_matcher_text(value: str) -> None:
    m = matchers.Matcher("label", "=", value)
    assert matchers.parse(m.text()) == m


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("http://alert-relay:8080/github-issue", False),
        ("https://relay.example.com/jira/OPS?project=ops", False),
        ("https://relay.example.com/hook?token=abc", True),
        ("https://relay.example.com/hook?sig=abc", True),
        ("https://user:pw@relay.example.com/hook", True),
        ("https://hooks.slack.com/services/T0/B0/xyz", True),
        ("https://prod-01.westeurope.logic.azure.com/workflows/x/triggers", True),
        ("https://relay.example.com/h/3f9a8b7c6d5e4f3a2b1c0d9e8f7a", True),
    ],
)
def test_secrets_in_urls_are_recognised(url: str, secret: bool) -> None:
    assert bool(secret_in_url(url)) is secret


def test_clock_times_stay_text_in_yaml() -> None:
    """YAML 1.1 reads 18:00 as the number 1080; a clock time is meant."""
    docs, problems = load_yaml_text("times: [{start_time: 09:00, end_time: 18:00}]\n", "f", "f")
    assert problems == []
    assert docs[0].data == {"times": [{"start_time": "09:00", "end_time": "18:00"}]}


def test_order_of_routing_documents_and_items_does_not_change_the_output(tmp_path: Path) -> None:
    text = (GOLDEN / "routing.yaml").read_text()
    first, second = text.split("\n---\n")
    specs = tmp_path / "specs"
    specs.mkdir()
    for name in ("settings.yaml", "shop.yaml"):
        (specs / name).write_text((GOLDEN / name).read_text())
    (specs / "a.yaml").write_text(second)
    (specs / "b.yaml").write_text(first)
    swapped = api.compile_specs(specs)
    original = api.compile_specs(GOLDEN)
    config = "alertmanager/alertmanager.yaml"
    body = lambda t: t.split("\n", 1)[1]  # noqa: E731 - the header names the source files
    assert body(swapped[config]) == body(original[config])
