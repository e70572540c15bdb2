"""A tiny clause tree cut from the real plans, for answerer tests without an index.

Every clause is a verbatim slice of a plan in ``data/plans`` (found by its
first and last words), so citation offsets can be checked against the file.
The tree implements what the answerer reads from ``index.store.ClauseIndex``:
``clause(id)``, ``children(id)``, ``documents()``, ``source_text(doc_id)``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from index.types import ScoredClause
from ingest.model import Clause, DocumentMeta, make_clause_id, text_hash
from ingest.structure.annotate import annotate_clauses
from ingest.targets import extract_targets
from ingest.vntext import nfc

PLANS = Path(__file__).resolve().parents[2] / "data" / "plans"

DOCS = {
    "hue_KH-UBND": ("Huế", "thành phố", "Huế", "hue_KH-UBND.txt",
                    "Kế hoạch triển khai thực hiện Kế hoạch số 12-KH/ĐU ngày 15/12/2025 về Chỉ thị 52-CT/TW"),
    "ninh-binh_KH-UBND_2026-01": ("Ninh Bình", "tỉnh", "Ninh Bình", "ninh-binh_KH-UBND_2026-01.txt",
                                  "Kế hoạch triển khai thực hiện Chỉ thị số 52-CT/TW trên địa bàn tỉnh Ninh Bình"),
    "dak-doa-gia-lai_KH-DU_2026": ("Đak Đoa", "xã", "Gia Lai", "dak-doa-gia-lai_KH-DU_2026.txt",
                                   "Kế hoạch thực hiện Chỉ thị số 52-CT/TW của Đảng ủy xã Đak Đoa"),
}


class TinyTree:
    """In-memory stand-in for ClauseIndex built from real plan slices."""

    def __init__(self) -> None:
        self.sources = {doc_id: nfc((PLANS / spec[3]).read_text(encoding="utf-8")) for doc_id, spec in DOCS.items()}
        self.metas = [DocumentMeta(doc_id=doc_id, title=spec[4], number="", issuer="", level=spec[1],
                                   locality=spec[0], province=spec[2], date="", source_path=str(PLANS / spec[3]),
                                   content_hash=text_hash(self.sources[doc_id], 64))
                      for doc_id, spec in DOCS.items()]
        self.by_id: dict[str, Clause] = {}
        self.kids: dict[str, list[Clause]] = {}
        self.sections: dict[str, str] = {}

    def add(self, doc_id: str, kind: str, path: tuple[str, ...], first: str, last: str, *,
            parent: Clause | None = None, section: str = "", after: str = "") -> Clause:
        """Add the clause spanning from ``first`` to the end of ``last`` (searched after ``after``)."""
        source = self.sources[doc_id]
        begin = source.index(after) if after else 0
        start = source.index(first, begin)
        end = source.index(last, start) + len(last)
        text = source[start:end]
        body = " ".join(text.split())
        label = ""
        if kind in ("bullet",) and body[:1] in "-+*":
            label, body = body[:1], body[1:].strip()
        titles = (parent and (*parent.titles, parent.body)) or ()
        clause = Clause(id=make_clause_id(doc_id, path, text), doc_id=doc_id, kind=kind, path=path,
                        titles=tuple(titles), text=text, body=body, char_start=start, char_end=end,
                        parent_id=parent.id if parent else "", label=label)
        chain = []
        ancestor = parent
        while ancestor is not None:
            chain.insert(0, ancestor)
            ancestor = self.by_id.get(ancestor.parent_id)
        clause = annotate_clauses([*chain, clause])[-1]  # structure as ingest records it
        self.by_id[clause.id] = clause
        self.kids.setdefault(clause.id, [])
        if parent is not None:
            self.kids[parent.id].append(clause)
        self.sections[clause.id] = section or " › ".join(path)
        return clause

    # --- the ClauseIndex surface the answerer uses ---
    def clause(self, clause_id: str) -> Clause | None:
        return self.by_id.get(clause_id)

    def children(self, clause_id: str) -> list[Clause]:
        return list(self.kids.get(clause_id, []))

    def documents(self) -> list[DocumentMeta]:
        return list(self.metas)

    def source_text(self, doc_id: str) -> str:
        return self.sources[doc_id]

    def targets(self) -> list:
        """The targets ingest would store for the tiny plans (read by the real extractor)."""
        return [(m, t) for m in self.metas
                for t in extract_targets(m, [c for c in self.by_id.values() if c.doc_id == m.doc_id])]

    def first_section_start(self, doc_id: str) -> int | None:
        return None

    def scored(self, clause: Clause, score: float, dense_rank: int | None = 1,
               lexical_rank: int | None = 1) -> ScoredClause:
        meta = next(m for m in self.metas if m.doc_id == clause.doc_id)
        return ScoredClause(clause=clause, doc_title=meta.title, locality=meta.locality, level=meta.level,
                            section=self.sections[clause.id], score=score, dense_rank=dense_rank,
                            lexical_rank=lexical_rank)


def build_tiny_tree() -> TinyTree:
    """The clauses the answerer tests use, with their tree links."""
    t = TinyTree()
    hue, nb, dd = "hue_KH-UBND", "ninh-binh_KH-UBND_2026-01", "dak-doa-gia-lai_KH-DU_2026"
    # Huế: targets
    s2 = t.add(hue, "section", ("II",), "II. MỤC TIÊU", "II. MỤC TIÊU", section="Mục II")
    i22 = t.add(hue, "item", ("II", "2"), "2. Mục tiêu cụ thể", "2. Mục tiêu cụ thể", parent=s2,
                section="Mục II › 2. Mục tiêu cụ thể")
    t.add(hue, "bullet", ("II", "2", "1"), "- Tỷ lệ bao phủ BHYT toàn thành phố", "trước năm 2030.", parent=i22,
          section="Mục II › 2. Mục tiêu cụ thể › ý 1")
    t.add(hue, "bullet", ("II", "2", "2"), "- 100% các xã, phường duy trì", "so với năm trước.", parent=i22,
          section="Mục II › 2. Mục tiêu cụ thể › ý 2")
    # Huế: funding + support policy + agencies
    s4 = t.add(hue, "section", ("IV",), "IV. KINH PHÍ", "IV. KINH PHÍ", section="Mục IV")
    t.add(hue, "paragraph", ("IV", "p1"), "Kinh phí thực hiện Kế hoạch này", "phân cấp quản lý ngân sách.",
          parent=s4, section="Mục IV › đoạn 1")
    s3 = t.add(hue, "section", ("III",), "III. NHIỆM VỤ VÀ GIẢI PHÁP", "III. NHIỆM VỤ VÀ GIẢI PHÁP", section="Mục III")
    i32 = t.add(hue, "item", ("III", "2"), "2. Hoàn thiện cơ chế, chính sách liên quan BHYT", "tại địa phương",
                parent=s3, section="Mục III › 2. Hoàn thiện cơ chế…")
    t.add(hue, "bullet", ("III", "2", "1"), "- Thực hiện có hiệu quả chính sách hỗ trợ mức đóng",
          "trên địa bàn thành phố.", parent=i32, section="Mục III › 2. Hoàn thiện cơ chế… › ý 1")
    t.add(hue, "bullet", ("III", "2", "2"), "- Xây dựng cơ chế và triển khai thí điểm", "theo yêu cầu của người dân.",
          parent=i32, section="Mục III › 2. Hoàn thiện cơ chế… › ý 2")
    s5 = t.add(hue, "section", ("V",), "V. TỔ CHỨC THỰC HIỆN", "V. TỔ CHỨC THỰC HIỆN", section="Mục V")
    i52 = t.add(hue, "item", ("V", "2"), "2. Sở Tài chính", "2. Sở Tài chính", parent=s5,
                section="Mục V › 2. Sở Tài chính")
    t.add(hue, "bullet", ("V", "2", "1"), "- Tham mưu UBND thành phố bố trí kinh phí", "công tác BHYT.", parent=i52,
          section="Mục V › 2. Sở Tài chính › ý 1")
    i59 = t.add(hue, "item", ("V", "9"), "9. Chế độ thông tin, báo cáo", "9. Chế độ thông tin, báo cáo", parent=s5,
                section="Mục V › 9. Chế độ thông tin, báo cáo")
    t.add(hue, "paragraph", ("V", "9", "p1"), "Các Sở, ban, ngành và cơ quan liên quan định kỳ", "Thành ủy, Bộ Y tế.",
          parent=i59, section="Mục V › 9. Chế độ thông tin, báo cáo › đoạn 1")
    # Ninh Bình: targets (a near-duplicate of Huế's text with other numbers)
    n2 = t.add(nb, "section", ("II",), "II. MỤC TIÊU", "II. MỤC TIÊU", section="Mục II")
    n22 = t.add(nb, "item", ("II", "2"), "2. Mục tiêu cụ thể", "2. Mục tiêu cụ thể", parent=n2,
                section="Mục II › 2. Mục tiêu cụ thể")
    t.add(nb, "bullet", ("II", "2", "1"), "- Đến năm 2026, tỉ lệ bao phủ", "đạt trên 95%.", parent=n22,
          section="Mục II › 2. Mục tiêu cụ thể › ý 1")
    t.add(nb, "bullet", ("II", "2", "2"), "- Đến năm 2030, phấn đấu đạt", "y tế toàn dân.", parent=n22,
          section="Mục II › 2. Mục tiêu cụ thể › ý 2")
    # Đak Đoa: a task with its "Thời gian thực hiện" attribute
    d4 = t.add(dd, "section", ("IV",), "IV- TỔ CHỨC THỰC HIỆN", "IV- TỔ CHỨC THỰC HIỆN", section="Mục IV")
    d42 = t.add(dd, "item", ("IV", "2"), "2. Ban Xây dựng Đảng chủ trì", "về Ban Thường vụ Đảng ủy xã để theo dõi.",
                parent=d4, section="Mục IV › 2. Ban Xây dựng Đảng chủ trì…", after="IV- TỔ CHỨC THỰC HIỆN")
    t.add(dd, "attribute", ("IV", "2", "attr1"), "Thời gian thực hiện: Thường xuyên.", "Thường xuyên.", parent=d42,
          section="Mục IV › 2. Ban Xây dựng Đảng chủ trì… › Thời gian thực hiện", after="2. Ban Xây dựng Đảng")
    d2 = t.add(dd, "section", ("II",), "II- MỤC TIÊU", "II- MỤC TIÊU", section="Mục II")
    d21 = t.add(dd, "item", ("II", "1"), "1. Mục tiêu đến năm 2026", "1. Mục tiêu đến năm 2026", parent=d2,
                section="Mục II › 1. Mục tiêu đến năm 2026")
    t.add(dd, "bullet", ("II", "1", "1"), "- Tỷ lệ bao phủ bảo hiểm y tế toàn xã đạt trên 95%", "dân số.", parent=d21,
          section="Mục II › 1. Mục tiêu đến năm 2026 › ý 1")
    return t


def find(tree: TinyTree, words: str) -> Clause:
    """The one clause of ``tree`` whose text contains ``words``."""
    hits = [c for c in tree.by_id.values() if words in c.text]
    assert len(hits) == 1, f"{words!r} matches {len(hits)} clauses"
    return hits[0]


@pytest.fixture(scope="session")
def tiny_tree() -> TinyTree:
    """The tiny real-clause tree (built once)."""
    return build_tiny_tree()


@pytest.fixture(scope="session")
def tiny_index_dir(tmp_path_factory, tiny_tree, e5_embedder, session_cache) -> Path:
    """The tiny tree as a real index directory (e5-small embedder, a few seconds; vectors in the session cache)."""
    from index.store import ClauseIndex
    from ingest.model import ParsedDocument

    docs = []
    for meta in tiny_tree.metas:
        clauses = sorted((c for c in tiny_tree.by_id.values() if c.doc_id == meta.doc_id), key=lambda c: c.char_start)
        docs.append(ParsedDocument(meta=meta, clauses=tuple(clauses), source_text=tiny_tree.sources[meta.doc_id]))
    directory = tmp_path_factory.mktemp("tiny") / "index"
    ClauseIndex.build(docs, e5_embedder, directory, cache=session_cache)
    return directory
