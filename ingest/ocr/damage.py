"""OCR damage score of a text, and a compact Vietnamese syllable validator.

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

from ingest.vntext import nfc, split_tone

# Score above which a document is considered OCR-damaged. Clean plans score
# below 0.02, the Đồng Nai OCR file about 0.85 (see bench/restore.py).
DAMAGED_THRESHOLD = 0.3

# "p" alone starts only loanwords ("pin"); leaving it out flags OCR's "Pang" for "Đảng".
_ONSETS = frozenset("b c ch d đ g gh gi h k kh l m n ng ngh nh ph qu r s t th tr v x".split())
# Toneless rhymes (glide + nucleus + coda) in standard orthography.
_RHYMES = frozenset(
    """
    a ac ach ai am an ang anh ao ap at au ay
    ăc ăm ăn ăng ăp ăt
    âc âm ân âng âp ât âu ây
    e ec em en eng eo ep et
    ê êch êm ên ênh êp êt êu
    i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
    y yêm yên yêng yêt yêu
    o oc oi om on ong op ot oong ooc
    oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oe oen oeo oet
    ô ôc ôi ôm ôn ông ôp ôt
    ơ ơi ơm ơn ơp ơt
    u ua uc ui um un ung up ut uôc uôi uôm uôn uông uôt
    uân uâng uât uây uê uêch uênh uy uya uych uyên uyêt uynh uyt uyu uơ
    ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
    """.split()
)
_STOP_CODAS = ("c", "ch", "p", "t")
_FRONT = ("i", "e", "ê", "y")
_VOWEL_CHARS = frozenset("aăâeêioôơuưy")
_ROMAN_RE = re.compile(r"^[IVXLC]+$")
_CONSONANT_RUN_RE = re.compile(r"[^aăâeêioôơuưy]+")
_CLUSTERS = frozenset("ch gh gi kh ng ngh nh ph qu th tr".split())
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
_LETTERS_ONLY_RE = re.compile(r"^[^\W\d_]+$", re.UNICODE)
# A word mixing letters and digits the way OCR does: "1a", "s6", "d6i", "x4c".
_DIGIT_CONFUSION_RE = re.compile(r"^(?=.*[^\W\d_])(?=.*\d)[^\W_]{2,5}$", re.UNICODE)


def _split_onset(base: str) -> tuple[str, str]:
    """Split a toneless lowercase syllable into (onset, rest), longest onset first."""
    for size in (3, 2, 1):
        head = base[:size]
        if len(head) == size and head in _ONSETS:
            return head, base[size:]
    return "", base


def is_valid_syllable(word: str) -> bool:
    """True when ``word`` is a well-formed Vietnamese syllable (case-insensitive).

    Checks onset + rhyme against the orthography, the spelling rules
    (k/gh/ngh before front vowels, c/g/ng elsewhere) and the tone rule
    (syllables closed by c, ch, p, t take only sắc or nặng).

    Args:
        word: One word, any case, NFC or NFD.

    Returns:
        Whether the word can be a Vietnamese syllable.
    """
    base, tone = split_tone(nfc(word).lower())
    if not base or not _LETTERS_ONLY_RE.match(base):
        return False
    onset, rest = _split_onset(base)
    if onset == "gi" and (rest == "" or rest in _RHYMES or "i" + rest in _RHYMES):
        rhyme = rest or "i"
    elif onset == "qu":
        if rest == "" or ("u" + rest not in _RHYMES and "o" + rest not in _RHYMES):
            return False
        rhyme = "u" + rest if "u" + rest in _RHYMES else "o" + rest
    else:
        rhyme = rest
        if rhyme not in _RHYMES:
            return False
        if onset in ("k", "gh", "ngh") and not rhyme.startswith(_FRONT):
            return False
        if onset in ("c", "g", "ng") and rhyme.startswith(_FRONT):
            return False
    if rhyme.endswith(_STOP_CODAS) and tone not in (2, 5):
        return False
    return True


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
    invalid = sum(1 for w in letter_words if not is_valid_syllable(w))
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
