"""The web editor's configuration: derived from the schema, current, and blind to consent/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import REPO, copy_sample, fetch, free_port, site_texts

from generator import cms, schema
from generator.check import run_check
from generator.cli import main


def walk_fields(fields: list[dict], prefix: str = ""):
    for f in fields:
        yield prefix + f["name"], f
        yield from walk_fields(f.get("fields", []), prefix + f["name"] + ".")


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load((REPO / "admin/config.yml").read_text(encoding="utf-8"))


def by_name(config: dict) -> dict[str, dict]:
    return {c["name"]: c for c in config["collections"]}


def test_committed_admin_files_are_up_to_date():
    project = run_check(REPO).project
    for rel, text in cms.admin_files(project).items():
        assert (REPO / rel).read_text(encoding="utf-8") == text, f"{rel} is stale: run `flywheel cms`"


def test_cms_check_fails_when_a_topic_is_added(tmp_path, capsys):
    root = copy_sample(tmp_path)
    shutil.copyfile(REPO / "practice.yml", root / "practice.yml")
    assert main(["cms", "--root", str(root)]) == 0
    assert main(["cms", "--root", str(root), "--check"]) == 0
    path = root / "service_lines/sleep.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "topics:\n", "topics:\n  restless-legs: {title: Restless legs}\n", 1), encoding="utf-8")
    assert main(["cms", "--root", str(root), "--check"]) == 1
    assert "admin/config.yml is out of date: run flywheel cms" in capsys.readouterr().err
    assert main(["cms", "--root", str(root)]) == 0
    topic = dict(walk_fields(by_name(yaml.safe_load((root / "admin/config.yml").read_text()))["guides-sleep"]["fields"]))["topic"]
    assert "restless-legs" in topic["options"]


def test_no_collection_reads_or_writes_consent(config):
    record_ids = sorted(p.stem for p in (REPO / "consent").glob("*.yml"))
    assert record_ids
    text = (REPO / "admin/config.yml").read_text(encoding="utf-8")
    for record in record_ids:
        assert record not in text
    paths = [config["media_folder"]]
    for collection in config["collections"]:
        paths.append(collection.get("folder", ""))
        paths += [f["file"] for f in collection.get("files", [])]
    for path in filter(None, paths):
        first = Path(path).parts[0]
        assert first not in cms.PRIVATE_FOLDERS and not path.startswith("consent"), path
    assert "consent" not in [c.name for c in cms.COLLECTIONS]


def test_every_schema_field_is_in_its_collection_with_label_hint_and_required(config):
    collections = by_name(config)
    expected = {"guides-cardiology": schema.Guide, "stories-spine": schema.Story, "practice": schema.Practice}
    for name, model in expected.items():
        collection = collections[name]
        fields = collection["fields"] if "fields" in collection else collection["files"][0]["fields"]
        top = {f["name"]: f for f in fields}
        for field, info in model.model_fields.items():
            assert field in top, f"{name} lacks {field}"
            assert top[field]["hint"] == info.description
            assert top[field]["required"] == info.is_required()
            assert top[field]["label"]


def test_select_lists_hold_the_choices_that_exist(config):
    collections = by_name(config)
    guide = {f["name"]: f for f in collections["guides-cardiology"]["fields"]}
    assert guide["service_line"]["options"] == ["cardiology", "sleep", "spine", "thyroid"]
    assert guide["service_line"]["default"] == "cardiology"
    topics = yaml.safe_load((REPO / "service_lines/cardiology.yml").read_text())["topics"]
    assert guide["topic"]["options"] == sorted(topics)
    assert guide["stage"]["options"] == list(schema.STAGES)
    assert guide["next_step"]["options"] == list(schema.NEXT_STEPS)
    assert guide["next_step"]["required"] is False
    story = {f["name"]: f for f in collections["stories-spine"]["fields"]}
    champions = yaml.safe_load((REPO / "content/champions.yml").read_text())
    assert story["champion"]["options"] == sorted(champions)
    assert story["draft"]["default"] is True, "new stories start as drafts"
    assert guide["draft"]["default"] is False


def test_guides_and_stories_have_one_collection_per_service_line_folder(config):
    folders = sorted(c["folder"] for c in config["collections"] if c.get("format") == "frontmatter")
    lines = sorted(p.stem for p in (REPO / "service_lines").glob("*.yml"))
    assert folders == sorted([f"content/guides/{s}" for s in lines] + [f"content/stories/{s}" for s in lines])


def test_campaigns_are_a_collection_when_the_schema_declares_them(config, monkeypatch):
    names = set(by_name(config))
    assert ("campaigns" in names) == hasattr(schema, "Campaign")
    assert {"service_lines", "champions", "practice"} <= names


def test_admin_lives_outside_content_site_and_docs_dir():
    settings = yaml.load((REPO / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    for folder in ("content", settings["site_dir"], settings["docs_dir"], "service_lines", "consent"):
        assert not Path(cms.ADMIN_DIR).is_relative_to(folder)


def fake_bundle(tmp_path: Path) -> Path:
    dist = tmp_path / "node_modules/decap-cms/dist"
    dist.mkdir(parents=True)
    for name in ("decap-cms.js", "12.decap-cms.js", "cms.js", "12.cms.js", "decap-cms.js.map", "a.wasm",
                 "decap-cms.js.LICENSE.txt"):
        (dist / name).write_text(f"// {name}\n")
    (dist.parent / "LICENSE").write_text("MIT\n")
    return dist


def test_install_admin_copies_the_page_the_stylesheet_and_only_the_bundle_it_loads(tmp_path):
    root = copy_sample(tmp_path)
    shutil.copyfile(REPO / "practice.yml", root / "practice.yml")
    assert main(["cms", "--root", str(root)]) == 0
    target = cms.install_admin(root, tmp_path / "out", fake_bundle(tmp_path))
    names = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert names == ["config.yml", "decap-cms/12.decap-cms.js", "decap-cms/LICENSE", "decap-cms/a.wasm",
                     "decap-cms/decap-cms.js", "decap-cms/decap-cms.js.LICENSE.txt", "flywheel.css", "index.html"]
    assert (target / "flywheel.css").read_bytes() == cms.STYLESHEET.read_bytes()


def test_admin_page_loads_nothing_from_another_host():
    html = (REPO / "admin/index.html").read_text(encoding="utf-8")
    assert "http" not in html.replace("http-equiv", "")
    assert 'src="decap-cms/decap-cms.js"' in html


@pytest.mark.parametrize("opt_in", [False, True])
def test_build_deploys_the_admin_page_only_when_mkdocs_yml_opts_in(tmp_path, opt_in):
    root = copy_sample(tmp_path)
    shutil.copyfile(REPO / "practice.yml", root / "practice.yml")
    assert main(["cms", "--root", str(root)]) == 0
    shutil.copytree(fake_bundle(tmp_path / "npm").parent, root / "node_modules/decap-cms")
    if opt_in:
        settings = root / "mkdocs.yml"
        settings.write_text(settings.read_text().replace("campaign_params: true", "campaign_params: true\n      admin: true"))
    assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 0
    assert (root / "site/admin/index.html").exists() == opt_in
    assert (root / "site/admin/decap-cms/decap-cms.js").exists() == opt_in
    if opt_in:
        # The published editor's configuration names no story (withheld ones included) and
        # no champion: those lists exist only in the copy served on the editor's own machine.
        public = (root / "site/admin/config.yml").read_text()
        for name in ["a-racing-heart", "tired-for-years", "finding-answers", "maria-l", "grace-t"]:
            assert name not in public
        assert "a-racing-heart" in (root / "admin/config.yml").read_text()


def _admin_published(tmp_path: Path) -> Path:
    """The sample with the web editor made (`flywheel cms`, a stand-in bundle) and published."""
    root = copy_sample(tmp_path)
    shutil.copyfile(REPO / "practice.yml", root / "practice.yml")
    assert main(["cms", "--root", str(root)]) == 0
    shutil.copytree(fake_bundle(tmp_path / "npm").parent, root / "node_modules/decap-cms")
    settings = root / "mkdocs.yml"
    settings.write_text(settings.read_text().replace("campaign_params: true", "campaign_params: true\n      admin: true"))
    return root


@pytest.mark.parametrize("edit", ["index.html", "config.yml"])
def test_a_published_admin_folder_that_shows_a_withheld_story_stops_the_build(tmp_path, edit):
    """admin/ is copied to site/admin/ after every page check, as committed: a note pasted into
    the editor's page quoting a revoked story, or a field's hint naming its address, reached the
    live site with a passing build (red team rt4)."""
    root = _admin_published(tmp_path)
    path = root / "admin" / edit
    if edit == "index.html":  # a-racing-heart is revoked in the sample
        path.write_text(path.read_text().replace(
            "<body>", "<body>\n<!-- e.g. A racing heart, and a steady plan: like a bird trapped in my chest -->"))
    else:
        path.write_text(path.read_text().replace(
            "hint: The story's title (part of what the patient approves).",
            "hint: 'The title, as in https://example.org/stories/a-racing-heart/'", 1))
    assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 1
    assert not (root / "site/admin").exists()
    # "a racing heart" is a symptom the published pages name; the note's words and the slug are not
    assert not any("like a bird trapped" in text or "a-racing-heart" in text
                   for text in site_texts(root / "site").values())


@pytest.mark.parametrize("how", ["flywheel build", "mkdocs build"])
def test_an_admin_folder_that_cannot_be_published_does_not_stop_a_fresh_checkout_withdrawing(tmp_path, how):
    """red team rt6: the admin check above failed the build after every page was written, and
    the failed build kept no site: in CI's fresh checkout nothing deployed, and the live site
    kept every story revoked since for as long as the note stood. Where a withdrawal is due,
    the site is written without admin/ and the build still fails."""
    root = _admin_published(tmp_path)
    path = root / "admin/index.html"
    path.write_text(path.read_text().replace("<body>", "<body>\n<!-- see /stories/a-racing-heart/ -->"))
    if how == "mkdocs build":
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=root, capture_output=True, text=True, check=False,
                              env={**os.environ, "FLYWHEEL_AS_OF": "2026-11-22"})
        assert done.returncode == 1 and "admin/index.html, published with the site, cannot be published" in done.stderr
    else:
        assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 1
    assert (root / "site/index.html").is_file()
    assert not (root / "site/admin").exists()
    assert not any("a-racing-heart" in text for text in site_texts(root / "site").values())


@pytest.mark.parametrize("edit", ["index.html", "config.yml"])
def test_a_published_admin_file_linked_into_consent_stops_the_build(tmp_path, capsys, edit):
    """red team rt5: admin/index.html committed as a link to `../consent/C-2026-017.yml` was
    copied through the link to site/admin/ and passed the check above (a record quotes no
    story): the revoked story's slug, revocation and e-sign reference were published."""
    root = _admin_published(tmp_path)
    (root / "admin" / edit).unlink()
    (root / "admin" / edit).symlink_to("../consent/C-2026-017.yml")
    assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 1
    assert f"admin/{edit}, published with the site, cannot be published: it is a link into consent" in capsys.readouterr().err
    assert not (root / "site/admin").exists()
    assert not any("a-racing-heart" in text or "esign/" in text for text in site_texts(root / "site").values())


