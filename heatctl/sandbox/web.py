"""Requests, responses, routes and each OpenStack service's own error format."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

Body = dict[str, Any]

# Nova and Cinder wrap errors in a key named after the HTTP status.
FAULT_NAMES = {
    400: "badRequest",
    401: "unauthorized",
    403: "forbidden",
    404: "itemNotFound",
    405: "badMethod",
    409: "conflictingRequest",
    413: "overLimit",
    415: "badMediaType",
    429: "overLimit",
    500: "computeFault",
    501: "notImplemented",
    503: "serviceUnavailable",
}
REASONS = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No Content",
    300: "Multiple Choices",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Request Entity Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
# Neutron's exception type names for plain statuses (neutron-lib's exceptions).
NEUTRON_TYPES = {
    400: "BadRequest",
    401: "NotAuthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    429: "OverLimit",
    500: "InternalServerError",
    503: "ServiceUnavailable",
}


def new_id() -> str:
    """An OpenStack-style resource id (a UUID with dashes)."""
    return str(uuid.uuid4())


class ApiError(Exception):
    """An error answered in the format of the service that raised it.

    `kind` is Neutron's exception type (NetworkInUse, OverQuota...) where it matters.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        kind: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind
        self.headers = headers or {}


@dataclass
class Request:
    """One HTTP request as the services see it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    raw: bytes = b""
    service: str = ""
    params: dict[str, str] = field(default_factory=dict)
    project_id: str = ""
    user_id: str = ""
    is_admin: bool = False
    _json: Any = None

    @classmethod
    def build(cls, method: str, target: str, headers: dict[str, str], raw: bytes) -> Request:
        """Split a request line target into path and query."""
        path, _, query = target.partition("?")
        return cls(method, path, parse_qs(query, keep_blank_values=True), headers, raw)

    def header(self, name: str, default: str = "") -> str:
        """A header, case-insensitively."""
        return self.headers.get(name.lower(), default)

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The last value of a query parameter."""
        values = self.query.get(name)
        return values[-1] if values else default

    def json(self) -> Any:
        """The body parsed as JSON; a 400 in the service's format if it is not."""
        if self._json is None:
            if not self.raw.strip():
                raise ApiError(
                    400,
                    "The request body is empty or is not a JSON object.",
                    kind="MalformedRequestBody",
                )
            try:
                self._json = json.loads(self.raw)
            except (ValueError, UnicodeDecodeError) as error:
                raise ApiError(
                    400, f"Malformed request body: {error}", kind="MalformedRequestBody"
                ) from None
        return self._json

    def entity(self, key: str) -> Body:
        """The object under `key` in a JSON body ({"server": {...}})."""
        data = self.json()
        if not isinstance(data, dict) or not isinstance(data.get(key), dict):
            raise ApiError(
                400,
                f"Invalid input: the request body must have an object '{key}'.",
                kind="BadRequest",
            )
        return dict(data[key])


