"""Vietnamese diacritic restoration and OCR-confusion repair.

A syllable trigram model over canonical accented syllables (stupid backoff to
bigrams and unigrams) scores candidate readings; a beam Viterbi picks the best
sequence. Candidates of a token come from its diacritic-folded form
("bao" -> bảo, báo, bão, bào ...) and, for OCR text, from rewriting known OCR
confusions first ("Pang" -> "dang" -> Đảng, "1a" -> "la" -> là, "ctia" -> "cua" -> của,
rules in ``resources/ocr_confusions.json``).

Only letters of Vietnamese syllables change: numbers, dates, document numbers
("52-CT/TW"), abbreviations ("BHYT"), punctuation and spacing are kept exactly.
:meth:`Restorer.restore` keeps each letter's case; :meth:`Restorer.repair_ocr`
keeps the token's case pattern (lower, Capitalised, UPPER).

The model is plain TSV in ``ingest/resources/`` (see :class:`NgramCounts`),
built by ``python -m ingest.build_restorer``.
"""

from __future__ import annotations

import heapq
import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.damage import is_abbreviation, is_valid_syllable
from ingest.vntext import canonical_syllable, fold_diacritics, nfc

RESOURCES_DIR = Path(__file__).resolve().parent / "resources"
MODEL_FORMAT = "restorer-ngrams v1"
DEFAULT_MODEL_FILES = ("syllable_ngrams_external.tsv", "syllable_ngrams_plans.tsv")
CONFUSIONS_FILE = "ocr_confusions.json"
BOS, EOS = "<s>", "</s>"

_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
_OCR_TOKEN_RE = re.compile(r"(?:[^\W_]|[&@¢€¥])+", re.UNICODE)
_CHUNK_RE = re.compile(r"\S+")
_ROMAN_RE = re.compile(r"^[IVXLC]+$")
# Roman numerals of section headings as OCR reads them: "I1-" for "II-".
_OCR_ROMAN_RE = re.compile(r"^[IVXLC1l]+$")
_OCR_SYMBOLS = "&@¢€¥"
# Document numbers and dates: "52-CT/TW", "646-KH/TU", "-KH/TU", "03/10/2025".
_DOC_NUMBER_RE = re.compile(r"\d/|/\d|\d+\s*-\s*[A-ZĐ]|[A-ZĐ]/[A-ZĐ]|\d{3,}", re.UNICODE)


def _fold(word: str) -> str:
    """Lowercase, diacritic-free form of one token."""
    return fold_diacritics(word.lower())


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
    for match in _WORD_RE.finditer(text):
        gap = text[last_end : match.start()]
        if current and gap.strip():
            runs.append(current)
            current = []
        word = match.group(0)
        if is_valid_syllable(word):
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


@dataclass(frozen=True)
class Restoration:
    """One candidate reading of a text.

    Attributes:
        text: The restored text (same non-letter characters as the input).
        log_prob: Model log-probability of the changed syllable runs (natural log).
        margin: How much better the best reading scores than this one (0 for the best).
    """

    text: str
    log_prob: float
    margin: float


@dataclass(frozen=True)
class _Slot:
    """One token of the input and its candidate (canonical, surface, penalty) readings."""

    start: int
    end: int
    original: str
    candidates: tuple[tuple[str, str, float], ...]
    exact_case: bool