def test_a_published_only_preview_serves_the_public_admin_config(tmp_path):
    """`serve --published-only` may listen on the network: its /admin/config.yml listed every
    story slug, withheld ones included, and every champion id (red team rt4)."""
    import os
    import subprocess
    import sys
    import time

    root = copy_sample(tmp_path)
    shutil.copyfile(REPO / "practice.yml", root / "practice.yml")
    assert main(["cms", "--root", str(root)]) == 0
    shutil.copytree(fake_bundle(tmp_path / "npm").parent, root / "node_modules/decap-cms")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--published-only", "--root", str(root), "--port", str(port),
         "--as-of", "2026-11-22"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    try:
        served = fetch(f"http://127.0.0.1:{port}/admin/config.yml", time.monotonic() + 60)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert "collections:" in served
    for name in ["a-racing-heart", "tired-for-years", "finding-answers", "maria-l", "priya-k"]:
        assert name not in served


def test_build_with_admin_but_no_bundle_fails_and_keeps_the_old_site(tmp_path):
    root = copy_sample(tmp_path)
    shutil.copyfile(REPO / "practice.yml", root / "practice.yml")
    assert main(["cms", "--root", str(root)]) == 0
    settings = root / "mkdocs.yml"
    settings.write_text(settings.read_text().replace("campaign_params: true", "campaign_params: true\n      admin: true"))
    assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 1
    assert not (root / "site/admin").exists()


def test_cms_refuses_to_write_from_a_project_with_errors(tmp_path, capsys):
    root = copy_sample(tmp_path)
    shutil.copyfile(REPO / "practice.yml", root / "practice.yml")
    path = root / "service_lines/sleep.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Sleep medicine\n", ""), encoding="utf-8")
    assert main(["cms", "--root", str(root)]) == 1
    assert not (root / "admin").exists()
    assert "service_lines/sleep.yml" in capsys.readouterr().err
