"""What a question asks for: its type, its content words, money amounts, places.

The question type is read from general Vietnamese question wording, matched
on the accent-free form (``ingest.vntext.folded_form``) so "bao nhieu" and
"bao nhiêu" read the same:

- ``target``: bao nhiêu, tỷ lệ, mục tiêu, chỉ tiêu, đạt, phần trăm
- ``responsibility``: ai, cơ quan nào, đơn vị nào, chủ trì, chịu trách nhiệm, phối hợp
- ``deadline``: khi nào, thời hạn, trước ngày, thời gian, bao giờ
- ``list``: những nhiệm vụ, giải pháp nào, gồm những gì, liệt kê
- ``funding``: kinh phí, nguồn, ngân sách
- ``compare``: so sánh, nơi nào cao nhất, các địa phương, khác nhau
- ``other``: none of the above

Cues that are question words ("bao nhiêu", "ai", "khi nào", "nơi nào") weigh
more than topic words ("mục tiêu", "ngân sách"), so "Ai chủ trì việc đạt mục
tiêu?" is a responsibility question, not a target one.

:func:`named_places` finds the provinces, cities, communes and wards a question
names (whether or not a plan for them was ingested), so the answerer can tell
"the plans do not cover xã Ia Grai" from "the plans do not say".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.localities import detect_localities
from index.tokens import ABBREVIATIONS, CASE_SENSITIVE_ABBREVIATIONS, COMPOSITIONAL_ABBREVIATIONS
from ingest.model import DocumentMeta
from ingest.places import places_in_question
from ingest.vntext import canonical_spelling, folded_form, is_accentless, nfc

INTENT_KINDS: tuple[str, ...] = ("target", "responsibility", "deadline", "list", "funding", "compare", "other")

# (kind, folded cue, weight). Question words weigh 3, topic words 1.
_CUES: tuple[tuple[str, str, int], ...] = (
    ("compare", "so sanh", 4),
    ("compare", "noi nao", 4),
    ("compare", "dia phuong nao", 4),
    ("compare", "tinh nao", 4),
    ("compare", "cac dia phuong", 3),
    ("compare", "cac tinh", 3),
    ("compare", "cac ke hoach", 2),
    ("compare", "khac nhau", 3),
    ("compare", "giong nhau", 3),
    ("compare", "cao nhat", 3),
    ("compare", "thap nhat", 3),
    ("compare", "nhieu nhat", 2),
    ("deadline", "khi nao", 3),
    ("deadline", "bao gio", 3),
    ("deadline", "luc nao", 3),
    ("deadline", "thoi han", 3),
    ("deadline", "han chot", 3),
    ("deadline", "truoc ngay", 3),
    ("deadline", "ngay nao", 3),
    ("deadline", "thoi diem nao", 3),
    ("deadline", "thoi gian", 1),
    ("deadline", "dinh ky", 1),
    ("responsibility", "ai", 3),
    ("responsibility", "co quan nao", 3),
    ("responsibility", "don vi nao", 3),
    ("responsibility", "so nao", 3),
    ("responsibility", "nganh nao", 3),
    ("responsibility", "chu tri", 2),
    ("responsibility", "chiu trach nhiem", 2),
    ("responsibility", "trach nhiem", 1),
    ("responsibility", "phoi hop", 1),
    ("responsibility", "giao cho", 2),
    ("responsibility", "duoc giao", 1),
    ("responsibility", "co quan", 1),
    ("funding", "kinh phi", 3),
    ("funding", "ngan sach", 2),
    ("funding", "nguon", 2),
    ("funding", "tai chinh", 1),
    ("funding", "chi phi", 1),
    ("funding", "lay tien", 3),
    ("funding", "tien o dau", 3),
    ("funding", "tien tu dau", 3),
    ("funding", "nguon nao", 3),
    ("target", "bao nhieu", 3),
    ("target", "ty le", 2),
    ("target", "ti le", 2),
    ("target", "muc tieu", 2),
    ("target", "chi tieu", 2),
    ("target", "phan tram", 2),
    ("target", "dat", 1),
    ("target", "%", 2),
    ("list", "nhung nhiem vu", 4),
    ("list", "nhiem vu nao", 4),
    ("list", "giai phap nao", 4),
    ("list", "nhung giai phap", 4),
    ("list", "gom nhung", 4),
    ("list", "nhung gi", 3),
    ("list", "nhung noi dung", 4),
    ("list", "noi dung nao", 4),
    ("list", "liet ke", 4),
    ("list", "cac nhiem vu", 2),
    ("list", "cac giai phap", 2),
    ("list", "nhiem vu", 1),
    ("list", "giai phap", 1),
    ("list", "giai phap gi", 4),
    ("list", "bien phap gi", 4),
    ("list", "bien phap nao", 4),
    ("list", "lam gi de", 4),
    ("list", "bien phap", 1),
)
# Ties go to the earlier kind in this order.
_PRIORITY = ("compare", "deadline", "responsibility", "funding", "target", "list", "other")

# Words that carry no content for matching a question to a sentence.
STOPWORDS: frozenset[str] = frozenset(folded_form(w) for w in """
    và của các cho là có không được những một này đó thì mà với về theo trong trên tại từ đến
    như nào gì ai nhiêu khi sao thế hay hoặc hãy xin vui lòng cho biết biết ở nơi đâu vào tới
    năm đạt việc gồm do bởi nêu ra phải cần đã sẽ đang nhằm để hơn nhất ạ vậy thì
    kế hoạch địa phương tỉnh thành phố tp huyện quy định
