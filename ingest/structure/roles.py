"""What a clause is in a plan: a heading or a sentence, whose duty, which attribute, which year.

Plans name who does what in two ways: a heading that is an agency ("2. Sở Tài
chính", "4- Bảo hiểm xã hội tỉnh") owning the bullets and paragraphs under it,
or an item that opens with its agency and a colon ("Mặt trận Tổ quốc tỉnh:
Lãnh đạo ..."). Tasks carry attribute lines ("Cơ quan, đơn vị thực hiện: …",
"Thời gian thực hiện: …", "Kinh phí: …"). Targets hang under headings that
give their year ("b) Mục tiêu đến năm 2026"). These readings are made once, at
ingest (:mod:`ingest.structure.annotate`), and stored on every clause.
"""

from __future__ import annotations

import re

from ingest.vntext import folded_form

__all__ = [
    "AGENCY_RE", "MAX_HEADING_CHARS", "agency_heading", "agency_lead", "agency_subject", "attribute_kind",
    "is_heading_text",
    "last_year", "strip_numbering",
]

# A heading longer than this is a sentence, not a name.
MAX_HEADING_CHARS = 120
MAX_AGENCY_CHARS = 90
# Words that open the name of a body that acts. Verbs and events spelt like an agency word
# ("Ban hành", "Báo cáo", "Hội nghị", "Phòng, chống", "Đoàn kết") are not names.
AGENCY_RE = re.compile(
    r"(?:Sở|Ban(?!\s+hành)|Ủy ban|Uỷ ban|UBND|HĐND|Hội đồng|Bảo hiểm xã hội|BHXH|Công an|Mặt trận|MTTQ|"
    r"Hội(?!\s+(?:nghị|thảo|thi|diễn))|Đoàn(?!\s+(?:kết|kiểm tra|giám sát))|Liên đoàn|Đảng ủy|Đảng uỷ|Tỉnh ủy|"
    r"Tỉnh uỷ|Thành ủy|Thành uỷ|Huyện ủy|Huyện uỷ|Cấp ủy|Cấp uỷ|Văn phòng|Trung tâm|Phòng(?![\s,]+chống)|"
    r"Bộ(?!\s+(?:máy|phận|tiêu chí|hồ sơ))|Báo(?!\s+cáo)|Đài|Trường|Bệnh viện|Cục|Chi cục|Trạm|Chi bộ|Các chi bộ|"
    r"Các cơ quan|Các đơn vị|Các sở|Các xã|Các phường|Các cấp ủy|Các cấp uỷ|Các tổ chức)(?!\w)"
)
YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_NUMBERING_RE = re.compile(
    r"^\s*(?:(?:phần|chương|mục|điều)\s+(?:[IVXL]+|\d{1,2}|thứ\s+\w+)\s*[.:\-–)]?|[IVXL]+\s*[.\-–:)]|"
    r"\d{1,2}(?:\.\d{1,2})*\s*[.\-–)]?|[a-zđ]\s*[.\-–)]|[-–—+•*·])\s*",
    re.IGNORECASE,
)
_ATTRIBUTE_KINDS = (
    ("co quan", "responsibility"), ("don vi", "responsibility"), ("chu tri", "responsibility"),
    ("phoi hop", "responsibility"), ("trach nhiem", "responsibility"), ("thoi gian", "deadline"),
    ("thoi han", "deadline"), ("tien do", "deadline"), ("kinh phi", "funding"), ("san pham", "product"),
)


def strip_numbering(title: str) -> str:
    """A heading without its marker and trailing colon: "2. Sở Tài chính:" -> "Sở Tài chính"."""
    return _NUMBERING_RE.sub("", " ".join(title.split()), count=1).strip().rstrip(":").strip()


def is_heading_text(text: str) -> bool:
    """Only a heading ("3. Nâng cao chất lượng khám, chữa bệnh BHYT"): short, no sentence break inside."""
    name = strip_numbering(text)
    return len(name) <= MAX_HEADING_CHARS and not re.search(r"[.;]\s", name)


