"""`obsgen diff` golden cases: tests/diff/<case>/{base,head}/specs compared give exactly
expected.txt, expected.md and expected.json.

Cases are discovered from the folder; `pytest --update-goldens` rewrites the expected files
on purpose (review their diff before committing). The Markdown is parsed with a CommonMark
parser: one list item per change, every name in a code span, no HTML.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from obsgen.review import Report, compare, render
from obsgen.review.changes import parts
from obsgen.review.markdown import code
from obsgen.review.sources import compile_side

DIFF = Path(__file__).parent / "diff"
CASES = sorted(p.name for p in DIFF.iterdir() if (p / "base" / "specs").is_dir())
EXPECTED = {"text": "expected.txt", "markdown": "expected.md", "json": "expected.json"}
_REPORTS: dict[str, Report] = {}


def report_of(case: str) -> Report:
    if case not in _REPORTS:
        folder = DIFF / case
        base = compile_side(folder / "base" / "specs", "specs")
        head = compile_side(folder / "head" / "specs", "specs")
        _REPORTS[case] = compare(base, head, base_name="base", head_name="head")
    return _REPORTS[case]


@pytest.mark.parametrize("fmt", list(EXPECTED))
@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, fmt: str, update_goldens: bool) -> None:
    out = render(report_of(case), fmt)
    expected = DIFF / case / EXPECTED[fmt]
    if update_goldens:
        expected.write_text(out, encoding="utf-8")
    assert out == expected.read_text(encoding="utf-8")


def kinds(case: str) -> set[tuple[str, str]]:
    return {(c.section, c.action) for c in report_of(case).changes}


def test_every_kind_of_change_has_a_case() -> None:
    seen = set().union(*(kinds(case) for case in CASES))
    wanted = {("alerts", a) for a in ("added", "removed", "renamed", "changed")}
    wanted |= {("slos", "changed"), ("slos", "added"), ("routing", "changed"),
               ("routing", "added"), ("routing", "removed"), ("dashboards", "added"),
               ("dashboards", "changed"), ("probes", "added"), ("probes", "changed"),
               ("runbooks", "added"), ("runbooks", "removed"), ("runbooks", "changed")}
    assert wanted <= seen, sorted(wanted - seen)
    assert len(CASES) >= 7


def test_no_change_reports_nothing() -> None:
    report = report_of("no-change")
    assert report.changes == () and report.files == ()
    assert "no changes" in render(report, "text")


def test_a_rename_is_one_change_not_an_add_and_a_remove() -> None:
    report = report_of("alert-rename")
    alerts = report.section("alerts")
    assert [(c.action, c.old_name, c.name) for c in alerts] == [
        ("renamed", "ShopCartErrors", "ShopCartFailures")]


def test_a_routing_change_without_alert_changes() -> None:
    report = report_of("routing-only")
    assert not report.section("alerts") and not report.section("slos")
    receivers = [d for c in report.section("routing") for d in c.details
                 if d.what == "receivers"]
    assert receivers and all(d.old == "web-pager" and d.new == "web-pager-eu"
                             for d in receivers)
    assert all(d.emphasis for d in receivers)


def test_severity_is_highlighted() -> None:
    report = report_of("alert-changed")
    severity = [d for c in report.section("alerts") for d in c.details
                if d.what == "label severity"]
    assert [(d.old, d.new, d.emphasis) for d in severity] == [("warning", "critical", True)]
    assert "**label severity: `warning` → `critical`**" in render(report, "markdown")
    assert "! label severity: warning -> critical" in render(report, "text")


def test_slo_timings_old_and_new() -> None:
    change = next(iter(report_of("slo-objective").section("slos")))
    figures = {d.what: (d.old, d.new) for d in change.details}
    assert figures["objective"] == ("99.9% over 30d", "99.5% over 30d")
    assert any(w.endswith("pages after") for w in figures), figures
    assert any(w.endswith("tickets after") and old != new for w, (old, new) in figures.items())


@pytest.mark.parametrize("case", CASES)
def test_markdown_is_a_readable_comment(case: str) -> None:
    report = report_of(case)
    tokens = MarkdownIt("commonmark").parse(render(report, "markdown"))
    assert not [t for t in tokens if t.type.startswith("html")]
    headings = [tokens[i + 1].content for i, t in enumerate(tokens)
                if t.type == "heading_open" and t.tag == "h4"]
    assert headings == [s for s in ("Alerts", "SLOs", "Routing", "Dashboards", "Probes",
                                    "Runbooks") if any(c.section == s.lower()
                                                       for c in report.changes)]
    levels = [t.level for t in tokens if t.type == "list_item_open"]
    assert levels.count(min(levels, default=0)) == len(report.changes)
    spans = {child.content for t in tokens if t.type == "inline"
             for child in t.children or () if child.type == "code_inline"}
    assert {c.name for c in report.changes} <= spans


def test_a_long_comment_is_cut_at_a_change_and_says_how_many_are_left() -> None:
    from obsgen.review import markdown

    report = report_of("slo-window")
    full = markdown.render(report)
    cut = markdown.render(report, limit=len(full) // 2)
    assert len(cut) <= len(full) // 2 < len(full)
    tokens = MarkdownIt("commonmark").parse(cut)
    levels = [t.level for t in tokens if t.type == "list_item_open"]
    shown = levels.count(min(levels))
    assert 0 < shown < len(report.changes)
    assert f"*{len(report.changes) - shown} more change" in cut
    assert cut.endswith(full[full.index("\nGenerated files:"):])
    assert markdown.render(report, limit=len(full)) == full


def test_json_carries_every_change() -> None:
    report = report_of("alert-changed")
    data = json.loads(render(report, "json"))
    assert len(data["changes"]) == len(report.changes)
    assert data["summary"] == report.counts()


@pytest.mark.parametrize("text", ["a`b", "`x`", "plain", "a``b`", "x * y_z <b>"])
def test_code_spans_hold_any_text(text: str) -> None:
    tokens = MarkdownIt("commonmark").parseInline(code(text))
    children = tokens[0].children or []
    assert [(c.type, c.content) for c in children] == [("code_inline", text)]


def test_readme_figures_are_the_cases() -> None:
    """The README's table of what typical edits touch is what the golden cases measure."""
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    rows = re.findall(r"^\| [^|]+ \| `([a-z-]+)` \| (\d+) \| \+(\d+) -(\d+) \| (\d+) "
                      r"changes? \|$", readme, re.M)
    assert len(rows) >= 7
    for case, files, plus, minus, changes in rows:
        report = report_of(case)
        got = (sum(f.touched for f in report.files), sum(f.lines_added for f in report.files),
               sum(f.lines_removed for f in report.files), len(report.changes))
        assert got == (int(files), int(plus), int(minus), int(changes)), case


def test_parts_name_what_moved() -> None:
    assert parts("rate(x[5m]) > (9 * 0.001)", "rate(x[5m]) > (9 * 0.005)") == [
        ("0.001", "0.005")]
    assert parts("a", "a") == []
