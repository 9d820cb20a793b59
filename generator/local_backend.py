"""The web editor's local backend: the API of Decap CMS's `local_backend`, answered by the
preview (`flywheel serve`) at `/api/v1` on its own address.

Decap's own local backend, `npx decap-server`, listens on every network interface of the
editor's computer (it binds no address unless BIND_HOST is set), answers any `Host`, and reads
and writes any file of the project: anyone on the clinic's or a café's network, or any web page
the editor opens that points its own name at 127.0.0.1 (DNS rebinding), could read every
consent record and withheld story and rewrite them. Here the same actions are answered only:

- by the preview, which listens on 127.0.0.1 and answers only requests addressed to this
  computer by name (`mkdocs_plugin._answering_this_computer_only`);
- to a JSON POST whose `Origin`, where a browser sends one, is this computer: another site's
  page cannot post here (a cross-site JSON request needs a preflight, which is never allowed);
- for the files the editor's collections name (`cms.COLLECTIONS`: guides, stories, service
  lines, campaigns, champions, practice settings, and the media folder), never `consent/`,
  never through a symbolic link, never a hidden file, never outside the project.

The actions and answers are decap-server's `fs` mode (version 3.11): `info`, `entriesByFolder`,
`entriesByFiles`, `getEntry`, `persistEntry`, `getMedia`, `getMediaFile`, `persistMedia`,
`deleteFile`, `deleteFiles` and `getDeployPreview`; the publish mode is `simple`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .paths import loopback_name

API_PATH = "/api/v1"
MAX_BODY = 50 * 1024 * 1024  # decap-server's limit
MAX_DEPTH = 16

_MEDIA = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".pdf")


def _collections() -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """What the editor's collections read and write (`cms.COLLECTIONS`): folders with the
    extension of their entries, and single files. Consent records are never among them."""
    from .cms import COLLECTIONS

    ours = [c for c in COLLECTIONS if c.path.split("/")[0] != "consent"]  # never, whatever is declared
    folders = {c.path: (".md",) if c.layout == "pages" else (".yml",)
               for c in ours if c.layout in ("pages", "service_line_files", "folder")}
    return folders, tuple(c.path for c in ours if c.layout in ("mapping", "file"))


class Refused(Exception):
    """A request this backend does not carry out; the message says why (answered with 422)."""


class LocalBackend:
    """Decap's local backend actions on the project at `root`; `media` is the media folder
    (`<docs_dir>/media`, as `cms.cms_config` writes it)."""

    def __init__(self, root: Path, media: str):
        self.root = Path(root).resolve()
        self.media = media.strip("/")
        self.folders, self.files = _collections()

    # -- paths ------------------------------------------------------------------------------

    def _parts(self, rel: Any) -> list[str]:
        if not isinstance(rel, str) or not rel or "\\" in rel or "\0" in rel or rel.startswith("/"):
            raise Refused(f"not a path in the project: {rel!r}")
        parts = [part for part in rel.split("/") if part not in ("", ".")]
        if not parts or any(part == ".." or part.startswith(".") for part in parts):
            raise Refused(f"not a path the web editor may use: {rel!r}")
        return parts

    def _kind(self, parts: list[str]) -> str:
        """'entry' or 'media' for a file the editor may use, else Refused."""
        rel = "/".join(parts)
        if rel in self.files:
            return "entry"
        for folder, extensions in self.folders.items():
            if rel.startswith(folder + "/") and rel.endswith(extensions):
                return "entry"
        if rel.startswith(self.media + "/") and rel.lower().endswith(_MEDIA) and len(parts) == self.media.count("/") + 2:
            return "media"
        raise Refused(f"{rel}: the web editor reads and writes only its collections' files and the media folder")

    def _folder_allowed(self, parts: list[str]) -> None:
        rel = "/".join(parts)
        if rel == self.media or any(rel == folder or rel.startswith(folder + "/") for folder in self.folders):
            return
        raise Refused(f"{rel}: not a folder of the web editor's collections")

    def _path(self, parts: list[str], existing: bool) -> Path:
        """The file or folder at `parts`, with no symbolic link anywhere on the way (an
        `existing` one must be there)."""
        path = self.root
        for part in parts:
            path = path / part
            try:
                mode = os.lstat(path).st_mode
            except FileNotFoundError:
                if existing:
                    raise Refused(f"{'/'.join(parts)}: no such file") from None
                return self.root.joinpath(*parts)
            if stat.S_ISLNK(mode):
                raise Refused(f"{'/'.join(parts)}: a symbolic link on the way; the web editor follows none")
        return path

    # -- reading ----------------------------------------------------------------------------

    def _read(self, parts: list[str]) -> bytes:
        path = self._path(parts, existing=True)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise Refused(f"{'/'.join(parts)}: not a regular file")
            return handle.read(MAX_BODY + 1)[:MAX_BODY]

    def _entry(self, rel: Any, label: Any = None) -> dict:
        parts = self._parts(rel)
        self._kind(parts)
        file: dict[str, Any] = {"path": "/".join(parts), "id": None}
        if label is not None:
            file["label"] = label
        try:
            data = self._read(parts)
        except (OSError, Refused):
            return {"data": None, "file": file}
        file["id"] = hashlib.sha256(data).hexdigest()
        return {"data": data.decode("utf-8", errors="replace"), "file": file}

    def _media_file(self, rel: Any) -> dict:
        parts = self._parts(rel)
        if self._kind(parts) != "media":
            raise Refused(f"{'/'.join(parts)}: not a file of the media folder")
        data = self._read(parts)
        return {"id": hashlib.sha256(data).hexdigest(), "content": base64.b64encode(data).decode("ascii"),
                "encoding": "base64", "path": "/".join(parts), "name": parts[-1]}

    def _listing(self, folder: Any, extension: str, depth: int) -> list[str]:
        parts = self._parts(folder)
        self._folder_allowed(parts)
        try:
            top = self._path(parts, existing=True)
        except Refused:
            return []
        found: list[str] = []

        def walk(path: Path, rel: list[str], left: int) -> None:
            if left <= 0:
                return
            try:
                entries = sorted(os.scandir(path), key=lambda e: e.name)
            except OSError:
                return
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    walk(Path(entry.path), [*rel, entry.name], left - 1)
                elif entry.is_file(follow_symlinks=False) and entry.name.endswith(extension):
                    try:
                        self._kind([*rel, entry.name])
                    except Refused:
                        continue
                    found.append("/".join([*rel, entry.name]))

        walk(top, parts, min(max(int(depth), 0), MAX_DEPTH))
        return found

    # -- writing ----------------------------------------------------------------------------

    def _write(self, rel: Any, data: bytes, kind: str | None = None) -> None:
        parts = self._parts(rel)
        if (found := self._kind(parts)) != (kind or found):
            raise Refused(f"{'/'.join(parts)}: not a {kind} file")
        path = self._path(parts, existing=False)
        if path.exists() and not path.is_file():
            raise Refused(f"{'/'.join(parts)}: not a regular file")
        folder = path.parent
        for depth in range(1, len(parts)):  # folders made one by one, none through a link
            self._path(parts[:depth], existing=False).mkdir(exist_ok=True)
            self._path(parts[:depth], existing=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".flywheel-editor-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _delete(self, rel: Any) -> None:
        parts = self._parts(rel)
        self._kind(parts)
        path = self._path(parts, existing=False)
        if path.is_file():
            path.unlink()

    @staticmethod
    def _decoded(asset: Any) -> tuple[Any, bytes]:
        if not isinstance(asset, dict) or asset.get("encoding") != "base64" or not isinstance(asset.get("content"), str):
            raise Refused("an asset is {path, content, encoding: base64}")
        try:
            return asset.get("path"), base64.b64decode(asset["content"], validate=True)
        except (binascii.Error, ValueError):
            raise Refused("an asset's content is not base64") from None

    # -- the actions ------------------------------------------------------------------------

    def answer(self, body: Any) -> Any:
        """The JSON answer to one request's body; raises Refused."""
        if not isinstance(body, dict) or not isinstance(body.get("action"), str):
            raise Refused('a request is {"action": ..., "params": {...}}')
        action, params = body["action"], body.get("params") or {}
        if not isinstance(params, dict):
            raise Refused("params must be an object")
        if action == "info":
            return {"repo": self.root.name, "publish_modes": ["simple"], "type": "local_fs"}
        if action == "entriesByFolder":
            extension = params.get("extension") or ""
            depth = params.get("depth", 1)
            if not isinstance(extension, str) or not isinstance(depth, int):
                raise Refused("entriesByFolder needs folder, extension and depth")
            return [self._entry(rel) for rel in self._listing(params.get("folder"), extension, depth)]
        if action == "entriesByFiles":
            files = params.get("files")
            if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
                raise Refused("entriesByFiles needs files: [{path, label}]")
            return [self._entry(f.get("path"), f.get("label")) for f in files]
        if action == "getEntry":
            return self._entry(params.get("path"))
        if action == "persistEntry":
            entries = params.get("dataFiles") or ([params["entry"]] if isinstance(params.get("entry"), dict) else None)
            assets = params.get("assets") or []
            if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("raw"), str) for e in entries) \
                    or not isinstance(assets, list):
                raise Refused("persistEntry needs entry {path, raw} or dataFiles, and assets")
            decoded = [self._decoded(asset) for asset in assets]
            for entry in entries:  # every path judged before anything is written
                self._kind(self._parts(entry.get("path")))
                if entry.get("newPath") is not None:
                    self._kind(self._parts(entry["newPath"]))
            for path, data in decoded:
                self._kind(self._parts(path))
            for entry in entries:
                self._write(entry["path"], entry["raw"].encode("utf-8"), "entry")
            for path, data in decoded:
                self._write(path, data, "media")
            if entries and all(entry.get("newPath") for entry in entries):
                for entry in entries:
                    self._write(entry["newPath"], entry["raw"].encode("utf-8"), "entry")
                    if entry["newPath"] != entry["path"]:
                        self._delete(entry["path"])
            return {"message": "entry persisted"}
        if action == "getMedia":
            return [self._media_file(rel) for rel in self._listing(params.get("mediaFolder"), "", 1)]
        if action == "getMediaFile":
            return self._media_file(params.get("path"))
        if action == "persistMedia":
            path, data = self._decoded(params.get("asset"))
            self._write(path, data, "media")
            return self._media_file(path)
        if action == "deleteFile":
            self._delete(params.get("path"))
            return {"message": f"deleted file {params.get('path')}"}
        if action == "deleteFiles":
            paths = params.get("paths")
            if not isinstance(paths, list) or not paths:
                raise Refused("deleteFiles needs paths")
            for rel in paths:
                self._kind(self._parts(rel))
            for rel in paths:
                self._delete(rel)
            return {"message": f"deleted files {', '.join(map(str, paths))}"}
        if action == "getDeployPreview":
            return None
        raise Refused(f"Unknown action {action}")


