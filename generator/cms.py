"""The web editor (Decap CMS): its configuration, derived from the declarations in `schema.py`.

`flywheel cms` writes `admin/config.yml` and `admin/index.html` at the project root, outside
`content/`, `site_dir` and `docs_dir`. Every collection field comes from a model field: its
label from the name, its hint from the description, its widget from the type, `required` and
`default` from the declaration, and the choices of the select lists (service line, topic,
champion, stage, next step) from the project as it is. A test fails when the committed files
differ from what this module writes.

`consent/` is never a collection: consent records belong to compliance, through
`flywheel consent record` and code review. Nothing in the configuration names that folder or
any record in it.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import os
import shutil
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from . import schema
from .errors import FlywheelError
from .project import Project

ADMIN_DIR = "admin"
BUNDLE_PACKAGE = Path("node_modules/decap-cms")
BUNDLE_DIST = BUNDLE_PACKAGE / "dist"
STYLESHEET = Path(__file__).parent / "assets" / "flywheel.css"
# The preview's own address (`flywheel serve`'s default); admin/index.html gives Decap the
# address it was loaded from, so another port works too (local_backend.py).
LOCAL_BACKEND_URL = "http://localhost:8000/api/v1"


Layout = typing.Literal["pages", "service_line_files", "folder", "mapping", "file"]


@dataclass(frozen=True)
class Collection:
    """One content type as the editor sees it, and how its files are laid out.

    layout: `pages` Markdown files in one subfolder per service line; `service_line_files`
    one YAML file per existing service line; `folder` one YAML file per entry; `mapping` one
    YAML file holding an entry per existing key; `file` one YAML file holding one entry.
    """

    name: str
    label: str
    singular: str
    model: type[BaseModel]
    path: str
    layout: Layout
    defaults: dict[str, object] = field(default_factory=dict)  # editor-only defaults


COLLECTIONS: list[Collection] = [
    Collection("guides", "Guides", "Guide", schema.Guide, "content/guides", "pages"),
    # New stories start as drafts: consent and the champion's approval come before publication.
    Collection("stories", "Stories", "Story", schema.Story, "content/stories", "pages", {"draft": True}),
    Collection("service_lines", "Service lines", "Service line", schema.ServiceLine, "service_lines",
               "service_line_files"),
    Collection("champions", "Patient champions", "Champion", schema.Champion, "content/champions.yml", "mapping"),
    Collection("practice", "Practice settings", "Practice", schema.Practice, "practice.yml", "file"),
    *([Collection("campaigns", "Campaigns", "Campaign", schema.Campaign, "campaigns", "folder")]
      if hasattr(schema, "Campaign") else []),
]

# Never a collection, never named in the configuration (tests check both).
PRIVATE_FOLDERS = ("consent",)

_SLUG = {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"}
_BODY_HINT = (
    "The text in Markdown. Care cards start with `!!! emergency`, `!!! urgent` or `!!! routine`;"
    " Flywheel adds the phone numbers."
)


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _unwrap(annotation):
    """The annotation without Annotated[...] and without `| None`."""
    while True:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Annotated:
            annotation = args[0]
        elif origin in (typing.Union, types.UnionType) and type(None) in args:
            rest = [a for a in args if a is not type(None)]
            annotation = rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]
        else:
            return annotation


def _yaml_value(value):
    return value.isoformat() if isinstance(value, dt.date) else value


@dataclass
class Choices:
    """The values that exist in the project, for the select lists."""

    service_lines: list[str]
    topics: dict[str, list[str]]  # service line -> its topics
    champions: list[str]
    guides: list[str]
    stories: list[str]

    @classmethod
    def of(cls, project: Project) -> Choices:
        return cls(
            service_lines=sorted(project.service_lines),
            topics={sl: sorted(e.data.topics) for sl, e in sorted(project.service_lines.items())},
            champions=sorted(project.champions),
            guides=sorted(project.guides),
            stories=sorted(project.stories),
        )

    def for_field(self, name: str, service_line: str | None) -> list[str] | None:
        if name == "service_line":
            return self.service_lines
        if name == "topic":
            if service_line is not None:
                return self.topics.get(service_line, [])
            return sorted({t for topics in self.topics.values() for t in topics})
        if name == "champion":
            return self.champions
        if name in ("guides", "stories"):  # a campaign's landing lists
            return getattr(self, name)
        return None


def field_config(name: str, info, choices: Choices, service_line: str | None = None, default=PydanticUndefined) -> dict:
    """The Decap field for one model field."""
    annotation = _unwrap(info.annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    out: dict = {"label": _label(name), "name": name}
    if info.description:
        out["hint"] = info.description
    out["required"] = info.is_required()

    options = choices.for_field(name, service_line)
    item = _unwrap(args[0]) if origin is list and args else None
    if options is not None:
        out["widget"] = "select"
        out["options"] = options
        if origin is list:
            out["multiple"] = True
    elif origin is typing.Literal:
        out["widget"] = "select"
        out["options"] = list(args)
    elif annotation is bool:
        out["widget"] = "boolean"
    elif annotation is dt.date:
        out.update(widget="datetime", format="YYYY-MM-DD", date_format="YYYY-MM-DD", time_format=False, picker_utc=True)
    elif annotation is int:
        out.update(widget="number", value_type="int")
    elif origin is list and typing.get_origin(item) is typing.Literal:
        out.update(widget="select", multiple=True, options=list(typing.get_args(item)))
    elif origin is list and isinstance(item, type) and issubclass(item, BaseModel):
        out.update(widget="list", fields=model_fields(item, choices, service_line))
    elif origin is list:
        out["widget"] = "list"
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        out.update(widget="object", fields=model_fields(annotation, choices, service_line))
        if not out["required"]:
            out["collapsed"] = True
    elif origin is dict:
        # A mapping keyed by slug (a service line's topics): the editor can change what each
        # existing key holds; adding a key is a change to the project's structure, made in git.
        value_model = _unwrap(args[1])
        keys = choices.topics.get(service_line or "", []) if name == "topics" else []
        out.update(widget="object", fields=[
            {"label": key, "name": key, "widget": "object", "required": True,
             "fields": model_fields(value_model, choices, service_line)}
            for key in keys
        ])
    else:
        out["widget"] = "string"

    if default is PydanticUndefined:
        default = info.default if info.default_factory is None else PydanticUndefined
    if default not in (PydanticUndefined, None, "") and out["widget"] not in ("object", "list"):
        out["default"] = _yaml_value(default)
    if "summary" == name and out["widget"] == "string":
        out["pattern"] = [f"^[\\s\\S]{{1,{schema.SUMMARY_MAX}}}$", f"At most {schema.SUMMARY_MAX} characters."]
    return out


def model_fields(model: type[BaseModel], choices: Choices, service_line: str | None = None,
                 defaults: dict | None = None) -> list[dict]:
    """The Decap fields for every field of a model, in declaration order."""
    defaults = defaults or {}
    return [
        field_config(name, info, choices, service_line, defaults.get(name, PydanticUndefined))
        for name, info in model.model_fields.items()
    ]


def _doc_line(model: type[BaseModel]) -> str:
    """The model's docstring on one line; collection descriptions are plain text, not Markdown."""
    return " ".join(line.strip() for line in (model.__doc__ or "").strip().splitlines()).replace("`", "")


