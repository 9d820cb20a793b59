"""Red team rt10's routes around the consent promise, each written as the attack.

Every test here failed before its fix (see docs/security.md, the table of properties, attacks
and tests). The sample site is fictional.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib

import pytest
from helpers import pdf

from generator.cli import main

AS_OF = "2026-11-22"


def _build(sample) -> int:
    return main(["build", "--root", str(sample), "--as-of", AS_OF])


# A page naming the revoked story "A racing heart, and a steady plan" and Priya Kumar (whose only
# story has no consent), packed by Brotli 1.2 (`brotli.compress`), as a precompressing step writes it.
_PAGE_BR = base64.b64decode(
    "G+cAAIyTXPninrmtVC9UQzEUg4Z6sMlEVJk+j8mjEGSzC1i7olYgbeED/c9b4I/ye7vlaDKpQ5SSqP9JCLSUEqH+hEcu"
    "It+cAuJcpTyE2U4Mum+6tqDNyLJjTW65sy7vbk9bP6wdhrFUAUK/PP4t3h6RvkHH9ihyh1czDPm2AA==")


# The same page packed by zstd (`zstandard`, level 19) after a skippable frame, which every zstd
# reader skips: its first bytes are not zstd's mark.
_PAGE_ZST = base64.b64decode(
    "UCpNGAgAAABmbHl3aGVlbCi1L/0g6I0EAKIJHRiAqwPgyA7ZjmMwwmDBYaBEupAYNMplAwaAau49pVUx7eC4X9tfp/PYXyW751COmEx0"
    "mP4POl09mSsEXWdr/Sohww6irdljQ8UlfFW0oJI27eMWNVrcP5V1PVbhJbdr89jCUgvV7dmvWtyrmnvXjtEvcAUbCQBamClBw5kQrF8N"
    "nhQAdkW4VhibqVEkK2A=")


@pytest.mark.parametrize("name, data", [("index.html.br", _PAGE_BR), ("guides/notes.txt.BR", _PAGE_BR),
                                        ("index.html.zst", _PAGE_ZST), ("downloads/notes.bin", _PAGE_ZST)])
def test_a_brotli_or_zstd_file_is_left_out_of_the_site(sample, name, data, capsys):
    """rt10: a server that serves precompressed files (nginx's `brotli_static on`, Caddy's
    `precompressed br`) answers a browser asking for `index.html` with `index.html.br` when it
    exists, and every browser asks for Brotli. A file so named in the theme folder was copied
    to the site as it was: a Brotli stream has no mark to know it by, so the checks read it as
    bytes that spell nothing, and the site's home page (the revoked story's title, a champion
    no published story credits) was published with a passing build. So was a zstd file (Caddy's
    `precompressed zstd`, which browsers accept too) that starts with a skippable frame: a
    zstd file is known by its first bytes, and these are the skippable frame's (now known too,
    whatever the file's name)."""
    target = sample / "theme/pages" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    assert _build(sample) == 0
    assert (sample / "site/index.html").is_file()
    assert not (sample / "site" / name).exists()
    assert f"Static file '{name}' left out of the site: it cannot be read, so it cannot be checked" in capsys.readouterr().err


