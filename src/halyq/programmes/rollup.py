"""Roll-up arithmetic of a roadmap tree: progress and effective weights (pure Python).

Rules:
- A cancelled item counts for nothing: it is left out of its parent's roll-up and its
  own subtree gets no progress and no weight.
- A leaf's progress is 100 when it is done, otherwise its reported progress (0-100).
- A parent's progress is the weighted mean of its non-cancelled children's progress,
  using the weights set in the roadmap. A parent whose children are all cancelled falls
  back to the leaf rule on its own reported state.
- A programme's progress is the weighted mean of its non-cancelled top-level measures.
- Effective weight (used by the rating, see `selectors.delivery_records`): a top-level
  item's effective weight is its own weight; a child's is its parent's effective weight
  times the child's share of the weights of its non-cancelled siblings. So a parent's
  importance is split among its parts, and the parts of one measure together weigh
  what the measure weighs.

The whole forest is computed from one flat list in a single pass (children before
parents), so rolling up every roadmap in the country is one query and linear time.
Cycles cannot exist in stored data (the services refuse them); `find_cycle` is the
check they use, and `roll_up` raises if it meets one anyway.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DONE = "done"
CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Node:
    id: int
    parent_id: int | None
    programme_id: int
    weight: float
    status: str
    progress: int


@dataclass(frozen=True)
class RollUp:
    progress: dict[int, float]
    """Rolled-up progress of every non-cancelled item (0-100)."""
    effective_weight: dict[int, float]
    """Effective weight of every item (0 for cancelled ones and their subtrees)."""
    programme_progress: dict[int, float]
    """Progress of every programme that has at least one non-cancelled top-level item."""


class CycleError(ValueError):
    pass


def _own_progress(node: Node) -> float:
    return 100.0 if node.status == DONE else float(node.progress)


def roll_up(nodes: Iterable[Node]) -> RollUp:
    by_id = {node.id: node for node in nodes}
    children: dict[int | None, list[Node]] = defaultdict(list)
    for node in by_id.values():
        parent = node.parent_id if node.parent_id in by_id else None
        children[parent].append(node)

    # Post-order without recursion: a roadmap may be deep and Python's stack is not.
    order: list[Node] = []
    state: dict[int, int] = {}  # 1 = on the stack, 2 = finished
    for root in children[None]:
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                state[node.id] = 2
                order.append(node)
                continue
            if state.get(node.id) == 1:
                raise CycleError(f"item {node.id} is its own ancestor")
            state[node.id] = 1
            stack.append((node, True))
            for child in children.get(node.id, ()):
                if state.get(child.id):
                    raise CycleError(f"item {child.id} is its own ancestor")
                stack.append((child, False))
    if len(order) != len(by_id):
        unreachable = sorted(set(by_id) - {node.id for node in order})
        raise CycleError(f"items {unreachable[:5]} form a cycle")

    progress: dict[int, float] = {}
    for node in order:  # children come before their parent
        if node.status == CANCELLED:
            continue
        live = [c for c in children.get(node.id, ()) if c.status != CANCELLED]
        total = sum(c.weight for c in live)
        if live and total > 0:
            progress[node.id] = sum(c.weight * progress[c.id] for c in live) / total
        else:
            progress[node.id] = _own_progress(node)

    effective: dict[int, float] = {}
    for node in reversed(order):  # parents come before their children
        if node.status == CANCELLED:
            effective[node.id] = 0.0
            continue
        parent_id = node.parent_id if node.parent_id in by_id else None
        if parent_id is None:
            effective[node.id] = node.weight
            continue
        siblings = [c for c in children[parent_id] if c.status != CANCELLED]
        total = sum(c.weight for c in siblings)
        effective[node.id] = effective[parent_id] * node.weight / total if total > 0 else 0.0

    programme_sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for node in children[None]:
        if node.status == CANCELLED:
            continue
        sums = programme_sums[node.programme_id]
        sums[0] += node.weight * progress[node.id]
        sums[1] += node.weight
    programme_progress = {
        programme: weighted / total
        for programme, (weighted, total) in programme_sums.items()
        if total > 0
    }
    return RollUp(progress, effective, programme_progress)


def find_cycle(parent_of: Mapping[int | str, int | str | None]) -> list[int | str] | None:
    """The first cycle in a child -> parent mapping, as a list of ids, or None."""
    finished: set[int | str] = set()
    for start in parent_of:
        path: list[int | str] = []
        on_path: set[int | str] = set()
        node: int | str | None = start
        while node is not None and node not in finished:
            if node in on_path:
                return [*path[path.index(node) :], node]
            path.append(node)
            on_path.add(node)
            node = parent_of.get(node)
        finished.update(path)
    return None