def collections(project: Project, choices: Choices | None = None) -> list[dict]:
    """Every Decap collection, in the order of COLLECTIONS."""
    choices = choices or Choices.of(project)
    out: list[dict] = []
    for spec in COLLECTIONS:
        common = {"description": _doc_line(spec.model)}
        if spec.layout == "pages":
            for sl in choices.service_lines:
                fields = model_fields(spec.model, choices, sl, {**spec.defaults, "service_line": sl})
                fields.append({"label": "Body", "name": "body", "widget": "markdown",
                               "modes": ["raw"], "hint": _BODY_HINT})
                out.append({
                    "name": f"{spec.name}-{sl}",
                    "label": f"{spec.label}: {project.service_lines[sl].data.name}",
                    "label_singular": spec.singular, **common,
                    "folder": f"{spec.path}/{sl}", "extension": "md", "format": "frontmatter",
                    "create": True, "slug": "{{slug}}", "identifier_field": "title", "fields": fields,
                })
        elif spec.layout == "service_line_files":
            # One entry per service line, so that each one's topics can be edited by key.
            out.append({"name": spec.name, "label": spec.label, **common, "files": [
                {"name": sl, "label": project.service_lines[sl].data.name, "file": f"{spec.path}/{sl}.yml",
                 "fields": model_fields(spec.model, choices, sl, spec.defaults)}
                for sl in choices.service_lines
            ]})
        elif spec.layout == "folder":
            out.append({
                "name": spec.name, "label": spec.label, "label_singular": spec.singular, **common,
                "folder": spec.path, "extension": "yml", "format": "yaml", "create": True,
                "slug": "{{slug}}", "identifier_field": "name",
                "fields": model_fields(spec.model, choices, None, spec.defaults),
            })
        elif spec.layout == "mapping":
            entry = model_fields(spec.model, choices, None, spec.defaults)
            keys = getattr(choices, spec.name)
            out.append({"name": spec.name, "label": spec.label, **common, "files": [{
                "name": spec.name, "label": spec.label, "file": spec.path,
                "fields": [{"label": key, "name": key, "widget": "object", "required": True, "fields": entry}
                           for key in keys],
            }]})
        else:
            out.append({"name": spec.name, "label": spec.label, **common, "files": [
                {"name": spec.name, "label": spec.label, "file": spec.path,
                 "fields": model_fields(spec.model, choices, None, spec.defaults)}
            ]})
    return out


