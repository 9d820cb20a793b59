"""Property-based tests: for any frontmatter, valid or broken, `check` reports, never crashes."""

from __future__ import annotations

import datetime as dt
import string

import yaml
from helpers import copy_base
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.check import run_check
from generator.errors import FlywheelError
from generator.load import parse_yaml, read_markdown

KEYS = ["title", "summary", "service_line", "topic", "pillar", "stage", "next_step", "reviewed_by",
        "reviewed_on", "tags", "draft", "content", "champion", "consent", "pull_quote"]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30),
    st.dates().map(dt.date.isoformat), st.sampled_from(["learn", "cardiology", "chest-pain", "2026-13-01"]),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)
frontmatter = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), values, max_size=12)
yaml_noise = st.text(alphabet=string.printable + "\u00e9\ufeff\u2028", max_size=200)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=frontmatter)
def test_any_mapping_frontmatter_gives_problems_or_success(tmp_path_factory, data):
    root = copy_base(tmp_path_factory.mktemp("p"))
    text = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\nBody\n"
    (root / "content/guides/cardiology/generated.md").write_text(text, encoding="utf-8")
    result = run_check(root, dt.date(2026, 11, 22))
    for p in result.problems:
        assert p.path and p.message and p.code


@settings(max_examples=300, deadline=None)
@given(text=yaml_noise)
def test_any_text_parses_or_raises_flywheel_error(text):
    try:
        parse_yaml(text, "x.yml")
    except FlywheelError as exc:
        assert exc.problems and all(p.path == "x.yml" for p in exc.problems)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_any_bytes_after_a_frontmatter_marker(tmp_path_factory, raw):
    folder = tmp_path_factory.mktemp("b")
    path = folder / "x.md"
    path.write_bytes(b"---\n" + raw + b"\n---\nbody\n")
    try:
        read_markdown(path, folder)
    except FlywheelError as exc:
        assert exc.problems and all(p.path == "x.md" for p in exc.problems)
