"""The walker: runs a dependency graph with bounded parallelism. The one place with concurrency.

Graph convention: an edge `u -> v` means "u must finish before v starts" (v depends on u),
so a topological order is the create order. `walk(..., reverse=True)` runs the same graph
the other way round, which is the delete order.

Each node's work is a `NodeWork`: `start()` makes the call that begins the action, then
`check()` is polled until it reports completion. Both return None when the node is complete,
or `Wait(after)` to be polled again: after the given number of seconds when the resource
knows (a TestResource's remaining wait, a cloud's Retry-After), else after the walker's
backoff (0.1 s growing 1.5x to 5 s). Raising `RetryAfter` repeats the same phase later;
any other exception fails the node.

How it stays fast: a waiting node never holds a thread. The scheduler keeps a heap of due
times and hands only the calls themselves to a thread pool. So `max_parallel` bounds the
resources *in progress* (started and not finished), not the threads asleep, and 1,000
nodes waiting 50 ms each cost 50 ms of wall time per wave, not per thread. Ready nodes start
longest-remaining-path first (classic critical-path list scheduling), which keeps the
makespan near max(critical path, total work / max_parallel).

Failure: the failed node's error is its root cause; every node that depends on it,
directly or not, is skipped with that root cause, and reported once. Independent branches
go on unless `stop_on_failure`. A stack timeout or `cancel()` stops starting new nodes;
calls already running are let finish (an HTTP call cannot be pulled back), after which
the nodes still in progress are failed with the reason, and unstarted ones left alone.
"""

from __future__ import annotations

import heapq
import itertools
import queue
import threading
import time
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

import networkx as nx

from heatctl.engine.wait import RetryAfter, Wait
from heatctl.errors import InvalidInput

__all__ = ["RetryAfter", "Wait", "Walker", "walk"]


class NodeWork(Protocol):
    """What the walker runs for one node."""

    def start(self) -> Wait | None:
        """Begin the action; None if it is already complete."""
        ...

    def check(self) -> Wait | None:
        """Poll the action; None when complete. Raise to fail the node."""
        ...


class Clock(Protocol):
    """Time as the walker sees it; tests use a fake one that jumps instead of sleeping."""

    def now(self) -> float: ...

    def sleep(self, seconds: float, interrupt: threading.Event) -> None: ...


class RealClock:
    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float, interrupt: threading.Event) -> None:
        interrupt.wait(seconds)


class Phase(StrEnum):
    """Transitions reported to the `on_event` callback."""

    STARTED = "started"
    COMPLETE = "complete"
    FAILED = "failed"
    SKIPPED = "skipped"
    RETRYING = "retrying"


@dataclass(frozen=True)
class Backoff:
    """Delays between polls of a node that gave no hint: initial, x factor, capped."""

    initial: float = 0.1
    factor: float = 1.5
    maximum: float = 5.0

    def delay(self, attempt: int) -> float:
        return min(self.maximum, self.initial * self.factor**attempt)


@dataclass
class WalkResult:
    """How a walk ended. `root_causes` names each failed node once with its error."""

    completed: list[Hashable] = field(default_factory=list)
    failed: dict[Hashable, str] = field(default_factory=dict)
    skipped: dict[Hashable, Hashable] = field(default_factory=dict)  # node -> root cause node
    not_started: list[Hashable] = field(default_factory=list)
    timed_out: bool = False
    cancelled: bool = False
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.failed or self.skipped or self.not_started)

    @property
    def root_causes(self) -> dict[Hashable, str]:
        return dict(self.failed)


EventCallback = Callable[[Hashable, Phase, str], None]


class Inline:
    """An executor that runs calls at once on the caller's thread (deterministic tests)."""

    def submit(self, fn: Callable[[], None]) -> None:
        fn()

    def shutdown(self) -> None:
        pass


class _Pool:
    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="heatctl-walk")

    def submit(self, fn: Callable[[], None]) -> None:
        self._pool.submit(fn)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)


def critical_path_priority(graph: nx.DiGraph) -> dict[Hashable, float]:
    """Longest path (weighted by the node attribute `cost`, default 1) from each node to a sink."""
    priority: dict[Hashable, float] = {}
    for node in reversed(list(nx.topological_sort(graph))):
        tail = max((priority[s] for s in graph.successors(node)), default=0.0)
        priority[node] = float(graph.nodes[node].get("cost", 1.0)) + tail
    return priority


