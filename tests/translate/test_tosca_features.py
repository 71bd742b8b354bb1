"""TOSCA features, one small template each: inputs, functions, lifecycle, relationships,
storage, networks, load balancer, policies, groups, workflows and substitution mappings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from heatctl.errors import InvalidInput
from heatctl.translate import Translation, translate_file

HEAD = "tosca_definitions_version: tosca_simple_yaml_1_3\n"
SERVER = """\
    server:
      type: tosca.nodes.Compute
      capabilities:
        host: {properties: {num_cpus: 1, mem_size: 512 MB, disk_size: 1 GB}}
        os: {properties: {distribution: cirros, version: 0.6.2}}
"""


def translate(tmp_path: Path, text: str, **inputs: str) -> Translation:
    path = tmp_path / "t.yaml"
    path.write_text(HEAD + text)
    return translate_file(path, inputs=inputs)


def resources(result: Translation) -> dict[str, Any]:
    return result.hot["resources"]


def test_inputs_of_every_type(tmp_path: Path) -> None:
    text = """topology_template:
  inputs:
    size: {type: scalar-unit.size, default: 1500 MB, constraints: [{in_range: [1 GB, 10 GB]}]}
    wait: {type: scalar-unit.time, default: 2 m}
    clock: {type: scalar-unit.frequency, default: 2 GHz}
    rate: {type: scalar-unit.bitrate, default: 1 Mbps}
    ports: {type: list, entry_schema: {type: integer}, default: [80, 443]}
    names: {type: list, default: [a, b], constraints: [{min_length: 1}]}
    tags: {type: map, default: {a: b}}
    window: {type: range, default: [1, UNBOUNDED]}
    count: {type: integer, default: 5, constraints: [{greater_than: 1}, {less_or_equal: 9}]}
    ratio: {type: float, default: 0.5, constraints: [{greater_than: 0.1}]}
    name: {type: string, default: web, constraints: [{pattern: "[a-z]+"}, {max_length: 8}]}
    flag: {type: boolean, default: true}
    version: {type: version, default: 1.2.3}
    port: {type: PortDef, default: 8080}
"""
    params = translate(tmp_path, text).hot["parameters"]
    assert params["size"] == {
        "type": "number",
        "default": 2,
        "constraints": [{"range": {"min": 1, "max": 10}}],
    }
    assert params["wait"]["default"] == 120
    assert params["clock"]["default"] == 2_000_000_000
    assert params["rate"]["default"] == 1_000_000
    assert params["ports"]["type"] == "json"
    assert params["names"] == {
        "type": "comma_delimited_list",
        "default": ["a", "b"],
        "constraints": [{"length": {"min": 1}}],
    }
    assert params["tags"]["type"] == params["window"]["type"] == "json"
    assert params["count"]["constraints"] == [{"range": {"min": 2}}, {"range": {"max": 9}}]
    assert params["name"]["constraints"] == [{"allowed_pattern": "[a-z]+"}, {"length": {"max": 8}}]
    assert params["flag"] == {"type": "boolean", "default": True}
    assert params["version"]["type"] == "string" and params["port"]["type"] == "number"


def test_functions(tmp_path: Path) -> None:
    text = f"""topology_template:
  inputs:
    host: {{type: string, default: example.org}}
  node_templates:
{SERVER}    app:
      type: tosca.nodes.SoftwareComponent
      properties: {{component_version: "1.0"}}
      requirements: [{{host: server}}]
      artifacts:
        config: {{file: files/app.conf, type: tosca.artifacts.File}}
      interfaces:
        Standard:
          create:
            implementation: install.sh
            inputs:
              url: {{concat: ["http://", {{get_input: host}}, ":80"]}}
              joined: {{join: [[a, b, c], ","]}}
              first: {{token: [{{get_input: host}}, ".", 0]}}
              version: {{get_property: [SELF, component_version]}}
              cpus: {{get_property: [HOST, host, num_cpus]}}
              conf: {{get_artifact: [SELF, config]}}
          configure:
            implementation: configure.sh
            inputs:
              key: {{get_operation_output: [SELF, Standard, create, public_key]}}
  outputs:
    address: {{value: {{get_attribute: [server, private_address]}}}}
    name: {{value: {{get_attribute: [app, tosca_name]}}}}
