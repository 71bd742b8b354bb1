"""The sandbox's clock: real time by default, frozen and advanced by hand when virtual.

Every asynchronous state change (server BUILD -> ACTIVE, volume creating -> available,
token expiry) is stored as a due time and resolved lazily against this clock, so a test
can jump ahead with `advance()` instead of sleeping.
"""

from __future__ import annotations

import threading
import time


class Clock:
    """Seconds since the epoch, with an offset that only ever grows."""

    def __init__(
        self, virtual: bool = False, start: float | None = None, tick: float = 0.0
    ) -> None:
        self.virtual = virtual
        # Seconds the sandbox adds on every API request: with a virtual clock, polling
        # loops see BUILD turn ACTIVE after a fixed number of requests, without sleeping.
        self.tick = tick
        self._base = time.time() if start is None else start
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """The current time on this clock."""
        base = self._base if self.virtual else time.time()
        return base + self._offset

    def advance(self, seconds: float) -> float:
        """Move the clock forward (never back) and return the new time."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
        return self.now()

    def freeze(self) -> None:
        """Switch to virtual time, stopped at the current instant."""
        with self._lock:
            self._base = self.now() - self._offset
            self.virtual = True


def iso(ts: float, micro: bool = False) -> str:
    """An ISO 8601 UTC timestamp as OpenStack APIs print them."""
    fmt = "%Y-%m-%dT%H:%M:%S"
    text = time.strftime(fmt, time.gmtime(ts))
    if micro:
        text += f".{int((ts % 1) * 1_000_000):06d}"
    return text + "Z"
