"""Header and closing blocks of a plan become :class:`DocumentMeta`, never clauses.

A plan opens with a header block (issuing body, "Số 646-KH/TU", place and date,
decoration lines, the "KẾ HOẠCH" title block) and ends with a closing block
("Nơi nhận:" and its list, "Đồng kính gửi:", "T/M BAN THƯỜNG VỤ", the signer's
title and name, stamps). :func:`extract_metadata` finds both blocks, reads the
metadata out of them (the body text is used when there is no header, as in the
An Giang and Huế plans) and returns the offsets of the body between them.

Locality names are matched on folded forms through a small table of Vietnamese
provinces and centrally-run cities (:data:`LOCALITIES`), with the OCR confusion
"Đ" -> "P" undone ("PONG NAI" -> "Đồng Nai"). An optional sidecar
``<file>.meta.json`` overrides any field, including ``doc_id``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, fields, replace
from pathlib import Path

from ingest.clean import PhysicalLine, is_separator, parse_marker, physical_lines, strip_markdown
from ingest.model import DocumentMeta
from ingest.vntext import fold_diacritics, folded_form, nfc, search_form


@dataclass(frozen=True)
class Locality:
    """A province or centrally-run city.

    Attributes:
        name: Name with accents, e.g. "Đồng Nai".
        level: "tỉnh" or "thành phố".
    """

    name: str
    level: str


_CITIES = ("Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ")
# The 28 provinces since the 2025 merger, then provinces merged away in 2025
# (older plans still name them).
_PROVINCES = (
    "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An", "Hà Tĩnh",
    "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên", "Ninh Bình",
    "Quảng Trị", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Đồng Nai", "Tây Ninh",
    "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
    "Hà Giang", "Yên Bái", "Bắc Kạn", "Vĩnh Phúc", "Hòa Bình", "Bắc Giang", "Hải Dương", "Thái Bình",
    "Hà Nam", "Nam Định", "Quảng Bình", "Thừa Thiên Huế", "Quảng Nam", "Kon Tum", "Bình Định", "Phú Yên",
    "Ninh Thuận", "Đắk Nông", "Bình Phước", "Bình Dương", "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh",
    "Sóc Trăng", "Hậu Giang", "Bạc Liêu", "Kiên Giang", "Bà Rịa - Vũng Tàu", "Bình Thuận",
)
LOCALITIES: tuple[Locality, ...] = tuple(Locality(n, "thành phố") for n in _CITIES) + tuple(
    Locality(n, "tỉnh") for n in _PROVINCES
)

_KNOWN_TITLES = (
    "PHÓ BÍ THƯ THƯỜNG TRỰC", "PHÓ BÍ THƯ", "BÍ THƯ", "PHÓ CHỦ TỊCH THƯỜNG TRỰC", "PHÓ CHỦ TỊCH", "CHỦ TỊCH",
    "PHÓ GIÁM ĐỐC", "GIÁM ĐỐC", "PHÓ TRƯỞNG BAN", "TRƯỞNG BAN", "CHÁNH VĂN PHÒNG",
)
_NUMBER_RE = re.compile(r"(?:^|\s)S(?:ố|o)?\s*:?\s*(?P<digits>\d+)?\s*(?P<code>[-/]\s*[A-ZĐ]{1,6}(?:\s*[-/]\s*[A-ZĐ]{1,8})+)")
_DATE_RE = re.compile(
    r"ngay\w?\s*(?P<day>\d{1,2})?\s*thang\s*(?P<month>\d{1,2})?\s*n\w{0,3}m\s*(?P<year>\d{4})"
)
_TITLE_RE = re.compile(r"^ke hoach(?: [a-z]+){0,2}$")
_RECIPIENTS_RE = re.compile(r"^[nb][o0]i\s*nh[a-z]{0,3}\s*:")
_KINH_GUI_RE = re.compile(r"^(?:dong\s+)?kinh\s+g\w{1,4}\s*:")
_SIGNATURE_RE = re.compile(r"^(?:t/m|tm\.|kt\.|tl\.|tuq\.|q\.)\s")


@dataclass(frozen=True)
class ExtractedMetadata:
    """Result of :func:`extract_metadata`.

    Attributes:
        meta: The document metadata (sidecar applied).
        body_start: Offset where the body (first clause) starts.
        body_end: Offset where the closing block starts (len(text) when none).
        warnings: Vietnamese messages about fields that could not be read.
    """

    meta: DocumentMeta
    body_start: int
    body_end: int
    warnings: tuple[str, ...] = ()


def doc_id_for(source_path: str | Path) -> str:
    """Default document id: an ASCII slug of the file stem ("hue_KH-UBND")."""
    stem = fold_diacritics(nfc(Path(source_path).name.split(".")[0] or "tai-lieu"))
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")
    return slug or "tai-lieu"


def sidecar_path(source_path: str | Path) -> Path:
    """Path of the optional sidecar: ``<file>.meta.json`` next to the file."""
    path = Path(source_path)
    return path.with_name(path.name + ".meta.json")


def read_sidecar(source_path: str | Path) -> tuple[dict | None, str]:
    """Read ``<file>.meta.json`` if present.

    Returns:
        (fields, warning): ``fields`` is None when there is no usable sidecar;
        ``warning`` is a Vietnamese message when the sidecar exists but is invalid.
    """
    path = sidecar_path(source_path)
    if not path.is_file():
        return None, ""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"Bỏ qua tệp siêu dữ liệu {path.name}: không đọc được JSON ({exc})."
    if not isinstance(data, dict):
        return None, f"Bỏ qua tệp siêu dữ liệu {path.name}: nội dung phải là một đối tượng JSON."
    return data, ""


def _fold_ocr(text: str) -> str:
    """Folded form with the OCR "Đ" -> "P" confusion undone at word starts ("pong nai" -> "dong nai")."""
    folded = folded_form(text)
    return re.sub(r"\bp(?=[aeiouy])", "d", folded)


# Localities are named in the first pages; scanning more only costs time on huge files.
_LOCALITY_SCAN_CHARS = 40_000
_LOCALITY_KEYS = sorted(((fold_diacritics(loc.name).lower(), loc) for loc in LOCALITIES), key=lambda kv: -len(kv[0]))

_SEARCH_NAMES = {loc.name: search_form(loc.name) for loc in LOCALITIES}


def lookup_locality(name: str) -> Locality | None:
    """The table entry whose folded name equals ``name`` folded (OCR tolerant), else None."""
    key = _fold_ocr(name).strip(" ,.:;")
    key = re.sub(r"^(?:tinh|thanh pho|tp\.?)\s+", "", key)
    key = re.sub(r"\s+", " ", key)
    for folded, loc in _LOCALITY_KEYS:
        if key == folded or key.replace(" ", "") == folded.replace(" ", ""):
            return loc
    return None


def find_localities(text: str, *, accented: bool = True) -> list[Locality]:
    """Table localities named in ``text``, most mentioned first.

    Args:
        text: Any text.
        accented: Match on the accented (search) form; ``False`` matches folded
            forms, for OCR text without diacritics.
    """
    text = text[:_LOCALITY_SCAN_CHARS]
    haystack = search_form(text) if accented else _fold_ocr(text)
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    taken: list[tuple[int, int]] = []
    for folded, loc in _LOCALITY_KEYS:  # longest first: "Thừa Thiên Huế" before "Huế"
        needle = _SEARCH_NAMES[loc.name] if accented else folded
        for match in re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack):
            if any(s <= match.start() < e for s, e in taken):
                continue
            taken.append((match.start(), match.end()))
            counts[loc.name] += 1
            first.setdefault(loc.name, match.start())
    by_name = {loc.name: loc for loc in LOCALITIES}
    return [by_name[n] for n in sorted(counts, key=lambda n: (-counts[n], first[n]))]


def _title_block(lines: list[PhysicalLine], limit: int) -> tuple[int, int, str]:
    """(title line index, index after the title block, title) or (-1, -1, "")."""
    for i, line in enumerate(lines[:limit]):
        plain = strip_markdown(line.text).strip()
        if not plain or not _TITLE_RE.match(folded_form(plain)) or sum(c.isupper() for c in plain) < 5:
            continue
        parts: list[str] = []
        j = i + 1
        in_bold = False
        while j < len(lines):
            text = lines[j].text
            if not text:
                j += 1
                continue
            if is_separator(text) or parse_marker(text).kind == "section":
                break
            starts_upper = strip_markdown(text).lstrip("*")[:1].isupper()
            if parts and starts_upper and not in_bold:
                break
            if text.count("**") % 2 == 1:
                in_bold = not in_bold
            parts.append(strip_markdown(text).strip())
            j += 1
        while j < len(lines) and (not lines[j].text or is_separator(lines[j].text)):
            j += 1
        rest = " ".join(parts)
        rest = rest[:1].lower() + rest[1:] if rest[:1].isupper() and not rest[:2].isupper() else rest
        head = plain[:1].upper() + plain[1:].lower()
        return i, j, re.sub(r"\s+", " ", f"{head} {rest}").strip()
    return -1, -1, ""


def _closing_start(lines: list[PhysicalLine], body_from: int) -> int:
    """Index of the first closing-block line after ``body_from`` (len(lines) when none)."""
    last_section = body_from
    for i in range(body_from, len(lines)):
        if parse_marker(lines[i].text).kind == "section":
            last_section = i
    for i in range(last_section, len(lines)):
        folded = folded_form(strip_markdown(lines[i].text)).strip()
        if _RECIPIENTS_RE.match(folded) or _KINH_GUI_RE.match(folded) or _SIGNATURE_RE.match(folded):
            return i
    return len(lines)


def _recipients(lines: list[PhysicalLine]) -> tuple[str, ...]:
    """Entries of the "Nơi nhận:" / "Đồng kính gửi:" lists (wrapped entries joined)."""
    entries: list[str] = []
    in_list = False
    for line in lines:
        text = strip_markdown(line.text).strip()
        folded = folded_form(text)
        if _RECIPIENTS_RE.match(folded) or _KINH_GUI_RE.match(folded):
            in_list = True
            continue
        if not in_list or not text:
            continue
        if text.startswith(("-", "–", "+", "•")):
            entries.append(text.lstrip("-–+• "))
        elif entries and not entries[-1].endswith((".", ":", ";")) and text[:1].islower():
            entries[-1] = f"{entries[-1]} {text}"
        elif _SIGNATURE_RE.match(folded) or text.isupper():
            in_list = False
    return tuple(e.rstrip(" ,;.") for e in entries if e.rstrip(" ,;."))


def _looks_like_name(text: str) -> bool:
    """A person's name: 2-6 capitalised words of letters, not all in capitals."""
    words = text.split()
    return (
        2 <= len(words) <= 6
        and all(w.isalpha() and w[0].isupper() for w in words)
        and not text.isupper()
    )