class Restorer:
    """Restores diacritics and repairs OCR confusions with a syllable trigram model.

    Args:
        counts: n-gram counts to build the model from.
        beam_width: States kept per position in the beam Viterbi (> 0).
        max_candidates: Candidate readings kept per token (> 0).
        backoff: Stupid-backoff factor in (0, 1).
        edit_weight: Log-probability cost of one OCR edit unit (>= 0).
        valid_edit_surcharge: Extra edit units for editing a token that already
            folds to a known syllable (>= 0).
        confusions: Parsed ``ocr_confusions.json``; the shipped table when None.
    """

    def __init__(
        self,
        counts: NgramCounts,
        *,
        beam_width: int = 12,
        max_candidates: int = 10,
        backoff: float = 0.4,
        edit_weight: float = 4.0,
        valid_edit_surcharge: float = 0.5,
        confusions: dict | None = None,
    ):
        if beam_width <= 0:
            raise ValueError(f"beam_width must be > 0, got {beam_width}")
        if max_candidates <= 0:
            raise ValueError(f"max_candidates must be > 0, got {max_candidates}")
        if not 0 < backoff < 1:
            raise ValueError(f"backoff must be in (0, 1), got {backoff}")
        if edit_weight < 0:
            raise ValueError(f"edit_weight must be >= 0, got {edit_weight}")
        if not counts.ngrams:
            raise ValueError("counts must not be empty")
        self.beam_width = beam_width
        self.max_candidates = max_candidates
        if valid_edit_surcharge < 0:
            raise ValueError(f"valid_edit_surcharge must be >= 0, got {valid_edit_surcharge}")
        self.edit_weight = edit_weight
        self.valid_edit_surcharge = valid_edit_surcharge
        self._log_backoff = math.log(backoff)
        self._build(counts)
        table = confusions if confusions is not None else _load_confusions()
        self._rules = [(r["from"], r["to"], r["where"], float(r["cost"])) for r in table["rules"]]
        self._delete_cost = float(table["delete_cost"])
        self._max_edits = int(table["max_edits"])

    # ----- construction -------------------------------------------------------------

    def _build(self, counts: NgramCounts) -> None:
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
            key = (_fold(surface), canon)
            if key not in best_surface or v > best_surface[key][0]:
                best_surface[key] = (v, surface)
        by_fold: dict[str, list[tuple[float, str, str]]] = {}
        for (folded, canon), (_, surface) in best_surface.items():
            by_fold.setdefault(folded, []).append((self._lp1.get(canon, self._lp_unseen), canon, surface))
        self._by_fold = {f: tuple((c, s) for _, c, s in sorted(items, reverse=True)) for f, items in by_fold.items()}

    @classmethod
    def from_files(cls, paths: Iterable[str | Path], **options) -> Restorer:
        """Build a restorer from one or more count files (counts are summed)."""
        counts = NgramCounts.empty()
        for path in paths:
            counts = counts.merged(NgramCounts.read(path))
        return cls(counts, **options)

    @classmethod
    def load_default(cls) -> Restorer:
        """Load the shipped model from ``ingest/resources/`` (cached per process)."""
        return _default_restorer()

    # ----- scoring ------------------------------------------------------------------

    def _log_prob(self, p2: str, p1: str, word: str) -> float:
        lp = self._lp3.get(f"{p2} {p1} {word}")
        if lp is not None:
            return lp
        lp = self._lp2.get(f"{p1} {word}")
        if lp is not None:
            return self._log_backoff + lp
        return 2 * self._log_backoff + self._lp1.get(word, self._lp_unseen)

    def _decode(self, slots: list[_Slot], n: int = 1) -> list[tuple[float, list[int]]]:
        """Beam Viterbi over one run of slots; returns up to ``n`` (score, choice indices)."""
        beam: dict[tuple[str, str], tuple[float, tuple]] = {(BOS, BOS): (0.0, ())}
        for slot in slots:
            expanded: dict[tuple[str, str], tuple[float, tuple]] = {}
            for (p2, p1), (score, back) in beam.items():
                for idx, (canon, _, penalty) in enumerate(slot.candidates):
                    s = score + self._log_prob(p2, p1, canon) - self.edit_weight * penalty
                    key = (p1, canon)
                    if key not in expanded or s > expanded[key][0]:
                        expanded[key] = (s, (back, idx))
            beam = dict(heapq.nlargest(self.beam_width, expanded.items(), key=lambda kv: kv[1][0]))
        finals = sorted(
            ((score + self._log_prob(p2, p1, EOS), back) for (p2, p1), (score, back) in beam.items()),
            key=lambda x: -x[0],
        )
        results = []
        for score, back in finals[:n]:
            choice: list[int] = []
            while back:
                back, idx = back
                choice.append(idx)
            results.append((score, choice[::-1]))
        return results

    # ----- candidates ---------------------------------------------------------------

    def _accent_candidates(self, word: str) -> tuple[tuple[str, str, float], ...]:
        lower = word.lower()
        if fold_diacritics(lower) != lower:  # already accented: keep as written
            return ((canonical_syllable(lower), lower, 0.0),) if is_valid_syllable(lower) else ()
        options = self._by_fold.get(lower, ())
        return tuple((c, s, 0.0) for c, s in options[: self.max_candidates])

    def _ocr_candidates(self, token: str) -> tuple[tuple[str, str, float], ...]:
        lower = token.lower()
        folded = fold_diacritics(lower)
        best: dict[str, tuple[float, str]] = {}
        # A token that already reads as a syllable is edited only on strong evidence.
        surcharge = self.valid_edit_surcharge if folded in self._by_fold else 0.0
        for variant, cost in self._ocr_variants(folded).items():
            cost = cost + surcharge if variant != folded else cost
            for canon, surface in self._by_fold.get(variant, ())[: self.max_candidates]:
                if canon not in best or cost < best[canon][0]:
                    best[canon] = (cost, surface)
        if is_valid_syllable(lower) and lower != folded:
            canon = canonical_syllable(lower)
            if canon in best:  # the scan's own accents are weak evidence: a small bonus
                best[canon] = (best[canon][0] - 0.1, best[canon][1])
        ranked = sorted(best.items(), key=lambda kv: (kv[1][0], -self._lp1.get(kv[0], self._lp_unseen)))
        return tuple((c, s, cost) for c, (cost, s) in ranked[: self.max_candidates * 2])

    def _ocr_variants(self, folded: str) -> dict[str, float]:
        """Folded strings reachable from ``folded`` by up to ``max_edits`` OCR edits, with cost."""
        frontier = {folded: 0.0}
        reached = dict(frontier)
        for _ in range(self._max_edits):
            nxt: dict[str, float] = {}
            for form, cost in frontier.items():
                for new, step in self._one_edit(form):
                    total = cost + step
                    if total < reached.get(new, math.inf) and total < nxt.get(new, math.inf):
                        nxt[new] = total
            for form, cost in nxt.items():
                reached[form] = min(cost, reached.get(form, math.inf))
            frontier = nxt
        return {f: c for f, c in reached.items() if f in self._by_fold}

    def _one_edit(self, form: str) -> Iterable[tuple[str, float]]:
        for src, dst, where, cost in self._rules:
            if where == "start":
                if form.startswith(src):
                    yield dst + form[len(src) :], cost
            elif where == "end":
                if form.endswith(src):
                    yield form[: len(form) - len(src)] + dst, cost
            else:
                i = form.find(src)
                while i >= 0:
                    yield form[:i] + dst + form[i + len(src) :], cost
                    i = form.find(src, i + 1)
        if len(form) > 1:
            for i in range(len(form)):
                if not form[i].isdigit():  # a dropped digit would lose a number ("9thang")
                    yield form[:i] + form[i + 1 :], self._delete_cost

    # ----- public API ---------------------------------------------------------------

    def restore(self, text: str) -> str:
        """Put diacritics back on accent-free syllables of ``text``.

        Already accented words, numbers, abbreviations, punctuation and spacing
        are kept exactly; each restored letter keeps its case.

        Args:
            text: Accent-less or partly accented Vietnamese.

        Returns:
            The restored text, same length and same non-letter characters.
        """
        return self.restore_candidates(text, n=1)[0].text

    def restore_candidates(self, text: str, n: int = 2) -> list[Restoration]:
        """Return up to ``n`` readings of ``text``, best first.

        The k-th reading differs from the best only in the run of syllables where
        the model was least sure, so a caller can keep both forms when
        ``margin`` is small (e.g. below 2.0).

        Args:
            text: Accent-less or partly accented Vietnamese.
            n: Number of readings wanted (> 0).

        Returns:
            Between 1 and ``n`` :class:`Restoration` records.
        """
        if n <= 0:
            raise ValueError(f"n must be > 0, got {n}")
        text = nfc(text)
        runs = self._runs(text, ocr=False)
        return self._readings(text, runs, n)

    def repair_ocr(self, text: str) -> str:
        """Repair OCR confusions and restore diacritics in ``text``.

        Each token gets candidates from its folded form and from the OCR
        confusion rules ("Pang" -> Đảng, "1a" -> là, "s6" -> số, "ctia" -> của);
        numbers, dates and document numbers are kept unchanged.

        Args:
            text: OCR output.

        Returns:
            The repaired reading (token case pattern kept; spacing kept).
        """
        text = nfc(text)
        runs = self._runs(text, ocr=True)
        return self._readings(text, runs, 1)[0].text

    # ----- internals ----------------------------------------------------------------

    def _runs(self, text: str, *, ocr: bool) -> list[list[_Slot]]:
        protected = self._protected_spans(text, ocr=ocr)
        runs: list[list[_Slot]] = []
        current: list[_Slot] = []
        last_end = 0
        token_re = _OCR_TOKEN_RE if ocr else _WORD_RE
        for match in token_re.finditer(text):
            word = match.group(0)
            if text[last_end : match.start()].strip() and current:
                runs.append(current)
                current = []
            last_end = match.end()
            candidates: tuple = ()
            if not self._is_protected(match, text, protected):
                candidates = self._ocr_candidates(word) if ocr else self._accent_candidates(word)
            if not candidates:
                if current:
                    runs.append(current)
                    current = []
                continue
            current.append(_Slot(match.start(), match.end(), word, candidates, exact_case=not ocr))
        if current:
            runs.append(current)
        return runs

    @staticmethod
    def _protected_spans(text: str, *, ocr: bool) -> list[tuple[int, int]]:
        spans = []
        for chunk in _CHUNK_RE.finditer(text):
            if _is_protected_chunk(chunk.group(0), ocr=ocr):
                spans.append(chunk.span())
        return spans

    @staticmethod
    def _is_protected(match: re.Match, text: str, protected: list[tuple[int, int]]) -> bool:
        start, end = match.span()
        if any(s <= start and end <= e for s, e in protected):
            return True
        word = match.group(0)
        after = text[end : end + 1]
        if _ROMAN_RE.match(word) and (len(word) > 1 or after in (".", "-", ")", "–")):
            return True
        if _OCR_ROMAN_RE.match(word) and word[:1] in "IVX" and after in (".", "-", ")", "–"):
            return True
        if len(word) == 1 and word.isalpha() and after in (")", "."):
            return True  # list markers "a)", "b."
        return word.isalpha() and len(word) > 1 and is_abbreviation(word)  # "BHYT", "UBND", "TW"

    def _readings(self, text: str, runs: list[list[_Slot]], n: int) -> list[Restoration]:
        decoded = [self._decode(run, n=max(n, 2)) for run in runs]
        best_choice = [d[0][1] for d in decoded]
        best_score = sum(d[0][0] for d in decoded)
        readings = [Restoration(self._render(text, runs, best_choice), best_score, 0.0)]
        # Alternatives: swap in the runner-up of the least certain runs, one at a time.
        gaps = sorted((d[0][0] - d[1][0], i) for i, d in enumerate(decoded) if len(d) > 1 and d[1][1] != d[0][1])
        for gap, i in gaps[: n - 1]:
            choice = list(best_choice)
            choice[i] = decoded[i][1][1]
            readings.append(Restoration(self._render(text, runs, choice), best_score - gap, gap))
        return readings

    @staticmethod
    def _render(text: str, runs: list[list[_Slot]], choices: list[list[int]]) -> str:
        pieces = []
        pos = 0
        for run, choice in zip(runs, choices, strict=True):
            for slot, idx in zip(run, choice, strict=True):
                surface = slot.candidates[idx][1]
                pieces.append(text[pos : slot.start])
                pieces.append(_apply_case(slot.original, surface, exact=slot.exact_case))
                pos = slot.end
        pieces.append(text[pos:])
        return "".join(pieces)


