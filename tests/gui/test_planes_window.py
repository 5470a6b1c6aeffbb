"""Planes through θ-space in the window (issue 21, part 2): the surface's x-axis chooser offers the trajectory, PCA,
Hessian and random planes after the parameters; the worker builds the plane from the scene's fit as `lossviz surface`
does (the same numbers), the path is drawn projected, the panel says how far θ lies off the plane; Ctrl+Z gives the
parameters back, and a saved scene opens, renders and computes on the same plane."""

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.experiment import scene_plane
from lossviz.core.planes import plane_grid
from lossviz.core.presets import load_preset
from lossviz.core.scene import read_scene
from tests.cli.test_import_cli import run

from .helpers import WAIT_MS, settle
from .visible import visible_state


def choose(combo, data):
    """Pick the entry holding ``data`` as the combo box's popup does (a click on it in the list)."""
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def on_plane(window, kind):
    shown = window.live.surfaces.shown
    return window.live.idle() and shown is not None and shown.plane is not None and shown.plane.kind == kind


def test_a_pca_plane_is_the_commands_and_the_path_is_drawn_on_it(make_window, qtbot, tmp_path):
    window = make_window(load_preset("binary-2d-blobs"))
    settle(qtbot, window)
    panel = window.controls
    choose(panel.x_axis, "plane:pca")
    scene = window.document.scene
    assert scene.surface.plane == "pca" and not panel.y_axis.isEnabled() and not panel.auto_range.isEnabled()
    qtbot.waitUntil(lambda: on_plane(window, "pca"), timeout=WAIT_MS)
    shown = window.live.surfaces.shown
    plane, path = scene_plane(scene)
    expected = plane_grid(scene.objective(), plane, path, scene.surface.resolution)
    np.testing.assert_allclose(shown.surface.loss, expected.loss, rtol=1e-12)
    np.testing.assert_allclose(shown.surface.x, expected.x, rtol=1e-12)
    item = window.views.surface_view.getPlotItem()
    assert item.getAxis("bottom").labelText.startswith("PC1 (")
    for _ in range(5):
        QTest.mouseClick(panel.step, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.idle() and window.live.state().step == 5, timeout=WAIT_MS)
    history = window.live.state().histories[0].thetas
    x, y = window.views.surface_plot.trajectory.getData()
    np.testing.assert_allclose(np.column_stack([x, y])[-1], plane.coordinates(history)[-1], rtol=1e-12)
    off = plane.off_plane(window.live.state().theta[None])[0]
    assert panel.held.text() == f"θ lies {off:.3g} off the pca plane (drawn projected)"
    # saved: `lossviz surface` and a fresh window give the same grid
    path_file = tmp_path / "pca.json"
    from lossviz.core.scene import write_scene

    write_scene(window.document.scene, path_file)
    assert json.loads(path_file.read_text())["surface"]["plane"] == "pca"
    result = run(["surface", path_file.name, "-o", "grid.json"], tmp_path)
    assert result.returncode == 0, result.stderr
    grid = json.loads((tmp_path / "grid.json").read_text())
    np.testing.assert_allclose(np.array(grid["loss"], dtype=float), shown.surface.loss, rtol=1e-12)
    window.activateWindow()
    QTest.keyClick(window.views.data_view, Qt.Key.Key_R)
    settle(qtbot, window)
    fresh = make_window(read_scene(path_file))
    qtbot.waitUntil(lambda: on_plane(fresh, "pca"), timeout=WAIT_MS)
    settle(qtbot, fresh)
    seen, wanted = visible_state(window), visible_state(fresh)
    for key in ("title", "label"):
        seen.pop(key), wanted.pop(key)
    assert seen == wanted, {key: (seen[key], wanted[key]) for key in seen if seen[key] != wanted[key]}
    window.activateWindow()  # the fresh window was the active one
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    QTest.keyClick(window.views.data_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.scene.surface.plane == "coords" and panel.y_axis.isEnabled()
    settle(qtbot, window)
    assert window.live.surfaces.shown.plane is None and panel.held.text().startswith("Held at the current θ: b₁")
    assert item.getAxis("bottom").labelText == "W₁₁"
    choose(panel.x_axis, "plane:pca")  # the same plane again (the worker keeps it): its axes again
    qtbot.waitUntil(lambda: on_plane(window, "pca"), timeout=WAIT_MS)
    assert item.getAxis("bottom").labelText.startswith("PC1 (")
    settle(qtbot, window)
    for _ in range(2):  # race on and off (the monkey's seed 18): the range boxes stay greyed and empty, as fresh
        window.race_action.trigger()
        settle(qtbot, window)
        assert [spin.value() for spin in panel.x_range + panel.y_range] == [0.0] * 4


@pytest.mark.parametrize("kind", ["trajectory", "hessian", "random"])
def test_every_plane_is_drawn_and_renders_the_same(make_window, qtbot, kind):
    from lossviz.figures.figure import draw_scene

    window = make_window(load_preset("multiclass-3"))
    settle(qtbot, window)
    choose(window.controls.x_axis, f"plane:{kind}")
    qtbot.waitUntil(lambda: on_plane(window, kind), timeout=WAIT_MS)
    shown = window.live.surfaces.shown
    assert np.isfinite(shown.surface.loss).all()
    figure = draw_scene(window.document.scene)
    try:
        np.testing.assert_allclose(figure.surface_plot.surface.loss, shown.surface.loss, rtol=1e-12)
    finally:
        figure.close()
    settle(qtbot, window)


def test_a_plane_the_fit_cannot_give_is_said_and_nothing_breaks(make_window, qtbot):
    window = make_window(load_preset("binary-2d-blobs").replace(steps=1))
    settle(qtbot, window)
    choose(window.controls.x_axis, "plane:pca")
    qtbot.waitUntil(lambda: "No pca plane" in window.statusBar().currentMessage(), timeout=WAIT_MS)
    assert "distinct point" in window.statusBar().currentMessage()
    settle(qtbot, window)
    assert window.live.surfaces.shown is None
    fresh = make_window(window.document.scene)  # the monkey's seed 18: the view stayed framed on the old surface
    settle(qtbot, fresh)
    assert visible_state(window)["surface view"] == visible_state(fresh)["surface view"]
