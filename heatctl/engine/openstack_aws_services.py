"""Lifecycles of Heat's AWS types outside EC2 (heat/engine/resources/aws/{s3,iam,lb}):

- AWS::S3::Bucket: a Swift container named like the resource; AccessControl becomes its
  read/write ACLs, WebsiteConfiguration the staticweb index/error metadata, Tags
  `S3-Tag-<Key>` container metadata. Deleting a bucket with objects in it fails, as in Heat.
- AWS::IAM::User: a Keystone user in the stack's project with the heat_stack_user role
  (Heat's create_stack_user, the path without a stack domain). Ref: its name.
- AWS::IAM::AccessKey: an EC2 credential of that user (/v3/credentials, type ec2, a blob
  with a random access key and secret). Ref: the access key; SecretAccessKey is a secret
  attribute (stored apart, masked).
- AWS::ElasticLoadBalancing::LoadBalancer and AWS::RDS::DBInstance: on the cloud's Octavia
  and Trove (openstack_aws_guest.py).
"""

from __future__ import annotations

import json
import secrets
import uuid
from typing import Any
from urllib.parse import urlparse

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.wait import Wait

STACK_USER_ROLE = "heat_stack_user"


class _Done:
    """Polls of types whose calls complete at once, and no in-place update."""

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        return None

    check_update_complete = check_delete_complete = update = check_create_complete


def _missing(error: BaseException) -> bool:
    from openstack import exceptions

    return isinstance(error, exceptions.NotFoundException)


# -- AWS::S3::Bucket ---------------------------------------------------------------------


def _acl_headers(ctx: ResourceContext) -> dict[str, str]:
    """Heat's mapping of the canned ACL onto Swift's container ACLs."""
    auth = ctx.conn.config.auth
    project, user = auth.get("project_name", ""), auth.get("username", "")
    owner = f"{project}:{user}"
    acl = ctx.properties.get("AccessControl")
    if acl in ("PublicRead", "PublicReadWrite"):
        read = ".r:*"
    elif acl == "AuthenticatedRead":
        read = str(project)
    else:
        read = owner
    write = ".r:*" if acl == "PublicReadWrite" else owner
    return {"read_ACL": read, "write_ACL": write}


def _bucket_metadata(props: dict[str, Any]) -> dict[str, str]:
    # Heat's tags_to_headers: X-Container-Meta-S3-Tag-<Key>
    meta = {f"S3-Tag-{t['Key']}": str(t["Value"]) for t in props.get("Tags") or []}
    site = props.get("WebsiteConfiguration")
    if site is not None:  # Swift's staticweb middleware reads these
        meta["web-index"] = str(site.get("IndexDocument") or "")
        meta["web-error"] = str(site.get("ErrorDocument") or "")
    return meta


def _bucket_exists(ctx: ResourceContext, name: str) -> bool:
    try:
        ctx.conn.object_store.get_container_metadata(name)
    except Exception as error:
        if _missing(error):
            return False
        raise
    return True


