"""Turn benchmark samples into ratios, a table, a bar chart (SVG) and docs/benchmarks.md."""

from __future__ import annotations

import datetime as dt
from pathlib import Path


def _fmt(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def ratios(results: dict, targets: dict) -> list[tuple[str, str, str, str]]:
    """(figure, measured, target, verdict) rows for every target that could be measured."""
    rows = []

    def add(name: str, label: str, value: float | None, shown: str, better_low: bool = True):
        if value is None:
            return
        target = targets[name]
        ok = value <= target if better_low else value >= target
        unit = "x" if "vs" in name else (" MB" if "memory" in name else " s")
        target_text = f"{'≤' if better_low else '≥'} {target:g}{unit}"
        rows.append((label, shown, target_text, "met" if ok else "missed"))

    def median(key):
        return results[key].median if key in results else None

    b1, f1, flat1 = median("build_1000"), median("floor_1000"), median("flat_1000")
    if b1 and f1:
        add("build_vs_floor_1000", "build at 1,000 / renderer's floor", b1 / f1, f"{b1 / f1:.2f}x")
    if b1 and flat1:
        add("flat_vs_build_1000", "mkdocs-material defaults / build at 1,000", flat1 / b1, f"{flat1 / b1:.1f}x", better_low=False)
    b5 = median("build_5000")
    if b1 and b5:
        add("build_5000_vs_1000", "build at 5,000 / build at 1,000", b5 / b1, f"{b5 / b1:.2f}x")
    cold, warm = median("check_cold_10000"), median("check_warm_10000")
    add("check_cold_10000_s", "check at 10,000, cold", cold, _fmt(cold) if cold else "")
    add("check_warm_10000_s", "check at 10,000, warm", warm, _fmt(warm) if warm else "")
    if "build_10000" in results:
        peak = max(results[k].peak for k in results if k.endswith("_10000") and not k.startswith(("floor", "hugo", "flat")))
        add("peak_memory_10000_mb", "peak memory of any flywheel command at 10,000", peak, f"{peak:.0f} MB")
    preview = median("preview_1000")
    add("preview_refresh_1000_s", "preview refresh after one edit, 1,000 pieces", preview, _fmt(preview) if preview else "")
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


def write_report(results: dict, sizes: list[int], machine: str, out: Path, targets: dict) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"One run of `make bench` (`python -m bench.run`) on {dt.date.today()}, on {machine}. Every",
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
        "*mkdocs-material defaults*: the same pages with its default flat navigation (1,000 only).",
        "*Hugo*: the same Markdown with minimal templates.",
        "",
    ]
    text = "\n".join(lines)
    out.write_text(text, encoding="utf-8")
    return text
