"""Differential test: heatctl's functions and conditions against Heat 27's own code.

Skipped unless HEATCTL_HEAT_PYTHON names a Python interpreter that can import
`heat.engine` (openstack-heat 27.0.1 and its dependencies, in a separate virtualenv; it is
not a heatctl dependency). Random calls go through both implementations: Heat's parse,
validate and resolve against heatctl's check_functions and evaluate. Both must fail, or both
must give the same value. Last run: 40,000+ cases, no difference (see the commit log).
"""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest

from heatctl.dsl.conditions import resolve_conditions
from heatctl.dsl.functions import FunctionError, Scope, check_functions, evaluate
from tests.dsl.functions_fuzz import (
    CFN_PURE,
    HOT_PURE,
    PARAMS,
    RESOURCES,
    CallGenerator,
    ConditionGenerator,
    ResourceCallGenerator,
)
from tests.dsl.functions_support import FakeResources, version

HEAT_PYTHON = os.environ.get("HEATCTL_HEAT_PYTHON")
pytestmark = pytest.mark.skipif(
    not HEAT_PYTHON, reason="set HEATCTL_HEAT_PYTHON to a Python with openstack-heat 27 installed"
)
CASES = int(os.environ.get("HEATCTL_DIFFERENTIAL_CASES", "1500"))

HEAT_SIDE = r"""
import json, sys, logging, warnings
lines = sys.stdin.read().splitlines()  # before importing Heat, whose eventlet patches stdin
warnings.simplefilter("ignore"); logging.disable(logging.CRITICAL)
from heat.engine import function, template
from heat.engine.hot import functions as hot_functions, template as hot
from heat.engine.cfn import template as cfn
CLASSES = {"2013-05-23": hot.HOTemplate20130523, "2014-10-16": hot.HOTemplate20141016,
           "2015-04-30": hot.HOTemplate20150430, "2016-10-14": hot.HOTemplate20161014,
           "2017-02-24": hot.HOTemplate20170224, "2017-09-01": hot.HOTemplate20170901,
           "2021-04-16": hot.HOTemplate20210416, "aws": cfn.CfnTemplate}
kind, name = sys.argv[1], sys.argv[2]
cls = CLASSES[name]
from heat.engine import attributes
class Resource:
    CREATE, ADOPT, SUSPEND, RESUME, UPDATE, ROLLBACK, SNAPSHOT, CHECK = (
        "CREATE", "ADOPT", "SUSPEND", "RESUME", "UPDATE", "ROLLBACK", "SNAPSHOT", "CHECK")
    IN_PROGRESS, COMPLETE = "IN_PROGRESS", "COMPLETE"
    action, status = "CREATE", "COMPLETE"
    def __init__(self, data):
        self.data = data
        self.attributes_schema = dict.fromkeys(data["attrs"])
    def FnGetRefId(self):
        return self.data["ref"]
    def FnGetAtt(self, key, *path):
        if key not in self.data["attrs"]:
            raise KeyError("The Referenced Attribute (%s) is incorrect." % key)
        return attributes.select_from_attribute(self.data["attrs"][key], list(path))
    def FnGetAtts(self):
        return {k: v for k, v in self.data["attrs"].items() if k != "show"}
class Stack(dict):
    parameters = json.loads(sys.argv[3])
    def has_cache_data(self, name):
        return False
for line in lines:
    case = json.loads(line)
    try:
        if kind == "resources":
            stack = Stack({n: Resource(d) for n, d in json.loads(sys.argv[4]).items()})
            stack.parameters = dict(Stack.parameters, **{"AWS::Region": "ap-southeast-1"})
            parsed = template.parse(cls.functions, stack, case)
            function.validate(parsed)
            result = function.resolve(parsed)
        elif kind == "calls":
            parsed = template.parse(cls.functions, None, case)
            function.validate(parsed)
            result = function.resolve(parsed)
        elif kind == "get_param":
            result = hot_functions.GetParam(Stack(), "get_param", case["get_param"]).result()
        else:
            t = cls({"heat_template_version": name, "conditions": case["section"]})
            stack = Stack(); stack.t = t
            conditions = t.conditions(stack); conditions.validate()
            values = {n: conditions.is_enabled(n) for n in case["section"]}
            result = [values, function.resolve(t.parse(stack, case["value"]))]
        print(json.dumps({"ok": result}))
    except Exception as exc:
        print(json.dumps({"err": type(exc).__name__ + ": %s" % (exc,)}))
"""


