"""Help in the editor: JSON Schemas generated from the declarations, checked by an independent
validator (check-jsonschema) against the sample and against broken files."""

from __future__ import annotations

import fnmatch
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

from generator.cli import main
from generator.schemafiles import SCHEMA_FILES, schema_texts, vscode_settings

CHECK_JSONSCHEMA = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))


def test_committed_schemas_and_editor_settings_match_the_declarations():
    """`flywheel schema` rewrites schemas/; this fails when schema.py changed and they did not."""
    committed = {p.name: p.read_text() for p in (REPO / "schemas").glob("*.json")}
    assert committed == schema_texts(), "run: flywheel schema"
    assert json.loads((REPO / ".vscode/settings.json").read_text()) == vscode_settings()


def test_schema_command_writes_every_schema_once(tmp_path, capsys):
    assert main(["schema", "--out", str(tmp_path / "s")]) == 0
    assert capsys.readouterr().out == f"wrote {len(SCHEMA_FILES)} schema(s) to {tmp_path / 's'}\n"
    assert main(["schema", "--out", str(tmp_path / "s")]) == 0
    assert capsys.readouterr().out == f"{tmp_path / 's'} is up to date\n"


def _matches(rel: str, pattern: str) -> bool:
    # VS Code globs: '**/' may match no folder at all.
    return fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern.replace("**/", ""))


def _instances(root: Path, entry, out: Path) -> list[Path]:
    """The files a schema covers; Markdown frontmatter extracted to a YAML file of its own."""
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if not any(_matches(rel, g) for g in entry.files):
            continue
        if entry.frontmatter:
            target = out / entry.name / (rel.replace("/", "__") + ".yml")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(path.read_text(encoding="utf-8").split("---\n", 2)[1], encoding="utf-8")
            path = target
        found.append(path)
    return found


def _validate(schema: str, files: list[Path]) -> subprocess.CompletedProcess:
    assert CHECK_JSONSCHEMA, "check-jsonschema is in the test extra: pip install -e '.[test]'"
    return subprocess.run([CHECK_JSONSCHEMA, "--schemafile", str(REPO / "schemas" / schema), *map(str, files)],
                          capture_output=True, text=True, check=False)


@pytest.mark.parametrize("entry", SCHEMA_FILES, ids=lambda e: e.name)
def test_check_jsonschema_accepts_the_sample(entry, tmp_path):
    files = _instances(REPO, entry, tmp_path)
    assert files, f"the sample has no {entry.name} file to validate"
    done = _validate(f"{entry.name}.schema.json", files)
    assert done.returncode == 0, done.stdout + done.stderr


BROKEN = {
    "guide": ("title: T\nsummary: S\nservice_line: cardiology\ntopic: chest-pain\nstage: lern\n"
              "reviewed_by: R\nreviewed_on: 2026-01-01\nauthor: me\n"),
    "story": "title: T\nsummary: S\nservice_line: cardiology\nconsent: C-1\n",  # no champion
    "service-line": "name: X\nsummary: S\ndefault_next_step: booking\ncare_steps: {}\ntopics: {}\n",
    "consent-record": ("story: s\nsigned_on: 2026-01-01\nsigned_by: patient\npurpose: P\nscope: [billboard]\n"
                       "form_ref: F\napproved_fingerprint: sha256:x\n"),
    "champions": "Ana_B: {name: Ana}\nsam: {nickname: Sam}\n",
    "practice": "name: X\nphone: '1'\n",
}


@pytest.mark.parametrize("entry", SCHEMA_FILES, ids=lambda e: e.name)
def test_check_jsonschema_refuses_a_broken_file(entry, tmp_path):
    broken = tmp_path / f"broken-{entry.name}.yml"
    broken.write_text(BROKEN[entry.name])
    done = _validate(f"{entry.name}.schema.json", [broken])
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Schema validation errors were encountered" in done.stdout + done.stderr


def test_editor_settings_cover_every_yaml_file_of_the_sample():
    patterns = [g for globs in vscode_settings()["yaml.schemas"].values() for g in globs]
    yaml_files = [p.relative_to(REPO).as_posix() for folder in ("service_lines", "consent")
                  for p in (REPO / folder).rglob("*.yml")] + ["practice.yml", "content/champions.yml"]
    assert [f for f in yaml_files if not any(_matches(f, g) for g in patterns)] == []
