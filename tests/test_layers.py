"""The pipeline's packages import only downward (see ARCHITECTURE.md, "Layers").

    helpers   errors durations matchers promql conventions     import only helpers
    spec      load and validate what users write                + helpers
    model     frozen records, no spec objects                   + helpers
    router    Alertmanager's dispatcher over the model          + model
    build     spec -> model                                     + spec, model, router
    proof     when alerts fire                                  + model
    targets   model -> files                                    + model, router, proof
    emit      the only writer                                   + helpers
    lint      the real tools over generated files, semantic lint  + helpers, model, router,
              of the model                                          proof, emit
    api, cli  string the stages together                        anything but dev
    review    `obsgen diff`: two compiled sides compared            api and below (not lint, emit)
    dev       live Prometheus, preview, reference               anything

Every import counts, including the ones inside functions (lazy imports are still
dependencies), so a cycle cannot hide behind a function-level import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "obsgen"
HELPERS = {"errors", "durations", "matchers", "promql", "conventions"}
ALLOWED: dict[str, set[str]] = {
    "helpers": {"helpers"},
    "spec": {"helpers", "spec"},
    "model": {"helpers", "model"},
    "router": {"helpers", "model", "router"},
    "build": {"helpers", "spec", "model", "router", "build"},
    "proof": {"helpers", "model", "proof"},
    "targets": {"helpers", "model", "router", "proof", "targets"},
    "emit": {"helpers", "emit"},
    "lint": {"helpers", "model", "router", "proof", "emit", "lint"},
    "api": {"helpers", "spec", "model", "router", "build", "proof", "targets", "emit", "lint",
            "api", "root"},
    "review": {"helpers", "spec", "model", "router", "build", "proof", "targets", "api",
               "review"},
    "cli": {"helpers", "spec", "model", "router", "build", "proof", "targets", "emit", "lint",
            "api", "review", "cli", "root"},
    "root": {"root", "cli"},
    "dev": {"helpers", "spec", "model", "router", "build", "proof", "targets", "emit", "lint",
            "api", "review", "cli", "dev", "root"},
}


def layer(module: str) -> str:
    """The layer of a dotted module name below obsgen."""
    parts = module.split(".")
    assert parts[0] == "obsgen", module
    if len(parts) == 1 or parts[1] in ("__main__", "__init__"):
        return "root"
    head = parts[1]
    if head in HELPERS:
        return "helpers"
    if head == "templates":
        return "targets"
    assert head in ALLOWED, f"{module}: not in a known layer (add it to tests/test_layers.py)"
    return head


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        found.append((".".join(parts), path))
    return found


def imports(module: str, path: Path) -> set[str]:
    """Every obsgen module `module` imports, at any depth of its code."""
    tree = ast.parse(path.read_text(), str(path))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("obsgen")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            if base.startswith("obsgen"):
                out.add(base)
                # `from obsgen import model` imports the module obsgen.model
                out |= {f"{base}.{a.name}" for a in node.names
                        if (PACKAGE.parent / f"{base}.{a.name}".replace(".", "/")).exists()
                        or (PACKAGE.parent / (f"{base}.{a.name}".replace(".", "/") + ".py"))
                        .exists()}
    return out


ALL = modules()


@pytest.mark.parametrize(("module", "path"), ALL, ids=[m for m, _ in ALL])
def test_imports_go_only_downward(module: str, path: Path) -> None:
    own = layer(module)
    wrong = sorted(f"{target} ({layer(target)})" for target in imports(module, path)
                   if target != "obsgen" and layer(target) not in ALLOWED[own])
    assert not wrong, f"{module} ({own}) imports {', '.join(wrong)}"


def test_the_model_holds_no_spec_objects() -> None:
    """Targets, the proof engine and the router read the model; a pydantic object in it would
    let a target depend on what users write."""
    for module, path in ALL:
        if layer(module) in ("model", "targets", "proof", "router"):
            tree = ast.parse(path.read_text())
            names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
            names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
            assert not any(n.split(".")[0] == "pydantic" for n in names), f"{module}: pydantic"


def test_at_most_twelve_top_level_modules() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top


def test_the_layer_check_catches_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "x.py"
    bad.write_text("def f():\n    from obsgen.build import build\n")
    assert layer(next(iter(imports("obsgen.spec.x", bad)))) not in ALLOWED["spec"]
