"""`flywheel export`: the gated pages as plain files for renderers without MkDocs plugins."""

from __future__ import annotations

import gzip
import re

import pytest
import yaml
from helpers import copy_base, copy_sample, site_settings

from generator.cli import main


def test_export_writes_published_pages_and_a_plugin_free_config(tmp_path, capsys):
    root = copy_base(tmp_path)
    site_settings(root)
    out = tmp_path / "export"
    assert main(["export", str(out), "--root", str(root), "--as-of", "2028-10-02"]) == 0  # the story has expired
    config = yaml.safe_load((out / "mkdocs.yml").read_text())
    assert config["plugins"] == ["search"] and config["docs_dir"] == "docs"
    # Settings keep their types: `font: false` read as text loaded Google Fonts' "false".
    assert config["theme"]["font"] is False and config["markdown_extensions"][1] == {"toc": {"permalink": False}}
    assert config["nav"][1] == {"Cardiology": ["cardiology/index.md", {"Chest pain": [
        "cardiology/chest-pain/index.md", {"Chest pain: when to worry": "cardiology/chest-pain/chest-pain-when-to-worry.md"}]}]}
    files = sorted(p.relative_to(out / "docs").as_posix() for p in (out / "docs").rglob("*") if p.is_file())
    assert "stories/walking-again.md" not in files and "cardiology/chest-pain/index.md" in files
    assert not any("walk every morning" in p.read_text() for p in (out / "docs").rglob("*.md"))


def test_the_exported_site_built_by_mkdocs_alone_is_the_site_flywheel_builds(tmp_path, capsys):
    """Every page the same, byte for byte: the practice frame (the phone in the header, the
    footer's emergency line, address and services) and the structured data's addresses
    included. An export without them left patients no emergency line in the footer."""
    import os
    import subprocess
    import sys

    root = copy_sample(tmp_path)
    assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 0
    out = tmp_path / "export"
    assert main(["export", str(out), "--root", str(root), "--as-of", "2026-11-22"]) == 0
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(out / "mkdocs.yml")], check=True,
                   capture_output=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})

    # The one difference: the policy. The plugin puts it first in each built page (the page's
    # own inline scripts allowed by their hashes); no plugin runs on the export, whose theme
    # prints it in the head (inline scripts allowed), so a script the practice adds is held too.
    policy = re.compile(r'\n?<meta http-equiv="Content-Security-Policy" content="[^"]*">')

    def pages(site):
        found = {}
        for path in sorted(site.rglob("*.html")):
            page, n = policy.subn("", path.read_text(encoding="utf-8"))
            assert n == 1, path
            found[path.relative_to(site).as_posix()] = page
        return found

    built, exported = pages(root / "site"), pages(out / "site")
    assert len(built) > 30 and exported == built
    page = (out / "site/cardiology/chest-pain/index.html").read_text()
    assert "fw-footer__emergency" in page and '"@type": "BreadcrumbList"' in page
    exported_policy = policy.search(page)
    assert "default-src 'self' example.org:*;" in exported_policy[0] and "'unsafe-inline'" in exported_policy[0]
    # Read before anything the page loads or runs (a policy read after a script does not hold
    # it), with the charset still in the first 1,024 bytes.
    for path in (out / "site").rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        before = page[page.index("<head>") : policy.search(page).start()]
        assert re.findall(r"<(\w+)", before) == ["head"], path
        assert page.encode().index(b'<meta charset="utf-8">') < 1024, path


def test_export_refuses_the_content_folders(tmp_path, capsys):
    root = copy_base(tmp_path)
    site_settings(root)
    assert main(["export", str(root / "content/out"), "--root", str(root)]) == 1
    assert "refusing to write the export into" in capsys.readouterr().err


# The export is published by another renderer, with no plugin to filter it: it must hold what the
# build's page checks (leaks.py) would remove or stop. The sample withholds a-racing-heart
# (consent revoked) and publishes finding-answers.

GUIDE = "content/guides/cardiology/afib-guide.md"


def _append(root, rel: str, text: str) -> None:
    path = root / rel
    path.write_text(path.read_text() + f"\n{text}\n")


def _export(root, out, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["export", str(out), "--root", str(root), "--as-of", "2026-11-22"])
    return code, capsys.readouterr().err


def _exported_text(out) -> str:
    return "\n".join(p.read_text(errors="replace") for p in (out / "docs").rglob("*") if p.is_file())