def _is_protected_chunk(chunk: str, *, ocr: bool) -> bool:
    """True when a whitespace-delimited chunk must be kept as written.

    Document numbers and dates always are. Otherwise plain restoration keeps
    every chunk with a digit; OCR repair only those without letters or OCR
    symbols ("2026", "96%", "1-"), since "1a" or "s6" are misread words.
    """
    if _DOC_NUMBER_RE.search(chunk):
        return True
    if not any(ch.isdigit() for ch in chunk):
        return False
    if not ocr:
        return True
    return not any(ch.isalpha() or ch in _OCR_SYMBOLS for ch in chunk)


def _apply_case(original: str, surface: str, *, exact: bool) -> str:
    """Give ``surface`` (lowercase) the case pattern of ``original``."""
    if exact and len(original) == len(surface):
        return "".join(s.upper() if o.isupper() else s for o, s in zip(original, surface, strict=True))
    letters = [ch for ch in original if ch.isalpha()]
    uppers = sum(1 for ch in letters if ch.isupper())
    if len(letters) > 1 and (uppers == len(letters) or (len(letters) > 2 and uppers > len(letters) / 2)):
        return surface.upper()  # "PONG" -> "ĐỒNG", "PiCH" -> "ĐÍCH"
    if original[:1].isupper() or (original[:1] in "¢" and len(letters) > 0 and letters[0].isupper()):
        return surface[:1].upper() + surface[1:]
    return surface


