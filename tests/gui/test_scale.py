"""Many samples in the window: the surface is estimated from a subsample first and refined to the exact one (never
the other way round), and the data view draws a bounded subset, saying so."""

from dataclasses import replace

import numpy as np
import pytest
from PySide6 import QtCore
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.dataset import Dataset
from lossviz.core.presets import load_preset
from lossviz.core.surface import loss_surface
from lossviz.gui.state import training
from lossviz.gui.workers.surface import (
    ESTIMATE_LOGITS,
    ESTIMATE_ROWS,
    PREVIEW_LOGITS,
    PREVIEW_RESOLUTION,
    SurfaceEstimate,
)
from lossviz.plots.data import DISPLAY_LIMIT, display_rows

from .helpers import LONG_WAIT_MS, WAIT_MS, settle, to_viewport

N = 6000  # more than ESTIMATE_ROWS and DISPLAY_LIMIT
RESOLUTION = load_preset("binary-2d-blobs").surface.resolution


def many_samples(n=N):
    rng = np.random.default_rng(5)
    X = rng.normal(0, 1.5, (n, 2)).round(3)
    return load_preset("binary-2d-blobs").replace(data=Dataset(X, (X[:, 0] + X[:, 1] > 0).astype(np.int64)))


def record(live):
    """Every surface the live run shows, in order."""
    shown = []
    live.surfaceReady.connect(shown.append)
    return shown


def exact_shown(live):
    return live.surfaces.shown is not None and live.surfaces.shown.estimate is None


def drawn_sample_near(X, place) -> int:
    """The drawn sample nearest to ``place`` (only a drawn sample can be grabbed)."""
    drawn = display_rows(len(X))
    return int(drawn[np.argmin(np.abs(X[drawn] - place).sum(axis=1))])


def press_and_drag(window, qtbot, index, offset, moves):
    """Press on sample ``index`` and move it by ``offset`` (data units) in ``moves`` mouse moves, not released:
    (the viewport, the end point) for the release."""
    X, view = window.document.scene.data.X, window.views.data_view
    viewport, start, end = view.viewport(), to_viewport(view, *X[index]), to_viewport(view, *(X[index] + offset))
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for t in np.linspace(0.1, 1.0, moves):
        QTest.mouseMove(viewport, QtCore.QPoint(round(start.x() + t * (end.x() - start.x())),
                                                round(start.y() + t * (end.y() - start.y()))))
        qtbot.wait(20)
    return viewport, end


def test_an_estimate_from_a_subsample_comes_first_and_the_exact_surface_replaces_it(make_window, qtbot):
    window = make_window(many_samples(), show=False)
    live = window.live
    shown = record(live)
    qtbot.waitUntil(lambda: exact_shown(live) and live.idle(), timeout=LONG_WAIT_MS)
    assert shown[0].estimate is not None and shown[-1].estimate is None  # estimate, then exact
    # a new frame: the estimate at PREVIEW_RESOLUTION, then at the scene's, then the exact surface (never back)
    assert [(r.estimate is None, r.spec.resolution) for r in shown[-3:]] == [
        (False, PREVIEW_RESOLUTION), (False, RESOLUTION), (True, RESOLUTION)]
    assert all(r.spec.x_range == shown[-1].spec.x_range for r in shown[-3:])  # one frame
    estimate = shown[0].estimate
    assert (estimate.rows, estimate.total) == (ESTIMATE_ROWS, N) and estimate.error > 0
    assert all(a.request.sequence <= b.request.sequence for a, b in zip(shown, shown[1:], strict=False))
    exact = shown[-1]
    expected = loss_surface(window.document.scene.objective(), exact.spec)
    np.testing.assert_allclose(exact.surface.loss, expected.loss, rtol=1e-12)
    assert "estimate" not in window.views.surface_title()[0]


@pytest.mark.parametrize("n", [ESTIMATE_ROWS, 100])
def test_a_slow_exact_surface_is_first_shown_at_a_quarter_of_its_grid(make_window, qtbot, n):
    # too few samples for an estimate, but a grid of more than PREVIEW_LOGITS logits: the same exact loss on a coarser
    # grid first (the window's first surface sooner), then the scene's; a quick one comes at once
    window = make_window(many_samples(n), show=False)
    live = window.live
    shown = record(live)
    qtbot.waitUntil(lambda: exact_shown(live) and live.idle(), timeout=LONG_WAIT_MS)
    slow = RESOLUTION ** 2 * n * 1 > PREVIEW_LOGITS
    assert slow == (n == ESTIMATE_ROWS)
    assert [(r.estimate, r.spec.resolution, r.final) for r in shown] == (
        [(None, PREVIEW_RESOLUTION, False)] if slow else []) + [(None, RESOLUTION, True)]
    objective = window.document.scene.objective()
    for result in shown:  # each exactly the loss on its grid, one frame for both
        assert result.spec.x_range == shown[-1].spec.x_range and result.spec.y_range == shown[-1].spec.y_range
        np.testing.assert_allclose(result.surface.loss, loss_surface(objective, result.spec).loss, rtol=1e-12)
    assert "estimate" not in window.views.surface_title()[0]