@pytest.mark.parametrize(
    "text",
    [
        "Read [Daniel's story](../../stories/a-racing-heart/).",
        "Read [Daniel's story][d].\n\n[d]: ../../stories/a-r%61cing-heart.md",
        "Read <a href='/stories/a-r&#97;cing-heart/'>Daniel's story</a>.",
        "See example.org/stories/a-racing-heart for Daniel's story.",
        'As one patient put it: "A racing heart, and a steady plan".',
        "A patient told us: my cardiologist sat with my wife and me and went through it slowly.",
    ],
    ids=["link", "reference-link", "html-link", "typed-address", "title", "passage"],
)
def test_export_never_writes_a_page_that_shows_a_withheld_story(tmp_path, capsys, text):
    root = copy_sample(tmp_path)
    _append(root, GUIDE, text)
    code, err = _export(root, tmp_path / "export", capsys)
    lines = (root / GUIDE).read_text().splitlines()
    if "stories/" in text:  # a link or an address: the error names its line
        where = f"{GUIDE}:{max(n for n, line in enumerate(lines, start=1) if 'stories/' in line)}"
    else:  # a quotation may span lines: the file alone
        where = GUIDE
    assert code == 1 and "[export-shows-unpublished]" in err and f"{where}: error:" in err
    # No export was there (as in CI's fresh checkout, where nothing new for the renderer would
    # keep a story withheld today live: red team rt5): written, the page's text left out
    assert "without the text of the pages named above" in err
    docs = tmp_path / "export/docs"
    assert [p for p in docs.rglob("*.md") if p.read_text() == "This page is being updated.\n"]
    assert "a-racing-heart" not in _exported_text(tmp_path / "export") and "steady plan" not in _exported_text(tmp_path / "export")


def test_a_page_that_shows_a_withheld_story_keeps_the_previous_export_when_no_withdrawal_is_due(tmp_path, capsys):
    root, out = copy_sample(tmp_path), tmp_path / "export"
    assert _export(root, out, capsys)[0] == 0
    before = _exported_text(out)
    _append(root, GUIDE, "Read [Daniel's story](../../stories/a-racing-heart/).")
    code, err = _export(root, out, capsys)
    assert code == 1 and "nothing new was written" in err and _exported_text(out) == before


def test_a_fresh_export_withdraws_a_story_a_guide_still_quotes(tmp_path, capsys):
    """red team rt5: a guide quoted the patient while the consent covered it; the consent is
    revoked. In a fresh checkout the export stopped on the quotation and wrote nothing, so a
    renderer deploying the export kept the story live. Now the export is written with the
    guide's text left out, and still fails."""
    root, out = copy_sample(tmp_path), tmp_path / "export"
    _append(root, "content/guides/spine/csf-leak-guide.md",
            'As one patient put it in "Finding answers after a year of headaches", help is out there.')
    consent = root / "consent/C-2026-014.yml"
    consent.write_text(consent.read_text().replace("revoked_on: null", "revoked_on: 2026-11-20"))
    code, err = _export(root, out, capsys)
    assert code == 1 and "csf-leak-guide" in err and "without the text of the pages named above" in err
    text = _exported_text(out)
    assert "finding-answers" not in text and "Finding answers after a year" not in text
    assert (out / "docs/sleep/index.md").is_file()


def test_a_fresh_export_withdraws_while_an_unrelated_guide_has_an_error(tmp_path, capsys):
    """red team rt6: an error in another guide stopped the export before anything was written;
    in a fresh checkout the renderer deploying the export then deployed nothing, and a story
    revoked meanwhile stayed live for as long as the error stood (`flywheel build` writes its
    site without the pieces that have errors). Now a first export is written so, and still
    fails; a previous one is kept, less what shows a story withheld today (the next test)."""
    root, out = copy_sample(tmp_path), tmp_path / "export"
    assert _export(root, out, capsys)[0] == 0
    before = _exported_text(out)
    guide = root / "content/guides/thyroid/thyroid-ultrasound.md"
    guide.write_text(guide.read_text().replace("stage: learn", "stage: lern", 1))
    assert _export(root, out, capsys)[0] == 1 and _exported_text(out) == before
    fresh = tmp_path / "fresh"
    code, err = _export(root, fresh, capsys)
    assert code == 1 and "without the pieces that have errors" in err
    text = _exported_text(fresh)
    assert "a-racing-heart" not in text and "thyroid-ultrasound" not in text  # revoked; has an error
    assert (fresh / "docs/sleep/index.md").is_file()


