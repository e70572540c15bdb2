"""The closing block of a plan: recipients, signer and the organisation that issued it.

A plan ends with "Nơi nhận:" and its list, "Đồng kính gửi:", the "T/M BAN
THƯỜNG VỤ" line, the signer's title and name, and stamps.
:func:`find_closing_start` says where that block begins (after the last
section), :func:`read_recipients` and :func:`read_signer` read it, and
:func:`read_organisation` with :func:`issuer_name` name the issuing body
("Ban Thường vụ Tỉnh ủy An Giang", "Ủy ban nhân dân thành phố Huế").
Matching is done on folded forms, so OCR text without diacritics is read too.
"""

from __future__ import annotations

import re

from ingest.places import fold_ocr
from ingest.structure.clean import strip_markdown
from ingest.structure.line_markers import parse_marker
from ingest.structure.lines import PhysicalLine
from ingest.vntext import folded_form

__all__ = ["find_closing_start", "issuer_name", "read_organisation", "read_recipients", "read_signer"]

_KNOWN_TITLES = (
    "PHÓ BÍ THƯ THƯỜNG TRỰC", "PHÓ BÍ THƯ", "BÍ THƯ", "PHÓ CHỦ TỊCH THƯỜNG TRỰC", "PHÓ CHỦ TỊCH", "CHỦ TỊCH",
    "PHÓ GIÁM ĐỐC", "GIÁM ĐỐC", "PHÓ TRƯỞNG BAN", "TRƯỞNG BAN", "CHÁNH VĂN PHÒNG",
)
_RECIPIENTS_RE = re.compile(r"^[nb][o0]i\s*nh[a-z]{0,3}\s*:")
_KINH_GUI_RE = re.compile(r"^(?:dong\s+)?kinh\s+g\w{1,4}\s*:")
_SIGNATURE_RE = re.compile(r"^(?:t/m|tm\.|kt\.|tl\.|tuq\.|q\.)\s")


def find_closing_start(lines: list[PhysicalLine], body_from: int) -> int:
    """Find where the closing block begins.

    Args:
        lines: Physical lines of the whole file.
        body_from: Index of the first body line; the block is looked for from
            the last section onwards.

    Returns:
        Index of the first closing-block line ("Nơi nhận:", "Đồng kính gửi:",
        "T/M ..."), ``len(lines)`` when there is none.
    """
    last_section = body_from
    for i in range(body_from, len(lines)):
        if parse_marker(lines[i].text).kind == "section":
            last_section = i
    for i in range(last_section, len(lines)):
        folded = folded_form(strip_markdown(lines[i].text)).strip()
        if _opens_list(folded) or _SIGNATURE_RE.match(folded):
            return i
    return len(lines)


def read_recipients(lines: list[PhysicalLine]) -> tuple[str, ...]:
    """Entries of the "Nơi nhận:" / "Đồng kính gửi:" lists of the closing block (wrapped entries joined)."""
    entries = [entry for entry, _ in _recipient_entries(lines)]
    return tuple(e.rstrip(" ,;.") for e in entries if e.rstrip(" ,;."))


def recipient_lines(lines: list[PhysicalLine]) -> tuple[int, int] | None:
    """First and last index (in ``lines``, the closing block) of the recipients' lists: from the first
    "Nơi nhận:"/"Kính gửi:" line to the last entry. None when there is no list."""
    found = _recipient_entries(lines)
    if not found:
        return None
    first = next(i for i, ln in enumerate(lines) if _opens_list(folded_form(strip_markdown(ln.text).strip())))
    return first, found[-1][1]


def _opens_list(folded: str) -> bool:
    """True for the folded line that opens a recipients' list ("Nơi nhận:", "Đồng kính gửi:")."""
    return bool(_RECIPIENTS_RE.match(folded) or _KINH_GUI_RE.match(folded))


def _recipient_entries(lines: list[PhysicalLine]) -> list[tuple[str, int]]:
    """(entry, index of its last line) of the recipients' lists, wrapped entries joined."""
    entries: list[tuple[str, int]] = []
    in_list = False
    for i, line in enumerate(lines):
        text = strip_markdown(line.text).strip()
        folded = folded_form(text)
        if _opens_list(folded):
            in_list = True
            continue
        if not in_list or not text:
            continue
        if text.startswith(("-", "–", "+", "•")):
            entries.append((text.lstrip("-–+• "), i))
        elif entries and not entries[-1][0].endswith((".", ":", ";")) and text[:1].islower():
            entries[-1] = (f"{entries[-1][0]} {text}", i)
        elif _SIGNATURE_RE.match(folded) or text.isupper():
            in_list = False
    return entries