def heat(kind: str, name: str, cases: list[Any]) -> list[dict[str, Any]]:
    assert HEAT_PYTHON
    process = subprocess.run(
        [HEAT_PYTHON, "-c", HEAT_SIDE, kind, name, json.dumps(PARAMS), json.dumps(RESOURCES)],
        input="".join(json.dumps(c) + "\n" for c in cases),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert process.returncode == 0, process.stderr[-3000:]
    return [json.loads(line) for line in process.stdout.splitlines() if line.startswith("{")]


def compare(cases: list[Any], mine: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> None:
    assert len(theirs) == len(cases)
    differences = [
        (case, a, b)
        for case, a, b in zip(cases, mine, theirs, strict=True)
        if ("ok" in a) != ("ok" in b) or a.get("ok") != b.get("ok")
    ]
    shown = "\n".join(
        f"{json.dumps(c)}\n  heatctl {a}\n  heat    {b}" for c, a, b in differences[:5]
    )
    assert not differences, f"{len(differences)} of {len(cases)} differ:\n{shown}"


def outcome(compute: Any) -> dict[str, Any]:
    try:
        return {"ok": compute()}
    except FunctionError as exc:
        return {"err": exc.message}


@pytest.mark.parametrize("name", ["2015-04-30", "2016-10-14", "2017-02-24", "2021-04-16", "aws"])
def test_pure_functions_match_heat(name: str) -> None:
    spec = version(name)
    names = CFN_PURE if name == "aws" else [n for n in HOT_PURE if n in spec.functions]
    generator = CallGenerator(names, seed=11)
    cases = [generator.call() for _ in range(CASES)]
    mine = []
    for case in cases:
        problems = check_functions(case, spec)
        result = outcome(lambda c=case: evaluate(c, Scope(version=spec)))
        mine.append({"err": problems[0][1]} if problems else result)
    compare(cases, mine, heat("calls", name, cases))


@pytest.mark.parametrize("name", ["2013-05-23", "2014-10-16", "2021-04-16", "aws"])
def test_resource_functions_match_heat(name: str) -> None:
    spec = version(name)
    generator = ResourceCallGenerator(cfn=name == "aws", seed=3)
    cases = [generator.call() for _ in range(CASES)]
    mine = []
    for case in cases:
        problems = check_functions(case, spec)
        scope = Scope(version=spec, parameters=PARAMS, resources=FakeResources(RESOURCES))
        result = outcome(lambda c=case, s=scope: evaluate(c, s))
        mine.append({"err": problems[0][1]} if problems else result)
    compare(cases, mine, heat("resources", name, cases))


def test_get_param_paths_match_heat() -> None:
    generator = CallGenerator([], seed=5)
    cases = [generator.get_param() for _ in range(CASES)]
    scope = Scope(version=version("wallaby"), parameters=PARAMS)
    mine = [outcome(lambda c=case: evaluate(c, scope)) for case in cases]
    compare(cases, mine, heat("get_param", "2021-04-16", cases))


@pytest.mark.parametrize("name", ["2016-10-14", "2017-09-01", "2021-04-16"])
def test_conditions_match_heat(name: str) -> None:
    spec = version(name)
    generator = ConditionGenerator(seed=7)
    cases = []
    mine = []
    for _ in range(CASES):
        section, value = generator.case()
        cases.append({"section": section, "value": value})

        def run(section: Any = section, value: Any = value) -> Any:
            conditions = resolve_conditions(section, Scope(version=spec, parameters=PARAMS))
            scope = Scope(version=spec, parameters=PARAMS, conditions=conditions)
            return [conditions, evaluate(value, scope)]

        mine.append(outcome(run))
    compare(cases, mine, heat("conditions", name, cases))
