"""Fixtures for index tests: a tiny hand-made corpus of real clauses and built indexes.

The mini corpus uses sentences copied from the five plans (including a passage
the Huế and Ninh Bình plans share word for word, and OCR-damaged Đồng Nai
text). The real-corpus fixtures (``real_index``, ``e5_embedder``,
``session_cache``) live in tests/conftest.py.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from index.embedders import Embedder
from index.store import ClauseIndex
from ingest.model import Clause, DocumentMeta, ParsedDocument, make_clause_id
from settings import load_settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]

SHARED = ("Nâng cao nhận thức, trách nhiệm của các cấp, các ngành, tổ chức và người dân về bảo hiểm y tế "
          "trong giai đoạn mới; tạo sự chuyển biến mạnh mẽ trong nhận thức và hành động, xác định việc tham "
          "gia bảo hiểm y tế là quyền lợi và trách nhiệm của mọi người dân và toàn xã hội.")

# doc_id -> (meta fields, [(path, kind, titles, text)])
MINI_CORPUS = {
    "hue_KH-UBND": (
        {"title": "Kế hoạch triển khai thực hiện Chỉ thị 52-CT/TW", "number": "", "issuer": "UBND thành phố Huế",
         "level": "thành phố", "locality": "Huế", "province": "Huế", "date": ""},
        [(("I",), "section", (), "I. MỤC ĐÍCH, YÊU CẦU"),
         (("I", "1"), "item", ("I. MỤC ĐÍCH, YÊU CẦU",), "1. Mục đích"),
         (("I", "1", "1"), "bullet", ("I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích"), "- " + SHARED),
         (("II",), "section", (), "II. MỤC TIÊU"),
         (("II", "2", "1"), "bullet", ("II. MỤC TIÊU", "2. Mục tiêu cụ thể"),
          "- Tỷ lệ bao phủ BHYT toàn thành phố đạt trên 99,3% năm 2026 và đạt 100% trước năm 2030."),
         (("V", "1"), "item", ("V. TỔ CHỨC THỰC HIỆN",),
          "1. Sở Tài chính: Tham mưu bố trí kinh phí hỗ trợ mức đóng bảo hiểm y tế cho các đối tượng theo quy định.")]),
    "ninh-binh_KH-UBND_2026-01": (
        {"title": "Kế hoạch thực hiện Chỉ thị số 52-CT/TW", "number": "/KH-UBND", "issuer": "UBND tỉnh Ninh Bình",
         "level": "tỉnh", "locality": "Ninh Bình", "province": "Ninh Bình", "date": "01/2026"},
        [(("I", "1", "1"), "bullet", ("I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích"), "- " + SHARED),
         (("II", "2", "1"), "bullet", ("II. MỤC TIÊU", "2. Mục tiêu cụ thể"),
          "- Đến năm 2026, tỉ lệ bao phủ bảo hiểm y tế đạt trên 95%."),
         (("IV", "1"), "item", ("IV. TỔ CHỨC THỰC HIỆN",),
          "1. Sở Y tế: Chủ trì, phối hợp với Bảo hiểm xã hội tỉnh theo dõi tỉ lệ bao phủ bảo hiểm y tế.")]),
    "dong-nai_646-KH-TU_2026-01-09": (
        {"title": "Kế hoạch hành động thực hiện Chỉ thị số 52-CT/TW", "number": "646-KH/TU",
         "issuer": "Ban Thường vụ Tỉnh ủy Đồng Nai", "level": "tỉnh", "locality": "Đồng Nai",
         "province": "Đồng Nai", "date": "2026-01-09"},
        [(("II", "1", "2"), "bullet", ("I1- NOI DUNG THUC HIEN", "1- Tang cuwong lanh dao, chi dao"),
          "- Bao dam duy tri bén vimng va ting ty 1& din sb tham gia bao hiém y té; dén nam 2026, ty 1é bao "
          "phu y té dat trén 96% dan s6, dén nam 2030 dat muc tiéu bao pha bao hiém y té toan dan.")]),
    "dak-doa-gia-lai_KH-DU_2026": (
        {"title": "Kế hoạch thực hiện Chỉ thị số 52-CT/TW", "number": "-KH/ĐU",
         "issuer": "Ban Thường vụ Đảng ủy xã Đak Đoa", "level": "xã", "locality": "Đak Đoa",
         "province": "Gia Lai", "date": "2026"},
        [(("II", "1", "1"), "bullet", ("II- MỤC TIÊU", "1. Mục tiêu đến năm 2026"),
          "- Tỷ lệ bao phủ bảo hiểm y tế toàn xã đạt trên 95% dân số."),
         (("II", "1", "2"), "bullet", ("II- MỤC TIÊU", "1. Mục tiêu đến năm 2026"),
          "- Tỷ lệ hài lòng của người tham gia bảo hiểm y tế đạt trên 90%.")]),
}


def make_document(doc_id: str, changed: dict[tuple[str, ...], str] | None = None) -> ParsedDocument:
    """Build one mini-corpus document; ``changed`` replaces the text of some clause paths."""
    fields, rows = MINI_CORPUS[doc_id]
    changed = changed or {}
    texts = [changed.get(path, text) for path, _, _, text in rows]
    source = "\n".join(texts) + "\n"
    clauses, pos, ids = [], 0, {}
    for (path, kind, titles, _), text in zip(rows, texts, strict=True):
        start = source.index(text, pos)
        pos = start + len(text)
        clause_id = make_clause_id(doc_id, path, text)
        ids[path] = clause_id
        clauses.append(Clause(id=clause_id, doc_id=doc_id, kind=kind, path=path, titles=titles, text=text,
                              body=text, char_start=start, char_end=pos, parent_id=ids.get(path[:-1], ""),
                              label=path[-1]))
    meta = DocumentMeta(doc_id=doc_id, source_path=f"data/plans/{doc_id}.txt",
                        content_hash=hashlib.sha256(source.encode()).hexdigest(), **fields)
    return ParsedDocument(meta=meta, clauses=tuple(clauses), source_text=source)


class HashEmbedder(Embedder):
    """A deterministic, fast embedder (hashed folded syllables) that counts its calls.

    Used where the test is about storage, not about semantic quality.
    """

    id = "test-hash"
    dim = 64

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        from ingest.vntext import folded_form

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in folded_form(text).split():
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        return out + 1e-3


@pytest.fixture()
def mini_docs() -> list[ParsedDocument]:
    return [make_document(d) for d in MINI_CORPUS]


@pytest.fixture()
def hash_embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture(scope="session")
def mini_e5_index(tmp_path_factory, e5_embedder, session_cache) -> ClauseIndex:
    """The mini corpus indexed with the real e5 embedder (a few seconds)."""
    docs = [make_document(d) for d in MINI_CORPUS]
    return ClauseIndex.build(docs, e5_embedder, tmp_path_factory.mktemp("mini") / "index", cache=session_cache)


@pytest.fixture()
def settings():
    return load_settings(environ={})
