"""The services added on the generic framework (Manila, Mistral, Zaqar, Magnum, Trove,
Zun, Blazar, Ironic), driven over HTTP through openstacksdk's proxies or its adapters:
statuses move on the clock, conflicts and bad input answer as the real services do, and
the inventory lists what exists."""

from __future__ import annotations

import time
from typing import Any

import pytest
from openstack import exceptions

from heatctl.sandbox import Sandbox


def _settle() -> None:
    time.sleep(0.25)  # the generic services' settle time is 0.2 s of the (real) clock


def test_manila_share_lifecycle(sandbox: Sandbox, conn: Any) -> None:
    sfs = conn.shared_file_system
    subnet = conn.network.find_subnet("private-subnet")
    network = sfs.create_share_network(
        name="sn", neutron_net_id=subnet.network_id, neutron_subnet_id=subnet.id
    )
    share_type = sfs.create_share_type(
        name="t1", extra_specs={"driver_handles_share_servers": "False"}
    )
    share = sfs.create_share(
        share_proto="NFS", size=1, name="s1", share_network_id=network.id, share_type="t1"
    )
    assert share.status == "creating"
    with pytest.raises(exceptions.BadRequestException, match="must be available"):
        sfs.create_access_rule(share.id, access_type="ip", access_to="10.0.0.1")
    _settle()
    share = sfs.get_share(share.id)
    assert (share.status, share.share_type) == ("available", share_type.id)
    rule = sfs.create_access_rule(share.id, access_type="ip", access_to="10.0.0.0/24")
    assert (rule.access_level, rule.state) == ("rw", "active")
    with pytest.raises(exceptions.BadRequestException, match="exists"):
        sfs.create_access_rule(share.id, access_type="ip", access_to="10.0.0.0/24")
    assert [r.access_to for r in sfs.access_rules(share.id)] == ["10.0.0.0/24"]
    assert [x.path for x in sfs.export_locations(share.id)] == [
        f"127.0.0.1:/shares/share-{share.id}"
    ]
    shown = sfs.get(f"/share-networks/{network.id}").json()["share_network"]
    assert shown["cidr"] == "10.0.0.0/24"
    with pytest.raises(exceptions.ConflictException, match="in use"):
        sfs.delete_share_network(network.id)
    with pytest.raises(exceptions.BadRequestException, match="not allowed with shares"):
        sfs.delete_share_type(share_type.id)
    assert set(sandbox.inventory()) == {
        "shared-file-system/access_rule",
        "shared-file-system/share",
        "shared-file-system/share_network",
        "shared-file-system/share_type",
    }
    sfs.delete_share(share.id)
    assert sfs.get_share(share.id).status == "deleting"
    _settle()
    sfs.delete_share_type(share_type.id)
    sfs.delete_share_network(network.id)
    assert sandbox.inventory() == {}


def test_manila_security_service_hides_its_password(sandbox: Sandbox, conn: Any) -> None:
    sfs = conn.shared_file_system
    body = {"security_service": {"type": "kerberos", "password": "pw", "user": "u"}}
    created = sfs.post("/security-services", json=body).json()["security_service"]
    assert "password" not in created and created["user"] == "u"
    response = sfs.post("/security-services", json={"security_service": {"type": "nis"}})
    assert response.status_code == 400
    sfs.delete(f"/security-services/{created['id']}")
    assert sandbox.inventory() == {}


WORKFLOWS = """
version: '2.0'
echo:
  input: [name, {greeting: hello}]
  output: {message: <% $.msg %>}
  tasks:
    say:
      action: std.echo output="<% $.greeting %> <% $.name %>"
      publish: {msg: <% task(say).result %>}
      on-success: [done]
    done:
      action: std.noop
failing:
  tasks:
    boom: {action: std.fail}
"""


