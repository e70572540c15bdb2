"""Tests for index/retriever.py on the mini corpus with the real e5 embedder."""

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.documents import Document

from index.labels import section_label
from index.retriever import HybridRetriever
from settings import load_settings
from tests.index.conftest import SHARED, make_document


@pytest.fixture(scope="module")
def retriever(mini_e5_index):
    return HybridRetriever(mini_e5_index, load_settings(environ={}))


def test_locality_decides_between_identical_passages(retriever):
    for question, doc_id in [("Ở Huế, mục đích nâng cao nhận thức về bảo hiểm y tế là gì?", "hue_KH-UBND"),
                             ("Ở Ninh Bình, mục đích nâng cao nhận thức về bảo hiểm y tế là gì?",
                              "ninh-binh_KH-UBND_2026-01"),
                             ("o hue muc dich nang cao nhan thuc ve bao hiem y te", "hue_KH-UBND")]:
        top = retriever.retrieve(question, top_k=3)
        assert top[0].clause.doc_id == doc_id, question
        assert SHARED in top[0].clause.text


def test_accentless_query_shares_top_results(retriever):
    pairs = [("Tỷ lệ bao phủ bảo hiểm y tế của xã Đak Đoa năm 2026?",
              "ty le bao phu bao hiem y te cua xa dak doa nam 2026"),
             ("Sở Tài chính có nhiệm vụ gì về kinh phí hỗ trợ mức đóng?",
              "so tai chinh co nhiem vu gi ve kinh phi ho tro muc dong"),
             ("Đồng Nai đặt mục tiêu bao phủ bao nhiêu phần trăm năm 2026?",
              "dong nai dat muc tieu bao phu bao nhieu phan tram nam 2026")]
    for accented, plain in pairs:
        top_a = [s.id for s in retriever.retrieve(accented, top_k=3)]
        top_p = [s.id for s in retriever.retrieve(plain, top_k=3)]
        assert top_a[0] == top_p[0], accented
        assert len(set(top_a) & set(top_p)) >= 2, accented


def test_channels_and_ranks(retriever):
    question = "tỉ lệ bao phủ BHYT toàn thành phố 99,3%"
    lexical = retriever.retrieve(question, top_k=5, channels=("lexical",))
    dense = retriever.retrieve(question, top_k=5, channels=("dense",))
    hybrid = retriever.retrieve(question, top_k=5)
    assert all(s.dense_rank is None and s.lexical_rank for s in lexical)
    assert all(s.lexical_rank is None and s.dense_rank for s in dense)
    assert hybrid[0].dense_rank and hybrid[0].lexical_rank
    assert "99,3%" in hybrid[0].clause.text and lexical[0].lexical_score > 0
    assert [s.score for s in hybrid] == sorted((s.score for s in hybrid), reverse=True)


def test_filters(retriever):
    results = retriever.retrieve("bảo hiểm y tế", top_k=10, filters={"locality": "ninh binh"})
    assert {s.locality for s in results} == {"Ninh Bình"} and len(results) == 3
    assert {s.level for s in retriever.retrieve("bảo hiểm y tế", filters={"level": "xã"})} == {"xã"}
    assert retriever.retrieve("bảo hiểm y tế", filters={"doc_id": ["hue_KH-UBND"]})[0].clause.doc_id == "hue_KH-UBND"
    assert retriever.retrieve("bảo hiểm y tế", filters={"locality": "Hà Nội"}) == []
    for written in ("tỉnh Ninh Bình", "TINH NINH BINH"):
        assert {s.locality for s in retriever.retrieve("bảo hiểm y tế", filters={"locality": written})} == {"Ninh Bình"}
    assert {s.locality for s in retriever.retrieve("bảo hiểm y tế", filters={"locality": "tỉnh Gia Lai"})} == {"Đak Đoa"}
    with pytest.raises(ValueError, match="unknown filter keys"):
        retriever.retrieve("bảo hiểm y tế", filters={"year": 2026})


def test_section_and_json_shape(retriever):
    top = retriever.retrieve("Ở Huế tỉ lệ bao phủ BHYT 99,3%", top_k=1)[0]
    assert top.section == "Mục II › 2. Mục tiêu cụ thể › ý 1"
    data = top.to_json()
    assert set(data) == {"id", "doc_id", "doc_title", "locality", "section", "text", "char_start", "char_end",
                         "score", "ranks"}
    assert set(data["ranks"]) == {"dense", "lexical"}


