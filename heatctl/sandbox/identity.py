"""Keystone v3: version documents, password and token auth, scopes, catalog, expiry."""

from __future__ import annotations

import secrets
from typing import Any

from heatctl.sandbox.clock import iso
from heatctl.sandbox.cloud import Account, Cloud
from heatctl.sandbox.identity_admin import IdentityAdmin
from heatctl.sandbox.identity_credentials import IdentityCredentials
from heatctl.sandbox.services import catalog_entries
from heatctl.sandbox.web import ApiError, Body, Request, Response, Router, empty, json_response

UNAUTHORIZED = "The request you have made requires authentication."
TOKEN_SWEEP = 10_000  # expired tokens are dropped once this many are held
# Service type -> (name, path under the base URL). DevStack's layout.
CATALOG = [
    ("identity", "keystone", "/identity"),
    ("compute", "nova", "/compute/v2.1"),
    ("network", "neutron", "/network"),
    ("image", "glance", "/image"),
    ("block-storage", "cinder", "/volume/v3/{project}"),
    ("volumev3", "cinderv3", "/volume/v3/{project}"),
    ("object-store", "swift", "/object-store/v1/AUTH_{project}"),
    *catalog_entries(),  # the generic.py services (heatctl/sandbox/services.py)
]
ROLES = [
    {"id": "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5", "name": "admin"},
    {"id": "b0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5", "name": "member"},
    {"id": "c0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5", "name": "reader"},
    # DevStack with Heat adds it: Heat puts the users it makes (AWS::IAM::User) in it.
    {"id": "d0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5", "name": "heat_stack_user"},
]


