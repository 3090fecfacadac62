"""`obsgen diff` for a terminal: one line per change, its details indented below.

    ~ changed   + added   - removed   > renamed   ! a fact not to miss (severity, receivers,
                                                    detection times)

Colour (ANSI: green added, red removed, yellow changed, bold emphasis) only when asked: the
CLI asks when stdout is a terminal and NO_COLOR is not set. The markers carry the same
meaning without colour, so a log or a pipe loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from obsgen.review.changes import (
    SECTIONS,
    TITLES,
    Action,
    Change,
    Detail,
    Report,
    files_line,
    headline,
    parts,
)

MARKS: dict[Action, str] = {"added": "+", "removed": "-", "changed": "~", "renamed": ">"}
_COLOURS: dict[str, str] = {"added": "32", "removed": "31", "changed": "33", "renamed": "36",
                            "emphasis": "1", "dim": "2", "title": "1;4"}
_WIDTH = 100
"""Longer values go on lines of their own (old, then new), so that each reads whole."""

_PIECES = 6
"""At most this many differing pieces are listed under a long value; more read as noise."""

Paint = Callable[[str, str], str]


def _painter(colour: bool) -> Paint:
    def paint(style: str, text: str) -> str:
        return f"\033[{_COLOURS[style]}m{text}\033[0m" if colour and text else text

    return paint


def render(report: Report, *, colour: bool = False) -> str:
    paint = _painter(colour)
    lines = [f"obsgen diff {report.base} -> {report.head}: {headline(report)}"]
    for section in SECTIONS:
        changes = report.section(section)
        if not changes:
            continue
        lines += ["", paint("title", TITLES[section])]
        for change in changes:
            lines += _change(change, paint)
    lines += ["", f"generated files: {files_line(report.files)}"]
    return "\n".join(lines) + "\n"


def _change(change: Change, paint: Paint) -> list[str]:
    mark = MARKS[change.action]
    name = (f"{change.old_name} -> {change.name}" if change.action == "renamed"
            else change.name)
    head = f"  {mark} {name}"
    if change.summary:
        head += f"  ({change.summary})"
    out = [paint(change.action, head)]
    for detail in change.details:
        out += _detail(detail, paint, change.action)
    return out


def _detail(detail: Detail, paint: Paint, action: Action) -> list[str]:
    bullet = "!" if detail.emphasis and detail.changed else "·"
    what = f"      {bullet} {detail.what}:"
    if action in ("added", "removed"):
        value = detail.new if action == "added" else detail.old
        line = f"{what} {value}"
        return [paint("emphasis", line) if detail.emphasis else line]
    old, new = detail.old or "(none)", detail.new or "(none)"
    if not detail.changed:
        return [paint("dim", f"{what} {old} (unchanged)")]
    style = "emphasis" if detail.emphasis else "changed"
    if len(what) + len(old) + len(new) + 5 <= _WIDTH:
        return [f"{what} {paint('removed', old)} -> {paint(style, new)}"]
    lines = [what, f"          - {paint('removed', old)}", f"          + {paint('added', new)}"]
    pieces = parts(detail.old, detail.new) if detail.old and detail.new else []
    if 0 < len(pieces) <= _PIECES:
        lines.append("          where: " + "; ".join(
            f"{paint('removed', a or '(nothing)')} -> {paint(style, b or '(nothing)')}"
            for a, b in pieces))
    return lines
