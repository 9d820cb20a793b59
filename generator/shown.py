"""What a reader sees of a story, and the fingerprint that binds consent to exactly that.

The patient approves everything the site shows about their story and about them: the title,
summary, pull quote, body, material connection, their display name, bio and photo (its address
and the bytes of the file the site serves for it), and where the story is filed (the service
line and topic, by slug and by the names the page prints). The fingerprint covers all of it, so
changing any of it withholds the story until the patient approves again.

The body is fingerprinted as the page shows it (rendered and sanitized, whitespace runs
collapsed), not as it is typed: re-wrapping a paragraph keeps consent, but anything that
changes what a reader sees, such as a reference-style link definition moved into a paragraph
where it becomes visible text, changes the fingerprint.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

from .project import Entry, Project
from .schema import Story

# The fields, in the order the proof lists them. Never reorder or rename: a name is part of
# every fingerprint ever recorded. New fields are appended, so the fields of an older
# fingerprint are a prefix of these (`V2_FIELDS`).
FIELDS = (
    "title",
    "summary",
    "pull_quote",
    "body",
    "material_connection",
    "champion_name",
    "champion_bio",
    "champion_photo",
    "service_line",
    "topic",
    # Added after contract v2's first fingerprint: the page prints the service line's name
    # and the topic's title, not their slugs, and shows the photo file, not its address.
    # Renaming a service line or replacing the picture changed what a patient is shown as.
    "service_line_name",
    "topic_title",
    "champion_photo_file",
)
# The fields of the first contract v2 fingerprint: records carrying it are recognised and
# withheld until the patient approves the proof again (gate.py).
V2_FIELDS = FIELDS[:10]

NO_PHOTO_FILE = "missing"  # the digest of a photo the site has no file for
OTHER_HOST = "on another host"  # a photo on another site: its address is all the site controls


def normalized(text: str) -> str:
    """Line endings and runs of whitespace as one space, ends trimmed.

    `str.split()` and the regular expression `\\s+` agree on what whitespace is (both ask
    `str.isspace`); splitting is several times faster on a story body, and
    `tests/test_gate.py` holds it to the expression over every whitespace character."""
    return " ".join(text.split())


def body_html(story: Entry[Story], project: Project) -> str:
    """The story body as the site shows it: sanitized HTML (cached on the body's text, and
    kept in the project for the next ask, cache or none)."""
    body = story.doc.body

    def render() -> str:
        from .sanitize import story_html  # Markdown and nh3 load only when a body is rendered

        return story_html(body)

    shown = project.shown_html.get(body)
    if shown is None:
        shown = project.shown_html[body] = project.cache.memo("story-html", body, render)
    return shown


def shown_fields(story: Entry[Story], project: Project) -> dict[str, str]:
    """Everything the site shows about the story and its champion, as text."""
    data = story.data
    champion = project.champions.get(data.champion)
    line = project.service_lines.get(data.service_line)
    topic = line.data.topics.get(data.topic or "") if line is not None else None
    photo = (champion.data.photo or "") if champion else ""
    return {
        "title": data.title,
        "summary": data.summary,
        "pull_quote": data.pull_quote,
        "body": body_html(story, project),
        "material_connection": data.material_connection,
        "champion_name": champion.data.name if champion else "",
        "champion_bio": champion.data.bio if champion else "",
        "champion_photo": photo,
        "service_line": data.service_line,
        "topic": data.topic or "",
        "service_line_name": line.data.name if line is not None else "",
        "topic_title": topic.title if topic is not None else "",
        "champion_photo_file": photo_digest(photo, project) if photo else "",
    }


def photo_digest(photo: str, project: Project) -> str:
    """`sha256:<hex>` of the file the site serves for a champion photo's address, found as
    the build finds it (docs_dir, then the theme's custom_dir; an address on the site's own
    host is one of its files), NO_PHOTO_FILE when there is none or it cannot be read, and
    OTHER_HOST for a picture on another site. Read once per project."""
    digest = project.photo_digests.get(photo)
    if digest is None:
        digest = project.photo_digests[photo] = _photo_digest(photo, project)
    return digest


def _photo_digest(photo: str, project: Project) -> str:
    files = photo_files(photo, project)
    if files is None:
        return OTHER_HOST
    project.photo_files.update(str(path) for path in files)
    served = _served(files)
    return (file_digest(served) if served is not None else None) or NO_PHOTO_FILE


def photo_files(photo: str, project: Project) -> list[Path] | None:
    """Where the build looks for a champion photo's file, in order (docs_dir, then the theme's
    custom_dir), or None for a picture on another host. Nothing when mkdocs.yml cannot be
    read: the build makes no site at all then."""
    from .errors import FlywheelError
    from .leaks import photo_site_path
    from .paths import static_sources

    try:
        sources, site_url = static_sources(project.root)
    except FlywheelError:
        return []
    rel = photo_site_path(photo, site_url)
    return None if rel is None else [folder / rel for folder in sources]


def _served(files: list[Path]) -> Path | None:
    """The first of `files` that is there and not a folder: MkDocs takes a docs_dir file, of
    any kind, before the theme's, and a folder is no file."""
    return next((path for path in files if os.path.lexists(path) and not path.is_dir()), None)