def check_acyclic(graph: nx.DiGraph) -> None:
    """Raise InvalidInput naming a cycle if the graph has one."""
    if nx.is_directed_acyclic_graph(graph):  # linear; find_cycle can be quadratic
        return
    cycle = nx.find_cycle(graph)
    path = " -> ".join(str(u) for u, _ in cycle) + f" -> {cycle[0][0]}"
    raise InvalidInput(f"dependency cycle: {path}")


class Walker:
    """Runs one graph once. Build it, call run(); cancel() from another thread stops it."""

    def __init__(
        self,
        graph: nx.DiGraph,
        work: Mapping[Hashable, NodeWork],
        *,
        max_parallel: int | None = 10,
        timeout: float | None = None,
        reverse: bool = False,
        stop_on_failure: bool = False,
        on_event: EventCallback | None = None,
        backoff: Backoff = Backoff(),
        clock: Clock | None = None,
        executor: Inline | None = None,
        max_threads: int = 32,
        on_idle: Callable[[float], None] | None = None,
        idle_interval: float = 15.0,
        stop_requested: Callable[[], bool] | None = None,
        stop_poll: float = 0.5,
    ) -> None:
        check_acyclic(graph)
        self.graph = graph.reverse(copy=False) if reverse else graph
        self.work = work
        self.limit = max_parallel if max_parallel and max_parallel > 0 else len(graph) or 1
        self.timeout = timeout
        self.stop_on_failure = stop_on_failure
        self.on_event = on_event or (lambda node, phase, detail: None)
        self.backoff = backoff
        self.clock = clock or RealClock()
        self._executor: Inline | _Pool = executor or _Pool(max(1, min(self.limit, max_threads)))
        self._done: queue.SimpleQueue[tuple[Hashable, str, Any]] = queue.SimpleQueue()
        self._interrupt = threading.Event()
        self._order = itertools.count()
        self._ready: list[tuple[float, int, Hashable]] = []
        self._due: list[tuple[float, int, Hashable, str]] = []
        self._waiting_on: dict[Hashable, int] = {}
        self._attempts: dict[Hashable, int] = {}
        self._calls_running = 0
        self._in_progress: set[Hashable] = set()
        self._priority = critical_path_priority(self.graph)
        self._on_idle = on_idle
        self._idle_interval = idle_interval
        self._stop_requested = stop_requested
        self._stop_poll = stop_poll
        self._next_stop_check = 0.0
        self._last_activity = 0.0
        self._started = 0.0
        self.result = WalkResult()

    def cancel(self) -> None:
        """Stop starting nodes; running calls finish, in-progress nodes are failed."""
        self.result.cancelled = True
        self._interrupt.set()
        self._done.put((None, "wake", None))

    def run(self) -> WalkResult:
        """Walk the whole graph; returns when every node is finished, skipped or abandoned."""
        started = self._started = self._last_activity = self.clock.now()
        deadline = None if self.timeout is None else started + self.timeout
        for node in self.graph.nodes:
            self._waiting_on[node] = self.graph.in_degree(node)
            if self._waiting_on[node] == 0:
                self._push_ready(node)
        try:
            self._loop(deadline)
        finally:
            self._executor.shutdown()
        self.result.elapsed = self.clock.now() - started
        return self.result

    def _halted(self) -> bool:
        return self._interrupt.is_set()

    def _loop(self, deadline: float | None) -> None:
        while True:
            now = self.clock.now()
            if deadline is not None and now >= deadline and not self._halted():
                self.result.timed_out = True
                self._interrupt.set()
            if not self._halted():
                if not (self.stop_on_failure and self.result.failed):
                    self._start_ready()
                self._dispatch_due(now)
            if self._calls_running == 0 and (self._halted() or not self._in_progress):
                break
            self._wait_for_something(deadline)
            self._drain()
            self._heartbeat()
            self._check_stop_request()
        self._abandon()

    def _check_stop_request(self) -> None:
        """Ask (at most every stop_poll seconds) whether someone wants this walk cancelled,
        e.g. `heatctl stack cancel` from another process."""
        now = self.clock.now()
        if self._stop_requested is None or now < self._next_stop_check or self._halted():
            return
        self._next_stop_check = now + self._stop_poll
        if self._stop_requested():
            self.cancel()

    def _heartbeat(self) -> None:
        """Tell the caller we are still waiting, at most every idle_interval seconds."""
        now = self.clock.now()
        if self._on_idle is not None and now - self._last_activity >= self._idle_interval:
            self._last_activity = now
            self._on_idle(now - self._started)

    def _push_ready(self, node: Hashable) -> None:
        heapq.heappush(self._ready, (-self._priority[node], next(self._order), node))

    def _start_ready(self) -> None:
        while self._ready and len(self._in_progress) < self.limit:
            _, _, node = heapq.heappop(self._ready)
            self._in_progress.add(node)
            self.on_event(node, Phase.STARTED, "")
            self._call(node, "start")

    def _dispatch_due(self, now: float) -> None:
        while self._due and self._due[0][0] <= now:
            _, _, node, phase = heapq.heappop(self._due)
            self._call(node, phase)

    def _call(self, node: Hashable, phase: str) -> None:
        work = self.work[node]
        fn = work.start if phase == "start" else work.check
        self._calls_running += 1

        def run() -> None:
            try:
                self._done.put((node, phase, fn()))
            except BaseException as error:  # reported as the node's failure, never lost
                self._done.put((node, phase, error))

        self._executor.submit(run)

    def _wait_for_something(self, deadline: float | None) -> None:
        if not self._done.empty():
            return
        timeout: float | None = None
        if not self._halted():
            beat = self._last_activity + self._idle_interval if self._on_idle else None
            due = self._due[0][0] if self._due else None
            stop = self._next_stop_check if self._stop_requested else None
            horizon = [t for t in (deadline, due, beat, stop) if t is not None]
            timeout = max(0.0, min(horizon) - self.clock.now()) if horizon else None
        if self._calls_running == 0:
            # Nothing can arrive before the next due time: sleep until then.
            self.clock.sleep(timeout if timeout is not None else 0.05, self._interrupt)
            return
        try:
            item = self._done.get(timeout=timeout)
        except queue.Empty:
            return
        self._done.put(item)

    def _drain(self) -> None:
        while True:
            try:
                node, phase, outcome = self._done.get_nowait()
            except queue.Empty:
                return
            if phase != "wake":
                self._calls_running -= 1
                self._settle(node, phase, outcome)

    def _settle(self, node: Hashable, phase: str, outcome: Any) -> None:
        now = self._last_activity = self.clock.now()
        if isinstance(outcome, RetryAfter):
            self.on_event(node, Phase.RETRYING, str(outcome))
            self._schedule(now + outcome.seconds, node, phase)
        elif isinstance(outcome, BaseException):
            self._fail(node, _describe(outcome))
        elif outcome is None:
            self._complete(node)
        else:
            attempt = self._attempts.get(node, 0)
            self._attempts[node] = attempt + 1
            after = outcome.after if outcome.after is not None else self.backoff.delay(attempt)
            self._schedule(now + after, node, "check")

    def _schedule(self, when: float, node: Hashable, phase: str) -> None:
        heapq.heappush(self._due, (when, next(self._order), node, phase))

    def _complete(self, node: Hashable) -> None:
        self._in_progress.discard(node)
        self.result.completed.append(node)
        self.on_event(node, Phase.COMPLETE, "")
        for successor in self.graph.successors(node):
            self._waiting_on[successor] -= 1
            if self._waiting_on[successor] == 0 and successor not in self.result.skipped:
                self._push_ready(successor)

    def _fail(self, node: Hashable, reason: str) -> None:
        self._in_progress.discard(node)
        self.result.failed[node] = reason
        self.on_event(node, Phase.FAILED, reason)
        for dependent in nx.descendants(self.graph, node):
            if dependent not in self.result.skipped:
                self.result.skipped[dependent] = node
                self.on_event(dependent, Phase.SKIPPED, f"{node} failed")

    def _abandon(self) -> None:
        """After a timeout or cancel: fail what was in progress, list what never started."""
        reason = "cancelled" if self.result.cancelled else "stack timeout"
        if self.result.timed_out and self.timeout is not None:
            reason = f"timed out after {self.timeout:g}s"
        for node in sorted(self._in_progress, key=str):
            self._fail(node, reason)
        self._due.clear()
        finished = {*self.result.completed, *self.result.failed, *self.result.skipped}
        self.result.not_started = sorted(
            (n for n in self.graph.nodes if n not in finished), key=str
        )


def _describe(error: BaseException) -> str:
    text = str(error)
    return text if text else type(error).__name__


def walk(graph: nx.DiGraph, work: Mapping[Hashable, NodeWork], **options: Any) -> WalkResult:
    """Build a Walker and run it (see Walker for the options)."""
    return Walker(graph, work, **options).run()