def agency_heading(text: str) -> str:
    """The agency a heading names ("2. Sở Tài chính" -> "Sở Tài chính"), "" when it names none."""
    name = strip_numbering(text).rstrip(".")
    if 0 < len(name) <= MAX_AGENCY_CHARS and AGENCY_RE.match(name) and not re.search(r"[.;]\s", name):
        return name
    return ""


def agency_lead(text: str) -> str:
    """The agency an item opens with before a colon ("Mặt trận Tổ quốc tỉnh: Lãnh đạo ..."), else ""."""
    name = strip_numbering(text)
    head, colon, _ = name.partition(":")
    head = head.strip()
    if colon and 0 < len(head) <= MAX_AGENCY_CHARS and AGENCY_RE.match(head):
        return head
    return ""


# Verbs that end an agency's name when an item opens with who does it ("Đảng ủy Ủy ban nhân dân tỉnh
# lãnh đạo ..."): the common duty verbs of administrative plans, folded.
_DUTY_VERBS = (
    "lanh dao", "chi dao", "chu tri", "phoi hop", "tham muu", "huong dan", "to chuc", "xay dung", "theo doi",
    "giam sat", "kiem tra", "thuc hien", "trien khai", "tang cuong", "day manh", "ra soat", "nghien cuu",
    "bo tri", "quan triet", "tuyen truyen", "co trach nhiem", "chiu trach nhiem", "cap nhat", "dinh huong",
    "don doc", "van dong", "bao dam", "dam bao", "nang cao", "hoan thien", "cu the hoa", "thuong xuyen",
    "chu dong", "tiep tuc", "tap trung", "can cu", "phat huy", "ban hanh", "bao cao", "duy tri", "thong tin",
)
# "tổ chức" is also a noun ("các tổ chức chính trị - xã hội", "tổ chức đảng"): then it is part of the name.
_DUTY_VERB_RE = re.compile(
    r"(?<!\w)(?<!cac )(?:" + "|".join(_DUTY_VERBS) + r")(?!\w)(?<!to chuc(?= (?:dang|chinh tri|xa hoi|ca nhan|doan the)))"
)
MAX_SUBJECT_WORDS = 20


def agency_subject(text: str) -> str:
    """The agency an item opens with as the subject of its duty ("Ban Tuyên giáo và Dân vận Tỉnh ủy
    hướng dẫn ..." -> "Ban Tuyên giáo và Dân vận Tỉnh ủy"), "" when it opens with none.

    The name runs from an agency word at the start to the first duty verb, within
    :data:`MAX_SUBJECT_WORDS` words.
    """
    name = strip_numbering(text)
    if not AGENCY_RE.match(name):
        return ""
    head = " ".join(name.split()[:MAX_SUBJECT_WORDS])
    folded = folded_form(head)
    if len(folded) != len(head):
        return ""
    # A verb word inside the name ("Ban Xây dựng Đảng chủ trì") leaves too short a name: the next one ends it.
    for verb in _DUTY_VERB_RE.finditer(folded, 2):
        subject = head[:verb.start()].strip().rstrip(",;:-–").strip()
        if len(subject.split()) >= 2:
            return subject if len(subject) <= MAX_AGENCY_CHARS else ""
    return ""


def attribute_kind(text: str) -> str:
    """The kind of an attribute line, from its label: responsibility, deadline, funding, product or other."""
    label, colon, _ = strip_numbering(text).partition(":")
    if not colon or len(label) > 64:
        return ""
    folded = folded_form(label).replace("'", "").replace("’", "")
    for name, kind in _ATTRIBUTE_KINDS:
        if name in folded:
            return kind
    return "other"


def last_year(text: str) -> str:
    """The last year (1900–2099) named in ``text``, "" when none."""
    years = YEAR_RE.findall(text)
    return years[-1] if years else ""
