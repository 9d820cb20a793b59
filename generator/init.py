"""`flywheel init DIR`: a new practice's project, with no sample content.

The practice's settings are asked for in a terminal, or given as options (`--name`,
`--phone`, ...); both are derived from the `Practice` model, so a new key in
`generator/schema.py` is asked for without a change here. The project holds content and
settings only: the theme overrides, templates and styles come from the installed package.

`init` only creates: it refuses a folder that already holds files.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .dates import available_timezones, time_zone
from .errors import FlywheelError, did_you_mean
from .schema import Practice, Schema, ServiceLine
from .yamlgen import commented_yaml, nested_model

# Suggested answers for keys that are the same for most practices in the US.
SUGGESTED = {
    "emergency.phone": "911",
    "emergency.text": "If you think you are having a medical emergency, call 911.",
    "next_step.label": "Book a visit",
}
PLACEHOLDER_SOURCE = "git+https://github.com/your-org/flywheel@v{version}"


@dataclass(frozen=True)
class Question:
    """One practice.yml key a person decides: dotted key, option name, description."""

    key: str
    description: str

    @property
    def option(self) -> str:
        return "--" + self.key.replace(".", "-").replace("_", "-")

    @property
    def dest(self) -> str:
        return "practice_" + self.key.replace(".", "_")


def practice_questions(model: type[Schema] = Practice, prefix: str = "") -> list[Question]:
    """Every required text key of practice.yml, nested ones included (emergency.phone)."""
    found: list[Question] = []
    for name, info in model.model_fields.items():
        inner = nested_model(model, name)
        if inner is not None and info.is_required():
            found += practice_questions(inner, f"{prefix}{name}.")
        elif info.is_required():
            found.append(Question(prefix + name, info.description or name))
    return found


def _nest(flat: dict[str, str]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        *parents, last = key.split(".")
        place = nested
        for parent in parents:
            place = place.setdefault(parent, {})
        place[last] = value
    return nested


def answer_problem(key: str, value: str) -> str | None:
    """Why an answer cannot be used, in a sentence, or None when it is fine."""
    if not value.strip():
        return "it must not be empty"
    if key == "timezone" and time_zone(value) is None:
        hint = did_you_mean(value, available_timezones())
        return f"unknown time zone '{value}'" + (f"; {hint}" if hint else "; use an IANA name such as America/Chicago")
    if key.endswith("url") and not (value.startswith("https://") or (value.startswith("/") and not value.startswith("//"))):
        return f"'{value}' is not an https: URL or a site-relative path starting with '/'"
    return None


def collect_answers(given: dict[str, str | None], ask: Callable[[str, str | None], str] | None) -> dict[str, Any]:
    """practice.yml's values from options, else from `ask(question, suggestion)`; a bad answer
    in a terminal is asked again, without one it is an error naming the option."""
    flat: dict[str, str] = {}
    problems: list[str] = []
    for question in practice_questions():
        value = given.get(question.dest)
        while True:
            if value is None and ask is not None:
                value = ask(f"{question.key} ({question.description})", SUGGESTED.get(question.key))
            if value is None:
                value = SUGGESTED.get(question.key)
            if value is None:
                problems.append(f"{question.option} is required: {question.description}")
                break
            why = answer_problem(question.key, value)
            if why is None:
                flat[question.key] = value.strip()
                break
            if ask is None:
                problems.append(f"{question.option}: {why}")
                break
            print(f"  {why}; try again")
            value = None
    if problems:
        raise FlywheelError("cannot create the project:\n  " + "\n  ".join(problems))
    values = _nest(flat) | {"third_parties": []}
    try:
        Practice.model_validate(values)
    except ValidationError as exc:  # a key added to the schema that the questions cannot fill
        raise FlywheelError(f"practice.yml would not be valid: {exc}") from None
    return values


def flywheel_requirement(source: str | None) -> tuple[str, bool]:
    """The pip requirement CI installs Flywheel with, and whether it is a guess to replace.

    A plain `flywheel` would install an unrelated PyPI package of that name, so without a
    known source the line points at a placeholder repository the team must change."""
    if source:
        return f"flywheel @ {source}", False
    try:
        dist = metadata.distribution("flywheel")
        direct = json.loads(dist.read_text("direct_url.json") or "{}")
        version = dist.version
    except (metadata.PackageNotFoundError, json.JSONDecodeError):
        direct, version = {}, "0.1.0"
    vcs = direct.get("vcs_info")
    if vcs and direct.get("url", "").startswith("https://"):
        return f"flywheel @ {vcs.get('vcs', 'git')}+{direct['url']}@{vcs.get('commit_id', 'main')}", False
    return f"flywheel @ {PLACEHOLDER_SOURCE.format(version=version)}", True


def service_line_values(practice: dict[str, Any]) -> dict[str, Any]:
    """A first service line that builds at once, from the practice's own next step."""
    url = practice["next_step"]["url"]
    return {
        "name": "General care",
        "summary": f"Everyday care for adults and children at {practice['name']}.",
        "default_next_step": "scheduling",
        "care_steps": {
            "intake": {"label": "Start your new patient form", "url": url},
            "scheduling": {"label": practice["next_step"]["label"], "url": url, "phone": practice["phone"]},
        },
        "topics": {"your-first-visit": {"title": "Your first visit"}},
        "review_interval_days": 365,
    }


