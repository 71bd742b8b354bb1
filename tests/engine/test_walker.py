"""The walker, with a fake clock and plain Python actions (no cloud, no sleeping)."""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable
from dataclasses import dataclass, field

import networkx as nx
import pytest

from heatctl.engine.walker import (
    Backoff,
    Inline,
    Phase,
    RetryAfter,
    Wait,
    Walker,
    critical_path_priority,
    walk,
)
from heatctl.errors import InvalidInput


@dataclass
class FakeClock:
    t: float = 0.0

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float, interrupt: threading.Event) -> None:
        self.t += seconds


@dataclass
class Job:
    """Takes `duration` seconds after start; fails on completion if `fail` is set."""

    clock: FakeClock
    duration: float = 1.0
    fail: str = ""
    hint: bool = True
    retries_before_start: int = 0
    began: float | None = None
    polls: list[float] = field(default_factory=list)

    def start(self) -> Wait | None:
        if self.retries_before_start:
            self.retries_before_start -= 1
            raise RetryAfter(2.0, "429 Too Many Requests")
        self.began = self.clock.now()
        return Wait(self.duration if self.hint else None) if self.duration else None

    def check(self) -> Wait | None:
        self.polls.append(self.clock.now())
        assert self.began is not None
        remaining = self.duration - (self.clock.now() - self.began)
        if remaining > 1e-9:
            return Wait(remaining if self.hint else None)
        if self.fail:
            raise RuntimeError(self.fail)
        return None


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[Hashable, Phase, str]] = []
        self.running: set[Hashable] = set()
        self.peak = 0
        self._lock = threading.Lock()

    def __call__(self, node: Hashable, phase: Phase, detail: str) -> None:
        with self._lock:
            self.events.append((node, phase, detail))
            if phase is Phase.STARTED:
                self.running.add(node)
                self.peak = max(self.peak, len(self.running))
            elif phase in (Phase.COMPLETE, Phase.FAILED):
                self.running.discard(node)

    def order(self, phase: Phase) -> list[Hashable]:
        return [node for node, p, _ in self.events if p is phase]


def graph(edges: str, nodes: str = "") -> nx.DiGraph:
    """'a>b b>c' = b depends on a, c on b."""
    g = nx.DiGraph()
    g.add_nodes_from(nodes.split())
    g.add_edges_from(tuple(e.split(">")) for e in edges.split())
    return g


def run(
    g: nx.DiGraph, jobs: dict[str, Job] | None = None, clock: FakeClock | None = None, **options
):
    clock = clock or FakeClock()
    jobs = jobs or {}
    work = {n: jobs.get(n) or Job(clock) for n in g.nodes}
    recorder = Recorder()
    walker = Walker(g, work, clock=clock, executor=Inline(), on_event=recorder, **options)
    return walker.run(), recorder, clock


def test_chain_runs_in_order_and_takes_the_sum() -> None:
    result, rec, _ = run(graph("a>b b>c"))
    assert rec.order(Phase.COMPLETE) == ["a", "b", "c"]
    assert result.ok and result.elapsed == pytest.approx(3.0)


def test_reverse_walks_in_delete_order() -> None:
    result, rec, _ = run(graph("a>b b>c"), reverse=True)
    assert rec.order(Phase.COMPLETE) == ["c", "b", "a"]
    assert result.ok


def test_parallelism_bounds_resources_in_progress() -> None:
    g = graph("", nodes="a b c d e")
    result, rec, _ = run(g, max_parallel=2)
    assert rec.peak == 2
    assert result.elapsed == pytest.approx(3.0)
    result, rec, _ = run(g, max_parallel=None)
    assert rec.peak == 5 and result.elapsed == pytest.approx(1.0)


def test_ready_nodes_start_longest_remaining_path_first() -> None:
    # x1 > x2 > x3 is the critical path; y1, y2 can fill the second lane.
    g = graph("x1>x2 x2>x3", nodes="y1 y2")
    assert critical_path_priority(g)["x1"] == 3
    result, _, _ = run(g, max_parallel=2)
    assert result.elapsed == pytest.approx(3.0)  # naive order would need 4


def test_failure_skips_dependents_and_reports_the_root_cause_once() -> None:
    clock = FakeClock()
    g = graph("a>b b>c a>d b>e c>e", nodes="x")
    result, rec, _ = run(g, {"b": Job(clock, fail="quota exceeded")}, clock)
    assert result.root_causes == {"b": "quota exceeded"}
    assert result.skipped == {"c": "b", "e": "b"}
    assert sorted(map(str, result.completed)) == ["a", "d", "x"]
    assert rec.order(Phase.SKIPPED).count("e") == 1
    assert not result.ok


def test_two_failures_upstream_of_one_node_skip_it_once() -> None:
    clock = FakeClock()
    jobs = {"a": Job(clock, fail="A broke"), "b": Job(clock, duration=2, fail="B broke")}
    result, rec, _ = run(graph("a>c b>c"), jobs, clock)
    assert result.root_causes == {"a": "A broke", "b": "B broke"}
    assert result.skipped == {"c": "a"}
    assert rec.order(Phase.SKIPPED) == ["c"]