""".split())

_STOP_PHRASE_RE = re.compile(r"(?<!\w)(?:bao nhieu|nhu the nao|the nao|la gi|cho biet|khi nao|bao gio|o dau|"
                             r"phai khong|co khong|hay khong|dieu gi|cai gi|viec gi)(?!\w)")

_MONEY_RE = re.compile(r"\b(?:bao nhieu (?:dong|tien)|(?:trieu|ty|ti|nghin|ngan) dong|so tien|muc tien)\b")
_DOC_NUMBER_RE = re.compile(r"\b\d{1,4}\s*[-/]\s*[A-ZĐ]{1,6}(?:\s*/\s*[A-ZĐ]{1,6})*\b|\b\d{1,4}/\d{4}/[A-ZĐ\-]+\b")
# Typed in lowercase ("nghi quyet 25/2025/nq-hdnd"): only shapes with a slash count as a document number.
_LOWER_DOC_NUMBER_RE = re.compile(r"\b\d{1,4}\s*-\s*[a-zđ]{1,6}\s*/\s*[a-zđ]{1,6}\b|\b\d{1,4}/\d{4}/[a-zđ\-]+\b")
_TOKEN_RE = re.compile(r"[^\W_]+(?:[.,][0-9]+)*%?", re.UNICODE)

# Spelled-out folded form -> folded abbreviation, from the one table (index/tokens.py):
# "bao hiem y te" is one question term "bhyt".
_CONTRACTIONS = {
    " ".join(_TOKEN_RE.findall(folded_form(expansions[0]))): folded_form(abbr)
    for abbr, expansions in ABBREVIATIONS.items()
    if abbr not in CASE_SENSITIVE_ABBREVIATIONS and abbr not in COMPOSITIONAL_ABBREVIATIONS
}
_CONTRACT_RE = re.compile(r"(?<!\w)(?:" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in _CONTRACTIONS)
                          + r")(?!\w)")


@dataclass(frozen=True)
class QuestionIntent:
    """What a question asks for.

    Attributes:
        kind: One of :data:`INTENT_KINDS`.
        cues: The folded cue phrases that decided ``kind``.
        wants_amount: True when the question asks for a sum of money ("bao nhiêu đồng").
        doc_numbers: Document numbers the question names ("72-NQ/TW"), as written.
        wants_duties: True when the question asks what someone must do
            ("Sở Tài chính có nhiệm vụ gì?", "chi bộ thôn phải làm gì?").
        duty_subject: The folded words naming who ("so tai chinh"), "" when none.
        about_plan: What the question asks about the plan document itself:
            "number" (số hiệu), "date" (ngày ban hành/ký), "issuer" (cơ quan ban hành) or "".
        years: Years the question names ("2026", "2030").
        focus_noun: A kind of named institution the question asks to be named
            ("bệnh viện nào", "trường nào"), folded; "" when none.
        asks_current: True when the question asks for the present state
            ("hiện nay đã đạt bao nhiêu"), not for a target.
    """

    kind: str
    cues: tuple[str, ...] = ()
    wants_amount: bool = False
    doc_numbers: tuple[str, ...] = ()
    wants_duties: bool = False
    duty_subject: str = ""
    about_plan: str = ""
    years: tuple[str, ...] = ()
    focus_noun: str = ""
    asks_current: bool = False

    def __post_init__(self) -> None:
        if self.kind not in INTENT_KINDS:
            raise ValueError(f"kind must be one of {INTENT_KINDS}, got {self.kind!r}")


def _cue_found(cue: str, folded: str) -> bool:
    if cue == "%":
        return "%" in folded
    return re.search(rf"(?<![\w]){re.escape(cue)}(?![\w])", folded) is not None


def detect_intent(question: str, *, places: Sequence[str] | None = None) -> QuestionIntent:
    """Return the type of ``question`` from its wording (accent-insensitive).

    Args:
        question: The question as the user typed it (accents optional).
        places: The places it names, when already found (:func:`named_places`).

    Returns:
        A :class:`QuestionIntent`; ``kind`` is "other" when no cue matches.
    """
    folded = folded_form(question)
    scores: dict[str, int] = {}
    cues: dict[str, list[str]] = {}
    for kind, cue, weight in _CUES:
        if _cue_found(cue, folded):
            scores[kind] = scores.get(kind, 0) + weight
            cues.setdefault(kind, []).append(cue)
    wants_amount = _asks_for_amount(question, named_places(question) if places is None else places)
    if wants_amount:
        scores["funding"] = scores.get("funding", 0) + 2
    if not scores:
        kind = "other"
    else:
        best = max(scores.values())
        kind = next(k for k in _PRIORITY if scores.get(k) == best)
    duty = _DUTY_RE.search(folded)
    subject = ""
    if duty:
        subject = _SUBJECT_LEAD_RE.sub("", folded[:duty.start()]).strip(" ,.?")
    return QuestionIntent(kind=kind, cues=tuple(cues.get(kind, ())), wants_amount=wants_amount,
                          doc_numbers=_doc_numbers(nfc(question)),
                          wants_duties=duty is not None, duty_subject=subject, about_plan=_about_plan(folded),
                          years=tuple(dict.fromkeys(re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", folded))),
                          focus_noun=_focus_noun(nfc(question), folded),
                          asks_current=_CURRENT_RE.search(folded) is not None)


# Institutions a plan-level document rarely names one by one: "Bệnh viện nào ...?".
_FOCUS_RE = re.compile(r"(?<!\w)(benh vien|phong kham|co so kham chua benh|truong hoc|truong|cong ty|doanh nghiep|"
                       r"nha thuoc|ngan hang) nao(?!\w)")
# "Bệnh viện Chợ Rẫy ...": one named institution (a capitalised name follows the noun).
_NAMED_INSTITUTION_RE = re.compile(r"(?<!\w)(Bệnh viện|Phòng khám|Trường|Công ty|Nhà thuốc|Ngân hàng)\s+[A-ZĐÀ-Ỹ]",
                                   re.IGNORECASE)


def _focus_noun(text: str, folded: str) -> str:
    """The institution kind a question wants named ("benh vien"), from "X nào" or "X <Tên riêng>"."""
    asked = _FOCUS_RE.search(folded)
    if asked:
        return asked.group(1)
    for match in _NAMED_INSTITUTION_RE.finditer(text):
        after = text[match.end() - 1]
        if after.isupper():  # a proper name, not "trường học" / "bệnh viện tuyến xã"
            return folded_form(match.group(1))
    return ""


# The present state, not a target: "hiện nay đã đạt", "đến nay", "hiện tại".
_CURRENT_RE = re.compile(r"(?<!\w)(?:hien nay|hien tai|den nay|tinh den nay|thuc te da dat)(?!\w)")


# "X có nhiệm vụ gì", "X phải làm gì", "X có vai trò gì", "X được giao những việc gì".
_DUTY_RE = re.compile(r"(?<!\w)(?:co |duoc giao |phai |can |se )?(?:nhung )?(?:nhiem vu|trach nhiem|vai tro|viec|lam)"
                      r"(?: cu the)? gi(?!\w)")
# Leading words before the subject: "theo kế hoạch của Huế, ...", "ở Huế, ...".
_SUBJECT_LEAD_RE = re.compile(r"^.*?(?:theo ke hoach(?: cua [^,]+)?|trong ke hoach(?: cua [^,]+)?),\s*")
# Questions about the plan document itself, not its content.
_PLAN_DOC_RE = re.compile(r"(?<!\w)(?:ke hoach|van ban)(?!\w)")
_ABOUT_PLAN: tuple[tuple[str, re.Pattern], ...] = (
    ("number", re.compile(r"(?<!\w)(?:so hieu|so may|so bao nhieu|mang so|ky hieu|so van ban)(?!\w)")),
    ("date", re.compile(r"(?<!\w)(?:ban hanh|ky|ky ban hanh|duoc ky)(?: vao)? (?:ngay|thoi gian|luc) nao(?!\w)|"
                        r"(?<!\w)ngay ban hanh(?!\w)|(?<!\w)ngay ky(?!\w)")),
    ("issuer", re.compile(r"(?<!\w)(?:co quan|ai|don vi) (?:nao )?ban hanh(?!\w)|(?<!\w)ai ky(?!\w)")),
)


# The plans' own words for what a plainly worded question asks: "lấy tiền ở đâu" is about "kinh phí".
_PLAN_WORDS_FOR: dict[str, str] = {"lay tien": "kinh phí nguồn", "tien o dau": "kinh phí nguồn",
                                   "tien tu dau": "kinh phí nguồn", "nguon nao": "kinh phí nguồn"}


def retrieval_query(question: str, intent: QuestionIntent) -> str:
    """The question with the plans' term for what it asks, when the user worded it plainly.

    Only a plain phrasing cue ("lấy tiền ở đâu") adds words; only retrieval and
    term matching see this form, the answer is about the question as asked.
    """
    words = next((_PLAN_WORDS_FOR[c] for c in intent.cues if c in _PLAN_WORDS_FOR), "")
    if not words or all(w in folded_form(question).split() for w in folded_form(words).split()):
        return question
    return f"{question} ({words})"


def _doc_numbers(text: str) -> tuple[str, ...]:
    """Document numbers a question names, as written (upper-cased when typed in lowercase)."""
    found = [m.group(0).replace(" ", "") for m in _DOC_NUMBER_RE.finditer(text)]
    found += [m.group(0).replace(" ", "").upper() for m in _LOWER_DOC_NUMBER_RE.finditer(text)]
    return tuple(dict.fromkeys(found))


def _about_plan(folded: str) -> str:
    """"number", "date" or "issuer" when the question asks about the plan document itself."""
    if not _PLAN_DOC_RE.search(folded):
        return ""
    for what, pattern in _ABOUT_PLAN:
        if pattern.search(folded):
            return what
    return ""


def _asks_for_amount(question: str, places: Sequence[str]) -> bool:
    """True when the question asks for money: "bao nhiêu đồng", "mấy triệu đồng".

    With accents, "đồng" (money) is told apart from "đóng" (to pay in); without
    accents only the unambiguous phrasings count.
    """
    text = nfc(question)
    for place in places:  # "Đồng Nai", "Lâm Đồng" are not money
        text = re.sub(re.escape(place), " ", text, flags=re.IGNORECASE)
    if not is_accentless(text):
        # Case-sensitive: a capital "Đồng" starts a name, not an amount.
        return re.search(r"\b(?:đồng|tiền|triệu|tỷ đồng|tỉ đồng|nghìn đồng)\b", text) is not None and \
            re.search(r"\b(?:bao nhiêu|mấy|mức|số)\b", text.lower()) is not None
    return _MONEY_RE.search(folded_form(text)) is not None


def content_terms(text: str) -> list[str]:
    """Folded content words of ``text`` (abbreviations spelled out, stopwords dropped).

    Question phrases ("bao nhiêu", "như thế nào") go first, so "bao" of
    "bảo hiểm" and "bao phủ" is kept. Spelled-out forms are contracted to their
    abbreviation ("bảo hiểm y tế" -> "bhyt"), so "BHYT" and "bảo hiểm y tế" are
    one term of weight one, not four. Numbers keep their decimal comma ("99,3");
    "%" stays attached.
    """
    folded = _STOP_PHRASE_RE.sub(" ", folded_form(canonical_spelling(text)))
    folded = _CONTRACT_RE.sub(lambda m: _CONTRACTIONS[" ".join(m.group(0).split())], folded)
    return [token for token in _TOKEN_RE.findall(folded) if token not in STOPWORDS]


def named_places(question: str) -> tuple[str, ...]:
    """Places ``question`` names, in order, as answers name them: "Lào Cai", "xã Ia Grai".

    Found by :func:`ingest.places.places_in_question`: a province or city by its name (written
    as a name, after a place word, or phone-typed), a commune or ward only with its level word
    ("xã Ia Grai", "xa ia grai"), with its province when the question names it ("xã Tân Phú,
    tỉnh Đồng Nai"); "nâng cao bằng cách" names no place.
    """
    return tuple(dict.fromkeys(mention.label for mention in places_in_question(question)))


@dataclass(frozen=True)
class QuestionReading:
    """A question read once, by :func:`read_question`, and passed down to the answerers.

    Attributes:
        text: The question, NFC.
        intent: What it asks for.
        query: The form retrieval and term matching see (:func:`retrieval_query`).
        places: Provinces, cities, communes and wards it names, with accents ("Lào Cai", "xã Ia Grai";
            :func:`named_places`).
        localities: Localities of the indexed plans it names (``index/localities.py``).
    """

    text: str
    intent: QuestionIntent
    query: str
    places: tuple[str, ...]
    localities: tuple[str, ...]


def read_question(question: str, documents: Sequence[DocumentMeta] = ()) -> QuestionReading:
    """Read ``question`` once: its intent, retrieval form, the places and indexed localities it names.

    Args:
        question: The (guarded) question.
        documents: Metadata of the indexed plans (none: no locality is matched).
    """
    text = nfc(question)
    places = named_places(text)
    intent = detect_intent(text, places=places)
    localities = tuple(detect_localities(text, list(documents))) if documents else ()
    return QuestionReading(text, intent, retrieval_query(text, intent), places, localities)
