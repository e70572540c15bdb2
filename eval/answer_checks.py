"""Answer metrics that repeating the question, pasting clauses or contradicting cannot pass.

Key-fact recall alone rewards long answers (pasting the top-5 clauses scored
0.955) and answers that name the right figure only to deny it ("…là 95%, không
phải 99,3%"). These checks close those holes; each is a pure function over the
answer text, unit-tested in ``tests/eval/test_answer_checks.py``:

- :func:`facts_per_document`: on a question about several plans, each plan's own
  facts must appear in the part of the answer about that plan (a line citing one
  of its clauses or naming its locality), not anywhere;
- :func:`stated_polarity`: a yes/no question is answered "có"/"không" up front;
- :func:`wrong_figures`: a figure of the kind the gold answer gives (a
  percentage, a date, a year, an amount) that neither the reference answer nor
  the evidence states is a wrong fact;
- :func:`sentence_precision`: the share of the answer's sentences that carry a
  key fact or quote the gold evidence (the conciseness control), beside the
  answer's length in characters.

:func:`strict_correct` combines them: every key fact (per plan), the right
polarity, no wrong figure, and at least :data:`MIN_PRECISION` of the sentences
on point.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from eval.metrics import contains_fact, fact_tokens
from ingest.vntext import fold_diacritics, nfc

# Half the sentences of a correct answer must be on point: below that, the
# answer is mostly other material (a pasted section), whatever facts it holds.
MIN_PRECISION = 0.5

_MARKER = re.compile(r"\[(\d+)\]")
_PERCENT = re.compile(r"(?<![\d,.])(\d+(?:[.,]\d+)?)\s*%")
_DATE = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{4}))?(?![\d/])")
_YEAR = re.compile(r"(?<![\d/.,-])((?:19|20)\d\d)(?![\d/%])")
_AMOUNT = re.compile(r"(?<![\d,.])(\d+(?:[.,]\d+)*)\s*(tỷ|tỉ|triệu|nghìn|ngàn)\s*đồng", re.IGNORECASE)
FIGURE_KINDS: tuple[str, ...] = ("percent", "date", "year", "amount")

# How an answer says yes or no first ("Có.", "Không, …", "Đúng vậy", "Chưa …"), folded.
_YES_OPENERS = ("co", "dung", "vang", "phai")
_NO_OPENERS = ("khong", "chua", "sai")
# The lead of an answer that names whose plan speaks ("Theo kế hoạch của Huế:"), not a claim.
_LEAD = re.compile(r"^\s*theo (?:ke hoach(?: cua [^:,]+)?|cac ke hoach da nap)\s*[:,]\s*")


def _number(text: str) -> str:
    return text.replace(",", ".").lstrip("0") or "0"


def figures(text: str) -> dict[str, set[str]]:
    """The figures a text states, by kind, in a normal form ("99,3%" -> "99.3", "05/6" -> "5/6").

    Dates are read before years, so the year of "03/10/2025" is part of the date,
    not a bare year.
    """
    text = nfc(text)
    found: dict[str, set[str]] = {kind: set() for kind in FIGURE_KINDS}
    found["percent"] = {_number(m.group(1)) for m in _PERCENT.finditer(text)}
    found["amount"] = {f"{_number(m.group(1))} {fold_diacritics(m.group(2).lower()).replace('ti', 'ty')}"
                       for m in _AMOUNT.finditer(text)}
    without_dates = text
    for m in _DATE.finditer(text):
        day, month = int(m.group(1)), int(m.group(2))
        if 1 <= day <= 31 and 1 <= month <= 12:
            found["date"].add(f"{day}/{month}")
            without_dates = without_dates.replace(m.group(0), " ")
    found["year"] = set(_YEAR.findall(_PERCENT.sub(" ", without_dates)))
    return found


def wrong_figures(answer: str, key_facts: Sequence[str], allowed_texts: Sequence[str]) -> tuple[str, ...]:
    """Figures in ``answer`` of a kind some key fact has, stated by none of ``allowed_texts``.

    Args:
        answer: The system's answer.
        key_facts: The gold key facts; only the kinds of figure they contain are checked.
        allowed_texts: Texts whose figures may appear (the reference answer and the evidence).

    Returns:
        The offending figures as "kind:value", sorted (empty when none).
    """
    asked = {kind for fact in key_facts for kind, values in figures(fact).items() if values}
    if not asked:
        return ()
    allowed: dict[str, set[str]] = {kind: set() for kind in FIGURE_KINDS}
    for text in allowed_texts:
        for kind, values in figures(text).items():
            allowed[kind] |= values
    stated = figures(_MARKER.sub(" ", answer))
    return tuple(sorted(f"{kind}:{value}" for kind in asked for value in stated[kind] - allowed[kind]))


def _folded(text: str) -> str:
    return " ".join(fold_diacritics(nfc(text)).lower().split())


def stated_polarity(answer: str) -> bool | None:
    """True when the answer opens with yes, False with no, None when it does not say.

    The lead naming the plan ("Theo kế hoạch của Huế:") is skipped first.
    """
    opening = _LEAD.sub("", _folded(_MARKER.sub(" ", answer)))
    first = re.findall(r"\w+", opening[:40])
    if not first:
        return None
    if first[0] in _NO_OPENERS or first[:2] == ["khong", "co"]:
        return False
    if first[0] in _YES_OPENERS:
        return True
    return None


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of an answer with the citation numbers it carries."""

    text: str
    cited: tuple[int, ...]