def _load_confusions() -> dict:
    data = json.loads((RESOURCES_DIR / CONFUSIONS_FILE).read_text(encoding="utf-8"))
    if data.get("format") != "ocr-confusions v1":
        raise ValueError(f"Tệp {CONFUSIONS_FILE} không đúng định dạng 'ocr-confusions v1'.")
    return data


@lru_cache(maxsize=1)
def _default_restorer() -> Restorer:
    missing = [name for name in DEFAULT_MODEL_FILES if not (RESOURCES_DIR / name).exists()]
    if missing:
        raise FileNotFoundError(
            f"Thiếu tệp mô hình khôi phục dấu: {', '.join(missing)} trong {RESOURCES_DIR}. "
            "Hãy chạy: python -m ingest.build_restorer"
        )
    return Restorer.from_files(RESOURCES_DIR / name for name in DEFAULT_MODEL_FILES)


@dataclass(frozen=True)
class SyllableAccuracy:
    """Syllable accuracy of a restored text against a reference.

    Attributes:
        correct: Reference syllables read back exactly (spelling variants and case ignored).
        total: Reference syllables compared.
    """

    correct: int
    total: int

    @property
    def value(self) -> float:
        """``correct / total`` (1.0 when there is nothing to compare)."""
        return self.correct / self.total if self.total else 1.0

    def __add__(self, other: SyllableAccuracy) -> SyllableAccuracy:
        return SyllableAccuracy(self.correct + other.correct, self.total + other.total)


