"""The two sides of `obsgen diff`: a specs folder, or the same folder at a git revision.

A revision is read with `git archive` into a temporary folder (the whole tree, so that Jsonnet
imports and runbook templates outside the specs folder resolve as they did then): the working
tree, the index and HEAD are never touched. Both sides are compiled under the head folder's
name, so the DO NOT EDIT headers, which name their spec file, do not differ between the sides.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import replace
from pathlib import Path

from obsgen import api
from obsgen.build import build
from obsgen.errors import EnvironmentProblem, SpecError
from obsgen.review.facts import Side
from obsgen.spec.loader import discover
from obsgen.spec.tree import load_tree
from obsgen.targets import render_all


def compile_side(specs_dir: Path, name: str) -> Side:
    """Load, validate, build and render `specs_dir`, its files named `name/...` (as
    `api.load` names them by the folder); SpecError with every problem, located."""
    if not specs_dir.is_dir():
        raise EnvironmentProblem(f"{specs_dir}: no such folder — pass --specs DIR")
    files = discover(specs_dir)
    if not files:
        raise EnvironmentProblem(f"{specs_dir}: no *.yaml, *.yml or *.jsonnet spec files")
    documents, problems = load_tree(specs_dir, files, name)
    specs, more = api._validated(documents)
    if problems or more:
        raise SpecError([*problems, *more])
    project = build(specs)
    return Side(project=project, files=render_all(project))


def folder_name(specs_dir: Path) -> str:
    return specs_dir.resolve().name or "specs"


def _git(repo: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True,
                              check=False)
    except FileNotFoundError:
        raise EnvironmentProblem("git: not found — install git, or pass --base-specs DIR "
                                 "instead of --base REF") from None
    if done.returncode:
        why = done.stderr.decode(errors="replace").strip().splitlines()
        raise EnvironmentProblem(f"git {' '.join(args[:2])}: {why[-1] if why else 'failed'}"
                                 " — pass a commit, branch or tag of the specs' repository")
    return done.stdout


def _safe(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
    """tarfile's `data` filter, skipping what it refuses (a link to an absolute path, such
    as a committed virtualenv link) instead of failing: specs never need those."""
    try:
        return tarfile.data_filter(member, dest)
    except tarfile.FilterError:
        return None


def compile_revision(specs_dir: Path, ref: str) -> Side:
    """`specs_dir` as it was at git revision `ref` of the repository it lives in."""
    if not specs_dir.is_dir():
        raise EnvironmentProblem(f"{specs_dir}: no such folder — pass --specs DIR")
    top = Path(_git(specs_dir, "rev-parse", "--show-toplevel").decode().strip())
    rel = specs_dir.resolve().relative_to(top.resolve())
    commit = _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    archive = _git(top, "archive", "--format=tar", commit)
    with tempfile.TemporaryDirectory(prefix="obsgen-diff-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter=_safe)
        old = Path(tmp) / rel
        if not old.is_dir():
            raise EnvironmentProblem(f"{rel.as_posix()}: not in revision {ref} — pass a "
                                     f"revision that has the specs folder")
        try:
            return compile_side(old, folder_name(specs_dir))
        except SpecError as exc:
            # Name the file as git does, by revision and path: HEAD~1:specs/edge.yaml:3:5
            raise SpecError(replace(d, file=f"{ref}:{_in_repo(d.file, Path(tmp))}")
                            for d in exc.diagnostics) from None


def _in_repo(file: str, tmp: Path) -> str:
    """A diagnostic's file, relative to the extracted tree when it is inside it."""
    for root in (tmp, tmp.resolve()):
        try:
            return Path(file).relative_to(root).as_posix()
        except ValueError:
            continue
    return file
