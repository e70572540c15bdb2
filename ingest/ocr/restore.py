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

The model is plain TSV in ``ingest/ocr/resources/`` (see :class:`NgramCounts`),
built by ``python -m ingest.ocr.build_restorer``; ``resources/restorer.json``
says how much each count file weighs and which decoder options the shipped
restorer uses (chosen on the development half of the Đồng Nai lines, see
``bench/restore.py``).

This module is the entry point and holds the decoder (:class:`Restorer`). Its
parts live in ``syllable_ngrams.py`` (counts, file format, probabilities),
``ocr_confusions.py`` (OCR edit rules), ``restore_tokens.py`` (what is kept as
written; case) and ``restore_accuracy.py`` (the syllable accuracy metric); import
them from there.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.ocr.confusions import ConfusionRules, read_confusions
from ingest.ocr.restore_tokens import OCR_TOKEN_RE, WORD_RE, apply_case, is_protected, protected_spans
from ingest.ocr.syllable_ngrams import BOS, EOS, NgramCounts, SyllableModel
from ingest.syllables import is_vietnamese_syllable
from ingest.vntext import canonical_syllable, fold_diacritics, nfc

__all__ = [
    "CONFIG_FILE",
    "CONFUSIONS_FILE",
    "DEFAULT_MODEL_FILES",
    "RESOURCES_DIR",
    "Restoration",
    "Restorer",
    "read_config",
]

