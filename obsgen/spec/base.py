"""The base of every spec model, and the runbook content shared by alerts, SLOs and probes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from obsgen.spec.types import PageUrl, RunbookId


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class RunbookSpec(Spec):
    """What the on-call engineer reads when the alert fires (rendered by the runbooks target).
    A team with its own runbook gives its id and url: the alert's runbook_url then opens it,
    and obsgen's page (still generated, linking it) is in the obsgen_runbook_url annotation."""

    id: RunbookId = ""
    """The team's id for its existing runbook, e.g. RB-06; shown on the page and the index."""
    url: PageUrl = ""
    """The team's existing runbook, e.g. https://wiki.example.com/runbooks/RB-06: the alert's
    runbook_url points at it, obsgen_runbook_url at the generated page. Empty: runbook_url
    points at the generated page."""

    impact: str = ""
    """Who is affected and how, in a sentence or two."""
    symptoms: list[str] = []
    """What people see when this fires."""
    checks: list[str] = []
    """Diagnosis steps: commands and queries to run, in order."""
    actions: list[str] = []
    """Mitigation steps, in order."""
    escalation: list[str] = []
    """Who to call when the actions do not help, in order."""
    post_incident: list[str] = []
    """What to do after the incident: RCA, follow-ups."""
