"""Validate loaded documents against spec v1 and across files; collect every problem.

pydantic reports errors by `loc` (("slos", 0, "objective")); this module maps each one onto the
line and column the loader recorded, rewrites pydantic's wording into a message and a fix,
and adds the checks no single document can make (names unique across files).
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from obsgen import conventions
from obsgen.errors import Diagnostic
from obsgen.spec.base import Spec
from obsgen.spec.checks import policies as policy_checks
from obsgen.spec.checks import routing as routing_checks
from obsgen.spec.checks import semantics
from obsgen.spec.loader import Document, PathKey
from obsgen.spec.nodata import generated_alert_names
from obsgen.spec.routing import Routing
from obsgen.spec.routing_types import SECRET_FILE_FIELDS
from obsgen.spec.service import API_VERSION, ServiceSpec, Settings

KINDS: dict[str, type[Spec]] = {"Service": ServiceSpec, "Settings": Settings, "Routing": Routing}


@dataclass(frozen=True, kw_only=True)
class ValidSpecs:
    """Every document that passed, with its source, ready for the build stage."""

    services: tuple[tuple[Document, ServiceSpec], ...]
    settings: Settings | None
    routing: tuple[tuple[Document, Routing], ...] = ()
    """Every Routing document, in file order; empty: no Alertmanager output."""
    settings_file: str = ""
    """The file of the Settings document, as shown in messages (relative paths in it are
    relative to its folder)."""
    routing_checked: bool = False
    """The Routing documents are valid and consistent, so the build checks may prove that
    every alert reaches its team (otherwise they would only repeat those problems)."""


def validate(documents: Sequence[Document]) -> tuple[ValidSpecs, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    services: list[tuple[Document, ServiceSpec]] = []
    settings: list[tuple[Document, Settings]] = []
    routings: list[tuple[Document, Routing]] = []
    routing_complete = True
    for doc in documents:
        model, found = validate_document(doc)
        problems.extend(found)
        if model is None and isinstance(doc.data, dict) and doc.data.get("kind") == "Routing":
            routing_complete = False
        if isinstance(model, ServiceSpec):
            services.append((doc, model))
            problems.extend(semantics.service_problems(doc, model))
        elif isinstance(model, Settings):
            settings.append((doc, model))
            problems.extend(semantics.settings_problems(doc, model))
        elif isinstance(model, Routing):
            routings.append((doc, model))
    problems.extend(_cross_checks(services, settings))
    problems.extend(policy_checks.problems(services, settings))
    first_settings = settings[0][1] if settings else None
    routing_found: list[Diagnostic] = []
    if routing_complete:  # else names declared in the invalid document would look unknown
        routing_found = routing_checks.problems(routings, services, first_settings)
        problems.extend(routing_found)
    settings_file = settings[0][0].file if settings else ""
    valid = ValidSpecs(
        services=tuple(services), settings=first_settings, routing=tuple(routings),
        settings_file=settings_file,
        routing_checked=bool(routings) and routing_complete and not routing_found,
    )
    return valid, problems


def validate_document(doc: Document) -> tuple[BaseModel | None, list[Diagnostic]]:
    data = doc.data
    if not isinstance(data, dict):
        return None, [
            doc.diagnostic(
                (),
                f"a document must be a mapping, got {_describe(data)}",
                f"start it with apiVersion: {API_VERSION} and kind: Service",
            )
        ]
    head = _header_problems(doc, data)
    if head:
        return None, head
    model_cls = KINDS[data["kind"]]
    try:
        return model_cls.model_validate(data), []
    except ValidationError as exc:
        errors = _drop_missing_explained_by_typo(model_cls, exc.errors())
        return None, [_diagnostic(doc, model_cls, err) for err in errors]


def _drop_missing_explained_by_typo(model_cls: type[BaseModel], errors: list[Any]) -> list[Any]:
    """`objectve: 99.9` yields "objective missing" and "objectve unknown": keep only the second,
    whose did-you-mean says it all."""
    typos = {
        (tuple(e["loc"][:-1]), near)
        for e in errors
        if e["type"] == "extra_forbidden"
        for near in difflib.get_close_matches(
            str(e["loc"][-1]), _fields_at(model_cls, tuple(e["loc"][:-1])), n=1, cutoff=0.6
        )
    }
    # `api_url: <secret>` yields "api_url_file missing" too: the inline-secret message says it.
    typos |= {
        (tuple(e["loc"][:-1]), SECRET_FILE_FIELDS[str(e["loc"][-1])])
        for e in errors
        if e["type"] == "obsgen" and str(e["loc"][-1]) in SECRET_FILE_FIELDS
    }
    return [
        e
        for e in errors
        if not (e["type"] == "missing" and (tuple(e["loc"][:-1]), e["loc"][-1]) in typos)
    ]


def _header_problems(doc: Document, data: dict[Any, Any]) -> list[Diagnostic]:
    version = data.get("apiVersion")
    if version is None:
        return [doc.diagnostic((), "apiVersion is missing", f"add apiVersion: {API_VERSION}")]
    if version != API_VERSION:
        return [
            doc.diagnostic(
                ("apiVersion",),
                f"unsupported apiVersion {version!r}",
                f"this obsgen reads {API_VERSION}",
            )
        ]
    kind = data.get("kind")
    if kind is None:
        return [doc.diagnostic((), "kind is missing", f"add kind: one of {', '.join(KINDS)}")]
    if kind not in KINDS:
        near = difflib.get_close_matches(str(kind), KINDS, n=1)
        hint = f"did you mean {near[0]!r}?" if near else f"use one of {', '.join(KINDS)}"
        return [doc.diagnostic(("kind",), f"unknown kind {kind!r}", hint)]
    return []


def _diagnostic(doc: Document, model_cls: type[BaseModel], err: Any) -> Diagnostic:
    loc: PathKey = tuple(err["loc"])
    at_key = bool(loc) and loc[-1] == "[key]"
    loc = loc[:-1] if at_key else loc
    kind = err["type"]
    given = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = _fields_at(model_cls, loc[:-1])
        near = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        hint = f"did you mean {near[0]!r}?" if near else f"allowed here: {', '.join(allowed)}"
        return doc.diagnostic(loc, f"unknown field {loc[-1]!r}", hint, at_key=True)
    if kind == "missing":
        line, col = doc.position(loc[:-1])
        return _at(doc, loc, line, col, "required field is missing", f"add '{loc[-1]}:'")
    if kind == "obsgen":
        message, _, hint = err["msg"].partition(" — ")
        return doc.diagnostic(loc, message, hint, at_key=at_key)
    message, hint = _wording(kind, given, ctx, err["msg"])
    return doc.diagnostic(loc, message, hint)


def _at(doc: Document, loc: PathKey, line: int, col: int, message: str, hint: str) -> Diagnostic:
    from obsgen.errors import format_path

    return Diagnostic(doc.file, line, col, format_path(loc), message, hint)


def _wording(kind: str, given: Any, ctx: dict[str, Any], fallback: str) -> tuple[str, str]:
    got = _describe(given)
    if kind in ("string_type",):
        return f"expected text, got {got}", "quote the value"
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"):
        return f"expected a number, got {got}", "write a plain number such as 99.9"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {got}", "write true or false"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping, got {got}", "write key: value pairs here"
    if kind == "list_type":
        return f"expected a list, got {got}", "write the items as '- item' lines"
    if kind == "literal_error":
        return f"must be {ctx.get('expected', '')}, got {got}", "use one of the listed values"
    if kind == "finite_number":
        return f"must be a finite number, got {got}", "write a plain number such as 0.5"
    if kind == "string_too_short":
        return "must not be empty", "write a value"
    if kind == "too_short":
        return (f"needs at least {ctx.get('min_length', 1)} item(s), got {got}",
                "add an item")
    bounds = {
        "greater_than": ">",
        "greater_than_equal": ">=",
        "less_than": "<",
        "less_than_equal": "<=",
    }
    if kind in bounds:
        limit = next(iter(ctx.values()), "")
        return f"must be {bounds[kind]} {limit} (got {got})", "change the value"
    return fallback, ""


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    return repr(value)


def _fields_at(model_cls: type[BaseModel], loc: PathKey) -> list[str]:
    """The field names (aliases where set) allowed at `loc` inside `model_cls`."""
    current: Any = model_cls
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else Any
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = next(
                (f for n, f in current.model_fields.items() if (f.alias or n) == part), None
            )
            current = field.annotation if field else Any
        else:
            args = typing.get_args(current)
            current = args[-1] if args else Any
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated so a model or container type remains."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            rest = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = rest[0] if len(rest) == 1 else annotation
            if len(rest) != 1:
                return annotation
        else:
            return annotation


def slo_alert_names(service: ServiceSpec) -> Iterable[tuple[PathKey, str]]:
    """Every enabled SLO alert's name, with the path where it is (or would be) written."""
    for i, slo in enumerate(service.slos):
        for tier in ("page", "ticket"):
            alert = getattr(slo.alerts, tier)
            if alert.disabled:
                continue
            if alert.name:
                yield ("slos", i, "alerts", tier, "name"), alert.name
            else:
                name = conventions.slo_alert_name(service.metadata.name, slo.name, tier)
                yield ("slos", i, "name"), name