def _github_repo(root: Path) -> str | None:
    """`owner/name` when mkdocs.yml's repo_url is a GitHub repository."""
    try:
        config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except (OSError, yaml.YAMLError):
        return None
    url = str((config or {}).get("repo_url") or "").rstrip("/").removesuffix(".git")
    prefix = "https://github.com/"
    if url.startswith(prefix) and url[len(prefix):].count("/") == 1:
        return url[len(prefix):]
    return None


def _docs_dir(root: Path) -> str:
    try:
        config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        return str((config or {}).get("docs_dir") or "docs").strip("/")
    except (OSError, yaml.YAMLError, AttributeError):
        return "docs"


def media_folder(root: Path) -> str:
    """Where the web editor keeps uploaded pictures: `<docs_dir>/media`."""
    return f"{_docs_dir(root)}/media"


def cms_config(project: Project) -> dict:
    """The whole Decap configuration for a project."""
    repo = _github_repo(project.root)
    backend = {"name": "github", "repo": repo, "branch": "main"} if repo else {"name": "git-gateway", "branch": "main"}
    return {
        "backend": backend,
        # Deployed, every change is a pull request: review, CI and the consent gate stay as
        # they are. Served locally by `flywheel serve`, files are written to the working copy
        # by the preview itself (local_backend.py), in the simple mode (admin/index.html).
        "publish_mode": "editorial_workflow",
        "local_backend": {"url": LOCAL_BACKEND_URL},
        "media_folder": media_folder(project.root),
        "public_folder": "/media",
        "site_url": None,
        "omit_empty_optional_fields": True,
        "slug": _SLUG,
        "collections": collections(project),
    }


HEADER = (
    "# The web editor's configuration (Decap CMS). Generated by `flywheel cms` from\n"
    "# generator/schema.py and the project's service lines, topics and champions: do not edit\n"
    "# by hand, run `flywheel cms` after changing any of them (a test fails when it is stale).\n"
)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:  # shared field lists are written out in full
        return True


def config_yaml(project: Project) -> str:
    config = cms_config(project)
    if config["site_url"] is None:
        del config["site_url"]
    return HEADER + yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


INDEX_HTML = """<!doctype html>
<!-- The web editor. Generated by `flywheel cms`; the CMS is Decap CMS from npm, served from
     this folder (never from a CDN). Served locally by `flywheel serve` at /admin/. -->
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex, nofollow">
  <title>Web editor</title>
</head>
<body>
  <script>
    // `flywheel serve` rebuilds the preview when the editor saves a file, and its live reload
    // would then reload this page; a fixed `livereload` makes the script it injects fail early.
    Object.defineProperty(window, "livereload", {value: function () {}, writable: false, configurable: false});
    window.CMS_MANUAL_INIT = true;
  </script>
  <script src="decap-cms/decap-cms.js"></script>
  <script>
    // On this computer, the preview (flywheel serve) writes to the working copy, at its own
    // address, in the simple publish mode; deployed, every change opens a pull request.
    var local = ["localhost", "127.0.0.1"].indexOf(location.hostname) !== -1;
    CMS.registerPreviewStyle("flywheel.css");
    CMS.init(local ? {config: {publish_mode: "simple", local_backend: {url: location.origin + "/api/v1"}}} : {});
  </script>
</body>
</html>
"""

GENERATED = {"config.yml": config_yaml, "index.html": lambda project: INDEX_HTML}


def admin_files(project: Project) -> dict[str, str]:
    """Relative path under the project root -> the text `flywheel cms` writes there."""
    return {f"{ADMIN_DIR}/{name}": make(project) for name, make in GENERATED.items()}


