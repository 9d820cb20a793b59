"""Compare ways of matching patients' questions to guides on the labelled set:
`python -m bench.questions` (rank-bm25 and scikit-learn are measured when installed:
`pip install rank-bm25 scikit-learn`; neither is a dependency of Flywheel).

A guide "answers" a question when it is among the top 3 and scores at least the threshold.
Precision and recall are counted over (question, guide) pairs against
tests/fixtures/questions_labelled.csv, written by hand for the sample practice's guides; a
question no guide answers counts as right only when nothing is predicted. The threshold is
swept per method and the best F1 reported; the set is small (34 questions) and the sweep
uses it too, so read the figures as a comparison, not as a promise.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from generator.check import run_check
from generator.dashboard import guide_documents
from generator.questions import THRESHOLD, GuideIndex, words

REPO = Path(__file__).resolve().parent.parent
LABELLED = REPO / "tests" / "fixtures" / "questions_labelled.csv"
TOP = 3


def labelled() -> list[tuple[str, set[str]]]:
    with LABELLED.open(encoding="utf-8", newline="") as handle:
        return [(r["question"], {s for s in r["answered_by"].split(";") if s}) for r in csv.DictReader(handle)]


def evaluate(ranked: list[list[tuple[str, float]]], truth: list[set[str]], threshold: float) -> dict:
    tp = fp = fn = 0
    backlog_right = 0
    for scores, expected in zip(ranked, truth):
        predicted = {slug for slug, score in scores[:TOP] if score >= threshold}
        tp += len(predicted & expected)
        fp += len(predicted - expected)
        fn += len(expected - predicted)
        backlog_right += (not predicted) == (not expected)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"threshold": threshold, "precision": precision, "recall": recall, "f1": f1,
            "answered_or_not": backlog_right / len(truth)}


def best(ranked, truth, thresholds) -> dict:
    return max((evaluate(ranked, truth, t) for t in thresholds), key=lambda r: (r["f1"], r["answered_or_not"]))


def main() -> None:
    result = run_check(REPO, dt.date(2026, 11, 23))
    documents = guide_documents(result)
    cases = labelled()
    questions, truth = [q for q, _ in cases], [t for _, t in cases]
    rows = []
    index = GuideIndex(documents)
    ours = [index.scores(q) for q in questions]
    grid = [i / 100 for i in range(1, 60)]
    rows.append(("tf-idf cosine, pure Python (shipped)", best(ours, truth, grid)))
    rows.append((f"  same, at the shipped threshold {THRESHOLD}", evaluate(ours, truth, THRESHOLD)))
    try:
        from rank_bm25 import BM25Okapi

        corpus = [words(d.text) for d in documents]
        bm25 = BM25Okapi(corpus)
        slugs = [d.slug for d in documents]
        ranked = []
        for q in questions:
            scores = bm25.get_scores(words(q))
            ranked.append(sorted(zip(slugs, (float(s) for s in scores)), key=lambda x: -x[1]))
        rows.append(("BM25 Okapi (rank-bm25), raw scores", best(ranked, truth, [i / 4 for i in range(1, 80)])))
        normalised = [[(s, v / top[0][1] if top[0][1] else 0.0) for s, v in top] for top in ranked]
        rows.append(("  BM25, scores / best score (no absolute floor)", best(normalised, truth, grid)))
    except ImportError:
        rows.append(("BM25 Okapi (rank-bm25): not installed", None))
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.metrics.pairwise import cosine_similarity

        vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
        matrix = vectorizer.fit_transform([d.text for d in documents])
        similarity = cosine_similarity(vectorizer.transform(questions), matrix)
        ranked = [sorted(zip([d.slug for d in documents], map(float, row)), key=lambda x: -x[1]) for row in similarity]
        rows.append(("scikit-learn TfidfVectorizer cosine", best(ranked, truth, grid)))
    except ImportError:
        rows.append(("scikit-learn TfidfVectorizer: not installed", None))
    print(f"{len(cases)} labelled questions, {len(documents)} published guides, top {TOP}")
    print(f"{'method':<50} {'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>5} {'answered-or-not':>15}")
    for name, r in rows:
        if r is None:
            print(name)
            continue
        print(f"{name:<50} {r['threshold']:>9.2f} {r['precision']:>9.2f} {r['recall']:>7.2f} {r['f1']:>5.2f} "
              f"{r['answered_or_not']:>15.2f}")


if __name__ == "__main__":
    main()
