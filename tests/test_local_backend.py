"""The web editor's local backend (generator/local_backend.py), attacked.

The docs used to say "start `npx decap-server` in the project folder": Decap's own backend
listens on every network interface and reads and writes any file of the project, consent
records included, for anyone who can reach the port, and answers any Host (DNS rebinding). The
preview now answers Decap's API itself, for its collections' files only. The sample is fictional.
"""

from __future__ import annotations

import base64
import http.client
import json
import subprocess
import sys
import time

import pytest
from helpers import copy_sample
from test_preview import fetch, free_port

from generator.local_backend import LocalBackend, Refused

AS_OF = "2026-11-22"
RECORD = "consent/C-2026-011.yml"


@pytest.fixture
def backend(tmp_path):
    root = copy_sample(tmp_path)
    return LocalBackend(root, "theme/pages/media"), root


def test_it_reads_and_writes_the_collections_files(backend):
    api, root = backend
    guides = api.answer({"action": "entriesByFolder", "params": {"folder": "content/guides/cardiology",
                                                                  "extension": "md", "depth": 1}})
    assert "content/guides/cardiology/afib-guide.md" in [g["file"]["path"] for g in guides]
    entry = api.answer({"action": "getEntry", "params": {"path": "content/guides/cardiology/afib-guide.md"}})
    assert entry["data"] == (root / "content/guides/cardiology/afib-guide.md").read_text()
    api.answer({"action": "persistEntry", "params": {"entry": {"path": "content/guides/cardiology/new.md",
                                                               "raw": "---\ntitle: New\n---\nText\n"},
                                                     "assets": [], "options": {}}})
    assert (root / "content/guides/cardiology/new.md").read_text() == "---\ntitle: New\n---\nText\n"
    picture = base64.b64encode(b"\x89PNG\r\n").decode()
    saved = api.answer({"action": "persistMedia", "params": {"asset": {"path": "theme/pages/media/a.png",
                                                                       "content": picture, "encoding": "base64"}}})
    assert saved["content"] == picture and (root / "theme/pages/media/a.png").read_bytes() == b"\x89PNG\r\n"
    assert api.answer({"action": "info"})["publish_modes"] == ["simple"]


@pytest.mark.parametrize("request_", [
    {"action": "getEntry", "params": {"path": RECORD}},
    {"action": "getEntry", "params": {"path": "content/guides/../../" + RECORD}},
    {"action": "getEntry", "params": {"path": "/" + RECORD}},
    {"action": "getEntry", "params": {"path": "content\\..\\" + RECORD}},
    {"action": "entriesByFiles", "params": {"files": [{"path": RECORD}]}},
    {"action": "entriesByFolder", "params": {"folder": "consent", "extension": "yml", "depth": 1}},
    {"action": "entriesByFolder", "params": {"folder": "content/guides/../../consent", "extension": "yml", "depth": 1}},
    {"action": "entriesByFolder", "params": {"folder": ".", "extension": "", "depth": 9}},
    {"action": "getMediaFile", "params": {"path": RECORD}},
    {"action": "getMedia", "params": {"mediaFolder": "consent"}},
    {"action": "getEntry", "params": {"path": ".git/config"}},
    {"action": "getEntry", "params": {"path": "mkdocs.yml"}},
])
def test_no_request_reads_a_consent_record_or_a_file_outside_the_collections(backend, request_):
    api, _ = backend
    with pytest.raises(Refused):
        api.answer(request_)


@pytest.mark.parametrize("path", [RECORD, "consent/C-2026-099.yml", "content/stories/../../consent/C-2026-011.yml",
                                  "mkdocs.yml", "theme/main.html", "content/guides/cardiology/x.html",
                                  "theme/pages/media/page.html", ".github/workflows/site.yml", "site/index.html"])
