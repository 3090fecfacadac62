"""The base of every spec model, and the runbook content shared by alerts, SLOs and probes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class RunbookSpec(Spec):
    """What the on-call engineer reads when the alert fires (rendered by the runbooks target)."""

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
