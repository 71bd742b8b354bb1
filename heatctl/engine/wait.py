"""The two signals a resource plugin gives the walker, in a module light enough for
heatctl.resources to import: "poll me again later" and "repeat this call later"."""

from __future__ import annotations

from typing import NamedTuple


class Wait(NamedTuple):
    """Not complete yet: poll again after `after` seconds (None: the walker's backoff)."""

    after: float | None = None


class RetryAfter(Exception):
    """Raised by start/check to repeat the same call after a delay (e.g. HTTP 429)."""

    def __init__(self, seconds: float, reason: str = "") -> None:
        super().__init__(reason or f"retry after {seconds:g}s")
        self.seconds = seconds
