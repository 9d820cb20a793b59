"""Stage 1, load: files on disk -> raw documents that remember their path and line numbers.

One reader wraps python-frontmatter and fixes what it gets wrong for us: YAML errors name
the file and the line, frontmatter that is not a mapping is an error (not `{}`), a key named
`content` is an ordinary key, BOMs and CRLF are fine, undecodable bytes are an error.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from .cache import NO_CACHE, Cache
from .errors import FlywheelError, Problem, problem

MAX_FILE_BYTES = 2 * 1024 * 1024


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loading, with dates left as text: the schema parses them, so an impossible date
    such as 2026-13-01 is a clear error rather than an exception inside PyYAML."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_HANDLER = YAMLHandler()


class _ImplicitTags(yaml.resolver.BaseResolver):
    """The tag the loader gives a node that carries none of its own."""

    yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


_IMPLICIT = _ImplicitTags()
_MERGE = "tag:yaml.org,2002:merge"


def _read_otherwise(node) -> bool:
    """Whether the node reads otherwise than it is written: an explicit tag that changes its
    type (`revoked_on: !!null 2026-11-10` is empty to YAML, a date to a reviewer), or a merge
    key (`<<`), which brings in keys that are not written where they apply."""
    if isinstance(node, yaml.ScalarNode):
        plain = not node.style
        implicit = _IMPLICIT.resolve(yaml.ScalarNode, node.value, (plain, not plain))
        return node.tag != implicit or node.tag == _MERGE
    kind = yaml.MappingNode if isinstance(node, yaml.MappingNode) else yaml.SequenceNode
    return node.tag != _IMPLICIT.resolve(kind, None, (True, False))

KeyPath = tuple[str, ...]


class EncodedLines(Mapping):
    """A document's key lines as the cache stores them (`[[key, ...], line]` rows), made into
    a dict only when a line is asked for: most documents' lines never are, and making them all
    took a quarter of a second of a check of 10,000 files."""

    __slots__ = ("_lines", "rows")

    def __init__(self, rows: list) -> None:
        self.rows = rows
        self._lines: dict[KeyPath, int] | None = None

    def _made(self) -> dict[KeyPath, int]:
        if self._lines is None:
            self._lines = {tuple(keys): line for keys, line in self.rows}
        return self._lines

    def __getitem__(self, keys: KeyPath) -> int:
        return self._made()[keys]

    def __contains__(self, keys: object) -> bool:
        return keys in self._made()

    def __iter__(self) -> Iterator[KeyPath]:
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._made())


def settled(lines: Mapping[KeyPath, int]) -> Mapping[KeyPath, int]:
    """`lines` as a dict, for a document kept after the check: a dict of tuples is about half
    the size of the cache's rows (60 MB at 50,000 pieces), which it lets the cache free."""
    return lines._made() if isinstance(lines, EncodedLines) else lines


def line_rows(lines: Mapping[KeyPath, int]) -> list:
    """`lines` as the cache stores them, the same rows whether they were read or parsed."""
    if isinstance(lines, EncodedLines):
        return lines.rows
    return [[list(keys), line] for keys, line in lines.items()]


@dataclass
class Document:
    """A file's data with the line of every key, so later stages can point at it."""

    path: str  # relative to the project root, with forward slashes
    data: Any
    lines: Mapping[KeyPath, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    first_line: int = 1
    # The cache key of the text the data and lines were parsed from (`parse_yaml_cached`: a
    # hash of the file's path and exact YAML text), None for a document made otherwise. Equal
    # sources give equal data and lines, so the stored render's digest hashes this instead of
    # the parsed data (rerender.py). Nothing changes a document's data after it is read
    # (tests/test_rerender.py holds every document to its file after a check and a render).
    source: str | None = field(default=None, compare=False)

    def line_of(self, keys: KeyPath | tuple = ()) -> int:
        """The line of the deepest key of `keys` that is known, else the document's first line."""
        keys = tuple(str(k) for k in keys)
        while keys:
            if keys in self.lines:
                return self.lines[keys]
            keys = keys[:-1]
        return self.first_line


def relative(path: Path, root: Path) -> str:
    text, base = path.as_posix(), root.as_posix().rstrip("/") + "/"
    return text.removeprefix(base)


def open_regular(path: Path) -> tuple[int, os.stat_result]:
    """A descriptor for reading the file at `path`, and its stat; OSError for anything but a
    regular file (IsADirectoryError for a folder), without waiting: opening a named pipe
    waited for a writer forever (O_NONBLOCK, which a regular file ignores)."""
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "it is a pipe, socket or device, not a regular file")
    except OSError:
        os.close(fd)
        raise
    return fd, info


