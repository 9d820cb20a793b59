"""Red team rt11's routes around the consent promise, each written as the attack.

Every test here failed before its fix (see docs/security.md, the table of properties, attacks
and tests). The sample site is fictional.
"""

from __future__ import annotations

import hashlib
import zlib

import pytest
from helpers import build_with_the_guide_saying, init_project
from helpers import pdf as _pdf

from generator.cli import main

AS_OF = "2026-11-22"


def _build(sample) -> int:
    return main(["build", "--root", str(sample), "--as-of", AS_OF])


def _lzw(data: bytes) -> bytes:
    """`data` packed as PDF's LZWDecode packs (codes of 9 to 12 bits, first bit first, the
    code width growing one code early: EarlyChange 1, the default)."""
    table = {bytes([byte]): byte for byte in range(256)}
    codes, width, bits, count, out = 258, 9, 0, 0, bytearray()

    def put(code: int) -> None:
        nonlocal bits, count
        bits, count = (bits << width) | code, count + width
        while count >= 8:
            count -= 8
            out.append((bits >> count) & 0xFF)

    put(256)
    word = b""
    for byte in data:
        if word + bytes([byte]) in table:
            word += bytes([byte])
            continue
        put(table[word])
        table[word + bytes([byte])] = codes
        codes += 1
        if codes + 1 > (1 << width) and width < 12:
            width += 1
        word = bytes([byte])
    put(table[word])
    put(257)
    if count:
        out.append((bits << (8 - count)) & 0xFF)
    return bytes(out)


def _run_length(data: bytes) -> bytes:
    """`data` packed as PDF's RunLengthDecode packs it, in runs of 66 bytes copied, each after
    its length less one: "A" (the name below reads "Priya KuAmar" in the file's bytes)."""
    out = bytearray()
    for start in range(0, len(data), 66):
        out += bytes([len(data[start : start + 66]) - 1]) + data[start : start + 66]
    return bytes(out + b"\x80")


def _rc4(key: bytes, data: bytes) -> bytes:
    box, j = list(range(256)), 0
    for i in range(256):
        j = (j + box[i] + key[i % len(key)]) % 256
        box[i], box[j] = box[j], box[i]
    i = j = 0
    out = bytearray()
    for byte in data:
        i = (i + 1) % 256
        j = (j + box[i]) % 256
        box[i], box[j] = box[j], box[i]
        out.append(byte ^ box[(box[i] + box[j]) % 256])
    return bytes(out)


_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _encrypted_pdf(title: bytes, author: bytes) -> bytes:
    """A PDF encrypted with an empty user password (the standard security handler, revision 2,
    RC4), as "restrict printing" writes one: every viewer opens it without asking and shows its
    title and author, and in its bytes they are RC4 noise."""
    ident, permissions = bytes(range(16)), (-4).to_bytes(4, "little", signed=True)
    owner = _rc4(hashlib.md5(_PAD).digest()[:5], _PAD)
    key = hashlib.md5(_PAD + owner + permissions + ident).digest()[:5]

    def encrypted(number: int, text: bytes) -> bytes:
        return b"<" + _rc4(hashlib.md5(key + number.to_bytes(3, "little") + b"\0\0").digest()[:10], text).hex().encode() + b">"

    return _pdf(_CATALOG, _PAGES, (b"<</Title " + encrypted(3, title) + b" /Author " + encrypted(3, author) + b">>", None),
                (b"<</Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4>>" % (owner.hex().encode(), _rc4(key, _PAD).hex().encode()), None),
                trailer=b"/Info 3 0 R /Encrypt 4 0 R /ID [<%s> <%s>]" % (ident.hex().encode(), ident.hex().encode()))


_XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>'
        b'<rdf:Description dc:creator="Priya Kumar"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
_CATALOG = (b"<</Type /Catalog /Pages 2 0 R /Metadata 3 0 R>>", None)
_PAGES = (b"<</Type /Pages /Kids [] /Count 0>>", None)


@pytest.mark.parametrize("data", [
    _pdf(_CATALOG, _PAGES, (b"<</Type /Metadata /Subtype /XML /Filter /LZWDecode>>", _lzw(_XMP))),
    _pdf(_CATALOG, _PAGES, (b"<</Type /Metadata /Subtype /XML /Filter /RunLengthDecode>>", _run_length(_XMP))),
    _pdf(_CATALOG, _PAGES, (b"<</Type /Metadata /Subtype /XML /Filter [/FlateDecode /RunLengthDecode]>>",
                            zlib.compress(_run_length(_XMP)))),
    _pdf(_CATALOG, _PAGES, (b"<</Type /Metadata /Subtype /XML /Filter /LZW>>", _lzw(_XMP))),
], ids=["lzw", "run-length", "flate-then-run-length", "lzw-abbreviated"])
def test_a_pdf_whose_metadata_is_packed_another_way_is_read(sample, data, capsys):
    """rt11: rt10 unpacked a PDF's metadata streams packed with `/FlateDecode` and the ASCII
    filters only, and read a stream packed any other way as nothing. PDF's `/LZWDecode` (what
    PDF 1.1 wrote, and some scanners still do) and `/RunLengthDecode` are filters every viewer
    reads: a handout in the theme folder whose XMP packet names Priya Kumar (her only story has
    no consent) packed so was published with her name in every viewer's properties."""
    (sample / "theme/pages/handout.pdf").write_bytes(data)
    assert _build(sample) == 0
    assert not (sample / "site/handout.pdf").exists()
    assert "Static file 'handout.pdf' left out of the site: it quotes a withheld story" in capsys.readouterr().err


