"""The command line: formats, exit codes, fingerprints and consent records."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
import yaml
from helpers import add_case, copy_base, copy_sample, site_texts, tree_digest

from generator.cli import main

AS_OF = ["--as-of", "2026-11-22"]


@pytest.fixture
def root(tmp_path):
    return copy_base(tmp_path)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_clean_project_exits_0(root, capsys):
    code, out, _ = run(capsys, "check", "--root", root, *AS_OF)
    assert code == 0
    assert out.splitlines()[-2:] == ["Published: 2 guides, 1 story.", "OK: 0 errors, 0 warnings"]


def test_check_errors_exit_1_and_name_file_and_line(root, capsys):
    add_case(root, "guide_bad_stage.md")
    code, out, _ = run(capsys, "check", "--root", root, *AS_OF)
    assert code == 1
    assert "content/guides/cardiology/guide-bad-stage.md:6: error: stage: expected one of learn" in out
    assert out.splitlines()[-1] == "FAILED: 1 error, 0 warnings"


@pytest.mark.parametrize(
    "argv",
    [["check", "--format", "xml"], ["check", "--as-of", "2026-02-30"], ["nonsense"], ["consent"], []],
)
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_withheld_stories_listed_with_reason_not_text(root, capsys):
    code, out, _ = run(capsys, "check", "--root", root, "--as-of", "2028-10-02")
    assert code == 0
    assert "  story walking-again: consent C-2026-001 expired on 2028-10-02 [consent-expired]" in out
    assert "walk every morning" not in out


def test_json_gives_the_same_facts(root, capsys):
    add_case(root, "guide_unknown_topic.md")
    code, out, _ = run(capsys, "check", "--root", root, "--format", "json", "--as-of", "2028-10-02")
    data = json.loads(out)
    assert code == 1
    assert data["flywheel"] == 1 and data["ok"] is False and data["as_of"] == "2028-10-02"
    assert data["summary"] == {
        "errors": 1,
        "warnings": 3,  # three guides' medical reviews are overdue by 2028
        "notices": 0,
        "published": {"guides": 2, "stories": 0},
        "withheld": 2,
    }
    assert [p for p in data["problems"] if p["severity"] == "error"] == [
        {
            "code": "unknown-topic",
            "severity": "error",
            "file": "content/guides/cardiology/guide-unknown-topic.md",
            "line": 5,
            "field": "topic",
            "message": "service line 'cardiology' has no topic 'chest-pian'",
            "hint": "did you mean 'chest-pain'?",
        }
    ]
    story = [w for w in data["withheld"] if w["slug"] == "walking-again"][0]
    assert story["reasons"] == [
        {
            "rule": "consent-expired",
            "reason": "consent C-2026-001 expired on 2028-10-02",
            "contract": "rule 3: expired on or before the build date",
        }
    ]


def test_github_format_annotates_file_and_line(root, capsys):
    add_case(root, "guide_bad_stage.md")
    code, out, _ = run(capsys, "check", "--root", root, "--format", "github", *AS_OF)
    assert code == 1
    assert out.splitlines()[0] == (
        "::error file=content/guides/cardiology/guide-bad-stage.md,line=6,title=bad-choice::"
        "stage: expected one of learn, decide, prepare, recover; got 'lern' (hint: did you mean 'learn'?)"
    )


def test_fingerprint_prints_sha256sum_lines(root, capsys):
    code, out, _ = run(capsys, "consent", "fingerprint", "--root", root, "walking-again")
    recorded = yaml.safe_load((root / "consent/C-2026-001.yml").read_text())["approved_fingerprint"]
    assert code == 0
    assert out == f"{recorded}  walking-again\n"


def test_fingerprint_unknown_story_suggests(root, capsys):
    code, _, err = run(capsys, "consent", "fingerprint", "--root", root, "walking-agian")
    assert code == 1
    assert "no valid story 'walking-agian'" in err and "did you mean 'walking-again'?" in err


def test_record_writes_a_valid_record_and_refuses_to_overwrite(root, capsys):
    story = root / "content/stories/cardiology/walking-again.md"
    story.write_text(story.read_text().replace("I walk every morning now.\n", "I run every morning now.\n"))
    code, out, _ = run(capsys, "check", "--root", root, *AS_OF)
    assert "[consent-fingerprint]" in out
    _, proof_out, _ = run(capsys, "story", "proof", "walking-again", "--root", root)
    approved = proof_out.rsplit("(", 1)[1].rstrip(")\n")
    record = ["consent", "record", "walking-again", "--root", root, "--signed-on", "2026-11-20",
              "--expires-on", "2028-11-20", "--form-ref", "esign/0002", "--identifiers", "first_name",
              "--fingerprint", approved]
    code, out, _ = run(capsys, *record, "--id", "C-2026-002")
    assert code == 0
    assert out.splitlines()[0].startswith("wrote consent/C-2026-002.yml for 'walking-again' (sha256:")
    assert out.splitlines()[1] == "next: set 'consent: C-2026-002' in content/stories/cardiology/walking-again.md so the story uses this record"
    story.write_text(story.read_text().replace("consent: C-2026-001", "consent: C-2026-002"))
    code, out, _ = run(capsys, "check", "--root", root, *AS_OF)
    assert code == 0 and "Published: 2 guides, 1 story." in out
    before = (root / "consent/C-2026-002.yml").read_bytes()
    code, _, err = run(capsys, *record, "--id", "C-2026-002")
    assert code == 1 and "already exists; records are never overwritten" in err
    assert (root / "consent/C-2026-002.yml").read_bytes() == before


def test_record_uses_the_story_consent_id_by_default(root, capsys):
    (root / "consent/C-2026-001.yml").unlink()
    _, fingerprint, _ = run(capsys, "consent", "fingerprint", "walking-again", "--root", root)
    code, out, _ = run(capsys, "consent", "record", "walking-again", "--root", root, "--signed-on", "2026-11-01",
                       "--expires-on", "2027-11-01", "--form-ref", "esign/3", "--fingerprint", fingerprint.split()[0])
    assert code == 0 and out.startswith("wrote consent/C-2026-001.yml")
    assert main(["check", "--root", str(root), *AS_OF]) == 0


def test_status_lists_days_left_without_text(root, capsys):
    code, out, _ = run(capsys, "consent", "status", "--root", root, "--format", "json", *AS_OF)
    data = json.loads(out)
    assert data["stories"] == [
        {"slug": "walking-again", "consent": "C-2026-001", "state": "published", "rules": [], "reason": "",
         "expires_on": "2028-10-02", "days_left": 680}
    ]


def test_check_changes_no_content_bytes(root, capsys):
    for case in ["guide_yaml_syntax.md", "guide_bom_crlf.md", "guide_undecodable.md"]:
        add_case(root, case)
    folders = [root / "content", root / "service_lines", root / "consent"]
    before = tree_digest(*folders)
    run(capsys, "check", "--root", root, *AS_OF)
    run(capsys, "check", "--root", root, *AS_OF)  # a second, cached run
    run(capsys, "consent", "fingerprint", "--root", root, "walking-again")
    run(capsys, "consent", "status", "--root", root)
    assert tree_digest(*folders) == before


@pytest.mark.parametrize("case", ["guide_alias_bomb.md", "guide_undecodable.md", "guide_list_frontmatter.md", "dir_named_md.md"])
def test_real_command_never_prints_a_traceback(root, case):
    add_case(root, case)
    proc = subprocess.run(
        [sys.executable, "-m", "generator.cli", "check", "--root", str(root), *AS_OF],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "content/guides/cardiology/" in proc.stdout


class _Tty:
    def __init__(self, tty: bool):
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("tty, no_color, expected", [(True, False, True), (True, True, False), (False, False, False)])
def test_colour_only_in_a_terminal_and_never_with_no_color(monkeypatch, tty, no_color, expected):
    from generator.output import use_colour

    monkeypatch.delenv("NO_COLOR", raising=False)
    if no_color:
        monkeypatch.setenv("NO_COLOR", "")
    assert use_colour(_Tty(tty)) is expected


def test_build_is_quiet_in_ci(root, capsys, monkeypatch):
    from helpers import site_settings

    site_settings(root)
    monkeypatch.setenv("CI", "true")
    assert main(["build", "--root", str(root), *AS_OF]) == 0
    err = capsys.readouterr().err
    assert "rendering" not in err and "rendered" not in err and "\x1b[" not in err


def test_outside_a_project_is_a_usage_error(tmp_path, capsys):
    assert main(["check", "--root", str(tmp_path)]) == 2
    assert "is not a Flywheel project" in capsys.readouterr().err


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_a_port_outside_0_to_65535_is_a_usage_error(port, capsys):
    # It reached the socket and ended in a traceback (OverflowError: port must be 0-65535).
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--port", port])
    assert exc.value.code == 2
    assert "expected a port number from 0 to 65535" in capsys.readouterr().err



@pytest.mark.parametrize(("option", "value", "says"), [
    # Python 3.11 reads both as dates: a typo became another build day, not an error.
    ("--as-of", "20261122", "expected a date written YYYY-MM-DD, got '20261122'"),
    ("--as-of", "2026-W47-7", "expected a date written YYYY-MM-DD"),
    # nan compares false with every grade, so no page was ever too hard to read.
    ("--reading-grade-max", "nan", "expected a reading grade of 0 or more"),
    ("--reading-grade-max", "inf", "expected a reading grade of 0 or more"),
    ("--reading-grade-max", "-3", "expected a reading grade of 0 or more"),
])
def test_an_option_outside_its_form_is_a_usage_error(root, option, value, says, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check", "--root", str(root), option, value])
    assert exc.value.code == 2
    assert says in capsys.readouterr().err


def test_the_plugins_as_of_takes_only_the_contracts_form(monkeypatch):
    from mkdocs.exceptions import PluginError

    from generator.mkdocs_plugin import as_of_date

    monkeypatch.delenv("FLYWHEEL_AS_OF", raising=False)
    assert as_of_date("2026-11-22") == dt.date(2026, 11, 22)
    for written in ("20261122", "2026-W47-7", "2026-11-22T00:00"):
        with pytest.raises(PluginError, match="as_of must be a date written YYYY-MM-DD"):
            as_of_date(written)
    monkeypatch.setenv("FLYWHEEL_AS_OF", "20261201")
    with pytest.raises(PluginError):
        as_of_date("2026-11-22")

def test_serve_on_a_port_already_taken_is_an_error_not_a_traceback(root):
    import socket

    from helpers import clock_env, site_settings

    site_settings(root)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "generator.cli", "serve", "--root", str(root), "--port", str(port)],
            capture_output=True, text=True, timeout=120, env={**clock_env(), "PATH": "/usr/bin:/bin"},
        )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert f"cannot serve the preview on 127.0.0.1:{port}:" in proc.stderr


@pytest.mark.parametrize("name", ["practice.yml", "README.md", "../notes.html"])
def test_proof_never_overwrites_a_file_it_did_not_write(root, capsys, name):
    # `--out mkdocs.yml` replaced the site's settings with the proof's HTML, exit 0.
    target = root / name
    if not target.exists():
        target.write_text("<!doctype html>\n<title>My notes</title>\n")
    before = target.read_bytes()
    code, _, err = run(capsys, "story", "proof", "walking-again", "--root", root, "--out", target)
    assert code == 1
    assert target.read_bytes() == before
    assert "Traceback" not in err


def test_an_output_that_is_a_named_pipe_is_refused_not_waited_on(root, tmp_path, capsys):
    # Whether the file there is an earlier proof or report, or the schema already written, was
    # read with open(), which waits for a writer on a named pipe: the command hung.
    import threading

    pipes = {"story": tmp_path / "proof.html", "report": tmp_path / "report/index.html",
             "schema": tmp_path / "schemas/story.schema.json"}
    for argv in (["story", "proof", "walking-again", "--out", tmp_path / "proof.html"],
                 ["report", "--out", tmp_path / "report"], ["schema", "--out", tmp_path / "schemas"]):
        pipe = pipes[argv[0]]
        pipe.parent.mkdir(exist_ok=True)
        os.mkfifo(pipe)
        codes: list = []
        root_option = [] if argv[0] == "schema" else ["--root", root]
        worker = threading.Thread(target=lambda argv=argv, codes=codes, more=root_option: codes.append(
            run(capsys, *argv, *more)[0]), daemon=True)
        worker.start()
        worker.join(60)
        assert not worker.is_alive(), f"{argv[0]} waited on the pipe"
        assert codes == [1]


def test_proof_replaces_an_earlier_proof(root, tmp_path, capsys):
    out = tmp_path / "proof.html"
    assert run(capsys, "story", "proof", "walking-again", "--root", root, "--out", out)[0] == 0
    assert run(capsys, "story", "proof", "walking-again", "--root", root, "--out", out)[0] == 0
    assert "<title>Proof: " in out.read_text()


@pytest.mark.parametrize(
    "argv",
    [
        ["story", "proof", "walking-again", "--out", "{file}/proof.html"],
        ["export", "{file}/export"],
        ["schema", "--out", "{file}"],
        ["schema", "--out", "{file}/schemas"],
    ],
)
def test_an_output_path_that_cannot_be_written_is_an_error_not_a_traceback(root, tmp_path, capsys, argv):
    from helpers import site_settings

    site_settings(root)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    argv = [a.replace("{file}", str(blocker)) for a in argv]
    if argv[0] != "schema":
        argv += ["--root", str(root)]
    code, _, err = run(capsys, *argv)
    assert code == 1
    assert err.startswith("error: cannot write the ")
    assert blocker.read_text() == "not a folder\n"


# The program's exit (`cli.run`) skips freeing every object one by one. What Python's exit does
# besides must still happen: the command's whole output, its exit code, and every exit handler
# (they join worker processes and remove temporary folders).
_PROGRAM = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('exit handler ran', file=sys.stderr))\n"
    "from generator.cli import run\n"
    "sys.argv = ['flywheel', *sys.argv[1:]]\n"
    "run()\n"
)


@pytest.mark.parametrize("broken, code", [(False, 0), (True, 1)])
def test_the_program_exits_with_its_code_its_whole_output_and_its_exit_handlers(root, broken, code):
    if broken:
        add_case(root, "guide_yaml_syntax.md")
    proc = subprocess.run(
        [sys.executable, "-c", _PROGRAM, "check", "--root", str(root), "--format", "json", *AS_OF],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == code, proc.stderr
    report = json.loads(proc.stdout)  # all of it: a lost buffer is a JSON error here
    assert report["ok"] is not broken
    assert proc.stderr.count("exit handler ran") == 1


def test_the_program_exits_2_on_a_usage_error_and_runs_its_exit_handlers(tmp_path):
    proc = subprocess.run([sys.executable, "-c", _PROGRAM, "check", "--root", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "is not a Flywheel project" in proc.stderr
    assert "exit handler ran" in proc.stderr


def test_the_program_says_so_and_exits_120_when_its_output_cannot_be_written(root):
    """As Python's own exit does (a full disk, `> /dev/full`): exit 0 with the report lost
    would pass a CI job that never read it. Buffered output, as without PYTHONUNBUFFERED."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-c", _PROGRAM, "consent", "status", "--root", str(root)],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=60, env=env)
    assert proc.returncode == 120
    assert "No space left on device" in proc.stderr
    assert "exit handler ran" in proc.stderr


