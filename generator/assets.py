"""Static files the generator ships with its pages."""

from __future__ import annotations

from importlib import resources

STYLESHEET = "assets/flywheel.css"


def stylesheet() -> str:
    return resources.files("generator").joinpath("assets/flywheel.css").read_text(encoding="utf-8")