def test_a_pdf_whose_metadata_is_packed_in_a_way_flywheel_cannot_read_is_left_out(sample, capsys):
    """A metadata stream behind a filter Flywheel does not unpack (a picture's, `/Crypt`, a
    name no reader knows) cannot be checked, so the PDF is left out as a Brotli file is."""
    (sample / "theme/pages/handout.pdf").write_bytes(
        _pdf(_CATALOG, _PAGES, (b"<</Type /Metadata /Subtype /XML /Filter /JBIG2Decode>>", _XMP)))
    assert _build(sample) == 0
    assert not (sample / "site/handout.pdf").exists()
    assert "Static file 'handout.pdf' left out of the site: it cannot be read, so it cannot be checked" in capsys.readouterr().err


def test_an_encrypted_pdf_is_left_out(sample, capsys):
    """rt11: a PDF encrypted with an empty user password (Word's and Acrobat's "restrict
    editing/printing" write one) opens in every viewer without a question and shows its title
    and author; in its bytes every string is RC4 (or AES) noise, which no check can read. A
    handout in the theme folder titled as the revoked story and written by Priya Kumar (her only
    story has no consent) was published with a passing build."""
    (sample / "theme/pages/handout.pdf").write_bytes(_encrypted_pdf(b"A racing heart, and a steady plan", b"Priya Kumar"))
    assert _build(sample) == 0
    assert not (sample / "site/handout.pdf").exists()
    assert "Static file 'handout.pdf' left out of the site: it cannot be read, so it cannot be checked" in capsys.readouterr().err


def test_a_pdf_whose_metadata_names_no_withheld_champion_is_published(sample, capsys):
    (sample / "theme/pages/handout.pdf").write_bytes(
        _pdf(_CATALOG, _PAGES, (b"<</Type /Metadata /Subtype /XML /Filter /LZWDecode>>",
                                _lzw(_XMP.replace(b"Priya Kumar", b"Anna Walker")))))
    assert _build(sample) == 0
    assert (sample / "site/handout.pdf").is_file()
    capsys.readouterr()


def _page_pdf(content: bytes, font: bytes = b"<</Type /Font /Subtype /Type1 /BaseFont /Helvetica>>",
              to_unicode: bytes | None = None) -> bytes:
    """A one-page PDF showing `content` (a content stream, packed as every writer packs it)
    in font /F1, `font`, with `to_unicode` as its ToUnicode map when given."""
    objects = [(b"<</Type /Catalog /Pages 2 0 R>>", None), (b"<</Type /Pages /Kids [3 0 R] /Count 1>>", None),
               (b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources <</Font <</F1 5 0 R>>>> /Contents 4 0 R>>", None),
               (b"<</Filter /FlateDecode>>", zlib.compress(content)),
               (font[:-2] + (b" /ToUnicode 6 0 R>>" if to_unicode else b">>"), None)]
    if to_unicode:
        objects.append((b"<<>>", to_unicode))
    return _pdf(*objects)


_CMAP = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Adobe-Identity-UCS def\n"
         b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
         b"2 beginbfchar <0003> <0020> <000F> <002C> endbfchar\n"
         b"1 beginbfrange <0024> <005D> <0041> endbfrange\nendcmap CMapName currentdict /CMap defineresource pop end end\n")


def _glyphs(text: bytes) -> bytes:
    """`text` as the glyph numbers of a font subset whose map is `_CMAP` (as Chrome, Skia and
    LibreOffice write a page's text: "A" is glyph 0x24, a space 3, a comma 0x0F)."""
    codes = {ord(" "): 3, ord(","): 0x0F}
    return b"<" + b"".join(b"%04X" % codes.get(byte, byte - 0x41 + 0x24) for byte in text) + b">"


@pytest.mark.parametrize("content, font, to_unicode", [
    (b"BT /F1 12 Tf 72 700 Td [(A r)-20(acing heart, and a)-333(steady plan)] TJ 0 -14 Td (told by Priya Kumar) Tj ET",
     b"<</Type /Font /Subtype /Type1 /BaseFont /Helvetica>>", None),
    (b"BT /F1 12 Tf 72 700 Td " + _glyphs(b"A racing heart, and a steady plan") + b" Tj ET",
     b"<</Type /Font /Subtype /Type0 /BaseFont /AAAAAA+Arial /Encoding /Identity-H>>", _CMAP),
    (b"BT /F1 12 Tf 72 700 Td [" + _glyphs(b"Priya") + b" -300 " + _glyphs(b"Kumar") + b"] TJ ET",
     b"<</Type /Font /Subtype /Type0 /BaseFont /AAAAAA+Arial /Encoding /Identity-H>>", _CMAP),
], ids=["latin-kerned", "glyph-numbers", "glyph-numbers-kerned"])
def test_a_pdf_whose_page_shows_a_withheld_story_is_left_out(sample, content, font, to_unicode, capsys):
    """rt11: rt10 read a PDF's metadata, never its pages: a content stream is packed, and its
    words are cut at each kerning step (`[(A r)-20(acing)] TJ`) or written as a font subset's
    glyph numbers (`<00240003...>`, what Chrome, Skia, LibreOffice and Word write, read through
    the font's ToUnicode map). A handout in the theme folder whose page shows the revoked story's
    title, or names Priya Kumar (her only story has no consent), was published as it was."""
    (sample / "theme/pages/handout.pdf").write_bytes(_page_pdf(content, font, to_unicode))
    assert _build(sample) == 0
    assert not (sample / "site/handout.pdf").exists()
    assert "Static file 'handout.pdf' left out of the site: it quotes a withheld story" in capsys.readouterr().err