"""
    result = translate(tmp_path, text)
    values = resources(result)["app_create_deploy"]["properties"]["input_values"]
    assert values["url"] == {"list_join": ["", ["http://", {"get_param": "host"}, ":80"]]}
    assert values["joined"] == {"list_join": [",", ["a", "b", "c"]]}
    assert values["first"] == {"str_split": [".", {"get_param": "host"}, 0]}
    assert values["version"] == "1.0" and values["cpus"] == 1
    assert values["conf"] == {"get_file": "files/app.conf"}
    configure = resources(result)["app_configure_deploy"]["properties"]["input_values"]
    assert configure["key"] == {"get_attr": ["app_create_deploy", "public_key"]}
    assert resources(result)["app_create_config"]["properties"]["outputs"] == [
        {"name": "public_key"}
    ]
    assert result.hot["outputs"]["name"]["value"] == "app"
    assert result.hot["heat_template_version"] == "2016-10-14"  # str_split


def test_lifecycle_with_stop_delete_and_long_form(tmp_path: Path) -> None:
    text = f"""topology_template:
  node_templates:
{SERVER}    db:
      type: tosca.nodes.DBMS
      requirements: [{{host: server}}]
      interfaces:
        Standard:
          create:
            implementation: {{primary: install.yml, dependencies: [lib.sh], timeout: 60}}
          configure: configure.pp
          start: start.sh
          stop: stop.sh
          delete: delete.sh
"""
    result = translate(tmp_path, text)
    res = resources(result)
    assert res["db_create_config"]["properties"]["group"] == "ansible"
    assert res["db_configure_config"]["properties"]["group"] == "puppet"
    assert res["db_create_deploy"]["properties"]["input_values"] == {
        "dependency_0": {"get_file": "lib.sh"}
    }
    assert res["db_start_deploy"]["depends_on"] == ["db_configure_deploy"]
    assert res["db_stop_deploy"]["properties"]["actions"] == ["DELETE"]
    assert res["db_delete_deploy"]["properties"]["actions"] == ["DELETE"]
    # on stack delete dependents go first: stop runs before delete
    assert "db_delete_deploy" in res["db_stop_deploy"]["depends_on"]
    kinds = {(e.kind, e.construct.rsplit(".", 1)[-1]) for e in result.report}
    assert ("approximate", "timeout") in kinds


def test_connects_to_orders_and_runs_relationship_operations(tmp_path: Path) -> None:
    text = f"""topology_template:
  node_templates:
{SERVER}    db:
      type: tosca.nodes.Database
      properties: {{name: orders}}
      requirements: [{{host: dbms}}]
      interfaces: {{Standard: {{create: db.sh}}}}
    dbms:
      type: tosca.nodes.DBMS
      requirements: [{{host: server}}]
      interfaces: {{Standard: {{start: dbms.sh}}}}
    app:
      type: tosca.nodes.WebApplication
      requirements:
        - host: web
        - database:
            node: db
            relationship:
              type: tosca.relationships.ConnectsTo
              interfaces:
                Configure:
                  pre_configure_source:
                    implementation: connect.sh
                    inputs:
                      db: {{get_property: [TARGET, name]}}
                      me: {{get_attribute: [SOURCE, tosca_name]}}
      interfaces: {{Standard: {{create: app.sh, configure: app_conf.sh}}}}
    web:
      type: tosca.nodes.WebServer
      requirements: [{{host: server}}]
"""
    res = resources(translate(tmp_path, text))
    assert res["db_create_deploy"]["depends_on"] == ["dbms_start_deploy"]
    assert set(res["app_create_deploy"]["depends_on"]) == {"db_create_deploy"}
    connect = res["app_db_connect_deploy"]
    assert connect["properties"]["input_values"] == {"db": "orders", "me": "app"}
    assert set(connect["depends_on"]) == {"app_create_deploy", "db_create_deploy"}
    assert "app_db_connect_deploy" in res["app_configure_deploy"]["depends_on"]


def test_storage_network_and_attachment(tmp_path: Path) -> None:
    text = f"""topology_template:
  node_templates:
{SERVER}      requirements:
        - local_storage:
            node: disk
            relationship: {{type: AttachesTo, properties: {{location: /dev/vdb}}}}
    disk:
      type: tosca.nodes.Storage.BlockStorage
      properties: {{size: 10 GiB}}
    bucket:
      type: tosca.nodes.Storage.ObjectStorage
      properties: {{name: logs, maxsize: 1 GB}}
    net:
      type: tosca.nodes.network.Network
      properties: {{cidr: 10.0.0.0/24, start_ip: 10.0.0.10, end_ip: 10.0.0.20, network_name: private}}
    port:
      type: tosca.nodes.network.Port
      properties: {{ip_address: 10.0.0.11}}
      requirements: [{{link: net}}, {{binding: server}}]
