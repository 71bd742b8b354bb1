"""Error classification and the retry policy, fed with openstacksdk's own exceptions."""

from __future__ import annotations

import json
import random
import socket

import pytest
import requests
from openstack import exceptions as sdk

from heatctl.engine.retry import (
    Classified,
    CloudCallFailed,
    ErrorKind,
    RetryPolicy,
    call_with_retries,
    classify,
    classify_exception,
    parse_retry_after,
)
from heatctl.errors import ExitCode


def sdk_error(
    status: int, body: dict | str, headers: dict[str, str] | None = None
) -> sdk.SDKException:
    """The exception openstacksdk raises for this HTTP response."""
    response = requests.Response()
    response.status_code = status
    response.reason = "Reason"
    response.headers.update(headers or {})
    if isinstance(body, dict):
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
    else:
        response._content = body.encode()
        response.headers["Content-Type"] = "text/plain"
    try:
        sdk.raise_from_response(response)
    except sdk.SDKException as error:
        return error
    raise AssertionError("no exception raised")


CASES = [
    (
        429,
        {"overLimit": {"code": 429, "message": "Rate limit"}},
        {"Retry-After": "3"},
        ErrorKind.THROTTLED,
        3.0,
    ),
    (
        503,
        {"computeFault": {"code": 503, "message": "busy"}},
        {"Retry-After": "7"},
        ErrorKind.THROTTLED,
        7.0,
    ),
    (503, "Service Unavailable", {}, ErrorKind.TRANSIENT, None),
    (500, {"computeFault": {"code": 500, "message": "oops"}}, {}, ErrorKind.TRANSIENT, None),
    (502, "Bad Gateway", {}, ErrorKind.TRANSIENT, None),
    (
        403,
        {
            "forbidden": {
                "code": 403,
                "message": "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances",
            }
        },
        {},
        ErrorKind.QUOTA,
        None,
    ),
    (
        409,
        {
            "NeutronError": {
                "type": "OverQuota",
                "message": "Quota exceeded for resources: ['network'].",
                "detail": "",
            }
        },
        {},
        ErrorKind.QUOTA,
        None,
    ),
    (
        413,
        {
            "overLimit": {
                "code": 413,
                "message": "VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded for quota 'volumes'.",
            }
        },
        {},
        ErrorKind.QUOTA,
        None,
    ),
    (
        409,
        {
            "NeutronError": {
                "type": "NetworkInUse",
                "message": "Unable to complete operation on network n. There are one or more ports still in use on the network.",
                "detail": "",
            }
        },
        {},
        ErrorKind.CONFLICT,
        None,
    ),
    (
        400,
        {"badRequest": {"code": 400, "message": "Invalid imageRef provided."}},
        {},
        ErrorKind.INVALID,
        None,
    ),
    (
        404,
        {"itemNotFound": {"code": 404, "message": "Instance x could not be found."}},
        {},
        ErrorKind.NOT_FOUND,
        None,
    ),
    (
        401,
        {"error": {"code": 401, "title": "Unauthorized", "message": "auth"}},
        {},
        ErrorKind.AUTH,
        None,
    ),
    (
        403,
        {"forbidden": {"code": 403, "message": "Policy doesn't allow x"}},
        {},
        ErrorKind.AUTH,
        None,
    ),
]


@pytest.mark.parametrize(("status", "body", "headers", "kind", "retry_after"), CASES)
def test_sdk_errors_are_classified(status, body, headers, kind, retry_after) -> None:
    classified = classify_exception(sdk_error(status, body, headers))
    assert (classified.kind, classified.status, classified.retry_after) == (
        kind,
        status,
        retry_after,
    )
    if isinstance(body, dict):
        inner = next(iter(body.values()))
        assert inner["message"] in classified.message  # the cloud's own words


def test_connection_refused_from_the_real_sdk_is_transient() -> None:
    import openstack.config
    from openstack.connection import Connection

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    region = openstack.config.get_cloud_region(
        load_yaml_config=False,
        load_envvars=False,
        auth={
            "auth_url": f"http://127.0.0.1:{port}/v3",
            "username": "u",
            "password": "p",
            "project_name": "p",
        },
    )
    with pytest.raises(Exception) as info:
        Connection(config=region).authorize()
    assert classify_exception(info.value).kind is ErrorKind.TRANSIENT