def test_more_classes_are_estimated_from_fewer_samples(make_window, qtbot):
    """The estimate costs about the same whatever the classes: at most ESTIMATE_LOGITS logits a grid point."""
    scene = many_samples()
    X = scene.data.X
    labels = (X[:, 0] > 0).astype(np.int64) + (X[:, 1] > 0)  # 0, 1, 2
    window = make_window(load_preset("multiclass-3").replace(data=Dataset(X, labels)), show=False)
    shown = record(window.live)
    qtbot.waitUntil(lambda: exact_shown(window.live) and window.live.idle(), timeout=LONG_WAIT_MS)
    assert shown[0].estimate is not None and shown[0].estimate.rows == ESTIMATE_LOGITS // 3 < ESTIMATE_ROWS


def test_a_late_estimate_or_a_superseded_surface_is_never_shown(make_window, qtbot):
    window = make_window(many_samples(), show=False)
    live = window.live
    qtbot.waitUntil(lambda: exact_shown(live) and live.idle(), timeout=LONG_WAIT_MS)
    exact = live.surfaces.shown
    late = replace(exact, estimate=SurfaceEstimate(ESTIMATE_ROWS, N, 1.0, 0.1), final=False)
    live.surfaces.worker.ready.emit(late)  # an estimate of the very request, arriving after its exact surface
    settle(qtbot, live)
    assert live.surfaces.shown is exact
    loss = window.controls.loss
    loss.setFocus()
    QTest.keyClick(loss, Qt.Key.Key_Down)  # another loss: another question
    assert window.document.scene.loss != "bce"
    qtbot.waitUntil(lambda: exact_shown(live) and live.idle(), timeout=LONG_WAIT_MS)
    now = live.surfaces.shown
    assert now.request.generation > exact.request.generation
    live.surfaces.worker.ready.emit(exact)  # the old question's surface, arriving late
    settle(qtbot, live)
    assert live.surfaces.shown is now


def test_many_samples_draw_a_bounded_subset_and_say_so(make_window, qtbot):
    window = make_window(many_samples())
    settle(qtbot, window, LONG_WAIT_MS)
    plot = window.views.data_plot
    drawn = sum(len(scatter.data) for scatter in (*plot.scatters, *plot.hollow))
    assert drawn == DISPLAY_LIMIT
    assert f"({DISPLAY_LIMIT:,} of {N:,} samples drawn)" in window.views.data_view.getPlotItem().titleLabel.text
    X = window.document.scene.data.X
    hidden = np.setdiff1d(np.arange(N), display_rows(N))
    assert window.views.point_at(*X[hidden[0]]) != hidden[0]  # a sample not drawn cannot be grabbed


def test_a_drag_shows_estimates_and_the_release_the_exact_surface(make_window, qtbot):
    window = make_window(many_samples())
    live = window.live
    qtbot.waitUntil(lambda: exact_shown(live) and live.idle(), timeout=LONG_WAIT_MS)
    shown = record(live)
    X = window.document.scene.data.X
    index = drawn_sample_near(X, [0.5, 0.5])
    viewport, end = press_and_drag(window, qtbot, index, [0.8, 0.3], moves=10)
    qtbot.waitUntil(lambda: any(r.request.coarse and r.estimate is not None for r in shown), timeout=WAIT_MS)
    assert window.document.previewing and not exact_shown(live)  # still dragging: an estimate is shown
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    qtbot.waitUntil(lambda: exact_shown(live) and live.idle(), timeout=LONG_WAIT_MS)
    assert shown[-1].estimate is None and not shown[-1].request.coarse  # after the release
    np.testing.assert_allclose(window.document.scene.data.X[index], X[index] + [0.8, 0.3], atol=0.05)


@pytest.mark.parametrize("valued_during_drag", [True, False])
def test_over_many_samples_a_drag_values_the_loss_when_it_ends(make_window, qtbot, monkeypatch, valued_during_drag):
    """Above PREVIEW_VALUED_SAMPLES the status bar's L waits for the release (one point moves it by ≤ l/N); below,
    it follows every move. Either way it is then L of the data as dropped."""
    monkeypatch.setattr(training, "PREVIEW_VALUED_SAMPLES", N if valued_during_drag else N - 1)
    window = make_window(many_samples())
    live = window.live
    qtbot.waitUntil(lambda: exact_shown(live) and live.idle(), timeout=LONG_WAIT_MS)
    before = live.state().loss
    X = window.document.scene.data.X
    index = drawn_sample_near(X, [0.5, 0.5])
    viewport, end = press_and_drag(window, qtbot, index, [2.0, 1.5], moves=6)
    qtbot.waitUntil(lambda: not np.array_equal(window.document.scene.data.X[index], X[index]), timeout=WAIT_MS)
    assert window.document.previewing
    previewed = window.document.scene.objective().value(live.state().theta)
    assert live.state().loss == (previewed if valued_during_drag else before) and previewed != before
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    qtbot.waitUntil(lambda: not window.document.previewing and live.idle(), timeout=WAIT_MS)
    assert live.state().loss == window.document.scene.objective().value(live.state().theta)


