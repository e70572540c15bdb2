"""The rate limit's memory of refusals, and the hold in front of Gradio that makes a refused
client's looping cheap (webchat/rate_limit.py)."""

from __future__ import annotations

import asyncio
import json

import pytest

from webchat.rate_limit import HOLD_JITTER_SECONDS, RateLimiter, RefusedClientHold, is_question_request

JOIN = {"type": "http", "method": "POST", "path": "/gradio_api/queue/join", "client": ("10.0.0.7", 5000)}


class FakeClock:
    """Monotonic seconds that only move when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limiter_allows_n_per_minute_then_says_how_long_to_wait():
    clock = FakeClock()
    limiter = RateLimiter(3, clock)
    assert [limiter.wait_seconds("10.0.0.1") for _ in range(3)] == [0, 0, 0]
    clock.now += 20
    assert limiter.wait_seconds("10.0.0.1") == 40  # the first question leaves the window in 40 s
    assert limiter.wait_seconds("10.0.0.2") == 0  # another client is not affected
    clock.now += 40
    assert limiter.wait_seconds("10.0.0.1") == 0


def test_rate_limiter_off_at_zero_and_rejects_negative():
    limiter = RateLimiter(0)
    assert all(limiter.wait_seconds("a") == 0 for _ in range(1000))
    with pytest.raises(ValueError, match="rate_limit_per_minute must be >= 0, got -1"):
        RateLimiter(-1)


def test_rate_limiter_spreads_a_clients_minute():
    clock = FakeClock()
    limiter = RateLimiter(20, clock, burst=3)  # at most 3 in any 9 s, 20 in any minute
    assert [limiter.wait_seconds("10.0.0.1") for _ in range(3)] == [0, 0, 0]
    assert limiter.wait_seconds("10.0.0.1") == 9
    clock.now += 9
    assert limiter.wait_seconds("10.0.0.1") == 0
    assert limiter.wait_seconds("10.0.0.2") == 0  # another client has its own count
    with pytest.raises(ValueError, match="rate_limit_burst must be > 0, got 0"):
        RateLimiter(20, clock, burst=0)


def test_a_refusal_is_remembered_until_the_wait_is_over_and_forgotten_once_accepted():
    clock = FakeClock()
    limiter = RateLimiter(2, clock)
    assert limiter.refused_wait("a") == 0.0
    assert limiter.wait_seconds("a") == 0 and limiter.wait_seconds("a") == 0
    assert limiter.refused_wait("a") == 0.0  # asked within the limit: nothing to hold
    wait = limiter.wait_seconds("a")
    assert wait == 60 and limiter.refused_wait("a") == 60.0
    assert limiter.refused_wait("a") == 60.0  # asking how long counts nothing
    assert limiter.refused_wait("b") == 0.0  # another client is not concerned
    clock.now += 45
    assert limiter.refused_wait("a") == 15.0
    clock.now += 16
    assert limiter.refused_wait("a") == 0.0
    assert limiter.wait_seconds("a") == 0  # accepted again
    assert limiter.refused_wait("a") == 0.0


def test_no_limit_holds_nobody():
    limiter = RateLimiter(0)
    assert all(limiter.wait_seconds("a") == 0 for _ in range(50))
    assert limiter.refused_wait("a") == 0.0


def test_only_posts_that_carry_a_question_are_checked():
    assert is_question_request(JOIN)
    assert is_question_request({**JOIN, "path": "/gradio_api/call/ask"})
    assert not is_question_request({**JOIN, "method": "GET"})
    assert not is_question_request({**JOIN, "path": "/gradio_api/queue/data"})
    assert not is_question_request({**JOIN, "path": "/config"})
    assert not is_question_request({"type": "websocket", "path": "/gradio_api/queue/join"})


class Recorder:
    """The app behind the hold, and the holds themselves."""

    def __init__(self) -> None:
        self.reached: list[str] = []
        self.slept: list[float] = []
        self.sent: list[dict] = []
        self.release = asyncio.Event()

    async def app(self, scope, receive, send) -> None:
        self.reached.append(scope["client"][0])

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        await self.release.wait()

    async def send(self, message: dict) -> None:
        self.sent.append(message)


async def _receive() -> dict:
    return {"type": "http.request", "body": b""}


def _refused_limiter(clock: FakeClock) -> RateLimiter:
    limiter = RateLimiter(1, clock)
    assert limiter.wait_seconds("10.0.0.7") == 0
    assert limiter.wait_seconds("10.0.0.7") == 60  # refused politely once
    return limiter


def test_a_refused_client_asking_again_is_held_at_most_hold_seconds_then_reaches_the_app():
    async def run() -> Recorder:
        recorder = Recorder()
        hold = RefusedClientHold(recorder.app, limiter=_refused_limiter(FakeClock()), hold_seconds=10.0,
                                 sleep=recorder.sleep, jitter=lambda: 0.25)
        recorder.release.set()
        await hold(JOIN, _receive, recorder.send)
        await hold({**JOIN, "client": ("10.0.0.8", 1)}, _receive, recorder.send)  # never refused
        await hold({**JOIN, "method": "GET"}, _receive, recorder.send)  # not a question
        return recorder

    recorder = asyncio.run(run())
    # The wait (60 s) capped at hold_seconds, plus its share of the jitter, and only for the refused client.
    assert recorder.slept == [10.0 + 0.25 * HOLD_JITTER_SECONDS]
    assert recorder.reached == ["10.0.0.7", "10.0.0.8", "10.0.0.7"]
    assert recorder.sent == []


def test_a_hold_ends_when_the_wait_does():
    async def run() -> list[float]:
        recorder = Recorder()
        clock = FakeClock()
        limiter = _refused_limiter(clock)
        clock.now += 57.5
        recorder.release.set()
        await RefusedClientHold(recorder.app, limiter=limiter, hold_seconds=10.0, sleep=recorder.sleep, jitter=lambda: 0.0)(
            JOIN, _receive, recorder.send)
        return recorder.slept

    assert asyncio.run(run()) == [2.5]


def test_beyond_max_held_a_client_gets_429_with_retry_after_in_vietnamese_at_once():
    async def run() -> Recorder:
        recorder = Recorder()
        hold = RefusedClientHold(recorder.app, limiter=_refused_limiter(FakeClock()), hold_seconds=10.0, max_held=2,
                                 sleep=recorder.sleep, jitter=lambda: 0.0)
        held = [asyncio.create_task(hold(JOIN, _receive, recorder.send)) for _ in range(2)]
        await asyncio.sleep(0)
        await hold(JOIN, _receive, recorder.send)  # the third: refused at once
        assert recorder.reached == []
        recorder.release.set()
        await asyncio.gather(*held)
        return recorder

    recorder = asyncio.run(run())
    assert len(recorder.slept) == 2 and recorder.reached == ["10.0.0.7", "10.0.0.7"]
    start, body = recorder.sent
    headers = dict(start["headers"])
    assert start["status"] == 429 and headers[b"retry-after"] == b"60"
    assert json.loads(body["body"]) == {"detail": "Bạn gửi câu hỏi quá nhanh, vui lòng thử lại sau 60 giây."}