def test_an_export_never_prints_a_withheld_story_in_the_practice_frame(tmp_path, capsys):
    """The frame (practice.yml's address, hours, phone text) travels in the exported mkdocs.yml
    and is printed on every page, with no plugin to check it: it is checked before."""
    root = copy_sample(tmp_path)
    practice = root / "practice.yml"
    practice.write_text(practice.read_text().replace(
        'hours: "Monday to Friday, 8am to 6pm"', 'hours: "A racing heart, and a steady plan"'))
    code, err = _export(root, tmp_path / "export", capsys)
    assert code == 1 and "practice.yml: error: the practice frame" in err and not (tmp_path / "export").exists()
    assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 1  # the build refuses it too


def test_a_failed_export_withdraws_what_the_previous_one_showed(tmp_path, capsys):
    root, out = copy_sample(tmp_path), tmp_path / "export"
    assert _export(root, out, capsys)[0] == 0
    assert "finding-answers" in _exported_text(out)
    untouched = out / "docs/sleep/index.md"
    before = untouched.read_text()
    # The story's consent is revoked, and an unrelated guide breaks: the export fails, and the
    # previous export still loses every file that shows the story.
    consent = root / "consent/C-2026-014.yml"
    consent.write_text(consent.read_text().replace("revoked_on: null", "revoked_on: 2026-11-20"))
    broken = root / "content/guides/cardiology/ecg-what-to-expect.md"
    broken.write_text(broken.read_text().replace("stage: prepare", "stage: prepar"))
    code, err = _export(root, out, capsys)
    assert code == 1 and "of the previous export that showed stories withheld today" in err
    assert "finding-answers" not in _exported_text(out)
    assert untouched.read_text() == before  # the rest of the previous export stays


def test_export_leaves_out_a_champion_photo_without_photo_consent(tmp_path, capsys):
    root, out = copy_sample(tmp_path), tmp_path / "export"
    champions = root / "content/champions.yml"
    data = yaml.safe_load(champions.read_text())
    data["daniel-o"]["photo"] = "./img/../img/Daniel.jpg"  # a-racing-heart's champion: revoked
    champions.write_text(yaml.safe_dump(data, sort_keys=False))
    photo = root / "theme/pages/img/Daniel.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8 a fictional photo")
    (root / "theme/pages/img/kept.jpg").write_bytes(b"\xff\xd8 not a champion")
    assert _export(root, out, capsys)[0] == 0
    assert not (out / "docs/img/Daniel.jpg").exists() and (out / "docs/img/kept.jpg").exists()
    assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 0
    assert not (root / "site/img/Daniel.jpg").exists() and (root / "site/img/kept.jpg").exists()


PASSAGE = "I knew every pothole on my route, and I thought I knew my body just as well"  # walking-again's


def _custom_404(root, body: str) -> None:
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"))
    (root / "overrides").mkdir(exist_ok=True)
    (root / "overrides/404.html").write_text('{% extends "main.html" %}\n{% block content %}' + body + "{% endblock %}\n")
    (root / "overrides/main.html").write_text('{% extends "base.html" %}\n')


def test_export_leaves_out_a_theme_template_that_shows_a_withheld_story(tmp_path, capsys):
    """The theme folder travels with the export as files (no plugin checks it there): a 404 page
    quoting a revoked story would be rendered by the other renderer."""
    root, out = copy_sample(tmp_path), tmp_path / "export"
    _custom_404(root, "<p>Out of nowhere my heart started racing and fluttering, like a bird trapped in my chest.</p>")
    assert _export(root, out, capsys)[0] == 0
    page = out / "overrides/404.html"  # Flywheel's own 404 page, or none: never the practice's
    assert "bird trapped" not in (page.read_text() if page.exists() else "")
    assert (out / "overrides/main.html").read_text() == '{% extends "base.html" %}\n'  # the rest travels


