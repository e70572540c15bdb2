"""Who may ask when: the per-client rate limit, and its cheap enforcement at the HTTP door.

:class:`RateLimiter` decides, per client address, whether a question may join the queue
(the admission check in ``webchat/layout.py`` asks it, and refuses politely in Vietnamese).
:class:`RefusedClientHold` is an ASGI middleware in front of Gradio: a client the limiter
has already refused, and that asks again before its wait is over, is held (an idle
``asyncio.sleep``, no CPU) until the wait is over or ``hold_seconds`` have passed, plus a
random part of ``HOLD_JITTER_SECONDS`` (clients refused together are not let go together),
and only then reaches Gradio, which answers or refuses it as usual. A client looping refused
questions therefore costs one Gradio request per hold instead of one per loop; a person
who asks again a little early just waits a little. A client holding more than
``max_held`` such requests at once gets HTTP 429 with ``Retry-After`` at once.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

RATE_LIMIT_MESSAGE = "Bạn gửi câu hỏi quá nhanh, vui lòng thử lại sau {seconds} giây."
# Held requests go on at a random moment within this many seconds after their hold: clients
# refused at the same moment (a crowd started together) would otherwise all go on at once.
HOLD_JITTER_SECONDS = 2.0

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class RateLimiter:
    """At most ``per_minute`` questions per client in any 60-second window (0: no limit), and at most
    ``burst`` of them in any ``burst`` × 60 / ``per_minute`` seconds, so a client's minute is spread
    out rather than spent at once (20 a minute, burst 3: at most 3 in any 9 s).

    Args:
        per_minute: The limit; 0 turns it off.
        clock: Monotonic seconds (tests pass a fake one).
        burst: Questions allowed close together; None (or at least ``per_minute``) allows the whole minute at once.

    Raises:
        ValueError: When ``per_minute`` is negative or ``burst`` is not positive.
    """

    WINDOW = 60.0

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic,
                 burst: int | None = None) -> None:
        if per_minute < 0:
            raise ValueError(f"rate_limit_per_minute must be >= 0, got {per_minute}")
        if burst is not None and burst <= 0:
            raise ValueError(f"rate_limit_burst must be > 0, got {burst}")
        self.per_minute = per_minute
        self.burst = min(burst, per_minute) if burst is not None and per_minute else per_minute
        self.short_window = self.WINDOW * self.burst / per_minute if per_minute else self.WINDOW
        self._clock = clock
        self._times: dict[str, deque[float]] = {}
        # Clients refused, with the time until which they were told to wait.
        self._refused_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, client: str) -> int:
        """0 when ``client`` may ask now (the question is counted), else whole seconds to wait."""
        if self.per_minute == 0:
            return 0
        now = self._clock()
        with self._lock:
            if len(self._times) > 10_000:  # forget idle clients, so memory stays bounded
                self._times = {k: t for k, t in self._times.items() if t and now - t[-1] < self.WINDOW}
                self._refused_until = {k: t for k, t in self._refused_until.items() if t > now}
            times = self._times.setdefault(client, deque())
            while times and now - times[0] >= self.WINDOW:
                times.popleft()
            wait = 0
            if len(times) >= self.per_minute:
                wait = max(1, math.ceil(self.WINDOW - (now - times[0])))
            elif self.burst < self.per_minute and len(times) >= self.burst:
                recent = times[-self.burst]
                if now - recent < self.short_window:
                    wait = max(1, math.ceil(self.short_window - (now - recent)))
            if wait:
                self._refused_until[client] = now + wait
                return wait
            self._refused_until.pop(client, None)
            times.append(now)
            return 0

    def refused_wait(self, client: str) -> float:
        """Seconds ``client`` still has to wait after a refusal (0.0 when it was not refused or may
        ask again); counts nothing."""
        if self.per_minute == 0:
            return 0.0
        with self._lock:
            until = self._refused_until.get(client)
        return max(0.0, until - self._clock()) if until is not None else 0.0


def is_question_request(scope: Scope) -> bool:
    """Whether an HTTP request may carry a question: a POST that joins Gradio's queue
    (``…/queue/join``, the page and ``gradio_client``) or calls an endpoint (``…/call/<name>``)."""
    if scope.get("type") != "http" or scope.get("method") != "POST":
        return False
    path = scope.get("path", "")
    return path.endswith("/queue/join") or "/call/" in path


class RefusedClientHold:
    """ASGI middleware holding a refused client's next questions until its wait is over.

    Args:
        app: The ASGI app behind (Gradio's).
        limiter: The rate limiter the admission check uses (the same object).
        hold_seconds: The longest one request is held before it goes on to Gradio.
        max_held: Requests one client may have held at once; more get HTTP 429 at once.
        sleep: How a request is held (tests pass their own).
        jitter: A number in [0, 1) per hold, times ``HOLD_JITTER_SECONDS`` added to it (tests pass their own).
    """

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], *, limiter: RateLimiter,
                 hold_seconds: float, max_held: int = 4,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
                 jitter: Callable[[], float] = random.random) -> None:
        self.app = app
        self.limiter = limiter
        self.hold_seconds = hold_seconds
        self.max_held = max_held
        self._sleep = sleep
        self._jitter = jitter
        self._held: dict[str, int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        address = client[0] if client else None
        wait = self.limiter.refused_wait(address) if address and is_question_request(scope) else 0.0
        if wait > 0.0:
            if self._held.get(address, 0) >= self.max_held:
                await _too_many(send, math.ceil(wait))
                return
            self._held[address] = self._held.get(address, 0) + 1
            try:
                await self._sleep(min(wait, self.hold_seconds) + HOLD_JITTER_SECONDS * self._jitter())
            finally:
                self._held[address] -= 1
                if not self._held[address]:
                    del self._held[address]
        await self.app(scope, receive, send)


async def _too_many(send: Send, seconds: int) -> None:
    """HTTP 429 with ``Retry-After`` and the Vietnamese message as JSON ``{"detail": …}``."""
    body = json.dumps({"detail": RATE_LIMIT_MESSAGE.format(seconds=seconds)}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": 429, "headers": [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(body)).encode("ascii")),
        (b"retry-after", str(seconds).encode("ascii")),
    ]})
    await send({"type": "http.response.body", "body": body})