def _yaml_file(header: str, model: type[Schema], values: dict[str, Any]) -> str:
    return header + "\n".join(commented_yaml(model, values)) + "\n"


MKDOCS_YML = """\
# Site settings. The flywheel plugin generates every page and the navigation from content/,
# service_lines/ and consent/, and brings its own theme overrides; nothing here lists pages.
site_name: {name}
site_url: {site_url}
docs_dir: static               # files copied to the site as they are (robots.txt, images)
site_dir: site

theme:
  name: material
  language: en
  # System fonts: no Google Fonts request, so no third party learns who reads which page.
  font: false
  features:
    - navigation.indexes
    - navigation.prune
  # custom_dir: overrides      # your own template overrides win over Flywheel's, file by file

plugins:
  - search
  - flywheel

markdown_extensions:
  - tables
  - toc:
      permalink: false
  - admonition
"""

GITIGNORE = """\
# Generated: never committed. Proofs and reports hold unpublished text, and a build's
# staging folder beside site/ (.site.staging-*, left by a build that could not remove it)
# may hold pages of a story withheld since.
site/
.site.*/
proofs/
report/
.flywheel-cache/
.venv/
__pycache__/
"""

CODEOWNERS = """\
# Who must approve a change. Replace the teams with your organisation's, and turn on
# "Require review from Code Owners" for the main branch. Everything that decides what is
# published is here: consent, the practice's settings, the site settings, the service
# lines, campaigns, the champions, the build itself and the generator version it installs,
# and the files copied to the site as they are (static/, the docs_dir, overrides/, and the
# web editor's admin/ when mkdocs.yml publishes it). site/ is build output, never committed.
*                          {content}
/consent/                  {compliance}
/practice.yml              {leads} {compliance}
/mkdocs.yml                {leads} {compliance}
/requirements.txt          {leads} {compliance}
/service_lines/            {leads}
/campaigns/                {leads} {compliance}
/content/champions.yml     {content} {compliance}
/content/stories/          {content} {compliance}
/.github/                  {leads} {compliance}
/.flywheel-cache/          {leads} {compliance}
/.pre-commit-config.yaml   {leads}
/schemas/                  {leads}
/static/                   {leads} {compliance}
/overrides/                {leads} {compliance}
/admin/                    {leads} {compliance}
/site/                     {leads} {compliance}
# Python code at the project's root runs when a build starts here with `python -m mkdocs`
# (this folder comes first on Python's path: a committed `yaml.py` is imported in place of
# PyYAML, before any check). Build with `flywheel build` or `mkdocs build`; and these need review.
/*.py                      {leads} {compliance}
/*.pyc                     {leads} {compliance}
/*.so                      {leads} {compliance}
/*/__init__.py             {leads} {compliance}
"""

WORKFLOW = """\
# Checks the content on every push and pull request (annotations point at file and line),
# builds the site with --strict, and on the main branch publishes site/ to GitHub Pages.
# Turn on Pages with "GitHub Actions" as the source in the repository's settings.
name: Flywheel site

on:
  push:
    branches: [main]
  pull_request:
  schedule:
    - cron: "17 6 * * *"   # daily: consents expire and reviews fall due even without a commit

permissions:
  contents: read

concurrency:
  group: flywheel-${{ github.ref }}
  cancel-in-progress: true

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # the whole history: a revocation once committed is final (docs/security.md)
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
          cache: pip
      - name: Install Flywheel
        run: python -m pip install -r requirements.txt
      - name: Check content and consent
        run: flywheel check --format github
      # Also after a failed check: the build withdraws what the gate withholds today whatever
      # else is wrong, and a step after a failed one runs only when told to.
      - name: Build the site
        id: build
        if: ${{ !cancelled() }}
        run: flywheel build --strict
      # Also after a failed build: the site never holds a withheld story, and a revocation must
      # reach the live site even while an unrelated error or warning fails the build. The build
      # names the folder it wrote (mkdocs.yml's site_dir may not be site/).
      - name: Upload the site
        if: ${{ !cancelled() && github.ref == 'refs/heads/main' && github.event_name != 'pull_request' && (steps.build.outputs.site_dir != '' || hashFiles('site/index.html') != '') }}
        uses: actions/upload-pages-artifact@v3
        with:
          path: ${{ steps.build.outputs.site_dir || 'site' }}

  deploy:
    needs: build
    if: always() && needs.build.result != 'cancelled' && github.ref == 'refs/heads/main' && github.event_name != 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4

  # Stories, consent records and champions live in this repository: anyone who can read it
  # reads every withheld story and every patient's consent, whatever the site shows. A public
  # repository fails this job on every run; the site is still built and deployed by the jobs
  # above, so a withdrawal still reaches it. (GitHub Pages from a private repository needs a
  # paid plan; docs/security.md.)
  private:
    runs-on: ubuntu-latest
    steps:
      - name: Refuse a public repository
        env:
          GH_TOKEN: ${{ github.token }}
        run: |
          if [ "$(gh api "repos/$GITHUB_REPOSITORY" --jq .private)" != "true" ]; then
            echo "::error::This repository is public (or its visibility could not be read): every story, consent record and champion in it can be read by anyone, published or not. Make it private: Settings > General > Danger Zone > Change visibility."
            exit 1
          fi
"""

