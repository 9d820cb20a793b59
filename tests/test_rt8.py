"""Red team rt8's routes around the consent promise, each written as the attack.

Every test here failed before its fix (see docs/security.md, the table of properties, attacks
and tests). The sample site is fictional.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from helpers import build_with_the_guide_saying, clock_env, revoke_finding_answers, site_shows

from generator.cli import main

AS_OF = "2026-11-22"


def test_a_worker_count_that_is_no_number_never_stops_a_withdrawal(sample, monkeypatch, capsys):
    """rt8: FLYWHEEL_WORKERS=² (`str.isdigit` is true of it, `int` refuses it) stopped every
    `flywheel build` with a ValueError blamed on mkdocs.yml: in CI's fresh checkout no site was
    written, so a story revoked meanwhile stayed live, and `mkdocs build` ended in a traceback.
    A count far past the machine (a page count typed for a worker count) would have forked a
    process per count."""
    revoke_finding_answers(sample)
    monkeypatch.setenv("FLYWHEEL_WORKERS", "\u00b2")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert (sample / "site/index.html").is_file()
    assert not (sample / "site/stories/finding-answers").exists()
    capsys.readouterr()
    env = {**os.environ, **clock_env(), "FLYWHEEL_WORKERS": "\u2460"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=sample, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr

    from generator.forkmap import workers

    monkeypatch.setenv("FLYWHEEL_WORKERS", "100000")
    assert workers(1000, 100) <= 4 * (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
    assert workers(3, 100) <= 3
    monkeypatch.setenv("FLYWHEEL_WORKERS", "3")
    assert workers(1000, 100) == 3


@pytest.mark.parametrize("written", ["Kumar, Priya", "KUMAR Priya", "Priya S. Kumar", "Priya Shanti Kumar"])
def test_a_champion_s_name_written_another_way_is_still_her_name(sample, written, capsys):
    """rt8: the full name of a champion no published story credits (Priya Kumar: her only story
    has no consent) was looked for only as written in champions.yml: a guide thanking "Kumar,
    Priya" (a list sorted by surname) or "Priya S. Kumar" published it with a passing build."""
    assert build_with_the_guide_saying(sample, f"With thanks to {written} for her help.") == 1
    assert site_shows(sample / "site", written) == []
    capsys.readouterr()


def test_a_first_name_or_a_surname_alone_is_not_a_champion_s_name(sample, capsys):
    assert build_with_the_guide_saying(sample, "Priya's questions were answered; Dr. Kumar and a Kumar family helped.") == 0
    capsys.readouterr()


@pytest.mark.parametrize("written", [
    "A  r a c i n g  h e a r t ,  a n d  a  s t e a d y  p l a n",  # the revoked story's title
    "A r a c i n g heart, and a steady plan",
    "## B A C K &nbsp; T O &nbsp; T H E &nbsp; W O R K S H O P",  # the expired story's, as a heading
    "With thanks to P-r-i-y-a K-u-m-a-r.",  # a champion no published story credits
    "A·s·t·e·a·d·y·p·l·a·n·b·e·a·t·s·a·r·a·c·i·n·g·h·e·a·r·t",  # the pull quote, no spaces between words
])
def test_words_spaced_letter_by_letter_are_still_the_words(sample, written, capsys):
    """rt8 (a limitation rt7 wrote down): a withheld story's title, its pull quote or a
    champion's name spaced letter by letter, as a heading is letter-spaced by hand, read as
    words of one letter each and published with a passing build."""
    assert build_with_the_guide_saying(sample, written) == 1
    assert site_shows(sample / "site", written[-9:]) == []
    capsys.readouterr()