def _looks_like_name(text: str) -> bool:
    """A person's name: 2-6 capitalised words of letters, not all in capitals."""
    words = text.split()
    return (
        2 <= len(words) <= 6
        and all(w.isalpha() and w[0].isupper() for w in words)
        and not text.isupper()
    )


def read_signer(lines: list[PhysicalLine]) -> tuple[str, str]:
    """Read who signed the plan.

    Returns:
        (signer name: the last line when it looks like a person's name, else "";
        signer title: the last known title such as "PHÓ BÍ THƯ THƯỜNG TRỰC", else "").
    """
    contents = [strip_markdown(ln.text).strip() for ln in lines if ln.text.strip("* ")]
    name = ""
    if contents and _looks_like_name(contents[-1]):
        name = contents[-1]
    title = ""
    for text in reversed(contents):
        folded = folded_form(text).rstrip(" ,.;")
        for known in _KNOWN_TITLES:
            known_folded = folded_form(known)
            tail = " ".join(known_folded.split()[-3:])
            if folded.endswith(known_folded) or (len(known_folded.split()) >= 4 and folded.endswith(tail)):
                title = known
                break
        if title:
            break
    return name, title


def signature_lines(lines: list[PhysicalLine]) -> tuple[int, int] | None:
    """First and last index (in ``lines``, the closing block) of the signature: from its topmost
    "T/M …"/"TM."/"KT." line among the last lines (else the signer's name alone) to the name.
    None when the block ends without a person's name."""
    content = [i for i, ln in enumerate(lines) if strip_markdown(ln.text).strip("* ")]
    if not content or not _looks_like_name(strip_markdown(lines[content[-1]].text).strip()):
        return None
    first = content[-1]
    for i in reversed(content[-8:-1]):
        text = strip_markdown(lines[i].text).strip()
        if text.startswith("-") or text.endswith((",", ";")):
            break  # the recipients' list: the signature lies below it
        if _SIGNATURE_RE.match(folded_form(text).lstrip("* ")):
            first = i
    return first, content[-1]


def read_organisation(closing: str, number: str, header: str) -> str:
    """Tell which kind of body issued the plan.

    Args:
        closing: Text of the closing block (its "T/M ..." line decides first).
        number: The document number ("646-KH/TU", "/KH-UBND").
        header: Text of the header block.

    Returns:
        "party" (Ban Thường vụ ...), "party_committee" (the whole committee signs: "T/M ĐẢNG ỦY",
        "T/M TỈNH ỦY"), "government" (Ủy ban nhân dân ...) or "".
    """
    signed_for = re.search(r"\bt\.?\s*/?\s*m\b\.?\s*(?P<body>[a-z ]{3,30})", folded_form(closing))
    body = signed_for.group("body") if signed_for else ""
    if body.startswith("ban thuong vu"):
        return "party"
    if body.startswith(("dang uy", "tinh uy", "thanh uy")):
        return "party_committee"
    if body.startswith("uy ban nhan dan") or "UBND" in number:
        return "government"
    if re.search(r"/(?:TU|ĐU|TW|HU|QU|TB)$", number) or re.search(r"\b(tinh|thanh|dang) uy\b", fold_ocr(header)):
        return "party"
    return ""


# The party committee of each level, as its name is written before the locality.
_PARTY_COMMITTEES = {"tỉnh": "Tỉnh ủy", "thành phố": "Thành ủy", "xã": "Đảng ủy xã", "phường": "Đảng ủy phường",
                     "đặc khu": "Đảng ủy đặc khu"}


def issuer_name(org: str, level: str, locality: str) -> str:
    """Name of the issuing body ("Ban Thường vụ Tỉnh ủy An Giang"); "" without organisation, level or locality.

    Args:
        org: "party", "party_committee", "government" or "" (see :func:`read_organisation`).
        level: "tỉnh", "thành phố", "xã", "phường" or "đặc khu".
        locality: Name of the locality with accents.
    """
    if not locality or not level:
        return ""
    if org in ("party", "party_committee"):
        committee = _PARTY_COMMITTEES.get(level)
        if committee is None:
            return ""
        return f"Ban Thường vụ {committee} {locality}" if org == "party" else f"{committee} {locality}"
    if org == "government":
        return f"Ủy ban nhân dân {level} {locality}"
    return ""
