"""Whether the project's CI builds the site soon after every midnight of the practice (rt12).

A consent ends on its `expires_on` day in the practice's time zone, and a day without a commit
gets only the scheduled build: `flywheel init` writes a schedule for the practice's zone
(`init.daily_schedule`), but a workflow copied from the example (the sample's Chicago hours),
a time zone changed in `practice.yml` afterwards, or a schedule edited or deleted, left a story
whose consent ended published for most of that day, or until the next push, without a word.
`flywheel build` reads the GitHub workflows that run a build and says when none of their
scheduled runs falls within `LATE_MINUTES` after the practice's midnight in some season.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from .dates import time_zone

LATE_MINUTES = 90  # after midnight: init's schedule runs at 00:17, Chatham's +12:45 within 70 minutes
_BUILDS = re.compile(r"\b(?:flywheel\s+(?:build|export)|mkdocs\s+(?:build|gh-deploy))\b")
_WORKFLOWS_READ_MAX = 1024 * 1024


def _field(text: str, low: int, high: int) -> set[int] | None:
    """The values a cron field (`*`, `5`, `5,6`, `1-5`, `*/2`, `0-23/6`) allows, or None."""
    values: set[int] = set()
    for part in text.split(","):
        base, _, step = part.partition("/")
        if step and not step.isdigit():
            return None
        if base == "*":
            start, end = low, high
        elif re.fullmatch(r"\d+", base):
            start = end = int(base)
            if step:
                end = high
        elif (span := re.fullmatch(r"(\d+)-(\d+)", base)) is not None:
            start, end = int(span.group(1)), int(span.group(2))
        else:
            return None
        if not low <= start <= end <= high:
            return None
        values.update(range(start, end + 1, int(step) if step else 1))
    return values


def _daily_times(cron: str) -> list[int]:
    """The minutes of the UTC day a cron line runs at, every day; [] for one that does not run
    every day (`17 6 * * 1`) or cannot be read."""
    fields = cron.split()
    if len(fields) != 5 or fields[2:] != ["*", "*", "*"]:
        return []
    minutes, hours = _field(fields[0], 0, 59), _field(fields[1], 0, 23)
    if not minutes or not hours:
        return []
    return sorted(hour * 60 + minute for hour in hours for minute in minutes)


def _schedules(path: Path) -> list[str] | None:
    """The cron lines of a workflow that builds the site, [] for one with none, None for a
    workflow that does not build it or cannot be read. The YAML is composed, never constructed
    (an alias is never expanded), and read as a regular file only (`load.read_bytes`: a pipe
    would wait forever, and hold back every withdrawal with the build)."""
    from .load import read_bytes

    try:
        text = read_bytes(path, _WORKFLOWS_READ_MAX)[:_WORKFLOWS_READ_MAX].decode("utf-8", "replace")
        document = yaml.compose(text, Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError, RecursionError):
        return None
    if not isinstance(document, yaml.MappingNode) or not _BUILDS.search(text):
        return None
    triggers = _value(document, ("on", "true", "True", "yes"))  # YAML 1.1 reads a bare `on` as true
    schedule = _value(triggers, ("schedule",)) if isinstance(triggers, yaml.MappingNode) else None
    if not isinstance(schedule, yaml.SequenceNode):
        return []
    return [cron.value for item in schedule.value if isinstance(item, yaml.MappingNode)
            and isinstance(cron := _value(item, ("cron",)), yaml.ScalarNode)]


def _value(node, keys: tuple[str, ...]):
    """The node a mapping node holds under the first of `keys` it has, or None."""
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value in keys:
            return value
    return None


def late_schedules(root: Path, zone_name: str | None, year: int) -> list[tuple[str, str]]:
    """(workflow, why) for each GitHub workflow of the project that builds the site and has no
    scheduled run within LATE_MINUTES after the practice's midnight in every month of `year`."""
    zone = time_zone(zone_name) if zone_name else None
    folder = Path(root) / ".github" / "workflows"
    if zone is None or not folder.is_dir():
        return []
    from .init import daily_schedule

    wanted = " and ".join(f'"{line.split(chr(34))[1]}"' for line in daily_schedule(zone_name, year).splitlines())
    found = []
    for path in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]):
        if (crons := _schedules(path)) is None:
            continue
        rel = path.relative_to(root).as_posix()
        if not crons:
            why = ("it builds the site but has no daily schedule: a consent that ends on a day without a commit "
                   f"stays published until the next push; add under `on:` a `schedule:` with cron {wanted}")
            found.append((rel, why))
            continue
        times = {time for cron in crons for time in _daily_times(cron)}
        missed = []
        for month in range(1, 13):
            midnight = dt.datetime(year, month, 15, tzinfo=zone).astimezone(dt.UTC)
            start = midnight.hour * 60 + midnight.minute
            if not any((time - start) % 1440 < LATE_MINUTES for time in times):
                missed.append(dt.date(year, month, 1).strftime("%B"))
        if missed:
            months = "every month" if len(missed) == 12 else ", ".join(missed)
            why = (f"no scheduled run falls within {LATE_MINUTES} minutes after midnight in {zone_name} ({months}): "
                   "a consent that ends on a day without a commit stays published for most of that day; "
                   f"schedule it with cron {wanted} (UTC)")
            found.append((rel, why))
    return found
