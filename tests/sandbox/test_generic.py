"""The declarative CRUD framework (heatctl/sandbox/generic.py): a toy service driven
through its router, and the registered services reached over HTTP (catalog, discovery,
inventory, error formats)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from heatctl.sandbox import Sandbox
from heatctl.sandbox.clock import Clock
from heatctl.sandbox.cloud import Cloud, Identity
from heatctl.sandbox.generic import Collection, GenericService, ServiceSpec, Status
from heatctl.sandbox.store import Store
from heatctl.sandbox.web import ApiError, Request

THINGS = Collection(
    name="thing",
    kind="toy_thing",
    path="/v1/things",
    key="thing",
    plural="things",
    fields={"name": str, "size": int, "color": (str, type(None))},
    required=("name", "size"),
    defaults={"color": "red"},
    updatable=("color",),
    status=Status(
        "status",
        creating="BUILDING",
        active="READY",
        updating="CHANGING",
        deleting="DELETING",
        settle=5,
    ),
    busy_conflict=True,
)
PARTS = Collection(
    name="part",
    kind="toy_part",
    path="/v1/things/{thing_id}/parts",
    plural="parts",
    fields={"label": str},
    parent="thing_id",
    parent_kind="toy_thing",
)
SPEC = ServiceSpec(
    type="toy",
    name="toy",
    prefix="/toy",
    endpoint="/toy",
    versions=lambda base: (200, {"versions": []}),
    collections=(THINGS, PARTS),
)


@pytest.fixture
def toy() -> Any:
    clock = Clock(virtual=True)
    cloud = Cloud(Store(), clock, Identity("p1", "admin", "u1", "admin", "pw"))
    return GenericService(cloud, SPEC), clock


def call(service: GenericService, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    raw = json.dumps(body).encode() if body is not None else b""
    request = Request.build(method, path, {}, raw)
    request.project_id, request.user_id = "p1", "u1"
    try:
        with service.cloud.store.transaction():
            response = service.router.dispatch(request, request.path)
    except ApiError as error:
        return error.status, error.message
    return response.status, json.loads(response.body) if response.body else None


def test_create_settles_on_the_clock_and_refuses_changes_while_pending(toy: Any) -> None:
    service, clock = toy
    status, body = call(service, "POST", "/v1/things", {"thing": {"name": "a", "size": 2}})
    assert status == 201
    thing = body["thing"]
    assert (thing["status"], thing["color"], thing["project_id"]) == ("BUILDING", "red", "p1")
    path = f"/v1/things/{thing['id']}"
    status, message = call(service, "PUT", path, {"thing": {"color": "blue"}})
    assert status == 409 and "BUILDING" in message
    clock.advance(5)
    assert call(service, "GET", path)[1]["thing"]["status"] == "READY"
    status, body = call(service, "PUT", path, {"thing": {"color": "blue"}})
    assert (status, body["thing"]["status"], body["thing"]["color"]) == (200, "CHANGING", "blue")
    clock.advance(5)
    assert call(service, "DELETE", path)[0] == 204
    assert call(service, "GET", path)[1]["thing"]["status"] == "DELETING"
    clock.advance(5)
    assert call(service, "GET", path)[0] == 404
    assert call(service, "GET", "/v1/things")[1]["things"] == []


def test_validation_required_unknown_and_not_updatable_fields(toy: Any) -> None:
    service, _ = toy
    status, message = call(service, "POST", "/v1/things", {"thing": {"name": "a"}})
    assert status == 400 and "'size' is a required property" in message
    status, message = call(
        service, "POST", "/v1/things", {"thing": {"name": "a", "size": 1, "x": 1}}
    )
    assert status == 400 and "'x' was unexpected" in message
    status, message = call(service, "POST", "/v1/things", {"thing": {"name": "a", "size": "1"}})
    assert status == 400 and "not of type 'integer'" in message
    thing = call(service, "POST", "/v1/things", {"thing": {"name": "a", "size": 1}})[1]["thing"]
    service.cloud.clock.advance(5)
    status, message = call(service, "PUT", f"/v1/things/{thing['id']}", {"thing": {"size": 3}})
    assert status == 400 and "'size' was unexpected" in message


def test_children_need_their_parent_and_list_under_it(toy: Any) -> None:
    service, _ = toy
    status, _ = call(service, "POST", "/v1/things/nope/parts", {"label": "x"})
    assert status == 404
    thing = call(service, "POST", "/v1/things", {"thing": {"name": "a", "size": 1}})[1]["thing"]
    other = call(service, "POST", "/v1/things", {"thing": {"name": "b", "size": 1}})[1]["thing"]
    part = call(service, "POST", f"/v1/things/{thing['id']}/parts", {"label": "x"})[1]
    assert part["thing_id"] == thing["id"] and part["label"] == "x"
    assert [
        p["id"] for p in call(service, "GET", f"/v1/things/{thing['id']}/parts")[1]["parts"]
    ] == [part["id"]]
    assert call(service, "GET", f"/v1/things/{other['id']}/parts")[1]["parts"] == []
    listed = call(service, "GET", "/v1/things?name=b")[1]["things"]
    assert [t["id"] for t in listed] == [other["id"]]


def test_services_are_in_the_catalog_and_discoverable(tmp_path: Any) -> None:
    with Sandbox(state_path=tmp_path / "s.db") as sandbox:
        conn = sandbox.connection()
        types = {
            entry["type"]
            for entry in conn.session.auth.get_access(conn.session).service_catalog.catalog
        }
        assert {"load-balancer", "dns", "key-manager", "alarming"} <= types
        assert list(conn.load_balancer.load_balancers()) == []
        assert list(conn.dns.zones()) == []
        assert list(conn.key_manager.secrets()) == []
        assert conn.alarming.get("/alarms").json() == []


def test_errors_come_in_each_services_format(tmp_path: Any) -> None:
    import urllib.request

    with Sandbox(state_path=tmp_path / "s.db") as sandbox:
        conn = sandbox.connection()
        token = conn.session.get_token()
        expected = {
            "/load-balancer/v2/lbaas/loadbalancers/nope": "faultstring",
            "/dns/v2/zones/nope": "type",
            "/key-manager/v1/secrets/nope": "description",
            "/alarming/v2/alarms/nope": "error_message",
        }
        for path, key in expected.items():
            request = urllib.request.Request(sandbox.url + path, headers={"X-Auth-Token": token})
            try:
                urllib.request.urlopen(request)
            except urllib.error.HTTPError as error:
                assert error.code == 404
                assert key in json.loads(error.read())
            else:  # pragma: no cover - the request must fail
                raise AssertionError(path)
        request = urllib.request.Request(sandbox.url + "/dns/v2/zones")
        with pytest.raises(urllib.error.HTTPError) as failure:
            urllib.request.urlopen(request)
        assert failure.value.code == 401
