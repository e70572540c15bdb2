"""What a question asks for: its type, its content words, money amounts, places.

The question type is read from general Vietnamese question wording: interrogatives
("bao nhiêu", "ai", "khi nào", "<noun> nào") and the topic words of each kind. Nothing
here is taken from a question file: every cue is a closed class of Vietnamese
question words or of the plans' own topic words, built from the noun classes below.

- ``target``: bao nhiêu, tỷ lệ, mục tiêu, chỉ tiêu, đạt, phần trăm
- ``responsibility``: ai, <cơ quan | đơn vị | sở | ngành | bên | tổ chức> nào, chủ trì, chịu trách nhiệm, phối hợp
- ``deadline``: khi nào, bao giờ, <lúc | ngày | thời điểm> nào, thời hạn, hạn chót, trước ngày
- ``list``: những/các <nhiệm vụ | giải pháp | biện pháp | nội dung>, <...> nào, gồm những, liệt kê
- ``funding``: kinh phí, ngân sách, nguồn (nào), tiền
- ``compare``: so sánh, <nơi | địa phương | tỉnh> nào, khác nhau, cao nhất
- ``other``: none of the above

A cue is matched on the accented form (``ingest.vntext.search_form``) when the
question has accents, so "nguồn lực nào" is not "lúc nào" and "đặt" is not "đạt";
an accent-less question is matched on the folded form, so "bao nhieu" reads as
"bao nhiêu". Cues that are question words weigh more than topic words
("mục tiêu", "ngân sách"), so "Ai chủ trì việc đạt mục tiêu?" is a
responsibility question, not a target one.

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
from ingest.vntext import canonical_spelling, folded_form, is_accentless, nfc, search_form

INTENT_KINDS: tuple[str, ...] = ("target", "responsibility", "deadline", "list", "funding", "compare", "other")

# Noun classes a "<noun> nào" question word is built from, by what the answer names.
_WHICH_PLACE = ("nơi", "địa phương", "tỉnh")
_WHICH_BODY = ("cơ quan", "đơn vị", "sở", "ngành", "bên", "tổ chức")
_WHICH_TIME = ("lúc", "ngày", "thời điểm")
# What a plan enumerates: a question about several of them asks for a list.
_LISTED = ("nhiệm vụ", "giải pháp", "biện pháp", "nội dung")


def _which(nouns: Sequence[str]) -> tuple[str, ...]:
    return tuple(f"{noun} nào" for noun in nouns)


# (kind, cue as written with accents, weight). Question words weigh 3-4, topic words 1-2.
_CUES: tuple[tuple[str, str, int], ...] = (
    ("compare", "so sánh", 4),
    *(("compare", cue, 4) for cue in _which(_WHICH_PLACE)),
    ("compare", "các địa phương", 3),
    ("compare", "các tỉnh", 3),
    ("compare", "khác nhau", 3),
    ("compare", "giống nhau", 3),
    ("compare", "cao nhất", 3),
    ("compare", "thấp nhất", 3),
    ("compare", "nhiều nhất", 2),
    ("deadline", "khi nào", 3),
    ("deadline", "bao giờ", 3),
    *(("deadline", cue, 3) for cue in _which(_WHICH_TIME)),
    ("deadline", "thời hạn", 3),
    ("deadline", "hạn chót", 3),
    ("deadline", "trước ngày", 3),
    ("deadline", "thời gian", 1),
    ("deadline", "định kỳ", 1),
    ("responsibility", "ai", 3),
    *(("responsibility", cue, 3) for cue in _which(_WHICH_BODY)),
    ("responsibility", "chủ trì", 2),
    ("responsibility", "chịu trách nhiệm", 2),
    ("responsibility", "trách nhiệm", 1),
    ("responsibility", "phối hợp", 1),
    ("responsibility", "giao cho", 2),
    ("responsibility", "được giao", 1),
    ("responsibility", "cơ quan", 1),
    ("funding", "kinh phí", 3),
    ("funding", "nguồn nào", 3),
    ("funding", "ngân sách", 2),
    ("funding", "nguồn", 2),
    ("funding", "tiền", 2),
    ("funding", "tài chính", 1),
    ("funding", "chi phí", 1),
    ("target", "bao nhiêu", 3),
    ("target", "tỷ lệ", 2),
    ("target", "mục tiêu", 2),
    ("target", "chỉ tiêu", 2),
    ("target", "phần trăm", 2),
    ("target", "đạt", 1),
    ("target", "%", 2),
    ("list", "gồm những", 4),
    ("list", "những gì", 3),
    ("list", "liệt kê", 4),
    ("list", "làm gì để", 4),
    *(("list", f"những {noun}", 4) for noun in _LISTED),
    *(("list", cue, 4) for cue in _which(_LISTED)),
    # "nhiệm vụ gì" is left to the duty reading below ("X có nhiệm vụ gì").
    *(("list", f"{noun} gì", 4) for noun in _LISTED if noun != "nhiệm vụ"),
    *(("list", f"các {noun}", 2) for noun in _LISTED),
    # Alone, a listed noun is a topic word; "nội dung" alone is too common to say so.
    *(("list", noun, 1) for noun in _LISTED if noun != "nội dung"),
)
# Cues whose folded form is another common word: matched only when the question has accents
# ("tien" is also "tiến", "tiên": "tiến độ", "ưu tiên").
_ACCENTED_ONLY = frozenset({"tiền"})
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

_MONEY_ACCENTED_RE = re.compile(
    r"(?<!\w)(?:(?:bao nhiêu|mấy)\s+(?:tiền|đồng|triệu|tỷ|tỉ|nghìn|ngàn)|(?:số|mức)\s+tiền|"
    r"(?:triệu|tỷ|tỉ|nghìn|ngàn)\s+đồng)(?!\w)", re.IGNORECASE)
_MONEY_RE = re.compile(r"\b(?:bao nhieu (?:dong|tien)|(?:trieu|ty|ti|nghin|ngan) dong|so tien|muc tien)\b")
_DOC_NUMBER_RE = re.compile(r"\b\d{1,4}\s*[-/]\s*[A-ZĐ]{1,6}(?:\s*/\s*[A-ZĐ]{1,6})*\b|\b\d{1,4}/\d{4}/[A-ZĐ\-]+\b")
# Typed in lowercase ("nghi quyet 12/2024/nq-hdnd"): only shapes with a slash count as a document number.
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
            "number" (số hiệu), "date" (ngày ban hành/ký), "period" (tháng, năm ban hành/ký), "signer" (người ký),
            "issuer" (cơ quan ban hành),
            "recipients" (nơi nhận) or "".
        years: Years the question names ("2026", "2030").
        asks_current: True when the question asks for the present state
            ("hiện tại", "đến nay"), not for a target.
        plan_facts: Every fact about the plan document the question asks, in the order of
            :data:`_ABOUT_PLAN` ("Số hiệu là gì và ai ký?": "number", "signer"); ``about_plan`` is the first.
        parts: The question's parts when it asks two things or more, each with its own question word
            ("Ai chủ trì, và báo cáo khi nào?"), else ().
        kinds: The kind each part asks, each once (``kind`` first); ``(kind,)`` for a one-part question.
    """

    kind: str
    cues: tuple[str, ...] = ()
    wants_amount: bool = False
    doc_numbers: tuple[str, ...] = ()
    wants_duties: bool = False
    duty_subject: str = ""
    about_plan: str = ""
    years: tuple[str, ...] = ()
    asks_current: bool = False
    plan_facts: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in INTENT_KINDS:
            raise ValueError(f"kind must be one of {INTENT_KINDS}, got {self.kind!r}")


