"""Hand PDF reader (generator/leaks.py) against pypdf, file by file (bench/pdfcmp/README.md).

  python bench/pdfcmp/compare.py CORPUS OUT.json      # every file: probes, then timings
  python bench/pdfcmp/compare.py --probe READER FILE  # one call in this process (a child)
  python bench/pdfcmp/compare.py --time FILE N        # N alternating runs of both (a child)

Each probe runs in its own process with a 20 s limit and a 4 GiB address-space cap.
"""
from __future__ import annotations

import io
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
LIMIT_S, CAP = 20, 4 << 30
PLANTED = {"name": "priya kumar", "title": "racing heart and a steady plan"}


def norm(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def hand(path: Path) -> dict[str, str]:
    """What the build reads of a static file (`static_leak` -> `file_text`)."""
    from generator import leaks
    return {"file_text": leaks.file_text(path) or ""}


def hand_pdf(path: Path) -> dict[str, str]:
    """The PDF reader alone (`_pdf_text`: no raw runs of words, no 64 MiB read buffer)."""
    from generator import leaks
    data = path.read_bytes()
    return {"pdf_text": leaks._pdf_text(data) if leaks._is_pdf(data) else ""}


def _flat_outline(items, out):
    for item in items:
        if isinstance(item, list):
            _flat_outline(item, out)
        else:
            out.append(str(item.get("/Title", "")))


def pypdf_parts(path: Path) -> dict[str, str]:
    """Everything a viewer shows, as pypdf reads it; each part's exception kept as its text."""
    from pypdf import PdfReader
    reader = PdfReader(path)
    parts: dict[str, str] = {}

    def part(name, get):
        try:
            parts[name] = get()
        except Exception as error:  # noqa: BLE001 - recorded
            parts[name] = f"!{type(error).__name__}: {str(error)[:120]}"

    if reader.is_encrypted:
        parts["encrypted"] = f"decrypt('') -> {reader.decrypt('')!r}"
    part("info", lambda: " ".join(f"{k}={v}" for k, v in (reader.metadata or {}).items()))

    def xmp():  # the packet's bytes (`xmp_metadata` parses it as XML and refuses a packet with an unbound prefix)
        meta = reader.root_object.get("/Metadata")
        return meta.get_object().get_data().decode("utf-8", "replace") if meta is not None else ""
    part("xmp", xmp)
    part("pages", lambda: "\n".join(page.extract_text() for page in reader.pages))

    def annots():
        out = []
        for page in reader.pages:
            for annot in page.get("/Annots") or []:
                annot = annot.get_object()
                out += [str(annot.get(key, "")) for key in ("/Contents", "/T", "/TU", "/V", "/RC")]
        return " ".join(out)
    part("annotations", annots)

    def attachments():
        from generator import leaks
        out = []
        for name, contents in reader.attachments.items():
            out.append(name)
            for content in contents:
                out.append(content.replace(b"\0", b" ").decode("utf-8", "replace"))
                try:
                    out += leaks._unpacked_texts(content, [leaks.GZIP_READ_MAX], 1)
                except leaks.Unreadable:
                    out.append("!unreadable attachment")
        return "\n".join(out)
    part("attachments", attachments)
    part("xfa", lambda: " ".join(v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
                                 for v in (reader.xfa or {}).values()))
    part("fields", lambda: " ".join(f"{k}={f.get('/V', '')}" for k, f in (reader.get_fields() or {}).items()))

    def outline():
        out = []
        _flat_outline(reader.outline, out)
        return " ".join(out)
    part("outline", outline)
    return parts


READERS = {"hand": hand, "hand_pdf": hand_pdf, "pypdf": pypdf_parts}


def run_probe(reader: str, file: str) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))
    import logging
    import warnings
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    from generator import leaks  # noqa: F401  imports first, so their memory is not counted
    import pypdf  # noqa: F401
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    trace = os.environ.get("PDFCMP_NO_TRACE") is None  # tracemalloc slows deep recursion 60-fold
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    out = {"reader": reader}
    try:
        parts = READERS[reader](Path(file))
        out["status"] = "ok"
    except Exception as error:  # noqa: BLE001
        parts = {}
        name = type(error).__name__
        out["status"] = "unreadable" if name == "Unreadable" else f"error {name}: {str(error)[:160]}"
    out["seconds"] = time.perf_counter() - start
    out["tracemalloc_peak"] = tracemalloc.get_traced_memory()[1] if trace else None
    if trace:
        tracemalloc.stop()
    out["maxrss_growth_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base
    out["parts"] = {k: (v if len(v) < 4000 else v[:4000] + f"...[{len(v)} chars]") for k, v in parts.items()}
    out["sees"] = {label: [k for k, v in parts.items() if needle in norm(v)] for label, needle in PLANTED.items()}
    out["errors"] = {k: v for k, v in parts.items() if v.startswith("!")}
    words = set(re.findall(r"[a-z]{4,}", norm(" ".join(v for k, v in parts.items() if k != "file_text"))))
    out["words"] = sorted(words)[:400]
    print(json.dumps(out))


def run_time(file: str, repeats: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))
    import logging
    import warnings
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    times = {reader: [] for reader in READERS}
    for _ in range(repeats):
        for reader in READERS:
            start = time.perf_counter()
            try:
                READERS[reader](Path(file))
            except Exception:  # noqa: BLE001
                pass
            times[reader].append(time.perf_counter() - start)
    print(json.dumps({k: statistics.median(v) for k, v in times.items()}))


def child(args: list[str], limit: float) -> dict:
    try:
        done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return {"status": f"timeout >{limit:.0f}s"}
    if done.returncode != 0 or not done.stdout.strip():
        tail = (done.stderr or "").strip().splitlines()[-1:] or [""]
        return {"status": f"crash rc={done.returncode} {tail[0][:160]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(corpus: Path, out_file: Path) -> None:
    expect = json.loads((corpus / "expect.json").read_text())
    results = {}
    for name in sorted(expect):
        file = str(corpus / name)
        row = {"expect": expect[name], "bytes": Path(file).stat().st_size}
        for reader in READERS:
            row[reader] = child(["--probe", reader, file], LIMIT_S)
        slow = max(row[r].get("seconds", LIMIT_S) for r in READERS)
        if slow < 2:
            row["median_s"] = child(["--time", file, "7" if slow < 0.2 else "3"], 120)
        results[name] = row
        print(name, {r: (row[r]["status"], row[r].get("sees"), round(row[r].get("seconds", -1), 4)) for r in READERS},
              file=sys.stderr, flush=True)
    out_file.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    if sys.argv[1] == "--probe":
        run_probe(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "--time":
        run_time(sys.argv[2], int(sys.argv[3]))
    else:
        main(Path(sys.argv[1]), Path(sys.argv[2]))
