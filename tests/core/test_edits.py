import numpy as np

from lossviz.core.dataset import make_dataset
from lossviz.core.edits import add_point, empty_like, move_point, nearest_point, remove_point


def test_edits_return_new_datasets_and_leave_the_old_alone():
    data = make_dataset([[0.0, 0.0], [1.0, 1.0]], [0, 1], "binary")
    added = add_point(data, [2.0, -1.0], 1)
    assert added.size == 3 and data.size == 2
    assert added.y.tolist() == [0, 1, 1] and added.y.dtype == data.y.dtype
    moved = move_point(added, 0, [5.0, 5.0])
    assert moved.X[0].tolist() == [5.0, 5.0] and added.X[0].tolist() == [0.0, 0.0]
    removed = remove_point(moved, 1)
    assert removed.X.tolist() == [[5.0, 5.0], [2.0, -1.0]] and removed.y.tolist() == [0, 1]
    assert empty_like(removed).size == 0 and empty_like(removed).dims == 2
    assert not removed.X.flags.writeable


def test_regression_move_carries_the_target():
    data = make_dataset([[0.0]], [1.5], "regression")
    assert move_point(data, 0, [2.0], 3.5).y.tolist() == [3.5]


def test_nearest_point_uses_screen_distance():
    points = np.array([[0.0, 0.0], [1.0, 100.0]])
    # 100 px per x unit, 1 px per y unit: (0.05, 95) is 5 px from the second point
    assert nearest_point(points, (0.95, 97.0), (100.0, 1.0)) == 1
    assert nearest_point(points, (0.5, 50.0), (100.0, 1.0)) is None
    assert nearest_point(np.empty((0, 2)), (0, 0), (1, 1)) is None