def _signer(lines: list[PhysicalLine]) -> tuple[str, str]:
    """(signer name, signer title) from the closing block."""
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


def _number(header: list[PhysicalLine]) -> tuple[str, int]:
    """(number as written without spaces, header line index) or ("", -1)."""
    for i, line in enumerate(header):
        match = _NUMBER_RE.search(line.text)
        if match:
            code = re.sub(r"\s+", "", match.group("code"))
            return (match.group("digits") or "") + code, i
    return "", -1


def _date_and_place(header: list[PhysicalLine]) -> tuple[str, str]:
    """(ISO or partial date, place as written) from the place-date line."""
    for line in header:
        folded = folded_form(line.text)
        match = _DATE_RE.search(folded)
        if not match:
            continue
        day, month, year = match.group("day"), match.group("month"), match.group("year")
        if day and month:
            date = f"{year}-{int(month):02d}-{int(day):02d}"
        elif month:
            date = f"{year}-{int(month):02d}"
        else:
            date = year
        comma = line.text.find(",", 0, max(match.start(), 1) + 2)
        before = line.text[:comma] if comma > 0 else ""
        number = _NUMBER_RE.search(before)
        if number:
            before = before[number.end():]
        return date, before.strip(" :,")
    return "", ""


def _issuer(org: str, level: str, locality: str) -> str:
    if not locality:
        return ""
    if org == "party":
        body = {"tỉnh": "Tỉnh ủy", "thành phố": "Thành ủy", "xã": "Đảng ủy xã"}[level]
        return f"Ban Thường vụ {body} {locality}"
    if org == "government":
        return f"Ủy ban nhân dân {level} {locality}"
    return ""


