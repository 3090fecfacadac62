"""The docs stay true: the spec reference is current and the README's example spec compiles."""

from __future__ import annotations

import re

from obsgen.api import compile_documents
from obsgen.dev import reference
from obsgen.spec.loader import load_yaml_text
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_spec_reference_is_current() -> None:
    written = (ROOT / "docs" / "reference.md").read_text()
    assert written == reference.render(), "run `make reference`"


def test_readme_example_spec_compiles() -> None:
    block = re.search(r"## A spec\n\n```yaml\n(.*?)```", README, re.DOTALL)
    assert block
    docs, problems = load_yaml_text(block.group(1), "README.md", "README.md")
    assert not problems
    files = compile_documents(docs)
    rules = "prometheus/rules/edge.login-availability.rules.yaml"
    assert rules in files and "alert: EdgeAvailabilityBurn" in files[rules]


def test_readme_shows_the_two_commands() -> None:
    assert "make generate" in README and "make test" in README


def test_every_reference_link_has_its_heading() -> None:
    text = (ROOT / "docs" / "reference.md").read_text()
    headings = {line[3:].strip().lower() for line in text.splitlines() if line.startswith("## ")}
    anchors = set(re.findall(r"\]\(#([a-z0-9-]+)\)", text))
    assert anchors and anchors <= headings, sorted(anchors - headings)
