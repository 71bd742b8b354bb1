"""Stack and resource statuses, and the one table of transitions between them.

A status is Heat's `ACTION_STATE` pair (`CREATE_IN_PROGRESS`). Which status may follow
which is written once, below, as data; `check_transition` is the only place that
decides. The store calls it inside the transaction that writes the new status, so a
transition that is not in the table never reaches the state file.

Every `X_IN_PROGRESS -> X_IN_PROGRESS` is allowed on purpose: that is what `stack resume`
does after a crash left a row IN_PROGRESS.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum

from heatctl.errors import ConflictError


class Action(StrEnum):
    """What is being done (Heat's resource/stack actions that heatctl uses)."""

    INIT = "INIT"
    CREATE = "CREATE"
    UPDATE = "UPDATE"
    DELETE = "DELETE"
    ROLLBACK = "ROLLBACK"
    CHECK = "CHECK"
    ADOPT = "ADOPT"


class State(StrEnum):
    """How far it got."""

    IN_PROGRESS = "IN_PROGRESS"
    COMPLETE = "COMPLETE"
    FAILED = "FAILED"


@dataclass(frozen=True, order=True)
class Status:
    """An (action, state) pair, written `ACTION_STATE`."""

    action: Action
    state: State

    def __str__(self) -> str:
        return f"{self.action.value}_{self.state.value}"

    @classmethod
    def parse(cls, text: str) -> Status:
        """`"CREATE_IN_PROGRESS"` -> Status(CREATE, IN_PROGRESS); ValueError if unknown."""
        return _parse(text)

    @classmethod
    def _parse(cls, text: str) -> Status:
        for state in State:
            suffix = "_" + state.value
            if text.endswith(suffix):
                return cls(Action(text[: -len(suffix)]), state)
        raise ValueError(f"not a status: {text!r}")

    @property
    def in_progress(self) -> bool:
        return self.state is State.IN_PROGRESS

    @property
    def failed(self) -> bool:
        return self.state is State.FAILED


@functools.lru_cache(maxsize=128)
def _parse(text: str) -> Status:
    return Status._parse(text)


def status(action: Action | str, state: State | str) -> Status:
    """Build a Status from its two parts."""
    return Status(Action(action), State(state))


INIT_COMPLETE = Status(Action.INIT, State.COMPLETE)

# from -> allowed next statuses. Read a line as "a resource in FROM may move to any of ...".
RESOURCE_TRANSITIONS_TEXT = """
INIT_COMPLETE        -> CREATE_IN_PROGRESS ADOPT_IN_PROGRESS DELETE_COMPLETE
CREATE_IN_PROGRESS   -> CREATE_IN_PROGRESS CREATE_COMPLETE CREATE_FAILED DELETE_IN_PROGRESS
CREATE_FAILED        -> CREATE_IN_PROGRESS UPDATE_IN_PROGRESS DELETE_IN_PROGRESS CHECK_IN_PROGRESS
CREATE_COMPLETE      -> UPDATE_IN_PROGRESS DELETE_IN_PROGRESS CHECK_IN_PROGRESS
UPDATE_IN_PROGRESS   -> UPDATE_IN_PROGRESS UPDATE_COMPLETE UPDATE_FAILED DELETE_IN_PROGRESS
UPDATE_FAILED        -> UPDATE_IN_PROGRESS DELETE_IN_PROGRESS CHECK_IN_PROGRESS
UPDATE_COMPLETE      -> UPDATE_IN_PROGRESS DELETE_IN_PROGRESS CHECK_IN_PROGRESS
DELETE_IN_PROGRESS   -> DELETE_IN_PROGRESS DELETE_COMPLETE DELETE_FAILED
DELETE_FAILED        -> DELETE_IN_PROGRESS CHECK_IN_PROGRESS
DELETE_COMPLETE      ->
ADOPT_IN_PROGRESS    -> ADOPT_IN_PROGRESS ADOPT_COMPLETE ADOPT_FAILED DELETE_IN_PROGRESS
ADOPT_FAILED         -> ADOPT_IN_PROGRESS DELETE_IN_PROGRESS
ADOPT_COMPLETE       -> UPDATE_IN_PROGRESS DELETE_IN_PROGRESS CHECK_IN_PROGRESS
CHECK_IN_PROGRESS    -> CHECK_IN_PROGRESS CHECK_COMPLETE CHECK_FAILED
CHECK_FAILED         -> CHECK_IN_PROGRESS UPDATE_IN_PROGRESS DELETE_IN_PROGRESS
CHECK_COMPLETE       -> CHECK_IN_PROGRESS UPDATE_IN_PROGRESS DELETE_IN_PROGRESS
"""

STACK_TRANSITIONS_TEXT = """
INIT_COMPLETE        -> CREATE_IN_PROGRESS ADOPT_IN_PROGRESS
CREATE_IN_PROGRESS   -> CREATE_IN_PROGRESS CREATE_COMPLETE CREATE_FAILED ROLLBACK_IN_PROGRESS DELETE_IN_PROGRESS
CREATE_FAILED        -> CREATE_IN_PROGRESS UPDATE_IN_PROGRESS ROLLBACK_IN_PROGRESS DELETE_IN_PROGRESS CHECK_IN_PROGRESS
CREATE_COMPLETE      -> UPDATE_IN_PROGRESS DELETE_IN_PROGRESS CHECK_IN_PROGRESS
UPDATE_IN_PROGRESS   -> UPDATE_IN_PROGRESS UPDATE_COMPLETE UPDATE_FAILED ROLLBACK_IN_PROGRESS DELETE_IN_PROGRESS
UPDATE_FAILED        -> UPDATE_IN_PROGRESS ROLLBACK_IN_PROGRESS DELETE_IN_PROGRESS CHECK_IN_PROGRESS
UPDATE_COMPLETE      -> UPDATE_IN_PROGRESS DELETE_IN_PROGRESS CHECK_IN_PROGRESS
ROLLBACK_IN_PROGRESS -> ROLLBACK_IN_PROGRESS ROLLBACK_COMPLETE ROLLBACK_FAILED
ROLLBACK_FAILED      -> ROLLBACK_IN_PROGRESS UPDATE_IN_PROGRESS DELETE_IN_PROGRESS
ROLLBACK_COMPLETE    -> UPDATE_IN_PROGRESS DELETE_IN_PROGRESS CHECK_IN_PROGRESS
DELETE_IN_PROGRESS   -> DELETE_IN_PROGRESS DELETE_COMPLETE DELETE_FAILED
DELETE_FAILED        -> DELETE_IN_PROGRESS
DELETE_COMPLETE      ->
ADOPT_IN_PROGRESS    -> ADOPT_IN_PROGRESS ADOPT_COMPLETE ADOPT_FAILED DELETE_IN_PROGRESS
ADOPT_FAILED         -> ADOPT_IN_PROGRESS DELETE_IN_PROGRESS
ADOPT_COMPLETE       -> UPDATE_IN_PROGRESS DELETE_IN_PROGRESS CHECK_IN_PROGRESS
CHECK_IN_PROGRESS    -> CHECK_IN_PROGRESS CHECK_COMPLETE CHECK_FAILED
CHECK_FAILED         -> CHECK_IN_PROGRESS UPDATE_IN_PROGRESS DELETE_IN_PROGRESS
CHECK_COMPLETE       -> CHECK_IN_PROGRESS UPDATE_IN_PROGRESS DELETE_IN_PROGRESS
"""


def _parse_table(text: str) -> dict[Status, frozenset[Status]]:
    table: dict[Status, frozenset[Status]] = {}
    for line in text.strip().splitlines():
        source, _, targets = line.partition("->")
        table[Status.parse(source.strip())] = frozenset(Status.parse(t) for t in targets.split())
    return table


TRANSITIONS: dict[str, dict[Status, frozenset[Status]]] = {
    "resource": _parse_table(RESOURCE_TRANSITIONS_TEXT),
    "stack": _parse_table(STACK_TRANSITIONS_TEXT),
}


class InvalidTransition(ConflictError):
    """A status change that the transition table does not allow."""


def check_transition(kind: str, name: str, old: Status, new: Status) -> None:
    """Raise InvalidTransition unless `kind` ("stack"/"resource") may go from old to new."""
    allowed = TRANSITIONS[kind].get(old, frozenset())
    if new not in allowed:
        raise InvalidTransition(
            f"{kind} {name!r} cannot go from {old} to {new}",
            hint="the stored state changed under this operation; run `heatctl stack show`",
        )
