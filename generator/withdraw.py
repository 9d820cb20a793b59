"""Withdrawal always deploys: no build, failed or not, leaves a withheld story in `site/`.

A failed build normally leaves the previous `site/` as it was, so a broken guide never takes
good pages offline. Where there is no previous `site/` (a CI job's fresh checkout, which
deploys what the build leaves), there are no good pages to keep, and the live site may still show
a story withheld today: the failed build writes the lenient site described in 2. But if that previous site shows a story that today's gate withholds (a
revocation, an expiry, an edit the patient has not approved, a deleted story), keeping it would
keep publishing the story for as long as the unrelated error stands. So a failed build first
looks for such traces:

1. none: `site/` is left exactly as it was;
2. some: the site is rebuilt from the current content with today's gate, leniently: every
   piece that has errors of its own is left out (the gate withholds it), warnings do not
   stop it, and the build still reports failure;
3. if even that rebuild fails, every file of the previous site that shows the story, links to
   it or indexes the site (search index, sitemap) is deleted.
"""

from __future__ import annotations

import functools
import html
import os
import re
import shutil
import stat
from pathlib import Path

from .check import CheckResult
from .schema import SLUG_PATTERN
from .leaks import (
    Quoted,
    Unreadable,
    file_text,
    named_for,
    named_for_a_name,
    photo_site_path,
    quoted_by_story,
    quoted_traces,
    story_traces,
    withheld_quoted,
)
from .paths import _CHECKOUTS


# What a page of the site is named for its address: `<slug>/`, `<slug>.html`, and in an
# export's docs/ (which `withdrawals_due` reads as it reads a site) `<slug>.md`.
_PAGE_SUFFIXES = (".html", ".md")


def _page_name(entry: Path) -> str:
    name = entry.name
    for suffix in _PAGE_SUFFIXES:
        name = name.removesuffix(suffix)
    return name


def _story_slugs_in(site_dir: Path) -> set[str]:
    """Slugs of the story pages a built site holds (`stories/<slug>/`, `stories/<slug>.html`, or
    an export's `stories/<slug>.md`)."""
    folder = site_dir / "stories"
    if not folder.is_dir():
        return set()
    slugs = set()
    for entry in folder.iterdir():
        name = _page_name(entry)
        if name != "index" and not name.startswith("."):
            slugs.add(name)
    return slugs


def _files(site_dir: Path):
    """Every file of the site, whatever its name: static files of any kind were copied to it
    (a transcript `.vtt`, an `.xhtml` page, a PDF named for the story). A version-control
    checkout in it (a folder no build made, which the last resort reads too) is not the site."""
    for folder, dirs, files in os.walk(site_dir):
        dirs[:] = [name for name in dirs if name not in _CHECKOUTS]
        for name in files:
            yield Path(folder) / name


@functools.cache
def _theme_folders() -> tuple[Path, ...]:
    """The installed themes' own files, as MkDocs copies them to the site: Material's and
    Flywheel's (never the practice's `custom_dir`, whose files are the project's)."""
    from .assets import THEME_DIR

    folders = [THEME_DIR]
    try:
        import material

        folders.append(Path(material.__file__).parent / "templates")
    except ImportError:  # pragma: no cover - Material is a dependency
        pass
    return tuple(folders)


def _theme_copy(path: Path, rel: str) -> bool:
    """Whether the site's file at `rel` is, byte for byte, an installed theme's file at the
    same place (`assets/javascripts/lunr/wordcut.js`): nothing of the project is in it, and
    reading it for a withheld story's words cost a scan of the whole site most of its time
    (Material's search language files, 0.3 s of 0.5 s for the sample's site)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return False
        for folder in _theme_folders():
            theirs = folder / rel
            try:
                if os.stat(theirs).st_size == info.st_size and theirs.read_bytes() == path.read_bytes():
                    return True
            except OSError:
                continue
    except OSError:
        return False
    return False


def _read(path: Path) -> str:
    """The file's text as a browser shows it, or the words a binary file carries (leaks.file_text)."""
    try:
        return file_text(path) or ""
    except Unreadable:
        return ""


