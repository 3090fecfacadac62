"""Specs, templates and the output folder are untrusted input (issue 17, docs/security.md).

obsgen compiles them and nothing more: it reads no file outside the specs folder, runs no
code from a template, writes nowhere outside --out, and reports every environment problem
in one line (exit 3). The tests plant a secret outside the specs and check that it never
reaches the output, stdout or stderr.

The spec cases with exact messages live in tests/errors/ (run by test_errors.py); the
environment cases in tests/errors/environment/<case>/expected.txt, set up here (ENVIRONMENT).
"""

from __future__ import annotations

import builtins
import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from obsgen import cli
from tests.conftest import ROOT

ERRORS = ROOT / "tests" / "errors"
ENVIRONMENT_CASES = ERRORS / "environment"
BASELINE = ROOT / "tests" / "golden" / "ratio-basic" / "specs"
TEMPLATED = ROOT / "tests" / "golden" / "plain-alerts" / "specs"
SECRET = "SECRET-OUTSIDE-THE-SPECS"


def run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def tree(folder: Path) -> dict[str, str | bytes]:
    """Every entry below `folder`, links by their target (never followed), files by bytes."""
    found: dict[str, str | bytes] = {}
    if folder.is_symlink():
        return {"": f"-> {os.readlink(folder)}"}
    if folder.is_file():
        return {"": folder.read_bytes()}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = f"-> {os.readlink(path)}"
            elif path.is_file():
                found[rel] = path.read_bytes()
    return found


def leaked(folder: Path) -> list[str]:
    """Files below `folder` (links not followed) holding the secret."""
    return [rel for rel, data in tree(folder).items()
            if isinstance(data, bytes) and SECRET.encode() in data]


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path as the working directory, with specs/ (a valid project) and the secret
    outside it, in secret.txt."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(BASELINE, tmp_path / "specs")
    (tmp_path / "secret.txt").write_text(f"{SECRET}\n")
    return tmp_path


def service(name: str, description: str = "A service.") -> str:
    return (f"apiVersion: obsgen/v1\nkind: Service\nmetadata:\n  name: {name}\n  team: web\n"
            f"  description: {description}\n")


# --- nothing outside the specs reaches the output --------------------------------------------

ALERT = ("{{ apiVersion: 'obsgen/v1', kind: 'Service',\n"
         "  metadata: {{ name: 'leak', team: 'web', description: 'Leaks.' }},\n"
         "  alerts: [{{ name: 'LeakDown', expr: 'up{{job=\"leak\"}} == 0', 'for': '5m',\n"
         "    severity: 'page', description: 'Down.',\n"
         "    summary: std.strReplace({}, '\\n', ' ') }}] }}\n")
OUT_OF_SPECS = ("leads outside the specs folder — obsgen reads nothing outside the specs folder: "
                "move the file inside it")
ABSOLUTE = ("is an absolute path — import by a path relative to the importing file, inside the "
            "specs folder (library folders: Settings.jsonnet_library_paths)")
LEAKS = {  # form: (the summary's Jsonnet, the message)
    "importstr-parent": ("importstr '../secret.txt'",
                         f'specs/leak.jsonnet:5:29: importstr "../secret.txt" {OUT_OF_SPECS}'),
    "importstr-absolute": ("importstr '/{secret}'",
                           'specs/leak.jsonnet:5:29: importstr "/{secret}" ' + ABSOLUTE),
    "importstr-environ": ("std.substr(importstr '/proc/self/environ', 0, 200)",
                          f'specs/leak.jsonnet:5:40: importstr "/proc/self/environ" {ABSOLUTE}'),
    "importbin": ("std.join(',', std.map(std.toString, importbin '../secret.txt'))",
                  f'specs/leak.jsonnet:5:65: importbin "../secret.txt" {OUT_OF_SPECS}'),
    "import": ("(import '../secret.libsonnet').token",
               f'specs/leak.jsonnet:5:30: import "../secret.libsonnet" {OUT_OF_SPECS}'),
    "import-in-a-library": ("(import 'lib/leak.libsonnet').token",
                            'specs/lib/leak.libsonnet:1:10: importstr "../../secret.txt" '
                            + OUT_OF_SPECS),
}


