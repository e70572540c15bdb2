"""The restorer's language model: syllable n-gram counts, their TSV file format, probabilities.

:class:`NgramCounts` counts unigrams, bigrams and trigrams of canonical
lowercase syllables over runs of text (:func:`syllable_runs`) together with
the surface spellings seen for each syllable. ``python -m ingest.ocr.build_restorer``
writes them to ``ingest/ocr/resources/syllable_ngrams_*.tsv``. :class:`SyllableModel`
turns counts into trigram log-probabilities with stupid backoff and a lexicon
from folded spellings to accented syllables, which :class:`ingest.ocr.restore.Restorer`
decodes with.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ingest.ocr.restore_tokens import WORD_RE
from ingest.syllables import is_vietnamese_syllable
from ingest.vntext import canonical_syllable, fold_diacritics, nfc

MODEL_FORMAT = "restorer-ngrams v1"
BOS, EOS = "<s>", "</s>"


def syllable_runs(text: str) -> list[list[str]]:
    """Split ``text`` into runs of lowercase valid syllables separated only by spaces.

    Punctuation, digits and non-syllables (abbreviations, foreign words) end a
    run, so n-grams never straddle them.

    Args:
        text: Any text.

    Returns:
        Lists of lowercase surface syllables (NFC).
    """
    runs: list[list[str]] = []
    current: list[str] = []
    last_end = 0
    text = nfc(text)
    for match in WORD_RE.finditer(text):
        gap = text[last_end : match.start()]
        if current and gap.strip():
            runs.append(current)
            current = []
        word = match.group(0)
        if is_vietnamese_syllable(word, loanword_p=False):
            current.append(word.lower())
        elif current:
            runs.append(current)
            current = []
        last_end = match.end()
    if current:
        runs.append(current)
    return runs


@dataclass
class NgramCounts:
    """Syllable n-gram counts (canonical lowercase syllables) and surface spellings.

    ``ngrams`` keys are space-joined canonical syllables ("bảo", "bảo hiểm",
    "bảo hiểm y"), with ``<s>``/``</s>`` at run edges; ``surfaces`` counts
    (surface, canonical) pairs so output keeps the spelling people wrote
    ("quản lý", "hoá"/"hóa" as most often seen).
    """

    ngrams: Counter
    surfaces: Counter

    @classmethod
    def empty(cls) -> NgramCounts:
        """Return counts with nothing in them."""
        return cls(Counter(), Counter())

    def add_text(self, text: str, weight: int = 1) -> None:
        """Count unigrams, bigrams and trigrams of every syllable run of ``text``."""
        for run in syllable_runs(text):
            self.add_run(run, weight)

    def add_run(self, run: list[str], weight: int = 1, *, edges: bool = True) -> None:
        """Count one run of lowercase surface syllables.

        Args:
            run: Lowercase surface syllables.
            weight: Count added per n-gram.
            edges: Count ``<s>``/``</s>`` n-grams too; False for dictionary
                entries, whose edges are not sentence edges.
        """
        canon = [canonical_syllable(s) for s in run]
        for surface, c in zip(run, canon, strict=True):
            self.surfaces[(surface, c)] += weight
        padded = [BOS, *canon, EOS] if edges else canon
        first = 1 if edges else 0
        for i in range(first, len(padded)):
            self.ngrams[padded[i]] += weight
            if i >= 1:
                self.ngrams[f"{padded[i - 1]} {padded[i]}"] += weight
            if i >= 2:
                self.ngrams[f"{padded[i - 2]} {padded[i - 1]} {padded[i]}"] += weight
        if edges:
            self.ngrams[BOS] += weight

    def merged(self, other: NgramCounts) -> NgramCounts:
        """Return the sum of two count sets."""
        return NgramCounts(self.ngrams + other.ngrams, self.surfaces + other.surfaces)

    def write(self, path: str | Path) -> None:
        """Write as TSV: ``n<TAB>ngram<TAB>count`` and ``s<TAB>surface canonical<TAB>count``."""
        lines = [f"#{MODEL_FORMAT}"]
        lines += [f"n\t{k}\t{v}" for k, v in sorted(self.ngrams.items())]
        lines += [f"s\t{s} {c}\t{v}" for (s, c), v in sorted(self.surfaces.items())]
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, path: str | Path) -> NgramCounts:
        """Read a file written by :meth:`write`; fails in words on a wrong format."""
        text = Path(path).read_text(encoding="utf-8")
        header, _, body = text.partition("\n")
        if header != f"#{MODEL_FORMAT}":
            raise ValueError(
                f"Tệp mô hình khôi phục dấu {path} không đúng định dạng '{MODEL_FORMAT}' (đọc được '{header[:40]}')."
            )
        ngrams: Counter = Counter()
        surfaces: Counter = Counter()
        for line in body.splitlines():
            kind, key, count = line.split("\t")
            if kind == "n":
                ngrams[key] = int(count)
            else:
                surface, canon = key.split(" ")
                surfaces[(surface, canon)] = int(count)
        return cls(ngrams, surfaces)


class SyllableModel:
    """Trigram log-probabilities (stupid backoff) and folded-spelling lexicon of some counts.

    Args:
        counts: n-gram counts (not empty).
        backoff: Stupid-backoff factor in (0, 1).
    """

    def __init__(self, counts: NgramCounts, *, backoff: float = 0.4):
        if not 0 < backoff < 1:
            raise ValueError(f"backoff must be in (0, 1), got {backoff}")
        if not counts.ngrams:
            raise ValueError("counts must not be empty")
        self._log_backoff = math.log(backoff)
        uni = {k: v for k, v in counts.ngrams.items() if " " not in k}
        total = sum(v for k, v in uni.items() if k != BOS)
        vocab = max(len(uni), 1)
        self._lp1 = {k: math.log((v + 0.1) / (total + 0.1 * vocab)) for k, v in uni.items()}
        self._lp_unseen = math.log(0.01 / (total + 0.1 * vocab))
        self._lp2: dict[str, float] = {}
        self._lp3: dict[str, float] = {}
        for key, v in counts.ngrams.items():
            parts = key.count(" ")
            if parts == 1:
                head = key.split(" ", 1)[0]
                self._lp2[key] = math.log(v / max(uni.get(head, v), v))
            elif parts == 2:
                head = key.rsplit(" ", 1)[0]
                ctx = counts.ngrams.get(head, v)
                self._lp3[key] = math.log(v / max(ctx, v))
        best_surface: dict[tuple[str, str], tuple[int, str]] = {}
        for (surface, canon), v in counts.surfaces.items():
            key = (fold_diacritics(surface.lower()), canon)
            if key not in best_surface or v > best_surface[key][0]:
                best_surface[key] = (v, surface)
        by_fold: dict[str, list[tuple[float, str, str]]] = {}
        for (folded, canon), (_, surface) in best_surface.items():
            by_fold.setdefault(folded, []).append((self.unigram(canon), canon, surface))
        #: Folded spelling -> (canonical, surface) readings, most frequent syllable first.
        self.by_fold = {f: tuple((c, s) for _, c, s in sorted(items, reverse=True)) for f, items in by_fold.items()}

    def unigram(self, word: str) -> float:
        """Log-probability of the canonical syllable ``word`` alone (a floor when unseen)."""
        return self._lp1.get(word, self._lp_unseen)

    def log_prob(self, p2: str, p1: str, word: str) -> float:
        """Log-probability of ``word`` after ``p2 p1`` (canonical syllables or ``<s>``)."""
        lp = self._lp3.get(f"{p2} {p1} {word}")
        if lp is not None:
            return lp
        lp = self._lp2.get(f"{p1} {word}")
        if lp is not None:
            return self._log_backoff + lp
        return 2 * self._log_backoff + self._lp1.get(word, self._lp_unseen)