def test_a_pdf_whose_page_shows_nothing_withheld_is_published(sample, capsys):
    (sample / "theme/pages/handout.pdf").write_bytes(_page_pdf(
        b"BT /F1 12 Tf 72 700 Td " + _glyphs(b"What to expect at cardiac rehab, by Anna Walker") + b" Tj ET",
        b"<</Type /Font /Subtype /Type0 /BaseFont /AAAAAA+Arial /Encoding /Identity-H>>", _CMAP))
    assert _build(sample) == 0
    assert (sample / "site/handout.pdf").is_file()
    capsys.readouterr()


STORY, RECORD, REVOKED = "walking-again", "consent/C-2026-001.yml", "2026-11-20"


@pytest.fixture
def revoked(tmp_path, monkeypatch):
    """The base project in git: published, then its consent revoked in a commit."""
    from helpers import copy_base, edit_yaml, git

    from generator.check import run_check

    monkeypatch.setenv("FLYWHEEL_TEST_COMMITS", "1")
    root = copy_base(tmp_path)
    git(root, "init", "-q", when="2026-11-21T12:00:00+00:00")
    git(root, "add", "-A", when="2026-11-21T12:00:00+00:00")
    git(root, "commit", "-qm", "published", when="2026-11-21T12:00:00+00:00")
    assert run_check(root).gate.decisions[STORY].published
    edit_yaml(root / RECORD, revoked_on=REVOKED)
    git(root, "commit", "-qam", "the patient revoked consent", when="2026-11-21T12:00:00+00:00")
    return root


@pytest.mark.parametrize("committed", [False, True])
@pytest.mark.parametrize("keep_the_date", [True, False], ids=["revocation-kept", "revocation-removed"])
def test_a_revocation_whose_record_is_pointed_at_another_story_still_withholds_its_story(revoked, keep_the_date, committed):
    """rt11: a revocation counted against the story its record names now (and, from git, the
    story the record's newest commit names). A pull request that points the revoked record at
    another slug (`story: retired-2019`, as if tidying an old record; its revocation kept
    or not) and files a copy of the old authorization under a new id for the story, signed on
    its old day, detached the revocation from the story: the copy, which no revocation names,
    published it again. The revocation now counts against every story the record has named in
    any commit, and in the file."""
    import yaml


    record = yaml.safe_load((revoked / RECORD).read_text())
    copy = {**record, "revoked_on": None}
    record["story"] = "retired-2019"
    if not keep_the_date:
        record["revoked_on"] = None
    (revoked / RECORD).write_text(yaml.safe_dump(record, sort_keys=False))
    _withheld_when_filed_again(revoked, "C-2026-099", copy, committed)


@pytest.mark.parametrize("workflow", ["example", "init"])
def test_the_workflow_installs_only_what_codeowners_protect(tmp_path, workflow, capsys):
    """rt11: the example workflow (which docs/cli.md offers "for a practice's repository")
    installed Flywheel with `pip install -e .`, which builds the repository itself: pip runs
    its `setup.py` (setuptools does, beside any `pyproject.toml`) or the build backend its
    `pyproject.toml` names. Neither is in the CODEOWNERS that goes with it, so a pull request
    the content team alone approves could add a `setup.py` that CI runs before the check and
    the build, on the main branch before the deploy: code that writes any story into the site.
    Every install now names a requirements file CODEOWNERS protects, as `flywheel init`'s does."""
    import shlex

    import yaml
    from helpers import REPO

    if workflow == "example":
        path, owners = REPO / "examples/github-actions/flywheel.yml", (REPO / "examples/CODEOWNERS").read_text()
    else:
        root = init_project(tmp_path)
        capsys.readouterr()
        path, owners = root / ".github/workflows/flywheel.yml", (root / ".github/CODEOWNERS").read_text()
    protected = {line.split()[0] for line in owners.splitlines() if line.strip() and not line.startswith("#")} - {"*"}
    installs = [shlex.split(line) for job in yaml.safe_load(path.read_text())["jobs"].values()
                for step in job.get("steps", []) for line in str(step.get("run", "")).splitlines() if "pip install" in line]
    assert installs
    for words in installs:
        named = words[words.index("install") + 1:]
        assert named[:1] == ["-r"] and len(named) == 2, words
        assert "/" + named[1] in protected, words


@pytest.mark.parametrize("published", ["admin/notes.html", "admin/index.html"])
def test_what_another_plugin_writes_into_admin_is_checked(sample, published, monkeypatch, capsys):
    """rt11: rt10 read what another plugin writes into the site, except the whole `admin/`
    folder (the web editor's, checked as it is copied: but that copy comes after). Material's
    privacy plugin with `assets_fetch_dir: .` publishes what a page loads from
    `https://<host>/<path>` at `<host>/<path>` in the site, from its cache when the cache holds
    it (a pull request commits it): `https://admin/notes.html` wrote a page quoting the revoked
    story and naming Priya Kumar into `site/admin/` with a passing build (`admin/index.html`
    too, where the web editor is not published)."""
    monkeypatch.chdir(sample)
    settings, guide = sample / "mkdocs.yml", sample / "content/guides/cardiology/afib-guide.md"
    settings.write_text(settings.read_text().replace(
        "  - search\n", "  - search\n  - privacy:\n      assets_fetch_dir: .\n      assets_include: ['admin/*']\n"))
    cache = sample / ".cache/plugin/privacy" / published
    cache.parent.mkdir(parents=True)
    cache.write_text("<html><body><h1>A racing heart, and a steady plan</h1><p>by Priya Kumar</p></body></html>\n")
    guide.write_text(guide.read_text() + f'\n\n<img src="https://{published}" alt="">\n')
    assert _build(sample) == 1  # the privacy plugin is refused since stop 47
    assert (sample / "site/index.html").is_file()
    assert not (sample / "site" / published).exists()
    captured = capsys.readouterr()
    assert "the privacy plugin rewrites pages" in captured.out + captured.err


