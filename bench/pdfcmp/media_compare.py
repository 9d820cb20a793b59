"""Media tag walkers in generator/leaks.py (`file_text`: RIFF/AIFF, EBML, GIF, ID3v1, APE, MP4)
against mutagen, on the tests' recordings and on files mutagen itself tags (bench/pdfcmp/README.md).

  python bench/pdfcmp/media_compare.py OUT_DIR   # writes OUT_DIR/*.media and prints a table
"""
from __future__ import annotations

import io
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/s42/pdfcmp_corpus/media")
OUT.mkdir(parents=True, exist_ok=True)

import test_rt10 as T10  # noqa: E402
import test_rt11 as T  # noqa: E402

from generator import leaks  # noqa: E402

cases: dict[str, str] = {}


def put(name: str, data: bytes, want: str = "pos") -> None:
    (OUT / name).write_bytes(data)
    cases[name] = want


mark = T.test_a_recording_whose_tags_name_a_withheld_champion_is_left_out.pytestmark[0]
for ident, (name, data) in zip(mark.kwargs["ids"], mark.args[1]):
    put(f"test-{ident}{Path(name).suffix}", data)
put("test-wav-names-no-one.wav", T._riff(b"WAVE", (b"fmt ", bytes(16)), (b"data", T._AUDIO), T._info((b"IART", b"Anna Walker"))), "neg")
put("test-webm-short.webm", T._webm_with_tags_after(16384))
put("test-webm-after-9-mib.webm", T._webm_with_tags_after(9 * 1024 * 1024))
put("test-webm-names-no-one.webm", T._webm_with_tags_after(16384).replace(b"Priya Kumar", b"Anna Walker"), "neg")
put("test-gif-comment.gif", T._gif_with_comment(b"Photo: Priya Kumar"))
put("test-mp3-ape.mp3", b"\xff\xfb\x90\x00" + T._AUDIO + T._ape_tag((b"Title", b"Interview"), (b"Artist", b"Priya Kumar"), (b"Year", b"2026")))
put("test-m4a-32-bit.m4a", T10._m4a_with_its_tags_after(9 * 1024 * 1024))
put("test-m4a-64-bit.m4a", T10._m4a_with_its_tags_after(9 * 1024 * 1024, True))

# tagged by mutagen itself: ID3v2.4 in an MP3, an ID3 chunk in a WAV and an AIFF
import mutagen  # noqa: E402
from mutagen.id3 import ID3, TIT2, TPE1, COMM  # noqa: E402

frame = b"\xff\xfb\x90\x64" + bytes(413)  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz: 417 bytes a frame
put("mutagen-id3v24.mp3", frame * 200)
tags = ID3()
tags.add(TIT2(encoding=3, text="Interview"))
tags.add(TPE1(encoding=1, text="Priya Kumar"))  # UTF-16: no run of words in the bytes
tags.save(OUT / "mutagen-id3v24.mp3")
put("mutagen-id3-comment-utf16.mp3", frame * 200)
tags = ID3()
tags.add(COMM(encoding=1, lang="eng", desc="", text="A racing heart, and a steady plan"))
tags.save(OUT / "mutagen-id3-comment-utf16.mp3")
wav = T._riff(b"WAVE", (b"fmt ", (1).to_bytes(2, "little") + (1).to_bytes(2, "little") + (8000).to_bytes(4, "little")
                        + (8000).to_bytes(4, "little") + (1).to_bytes(2, "little") + (8).to_bytes(2, "little")), (b"data", T._AUDIO))
put("mutagen-id3-in-wav.wav", wav)
try:
    from mutagen.wave import WAVE
    w = WAVE(OUT / "mutagen-id3-in-wav.wav")
    w.add_tags()
    w.tags.add(TPE1(encoding=1, text="Priya Kumar"))
    w.save()
except Exception as error:  # noqa: BLE001
    print("wav tagging:", error)


def norm(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def hand(path: Path) -> str:
    return leaks.file_text(path) or ""


def with_mutagen(path: Path) -> str:
    found = mutagen.File(path)
    if found is None or found.tags is None:
        return "" if found is not None else "!not recognised"
    return " ".join(f"{key}={value}" for key, value in found.tags.items())


rows = []
for name, want in sorted(cases.items()):
    path, row = OUT / name, {"file": name, "want": want}
    for label, read in (("hand", hand), ("mutagen", with_mutagen)):
        try:
            text = read(path)
            row[label] = "SEES" if ("priya kumar" in norm(text) or "racing heart and a steady plan" in norm(text)) else (
                "not recognised" if text.startswith("!") else "misses")
        except leaks.Unreadable:
            row[label] = "unreadable"
        except Exception as error:  # noqa: BLE001
            row[label] = f"error {type(error).__name__}"
    times = {"hand": [], "mutagen": []}
    for _ in range(5):
        for label, read in (("hand", hand), ("mutagen", with_mutagen)):
            start = time.perf_counter()
            try:
                read(path)
            except Exception:  # noqa: BLE001
                pass
            times[label].append(time.perf_counter() - start)
    row.update({f"{k}_ms": round(statistics.median(v) * 1000, 2) for k, v in times.items()})
    rows.append(row)
    print(f"{name:36} {want:4} hand={row['hand']:12} mutagen={row['mutagen']:16} {row['hand_ms']:8} ms {row['mutagen_ms']:8} ms")
(OUT / "results.json").write_text(json.dumps(rows, indent=1))
