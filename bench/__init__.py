"""Benchmarks for Flywheel: `make bench` (or `python -m bench.run`)."""