@pytest.mark.parametrize("published", ["favicon.svg", "robots.txt"])
def test_a_static_file_another_plugin_writes_over_is_checked_again(sample, published, monkeypatch, capsys):
    """rt11: what another plugin writes into the site was read only where no checked file was
    (rt10). The privacy plugin with `assets_fetch_dir: .` writes what a page loads from
    `https://favicon.svg` over the site's checked `favicon.svg` (or `robots.txt`, or a theme's
    script), from its cache, which a pull request commits: a copy quoting the revoked story and
    naming Priya Kumar replaced it with a passing build. A static file whose copy no longer
    holds its source's bytes is now read again."""
    monkeypatch.chdir(sample)
    settings, guide = sample / "mkdocs.yml", sample / "content/guides/cardiology/afib-guide.md"
    settings.write_text(settings.read_text().replace(
        "  - search\n", "  - search\n  - privacy:\n      assets_fetch_dir: .\n      assets_include: ['*']\n"))
    cache = sample / ".cache/plugin/privacy" / published
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>A racing heart, and a steady plan, by Priya Kumar</text></svg>\n')
    guide.write_text(guide.read_text() + f'\n\n<img src="https://{published}" alt="">\n')
    assert _build(sample) == 1  # the privacy plugin is refused since stop 47
    written = sample / "site" / published
    assert not written.exists() or "Priya Kumar" not in written.read_text(errors="replace")
    captured = capsys.readouterr()
    assert "the privacy plugin rewrites pages" in captured.out + captured.err


def test_a_document_a_guide_carries_that_cannot_be_read_counts_as_a_quotation(sample, capsys):
    """rt11: a static file that cannot be read (an encrypted PDF, a 7z, a PDF packed in a way
    Flywheel does not unpack) is left out of the site; the same bytes carried in a guide as a
    `data:` address were skipped as holding no text, and the page published: a link
    `<a download="handout.pdf" href="data:application/pdf;base64,...">` to the encrypted handout
    titled as the revoked story (every viewer opens it without a question). Such a document now
    counts as a quotation, as one nested too deep to read does."""
    import base64

    encoded = base64.b64encode(_encrypted_pdf(b"A racing heart, and a steady plan", b"Priya Kumar")).decode()
    assert build_with_the_guide_saying(sample, f'<a download="handout.pdf" href="data:application/pdf;base64,{encoded}">Handout</a>') == 1
    assert not [path for path in (sample / "site").rglob("*.html") if encoded[:60] in path.read_text(errors="replace")]
    capsys.readouterr()


def test_a_document_a_guide_carries_that_can_be_read_and_quotes_nothing_is_published(sample, capsys):
    import base64

    encoded = base64.b64encode(_pdf(_CATALOG, _PAGES, (b"<</Type /Metadata /Subtype /XML /Filter /LZWDecode>>",
                                                       _lzw(_XMP.replace(b"Priya Kumar", b"Anna Walker"))))).decode()
    assert build_with_the_guide_saying(sample, f'<a download="handout.pdf" href="data:application/pdf;base64,{encoded}">Handout</a>') == 0
    assert [path for path in (sample / "site").rglob("*.html") if encoded[:60] in path.read_text(errors="replace")]
    capsys.readouterr()


def _riff(form: bytes, *chunks: tuple[bytes, bytes]) -> bytes:
    body = form + b"".join(kind + len(data).to_bytes(4, "little") + data + b"\0" * (len(data) & 1) for kind, data in chunks)
    return b"RIFF" + len(body).to_bytes(4, "little") + body