def test_a_failed_export_withdraws_the_words_the_previous_one_quoted(tmp_path, capsys):
    root, out = copy_sample(tmp_path), tmp_path / "export"
    guide = root / "content/guides/cardiology/heart-failure-daily-weights.md"
    guide.write_text(guide.read_text() + f'\n\nOne patient told us: "{PASSAGE}."\n')
    _custom_404(root, f"<p>As a patient of ours said: {PASSAGE}.</p>")
    assert _export(root, out, capsys)[0] == 0
    exported = out / "docs/cardiology/heart-failure/heart-failure-daily-weights.md"
    assert PASSAGE in exported.read_text() and PASSAGE in (out / "overrides/404.html").read_text()
    consent = root / "consent/C-2026-011.yml"
    consent.write_text(consent.read_text().replace("revoked_on: null", "revoked_on: 2026-11-20"))
    code, err = _export(root, out, capsys)
    assert code == 1 and "export-shows-unpublished" in err
    # the previous export quoted the story: the export is written, that page's text left out
    assert exported.read_text() == "This page is being updated.\n"
    assert not any(PASSAGE in p.read_text() for p in (out / "overrides").rglob("*.html"))
    assert (out / "docs/sleep/index.md").is_file() and (out / "overrides/main.html").is_file()


# The exported mkdocs.yml is rendered later by Zensical or MkDocs, with its markdown_extensions
# and no plugin (rt1 attack 2): what those make of a page must pass the page checks too.

def _with_extensions(root, text: str) -> None:
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - admonition\n", "  - admonition\n" + text))


@pytest.mark.parametrize("snippets", [
    # rt1 attack 2 (a): from the export folder, ../content is the project's content folder
    "      base_path: [.]\n      restrict_base_path: false\n      check_paths: false\n",
    "      base_path: ..\n",
    "      base_path: !relative $config_dir\n",
    "      base_path: [theme/pages]\n      restrict_base_path: false\n",
    "      base_path: [theme/pages]\n      url_download: true\n",
    "      check_paths: false\n",  # base_path defaults to the renderer's folder
    "      base_path: [theme/pages]\n      restrict_base_path: 'no'\n",  # false to Python-Markdown (stop 47)
    "      base_path: [theme/pages]\n      url_download: 'on'\n",
], ids=["rt1", "parent", "relative", "unrestricted", "download", "default", "unrestricted-no", "download-on"])
def test_an_export_never_lets_the_renderer_read_files_outside_it(tmp_path, capsys, snippets):
    """What a transclusion reads is read again at every render: a story revoked after the
    export would still be copied in from the project."""
    root, out = copy_sample(tmp_path), tmp_path / "export"
    _with_extensions(root, "  - pymdownx.snippets:\n" + snippets)
    _append(root, GUIDE, '--8<-- "../content/stories/thyroid/tired-for-years.md"')
    code, err = _export(root, out, capsys)
    assert code == 1 and "mkdocs.yml: pymdownx.snippets:" in err and "nothing new was written" in err, err
    assert not out.exists() and not list(tmp_path.glob(".export.staging-*"))


def test_snippets_kept_in_docs_dir_travel_with_the_export(tmp_path, capsys):
    root, out = copy_sample(tmp_path), tmp_path / "export"
    _with_extensions(root, "  - pymdownx.snippets:\n      base_path: [theme/pages/snippets]\n      check_paths: true\n")
    (root / "theme/pages/snippets").mkdir()
    (root / "theme/pages/snippets/call-us.md").write_text("Call the practice before you come in.\n")
    _append(root, GUIDE, '--8<-- "call-us.md"')
    code, err = _export(root, out, capsys)
    assert code == 0, err
    extensions = yaml.safe_load((out / "mkdocs.yml").read_text())["markdown_extensions"]
    assert {"pymdownx.snippets": {"base_path": ["docs/snippets"], "check_paths": True}} in extensions
    assert (out / "docs/snippets/call-us.md").is_file()


@pytest.mark.parametrize("text", [
    # rt1 attack 2 (b): deletions inside words; the source holds no title and no twelve words
    ('One reader wrote: "Out of nowhere my heart started rac{--o--}ing and fluttering, like a bird '
     'trap{--o--}ped in my chest. I was not in pain, but I fe{--o--}lt dizzy and out of breath."'),
    "Read *A racing heart, and a st{--x--}eady plan*.",
    "Read [the story](../../stories/a-rac{--x--}ing-heart/).",
], ids=["passage", "title", "link"])
def test_an_export_is_checked_as_its_extensions_render_it(tmp_path, capsys, text):
    root, out = copy_sample(tmp_path), tmp_path / "export"
    _with_extensions(root, "  - pymdownx.critic:\n      mode: accept\n")
    _append(root, GUIDE, text)
    code, err = _export(root, out, capsys)
    assert code == 1 and f"{GUIDE}: error: the exported page cardiology/atrial-fibrillation/index.md, as the " \
        "exported mkdocs.yml renders it" in err and "nothing new was written" in err, err
    assert not out.exists() and not list(tmp_path.glob(".export.staging-*"))