def write_admin(project: Project) -> list[str]:
    """Write admin/config.yml and admin/index.html where they differ; return what changed."""
    files = admin_files(project)
    for rel in files:  # all judged before any is written
        path = project.root / rel
        # Only what `flywheel cms` wrote is written again (stop 49's red team: a hand-written
        # admin/index.html was replaced), and never through a link (one committed to
        # `../mkdocs.yml` or a consent record would have been overwritten with the editor's page).
        if path.is_symlink() or (path.exists() and (not path.is_file() or _GENERATED not in _head(path))):
            raise FlywheelError(f"refusing to write {rel}: it was not written by flywheel cms (or it is a link); "
                                "move it aside, then run flywheel cms again")
    changed = []
    for rel, text in files.items():
        path = project.root / rel
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(rel)
    return changed


_GENERATED = "Generated by `flywheel cms`"  # in the first lines of each file it writes


def _head(path: Path) -> str:
    from .load import open_regular

    try:
        with os.fdopen(open_regular(path)[0], "rb") as handle:
            return handle.read(1024).decode("utf-8", "replace")
    except OSError:
        return ""


def bundle_files(dist: Path) -> list[Path]:
    """The files of the Decap bundle the admin page loads: the script, its chunks, wasm, licences."""
    names = [p for p in sorted(dist.iterdir()) if p.is_file() and not p.name.endswith(".map")]
    return [p for p in names if p.name.endswith("decap-cms.js") and p.name != "cms.js"
            or p.suffix == ".wasm" or p.name == "decap-cms.js.LICENSE.txt"]


class BundleMissing(Exception):
    """node_modules/decap-cms is not installed."""


# Select lists whose choices name patients' stories or champions (withheld ones included): a
# published editor shows them as free text instead, so its config.yml names no one.
PRIVATE_CHOICES = ("champion", "stories")


def public_config(text: str) -> str:
    """The configuration as deployed with the site: every select list in PRIVATE_CHOICES
    becomes a text field and the champions collection is left out, so the public config.yml
    lists no story slug or champion id."""
    data = yaml.safe_load(text)

    def walk(node):
        if isinstance(node, dict):
            if node.get("name") in PRIVATE_CHOICES and node.get("widget") == "select":
                node.pop("options", None)
                many = node.pop("multiple", False)
                node["widget"] = "list" if many else "string"
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    # The champions file's fields are the champions' ids: edited on the team's own machines only.
    data["collections"] = [c for c in data.get("collections", []) if c.get("name") != "champions"]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def install_admin(root: Path, dest: Path, dist: Path | None = None, public: bool = False) -> Path:
    """Copy the admin page, its configuration, the site's stylesheet and the Decap bundle into
    `dest/admin/` (a served or built site folder). Files are copied only when they changed.
    With `public` (deployed with the site), the configuration names no story or champion."""
    dist = dist or root / BUNDLE_DIST
    if not dist.is_dir():
        raise BundleMissing(f"{dist} not found: run `npm ci` to install Decap CMS for the web editor")
    target = dest / ADMIN_DIR
    sources = {target / name: root / ADMIN_DIR / name for name in GENERATED}
    sources[target / "flywheel.css"] = STYLESHEET
    sources.update({target / "decap-cms" / p.name: p for p in bundle_files(dist)})
    for extra in ("LICENSE", "package.json"):
        if (dist.parent / extra).is_file():
            sources[target / "decap-cms" / extra] = dist.parent / extra
    for out, source in sources.items():
        if not source.is_file():
            raise BundleMissing(f"{source} not found: run `flywheel cms` to write the web editor's files")
        if out.exists() and out.stat().st_size == source.stat().st_size and out.read_bytes() == source.read_bytes():
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, out)
    if public:
        config = target / "config.yml"
        config.write_text(public_config(config.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def add_admin(root: Path, site_dir: Path, serving: bool, public: bool | None = None) -> bool:
    """The MkDocs adapter's hook: `flywheel serve` always serves the web editor at /admin/ when
    the project has one; a build adds it only when mkdocs.yml opts in (`admin: true`). `public`
    (a build, and `serve --published-only`, which may listen on the network) writes the
    configuration that names no story or champion. Whether the editor was copied."""
    import logging

    from mkdocs.exceptions import PluginError

    if serving and not (root / ADMIN_DIR / "config.yml").is_file():
        return False
    # Decap reads config.yml only when it is served as YAML; Python's table may not know .yml.
    mimetypes.add_type("text/yaml", ".yml")
    try:
        install_admin(root, site_dir, public=not serving if public is None else public)
    except BundleMissing as exc:
        if not serving:
            raise PluginError(f"flywheel: admin: true, but {exc}") from None
        logging.getLogger("mkdocs.plugins.flywheel").warning("web editor not served: %s", exc)
        return False
    return True
