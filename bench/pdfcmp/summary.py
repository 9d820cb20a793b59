"""Tables from compare.py's results: coverage (planted text seen, or the file refused), time, memory."""
from __future__ import annotations

import json
import statistics
import sys
from collections import Counter

results = json.load(open(sys.argv[1]))
READERS = ("hand", "hand_pdf", "pypdf")


def verdict(row: dict, reader: str) -> str:
    probe = row[reader]
    status = probe.get("status", "?")
    seen = [k for k, v in (probe.get("sees") or {}).items() if v]
    if status.startswith("timeout") or status.startswith("crash"):
        return status.split()[0].upper()
    if status != "ok":
        return "refused" if status == "unreadable" else "refused(" + status.split(":")[0].replace("error ", "") + ")"
    if seen:
        return "SEES " + "+".join(seen)
    errors = probe.get("errors") or {}
    return "misses" + (" [part errors: " + ",".join(sorted(errors)) + "]" if errors else "")


print("| file | kind | planted | hand (file_text) | hand _pdf_text | pypdf |")
print("|---|---|---|---|---|---|")
for name, row in sorted(results.items()):
    kind, short = name.split("__", 1)
    print(f"| {short} | {kind} | {row['expect']} | " + " | ".join(verdict(row, r) for r in READERS) + " |")

print()
for kind in ("test", "tool", "hostile"):
    for reader in READERS:
        rows = [row for name, row in results.items() if name.startswith(kind)]
        c = Counter()
        for row in rows:
            v = verdict(row, reader)
            if row["expect"] == "pos":
                c["pos: seen" if v.startswith("SEES") else "pos: refused (safe)" if v.startswith("refused") else
                  "pos: hang" if v.startswith(("TIMEOUT", "CRASH")) else "pos: MISSED (leak)"] += 1
            elif row["expect"] == "neg":
                c["neg: published" if not v.startswith(("refused", "TIMEOUT", "CRASH")) else "neg: refused"] += 1
            else:
                c["unreadable-expected: refused" if v.startswith("refused") else "unreadable-expected: read"] += 1
        print(kind, reader, dict(sorted(c.items())))

print()
small = [row for name, row in results.items() if "median_s" in row and "hand" in row["median_s"]]
for reader in READERS:
    ms = [row["median_s"][reader] * 1000 for row in small]
    peaks = [row[reader]["tracemalloc_peak"] / 1e6 for name, row in results.items()
             if not name.startswith("hostile") and "tracemalloc_peak" in row[reader]]
    print(f"{reader}: median of per-file median times {statistics.median(ms):.2f} ms over {len(ms)} files "
          f"(max {max(ms):.1f}); tracemalloc peak median {statistics.median(peaks):.2f} MB, max {max(peaks):.1f} MB (test+tool files)")
print()
print("| hostile file | " + " | ".join(f"{r} status / s / peak MB" for r in READERS) + " |")
print("|---|---|---|---|")
for name, row in sorted(results.items()):
    if name.startswith("hostile"):
        cells = []
        for r in READERS:
            p = row[r]
            cells.append(f"{verdict(row, r)} / {p.get('seconds', float('nan')):.2f} / {p.get('tracemalloc_peak', 0) / 1e6:.0f}")
        print(f"| {name.split('__')[1]} | " + " | ".join(cells) + " |")
