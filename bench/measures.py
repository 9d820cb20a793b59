"""How much a year of weekly measurements adds to `flywheel report` on a 1,000-piece site:
`python -m bench.measures`. Runs the report in fresh child processes with and without the
data (about 50,000 rows: 52 weeks of page views and care steps, and questions) and prints the
medians side by side. Never a timed assertion in the tests; this is where the time is measured.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.synth import generate
from generator.check import run_check
from generator.dashboard import pages_of

RUNS = 3
AS_OF = "2026-11-22"


def write_measures(root: Path) -> int:
    """A year of weekly rows for every page of the synthetic site; returns the row count."""
    result = run_check(root, dt.date.fromisoformat(AS_OF))
    pages = pages_of(result)
    rng = random.Random(11)
    weeks = [dt.date(2025, 11, 24) + dt.timedelta(weeks=k) for k in range(52)]
    lines = sorted(result.project.service_lines)
    guides = [p for p, info in pages.items() if info["kind"] == "guide"]
    (root / "outcomes").mkdir(exist_ok=True)
    (root / "questions").mkdir(exist_ok=True)
    rows = 0
    with (root / "outcomes/pageviews-year.csv").open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["week", "path", "views"])
        for week in weeks:
            for info in pages.values():
                out.writerow([week.isoformat(), info["path"], rng.randint(0, 400)])
                rows += 1
    with (root / "outcomes/steps-year.csv").open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["week", "utm_campaign", "utm_content", "care_step", "started", "completed", "attended"])
        for week in weeks:
            for slug in guides[: len(guides) // 2]:
                started = rng.randint(0, 20)
                out.writerow([week.isoformat(), pages[slug]["service_line"], slug, "intake", started,
                              started // 2, started // 3])
                rows += 1
    with (root / "questions/asked-year.csv").open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["week", "service_line", "question", "count", "source"])
        for week in weeks:
            for n in range(40):
                out.writerow([week.isoformat(), rng.choice(lines), f"How long does topic {n} take to heal?",
                              rng.randint(1, 9), "intake"])
                rows += 1
    return rows


def timed_report(root: Path) -> float:
    cmd = [sys.executable, "-m", "generator.cli", "report", "--root", str(root), "--as-of", AS_OF,
           "--out", str(root.parent / f"report-{root.name}")]
    start = time.perf_counter()
    subprocess.run(cmd, check=False, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        plain = generate(Path(tmp) / "plain", 1000)
        measured = Path(tmp) / "measured"
        shutil.copytree(plain, measured)
        rows = write_measures(measured)
        timed_report(plain), timed_report(measured)  # warm the cache and the disk
        without = statistics.median(timed_report(plain) for _ in range(RUNS))
        with_data = statistics.median(timed_report(measured) for _ in range(RUNS))
    print(f"flywheel report, 1,000 pieces, median of {RUNS} runs")
    print(f"  without measurements: {without:.2f} s")
    print(f"  with {rows:,} rows:    {with_data:.2f} s  (+{with_data - without:.2f} s, {with_data / without:.2f}x)")


if __name__ == "__main__":
    main()
