"""Compare identifier detectors on the evaluation sets in tests/identifiers_eval.

Run in a scratch environment that has the alternatives installed, never in the project's:

    python3 -m venv /tmp/eval-venv
    /tmp/eval-venv/bin/pip install presidio-analyzer philter-lite scrubadub names faker nicknames pyyaml
    PYTHONPATH=. /tmp/eval-venv/bin/python -m bench.identifier_alternatives

Other tools name their own kinds, so for them a planted sentence counts as caught when they
flag anything in it ("any-kind recall"); Flywheel's own scanner is shown both ways. A clean
sentence with any finding is a false alarm. Tools that are not installed are skipped.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "identifiers_eval_run", ROOT / "tests/identifiers_eval/run.py"
)
run = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = run
_spec.loader.exec_module(run)  # type: ignore[union-attr]


def old_scanner():
    """The regex scanner on main before this rewrite, loaded from git."""
    source = subprocess.run(
        ["git", "show", "232eb1a:generator/identifiers.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("old_identifiers")
    sys.modules[module.__name__] = module
    exec(compile(source, "old_identifiers.py", "exec"), module.__dict__)  # noqa: S102 (our own code, from git)
    return lambda text, allowed: [f.kind for f in module.scan(text)]


def presidio(threshold: float, custom: bool):
    """Presidio's analyzer with a blank spaCy pipeline (no NER model can be installed from PyPI)."""
    import spacy
    from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    folder = Path(tempfile.mkdtemp()) / "blank_en"
    spacy.blank("en").to_disk(folder)
    engine = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": str(folder)}],
        }
    ).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
    if custom:  # the context-word recognizers a practice would have to write for itself
        for entity, regex, context in [
            (
                "MRN",
                r"\b[A-Z0-9-]*\d[A-Z0-9-]{3,}\b",
                ["mrn", "record", "account", "member", "policy", "patient"],
            ),
            ("ZIP", r"\b\d{5}(?:-\d{4})?\b", ["zip", "postal", "code"]),
            ("PLATE", r"\b[A-Z0-9]{2,4}[- ]?[A-Z0-9]{3,4}\b", ["plate", "tag", "vin"]),
            ("SERIAL", r"\b[A-Z0-9-]*\d[A-Z0-9-]{4,}\b", ["serial", "device", "imei", "udi"]),
            (
                "STREET",
                r"\b\d{1,6}\s+(?:[A-Z][a-z]+\s+){1,3}[A-Z][a-z]+\b",
                ["live", "address", "street"],
            ),
        ]:
            analyzer.registry.add_recognizer(
                PatternRecognizer(
                    supported_entity=entity, patterns=[Pattern(entity, regex, 0.1)], context=context
                )
            )

    def detect(text: str, allowed: frozenset[str]) -> list[str]:
        return [
            r.entity_type for r in analyzer.analyze(text, language="en", score_threshold=threshold)
        ]

    return detect


def scrubadub_default():
    import scrubadub

    scrubber = scrubadub.Scrubber()
    return lambda text, allowed: [filth.type for filth in scrubber.iter_filth(text)]


def philter_lite_regex():
    """philter-lite's own configuration; its part-of-speech step needs NLTK tagger data, which
    only NLTK's download server has, so every token is tagged as a noun here."""
    import os

    import philter_lite
    from philter_lite import philter as engine

    engine._get_pos = lambda text: [
        (w, "NNP" if w[:1].isupper() else "NN") for w in engine._get_clean(text)
    ]
    filters = philter_lite.load_filters(
        os.path.join(os.path.dirname(philter_lite.__file__), "configs/philter_delta.toml")
    )

    def detect(text: str, allowed: frozenset[str]) -> list[str]:
        _, _, tracker = philter_lite.detect_phi(text, filters)
        return [entry.phi_type for entry in tracker.phi]

    return detect


def flywheel_with_names(source: str):
    """Flywheel's scanner with its first-name list taken from another package."""
    from generator import identifier_names

    if source == "faker":
        from faker.providers.person.en_US import Provider

        names = {n.lower() for n in (*Provider.first_names_female, *Provider.first_names_male)}
    elif source == "nicknames":
        import csv

        import nicknames

        with open(Path(nicknames.__file__).parent / "names.csv", encoding="utf-8") as handle:
            names = {
                cell.lower()
                for row in csv.reader(handle)
                for cell in (row[0], row[2])
                if cell.isalpha()
            }
    elif source == "none":
        names = set()
    else:
        names = set(identifier_names.first_names())

    def detect(text: str, allowed: frozenset[str]) -> list[str]:
        original = identifier_names.first_names
        identifier_names.first_names = lambda: frozenset(names)
        try:
            return run.flywheel_detector(text, allowed)
        finally:
            identifier_names.first_names = original

    return detect


CANDIDATES = {
    "flywheel (census names)": lambda: run.flywheel_detector,
    "flywheel, Faker en_US names": lambda: flywheel_with_names("faker"),
    "flywheel, nicknames names": lambda: flywheel_with_names("nicknames"),
    "flywheel, no name list": lambda: flywheel_with_names("none"),
    "old regex scanner (main)": old_scanner,
    "presidio, blank spaCy, threshold 0.5": lambda: presidio(0.5, False),
    "presidio + custom recognizers, threshold 0.3": lambda: presidio(0.3, True),
    "presidio + custom recognizers, threshold 0.5": lambda: presidio(0.5, True),
    "scrubadub defaults": scrubadub_default,
    "philter-lite (stand-in tagger)": philter_lite_regex,
}


def main() -> int:
    sys.path.insert(0, str(ROOT))
    rows = []
    for label, make in CANDIDATES.items():
        try:
            detect = make()
        except ImportError as exc:
            print(f"skipped {label}: {exc}", file=sys.stderr)
            continue
        results = [run.evaluate(detect, name) for name in run.SETS]
        start = time.perf_counter()
        ms, _ = run.time_per_story(detect, repeat=3)
        rows.append((label, results, ms, time.perf_counter() - start))
        print(f"done {label}", file=sys.stderr)
    kinds = list(rows[0][1][0].planted)
    print(
        "| detector | "
        + " | ".join(f"{s}: recall (any kind) / clean flagged" for s in run.SETS)
        + " | ms per story |"
    )
    print("|---" * (len(run.SETS) + 2) + "|")
    for label, results, ms, _ in rows:
        cells = [f"{r.overall_recall_any:.1%} / {r.false_alarm_rate:.1%}" for r in results]
        print(f"| {label} | " + " | ".join(cells) + f" | {ms:.1f} |")
    print("\nAny-kind recall per kind, all sets together:\n")
    print("| kind | " + " | ".join(label for label, *_ in rows) + " |")
    print("|---" * (len(rows) + 1) + "|")
    for kind in kinds:
        cells = []
        for _, results, *_ in rows:
            caught = sum(r.caught_any[kind] for r in results)
            cells.append(f"{caught / sum(r.planted[kind] for r in results):.0%}")
        print(f"| {kind} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
