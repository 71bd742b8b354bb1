"""OS::Aodh::* and AWS::CloudWatch::Alarm on the embedded sandbox: each type's rule as Heat
builds it, update in place, delete, nothing left behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from heatctl.sandbox import Sandbox

from .cli_helpers import (
    adopt,
    cloud,
    inventory,
    no_clouds_yaml,  # noqa: F401 (an autouse fixture)
    ok,
    outputs,
    physical,
)

TEMPLATE = """
heat_template_version: 2018-08-31
parameters:
  threshold: {type: number, default: 80}
resources:
  threshold:
    type: OS::Aodh::Alarm
    properties:
      meter_name: cpu_util
      threshold: {get_param: threshold}
      comparison_operator: gt
      statistic: avg
      period: 60
      evaluation_periods: 2
      matching_metadata: {'metadata.user_metadata.stack': web}
      alarm_actions: [http://example.org/up]
  by_resources:
    type: OS::Aodh::GnocchiAggregationByResourcesAlarm
    properties:
      metric: cpu
      aggregation_method: mean
      granularity: 300
      threshold: {get_param: threshold}
      comparison_operator: gt
      resource_type: instance
      query: '{"=": {"server_group": "web"}}'
      alarm_queues: [alarms]
  by_metrics:
    type: OS::Aodh::GnocchiAggregationByMetricsAlarm
    properties: {metrics: [m1, m2], aggregation_method: sum, threshold: 10}
  resources:
    type: OS::Aodh::GnocchiResourcesAlarm
    properties: {metric: cpu, resource_id: r1, resource_type: instance, aggregation_method: mean, threshold: 5}
  event:
    type: OS::Aodh::EventAlarm
    properties:
      event_type: compute.instance.update
      query: [{field: traits.state, op: eq, value: error}]
      severity: critical
  composite:
    type: OS::Aodh::CompositeAlarm
    properties:
      composite_rule:
        operator: or
        rules:
          - {type: gnocchi_resources_threshold, metric: cpu, resource_id: r1, resource_type: instance, threshold: 1, aggregation_method: mean}
          - {type: gnocchi_resources_threshold, metric: mem, resource_id: r1, resource_type: instance, threshold: 2, aggregation_method: mean}
  prometheus:
    type: OS::Aodh::PrometheusAlarm
    properties: {query: 'up{job="web"}', threshold: 1, comparison_operator: lt}
  cloudwatch:
    type: AWS::CloudWatch::Alarm
    properties:
      MetricName: cpu_util
      Statistic: Average
      Period: '300'
      EvaluationPeriods: '1'
      Threshold: '50'
      ComparisonOperator: GreaterThanThreshold
      AlarmActions: [http://example.org/cw]
      Dimensions: [{Name: AutoScalingGroupName, Value: web}]
outputs:
  threshold: {value: {get_attr: [threshold, show]}}
  by_resources: {value: {get_attr: [by_resources, show]}}
  composite: {value: {get_attr: [composite, show]}}
  event: {value: {get_attr: [event, show]}}
  cloudwatch: {value: {get_attr: [cloudwatch, show]}}
  prometheus: {value: {get_attr: [prometheus, show]}}
"""


def test_alarm_types_create_update_delete(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = tmp_path / "alarms.yaml"
    template.write_text(TEMPLATE)
    ok(run_cli("stack", "create", str(template), "--name", "al"))
    out = outputs(run_cli, "al")
    threshold = out["threshold"]
    assert threshold["type"] == "threshold" and threshold["repeat_actions"] is True
    assert threshold["name"].startswith("al-threshold-")
    assert threshold["threshold_rule"]["query"] == [
        {"field": "metadata.user_metadata.stack", "op": "eq", "value": "web"}
    ]
    assert threshold["alarm_actions"] == ["http://example.org/up"]
    rule = out["by_resources"]["gnocchi_aggregation_by_resources_threshold_rule"]
    assert (rule["metric"], rule["granularity"], rule["threshold"]) == ("cpu", 300, 80)
    assert out["by_resources"]["alarm_actions"] == ["trust+zaqar://?queue_name=alarms"]
    assert set(out["composite"]["composite_rule"]) == {"or"}
    assert out["event"]["event_rule"]["event_type"] == "compute.instance.update"
    assert out["event"]["severity"] == "critical"
    assert out["prometheus"]["prometheus_rule"]["comparison_operator"] == "lt"
    cloudwatch = out["cloudwatch"]
    assert cloudwatch["threshold_rule"] == {
        "meter_name": "cpu_util",
        "statistic": "avg",
        "comparison_operator": "gt",
        "period": 300,
        "evaluation_periods": 1,
        "threshold": 50,
        "exclude_outliers": False,
        "query": [
            {"field": "metadata.user_metadata.AutoScalingGroupName", "op": "eq", "value": "web"}
        ],
    }
    assert cloudwatch["repeat_actions"] is True and cloudwatch["description"] == "An alarm"
    alarm = physical(run_cli, "al", "by_resources")
    ok(run_cli("stack", "update", "al", "-t", str(template), "-P", "threshold=95"))
    assert physical(run_cli, "al", "by_resources") == alarm  # updated in place

    def rule_of(conn: Any, sandbox: Any) -> Any:
        body = conn.alarming.get(f"/alarms/{alarm}").json()
        return body["gnocchi_aggregation_by_resources_threshold_rule"]["threshold"]

    assert cloud(state_dir, rule_of) == 95
    ok(run_cli("stack", "delete", "al", "--yes"))
    assert inventory(state_dir) == {}


def test_an_action_that_is_not_a_url_is_refused(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = tmp_path / "bad.yaml"
    template.write_text(
        """
heat_template_version: 2018-08-31
resources:
  alarm:
    type: OS::Aodh::EventAlarm
    properties: {alarm_actions: [scale_up_policy]}
"""
    )
    result = run_cli("stack", "create", str(template), "--name", "bad")
    assert result.exit_code == 1
    assert "alarm action 'scale_up_policy' is not a URL" in result.stderr
    ok(run_cli("stack", "delete", "bad", "--yes"))
    assert inventory(state_dir) == {}


def test_adopted_after_a_crash_by_generated_name(tmp_path: Path) -> None:
    with Sandbox(state_path=tmp_path / "s.db", virtual_clock=True) as sandbox:
        adopt(sandbox, "OS::Aodh::EventAlarm", {"event_type": "compute.*"})
        adopt(sandbox, "OS::Aodh::PrometheusAlarm", {"query": "up", "threshold": 1})
        assert sandbox.inventory() == {}


def test_lb_member_health_alarm_names_the_pool_by_id(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = tmp_path / "health.yaml"
    template.write_text(
        """
heat_template_version: 2018-08-31
resources:
  lb:
    type: OS::Octavia::LoadBalancer
    properties: {vip_subnet: private-subnet}
  pool:
    type: OS::Octavia::Pool
    properties: {loadbalancer: {get_resource: lb}, protocol: HTTP, lb_algorithm: ROUND_ROBIN, name: web-pool}
  health:
    type: OS::Aodh::LBMemberHealthAlarm
    depends_on: pool
    properties: {pool: web-pool, stack: health, autoscaling_group_id: asg-1}
outputs:
  rule: {value: {get_attr: [health, show, loadbalancer_member_health_rule]}}
"""
    )
    ok(run_cli("stack", "create", str(template), "--name", "health"))
    rule = outputs(run_cli, "health")["rule"]
    assert rule == {
        "pool_id": physical(run_cli, "health", "pool"),
        "stack_id": "health",
        "autoscaling_group_id": "asg-1",
    }
    ok(run_cli("stack", "delete", "health", "--yes"))
    assert inventory(state_dir) == {}