def test_a_static_file_spacing_a_withheld_title_is_left_out(sample, capsys):
    (sample / "theme/pages/notes.txt").write_text("A  R a c i n g  h e a r t ,  a n d  a  s t e a d y  p l a n\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert not (sample / "site/notes.txt").exists()
    assert "Static file 'notes.txt' left out of the site: it quotes a withheld story" in capsys.readouterr().err


def test_letters_in_a_row_that_spell_no_withheld_text_still_build(sample, capsys):
    assert build_with_the_guide_saying(sample, "Answer a, b, c or d. Press S T O P to pause; R a c i n g is our word.") == 0
    capsys.readouterr()


@pytest.mark.parametrize("broken", [
    ("", "oops: [\n"),  # a YAML error at the end of the file
    ("", "ines-v: Ines sings in the choir\n"),  # a key twice
    ("  bio: Fictional sample champion. Software tester and weekend gardener.",  # Priya's entry alone
     "  bio: [Software tester, weekend gardener]"),
])
def test_a_champions_file_that_cannot_be_used_still_withholds_its_names_and_bios(sample, broken, capsys):
    """rt8: with content/champions.yml unusable (a YAML error anywhere in it, or one entry the
    schema refuses), every story is withheld (no champion can be found) but no champion's name
    or bio was known to the page checks: CI's fresh checkout, building leniently to carry the
    withdrawals, published a guide naming Priya Kumar (whose story has no consent) and one
    quoting Leo's bio (his story's consent expired)."""
    champions = sample / "content/champions.yml"
    old, new = broken
    champions.write_text(champions.read_text().replace(old, new) if old else champions.read_text() + new)
    guide = sample / "content/guides/cardiology/afib-guide.md"
    guide.write_text(guide.read_text() + "\n\nWith thanks to Priya Kumar for her help.\n")
    other = sample / "content/guides/cardiology/afib-blood-thinners.md"
    other.write_text(other.read_text() + "\n\nLeo: Fictional sample champion. Carpenter who went back to work after back surgery.\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert (sample / "site/index.html").is_file()
    assert site_shows(sample / "site", "Priya Kumar") == []
    assert site_shows(sample / "site", "went back to work after back surgery") == []
    capsys.readouterr()


@pytest.mark.parametrize("link", [
    "[Search for it](https://duckduckgo.com/?q=A%20racing%20heart%2C%20and%20a%20steady%20plan)",
    '<a href="https://example.org/contact?who=Priya%20Kumar">Ask about her</a>',
    '<a href="https://example.org/?q=A%2520racing%2520heart%252C%2520and%2520a%2520steady%2520plan">x</a>',
])
def test_a_quotation_in_an_address_s_percent_escapes_stops_the_build(sample, link, capsys):
    """rt8: a guide linking to a search for a revoked story's title, or a contact form with a
    champion's name in its address, percent-encoded (as a browser's address bar copies it):
    read as words, `A%20racing%20heart` was "a 20racing 20heart", and the quotation was
    published in the page (and sent to the site linked to) with a passing build."""
    assert build_with_the_guide_saying(sample, link) == 1
    assert site_shows(sample / "site", "racing%") == site_shows(sample / "site", "Priya%") == []
    capsys.readouterr()


@pytest.mark.parametrize("epoch", ["2026-11-22", "99999999999", "-5"])
def test_a_source_date_epoch_mkdocs_cannot_use_never_stops_a_withdrawal(sample, epoch, monkeypatch, capsys):
    """rt8: SOURCE_DATE_EPOCH (the reproducible-builds variable MkDocs reads for its build date
    and the sitemap's gzip time) set to a date, or to seconds gzip cannot write, stopped every
    build with a ValueError while the pages were written, blamed on mkdocs.yml: in CI's fresh
    checkout no site was written, so a story revoked meanwhile stayed live; `mkdocs build` ended
    in a traceback."""
    revoke_finding_answers(sample)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "SOURCE_DATE_EPOCH" in capsys.readouterr().err
    assert (sample / "site/index.html").is_file()
    assert not (sample / "site/stories/finding-answers").exists()
    import shutil

    shutil.rmtree(sample / "site")
    env = {**os.environ, **clock_env(), "SOURCE_DATE_EPOCH": epoch}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=sample, env=env,
                          capture_output=True, text=True, timeout=600)
    assert "Traceback" not in done.stderr and "SOURCE_DATE_EPOCH" in done.stderr
    assert (sample / "site/index.html").is_file()
    assert not (sample / "site/stories/finding-answers").exists()


def test_a_source_date_epoch_in_seconds_still_builds(sample, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764979200")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("name, text", [
    ("widget.json", '{"headline": "\\u0041 \\u0072acing heart, and a steady plan"}\n'),
    ("site.webmanifest", '{"name": "\\u0041\\u0020racing\\u0020heart\\u002c and a steady plan"}\n'),
    ("notes.css", '.quote::after { content: "\\41  \\72 acing heart, and a steady plan"; }\n'),
    ("people.json", '{"thanks": "Priya\\u0020Kumar"}\n'),
])
def test_a_static_file_writing_a_withheld_story_in_escapes_is_left_out(sample, name, text, capsys):
    """rt8: a JSON file (a widget's data, a web manifest) or a stylesheet in docs_dir writing a
    revoked story's title, or a champion's name, in JSON's or CSS's escapes (`\\u0041`, `\\41 `),
    which whatever reads the file shows decoded: read as words ("u0041", "u0072acing") and
    published with a passing build."""
    (sample / "theme/pages" / name).write_text(text)
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert not (sample / "site" / name).exists()
    assert f"Static file '{name}' left out of the site: it quotes a withheld story" in capsys.readouterr().err


