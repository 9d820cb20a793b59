"""Shared test helpers: copy fixture projects, drop edge-case files into them."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
BASE = FIXTURES / "base"
CASES = FIXTURES / "cases"

# Where each kind of edge-case file goes inside a project, by its name's prefix.
_DESTINATIONS = {
    "guide": "content/guides/cardiology",
    "story": "content/stories/cardiology",
    "service_line": "service_lines",
    "consent": "consent",
    "dir": "content/guides/cardiology",
}
# Cases whose file name is itself the point of the case.
_NAMES = {"guide_bad_slug.md": "Guide_Bad_Slug.md", "dir_named_md.md": "not-a-file.md"}
# Cases about another service line are filed in that line's folder, as an editor would.
_FOLDERS = {"guide_triage_on_non_urgent_line.md": "content/guides/thyroid"}


def clock_env() -> dict[str, str]:
    """What a process started with a bare environment needs to keep the suite's fixed today
    (tests/clock/, set up in conftest.py)."""
    return {name: os.environ[name] for name in ("FLYWHEEL_TEST_NOW", "PYTHONPATH")}


def copy_base(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    return root


def case_destination(root: Path, case: str) -> Path:
    prefix = next(p for p in sorted(_DESTINATIONS, key=len, reverse=True) if case.startswith(p))
    name = _NAMES.get(case)
    if name is None:
        stem, dot, ext = case.partition(".")
        name = stem.replace("_", "-") + dot + ext
        if prefix == "consent":
            name = "C-2026-900.yml"
    return root / _FOLDERS.get(case, _DESTINATIONS[prefix]) / name


def add_case(root: Path, case: str) -> str:
    """Copy tests/fixtures/cases/<case> into the project; returns its relative path."""
    source = CASES / case
    dest = case_destination(root, case)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, dest)
    else:
        shutil.copyfile(source, dest)
    return dest.relative_to(root).as_posix()


def tree_digest(*folders: Path) -> dict[str, str]:
    """sha256 of every file under the folders, by path: to prove nothing changed."""
    digests = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digests[path.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


REPO = Path(__file__).resolve().parent.parent
SAMPLE_PARTS = ("content", "service_lines", "consent", "theme", "mkdocs.yml", "practice.yml")


def copy_sample(tmp_path: Path, name: str = "sample") -> Path:
    """A copy of the repository's sample site (content and site settings) to build in."""
    root = tmp_path / name
    root.mkdir()
    for part in SAMPLE_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        else:
            shutil.copyfile(source, root / part)
    return root


def site_settings(root: Path) -> None:
    """Give a fixture project the repository's mkdocs.yml and theme folder."""
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "theme", root / "theme")


def site_texts(site: Path) -> dict[str, str]:
    """Every file under site/ as text, gzip files decompressed: what a leak test searches."""
    import gzip

    texts = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        texts[path.relative_to(site).as_posix()] = data.decode("utf-8", errors="replace")
    return texts


def free_port() -> int:
    """A TCP port free on loopback, for a server a test starts."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, deadline: float, timeout: float = 5) -> str:
    """GET `url` as text, retrying until `deadline` (time.monotonic()) while the server starts."""
    import time
    import urllib.request

    while True:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                return response.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def serve_folder(folder: Path, handler_class):
    """Serve `folder` over HTTP on a free loopback port in a daemon thread: (base URL, server).
    Call `server.shutdown()` when done."""
    import functools
    import http.server
    import threading

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            """A browser that stops reading (Lighthouse closing its tab mid-download) is no error
            of the page: socketserver printed its traceback into the test run's output."""
            import sys

            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    handler = functools.partial(handler_class, directory=str(folder))
    server = Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def edit_yaml(path: Path, **changes) -> None:
    """Set keys of a YAML file (a consent record, practice.yml), keeping the others in order."""
    import yaml

    data = yaml.safe_load(path.read_text())
    data.update(changes)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def git(root: Path, *args: str, when: str) -> None:
    """Run git in `root` as a fixed author, the commit dated `when` (ISO 8601)."""
    import subprocess

    dated = {**os.environ, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when}
    done = subprocess.run(["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args], cwd=root,
                          capture_output=True, text=True, env=dated, check=False)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"


def revoke_finding_answers(root: Path) -> bytes:
    """Revoke the sample's published story finding-answers (consent C-2026-014, from
    2026-11-20), keeping the record as written; the story file's bytes."""
    consent = root / "consent/C-2026-014.yml"
    consent.write_text(consent.read_text().replace("revoked_on: null", "revoked_on: 2026-11-20"))
    return (root / "content/stories/spine/finding-answers.md").read_bytes()


def build_with_the_guide_saying(sample: Path, text: str, as_of: str = "2026-11-22") -> int:
    """`flywheel build`'s exit status once a published guide of the sample ends with a paragraph
    of `text` (the red teams' way of putting a name or a passage on a page)."""
    from generator.cli import main

    guide = sample / "content/guides/cardiology/afib-guide.md"
    guide.write_text(guide.read_text() + f"\n\n{text}\n")
    return main(["build", "--root", str(sample), "--as-of", as_of])


def site_shows(site: Path, needle: str) -> list[str]:
    """The files of `site` whose bytes hold `needle` (UTF-8), relative."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and needle.encode() in p.read_bytes())


def pdf(*objects: tuple[bytes, bytes | None], trailer: bytes = b"", version: bytes = b"1.4") -> bytes:
    """A PDF of `objects`, each a dictionary and its stream (written as it is given, packed or
    not), with a cross-reference table and `trailer` in its trailer."""
    out = b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, (dictionary, stream) in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number
        if stream is None:
            out += dictionary + b"\nendobj\n"
        else:
            out += dictionary[:-2] + b" /Length %d>>\nstream\n" % len(stream) + stream + b"\nendstream\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<</Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)


INIT_OPTIONS = ["--name", "Oak Street Clinic", "--phone", "+1 555 0142", "--address", "1 Oak Street, Elm, ST 00000",
                "--hours", "Monday to Friday, 9am to 5pm", "--timezone", "America/Denver",
                "--next-step-url", "https://example.org/book"]


def init_project(tmp_path: Path, *extra: str) -> Path:
    """A practice `flywheel init` makes in tmp_path/oak, with every answer given as an option."""
    from generator.cli import main

    target = tmp_path / "oak"
    assert main(["init", str(target), *INIT_OPTIONS, *extra]) == 0
    return target


def add_guides(root: Path, count: int) -> None:
    """`count` short spine guides: a build long enough to be stopped in the middle."""
    for i in range(count):
        (root / f"content/guides/spine/extra-{i}.md").write_text(
            f"---\ntitle: Extra {i}\nsummary: s\nservice_line: spine\ntopic: low-back-pain\nstage: learn\n"
            f"reviewed_by: R\nreviewed_on: 2026-09-01\n---\nBody {i}.\n"
        )


def build_under_way(argv: list[str], root: Path, staged: str = ".site.staging-*/*", **popen):
    """Start the build `argv` and return its process once its staging folder holds what `staged`
    matches: a build to stop in the middle."""
    import subprocess
    import time

    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **popen)
    deadline = time.monotonic() + 60
    while not any(root.glob(staged)):
        assert proc.poll() is None and time.monotonic() < deadline, "the build ended before it could be stopped"
        time.sleep(0.01)
    return proc