def photo_bytes(photo: str, project: Project) -> bytes | None:
    """The bytes of the file the site serves for a champion photo, or None: the proof shows
    the picture the fingerprint covers."""
    from .load import open_regular

    served = _served(photo_files(photo, project) or [])
    if served is None:
        return None
    try:
        fd, _ = open_regular(served)
        with os.fdopen(fd, "rb") as handle:
            return handle.read()
    except OSError:
        return None


_PHOTO_READ_MAX = 8 * 1024 * 1024  # where a picture's metadata is looked for, as a static file's


def photo_metadata(photo: str, project: Project) -> list[str]:
    """The text values the metadata of the file the site serves at a photo's address (or any
    other address on the site) holds: EXIF's `Artist` and `ImageDescription`, XMP's
    `dc:creator` and `photoshop:City`, IPTC's, a PNG's text chunks (`leaks.picture_texts`),
    each on one line; none when the site serves no file there. Anyone who saves the file reads
    them, so the identifier scan does, for the champion's photo and each file a story links to
    (rt13)."""
    from .leaks import picture_texts
    from .load import open_regular

    served = _served(photo_files(photo, project) or [])
    if served is None:
        return []
    try:
        fd, _ = open_regular(served)
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(_PHOTO_READ_MAX)
    except OSError:
        return []
    return [" ".join(text.split()) for text in picture_texts(data)]


def file_digest(path: Path) -> str | None:
    """`sha256:<hex>` of a regular file's bytes, or None when there is none to read (absent,
    a folder, a pipe, no permission)."""
    from .load import open_regular

    try:
        fd, _ = open_regular(path)
    except OSError:
        return None
    digest = hashlib.sha256()
    with os.fdopen(fd, "rb") as handle:
        try:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        except OSError:
            return None
    return "sha256:" + digest.hexdigest()


def bytes_digest(data: bytes) -> str:
    """`sha256:<hex>` of `data`, as `file_digest` gives it for a file holding them."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def fingerprint_fields(fields: dict[str, str], names: tuple[str, ...] = FIELDS) -> str:
    """`sha256:<hex>` over the shown fields, normalized. The fields are encoded as JSON, so no
    text can move from one field to another and keep the fingerprint."""
    payload = json.dumps([[name, normalized(fields.get(name, ""))] for name in names], ensure_ascii=False)
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


def story_fingerprint(story: Entry[Story], project: Project) -> str:
    """The fingerprint a consent record must carry for the story as it is now."""
    return fingerprint_fields(shown_fields(story, project))


def page_version(fingerprint: str) -> str:
    """What a published story's page carries to say which approved version it shows
    (`data-approved` on its body, templates/story.md.j2), read back when a failed build decides
    whether the previous site still shows only what the patient approves now
    (withdraw._versions_shown). Derived from the approved fingerprint, never the fingerprint
    itself: that is a consent record's own value, which no page may show (leaks.consent_secrets)."""
    return hashlib.sha256(f"flywheel page version\n{fingerprint}".encode()).hexdigest()[:16]


def v2_fingerprint(story: Entry[Story], project: Project) -> str:
    """Contract v2's first fingerprint (`V2_FIELDS`: the service line and topic by slug, the
    photo by address only). Records carrying it were approved without the names the page
    prints or the picture it shows: they are recognised so the reason can say so, and never
    accepted."""
    return fingerprint_fields(shown_fields(story, project), V2_FIELDS)


def legacy_fingerprint(story: Entry[Story]) -> str:
    """The first release's fingerprint (title, summary, pull quote and typed body only).
    Records carrying it were approved without the other shown fields: they are recognised so
    the reason can say so, and never accepted."""
    parts = [normalized(p) for p in (story.data.title, story.data.summary, story.data.pull_quote, story.doc.body)]
    return "sha256:" + hashlib.sha256("\n\x1e\n".join(parts).encode("utf-8")).hexdigest()