def read_settings_text(path: Path) -> str:
    """The text of a settings file (mkdocs.yml and the files it INHERITs) as UTF-8, read as
    `read_bytes` reads: OSError for anything but a regular file of at most MAX_FILE_BYTES. A
    `mkdocs.yml` committed as a link to `/proc/self/fd/1` (git keeps links) was opened as the
    pipe CI reads the build's output from: `flywheel build` waited on it forever, no site was
    written, and a story revoked meanwhile stayed live (rt8)."""
    data = read_bytes(path)
    if len(data) > MAX_FILE_BYTES:
        raise OSError(errno.EFBIG, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    return data.decode("utf-8")


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """At most `limit` + 1 bytes of the file; OSError for anything but a regular file
    (`open_regular`). Plain descriptor reads sized from fstat: a check reads every file of the
    project on every run, and a buffered file object costs about twice as much per small file."""
    fd, info = open_regular(path)
    try:
        want = min(info.st_size, limit) + 1
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, want)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            want = limit + 1 - total
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path, root: Path) -> str:
    """Read a file as UTF-8 text (BOM and CRLF tolerated), or raise FlywheelError naming it."""
    try:
        raw = read_bytes(path)
    except IsADirectoryError:
        raise FlywheelError([problem("unreadable", relative(path, root), "is a directory, expected a file")]) from None
    except OSError as exc:
        raise FlywheelError([problem("unreadable", relative(path, root), f"cannot read file: {exc.strerror}")]) from None
    rel = relative(path, root)
    if len(raw) > MAX_FILE_BYTES:
        raise FlywheelError(
            [
                problem(
                    "file-too-large",
                    rel,
                    f"file is larger than {MAX_FILE_BYTES:,} bytes, the most a content file may be",
                    hint="split it into smaller pieces",
                )
            ]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FlywheelError(
            [
                problem(
                    "undecodable",
                    rel,
                    f"byte 0x{raw[exc.start]:02x} at offset {exc.start} is not valid UTF-8",
                    line=line,
                    hint="save the file as UTF-8",
                )
            ]
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_yaml(text: str, rel: str, line_offset: int = 0) -> Document:
    """Parse YAML into a Document, recording the line of every mapping key.

    Duplicate keys and aliases are refused: YAML silently keeps the last duplicate, and
    aliases can expand exponentially (the 'billion laughs')."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        problems: list[Problem] = []
        lines: dict[KeyPath, int] = {}
        if node is not None:
            _index(node, (), lines, problems, rel, line_offset, set())
            if not problems and ("!" in text or "<<" in text):  # a tag or a merge key may be here
                problems.extend(_tag_problems(node, rel, line_offset))
        if problems:
            raise FlywheelError(problems)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        what = " ".join(filter(None, [exc.context, exc.problem]))
        if mark is not None and _tab_indented(text, mark.line):  # the parser's words mean nothing here
            raise FlywheelError(
                [problem("yaml-syntax", rel, "YAML does not allow tabs for indentation; use spaces", line=line,
                         hint="replace the tab at the start of this line with spaces")]
            ) from None
        raise FlywheelError([problem("yaml-syntax", rel, f"YAML syntax error: {what}", line=line)]) from None
    except yaml.reader.ReaderError as exc:  # a control character: the reader gives its place, not a mark
        line = text[: exc.position].count("\n") + 1 + line_offset
        raise FlywheelError(
            [problem("yaml-syntax", rel, f"YAML does not allow the control character U+{exc.character:04X}",
                     line=line, hint="delete it (it is invisible in most editors)")]
        ) from None
    except yaml.YAMLError as exc:
        raise FlywheelError([problem("yaml-syntax", rel, f"YAML error: {exc}")]) from None
    except RecursionError:
        raise FlywheelError([problem("yaml-syntax", rel, "YAML nests too deeply")]) from None
    except (ValueError, TypeError, OverflowError) as exc:
        # PyYAML's constructors raise these for a few values it scans but cannot build.
        raise FlywheelError([problem("yaml-syntax", rel, f"YAML value cannot be read: {exc}")]) from None
    finally:
        loader.dispose()
    return Document(rel, data, lines, first_line=1 + line_offset)


def _tab_indented(text: str, line_index: int) -> bool:
    """Whether the line (0-based) is indented with a tab, which YAML forbids."""
    lines = text.split("\n")
    if not 0 <= line_index < len(lines):
        return False
    line = lines[line_index]
    return "\t" in line[: len(line) - len(line.lstrip(" \t"))]


def _tag_problems(node, rel: str, offset: int) -> list[Problem]:
    """A problem for each node that reads otherwise than it is written (`_read_otherwise`).
    Run only on text holding a `!` or `<<`: a tag or merge key cannot be written without one,
    and resolving every node's implicit tag cost a cold check at 1,000 pieces 0.2 s."""
    found, stack = [], [((), node)]
    while stack:
        path, node = stack.pop()
        if _read_otherwise(node):
            found.append(_tagged(node, path, rel, offset))
        elif isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
                stack.append((path, key_node))
                stack.append((path + (key,), value_node))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((path + (str(i),), item) for i, item in enumerate(node.value))
    return sorted(found, key=lambda p: p.line or 0)


def _tagged(node, path: KeyPath, rel: str, offset: int) -> Problem:
    return problem(
        "yaml-tag",
        rel,
        "YAML tags (such as !!null or !!str) and merge keys (<<) are not allowed: "
        "the value would not read as it is written",
        line=node.start_mark.line + 1 + offset,
        field=".".join(path) or None,
        hint="write the value plainly, without the tag or the merge key",
    )


def _index(node, path, lines, problems, rel, offset, seen) -> None:
    if id(node) in seen:
        if any(p.code == "yaml-alias" for p in problems):
            return  # one report per file is enough; a bomb repeats the same alias thousands of times
        problems.append(
            problem(
                "yaml-alias",
                rel,
                "anchors and aliases (& and *) are not allowed",
                line=node.start_mark.line + 1 + offset,
                hint="write the value out in full",
            )
        )
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys_here: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            line = key_node.start_mark.line + 1 + offset
            if key in keys_here:
                problems.append(
                    problem(
                        "yaml-duplicate-key",
                        rel,
                        f"key '{key}' appears twice (first on line {keys_here[key]})",
                        line=line,
                        field=".".join(path + (key,)),
                        hint="remove one of them",
                    )
                )
            keys_here[key] = line
            lines[path + (key,)] = line
            _index(value_node, path + (key,), lines, problems, rel, offset, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (str(i),)] = item.start_mark.line + 1 + offset
            _index(item, path + (str(i),), lines, problems, rel, offset, seen)


def parse_yaml_cached(text: str, rel: str, cache: Cache, line_offset: int = 0) -> Document:
    """parse_yaml through the content-keyed cache; errors are cached as well as successes."""

    def compute():
        try:
            return parse_yaml(text, rel, line_offset)
        except FlywheelError as exc:
            return exc.problems

    source = Cache.key(f"yaml:{rel}:{line_offset}", text)
    result = cache.memo_at(source, compute)
    if isinstance(result, list):
        raise FlywheelError(result)
    return Document(result.path, result.data, result.lines, first_line=result.first_line, source=source)


def require_mapping(doc: Document, what: str) -> dict:
    if not isinstance(doc.data, dict):
        kind = "empty" if doc.data is None else type(doc.data).__name__
        shown = {"list": "a list", "str": "text", "int": "a number", "float": "a number"}.get(kind, kind)
        raise FlywheelError(
            [
                problem(
                    "not-a-mapping",
                    doc.path,
                    f"{what} must be a mapping of 'key: value' lines, got {shown}",
                    line=doc.first_line,
                )
            ]
        )
    return doc.data


def read_yaml_file(path: Path, root: Path, cache: Cache = NO_CACHE) -> Document:
    rel = relative(path, root)
    doc = parse_yaml_cached(read_text(path, root), rel, cache)
    require_mapping(doc, "the file")
    return doc


def read_markdown(path: Path, root: Path, cache: Cache = NO_CACHE) -> Document:
    """Read a Markdown file with YAML frontmatter through python-frontmatter's splitter."""
    return markdown_document(read_text(path, root), relative(path, root), cache)


def markdown_document(text: str, rel: str, cache: Cache = NO_CACHE) -> Document:
    """A Markdown file's text (already read) as a Document; `rel` names it in errors."""
    if not _HANDLER.detect(text):
        raise FlywheelError(
            [
                problem(
                    "no-frontmatter",
                    rel,
                    "no frontmatter: the file must start with a line '---'",
                    line=1,
                    hint="add the frontmatter block; `flywheel new` writes one for you",
                )
            ]
        )
    try:
        fm, body = _HANDLER.split(text)
    except ValueError:
        raise FlywheelError(
            [
                problem(
                    "no-frontmatter",
                    rel,
                    "the frontmatter is never closed: add a line '---' after it",
                    line=1,
                )
            ]
        ) from None
    # The splitter leaves the rest of the opening '---' line at the start of `fm`, so YAML's
    # line 0 is the file's line 1.
    doc = parse_yaml_cached(fm, rel, cache)
    doc.first_line = 1
    require_mapping(doc, "frontmatter")
    head = text[: len(text) - len(body)]
    doc.body = body.lstrip("\n")
    doc.body_line = head.count("\n") + 1 + (len(body) - len(body.lstrip("\n")))
    return doc


def _is_folder(entry: os.DirEntry) -> bool:
    """A folder, or a link to one; a link that loops or leads nowhere is not (it is reported)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _site_folder(root: Path) -> tuple[Path, str]:
    """site_dir, which every build replaces whole, and how to name it: a content file there (a
    consent record linked to `site/kept/...`) was deleted by the next build, the generator
    deleting what it did not make. (A link into docs_dir is followed: the gate must know the
    story or record there for the plugin to leave that copy out of the site.)"""
    from .paths import readable_folders, shown_path  # paths reads settings files with this module

    site = readable_folders(root)["site_dir"]
    return site, f"{shown_path(site, root.resolve())}/ (site_dir), which every build replaces"


def link_refused(path: Path, root: Path, site: tuple[Path, str] | None = None) -> Problem | None:
    """Why the content file `path`, a symbolic link, may not be read, or None: it cannot be
    followed, it leads out of the project, or into site_dir (`_site_folder`, read from
    mkdocs.yml unless given)."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # dangling, a loop (RuntimeError before 3.13)
        why = "it loops" if isinstance(exc, RuntimeError) else exc.strerror or "it leads nowhere"
        return problem("unsafe-path", relative(path, root), f"is a symbolic link that cannot be followed ({why}); refused",
                       hint="replace the link with the file itself")
    if not target.is_relative_to(root.resolve()):
        return problem("unsafe-path", relative(path, root), f"is a symbolic link to {target}, outside the project; refused",
                       hint="copy the file into the project instead of linking to it")
    folder, why = site or _site_folder(root)
    if target.is_relative_to(folder):
        return problem("unsafe-path", relative(path, root), f"is a symbolic link into {why}; refused",
                       hint="replace the link with the file itself")
    return None


def content_files(
    root: Path, folder: str, suffix: str, skip: tuple[Path, ...] = ()
) -> tuple[list[Path], list[Problem]]:
    """Every entry under `root/folder` whose name ends in `suffix` (a directory with such a
    name too, so it is reported rather than skipped), sorted, refusing symlinks that resolve
    outside the project. Folders named in `skip` are not entered. An empty `suffix` lists
    every file (and every link to one), whatever its name."""
    found: list[Path] = []
    problems: list[Problem] = []
    skipped = {str(path) for path in skip}
    site: tuple[Path, str] | None = None  # read from mkdocs.yml at the first link
    pending = [str(root / folder)]
    while pending:
        folder_path = pending.pop()
        try:
            entries = list(os.scandir(folder_path))
        except FileNotFoundError:
            continue
        except NotADirectoryError:  # `content/stories` saved as a file: nothing in it would be read
            problems.append(problem("unreadable", relative(Path(folder_path), root),
                                    f"is a file where a folder of '{suffix}' files belongs; nothing in it is read",
                                    hint="replace it with a folder (or move it out of the way)"))
            continue
        except OSError as exc:  # a folder that cannot be listed may hold anything
            problems.append(problem("unreadable", relative(Path(folder_path), root),
                                    f"is a folder that cannot be read: {exc.strerror}",
                                    hint="give the folder read and search permission"))
            continue
        for entry in entries:
            matches = entry.name.endswith(suffix) if suffix else not _is_folder(entry)
            if not matches and entry.is_file(follow_symlinks=False):
                continue
            path = Path(entry.path)
            if entry.is_symlink():
                site = site or _site_folder(root)
                if refused := link_refused(path, root, site):
                    problems.append(refused)
                    continue
            if matches:
                found.append(path)
            elif entry.is_dir(follow_symlinks=False) and entry.path not in skipped:
                pending.append(entry.path)
    found.sort(key=str)  # comparing strings is far cheaper than comparing Path objects
    return found, sorted(problems)