def test_while_running_the_surface_follows_by_estimates_and_pausing_refines_it(make_window, qtbot):
    window = make_window(many_samples())
    live = window.live
    qtbot.waitUntil(lambda: exact_shown(live) and live.idle(), timeout=LONG_WAIT_MS)
    assert live.surfaces.plane().held()  # b₁ is held at θ: the surface follows the run
    shown = record(live)
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(not r.request.refine and r.estimate is not None for r in shown), timeout=WAIT_MS)
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: exact_shown(live) and live.idle(), timeout=LONG_WAIT_MS)
    assert not live.state().running and live.surfaces.shown.estimate is None
    plane = live.surfaces.plane()
    np.testing.assert_allclose(plane.held_values(live.surfaces.shown.spec.center), plane.held_values(live.state().theta))


def marker_state(window):
    """Positions and sizes of the drawn markers, per class."""
    return [(scatter.data["x"].tobytes(), scatter.data["y"].tobytes(), scatter.data["size"].tobytes())
            for scatter in window.views.data_plot.scatters]


def test_markers_after_a_run_are_those_of_a_fresh_window_at_its_theta(make_window, qtbot):
    """During a run only the markers' sizes are set again (their places stay); after it they are the sizes a
    window opened at the run's θ draws."""
    window = make_window(many_samples())
    settle(qtbot, window, LONG_WAIT_MS)
    before = marker_state(window)
    window.live.set_running(True)
    qtbot.waitUntil(lambda: window.live.state().step >= 40, timeout=WAIT_MS)
    window.live.set_running(False)
    settle(qtbot, window, LONG_WAIT_MS)
    after = marker_state(window)
    assert [state[2] for state in after] != [state[2] for state in before]  # the losses moved, and the sizes with them
    fresh = make_window(window.document.scene.replace(init=window.live.state().theta.copy()))
    qtbot.waitUntil(fresh.live.idle, timeout=LONG_WAIT_MS)
    assert marker_state(fresh) == after


def test_an_export_while_an_estimate_is_shown_draws_the_exact_surface(make_window, qtbot):
    """An estimate from a subsample is what the window shows for a moment; an exported figure is exact."""
    window = make_window(many_samples(), show=False)
    settle(qtbot, window, LONG_WAIT_MS)
    window.live.surfaces.request(refine=False)  # an estimate only, as a run asks for
    qtbot.waitUntil(lambda: window.live.idle() and window.live.surfaces.shown.estimate is not None, timeout=LONG_WAIT_MS)
    shown = window.live.surfaces.shown
    figure = window.exports.figure(size=(960, 540))
    try:
        exact = loss_surface(window.live.state().objective, replace(shown.spec, center=figure.surface_center))
        np.testing.assert_allclose(figure.surface_plot.surface.loss, exact.loss, rtol=1e-12)
        assert not np.allclose(shown.surface.loss, exact.loss, rtol=1e-6)  # the estimate was not it
    finally:
        figure.close()


def test_a_plane_through_theta_space_is_estimated_first_too(make_window, qtbot):
    """The pca plane of many samples: an estimate from a subsample on the plane, then the exact grid, equal to what
    ``lossviz surface --plane pca`` computes; the title says "estimate" only meanwhile."""
    from lossviz.core.experiment import scene_plane
    from lossviz.core.planes import plane_grid

    from .test_planes_window import choose

    window = make_window(many_samples(), show=False)
    live = window.live
    qtbot.waitUntil(lambda: exact_shown(live) and live.idle(), timeout=LONG_WAIT_MS)
    shown = record(live)
    choose(window.controls.x_axis, "plane:pca")
    qtbot.waitUntil(lambda: exact_shown(live) and live.idle() and live.surfaces.shown.plane is not None,
                    timeout=LONG_WAIT_MS)
    on_plane = [result for result in shown if result.plane is not None]
    assert on_plane[0].estimate is not None and on_plane[0].estimate.rows == ESTIMATE_ROWS
    assert on_plane[-1].estimate is None
    scene = window.document.scene
    plane, path = scene_plane(scene)
    expected = plane_grid(scene.objective(), plane, path, scene.surface.resolution)
    np.testing.assert_allclose(on_plane[-1].surface.loss, expected.loss, rtol=1e-12)
    assert "estimate" not in window.views.surface_title()[0]
