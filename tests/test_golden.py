"""Golden output: the pages and nav rendered for the tiny base fixture, compared byte for byte.

After an intended change to the rendered pages, run `pytest tests/test_golden.py --update-golden`
and review the diff of tests/golden/ like any other change.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from helpers import BASE

from generator.check import run_check
from generator.render import render_site

GOLDEN = Path(__file__).parent / "golden" / "base"


def rendered_files() -> dict[str, str]:
    result = run_check(BASE, dt.date(2026, 11, 22))
    site = render_site(result, site_name="Test Practice", site_url="https://example.org/")
    files = {page.src_uri: page.markdown for page in site.pages}
    files["nav.yml"] = yaml.safe_dump(site.nav, sort_keys=False, allow_unicode=True)
    return files


def test_rendered_pages_match_golden(request):
    files = rendered_files()
    if request.config.getoption("--update-golden"):
        for old in GOLDEN.rglob("*"):
            if old.is_file():
                old.unlink()
        for rel, text in files.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_text(text, encoding="utf-8")
    committed = {
        p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
        for p in GOLDEN.rglob("*")
        if p.is_file()
    }
    assert sorted(committed) == sorted(files), "pages added or removed: run pytest --update-golden"
    for rel, text in files.items():
        assert text == committed[rel], (
            f"{rel} differs from tests/golden/base/{rel}: review, then --update-golden"
        )