def _box(kind: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def _m4a_with_its_tags_after(media: int, large: bool = False) -> bytes:
    """An M4A as ffmpeg writes one without `-movflags +faststart` (and as many recorders do): the
    media first, then the movie box with the tags, its artist Priya Kumar."""
    artist = _box(b"\xa9ART", _box(b"data", b"\0\0\0\1\0\0\0\0Priya Kumar"))
    tags = _box(b"udta", _box(b"meta", b"\0\0\0\0" + _box(b"hdlr", bytes(25)) + _box(b"ilst", artist)))
    moov = _box(b"moov", _box(b"mvhd", bytes(100)) + _box(b"trak", _box(b"tkhd", bytes(84))) + tags)
    mdat = ((1).to_bytes(4, "big") + b"mdat" + (16 + media).to_bytes(8, "big") if large
            else (8 + media).to_bytes(4, "big") + b"mdat")
    return _box(b"ftyp", b"M4A \0\0\2\0M4A isommp42") + _box(b"free", b"") + mdat + bytes(media) + moov


@pytest.mark.parametrize("large", [False, True], ids=["32-bit-size", "64-bit-size"])
def test_a_recording_whose_tags_follow_its_media_is_read_whole(sample, large, capsys):
    """rt10: rt9 read an MP4's tags (`udta`, `ilst`) only within its first 8 MiB. ffmpeg without
    `+faststart`, and recorders that write as they record, put the movie box, tags and all,
    after the media: a recorded interview of 9 MiB in the theme folder whose artist is Priya
    Kumar (her only story has no consent) was published with her name in every player's info."""
    (sample / "theme/pages/interview.m4a").write_bytes(_m4a_with_its_tags_after(9 * 1024 * 1024, large))
    assert _build(sample) == 0
    assert not (sample / "site/interview.m4a").exists()
    assert "Static file 'interview.m4a' left out of the site: it quotes a withheld story" in capsys.readouterr().err


def test_a_recording_whose_tags_name_no_withheld_champion_is_published(sample, capsys):
    (sample / "theme/pages/interview.m4a").write_bytes(
        _m4a_with_its_tags_after(9 * 1024 * 1024).replace(b"Priya Kumar", b"Anna Walker"))
    assert _build(sample) == 0
    assert (sample / "site/interview.m4a").is_file()
    capsys.readouterr()


def _pdf(*objects: tuple[bytes, bytes | None], info: bytes = b"") -> bytes:
    """A PDF of `objects`, each a dictionary and, when it has one, a stream packed with zlib
    (`/FlateDecode`), with a trailer naming `info` as its Info (helpers.pdf)."""
    return pdf(*[(d, None) if stream is None else (d[:-2] + b" /Filter /FlateDecode>>", zlib.compress(stream))
                 for d, stream in objects], trailer=info, version=b"1.5")


_XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>'
        b'<rdf:Description dc:creator="Priya Kumar"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
_CATALOG = (b"<</Type /Catalog /Pages 2 0 R /Metadata 3 0 R>>", None)
_PAGES = (b"<</Type /Pages /Kids [] /Count 0>>", None)


@pytest.mark.parametrize("data", [
    _pdf(_CATALOG, _PAGES, (b"<</Type /Metadata /Subtype /XML>>", _XMP)),  # the XMP packet packed
    _pdf(_CATALOG, _PAGES, (b"<</Type /Metadata /Subtype /XML>>", b""),
         (b"<</Type /ObjStm /N 1 /First 5>>", b"5 0 <</Author (Priya Kumar) /Producer (Writer)>>"),
         info=b"/Info 5 0 R"),  # the Info dictionary in an object stream
    _pdf(_CATALOG, _PAGES, (b"<</Author <FEFF005000720069007900610020004B0075006D00610072>>>", None),
         info=b"/Info 3 0 R"),  # the author written as a string of hexadecimal digits, in UTF-16
    _pdf(_CATALOG, _PAGES, (b"<</Author (\\376\\377" + b"".join(b"\\000" + bytes([c]) for c in b"Priya Kumar") + b")>>", None),
         info=b"/Info 3 0 R"),  # in UTF-16 with octal escapes, as LaTeX's hyperref writes it
    _pdf(_CATALOG, _PAGES, (b"<</Type /EmbeddedFile /Subtype /text#2Fplain>>",
                            b"Notes for the handout: A racing heart, and a steady plan, told by Daniel.")),
], ids=["xmp-packed", "info-in-an-object-stream", "info-in-hex", "info-in-octal-escapes", "attached-file"])
def test_a_pdf_whose_metadata_names_a_withheld_champion_is_left_out(sample, data, capsys):
    """rt10: a PDF's metadata is what every viewer's "Document properties" shows (author, title).
    rt9 read a picture's and a recording's; a PDF's was read only as runs of words in its bytes.
    A handout in the theme folder whose author is Priya Kumar (her only story has no consent) was
    published as it was when the XMP packet is packed (`/FlateDecode`), when the Info dictionary
    is one of the objects a PDF 1.5 object stream packs, or when its author is written as a
    string of hexadecimal digits or in octal escapes (as UTF-16 text often is); nor was a
    packed text file attached to it (which every viewer lists and opens) quoting a revoked story."""
    (sample / "theme/pages/handout.pdf").write_bytes(data)
    assert _build(sample) == 0
    assert not (sample / "site/handout.pdf").exists()
    assert "Static file 'handout.pdf' left out of the site: it quotes a withheld story" in capsys.readouterr().err


def test_a_pdf_whose_metadata_names_no_withheld_champion_is_published(sample, capsys):
    (sample / "theme/pages/handout.pdf").write_bytes(_pdf(
        _CATALOG, _PAGES, (b"<</Type /Metadata /Subtype /XML>>", _XMP.replace(b"Priya Kumar", b"Anna Walker")),
        (b"<</Type /ObjStm /N 1 /First 5>>", b"5 0 <</Author (Anna Walker) /Producer (Writer)>>"),
        info=b"/Info 5 0 R"))
    assert _build(sample) == 0
    assert (sample / "site/handout.pdf").is_file()
    capsys.readouterr()


def _moving_clock(folder, now_file) -> dict[str, str]:
    """The environment for a process whose clock reads the moment written in `now_file` each time
    it is asked (the suite's own clock, tests/clock/, is fixed when the process starts)."""
    (folder / "sitecustomize.py").write_text(
        "import datetime as dt\n"
        "from generator import dates\n"
        f"dates.clock = lambda: dt.datetime.fromisoformat(open({str(now_file)!r}).read().strip())\n"
        "dates.last_commit_moment = lambda root: None\n")
    return {**os.environ, "NO_COLOR": "1", "PYTHONPATH": os.pathsep.join([str(folder), os.environ["PYTHONPATH"]])}


def test_a_published_preview_withdraws_a_story_whose_consent_ends_while_it_runs(tmp_path):
    """rt10: `serve --published-only` shows what a build publishes and may listen beyond this
    computer (a staging server for reviewers). It gated on the practice's date of its last
    rebuild, and rebuilt only when a file changed: a story whose consent expired at midnight
    (C-2026-015, finally-sleeping-through-the-night, ends on 2026-12-10) stayed served, its page
    and its words in the search index, for as long as nobody saved a file."""
    from helpers import copy_sample, fetch, free_port

    root = copy_sample(tmp_path)
    now_file = tmp_path / "now"
    now_file.write_text("2026-12-09T23:00:00-06:00")  # the practice's evening (America/Chicago)
    (tmp_path / "clock").mkdir()
    port, story = free_port(), "stories/finally-sleeping-through-the-night/"
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--published-only", "--root", str(root), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**_moving_clock(tmp_path / "clock", now_file),
                                                                   "TMPDIR": str(tmp_path)})
    base = f"http://127.0.0.1:{port}"
    try:
        assert "Finally sleeping through the night" in fetch(f"{base}/{story}", time.monotonic() + 90)
        now_file.write_text("2026-12-10T00:30:00-06:00")  # past midnight: the consent has expired
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{base}/{story}", timeout=60)
        assert "Finally sleeping" not in fetch(f"{base}/search/search_index.json", time.monotonic() + 10)
        assert "Finally sleeping" not in fetch(f"{base}/", time.monotonic() + 10)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_search_settings_quoting_a_withheld_story_never_reach_the_search_index(sample, capsys):
    """rt10: the search plugin writes its settings from mkdocs.yml (`separator`, `lang`,
    `pipeline`) into `search/search_index.json`, which every visitor's browser downloads; the
    checks read the pages the index is made from, never the index. A pull request setting the
    separator to a pattern naming a revoked story's title and Priya Kumar (whose only story has
    no consent) published both in the index with a passing build. Now the build fails, and CI's
    fresh checkout gets a site without the index."""
    settings = sample / "mkdocs.yml"
    settings.write_text(settings.read_text().replace(
        "  - search\n", "  - search:\n      separator: '[\\s\\-]+|A racing heart, and a steady plan|Priya Kumar'\n"))
    assert _build(sample) == 1
    assert "the search plugin's settings (separator)" in capsys.readouterr().err
    assert (sample / "site/index.html").is_file()
    assert not [path for path in (sample / "site").rglob("*.json") if "Priya Kumar" in path.read_text()]