def _program_with_lost_output(argv: list[str], stdout, stderr) -> subprocess.CompletedProcess:
    """The program with its output unbuffered (PYTHONUNBUFFERED=1, as in many CI runners), so
    a write that cannot be made fails where it is made, in the middle of the command."""
    return subprocess.run([sys.executable, "-c", _PROGRAM, *argv], stdout=stdout, stderr=stderr, check=False,
                          text=True, timeout=180, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def test_a_report_that_cannot_be_written_ends_with_120_and_no_traceback(root):
    with open("/dev/full", "w") as full:
        proc = _program_with_lost_output(["check", "--root", str(root), "--format", "json", *AS_OF],
                                         full, subprocess.PIPE)
    assert proc.returncode == 120
    assert "the output could not be written: [Errno 28] No space left on device" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "exit handler ran" in proc.stderr


@pytest.mark.parametrize("lost", ["stderr", "both"])
def test_a_revocation_reaches_the_site_when_the_output_cannot_be_written(tmp_path, lost):
    """A confused CI setup: the build's log sent to a full disk (or a reader that is gone).
    The check prints its warnings before the site is written; that failed write stopped the
    build there, and the story revoked since the last build stayed on the site."""
    root = copy_sample(tmp_path)
    assert main(["build", "--root", str(root), *AS_OF]) == 0
    assert (root / "site/stories/finding-answers/index.html").exists()
    record = root / "consent/C-2026-014.yml"
    record.write_text(record.read_text().replace("revoked_on: null", "revoked_on: 2026-11-20"))
    with open("/dev/full", "w") as full:
        proc = _program_with_lost_output(["build", "--root", str(root), *AS_OF],
                                         full if lost == "both" else subprocess.DEVNULL, full)
    assert proc.returncode == 120
    assert not (root / "site/stories/finding-answers").exists()
    texts = site_texts(root / "site")
    assert texts and not any("I finally felt heard" in text for text in texts.values())


def test_a_report_sent_to_a_pipe_whose_reader_has_gone_ends_with_120(root):
    """`flywheel check --format json | jq ...` where jq has already exited: a broken pipe,
    said in one line, not a traceback, and not status 0."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = _program_with_lost_output(["check", "--root", str(root), "--format", "json", *AS_OF],
                                         write_end, subprocess.PIPE)
    finally:
        os.close(write_end)
    assert proc.returncode == 120
    assert "the output could not be written: [Errno 32] Broken pipe" in proc.stderr
    assert "Traceback" not in proc.stderr