def test_a_guide_attribute_writing_a_withheld_title_in_escapes_stops_the_build(sample, capsys):
    assert build_with_the_guide_saying(sample, '<span data-caption="\\x41 racing heart\\u002c and a steady plan">Our story</span>') == 1
    assert site_shows(sample / "site", "racing heart\\u002c") == []
    capsys.readouterr()


def test_backslashes_that_spell_nothing_withheld_still_build(sample, capsys):
    (sample / "theme/pages/data.json").write_text('{"path": "C:\\\\Users\\\\clinic", "emoji": "\\ud83d\\ude00", "x": "\\u{110000}"}\n')
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert (sample / "site/data.json").is_file()
    capsys.readouterr()


def test_a_content_file_kept_in_site_behind_a_link_is_never_deleted(sample, capsys):
    """rt8: a guide moved into site/ and linked back from content/ (`content/guides/x.md ->
    ../../../site/x.md`, an editor's shortcut to preview it) was deleted by the next build,
    which replaced site/ whole: the generator deleted what it did not create. Such a link now
    stops the build as a practice folder linked into the site does, and the last resort still
    takes a revoked story off the site, moving (never deleting) what lies behind the link."""
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    guide = sample / "content/guides/cardiology/afib-guide.md"
    kept = sample / "site/afib-guide.md"
    guide.rename(kept)
    guide.symlink_to("../../../site/afib-guide.md")
    text = kept.read_bytes()
    revoke_finding_answers(sample)
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "is a symbolic link into site_dir" in capsys.readouterr().err
    assert kept.read_bytes() == text
    assert not (sample / "site/stories/finding-answers").exists()
    env = {**os.environ, **clock_env()}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=sample, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1 and "is a symbolic link into site_dir" in done.stderr
    assert kept.read_bytes() == text