def test_mistral_workflows_executions_and_cron_triggers(sandbox: Sandbox, conn: Any) -> None:
    wf = conn.workflow
    headers = {"Content-Type": "text/plain"}
    created = wf.post("/workflows", data=WORKFLOWS, headers=headers).json()["workflows"]
    assert sorted(w["name"] for w in created) == ["echo", "failing"]
    assert wf.post("/workflows", data=WORKFLOWS, headers=headers).status_code == 409
    bad = WORKFLOWS.replace("on-success: [done]", "on-success: [nowhere]").replace("echo:", "e2:")
    assert "nowhere" in wf.post("/workflows", data=bad, headers=headers).json()["faultstring"]
    execution = wf.create_execution(workflow_name="echo", input={"name": "bob"})
    assert execution.status == "RUNNING"
    with pytest.raises(exceptions.BadRequestException, match="missing=\\['name'\\]"):
        wf.create_execution(workflow_name="echo", input={})
    failed = wf.create_execution(workflow_name="failing")
    _settle()
    assert wf.get_execution(execution.id).output == '{"message": "hello bob"}'
    assert wf.get_execution(failed.id).status == "ERROR"
    trigger = wf.create_cron_trigger(
        name="t", pattern="*/15 * * * *", workflow_name="echo", workflow_input={"name": "x"}
    )
    assert trigger.next_execution_time.endswith((":00:00", ":15:00", ":30:00", ":45:00"))
    with pytest.raises(exceptions.BadRequestException, match="cron triggers associated"):
        wf.delete_workflow("echo")
    with pytest.raises(exceptions.BadRequestException, match="Invalid cron pattern"):
        wf.create_cron_trigger(name="u", pattern="61 * * * *", workflow_name="echo",
                               workflow_input={"name": "x"})  # fmt: skip
    wf.delete_cron_trigger("t")
    for name in ("echo", "failing"):
        wf.delete_workflow(name)
    for e in (execution, failed):
        wf.delete_execution(e.id)
    assert sandbox.inventory() == {}


def test_zaqar_queues_subscriptions_and_signing(sandbox: Sandbox, conn: Any) -> None:
    from heatctl.sandbox.zaqar import sign

    message = conn.message
    message.create_queue(name="q1")
    assert [q.name for q in message.queues()] == ["q1"]
    assert message.get("/queues/q1").status_code == 400  # no Client-ID
    headers = {"Client-ID": "c1"}
    assert message.get("/queues/nope", headers=headers).status_code == 404
    subscription = message.create_subscription("q1", subscriber="http://example.org/h", ttl=60)
    assert message.get_subscription("q1", subscription.id).ttl == 60
    again = {"subscriber": "http://example.org/h", "ttl": 60}
    assert message.post("/queues/q1/subscriptions", json=again, headers=headers).status_code == 409
    short = {"subscriber": "http://example.org/x", "ttl": 5}
    assert message.post("/queues/q1/subscriptions", json=short, headers=headers).status_code == 400
    body = {"methods": ["POST", "GET"], "paths": ["messages", "claims"]}
    signed = message.post("/queues/q1/share", json=body, headers=headers).json()
    assert signed["methods"] == ["GET", "POST"]
    assert signed["paths"] == ["/v2/queues/q1/messages", "/v2/queues/q1/claims"]
    key = sandbox.app.cloud.store.get_meta("zaqar_secret_key", "")
    expected = sign(key, signed["paths"], signed["project"], signed["expires"], ["POST", "GET"])
    assert signed == expected and len(signed["signature"]) == 64
    past = {"expires": "2000-01-01T00:00:00"}
    assert message.post("/queues/q1/share", json=past, headers=headers).status_code == 400
    message.delete_queue("q1")  # takes its subscription along
    assert sandbox.inventory() == {}