def test_section_label_clips_long_titles():
    doc = make_document("dong-nai_646-KH-TU_2026-01-09")
    assert section_label(doc.clauses[0]) == "Mục II › 1- Tang cuwong lanh dao, chi dao › ý 2"
    long = doc.clauses[0].__class__(**{**doc.clauses[0].__dict__, "titles": (
        "II. NỘI DUNG", "2. Hoàn thiện cơ chế, chính sách về bảo hiểm y tế phù hợp với tình hình mới")})
    assert section_label(long) == "Mục II › 2. Hoàn thiện cơ chế, chính sách về bảo… › ý 2"


def test_bad_arguments(mini_e5_index, retriever):
    with pytest.raises(ValueError, match="top_k must be > 0, got 0"):
        retriever.retrieve("bảo hiểm", top_k=0)
    with pytest.raises(ValueError, match="channels"):
        retriever.retrieve("bảo hiểm", channels=("sparse",))
    with pytest.raises(ValueError, match="dense_top_n must be > 0, got 0"):
        HybridRetriever(mini_e5_index, load_settings(environ={"BHYT_DENSE_TOP_N": "0"}))
    assert retriever.retrieve("   ") == []


def test_langchain_invoke_returns_documents(retriever):
    docs = retriever.invoke("Sở Tài chính")
    assert isinstance(docs[0], Document)
    assert docs[0].metadata["doc_id"] == "hue_KH-UBND" and docs[0].page_content.startswith("1. Sở Tài chính")
    assert docs[0].metadata["ranks"]["dense"] == 1


def test_top_level_text_after_the_sections_is_labelled_as_the_closing(real_index):
    from index.retriever import HybridRetriever
    from settings import load_settings

    retriever = HybridRetriever(real_index, load_settings(environ={}))
    results = retriever.retrieve("Trên đây là Kế hoạch triển khai thực hiện Chỉ thị Ninh Bình", top_k=10,
                                 filters={"locality": "Ninh Bình"})
    sections = {r.clause.path: r.section for r in results if len(r.clause.path) == 1 and r.clause.kind == "paragraph"}
    assert sections[("p1",)] == "Mở đầu › đoạn 1"
    assert sections[("p2",)] == "Phần kết › đoạn 2"


# --- LangChain surface: per-call options, declared fields, someone else's chain ---

QUESTION = "Tỷ lệ bao phủ bảo hiểm y tế năm 2026 là bao nhiêu?"
HUE_TARGET = "- Tỷ lệ bao phủ BHYT toàn thành phố đạt trên 99,3% năm 2026 và đạt 100% trước năm 2030."
NINH_BINH_TARGET = "- Đến năm 2026, tỉ lệ bao phủ bảo hiểm y tế đạt trên 95%."


def test_invoke_honours_k(retriever):
    default = retriever.invoke(QUESTION)
    top3 = retriever.invoke(QUESTION, k=3)
    assert len(default) == 10 == retriever.k
    assert [d.id for d in top3] == [d.id for d in default[:3]]
    assert len(retriever.invoke(QUESTION, k=1)) == 1


def test_invoke_honours_filters(retriever):
    hue = retriever.invoke(QUESTION, filters={"locality": "Huế"})
    assert {d.metadata["locality"] for d in hue} == {"Huế"} and len(hue) == 6  # every Huế clause, nothing else
    assert hue[0].page_content == HUE_TARGET
    two_plans = retriever.invoke(QUESTION, k=4, filters={"locality": ["ninh binh", "Đak Đoa"]})
    assert len(two_plans) == 4 and {d.metadata["locality"] for d in two_plans} == {"Ninh Bình", "Đak Đoa"}
    assert {d.metadata["level"] for d in retriever.invoke(QUESTION, filters={"level": "xã"})} == {"xã"}
    assert retriever.invoke(QUESTION, filters={"locality": "Hà Nội"}) == []


def test_declared_fields_are_defaults_and_call_options_override_them(mini_e5_index):
    narrow = HybridRetriever(mini_e5_index, load_settings(environ={}), k=2, filters={"locality": "Ninh Bình"})
    docs = narrow.invoke(QUESTION)
    assert len(docs) == 2 and {d.metadata["locality"] for d in docs} == {"Ninh Bình"}
    assert docs[0].page_content == NINH_BINH_TARGET
    assert [s.id for s in narrow.retrieve(QUESTION)] == [d.id for d in docs]  # retrieve() shares the defaults
    assert len(narrow.invoke(QUESTION, k=3)) == 3
    assert {d.metadata["locality"] for d in narrow.invoke(QUESTION, filters={"locality": "Huế"})} == {"Huế"}
    assert len({d.metadata["locality"] for d in narrow.invoke(QUESTION, filters={})}) > 1  # {} = no filter
    assert HybridRetriever(mini_e5_index, load_settings(environ={"BHYT_TOP_K": "4"})).k == 4


