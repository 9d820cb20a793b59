"""The `flywheel` command. Exit codes: 0 success, 1 content errors, 2 usage."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
import time
from pathlib import Path

from .dates import iso_date
from .errors import FlywheelError, Problem, Severity
from .output import FORMATS, emit
from .readability import DEFAULT_GRADE_MAX
from .terms import DEFAULT_PURPOSE, IDENTIFIERS, SCOPES, SIGNERS

# The commands load what they use: a warm `flywheel check` prints its snapshot without the
# validator, the gate or pydantic (snapshot.py).


def run_check(*args, **kwargs):
    from .check import run_check as check

    return check(*args, **kwargs)


def _consent():
    from . import consent

    return consent

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def _date(text: str) -> dt.date:
    try:
        return iso_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date written YYYY-MM-DD, got '{text}'") from None


def _grade(text: str) -> float:
    try:
        grade = float(text)
    except ValueError:
        grade = math.nan
    if not (math.isfinite(grade) and grade >= 0):  # nan compared false with every grade: no warning, ever
        raise argparse.ArgumentTypeError(f"expected a reading grade of 0 or more (0 turns the warning off), got '{text}'")
    return grade


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, got '{text}'")
    return port


def _add_common(parser: argparse.ArgumentParser, gated: bool = True) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="the project folder (default: here)")
    if gated:
        parser.add_argument("--as-of", type=_date, default=None, metavar="DATE", help="build date for the consent gate (default: today)")
        parser.add_argument("--reading-grade-max", type=_grade, default=DEFAULT_GRADE_MAX, metavar="GRADE",
                            help=f"warn above this reading grade (default {DEFAULT_GRADE_MAX:g}; 0 turns it off)")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that can add some of its options only when its command is used."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.on_use: list = []  # callables that add options, run once before parsing or help

    def _used(self) -> None:
        while self.on_use:
            self.on_use.pop(0)(self)

    def parse_known_args(self, *args, **kwargs):
        self._used()
        return super().parse_known_args(*args, **kwargs)

    def format_help(self) -> str:
        self._used()
        return super().format_help()


def _practice_options(init: argparse.ArgumentParser) -> None:
    """`flywheel init`'s practice.yml options, derived from the schema (which loads pydantic,
    so only when `init` runs)."""
    from .init import practice_questions

    for question in practice_questions():
        init.add_argument(question.option, dest=question.dest, metavar="TEXT", help=f"practice.yml {question.key}: {question.description}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="flywheel", description="Content engine for healthcare practices.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="validate everything and apply the consent gate")
    _add_common(check)
    check.add_argument("--format", choices=sorted(FORMATS), default="text",
                       help="text for people (default), json for tools, github for Actions annotations")
    check.add_argument("--no-cache", action="store_true", help="ignore .flywheel-cache/ (parsed frontmatter)")

    build = commands.add_parser("build", help="check, then render the site into site/")
    _add_common(build)
    build.add_argument("--strict", action="store_true", help="fail on warnings too, including MkDocs' link validation")
    build.add_argument("--no-cache", action="store_true",
                       help="ignore .flywheel-cache/: check and render every page afresh (the site is the same)")

    serve = commands.add_parser(
        "serve",
        help="local preview with live reload (withheld pieces shown with a banner)",
        description="Local preview at http://127.0.0.1:8000/ (change with --host and --port), reloaded as "
        "files are saved. Content errors show as a page in the browser until they are fixed. Rebuilds "
        "re-render only pages whose source changed; `flywheel build` is always a full build.",
    )
    _add_common(serve)
    serve.add_argument("--host", default="127.0.0.1",
                       help="the address to listen on (default: 127.0.0.1, this computer only)")
    serve.add_argument("--port", type=_port, default=8000, help="the port (default: 8000): http://HOST:PORT/")
    serve.add_argument("--published-only", action="store_true", help="preview exactly what a build would publish")

    export = commands.add_parser("export", help="write the gated pages and a plain mkdocs.yml (for Zensical)")
    _add_common(export)
    export.add_argument("out", type=Path, metavar="DIR", help="a folder outside the content folders and site/")

    report = commands.add_parser("report", help="the flywheel coverage report, written to report/ (never site/)")
    _add_common(report)
    report.add_argument("--out", type=Path, help="folder to write into (default: <root>/report)")
    report.add_argument("--format", choices=["text", "json"], default="text", help="the terminal summary's format")

    story = commands.add_parser("story", help="stories: the champion's proof")
    story_sub = story.add_subparsers(dest="story_command", metavar="ACTION", required=True)
    proof = story_sub.add_parser("proof", help="write a standalone HTML proof of a story, with its fingerprint")
    _add_common(proof, gated=False)
    proof.add_argument("story", metavar="STORY", help="the story's slug, or its path inside content/stories")
    proof.add_argument("--out", type=Path, help="where to write it (default: proofs/<story>.html)")

    consent = commands.add_parser("consent", help="consent fingerprints, records and status")
    consent_sub = consent.add_subparsers(dest="consent_command", metavar="ACTION", required=True)

    fingerprint = consent_sub.add_parser("fingerprint", help="print each story's fingerprint")
    _add_common(fingerprint, gated=False)
    fingerprint.add_argument("stories", nargs="+", metavar="STORY",
                             help="a story's slug, or its path inside content/stories")

    record = consent_sub.add_parser("record", help="write a consent record for the proof the patient approved")
    _add_common(record, gated=False)
    record.add_argument("story", metavar="STORY", help="the story's slug, or its path inside content/stories")
    record.add_argument("--fingerprint", required=True, metavar="SHA256",
                        help="the fingerprint printed on the proof the patient approved; "
                        "nothing is written if the story no longer matches it")
    record.add_argument("--id", dest="record_id", help="record id (default: the story's 'consent' key, or the next free C-YEAR-NNN)")
    record.add_argument("--signed-on", type=_date, required=True, metavar="DATE", help="the date the form was signed")
    record.add_argument("--expires-on", type=_date, required=True, metavar="DATE",
                        help="the date the authorization expires, as on the form")
    record.add_argument("--form-ref", required=True, help="where the signed form is kept, e.g. esign/8841")
    record.add_argument("--signed-by", choices=SIGNERS, default="patient", help="who signed (default: patient)")
    record.add_argument("--purpose", default=DEFAULT_PURPOSE, help="the purpose, as on the form")
    record.add_argument("--scope", nargs="+", choices=SCOPES, default=["website"],
                        help="channels the form covers (default: website)")
    record.add_argument("--identifiers", nargs="*", choices=IDENTIFIERS, default=[],
                        help="what may identify the patient, as on the form (default: nothing)")
    record.add_argument("--accept-finding", dest="accepted_findings", action="append", default=[], metavar="ID",
                        help="an identifier finding the patient agreed to publish, e.g. url:7b1810c8 (repeatable)")

    new = commands.add_parser("new", help="scaffold a new guide, story or service line, or show a topic's lines (prompts in a terminal)")
    _add_common(new, gated=False)
    new.add_argument("kind", choices=["guide", "story", "service-line", "topic"],
                     help="what to create; `topic` prints the lines to add to a service line file")
    new.add_argument("--title", help="the title (guide, story, topic)")
    new.add_argument("--question", help="start a guide from a backlog question (flywheel report): it becomes the title")
    new.add_argument("--summary", help="one line shown in listings; blank leaves a TODO placeholder")
    new.add_argument("--slug", help="the file name or id (default: made from the title or name)")
    new.add_argument("--service-line", dest="service_line", help="the service line's id, a file in service_lines/")
    new.add_argument("--topic", help="a topic of that service line")
    new.add_argument("--stage", choices=["learn", "decide", "prepare", "recover"], help="the guide's journey stage")
    new.add_argument("--pillar", action=argparse.BooleanOptionalAction, default=None,
                     help="the guide is its topic's pillar, its complete overview (default: no)")
    new.add_argument("--reviewed-by", dest="reviewed_by", help="the guide's medical reviewer, e.g. 'A. Example, MD'")
    new.add_argument("--champion", help="the story's champion, an id in content/champions.yml")
    new.add_argument("--consent", help="the consent record id the story will use (default: the next free one)")
    new.add_argument("--pull-quote", dest="pull_quote", help="a short quote from the story, in the patient's words")
    new.add_argument("--material-connection", dest="material_connection",
                     help="anything the patient received for sharing (FTC disclosure)")
    new.add_argument("--next-step", dest="next_step", choices=["intake", "scheduling", "triage"],
                     help="default: the service line's default_next_step")
    new.add_argument("--name", help="the service line's display name")
    new.add_argument("--intake-url", dest="intake_url", help="the service line's intake form (default: practice.yml next_step.url)")
    new.add_argument("--scheduling-url", dest="scheduling_url", help="the service line's booking page (default: practice.yml next_step.url)")
    new.add_argument("--topic-title", dest="topic_title", help="the new service line's first topic")

    init = commands.add_parser("init", help="create a new practice's project, with no sample content (prompts in a terminal)")
    init.add_argument("directory", type=Path, metavar="DIR", help="the new project's folder (absent or empty)")
    init.on_use.append(_practice_options)
    init.add_argument("--site-url", default="", metavar="URL", help="the site's public address, e.g. https://www.example.org/")
    init.add_argument("--flywheel-source", metavar="URL",
                      help="where CI installs Flywheel from, e.g. git+https://github.com/your-org/flywheel@v0.1.0")

    schema = commands.add_parser("schema", help="write the JSON Schemas of every file type, for editors")
    schema.add_argument("--out", type=Path, default=Path("schemas"), metavar="DIR", help="where to write them (default: schemas/)")

    campaign = commands.add_parser("campaign", help="campaigns: landing page links per channel")
    campaign_sub = campaign.add_subparsers(dest="campaign_command", metavar="ACTION", required=True)
    links = campaign_sub.add_parser("links", help="print the landing page address tagged for each channel")
    _add_common(links, gated=False)
    links.add_argument("campaign", metavar="ID", help="the campaign id, a file name in campaigns/")

    cms = commands.add_parser("cms", help="write the web editor's files, admin/config.yml and admin/index.html")
    _add_common(cms, gated=False)
    cms.add_argument("--check", action="store_true", help="write nothing; exit 1 when the files are out of date")

    status = consent_sub.add_parser("status", help="every story's gate state and days until its consent expires")
    _add_common(status)
    status.add_argument("--format", choices=["text", "json"], default="text", help="text (default) or json")
    return parser


def cmd_check(args) -> int:
    from .config_code import config_code_problems
    from .snapshot import Replayed, Snapshot

    snapshot = None if args.no_cache else Snapshot.open(args.root, args.as_of, args.reading_grade_max)
    result = snapshot.replay() if snapshot is not None else None
    if result is None:
        result = run_check(args.root, args.as_of, use_cache=not args.no_cache, reading_grade_max=args.reading_grade_max,
                           keep=False)
        if snapshot is not None:
            snapshot.store(result)
    # Read afresh every time, never from the snapshot: a module added to the project or a file
    # mkdocs.yml INHERITs is no input the snapshot watches.
    if found := config_code_problems(args.root):
        result = Replayed(sorted([*result.problems, *found], key=lambda p: (p.path, p.line or 0, p.code)),
                          result.gate, result.grades)
    emit(result, args.format)
    return EXIT_OK if result.ok else EXIT_ERRORS


def _interactive() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def _progress(message: str) -> None:
    """Stage lines for people at a terminal; CI logs stay quiet."""
    if _interactive():
        print(message, file=sys.stderr, flush=True)


def cmd_build(args) -> int:
    try:
        return _cmd_build(args)
    finally:
        if "generator.page_cache" in sys.modules:  # what `verify_ahead` started and no build took
            sys.modules["generator.page_cache"].drop_ahead()
        _tell_github_actions_the_site(args.root)


def _tell_github_actions_the_site(root: Path) -> None:
    """Under GitHub Actions, the folder this build left a site in, as the step's output
    `site_dir` (the example workflow uploads it, whatever the build's exit status): mkdocs.yml's
    `site_dir`, or `site/` where a build with Flywheel's defaults wrote it. A workflow that
    uploaded `site/` alone deployed nothing once `site_dir` was moved, and a story revoked
    since stayed live."""
    output = os.environ.get("GITHUB_OUTPUT")
    if os.environ.get("GITHUB_ACTIONS") != "true" or not output:
        return
    from .paths import site_folders

    workspace = Path(os.environ.get("GITHUB_WORKSPACE") or os.getcwd()).resolve()
    try:
        for site in site_folders(root):
            if (Path(site) / "index.html").is_file():
                shown = os.path.relpath(Path(site).resolve(), workspace)
                if "\n" not in shown and "\r" not in shown:
                    with open(output, "a", encoding="utf-8") as handle:
                        handle.write(f"site_dir={shown}\n")
                return
    except (OSError, FlywheelError, ValueError):
        return


def _cmd_build(args) -> int:
    from .build import _build_with_defaults, _fallback_site, _withdraw_without_plugin, build_site
    from .paths import check_build_folders, readable_folders, shown_path
    from .withdraw import replacement_due

    started = time.monotonic()
    folders = readable_folders(args.root)  # unreadable: the build says so, and withdraws (build_site)
    try:
        check_build_folders(args.root, folders["site_dir"], folders["docs_dir"])
    except FlywheelError as refused:
        # A site_dir the build will not replace (files no build made) is still what a deploy
        # publishes: the last resort takes from it what shows a withheld story (red team rt5).
        # With no site yet (CI's fresh checkout), the site is written with Flywheel's defaults:
        # a refused mkdocs.yml must not keep a revoked story on the live site either.
        try:
            result = run_check(args.root, args.as_of, use_cache=not args.no_cache)
        except FlywheelError:
            raise refused from None  # the refusal says what to fix; the content's own failure shows once it is
        if (fallback := _fallback_site(args.root)) is not None:
            _build_with_defaults(args.root, result, fallback, refused)
        try:
            _withdraw_without_plugin(args.root, result)
        except FlywheelError:
            pass
        raise
    site = f"{shown_path(Path(folders['site_dir']).resolve(), Path(args.root).resolve())}/"  # "site/"
    if not args.no_cache:
        from .page_cache import verify_ahead

        verify_ahead(args.root)  # the stored pages, hashed on the other core while the check runs
    _progress("checking content and consent…")
    result = run_check(args.root, args.as_of, use_cache=not args.no_cache, reading_grade_max=args.reading_grade_max)
    failing = result.errors + (result.warnings if args.strict else [])
    emit(result, "text", sys.stderr if not failing else sys.stdout)
    late = _late_schedules(args.root, result)
    if failing:
        why = f"{len(result.errors)} error(s)" if result.errors else f"--strict treats the {len(failing)} warning(s) as errors"
        reason = replacement_due(folders["site_dir"], result)
        if reason is None:
            print(f"build stopped ({why}): {site} left as it was", file=sys.stderr)
            return EXIT_ERRORS
        # Withdrawal always deploys: write a site without the pieces that have errors.
        print(f"build failed ({why}), but {reason}: building {site} from today's content, "
              "without the pieces that have errors", file=sys.stderr)
        build_site(args.root, result, strict=False, withdrawal=reason, cache=not args.no_cache)
        print(f"{site} written without withheld stories or pieces with errors; the build still failed ({why})",
              file=sys.stderr)
        return EXIT_ERRORS
    _progress(f"rendering {len(result.gate.published('guide'))} guides and {len(result.gate.published('story'))} stories…")
    if _interactive():
        os.environ["FLYWHEEL_PROGRESS"] = "1"  # the plugin counts rendered pages on the same line
    build_site(args.root, result, strict=args.strict, cache=not args.no_cache)
    print(f"built {site} in {time.monotonic() - started:.1f} s (as of {result.gate.as_of})")
    if late and args.strict:
        print(f"build failed: --strict treats the {len(late)} schedule warning(s) as errors ({site} was written)",
              file=sys.stderr)
        return EXIT_ERRORS
    return EXIT_OK


def _late_schedules(root: Path, result) -> list[tuple[str, str]]:
    """The project's GitHub workflows that build the site too long after the practice's midnight
    (schedule.py), each printed as a warning (and a GitHub annotation in GitHub Actions)."""
    from .schedule import late_schedules

    practice = result.project.practice
    zone = practice.data.timezone if practice is not None else None
    late = late_schedules(root, zone, (result.today or result.gate.as_of).year)
    for path, why in late:
        print(f"{path}: warning: {why} [schedule-after-midnight]", file=sys.stderr)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            print(f"::warning file={path},title=schedule-after-midnight::{why}")
    return late


def cmd_serve(args) -> int:
    from .build import serve_site
    from .paths import loopback

    if not loopback(args.host):
        if not args.published_only:
            print(
                f"flywheel serve: refusing to show the preview on {args.host}: it shows withheld stories and "
                "drafts, so it only listens on this computer (127.0.0.1). Use --published-only to show "
                "exactly what a build publishes on another address.",
                file=sys.stderr,
            )
            return EXIT_USAGE
        print(f"flywheel serve: WARNING: listening on {args.host}, reachable from other machines; "
              "only what a build would publish is shown", file=sys.stderr)

    serve_site(args.root, args.as_of, args.host, args.port, preview=not args.published_only)
    return EXIT_OK


def _site_name(root: Path) -> str:
    try:
        import yaml

        from .load import read_settings_text

        config = yaml.load(read_settings_text(root / "mkdocs.yml"), Loader=yaml.BaseLoader)
        return str(config.get("site_name") or "our practice")
    except (OSError, AttributeError, UnicodeDecodeError, yaml.YAMLError):
        return "our practice"


def cmd_export(args) -> int:
    from .export import ExportRefused, export_site, first_export_due, withdraw_export

    result = run_check(args.root, args.as_of, use_cache=True, reading_grade_max=args.reading_grade_max)
    if not result.ok:
        emit(result, "text", sys.stderr)
    # Withdrawal always deploys: with errors, a first export is written without the pieces that
    # have them; a previous one loses what shows a story withheld today (below).
    if result.ok or first_export_due(args.root, args.out):
        from .build import _signals_interrupt

        try:
            with _signals_interrupt():  # SIGTERM and SIGHUP stop it as Ctrl-C does: its clean-up runs
                out = export_site(result, args.root, args.out)
        except ExportRefused as refused:
            for found in refused.problems:
                print(found.format(), file=sys.stderr)
            if refused.written:  # a withdrawal was due: the export replaced, without those pages' text
                print(f"export failed ({len(refused.problems)} error(s)): written to {args.out} without the text "
                      "of the pages named above, only to withdraw stories now withheld", file=sys.stderr)
                return EXIT_ERRORS
            print(f"export stopped ({len(refused.problems)} error(s)): nothing new was written", file=sys.stderr)
        except FlywheelError as refused:  # mkdocs.yml runs code, or sends files to the renderer
            for found in refused.problems:
                print(found.format(), file=sys.stderr)
            print(f"export stopped: {refused if not refused.problems else f'{len(refused.problems)} error(s)'}; "
                  "nothing new was written", file=sys.stderr)
        except OSError as exc:  # a file where a folder should be, no permission, a full disk
            print(f"error: cannot write the export into {args.out}: {exc.strerror or exc}", file=sys.stderr)
        except KeyboardInterrupt:  # Ctrl-C, SIGTERM, SIGHUP: a stopped export withdraws as a failed one does (rt12)
            if deleted := withdraw_export(result, args.root, args.out):
                print(f"the export was interrupted: deleted {len(deleted)} file(s) of the previous export that "
                      "showed stories withheld today", file=sys.stderr)
            raise
        else:
            if not result.ok:
                print(f"export failed ({len(result.errors)} error(s)): written to {args.out} without the pieces "
                      "that have errors, only to withdraw stories now withheld", file=sys.stderr)
                return EXIT_ERRORS
            print(f"wrote {out}/mkdocs.yml and {out}/docs/ ({len(result.gate.published('guide'))} guides, "
                  f"{len(result.gate.published('story'))} stories)")
            return EXIT_OK
    # Withdrawal reaches an export too: a failed one still deletes, from the previous export,
    # every file that shows a story withheld today (a successful one has replaced them all).
    if deleted := withdraw_export(result, args.root, args.out):
        print(f"deleted {len(deleted)} file(s) of the previous export that showed stories withheld today",
              file=sys.stderr)
    return EXIT_ERRORS


def cmd_report(args) -> int:
    from .report import summary_text, write_report

    result = run_check(args.root, args.as_of, use_cache=True, reading_grade_max=args.reading_grade_max)
    out = args.out or args.root / "report"
    data = write_report(result, args.root, out, args.reading_grade_max, _site_name(args.root),
                        _site_url(args.root))
    if args.format == "json":
        print(json.dumps(data["summary"], indent=2, sort_keys=True))
    else:
        print(summary_text(data, out), end="")
    for found in data["measurement_problems"]:
        print(Problem(found["file"], found["line"], found["code"], found["field"], found["message"],
                      found["hint"], Severity(found["severity"])).format(), file=sys.stderr)
    if data["summary"]["measurement_errors"]:
        print(f"the measurement files have {data['summary']['measurement_errors']} error(s): "
              "those rows (or files) were left out", file=sys.stderr)
        return EXIT_ERRORS
    if result.errors:
        print(f"the content has {len(result.errors)} error(s); run flywheel check", file=sys.stderr)
        return EXIT_ERRORS
    return EXIT_OK


def cmd_proof(args) -> int:
    from .proof import write_proof

    result = run_check(args.root)
    (story,) = _consent().find_stories(result.project, [args.story])
    path = write_proof(result.project, story, _site_name(args.root), args.out)
    print(f"wrote {path} ({_consent().story_fingerprint(story, result.project)})")
    return EXIT_OK


def cmd_fingerprint(args) -> int:
    result = run_check(args.root)
    found, problems = _consent().resolve_stories(result.project, args.stories)
    for story in found:  # the good ones are printed even when others are not stories
        print(f"{_consent().story_fingerprint(story, result.project)}  {story.id}")
    for p in problems:
        print(p.format(), file=sys.stderr)
    return EXIT_ERRORS if problems else EXIT_OK


def cmd_record(args) -> int:
    result = run_check(args.root)
    (story,) = _consent().find_stories(result.project, [args.story])
    path = _consent().write_record(
        result.project,
        story,
        record_id=args.record_id,
        signed_on=args.signed_on,
        expires_on=args.expires_on,
        form_ref=args.form_ref,
        signed_by=args.signed_by,
        purpose=args.purpose,
        scope=args.scope,
        identifiers=args.identifiers,
        accepted_findings=args.accepted_findings,
        approved=args.fingerprint,
    )
    rel = path.relative_to(args.root).as_posix() if path.is_relative_to(args.root) else path
    print(f"wrote {rel} for '{story.id}' ({args.fingerprint.strip()})")
    if story.data.consent != path.stem:
        print(f"next: set 'consent: {path.stem}' in {story.path} so the story uses this record")
    return EXIT_OK


def cmd_status(args) -> int:
    result = run_check(args.root, args.as_of)
    rows = _consent().status_rows(result)
    if args.format == "json":
        print(json.dumps({"as_of": result.gate.as_of.isoformat(), "stories": rows}, indent=2))
        return EXIT_OK
    width = max((len(r["slug"]) for r in rows), default=4)
    print(f"{'story':<{width}}  {'state':<9}  {'consent':<11}  {'expires':<10}  days  reason")
    for r in rows:
        days = "" if r["days_left"] is None else str(r["days_left"])
        print(f"{r['slug']:<{width}}  {r['state']:<9}  {r['consent'] or '-':<11}  {r['expires_on'] or '-':<10}  {days:>4}  {r['reason']}")
    return EXIT_OK


def cmd_campaign_links(args) -> int:
    from .campaigns import campaign_links, is_active

    result = run_check(args.root)
    for line in campaign_links(args.root, result.project, args.campaign, _site_url(args.root)):
        print(line)
    campaign = result.project.campaigns[args.campaign].data
    today = result.gate.as_of  # the practice's today, as the build sees it
    if not is_active(campaign, today):
        when = "ended" if campaign.ends_on < today else "starts"
        day = campaign.ends_on if campaign.ends_on < today else campaign.starts_on
        print(f"note: campaign '{args.campaign}' {when} on {day}: its landing page is built only "
              f"from {campaign.starts_on} to {campaign.ends_on}", file=sys.stderr)
    return EXIT_OK


def _site_url(root: Path) -> str | None:
    try:
        import yaml

        from .load import read_settings_text

        config = yaml.load(read_settings_text(root / "mkdocs.yml"), Loader=yaml.BaseLoader)
        url = config.get("site_url") if isinstance(config, dict) else None
        return url if isinstance(url, str) and url.strip() else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _prompt(what: str, choices: list[str]) -> str | None:
    """Ask in a terminal; choices are numbered so nobody has to type a slug."""
    if choices:
        for number, choice in enumerate(choices, 1):
            print(f"  {number}. {choice}")
    answer = input(f"{what}: ").strip()
    if choices and answer.isdigit() and 1 <= int(answer) <= len(choices):
        return choices[int(answer) - 1]
    return answer or None


def cmd_new(args) -> int:
    from .scaffold import scaffold, scaffold_service_line, topic_lines

    result = run_check(args.root)
    options = {k: v for k, v in vars(args).items() if k not in ("command", "kind", "root")}
    ask = _prompt if sys.stdin.isatty() else None
    if args.kind == "topic":
        path, line, snippet = topic_lines(result.project, options, ask=ask)
        print(f"Add these lines under 'topics:' (line {line}) in {path}:\n\n{snippet}")
        print("Flywheel never edits a file it did not create; save the file, then run flywheel check.")
        return EXIT_OK
    if args.kind == "service-line":
        path = scaffold_service_line(result.project, options, ask=ask)
    else:
        path = scaffold(result.project, args.kind, options, ask=ask)
    print(f"wrote {path.relative_to(args.root).as_posix() if path.is_relative_to(args.root) else path}")
    if args.kind == "guide":
        print("next: write the text, replace every TODO, and fill in reviewed_on once the medical review is done")
    return EXIT_OK


def _ask_text(question: str, suggestion: str | None) -> str | None:
    shown = f" [{suggestion}]" if suggestion else ""
    answer = input(f"{question}{shown}: ").strip()
    return answer or suggestion


def cmd_init(args) -> int:
    from .init import create_project

    given = {k: v for k, v in vars(args).items() if k.startswith("practice_")}
    ask = _ask_text if sys.stdin.isatty() else None
    files, guessed = create_project(args.directory, given, ask=ask, site_url=args.site_url, source=args.flywheel_source)
    print(f"created {args.directory} ({len(files)} files)")
    print(f"next: cd {args.directory} && flywheel build    (then flywheel serve for a preview)")
    if guessed:
        print("next: in requirements.txt, point 'flywheel @ ...' at where your team keeps Flywheel (CI installs from it)")
    print("next: replace the @your-org teams in .github/CODEOWNERS")
    return EXIT_OK


def cmd_schema(args) -> int:
    from .paths import real, refuse_published
    from .schemafiles import write_schemas

    # Inside a project, never into what is published or read (stop 49's red team: `--out consent`
    # wrote six files there and every build after failed; `--out theme/pages` published them).
    out = real(args.out)
    project = next((folder for folder in (out, *out.parents)
                    if (folder / "content").is_dir() or (folder / "service_lines").is_dir()), None)
    if project is not None and project != out:
        refuse_published(args.out, project, "schemas")
    written = write_schemas(args.out)
    print(f"wrote {len(written)} schema(s) to {args.out}" if written else f"{args.out} is up to date")
    return EXIT_OK


def cmd_cms(args) -> int:
    from .cms import admin_files, write_admin

    result = run_check(args.root)
    if result.errors:  # the choices of the select lists would be wrong
        emit(result, "text", sys.stderr)
        print("flywheel cms: fix the errors above first; admin/ left as it was", file=sys.stderr)
        return EXIT_ERRORS
    if args.check:
        stale = [rel for rel, text in admin_files(result.project).items()
                 if not (args.root / rel).is_file() or (args.root / rel).read_text(encoding="utf-8") != text]
        for rel in stale:
            print(f"{rel} is out of date: run flywheel cms", file=sys.stderr)
        return EXIT_ERRORS if stale else EXIT_OK
    changed = write_admin(result.project)
    print("\n".join(f"wrote {rel}" for rel in changed) or "admin/ is up to date")
    return EXIT_OK


HANDLERS = {
    ("cms", None): cmd_cms,
    ("build", None): cmd_build,
    ("serve", None): cmd_serve,
    ("new", None): cmd_new,
    ("init", None): cmd_init,
    ("schema", None): cmd_schema,
    ("report", None): cmd_report,
    ("export", None): cmd_export,
    ("story", "proof"): cmd_proof,
    ("check", None): cmd_check,
    ("consent", "fingerprint"): cmd_fingerprint,
    ("consent", "record"): cmd_record,
    ("consent", "status"): cmd_status,
    ("campaign", "links"): cmd_campaign_links,
}


def _output_never_fails() -> None:
    """Print what the terminal cannot show as escapes (`\\xe9`) rather than stop. On a
    Windows CI runner (output piped: the ANSI code page) or with PYTHONIOENCODING=ascii, a
    report naming a value with a letter the encoding lacks (`stage: lérn`, a file name in
    Polish) stopped `flywheel build` with a UnicodeEncodeError before it built anything: in
    CI's fresh checkout no site was written, so a story revoked meanwhile stayed live (rt8)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, OSError):  # not a text stream one can reconfigure
            pass


def main(argv: list[str] | None = None) -> int:
    _output_never_fails()
    parser = build_parser()
    args = parser.parse_args(argv)
    action = (
        getattr(args, "consent_command", None)
        or getattr(args, "story_command", None)
        or getattr(args, "campaign_command", None)
    )
    handler = HANDLERS[(args.command, action)]
    # Text typed in another encoding than UTF-8 (`--title $'\xff'`) reaches Python as escapes
    # that no file can hold: `new` and `consent record` wrote YAML that no longer parsed, and
    # every build after failed (stop 49's red team).
    for name, value in vars(args).items():
        if any(isinstance(text, str) and not _utf8(text) for text in (value if isinstance(value, list) else [value])):
            print(f"flywheel: error: {_option_of(parser, name)} is not UTF-8 text; type it again in UTF-8",
                  file=sys.stderr)
            return EXIT_USAGE
    if args.command in ("init", "schema"):  # these work outside a project
        try:
            return handler(args)
        except FlywheelError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_ERRORS
        except OSError as exc:
            return _os_error(exc)
    root: Path = args.root
    if not (root / "content").is_dir() and not (root / "service_lines").is_dir():
        print(
            f"flywheel: {root.resolve()} is not a Flywheel project (it has no content/ or service_lines/); "
            "run flywheel from the project folder or pass --root",
            file=sys.stderr,
        )
        return EXIT_USAGE
    bad_date = None
    if getattr(args, "as_of", False) is None and args.command != "serve":  # serve's plugin reads it each rebuild
        args.as_of, bad_date = _date_set_elsewhere(root)
    try:
        code = handler(args)
    except FlywheelError as exc:
        for p in exc.problems:
            print(p.format(), file=sys.stderr)
        if not exc.problems:
            print(f"error: {exc}", file=sys.stderr)
        code = EXIT_ERRORS
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        code = _os_error(exc)
    if bad_date is not None:
        print(f"error: {bad_date}", file=sys.stderr)
        return max(code, EXIT_ERRORS)
    return code


def _option_of(parser: argparse.ArgumentParser, dest: str) -> str:
    """The option (or argument) that sets `dest`, as typed: `--accept-finding` for
    `accepted_findings`; looked for in the parser and its commands' parsers."""
    parsers = [parser]
    while parsers:
        for action in parsers.pop()._actions:
            if isinstance(action, argparse._SubParsersAction):
                parsers.extend(action.choices.values())
            elif action.dest == dest:
                return action.option_strings[-1] if action.option_strings else action.metavar or dest
    return dest


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _os_error(exc: OSError) -> int:
    """A file a command could not write or read (a read-only folder for `new`, `consent record`,
    `cms` or `init`: stop 49's red team found tracebacks): the file and why, as an error."""
    where = os.fsdecode(exc.filename) if exc.filename is not None else None
    why = exc.strerror or str(exc)
    print(f"error: {where}: {why}" if where else f"error: {why}", file=sys.stderr)
    return EXIT_ERRORS


def _date_set_elsewhere(root: Path) -> tuple[dt.date | None, str | None]:
    """The build date FLYWHEEL_AS_OF or the plugin's `as_of` in mkdocs.yml sets, as `mkdocs
    build` reads it (`dates.build_date_setting`): `flywheel build` ignored both, so the two
    commands gated one project differently. One that is no date is an error, and the command
    runs on the practice's today (a date only moves the gate forward), so a build still
    withdraws what is due."""
    from .dates import build_date_setting
    from .paths import flywheel_setting

    configured = None if os.environ.get("FLYWHEEL_AS_OF") else flywheel_setting(root, "as_of")
    try:
        return build_date_setting(configured), None
    except ValueError:
        name = "FLYWHEEL_AS_OF" if os.environ.get("FLYWHEEL_AS_OF") else "mkdocs.yml: the flywheel plugin's as_of"
        shown = os.environ.get("FLYWHEEL_AS_OF") or configured
        return None, f"{name} must be a date written YYYY-MM-DD, got '{shown}'; the gate used the practice's today"


class _Kept:
    """sys.stdout or sys.stderr for the `flywheel` program: a write or flush that fails (a
    full disk, `2>/dev/full`, a pipe whose reader has gone) is noted, not raised, and
    the program ends with status 120 (`run`). Raised, it stopped the command where it stood:
    `flywheel build 2>/dev/full` printed the check's warnings before the site was written,
    so the build ended there, and a story revoked since the last build stayed on the site."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self.lost: OSError | None = None

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            self.lost = self.lost or exc
            return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            self.lost = self.lost or exc

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def run() -> None:
    """The `flywheel` program: `main`, then an exit that does what Python's own does at exit
    except free every object one by one, which the system does at once. After a rebuild at
    5,000 pieces that freeing took 0.4-0.5 s of 3.4 (the build's heap: the stored render, the
    page cache's index, the navigation), a seventh of the command, with nothing left to do.

    Python's exit is kept whole where the shortcut could lose anything: when a thread other
    than this one runs (a preview's server: Python waits for it at exit), when this Python has
    no way to run the exit handlers first (they join worker processes, remove temporary
    folders, flush logs), and under a profiler or tracer (`python -m cProfile` writes its
    figures once this returns). Output that cannot be written, at the end or on the way
    (`_Kept`), ends the program with status 120, as Python's exit does for the end, and the
    command runs to its end first. Tests call `main`, never this."""
    kept = [_Kept(stream) for stream in (sys.stdout, sys.stderr) if stream is not None]
    if len(kept) == 2:
        sys.stdout, sys.stderr = kept
    code = main()
    import atexit
    import threading

    run_handlers = getattr(atexit, "_run_exitfuncs", None)
    watched = sys.getprofile() is not None or sys.gettrace() is not None
    whole = threading.active_count() != 1 or run_handlers is None or watched or not isinstance(code, int)
    if not whole:
        run_handlers()  # logging's shutdown (flushes and closes its handlers), worker joins, finalizers
    for stream in kept:
        try:
            stream.flush()
        except ValueError:  # closed already: nothing waits in it
            pass
    lost = next((stream.lost for stream in kept if stream.lost is not None), None)
    if lost is not None:
        # Output that never arrived: Python's own exit says so with status 120, whatever the
        # command's, and so does this one. A report cut short under status 0 would pass a CI
        # job that never read it.
        try:
            print(f"flywheel: the output could not be written: {lost}", file=sys.__stderr__, flush=True)
        except (OSError, ValueError, AttributeError):
            pass
        code = 120
    if whole:
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    run()
