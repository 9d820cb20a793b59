"""Turn benchmark samples into ratios, a table, a bar chart (SVG) and docs/benchmarks.md."""

from __future__ import annotations

import datetime as dt
from pathlib import Path


ANALYSIS = "<!-- analysis: written by hand; bench/report.py keeps everything from here on -->"


def _fmt(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def ratios(results: dict, targets: dict) -> list[tuple[str, str, str, str]]:
    """(figure, measured, target, verdict) rows for every target of issue 16, in its order.

    A figure that was not measured in this run is listed as "not measured"."""
    rows = []

    def median(key):
        return results[key].median if key in results else None

    def row(label: str, value: float | None, shown: str, target: float, target_text: str, note: str = ""):
        if value is None:
            rows.append((label, "not measured", target_text, "-"))
        else:
            rows.append((label, shown, target_text, ("met" if value <= target else "missed") + note))

    b1, f1 = median("build_1000"), median("floor_1000")
    t = targets["build_vs_floor_1000"]
    row("`flywheel build` at 1,000 / plain mkdocs-material with a pruned nav, same Markdown",
        b1 / f1 if b1 and f1 else None, f"{b1 / f1:.2f}x" if b1 and f1 else "", t, f"≤ {t:g}x")
    full, rebuild = median("build_5000"), median("rebuild_5000")
    t = targets["rebuild_vs_full_5000"]
    row("rebuild after editing one guide at 5,000 / full build from scratch",
        rebuild / full if full and rebuild else None, f"{rebuild / full:.2f}x" if full and rebuild else "", t, f"≤ {t:g}x")
    for kind in ("cold", "warm"):
        value = median(f"check_{kind}_10000")
        t = targets[f"check_{kind}_10000_s"]
        row(f"`flywheel check` at 10,000, {kind}", value, _fmt(value) if value else "", t, f"≤ {t:g} s")
    preview = median("preview_1000")
    t = targets["preview_refresh_1000_s"]
    row("preview refresh after one edit, 1,000 pieces", preview, _fmt(preview) if preview else "", t, f"≤ {t:g} s")
    # Linearity: per-piece build time at the largest size built against 1,000.
    sizes = sorted(int(k.split("_")[1]) for k in results if k.startswith("build_") and k.split("_")[1].isdigit())
    t = targets["linear_per_piece"]
    if b1 and sizes and sizes[-1] > 1000:
        top = sizes[-1]
        per = {n: results[f"build_{n}"].median / n * 1000 for n in sizes}
        ratio = per[top] / per[1000]
        shown = ", ".join(f"{n:,}: {per[n]:.1f} ms" for n in sizes) + f" per piece; {top:,}/1,000 = {ratio:.2f}x"
        note = "" if top >= 50000 else " (estimate)"
        row(f"build linear in pieces ({'measured to' if top >= 50000 else 'estimated from'} {top:,})", ratio, shown, t,
            f"per-piece time at {top:,} ≤ {t:g}x that at 1,000", note)
    else:
        row("build linear in pieces", None, "", t, f"per-piece ≤ {t:g}x that at 1,000")
    t = targets["peak_memory_50000_mb"]
    if "build_50000" in results:
        peak = results["build_50000"].peak
        row("peak memory of the build at 50,000", peak, f"{peak:.0f} MB", t, f"< {t:g} MB")
    elif "build_10000" in results and "build_5000" in results:
        p5, p10 = results["build_5000"].peak, results["build_10000"].peak
        peak = p10 + (p10 - p5) / 5000 * 40000  # straight line through 5,000 and 10,000
        row("peak memory of the build at 50,000", peak,
            f"{peak:.0f} MB extrapolated from {p5:.0f} MB at 5,000 and {p10:.0f} MB at 10,000", t, f"< {t:g} MB", " (estimate)")
    else:
        row("peak memory of the build at 50,000", None, "", t, f"< {t:g} MB")
    return rows


def chart_svg(results: dict, sizes: list[int]) -> str:
    """Horizontal bars of median build times per size and tool (log-free, scaled per size)."""
    tools = [("build", "flywheel build", "#3f51b5"), ("floor", "renderer floor", "#8c9eff"),
             ("flat", "mkdocs-material defaults", "#b00020"), ("hugo", "Hugo", "#2e7d32")]
    rows = [(size, tool, label, colour, results[f"{tool}_{size}"].median)
            for size in sizes for tool, label, colour in tools if f"{tool}_{size}" in results]
    top = max((r[4] for r in rows), default=1.0)
    height = 28 * len(rows) + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="760" height="{height}" font-family="sans-serif" font-size="13" role="img" aria-label="Median build times">']
    y = 20
    for size, _tool, label, colour, seconds in rows:
        width = max(2, 420 * seconds / top)
        parts.append(f'<text x="0" y="{y + 14}">{size:,} pieces, {label}</text>')
        parts.append(f'<rect x="260" y="{y}" width="{width:.1f}" height="18" fill="{colour}"/>')
        parts.append(f'<text x="{266 + width:.1f}" y="{y + 14}">{_fmt(seconds)}</text>')
        y += 28
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write_report(results: dict, sizes: list[int], machine: str, out: Path, targets: dict,
                 command: str = "python -m bench.run") -> str:
    lines = [
        "# Benchmarks",
        "",
        f"One run of `make bench` (`{command}`) on {dt.date.today()}, on {machine}. Every",
        "figure is the median of the repeated runs of a fresh child process; all tools ran side by",
        "side in the same run, so compare the ratios rather than the absolute times.",
        "",
        "## Against the targets",
        "",
        "| figure | measured | target | |",
        "|---|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in ratios(results, targets)]
    lines += ["", "## Every measurement", "", "| measurement | median | runs | peak memory |", "|---|---|---|---|"]
    for key, sample in results.items():
        peak = f"{sample.peak:.0f} MB" if sample.peak else "-"
        lines.append(f"| {key.replace('_', ' ')} | {_fmt(sample.median)} | {', '.join(_fmt(s) for s in sample.seconds)} | {peak} |")
    chart = out.with_name("benchmarks-chart.svg")
    chart.write_text(chart_svg(results, sizes), encoding="utf-8")
    lines += [
        "",
        "## Build times",
        "",
        f"![Median build times per size and tool]({chart.name})",
        "",
        "*build*: `flywheel build` (check, gate, render, MkDocs with the generated service line ->",
        "topic -> page navigation and `navigation.prune`). *renderer floor*: the same published pages as",
        "plain Markdown with a hand-written navigation of the same shape and pruning, no Flywheel at all.",
        "*mkdocs-material defaults* (with `--flat`): the same pages with its default flat navigation (1,000 only).",
        "*warm build 5000*: a second build of the same corpus with nothing changed; *rebuild 5000*: the",
        "build after appending one sentence to one guide. Every *build N* row is from scratch.",
        "*Hugo*: the same Markdown with minimal templates.",
        "",
    ]
    text = "\n".join(lines)
    # The analysis below the marker is written by hand from profiles; a new run keeps it.
    previous = out.read_text(encoding="utf-8") if out.exists() else ""
    if ANALYSIS in previous:
        text += "\n" + previous[previous.index(ANALYSIS):]
    out.write_text(text, encoding="utf-8")
    return text
