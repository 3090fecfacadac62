"""emit: owns only what it wrote, removes what it no longer writes, all-or-nothing."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pytest

from obsgen import emit
from obsgen.errors import EnvironmentProblem
from tests.conftest import snapshot


def _write(out: Path, files: dict[str, str]) -> emit.Changes:
    todo = emit.changes(out, files)
    emit.apply(out, todo)
    return todo


def test_writes_files_and_manifest(tmp_path: Path) -> None:
    _write(tmp_path, {"a/x.yaml": "x\n", "b.yaml": "b\n"})
    assert (tmp_path / "a/x.yaml").read_text() == "x\n"
    assert emit.read_manifest(tmp_path) == {
        "a/x.yaml": emit.digest(b"x\n"),
        "b.yaml": emit.digest(b"b\n"),
    }


def test_removes_files_no_longer_generated_and_empty_folders(tmp_path: Path) -> None:
    _write(tmp_path, {"a/x.yaml": "x\n", "b.yaml": "b\n"})
    todo = _write(tmp_path, {"b.yaml": "b\n"})
    assert todo.delete == ["a/x.yaml"]
    assert not (tmp_path / "a").exists()
    assert set(emit.read_manifest(tmp_path)) == {"b.yaml"}


def test_never_touches_files_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("mine\n")
    _write(tmp_path, {"b.yaml": "b\n"})
    _write(tmp_path, {"c.yaml": "c\n"})
    assert (tmp_path / "README.md").read_text() == "mine\n"


def test_refuses_to_overwrite_a_foreign_file(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text("hand written\n")
    before = snapshot(tmp_path)
    with pytest.raises(
        EnvironmentProblem, match=r"refusing to overwrite .*b\.yaml: obsgen did not generate it"
    ):
        emit.changes(tmp_path, {"b.yaml": "b\n", "c.yaml": "c\n"})
    assert snapshot(tmp_path) == before


def test_adopts_an_identical_foreign_file(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text("b\n")
    todo = _write(tmp_path, {"b.yaml": "b\n"})
    assert todo.unchanged == ["b.yaml"] and "b.yaml" in emit.read_manifest(tmp_path)


def test_overwrites_its_own_file_edited_by_hand(tmp_path: Path) -> None:
    _write(tmp_path, {"b.yaml": "b\n"})
    (tmp_path / "b.yaml").write_text("edited\n")
    _write(tmp_path, {"b.yaml": "b\n"})
    assert (tmp_path / "b.yaml").read_text() == "b\n"


def test_failure_while_staging_leaves_everything_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, {"a.yaml": "old a\n", "gone.yaml": "g\n"})
    before = snapshot(tmp_path)
    real_open = builtins.open
    calls = {"n": 0}

    def failing_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "w" in mode and "obsgen-tmp" in str(file):
            calls["n"] += 1
            if calls["n"] == 2:
                raise OSError(28, "No space left on device")
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", failing_open)
    todo = emit.changes(tmp_path, {"a.yaml": "new a\n", "b.yaml": "b\n", "c/d.yaml": "d\n"})
    with pytest.raises(OSError, match="No space left"):
        emit.apply(tmp_path, todo)
    monkeypatch.undo()
    after = snapshot(tmp_path)
    assert after == before
    assert not [p for p in tmp_path.rglob("*") if "obsgen-tmp" in p.name]


def test_refuses_paths_outside_the_folder(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="outside the output folder"):
        emit.changes(tmp_path, {"../escape.yaml": "x\n"})


def test_stale_report_shows_a_diff(tmp_path: Path) -> None:
    _write(tmp_path, {"b.yaml": "one\ntwo\n", "old.yaml": "o\n"})
    lines = emit.stale_report(tmp_path, {"b.yaml": "one\nthree\n"})
    assert "-two" in lines and "+three" in lines
    assert f"no longer generated: {tmp_path.name}/old.yaml" in lines


def test_refuses_to_write_through_a_linked_folder(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    _write(out, {"a/x.yaml": "x\n"})
    (out / "a" / "x.yaml").unlink()
    (out / "a").rmdir()
    (out / "a").symlink_to(elsewhere)
    before = snapshot(out)
    with pytest.raises(EnvironmentProblem, match=r"refusing to follow the symbolic link .*/a "):
        emit.changes(out, {"a/x.yaml": "x\n"})
    assert snapshot(out) == before and list(elsewhere.iterdir()) == []


def test_refuses_a_manifest_naming_paths_outside(tmp_path: Path) -> None:
    (tmp_path / emit.MANIFEST).write_text('{"files": {"../../etc/x": "0"}}\n')
    with pytest.raises(EnvironmentProblem, match=r"lists '../../etc/x', outside the output"):
        emit.changes(tmp_path, {"b.yaml": "b\n"})
