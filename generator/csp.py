"""The browser's half of "loads nothing from another host": a Content-Security-Policy.

The third-party check (`third_parties.py`) reads every address written in the built site. It
cannot read an address a script makes while it runs: an analytics snippet saved into the
practice's own `extra_javascript` file writes `<script src="https://www.googletagmanager...">`
into the page in the reader's browser, and no built file holds that address. So every page
Flywheel builds carries a policy, first in its `<head>`, that lets the browser fetch, connect
to and frame only the site's own origin, the site's own host and the hosts `practice.yml`
lists under `third_parties`: whatever a script tries, the browser refuses it.

Scripts run only from the site's own files and from the inline scripts the page was built
with, each allowed by its SHA-256 (Material's two). An event handler (`onerror=`) or a
`javascript:` address that got into a page some other way does not run. The preview server
injects its own reload script into every page it serves, so there the page's inline scripts
are allowed as a whole; the hosts are the same.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from .schema import HOST_PATTERN

_HEAD = re.compile(r"<head\b[^>]*>(?:\s*<meta\s+charset\s*=[^>]*>)?", re.IGNORECASE)
_INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_ATTRIBUTE = re.compile(
    r"""(?<![\w-])(src|type)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))|(?<![\w-])(src)(?![\w-])""",
    re.IGNORECASE,
)
# The types a browser runs as script (WHATWG's JavaScript MIME type essences, and `module`).
_RUN_TYPES = frozenset({
    "", "module", "application/ecmascript", "application/javascript", "application/x-ecmascript",
    "application/x-javascript", "text/ecmascript", "text/javascript", "text/javascript1.0",
    "text/javascript1.1", "text/javascript1.2", "text/javascript1.3", "text/javascript1.4",
    "text/javascript1.5", "text/jscript", "text/livescript", "text/x-ecmascript",
    "text/x-javascript",
})  # fmt: skip
# What may come before the policy: a byte order mark (a template saved by Notepad), an XML
# declaration, the doctype, comments, `<html ...>` and the head itself.
_BEFORE_OK = re.compile(
    r"\ufeff?(?:\s+|<!--.*?-->|<\?xml[^>]*>|<!doctype[^>]*>|<html\b[^>]*>)*",
    re.IGNORECASE | re.DOTALL,
)


class PolicyError(ValueError):
    """A page the policy cannot be put in front of everything (no `<head>`, or markup before it)."""


def site_hosts(third_parties: Iterable[str], site_url: object) -> list[str]:
    """The hosts a page may load from besides its own origin: those `practice.yml` allows and
    `site_url`'s (the third-party check's "own" host), when that is a host name a policy can
    hold (an IPv6 address or an underscore is not; the page's own origin covers it there)."""
    hosts = list(third_parties)
    own = urlsplit(site_url).hostname if isinstance(site_url, str) else None
    if own and HOST_PATTERN.match(own):
        hosts.append(own)
    return hosts


def policy(hosts: Iterable[str], scripts: Iterable[str] | None) -> str:
    """The policy's text. `hosts`: host names allowed besides the page's own origin (each must
    match schema.HOST_PATTERN: anything else, a `;` above all, would rewrite the policy).
    `scripts`: the inline scripts allowed to run, or None to allow every inline script."""
    return _policy(tuple(hosts), None if scripts is None else tuple(scripts))


@functools.lru_cache(maxsize=256)  # pages at one depth share their scripts, and so their policy
def _policy(hosts: tuple[str, ...], scripts: tuple[str, ...] | None) -> str:
    allowed = []
    for host in sorted({host.lower() for host in hosts}):
        if not HOST_PATTERN.match(host):
            raise ValueError(f"{host!r} is not a host name")
        allowed.append(f"{host}:*")  # the third-party check allows a host on any port
    own = " ".join(["'self'", *allowed])
    if scripts is None:
        inline = "'unsafe-inline'"
    else:
        inline = " ".join(sorted({f"'sha256-{_digest(script)}'" for script in scripts}))
    return "; ".join([
        f"default-src {own}",
        f"script-src {own} {inline}".rstrip(),
        f"style-src {own} 'unsafe-inline'",  # style attributes; CSS fetches via img-src, font-src
        f"img-src {own} data:",
        f"font-src {own} data:",
        f"form-action {own}",  # not covered by default-src: where a form may send what is typed
        "object-src 'none'",
        "base-uri 'self'",
    ])


def _digest(script: str) -> str:
    # The browser hashes the script's text after its parser turned CR LF and CR into LF.
    text = script.replace("\r\n", "\n").replace("\r", "\n")
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script in `html` that a browser runs (no `src`, no data type
    such as `application/json` or `application/ld+json`)."""
    return [body for attributes, body in _INLINE_SCRIPT.findall(html) if _runs_inline(attributes)]


def _runs_inline(attributes: str) -> bool:
    for match in _ATTRIBUTE.finditer(attributes):
        name = (match[1] or match[5]).lower()
        if name == "src":
            return False
        value = match[2] if match[2] is not None else match[3] if match[3] is not None else match[4]
        if not runs_as_script(value):
            return False
    return True


def runs_as_script(script_type: str) -> bool:
    """Whether a browser runs a `<script type=...>` as code (not data such as JSON-LD)."""
    return script_type.strip().lower() in _RUN_TYPES


def with_policy(html: str, hosts: Iterable[str], preview: bool = False) -> str:
    """`html` with its policy as the first element of `<head>` (after `<meta charset>`, which
    must stay in the first 1,024 bytes). A page where the head cannot be found, or where
    anything but the doctype, comments and `<html>` comes before it, is refused: a script
    there would run before the policy is read."""
    head = _HEAD.search(html)
    if head is None:
        raise PolicyError("it has no <head>")
    if _BEFORE_OK.fullmatch(html, 0, head.start()) is None:
        raise PolicyError("it has markup before <head>, which the browser reads before the policy")
    meta = (f'\n<meta http-equiv="Content-Security-Policy" '
            f'content="{policy(hosts, None if preview else inline_scripts(html))}">')
    return html[: head.end()] + meta + html[head.end() :]
