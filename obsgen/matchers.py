"""Alertmanager label matchers: `name="value"`, `name!="value"`, `name=~"re"`, `name!~"re"`.

Specs write matchers in Alertmanager's own syntax (what users paste from its docs); this module
parses them, renders them back in one canonical form, and evaluates them the way Alertmanager
does: a regex is anchored at both ends, and a missing label has the value "".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

OPS = ("=~", "!~", "!=", "=")
_MATCHER = re.compile(
    r'^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^"\s,{}]*))\s*$'
)
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n"}


@dataclass(frozen=True, order=True)
class Matcher:
    name: str
    op: str
    value: str

    def text(self) -> str:
        """The canonical form obsgen writes: the value always double-quoted."""
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'{self.name}{self.op}"{escaped}"'

    @cached_property
    def _regex(self) -> re.Pattern[str]:
        return re.compile(f"(?:{self.value})", re.DOTALL)

    def matches(self, labels: Mapping[str, str]) -> bool:
        got = labels.get(self.name, "")
        if self.op == "=":
            return got == self.value
        if self.op == "!=":
            return got != self.value
        hit = self._regex.fullmatch(got) is not None
        return hit if self.op == "=~" else not hit


def parse(text: str) -> Matcher:
    """One matcher; ValueError says what is wrong."""
    found = _MATCHER.match(text)
    if not found:
        raise ValueError(f"{text!r} is not a matcher")
    name, op, quoted, bare = found.groups()
    value = _unescape(quoted) if quoted is not None else bare
    if op in ("=~", "!~"):
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"{text!r}: invalid regular expression ({exc})") from None
    return Matcher(name, op, value)


def _unescape(text: str) -> str:
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            nxt = next(chars, "\\")
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
        else:
            out.append(char)
    return "".join(out)


def equal(name: str, value: str) -> Matcher:
    return Matcher(name, "=", value)


def one_of(name: str, values: tuple[str, ...]) -> Matcher:
    """`name` is any of `values`: = for one value, an anchored alternation for several."""
    if len(values) == 1:
        return Matcher(name, "=", values[0])
    return Matcher(name, "=~", "|".join(re.escape(v) for v in values))


def all_match(matchers: tuple[Matcher, ...], labels: Mapping[str, str]) -> bool:
    return all(m.matches(labels) for m in matchers)
