"""P(X, Y) in the window: New sample D ∼ P, the population surface, Resample ×20, and selected samples' own
losses with their gradient arrows — driven with real mouse and key events."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.dataset import Dataset
from lossviz.core.distributions import default_distribution
from lossviz.core.losses import get_loss
from lossviz.core.objective import Objective
from lossviz.core.population import population_objective, resample_minima
from lossviz.core.presets import load_preset
from lossviz.gui.state.readings import selection_arrows

from .helpers import WAIT_MS, click, settle, type_into


def line_scene(n=10, loss="l2"):
    dist = default_distribution("line", "regression", 1, 1, n=n)
    return load_preset("linear-regression").replace(distribution=dist, data=dist.sample(), loss=loss)


def shift_click(widget, x, y):
    from .helpers import to_viewport

    QTest.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     to_viewport(widget, x, y))


def choose(combo, data):
    """Pick the item holding ``data`` with the keyboard (Down/Up on the focused box, as a user would)."""
    combo.setFocus()
    target = combo.findData(data)
    while combo.currentIndex() != target:
        QTest.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)


def arrow_direction(item):
    """The direction of the first arrow drawn by ``item`` (from its tail to its tip)."""
    x, y = item.getData()
    return np.array([x[1] - x[0], y[1] - y[0]])


def unit(v):
    return np.asarray(v) / np.linalg.norm(v)


def test_new_sample_is_one_undo_step_and_says_where_the_data_came_from(make_window, qtbot):
    window = make_window(line_scene())
    document = window.document
    old_data, old_dist = document.scene.data, document.scene.distribution
    assert window.controls.distribution_box.provenance.text() == "D: N = 10 draws from P (seed 0)."
    steps = document.undo_stack.count()
    window.views.data_view.setFocus()
    QTest.keyClick(window.views.data_view, Qt.Key.Key_D)
    scene = document.scene
    assert document.undo_stack.count() == steps + 1
    assert scene.distribution.seed == 1 and scene.data == old_dist.sample(seed=1)
    assert window.controls.distribution_box.provenance.text() == "D: N = 10 draws from P (seed 1)."
    click(window.views.data_view, 0.5, 3.5)  # a point by hand
    assert "+ 1 point by hand" in window.controls.distribution_box.provenance.text()
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert document.scene.data == old_data and document.scene.distribution.seed == 0
    settle(qtbot, window)


def test_selecting_a_point_shows_its_own_surface_and_arrow(make_window, qtbot):
    window = make_window(line_scene())
    live, views = window.live, window.views
    settle(qtbot, live)
    index = 3
    x, y = views.data_plot.point_positions()[index]
    shift_click(views.data_view, x, y)
    assert live.selection.indices == (index,)
    assert views.data_plot.rings.data["x"].tolist() == [x]
    qtbot.waitUntil(lambda: live.idle() and live.surfaces.shown is not None, timeout=WAIT_MS)
    shown = live.surfaces.shown
    assert shown.request.shows == "samples"
    assert "Sample 4's own loss" in window.views.surface_view.getPlotItem().titleLabel.text
    data = window.document.scene.data
    one = Objective(window.document.scene.shape, get_loss("l2", "regression"),
                    Dataset(data.X[index:index + 1], data.y[index:index + 1]))
    surface = shown.surface
    for row, col in [(0, 0), (17, 40), (len(surface.y) - 1, 5)]:
        theta = live.theta_at(surface.x[col], surface.y[row])
        assert surface.loss[row, col] == pytest.approx(one.value(theta), rel=1e-9)
    _, grad = one.value_and_grad(live.state().theta)
    expected = -grad[0]  # (W, b): the surface's axes
    np.testing.assert_allclose(unit(arrow_direction(views.surface_plot.mean_arrow)), unit(expected), atol=1e-6)
    shift_click(views.data_view, x, y)  # again: unselected, back to L(θ|D)
    assert not live.selection
    qtbot.waitUntil(lambda: live.idle() and live.surfaces.shown is not None, timeout=WAIT_MS)
    assert live.surfaces.shown.request.shows == "data"
    assert views.surface_plot.mean_arrow.getData()[0] is None or not len(views.surface_plot.mean_arrow.getData()[0])


def test_selecting_every_point_gives_the_mean_arrow_minus_grad_L(make_window, qtbot):
    window = make_window(load_preset("binary-2d-blobs"))
    live, views = window.live, window.views
    for _ in range(3):
        QTest.mouseClick(window.controls.step, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: live.idle() and live.state().step == 3, timeout=WAIT_MS)
    data_surface = live.surfaces.shown.surface
    views.data_view.setFocus()
    QTest.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(live.selection) == window.document.scene.data.size
    qtbot.waitUntil(lambda: live.idle() and live.surfaces.shown is not None, timeout=WAIT_MS)
    origin, vectors, mean = selection_arrows(live)
    _, grad = live.state().objective.value_and_grad(live.state().theta)
    np.testing.assert_allclose(mean, -live.surfaces.plane().coordinates(grad[None])[0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(unit(arrow_direction(views.surface_plot.mean_arrow)), unit(mean), atol=1e-6)
    assert len(vectors) == min(100, window.document.scene.data.size)
    # the mean of every sample's loss is L(θ|D): the same surface, to rounding
    np.testing.assert_allclose(live.surfaces.shown.surface.loss, data_surface.loss, rtol=1e-12)
    QTest.keyClick(window, Qt.Key.Key_Escape)
    assert not live.selection and not len(views.data_plot.rings.data)
    settle(qtbot, live)


def test_population_view_and_both(make_window, qtbot):
    window = make_window(line_scene())
    live, controls = window.live, window.controls
    settle(qtbot, live)
    assert controls.surface_of.isEnabled()
    choose(controls.surface_of, "population")
    assert window.document.view_options().surface_of == "population"
    qtbot.waitUntil(lambda: live.idle() and live.surfaces.shown is not None, timeout=WAIT_MS)
    shown = live.surfaces.shown
    assert shown.request.shows == "population"
    scene = window.document.scene
    exact = population_objective(scene.distribution, scene.shape, "l2")
    theta = live.theta_at(shown.surface.x[9], shown.surface.y[30])
    assert shown.surface.loss[30, 9] == pytest.approx(exact.value(theta), rel=1e-9)
    assert "L(θ|P)" in controls.formula.text()
    choose(controls.surface_of, "both")
    qtbot.waitUntil(lambda: live.idle() and live.population.overlay is not None, timeout=WAIT_MS)
    assert live.surfaces.shown.request.shows == "data"
    x, _ = window.views.surface_plot.population.getData()
    assert x is not None and len(x) > 10  # the dashed contours of L(θ|P)
    np.testing.assert_allclose(window.views.surface_plot.population_minimum.data["x"],
                               [exact.quadratic_statistics().theta_star[0]], atol=0.05)


def test_l_theta_p_contours_follow_the_features_standardised_on_d(make_window, qtbot):
    """With φ(x) of degree 2, standardised on D, a point added changes L(θ|P) over the same grid: the dashed
    contours are asked for again, and after Ctrl+Z they are those of the scene before (found by the monkey, seed 12:
    the contours of an older φ stayed, since the grid had not changed)."""
    from lossviz.core.scene import SurfaceConfig

    scene = line_scene(n=10)
    window = make_window(scene.replace(surface=SurfaceConfig(x_range=(-3.0, 3.0), y_range=(-3.0, 3.0))))
    live = window.live
    type_into(window.controls.overfit_box.degree, "2")
    window.document.set_view_options(surface_of="both")

    def overlay_is_exact():
        overlay, scene = live.population.overlay, window.document.scene
        if not live.idle() or overlay is None or not overlay.final:
            return False
        exact = population_objective(scene.distribution, scene.shape, "l2", scene.design().features)
        theta = live.theta_at(overlay.surface.x[9], overlay.surface.y[30])
        return overlay.surface.loss[30, 9] == pytest.approx(exact.value(theta), rel=1e-6)

    qtbot.waitUntil(overlay_is_exact, timeout=WAIT_MS)
    first = live.population.overlay.surface.loss.copy()
    click(window.views.data_view, 2.5, 4.0)  # a new point: φ is standardised on other rows, the grid stays
    assert window.document.scene.data.X.shape[0] == 11
    qtbot.waitUntil(overlay_is_exact, timeout=WAIT_MS)
    assert not np.allclose(live.population.overlay.surface.loss, first)  # another φ, another L(θ|P)
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.scene.data.X.shape[0] == 10
    qtbot.waitUntil(overlay_is_exact, timeout=WAIT_MS)
    np.testing.assert_allclose(live.population.overlay.surface.loss, first, rtol=1e-12)


def test_resample_draws_a_cloud_that_a_new_n_clears(make_window, qtbot):
    window = make_window(line_scene(n=10))
    live, box = window.live, window.controls.distribution_box
    settle(qtbot, live)
    QTest.mouseClick(box.resample, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: live.population.cloud is not None, timeout=WAIT_MS)
    scene = window.document.scene
    expected = resample_minima(scene.distribution, scene.shape, "l2", scene.init, scene.optimizer, scene.steps)
    np.testing.assert_allclose(live.population.cloud, expected, rtol=1e-12)
    assert len(window.views.surface_plot.cloud.data) == 20
    type_into(box.sample_size, "200")
    assert window.document.scene.distribution.n == 200
    assert live.population.cloud is None and not len(window.views.surface_plot.cloud.data)
    settle(qtbot, live)


def test_editing_p_moves_the_truth_and_the_population_surface(make_window, qtbot):
    window = make_window(line_scene())
    live, box = window.live, window.controls.distribution_box
    window.document.set_view_options(surface_of="population")
    qtbot.waitUntil(lambda: live.idle() and live.surfaces.shown is not None, timeout=WAIT_MS)
    before = live.surfaces.shown.surface.loss.copy()
    type_into(box.fields["slope"][0], "-0.5")
    assert window.document.scene.distribution.params["slope"] == -0.5
    xs, ys = window.views.data_plot.truth.getData()
    np.testing.assert_allclose(ys, -0.5 * xs + window.document.scene.distribution.params["intercept"])
    qtbot.waitUntil(lambda: live.idle() and live.surfaces.shown is not None, timeout=WAIT_MS)
    assert not np.allclose(live.surfaces.shown.surface.loss, before)
    assert box.fields["slope"][0].value() == -0.5  # the field typed into is the same field, still there


def test_a_task_change_drops_a_distribution_that_no_longer_fits(make_window, qtbot):
    window = make_window(line_scene())
    window.document.change_structure("to binary", task="binary", dims=2,
                                     data=load_preset("binary-2d-blobs").data)
    assert window.document.scene.distribution is None
    assert not window.controls.surface_of.isEnabled() and window.live.surfaces.surface_of() == "data"
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.scene.distribution is not None
    settle(qtbot, window)


def test_the_decomposition_window_draws_the_live_theta_and_saves_it(make_window, qtbot, dialog_log, tmp_path):
    window = make_window(load_preset("binary-2d-blobs"))
    for _ in range(4):
        QTest.mouseClick(window.controls.step, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.idle() and window.live.state().step == 4, timeout=WAIT_MS)
    window.findChild(type(window.race_action), "actionDecomposition").trigger()
    dialog = window.exports.decomposition
    assert dialog.isVisible() and not dialog.picture.pixmap().isNull()
    dialog_log["answers"]["save_path"] = str(tmp_path / "decomposition.png")
    QTest.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    from PySide6 import QtGui

    saved = QtGui.QImage(str(tmp_path / "decomposition.png"))
    assert (saved.width(), saved.height()) == (1920, 1080)
    QTest.mouseClick(dialog.redraw, Qt.MouseButton.LeftButton)
    assert not dialog_log["errors"]
    dialog.close()


def resample(window, qtbot):
    """Press Resample ×20 and wait for the cloud and the surface that frames it."""
    live = window.live
    QTest.mouseClick(window.controls.distribution_box.resample, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: live.population.cloud is not None, timeout=WAIT_MS)
    settle(qtbot, live)


def inside(view_range, points):
    (x0, x1), (y0, y1) = view_range
    return all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in points)


def test_resample_frames_the_cloud_and_theta_star_p_and_keeps_a_fixed_range(make_window, qtbot):
    window = make_window(line_scene(n=200))
    live, plot = window.live, window.views.surface_plot
    settle(qtbot, live)
    assert not window.document.scene.surface.fixed
    resample(window, qtbot)
    scene, cloud = window.document.scene, np.column_stack(plot.cloud.getData())
    star_p = np.column_stack(plot.population_minimum.getData())
    exact = population_objective(scene.distribution, scene.shape, "l2").quadratic_statistics().theta_star
    np.testing.assert_allclose(star_p[0], window.live.surfaces.plane().point(exact[None]), rtol=1e-9, atol=1e-12)  # × is θ*_P
    view = window.views.surface_viewbox.viewRange()
    assert scene.surface.fixed and inside(view, np.vstack([cloud, star_p]))
    (x0, x1), (y0, y1) = view
    spread = np.ptp(np.vstack([cloud, star_p]), axis=0) / [x1 - x0, y1 - y0]
    assert spread.max() > 0.6  # the cloud fills the view, not a 40-pixel blob by a far start θ
    assert window.document.undo_stack.undoText() == "frame the resampled minima"
    # a fixed range is the user's: a cloud drawn at a larger N shows smaller in it
    type_into(window.controls.distribution_box.sample_size, "2000")
    QTest.mouseClick(window.controls.distribution_box.new_sample, Qt.MouseButton.LeftButton)
    settle(qtbot, live)
    resample(window, qtbot)
    assert window.views.surface_viewbox.viewRange() == view
    smaller = np.ptp(np.column_stack(plot.cloud.getData()), axis=0) / [x1 - x0, y1 - y0]
    assert smaller.max() < 0.6 * spread.max()


def test_undo_of_the_frame_gives_the_automatic_range_back_and_keeps_the_cloud(make_window, qtbot):
    window = make_window(line_scene(n=200))
    settle(qtbot, window.live)
    automatic = window.views.surface_viewbox.viewRange()
    resample(window, qtbot)
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window.live)
    assert not window.document.scene.surface.fixed and window.controls.auto_range.isChecked()
    assert np.allclose(window.views.surface_viewbox.viewRange(), automatic)
    assert len(window.views.surface_plot.cloud.data) == 20


def test_the_cloud_has_its_own_colour_and_a_legend_under_the_surface(make_window, qtbot):
    window = make_window(line_scene(n=200))
    plot, theme = window.views.surface_plot, window.theme
    settle(qtbot, window.live)
    assert plot.cloud_legend_labels() == [] and plot.cloud_legend.shown_rect() is None
    resample(window, qtbot)
    ring = plot.cloud.opts["pen"].color().name().upper()
    assert ring == theme.cloud.upper() and len({ring, theme.population.upper(), theme.contour.upper()}) == 3
    assert plot.population_minimum.zValue() >= plot.cloud.zValue()  # × over the rings, never under them
    labels = plot.cloud_legend_labels()
    assert labels[:2] == ["θ*<sub>D</sub> of 20 other D ∼ P (N = 200)", "θ*<sub>P</sub>"]
    legend, view = plot.cloud_legend.shown_rect(), window.views.surface_viewbox.sceneBoundingRect()
    assert legend.top() >= view.bottom()  # under the surface: it hides no ring, × or path
    QTest.keyClick(window, Qt.Key.Key_F11)  # presentation mode: the legend is drawn anew, larger, and stays
    qtbot.waitUntil(lambda: window.presenting)
    assert plot.cloud_legend_labels() == labels
    QTest.keyClick(window, Qt.Key.Key_F11)
    type_into(window.controls.distribution_box.sample_size, "50")  # the cloud is of another N: gone, with its legend
    assert plot.cloud_legend_labels() == [] and plot.cloud_legend.shown_rect() is None
    settle(qtbot, window.live)