RESOURCES_DIR = Path(__file__).resolve().parent / "resources"
DEFAULT_MODEL_FILES = ("syllable_ngrams_external.tsv", "syllable_ngrams_plans.tsv", "syllable_ngrams_lexicon.tsv")
CONFUSIONS_FILE = "ocr_confusions.json"
CONFIG_FILE = "restorer.json"
CONFIG_FORMAT = "restorer-config v1"
_OCR_CACHE_SIZE = 50_000


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
        case_weight: Weight of the evidence a Capitalised token gives in the
            middle of a sentence (log-probability that the reading is written
            so; names and agencies), 0 to ignore case (>= 0).
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
        case_weight: float = 0.0,
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
        if case_weight < 0:
            raise ValueError(f"case_weight must be >= 0, got {case_weight}")
        self.case_weight = case_weight
        self._model = SyllableModel(counts, backoff=backoff)
        table = confusions if confusions is not None else _load_confusions()
        self._confusions = ConfusionRules.from_table(table)
        # Candidates depend on the lowercased token only; plans repeat their words a lot.
        self._ocr_cache: dict[str, tuple[tuple[str, str, float], ...]] = {}

    # ----- construction -------------------------------------------------------------

    @classmethod
    def from_files(
        cls, paths: Iterable[str | Path], *, weights: dict[str, int] | None = None, **options
    ) -> Restorer:
        """Build a restorer from one or more count files.

        Args:
            paths: Count files (:meth:`NgramCounts.write` format); their counts are summed.
            weights: File name -> integer weight its counts are multiplied by (1 when absent).
            **options: Constructor options.
        """
        counts = NgramCounts.empty()
        for path in paths:
            file_counts = NgramCounts.read(path)
            weight = (weights or {}).get(Path(path).name, 1)
            counts = counts.merged(file_counts if weight == 1 else file_counts.scaled(weight))
        return cls(counts, **options)

    @classmethod
    def load_default(cls) -> Restorer:
        """Load the shipped model from ``ingest/ocr/resources/`` (cached per process)."""
        return _default_restorer()

    # ----- decoding -----------------------------------------------------------------

    def _decode(self, slots: list[_Slot], n: int = 1) -> list[tuple[float, list[int]]]:
        """Beam Viterbi over one run of slots; returns up to ``n`` (score, choice indices)."""
        log_prob = self._model.log_prob
        beam: dict[tuple[str, str], tuple[float, tuple]] = {(BOS, BOS): (0.0, ())}
        for slot in slots:
            expanded: dict[tuple[str, str], tuple[float, tuple]] = {}
            for (p2, p1), (score, back) in beam.items():
                for idx, (canon, _, penalty) in enumerate(slot.candidates):
                    s = score + log_prob(p2, p1, canon) - self.edit_weight * penalty
                    key = (p1, canon)
                    if key not in expanded or s > expanded[key][0]:
                        expanded[key] = (s, (back, idx))
            beam = dict(heapq.nlargest(self.beam_width, expanded.items(), key=lambda kv: kv[1][0]))
        finals = sorted(
            ((score + log_prob(p2, p1, EOS), back) for (p2, p1), (score, back) in beam.items()),
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
            return ((canonical_syllable(lower), lower, 0.0),) if is_vietnamese_syllable(lower, loanword_p=False) else ()
        options = self._model.by_fold.get(lower, ())
        return tuple((c, s, 0.0) for c, s in options[: self.max_candidates])

    def _ocr_candidates(self, token: str) -> tuple[tuple[str, str, float], ...]:
        lower = token.lower()
        cached = self._ocr_cache.get(lower)
        if cached is None:
            if len(self._ocr_cache) >= _OCR_CACHE_SIZE:  # OCR junk is unbounded; keep memory flat
                self._ocr_cache.clear()
            cached = self._ocr_cache[lower] = self._ocr_candidates_uncached(lower)
        return cached

    def _ocr_candidates_uncached(self, lower: str) -> tuple[tuple[str, str, float], ...]:
        folded = fold_diacritics(lower)
        best: dict[str, tuple[float, str]] = {}
        # A token that already reads as a syllable is edited only on strong evidence.
        surcharge = self.valid_edit_surcharge if folded in self._model.by_fold else 0.0
        for variant, cost in self._confusions.variants(folded, self._model.by_fold).items():
            cost = cost + surcharge if variant != folded else cost
            for canon, surface in self._model.by_fold.get(variant, ())[: self.max_candidates]:
                if canon not in best or cost < best[canon][0]:
                    best[canon] = (cost, surface)
        if is_vietnamese_syllable(lower, loanword_p=False) and lower != folded:
            canon = canonical_syllable(lower)
            if canon in best:  # the scan's own accents are weak evidence: a small bonus
                best[canon] = (best[canon][0] - 0.1, best[canon][1])
        ranked = sorted(best.items(), key=lambda kv: (kv[1][0], -self._model.unigram(kv[0])))
        return tuple((c, s, cost) for c, (cost, s) in ranked[: self.max_candidates * 2])

    def _with_case_evidence(self, candidates: tuple) -> tuple:
        """Add the cost of reading a mid-sentence Capitalised token as each candidate."""
        scale = self.case_weight / self.edit_weight if self.edit_weight else self.case_weight
        return tuple(
            (canon, surface, penalty - scale * self._model.capital_log_prob(canon))
            for canon, surface, penalty in candidates
        )

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
        protected = protected_spans(text, ocr=ocr)
        runs: list[list[_Slot]] = []
        current: list[_Slot] = []
        last_end = 0
        token_re = OCR_TOKEN_RE if ocr else WORD_RE
        for match in token_re.finditer(text):
            word = match.group(0)
            if text[last_end : match.start()].strip() and current:
                runs.append(current)
                current = []
            last_end = match.end()
            candidates: tuple = ()
            if not is_protected(match, text, protected):
                candidates = self._ocr_candidates(word) if ocr else self._accent_candidates(word)
                if ocr and self.case_weight and _capitalised_mid_sentence(text, match.start(), word):
                    candidates = self._with_case_evidence(candidates)
            if not candidates:
                if current:
                    runs.append(current)
                    current = []
                continue
            current.append(_Slot(match.start(), match.end(), word, candidates, exact_case=not ocr))
        if current:
            runs.append(current)
        return runs

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
                pieces.append(apply_case(slot.original, surface, exact=slot.exact_case))
                pos = slot.end
        pieces.append(text[pos:])
        return "".join(pieces)


def _capitalised_mid_sentence(text: str, start: int, word: str) -> bool:
    """True when ``word`` (at ``start`` of ``text``) is Capitalised and follows a word or a comma."""
    letters = [ch for ch in word if ch.isalpha()]
    if not letters or not letters[0].isupper() or sum(ch.isupper() for ch in letters) > 1:
        return False
    i = start - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i >= 0 and (text[i].isalnum() or text[i] == ",")


def _load_confusions() -> dict:
    return read_confusions(RESOURCES_DIR / CONFUSIONS_FILE)


def read_config(path: Path = RESOURCES_DIR / CONFIG_FILE) -> dict:
    """Read ``restorer.json``: ``counts`` (file name -> weight) and decoder ``options``.

    Fails in words when the format is not ``restorer-config v1``.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != CONFIG_FORMAT:
        raise ValueError(f"Tệp {path.name} không đúng định dạng '{CONFIG_FORMAT}'.")
    return data


@lru_cache(maxsize=1)
def _default_restorer() -> Restorer:
    missing = [name for name in DEFAULT_MODEL_FILES if not (RESOURCES_DIR / name).exists()]
    if missing:
        raise FileNotFoundError(
            f"Thiếu tệp mô hình khôi phục dấu: {', '.join(missing)} trong {RESOURCES_DIR}. "
            "Hãy chạy: python -m ingest.ocr.build_restorer"
        )
    config = read_config()
    return Restorer.from_files(
        (RESOURCES_DIR / name for name in DEFAULT_MODEL_FILES), weights=config["counts"], **config["options"]
    )