def unpublished_stories(result: CheckResult) -> set[str]:
    """Every story slug the project knows that today's gate does not publish."""
    project, gate = result.project, result.gate
    known = {slug for slug, (kind, _, _) in project.raw.items() if kind == "story"}
    known |= {slug for slug, (kind, _) in project.invalid.items() if kind == "story"}
    known |= set(project.stories)  # a duplicated story slug is in `raw` or `invalid` already
    # And every story a committed consent record ever named: a story deleted with its record
    # left its address in a guide's link, which a published build kept (stop 48's red team).
    known |= {version.story for versions in project.committed_terms.values() for version in versions
              if isinstance(version.story, str) and SLUG_PATTERN.fullmatch(version.story)}
    known |= {story for _, stories, _ in project.committed_revocations.values() for story in stories
              if isinstance(story, str) and SLUG_PATTERN.fullmatch(story)}
    return {slug for slug in known if not gate.is_published(slug)}


def unpublished_pieces(result: CheckResult) -> set[str]:
    """Those stories and every other piece the gate withholds (drafts included)."""
    return {slug for slug, d in result.gate.decisions.items() if not d.published} | unpublished_stories(result)


def _credit_traces(site_dir: Path, result: CheckResult) -> set[str]:
    """Names the site shows that today's consents no longer allow: a champion page for a
    champion no longer credited by name (`champions/<id>`), or a story page still showing the
    name of a champion its consent now credits anonymously (the story's slug)."""
    from .gate import ANONYMOUS_CREDIT
    from .link import link

    due = set()
    folder = site_dir / "champions"
    if folder.is_dir():
        named = set(link(result, campaign=False).champions)
        for entry in folder.iterdir():
            champion = _page_name(entry)
            if champion != "index" and not champion.startswith(".") and champion not in named:
                due.add(f"champions/{champion}")
    project = result.project
    for decision in result.gate.decisions.values():
        if decision.kind != "story" or not decision.published or decision.credit != ANONYMOUS_CREDIT:
            continue
        champion = project.champions.get(project.stories[decision.slug].data.champion)
        pages = _story_page_files(site_dir, decision.slug)
        if champion and any(champion.data.name in _read(page) for page in pages if page.is_file()):
            due.add(decision.slug)
    return due


def _photo_traces(site_dir: Path, result: CheckResult) -> set[str]:
    """Champion photos the site holds that no published story may show today (the `photo`
    consent withdrawn, or every story of the champion withheld), by their address in the site
    and by their bytes (a copy of the picture under another name, which a guide showed while the
    consent allowed it: `leaks.unconsented_photo_digests`). A build that passes leaves them out
    (`leaks.unconsented_photos`); a failed one kept them, and the story page showing a photo
    whose permission was withdrawn was no trace at all."""
    from .errors import FlywheelError
    from .leaks import photo_held, unconsented_photo_digests, unconsented_photos
    from .paths import static_sources

    try:
        site_url = static_sources(result.project.root)[1]
    except FlywheelError:  # mkdocs.yml unreadable: site-relative photos are still found
        site_url = None
    photos, pictures = unconsented_photos(result, site_url), unconsented_photo_digests(result)
    if not photos and not pictures:
        return set()
    # Only a file the size of a champion's photo can be a copy of one: the rest are not read.
    sizes = set()
    for name in result.project.photo_files if pictures else ():
        try:
            sizes.add(os.stat(name).st_size)
        except OSError:
            continue
    found = set()
    for path in _files(site_dir):
        rel = path.relative_to(site_dir).as_posix()
        if rel.casefold() in photos:
            found.add(rel)
            continue
        try:
            size = os.lstat(path).st_size
        except OSError:
            continue
        # A copy of the picture, or an archive holding it (`downloads/photos.zip`, under any
        # name), which a passing build leaves out as the photo itself (`leaks.packed_digests`):
        # a failed export kept it. Only archives are unpacked; any other file costs one read of
        # its head.
        if photo_held(path, pictures, whole=size in sizes) is not None:
            found.add(rel)
    return found