def _info(*tags: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
    """A LIST chunk of RIFF INFO tags (`IART` artist, `INAM` title), as recorders write them."""
    return b"LIST", b"INFO" + b"".join(kind + (len(value) + 1).to_bytes(4, "little") + value + b"\0"
                                        + b"\0" * ((len(value) + 1) & 1) for kind, value in tags)


def _aiff(*chunks: tuple[bytes, bytes]) -> bytes:
    body = b"AIFF" + b"".join(kind + len(data).to_bytes(4, "big") + data + b"\0" * (len(data) & 1) for kind, data in chunks)
    return b"FORM" + len(body).to_bytes(4, "big") + body


_AUDIO = bytes(range(256)) * 64  # samples: bytes that spell nothing


@pytest.mark.parametrize("name, data", [
    ("interview.wav", _riff(b"WAVE", (b"fmt ", bytes(16)), (b"data", _AUDIO), _info((b"INAM", b"Interview"), (b"IART", b"Priya Kumar")))),
    ("long.wav", _riff(b"WAVE", (b"fmt ", bytes(16)), (b"data", _AUDIO * 600), _info((b"IART", b"Priya Kumar")))),
    ("interview.avi", _riff(b"AVI ", (b"LIST", b"hdrl" + bytes(56)), _info((b"IART", b"Priya Kumar")), (b"LIST", b"movi" + _AUDIO))),
    ("interview.aiff", _aiff((b"COMM", bytes(18)), (b"SSND", _AUDIO), (b"AUTH", b"Priya Kumar"))),
    ("interview.mp3", b"\xff\xfb\x90\x00" + _AUDIO + b"TAG" + b"Interview".ljust(30, b"\0") + b"Priya Kumar".ljust(30, b"\0")
     + b"Clinic".ljust(30, b"\0") + b"2026" + bytes(30) + b"\xff"),
], ids=["wav-info", "wav-info-after-9-mib", "avi-info", "aiff-author", "mp3-id3v1"])
def test_a_recording_whose_tags_name_a_withheld_champion_is_left_out(sample, name, data, capsys):
    """rt11: rt9 and rt10 read the tags of JPEG, PNG, WebP, MP3 (ID3v2 at its start), FLAC, Ogg
    and MP4 files; a WAV's or an AVI's RIFF INFO tags (`IART`, the artist: what a recorder and
    Windows' Properties write), an AIFF's `AUTH` chunk and an MP3's ID3v1 tag (the 128 bytes at
    its end, which every player still shows) were read only as runs of three words or more, and
    a name is a value of two: a recorded interview in the theme folder whose artist is Priya
    Kumar (her only story has no consent) was published with her name in every player's info
    (a WAV's tags after 9 MiB of samples too: the file is walked by its chunks' sizes)."""
    (sample / "theme/pages" / name).write_bytes(data)
    assert _build(sample) == 0
    assert not (sample / "site" / name).exists()
    assert f"Static file '{name}' left out of the site: it quotes a withheld story" in capsys.readouterr().err


def test_a_recording_whose_tags_name_nobody_withheld_is_published(sample, capsys):
    (sample / "theme/pages/interview.wav").write_bytes(
        _riff(b"WAVE", (b"fmt ", bytes(16)), (b"data", _AUDIO), _info((b"IART", b"Anna Walker"))))
    assert _build(sample) == 0
    assert (sample / "site/interview.wav").is_file()
    capsys.readouterr()


def _ebml(element: bytes, payload: bytes) -> bytes:
    """An EBML element: its id, its size (eight bytes, as muxers write sizes they fill in
    later), its payload."""
    return element + (0x01 << 56 | len(payload)).to_bytes(8, "big") + payload


def _webm_with_tags_after(media: int) -> bytes:
    """A WebM as ffmpeg and OBS write one: the EBML header, the segment's info and tracks, the
    clusters (media), then the tags: `ARTIST` Priya Kumar."""
    tag = _ebml(b"\x73\x73", _ebml(b"\x67\xc8", _ebml(b"\x45\xa3", b"ARTIST") + _ebml(b"\x44\x87", b"Priya Kumar")))
    segment = (_ebml(b"\x15\x49\xa9\x66", _ebml(b"\x2a\xd7\xb1", b"\x0f\x42\x40")) + _ebml(b"\x16\x54\xae\x6b", bytes(20))
               + _ebml(b"\x1f\x43\xb6\x75", _AUDIO * (media // len(_AUDIO))) + _ebml(b"\x12\x54\xc3\x67", tag))
    return _ebml(b"\x1a\x45\xdf\xa3", _ebml(b"\x42\x82", b"webm")) + b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff" + segment


@pytest.mark.parametrize("media", [16384, 9 * 1024 * 1024], ids=["short", "after-9-mib"])
def test_a_video_whose_tags_name_a_withheld_champion_is_left_out(sample, media, capsys):
    """rt11: a WebM (or MKV) keeps its tags in a `Tags` element after its clusters (ffmpeg,
    OBS): `ARTIST` and its value are strings between binary ids and sizes, no run of three
    words, and no check read them: a recorded interview in the theme folder whose artist is
    Priya Kumar (her only story has no consent) was published with her name in every player's
    info."""
    (sample / "theme/pages/interview.webm").write_bytes(_webm_with_tags_after(media))
    assert _build(sample) == 0
    assert not (sample / "site/interview.webm").exists()
    assert "Static file 'interview.webm' left out of the site: it quotes a withheld story" in capsys.readouterr().err


def test_a_video_whose_tags_name_nobody_withheld_is_published(sample, capsys):
    (sample / "theme/pages/interview.webm").write_bytes(_webm_with_tags_after(16384).replace(b"Priya Kumar", b"Anna Walker"))
    assert _build(sample) == 0
    assert (sample / "site/interview.webm").is_file()
    capsys.readouterr()


def _zip_with_comments(archive_comment: bytes, member_comment: bytes) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("directions.txt")
        info.comment = member_comment
        archive.writestr(info, "Parking is behind the clinic.\n")
        archive.comment = archive_comment
    return out.getvalue()


@pytest.mark.parametrize("data", [_zip_with_comments(b"Priya Kumar", b""), _zip_with_comments(b"", b"Priya Kumar")],
                         ids=["archive-comment", "member-comment"])
def test_a_zip_whose_comment_names_a_withheld_champion_is_left_out(sample, data, capsys):
    """rt11: a zip's members and their names were read, not its comments: `unzip` prints the
    archive's comment to whoever unpacks it, and archive managers show both. A download in the
    theme folder whose member's comment is "Priya Kumar" (her only story has no consent) was
    published as it was: in the zip's bytes it follows the member's name with nothing between
    (`directions.txtPriya Kumar`). The archive's comment was read only when a run of three
    words lay within 240 bytes of it (here, the member's stored text)."""
    (sample / "theme/pages/directions.zip").write_bytes(data)
    assert _build(sample) == 0
    assert not (sample / "site/directions.zip").exists()
    assert "Static file 'directions.zip' left out of the site: it quotes a withheld story" in capsys.readouterr().err


@pytest.mark.parametrize("committed", [False, True])
def test_a_copy_of_a_revoked_record_dated_after_its_revocation_does_not_publish(revoked, committed):
    """rt11: a record signed after a revocation is the patient consenting again, and publishes;
    but its signed form is what `form_ref` names. A copy of the revoked record under a new id,
    `signed_on` moved past the revocation and `form_ref` left naming the revoked form (what a
    careless "re-consent" of a copied file is), published the story again: no new form was
    signed. A record whose form_ref is a revoked record's, signed after that revocation, is now
    ended by it."""
    import yaml


    copy = {**yaml.safe_load((revoked / RECORD).read_text()), "revoked_on": None, "signed_on": "2026-11-21"}
    _withheld_when_filed_again(revoked, "C-2026-100", copy, committed)


def _withheld_when_filed_again(revoked, record_id: str, fields: dict, committed: bool) -> None:
    """File `fields` as consent `record_id`, point the story at it (and commit both): the
    story stays withheld, by a revocation."""
    import yaml
    from helpers import git

    from generator.check import run_check

    (revoked / f"consent/{record_id}.yml").write_text(yaml.safe_dump(fields, sort_keys=False))
    story = next((revoked / "content/stories").rglob(f"{STORY}.md"))
    story.write_text(story.read_text().replace("C-2026-001", record_id))
    if committed:
        git(revoked, "add", "-A", when="2026-11-21T12:00:00+00:00")
        git(revoked, "commit", "-qm", "filed again", when="2026-11-21T12:00:00+00:00")
    decision = run_check(revoked).gate.decisions[STORY]
    assert not decision.published
    assert "consent-revoked" in [code for code, _ in decision.reasons], decision.reasons


def _office(name: str, part: str) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + part)
    return out.getvalue()


@pytest.mark.parametrize("name, data", [
    ("handout.docx", _office("word/document.xml", '<w:document xmlns:w="urn:w"><w:body><w:p><w:r><w:t>A rac</w:t></w:r>'
                             '<w:r w:rsidR="00AB12CD"><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">ing heart, and a steady'
                             '</w:t></w:r><w:proofErr w:type="gramStart"/><w:r><w:t xml:space="preserve"> plan</w:t></w:r>'
                             '</w:p></w:body></w:document>')),
    ("slides.pptx", _office("ppt/slides/slide1.xml", '<p:sld xmlns:a="urn:a" xmlns:p="urn:p"><p:txBody><a:p><a:r><a:t>A racing hea'
                            '</a:t></a:r><a:r><a:rPr b="1"/><a:t>rt, and a steady plan</a:t></a:r></a:p></p:txBody></p:sld>')),
    ("handout.odt", _office("content.xml", '<office:document-content xmlns:text="urn:t"><text:p>A rac<text:span text:style-name="T1">'
                            'ing</text:span> heart, and a steady plan</text:p></office:document-content>')),
], ids=["docx", "pptx", "odt"])
def test_a_document_whose_runs_cut_a_withheld_title_is_left_out(sample, name, data, capsys):
    """rt11: a word processor keeps a paragraph's text in runs, and starts one wherever
    formatting, a spelling mark or an edit's id changes, inside a word too (`<w:t>A rac</w:t>
    </w:r><w:r><w:t>ing heart...`); read as markup, every tag parted a word ("rac ing"), and a
    handout in the theme folder whose heading is the revoked story's title was published as
    it was, as a Word or OpenDocument file (PowerPoint's `<a:t>` read as HTML's inline `<a>`,
    by chance). A paragraph's runs are now read joined, as the reader sees them."""
    (sample / "theme/pages" / name).write_bytes(data)
    assert _build(sample) == 0
    assert not (sample / "site" / name).exists()
    assert f"Static file '{name}' left out of the site: it quotes a withheld story" in capsys.readouterr().err


def _gif_with_comment(comment: bytes) -> bytes:
    """A one-pixel GIF with a comment extension holding `comment`, written in sub-blocks of
    five bytes (each after its length: what an encoder may write, any size up to 255)."""
    blocks = b"".join(bytes([len(comment[at : at + 5])]) + comment[at : at + 5] for at in range(0, len(comment), 5))
    return (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff" + b"\x21\xfe" + blocks + b"\x00"
            + b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b")


def test_a_gif_whose_comment_names_a_withheld_champion_is_left_out(sample, capsys):
    """rt11: a GIF's comment (what GIMP, IrfanView and exiftool show) is in sub-blocks, each
    after its length byte: "Photo: Priya Kumar" in blocks of five is `Photo\\x05: Pri\\x05ya Ku\\x03mar`
    in its bytes, no run of three words, and the GIF was published. Its comment and
    application blocks are now read joined."""
    (sample / "theme/pages/banner.gif").write_bytes(_gif_with_comment(b"Photo: Priya Kumar"))
    assert _build(sample) == 0
    assert not (sample / "site/banner.gif").exists()
    assert "Static file 'banner.gif' left out of the site: it quotes a withheld story" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["C-2026-050.YML", "C-2026-050.yaml", "C-2026-050.Yml"])
def test_a_revocation_committed_under_another_extension_outlives_its_file(tmp_path, monkeypatch, name):
    """rt11: a revocation saved as a record whose name does not end in `.yml` in lower case
    (`C-2026-050.YML`, `.yaml`: Windows and other editors' choices) withholds the story while
    the file is there (it cannot be used, and names the story). Its history was not read: the
    one `git log` took `consent/**/*.yml` alone, so deleting the file as a stray (committed or
    not) published the story again, though the patient's revocation had been committed."""
    import yaml
    from helpers import copy_base, git

    from generator.check import run_check

    monkeypatch.setenv("FLYWHEEL_TEST_COMMITS", "1")
    root = copy_base(tmp_path)
    when = "2026-11-21T12:00:00+00:00"
    git(root, "init", "-q", when=when)
    git(root, "add", "-A", when=when)
    git(root, "commit", "-qm", "published", when=when)
    record = {**yaml.safe_load((root / RECORD).read_text()), "signed_on": "2026-11-19", "form_ref": "esign/0050",
              "revoked_on": REVOKED}
    (root / "consent" / name).write_text(yaml.safe_dump(record, sort_keys=False))
    git(root, "add", "-A", when=when)
    git(root, "commit", "-qm", "the patient revoked consent", when=when)
    assert not run_check(root).gate.decisions[STORY].published
    git(root, "rm", "-q", f"consent/{name}", when=when)
    git(root, "commit", "-qm", "a stray file", when=when)
    decision = run_check(root).gate.decisions[STORY]
    assert not decision.published
    assert "consent-revoked" in [code for code, _ in decision.reasons], decision.reasons


def test_a_pdf_with_a_packed_file_attached_is_read_through_it(sample, capsys):
    """rt11: rt10 read a file attached to a PDF (`/Type /EmbeddedFile`, which every viewer lists
    and opens) as text; a Word document attached (a zip, packed) read as noise, and a handout
    whose attached `notes.docx` is headed with the revoked story's title was published. An
    attached file is now read as a static file is: unpacked, a zip's members, a PDF's. (Stored
    without packing, the zip was read by chance: `zipfile` finds its end inside the PDF.)"""
    docx = _office("word/document.xml", '<w:document xmlns:w="urn:w"><w:body><w:p><w:r><w:t>A racing heart, and a steady plan'
                   '</w:t></w:r></w:p></w:body></w:document>')
    (sample / "theme/pages/handout.pdf").write_bytes(_pdf(_CATALOG, _PAGES, (
        b"<</Type /EmbeddedFile /Subtype /application#2Fvnd.openxmlformats /Filter /FlateDecode>>", zlib.compress(docx))))
    assert _build(sample) == 0
    assert not (sample / "site/handout.pdf").exists()
    assert "Static file 'handout.pdf' left out of the site: it quotes a withheld story" in capsys.readouterr().err


def test_a_pdf_attached_to_itself_a_hundred_times_is_an_error_not_a_crash(sample, capsys):
    inner = _pdf(_CATALOG, _PAGES, (b"<</Type /Metadata /Subtype /XML>>", b"<x/>"))
    for _ in range(100):
        inner = _pdf(_CATALOG, _PAGES, (b"<</Type /EmbeddedFile>>", zlib.compress(inner)))
    (sample / "theme/pages/handout.pdf").write_bytes(inner.replace(b"/Type /EmbeddedFile>>", b"/Type /EmbeddedFile /Filter /FlateDecode>>"))
    assert _build(sample) == 0
    assert not (sample / "site/handout.pdf").exists()
    assert "Static file 'handout.pdf' left out of the site: it cannot be read, so it cannot be checked" in capsys.readouterr().err


def _ape_tag(*items: tuple[bytes, bytes]) -> bytes:
    """An APEv2 tag as foobar2000 appends it: each item its value's size, flags, key, NUL and
    value, then the 32-byte footer."""
    body = b"".join(len(value).to_bytes(4, "little") + bytes(4) + key + b"\0" + value for key, value in items)
    return body + b"APETAGEX" + (2000).to_bytes(4, "little") + (len(body) + 32).to_bytes(4, "little") \
        + len(items).to_bytes(4, "little") + bytes(4) + bytes(8)


def test_a_recording_whose_ape_tag_names_a_withheld_champion_is_left_out(sample, capsys):
    """rt11: an APEv2 tag (foobar2000, WavPack, Musepack, and MP3s tagged by them) keeps each
    value after its key and a NUL (`Artist\\0Priya Kumar`), before the next item's binary size:
    no run of three words, and an MP3 in the theme folder whose artist is Priya Kumar (her only
    story has no consent) was published with her name in every player's info."""
    (sample / "theme/pages/interview.mp3").write_bytes(
        b"\xff\xfb\x90\x00" + _AUDIO + _ape_tag((b"Title", b"Interview"), (b"Artist", b"Priya Kumar"), (b"Year", b"2026")))
    assert _build(sample) == 0
    assert not (sample / "site/interview.mp3").exists()
    assert "Static file 'interview.mp3' left out of the site: it quotes a withheld story" in capsys.readouterr().err


def test_a_pdf_form_whose_xfa_data_names_a_withheld_champion_is_left_out(sample, capsys):
    """rt11: an XFA form keeps its fields' values in an XML stream (`/XFA [(datasets) 4 0 R]`),
    packed, neither metadata nor a page: Acrobat shows them in the form, and a handout in the
    theme folder whose `champion` field holds Priya Kumar (her only story has no consent) was
    published. XML a PDF's other streams hold is now read."""
    data = b'<xfa:datasets xmlns:xfa="http://www.xfa.org/schema/xfa-data/1.0/"><xfa:data><form><champion>Priya Kumar</champion></form></xfa:data></xfa:datasets>'
    (sample / "theme/pages/handout.pdf").write_bytes(_pdf(
        (b"<</Type /Catalog /Pages 2 0 R /AcroForm <</Fields [] /XFA [(datasets) 3 0 R]>>>>", None), _PAGES,
        (b"<</Filter /FlateDecode>>", zlib.compress(data))))
    assert _build(sample) == 0
    assert not (sample / "site/handout.pdf").exists()
    assert "Static file 'handout.pdf' left out of the site: it quotes a withheld story" in capsys.readouterr().err


def test_a_pdf_whose_stream_starts_after_a_carriage_return_is_read(sample, capsys):
    """rt11: a stream's data starts after `stream` and an end of line; rt10 read only `\\n` and
    `\\r\\n` there, and viewers (pdf.js, MuPDF) also take a lone `\\r`, as old Mac writers put
    it: a handout whose packed XMP names Priya Kumar (her only story has no consent) was read as
    bytes outside any stream, and published."""
    packed = zlib.compress(_XMP)
    data = _pdf(_CATALOG, _PAGES, (b"<</Type /Metadata /Subtype /XML /Filter /FlateDecode>>", packed))
    (sample / "theme/pages/handout.pdf").write_bytes(data.replace(b"stream\n" + packed, b"stream\r" + packed))
    assert _build(sample) == 0
    assert not (sample / "site/handout.pdf").exists()
    assert "Static file 'handout.pdf' left out of the site: it quotes a withheld story" in capsys.readouterr().err


@pytest.mark.parametrize("head", [b"<</Type /ObjSt#6d /N 1 /First 5 /Filter /FlateDecode>>",
                                  b"<</Type /ObjStm /N 1 /First 5 /Filter /Flat#65Decode>>"], ids=["type", "filter"])
def test_a_pdf_whose_names_are_escaped_is_read_as_a_viewer_reads_it(sample, head, capsys):
    """rt11: a PDF name may write any letter as `#` and two hexadecimal digits (`/ObjSt#6d` is
    `/ObjStm`), and viewers read it so; rt10 matched names as written: an object stream so
    typed, holding the Info dictionary whose author is Priya Kumar (her only story has no
    consent), was not unpacked, and the handout published; one packed with `/Flat#65Decode` is
    now read too (since this red team's first fix it was left out as packed in a way not read)."""
    packed = zlib.compress(b"5 0 <</Author (Priya Kumar) /Producer (Writer)>>")
    (sample / "theme/pages/handout.pdf").write_bytes(_pdf(_CATALOG, _PAGES, (head, packed), trailer=b"/Info 5 0 R"))
    assert _build(sample) == 0
    assert not (sample / "site/handout.pdf").exists()
    assert "Static file 'handout.pdf' left out of the site: it quotes a withheld story" in capsys.readouterr().err


def test_a_pdf_string_holding_parentheses_is_read_whole(sample, capsys):
    """rt11: a literal string may hold balanced parentheses unescaped (`(... (champion))`), and
    viewers read it whole; rt10 read strings without them, so an author written
    `(\\120riya Kumar \\(champion\\))` was read, and `(\\120riya Kumar (champion))`, whose
    first letter is an octal escape, was not: the handout was published."""
    (sample / "theme/pages/handout.pdf").write_bytes(_pdf(
        _CATALOG, _PAGES, (b"<</Author (\\120riya Kumar (champion)) /Producer (Writer)>>", None), trailer=b"/Info 3 0 R"))
    assert _build(sample) == 0
    assert not (sample / "site/handout.pdf").exists()
    assert "Static file 'handout.pdf' left out of the site: it quotes a withheld story" in capsys.readouterr().err



@pytest.mark.parametrize("owners_file", ["example", "init"])
def test_python_at_the_project_root_needs_compliance_review(tmp_path, owners_file, capsys):
    """rt11: `python -m mkdocs build` (as MkDocs' docs, many CI recipes and this suite's tests
    run it) puts the working folder first on Python's path: a `yaml.py` (or `markdown.py`,
    `jinja2/__init__.py`, a sourceless `yaml.pyc`) committed at the project's root is imported
    in place of the library, and runs before any check. CODEOWNERS left such files to `*`, the
    content team alone. Both CODEOWNERS files now give them to the practice leads and compliance."""
    from pathlib import PurePosixPath

    from helpers import REPO

    if owners_file == "example":
        owners = (REPO / "examples/CODEOWNERS").read_text()
    else:
        root = init_project(tmp_path)
        capsys.readouterr()
        owners = (root / ".github/CODEOWNERS").read_text()
    rules = [line.split() for line in owners.splitlines() if line.strip() and not line.startswith("#")]

    def owner(path: str) -> list[str]:  # the last matching pattern wins, as GitHub reads it
        return next(who for pattern, *who in reversed(rules)
                    if pattern == "*" or PurePosixPath("/" + path).match(pattern))

    for path in ("yaml.py", "markdown.py", "yaml.pyc", "yaml.so", "jinja2/__init__.py"):
        assert "@your-org/compliance" in owner(path), path
    assert owner("content/guides/x.md") == ["@your-org/content-team"]


def test_consent_record_refuses_a_signed_form_the_patient_revoked(revoked, capsys):
    """The gate ends a record naming a revoked record's signed form (above); `flywheel consent
    record` now says so before it writes one, instead of leaving a record that withholds its
    story from the moment it is filed. A newly signed form is recorded."""
    import yaml

    from generator.check import run_check
    from generator.cli import main
    from generator.consent import story_fingerprint

    form = yaml.safe_load((revoked / RECORD).read_text())["form_ref"]
    result = run_check(revoked)
    approved = story_fingerprint(result.project.stories[STORY], result.project)
    record = ["consent", "record", STORY, "--root", str(revoked), "--signed-on", "2026-11-21", "--expires-on",
              "2028-11-21", "--identifiers", "first_name", "--fingerprint", approved, "--id", "C-2026-100"]
    capsys.readouterr()
    assert main([*record, "--form-ref", f" {form.upper()} "]) == 1
    assert f"was revoked on {REVOKED} under consent C-2026-001" in capsys.readouterr().err
    assert not (revoked / "consent/C-2026-100.yml").exists()
    assert main([*record, "--form-ref", "esign/a-new-form"]) == 0
    assert (revoked / "consent/C-2026-100.yml").exists()
