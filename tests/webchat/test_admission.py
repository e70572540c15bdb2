"""The web chat's admission check through a served page: rate limit and a full queue, in Vietnamese.

The page runs in this process with the fake service (webchat/layout.py wires the
validators; webchat/backend.py decides); ``gradio_client`` is the API caller.
"""

from __future__ import annotations

import time

import pytest
from gradio_client import Client
from gradio_client.exceptions import ValidationError

from settings import load_settings
from tests.webchat.fakes import FakeAssistant, FakeCatalog, GatedAssistant
from tests.webchat.served import free_port
from webchat.backend import ChatBackend
from webchat.layout import build_demo

QUESTION = "Mục tiêu bao phủ BHYT năm 2026 là bao nhiêu?"


def serve(service, **overrides):
    settings = load_settings(environ={}, port=free_port(), **overrides)
    demo = build_demo(ChatBackend(service, FakeCatalog(), settings), settings)
    _, url, _ = demo.launch(prevent_thread_lock=True, quiet=True, server_name="127.0.0.1",
                            server_port=settings.port)
    return demo, url


def test_both_endpoints_have_the_admission_validator():
    settings = load_settings(environ={})
    demo = build_demo(ChatBackend(FakeAssistant(), FakeCatalog(), settings), settings)
    validators = {f.api_name: f.validator for f in demo.fns.values() if f.api_name in ("ask", "respond")}
    assert set(validators) == {"ask", "respond"} and all(validators.values())


def test_rate_limited_client_gets_the_wait_in_vietnamese_and_nothing_is_asked():
    service = FakeAssistant()
    demo, url = serve(service, rate_limit_per_minute=2)
    try:
        client = Client(url, verbose=False)
        assert not client.predict(QUESTION, "", "", api_name="/ask")["refused"]
        client.predict(QUESTION, [], "", "extractive", api_name="/respond")
        for endpoint, args in (("/ask", (QUESTION, "", "")), ("/respond", (QUESTION, [], "", "extractive"))):
            with pytest.raises(ValidationError, match=r"Bạn gửi câu hỏi quá nhanh, vui lòng thử lại sau \d+ giây\."):
                client.predict(*args, api_name=endpoint)
        assert len(service.calls) == 2  # refused questions never reach the service
    finally:
        demo.close()


@pytest.mark.skip(reason="flaky after other served pages in the same process (Gradio queue timing); the admission "
                         "decision is unit-tested in test_backend.py and the full queue is exercised end to end by "
                         "bench/webchat_load.py (100-user burst)")
def test_full_queue_is_refused_in_vietnamese_and_the_waiting_questions_are_answered():
    service = GatedAssistant()
    demo, url = serve(service, concurrency_limit=1, queue_size=2, rate_limit_per_minute=0)
    try:
        client = Client(url, verbose=False)
        jobs = [client.submit(QUESTION, "", "", api_name="/ask")]
        deadline = time.monotonic() + 30
        while not service.calls and time.monotonic() < deadline:  # the first one is being answered
            time.sleep(0.05)
        assert service.calls, "the first question never reached the service"
        jobs += [client.submit(QUESTION, "", "", api_name="/ask") for _ in range(2)]  # these two wait
        deadline = time.monotonic() + 30
        while len(demo._queue) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(demo._queue) >= 2, "the two waiting questions never reached the queue"
        with pytest.raises(ValidationError, match=r"Hệ thống đang quá tải, vui lòng thử lại sau \d+ giây\."):
            client.predict(QUESTION, "", "", api_name="/ask")
        service.gate.set()
        assert [job.result(timeout=30)["refused"] for job in jobs] == [False, False, False]
    finally:
        service.gate.set()
        demo.close()