"""
    res = resources(translate(tmp_path, text))
    assert res["disk"] == {"type": "OS::Cinder::Volume", "properties": {"size": 10}}
    attachment = res["server_local_storage_1"]
    assert attachment["properties"] == {
        "instance_uuid": {"get_resource": "server"},
        "volume_id": {"get_resource": "disk"},
        "mountpoint": "/dev/vdb",
    }
    assert res["bucket"]["properties"] == {
        "name": "logs",
        "X-Container-Meta": {"Quota-Bytes": 1_000_000_000},
    }
    assert res["net_subnet"]["properties"]["allocation_pools"] == [
        {"start": "10.0.0.10", "end": "10.0.0.20"}
    ]
    assert res["port"]["properties"] == {
        "network": {"get_resource": "net"},
        "fixed_ips": [{"ip_address": "10.0.0.11"}],
    }
    assert res["server"]["properties"]["networks"] == [{"port": {"get_resource": "port"}}]


def test_load_balancer(tmp_path: Path) -> None:
    text = f"""topology_template:
  node_templates:
{SERVER}    web:
      type: tosca.nodes.WebServer
      requirements: [{{host: server}}]
      capabilities: {{data_endpoint: {{properties: {{port: 8080}}}}}}
    lb:
      type: tosca.nodes.LoadBalancer
      properties: {{algorithm: least_connections}}
      requirements: [{{application: web}}]
"""
    result = translate(tmp_path, text)
    res = resources(result)
    assert res["lb"]["type"] == "OS::Octavia::LoadBalancer"
    assert res["lb_pool"]["properties"]["lb_algorithm"] == "LEAST_CONNECTIONS"
    assert res["lb_member_0"]["properties"]["protocol_port"] == 8080
    assert result.hot["parameters"]["lb_vip_subnet"]["type"] == "string"


def test_scaling_placement_and_wired_alarms(tmp_path: Path) -> None:
    text = f"""topology_template:
  node_templates:
{SERVER}  groups:
    tier: {{type: tosca.groups.Root, members: [server]}}
  policies:
    - spread:
        type: tosca.policies.Placement
        properties: {{policy: anti-affinity}}
        targets: [tier]
    - grow:
        type: tosca.policies.Scaling
        properties: {{min_instances: 1, max_instances: 4, default_instances: 2, increment: 2, cooldown: 30}}
        targets: [server]
    - watch:
        type: tosca.policies.Monitoring
        triggers:
          busy:
            metric: cpu
            condition: {{threshold: 80, comparison_operator: gt, granularity: 60, evaluations: 2}}
"""
    result = translate(tmp_path, text)
    res = resources(result)
    group = res["grow_group"]["properties"]
    assert (group["min_size"], group["max_size"], group["desired_capacity"], group["cooldown"]) == (
        1,
        4,
        2,
        30,
    )
    assert res["grow_scale_in"]["properties"]["scaling_adjustment"] == -2
    assert res["busy"]["properties"]["alarm_actions"] == [
        {"get_attr": ["grow_scale_out", "alarm_url"]}
    ]
    assert res["spread"]["properties"]["policies"] == ["anti-affinity"]
    server = result.nested["grow_res.yaml"]["resources"]["server"]["properties"]
    assert server["scheduler_hints"] == {"group": {"get_param": "spread_id"}}
    assert group["resource"]["properties"] == {"spread_id": {"get_resource": "spread"}}


def test_workflows_substitution_and_unknown_policies_are_reported(tmp_path: Path) -> None:
    text = f"""topology_template:
  substitution_mappings:
    node_type: tosca.nodes.Compute
  node_templates:
{SERVER}  policies:
    - up:
        type: tosca.policies.Update
  workflows:
    deploy:
      steps:
        one: {{target: server, activities: [{{delegate: deploy}}]}}
"""
    result = translate(tmp_path, text)
    untranslated = {e.construct: e for e in result.report if e.kind == "untranslated"}
    assert "topology_template.workflows.deploy" in untranslated
    assert "topology_template.substitution_mappings" in untranslated
    assert "topology_template.policies[0].up.type" in untranslated
    assert untranslated["topology_template.workflows.deploy"].line == 15


def test_abstract_compute_and_nfv_profile(tmp_path: Path) -> None:
    text = """topology_template:
  node_templates:
    vdu:
      type: tosca.nodes.nfv.VDU
      capabilities: {host: {properties: {num_cpus: 2, mem_size: 4 GB}}}
    abstract: {type: tosca.nodes.Abstract.Compute}
    vl: {type: tosca.nodes.nfv.VL, properties: {vendor: x, cidr: 10.1.0.0/24}}
    cp:
      type: tosca.nodes.nfv.CP
      requirements: [{virtualLink: vl}, {virtualBinding: vdu}]
