"""Trend charts for the report as inline SVG, drawn in Python: no script, no request to any
host, so the report stays one self-contained file."""

from __future__ import annotations

from html import escape

COLOURS = ("#2f4fa8", "#8a0018", "#1b6e3a", "#6b4a00", "#5a2d82")  # 4.5:1 or more on white


def line_chart(title: str, weeks: list[str], series: dict[str, list[int]], width: int = 640, height: int = 220) -> str:
    """A line per series over the weeks, with its last value labelled, and a text fallback."""
    if not weeks or not series:
        return ""
    left, right, top, bottom = 48, 150, 16, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((v for values in series.values() for v in values), default=0) or 1
    step = plot_w / max(len(weeks) - 1, 1)

    def x(i: int) -> float:
        return left + i * step

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / peak

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" font-family="system-ui, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#999"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>',
        f'<text x="{left}" y="{height - 8}">{escape(weeks[0])}</text>',
        f'<text x="{left + plot_w}" y="{height - 8}" text-anchor="end">{escape(weeks[-1])}</text>',
    ]
    for n, (name, values) in enumerate(series.items()):
        colour = COLOURS[n % len(COLOURS)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        last = values[-1] if values else 0
        parts.append(
            f'<text x="{x(len(values) - 1) + 6:.1f}" y="{y(last) + 4:.1f}" fill="{colour}">'
            f"{escape(name)} {last}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