class BucketLifecycle(_Done):
    """Methods the AWS::S3::Bucket class takes (its physical id is the container name)."""

    def create(self, ctx: ResourceContext) -> Wait | None:
        name = ctx.physical_name()
        store = ctx.conn.object_store

        def make() -> str:
            store.create_container(name=name, **_acl_headers(ctx))
            meta = _bucket_metadata(ctx.properties)
            if meta:
                store.set_container_metadata(name, **meta)
            return name

        ctx.physical_id = ctx.call(
            "container.create",
            make,
            request={"name": name},
            creates=True,
            lookup=lambda: name if _bucket_exists(ctx, name) else None,
        )
        return None

    def delete(self, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.retry import CloudCallFailed, ErrorKind

        name = ctx.physical_id or ""
        try:
            ctx.call(
                "container.delete",
                lambda: ctx.conn.object_store.delete_container(name, ignore_missing=True),
            )
        except CloudCallFailed as error:
            if error.classified.kind is not ErrorKind.CONFLICT:
                raise
            raise ResourceFailed(
                f"{ctx.name}: The bucket you tried to delete is not empty ({name})."
            ) from None
        return None

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        url = urlparse(str(ctx.conn.object_store.get_endpoint()).rstrip("/"))
        return {
            "DomainName": url.hostname,
            "WebsiteURL": f"{url.scheme}://{url.netloc}{url.path}/{ctx.physical_id}",
        }

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        name = ctx.physical_name()
        found = ctx.call("container.head", lambda: _bucket_exists(ctx, name))
        return name if found else None


# -- AWS::IAM::User ----------------------------------------------------------------------


def _stack_user_role(ctx: ResourceContext) -> str:
    roles = list(ctx.conn.identity.roles(name=STACK_USER_ROLE))
    if len(roles) != 1:
        raise ResourceFailed(
            f"{ctx.name}: Can't find role {STACK_USER_ROLE} (Heat puts the users it makes"
            " in it; the cloud's administrator creates it)"
        )
    return str(roles[0].id)


def _user_name(ctx: ResourceContext) -> str:
    return ctx.physical_name(255)[-255:]


class UserLifecycle(_Done):
    """Methods the AWS::IAM::User class takes: physical id = the user's name (Ref)."""

    def create(self, ctx: ResourceContext) -> Wait | None:
        conn = ctx.conn
        role = ctx.call("role.find", lambda: _stack_user_role(ctx))
        project = str(conn.current_project_id)
        profile = ctx.properties.get("LoginProfile") or {}
        body = {"name": _user_name(ctx), "default_project_id": project}
        if profile.get("Password") is not None:
            body["password"] = profile["Password"]
        user = ctx.call(
            "user.create",
            lambda: conn.identity.create_user(**body),
            request={"name": body["name"]},
            creates=True,
            lookup=lambda: conn.identity.find_user(body["name"], ignore_missing=True),
        )
        ctx.data["user_id"] = str(user.id)
        ctx.call(
            "role.grant",
            lambda: conn.identity.assign_project_role_to_user(project, user.id, role),
        )
        ctx.physical_id = body["name"]
        return None

    def delete(self, ctx: ResourceContext) -> Wait | None:
        user = ctx.data.get("user_id") or ctx.physical_id
        if user:
            ctx.call(
                "user.delete",
                lambda: ctx.conn.identity.delete_user(
                    ctx.conn.identity.find_user(user, ignore_missing=True) or user,
                    ignore_missing=True,
                ),
            )
        return None

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        return {}

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        name = _user_name(ctx)
        user = ctx.call("user.find", lambda: ctx.conn.identity.find_user(name, ignore_missing=True))
        if user is None:
            return None
        ctx.data["user_id"] = str(user.id)
        return name


# -- AWS::IAM::AccessKey -----------------------------------------------------------------


def _key_user(ctx: ResourceContext) -> Any:
    name = str(ctx.properties["UserName"])
    user = ctx.conn.identity.find_user(name, ignore_missing=True)
    if user is None:
        raise ResourceFailed(f"{ctx.name}: could not find user {name}")
    return user


def _own_credential(ctx: ResourceContext) -> Any | None:
    """The EC2 credential this resource made: its blob carries the resource's tag (Keystone
    keeps the blob as given), so a crash after the POST never makes a second key."""
    user = _key_user(ctx)
    for cred in ctx.conn.identity.credentials(user_id=user.id, type="ec2"):
        if json.loads(cred.blob or "{}").get("heatctl_tag") == ctx.tag:
            return cred
    return None


def _remember(ctx: ResourceContext, cred: Any) -> None:
    blob = json.loads(cred.blob)
    ctx.physical_id = str(blob["access"])
    ctx.data["credential_id"] = str(cred.id)
    ctx.attributes["SecretAccessKey"] = str(blob["secret"])


class AccessKeyLifecycle(_Done):
    """Methods the AWS::IAM::AccessKey class takes: physical id = the access key (Ref)."""

    def create(self, ctx: ResourceContext) -> Wait | None:
        conn = ctx.conn
        user = ctx.call("user.find", lambda: _key_user(ctx))
        blob = {
            "access": uuid.uuid4().hex,
            "secret": secrets.token_urlsafe(24),
            "heatctl_tag": ctx.tag,
        }
        cred = ctx.call(
            "credential.create",
            lambda: conn.identity.create_credential(
                user_id=user.id,
                project_id=str(conn.current_project_id),
                type="ec2",
                blob=json.dumps(blob),
            ),
            request={"user": user.id, "type": "ec2"},
            creates=True,
            lookup=lambda: _own_credential(ctx),
        )
        _remember(ctx, cred)
        return None

    def delete(self, ctx: ResourceContext) -> Wait | None:
        cred = ctx.data.get("credential_id")
        if cred:
            ctx.call(
                "credential.delete",
                lambda: ctx.conn.identity.delete_credential(cred, ignore_missing=True),
            )
        return None

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        if "SecretAccessKey" not in ctx.attributes and ctx.data.get("credential_id"):
            cred = ctx.call(
                "credential.get",
                lambda: ctx.conn.identity.get_credential(ctx.data["credential_id"]),
            )
            _remember(ctx, cred)
        return {"UserName": ctx.properties.get("UserName")}

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        if not ctx.properties.get("UserName"):
            return None
        try:
            cred = ctx.call("credential.find", lambda: _own_credential(ctx))
        except ResourceFailed:
            return None  # the user is gone, and its keys with it
        if cred is None:
            return None
        _remember(ctx, cred)
        return ctx.physical_id