def answer_sentences(answer: str) -> tuple[AnswerSentence, ...]:
    """The answer's sentences: one per line, a line split after each citation group or full stop.

    Table header and separator rows and empty lines are not sentences; a table
    row is one sentence. A sentence's citation numbers are those inside or right
    after it, or else those of the next cited sentence of the same line (a quote
    of several sentences is cited once, at its end).
    """
    sentences: list[AnswerSentence] = []
    for line in nfc(answer).splitlines():
        stripped = line.strip()
        if not stripped or re.fullmatch(r"\|?[\s|:-]*\|?", stripped):
            continue
        if stripped.startswith("|") and not _MARKER.search(stripped):
            continue  # a table header row
        pieces = re.split(r"(?<=\])\s+(?=[^\[])|(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ\-•])", stripped)
        line_sentences = []
        for piece in pieces:
            cited = tuple(int(n) for n in _MARKER.findall(piece))
            text = _MARKER.sub("", piece).strip(" |-•*")
            if re.search(r"\w", text):
                line_sentences.append(AnswerSentence(text, cited))
        # A quote of several sentences carries its marker once, after the last one.
        following: tuple[int, ...] = ()
        for i in range(len(line_sentences) - 1, -1, -1):
            if line_sentences[i].cited:
                following = line_sentences[i].cited
            elif following and not line_sentences[i].text.endswith(":"):
                line_sentences[i] = AnswerSentence(line_sentences[i].text, following)
        sentences += line_sentences
    return tuple(sentences)


# A sentence quotes the evidence when it repeats this many of its words in a row,
# and at least half of its own words (or the whole evidence, when shorter): a
# paraphrase of the question that shares a phrase with the evidence does not.
QUOTE_RUN = 6


