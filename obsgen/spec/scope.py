"""What a spec may read: its specs folder and the library folders Settings declares.

Specs are untrusted input (docs/security.md). A `ReadScope` answers, for every path a spec
names, imports or links to, whether reading it stays inside the specs folder: no absolute
path, no `..` escape, no symbolic link leading out, no hidden file or folder (`.git`).
Pure path logic; `obsgen.spec.loader` and `obsgen.spec.jsonnet` ask it before reading.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from obsgen.errors import EnvironmentProblem, folders_on_the_way

OUTSIDE = "leads outside the specs folder"
LINK_OUT = "is a symbolic link leading outside the specs folder"
HIDDEN = "is hidden or inside a hidden folder"
REFUSAL_HINTS = {
    OUTSIDE: "obsgen reads nothing outside the specs folder: move the file inside it",
    LINK_OUT: "obsgen follows no link out of the specs folder: copy the file inside it",
    HIDDEN: "obsgen reads no hidden file or folder (such as .git): rename it",
}
FOLDER_HINTS = {
    OUTSIDE: "obsgen reads nothing outside the specs folder: move the folder inside it",
    LINK_OUT: "obsgen follows no link out of the specs folder: copy the folder inside it",
    HIDDEN: "obsgen reads no hidden file or folder (such as .git): rename it",
}


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") and part not in (".", "..") for part in Path(rel).parts)


def lexical_name(path: str | Path) -> str:
    """`path` as shown in messages, without resolving links: relative to the working
    directory when it lies below it."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if _inside(absolute, cwd):
        return Path(os.path.relpath(absolute, cwd)).as_posix()
    return Path(path).as_posix()


@dataclass(frozen=True)
class ReadScope:
    """The files one run may read: below the specs folder `root`, with no link leading out
    of it, none hidden. Jsonnet imports are looked up beside the importing file, then in
    `libraries` (Settings.jsonnet_library_paths, inside the root), first match wins."""

    root: str
    """The specs folder, absolute, as given (links not resolved)."""
    real: str
    """The specs folder with every link resolved."""
    libraries: tuple[str, ...] = ()
    """Absolute paths of the Jsonnet library folders."""

    @classmethod
    def of(cls, folder: Path, libraries: tuple[str, ...] = ()) -> ReadScope:
        return cls(os.path.abspath(folder), os.path.realpath(folder), libraries)

    def refusal(self, path: str | Path) -> str:
        """Why `path` may not be read (OUTSIDE, LINK_OUT or HIDDEN), or "" when it may."""
        lexical = os.path.abspath(path)
        if _inside(lexical, self.root):
            below = os.path.relpath(lexical, self.root)
        elif _inside(lexical, self.real):
            below = os.path.relpath(lexical, self.real)
        else:
            return OUTSIDE
        real = os.path.realpath(lexical)
        if not _inside(real, self.real):
            return LINK_OUT
        if _hidden(below) or _hidden(os.path.relpath(real, self.real)):
            return HIDDEN
        return ""

    def read(self, path: str | Path) -> bytes:
        """The bytes of `path`, which `refusal` allowed: opened by its resolved name, so no
        link is followed on the way (OSError as the operating system reports it)."""
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(os.path.realpath(path), flags), "rb") as handle:
            return handle.read()

    def in_library(self, path: str | Path) -> bool:
        lexical = os.path.abspath(path)
        return any(_inside(lexical, folder) for folder in self.libraries)


_SCOPES: dict[str, ReadScope] = {}
"""The scope of each specs folder loaded by `load_tree`, by its resolved path: Jsonnet
dashboards are evaluated during validation and again by the build, with the same scope."""


def scope_for(path: str | Path) -> ReadScope:
    """The scope of the loaded specs folder holding `path` (the innermost one), or for a file
    loaded some other way (`load_file`, `load_yaml_text`) its own folder."""
    lexical = os.path.abspath(path)
    found = [s for s in _SCOPES.values() if _inside(lexical, s.root) or _inside(lexical, s.real)]
    if found:
        return max(found, key=lambda s: len(s.root))
    return ReadScope.of(Path(lexical).parent)


def _unreadable_folder(exc: OSError) -> None:
    where = lexical_name(exc.filename) if exc.filename else "the specs folder"
    raise EnvironmentProblem(
        f"{where}: cannot read the folder ({exc.strerror}) — make it readable, or move it out "
        "of the specs folder"
    )


def unreadable(path: str | Path, exc: OSError) -> EnvironmentProblem:
    """The environment problem of a spec, template or Jsonnet file that cannot be read."""
    return EnvironmentProblem(
        f"{lexical_name(path)}: cannot read the file ({exc.strerror or exc}) — make it "
        "readable, or move it out of the specs folder"
    )


def _refuse_linked_folder(specs_dir: Path) -> None:
    """The specs folder must not be a symbolic link — itself, or a folder on the way to it
    below the working directory (those come with the repository, like the specs)."""
    absolute = Path(os.path.abspath(specs_dir))
    way = folders_on_the_way(specs_dir)
    for step in way:
        if step.is_symlink():
            shown = lexical_name(step)
            if step != absolute:
                shown = f"{shown} (on the way to {specs_dir})"
            raise EnvironmentProblem(
                f"{shown}: a symbolic link — obsgen reads the specs from no link: pass the real "
                "folder as --specs, or replace the link with the folder")
