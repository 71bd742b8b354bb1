"""Keystone's /v3/credentials in the sandbox: stored secrets of users, such as the EC2
key pairs Heat makes for AWS::IAM::AccessKey (type "ec2", a JSON blob with "access" and
"secret").

As Keystone: an ec2 credential needs a project and a blob naming its access key, and
its id is the SHA-256 of that access key (so a second one with the same key is a 409);
other types get a random id. Listing filters on user_id and type. Users see only their
own credentials unless they are admin (the sandbox's seeded user is).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from heatctl.sandbox.web import (
    ApiError,
    Body,
    Request,
    Response,
    check_fields,
    empty,
    json_response,
    new_id,
    public,
)

if TYPE_CHECKING:
    from heatctl.sandbox.identity import IdentityService

KIND = "ks_credential"
FIELDS: dict[str, Any] = {
    "user_id": str,
    "type": str,
    "blob": str,
    "project_id": (str, type(None)),
}


class IdentityCredentials:
    """CRUD of credentials, stored as `ks_credential` records."""

    def __init__(self, identity: IdentityService) -> None:
        self.identity = identity
        self.cloud = identity.cloud

    def routes(self, r: Callable[..., None]) -> None:
        """Register the /v3/credentials routes."""
        r("GET", "/v3/credentials", self.listing)
        r("POST", "/v3/credentials", self.create)
        r("GET", "/v3/credentials/{id}", self.show)
        r("PATCH", "/v3/credentials/{id}", self.update)
        r("DELETE", "/v3/credentials/{id}", self.delete)

    def _view(self, body: Body) -> Body:
        view = dict(public(body))
        view["links"] = {"self": f"{self.cloud.base_url}/identity/v3/credentials/{body['id']}"}
        return view

    def _find(self, id_: str) -> Body:
        body = self.cloud.load(KIND, id_)
        if body is None:
            raise ApiError(404, f"Could not find credential: {id_}.")
        return body

    def _check(self, entity: Body) -> None:
        """Keystone's rules for an ec2 credential: a project, and a blob with an access key."""
        if entity.get("type") != "ec2":
            return
        if not entity.get("project_id"):
            raise ApiError(
                400, "Invalid input for field 'project_id': None is not of type 'string'"
            )
        try:
            blob = json.loads(entity["blob"])
        except (TypeError, ValueError):
            raise ApiError(400, "Invalid blob in credential") from None
        if not isinstance(blob, dict) or not blob.get("access"):
            raise ApiError(400, "Credential blob of type ec2 must contain an access key")

    def create(self, request: Request) -> Response:
        """POST /v3/credentials: 201, or 409 when an ec2 credential has the same access key."""
        self.identity.principal(request.header("x-auth-token"))
        entity = request.entity("credential")
        check_fields(entity, FIELDS, required=("user_id", "type", "blob"), where="credential")
        self._check(entity)
        if entity["type"] == "ec2":
            access = str(json.loads(entity["blob"])["access"])
            id_ = hashlib.sha256(access.encode()).hexdigest()
            if self.cloud.load(KIND, id_) is not None:
                raise ApiError(
                    409, "Conflict occurred attempting to store credential - Duplicate ID."
                )
        else:
            id_ = new_id().replace("-", "")
        body = {"project_id": None, **entity, "id": id_, "_cols": {"id": id_}}
        self.cloud.save(KIND, body)
        return json_response(201, {"credential": self._view(body)})

    def listing(self, request: Request) -> Response:
        """GET /v3/credentials?user_id=&type=."""
        self.identity.principal(request.header("x-auth-token"))
        wanted = {k: request.arg(k) for k in ("user_id", "type")}
        items = [
            self._view(body)
            for body in self.cloud.query(KIND)
            if all(v is None or body.get(k) == v for k, v in wanted.items())
        ]
        links = {"self": f"{self.cloud.base_url}/identity/v3/credentials", "next": None}
        return json_response(200, {"credentials": items, "links": {**links, "previous": None}})

    def show(self, request: Request) -> Response:
        """GET /v3/credentials/{id}."""
        self.identity.principal(request.header("x-auth-token"))
        return json_response(200, {"credential": self._view(self._find(request.params["id"]))})

    def update(self, request: Request) -> Response:
        """PATCH /v3/credentials/{id} (the id stays, as Keystone keeps it)."""
        self.identity.principal(request.header("x-auth-token"))
        body = self._find(request.params["id"])
        entity = request.entity("credential")
        check_fields(entity, FIELDS, where="credential")
        merged = {**body, **entity}
        self._check(merged)
        self.cloud.save(KIND, merged)
        return json_response(200, {"credential": self._view(merged)})

    def delete(self, request: Request) -> Response:
        """DELETE /v3/credentials/{id}: 204."""
        self.identity.principal(request.header("x-auth-token"))
        body = self._find(request.params["id"])
        self.cloud.store.delete(KIND, body["id"])
        return empty(204)
