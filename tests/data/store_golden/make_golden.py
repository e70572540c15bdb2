"""Write ``golden.json``: what the single-directory store (format 5) returned on the five real plans.

Run once with the store *before* the segment layout (the commit that still had ``index.sqlite`` +
``vectors.faiss``), from the project root::

    PYTHONPATH=. python tests/data/store_golden/make_golden.py

It records, for the 40 holdout questions, the top-10 clause ids of hybrid retrieval, of each
channel alone and of a locality-filtered retrieval, and the extractive answers' texts;
``tests/index/test_segments.py`` checks the segment store returns the same.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from assistant.service import Assistant  # noqa: E402
from index.embedders import make_embedder  # noqa: E402
from index.retriever import HybridRetriever  # noqa: E402
from index.store import ClauseIndex  # noqa: E402
from index.vector_cache import VectorCache  # noqa: E402
from ingest.batch import ingest_paths  # noqa: E402
from settings import load_settings  # noqa: E402

OUT = Path(__file__).with_name("golden.json")
FILTERS = ({"locality": "Huế"}, {"locality": ["Ninh Bình", "Đồng Nai"]}, {"level": "xã"})


def questions() -> list[str]:
    lines = (ROOT / "eval" / "gold" / "holdout_2026-12.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def main() -> None:
    settings = load_settings(environ={})
    docs = ingest_paths(sorted((ROOT / "data" / "plans").glob("*.txt")), settings=settings).documents
    with tempfile.TemporaryDirectory() as tmp:
        cache = VectorCache(Path(tmp) / "vectors.sqlite")
        index = ClauseIndex.build(docs, make_embedder("e5-small"), Path(tmp) / "index", cache=cache)
        retriever = HybridRetriever(index, settings)
        assistant = Assistant.from_index(index, settings.with_overrides(index_dir=str(Path(tmp) / "index")))
        rows = []
        for question in questions():
            row = {"question": question,
                   "hybrid": [s.id for s in retriever.retrieve(question, top_k=10)],
                   "dense": [s.id for s in retriever.retrieve(question, top_k=10, channels=("dense",))],
                   "lexical": [s.id for s in retriever.retrieve(question, top_k=10, channels=("lexical",))],
                   "filtered": [[s.id for s in retriever.retrieve(question, top_k=10, filters=f)] for f in FILTERS],
                   "answer": assistant.ask(question).answer}
            rows.append(row)
    OUT.write_text(json.dumps({"filters": FILTERS, "questions": rows}, ensure_ascii=False, indent=1) + "\n",
                   encoding="utf-8")
    print(f"wrote {OUT} ({len(rows)} questions)")


if __name__ == "__main__":
    main()
