"""Prometheus durations: parse the spec's text, format canonical text for the output."""

from __future__ import annotations

import functools
import re

_UNITS: tuple[tuple[str, int], ...] = (
    ("y", 365 * 86400 * 1000),
    ("w", 7 * 86400 * 1000),
    ("d", 86400 * 1000),
    ("h", 3600 * 1000),
    ("m", 60 * 1000),
    ("s", 1000),
    ("ms", 1),
)
# The grammar Prometheus accepts (model.ParseDuration): units in this order, each at most once.
_DURATION = re.compile(
    r"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$"
)


def parse_ms(text: str) -> int:
    """Milliseconds in a Prometheus duration such as "1h30m"; ValueError when malformed."""
    match = _DURATION.match(text)
    if not text or match is None or not any(match.groups()):
        raise ValueError(f"not a Prometheus duration: {text!r}")
    return sum(int(g) * unit for g, (_, unit) in zip(match.groups(), _UNITS, strict=True) if g)


@functools.lru_cache(maxsize=8192)
def format_ms(ms: int) -> str:
    """Canonical text of a duration in days, hours, minutes, seconds and milliseconds.

    Weeks and years are never used so that "28d" and "90d" read as written.
    """
    if ms < 0:
        raise ValueError("negative duration")
    if ms == 0:
        return "0s"
    out = []
    for suffix, unit in _UNITS[2:]:
        count, ms = divmod(ms, unit)
        if count:
            out.append(f"{count}{suffix}")
    return "".join(out)


def format_seconds(seconds: int) -> str:
    return format_ms(seconds * 1000)
