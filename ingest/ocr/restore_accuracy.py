"""How well a text was restored: syllable accuracy against a reference.

Used by the restorer's tests and ``bench/restore.py`` to measure diacritic
restoration and OCR repair on held-out text. :func:`is_development_line` is the
one split of a line-aligned reference into a development half (errors may be
read there) and a held-out half (only aggregate numbers are read).
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.ocr.restore_tokens import OCR_TOKEN_RE, WORD_RE
from ingest.syllables import is_vietnamese_syllable
from ingest.vntext import canonical_spelling, canonical_syllable, nfc


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


#: Lines of a reference are split in blocks of this many: even blocks develop, odd blocks are held out.
SPLIT_BLOCK = 10


def is_development_line(index: int) -> bool:
    """True when line ``index`` (0-based) of a line-aligned reference is in the development half.

    Blocks of :data:`SPLIT_BLOCK` lines alternate, so both halves hold header,
    body and closing text; the held-out half is the odd blocks.
    """
    return (index // SPLIT_BLOCK) % 2 == 0


def _capitalised(word: str) -> bool:
    """A word written Capitalised (not in all capitals): names, agencies, sentence starts."""
    return word[:1].isupper() and (len(word) == 1 or not word[1:].isupper())


def syllable_accuracy(reference: str, hypothesis: str, *, capitalised_only: bool = False) -> SyllableAccuracy:
    """Compare the syllables of ``hypothesis`` with those of ``reference``.

    Both texts are split into whitespace-delimited chunks, which must line up
    one to one; within a chunk, words are compared by position after
    lowercasing and :func:`canonical_syllable` ("hoá" == "hóa", "tỷ" == "tỉ").
    Only reference words that are Vietnamese syllables count. A chunk read
    back exactly ("38-CT/TU") is right as a whole, whatever its digits.

    Args:
        reference: The correct text.
        hypothesis: The restored text.
        capitalised_only: Count only reference syllables written Capitalised
            ("Hạnh", "Ban", "Đảng"): names and agency words, where errors cost most.

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
        ref_words = WORD_RE.findall(ref)
        # Digits split the reference's words but belong to the hypothesis's tokens ("s6"):
        # a chunk read back exactly must not be scored by shifted positions.
        same_chunk = canonical_spelling(ref.lower()) == canonical_spelling(hyp.lower())
        hyp_words = ref_words if same_chunk else OCR_TOKEN_RE.findall(hyp)
        for i, word in enumerate(ref_words):
            if not is_vietnamese_syllable(word, loanword_p=False) or (capitalised_only and not _capitalised(word)):
                continue
            total += 1
            if i < len(hyp_words) and canonical_syllable(hyp_words[i].lower()) == canonical_syllable(word.lower()):
                correct += 1
    return SyllableAccuracy(correct, total)
