"""Which published guide answers a patient's question: a small TF-IDF ranker in pure Python.

Chosen on evidence (docs/report.md, `python -m bench.questions`): on the labelled questions in
tests/fixtures/questions_labelled.csv, TF-IDF cosine over lightly stemmed words matched as well
as BM25 (rank-bm25) and scikit-learn's TfidfVectorizer, and its scores fall between 0 and 1,
so one threshold means the same thing for a short question and a long one, which BM25's
unbounded scores do not. It needs no dependency and ranks 1,000 guides in milliseconds.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from functools import lru_cache
from dataclasses import dataclass

THRESHOLD = 0.25  # a guide scoring at least this answers the question (python -m bench.questions)
TOP = 3  # guides shown per question

_WORD = re.compile(r"[a-z0-9]+")
_MARKUP = re.compile(r"`[^`]*`|\[([^\]]*)\]\([^)]*\)|<[^>]+>|[#*_>|!-]+")
STOPWORDS = frozenset(
    """a about after again all am an and any are as at be been before being but by can could
    did do does doing for from get got had has have having how i if in into is it its just me
    may might more most my no not of on once or other our out over own should so some such
    than that the their them then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    need much many also""".split()
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stripper: 'tests'/'testing'/'tested' -> 'test'. Enough for questions."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
            break
    return word


def words(text: str) -> list[str]:
    """The stemmed content words of a text, markup removed."""
    text = _MARKUP.sub(lambda m: f" {m.group(1) or ''} ", text.lower())
    return [stem(w) for w in _WORD.findall(text) if w not in STOPWORDS and len(w) > 1]


@dataclass(frozen=True)
class Document:
    """One published guide as the matcher sees it."""

    slug: str
    service_line: str
    text: str  # title (twice: it says what the guide answers), summary, topic, tags, body


class GuideIndex:
    """TF-IDF vectors of the published guides, built once per report."""

    def __init__(self, documents: list[Document]):
        self.documents = sorted(documents, key=lambda d: d.slug)
        counts = [Counter(words(d.text)) for d in self.documents]
        frequency: Counter[str] = Counter()
        for c in counts:
            frequency.update(c.keys())
        total = len(self.documents)
        self.idf = {w: math.log((1 + total) / (1 + n)) + 1 for w, n in frequency.items()}
        self.vectors = [self._unit({w: (1 + math.log(n)) * self.idf[w] for w, n in c.items()}) for c in counts]
        self.postings: dict[str, list[int]] = {}
        for i, vector in enumerate(self.vectors):
            for w in vector:
                self.postings.setdefault(w, []).append(i)

    @staticmethod
    def _unit(vector: dict[str, float]) -> dict[str, float]:
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {w: v / norm for w, v in vector.items()}

    def scores(self, question: str) -> list[tuple[str, float]]:
        """(guide slug, cosine score) of every guide sharing a word with the question, best first."""
        counts = Counter(w for w in words(question) if w in self.idf)
        query = self._unit({w: (1 + math.log(n)) * self.idf[w] for w, n in counts.items()})
        totals: dict[int, float] = {}
        for w, weight in query.items():
            for i in self.postings.get(w, ()):
                totals[i] = totals.get(i, 0.0) + weight * self.vectors[i][w]
        # Documents are sorted by slug, so the index breaks ties by slug.
        ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
        return [(self.documents[i].slug, round(score, 3)) for i, score in ranked]

    def best(self, question: str, top: int) -> list[tuple[str, float]]:
        """The `top` best of `scores`, without sorting every guide."""
        counts = Counter(w for w in words(question) if w in self.idf)
        query = self._unit({w: (1 + math.log(n)) * self.idf[w] for w, n in counts.items()})
        totals: dict[int, float] = {}
        for w, weight in query.items():
            vectors = self.vectors
            for i in self.postings.get(w, ()):
                totals[i] = totals.get(i, 0.0) + weight * vectors[i][w]
        ranked = heapq.nsmallest(top, totals.items(), key=lambda item: (-item[1], item[0]))
        return [(self.documents[i].slug, round(score, 3)) for i, score in ranked]

    def answers(self, question: str, threshold: float = THRESHOLD, top: int = TOP) -> list[dict]:
        """The guides that answer the question: score at least `threshold`, best `top` first."""
        return [
            {"guide": slug, "score": score}
            for slug, score in self.best(question, top)
            if score >= threshold
        ]
