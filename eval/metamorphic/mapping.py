"""What a rewrite changed, as a JSON record, and the one way its string substitutions are applied.

A :class:`PlanMapping` sits next to each rewritten plan (``<stem>.mapping.json``):
the source plan, the seeds, the locality and issuer before and after, every
string substitution applied to the plan (old -> new, with how often), the
extra spellings used only on questions (accent-less, lower-case forms), and
the numbering and layout conventions chosen. :func:`substitute` applies a set
of substitutions to any text (a plan, a question, a key fact) the same way:
longest old string first, whole words only.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from eval.metamorphic.edits import Edit

__all__ = ["Conventions", "PlanMapping", "Substitution", "compile_substitutions", "read_mapping", "substitute",
           "write_mapping"]

MAPPING_SUFFIX = ".mapping.json"
MAPPING_FORMAT = 1
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Substitution:
    """One string replaced everywhere it occurs as a whole word.

    Attributes:
        kind: "locality", "province", "level", "percent", "count", "date" or "number".
        old: The string as the source writes it.
        new: Its replacement.
        count: How often it was replaced in the plan (0 for a question-only form).
    """

    kind: str
    old: str
    new: str
    count: int = 0


@dataclass(frozen=True)
class Conventions:
    """How a rewrite writes its structure.

    Attributes:
        section: "roman" ("II."), "roman_dash" ("II-"), "part" ("Phần II."), "chapter" ("Chương II.") or
            "heading" ("Mục 2.").
        item: "dot" ("2."), "paren" ("2)"), "decimal" ("2.1.") or "article" ("Điều 2.", numbered through).
        points: "bullet" (bullets kept, drawn with ``bullet``) or "letter" ("a)"), "letter_dot" ("a."),
            "letter_dash" ("b-").
        bullet: "-", "+" or "•".
        heading_case: "upper" or "lower" (sentence case) for section titles.
        layout: "keep", "joined" (wrapped lines joined) or "wrapped" (hard-wrapped at ``wrap_width``).
        wrap_width: Line width of the "wrapped" layout.
    """

    section: str = "roman"
    item: str = "dot"
    points: str = "bullet"
    bullet: str = "-"
    heading_case: str = "upper"
    layout: str = "keep"
    wrap_width: int = 80


@dataclass(frozen=True)
class PlanMapping:
    """Everything one rewrite changed (written as ``<stem>.mapping.json``).

    Attributes:
        source: File name of the source plan.
        source_doc_id: Doc id ingest gives the source plan.
        rewrite: File name of the rewritten plan.
        doc_id: Doc id ingest gives the rewritten plan.
        seed: The rewrite's own seed.
        corpus_seed: The seed of the whole corpus.
        locality: Old and new locality, level and province.
        issuer: Old and new issuing body.
        substitutions: Substitutions applied to the plan, each with its count (> 0).
        question_forms: Further spellings of the same changes, applied to questions only.
        conventions: The numbering and layout chosen.
        written_kinds: How many markers of each kind the rewrite wrote (section, item, letter, bullet).
        damage: Optional damage applied (empty when off).
    """

    source: str
    source_doc_id: str
    rewrite: str
    doc_id: str
    seed: str
    corpus_seed: int
    locality: Mapping[str, str]
    issuer: Mapping[str, str]
    substitutions: tuple[Substitution, ...]
    question_forms: tuple[Substitution, ...]
    conventions: Conventions
    written_kinds: Mapping[str, int] = field(default_factory=dict)
    damage: Mapping[str, object] = field(default_factory=dict)

    def all_substitutions(self) -> tuple[Substitution, ...]:
        """Plan substitutions, then question-only forms (what a question about this plan gets)."""
        return self.substitutions + self.question_forms

    def to_json(self) -> dict:
        """A JSON-serialisable dict (keys in a fixed order)."""
        data = asdict(self)
        data["format"] = MAPPING_FORMAT
        return data

    @classmethod
    def from_json(cls, data: Mapping) -> PlanMapping:
        """Build a mapping from its JSON dict."""
        values = {k: v for k, v in data.items() if k != "format"}
        values["substitutions"] = tuple(Substitution(**s) for s in data["substitutions"])
        values["question_forms"] = tuple(Substitution(**s) for s in data["question_forms"])
        values["conventions"] = Conventions(**data["conventions"])
        return cls(**values)


def write_mapping(path: str | Path, mapping: PlanMapping) -> None:
    """Write ``mapping`` as indented UTF-8 JSON (byte-identical for equal mappings)."""
    text = json.dumps(mapping.to_json(), ensure_ascii=False, indent=2, sort_keys=True)
    Path(path).write_text(text + "\n", encoding="utf-8")


def read_mapping(path: str | Path) -> PlanMapping:
    """Read a mapping written by :func:`write_mapping`."""
    return PlanMapping.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def _boundary_pattern(old: str) -> str:
    # Numbers and dates must not be read inside longer figures ("195%", "1.000", "15/12/2025").
    before = r"(?<![\d.,/])" if old[:1].isdigit() else r"(?<!\w)"
    after = ""
    if old[-1:].isdigit():
        after = r"(?![\w/]|[.,]\d)"
    elif old[-1:].isalnum():
        after = r"(?![\w/])"
    # A name or phrase may be broken across lines ("thành\nphố"): any whitespace run matches a space.
    return before + r"\s+".join(re.escape(word) for word in old.split(" ")) + after


def compile_substitutions(pairs: Iterable[tuple[str, str]]) -> tuple[re.Pattern | None, dict[str, str]]:
    """One regex matching every old string as a whole word, longest first, and the old -> new table."""
    table: dict[str, str] = {}
    for old, new in pairs:
        old = _SPACES.sub(" ", old).strip()
        if old and old not in table:
            table[old] = new
    if not table:
        return None, table
    ordered = sorted(table, key=lambda s: (-len(s), s))
    return re.compile("|".join(f"(?:{_boundary_pattern(old)})" for old in ordered)), table


def substitute(text: str, substitutions: Sequence[Substitution] | Iterable[tuple[str, str]]
               ) -> tuple[str, list[Edit], Counter[str]]:
    """Apply substitutions to ``text`` (whole words, longest old string first, one pass).

    Returns:
        The new text, the edits made (on ``text``), and how often each old string was replaced.
    """
    pairs = [(s.old, s.new) if isinstance(s, Substitution) else s for s in substitutions]
    pattern, table = compile_substitutions(pairs)
    counts: Counter[str] = Counter()
    if pattern is None:
        return text, [], counts
    edits = []
    for match in pattern.finditer(text):
        old = _SPACES.sub(" ", match.group(0))
        counts[old] += 1
        edits.append(Edit(match.start(), match.end(), table[old]))
    pieces, position = [], 0
    for edit in edits:
        pieces += [text[position:edit.start], edit.replacement]
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces), edits, counts
