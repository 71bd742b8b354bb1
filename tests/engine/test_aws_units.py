"""Pure parts of the AWS plugins: Heat's rules for addresses, interfaces and replacement."""

from __future__ import annotations

import email
from types import SimpleNamespace

from heatctl.engine.openstack_aws import _port_number, route_table_tag
from heatctl.engine.openstack_aws_instance import _interface_ports, cfn_userdata, first_address
from heatctl.resources.aws_ec2 import EIPAssociation


def test_first_address_is_that_of_the_network_sorting_last() -> None:
    server = SimpleNamespace(
        addresses={
            "alpha": [{"addr": "10.0.0.5"}],
            "zeta": [{"addr": "192.168.1.7"}, {"addr": "192.168.1.8"}],
            "zz-empty": [],
        }
    )
    assert first_address(server) == "192.168.1.7"
    assert first_address(SimpleNamespace(addresses={})) == "0.0.0.0"


def test_network_interfaces_go_in_device_index_order() -> None:
    interfaces = [
        {"NetworkInterfaceId": "b", "DeviceIndex": "1"},
        {"NetworkInterfaceId": "a", "DeviceIndex": "0"},
    ]
    assert _interface_ports(interfaces) == ["a", "b"]
    assert _interface_ports(["x", "y"]) == ["x", "y"]  # bare ids: their place in the list


def test_any_port_is_none_for_neutron() -> None:
    assert [_port_number(v) for v in ("-1", None, "", "22", 0)] == [None, None, None, 22, 0]


def test_eip_association_replaced_only_when_address_and_target_change_together() -> None:
    old = {"EIP": "172.24.4.10", "InstanceId": "vm1"}
    assert not EIPAssociation.replace_on_update(old, {**old, "InstanceId": "vm2"})
    assert not EIPAssociation.replace_on_update(old, {**old, "EIP": "172.24.4.11"})
    assert EIPAssociation.replace_on_update(old, {"EIP": "172.24.4.11", "InstanceId": "vm2"})


def test_cfn_userdata_is_heats_multipart_message() -> None:
    message = email.message_from_string(cfn_userdata("#!/bin/sh\necho hi\n"))
    assert message.get_content_type() == "multipart/mixed"
    parts = {p.get_filename(): p for p in message.get_payload()}
    assert parts["cfn-userdata"].get_content_type() == "text/x-cfninitdata"
    assert parts["cfn-userdata"].get_payload(decode=True) == b"#!/bin/sh\necho hi\n"
    assert parts["cloud-config"].get_content_type() == "text/cloud-config"


def test_route_table_tag_names_stack_and_vpc() -> None:
    assert route_table_tag("s1", "net1") == "heatctl-rt=s1/net1"
