"""Bad input to the OpenStack APIs gets the real API's 400 and error body, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from heatctl.sandbox import Sandbox


@pytest.fixture
def api(sandbox: Sandbox) -> Any:
    conn = sandbox.connection()
    token = conn.session.get_token()
    project = conn.current_project_id

    def call(method: str, path: str, body: Any = None, raw: bytes | None = None) -> Any:
        url = sandbox.url + path.replace("{p}", project)
        data = raw if raw is not None else None
        return requests.request(
            method,
            url,
            json=body if raw is None else None,
            data=data,
            headers={"X-Auth-Token": token, "Content-Type": "application/json"},
            timeout=5,
        )

    return call


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/compute/v2.1/servers", "badRequest"),
        ("/network/v2.0/networks", "NeutronError"),
        ("/volume/v3/{p}/volumes", "badRequest"),
        ("/identity/v3/auth/tokens", "error"),
    ],
)
def test_malformed_json(api: Any, path: str, key: str) -> None:
    response = api("POST", path, raw=b"{not json")
    assert response.status_code == 400
    assert key in response.json()


def test_glance_malformed_json_is_plain_text(api: Any) -> None:
    response = api("POST", "/image/v2/images", raw=b"[oops")
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/plain")


def test_unknown_and_mistyped_fields(api: Any) -> None:
    response = api("POST", "/network/v2.0/networks", {"network": {"name": "a", "colour": 1}})
    assert response.status_code == 400
    assert response.json()["NeutronError"]["message"] == "Unrecognized attribute(s) 'colour'"
    response = api("POST", "/network/v2.0/networks", {"network": {"name": 5}})
    assert "is not a valid string" in response.json()["NeutronError"]["message"]
    response = api(
        "POST", "/compute/v2.1/servers", {"server": {"name": "a", "flavorRef": "1", "bogus": True}}
    )
    assert response.status_code == 400
    assert "Additional properties are not allowed" in response.json()["badRequest"]["message"]
    response = api("POST", "/volume/v3/{p}/volumes", {"volume": {"size": "big"}})
    assert response.status_code == 400 and "size" in response.json()["badRequest"]["message"]
    response = api("POST", "/compute/v2.1/servers", {"server": {"name": "a"}})
    assert "'flavorRef' is a required property" in response.json()["badRequest"]["message"]
    response = api("POST", "/compute/v2.1/servers", {"server": []})
    assert response.status_code == 400


def test_wrong_references_and_unknown_paths(api: Any) -> None:
    response = api(
        "POST",
        "/compute/v2.1/servers",
        {"server": {"name": "a", "flavorRef": "99", "imageRef": "x"}},
    )
    assert response.status_code == 400
    assert response.json()["badRequest"]["message"] == "Flavor 99 could not be found."
    response = api("GET", "/network/v2.0/ports/missing")
    assert response.status_code == 404
    assert response.json()["NeutronError"]["type"] == "PortNotFound"
    assert api("GET", "/compute/v2.1/nothing-here").status_code == 404
    assert api("PATCH", "/network/v2.0/networks").status_code == 405
    response = api(
        "POST", "/network/v2.0/subnets", {"subnet": {"network_id": "x", "ip_version": 4}}
    )
    assert response.status_code == 404  # network checked before the CIDR


def test_no_token_is_401_in_each_format(sandbox: Sandbox) -> None:
    response = requests.get(f"{sandbox.url}/compute/v2.1/servers", timeout=5)
    assert response.status_code == 401 and "unauthorized" in response.json()
    response = requests.post(
        f"{sandbox.url}/identity/v3/auth/tokens",
        timeout=5,
        json={
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": "admin",
                            "domain": {"name": "Default"},
                            "password": "wrong",
                        }
                    },
                }
            }
        },
    )
    assert response.status_code == 401 and response.json()["error"]["code"] == 401


def test_oversized_body_is_413_in_the_service_format(api: Any) -> None:
    big = {"network": {"name": "x", "description": "y" * 200_000}}
    response = api("POST", "/network/v2.0/networks", big)
    assert response.status_code == 413
    assert response.json()["NeutronError"]["message"] == "Request is too large."


def test_nulls_where_the_real_api_allows_them(api: Any) -> None:
    # python-openstackclient sends "metadata": null on `openstack volume create`.
    response = api(
        "POST",
        "/volume/v3/{p}/volumes",
        {"volume": {"size": 1, "metadata": None, "multiattach": None}},
    )
    assert response.status_code == 202
    assert response.json()["volume"]["metadata"] == {}
