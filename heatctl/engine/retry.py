"""OpenStack errors, classified, and the retry policy built on the classes. Pure functions.

| class      | what the cloud said                                   | what heatctl does                  |
|------------|-------------------------------------------------------|------------------------------------|
| throttled  | 429, or 503/413 with Retry-After                       | retry after Retry-After (capped)   |
| transient  | 500/502/503/504 without Retry-After, connection reset | retry, exponential backoff + jitter |
| quota      | Nova 403 / Cinder 413 "quota", Neutron 409 OverQuota  | fail fast with the cloud's message |
| invalid    | 400, 422, other 413                                   | fail fast with the cloud's message |
| conflict   | other 409 (in use, wrong state)                       | deletes retry; others fail fast    |
| not_found  | 404                                                   | the caller decides (gone = deleted) |
| auth       | 401, other 403                                        | fail fast                          |

A create is never re-sent blindly: a request that may have reached the cloud (a 5xx,
a timeout, a reset connection) could have created the resource. Before re-sending a
create, `call_with_retries` runs the caller's lookup (by the resource's heatctl tag) and
returns what it finds instead.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Any, TypeVar

from heatctl.errors import OperationFailed


class ErrorKind(StrEnum):
    THROTTLED = "throttled"
    TRANSIENT = "transient"
    QUOTA = "quota"
    INVALID = "invalid"
    CONFLICT = "conflict"
    NOT_FOUND = "not_found"
    AUTH = "auth"
    OTHER = "other"


RETRYABLE = frozenset({ErrorKind.THROTTLED, ErrorKind.TRANSIENT})

QUOTA_WORDS = ("quota", "overquota", "limit exceeded", "limitexceeded", "exceeds allowed")


@dataclass(frozen=True)
class Classified:
    """An error as heatctl sees it: its kind, HTTP status, the cloud's words, Retry-After."""

    kind: ErrorKind
    status: int | None
    message: str
    retry_after: float | None = None

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE


class CloudCallFailed(OperationFailed):
    """A cloud call failed for good; the message is the cloud's own."""

    def __init__(self, classified: Classified, what: str = "") -> None:
        status = f" (HTTP {classified.status})" if classified.status else ""
        prefix = f"{what}: " if what else ""
        super().__init__(f"{prefix}{classified.kind.value}{status}: {classified.message}")
        self.classified = classified


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: an integer/decimal, or an HTTP date. None if absent/garbled."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def classify(
    status: int | None, message: str, headers: Mapping[str, str] | None = None
) -> Classified:
    """Classify one error response (status None: no response at all, e.g. reset connection)."""
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    retry_after = parse_retry_after(lowered.get("retry-after"))
    text = message.lower()
    quota = any(word in text for word in QUOTA_WORDS)
    if status is None:
        kind = ErrorKind.TRANSIENT
    elif status == 429 or (status in (503, 413) and retry_after is not None):
        kind = ErrorKind.THROTTLED
    elif status in (500, 502, 503, 504):
        kind = ErrorKind.TRANSIENT
    elif status in (403, 409, 413) and quota:
        kind = ErrorKind.QUOTA
    elif status in (400, 413, 422):
        kind = ErrorKind.INVALID
    elif status == 409:
        kind = ErrorKind.CONFLICT
    elif status == 404:
        kind = ErrorKind.NOT_FOUND
    elif status in (401, 403):
        kind = ErrorKind.AUTH
    else:
        kind = ErrorKind.OTHER
    return Classified(kind, status, message.strip() or f"HTTP {status}", retry_after)


CONNECTION_ERRORS = (
    "ConnectFailure",
    "ConnectTimeout",
    "ConnectionError",
    "RetriableConnectionFailure",
    "RemoteDisconnected",
    "ReadTimeout",
    "ConnectionResetError",
)


def error_chain(error: BaseException) -> list[BaseException]:
    """The error and its causes (openstacksdk wraps keystoneauth's errors in SDKException)."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def classify_exception(error: BaseException) -> Classified:
    """Classify an exception raised by openstacksdk / keystoneauth / requests."""
    response = getattr(error, "response", None)
    status = getattr(error, "status_code", None) or getattr(response, "status_code", None)
    headers = dict(getattr(response, "headers", None) or {})
    details = getattr(error, "details", None)
    message = str(details) if details else str(getattr(error, "message", "") or error)
    if status is None:
        names = {cls.__name__ for e in error_chain(error) for cls in type(e).__mro__}
        if not names & set(CONNECTION_ERRORS) and "Unable to establish connection" not in message:
            return Classified(ErrorKind.OTHER, None, message or type(error).__name__)
    return classify(status if isinstance(status, int) else None, message, headers)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry. Delay n = base * factor**n, capped, +/- jitter."""

    max_attempts: int = 6
    base: float = 0.5
    factor: float = 2.0
    max_delay: float = 30.0
    jitter: float = 0.25  # fraction of the delay, drawn uniformly in [-j, +j]
    max_retry_after: float = 120.0
    conflict_retries: int = 0  # deletes set this: "in use" often clears (detaching, etc.)

    def delay(self, attempt: int, classified: Classified, rng: random.Random) -> float | None:
        """Seconds to wait before attempt `attempt + 1`, or None to give up now."""
        retry_conflict = classified.kind is ErrorKind.CONFLICT and attempt < self.conflict_retries
        if not (classified.retryable or retry_conflict) or attempt + 1 >= self.max_attempts:
            return None
        if classified.retry_after is not None:
            return min(classified.retry_after, self.max_retry_after)
        raw = min(self.max_delay, self.base * self.factor**attempt)
        return max(0.0, raw * (1 + rng.uniform(-self.jitter, self.jitter)))


T = TypeVar("T")


def call_with_retries(
    call: Callable[[], T],
    *,
    what: str,
    policy: RetryPolicy = RetryPolicy(),
    creates: bool = False,
    lookup: Callable[[], T | None] | None = None,
    on_retry: Callable[[int, Classified, float], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> T:
    """Run `call`, retrying throttled and transient failures by the policy.

    With creates=True a retry first runs `lookup` (find by tag) and returns its result
    when it finds the resource, so a create that reached the cloud is never made twice.
    Raises CloudCallFailed with the cloud's message when giving up.
    """
    if creates and lookup is None:
        raise ValueError("a create needs a lookup to be retried safely")
    rng = rng or random.Random()
    attempt = 0
    while True:
        try:
            return call()
        except Exception as error:
            classified = classify_exception(error)
            if classified.kind is ErrorKind.OTHER and classified.status is None:
                raise
            delay = policy.delay(attempt, classified, rng)
            if delay is None:
                raise CloudCallFailed(classified, what) from error
        if on_retry is not None:
            on_retry(attempt + 1, classified, delay)
        sleep(delay)
        attempt += 1
        if creates and lookup is not None:
            found = lookup()
            if found is not None:
                return found


def describe(classified: Classified) -> dict[str, Any]:
    """A JSON-ready view of a classification (for events and NDJSON output)."""
    return {
        "kind": classified.kind.value,
        "status": classified.status,
        "message": classified.message,
        "retry_after": classified.retry_after,
    }