# The champion's photo as a story page shows it (templates/story.md.j2), in a built page or an
# exported one.
_SHOWN_PHOTO = re.compile(r'<p class="fw-photo"><img src="([^"]*)"')


_APPROVED = re.compile(r'<div class="fw-story-body" data-approved="([0-9a-f]{16})"')


def _story_page_files(site_dir: Path, slug: str) -> tuple[Path, ...]:
    """Where the site's page for the story `slug` is: `stories/<slug>/index.html`, or
    `stories/<slug>.html`, or an export's `stories/<slug>.md`."""
    return (site_dir / "stories" / slug / "index.html",
            *(site_dir / "stories" / f"{slug}{suffix}" for suffix in _PAGE_SUFFIXES))


def _story_pages(site_dir: Path, slug: str) -> list[str]:
    """The markup of the site's page (or an export's) for the story `slug`, as each is there."""
    pages = []
    for page in _story_page_files(site_dir, slug):
        try:
            pages.append(page.read_text(encoding="utf-8", errors="replace"))
        except OSError:  # none, a folder: nothing shown
            continue
    return pages


def _versions_shown(site_dir: Path, result: CheckResult, published: set[str]) -> set[str]:
    """Published stories whose page in the site shows a version other than the one their
    consent approves now (`shown.page_version`, which each story page carries): the story was
    edited, or what its page shows about the patient changed, and the patient approved the new
    version. The old one is no longer what the record covers, and a failed build kept it (the
    sentence the patient asked to have taken out, the old picture), as long as the unrelated
    error stood. A page that says no version (built before pages carried one) is one too."""
    from .shown import page_version

    project, due = result.project, set()
    for slug in _story_slugs_in(site_dir) & published:
        record = project.consents.get(project.stories[slug].data.consent or "")
        if record is None:
            continue  # published, so it has one; the gate decides that, not this
        expected = page_version(record.data.approved_fingerprint)
        for markup in _story_pages(site_dir, slug):
            if expected not in _APPROVED.findall(markup):
                due.add(slug)
    return due


def _shown_photos(site_dir: Path, result: CheckResult, published: set[str]) -> set[str]:
    """The photos the site's pages of published stories show that today's gate shows with none
    of them: by their address in the site where the site holds the file, else the story's slug.
    `_photo_traces` finds a photo by the champion's `photo` as it is now; once the patient took
    the permission back and the photo's address and file were taken out of the project, only
    the previous page still says which picture it showed."""
    due = set()
    for slug in _story_slugs_in(site_dir) & published:
        if result.gate.decisions[slug].show_photo:
            continue  # the photo it shows today is approved with the story (its fingerprint)
        for markup in _story_pages(site_dir, slug):
            for match in _SHOWN_PHOTO.finditer(markup):
                where = photo_site_path(html.unescape(match.group(1)), None)
                due.add(where if where and (site_dir / where).is_file() else slug)
    return due


