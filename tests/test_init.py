"""`flywheel init`: from nothing to a practice's own site, with the theme from the package."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import INIT_OPTIONS as OPTIONS
from helpers import REPO
from helpers import init_project as _init

from generator.assets import THEME_DIR
from generator.cli import build_parser, main
from generator.init import practice_questions


def test_init_writes_content_and_settings_only_and_builds_at_once(tmp_path, capsys):
    root = _init(tmp_path)
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert files == sorted([
        ".github/CODEOWNERS", ".github/workflows/flywheel.yml", ".gitignore", ".vscode/extensions.json",
        ".vscode/settings.json", "README.md", "consent/.gitkeep", "content/champions.yml",
        "content/guides/.gitkeep", "content/stories/.gitkeep", "mkdocs.yml", "practice.yml", "requirements.txt",
        "schemas/champions.schema.json", "schemas/consent-record.schema.json", "schemas/guide.schema.json",
        "schemas/practice.schema.json", "schemas/service-line.schema.json", "schemas/story.schema.json",
        "service_lines/general-care.yml", "static/robots.txt",
    ])
    assert not any(name.endswith(".html") for name in files)  # the theme comes from the package
    capsys.readouterr()
    assert main(["build", "--root", str(root)]) == 0
    home = (root / "site/index.html").read_text()
    assert "Oak Street Clinic" in home
    assert main(["check", "--root", str(root)]) == 0
    assert capsys.readouterr().out.endswith("Published: 0 guides, 0 stories.\nOK: 0 errors, 0 warnings\n")


def test_codeowners_protects_everything_that_decides_what_is_published(tmp_path):
    owners = (_init(tmp_path) / ".github/CODEOWNERS").read_text()
    protected = {line.split()[0] for line in owners.splitlines() if line and not line.startswith("#")}
    for path in ("/consent/", "/practice.yml", "/mkdocs.yml", "/service_lines/", "/campaigns/",
                 "/content/champions.yml", "/.github/", "/.flywheel-cache/", "/requirements.txt",
                 "/static/", "/overrides/",  # copied to the site as they are
                 # rt5: admin/ is published with `admin: true` (a script there runs on the site, as
                 # in a guide), and a file committed into site/ decides what a failed build does
                 "/admin/", "/site/"):
        assert path in protected
    assert "@your-org/compliance" in next(line for line in owners.splitlines() if line.startswith("/consent/"))


def test_requirements_never_name_the_unrelated_pypi_package(tmp_path):
    lines = [line for line in (_init(tmp_path) / "requirements.txt").read_text().splitlines()
             if line and not line.startswith("#")]
    assert len(lines) == 1 and lines[0].startswith("flywheel @ ")
    source = _init(tmp_path / "b", "--flywheel-source", "git+https://github.com/acme/flywheel@v0.1.0")
    assert "flywheel @ git+https://github.com/acme/flywheel@v0.1.0\n" in (source / "requirements.txt").read_text()


def test_init_refuses_a_folder_with_files(tmp_path, capsys):
    target = tmp_path / "oak"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    assert main(["init", str(target), *OPTIONS]) == 1
    assert "already exists and is not empty; flywheel init only creates new projects" in capsys.readouterr().err
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_init_without_a_terminal_names_every_missing_option(tmp_path, capsys):
    assert main(["init", str(tmp_path / "oak"), "--name", "Oak", "--timezone", "America/Denvr"]) == 1
    err = capsys.readouterr().err
    assert "--phone is required: The main phone number." in err
    assert "--timezone: unknown time zone 'America/Denvr'; did you mean 'America/Denver'?" in err
    assert not (tmp_path / "oak").exists()


def test_init_options_are_derived_from_the_practice_model():
    init = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices["init"]
    assert "--emergency-phone" in init.format_help()  # added on first use: they load pydantic
    options = {o for a in init._actions for o in a.option_strings}
    for question in practice_questions():
        assert question.option in options
        parsed = build_parser().parse_args(["init", "oak", question.option, "x"])
        assert getattr(parsed, question.dest) == "x"
    assert {"--emergency-phone", "--emergency-text", "--next-step-label", "--next-step-url"} <= options


def test_init_in_a_terminal_asks_and_asks_again(tmp_path, monkeypatch, capsys):
    from generator.init import create_project

    answers = {"timezone": ["Europe/Londn", "Europe/London"]}
    asked = []

    def ask(question, suggestion):
        key = question.split(" ", 1)[0]
        asked.append(key)
        if key in answers:
            return answers[key].pop(0)
        return suggestion or {"next_step.url": "https://example.org/"}.get(key, f"{key} answer")

    create_project(tmp_path / "p", {}, ask=ask)
    assert asked == ["name", "phone", "address", "hours", "timezone", "timezone", "emergency.phone",
                     "emergency.text", "next_step.label", "next_step.url"]
    assert "unknown time zone 'Europe/Londn'; did you mean 'Europe/London'?; try again" in capsys.readouterr().out
    assert main(["check", "--root", str(tmp_path / "p")]) == 0


def test_plugin_serves_the_package_theme_after_the_practice_custom_dir(tmp_path):
    from mkdocs.config import load_config

    from generator.mkdocs_plugin import use_package_theme

    root = _init(tmp_path)
    config = load_config(str(root / "mkdocs.yml"))
    use_package_theme(config)
    assert config.theme.dirs[0] == str(THEME_DIR)
    (root / "overrides").mkdir()
    (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text().replace("# custom_dir:", "custom_dir:"))
    config = load_config(str(root / "mkdocs.yml"))
    use_package_theme(config)
    use_package_theme(config)  # idempotent: serve reloads the config
    assert config.theme.dirs[:2] == [str(root / "overrides"), str(THEME_DIR)]
    assert config.theme.dirs.count(str(THEME_DIR)) == 1


def test_from_init_to_a_story_published_under_consent(tmp_path, capsys):
    """The README's path, in-process: init, a champion, a story, its proof, consent, build."""
    root = _init(tmp_path)
    r = ["--root", str(root)]
    (root / "content/champions.yml").write_text("maria-l: {name: Maria, bio: Walks every morning.}\n")
    assert main(["new", "story", *r, "--title", "Back on my feet", "--summary", "How I got walking again.",
                 "--champion", "maria-l", "--service-line", "general-care", "--topic", "your-first-visit",
                 "--pull-quote", "They listened.", "--material-connection", "", "--next-step", "scheduling"]) == 0
    story = root / "content/stories/general-care/back-on-my-feet.md"
    story.write_text(story.read_text().replace("TODO: write the story here with the patient, in their words.",
                                               "I could not walk far. Now I walk every morning."))
    assert main(["story", "proof", *r, "content/stories/general-care/back-on-my-feet.md"]) == 0
    fingerprint = capsys.readouterr().out.rsplit("(", 1)[1].rstrip(")\n")
    record = ["consent", "record", *r, "back-on-my-feet", "--signed-on", "2026-11-01", "--expires-on", "2028-11-01",
              "--form-ref", "esign/1", "--identifiers", "first_name"]
    record_parser = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    consent = next(a for a in record_parser.choices["consent"]._actions if isinstance(a, argparse._SubParsersAction))
    if any("--fingerprint" in a.option_strings for a in consent.choices["record"]._actions):
        record += ["--fingerprint", fingerprint]
    assert main(record) == 0
    assert main(["build", *r, "--as-of", "2026-11-20"]) == 0
    page = (root / "site/stories/back-on-my-feet/index.html").read_text()
    assert "Now I walk every morning." in page and "Maria" in page