def _matching_form(text: str, accented: bool) -> str:
    """The form cues are matched on: accented search form, or folded when the question has no accents."""
    form = search_form(text)
    return form if accented else folded_form(form)


def _cue_found(cue: str, text: str) -> bool:
    if cue == "%":
        return "%" in text
    return re.search(rf"(?<![\w]){re.escape(cue)}(?![\w])", text) is not None


def detect_intent(question: str, *, places: Sequence[str] | None = None) -> QuestionIntent:
    """Return the type of ``question`` from its wording (accents optional).

    Args:
        question: The question as the user typed it (accents optional).
        places: The places it names, when already found (:func:`named_places`).

    Returns:
        A :class:`QuestionIntent`; ``kind`` is "other" when no cue matches.
    """
    folded = folded_form(question)
    wants_amount = _asks_for_amount(question, named_places(question) if places is None else places)
    kind, cues = _kind_of(question, wants_amount)
    parts = question_parts(question)
    kinds = tuple(dict.fromkeys([kind, *(_kind_of(part, False)[0] for part in parts)]))
    facts = _about_plan(folded)
    duty = _DUTY_RE.search(folded)
    subject = ""
    if duty:
        subject = _SUBJECT_LEAD_RE.sub("", folded[:duty.start()]).strip(" ,.?")
    return QuestionIntent(kind=kind, cues=cues, wants_amount=wants_amount,
                          doc_numbers=_doc_numbers(nfc(question)),
                          wants_duties=duty is not None, duty_subject=subject,
                          about_plan=facts[0] if facts else "", plan_facts=facts, parts=parts,
                          kinds=tuple(k for k in kinds if k != "other") or (kind,),
                          years=tuple(dict.fromkeys(re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", folded))),
                          asks_current=_CURRENT_RE.search(folded) is not None)


def _kind_of(question: str, wants_amount: bool) -> tuple[str, tuple[str, ...]]:
    """The kind ``question`` asks and the folded cues that decided it."""
    accented = not is_accentless(question)
    text = _matching_form(question, accented)
    scores: dict[str, int] = {}
    cues: dict[str, list[str]] = {}
    for kind, cue, weight in _CUES:
        if cue in _ACCENTED_ONLY and not accented:
            continue
        if _cue_found(_matching_form(cue, accented), text):
            scores[kind] = scores.get(kind, 0) + weight
            cues.setdefault(kind, []).append(folded_form(cue))
    if wants_amount:
        scores["funding"] = scores.get("funding", 0) + 2
    if not scores:
        return "other", ()
    best = max(scores.values())
    kind = next(k for k in _PRIORITY if scores.get(k) == best)
    return kind, tuple(cues.get(kind, ()))


# Vietnamese question words (folded): a part of a question asks something when it holds one.
_ASKING_RE = re.compile(r"(?<!\w)(?:ai|gi|nao|dau|sao|may|bao nhieu|bao gio|bao lau|the nao|ra sao|khong)(?!\w)")
# Where a question's second part starts: after a comma, optionally with a joining word
# ("…, và …", "…, còn …"), or at "và"/"còn" alone.
_PART_BREAK_RE = re.compile(r",\s*(?:(?:va|con|roi)\s+)?|\s+(?:va|con)\s+")


def question_parts(question: str) -> tuple[str, ...]:
    """The parts of a question that asks two things or more, each with its own question word, else ().

    "Ai chủ trì, và thời hạn báo cáo là khi nào?" has two parts; "Sở Y tế và BHXH làm gì?" has one
    (its first half asks nothing), as has "Năm 2026 và năm 2030 đạt bao nhiêu?".
    """
    text = nfc(question).strip().rstrip("?").strip()
    folded = folded_form(text)
    parts: list[str] = []
    start = 0
    for match in _PART_BREAK_RE.finditer(folded):
        head, rest = folded[start:match.start()], folded[match.end():]
        if _ASKING_RE.search(head) and _ASKING_RE.search(rest):
            parts.append(text[start:match.start()].strip(" ,"))
            start = match.end()
    if not parts:
        return ()
    parts.append(text[start:].strip(" ,"))
    return tuple(p for p in parts if p)


# The present state, not a target: the Vietnamese adverbs of "now".
_CURRENT_RE = re.compile(r"(?<!\w)(?:hien nay|hien tai|hien gio|bay gio|den nay)(?!\w)")


# "X có nhiệm vụ gì", "X phải làm gì", "X giữ vai trò gì", "X có trách nhiệm gì".
_DUTY_RE = re.compile(r"(?<!\w)(?:co |duoc giao |phai |can |se )?(?:nhung )?(?:nhiem vu|trach nhiem|vai tro|viec|lam)"
                      r"(?: cu the)? gi(?!\w)")
# Leading words before the subject: "theo kế hoạch (của X), ...", "trong kế hoạch (của X), ...".
_SUBJECT_LEAD_RE = re.compile(r"^.*?(?:theo ke hoach(?: cua [^,]+)?|trong ke hoach(?: cua [^,]+)?),\s*")
# Questions about the plan document itself, not its content.
_PLAN_DOC_RE = re.compile(r"(?<!\w)(?:ke hoach|van ban)(?!\w)")
# Another document named by its kind ("nghị quyết", "chỉ thị"): named first, it is what is asked about.
_OTHER_DOCUMENT_RE = re.compile(r"(?<!\w)(?:chi thi|nghi quyet|nghi dinh|quyet dinh|thong tu|luat|cong van)(?!\w)")
# What is asked of the document: its number ("số hiệu", "số mấy"), its date (signing or issuing
# and "ngày/lúc/khi nào" or "ngày mấy" near each other), only its month or year ("ban hành tháng mấy",
# "ký năm nào"), its signer ("ai ký", "người ký"), its issuer
# ("đơn vị nào ban hành").
_ABOUT_PLAN: tuple[tuple[str, re.Pattern], ...] = (
    ("number", re.compile(r"(?<!\w)(?:so hieu|ky hieu|so van ban|so (?:may|bao nhieu|gi))(?!\w)")),
    ("date", re.compile(r"(?<!\w)(?:ban hanh|ky)(?!\w)(?:\s+\w+){0,3}?\s+(?:ngay|hom|luc|khi) (?:nao|may)(?!\w)|"
                        r"(?<!\w)ngay (?:ban hanh|ky)(?!\w)")),
    ("period", re.compile(r"(?<!\w)(?:ban hanh|ky)(?!\w)(?:\s+\w+){0,3}?\s+(?:thang|nam) (?:nao|may)(?!\w)")),
    ("signer", re.compile(r"(?<!\w)(?:ai|nguoi) (?:da )?ky(?!\w)|(?<!\w)ky (?:boi|ten) (?:ai|nguoi nao)(?!\w)|"
                          r"(?<!\w)nguoi ky(?!\w)")),
    ("issuer", re.compile(r"(?<!\w)(?:co quan|ai|don vi) (?:nao )?ban hanh(?!\w)")),
    # Where the plan is sent ("Nơi nhận", "kính gửi", "gửi đến/tới/cho/lên ai, đâu, cơ quan nào"); a report
    # sent somewhere is a task of the plan, not its recipients.
    ("recipients", re.compile(r"^(?!.*\bbao cao\b).*(?:(?<!\w)noi nhan(?!\w)|(?<!\w)kinh gui(?!\w)|"
                              r"(?<!\w)gui (?:den|toi|cho|len|ve)(?!\w)(?:\s+\w+){0,6}?\s+"
                              r"(?:ai|dau|nao|noi nao)(?!\w))")),
)


# The plans' own words for money asked in everyday words: "tiền", "nguồn nào" are "kinh phí", "nguồn"
# in a plan.
_PLAN_WORDS_FOR: dict[str, str] = {"tien": "kinh phí nguồn", "nguon nao": "kinh phí nguồn"}


def retrieval_query(question: str, intent: QuestionIntent) -> str:
    """The question with the plans' term for what it asks, when the user worded it in everyday words.

    Only an everyday money cue ("tiền", "nguồn nào") adds words, and only those the question
    lacks; only retrieval and term matching see this form, the answer is
    about the question as asked.
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


def _about_plan(folded: str) -> tuple[str, ...]:
    """What the question asks about the plan document itself ("number", "date", "signer", …), each once.

    The month or year of issue is dropped when the date is asked (the date says them).

    A question that names another kind of document ("nghị quyết", "chỉ thị") before the plan
    asks about that one ("Nghị quyết được kế hoạch viện dẫn do ai ký?").
    """
    plan = _PLAN_DOC_RE.search(folded)
    other = _OTHER_DOCUMENT_RE.search(folded)
    if not plan or (other and other.start() < plan.start()):
        return ()
    found = [what for what, pattern in _ABOUT_PLAN if pattern.search(folded)]
    if "date" in found:
        found = [f for f in found if f != "period"]
    return tuple(found)


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
        # The quantity word goes with the money word ("bao nhiêu tiền", "mức tiền", "triệu đồng"); a
        # "số" or "mức" elsewhere ("dân tộc thiểu số", "mức đóng") does not ask for a sum.
        return _MONEY_ACCENTED_RE.search(text) is not None
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
        scoped: A comparison naming no place among more plans than a chat answer compares
            (setting ``compare_max_plans``): ``localities`` are the plans whose clauses answer best.
    """

    text: str
    intent: QuestionIntent
    query: str
    places: tuple[str, ...]
    localities: tuple[str, ...]
    scoped: bool = False


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