def withdrawals_due(site_dir: Path, result: CheckResult, quoted: Quoted | None = None) -> list[str]:
    """What the existing site shows that today's gate does not publish: slugs of withheld
    stories (a page, or a link to one), names no longer allowed (see `_credit_traces`) and
    photos no longer allowed, by their address in the site (see `_photo_traces`).
    Empty when there is no site or nothing in it needs withdrawing."""
    if not site_dir.is_dir():
        return []
    published = set(result.gate.published("story"))
    due = {slug for slug in _story_slugs_in(site_dir) if slug not in published}
    due |= _credit_traces(site_dir, result)
    due |= _photo_traces(site_dir, result)
    due |= _shown_photos(site_dir, result, published)
    due |= _versions_shown(site_dir, result, published)
    watch = unpublished_stories(result) - due
    if watch and quoted is None:  # the caller's index (`withheld_quoted`), made once a build
        quoted = withheld_quoted(result)
    by_story: dict | None = None
    for path in _files(site_dir) if watch else ():
        rel = path.relative_to(site_dir).as_posix()
        if (slug := named_for(rel, watch, loosely="name")) is not None:
            due.add(slug)  # a static file named for the story (`downloads/<slug>.pdf`)
            watch.discard(slug)
        if quoted is not None and named_for_a_name(rel, quoted):  # `media/priya-kumar.mp3` (rt9)
            by_story = by_story if by_story is not None else quoted_by_story(result, quoted)
            found = {slug for slug, index in by_story.items() if slug in watch and named_for_a_name(rel, index)}
            due |= found
            watch -= found
        if _theme_copy(path, path.relative_to(site_dir).as_posix()):
            continue
        text = _read(path)
        # The story's address as the page checks read it: decoded, `stories/./<slug>`, inline
        # tags inside it (leaks.story_traces).
        for slug in story_traces(text, frozenset(watch)):
            due.add(slug)
            watch.discard(slug)
        # A page that quotes the story (a guide that pasted its words, a practice's own 404
        # page) shows it as surely as its own page did.
        if quoted is not None and quoted_traces(text, quoted):
            by_story = by_story if by_story is not None else quoted_by_story(result, quoted)
            found = {slug for slug, index in by_story.items() if slug in watch and quoted_traces(text, index)}
            due |= found
            watch -= found
        if not watch:
            break
    return sorted(due)


def replacement_due(site_dir: Path, result: CheckResult) -> str | None:
    """Why a failed build must still write `site/` (in plain words), or None to leave it."""
    if not site_dir.exists():
        return "there is no previous site/ to keep, and a deploy must carry every withdrawal"
    due = withdrawals_due(site_dir, result)
    if not due:
        return None
    # Stories by slug, as every command names them; a champion's page or photo only counted:
    # its address may spell her name (stop 48's red team: "champions/priya-kumar" in CI's log).
    stories = [item for item in due if "/" not in item and "." not in item]
    others = len(due) - len(stories)
    shown = f"{len(stories)} story(ies) now withheld ({', '.join(stories)})" if stories else "no story"
    return f"site/ shows {shown}" + (f" and {others} champion page(s) or photo(s) no consent allows" if others else "")


def scrub(site_dir: Path, slugs: list[str], quoted: Quoted | None = None, aside: Path | None = None) -> list[str]:
    """Last resort: delete every file of the site that shows or links to one of `slugs`, or
    quotes a withheld story (`quoted`: `leaks.withheld_quoted`'s index), and the site-wide
    indexes. Returns the deleted paths, relative to the site. With `aside`, each is moved
    there instead (same relative path): for a site_dir holding files no build made, which
    Flywheel may take off the site but must not destroy; one that cannot be moved is deleted."""
    deleted = []

    def remove(path: Path) -> None:
        if aside is not None:
            target = aside / path.relative_to(site_dir)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(path, target)
                return
            except OSError:
                pass  # off the site comes first
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)

    for item in slugs:  # a photo no longer allowed (`_photo_traces`), by its address in the site
        if "." in item and (site_dir / item).is_file():
            remove(site_dir / item)
            deleted.append(item)
    # `champions/<id>`, story slugs and photos alike: a page showing the photo names its file.
    slugs = [item.rpartition("/")[2] for item in slugs]
    for slug in slugs:
        for target in (
            site_dir / "stories" / slug,
            site_dir / "stories" / f"{slug}.html",
            site_dir / "stories" / f"{slug}.md",  # an export's page (export.py)
            site_dir / "champions" / slug,
            site_dir / "champions" / f"{slug}.html",
            site_dir / "champions" / f"{slug}.md",
        ):
            if target.is_dir():
                remove(target)
                deleted.append(target.relative_to(site_dir).as_posix() + "/")
            elif target.exists():
                remove(target)
                deleted.append(target.relative_to(site_dir).as_posix())
    # Any mention of the slug as a whole word: a listing inside stories/ links to `slug/`.
    pattern = re.compile("|".join(rf"(?<![a-z0-9-]){re.escape(s)}(?![a-z0-9-])" for s in slugs)) if slugs else None
    named = set(slugs)
    for path in list(_files(site_dir)):
        rel = path.relative_to(site_dir).as_posix()
        whole = (rel.startswith(("search/", "sitemap.xml")) or named_for(rel, named, loosely="name") is not None
                 or (quoted is not None and named_for_a_name(rel, quoted)))
        if not whole and _theme_copy(path, rel):
            continue
        try:
            text = "" if whole else file_text(path) or ""
        except Unreadable:
            # What it shows cannot be told (a `.br` or `.zst` page a server sends unpacked, a 7z):
            # a build leaves such a file out (leaks.file_text), and a withdrawal takes it off (rt10).
            whole = True
            text = ""
        if whole or (pattern is not None and pattern.search(text)) or (quoted and quoted_traces(text, quoted)):
            remove(path)
            deleted.append(rel)
    return sorted(deleted)