@pytest.mark.slow
def test_wheel_installs_alone_and_a_new_practice_builds(tmp_path):
    """The package on its own: a wheel, a fresh venv, `flywheel init` and `flywheel build`
    there, with no file from this repository. Uses pip's cache; takes about a minute."""
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(REPO)],
                   check=True, cwd=tmp_path)
    (wheel,) = dist.glob("flywheel-*.whl")
    venv = tmp_path / "venv"
    # No PYTHONPATH anywhere: one naming the repository shows pip this package as installed
    # already, and it installed only the dependencies.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "--quiet", str(wheel)], check=True, env=env)
    flywheel = str(venv / "bin/flywheel")
    work = tmp_path / "elsewhere"
    work.mkdir()
    subprocess.run([flywheel, "init", "oak", *OPTIONS], check=True, cwd=work, env=env, stdin=subprocess.DEVNULL)
    done = subprocess.run([flywheel, "build"], cwd=work / "oak", env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Oak Street Clinic" in (work / "oak/site/index.html").read_text()
    installed = subprocess.run([str(venv / "bin/python"), "-c", "import generator; print(generator.__file__)"],
                               cwd=work, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(installed).parent.joinpath("theme/main.html").is_file()
    assert not Path(installed).is_relative_to(REPO)
    shutil.rmtree(work / "oak/site")


@pytest.mark.parametrize("workflow", ["example", "init"])
def test_the_workflow_fails_a_public_repository_and_still_deploys_a_withdrawal(tmp_path, workflow):
    """GitHub Pages on a free plan needs a public repository, and a public repository shows every
    story, consent record and champion in it to anyone, published or withheld: the gate guards
    the site, not the repository. Both workflows (the example and `flywheel init`'s) have a job
    that fails while the repository is public, or its visibility cannot be read, and that the
    build and deploy jobs do not wait for, so a withdrawal is still deployed."""
    import yaml

    path = REPO / "examples/github-actions/flywheel.yml" if workflow == "example" else _init(tmp_path) / ".github/workflows/flywheel.yml"
    checker = Path(sys.executable).parent / "check-jsonschema"
    done = subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows", str(path)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    jobs = yaml.safe_load(path.read_text())["jobs"]
    assert "private" not in str(jobs["build"].get("needs", "")) + str(jobs["deploy"].get("needs", ""))
    script = jobs["private"]["steps"][0]["run"]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for answer, code, expected in (("true", 0, 0), ("false", 0, 1), ("", 1, 1)):
        gh = bin_dir / "gh"  # GitHub's command line, answering as the API would
        gh.write_text(f"#!/bin/sh\n[ \"$1 $2\" = \"api repos/clinic/site\" ] || exit 2\nprintf '{answer}'\nexit {code}\n")
        gh.chmod(0o755)
        run = subprocess.run(["bash", "-e", "-c", script], capture_output=True, text=True, timeout=60, check=False,
                             env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "GITHUB_REPOSITORY": "clinic/site"})
        assert run.returncode == expected, (answer, run.stdout, run.stderr)
        assert ("::error::This repository is public" in run.stdout) == bool(expected)


@pytest.mark.parametrize("workflow", ["example", "init"])
def test_the_workflow_builds_and_uploads_after_a_failed_check(tmp_path, workflow):
    """A step after a failed one is skipped unless it says otherwise: with the check failing on
    any content error, the build never ran, CI's fresh checkout had no site to upload, and a
    story revoked meanwhile stayed live. The build runs unless the run was cancelled, and the
    upload takes the folder the build names."""
    import yaml

    path = REPO / "examples/github-actions/flywheel.yml" if workflow == "example" else _init(tmp_path) / ".github/workflows/flywheel.yml"
    steps = yaml.safe_load(path.read_text())["jobs"]["build"]["steps"]
    names = [step.get("name") for step in steps]
    check, build, upload = (steps[names.index(n)] for n in ("Check content and consent", "Build the site", "Upload the site"))
    assert names.index("Check content and consent") < names.index("Build the site") < names.index("Upload the site")
    assert "if" not in check
    for step in (build, upload):
        assert "!cancelled()" in step["if"] or "always()" in step["if"], step
    assert "steps.build.outputs.site_dir" in upload["with"]["path"] and build["id"] == "build"


@pytest.mark.parametrize("site_dir", [None, "public"])
def test_under_github_actions_the_build_names_the_folder_it_wrote(tmp_path, site_dir, monkeypatch, capsys):
    """`flywheel build` appends `site_dir=<folder>` to GITHUB_OUTPUT, also when it fails (a
    content error, in a fresh checkout: the site without the broken piece is still written and
    must be deployed)."""
    from helpers import copy_sample

    root = copy_sample(tmp_path)
    if site_dir:
        (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text() + f"\nsite_dir: {site_dir}\n")
    guide = root / "content/guides/cardiology/afib-guide.md"
    guide.write_text(guide.read_text().replace("title:", "title: [broken", 1))
    output = tmp_path / "github-output"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    monkeypatch.setenv("GITHUB_WORKSPACE", str(root))
    assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 1
    assert output.read_text() == f"site_dir={site_dir or 'site'}\n"
    assert (root / (site_dir or "site") / "index.html").is_file()
    capsys.readouterr()


@pytest.mark.parametrize("zone", ["America/Denver", "America/Los_Angeles", "Asia/Kolkata", "Australia/Sydney",
                                  "Europe/London", "Pacific/Chatham", "UTC"])
def test_the_workflow_builds_soon_after_every_midnight_where_the_practice_is(tmp_path, zone):
    """A consent that ends today comes off the site with a build; with no commit, only the
    schedule builds. It built once a day at 06:17 UTC: 22:17 the day before in California and
    16:17 in Sydney, so a story whose consent had ended stayed live most of that day. Every day
    of a year, in winter and summer time, a scheduled build now runs within 70 minutes after the
    practice's midnight."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    import yaml

    options = [*OPTIONS]
    options[options.index("America/Denver")] = zone
    target = tmp_path / "oak"
    assert main(["init", str(target), *options]) == 0
    workflow = yaml.safe_load((target / ".github/workflows/flywheel.yml").read_text())
    crons = [entry["cron"] for entry in workflow[True]["schedule"]]  # YAML 1.1 reads the key `on` as True
    runs = [(int(hour), int(cron.split()[0])) for cron in crons for hour in cron.split()[1].split(",")]
    assert all(cron.endswith(" * * *") for cron in crons) and len(runs) <= 2
    day = dt.date(2027, 1, 1)
    while day.year == 2027:
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(zone)).astimezone(dt.timezone.utc)
        starts = [dt.datetime.combine(midnight.date() + dt.timedelta(days=shift), dt.time(hour, minute), tzinfo=dt.timezone.utc)
                  for hour, minute in runs for shift in (0, 1)]
        assert any(dt.timedelta(0) <= start - midnight <= dt.timedelta(minutes=70) for start in starts), (zone, day, crons)
        day += dt.timedelta(days=1)
