"""Octavia, Designate, Barbican and Aodh in the sandbox, driven by openstacksdk over real
HTTP on a virtual clock: status transitions, conflicts, cascades and inventory."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openstack import exceptions

from heatctl.sandbox import Sandbox


@pytest.fixture
def sb(tmp_path: Path) -> Iterator[Sandbox]:
    with Sandbox(state_path=tmp_path / "s.db", virtual_clock=True) as sandbox:
        yield sandbox


@pytest.fixture
def conn(sb: Sandbox) -> Any:
    connection = sb.connection()
    yield connection
    connection.close()


def subnet(conn: Any) -> str:
    return str(conn.network.find_subnet("private-subnet").id)


# -- Octavia -------------------------------------------------------------------------------


def test_load_balancer_goes_active_and_is_immutable_while_pending(sb: Sandbox, conn: Any) -> None:
    lbs = conn.load_balancer
    lb = lbs.create_load_balancer(name="web", vip_subnet_id=subnet(conn))
    assert (lb.provisioning_status, lb.operating_status) == ("PENDING_CREATE", "OFFLINE")
    with pytest.raises(exceptions.ConflictException, match="is immutable"):
        lbs.update_load_balancer(lb, description="x")
    with pytest.raises(exceptions.ConflictException, match="is immutable"):
        lbs.create_listener(loadbalancer_id=lb.id, protocol="HTTP", protocol_port=80)
    sb.clock.advance(1)
    lb = lbs.wait_for_load_balancer(lb.id, interval=0, wait=1)
    assert (lb.provisioning_status, lb.operating_status) == ("ACTIVE", "ONLINE")
    port = conn.network.get_port(lb.vip_port_id)
    assert (port.device_owner, port.device_id) == ("Octavia", f"lb-{lb.id}")
    assert port.fixed_ips[0]["ip_address"] == lb.vip_address
    listener = lbs.create_listener(loadbalancer_id=lb.id, protocol="HTTP", protocol_port=80)
    assert lbs.get_load_balancer(lb.id).provisioning_status == "PENDING_UPDATE"
    sb.clock.advance(1)
    assert lbs.get_listener(listener.id).provisioning_status == "ACTIVE"
    assert lbs.get_load_balancer(lb.id).provisioning_status == "ACTIVE"
    with pytest.raises(exceptions.ConflictException, match="already using protocol_port 80"):
        lbs.create_listener(loadbalancer_id=lb.id, protocol="HTTP", protocol_port=80)


def test_cascade_delete_and_children_rules(sb: Sandbox, conn: Any) -> None:
    lbs = conn.load_balancer
    lb = lbs.create_load_balancer(vip_subnet_id=subnet(conn))
    sb.clock.advance(1)
    listener = lbs.create_listener(loadbalancer_id=lb.id, protocol="HTTP", protocol_port=80)
    sb.clock.advance(1)
    pool = lbs.create_pool(listener_id=listener.id, protocol="HTTP", lb_algorithm="ROUND_ROBIN")
    sb.clock.advance(1)
    assert lbs.get_listener(listener.id).default_pool_id == pool.id
    member = lbs.create_member(pool, address="10.0.0.9", protocol_port=80)
    sb.clock.advance(1)
    assert lbs.get_member(member, pool).operating_status == "NO_MONITOR"
    lbs.create_health_monitor(pool_id=pool.id, type="TCP", delay=5, timeout=3, max_retries=3)
    sb.clock.advance(1)
    with pytest.raises(exceptions.ConflictException, match="already has a health monitor"):
        lbs.create_health_monitor(pool_id=pool.id, type="TCP", delay=5, timeout=3, max_retries=3)
    with pytest.raises(exceptions.BadRequestException, match="it has children"):
        lbs.delete_load_balancer(lb.id)
    lbs.delete_pool(pool.id)  # takes its member and monitor along
    sb.clock.advance(1)
    assert list(lbs.health_monitors()) == []
    assert lbs.get_listener(listener.id).default_pool_id is None
    lbs.delete_load_balancer(lb.id, cascade=True)
    assert lbs.get_load_balancer(lb.id).provisioning_status == "PENDING_DELETE"
    sb.clock.advance(1)
    assert sb.inventory() == {}


def test_missing_vip_and_admin_only_objects(sb: Sandbox, conn: Any) -> None:
    lbs = conn.load_balancer
    with pytest.raises(exceptions.BadRequestException, match="VIP must contain one of"):
        lbs.create_load_balancer(name="novip")
    with pytest.raises(exceptions.BadRequestException, match="not JSON"):
        lbs.create_flavor_profile(name="p", provider_name="amphora", flavor_data="{")
    profile = lbs.create_flavor_profile(name="p", provider_name="amphora", flavor_data="{}")
    flavor = lbs.create_flavor(name="small", flavor_profile_id=profile.id)
    with pytest.raises(exceptions.ConflictException, match="in use"):
        lbs.delete_flavor_profile(profile.id)
    demo = sb.connection(
        auth={**sb.cloud_config()["auth"], "username": "demo", "project_name": "demo"}
    )
    with pytest.raises(exceptions.ForbiddenException):
        demo.load_balancer.create_flavor(name="x", flavor_profile_id=profile.id)
    assert [f.id for f in demo.load_balancer.flavors()] == [flavor.id]  # everyone reads
    assert sb.inventory() == {
        "load-balancer/flavor": [flavor.id],
        "load-balancer/flavorprofile": [profile.id],
    }


# -- Designate ------------------------------------------------------------------------------


def test_zone_and_recordsets(sb: Sandbox, conn: Any) -> None:
    zone = conn.dns.create_zone(name="example.org.", email="hostmaster@example.org")
    assert (zone.status, zone.action) == ("PENDING", "CREATE")
    sb.clock.advance(1)
    zone = conn.dns.get_zone(zone.id)
    assert (zone.status, zone.action) == ("ACTIVE", "NONE")
    managed = sorted(r.type for r in conn.dns.recordsets(zone))
    assert managed == ["NS", "SOA"]
    www = conn.dns.create_recordset(zone, name="www.example.org.", type="A", records=["10.0.0.1"])
    with pytest.raises(exceptions.ConflictException):
        conn.dns.create_recordset(zone, name="www.example.org.", type="A", records=["10.0.0.2"])
    with pytest.raises(exceptions.BadRequestException, match="not contained"):
        conn.dns.create_recordset(zone, name="www.example.com.", type="A", records=["10.0.0.1"])
    sb.clock.advance(1)
    assert conn.dns.get_recordset(www, zone).status == "ACTIVE"
    with pytest.raises(exceptions.ConflictException):
        conn.dns.create_zone(name="example.org.", email="a@example.org")
    conn.dns.update_zone(zone, ttl=600)
    assert conn.dns.get_zone(zone.id).action == "UPDATE"
    sb.clock.advance(1)
    assert conn.dns.get_zone(zone.id).ttl == 600
    conn.dns.delete_zone(zone)
    sb.clock.advance(1)
    assert sb.inventory() == {}


# -- Barbican -------------------------------------------------------------------------------


def test_secret_payload_is_apart_from_its_metadata(sb: Sandbox, conn: Any) -> None:
    km = conn.key_manager
    secret = km.create_secret(name="pw", payload="hunter2", payload_content_type="text/plain")
    assert secret.secret_ref == f"http://localhost:9311/v1/secrets/{secret.secret_id}"
    assert km.get_secret(secret.secret_id).payload == "hunter2"
    token = conn.session.get_token()
    import json
    import urllib.request

    url = f"{sb.url}/key-manager/v1/secrets/{secret.secret_id}"
    request = urllib.request.Request(url, headers={"X-Auth-Token": token})
    metadata = json.loads(urllib.request.urlopen(request).read())
    assert "hunter2" not in json.dumps(metadata) and metadata["status"] == "ACTIVE"
    binary = km.create_secret(
        payload=base64.b64encode(b"\x00\x01").decode(),
        payload_content_type="application/octet-stream",
        payload_content_encoding="base64",
    )
    assert km.get_secret(binary.secret_id).payload == b"\x00\x01"
    # Barbican's reason is in "description" (openstacksdk shows only the title).
    refused = km.post("/secrets", json={"payload": "x"}, raise_exc=False)
    assert refused.status_code == 400
    assert "'payload_content_type' must also be supplied" in refused.json()["description"]


def test_containers_and_orders(sb: Sandbox, conn: Any) -> None:
    km = conn.key_manager
    cert = km.create_secret(name="c", payload="PEM", payload_content_type="text/plain")
    box = km.create_container(
        type="certificate", secret_refs=[{"name": "certificate", "secret_ref": cert.secret_ref}]
    )
    assert km.get_container(box.container_id).status == "ACTIVE"
    wrong = {"type": "rsa", "secret_refs": [{"name": "x", "secret_ref": cert.secret_ref}]}
    refused = km.post("/containers", json=wrong, raise_exc=False)
    assert refused.status_code == 400 and "not allowed" in refused.json()["description"]
    with pytest.raises(exceptions.NotFoundException):
        km.create_container(type="generic", secret_refs=[{"name": "x", "secret_ref": "nope"}])
    order = km.create_order(type="key", meta={"algorithm": "aes", "bit_length": 256})
    assert km.get_order(order.order_id).status == "PENDING"
    sb.clock.advance(1)
    done = km.get_order(order.order_id)
    assert done.status == "ACTIVE" and done.secret_ref
    assert len(km.get_secret(done.secret_id).payload) == 32


# -- Aodh -----------------------------------------------------------------------------------


def test_alarms_through_the_generic_adapter(sb: Sandbox, conn: Any) -> None:
    alarming = conn.alarming
    body = {
        "name": "cpu",
        "type": "gnocchi_resources_threshold",
        "gnocchi_resources_threshold_rule": {
            "metric": "cpu",
            "resource_id": "r1",
            "resource_type": "instance",
            "threshold": 80,
            "aggregation_method": "mean",
        },
        "alarm_actions": ["trust+http://example.org/hook"],
    }
    created = alarming.post("/alarms", json=body)
    assert created.status_code == 201
    alarm = created.json()
    assert alarm["state"] == "insufficient data"
    assert alarm["gnocchi_resources_threshold_rule"]["comparison_operator"] == "eq"
    assert alarming.post("/alarms", json=body, raise_exc=False).status_code == 409
    bad = dict(body, name="bad", alarm_actions=["ftp://x"])
    assert alarming.post("/alarms", json=bad, raise_exc=False).status_code == 400
    rule = {"metric": "cpu"}
    missing = dict(body, name="m", gnocchi_resources_threshold_rule=rule)
    response = alarming.post("/alarms", json=missing, raise_exc=False)
    assert response.status_code == 400 and "mandatory" in response.text
    path = f"/alarms/{alarm['alarm_id']}"
    assert alarming.put(f"{path}/state", json="alarm").json() == "alarm"
    assert alarming.get(path).json()["state"] == "alarm"
    listed = alarming.get("/alarms?q.field=name&q.op=eq&q.value=cpu").json()
    assert [a["alarm_id"] for a in listed] == [alarm["alarm_id"]]
    assert sb.inventory() == {"alarming/alarm": [alarm["alarm_id"]]}
    assert alarming.delete(path).status_code == 204
    assert sb.inventory() == {}
