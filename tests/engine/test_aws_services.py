"""AWS::S3::Bucket, AWS::IAM::User/AccessKey on the embedded sandbox through the CLI, and
AWS::ElasticLoadBalancing::LoadBalancer and AWS::RDS::DBInstance are in test_aws_guest.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from heatctl.errors import ExitCode
from tests.conftest import corpus_path
from tests.engine.test_aws_ec2 import (
    _cloud,
    _delete_leaves_nothing,
    _ok,
    _outputs,
    _resources,
    _write,
)

Sandbox = pytest.importorskip("heatctl.sandbox").Sandbox


@pytest.fixture(autouse=True)
def no_clouds_yaml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for key in ("OS_AUTH_URL", "OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_USERNAME", "OS_PASSWORD"):
        monkeypatch.delenv(key, raising=False)


def test_corpus_s3_buckets(run_cli: Any, state_dir: Path) -> None:
    template = corpus_path("heat-templates", "cfn", "F17", "S3_Single_Instance.template")
    _ok(run_cli("stack", "create", str(template), "--name", "s3"))
    out = _outputs(run_cli, "s3")
    ids = {name: row["physical_id"] for name, row in _resources(run_cli, "s3").items()}
    assert out["DomainName"] == "127.0.0.1"
    assert out["WebsiteURL"].startswith("http://127.0.0.1:")
    assert out["WebsiteURL"].endswith(
        f"/object-store/v1/AUTH_{out['WebsiteURL'].split('AUTH_')[1]}"
    )
    assert out["WebsiteURL"].rsplit("/", 1)[1] == ids["S3Bucket"]

    def heads(conn: Any) -> dict[str, dict[str, Any]]:
        result = {}
        for name in ("S3Bucket", "S3BucketWebsite"):
            box = conn.object_store.get_container_metadata(ids[name])
            result[name] = {"read": box.read_ACL, "write": box.write_ACL, "meta": box.metadata}
        return result

    seen = _cloud(state_dir, heads)
    assert seen["S3BucketWebsite"]["read"] == ".r:*"
    assert seen["S3Bucket"]["read"] == seen["S3Bucket"]["write"] == "admin:admin"
    meta = {k.lower(): v for k, v in seen["S3BucketWebsite"]["meta"].items()}
    assert meta["web-index"] == "index.html" and meta["web-error"] == "error.html"
    _ok(run_cli("stack", "check", "s3"))
    _delete_leaves_nothing(run_cli, state_dir, "s3")


BUCKET_YAML = """
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Acl: {Type: String, Default: Private}
Resources:
  Box:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: {Ref: Acl}
      Tags: [{Key: team, Value: web}]
Outputs:
  url: {Value: {"Fn::GetAtt": [Box, WebsiteURL]}}