def test_critic_markup_that_shows_nothing_withheld_still_exports(tmp_path, capsys):
    root, out = copy_sample(tmp_path), tmp_path / "export"
    _with_extensions(root, "  - pymdownx.critic:\n      mode: accept\n")
    _append(root, GUIDE, "Call us {--today--}{++any weekday++}.")
    assert _export(root, out, capsys)[0] == 0


def test_an_export_never_carries_a_hook(tmp_path, capsys):
    root, out = copy_sample(tmp_path), tmp_path / "export"
    config = root / "mkdocs.yml"
    config.write_text(config.read_text() + "hooks:\n  - ../hooks/seo.py\n")
    code, err = _export(root, out, capsys)
    assert code == 1 and "[config-runs-code]" in err and not out.exists()


# A champion's photo whose permission the patient withdrew, while the story stays published:
# a failed build takes it off site/ (withdraw.withdrawals_due); a failed export kept it in the
# previous export, which the other renderer deploys, for as long as the unrelated error stood.
PHOTO_STORY, PHOTO_RECORD = "walking-again-after-my-heart-attack", "consent/C-2026-011.yml"


def _with_photo(root, capsys, copy: str | None = None, address: str = "img/daniel.jpg") -> bytes:
    """Daniel (walking-again's champion, full name and photo allowed) given a photo, approved
    as the proof shows it; `copy`: the same picture under another name, shown by a guide;
    `address`: the champion's `photo` (site-absolute, the story page shows it)."""
    champions = root / "content/champions.yml"
    data = yaml.safe_load(champions.read_text())
    data["daniel-o"]["photo"] = address
    champions.write_text(yaml.safe_dump(data, sort_keys=False))
    picture = b"\xff\xd8 a fictional photo of a fictional champion"
    (root / "theme/pages/img").mkdir(parents=True)
    (root / "theme/pages/img/daniel.jpg").write_bytes(picture)
    if copy:
        (root / "theme/pages" / copy).write_bytes(picture)
        _append(root, "content/guides/cardiology/heart-failure-daily-weights.md", f"![Our walking group](/{copy})")
    _approve(root, capsys)
    return picture


def _approve(root, capsys) -> None:
    """The patient approves the story's proof as it is now: its fingerprint recorded."""
    capsys.readouterr()
    assert main(["consent", "fingerprint", "--root", str(root), PHOTO_STORY]) == 0
    fingerprint = capsys.readouterr().out.split()[0]
    record = root / PHOTO_RECORD
    record.write_text(re.sub(r"approved_fingerprint: \S+", f"approved_fingerprint: {fingerprint}", record.read_text()))


def _photo_taken_out(root, capsys) -> None:
    """The patient takes the photo's permission back, and the team does all it should: the
    permission off the record, the photo's address and file out of the project, the story
    approved again without it; and an unrelated guide breaks in the same change."""
    _withdraw_photo(root)
    champions = root / "content/champions.yml"
    data = yaml.safe_load(champions.read_text())
    del data["daniel-o"]["photo"]
    champions.write_text(yaml.safe_dump(data, sort_keys=False))
    (root / "theme/pages/img/daniel.jpg").unlink()
    _approve(root, capsys)
    broken = root / "content/guides/thyroid/thyroid-ultrasound.md"
    broken.write_text(broken.read_text().replace("stage: learn", "stage: lern", 1))


def _withdraw_photo(root) -> None:
    record = root / PHOTO_RECORD
    record.write_text(record.read_text().replace("identifiers: [full_name, photo]", "identifiers: [full_name]"))


def _files_holding(out, data: bytes) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and data in p.read_bytes())


