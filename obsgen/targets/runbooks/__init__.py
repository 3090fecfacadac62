"""Runbooks target: `runbooks/<service>/<AlertName>.md` for every alert, and the indexes.

Pages are rendered from Jinja2 templates: obsgen's defaults (the repository's `templates/`,
packaged as `obsgen.templates`), overridden file by file by a templates folder
(`--templates` or `Settings.runbook_templates`). Templates run with `StrictUndefined` and
escape every value as Markdown text (`obsgen.targets.runbooks.markdown`). A template error is
reported as a located problem in the template file (exit 2), before anything is written.

A templates folder is untrusted input (docs/security.md): templates run in Jinja2's immutable
sandbox (no attribute tricks reach Python: `cycler.__init__.__globals__` is a template error),
and the folder serves no file through a link leading out of it.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox

from obsgen import conventions, model
from obsgen.errors import Diagnostic, EnvironmentProblem, SpecError, display_name
from obsgen.targets.runbooks import markdown
from obsgen.targets.runbooks.context import alert_pages

FOLDER = conventions.RUNBOOKS
TEMPLATES = ("alert.md.j2", "slo-alert.md.j2", "index.md.j2", "service.md.j2")


def default_templates() -> Path:
    """obsgen's own templates: installed beside the package (obsgen/templates in a wheel),
    or the repository's templates/ in a source checkout and an editable install."""
    package = Path(__file__).resolve().parents[2]
    for folder in (package / "templates", package.parent / "templates"):
        if (folder / "slo-alert.md.j2").is_file():
            return folder
    raise EnvironmentProblem(f"obsgen's runbook templates are missing beside {package} — "
                             "reinstall obsgen")


class TemplateRefused(jinja2.TemplateError):
    """A template obsgen will not read: a link leading out of its templates folder."""

    def __init__(self, filename: str, message: str) -> None:
        super().__init__(message)
        self.filename = filename


class ConfinedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that serves no file through a symbolic link leading out of its
    folder (Jinja already refuses `..` in template names)."""

    def get_source(self, environment: jinja2.Environment, template: str) -> Any:
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.searchpath:
            filename = os.path.join(folder, *pieces)
            if os.path.isfile(filename):
                root = os.path.realpath(folder)
                if not os.path.realpath(filename).startswith(root.rstrip(os.sep) + os.sep):
                    raise TemplateRefused(filename, f"{template} is a symbolic link leading "
                                          "outside the templates folder")
                break
        return super().get_source(environment, template)


def environment(override: str = "") -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [ConfinedLoader(override)] if override else []
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader([*loaders, jinja2.FileSystemLoader(str(default_templates()))]),
        undefined=jinja2.StrictUndefined,
        autoescape=True,  # with finalize: every value is escaped as Markdown, not HTML
        finalize=markdown.text,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        code=markdown.code, code_block=markdown.code_block, link=markdown.link,
        commas=markdown.commas, text=markdown.text,
    )
    return env


def header(source: str) -> str:
    return conventions.markdown_header(source)


def render(project: model.Project) -> dict[str, str]:
    env = environment(project.templates_dir)
    out: dict[str, str] = {}
    problems: dict[Diagnostic, None] = {}
    by_service: dict[str, list[dict[str, Any]]] = {s.name: [] for s in project.services}
    for page in alert_pages(project):
        body = _render(env, page.template, {"page": page.context}, problems)
        service = page.context["service"]
        out[f"{FOLDER}/{page.path}"] = header(service["source"]) + _tidy(body)
        by_service[service["name"]].append({
            "name": page.context["name"], "severity": page.context["severity"],
            "team": service["team"], "summary": page.context["summary"],
            "runbook": {k: page.context["runbook"][k] for k in ("id", "url")},
        })
    services = [
        {"name": s.name, "team": s.team, "description": s.description, "source": s.source,
         "alerts": by_service[s.name],
         "team_runbooks": any(a["runbook"]["id"] or a["runbook"]["url"]
                              for a in by_service[s.name])}
        for s in project.services if by_service[s.name]
    ]
    for svc in services:
        body = _render(env, "service.md.j2", {"service": svc}, problems)
        out[f"{FOLDER}/{svc['name']}/README.md"] = header(str(svc["source"])) + _tidy(body)
    if services:
        sources = ", ".join(sorted({str(s["source"]) for s in services}))
        body = _render(env, "index.md.j2", {"services": services}, problems)
        out[f"{FOLDER}/README.md"] = header(sources) + _tidy(body)
    if problems:
        raise SpecError(list(problems))
    return out


def _render(env: jinja2.Environment, name: str, context: dict[str, Any],
            problems: dict[Diagnostic, None]) -> str:
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or name
        problems[_problem(where, exc.lineno, f"template syntax error: {exc.message}")] = None
    except TemplateRefused as exc:
        problems[Diagnostic(_lexical(exc.filename), 1, 1, "", f"template error: {exc.message}",
                            "obsgen follows no link out of the templates folder: copy the "
                            "template inside it")] = None
    except jinja2.TemplateError as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename.endswith(".j2")]
        where, line = (frames[-1].filename, frames[-1].lineno or 1) if frames else (name, 1)
        problems[_problem(where, line, f"template error: {exc}")] = None
    except OSError as exc:
        raise EnvironmentProblem(
            f"{_lexical(os.fsdecode(exc.filename or name))}: cannot read the template "
            f"({exc.strerror or exc}) — make it readable") from None
    return ""


def _lexical(filename: str) -> str:
    """A template file as shown in messages, without resolving a link."""
    absolute, cwd = os.path.abspath(filename), os.getcwd()
    inside = absolute.startswith(cwd.rstrip(os.sep) + os.sep)
    return os.path.relpath(absolute, cwd) if inside else filename


def _problem(filename: str, line: int, message: str) -> Diagnostic:
    return Diagnostic(display_name(Path(filename)), line, 1, "", message,
                      "fix the template (variables: see the default templates in obsgen's "
                      "templates/ folder)")


def _tidy(body: str) -> str:
    """At most one blank line in a row, none at the end: templates stay readable and the
    output stays stable."""
    lines: list[str] = []
    for line in body.rstrip().split("\n"):
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines) + "\n"