"""


def test_a_bucket_with_objects_is_not_deleted(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = _write(tmp_path, "box.yaml", BUCKET_YAML)
    _ok(run_cli("stack", "create", str(template), "--name", "b"))
    name = _resources(run_cli, "b")["Box"]["physical_id"]
    # AccessControl is not update_allowed in Heat: a new bucket replaces the old one.
    _ok(run_cli("stack", "update", "b", "-t", str(template), "-P", "Acl=PublicRead"))
    second = _resources(run_cli, "b")["Box"]["physical_id"]
    assert second != name
    box = _cloud(state_dir, lambda c: c.object_store.get_container_metadata(second))
    assert box.read_ACL == ".r:*"
    assert {k.lower(): v for k, v in box.metadata.items()} == {"s3-tag-team": "web"}
    _cloud(state_dir, lambda c: c.object_store.upload_object(second, "index.html", data=b"hi"))
    failed = run_cli("stack", "delete", "b", "--yes")
    assert failed.exit_code == ExitCode.FAILED
    assert f"The bucket you tried to delete is not empty ({second})" in failed.stderr
    _cloud(state_dir, lambda c: c.object_store.delete_object("index.html", container=second))
    _delete_leaves_nothing(run_cli, state_dir, "b")


IAM_JSON = """{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {"Password": {"Type": "String", "NoEcho": "true", "Default": "s3cret-pw"}},
  "Resources": {
    "CfnUser": {"Type": "AWS::IAM::User",
                "Properties": {"LoginProfile": {"Password": {"Ref": "Password"}}}},
    "Keys": {"Type": "AWS::IAM::AccessKey", "Properties": {"UserName": {"Ref": "CfnUser"}}}
  },
  "Outputs": {
    "user": {"Value": {"Ref": "CfnUser"}},
    "access": {"Value": {"Ref": "Keys"}},
    "key_user": {"Value": {"Fn::GetAtt": ["Keys", "UserName"]}},
    "secret": {"Value": {"Fn::GetAtt": ["Keys", "SecretAccessKey"]}}
  }
}
"""


def test_iam_user_and_access_key(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = _write(tmp_path, "iam.json", IAM_JSON)
    created = _ok(run_cli("stack", "create", str(template), "--name", "iam"))
    out = _outputs(run_cli, "iam")
    assert out["user"].startswith("iam-CfnUser-") and out["key_user"] == out["user"]
    access = out["access"]

    def keystone(conn: Any) -> dict[str, Any]:
        user = conn.identity.find_user(out["user"], ignore_missing=False)
        creds = list(conn.identity.credentials(user_id=user.id))
        roles = [
            conn.identity.get_role(a.role["id"]).name
            for a in conn.identity.role_assignments(user_id=user.id)
        ]
        return {
            "project": user.default_project_id == conn.current_project_id,
            "blobs": [json.loads(c.blob) for c in creds],
            "types": [c.type for c in creds],
            "roles": roles,
        }

    seen = _cloud(state_dir, keystone)
    assert seen["project"] and seen["roles"] == ["heat_stack_user"]
    assert seen["types"] == ["ec2"] and seen["blobs"][0]["access"] == access
    secret = seen["blobs"][0]["secret"]
    # The secret is a secret attribute: masked in every view, revealed only on request.
    for args in (
        ("stack", "output", "iam", "--json"),
        ("stack", "show", "iam", "--json"),
        ("stack", "resources", "iam", "--json"),
        ("stack", "events", "iam", "--json"),
    ):
        shown = _ok(run_cli(*args))
        assert secret not in shown.stdout + shown.stderr, args
    assert secret not in created.stdout + created.stderr
    _ok(run_cli("stack", "check", "iam"))  # the user and its key are found again
    assert out["secret"] != secret
    # No property updates in place (as in Heat): a new password is a new user, and its
    # key follows; the old ones are gone from Keystone.
    _ok(run_cli("stack", "update", "iam", "-t", str(template), "-P", "Password=other-pw"))
    again = _outputs(run_cli, "iam")
    assert again["user"] != out["user"] and again["access"] != access

    def users_and_keys(conn: Any) -> tuple[list[str], list[str]]:
        names = [u.name for u in conn.identity.users() if u.name.startswith("iam-")]
        keys = [json.loads(c.blob)["access"] for c in conn.identity.credentials(type="ec2")]
        return names, keys

    assert _cloud(state_dir, users_and_keys) == ([again["user"]], [again["access"]])
    _delete_leaves_nothing(run_cli, state_dir, "iam")


def test_sandbox_credentials_api_as_keystone(tmp_path: Path) -> None:
    from openstack import exceptions

    sandbox = Sandbox(state_path=tmp_path / "sandbox.db")
    try:
        conn = sandbox.start().connection()
        ident = conn.identity
        user = ident.create_user(name="u1", default_project_id=conn.current_project_id)
        blob = json.dumps({"access": "abc", "secret": "xyz"})
        project = conn.current_project_id
        cred = ident.create_credential(user_id=user.id, project_id=project, type="ec2", blob=blob)
        assert len(cred.id) == 64  # Keystone's id of an ec2 credential: sha256 of the access
        with pytest.raises(exceptions.ConflictException):
            ident.create_credential(user_id=user.id, project_id=project, type="ec2", blob=blob)
        with pytest.raises(exceptions.BadRequestException):
            ident.create_credential(user_id=user.id, type="ec2", blob=blob)
        other = ident.create_credential(user_id=user.id, type="totp", blob="seed")
        assert [c.id for c in ident.credentials(user_id=user.id, type="ec2")] == [cred.id]
        assert json.loads(ident.get_credential(cred.id).blob)["secret"] == "xyz"
        assert "identity/ks_credential" in sandbox.inventory()
        for item in (cred, other):
            ident.delete_credential(item.id)
        with pytest.raises(exceptions.NotFoundException):
            ident.get_credential(cred.id)
        ident.delete_user(user.id)
        assert sandbox.inventory() == {}
    finally:
        sandbox.stop()