@pytest.mark.parametrize("form", sorted(LEAKS))
def test_nothing_outside_the_specs_reaches_the_output(
    form: str, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each Jsonnet import form, at a file outside the specs folder: a located error (exit 2,
    nothing written), and the secret appears nowhere."""
    (work / "secret.libsonnet").write_text(f"{{ token: '{SECRET}' }}\n")
    (work / "specs" / "lib").mkdir()
    (work / "specs" / "lib" / "leak.libsonnet").write_text(
        "{ token: importstr '../../secret.txt' }\n")
    attack, message = (text.format(secret=str(work / "secret.txt").lstrip("/"))
                       for text in LEAKS[form])
    (work / "specs" / "leak.jsonnet").write_text(ALERT.format(attack))
    code, out, err = run("generate", capsys=capsys)
    assert (code, err) == (2, f"{message}\n1 problem found; nothing was written\n")
    assert SECRET not in out + err and not (work / "generated").exists()
    assert str(list(SECRET.encode())).strip("[]").replace(" ", "") not in out + err
    assert "PATH=" not in out + err


def test_nothing_outside_reaches_a_dashboard(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "specs" / "web.dashboard.jsonnet").write_text(
        "{ panels: [{ type: 'text', title: importstr '../secret.txt' }] }\n")
    (work / "specs" / "web.yaml").write_text(
        service("web") + "dashboards:\n  - title: Board\n    jsonnet: web.dashboard.jsonnet\n")
    code, out, err = run("generate", capsys=capsys)
    assert (code, err) == (2, (
        "specs/web.yaml:9:14: dashboards[0].jsonnet: specs/web.dashboard.jsonnet:1:35: importstr "
        "\"../secret.txt\" leads outside the specs folder — obsgen reads nothing outside the specs "
        "folder: move the file inside it\n1 problem found; nothing was written\n"))
    assert SECRET not in out and not (work / "generated").exists()


def test_no_environment_variable_reaches_jsonnet(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OBSGEN_DEPLOY_TOKEN", SECRET)
    (work / "specs" / "leak.jsonnet").write_text(
        "{ apiVersion: 'obsgen/v1', kind: 'Service',\n"
        "  metadata: { name: 'leak', team: 'web', description: std.extVar('OBSGEN_DEPLOY_TOKEN')\n"
        "} }\n")
    code, out, err = run("generate", capsys=capsys)
    assert code == 2
    assert err == (
        "specs/leak.jsonnet:2:55: Jsonnet error: RUNTIME ERROR: undefined external variable: "
        "OBSGEN_DEPLOY_TOKEN — obsgen declares no external variables: write the value in the "
        "spec, or import it from a file in the specs folder\n"
        "1 problem found; nothing was written\n")
    assert SECRET not in out + err and not (work / "generated").exists()


# --- links in the specs folder -------------------------------------------------------------

LINK_OUT = ("is a symbolic link leading outside the specs folder — obsgen follows no link out "
            "of the specs folder: copy the {} inside it")


def test_a_spec_file_linking_outside_is_refused_not_read(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "outside.yaml").write_text(service("leak", SECRET))
    (work / "specs" / "leak.yaml").symlink_to("../outside.yaml")
    code, out, err = run("generate", capsys=capsys)
    assert (code, err) == (2, f"specs/leak.yaml:1:1: this file {LINK_OUT.format('file')}\n"
                              "1 problem found; nothing was written\n")
    assert SECRET not in out and not (work / "generated").exists()


def test_a_spec_file_linking_inside_is_read(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "specs" / "shared").mkdir()
    (work / "specs" / "shared" / ".web.yaml").write_text(service("web"))  # hidden: not found
    (work / "specs" / "web.yaml").symlink_to("shared/.web.yaml")
    code, _, err = run("validate", capsys=capsys)
    assert code == 2 and "specs/web.yaml:1:1: this file is hidden or inside a hidden folder" in err
    (work / "specs" / "web.yaml").unlink()
    (work / "specs" / "shared" / "web.txt").write_text(service("web"))
    (work / "specs" / "web.yaml").symlink_to("shared/web.txt")
    code, out, _ = run("validate", capsys=capsys)
    assert code == 0 and "2 documents valid" in out


def test_a_specs_folder_that_is_a_link_is_refused(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "specs").rename(work / "real-specs")
    (work / "specs").symlink_to("real-specs")
    code, _, err = run("generate", capsys=capsys)
    assert (code, err) == (3, "obsgen: specs: a symbolic link — obsgen reads the specs from no "
                              "link: pass the real folder as --specs, or replace the link with "
                              "the folder\n")
    assert run("generate", "--specs", "real-specs", capsys=capsys)[0] == 0
    (work / "repo").symlink_to(".")
    code, _, err = run("validate", "--specs", "repo/real-specs", capsys=capsys)
    assert (code, err) == (3, "obsgen: repo (on the way to repo/real-specs): a symbolic link — "
                              "obsgen reads the specs from no link: pass the real folder as "
                              "--specs, or replace the link with the folder\n")


def test_an_import_through_a_link_leading_outside_is_refused(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "specs" / "data.txt").symlink_to("../secret.txt")
    (work / "specs" / "leak.jsonnet").write_text(
        "{ apiVersion: 'obsgen/v1', kind: 'Service',\n"
        "  metadata: { name: 'leak', team: 'web', description: importstr 'data.txt' } }\n")
    code, out, err = run("generate", capsys=capsys)
    assert (code, err) == (2, f'specs/leak.jsonnet:2:55: importstr "data.txt" '
                              f"{LINK_OUT.format('file')}\n1 problem found; nothing was written\n")
    assert SECRET not in out


def test_a_library_folder_linking_outside_is_refused(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "vendor").mkdir()
    (work / "vendor" / "secret.libsonnet").write_text(f"'{SECRET}'\n")
    (work / "specs" / "vendor").symlink_to("../vendor")
    (work / "specs" / "settings.yaml").write_text(
        "apiVersion: obsgen/v1\nkind: Settings\njsonnet_library_paths: [vendor]\n")
    (work / "specs" / "leak.jsonnet").write_text(
        "{ apiVersion: 'obsgen/v1', kind: 'Service',\n"
        "  metadata: { name: 'leak', team: 'web', description: import 'secret.libsonnet' } }\n")
    code, out, err = run("generate", capsys=capsys)
    assert (code, err) == (2, (
        f"specs/leak.jsonnet:2:55: import \"secret.libsonnet\" is not found beside the importing "
        "file or in a library folder — check the path (library folders: "
        "Settings.jsonnet_library_paths)\n"
        f"specs/settings.yaml:3:25: jsonnet_library_paths[0]: 'vendor' "
        f"{LINK_OUT.format('folder')}\n"
        "2 problems found; nothing was written\n"))
    assert SECRET not in out


def test_a_dashboard_file_linking_outside_is_refused(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "board.dashboard.jsonnet").write_text(f"{{ title: '{SECRET}', panels: [] }}\n")
    (work / "specs" / "board.dashboard.jsonnet").symlink_to("../board.dashboard.jsonnet")
    (work / "specs" / "web.yaml").write_text(
        service("web") + "dashboards:\n  - title: Board\n    jsonnet: board.dashboard.jsonnet\n")
    code, out, err = run("generate", capsys=capsys)
    assert (code, err) == (2, f"specs/web.yaml:9:14: dashboards[0].jsonnet: "
                              f"'board.dashboard.jsonnet' {LINK_OUT.format('file')}\n"
                              "1 problem found; nothing was written\n")
    assert SECRET not in out


# --- Jsonnet library folders (the -J use) --------------------------------------------------


def test_library_folders_serve_specs_and_dashboards(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = work / "specs" / "vendor" / "github.com" / "acme" / "lite"
    lib.mkdir(parents=True)
    (lib / "main.libsonnet").write_text(
        "{ panel(title): { type: 'text', title: title, options: { content: title } } }\n")
    (lib / "example.jsonnet").write_text("{ not: 'a spec' }\n")  # library files are no specs
    (lib / "ci.yaml").write_text("not: a spec\n")
    (work / "specs" / "vendor" / "lite").symlink_to("github.com/acme/lite")  # as jb links them
    (work / "specs" / "settings.yaml").write_text(
        "apiVersion: obsgen/v1\nkind: Settings\njsonnet_library_paths: [vendor]\n")
    (work / "specs" / "boards").mkdir()
    (work / "specs" / "boards" / "web.dashboard.jsonnet").write_text(
        "local lite = import 'lite/main.libsonnet';\n"
        "{ panels: [lite.panel('From the vendored library')] }\n")
    (work / "specs" / "web.jsonnet").write_text(
        "local lite = import 'github.com/acme/lite/main.libsonnet';\n"
        "{ apiVersion: 'obsgen/v1', kind: 'Service',\n"
        "  metadata: { name: 'web', team: 'web', description: lite.panel('x').type },\n"
        "  dashboards: [{ title: 'Lite', jsonnet: 'boards/web.dashboard.jsonnet' }] }\n")
    code, _, err = run("generate", capsys=capsys)
    assert code == 0, err
    board = (work / "generated/grafana/dashboards/web/obsgen-web-lite.json").read_text()
    assert "From the vendored library" in board


# --- runbook templates -----------------------------------------------------------------------


def _templated(work: Path, template: str, name: str = "alert.md.j2") -> Path:
    shutil.rmtree(work / "specs")
    shutil.copytree(TEMPLATED, work / "specs")
    folder = work / "specs" / "templates"
    folder.mkdir()
    (folder / name).write_text(template)
    settings = work / "specs" / "settings.yaml"
    settings.write_text(settings.read_text() + "runbook_templates: templates\n")
    return folder


TEMPLATE_HINT = ("fix the template (variables: see the default templates in obsgen's templates/ "
                 "folder)")


@pytest.mark.parametrize(("attack", "message"), [
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}",
     "access to attribute '__init__' of 'type' object is unsafe."),
    ("{{ page.__class__.__mro__[1].__subclasses__() }}",
     "access to attribute '__class__' of 'dict' object is unsafe."),
    ("{{ lipsum.__globals__['os'].popen('id').read() }}",
     "access to attribute '__globals__' of 'function' object is unsafe."),
    ("{% set x = page.runbook.checks.append('x') %}",
     "access to attribute 'append' of 'list' object is unsafe."),
])
def test_templates_run_in_the_sandbox(
    attack: str, message: str, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _templated(work, (ROOT / "templates" / "alert.md.j2").read_text() + attack + "\n")
    line = len((ROOT / "templates" / "alert.md.j2").read_text().splitlines()) + 1
    code, out, err = run("generate", capsys=capsys)
    assert (code, err) == (2, f"specs/templates/alert.md.j2:{line}:1: template error: {message} "
                              f"— {TEMPLATE_HINT}\n1 problem found; nothing was written\n")
    assert "uid=" not in out + err and not (work / "generated").exists()


LINKED_TEMPLATE = ("template error: {} is a symbolic link leading outside the templates folder — "
                   "obsgen follows no link out of the templates folder: copy the template inside "
                   "it")


def test_a_template_linking_outside_is_refused(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _templated(work, "unused\n", "unused.md.j2")
    (folder / "alert.md.j2").symlink_to("../../secret.txt")
    code, out, err = run("generate", capsys=capsys)
    assert (code, err) == (2, "specs/templates/alert.md.j2:1:1: "
                              f"{LINKED_TEMPLATE.format('alert.md.j2')}\n"
                              "1 problem found; nothing was written\n")
    assert SECRET not in out


def test_an_included_file_linking_outside_is_refused(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _templated(work, "{% include 'notes.md' %}\n")
    (folder / "notes.md").symlink_to("../../secret.txt")
    code, out, err = run("generate", capsys=capsys)
    assert (code, err) == (2, f"specs/templates/notes.md:1:1: {LINKED_TEMPLATE.format('notes.md')}"
                              "\n1 problem found; nothing was written\n")
    assert SECRET not in out


def test_a_templates_folder_linking_outside_is_refused(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _templated(work, "{{ page.name }}\n")
    shutil.move(folder, work / "templates")
    folder.symlink_to("../templates")
    code, _, err = run("generate", capsys=capsys)
    assert (code, err) == (2, f"specs/settings.yaml:5:20: runbook_templates: 'templates' "
                              f"{LINK_OUT.format('folder')}\n"
                              "1 problem found; nothing was written\n")
    folder.unlink()  # the same override inside the specs folder keeps working
    shutil.move(work / "templates", folder)
    (folder / "alert.md.j2").write_text("# {{ page.name }} (ours)\n")
    assert run("generate", capsys=capsys)[0] == 0
    pages = [p.read_text() for p in (work / "generated" / "runbooks").rglob("*.md")]
    assert any("(ours)" in page for page in pages)


# --- the output folder -----------------------------------------------------------------------


def test_a_folder_link_in_the_output_is_not_written_through(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's case: generated/runbooks/<service> replaced by a link to a folder outside."""
    assert run("generate", capsys=capsys)[0] == 0
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(work / "generated" / "runbooks" / "checkout")
    (work / "generated" / "runbooks" / "checkout").symlink_to("../../elsewhere")
    before = tree(work / "generated")
    code, _, err = run("generate", capsys=capsys)
    assert (code, err) == (3, "obsgen: refusing to follow the symbolic link "
                              "generated/runbooks/checkout in the output folder — obsgen writes "
                              "through no link: delete it (obsgen makes real folders and files), "
                              "then generate again\n")
    assert list(elsewhere.iterdir()) == [] and tree(work / "generated") == before
    assert run("check", capsys=capsys)[0] == 3  # check reads through no link either


def test_a_stale_owned_file_behind_a_link_is_not_deleted(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The manifest lists runbooks/checkout/*.md; the specs no longer produce them and the
    folder is now a link: deleting them would delete files outside."""
    assert run("generate", capsys=capsys)[0] == 0
    runbooks = work / "generated" / "runbooks" / "checkout"
    victim = work / "victim"
    shutil.copytree(runbooks, victim)
    shutil.rmtree(runbooks)
    runbooks.symlink_to("../../victim")
    (work / "specs" / "checkout.yaml").write_text(service("checkout"))
    code, _, err = run("generate", capsys=capsys)
    assert code == 3 and "generated/runbooks/checkout" in err
    assert sorted(p.name for p in victim.iterdir()) == [
        "CheckoutAvailabilityBudgetBurn.md", "CheckoutAvailabilityBurnRate.md",
        "CheckoutAvailabilitySLINoData.md", "README.md"]


def test_a_planted_temporary_link_is_replaced_not_followed(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = work / "generated" / "prometheus" / "rules"
    rules.mkdir(parents=True)
    target = work / "elsewhere.txt"
    target.write_text("untouched\n")
    (rules / f".checkout.availability.rules.yaml.obsgen-tmp-{os.getpid()}").symlink_to(target)
    assert run("generate", capsys=capsys)[0] == 0
    assert target.read_text() == "untouched\n"
    assert "alert: CheckoutAvailabilityBurnRate" in (
        rules / "checkout.availability.rules.yaml").read_text()


# --- environment problems: one line, exit 3, nothing written (tests/errors/environment) ----


def _generated(work: Path) -> None:
    assert cli.main(["generate"]) == 0


def _out_is_a_file(work: Path) -> None:
    (work / "generated").write_text("not a folder\n")


def _out_below_a_file(work: Path) -> None:
    (work / "notes.txt").write_text("not a folder\n")


def _out_is_a_link(work: Path) -> None:
    (work / "elsewhere").mkdir()
    (work / "generated").symlink_to("elsewhere")


def _out_file_link(work: Path) -> None:
    _generated(work)
    (work / "elsewhere.yaml").write_text("mine\n")
    rules = work / "generated" / "prometheus" / "rules" / "checkout.rules.yaml"
    rules.unlink()
    rules.symlink_to("../../../elsewhere.yaml")


def _manifest_link(work: Path) -> None:
    _generated(work)
    manifest = work / "generated" / ".obsgen-manifest.json"
    shutil.move(manifest, work / "manifest.json")
    manifest.symlink_to("../manifest.json")


def _manifest_outside(work: Path) -> None:
    _generated(work)
    (work / "victim.txt").write_text("mine\n")
    (work / "generated" / ".obsgen-manifest.json").write_text(
        '{"files": {"../victim.txt": "0"}}\n')


def _file_where_a_folder_goes(work: Path) -> None:
    (work / "generated").mkdir()
    (work / "generated" / "runbooks").write_text("not a folder\n")


def _failing_open(number: int, name: str) -> Callable[[pytest.MonkeyPatch], None]:
    def patch(monkeypatch: pytest.MonkeyPatch) -> None:
        real = builtins.open

        def fake(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if "w" in mode and "obsgen-tmp" in str(file):
                raise OSError(number, name, str(file))
            return real(file, mode, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", fake)
    return patch


def _unreadable_folder(work: Path) -> None:
    (work / "specs" / "private").mkdir()


def _deny_scandir(monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.scandir

    def fake(path: Any = ".") -> Any:
        if os.fsdecode(path).endswith("private"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", fake)


def _deny_reading(suffix: str) -> Callable[[pytest.MonkeyPatch], None]:
    def patch(monkeypatch: pytest.MonkeyPatch) -> None:
        real = Path.read_bytes

        def fake(self: Path) -> bytes:
            if str(self).endswith(suffix):
                raise PermissionError(errno.EACCES, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", fake)
    return patch


def _template_override(work: Path) -> None:
    _templated(work, "# {{ page.name }}\n")


def _deny_template(monkeypatch: pytest.MonkeyPatch) -> None:
    real = builtins.open

    def fake(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if str(file).endswith("specs/templates/alert.md.j2"):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake)


def _nothing(_: Any) -> None:
    pass


ENVIRONMENT: dict[str, tuple[list[str], Callable[[Path], None],
                             Callable[[pytest.MonkeyPatch], None]]] = {
    # case: (command line, setup of the working directory, patch for the run)
    "out-is-a-file": (["generate"], _out_is_a_file, _nothing),
    "check-out-is-a-file": (["check"], _out_is_a_file, _nothing),
    "out-below-a-file": (["generate", "--out", "notes.txt/generated"], _out_below_a_file,
                         _nothing),
    "out-is-a-link": (["generate"], _out_is_a_link, _nothing),
    "out-file-link": (["generate"], _out_file_link, _nothing),
    "manifest-link": (["check"], _manifest_link, _nothing),
    "manifest-outside": (["generate"], _manifest_outside, _nothing),
    "file-where-a-folder-goes": (["generate"], _file_where_a_folder_goes, _nothing),
    "disk-full": (["generate"], _nothing, _failing_open(errno.ENOSPC, "No space left on device")),
    "permission-denied": (["generate"], _nothing, _failing_open(errno.EACCES, "Permission denied")),
    "read-only-file-system": (["generate"], _nothing,
                              _failing_open(errno.EROFS, "Read-only file system")),
    "unreadable-specs-folder": (["validate"], _unreadable_folder, _deny_scandir),
    "unreadable-spec-file": (["validate"], _nothing, _deny_reading("checkout.yaml")),
    "unreadable-output-file": (["check"], _generated, _deny_reading("checkout.rules.yaml")),
    "unreadable-template": (["generate"], _template_override, _deny_template),
}


ENVIRONMENT_NAMES = sorted({*ENVIRONMENT, *(p.name for p in ENVIRONMENT_CASES.iterdir())})


@pytest.mark.parametrize("case", ENVIRONMENT_NAMES)
def test_environment_problem(
    case: str, work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    update_goldens: bool,
) -> None:
    assert case in ENVIRONMENT and (ENVIRONMENT_CASES / case).is_dir(), "a case without a setup"
    args, setup, patch = ENVIRONMENT[case]
    setup(work)
    outside = {p: tree(p) for p in work.iterdir() if p.name != "generated"}
    before = tree(work / "generated")
    patch(monkeypatch)
    code, _, err = run(*args, capsys=capsys)
    monkeypatch.undo()
    expected = ENVIRONMENT_CASES / case / "expected.txt"
    if update_goldens:
        expected.write_text(err)
    assert (code, err) == (3, expected.read_text())
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert tree(work / "generated") == before
    assert {p: tree(p) for p in work.iterdir() if p.name != "generated"} == outside
    assert not [p for p in work.rglob("*") if "obsgen-tmp" in p.name]
