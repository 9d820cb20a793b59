"""Red team rt12's routes around the consent promise, each written as the attack.

Every test here failed before its fix (see docs/security.md, the table of properties, attacks
and tests). The sample site is fictional.
"""

from __future__ import annotations

import struct
import zlib

import pytest
from helpers import pdf as _pdf

from generator.cli import main

AS_OF = "2026-11-22"
LEFT_OUT = "Static file '{}' left out of the site: it quotes a withheld story"


def _build(sample) -> int:
    return main(["build", "--root", str(sample), "--as-of", AS_OF])


def _png(*chunks: tuple[bytes, bytes]) -> bytes:
    """A 1x1 PNG with `chunks` (kind, data) before its picture's data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    return (b"\x89PNG\r\n\x1a\n" + header + b"".join(chunk(kind, data) for kind, data in chunks)
            + chunk(b"IDAT", zlib.compress(b"\0\xff\xff\xff")) + chunk(b"IEND", b""))


def _ico(*pictures: bytes) -> bytes:
    """An icon holding `pictures` (PNGs, as every icon of 256 pixels and Windows Vista's are)."""
    out, at = struct.pack("<HHH", 0, 1, len(pictures)), 6 + 16 * len(pictures)
    for picture in pictures:
        out += struct.pack("<BBBBHHII", 1, 1, 0, 0, 1, 32, len(picture), at)
        at += len(picture)
    return out + b"".join(pictures)


@pytest.mark.parametrize("name, data", [
    ("favicon.ico", _ico(_png((b"tEXt", b"Author\0Priya Kumar")))),
    ("favicon.ico", _ico(_png((b"zTXt", b"Author\0\0" + zlib.compress(b"Priya Kumar"))))),
    ("icon.icns", b"icns\0\0\0\0ic10\0\0\0\0" + _png((b"iTXt", b"Author\0\x01\0en\0\0" + zlib.compress(b"Priya Kumar")))),
], ids=["ico-text", "ico-compressed-text", "icns-compressed-itxt"])
def test_a_png_inside_an_icon_is_read_as_a_png(sample, name, data, capsys):
    """rt12: a PNG's text chunks were read only in a file that starts as a PNG. An icon
    (`.ico`, `.icns`) holds its pictures as PNGs after a header of its own, and every viewer
    that opens the picture inside shows its text: a favicon in the theme folder whose PNG names
    Priya Kumar (her only story has no consent) as its author was published on every page."""
    (sample / "theme/pages" / name).write_bytes(data)
    assert _build(sample) == 0
    assert not (sample / "site" / name).exists()
    assert LEFT_OUT.format(name) in capsys.readouterr().err


_PASSAGE = ("Out of nowhere my heart started racing and fluttering, like a bird trapped in my chest. "
            "I was not in pain, but I felt dizzy and out of breath.")


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be"])
def test_a_text_file_in_utf_32_without_a_byte_order_mark_is_read(sample, codec, capsys):
    """rt12: a static file with NUL bytes is binary, read as the runs of words it carries, and
    as UTF-16 without a mark; UTF-32 without one (what some editors and `iconv -t UTF-32LE`
    write) put three NULs between letters and read as no words. A text editor shows the
    revoked story's passage as written."""
    (sample / "theme/pages/notes.txt").write_bytes(_PASSAGE.encode(codec))
    assert _build(sample) == 0
    assert not (sample / "site/notes.txt").exists()
    assert LEFT_OUT.format("notes.txt") in capsys.readouterr().err


def test_an_icon_whose_png_names_no_withheld_champion_is_published(sample, capsys):
    (sample / "theme/pages/favicon.ico").write_bytes(_ico(_png((b"tEXt", b"Author\0Anna Walker"))))
    assert _build(sample) == 0
    assert (sample / "site/favicon.ico").is_file()
    capsys.readouterr()
