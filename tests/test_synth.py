"""obsgen.proof.synth: parsing selectors, finding labels that selectors match (or avoid), and
writing them as promtool series. Expected labels are checked with Prometheus's semantics
(a regex matcher matches the whole value; a missing label is the empty value), written out
here independently of obsgen's Matcher."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obsgen.proof.synth import (
    FALLBACK_VALUES,
    Matcher,
    Selector,
    parse_selector,
    regex_examples,
    render_series,
    satisfy,
)


def _sel(text: str) -> Selector:
    return parse_selector(text)


def _prom_matches(selector: Selector, labels: dict[str, str]) -> bool:
    """Does a series with `labels` (and the selector's metric) match? Prometheus's rules."""
    for m in selector.matchers:
        value = labels.get(m.name, "")
        if m.op == "=":
            ok = value == m.value
        elif m.op == "!=":
            ok = value != m.value
        else:
            ok = re.fullmatch(f"(?:{m.value})", value) is not None
            ok = ok if m.op == "=~" else not ok
        if not ok:
            return False
    return True


# parse_selector


def test_parse_selector_keeps_metric_and_matchers_in_order() -> None:
    assert _sel('http_requests_total{method!="GET",code=~"5.."}') == Selector(
        "http_requests_total", (Matcher("method", "!=", "GET"), Matcher("code", "=~", "5.."))
    )


def test_parse_selector_takes_the_metric_from_name_matcher() -> None:
    assert _sel('{__name__="up",job="api"}') == Selector("up", (Matcher("job", "=", "api"),))


def test_parse_selector_of_a_bare_metric_and_of_every_operator() -> None:
    assert _sel("up") == Selector("up", ())
    assert _sel('x{a!~"b|c",b=""}').matchers == (Matcher("a", "!~", "b|c"), Matcher("b", "=", ""))


def test_parse_selector_unescapes_label_values() -> None:
    assert _sel(r'x{a="say \"hi\"\\"}').matchers == (Matcher("a", "=", 'say "hi"\\'),)


# Matcher / Selector semantics


@pytest.mark.parametrize(("matcher", "value", "expected"), [
    (Matcher("code", "=~", "5.."), "500", True),
    (Matcher("code", "=~", "5.."), "5000", False),  # anchored at both ends
    (Matcher("code", "=~", "5.."), "x500", False),
    (Matcher("code", "=~", "2..|5.."), "503", True),  # the alternation is anchored as a whole
    (Matcher("code", "!~", "5.."), "200", True),
    (Matcher("code", "!~", "5.."), "", True),
    (Matcher("code", "=", ""), "", True),
    (Matcher("code", "!=", ""), "", False),
])
def test_matcher_follows_prometheus(matcher: Matcher, value: str, expected: bool) -> None:
    assert matcher.accepts(value) is expected
    assert matcher.matches({"code": value} if value else {}) is expected


def test_a_missing_label_is_the_empty_value_and_the_metric_must_agree() -> None:
    sel = _sel('x{code=""}')
    assert sel.matches("x", {}) and sel.matches("x", {"other": "1"})
    assert not sel.matches("x", {"code": "200"})
    assert not sel.matches("y", {})


# regex_examples


@pytest.mark.parametrize(("pattern", "expected"), [
    ("5..", ["500"]),
    ("2..|5..", ["200", "500"]),
    ("GET|POST", ["GET", "POST"]),
    ("a+", ["a"]),
    ("a*", ["", "a"]),
    ("a{2,3}", ["aa"]),
    (r"\d{3}", ["000"]),
    ("[a-c]x?", ["a", "ax"]),
    ("/api/.*", ["/api/", "/api/0"]),
    ("(", []),  # not a regex: no example rather than an error
])
def test_regex_examples_are_short_full_matches(pattern: str, expected: list[str]) -> None:
    examples = regex_examples(pattern)
    assert examples == expected
    assert all(re.fullmatch(pattern, e) for e in examples)


# satisfy


@pytest.mark.parametrize(("selectors", "fixed", "expected"), [
    (['x{code=~"5.."}'], {}, {"code": "500"}),
    (['x{code="503",job="api"}'], {}, {"code": "503", "job": "api"}),
    # both selectors at once: the errors series is also one of the total's
    (['x{code=~"5.."}', 'x{code=~"50."}'], {}, {"code": "500"}),
    (['x{code=~"5.."}'], {"service": "api"}, {"code": "500", "service": "api"}),
    (['x{code!~"5.."}'], {}, {"code": "200"}),
    (['x{code!=""}'], {}, {"code": "200"}),
    (['x{code=""}'], {}, {}),  # an empty value is no label at all
    (["x"], {}, {}),
])
def test_satisfy_finds_the_expected_labels(
    selectors: list[str], fixed: dict[str, str], expected: dict[str, str]
) -> None:
    labels = satisfy([_sel(s) for s in selectors], fixed)
    assert labels == expected
    assert all(_prom_matches(_sel(s), expected) for s in selectors)


@pytest.mark.parametrize(("selectors", "fixed"), [
    (['x{code="500"}', 'x{code="404"}'], {}),
    (['x{code=~"5.."}', 'x{code=~"4.."}'], {}),
    (['x{env="prod"}'], {"env": "staging"}),  # fixed labels are kept, never changed
    (['x{code=~"5.."}'], {"code": "200"}),
])
def test_satisfy_returns_none_when_nothing_matches(
    selectors: list[str], fixed: dict[str, str]
) -> None:
    assert satisfy([_sel(s) for s in selectors], fixed) is None


def test_satisfy_matches_values_that_only_a_fallback_fits() -> None:
    labels = satisfy([_sel('x{method=~"[^0-9]{3}"}')], {})
    assert labels is not None and re.fullmatch("[^0-9]{3}", labels["method"])


@pytest.mark.parametrize(("total", "errors", "fixed", "expected"), [
    # the good events of a shared counter: the total's series that the errors reject
    ("x", 'x{code=~"5.."}', {}, {}),
    ('x{job="api"}', 'x{job="api",code=~"5.."}', {}, {"job": "api"}),
    ('x{code=~"2..|5.."}', 'x{code=~"5.."}', {}, {"code": "200"}),
    # the first labels found are the errors': one of them is changed
    ('x{code=~"5..|2.."}', 'x{code=~"5.."}', {}, {"code": "200"}),
    ("x", 'x{code!="200"}', {}, {"code": "200"}),
    ('x{code=~"2..|5.."}', 'x{code=~"5.."}', {"region": "eu"}, {"code": "200", "region": "eu"}),
])
def test_satisfy_avoids_a_selector(
    total: str, errors: str, fixed: dict[str, str], expected: dict[str, str]
) -> None:
    labels = satisfy([_sel(total)], fixed, avoid=_sel(errors))
    assert labels == expected
    assert _prom_matches(_sel(total), labels) and not _prom_matches(_sel(errors), labels)


def test_satisfy_cannot_avoid_through_a_fixed_label() -> None:
    assert satisfy([_sel("x")], {"code": "500"}, avoid=_sel('x{code=~"5.."}')) is None
    assert satisfy([_sel('x{code="500"}')], {}, avoid=_sel('x{code=~"5.."}')) is None


@pytest.mark.xfail(strict=True, reason="obsgen limitation: a regex yields one example (5.. "
                   "gives 500 only) and no fallback is a 5xx, so when that example is excluded "
                   "satisfy gives up (traffic.py then writes no rule test for the SLO)")
@pytest.mark.parametrize(("chosen", "avoid"), [
    (['x{code=~"5..",code!="500"}'], None),  # "5xx but 500": 503 fits
    (['x{code=~"5.."}'], 'x{code="500"}'),  # the good share of a 5xx total: 501 fits
])
def test_satisfy_finds_a_second_value_of_a_regex(chosen: list[str], avoid: str | None) -> None:
    labels = satisfy([_sel(s) for s in chosen], {}, avoid=_sel(avoid) if avoid else None)
    assert labels is not None
    assert re.fullmatch("5..", labels["code"]) and labels["code"] != "500"


@pytest.mark.parametrize(("pattern", "shown"), [
    ("[[:alpha:]]+", "[:alpha:]"),  # Python's re reads a set of '[:alph' then ']'
    ("\\\\pL+", "\\p"),  # a bad escape for Python's re
    ("\\\\p{Greek}", "\\p"),
])
def test_re2_only_regex_syntax_is_refused_where_the_spec_says_it(pattern: str, shown: str) -> None:
    """obsgen evaluates matchers with Python's re: a pattern RE2 reads differently would give
    synthetic series Prometheus does not match (or crash), so validation refuses it."""
    from obsgen.promql import selector_problem

    problem = selector_problem(f'x{{handler=~"{pattern}"}}')
    assert problem.startswith("handler: regular expression ") and f"uses {shown!r}" in problem
    assert "[a-zA-Z]" in problem


# satisfy, property: sound always; complete over the values that the matchers name and the
# fallback values (a value found only by inventing one, like 503 above, is out of scope)

_VALUES = ["", "200", "500", "ok", "get"]
_MATCHERS = st.builds(
    Matcher,
    st.sampled_from(["code", "method"]),
    st.sampled_from(["=", "!=", "=~", "!~"]),
    st.one_of(st.sampled_from(_VALUES), st.sampled_from(["5..", "2..|5..", "ok|get", ".*"])),
)
_SELECTORS = st.builds(lambda ms: Selector("x", tuple(ms)), st.lists(_MATCHERS, max_size=3))


@settings(max_examples=400, derandomize=True, deadline=None)
@given(chosen=st.lists(_SELECTORS, min_size=1, max_size=2),
       avoid=st.one_of(st.none(), _SELECTORS),
       fixed=st.dictionaries(st.sampled_from(["code", "region"]), st.sampled_from(["500", "eu"]),
                             max_size=1))
def test_satisfy_is_sound_and_finds_a_solution_when_there_is_one(
    chosen: list[Selector], avoid: Selector | None, fixed: dict[str, str]
) -> None:
    def ok(labels: dict[str, str]) -> bool:
        return (all(_prom_matches(s, labels) for s in chosen)
                and (avoid is None or not _prom_matches(avoid, labels))
                and all(labels.get(k, "") == v for k, v in fixed.items()))

    labels = satisfy(chosen, fixed, avoid)
    if labels is not None:
        assert ok(labels), labels
        assert "" not in labels.values(), "an empty value is written as no label"
        return
    names = sorted({m.name for s in [*chosen, *([avoid] if avoid else [])] for m in s.matchers}
                   | set(fixed))
    universe = [*_VALUES, *FALLBACK_VALUES]
    for values in itertools.product(universe, repeat=len(names)):
        candidate = {n: v for n, v in zip(names, values, strict=True) if v}
        assert not ok(candidate), f"satisfy found nothing, but {candidate} fits"


# render_series


def test_render_series_sorts_labels_and_omits_empty_braces() -> None:
    assert render_series("x", {}) == "x"
    assert render_series("x", {"b": "2", "a": "1"}) == 'x{a="1",b="2"}'


def test_render_series_escapes_what_promql_strings_escape() -> None:
    labels = {"a": 'say "hi"\\ back\nnew', "b": "2"}
    text = render_series("x", labels)
    assert text == 'x{a="say \\"hi\\"\\\\ back\\nnew",b="2"}'
    # and a PromQL parser reads the same labels back
    parsed = parse_selector(text)
    assert parsed.metric == "x"
    assert {m.name: m.value for m in parsed.matchers} == labels