@pytest.mark.parametrize("copy", [None, "img/walking-group.jpg"], ids=["its-address", "a-copy-under-another-name"])
def test_a_failed_export_withdraws_a_photo_whose_permission_was_withdrawn(tmp_path, capsys, copy):
    root, out = copy_sample(tmp_path), tmp_path / "export"
    picture = _with_photo(root, capsys, copy)
    assert _export(root, out, capsys)[0] == 0
    assert _files_holding(out, picture) == sorted(["docs/img/daniel.jpg"] + ([f"docs/{copy}"] if copy else []))
    _withdraw_photo(root)
    broken = root / "content/guides/thyroid/thyroid-ultrasound.md"  # and an unrelated guide breaks
    broken.write_text(broken.read_text().replace("stage: learn", "stage: lern", 1))
    code, err = _export(root, out, capsys)
    assert code == 1 and "previous export" in err
    assert _files_holding(out, picture) == []
    assert not [p for p in (out / "docs").rglob("*.md") if "daniel.jpg" in p.read_text() or (copy and copy in p.read_text())]
    assert (out / f"docs/stories/{PHOTO_STORY}.md").is_file()  # the story itself is still published
    assert (out / "docs/sleep/index.md").is_file()  # and the rest of the previous export stays


def test_an_export_that_shows_a_withheld_story_still_withdraws_a_photo_the_previous_one_showed(tmp_path, capsys):
    """`_withdrawal_due`: an export whose new pages show a withheld story is refused, keeping the
    previous one, unless that one shows what today's gate withholds; a withdrawn photo counts."""
    root, out = copy_sample(tmp_path), tmp_path / "export"
    picture = _with_photo(root, capsys)
    assert _export(root, out, capsys)[0] == 0
    _withdraw_photo(root)
    _append(root, GUIDE, "Read [Daniel's story](../../stories/a-racing-heart/).")  # a-racing-heart: revoked
    code, err = _export(root, out, capsys)
    assert code == 1 and "without the text of the pages named above" in err
    assert _files_holding(out, picture) == [] and (out / f"docs/stories/{PHOTO_STORY}.md").is_file()


def test_a_site_s_withdrawal_finds_a_copy_of_a_withdrawn_photo_under_another_name(tmp_path, capsys):
    """What a failed build takes off site/ when even its lenient rebuild fails (withdraw.scrub):
    the copy a guide showed while the permission stood is the same picture."""
    import datetime as dt

    from generator.check import run_check
    from generator.withdraw import withdrawals_due

    root = copy_sample(tmp_path)
    picture = _with_photo(root, capsys, "img/walking-group.jpg")
    assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 0
    assert _files_holding(root / "site", picture) == ["img/daniel.jpg", "img/walking-group.jpg"]
    _withdraw_photo(root)
    due = withdrawals_due(root / "site", run_check(root, dt.date(2026, 11, 22)))
    assert {"img/daniel.jpg", "img/walking-group.jpg"} <= set(due)


def _zipped(picture: bytes) -> bytes:
    """The picture packed in a zip, compressed: its bytes are nowhere in the archive's."""
    import io
    import zipfile

    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("photos/walking-group.jpg", picture * 4)
    return packed.getvalue()


@pytest.mark.parametrize("name", ["downloads/photos.zip", "downloads/photos", "downloads/photos.zip.gz"],
                         ids=["zip", "no-extension", "nested"])