README = """\
# {name}: website content

The content of {name}'s website, built with Flywheel.

    python -m venv .venv && . .venv/bin/activate
    pip install -r requirements.txt
    flywheel check        # every problem, with file and line
    flywheel serve        # preview at http://127.0.0.1:8000/
    flywheel build        # the site, in site/

- `practice.yml`: the practice's name, contacts and time zone
- `service_lines/`: one file per service line; copy `general-care.yml` or run `flywheel new service-line`
- `content/guides/`: guides (`flywheel new guide`)
- `content/stories/` and `content/champions.yml`: patient stories and their champions (`flywheel new story`)
- `consent/`: one record per signed authorization (`flywheel consent record`); compliance only
- `schemas/`: JSON Schemas for editors (`flywheel schema` rewrites them)
"""


DAILY = '    - cron: "17 6 * * *"   # daily: consents expire and reviews fall due even without a commit'


def daily_schedule(zone_name: str | None, year: int = 2026) -> str:
    """The workflow's daily runs, just after the practice's midnight (00:17) in every season.
    A consent ends on its `expires_on` day in the practice's time zone, and a scheduled run is
    the only build a day without a commit gets: one fixed hour in UTC (06:17) came after a
    Chicago midnight but at 15:17 in Tokyo and 20:17 the evening before in Honolulu, so a story
    stayed live for most of the day its consent ended there (rt10). Cron reads UTC: each
    offset the zone keeps through the year gives one hour (two where clocks change)."""
    zone = time_zone(zone_name) if zone_name else None
    if zone is None:
        return DAILY
    times: dict[int, set[int]] = {}
    for month in range(1, 13):
        moment = dt.datetime(year, month, 15, 0, 17, tzinfo=zone).astimezone(dt.timezone.utc)
        times.setdefault(moment.minute, set()).add(moment.hour)
    lines = [f'    - cron: "{minute} {",".join(map(str, sorted(hours)))} * * *"'
             for minute, hours in sorted(times.items())]
    lines[0] += f"   # daily, just after midnight in {zone_name}: consents expire even without a commit"
    return "\n".join(lines)


def project_files(practice: dict[str, Any], *, site_url: str, requirement: str, owners: dict[str, str]) -> dict[str, str]:
    """Every file of a new project, by path."""
    header = (
        "# The practice's settings; every page uses them. Practice leads edit this file.\n"
        "# Every key is described in the frontmatter reference (flywheel's docs/reference.md).\n"
    )
    line_header = (
        "# A service line: its care steps and its topics. Copy this file to add another\n"
        "# (or run `flywheel new service-line`); the file name is the service line's id.\n"
    )
    files = {
        "practice.yml": _yaml_file(header, Practice, practice),
        "service_lines/general-care.yml": _yaml_file(line_header, ServiceLine, service_line_values(practice)),
        "content/champions.yml": "# Patient champions: id -> {name, bio}. `flywheel new story` lists them.\n{}\n",
        "content/guides/.gitkeep": "",
        "content/stories/.gitkeep": "",
        "consent/.gitkeep": "",
        "static/robots.txt": "User-agent: *\nAllow: /\n",
        "mkdocs.yml": MKDOCS_YML.format(name=json.dumps(practice["name"]), site_url=site_url or "''"),
        "requirements.txt": (
            "# Where this project installs Flywheel from (CI uses this file). Pin a release.\n"
            "# Never a bare 'flywheel': PyPI has an unrelated package of that name.\n"
            f"{requirement}\n"
        ),
        ".gitignore": GITIGNORE,
        ".github/workflows/flywheel.yml": WORKFLOW.replace(DAILY, daily_schedule(practice.get("timezone"))),
        ".github/CODEOWNERS": CODEOWNERS.format(**owners),
        "README.md": README.format(name=practice["name"]),
    }
    return files


def create_project(
    target: Path,
    given: dict[str, str | None],
    *,
    ask: Callable[[str, str | None], str] | None = None,
    site_url: str = "",
    source: str | None = None,
    owners: dict[str, str] | None = None,
) -> tuple[list[str], bool]:
    """Write the new project into `target` (absent or empty); return its files and whether
    requirements.txt holds a placeholder source to replace."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FlywheelError(f"{target} already exists and is not empty; flywheel init only creates new projects")
    practice = collect_answers(given, ask)
    requirement, guessed = flywheel_requirement(source)
    teams = {"compliance": "@your-org/compliance", "leads": "@your-org/practice-leads", "content": "@your-org/content-team"}
    files = project_files(practice, site_url=site_url, requirement=requirement, owners=teams | (owners or {}))
    from .schemafiles import editor_files

    files |= editor_files()
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    return sorted(files), guessed
