"""Answers about the plan document itself: its number (with its date), date (or month, year) of issue, signer,
issuing body, the bodies it is sent to ("Nơi nhận").

These facts live in the header block, which ingest turns into
:class:`ingest.model.DocumentMeta`, not into answerable clauses. An answer cites
the lines that state its fact (``DocumentMeta.header_spans``: the "Số …" line, the
place-and-date line, the signature from "T/M …" to the signer's name, the "Nơi nhận" list), verbatim
with their offsets like any clause; the issuing body is cited only from a signature
that names it. When a plan leaves a fact blank ("Số: /KH-UBND", a date with only the
year), the answer says so plainly instead of quoting a clause that merely mentions
another document's number or date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer import Answer, Citation
from ingest.model import ISSUING_BODIES, DocumentMeta, HeaderSpan
from ingest.vntext import folded_form

_ISO_DAY_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR_RE = re.compile(r"^\d{4}$")
# One sentence each (no ";"), so the note stays part of the fact it qualifies.
_HEADER_NOTE = "(theo phần đầu văn bản — thông tin của văn bản, không phải một điều khoản)"
_SIGNATURE_NOTE = "(theo phần ký cuối văn bản — thông tin của văn bản, không phải một điều khoản)"
_DOCUMENT_NOTE = "(thông tin của văn bản, không phải một điều khoản)"
# How a citation names where the lines are.
_PLACES = {"number": "Phần đầu văn bản", "date": "Phần đầu văn bản", "signature": "Phần ký cuối văn bản",
           "recipients": "Nơi nhận cuối văn bản"}
# Which lines state each answer's fact.
_CITED = {"number": ("number", "date"), "date": ("date",), "period": ("date",), "signer": ("signature",), "issuer": ("signature",),
          "recipients": ("recipients",)}
_RECIPIENTS_NOTE = "(theo phần nơi nhận cuối văn bản — thông tin của văn bản, không phải một điều khoản)"
# A "Lưu: VT" entry keeps a copy on file: it is not sent to anyone.
_ARCHIVE_RE = re.compile(r"^lưu\b", re.IGNORECASE)


def _plan_name(meta: DocumentMeta) -> str:
    return f"Kế hoạch của {meta.issuer}" if meta.issuer else f"Kế hoạch của {meta.locality}"


def _written_date(meta: DocumentMeta) -> str:
    """", ban hành ngày 09/01/2026" when the plan gives a full date, else ""."""
    day = _ISO_DAY_RE.match(meta.date.strip())
    return f", ban hành ngày {day[3]}/{day[2]}/{day[1]}" if day else ""


def _number_answer(meta: DocumentMeta) -> tuple[str, bool]:
    number = meta.number.strip()
    if re.search(r"\d", number):
        return f"{_plan_name(meta)} có số {number}{_written_date(meta)} {_HEADER_NOTE}.", False
    if number:
        return (f"{_plan_name(meta)} để trống số văn bản: phần đầu văn bản chỉ ghi “Số: {number}”, "
                "nên các kế hoạch đã nạp không cho biết số hiệu."), True
    return f"{_plan_name(meta)} không ghi số văn bản trong dữ liệu đã nạp.", True


def _date_answer(meta: DocumentMeta) -> tuple[str, bool]:
    date = meta.date.strip()
    day = _ISO_DAY_RE.match(date)
    if day:
        return f"{_plan_name(meta)} ban hành ngày {day[3]}/{day[2]}/{day[1]} {_HEADER_NOTE}.", False
    month = _ISO_MONTH_RE.match(date)
    if month:
        return (f"{_plan_name(meta)} chỉ ghi tháng {month[2]}/{month[1]}, không ghi ngày ban hành cụ thể, "
                "nên các kế hoạch đã nạp không cho biết ngày ký."), True
    if _YEAR_RE.match(date):
        return (f"{_plan_name(meta)} chỉ ghi năm {date}, không ghi ngày ban hành cụ thể, "
                "nên các kế hoạch đã nạp không cho biết ngày ký."), True
    return f"{_plan_name(meta)} không ghi ngày ban hành trong dữ liệu đã nạp.", True


def _period_answer(meta: DocumentMeta) -> tuple[str, bool]:
    """The month or year of issue asked: a date the plan gives only to the month or year still answers."""
    date = meta.date.strip()
    if _ISO_DAY_RE.match(date):
        return _date_answer(meta)
    month = _ISO_MONTH_RE.match(date)
    if month:
        return f"{_plan_name(meta)} ban hành tháng {month[2]} năm {month[1]}, không ghi ngày {_HEADER_NOTE}.", False
    if _YEAR_RE.match(date):
        return f"{_plan_name(meta)} ban hành năm {date}, không ghi ngày, tháng {_HEADER_NOTE}.", False
    return _date_answer(meta)


def _issuer_answer(meta: DocumentMeta) -> tuple[str, bool]:
    if meta.issuer:
        return f"Kế hoạch của {meta.locality} do {meta.issuer} ban hành {_DOCUMENT_NOTE}.", False
    return f"Dữ liệu đã nạp không ghi cơ quan ban hành kế hoạch của {meta.locality}.", True


def _signer_answer(meta: DocumentMeta) -> tuple[str, bool]:
    if meta.signer:
        title = f" ({meta.signer_title.capitalize()})" if meta.signer_title else ""
        body = f", thay mặt {meta.issuer}" if meta.issuer else ""
        return f"{_plan_name(meta)} do {meta.signer}{title} ký{body} {_SIGNATURE_NOTE}.", False
    return f"Dữ liệu đã nạp không ghi người ký kế hoạch của {meta.locality}.", True


def _recipients_answer(meta: DocumentMeta) -> tuple[str, bool]:
    sent_to = [r for r in meta.recipients if not _ARCHIVE_RE.match(r)]
    if sent_to:
        return f"{_plan_name(meta)} được gửi đến {_RECIPIENTS_NOTE}:\n" + "\n".join(f"- {r}" for r in sent_to), False
    return f"Dữ liệu đã nạp không ghi nơi nhận kế hoạch của {meta.locality}.", True


_ANSWERS = {"number": _number_answer, "date": _date_answer, "period": _period_answer, "issuer": _issuer_answer,
            "signer": _signer_answer, "recipients": _recipients_answer}


def answer_about_plan(question: str, about: str | Sequence[str], documents: Sequence[DocumentMeta]) -> Answer | None:
    """Answer a question about the named plans' number, date, signer, issuer or recipients from their metadata.

    Args:
        question: The question.
        about: What is asked: "number", "date", "period" (month or year of issue), "signer", "issuer" or
            "recipients" (see ``QuestionIntent.about_plan``), or several of them ("Số hiệu là gì và ai ký?",
            ``QuestionIntent.plan_facts``): one sentence each, in that order.
        documents: The plans the question names; several get one answer each, in the order given.

    Returns:
        An :class:`Answer` citing the lines that state each fact (abstained, without citations, when
        every plan leaves every fact blank), or None when this module does not apply.
    """
    facts = [about] if isinstance(about, str) else list(dict.fromkeys(about))
    facts = [f for f in facts if f in _ANSWERS]
    if not facts or not documents:
        return None
    parts: list[str] = []
    citations: list[Citation] = []
    answered = False
    for meta in documents:
        texts: list[str] = []
        for fact in _said(facts, meta):
            text, abstained = _ANSWERS[fact](meta)
            cited = () if abstained else _citations(meta, fact, first=len(citations) + 1, known=citations)
            answered = answered or not abstained
            citations += [c for c in cited if c not in citations]
            texts.append(_with_marks(text, cited))
        if len(documents) > 1:  # one plan after another, each fact an entry (a list of recipients stays a list)
            texts = [text if "\n" in text else f"- {text}" for text in texts]
        parts.append("\n".join(texts))  # a fact per line: each line's [n] marks only its own sources
    if len(parts) > 1:
        parts = [_LEAD] + parts
    return Answer(question=question, answer="\n".join(parts), abstained=not answered, mode="extractive",
                  citations=tuple(citations), support=1.0 if answered else 0.0)


def _said(facts: Sequence[str], meta: DocumentMeta) -> list[str]:
    """The facts to write for ``meta``, without one another answer already says: the number's sentence gives
    the full date, the signer's the body the signer acts for."""
    said = list(facts)
    if "number" in said and _written_date(meta) and re.search(r"\d", meta.number):
        said = [f for f in said if f not in ("date", "period")]
    if "signer" in said and meta.signer and meta.issuer:
        said = [f for f in said if f != "issuer"]
    return said