def last_resort(root: Path, result: CheckResult, config_file: Path | None = None) -> tuple[list[str], list[str], str]:
    """3. for a build that stopped before the plugin could look at `site/`: the stories now
    withheld that the site mkdocs.yml (or `config_file`) names still shows, the files taken
    off it for them, and what was done with those files ("deleted", or where they were moved). A site_dir the build folders' rules refuse is never touched, but for
    one holding files no build made: a build refuses to replace it, yet it is what mkdocs.yml
    names to publish (a `site/` a pull request committed with a withheld story's page in it,
    deployed whatever the exit status: red team rt5), so what in it shows a withheld story goes
    and the rest stays: moved aside (`aside_folder`), not deleted, since Flywheel cannot tell
    its own pages there from someone's files."""
    from .errors import FlywheelError
    from .paths import _folders_of, _read_config, _unbuilt_site, check_build_folders, links_into_site

    config_file = config_file or Path(root) / "mkdocs.yml"
    try:
        settings = _read_config(config_file) if config_file.is_file() else {}
    except FlywheelError:  # a mkdocs.yml that cannot be read: MkDocs' default site/, as deployed
        settings = {}
    # A folder named with a NUL (`docs_dir: "pages\0"`) is no folder: MkDocs' default in its place,
    # the others as set (stop 49's red team: the refusal left the revoked story on the site).
    settings = {key: value for key, value in settings.items() if not (isinstance(value, str) and "\0" in value)}
    try:
        folders = _folders_of(Path(root), settings)
        check_build_folders(root, folders["site_dir"], folders["docs_dir"], any_site=True)
    except FlywheelError:
        return [], [], ""
    quoted = withheld_quoted(result)
    if due := withdrawals_due(folders["site_dir"], result, quoted):
        site, project = Path(folders["site_dir"]).resolve(), Path(root).resolve()
        # Someone's files: a site no build made, or a practice folder linked into it (admin/).
        theirs = _unbuilt_site(site, project) is not None or bool(links_into_site(site, project))
        aside = aside_folder(root) if theirs else None
        taken = scrub(folders["site_dir"], due, quoted, aside)
        return due, taken, "deleted" if aside is None or not aside.exists() else f"moved to {aside}"
    return [], [], ""


ASIDE = "withdrawn"  # in the cache folder, which is never published and git ignores


def aside_folder(root: Path) -> Path | None:
    """Where the last resort moves what it takes from a site_dir no build made: a new folder
    under the project's cache folder (never published: `paths.cache_folder_refused`), named
    for the moment; None where the cache folder may not be used (then the files are deleted)."""
    import datetime as dt

    from .cache import cache_folder
    from .paths import cache_folder_refused

    folder = cache_folder(root)
    if cache_folder_refused(folder, root) is not None:
        return None
    return folder / ASIDE / dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