def test_search_settings_that_quote_nothing_withheld_still_build(sample, capsys):
    settings = sample / "mkdocs.yml"
    settings.write_text(settings.read_text().replace("  - search\n", "  - search:\n      separator: '[\\s\\-\\.]+'\n"))
    assert _build(sample) == 0
    assert "[\\\\s\\\\-\\\\.]+" in (sample / "site/search/search_index.json").read_text()
    capsys.readouterr()


def test_what_the_privacy_plugin_copies_into_the_site_is_checked(sample, monkeypatch, capsys):
    """rt10: Material's privacy plugin (a practice lists it to host what pages load from other
    hosts itself) downloads each such file into its cache, `.cache/plugin/privacy/` under the
    working folder, and publishes it as the site's own after Flywheel has checked the site's
    files; a file already in the cache is not asked for again. A pull request committing
    `.cache/plugin/privacy/assets/external/cdn.example.net/banner.svg` (a revoked story's
    title) and a guide loading `https://cdn.example.net/banner.svg` published it with a passing
    build."""
    monkeypatch.chdir(sample)  # the plugin's cache folder is relative to the working folder
    settings, guide = sample / "mkdocs.yml", sample / "content/guides/cardiology/afib-guide.md"
    settings.write_text(settings.read_text().replace(
        "  - search\n", "  - search\n  - privacy:\n      assets_include: ['cdn.example.net/*']\n"))
    cache = sample / ".cache/plugin/privacy/assets/external/cdn.example.net"
    cache.mkdir(parents=True)
    (cache / "banner.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="40"><text '
                                      'x="0" y="30">A racing heart, and a steady plan</text></svg>\n')
    guide.write_text(guide.read_text() + '\n\n<img src="https://cdn.example.net/banner.svg" alt="">\n')
    # Refused since stop 47 (it rewrites pages after the checks too); what another plugin writes
    # into the site is still read: tests/test_rt15.py's plugin writing after Flywheel.
    assert _build(sample) == 1
    published = "assets/external/cdn.example.net/banner.svg"
    assert (sample / "site/index.html").is_file()
    assert not (sample / "site" / published).exists()
    captured = capsys.readouterr()
    assert "the privacy plugin rewrites pages" in captured.out + captured.err


