"""OS::Barbican::* on the embedded sandbox: secrets (the payload never in output, events or
the journal), orders, containers; create, attributes, delete, nothing left behind."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from heatctl.sandbox import Sandbox

from ..conftest import corpus_path
from .cli_helpers import (
    adopt,
    cloud,
    inventory,
    no_clouds_yaml,  # noqa: F401 (an autouse fixture)
    ok,
    outputs,
    physical,
)

PAYLOAD = "s3cr3t-payload-Zq7"
TEMPLATE = """
heat_template_version: 2018-08-31
parameters:
  payload: {type: string, hidden: true}
resources:
  secret:
    type: OS::Barbican::Secret
    properties: {payload: {get_param: payload}, payload_content_type: text/plain, name: db-password}
  key:
    type: OS::Barbican::Order
    properties: {type: key, algorithm: aes, bit_length: 256, mode: cbc}
  pair:
    type: OS::Barbican::Order
    properties: {type: asymmetric, algorithm: rsa, bit_length: 2048}
  cert_key:
    type: OS::Barbican::Secret
    properties: {payload: cert, payload_content_type: text/plain}
  box:
    type: OS::Barbican::GenericContainer
    properties:
      secrets:
        - {name: password, ref: {get_resource: secret}}
        - {name: key, ref: {get_attr: [key, secret_ref]}}
  cert:
    type: OS::Barbican::CertificateContainer
    properties: {certificate_ref: {get_resource: cert_key}, private_key_ref: {get_attr: [key, secret_ref]}}
  rsa:
    type: OS::Barbican::RSAContainer
    properties: {private_key_ref: {get_attr: [key, secret_ref]}, public_key_ref: {get_resource: cert_key}}
outputs:
  payload: {value: {get_attr: [secret, decrypted_payload]}}
  status: {value: {get_attr: [secret, status]}}
  secret_show: {value: {get_attr: [secret, show]}}
  key_ref: {value: {get_attr: [key, secret_ref]}}
  pair_container: {value: {get_attr: [pair, container_ref]}}
  public_key: {value: {get_attr: [pair, public_key]}}
  private_key: {value: {get_attr: [pair, private_key]}}
  box_refs: {value: {get_attr: [box, secret_refs]}}
  cert_refs: {value: {get_attr: [cert, secret_refs]}}
  rsa_status: {value: {get_attr: [rsa, status]}}
"""


def test_secrets_orders_and_containers(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = tmp_path / "km.yaml"
    template.write_text(TEMPLATE)
    created = ok(
        run_cli("stack", "create", str(template), "--name", "km", "-P", f"payload={PAYLOAD}")
    )
    out = outputs(run_cli, "km")
    secret = physical(run_cli, "km", "secret")
    assert secret.startswith("http://localhost:9311/v1/secrets/")
    assert out["payload"] != PAYLOAD  # a secret attribute: masked
    assert out["status"] == "ACTIVE"
    assert out["secret_show"]["name"] == "db-password"
    assert out["box_refs"] == {"password": secret, "key": out["key_ref"]}
    assert set(out["cert_refs"]) == {"certificate", "private_key"}
    assert out["rsa_status"] == "ACTIVE"
    assert "/v1/containers/" in out["pair_container"]
    assert out["public_key"] and out["private_key"] == "******"  # a secret attribute

    def payloads(conn: Any, sandbox: Any) -> tuple[Any, int]:
        km = conn.key_manager
        key = km.get_secret(out["key_ref"].rsplit("/", 1)[1])
        return km.get_secret(secret.rsplit("/", 1)[1]).payload, len(key.payload)

    assert cloud(state_dir, payloads) == (PAYLOAD, 32)
    # References do not depend on the embedded sandbox's port (a new one each command).
    assert "CHECK_COMPLETE (in sync)" in ok(run_cli("stack", "check", "km")).stderr
    shown = [
        created.stdout + created.stderr,
        ok(run_cli("stack", "show", "km", "--json")).stdout,
        ok(run_cli("stack", "resources", "km", "--json")).stdout,
        ok(run_cli("stack", "output", "km", "--json")).stdout,
        ok(run_cli("stack", "events", "km")).stdout,
    ]
    assert not any(PAYLOAD in text for text in shown)
    journal = sqlite3.connect(state_dir / "state.db")
    for (text,) in journal.execute("SELECT request || ' ' || COALESCE(result, '') FROM operations"):
        assert PAYLOAD not in text
    journal.close()
    ok(run_cli("stack", "delete", "km", "--yes"))
    # The orders' generated secrets and container go with them.
    assert inventory(state_dir) == {}


def test_a_certificate_order_fails_with_the_reason(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = tmp_path / "cert.yaml"
    template.write_text(
        """
heat_template_version: 2018-08-31
resources:
  cert:
    type: OS::Barbican::Order
    properties: {type: certificate, subject_dn: cn=example.org}
"""
    )
    result = run_cli("stack", "create", str(template), "--name", "cert")
    assert result.exit_code == 1
    assert "invalid (HTTP 400): Certificate orders need a certificate authority" in result.stderr
    ok(run_cli("stack", "delete", "cert", "--yes"))
    assert inventory(state_dir) == {}


def test_adopted_after_a_crash_by_generated_name(tmp_path: Path) -> None:
    with Sandbox(state_path=tmp_path / "s.db", virtual_clock=True) as sandbox:
        secret = {"payload": "x", "payload_content_type": "text/plain"}
        adopt(sandbox, "OS::Barbican::Secret", secret)
        adopt(
            sandbox, "OS::Barbican::Order", {"type": "key", "algorithm": "aes", "bit_length": 128}
        )
        adopt(sandbox, "OS::Barbican::GenericContainer", {"secrets": []})
        assert sandbox.inventory() == {}


def test_corpus_secret_and_generic_container(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    """hot/barbican/container_generic.yaml nests secret.yaml (a provider template), whose
    default expiration (2017) Barbican refuses; parameter_defaults moves it to 2099."""
    template = corpus_path("heat-templates", "hot", "barbican", "container_generic.yaml")
    refused = run_cli("stack", "create", str(template), "--name", "old")
    assert refused.exit_code == 1
    assert "'expiration' is before current time" in refused.stderr
    ok(run_cli("stack", "delete", "old", "--yes"))
    env = tmp_path / "env.yaml"
    env.write_text('parameter_defaults:\n  expiration: "2099-01-01T00:00:00"\n')
    ok(run_cli("stack", "create", str(template), "-e", str(env), "--name", "box"))
    out = outputs(run_cli, "box")
    assert out["container_status"] == "ACTIVE"
    assert "/v1/containers/" in out["container_ref"]
    assert len(out["secret_refs"]) == 1
    ok(run_cli("stack", "delete", "box", "--yes"))
    assert inventory(state_dir) == {}


def test_corpus_order_with_a_past_expiration_fails_as_barbican_refuses_it(
    run_cli: Any, state_dir: Path
) -> None:
    """hot/barbican/order.yaml defaults its expiration to 2017: Barbican refuses it."""
    template = corpus_path("heat-templates", "hot", "barbican", "order.yaml")
    result = run_cli("stack", "create", str(template), "--name", "order")
    assert result.exit_code == 1
    assert "'expiration' is before current time" in result.stderr
    future = ("-P", "expiration=2099-01-01T00:00:00")
    ok(run_cli("stack", "update", "order", "-t", str(template), *future))
    ok(run_cli("stack", "delete", "order", "--yes"))
    assert inventory(state_dir) == {}
