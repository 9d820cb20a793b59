"""Editorial quality warnings: medical reviews that are overdue and text that reads too hard.

These never withhold anything; they are warnings in `check` and rows in the report.
"""

from __future__ import annotations

import datetime as dt

from .errors import Problem, problem
from .project import Project


def review_due(reviewed_on: dt.date, interval_days: int) -> dt.date:
    """The day a guide's medical review falls due (the last representable day if later)."""
    try:
        return reviewed_on + dt.timedelta(days=interval_days)
    except OverflowError:
        return dt.date.max


def review_problems(project: Project, as_of: dt.date) -> list[Problem]:
    """A warning for each non-draft guide whose review is older than its service line allows,
    and an error for each whose review is dated after the build date."""
    found = []
    for entry in project.guides.values():
        guide = entry.data
        line = project.service_lines.get(guide.service_line)
        if guide.draft or line is None:
            continue
        if guide.reviewed_on > as_of:
            found.append(
                problem(
                    "review-in-future",
                    entry.path,
                    f"reviewed on {guide.reviewed_on}, after the build date {as_of}",
                    line=entry.line("reviewed_on"),
                    field="reviewed_on",
                    hint="write the date the medical review happened",
                )
            )
            continue
        interval = line.data.review_interval_days
        overdue = (as_of - review_due(guide.reviewed_on, interval)).days
        if overdue > 0:
            found.append(
                problem(
                    "review-overdue",
                    entry.path,
                    f"medical review is {overdue} day(s) overdue: reviewed on {guide.reviewed_on}, "
                    f"and {guide.service_line} guides are reviewed every {interval} days",
                    line=entry.line("reviewed_on"),
                    field="reviewed_on",
                    hint="have the guide reviewed, then update reviewed_by and reviewed_on",
                )
            )
    return found


def reading_grades(project: Project) -> dict[str, float]:
    """Reading grade of every valid guide and story, by slug (cached on the body's text)."""
    from .readability import reading_grade

    grades = {}
    for entry in [*project.guides.values(), *project.stories.values()]:
        body = entry.doc.body
        grades[entry.id] = round(project.cache.memo("grade", body, lambda: reading_grade(body)), 1)
    return dict(sorted(grades.items()))


def reading_problems(project: Project, grades: dict[str, float], grade_max: float) -> list[Problem]:
    """A warning for each piece that reads above `grade_max` (0 turns the check off)."""
    if grade_max <= 0:
        return []
    found = []
    for entry in [*project.guides.values(), *project.stories.values()]:
        grade = grades.get(entry.id, 0.0)
        if grade > grade_max:
            found.append(
                problem(
                    "reading-grade",
                    entry.path,
                    f"reads at grade {grade:.1f}; patient-facing text should read at grade {grade_max:g} or below",
                    line=entry.doc.body_line,
                    hint="use shorter sentences and everyday words; explain medical terms",
                )
            )
    return found
