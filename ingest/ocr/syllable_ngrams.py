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
from dataclasses import dataclass, field
from pathlib import Path

from ingest.ocr.restore_tokens import WORD_RE
from ingest.syllables import is_vietnamese_syllable
from ingest.vntext import canonical_syllable, fold_diacritics, nfc

MODEL_FORMAT = "restorer-ngrams v2"
#: Older files (no capitalisation counts) are still read.
READABLE_FORMATS = ("restorer-ngrams v1", MODEL_FORMAT)
BOS, EOS = "<s>", "</s>"


def syllable_runs(text: str, *, keep_case: bool = False) -> list[list[str]]:
    """Split ``text`` into runs of valid syllables separated only by spaces.

    Punctuation, digits and non-syllables (abbreviations, foreign words) end a
    run, so n-grams never straddle them.

    Args:
        text: Any text.
        keep_case: Keep each syllable as written instead of lowercasing it.

    Returns:
        Lists of surface syllables (NFC), lowercase unless ``keep_case``.
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
            current.append(word if keep_case else word.lower())
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
    ("quản lý", "hoá"/"hóa" as most often seen); ``capitals`` counts how often
    a canonical syllable was written Capitalised where case carries meaning
    (inside a run of running text, anywhere in a dictionary entry): names and
    agencies ("Ban Chỉ đạo", "Hạnh") are told from common words that way.
    """

    ngrams: Counter
    surfaces: Counter
    capitals: Counter = field(default_factory=Counter)

    @classmethod
    def empty(cls) -> NgramCounts:
        """Return counts with nothing in them."""
        return cls(Counter(), Counter())

    def add_text(self, text: str, weight: int = 1) -> None:
        """Count unigrams, bigrams and trigrams of every syllable run of ``text``."""
        for run in syllable_runs(text, keep_case=True):
            self.add_run([s.lower() for s in run], weight)
            self._add_capitals(run[1:], weight)  # a run's first word may start a sentence

    def add_entry(self, entry: str, weight: int = 1) -> None:
        """Count a dictionary entry ("bảo hiểm", "Phường Ngọc Hà"): no sentence-edge n-grams."""
        for run in syllable_runs(entry, keep_case=True):
            self.add_run([s.lower() for s in run], weight, edges=False)
            self._add_capitals(run, weight)

    def _add_capitals(self, words: list[str], weight: int) -> None:
        for word in words:
            if word[:1].isupper() and (len(word) == 1 or not word[1:].isupper()):
                self.capitals[canonical_syllable(word.lower())] += weight

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
        return NgramCounts(
            self.ngrams + other.ngrams, self.surfaces + other.surfaces, self.capitals + other.capitals
        )

    def scaled(self, weight: int) -> NgramCounts:
        """Return these counts multiplied by ``weight`` (> 0), e.g. to favour in-domain text."""
        if weight <= 0:
            raise ValueError(f"weight must be > 0, got {weight}")
        return NgramCounts(
            Counter({k: v * weight for k, v in self.ngrams.items()}),
            Counter({k: v * weight for k, v in self.surfaces.items()}),
            Counter({k: v * weight for k, v in self.capitals.items()}),
        )

    def write(self, path: str | Path) -> None:
        """Write as TSV: ``n<TAB>ngram<TAB>count``, ``s<TAB>surface canonical<TAB>count``, ``c<TAB>canonical<TAB>count``."""
        lines = [f"#{MODEL_FORMAT}"]
        lines += [f"n\t{k}\t{v}" for k, v in sorted(self.ngrams.items())]
        lines += [f"s\t{s} {c}\t{v}" for (s, c), v in sorted(self.surfaces.items())]
        lines += [f"c\t{k}\t{v}" for k, v in sorted(self.capitals.items())]
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, path: str | Path) -> NgramCounts:
        """Read a file written by :meth:`write`; fails in words on a wrong format."""
        text = Path(path).read_text(encoding="utf-8")
        header, _, body = text.partition("\n")
        if header[1:] not in READABLE_FORMATS:
            raise ValueError(
                f"Tệp mô hình khôi phục dấu {path} không đúng định dạng '{MODEL_FORMAT}' (đọc được '{header[:40]}')."
            )
        ngrams: Counter = Counter()
        surfaces: Counter = Counter()
        capitals: Counter = Counter()
        for line in body.splitlines():
            kind, key, count = line.split("\t")
            if kind == "n":
                ngrams[key] = int(count)
            elif kind == "c":
                capitals[key] = int(count)
            else:
                surface, canon = key.split(" ")
                surfaces[(surface, canon)] = int(count)
        return cls(ngrams, surfaces, capitals)


class SyllableModel:
    """Trigram log-probabilities (stupid backoff) and folded-spelling lexicon of some counts.

    (Interpolated Kneser-Ney was tried in its place and read the Đồng Nai
    development lines worse: 97.5% against 97.7%.)

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
        self._capitals = counts.capitals
        self._ngrams = counts.ngrams

    def capital_log_prob(self, word: str) -> float:
        """Log-probability that the canonical syllable ``word`` is written Capitalised mid-sentence.

        Smoothed share of its capitalised occurrences among those not opening
        a run; high for names and agency words ("ban" in "Ban Chỉ đạo"), low
        for common words ("bản").
        """
        capitals = self._capitals.get(word, 0)
        seen = self._ngrams.get(word, 0) - self._ngrams.get(f"{BOS} {word}", 0)
        return math.log((capitals + 0.5) / (max(seen, capitals) + 1.0))

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