def test_magnum_templates_and_clusters(sandbox: Sandbox, conn: Any) -> None:
    coe = conn.container_infrastructure_management
    template = coe.create_cluster_template(
        name="k8s", coe="kubernetes", image_id="fedora", external_network_id="public"
    )
    with pytest.raises(exceptions.BadRequestException):
        coe.create_cluster_template(name="x", coe="nomad", image_id="fedora")
    cluster = coe.create_cluster(name="c1", cluster_template_id="k8s", node_count=2)
    shown = coe.get_cluster(cluster.id)
    assert (shown.status, shown.api_address) == ("CREATE_IN_PROGRESS", None)
    patch = [{"op": "replace", "path": "/node_count", "value": 3}]
    assert coe.patch(f"/clusters/{cluster.id}", json=patch).status_code == 409
    _settle()
    shown = coe.get_cluster(cluster.id)
    assert shown.status == "CREATE_COMPLETE" and len(shown.node_addresses) == 2
    assert coe.patch(f"/clusters/{cluster.id}", json=patch).status_code == 202
    assert coe.get_cluster(cluster.id).status == "UPDATE_IN_PROGRESS"
    internal = [{"op": "replace", "path": "/stack_id", "value": "x"}]
    assert coe.patch(f"/clusters/{cluster.id}", json=internal).status_code == 400
    _settle()
    assert coe.get_cluster(cluster.id).node_count == 3
    with pytest.raises(exceptions.BadRequestException):
        coe.delete_cluster_template(template.id)  # still used by the cluster
    coe.delete_cluster(cluster.id)
    assert coe.get_cluster(cluster.id).status == "DELETE_IN_PROGRESS"
    _settle()
    coe.delete_cluster_template(template.id)
    assert sandbox.inventory() == {}


def test_trove_instances_databases_users_and_clusters(sandbox: Sandbox, conn: Any) -> None:
    db = conn.database
    assert "m1.small" in [f.name for f in db.flavors()]
    body = {
        "name": "i1",
        "flavorRef": "m1.small",
        "volume": {"size": 2},
        "databases": [{"name": "app"}],
        "users": [{"name": "u", "password": "p", "databases": [{"name": "app"}]}],
    }
    instance = db.post("/instances", json={"instance": body}).json()["instance"]
    assert instance["status"] == "BUILD"
    bad_user = {"users": [{"name": "v", "password": "p", "databases": [{"name": "nope"}]}]}
    assert db.post(f"/instances/{instance['id']}/users", json=bad_user).status_code == 422
    _settle()
    shown = db.get_instance(instance["id"])
    assert shown.status == "ACTIVE" and shown.hostname.endswith(".trove.sandbox")
    assert db.post(f"/instances/{instance['id']}/users", json=bad_user).status_code == 400
    assert [u.name for u in db.users(instance["id"])] == ["u"]
    shrink = {"resize": {"volume": {"size": 1}}}
    assert db.post(f"/instances/{instance['id']}/action", json=shrink).status_code == 400
    grow = {"resize": {"volume": {"size": 3}}}
    assert db.post(f"/instances/{instance['id']}/action", json=grow).status_code == 202
    assert db.get_instance(instance["id"]).status == "RESIZE"
    wrong = {"name": "c", "datastore": {"type": "mysql"}, "instances": [body]}
    assert db.post("/clusters", json={"cluster": wrong}).status_code == 400
    unknown = {**body, "datastore": {"type": "postgres"}}
    assert db.post("/instances", json={"instance": unknown}).status_code == 404
    restored = {**body, "restorePoint": {"backupRef": "b1"}}
    assert db.post("/instances", json={"instance": restored}).status_code == 404
    db.delete_instance(instance["id"])
    _settle()
    assert sandbox.inventory() == {}


