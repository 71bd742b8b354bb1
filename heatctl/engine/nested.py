"""Nested stacks: resources whose physical id is a child stack of the same engine.

As in Heat, such a resource owns a child stack row (stacks.parent_id = the parent stack),
named `<parent>-<resource>-<suffix>`. The child is created, updated and deleted through
the same StackEngine (same walker, journal and lock rules) from inside the resource's
lifecycle calls, and its operation inherits the parent's:

- timeout: the child gets what remains of the parent operation's --timeout (Heat gives
  nested stacks the remaining time), or less when the resource sets its own;
- cancel: `heatctl stack cancel PARENT` stops the children too (their walkers ask the
  parent's stop check);
- progress: the child's resource events appear in the parent's progress stream, named
  by the path of parent resources (`group/abc123`), as Heat's nested events.

A child stack cannot be updated, resumed or deleted by itself (StackEngine.refuse_child).

The types (modules):
- here: provider templates (TemplatePlugin), OS::Heat::Stack and AWS::CloudFormation::Stack
  (StackResourcePlugin), and what they share (ChildStackPlugin, load_document);
- nested_groups.py: OS::Heat::ResourceGroup and OS::Heat::ResourceChain;
- scaling.py: the autoscaling groups (OS::Heat::AutoScalingGroup, OS::Heat::InstanceGroup,
  AWS::AutoScaling::AutoScalingGroup) and the scaling policy signal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heatctl.dsl.diagnostics import Diagnostics
from heatctl.dsl.loader import Limits, LoadError, loads
from heatctl.dsl.validate import _Loader
from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.progress import Progress, ProgressEvent
from heatctl.engine.records import StackRecord
from heatctl.engine.stack import RunOptions
from heatctl.engine.states import State
from heatctl.engine.wait import Wait

if TYPE_CHECKING:
    from heatctl.dsl.validate import LoadedTemplate
    from heatctl.engine.stack import OperationResult, StackEngine, TemplateModel

STACK_TYPE = "OS::Heat::Stack"
CFN_STACK_TYPE = "AWS::CloudFormation::Stack"


class NestedProgress:
    """The parent's progress, seen by a child stack: resource names get the parent
    resource's name as a prefix; the child's own stack events are left out (the parent
    resource's events say the same); heartbeats are the parent walker's."""

    def __init__(self, parent: Progress, prefix: str) -> None:
        self.parent = parent
        self.prefix = prefix
        self.stack = ""

    def event(self, event: ProgressEvent) -> None:
        if event.resource is None:
            return
        name = f"{self.prefix}/{event.resource}"
        top = self.stack or event.stack  # every level renames: the top stack's name wins
        forwarded = ProgressEvent(top, event.status, name, event.type, event.reason, event.time)
        self.parent.event(forwarded)

    def heartbeat(self, elapsed: float, waiting: Sequence[str]) -> None:
        return None

    def close(self) -> None:
        return None


def child_options(
    engine: StackEngine, ctx: ResourceContext, timeout_mins: Any = None
) -> RunOptions:
    """How the child's operation runs: nested, with what remains of the parent's timeout
    (or the resource's own, when shorter), the parent's cancel, parallelism and progress."""
    options = RunOptions(command=f"heatctl (nested in {ctx.stack_name})", nested=True)
    own = float(timeout_mins) * 60 if timeout_mins else None
    parent = engine.running.get(ctx.stack_id)
    remaining = parent.remaining() if parent is not None else None
    limits = [t for t in (own, remaining) if t is not None]
    if limits:
        if min(limits) <= 0:
            raise ResourceFailed(f"{ctx.name}: the stack operation timed out")
        options.timeout = min(limits)
    if parent is not None:
        options.stop_requested = parent.stop_requested
        options.max_parallel = parent.options.max_parallel
        options.heartbeat_interval = parent.options.heartbeat_interval
        if parent.options.progress is not None:
            progress = NestedProgress(parent.options.progress, ctx.name)
            progress.stack = ctx.stack_name
            options.progress = progress
    return options


class ChildStackPlugin:
    """A resource whose physical id is a child stack of the same engine: the lifecycle
    calls run the child's whole operation (same walker, journal, locks) and return."""

    def __init__(self, engine: StackEngine) -> None:
        self.engine = engine

    def child_model(self, ctx: ResourceContext, child: StackRecord | None) -> TemplateModel:
        raise NotImplementedError  # pragma: no cover

    def child_timeout(self, ctx: ResourceContext) -> Any:
        """The resource's own timeout for its child, in minutes (None: the parent's)."""
        return None

    def _child(self, ctx: ResourceContext) -> StackRecord | None:
        store = self.engine.store
        if ctx.physical_id:
            found = store.find_stack(ctx.physical_id)
            if found is not None:
                return found
        return store.find_stack(ctx.physical_name())

    def _converge(self, ctx: ResourceContext, model: TemplateModel | None = None) -> None:
        child = self._child(ctx)
        model = model or self.child_model(ctx, child)
        options = child_options(self.engine, ctx, self.child_timeout(ctx))
        self._show_parent_events(ctx)
        name = child.name if child is not None else ctx.physical_name()
        result = self.engine.converge_nested(name, model, options, ctx.stack_id)
        ctx.physical_id = result.stack.id
        raise_nested(result)

    def _show_parent_events(self, ctx: ResourceContext) -> None:
        """The parent resource's IN_PROGRESS goes out before its child's events."""
        parent = self.engine.running.get(ctx.stack_id)
        if parent is not None and parent.options.progress is not None:
            stack = self.engine.store.stack_by_id(ctx.stack_id)
            self.engine.forward_events(stack, parent.options)

    def create(self, ctx: ResourceContext) -> Wait | None:
        self._converge(ctx)
        return None

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        # Reached after adopting a child found by name (a resumed create): finish it.
        child = self._child(ctx)
        if child is None or child.status.state is not State.COMPLETE:
            self._converge(ctx)
        return None

    def update(self, ctx: ResourceContext) -> Wait | None:
        self._converge(ctx)
        return None

    def check_update_complete(self, ctx: ResourceContext) -> Wait | None:
        return None

    def delete(self, ctx: ResourceContext) -> Wait | None:
        """Delete the child stack (its resources first, through the walker)."""
        child = self._child(ctx)
        if child is None:
            return None
        options = child_options(self.engine, ctx)
        self._show_parent_events(ctx)
        raise_nested(self.engine.delete(child.id, options))
        return None

    def check_delete_complete(self, ctx: ResourceContext) -> Wait | None:
        return None

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        child = self.engine.store.find_stack(ctx.physical_name())
        return child.id if child is not None else None

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        """The child's outputs, each as an attribute, and all of them as `outputs`."""
        child = self._child(ctx)
        if child is None:
            return {}
        values = {k: v.get("value") for k, v in self.engine.store.outputs(child.id).items()}
        return {**values, "outputs": values, "stack_name": child.name}


def parent_loaded(engine: StackEngine, ctx: ResourceContext) -> LoadedTemplate | None:
    """The Model Interpreter's view of the parent template (None when the parent stack is
    itself made by a group from plain definitions)."""
    return getattr(engine.models.get(ctx.stack_id), "loaded", None)


def load_document(
    parent: LoadedTemplate,
    resource: str,
    text: str,
    parameters: Mapping[str, Any],
    label: str,
) -> TemplateModel:
    """A child stack's template given as text (inline, generated by a group, read from a
    TemplateURL), loaded and checked by the Model Interpreter as Heat loads a nested
    stack: the parent's registry (narrowed to `resource`), parameter_defaults and file
    roots, relative names resolved from the parent template's directory."""
    from heatctl.dsl.parameters import ValueOrigin
    from heatctl.dsl.validate import MAX_NESTING, Nesting, ResourceRegistry
    from heatctl.engine.model import DslModel, Source

    if parent.depth + 1 > getattr(parent.options, "max_nesting", MAX_NESTING):
        raise ResourceFailed(f"{resource}: nested stacks deeper than {MAX_NESTING} levels")
    virtual = parent.path.resolve().parent / f".{resource}.nested.yaml"
    loader = _TextLoader(parent, virtual, text)
    nesting = Nesting(
        parent.environment.registry.nested(resource),
        parent.environment.parameter_defaults,
        known=True,
    )
    origins = {name: ValueOrigin(f"property {name} of {resource}") for name in parameters}
    loaded = loader.load(
        virtual, label, [], parameters, origins, ResourceRegistry(), parent.depth + 1, nesting
    )
    if not loaded.ok or loaded.template is None:
        problems = [d.format() for d in loaded.diagnostics.sorted() if d.severity == "error"]
        raise ResourceFailed(f"{resource}: " + "; ".join(problems))
    return DslModel(loaded, Source(template=str(virtual), parameters=dict(parameters)))


class _TextLoader(_Loader):
    """The Model Interpreter's loader, reading one template from text instead of a file
    (everything that template refers to is still read through the confined file access)."""

    def __init__(self, parent: LoadedTemplate, path: Path, text: str) -> None:
        super().__init__(parent.options, parent.files, Diagnostics())
        self.path, self.text = path, text

    def read(self, path: Path, name: str) -> Any:
        if path != self.path:
            return super().read(path, name)
        try:
            return loads(self.text, name, limits=Limits(max_bytes=self.options.max_template_size))
        except LoadError as exc:
            self.diagnostics.extend(exc.diagnostics)
            return None


class TemplatePlugin(ChildStackPlugin):
    """A provider template used as a type (`My::Server` mapped in the environment's
    resource_registry, or `server.yaml` as the type), or OS::Heat::Stack with
    `template: {get_file: ...}`: the child is the template loaded by the Model Interpreter
    with the resource's properties as its parameters."""

    def __init__(self, engine: StackEngine, error: ResourceFailed) -> None:
        super().__init__(engine)
        self.error = error  # the type is not deployable when it is no template either

    def child_model(self, ctx: ResourceContext, child: StackRecord | None) -> TemplateModel:
        from heatctl.dsl.validate import load_nested
        from heatctl.engine.model import DslModel, Source

        model = self.engine.models.get(ctx.stack_id)
        loaded = getattr(model, "loaded", None)
        providers = getattr(loaded, "providers", {})
        member_key = getattr(model, "provider_keys", {}).get(ctx.name)
        key = ctx.name if ctx.name in providers else f"{ctx.name}/template"
        key = member_key or key
        if loaded is None or key not in providers:
            raise self.error
        stack_type = key.endswith("/template")
        params = dict(ctx.properties.get("parameters") or {}) if stack_type else ctx.properties
        nested = load_nested(loaded, key, params)
        if not nested.ok or nested.template is None:
            problems = [d.format() for d in nested.diagnostics.sorted() if d.severity == "error"]
            raise ResourceFailed(f"{ctx.name}: " + "; ".join(problems))
        return DslModel(nested, Source(template=str(nested.path), parameters=params))


class StackResourcePlugin(ChildStackPlugin):
    """OS::Heat::Stack (`template` as text or a mapping, `parameters`, `timeout` in
    minutes) and AWS::CloudFormation::Stack (`TemplateURL` a local path relative to the
    parent template, `Parameters`, `TimeoutInMinutes`). The child's outputs are the
    `outputs` attribute (and, for CFN, the `Outputs.<name>` attributes)."""

    def __init__(self, engine: StackEngine, cfn: bool) -> None:
        super().__init__(engine)
        self.cfn = cfn

    def child_timeout(self, ctx: ResourceContext) -> Any:
        return ctx.properties.get("TimeoutInMinutes" if self.cfn else "timeout")

    def child_model(self, ctx: ResourceContext, child: StackRecord | None) -> TemplateModel:
        remote = {k: v for k, v in (ctx.properties.get("context") or {}).items() if v}
        if remote:
            raise ResourceFailed(
                f"{ctx.name}: context ({', '.join(sorted(remote))}) is not supported yet:"
                " a nested stack is created in the parent's cloud"
            )
        loaded = parent_loaded(self.engine, ctx)
        if not self.cfn and loaded is not None and f"{ctx.name}/template" in loaded.providers:
            return TemplatePlugin(self.engine, ResourceFailed(ctx.name)).child_model(ctx, child)
        if loaded is None:
            raise ResourceFailed(f"{ctx.name}: {ctx.type} needs its parent's template")
        key = "Parameters" if self.cfn else "parameters"
        params = dict(ctx.properties.get(key) or {})
        text, label = self._template_text(ctx, loaded)
        return load_document(loaded, ctx.name, text, params, label)

    def _template_text(self, ctx: ResourceContext, loaded: LoadedTemplate) -> tuple[str, str]:
        from heatctl.dsl.files import FileRefError

        if self.cfn:
            url = str(ctx.properties.get("TemplateURL") or "")
            refuse_url(ctx, "TemplateURL", url)
            try:
                return loaded.files.read_text(url, loaded.path), url
            except FileRefError as exc:
                raise ResourceFailed(f"{ctx.name}: TemplateURL: {exc}") from None
        template = ctx.properties.get("template")
        if isinstance(template, Mapping):
            return json.dumps(template), f"{loaded.name} ({ctx.name}.template)"
        text = str(template or "")
        if "\n" not in text.strip():
            refuse_url(ctx, "template", text.strip())
        return text, f"{loaded.name} ({ctx.name}.template)"

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        values = super().resolve_attributes(ctx)
        if self.cfn:
            outputs = values.get("outputs") or {}
            return {f"Outputs.{k}": v for k, v in outputs.items()}
        return {"outputs": values.get("outputs") or {}, "stack_name": values.get("stack_name")}


def refuse_url(ctx: ResourceContext, prop: str, value: str) -> None:
    """heatctl reaches no network but the cloud: a template URL is refused with what to do."""
    from urllib.parse import urlparse

    scheme = urlparse(value).scheme
    if scheme and len(scheme) > 1 and scheme != "file":
        raise ResourceFailed(
            f"{ctx.name}: {prop} {value!r} is a URL; heatctl fetches nothing over the network"
            " (it reaches only the cloud): download the template next to the parent template"
            " and give its relative path"
        )


def raise_nested(result: OperationResult) -> None:
    """A failed child stack fails the parent resource with the child's root cause."""
    if result.ok:
        return
    stack = result.stack
    causes = "; ".join(f"{n}: {r}" for n, r in result.root_causes().items())
    raise ResourceFailed(
        f"nested stack {stack.name} {stack.status}: {causes or stack.status_reason}"
    )


DEPLOYMENT_GROUP_TYPES = frozenset(
    {"OS::Heat::SoftwareDeploymentGroup", "OS::Heat::StructuredDeploymentGroup"}
)


def nested_types() -> frozenset[str]:
    """The types whose plugin runs a nested stack (nested_plugin gives one for each)."""
    from heatctl.engine import nested_groups, scaling

    return frozenset(
        {STACK_TYPE, CFN_STACK_TYPE, nested_groups.GROUP_TYPE, nested_groups.CHAIN_TYPE}
        | scaling.GROUP_TYPES
        | DEPLOYMENT_GROUP_TYPES
    )


def nested_plugin(engine: StackEngine, type_name: str) -> ChildStackPlugin | None:
    """The plugin of a type that runs as a nested stack, or None for other types."""
    from heatctl.engine import nested_groups, scaling

    if type_name in (STACK_TYPE, CFN_STACK_TYPE):
        return StackResourcePlugin(engine, cfn=type_name == CFN_STACK_TYPE)
    if type_name == nested_groups.GROUP_TYPE:
        return nested_groups.ResourceGroupPlugin(engine)
    if type_name == nested_groups.CHAIN_TYPE:
        return nested_groups.ResourceChainPlugin(engine)
    if type_name in scaling.GROUP_TYPES:
        return scaling.ScalingGroupPlugin(engine, type_name)
    if type_name in DEPLOYMENT_GROUP_TYPES:
        from heatctl.engine.software_group import DeploymentGroupPlugin

        return DeploymentGroupPlugin(engine, type_name)
    return None
