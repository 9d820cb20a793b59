"""Write the sample practice's fictional measurement files: `python examples/sample_measures.py`.

Twelve weeks (Mondays 2026-08-31 to 2026-11-16) of made-up page views, care steps and
patients' questions for Riverbend Family Health, with four stories in them:

1. the fall-thyroid-check campaign worked: its landing page filled thyroid visits for six weeks;
2. heart-failure-low-salt-eating is read every week and leads nobody to a care step;
3. the spine intake form: people start it and most give up (intake friction, not content);
4. "What can I take for insomnia?" is asked every week, and no guide answers it (the sleep
   service line's insomnia topic has none).

The output is deterministic (a fixed seed), so re-running it rewrites the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEEKS = [dt.date(2026, 8, 31) + dt.timedelta(weeks=k) for k in range(12)]

# page id -> (served path, service line, care step its call to action leads to, weekly views)
GUIDES = {
    "cardiology": ("intake", {
        "chest-pain": ["chest-pain-guide", "chest-pain-when-to-worry", "stress-test-explained", "ecg-what-to-expect"],
        "heart-failure": ["heart-failure-guide", "heart-failure-daily-weights", "heart-failure-low-salt-eating",
                          "heart-failure-medicines"],
        "atrial-fibrillation": ["afib-guide", "afib-blood-thinners"],
    }),
    "sleep": ("scheduling", {"sleep-apnea": ["sleep-apnea-guide", "home-sleep-test"]}),
    "spine": ("intake", {
        "csf-leak": ["csf-leak-guide", "csf-leak-headache-diary", "csf-leak-recovery", "epidural-blood-patch"],
        "low-back-pain": ["low-back-pain-guide", "back-pain-exercises", "back-surgery-is-it-right"],
    }),
    "thyroid": ("scheduling", {
        "hypothyroidism": ["hypothyroidism-guide", "hypothyroidism-treatment-choices", "taking-levothyroxine",
                           "thyroid-blood-tests"],
        "thyroid-nodules": ["thyroid-nodules-guide", "thyroid-ultrasound", "fine-needle-aspiration-biopsy"],
    }),
}
PILLARS = {"chest-pain-guide", "heart-failure-guide", "afib-guide", "sleep-apnea-guide", "csf-leak-guide",
           "low-back-pain-guide", "hypothyroidism-guide", "thyroid-nodules-guide"}
STORIES = {"walking-again-after-my-heart-attack": "cardiology", "learning-to-live-with-heart-failure": "cardiology",
           "finally-sleeping-through-the-night": "sleep", "finding-answers": "spine",
           "my-thyroid-nodule-was-nothing-to-fear": "thyroid"}
READ_NOT_CONVERTING = "heart-failure-low-salt-eating"
CAMPAIGN_WORKED = ("fall-thyroid-check", dt.date(2026, 9, 28), dt.date(2026, 11, 2))
CAMPAIGN_ACTIVE = ("winter-heart-checks", dt.date(2026, 11, 16))

QUESTIONS = [
    # (service line, question, weekly count range, asked every week?)
    ("sleep", "What can I take for insomnia?", (6, 11), True),
    ("cardiology", "Can I drive myself home after a stress test?", (2, 6), True),
    ("thyroid", "Should I take my levothyroxine before breakfast?", (1, 5), False),
    ("thyroid", "What does a high TSH result mean?", (1, 4), False),
    ("spine", "How long do I lie flat after an epidural blood patch?", (1, 3), False),
    ("cardiology", "How much salt can I eat with heart failure?", (1, 3), False),
    ("sleep", "Can I do the sleep test at home instead of the lab?", (1, 3), False),
    ("spine", "Is there parking for wheelchair users at the spine clinic?", (0, 2), False),
]


def write(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)


def main() -> None:
    rng = random.Random(20261123)
    views, outcomes, questions = [], [], []
    for week in WEEKS:
        iso = week.isoformat()
        for line, (step, topics) in GUIDES.items():
            seen = rng.randint(120, 180)
            views.append([iso, f"/{line}/", seen])
            started = round(seen * rng.uniform(0.08, 0.12))
            completed = round(started * (rng.uniform(0.15, 0.25) if line == "spine" else rng.uniform(0.7, 0.85)))
            outcomes.append([iso, line, line, step, started, completed, round(completed * rng.uniform(0.8, 0.95))])
            for topic, slugs in topics.items():
                for slug in slugs:
                    path = f"/{line}/{topic}/" if slug in PILLARS else f"/{line}/{topic}/{slug}/"
                    seen = rng.randint(300, 380) if slug == READ_NOT_CONVERTING else rng.randint(40, 110)
                    views.append([iso, path, seen])
                    if slug == READ_NOT_CONVERTING:
                        continue  # read every week, and nobody goes on to a care step
                    started = max(1, round(seen * rng.uniform(0.05, 0.09)))
                    if line == "spine":  # the intake form people give up on
                        completed = round(started * rng.uniform(0.15, 0.25))
                    else:
                        completed = round(started * rng.uniform(0.7, 0.85))
                    attended = round(completed * rng.uniform(0.8, 0.95))
                    outcomes.append([iso, line, slug, step,
                                     started, completed, attended])
        for slug, line in STORIES.items():
            seen = rng.randint(30, 70)
            views.append([iso, f"/stories/{slug}/", seen])
            started = rng.randint(1, 4)
            completed = started if line != "spine" else rng.randint(0, 1)
            outcomes.append([iso, line, slug, GUIDES[line][0], started, completed, completed])
        campaign, starts, ends = CAMPAIGN_WORKED
        if starts <= week <= ends:
            seen = rng.randint(420, 520)
            started = round(seen * rng.uniform(0.08, 0.1))
            completed = round(started * rng.uniform(0.8, 0.9))
            views.append([iso, f"/campaigns/{campaign}/", seen])
            outcomes.append([iso, campaign, campaign, "scheduling", started, completed,
                             round(completed * rng.uniform(0.85, 0.95))])
        campaign, starts = CAMPAIGN_ACTIVE
        if starts <= week:
            views.append([iso, f"/campaigns/{campaign}/", 380])
            outcomes.append([iso, campaign, campaign, "scheduling", 31, 26, 0])
        for line, question, (low, high), every_week in QUESTIONS:
            count = rng.randint(max(low, 1) if every_week else low, high)
            if count:
                questions.append([iso, line, question, count, rng.choice(["intake", "clinician", "phone"])])
    write(ROOT / "outcomes" / "pageviews-2026.csv", ["week", "path", "views"], views)
    write(ROOT / "outcomes" / "steps-2026.csv",
          ["week", "utm_campaign", "utm_content", "care_step", "started", "completed", "attended"], outcomes)
    write(ROOT / "questions" / "asked-2026.csv", ["week", "service_line", "question", "count", "source"], questions)


if __name__ == "__main__":
    main()