def _organisation(closing: str, number: str, header: str) -> str:
    """"party" (Ban Thường vụ ...), "government" (Ủy ban nhân dân ...) or ""."""
    signed_for = re.search(r"\bt\.?\s*/?\s*m\b\.?\s*(?P<body>[a-z ]{3,30})", folded_form(closing))
    body = signed_for.group("body") if signed_for else ""
    if body.startswith("ban thuong vu") or body.startswith("dang uy"):
        return "party"
    if body.startswith("uy ban nhan dan") or "UBND" in number:
        return "government"
    if re.search(r"/(?:TU|ĐU|TW|HU|QU|TB)$", number) or re.search(r"\b(tinh|thanh|dang) uy\b", _fold_ocr(header)):
        return "party"
    return ""


def _apply_sidecar(meta: DocumentMeta, sidecar: dict) -> tuple[DocumentMeta, list[str]]:
    names = {f.name for f in fields(DocumentMeta)}
    updates: dict = {}
    warnings = []
    for key, value in sidecar.items():
        if key not in names:
            warnings.append(f"Tệp siêu dữ liệu có trường không được hỗ trợ: '{key}' (bỏ qua).")
            continue
        if key == "recipients":
            value = tuple(str(v) for v in value) if isinstance(value, list | tuple) else (str(value),)
        elif key == "damage_score":
            value = float(value)
        else:
            value = nfc(str(value))
        updates[key] = value
    return replace(meta, **updates), warnings


