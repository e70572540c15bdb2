"""OCR damage score of a text.

A clean Vietnamese plan is made almost only of valid syllables, most of them
carrying a diacritic. OCR output such as the Đồng Nai plan ("bao hiém y té",
"Pang", "1a", "ty 1é") shows three symptoms, each measured here:

- syllables that break Vietnamese phonotactics ("hiém": "iê" cannot be written
  "ié" without its circumflex; "ctia", "Pang");
- accent-free syllables among letter-only words ("bao", "toan", "dan");
- letters confused with digits inside a word ("1a", "s6", "d6i", "x4").

:func:`score_damage` combines them into one score in [0, 1];
:data:`DAMAGED_THRESHOLD` is the score above which a document is treated as
damaged and gets a repaired reading (see ingest/ocr/restore.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.syllables import is_vietnamese_syllable
from ingest.vntext import nfc, split_tone

# Score above which a document is considered OCR-damaged. Clean plans score
# below 0.02, the Đồng Nai OCR file about 0.85 (see bench/restore.py).
DAMAGED_THRESHOLD = 0.3

_VOWEL_CHARS = frozenset("aăâeêioôơuưy")
_ROMAN_RE = re.compile(r"^[IVXLC]+$")
_CONSONANT_RUN_RE = re.compile(r"[^aăâeêioôơuưy]+")
_CLUSTERS = frozenset("ch gh gi kh ng ngh nh ph qu th tr".split())
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
_LETTERS_ONLY_RE = re.compile(r"^[^\W\d_]+$", re.UNICODE)
# A word mixing letters and digits the way OCR does: "1a", "s6", "d6i", "x4c".
_DIGIT_CONFUSION_RE = re.compile(r"^(?=.*[^\W\d_])(?=.*\d)[^\W_]{2,5}$", re.UNICODE)


@dataclass(frozen=True)
class DamageReport:
    """How OCR-damaged a text looks.

    Attributes:
        score: Combined damage score in [0, 1] (0 = clean).
        invalid_share: Share of letter-only words that are not valid syllables.
        accentless_share: Share of letter-only words without any diacritic.
        digit_confusions: Number of words mixing letters and digits ("1a", "s6").
        syllables: Number of words examined (letters or letters+digits).
    """

    score: float
    invalid_share: float
    accentless_share: float
    digit_confusions: int
    syllables: int

    @property
    def damaged(self) -> bool:
        """True when :attr:`score` exceeds :data:`DAMAGED_THRESHOLD`."""
        return self.score > DAMAGED_THRESHOLD


def score_damage(text: str) -> DamageReport:
    """Measure OCR damage of ``text``.

    The score weighs invalid syllables most (clean text has almost none), then
    the excess of accent-free syllables over what clean Vietnamese shows
    (12-15% of syllables in the clean plans carry no mark), then digit confusions.

    Args:
        text: Any text; NFC is applied first.

    Returns:
        A :class:`DamageReport`; an empty text scores 0.
    """
    words = _WORD_RE.findall(nfc(text))
    letter_words = [w for w in words if _LETTERS_ONLY_RE.match(w)]
    letter_words = [w for w in letter_words if not is_abbreviation(w)]
    confusions = sum(1 for w in words if _DIGIT_CONFUSION_RE.match(w) and not w.isdigit())
    total = len(letter_words) + confusions
    if total == 0:
        return DamageReport(0.0, 0.0, 0.0, 0, 0)
    invalid = sum(1 for w in letter_words if not is_vietnamese_syllable(w, loanword_p=False))
    accentless = sum(1 for w in letter_words if _is_plain_ascii(w))
    invalid_share = invalid / max(len(letter_words), 1)
    accentless_share = accentless / max(len(letter_words), 1)
    confusion_share = confusions / total
    # Clean plans have 12-15% unmarked syllables; only the excess signals damage.
    accentless_excess = max(0.0, accentless_share - 0.25) / 0.75
    score = 1.2 * invalid_share + 0.5 * accentless_excess + 3.0 * confusion_share
    return DamageReport(
        score=round(min(1.0, score), 4),
        invalid_share=round(invalid_share, 4),
        accentless_share=round(accentless_share, 4),
        digit_confusions=confusions,
        syllables=total,
    )


def _is_plain_ascii(word: str) -> bool:
    """True when ``word`` has no Vietnamese diacritic and no đ."""
    return word.isascii()


def is_abbreviation(word: str) -> bool:
    """True for words that are not meant as syllables: "BHYT", "UBND", "III", list marker "b".

    Args:
        word: One letters-only word.

    Returns:
        Whether the word is an abbreviation, a Roman numeral or a lone consonant.
    """
    if len(word) == 1:
        return word.lower() not in _VOWEL_CHARS and split_tone(word.lower())[0] not in _VOWEL_CHARS
    if _ROMAN_RE.match(word):
        return True
    if not word.isupper():
        return False
    # All-caps words whose only vowel is Y or none ("BHYT", "TW", "HĐND"), or with a
    # consonant cluster no syllable has ("UBND", "KCB"); "PONG" stays a (damaged) syllable.
    base = split_tone(word.lower())[0]
    if not any(ch in _VOWEL_CHARS - {"y"} for ch in base):
        return True
    return any(run not in _CLUSTERS for run in _CONSONANT_RUN_RE.findall(base) if len(run) > 1)
