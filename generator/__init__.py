"""Flywheel: a content engine for healthcare practices.

The pipeline, one module a stage: load -> validate -> gate -> link -> render.
"""

__version__ = "0.1.0"