@pytest.mark.parametrize("command", ["build", "export"])
def test_a_failed_build_or_export_withdraws_an_archive_holding_a_withdrawn_photo(tmp_path, capsys, command, name):
    """A passing build leaves out an archive holding a champion's photo no story may show
    (`leaks.packed_digests`), but a failed export found withdrawn photos only by their address
    and bytes: a `photos.zip` exported while the permission stood stayed in the kept export for
    as long as an unrelated guide stayed broken. (A failed build already rebuilt leniently, the
    photo's own address being a trace, and that rebuild left the archive out.)"""
    root = copy_sample(tmp_path)
    picture = _with_photo(root, capsys) * 4
    (root / "theme/pages/img/daniel.jpg").write_bytes(picture)
    (root / "theme/pages/downloads").mkdir()
    packed = _zipped(picture[: len(picture) // 4])
    (root / "theme/pages" / name).write_bytes(gzip.compress(packed) if name.endswith(".gz") else packed)
    _approve(root, capsys)
    out = root / "site" if command == "build" else tmp_path / "export"
    kept = out / name if command == "build" else out / "docs" / name
    assert (main(["build", "--root", str(root), "--as-of", "2026-11-22"]) if command == "build" else _export(root, out, capsys)[0]) == 0
    assert kept.is_file()
    _withdraw_photo(root)
    broken = root / "content/guides/thyroid/thyroid-ultrasound.md"
    broken.write_text(broken.read_text().replace("stage: learn", "stage: lern", 1))
    assert (main(["build", "--root", str(root), "--as-of", "2026-11-22"]) if command == "build" else _export(root, out, capsys)[0]) == 1
    assert not kept.exists()


def test_a_failed_build_withdraws_a_photo_taken_out_of_the_project(tmp_path, capsys):
    """With the photo's address gone from champions.yml, only the previous story page still
    says which picture it showed (`withdraw._shown_photos`): a failed build kept that page and
    the picture on site/ as long as the unrelated error stood."""
    root = copy_sample(tmp_path)
    picture = _with_photo(root, capsys, address="/img/daniel.jpg")
    assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 0
    page = root / f"site/stories/{PHOTO_STORY}/index.html"
    assert 'class="fw-photo"><img src="/img/daniel.jpg"' in page.read_text()
    _photo_taken_out(root, capsys)
    assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 1
    assert _files_holding(root / "site", picture) == []
    assert not [p for p in (root / "site").rglob("*.html") if "daniel.jpg" in p.read_text()]
    assert page.is_file()  # rebuilt from today's content, without the photo


def test_a_failed_export_withdraws_a_photo_taken_out_of_the_project(tmp_path, capsys):
    root, out = copy_sample(tmp_path), tmp_path / "export"
    picture = _with_photo(root, capsys, address="/img/daniel.jpg")
    assert _export(root, out, capsys)[0] == 0
    assert 'class="fw-photo"><img src="/img/daniel.jpg"' in (out / f"docs/stories/{PHOTO_STORY}.md").read_text()
    _photo_taken_out(root, capsys)
    code, err = _export(root, out, capsys)
    assert code == 1 and "previous export" in err
    assert _files_holding(out, picture) == []
    assert not [p for p in (out / "docs").rglob("*.md") if "daniel.jpg" in p.read_text()]


# A sentence the patient asked to have taken out: the team edits the story and the patient
# approves the new version (its fingerprint recorded) in a change that also breaks a guide.
TAKEN_OUT = "Some of us still meet for coffee."


def _sentence_taken_out(root, capsys) -> None:
    story = root / "content/stories/cardiology/walking-again-after-my-heart-attack.md"
    story.write_text(story.read_text().replace(f" {TAKEN_OUT}", ""))
    _approve(root, capsys)
    broken = root / "content/guides/thyroid/thyroid-ultrasound.md"
    broken.write_text(broken.read_text().replace("stage: learn", "stage: lern", 1))


def _site_text(folder) -> str:
    return "\n".join(p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file() and p.suffix in (".html", ".md", ".json", ".xml"))


def test_a_failed_build_never_keeps_a_version_the_patient_no_longer_approves(tmp_path, capsys):
    """The previous page showed the version the record approved then; the record now approves
    another (`withdraw._versions_shown`, by the version each story page carries). The failed
    build kept the old page, the sentence in it, for as long as the unrelated error stood."""
    root = copy_sample(tmp_path)
    assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 0
    page = root / f"site/stories/{PHOTO_STORY}/index.html"
    assert TAKEN_OUT in page.read_text() and 'data-approved="' in page.read_text()
    _sentence_taken_out(root, capsys)
    assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 1
    assert TAKEN_OUT not in _site_text(root / "site")
    assert "I take my medicines" in page.read_text()  # the version approved now is published


def test_a_failed_export_never_keeps_a_version_the_patient_no_longer_approves(tmp_path, capsys):
    root, out = copy_sample(tmp_path), tmp_path / "export"
    assert _export(root, out, capsys)[0] == 0
    assert TAKEN_OUT in (out / f"docs/stories/{PHOTO_STORY}.md").read_text()
    _sentence_taken_out(root, capsys)
    code, err = _export(root, out, capsys)
    assert code == 1 and "previous export" in err
    assert TAKEN_OUT not in _site_text(out / "docs")


def test_a_page_version_is_never_the_fingerprint(tmp_path, capsys):
    """A record's approved fingerprint is looked for in every page as a consent secret
    (leaks.consent_secrets): the version a page carries is derived from it, never it."""
    root = copy_sample(tmp_path)
    assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 0
    fingerprint = re.search(r"approved_fingerprint: sha256:(\w+)", (root / PHOTO_RECORD).read_text()).group(1)
    versions = re.findall(r'data-approved="(\w+)"', _site_text(root / "site"))
    assert len(set(versions)) == 5  # each published story's page, and only theirs
    assert not any(v in fingerprint for v in versions) and fingerprint[:16] not in _site_text(root / "site")
