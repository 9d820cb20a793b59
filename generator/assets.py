"""Static files the generator ships with its pages."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

STYLESHEET = "assets/flywheel.css"


def stylesheet() -> str:
    return resources.files("generator").joinpath("assets/flywheel.css").read_text(encoding="utf-8")


# Theme overrides (templates) shipped in the package; the MkDocs plugin puts this folder on
# the theme's search path, so a practice's repository needs no theme folder of its own.
THEME_DIR = Path(__file__).parent / "theme"