def _loopback_origin(origin: str) -> bool:
    """Whether an `Origin` header is a page of this computer (`null` and other sites are not)."""
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and loopback_name(parts.hostname or "")


def with_local_backend(app, root: Path, media: str):
    """The preview's web application, answering POST /api/v1 as Decap's local backend."""
    backend = LocalBackend(root, media)

    def answer(start_response, status: str, data: Any) -> list[bytes]:
        payload = json.dumps(data, ensure_ascii=False).encode("utf-8")
        start_response(status, [("Content-Type", "application/json; charset=utf-8"),
                                ("Content-Length", str(len(payload))), ("Cache-Control", "no-store")])
        return [payload]

    def app_with_backend(environ, start_response):
        if environ.get("PATH_INFO") != API_PATH:
            return app(environ, start_response)
        if environ.get("REQUEST_METHOD") != "POST":
            return answer(start_response, "405 Method Not Allowed", {"error": "POST only"})
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and not _loopback_origin(origin):
            return answer(start_response, "403 Forbidden", {"error": "only the web editor on this computer may use this"})
        if environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower() != "application/json":
            return answer(start_response, "415 Unsupported Media Type", {"error": "send JSON"})
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 < length <= MAX_BODY:
            return answer(start_response, "413 Content Too Large", {"error": f"a request of 1 to {MAX_BODY} bytes"})
        try:
            body = json.loads(environ["wsgi.input"].read(length))
            return answer(start_response, "200 OK", backend.answer(body))
        except (ValueError, UnicodeDecodeError):
            return answer(start_response, "422 Unprocessable Entity", {"error": "not JSON"})
        except Refused as exc:
            return answer(start_response, "422 Unprocessable Entity", {"error": str(exc)})
        except OSError as exc:
            return answer(start_response, "500 Internal Server Error", {"error": f"{type(exc).__name__}: {exc.strerror}"})

    return app_with_backend
