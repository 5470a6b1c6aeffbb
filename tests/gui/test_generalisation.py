"""Issue 20 item 22, what generalises, live: L(θ|P) in the status bar and on the loss curve beside L(θ|D), the
confusion matrix (View → Confusion matrix) of the training and the test data, and R² beside RMSE."""

import re

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.distributions import default_distribution
from lossviz.core.features import Split
from lossviz.core.model import augment
from lossviz.core.population import population_values
from lossviz.core.presets import load_preset
from lossviz.core.problem import Problem
from lossviz.core.surface import SurfaceSpec, loss_surface
from lossviz.gui.presentation import presentation_scale

from .helpers import WAIT_MS, choose_fastest_speed, settle
from .test_population_gui import choose, line_scene

POPULATION = re.compile(r"L\(θ\|P\) = ([^,\s]+)")


# L(θ|P) by Monte Carlo over 100,000 draws on a 128 × 128 grid takes seconds, and minutes on a machine busy with
# other work (a test never depends on the machine's speed): the monkey's patience, not a minute
POPULATION_WAIT_MS = 600_000


def blobs_scene(n=40):
    """Binary 2-D blobs drawn from P: L(θ|P) of BCE has no closed form (a mean over the fixed sample of P)."""
    dist = default_distribution("blobs", "binary", 2, 2, n=n)
    return load_preset("binary-2d-blobs").replace(distribution=dist, data=dist.sample())


def step(window, qtbot, count=1):
    """Press the Step button ``count`` times and wait for the steps."""
    target = window.live.state().step + count
    for _ in range(count):
        QTest.mouseClick(window.controls.step, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.idle() and window.live.state().step == target, timeout=POPULATION_WAIT_MS)


def open_example(window, name):
    """File → Examples → ``name``."""
    entry = next(entry for entry in window.files.examples_menu.actions() if entry.data() == name)
    entry.trigger()
    assert window.document.scene == load_preset(name)


def population_surface_at(window, theta):
    """The value of the L(θ|P) surface at ``theta``: the surface code, over the very objective the surface worker
    makes, on a grid with θ at its centre node."""
    scene = window.document.scene
    problem = Problem.population(scene.shape, scene.loss, scene.distribution, scene.design().features, scene.l2)
    spec = window.live.surfaces.shown.spec
    x, y = window.live.surfaces.plane().point(theta)
    grid = SurfaceSpec(spec.x_param, spec.y_param, (x - 1, x + 1), (y - 1, y + 1), 3, theta.copy())
    return float(loss_surface(problem.objective(), grid).loss[1, 1])


@pytest.mark.parametrize("scene", [line_scene(), blobs_scene()], ids=["exact", "monte-carlo"])
def test_the_status_bar_shows_l_theta_p_as_the_population_surface_has_it(make_window, qtbot, scene):
    window = make_window(scene)
    live = window.live
    choose(window.controls.surface_of, "population")
    step(window, qtbot, 3)
    qtbot.waitUntil(lambda: live.idle() and live.surfaces.shown is not None, timeout=POPULATION_WAIT_MS)
    assert live.surfaces.shown.request.shows == "population"
    state = live.state()
    expected = population_surface_at(window, state.theta)
    assert state.population_loss == pytest.approx(expected, rel=1e-9)
    text = window.views.loss_label.text()
    assert text.startswith("L(θ|D) = ") and POPULATION.search(text).group(1) == f"{expected:.6g}"
    # a click on the surface starts there: L(θ|P) follows θ
    QTest.keyClick(window, Qt.Key.Key_R)
    settle(qtbot, window, POPULATION_WAIT_MS)
    state = live.state()
    assert state.step == 0 and state.population_loss == pytest.approx(population_surface_at(window, state.theta),
                                                                       rel=1e-9)


def test_a_step_back_shows_l_theta_p_of_that_step(make_window, qtbot):
    window = make_window(blobs_scene())
    live = window.live
    choose_fastest_speed(window)
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: live.state().step > 200, timeout=WAIT_MS)
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    for _ in range(5):
        QTest.keyClick(window, Qt.Key.Key_Left)
    settle(qtbot, window)
    state = live.state()
    assert state.cursor is not None
    scene = window.document.scene
    problem = Problem.population(scene.shape, scene.loss, scene.distribution)
    expected = population_values(problem.objective(), state.theta[None])[0]
    assert state.population_loss == pytest.approx(expected, rel=1e-12)
    assert POPULATION.search(window.views.loss_label.text()).group(1) == f"{expected:.6g}"


def test_the_loss_curve_draws_l_theta_p_with_a_legend_entry_where_there_is_a_p(make_window, qtbot):
    window = make_window(line_scene())
    plot = window.views.loss_plot
    step(window, qtbot, 5)
    x, y = plot.population_curve.getData()
    history = window.live.state().histories[0]
    scene = window.document.scene
    exact = Problem.population(scene.shape, scene.loss, scene.distribution).objective()
    np.testing.assert_array_equal(x, history.steps)
    np.testing.assert_allclose(y, population_values(exact, history.thetas), rtol=1e-12)  # exact: every entry
    assert plot.legend_labels() == ["L(θ|D)", "expected: L(θ|P)"]
    # with a test split too: three curves named
    window.document.set_capacity(None, 0.0, Split(0.3, 0))
    step(window, qtbot)
    assert plot.legend_labels() == ["training: L(θ|D_train)", "test: L(θ|D_test)", "expected: L(θ|P)"]
    # a scene without P: no P curve, no legend, no L(θ|P) in the status bar
    open_example(window, "binary-2d-blobs")
    step(window, qtbot, 2)
    x, _ = plot.population_curve.getData()
    assert x is None or not len(x)
    assert plot.legend_labels() == [] and "L(θ|P)" not in window.views.loss_label.text()


