"""Is this Vietnamese? The one phonotactic syllable check, and the share of valid syllables in a text.

:func:`vietnamese_score` is how the decoder tells a right guess of a file's
encoding from mojibake, and how legacy-font runs inside Unicode text are
recognised: clean Vietnamese prose scores about 0.9, mojibake, OCR damage and
other languages much lower.
"""

from __future__ import annotations

import re
import string
from functools import cache

from ingest.vntext import nfc, split_tone

# "p" alone starts only loanwords ("pin", "pa-nô"); OCR checks leave it out to flag "Pang" for "Đảng".
_ONSETS = frozenset("b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x".split())
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
_FRONT = ("i", "e", "ê", "y")  # k, gh, ngh only before these; c, g, ng never (g + i is "gi")
_LETTERS_ONLY_RE = re.compile(r"^[^\W\d_]+$", re.UNICODE)


def _split_onset(base: str) -> tuple[str, str]:
    """Split a toneless lowercase syllable into (onset, rest), longest onset first."""
    for size in (3, 2, 1):
        head = base[:size]
        if len(head) == size and head in _ONSETS:
            return head, base[size:]
    return "", base


@cache
def is_vietnamese_syllable(word: str, *, loanword_p: bool = True) -> bool:
    """True when ``word`` is a well-formed Vietnamese syllable (case-insensitive).

    Checks onset + rhyme against the orthography, the spelling rules
    (k/gh/ngh before front vowels, c/g/ng elsewhere) and the tone rule
    (syllables closed by c, ch, p, t take only sắc or nặng).

    Args:
        word: One word, any case, NFC or NFD.
        loanword_p: Accept the onset "p" alone, which only loanwords have
            ("pin"). OCR damage checks pass False, so "Pang" (for "Đảng") fails.

    Returns:
        Whether the word can be a Vietnamese syllable.
    """
    base, tone = split_tone(nfc(word).lower())
    if not base or not _LETTERS_ONLY_RE.match(base):
        return False
    onset, rest = _split_onset(base)
    if onset == "p" and not loanword_p:
        return False
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


#: A word-ish token: anything between whitespace, hyphens and slashes.
TOKEN_RE = re.compile(r"[^\s\-/]+")
_STRIP = string.punctuation + "“”‘’…–—"


def scored_words(text: str) -> list[str]:
    """Whitespace tokens with surrounding punctuation removed; tokens with digits are skipped."""
    words = []
    for token in TOKEN_RE.findall(text):
        word = token.strip(_STRIP)
        # ASCII digits only: "¹" and "²" are TCVN3 letters (ạ, ẳ... ) that str.isdigit accepts.
        if word and not any("0" <= char <= "9" for char in word):
            words.append(word)
    return words


def vietnamese_score(text: str) -> float:
    """Share of the words of ``text`` that are valid Vietnamese syllables (0.0 when none).

    Clean Vietnamese prose scores about 0.9 (acronyms and foreign names count
    against it); mojibake, OCR damage and other languages score much lower.
    """
    words = scored_words(text)
    if not words:
        return 0.0
    return sum(is_vietnamese_syllable(word) for word in words) / len(words)
