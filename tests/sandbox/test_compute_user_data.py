"""Nova's user data contract, as the sandbox keeps it: base64 text, at most 65535 bytes."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from openstack import exceptions

from heatctl.sandbox import Sandbox


def test_user_data_must_be_base64_and_is_given_back_as_sent(tmp_path: Path) -> None:
    with Sandbox(state_path=tmp_path / "cloud.db") as sandbox:
        conn = sandbox.connection()
        common = {
            "flavor_id": conn.compute.find_flavor("m1.tiny").id,
            "image_id": conn.image.find_image("cirros").id,
            "networks": "none",
        }
        with pytest.raises(exceptions.BadRequestException, match="not a base64 string"):
            conn.compute.create_server(name="raw", user_data="#!/bin/sh\necho hi", **common)
        with pytest.raises(exceptions.BadRequestException, match="too long"):
            conn.compute.create_server(name="big", user_data="QUFB" * 20000, **common)
        encoded = base64.b64encode(b"#!/bin/sh\necho hi").decode()
        server = conn.compute.create_server(name="ok", user_data=encoded, **common)
        assert conn.compute.get_server(server.id).user_data == encoded
        conn.compute.delete_server(server.id)
