"""Roll-up arithmetic on hand-computed trees (pure: no database)."""

import pytest

from halyq.programmes.rollup import CycleError, Node, find_cycle, roll_up


def node(id, parent=None, weight=1.0, status="in_progress", progress=0, programme=1):
    return Node(id, parent, programme, weight, status, progress)


def test_weighted_children_roll_up_into_the_parent():
    # parent 1 with parts weighted 1 and 3: (1*40 + 3*80) / 4 = 70
    result = roll_up([node(1), node(2, 1, 1.0, progress=40), node(3, 1, 3.0, progress=80)])
    assert result.progress[1] == pytest.approx(70.0)
    assert result.programme_progress[1] == pytest.approx(70.0)


def test_done_counts_one_hundred_whatever_progress_was_stored():
    result = roll_up([node(1), node(2, 1, status="done", progress=10), node(3, 1, progress=0)])
    assert result.progress[1] == pytest.approx(50.0)


def test_nested_levels():
    # 1 ─┬─ 2 (w2) ─┬─ 4 (w1) done     -> 2 = (100 + 0*1)/2 = 50
    #    │          └─ 5 (w1) 0
    #    └─ 3 (w1) 20                   -> 1 = (2*50 + 1*20)/3 = 40
    nodes = [
        node(1),
        node(2, 1, 2.0),
        node(3, 1, 1.0, progress=20),
        node(4, 2, status="done"),
        node(5, 2, progress=0),
    ]
    result = roll_up(nodes)
    assert result.progress[2] == pytest.approx(50.0)
    assert result.progress[1] == pytest.approx(40.0)


def test_cancelled_children_are_excluded_from_the_roll_up():
    # without the cancelled part (weight 5, progress 0) the parent is (1*60)/1 = 60
    result = roll_up(
        [node(1), node(2, 1, progress=60), node(3, 1, 5.0, status="cancelled", progress=0)]
    )
    assert result.progress[1] == pytest.approx(60.0)
    assert 3 not in result.progress
    assert result.effective_weight[3] == 0.0
    assert result.effective_weight[2] == pytest.approx(1.0)


def test_a_parent_whose_parts_are_all_cancelled_uses_its_own_report():
    result = roll_up([node(1, progress=30), node(2, 1, status="cancelled", progress=90)])
    assert result.progress[1] == pytest.approx(30.0)


def test_cancelled_top_level_measures_leave_the_programme_progress():
    result = roll_up(
        [
            node(1, progress=50),
            node(2, weight=3.0, status="cancelled"),
            node(3, weight=1.0, progress=100, status="done"),
        ]
    )
    assert result.programme_progress[1] == pytest.approx(75.0)


def test_programmes_are_rolled_up_separately():
    result = roll_up([node(1, progress=20, programme=1), node(2, progress=80, programme=2)])
    assert result.programme_progress == {1: pytest.approx(20.0), 2: pytest.approx(80.0)}


def test_effective_weights_split_a_parent_among_its_parts():
    # top 1 (w2) with parts 2 (w1) and 3 (w3): 2 gets 2*1/4 = 0.5, 3 gets 2*3/4 = 1.5
    # 3 has parts 4 (w1) and 5 (w1): 0.75 each; top 6 (w1) keeps 1
    nodes = [
        node(1, weight=2.0),
        node(2, 1, 1.0),
        node(3, 1, 3.0),
        node(4, 3, 1.0),
        node(5, 3, 1.0),
        node(6, weight=1.0),
    ]
    weights = roll_up(nodes).effective_weight
    assert weights[1] == pytest.approx(2.0)
    assert weights[2] == pytest.approx(0.5)
    assert weights[3] == pytest.approx(1.5)
    assert weights[4] == pytest.approx(0.75)
    assert weights[5] == pytest.approx(0.75)
    assert weights[6] == pytest.approx(1.0)
    assert weights[2] + weights[3] == pytest.approx(weights[1])


def test_the_children_of_a_cancelled_parent_weigh_nothing():
    weights = roll_up([node(1, status="cancelled"), node(2, 1)]).effective_weight
    assert weights == {1: 0.0, 2: 0.0}


def test_a_deep_roadmap_does_not_hit_the_recursion_limit():
    nodes = [node(1, progress=0)] + [node(i, i - 1) for i in range(2, 5001)]
    nodes[-1] = node(5000, 4999, status="done")
    assert roll_up(nodes).progress[1] == pytest.approx(100.0)


def test_a_cycle_is_detected():
    with pytest.raises(CycleError):
        roll_up([node(1, 3), node(2, 1), node(3, 2)])
    assert find_cycle({"a": "b", "b": "c", "c": "a", "d": None}) is not None
    assert find_cycle({"a": None, "b": "a", "c": "b"}) is None
    assert find_cycle({"x": "x"}) == ["x", "x"]