_LEAD = "Theo các kế hoạch đã nạp:"


def _with_marks(text: str, cited: Sequence[Citation]) -> str:
    """``text`` with its [n] markers: after the sentence, or after each entry of a list (its lead ends with ":")."""
    if not cited:
        return text
    marks = " " + "".join(f"[{c.n}]" for c in cited)
    lines = text.split("\n")
    return "\n".join([lines[0]] + [line + marks for line in lines[1:]]) if len(lines) > 1 else text + marks


def _citations(meta: DocumentMeta, about: str, *, first: int = 1,
               known: Sequence[Citation] = ()) -> tuple[Citation, ...]:
    """The header or signature lines stating the answer's fact, each once (number and date may share a line);
    a line already cited for another fact (``known``) keeps its number, new ones are numbered from ``first``."""
    spans: list[HeaderSpan] = []
    for fact in _CITED[about]:
        span = meta.header_span(fact)
        if span is None or any(s.start == span.start for s in spans):
            continue
        if about == "issuer" and not any(body in folded_form(span.text) for body in ISSUING_BODIES):
            continue  # a signature with only a name does not say who issued the plan
        if about == "number" and fact == "date" and not _written_date(meta):
            continue
        spans.append(span)
    by_line = {(c.doc_id, c.char_start): c for c in known}
    result: list[Citation] = []
    n = first
    for span in spans:
        if (meta.doc_id, span.start) in by_line:
            result.append(by_line[(meta.doc_id, span.start)])
            continue
        result.append(Citation(n=n, id=f"{meta.doc_id}:{span.fact}", doc_id=meta.doc_id,
                               doc_title=meta.display_title, locality=meta.locality, section=_PLACES[span.fact],
                               text=span.text, char_start=span.start, char_end=span.end, score=1.0,
                               reading=span.reading))
        n += 1
    return tuple(result)
