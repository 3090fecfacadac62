"""The YAML writer: whatever it is given, YAML reads back exactly the same data."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from obsgen.targets.yamlout import dump, scalar

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(),
    st.floats(allow_nan=False),
    st.sampled_from(
        [
            "yes",
            "no",
            "on",
            "off",
            "null",
            "~",
            "1e3",
            "0x1F",
            "12:30",
            "- x",
            "a: b",
            "#c",
            "x #c",
            "2024-01-01",
            ".inf",
            "",
            " lead",
            "trail ",
            "multi\nline",
            "tab\tin",
            "{a}",
            "[b]",
            "*ref",
            "&anchor",
            "!tag",
            "|",
            ">",
            "'q'",
            '"q"',
            "line\n",
            "\u2028",
            "%x",
            "@x",
            "`x`",
        ]
    ),
)
data = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(derandomize=True, max_examples=500, deadline=None)
@given(data)
def test_round_trip(value: Any) -> None:
    assert yaml.safe_load(dump(value)) == value


def test_plain_where_safe_quoted_where_not() -> None:
    assert scalar("http_requests_total") == "http_requests_total"
    assert scalar("yes") == '"yes"'
    assert scalar("1") == '"1"'
    assert scalar("a: b") == '"a: b"'
    assert scalar(0.1 + 0.2) == "0.30000000000000004"


def test_multiline_becomes_a_literal_block() -> None:
    assert dump({"expr": "a\nor\nb"}) == "expr: |-\n  a\n  or\n  b\n"