def test_zun_containers_with_ports(sandbox: Sandbox, conn: Any) -> None:
    zun = conn.container
    body = {"image": "cirros", "name": "c1", "nets": [{"network": "private"}]}
    created = zun.post("/containers?run=true", json=body)
    assert created.status_code == 202
    container = created.json()
    assert container["status"] == "Creating"
    [[address]] = container["addresses"].values()
    assert conn.network.get_port(address["port"]).device_owner == "compute:kuryr"
    _settle()
    uuid = container["uuid"]
    assert zun.get(f"/containers/{uuid}").json()["status"] == "Running"
    assert zun.delete(f"/containers/{uuid}").status_code == 409  # running: needs stop=true
    bad = {"image": "cirros", "restart_policy": {"Name": "sometimes"}}
    assert zun.post("/containers", json=bad).status_code == 400
    new_volume = {"image": "cirros", "mounts": [{"size": 1, "destination": "/data"}]}
    refused = zun.post("/containers", json=new_volume)
    assert refused.status_code == 400 and "mount a volume_id" in refused.text
    assert zun.delete(f"/containers/{uuid}", params={"stop": "true"}).status_code == 204
    assert sandbox.inventory() == {}


def test_blazar_hosts_and_leases(sandbox: Sandbox, conn: Any) -> None:
    blazar = conn.reservation
    host = blazar.post("/os-hosts", json={"name": "compute2", "rack": "r1"}).json()["host"]
    assert host["rack"] == "r1" and host["reservable"] is True
    assert blazar.post("/os-hosts", json={"name": "compute2"}).status_code == 409
    assert blazar.post("/os-hosts", json={"name": "nowhere"}).status_code == 404
    reservation = {"resource_type": "virtual:instance", "amount": 2, "vcpus": 16,
                   "memory_mb": 2048, "disk_gb": 20}  # fmt: skip
    lease = {"name": "l1", "start_date": "2031-01-01 10:00", "end_date": "2031-01-01 12:00",
             "reservations": [reservation]}  # fmt: skip
    made = blazar.post("/leases", json=lease).json()["lease"]
    assert made["status"] == "CREATING"
    too_big = {**lease, "name": "l2", "reservations": [{**reservation, "amount": 3}]}
    assert blazar.post("/leases", json=too_big).status_code == 409
    backwards = {**lease, "name": "l3", "end_date": "2031-01-01 09:00"}
    assert blazar.post("/leases", json=backwards).status_code == 400
    _settle()
    assert blazar.get(f"/leases/{made['id']}").json()["lease"]["status"] == "PENDING"
    hosts_lease = {**lease, "name": "l4", "reservations": [
        {"resource_type": "physical:host", "min": 1, "max": 1}]}  # fmt: skip
    held = blazar.post("/leases", json=hosts_lease).json()["lease"]
    assert blazar.delete(f"/os-hosts/{host['id']}").status_code == 409
    for lease_id in (made["id"], held["id"]):
        blazar.delete(f"/leases/{lease_id}")
    _settle()
    blazar.delete(f"/os-hosts/{host['id']}")
    assert sandbox.inventory() == {}


def test_ironic_nodes_and_ports(sandbox: Sandbox, conn: Any) -> None:
    bm = conn.baremetal
    node = bm.create_node(name="n1", driver="fake-hardware")
    assert node.provision_state == "enroll"
    port = bm.create_port(address="52:54:00:AA:BB:CC", node_id=node.id)
    assert port.address == "52:54:00:aa:bb:cc"
    # openstacksdk retries a 409 from Ironic (a locked node): ask once through the adapter.
    again = {"address": "52:54:00:aa:bb:cc", "node_uuid": node.id}
    assert bm.post("/ports", json=again, retriable_status_codes=[]).status_code == 409
    with pytest.raises(exceptions.BadRequestException, match="MAC address"):
        bm.create_port(address="not-a-mac", node_id=node.id)
    with pytest.raises(exceptions.BadRequestException, match="could not be found"):
        bm.create_port(address="52:54:00:aa:bb:cd", node_id="missing")
    assert bm.update_port(port.id, extra={"k": "v"}).extra == {"k": "v"}
    assert bm.get_node("n1").id == node.id  # names work as identifiers
    bm.delete_node(node.id)  # takes its ports along
    assert sandbox.inventory() == {}