@pytest.mark.parametrize("folder, address, published", [
    (".", "https://consent/C-2026-017.yml", "consent/C-2026-017.yml"),  # the consent record itself
    ("/", "https://proc/self/environ", "proc/self/environ"),  # the build's environment: a CI's tokens
], ids=["the-project", "the-machine"])
def test_a_plugin_cache_outside_dot_cache_is_refused(sample, folder, address, published, monkeypatch, capsys, caplog):
    """rt10: the privacy plugin publishes any file under its `cache_dir` that a page loads from
    another host (asking the host only for what the folder lacks). `cache_dir: .` with
    `assets_fetch_dir: .` and an image at `https://consent/C-2026-017.yml` published the revoked
    story's consent record (until the test above's fix read it); `cache_dir: /` and
    `https://proc/self/environ` the build's environment, tokens and all (no check can tell it
    holds anything withheld). Now the settings are refused (the build fails naming the
    option; CI's fresh checkout is built with Flywheel's own settings, without the file)."""
    monkeypatch.chdir(sample)
    settings, guide = sample / "mkdocs.yml", sample / "content/guides/cardiology/afib-guide.md"
    settings.write_text(settings.read_text().replace("  - search\n", f"  - search\n  - privacy:\n      cache_dir: '{folder}'\n"
                                                     "      assets_fetch_dir: .\n"))
    guide.write_text(guide.read_text() + f'\n\n<img src="{address}" alt="">\n')
    assert _build(sample) == 1
    captured = capsys.readouterr()
    assert "privacy plugin" in captured.out + captured.err + caplog.text  # refused whole since stop 47
    assert not (sample / "site" / published).exists()


def _tiff_with_artist(name: bytes) -> bytes:
    """A TIFF header and one IFD holding EXIF's Artist (as `_jpeg_with_exif` writes it)."""
    import struct

    entry = struct.pack("<HHII", 0x013B, 2, len(name), 26)
    return b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", 1) + entry + struct.pack("<I", 0) + name


def _avif_with_exif(name: bytes) -> bytes:
    """An AVIF (HEIF) picture as cameras and converters write one: its EXIF is an item whose
    bytes lie in the media box (`mdat`), found through the `meta` box's item locations."""
    exif = (6).to_bytes(4, "big") + b"Exif\0\0" + _tiff_with_artist(name)
    meta = _box(b"meta", b"\0\0\0\0" + _box(b"hdlr", bytes(8) + b"pict" + bytes(13))
                + _box(b"iinf", b"\0\0\0\0\0\1" + _box(b"infe", b"\2\0\0\0\0\1\0\0Exif\0")))
    return _box(b"ftyp", b"avif\0\0\0\0avifmif1miaf") + meta + _box(b"mdat", bytes(2048) + exif + bytes(2048))


