"""``ingest --executor dask`` against a real local cluster (tests/cluster/conftest.py), through the CLI.

The index the cluster builds must be the one a single process builds from the
same folder: same documents and ids (a name shared by two files included),
same clause ids, texts and offsets, vectors within 1e-6; a file that cannot be
read is reported in the same Vietnamese words; an unreachable scheduler is a
Vietnamese message and exit code 2, not a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from index.store import ClauseIndex
from tests.cluster.conftest import free_port, local_cluster

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "data" / "plans"


def ingest(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", "ingest", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=240, env={**os.environ, **env})


def index_rows(directory: Path) -> tuple[list[dict], np.ndarray]:
    """Every clause (as JSON) in row order, and the stored vectors."""
    index = ClauseIndex.load(directory, None)
    clauses = [index.clause_at(row).to_json() for row in range(len(index))]
    return clauses, index.vectors_of(range(len(index)))


@pytest.fixture(scope="module")
def plan_folder(tmp_path_factory) -> Path:
    """The five plans, a second Huế plan with the same file name in a subfolder, and an unreadable file."""
    folder = tmp_path_factory.mktemp("plans")
    for plan in sorted(PLANS.glob("*.txt")):
        shutil.copy(plan, folder / plan.name)
    (folder / "khac").mkdir()
    hue = (PLANS / "hue_KH-UBND.txt").read_text(encoding="utf-8")
    (folder / "khac" / "hue_KH-UBND.txt").write_text(hue + "\nBổ sung: rà soát danh sách hộ gia đình hằng quý.\n",
                                                     encoding="utf-8")
    (folder / "hong.txt").write_bytes(bytes(range(256)) * 4)
    return folder


def test_cluster_index_equals_the_single_process_one(dask_cluster, plan_folder, tmp_path):
    local = ingest(str(plan_folder), "--index", str(tmp_path / "local"),
                   env={"BHYT_VECTOR_CACHE": str(tmp_path / "local-cache.sqlite")})
    assert local.returncode == 1, local.stderr  # one file skipped
    # An empty cache of its own: every passage is embedded on the workers.
    cluster_env = {"BHYT_VECTOR_CACHE": str(tmp_path / "cluster-cache.sqlite")}
    cluster = ingest(str(plan_folder), "--index", str(tmp_path / "cluster"), "--executor", "dask",
                     "--address", dask_cluster, env=cluster_env)
    assert cluster.returncode == 1, cluster.stderr
    assert "Traceback" not in cluster.stderr
    assert f"Cụm máy {dask_cluster}: 2 máy trạm; đã nhúng" in cluster.stdout
    # The driver embedded nothing: every vector came from the workers through the cache.
    assert "Đã nhúng 0 đoạn mới" in cluster.stdout
    assert "Đã nhúng 0 đoạn mới" not in local.stdout

    def lines(text: str, start: str) -> list[str]:
        return [line for line in text.splitlines() if line.startswith(start)]

    skips = lines(cluster.stderr, "Bỏ qua:")
    assert skips == lines(local.stderr, "Bỏ qua:") and len(skips) == 1 and "hong.txt" in skips[0]
    notes = lines(cluster.stdout, "Lưu ý:")
    assert notes == lines(local.stdout, "Lưu ý:") and "trùng tên với văn bản hue_KH-UBND" in notes[0]
    assert lines(cluster.stdout, "Thêm mới") == lines(local.stdout, "Thêm mới")

    local_clauses, local_vectors = index_rows(tmp_path / "local")
    cluster_clauses, cluster_vectors = index_rows(tmp_path / "cluster")
    assert len(local_clauses) > 300
    assert [c["id"] for c in cluster_clauses] == [c["id"] for c in local_clauses]
    assert cluster_clauses == local_clauses  # texts, offsets, paths, readings: everything
    assert len({c["doc_id"] for c in cluster_clauses}) == 6
    assert np.abs(cluster_vectors - local_vectors).max() <= 1e-6

    # Unchanged files cost nothing on the workers either.
    again = ingest(str(plan_folder), "--index", str(tmp_path / "cluster"), "--executor", "dask",
                   "--address", dask_cluster, env=cluster_env)
    assert again.returncode == 1, again.stderr
    assert "đã nhúng 0 đoạn" in again.stdout and "Không đổi (6)" in again.stdout


def test_unreachable_scheduler_fails_in_vietnamese(tmp_path):
    address = f"tcp://127.0.0.1:{free_port()}"
    result = ingest(str(PLANS / "hue_KH-UBND.txt"), "--index", str(tmp_path / "index"), "--executor", "dask",
                    "--address", address, env={"BHYT_CLUSTER_TIMEOUT": "3"})
    assert result.returncode == 2
    assert f"Lỗi cụm máy: Không kết nối được bộ điều phối cụm máy tại '{address}' sau 3 giây" in result.stderr
    assert "Traceback" not in result.stderr and "Lỗi nội bộ" not in result.stderr
    assert not (tmp_path / "index").exists()


def test_missing_address_fails_in_vietnamese(tmp_path):
    result = ingest(str(PLANS / "hue_KH-UBND.txt"), "--index", str(tmp_path / "index"), "--executor", "dask",
                    env={"BHYT_CLUSTER_ADDRESS": ""})
    assert result.returncode == 2
    assert "Lỗi cụm máy: Chưa có địa chỉ cụm máy" in result.stderr
    assert not (tmp_path / "index").exists()


def test_losing_every_worker_fails_in_vietnamese(tmp_path):
    import distributed

    with local_cluster(tmp_path, 1) as cluster:
        command = [sys.executable, "-m", "assistant", "ingest", str(PLANS), "--index", str(tmp_path / "index"),
                   "--executor", "dask", "--address", cluster.address]
        env = {**os.environ, "BHYT_CLUSTER_TIMEOUT": "5", "BHYT_VECTOR_CACHE": str(tmp_path / "cache.sqlite")}
        run = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               encoding="utf-8")
        try:
            # The worker is lost once it holds tasks of this ingest (the five plans take it ~40 s).
            with distributed.Client(cluster.address, timeout=30, set_as_default=False) as client:
                deadline = time.monotonic() + 60
                while not any(client.processing().values()) and time.monotonic() < deadline:
                    time.sleep(0.1)
                assert any(client.processing().values()), "the ingest never reached the worker"
            cluster.kill_worker(0)
            out, err = run.communicate(timeout=120)
        finally:
            if run.poll() is None:
                run.kill()
                run.wait()
    assert run.returncode == 2, (out, err)
    assert "Lỗi cụm máy: Cụm máy tại" in err and "không còn máy trạm nào" in err
    assert "Traceback" not in err and "Lỗi nội bộ" not in err
    assert not (tmp_path / "index").exists()