class _Visible(HTMLParser):
    """Collects the text a reader sees and the addresses links lead to."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.addresses: list[str] = []
        self._broken = False  # a `<br>` was the last thing read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "li", "br", "h2", "h3", "h4", "blockquote", "tr", "td", "th", "pre"):
            self.parts.append("\n")
        self._broken = tag == "br"
        for name, value in attrs:
            if name in ("href", "title", "alt", "src") and value:
                self.parts.append(f" {value} ")
            if name in ("href", "src") and value:
                self.addresses.append(value)

    def handle_data(self, data: str) -> None:
        # A hard line break (`<br />` and the line break Markdown writes after it) is one line
        # break, as the reader sees it: read as two, a blank line, it ended a name or a number
        # the break split ("Grace<br />\nWhitfield": stop 50's red team I).
        if self._broken and data.startswith("\n"):
            data = data[1:]
        self._broken = False
        self.parts.append(data)


def visible_text(fragment: str) -> str:
    """The text of an HTML fragment as a reader sees it (entities decoded), link addresses
    included, with block boundaries kept as line breaks."""
    return visible_parts(fragment)[0]


def visible_parts(fragment: str) -> tuple[str, list[str]]:
    """`visible_text` of an HTML fragment, and the addresses its links lead to, in order."""
    parser = _Visible()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.parts), parser.addresses


# An address read as words (`address_words`): a run of characters that are not letters or
# digits, an underscore, or a hyphen beside a letter is a gap; a hyphen, dot or underscore
# between two digits is a date's and stays a hyphen ("2026_03_12" as "2026-03-12").
_ADDRESS_GAP = re.compile(r"[^\w-]+|_+|(?<!\d)-+|-+(?!\d)")
_DIGIT_JOINER = re.compile(r"(?<=\d)[._](?=\d)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_FILE_TYPE = re.compile(r"\.[A-Za-z0-9]{1,5}\Z")
# A date written as eight digits, as phones name photos (`IMG_20260312_101500.jpg`).
_COMPACT_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")


# An address in sanitized HTML (nh3 writes every attribute in double quotes): a link's, and a
# picture's should the allow-list ever keep one. The same two `visible_parts` reads for the
# scan, so the scan's cache key (`gate.scan_key`) hashes every file whose metadata it scans.
_HREF = re.compile(r'\s(?:href|src)="([^"]*)"')


def linked_addresses(story: Entry[Story], project: Project) -> list[str]:
    """The site addresses the story's body links to, relative ones resolved against the
    story's page (`/stories/<slug>/`), each once, in order."""
    base = f"/stories/{story.id}/"
    links = (html.unescape(link) for link in _HREF.findall(body_html(story, project)))
    return list(dict.fromkeys(urllib.parse.urljoin(base, link) for link in links))


def address_words(address: str) -> str:
    """An address (a link's, a photo's, a story's slug) as the words a reader takes from it:
    percent-escapes decoded, a file's type left out, and its host, path, query and fragment
    split at every separator and between a lower-case letter and a capital
    (`media/maria-lopez.jpg`, `MariaLopez.jpg` and a photo kept on her own site,
    `https://maria-lopez.example/`, all read "... maria lopez ..."), for the identifier scan to
    find the names, towns and dates in it (rt13). A date keeps its hyphens, and one written as
    eight digits is given them."""
    try:
        split = urllib.parse.urlsplit(address.strip())
        host = split.hostname or ""
    except ValueError:  # "https://[maria-lopez" names no host a browser would go to: read it all
        split, host = urllib.parse.SplitResult("", "", address, "", ""), ""
    # A file's type is no word of its name ("maria.png" would read as Maria Png, a full name).
    path = _FILE_TYPE.sub("", split.path)
    shown = urllib.parse.unquote(f"{host} {path} {split.query} {split.fragment}")
    shown = _DIGIT_JOINER.sub("-", _COMPACT_DATE.sub(r" \1-\2-\3 ", shown))
    return " ".join(_ADDRESS_GAP.sub(" ", _CAMEL.sub(" ", shown)).split())


def plain_shown(value: str) -> str:
    """A plain-text field as the page shows it. Templates escape these, so what is typed is
    what is seen; decoding entities here too means `&#64;` is scanned as what a careless
    template or another renderer would show."""
    return html.unescape(value)


def files_by_size(folder: Path) -> dict[int, dict[str, str]]:
    """The regular files under `folder` (consent/), by size, then by SHA-256 (`file_digest`)."""
    found: dict[int, dict[str, str]] = {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        if path.is_file() and not path.is_symlink() and (digest := file_digest(path)):
            found.setdefault(path.stat().st_size, {})[digest] = path.relative_to(folder.parent).as_posix()
    return found


def copy_of(path: Path, files: dict[int, dict[str, str]]) -> str | None:
    """Which of `files` (`files_by_size`) `path` is a byte-for-byte copy of: a consent record
    copied into docs_dir names its story's slug, the revocation and the e-sign reference, and
    quotes no story, so the static-file checks let it through (red team rt5). Hashed only
    when the sizes match."""
    try:
        same = files.get(path.stat().st_size)
    except OSError:
        return None
    return same.get(file_digest(path) or "") if same else None