"""
    res = resources(translate(tmp_path, text))
    assert res["vdu"]["properties"]["flavor"] == "m1.medium"
    assert res["abstract"]["type"] == "OS::Nova::Server"
    assert res["cp"]["properties"]["network"] == {"get_resource": "vl"}
    assert res["vdu"]["properties"]["networks"] == [{"port": {"get_resource": "cp"}}]


def test_imported_definitions_are_reread_when_they_change(tmp_path: Path) -> None:
    types = tmp_path / "types.yaml"
    types.write_text(HEAD + "node_types:\n  my.Disk:\n    derived_from: tosca.nodes.BlockStorage\n")
    text = "imports: [types.yaml]\ntopology_template:\n  node_templates:\n    d: {type: my.Disk, properties: {size: 2 GB}}\n"
    first = translate(tmp_path, text)
    assert first.hot == translate(tmp_path, text).hot  # the cached import gives the same result
    types.write_text(
        HEAD + "node_types:\n  my.Disk:\n    derived_from: tosca.nodes.Storage.ObjectStorage\n"
    )
    import os

    os.utime(types, ns=(1, 1))  # a different mtime even on coarse clocks
    assert resources(translate(tmp_path, text))["d"]["type"] == "OS::Swift::Container"


def test_docker_container(tmp_path: Path) -> None:
    text = f"""topology_template:
  inputs:
    pwd: {{type: string, default: x}}
  node_templates:
{SERVER}    runtime:
      type: tosca.nodes.Container.Runtime
      capabilities: {{host: {{properties: {{num_cpus: 2, mem_size: 1 GB}}}}}}
      requirements: [{{host: server}}]
    db:
      type: tosca.nodes.Container.Application.Docker
      requirements: [{{host: runtime}}]
      artifacts:
        image: {{file: "mysql:8", type: tosca.artifacts.Deployment.Image.Container.Docker}}
      interfaces:
        Standard:
          create: {{implementation: image, inputs: {{MYSQL_ROOT_PASSWORD: {{get_input: pwd}}}}}}
"""
    db = resources(translate(tmp_path, text))["db"]
    assert db == {
        "type": "OS::Zun::Container",
        "properties": {
            "image": "mysql:8",
            "name": "db",
            "environment": {"MYSQL_ROOT_PASSWORD": {"get_param": "pwd"}},
            "cpu": 2,
            "memory": 954,
        },
    }


def test_copy_interface_inputs_and_property_constraints(tmp_path: Path) -> None:
    text = f"""node_types:
  my.App:
    derived_from: tosca.nodes.SoftwareComponent
    properties:
      level: {{type: integer, constraints: [{{in_range: [1, 3]}}]}}
topology_template:
  node_templates:
{SERVER}    first:
      type: my.App
      properties: {{level: 2}}
      requirements: [{{host: server}}]
      interfaces:
        Standard:
          inputs: {{region: north}}
          create: {{implementation: install.sh, inputs: {{level: {{get_property: [SELF, level]}}}}}}
          start: start.sh
    second:
      copy: first
      properties: {{level: 3}}
"""
    res = resources(translate(tmp_path, text))
    assert res["first_create_deploy"]["properties"]["input_values"] == {
        "region": "north",
        "level": 2,
    }
    assert res["first_start_deploy"]["properties"]["input_values"] == {"region": "north"}
    assert res["second_create_deploy"]["properties"]["input_values"]["level"] == 3
    bad = text.replace("level: 3}", "level: 7}")
    with pytest.raises(InvalidInput) as info:
        translate(tmp_path, bad)
    assert "not in range [1, 3]" in info.value.diagnostics[0].message


def test_optional_inputs_and_node_metadata(tmp_path: Path) -> None:
    text = f"""topology_template:
  inputs:
    note: {{type: string, required: false}}
    tags: {{type: map, required: false}}
    size: {{type: integer, required: false}}
  node_templates:
{SERVER}      metadata: {{owner: team-a}}
"""
    result = translate(tmp_path, text)
    params = result.hot["parameters"]
    assert params["note"]["default"] == "" and params["tags"]["default"] == {}
    assert "default" not in params["size"]
    assert resources(result)["server"]["metadata"] == {"owner": "team-a"}