def test_programming_errors_are_not_cloud_errors() -> None:
    assert classify_exception(KeyError("x")).kind is ErrorKind.OTHER


def test_retry_after_forms() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == pytest.approx(
        10.0
    )
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
    assert parse_retry_after("-4") == 0.0


def test_backoff_is_exponential_capped_and_jittered() -> None:
    policy = RetryPolicy(max_attempts=10, base=1.0, factor=2.0, max_delay=8.0, jitter=0.25)
    transient = classify(500, "oops")
    rng = random.Random(7)
    delays = [policy.delay(n, transient, rng) for n in range(6)]
    for n, delay in enumerate(delays):
        nominal = min(8.0, 2.0**n)
        assert delay is not None and nominal * 0.75 <= delay <= nominal * 1.25
    assert len({round(d or 0, 6) for d in delays[3:]}) == 3  # jitter spreads the capped ones


def test_policy_gives_up_and_never_retries_quota_or_invalid() -> None:
    policy = RetryPolicy(max_attempts=3)
    rng = random.Random(1)
    assert policy.delay(2, classify(500, "x"), rng) is None
    assert policy.delay(0, classify(403, "Quota exceeded"), rng) is None
    assert policy.delay(0, classify(400, "bad"), rng) is None
    assert policy.delay(0, classify(429, "x", {"Retry-After": "500"}), rng) == 120.0  # capped
    in_use = classify(409, "in use")
    assert policy.delay(0, in_use, rng) is None
    assert RetryPolicy(conflict_retries=2).delay(1, in_use, rng) is not None


class Flaky:
    def __init__(self, *errors: BaseException, value: str = "ok") -> None:
        self.errors = list(errors)
        self.calls = 0
        self.value = value

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return self.value


def test_transient_failures_are_retried_then_succeed() -> None:
    sleeps: list[float] = []
    call = Flaky(sdk_error(503, "busy"), sdk_error(429, "slow", {"Retry-After": "2"}))
    result = call_with_retries(
        call, what="list networks", sleep=sleeps.append, rng=random.Random(0)
    )
    assert result == "ok" and call.calls == 3
    assert sleeps[1] == 2.0 and 0.375 <= sleeps[0] <= 0.625


def test_quota_fails_fast_with_the_clouds_message() -> None:
    sleeps: list[float] = []
    body = {
        "forbidden": {
            "code": 403,
            "message": "Quota exceeded for cores: Requested 8, but already used 20 of 20 cores",
        }
    }
    with pytest.raises(CloudCallFailed) as info:
        call_with_retries(
            Flaky(sdk_error(403, body)), what="create server web", sleep=sleeps.append
        )
    assert sleeps == []
    assert info.value.exit_code == ExitCode.FAILED
    assert info.value.message == (
        "create server web: quota (HTTP 403): Quota exceeded for cores: Requested 8, but already used 20 of 20 cores"
    )


def test_a_create_is_looked_up_by_tag_before_it_is_sent_again() -> None:
    post = Flaky(sdk_error(503, "created but answered 503"), value="second-copy")
    found = call_with_retries(
        post, what="create", creates=True, lookup=lambda: "first-copy", sleep=lambda s: None
    )
    assert found == "first-copy" and post.calls == 1
    post = Flaky(sdk_error(502, "bad gateway"), value="made")
    lookups: list[int] = []

    def lookup() -> str | None:
        lookups.append(1)
        return None

    assert (
        call_with_retries(post, what="create", creates=True, lookup=lookup, sleep=lambda s: None)
        == "made"
    )
    assert post.calls == 2 and lookups == [1]


def test_creates_need_a_lookup_and_bugs_propagate() -> None:
    with pytest.raises(ValueError, match="lookup"):
        call_with_retries(lambda: 1, what="create", creates=True)
    with pytest.raises(KeyError):
        call_with_retries(Flaky(KeyError("bug")), what="x", sleep=lambda s: None)


def test_on_retry_reports_each_attempt() -> None:
    seen: list[tuple[int, ErrorKind]] = []
    call_with_retries(
        Flaky(sdk_error(500, "a"), sdk_error(500, "b")),
        what="x",
        on_retry=lambda n, c, d: seen.append((n, c.kind)),
        sleep=lambda s: None,
    )
    assert seen == [(1, ErrorKind.TRANSIENT), (2, ErrorKind.TRANSIENT)]
    assert isinstance(classify(None, ""), Classified)