@pytest.mark.parametrize("name, data", [
    ("team.avif", _avif_with_exif(b"Priya Kumar\0")),
    ("scan.tif", _tiff_with_artist(b"Priya Kumar\0") + bytes(4096)),
], ids=["avif-exif", "tiff-artist"])
def test_a_picture_whose_embedded_metadata_names_a_withheld_champion_is_left_out(sample, name, data, capsys):
    """rt10: rt9 read a picture's metadata in JPEG, PNG and WebP files only. An AVIF or HEIC
    picture keeps its EXIF as an item inside its media box, a TIFF is EXIF from its first byte,
    and a GIF keeps XMP in an application extension: a picture in the theme folder naming
    Priya Kumar (her only story has no consent) as its artist, or tagging her face, in any of
    these was published with a passing build."""
    (sample / "theme/pages" / name).write_bytes(data)
    assert _build(sample) == 0
    assert not (sample / "site" / name).exists()
    assert f"Static file '{name}' left out of the site: it quotes a withheld story" in capsys.readouterr().err


def test_a_withdrawal_takes_off_a_page_the_kept_site_holds_packed(sample, capsys):
    """rt10: a build that stops before Flywheel's plugin runs (a mkdocs.yml naming an extension
    this machine lacks) takes off the kept site, as a last resort, every file that shows a
    story withheld today; a file it cannot read counted as showing nothing. `index.html.br` (a page a server sends unpacked in place of
    `index.html`, written by a build before the fix above, or a precompressing step after
    it) quoting the revoked story stayed on the site."""
    assert _build(sample) == 0
    (sample / "site/index.html.br").write_bytes(_PAGE_BR)
    record = sample / "consent/C-2026-014.yml"
    record.write_text(record.read_text().replace("revoked_on: null", "revoked_on: 2026-11-20"))
    settings = sample / "mkdocs.yml"  # MkDocs stops before any plugin: the last resort withdraws
    settings.write_text(settings.read_text().replace("  - admonition", "  - admonition\n  - no_such_extension"))
    assert _build(sample) == 1
    assert not (sample / "site/stories/finding-answers").exists()
    assert (sample / "site/cardiology/index.html").is_file()
    assert not (sample / "site/index.html.br").exists()
    capsys.readouterr()


def _in_charset(text: str, charset: str) -> bytes:
    """`text` as a page declaring `charset` carries it: Latin letters written as the full-width
    letters Japanese encodings hold (a browser shows them as letters), then encoded."""
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text)
    return (f'<!doctype html><html><head><meta charset="{charset}"><title>Archive</title></head><body><p>'.encode()
            + wide.encode(charset.replace("-", "_")) + b"</p></body></html>\n")


@pytest.mark.parametrize("charset, name", [("iso-2022-jp", "archive.html"), ("shift_jis", "archive.html"),
                                           ("euc-jp", "archive.html"), ("shift_jis", "extra.css")])
def test_a_page_in_another_encoding_is_read_as_its_browser_reads_it(sample, charset, name, capsys):
    """rt10: a static HTML page is read as UTF-8; a browser reads it in the encoding its
    `<meta charset>` names (a stylesheet, its `@charset`). A page in the theme folder declaring ISO-2022-JP, Shift_JIS or
    EUC-JP and writing a passage of the revoked story in full-width letters (which every
    browser shows, and the checks fold to letters once decoded) was published with a passing
    build: read as UTF-8 its bytes spell `#O#n#e!!#e#v...` or nothing at all."""
    passage = ("One evening, a few months after I finished cardiac rehab, I was sitting on the couch "
               "watching a ball game.")
    data = _in_charset(passage, charset)
    if name.endswith(".css"):  # a stylesheet's `content:` is shown too, in its `@charset`
        data = (f'@charset "{charset}";\n.notice::after {{ content: "'.encode()
                + data.split(b"<p>")[1].split(b"</p>")[0] + b'"; }\n')
    (sample / "theme/pages" / name).write_bytes(data)
    assert _build(sample) == 0
    assert not (sample / "site" / name).exists()
    assert f"Static file '{name}' left out of the site: it quotes a withheld story" in capsys.readouterr().err