@pytest.mark.parametrize("how", ["link", "inherit"])
def test_a_mkdocs_yml_linked_to_a_pipe_never_hangs_a_withdrawal(sample, tmp_path, how):
    """rt8: `mkdocs.yml` committed as a link (git keeps links) to `/proc/self/fd/1`, which in CI
    is the pipe the runner reads the build's output from, or to any named pipe: read as "no
    mkdocs.yml" by Flywheel (not a regular file), then opened by MkDocs, which waited on it
    forever; `INHERIT: /proc/self/fd/1` (no link needed) was read by Flywheel itself, forever.
    The job timed out, no site was written, and a story revoked meanwhile stayed live."""
    import os as _os

    revoke_finding_answers(sample)
    pipe = tmp_path / "pipe"
    _os.mkfifo(pipe)
    config = sample / "mkdocs.yml"
    if how == "link":
        config.unlink()
        config.symlink_to(pipe)
    else:
        config.write_text(f"INHERIT: {pipe}\n" + config.read_text())
    env = {**os.environ, **clock_env()}
    done = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--root", str(sample), "--as-of", AS_OF],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "cannot be read" in done.stderr and "not a regular file" in done.stderr
    assert (sample / "site/index.html").is_file()
    assert not (sample / "site/stories/finding-answers").exists()
    done = subprocess.run([sys.executable, "-m", "generator.cli", "check", "--root", str(sample), "--as-of", AS_OF],
                          env=env, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("written", [
    "\u1d00 \u0280\u1d00\u1d04\u026a\u0274\u0262 \u029c\u1d07\u1d00\u0280\u1d1b, \u1d00\u0274\u1d05 \u1d00 s\u1d1b\u1d07\u1d00\u1d05\u028f \u1d18\u029f\u1d00\u0274",
    "\U0001f170 \U0001f181\U0001f170\U0001f172\U0001f178\U0001f17d\U0001f176 \U0001f177\U0001f174\U0001f170\U0001f181\U0001f183, and a steady plan",
    "Thanks to \U0001f15f\U0001f161\U0001f158\U0001f168\U0001f150 \U0001f15a\U0001f164\U0001f15c\U0001f150\U0001f161.",
])
def test_a_quotation_in_small_capitals_or_boxed_letters_stops_the_build(sample, written, capsys):
    """rt8: a revoked story's title in small capitals (`ᴀ ʀᴀᴄɪɴɢ ʜᴇᴀʀᴛ...`, what "fancy text"
    generators write), in letters in black squares (`🅰`), or a champion's name in black
    circles (`🅟🅡🅘🅨🅐`): neither NFKC nor the confusables data reads them as Latin letters, so
    they were other words, published with a passing build."""
    assert build_with_the_guide_saying(sample, written) == 1
    assert site_shows(sample / "site", written[-6:]) == []
    capsys.readouterr()


@pytest.mark.parametrize("encoding, stage", [("ascii", "l\u00e9rn"), ("cp1252", "\u0142earn")])
def test_a_report_the_terminal_cannot_print_never_stops_a_withdrawal(sample, encoding, stage):
    """rt8: with output in an encoding that lacks a letter of a reported value (a Windows CI
    runner's piped output is its ANSI code page, cp1252, which has no `ł`; PYTHONIOENCODING=ascii
    has no `é`), an unrelated guide's `stage: lérn` stopped `flywheel build` with a
    UnicodeEncodeError while it printed the check's report, before anything was built: CI's
    fresh checkout wrote no site, so a story revoked meanwhile stayed live."""
    revoke_finding_answers(sample)
    guide = sample / "content/guides/cardiology/afib-guide.md"
    guide.write_text(guide.read_text().replace("stage: learn", f"stage: {stage}"), encoding="utf-8")
    env = {**os.environ, **clock_env(), "PYTHONIOENCODING": encoding}
    done = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--root", str(sample), "--as-of", AS_OF],
                          env=env, capture_output=True, timeout=300)
    assert done.returncode == 1
    assert b"Traceback" not in done.stderr + done.stdout
    assert b"stage: expected one of" in done.stderr + done.stdout
    assert (sample / "site/index.html").is_file()
    assert not (sample / "site/stories/finding-answers").exists()


def test_a_user_without_a_home_folder_still_withdraws(sample, monkeypatch, capsys):
    """rt8: in a container run as a user the system does not know and without HOME (`docker run
    --user 1001`, a pod's runAsUser), `Path.home()` raises RuntimeError: finding the cache key
    stopped `flywheel build` with a traceback before anything was built, so CI's fresh checkout
    wrote no site and a story revoked meanwhile stayed live. The caches are simply not used."""
    import pathlib

    def no_home(cls):
        raise RuntimeError("Could not determine home directory.")

    revoke_finding_answers(sample)
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setattr(pathlib.Path, "home", classmethod(no_home))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert (sample / "site/index.html").is_file()
    assert not (sample / "site/stories/finding-answers").exists()
    capsys.readouterr()
