"""The command line: each command's output and its documented exit code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from obsgen import api, cli
from tests.conftest import ROOT, snapshot

GOLDEN_SPECS = ROOT / "tests" / "golden" / "ratio-basic" / "specs"


def test_generate_then_check_is_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert cli.main(["generate", "--specs", str(GOLDEN_SPECS), "--out", str(out)]) == 0
    files = len(api.compile_specs(GOLDEN_SPECS))
    assert f"{files} written, 0 removed, 0 unchanged" in capsys.readouterr().out
    assert cli.main(["check", "--specs", str(GOLDEN_SPECS), "--out", str(out)]) == 0


def test_check_exits_1_with_a_diff_when_stale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(GOLDEN_SPECS, specs)
    out = tmp_path / "out"
    cli.main(["generate", "--specs", str(specs), "--out", str(out)])
    spec = specs / "checkout.yaml"
    spec.write_text(spec.read_text().replace("objective: 99.9", "objective: 99.5"))
    before = snapshot(out)
    capsys.readouterr()
    assert cli.main(["check", "--specs", str(specs), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "+        expr: vector(0.995)" in captured.out
    assert "-        expr: vector(0.999)" in captured.out
    assert "is stale: run `make generate`" in captured.err
    assert snapshot(out) == before


def test_missing_specs_folder_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", "--specs", str(tmp_path / "nope")]) == 3
    assert "no such folder" in capsys.readouterr().err


def test_foreign_file_in_the_way_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    (out / "prometheus" / "rules").mkdir(parents=True)
    (out / "prometheus" / "rules" / "checkout.rules.yaml").write_text("mine\n")
    assert cli.main(["generate", "--specs", str(GOLDEN_SPECS), "--out", str(out)]) == 3
    assert "refusing to overwrite" in capsys.readouterr().err
    assert (out / "prometheus" / "rules" / "checkout.rules.yaml").read_text() == "mine\n"


def test_validate_counts_documents(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", "--specs", str(ROOT / "specs")]) == 0
    assert "documents valid" in capsys.readouterr().out


def test_schema_accepts_every_example_and_rejects_a_typo(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import jsonschema

    assert cli.main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    validator = jsonschema.Draft202012Validator(schema)
    documents = [
        doc
        for path in sorted((ROOT / "specs").glob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text())
        if doc
    ]
    assert len(documents) >= 8
    for doc in documents:
        validator.validate(doc)
    bad = {**documents[1], "metadata": {**documents[1]["metadata"], "teem": "x"}}
    assert not validator.is_valid(bad)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("obsgen ")
