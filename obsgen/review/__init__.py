"""`obsgen diff`: what a change of the specs does, in a reviewer's terms.

    sources.py   the two sides: a specs folder, or the folder at a git revision (git archive)
    facts.py     one compiled side as comparable facts (rule alerts, SLO figures, receivers)
    compare.py   two sides -> `changes.Report` (pure)
    text.py, markdown.py, jsonout.py   the three renderings of a report
"""

from __future__ import annotations

from obsgen.review.changes import Change, Detail, FileCount, Report
from obsgen.review.compare import compare

FORMATS = ("text", "markdown", "json")

__all__ = ["FORMATS", "Change", "Detail", "FileCount", "Report", "compare", "render"]


def render(report: Report, fmt: str, *, colour: bool = False) -> str:
    """The report in `fmt` (one of FORMATS); colour applies to text only."""
    from obsgen.review import jsonout, markdown, text

    if fmt == "markdown":
        return markdown.render(report)
    if fmt == "json":
        return jsonout.render(report)
    return text.render(report, colour=colour)