def _quotes_evidence(sentence: str, evidence_texts: Sequence[str]) -> bool:
    tokens = fact_tokens(sentence)
    for evidence in evidence_texts:
        quoted = fact_tokens(evidence)
        run = min(max(QUOTE_RUN, (len(tokens) + 1) // 2), len(quoted))
        if not run:
            continue
        grams = {tuple(quoted[i:i + run]) for i in range(len(quoted) - run + 1)}
        if any(tuple(tokens[i:i + run]) in grams for i in range(len(tokens) - run + 1)):
            return True
    return False


def sentence_precision(answer: str, key_facts: Sequence[str], evidence_texts: Sequence[str]) -> float | None:
    """Share of the answer's sentences that carry a key fact or quote the gold evidence.

    A sentence quotes the evidence when it repeats :data:`QUOTE_RUN` words of an
    evidence string in a row, and at least half of its own words. Lead-ins that only name the plan or introduce a list (a
    sentence ending in ":") are not counted either way. None when the answer
    has no sentence.
    """
    counted = [s for s in answer_sentences(answer)
               if _LEAD.sub("", _folded(s.text)).strip(" :") and not s.text.rstrip().endswith(":")]
    if not counted:
        return None
    on_point = sum(1 for s in counted
                   if any(contains_fact(s.text, f) for f in key_facts) or _quotes_evidence(s.text, evidence_texts))
    return on_point / len(counted)


def answer_length(answer: str) -> int:
    """Characters of the answer without citation markers and surrounding space."""
    return len(_MARKER.sub("", nfc(answer)).strip())


def facts_per_document(answer: str, facts_by_doc: Mapping[str, Sequence[str]],
                       cited_docs: Mapping[int, str], localities: Mapping[str, str]) -> dict[str, bool]:
    """For each plan, whether the part of the answer about it states all of its facts.

    Args:
        answer: The system's answer.
        facts_by_doc: Doc id -> the facts that plan must contribute.
        cited_docs: Citation number -> doc id of the cited clause.
        localities: Doc id -> locality name (a line naming it is about that plan).

    Returns:
        Doc id -> all of its facts found in the lines about it.
    """
    lines = [line for line in nfc(answer).splitlines() if line.strip()]
    found: dict[str, bool] = {}
    for doc_id, facts in facts_by_doc.items():
        name = _folded(localities.get(doc_id, ""))
        about = [line for line in lines
                 if any(cited_docs.get(int(n)) == doc_id for n in _MARKER.findall(line))
                 or (name and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", _folded(line)))]
        text = "\n".join(about)
        found[doc_id] = bool(about) and all(contains_fact(text, fact) for fact in facts)
    return found


@dataclass(frozen=True)
class AnswerCheck:
    """Every answer check of one answered question.

    Attributes:
        facts_found: Per key fact, found anywhere in the answer.
        per_document: Doc id -> its facts found in the lines about it (empty for one plan).
        polarity_right: For a yes/no question, whether the answer opens with the right polarity.
        wrong: Figures of an asked kind that the gold does not state.
        precision: Share of on-point sentences (None without sentences).
        length: Answer length in characters.
    """

    facts_found: tuple[bool, ...]
    per_document: Mapping[str, bool]
    polarity_right: bool | None
    wrong: tuple[str, ...]
    precision: float | None
    length: int

    @property
    def all_facts(self) -> bool:
        """Every key fact, and every plan's facts in its own lines."""
        return all(self.facts_found) and all(self.per_document.values())

    @property
    def strict(self) -> bool:
        """All facts, right polarity, no wrong figure, and at least :data:`MIN_PRECISION` on point."""
        return (self.all_facts and self.polarity_right is not False and not self.wrong
                and self.precision is not None and self.precision >= MIN_PRECISION)


def check_answer(answer: str, *, key_facts: Sequence[str], facts_by_doc: Mapping[str, Sequence[str]],
                 yes_no: bool | None, reference_answer: str, evidence_texts: Sequence[str],
                 cited_docs: Mapping[int, str], localities: Mapping[str, str]) -> AnswerCheck:
    """Run every check on one answer (see the module docstring)."""
    facts_found = tuple(contains_fact(answer, f) for f in key_facts)
    per_document = facts_per_document(answer, facts_by_doc, cited_docs, localities) if len(facts_by_doc) > 1 else {}
    polarity_right = None if yes_no is None else stated_polarity(answer) is yes_no
    wrong = wrong_figures(answer, key_facts, [reference_answer, *evidence_texts])
    return AnswerCheck(facts_found, per_document, polarity_right, wrong,
                       sentence_precision(answer, key_facts, evidence_texts), answer_length(answer))