def _cross_checks(
    services: Sequence[tuple[Document, ServiceSpec]], settings: Sequence[tuple[Document, Settings]]
) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for doc, _ in settings[1:]:
        first = settings[0][0]
        problems.append(
            doc.diagnostic(
                ("kind",),
                "a second Settings document",
                f"merge it into the one at {first.file}:{first.start[0]}",
            )
        )
    seen_services: dict[str, tuple[Document, PathKey]] = {}
    seen_alerts: dict[str, tuple[Document, PathKey]] = {}
    for doc, svc in services:
        _unique(problems, seen_services, svc.metadata.name, doc, ("metadata", "name"), "service")
        slo_names: dict[str, tuple[Document, PathKey]] = {}
        for i, slo in enumerate(svc.slos):
            _unique(problems, slo_names, slo.name, doc, ("slos", i, "name"), "SLO in this service")
        for path, name in slo_alert_names(svc):
            _unique(problems, seen_alerts, name, doc, path, "alert")
        for i, alert in enumerate(svc.alerts):
            _unique(problems, seen_alerts, alert.name, doc, ("alerts", i, "name"), "alert")
        for i, probe in enumerate(svc.probes):
            if probe.name in [p.name for p in svc.probes[:i]]:
                continue  # a duplicate probe name: reported once, by the semantic checks
            for name in probe.alert_names(svc.metadata.name):
                _unique(problems, seen_alerts, name, doc, ("probes", i, "name"), "alert")
        for path, name in generated_alert_names(svc):
            _unique(problems, seen_alerts, name, doc, path, "alert")
    return problems


def _unique(
    problems: list[Diagnostic],
    seen: dict[str, tuple[Document, PathKey]],
    name: str,
    doc: Document,
    path: PathKey,
    what: str,
) -> None:
    if name in seen:
        first_doc, first_path = seen[name]
        line, _ = first_doc.position(first_path)
        problems.append(
            doc.diagnostic(
                path,
                f"duplicate {what} name {name!r}",
                f"already defined at {first_doc.file}:{line}; rename one",
            )
        )
    else:
        seen[name] = (doc, path)