def extract_metadata(
    text: str,
    source_path: str,
    *,
    encoding: str = "utf-8",
    sidecar: dict | None = None,
    content_hash: str = "",
) -> ExtractedMetadata:
    """Read the header and closing blocks of a plan.

    Args:
        text: NFC text of the whole file.
        source_path: Path of the file as given (for ``source_path`` and ``doc_id``).
        encoding: Encoding the reader detected.
        sidecar: Fields from ``<file>.meta.json`` that override what is read.
        content_hash: SHA-256 of ``text`` (computed by the caller).

    Returns:
        The metadata, the body offsets and Vietnamese warnings.
    """
    lines = physical_lines(text)
    first_section = next((i for i, ln in enumerate(lines) if parse_marker(ln.text).kind == "section"), len(lines))
    title_index, body_from, title = _title_block(lines, first_section)
    if title_index < 0:
        body_from = 0
    header = lines[: max(title_index, 0)]
    closing_from = _closing_start(lines, body_from)
    closing = lines[closing_from:]
    body_lines = [ln for ln in lines[body_from:closing_from] if ln.text]
    body_start = body_lines[0].start if body_lines else len(text)
    body_end = lines[closing_from].start if closing_from < len(lines) else len(text)
    body_text = text[body_start:body_end]

    warnings: list[str] = []
    if title_index < 0:
        warnings.append("Không tìm thấy tiêu đề “KẾ HOẠCH”; coi toàn bộ phần đầu là nội dung.")
    number, _ = _number(header)
    if not number:
        warnings.append("Không tìm thấy số văn bản.")
    elif not re.match(r"\d", number):
        warnings.append(f"Số văn bản để trống (chỉ có ký hiệu “{number}”).")
    date, place_written = _date_and_place(header)
    if not date:
        warnings.append("Không đọc được ngày ban hành.")
    elif len(date) < 10:
        warnings.append(f"Ngày ban hành chưa đầy đủ: {date}.")

    header_text = "\n".join(ln.text for ln in header)
    place_loc = lookup_locality(place_written) if place_written else None
    header_locs = find_localities(header_text, accented=False)
    intro = folded_form(body_text[:1500])
    commune_words = re.search(r"\b(?:dang uy|uy ban nhan dan|ubnd) (?:xa|phuong)\b", intro)
    locality, province, level = "", "", ""
    if place_loc:
        locality, province, level = place_loc.name, place_loc.name, place_loc.level
    elif place_written and (commune_words or "ĐU" in number):
        locality, level = place_written, "xã"
        province = header_locs[0].name if header_locs else ""
        if not province:
            found = find_localities(body_text) or find_localities(body_text, accented=False)
            province = found[0].name if found else ""
    elif header_locs:
        locality, province, level = header_locs[0].name, header_locs[0].name, header_locs[0].level
    else:
        found = find_localities(body_text) or find_localities(body_text, accented=False)
        if found:
            locality, province, level = found[0].name, found[0].name, found[0].level
    if not locality:
        warnings.append("Không xác định được địa phương ban hành.")
    place = place_loc.name if place_loc else place_written

    closing_text = "\n".join(ln.text for ln in closing)
    organisation = _organisation(closing_text, number, header_text)
    signer, signer_title = _signer(closing)
    meta = DocumentMeta(
        doc_id=doc_id_for(source_path),
        title=title,
        number=number,
        issuer=_issuer(organisation, level, locality),
        level=level,
        locality=locality,
        province=province,
        date=date,
        source_path=str(source_path),
        content_hash=content_hash,
        place=place,
        signer=signer,
        signer_title=signer_title,
        recipients=_recipients(closing),
        encoding=encoding,
    )
    if sidecar:
        meta, sidecar_warnings = _apply_sidecar(meta, sidecar)
        warnings.extend(sidecar_warnings)
        overridden = set(sidecar)
        # A field supplied by the sidecar is no longer a problem worth a warning.
        warnings = [
            w
            for w in warnings
            if not ("số văn bản" in w.lower() and "number" in overridden)
            and not ("ngày ban hành" in w.lower() and "date" in overridden)
            and not ("địa phương" in w.lower() and "locality" in overridden)
        ]
    return ExtractedMetadata(meta, body_start, body_end, tuple(warnings))