@pytest.mark.parametrize("options, error, message", [
    ({"k": 0}, ValueError, "k must be > 0, got 0"),
    ({"k": -2}, ValueError, "k must be > 0, got -2"),
    ({"k": "3"}, ValueError, "k must be an integer > 0, got '3'"),
    ({"k": 2.5}, ValueError, "k must be an integer > 0, got 2.5"),
    ({"filters": {"year": "2026"}}, ValueError, r"unknown filter keys \['year'\]"),
    ({"filters": {"locality": "Huế", "tinh": "Huế"}}, ValueError, r"unknown filter keys \['tinh'\]"),
    ({"filters": "Huế"}, ValueError, "filters must be a dict"),
    ({"filters": {"locality": 2026}}, ValueError, "filter 'locality' must be a string or a list of strings"),
    ({"top_k": 3}, TypeError, r"unknown options \['top_k'\]; allowed: \('k', 'filters'\)"),
    ({"search_kwargs": {"k": 3}}, TypeError, r"unknown options \['search_kwargs'\]"),
])
def test_bad_call_options_are_rejected(retriever, options, error, message):
    with pytest.raises(error, match=message):
        retriever.invoke(QUESTION, **options)


def test_bad_declared_fields_are_rejected(mini_e5_index):
    settings = load_settings(environ={})
    with pytest.raises(ValueError, match="k must be > 0, got 0"):
        HybridRetriever(mini_e5_index, settings, k=0)
    with pytest.raises(ValueError, match=r"unknown filter keys \['province'\]"):
        HybridRetriever(mini_e5_index, settings, filters={"province": "Gia Lai"})


def test_ainvoke_and_batch_pass_the_options_on(retriever):
    import asyncio

    docs = asyncio.run(retriever.ainvoke(QUESTION, k=2, filters={"locality": "Huế"}))
    assert len(docs) == 2 and {d.metadata["locality"] for d in docs} == {"Huế"}
    batched = retriever.batch([QUESTION, "Sở Tài chính có nhiệm vụ gì?"], k=1)
    assert [len(docs) for docs in batched] == [1, 1]
    assert batched[1][0].page_content.startswith("1. Sở Tài chính")


class _Recorder(BaseCallbackHandler):
    """Callback handler that keeps what the retriever returned and what the chat model was sent."""

    def __init__(self):
        self.retrieved: list[list[Document]] = []
        self.sent: list[list] = []

    def on_retriever_end(self, documents, **kwargs):
        self.retrieved.append(list(documents))

    def on_chat_model_start(self, serialized, messages, **kwargs):
        self.sent.extend(messages)


def _format_docs(docs: list[Document]) -> str:
    return "\n\n".join(doc.page_content for doc in docs)


def _rag_chain(retrieving, reply: str):
    """A plain LCEL RAG chain as another project would write it, around ``retrieving``."""
    from langchain_core.language_models.fake_chat_models import FakeListChatModel
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.runnables import RunnablePassthrough

    prompt = ChatPromptTemplate.from_messages([
        ("system", "Chỉ trả lời dựa trên các đoạn trích sau:\n\n{context}"),
        ("human", "{question}"),
    ])
    model = FakeListChatModel(responses=[reply])
    return {"context": retrieving | _format_docs, "question": RunnablePassthrough()} | prompt | model | StrOutputParser()


def test_retriever_runs_inside_someone_elses_lcel_chain(retriever):
    reply = "Huế đặt mục tiêu bao phủ trên 99,3% năm 2026."
    chain = _rag_chain(retriever.bind(k=2, filters={"locality": "Huế"}), reply)
    recorder = _Recorder()
    assert chain.invoke(QUESTION, config={"callbacks": [recorder]}) == reply

    [docs] = recorder.retrieved
    assert len(docs) == 2 and {d.metadata["locality"] for d in docs} == {"Huế"}
    assert docs[0].page_content == HUE_TARGET
    [messages] = recorder.sent
    assert [m.type for m in messages] == ["system", "human"]
    assert messages[1].content == QUESTION
    context = messages[0].content.split("\n\n", 1)[1]
    assert context == _format_docs(docs)
    assert HUE_TARGET in context and NINH_BINH_TARGET not in context


def test_k_can_be_a_configurable_field_of_the_chain(retriever):
    from langchain_core.runnables import ConfigurableField

    configurable = retriever.configurable_fields(k=ConfigurableField(id="retriever_k"))
    chain = _rag_chain(configurable, "ok")
    for k in (1, 3):
        recorder = _Recorder()
        assert chain.invoke(QUESTION, config={"callbacks": [recorder], "configurable": {"retriever_k": k}}) == "ok"
        [docs] = recorder.retrieved
        assert len(docs) == k
        assert recorder.sent[0][0].content.count("\n\n") == k  # the header, then k clauses
