"""`obsgen diff --format markdown`: the report as a pull-request comment.

CommonMark only (headings, lists, code spans, emphasis): it reads the same on GitHub, GitLab
and Gitea. Every value that comes from the specs (names, expressions, titles) goes into a code
span, so that `*`, `_`, `<` or `|` in a PromQL expression never turns into markup or HTML.
"""

from __future__ import annotations

import re

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

_LONG = 120
"""Values longer than this together also get the pieces that differ."""
_PIECES = 6

VERBS: dict[Action, str] = {"added": "added", "removed": "removed", "changed": "changed",
                            "renamed": "renamed"}


def code(text: str) -> str:
    """A CommonMark code span holding `text` exactly (on one line): the fence is one backtick
    longer than the longest run inside, padded when the text starts or ends with one."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return "*(none)*"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _escape(text: str) -> str:
    """Text inside a line (never at its start), with the punctuation that could open
    markup there escaped: code, emphasis, links, HTML, entities, GFM tables and strikeout."""
    return re.sub(r"([\\`*_\[\]<>|~&])", r"\\\1", text)


def render(report: Report) -> str:
    lines = [f"### obsgen diff: {code(report.base)} → {code(report.head)}", "",
             f"**{_escape(headline(report))}**"]
    for section in SECTIONS:
        changes = report.section(section)
        if not changes:
            continue
        lines += ["", f"#### {TITLES[section]}", ""]
        for change in changes:
            lines += _change(change)
    lines += ["", f"Generated files: {_escape(files_line(report.files))}"]
    return "\n".join(lines) + "\n"


def _change(change: Change) -> list[str]:
    name = (f"{code(change.old_name)} → {code(change.name)}" if change.action == "renamed"
            else code(change.name))
    head = f"- **{VERBS[change.action]}** {name}"
    if change.summary:
        head += f": {_escape(change.summary)}"
    return [head, *(_detail(d, change.action) for d in change.details)]


def _detail(detail: Detail, action: Action) -> str:
    what = _escape(detail.what)
    if action in ("added", "removed"):
        value = code(detail.new if action == "added" else detail.old)
        return f"  - {what}: {value}"
    if not detail.changed:
        return f"  - {what}: {code(detail.old)} (unchanged)"
    line = f"{what}: {code(detail.old)} → {code(detail.new)}"
    pieces = parts(detail.old, detail.new) if detail.old and detail.new else []
    if len(detail.old) + len(detail.new) > _LONG and 0 < len(pieces) <= _PIECES:
        line += " (where: " + "; ".join(f"{code(a)} → {code(b)}" for a, b in pieces) + ")"
    return f"  - **{line}**" if detail.emphasis else f"  - {line}"
