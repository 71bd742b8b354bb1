"""How `heatctl stack signal` reads a signal body, by the type of the resource signalled.

AWS wait condition handles take cfn-signal's keys (Status, Reason, UniqueId, Data).
Deployments take the agent's result (Heat's signal_software_deployment details: any JSON
object, usually deploy_stdout, deploy_stderr, deploy_status_code and the config's outputs);
handles take Heat's wait condition keys (heatctl.engine.builtin.normalize_signal). Both are
stored in the same shape: status, reason, data, id.
"""

from __future__ import annotations

from typing import Any

DEPLOYMENT_TYPES = frozenset(
    {
        "OS::Heat::SoftwareDeployment",
        "OS::Heat::StructuredDeployment",
    }
)


def normalize_for(type_name: str, payload: Any, sequence: int) -> dict[str, Any]:
    """The stored form of a signal to a resource of `type_name`; ValueError when the body
    does not fit the type."""
    if type_name == "AWS::CloudFormation::WaitConditionHandle":
        from heatctl.engine.software_waits import aws_signal

        return aws_signal(payload, sequence)
    if type_name not in DEPLOYMENT_TYPES:
        from heatctl.engine.builtin import normalize_signal

        return normalize_signal(payload, sequence)
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise ValueError("a deployment signal is a JSON object (deploy_stdout, deploy_stderr, ...)")
    code = payload.get("deploy_status_code")
    failed = bool(code) and str(code) != "0"
    return {
        "status": "FAILURE" if failed else "SUCCESS",
        "reason": f"deploy_status_code {code}" if failed else f"Signal {sequence} received",
        "data": payload,
        "id": str(sequence),
    }