def test_running_values_l_theta_p_by_monte_carlo_along_the_way(make_window, qtbot):
    window = make_window(blobs_scene())
    live, plot = window.live, window.views.loss_plot
    choose_fastest_speed(window)
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: live.state().step > 300, timeout=WAIT_MS)
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    history = live.state().histories[0]
    valued = np.isfinite(history.population_losses)
    assert valued[-1] and valued.sum() >= 2  # the last entry and some on the way (how many: the machine's speed)
    x, y = plot.population_curve.getData()
    np.testing.assert_array_equal(x, history.steps[valued])
    assert y[-1] == live.state().population_loss


def confusion_counts(objective, theta, classes):
    """A numpy count of (true class, argmax prediction) pairs."""
    z = augment(objective.data.X) @ theta.T
    predicted = z.argmax(axis=1) if z.shape[1] > 1 else (z[:, 0] >= 0).astype(int)
    counts = np.zeros((classes, classes), dtype=int)
    np.add.at(counts, (objective.data.y.astype(int), predicted), 1)
    return counts


def shown_counts(table):
    """The counts a table of the dialog shows."""
    return np.array([[int(cell) for cell in row] for row in table.contents()[2]])


def test_the_confusion_matrix_counts_train_and_test_and_follows_steps_and_scenes(make_window, qtbot, dialog_log):
    window = make_window(load_preset("multiclass-3").replace(split=Split(0.3, 0)))
    live = window.live
    step(window, qtbot)
    action = window.actions_by_id["actionConfusion"]
    assert action.isEnabled()
    action.trigger()
    dialog = window.confusion.dialog
    qtbot.waitExposed(dialog)

    def check(classes):
        state = live.state()
        np.testing.assert_array_equal(shown_counts(dialog.train), confusion_counts(state.objective, state.theta, classes))
        assert dialog.train.contents()[0] == [str(c) for c in range(classes)]
        if state.test_objective is not None:
            test = confusion_counts(state.test_objective, state.theta, classes)
            np.testing.assert_array_equal(shown_counts(dialog.test), test)
            assert dialog.test.accuracy.text().startswith(f"accuracy {100 * np.trace(test) / test.sum():.1f} %")
        assert dialog.test.isVisible() == (state.test_objective is not None)

    check(3)
    before = dialog.contents()
    step(window, qtbot, 2)  # the Step button: the tables follow θ
    check(3)
    assert dialog.contents() != before
    shown = dialog.contents()
    dialog.close()
    action.trigger()  # closed and opened again: the same tables
    qtbot.waitExposed(dialog)
    assert dialog.contents() == shown
    open_example(window, "binary-2d-blobs")  # another scene: two classes, no test split
    settle(qtbot, window)
    check(2)
    assert not dialog.test.isVisible()
    window.document.change_structure("to regression", task="regression", dims=1, data=load_preset("linear-regression").data)
    settle(qtbot, window)
    assert not action.isEnabled() and "regression" in action.toolTip()
    assert "regression" in dialog.note.text() and not dialog.train.isVisible()
    dialog.close()


def test_the_confusion_matrix_names_the_scenes_classes(make_window, qtbot):
    scene = load_preset("multiclass-3").replace(class_names=("setosa", "versicolor", "virginica"))
    window = make_window(scene)
    settle(qtbot, window)
    window.actions_by_id["actionConfusion"].trigger()
    dialog = window.confusion.dialog
    header, rows, _, _ = dialog.train.contents()
    assert header == rows == ["setosa", "versicolor", "virginica"]
    dialog.close()


def test_the_confusion_matrix_grows_with_presentation_mode(make_window, qtbot):
    window = make_window(load_preset("multiclass-3"))
    window.set_presentation(True)
    qtbot.waitUntil(window.isFullScreen, timeout=WAIT_MS)
    window.actions_by_id["actionConfusion"].trigger()
    dialog = window.confusion.dialog
    qtbot.waitExposed(dialog)
    scale = presentation_scale(window.screen())
    room = dialog.screen().availableGeometry().size() * 0.95
    assert dialog.train.table.font().pointSizeF() == pytest.approx(window.font().pointSizeF())
    assert (dialog.width(), dialog.height()) == (min(round(720 * scale), room.width()),
                                                 min(round(340 * scale), room.height()))
    dialog.close()
    window.set_presentation(False)
    settle(qtbot, window)


def test_regression_shows_r_squared_beside_rmse(make_window, qtbot):
    window = make_window(load_preset("linear-regression"))
    step(window, qtbot, 4)
    state = window.live.state()
    y, y_hat = state.objective.data.y, state.objective.outputs(state.theta)[:, 0]
    r2 = 1 - np.sum((y_hat - y) ** 2) / np.sum((y - y.mean()) ** 2)
    text = window.views.quality_label.text()
    assert text.startswith("RMSE ") and text.endswith(f",  R² {r2:.3f}")
    assert not window.actions_by_id["actionConfusion"].isEnabled()
