"""Red team rt10's routes around the consent promise, each written as the attack.

Every test here failed before its fix (see docs/security.md, the table of properties, attacks
and tests). The sample site is fictional.
"""

from __future__ import annotations

import base64

import pytest

from generator.cli import main

AS_OF = "2026-11-22"


def _build(sample) -> int:
    return main(["build", "--root", str(sample), "--as-of", AS_OF])


# A page naming the revoked story "A racing heart, and a steady plan" and Priya Kumar (whose only
# story has no consent), packed by Brotli 1.2 (`brotli.compress`), as a precompressing step writes it.
_PAGE_BR = base64.b64decode(
    "G+cAAIyTXPninrmtVC9UQzEUg4Z6sMlEVJk+j8mjEGSzC1i7olYgbeED/c9b4I/ye7vlaDKpQ5SSqP9JCLSUEqH+hEcu"
    "It+cAuJcpTyE2U4Mum+6tqDNyLJjTW65sy7vbk9bP6wdhrFUAUK/PP4t3h6RvkHH9ihyh1czDPm2AA==")


@pytest.mark.parametrize("name", ["index.html.br", "guides/notes.txt.BR"])
def test_a_brotli_file_is_left_out_of_the_site(sample, name, capsys):
    """rt10: a server that serves precompressed files (nginx's `brotli_static on`, Caddy's
    `precompressed br`) answers a browser asking for `index.html` with `index.html.br` when it
    exists, and every browser asks for Brotli. A file so named in the theme folder was copied
    to the site as it was: a Brotli stream has no mark to know it by, so the checks read it as
    bytes that spell nothing, and the site's home page (the revoked story's title, a champion
    no published story credits) was published with a passing build."""
    target = sample / "theme/pages" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(_PAGE_BR)
    assert _build(sample) == 0
    assert (sample / "site/index.html").is_file()
    assert not (sample / "site" / name).exists()
    assert f"Static file '{name}' left out of the site: it cannot be read, so it cannot be checked" in capsys.readouterr().err