@dataclass
class Response:
    """One HTTP response."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    rule: str | None = None
    reset: bool = False


def json_response(status: int, data: Any, headers: dict[str, str] | None = None) -> Response:
    """A JSON response."""
    out = dict(headers or {})
    out["Content-Type"] = "application/json"
    return Response(status, json.dumps(data, separators=(",", ":")).encode(), out)


def empty(status: int = 204, headers: dict[str, str] | None = None) -> Response:
    """A response without a body."""
    return Response(status, b"", dict(headers or {}))


def error_response(service: str, error: ApiError) -> Response:
    """Render an error exactly as the given service would."""
    status, message = error.status, error.message
    headers = dict(error.headers)
    if service in ("compute", "volume"):
        name = FAULT_NAMES.get(status, "computeFault")
        inner: Body = {"code": status, "message": message}
        if status in (413, 429) and "Retry-After" in headers:
            inner["retryAfter"] = headers["Retry-After"]
        return json_response(status, {name: inner}, headers)
    if service == "network":
        kind = error.kind if error.kind and error.kind != "MalformedRequestBody" else None
        body = {
            "NeutronError": {
                "type": kind or NEUTRON_TYPES.get(status, "NeutronError"),
                "message": message,
                "detail": "",
            }
        }
        return json_response(status, body, headers)
    if service == "identity":
        title = REASONS.get(status, "Error")
        return json_response(
            status, {"error": {"code": status, "title": title, "message": message}}, headers
        )
    if service == "image":
        # Glance answers webob's plain-text error pages.
        text = f"{status} {REASONS.get(status, 'Error')}\n\n{message}\n\n   "
        headers["Content-Type"] = "text/plain; charset=UTF-8"
        return Response(status, text.encode(), headers)
    if service == "object-store":
        text = f"<html><h1>{REASONS.get(status, 'Error')}</h1><p>{message}</p></html>"
        headers["Content-Type"] = "text/html; charset=UTF-8"
        return Response(status, text.encode(), headers)
    return json_response(status, {"error": {"code": status, "message": message}}, headers)


Handler = Callable[[Request], Response]


class Router:
    """Method + path-pattern dispatch; `{name}` matches one path segment."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        """Register a handler; `{rest+}` matches the remainder of the path."""
        regex = re.sub(r"\{(\w+)\+\}", r"(?P<\1>.+)", pattern)
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", regex)
        self._routes.append((method, re.compile(f"^{regex}/?$"), handler))

    def dispatch(self, request: Request, path: str) -> Response:
        """Run the matching handler; 404 or 405 when none matches."""
        allowed = False
        for method, regex, handler in self._routes:
            match = regex.match(path)
            if match is None:
                continue
            if method != request.method and not (method == "GET" and request.method == "HEAD"):
                allowed = True
                continue
            request.params = match.groupdict()
            return handler(request)
        if allowed:
            raise ApiError(405, "The method is not allowed for the requested URL.")
        raise ApiError(404, "The resource could not be found.")


# -- input validation shared by the services ---------------------------------------------
TypeSpec = type | tuple[type, ...]


def check_fields(
    entity: Body,
    allowed: dict[str, TypeSpec],
    *,
    required: tuple[str, ...] = (),
    where: str,
    neutron: bool = False,
) -> None:
    """Reject unknown or wrongly typed fields the way the real API does.

    Nova/Cinder phrase it as a JSON-Schema violation; Neutron as an unrecognised attribute.
    """
    unknown = sorted(set(entity) - set(allowed))
    if unknown:
        if neutron:
            raise ApiError(
                400, f"Unrecognized attribute(s) '{', '.join(unknown)}'", kind="HTTPBadRequest"
            )
        quoted = ", ".join(f"'{name}'" for name in unknown)
        raise ApiError(
            400,
            f"Invalid input for field/attribute {where}. Value: "
            f"{json.dumps(entity)}. Additional properties are not allowed "
            f"({quoted} {'was' if len(unknown) == 1 else 'were'} unexpected)",
        )
    for name in required:
        if name not in entity:
            raise ApiError(
                400,
                f"Invalid input for field/attribute {where}. Value: "
                f"{json.dumps(entity)}. '{name}' is a required property",
                kind="HTTPBadRequest",
            )
    for name, value in entity.items():
        expected = allowed[name]
        if value is None and expected is not type(None) and neutron:
            continue
        if isinstance(value, bool) and expected in (int, float, (int, float)):
            ok = False
        else:
            ok = isinstance(value, expected)
        if not ok:
            if neutron:
                raise ApiError(
                    400,
                    f"Invalid input for {name}. Reason: '{value}' is not a "
                    f"valid {_type_word(expected)}.",
                    kind="HTTPBadRequest",
                )
            raise ApiError(
                400,
                f"Invalid input for field/attribute {name}. Value: "
                f"{json.dumps(value)}. {json.dumps(value)} is not of type "
                f"'{_type_word(expected)}'",
            )


def _type_word(expected: TypeSpec) -> str:
    first = expected[0] if isinstance(expected, tuple) else expected
    return {
        str: "string",
        int: "integer",
        bool: "boolean",
        dict: "object",
        list: "array",
        float: "number",
    }.get(first, "value")


def as_bool(value: Any, field_name: str) -> bool:
    """Neutron's boolean conversion: true/false, 'True'/'False', 0/1."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ApiError(
        400,
        f"Invalid input for {field_name}. Reason: '{value}' cannot be converted to boolean.",
        kind="HTTPBadRequest",
    )


def public(body: Body) -> Body:
    """A copy of a stored body without internal (underscore) keys."""
    return {key: value for key, value in body.items() if not key.startswith("_")}