class IdentityService:
    """Keystone's token API and enough of its resource API for openstacksdk."""

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self._tokens: dict[str, Body] = {}
        self.router = Router()
        r = self.router.add
        r("GET", "", self.versions)
        r("GET", "/v3", self.version)
        r("POST", "/v3/auth/tokens", self.issue)
        r("GET", "/v3/auth/tokens", self.validate)
        r("DELETE", "/v3/auth/tokens", self.revoke)
        r("GET", "/v3/auth/catalog", self.catalog_view)
        r("GET", "/v3/auth/projects", self.auth_projects)
        self.admin = IdentityAdmin(self)
        self.admin.routes(r)
        IdentityCredentials(self).routes(r)

    # -- documents -------------------------------------------------------------------
    def _v3(self) -> Body:
        return {
            "id": "v3.14",
            "status": "stable",
            "updated": "2020-04-07T00:00:00Z",
            "links": [{"rel": "self", "href": f"{self.cloud.base_url}/identity/v3/"}],
            "media-types": [
                {"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}
            ],
        }

    def versions(self, request: Request) -> Response:
        """GET /identity: the multiple-choice versions document."""
        return json_response(300, {"versions": {"values": [self._v3()]}})

    def version(self, request: Request) -> Response:
        """GET /identity/v3."""
        return json_response(200, {"version": self._v3()})

    def catalog(self, project_id: str) -> list[Body]:
        """The service catalog, with URLs on this server's address."""
        entries = []
        for index, (kind, name, path) in enumerate(CATALOG):
            url = self.cloud.base_url + path.format(project=project_id)
            endpoints = [
                {
                    "id": f"{index:02d}{interface[0]}" + "0" * 29,
                    "interface": interface,
                    "region": "RegionOne",
                    "region_id": "RegionOne",
                    "url": url,
                }
                for interface in ("public", "internal", "admin")
            ]
            entries.append(
                {"type": kind, "name": name, "id": f"{index:032d}", "endpoints": endpoints}
            )
        return entries

    # -- tokens ----------------------------------------------------------------------
    def issue(self, request: Request) -> Response:
        """POST /v3/auth/tokens: password or token method, project/system/no scope."""
        auth = request.json().get("auth") if isinstance(request.json(), dict) else None
        if not isinstance(auth, dict) or not isinstance(auth.get("identity"), dict):
            raise ApiError(
                400,
                "Expecting to find identity in auth. The server could not "
                "comply with the request since it is either malformed or otherwise "
                "incorrect. The client is assumed to be in error.",
            )
        identity = auth["identity"]
        methods = identity.get("methods")
        if not isinstance(methods, list) or not methods:
            raise ApiError(400, "Expecting to find methods in identity.")
        if "password" in methods:
            account = self._check_password(identity.get("password"))
        elif "token" in methods:
            previous = (identity.get("token") or {}).get("id")
            old = self.principal(str(previous or ""))
            account = self.cloud.identity.account(str(old.get("user_id", "")))
        else:
            raise ApiError(401, "The request you have made requires authentication.")
        scope = self._scope(auth.get("scope"), account)
        token_id = secrets.token_hex(32)
        token = {
            "id": token_id,
            "expires": self.cloud.now() + self.cloud.timings.token_ttl,
            "issued": self.cloud.now(),
            "scope": scope,
            "methods": methods,
            "user_id": account.user_id,
            "project_id": account.project_id,
            "admin": account.admin,
        }
        if len(self._tokens) >= TOKEN_SWEEP:
            self._sweep()
        self._tokens[token_id] = token
        self.cloud.save("token", {**token, "_cols": {"id": token_id}})
        return json_response(201, {"token": self._token_body(token)}, {"X-Subject-Token": token_id})

    def _sweep(self) -> None:
        """Forget expired tokens, in memory and in the store (a long-running serve)."""
        now = self.cloud.now()
        for token_id, token in list(self._tokens.items()):
            if token["expires"] <= now:
                del self._tokens[token_id]
                self.cloud.store.delete("token", token_id)

    def _check_password(self, block: Any) -> Account:
        ident = self.cloud.identity
        user = (block or {}).get("user") if isinstance(block, dict) else None
        if not isinstance(user, dict):
            raise ApiError(400, "Expecting to find user in password.")
        for account in ident.accounts:
            named = user.get("id") == account.user_id or user.get("name") == account.user_name
            if named and user.get("password") == ident.password:
                return account
        raise ApiError(401, UNAUTHORIZED)

    def _scope(self, scope: Any, account: Account) -> str:
        if not scope:
            return "unscoped"
        if not isinstance(scope, dict):
            raise ApiError(400, "Invalid scope.")
        if "system" in scope or "domain" in scope:
            if not account.admin:  # only the admin has system and domain roles
                raise ApiError(401, UNAUTHORIZED)
            return "system" if "system" in scope else "domain"
        project = scope.get("project")
        if isinstance(project, dict) and (
            project.get("id") == account.project_id or project.get("name") == account.project_name
        ):
            return "project"
        raise ApiError(401, UNAUTHORIZED)

    def _token_body(self, token: Body) -> Body:
        ident = self.cloud.identity
        account = ident.account(str(token.get("user_id", "")))
        domain = {"id": ident.domain_id, "name": ident.domain_name}
        body: Body = {
            "methods": token["methods"],
            "audit_ids": [token["id"][:22]],
            "expires_at": iso(token["expires"], micro=True),
            "issued_at": iso(token["issued"], micro=True),
            "is_domain": False,
            "user": {
                "id": account.user_id,
                "name": account.user_name,
                "domain": domain,
                "password_expires_at": None,
            },
        }
        scope = token["scope"]
        if scope != "unscoped":
            body["roles"] = ROLES if account.admin else ROLES[1:]
            body["catalog"] = self.catalog(account.project_id)
        if scope == "project":
            body["project"] = {
                "id": account.project_id,
                "name": account.project_name,
                "domain": domain,
            }
        elif scope == "system":
            body["system"] = {"all": True}
        elif scope == "domain":
            body["domain"] = domain
        return body

    def principal(self, token_id: str) -> Body:
        """The token's record if it is valid now; 401 otherwise."""
        token = self._tokens.get(token_id)
        if token is None and token_id:
            stored = self.cloud.store.get("token", token_id)
            if stored is not None:
                token = self._tokens[token_id] = stored
        if token is None or token["expires"] <= self.cloud.now():
            raise ApiError(401, UNAUTHORIZED)
        return token

    def validate(self, request: Request) -> Response:
        """GET/HEAD /v3/auth/tokens: the subject token's body."""
        self.principal(request.header("x-auth-token"))
        token = self.principal(request.header("x-subject-token"))
        headers = {"X-Subject-Token": token["id"]}
        return json_response(200, {"token": self._token_body(token)}, headers)

    def revoke(self, request: Request) -> Response:
        """DELETE /v3/auth/tokens: the subject token stops working."""
        token = self.principal(request.header("x-subject-token"))
        self._tokens.pop(token["id"], None)
        self.cloud.store.delete("token", token["id"])
        return empty(204)

    def catalog_view(self, request: Request) -> Response:
        """GET /v3/auth/catalog."""
        self.principal(request.header("x-auth-token"))
        return json_response(200, {"catalog": self.catalog(self.cloud.identity.project_id)})

    def auth_projects(self, request: Request) -> Response:
        """GET /v3/auth/projects: the projects the token's user may scope to."""
        token = self.principal(request.header("x-auth-token"))
        account = self.cloud.identity.account(str(token.get("user_id", "")))
        projects = [p for p in self.admin.builtin("project") if p["id"] == account.project_id]
        return json_response(200, {"projects": projects, "links": {"self": "", "next": None}})