def test_stop_on_failure_lets_running_nodes_finish_but_starts_nothing_new() -> None:
    clock = FakeClock()
    jobs = {"a": Job(clock, duration=1, fail="boom"), "b": Job(clock, duration=3)}
    result, _, _ = run(graph("", "a b c"), jobs, clock, max_parallel=2, stop_on_failure=True)
    assert result.failed == {"a": "boom"}
    assert "b" in result.completed and result.not_started == ["c"]


def test_stack_timeout_fails_what_is_in_progress_and_leaves_the_rest() -> None:
    result, _, clock = run(graph("a>b b>c"), timeout=1.5)
    assert result.timed_out
    assert result.completed == ["a"]
    assert result.failed == {"b": "timed out after 1.5s"}
    assert result.skipped == {"c": "b"}
    assert clock.t == pytest.approx(1.5)


def test_cancel_from_another_party_stops_the_walk() -> None:
    clock = FakeClock()
    g = graph("a>b b>c")
    work = {n: Job(clock) for n in g.nodes}
    holder: dict[str, Walker] = {}

    def on_event(node: Hashable, phase: Phase, detail: str) -> None:
        if node == "b" and phase is Phase.STARTED:
            holder["w"].cancel()

    holder["w"] = Walker(g, work, clock=clock, executor=Inline(), on_event=on_event)
    result = holder["w"].run()
    assert result.cancelled and result.failed == {"b": "cancelled"}
    assert result.completed == ["a"]


def test_retry_after_repeats_the_call_later_without_failing() -> None:
    clock = FakeClock()
    result, rec, _ = run(graph("", "a"), {"a": Job(clock, retries_before_start=2)}, clock)
    assert result.ok
    assert [p for _, p, _ in rec.events].count(Phase.RETRYING) == 2
    assert result.elapsed == pytest.approx(5.0)  # 2 x 2 s Retry-After, then 1 s of work


def test_polls_back_off_when_the_resource_gives_no_hint() -> None:
    clock = FakeClock()
    job = Job(clock, duration=0.5, hint=False)
    run(graph("", "a"), {"a": job}, clock, backoff=Backoff(initial=0.1, factor=1.5, maximum=0.2))
    assert job.polls == pytest.approx([0.1, 0.25, 0.45, 0.65])


def test_exception_types_without_message_are_named() -> None:
    class Weird(Exception):
        pass

    class Bad:
        def start(self) -> Wait | None:
            raise Weird()

        def check(self) -> Wait | None:
            return None

    result = walk(graph("", "a"), {"a": Bad()}, executor=Inline(), clock=FakeClock())
    assert result.failed == {"a": "Weird"}


def test_a_cycle_is_refused_with_its_path() -> None:
    with pytest.raises(InvalidInput, match=r"dependency cycle: .*a"):
        Walker(graph("a>b b>c c>a"), {})


def test_empty_graph_is_complete() -> None:
    result = walk(nx.DiGraph(), {}, executor=Inline(), clock=FakeClock())
    assert result.ok and result.completed == []


class Sleepy:
    """Real time: complete `seconds` after start, polled by the walker's due-time heap."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.began = 0.0

    def start(self) -> Wait | None:
        self.began = time.monotonic()
        return Wait(self.seconds)

    def check(self) -> Wait | None:
        left = self.seconds - (time.monotonic() - self.began)
        return Wait(left) if left > 0 else None


def _layers(depth: int, width: int) -> nx.DiGraph:
    g = nx.DiGraph()
    for layer in range(depth):
        for j in range(width):
            g.add_node((layer, j))
            if layer:
                g.add_edge((layer - 1, j), (layer, j))
                g.add_edge((layer - 1, (j + 1) % width), (layer, j))
    return g


def test_real_threads_waiting_nodes_do_not_hold_threads() -> None:
    g = _layers(depth=4, width=50)  # 200 nodes, 4 waves of 20 ms
    rec = Recorder()
    result = walk(
        g, {n: Sleepy(0.02) for n in g.nodes}, max_parallel=None, on_event=rec, max_threads=4
    )
    assert result.ok and len(result.completed) == 200
    # 4 threads, 200 resources in flight at once: serialised it would take 4 s.
    assert rec.peak == 50
    assert result.elapsed < 0.08 * 4


def test_real_threads_respect_the_parallelism_bound() -> None:
    g = _layers(depth=2, width=15)
    rec = Recorder()
    result = walk(g, {n: Sleepy(0.01) for n in g.nodes}, max_parallel=5, on_event=rec)
    assert result.ok and rec.peak == 5


def test_long_waits_send_heartbeats_but_busy_walks_do_not() -> None:
    beats: list[float] = []
    clock = FakeClock()
    g = graph("", "slow")
    Walker(
        g,
        {"slow": Job(clock, duration=50, hint=False)},
        clock=clock,
        executor=Inline(),
        backoff=Backoff(initial=40, factor=1, maximum=40),
        on_idle=beats.append,
        idle_interval=15,
    ).run()
    assert beats == pytest.approx([15.0, 30.0, 55.0, 70.0])
    beats.clear()
    run(graph("a>b b>c"), on_idle=beats.append, idle_interval=15)
    assert beats == []