def syllable_accuracy(reference: str, hypothesis: str) -> SyllableAccuracy:
    """Compare the syllables of ``hypothesis`` with those of ``reference``.

    Both texts are split into whitespace-delimited chunks, which must line up
    one to one; within a chunk, words are compared by position after
    lowercasing and :func:`canonical_syllable` ("hoá" == "hóa", "tỷ" == "tỉ").
    Only reference words that are Vietnamese syllables count.

    Args:
        reference: The correct text.
        hypothesis: The restored text.

    Returns:
        A :class:`SyllableAccuracy`.

    Raises:
        ValueError: When the two texts do not have the same number of chunks.
    """
    ref_chunks = nfc(reference).split()
    hyp_chunks = nfc(hypothesis).split()
    if len(ref_chunks) != len(hyp_chunks):
        raise ValueError(f"reference has {len(ref_chunks)} chunks, hypothesis {len(hyp_chunks)}")
    correct = total = 0
    for ref, hyp in zip(ref_chunks, hyp_chunks, strict=True):
        ref_words = _WORD_RE.findall(ref)
        hyp_words = _OCR_TOKEN_RE.findall(hyp)
        for i, word in enumerate(ref_words):
            if not is_valid_syllable(word):
                continue
            total += 1
            if i < len(hyp_words) and canonical_syllable(hyp_words[i].lower()) == canonical_syllable(word.lower()):
                correct += 1
    return SyllableAccuracy(correct, total)