def test_no_request_writes_a_consent_record_or_a_file_outside_the_collections(backend, path):
    api, root = backend
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    content = base64.b64encode(b"revoked_on: null\n").decode()
    for request_ in (
        {"action": "persistEntry", "params": {"entry": {"path": path, "raw": "revoked_on: null\n"}, "assets": []}},
        {"action": "persistEntry", "params": {"entry": {"path": "content/guides/cardiology/ok.md", "raw": "x",
                                                        "newPath": path}, "assets": []}},
        {"action": "persistEntry", "params": {"entry": {"path": "content/guides/cardiology/ok.md", "raw": "x"},
                                              "assets": [{"path": path, "content": content, "encoding": "base64"}]}},
        {"action": "persistMedia", "params": {"asset": {"path": path, "content": content, "encoding": "base64"}}},
        {"action": "deleteFile", "params": {"path": path}},
        {"action": "deleteFiles", "params": {"paths": ["content/guides/cardiology/afib-guide.md", path]}},
    ):
        with pytest.raises(Refused):
            api.answer(request_)
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before  # nothing written or deleted


def test_a_link_in_a_collection_leads_nowhere(backend):
    """A guide that is a symbolic link to a consent record (committed by a pull request), or a
    collection folder that is one: never read through, never written through."""
    api, root = backend
    secret = (root / RECORD).read_text()
    (root / "content/guides/cardiology/record.md").symlink_to(root / RECORD)
    (root / "content/stories/records").symlink_to(root / "consent")
    answers = [
        api.answer({"action": "entriesByFolder", "params": {"folder": "content/guides/cardiology", "extension": "md", "depth": 2}}),
        api.answer({"action": "entriesByFolder", "params": {"folder": "content/stories", "extension": "yml", "depth": 3}}),
        api.answer({"action": "getEntry", "params": {"path": "content/guides/cardiology/record.md"}}),
    ]
    assert secret not in json.dumps(answers) and "fingerprint" not in json.dumps(answers)
    with pytest.raises(Refused):
        api.answer({"action": "persistEntry", "params": {"entry": {"path": "content/guides/cardiology/record.md",
                                                                   "raw": "revoked_on: null\n"}, "assets": []}})
    with pytest.raises(Refused):
        api.answer({"action": "persistEntry", "params": {"entry": {"path": "content/stories/records/C-2026-011.md",
                                                                   "raw": "x"}, "assets": []}})
    assert (root / RECORD).read_text() == secret


def test_the_preview_answers_the_editor_and_no_other_page(tmp_path):
    """Through a real `flywheel serve`: the editor's requests are answered; a request addressed to
    another name (DNS rebinding), from another site's page, or not sent as JSON is refused."""
    root = copy_sample(tmp_path)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--root", str(root), "--port", str(port),
                               "--as-of", AS_OF], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def post(body: dict, **headers) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        data = json.dumps(body).encode()
        connection.request("POST", "/api/v1", body=data, headers={
            "Host": f"127.0.0.1:{port}", "Content-Type": "application/json", **headers})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")

    guide = {"action": "getEntry", "params": {"path": "content/guides/cardiology/afib-guide.md"}}
    try:
        fetch(f"http://127.0.0.1:{port}/", time.monotonic() + 60)
        for origin in (f"http://localhost:{port}", f"http://127.0.0.1:{port}", f"http://LOCALHOST.:{port}"):
            status, answer = post(guide, Origin=origin)
            assert status == 200 and "title:" in json.loads(answer)["data"], origin
        for headers in ({"Host": f"attacker.example:{port}"}, {"Origin": "http://attacker.example"},
                        {"Origin": f"http://localhost.attacker.example:{port}"}, {"Origin": "http://127.0.0.1.nip.io"},
                        {"Origin": f"file://localhost/{port}"}, {"Origin": "null"}, {"Content-Type": "text/plain"}):
            status, answer = post(guide, **headers)
            assert status in (403, 415) and "title:" not in answer, headers
        status, answer = post({"action": "getEntry", "params": {"path": RECORD}})
        assert status == 422 and "fingerprint" not in answer
    finally:
        server.terminate()
        server.wait(timeout=10)
