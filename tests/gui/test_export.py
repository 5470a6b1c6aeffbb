"""Export from the app: images at 1×/2×, one view, the clipboard, animations, themes, presentation."""

import xml.etree.ElementTree as ET

import numpy as np
from PIL import Image
from PySide6 import QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.presets import load_preset


def trained(make_window, qtbot, preset="binary-2d-blobs", steps=15):
    window = make_window(load_preset(preset))
    for _ in range(steps):
        window.live.step_once()
    qtbot.waitUntil(lambda: window.live.step == steps, timeout=60000)
    qtbot.waitUntil(window.live.surface_idle, timeout=60000)
    return window


def test_export_image_whole_figure_and_one_view(make_window, qtbot, tmp_path):
    window = trained(make_window, qtbot)
    window.export_image(tmp_path / "fig.png")
    assert Image.open(tmp_path / "fig.png").size == (1920, 1080)
    window.export_image(tmp_path / "surface2x.png", layout="surface", scale=2)
    assert Image.open(tmp_path / "surface2x.png").size == (3840, 2160)
    window.export_image(tmp_path / "fig.svg")
    ET.parse(tmp_path / "fig.svg")
    assert not window.document.modified


def test_export_dialog_flow_and_clipboard(make_window, qtbot, tmp_path, dialog_log, monkeypatch):
    from lossviz.gui import dialogs

    window = trained(make_window, qtbot)
    monkeypatch.setattr(dialogs, "ask_export_options", lambda parent: ("curve", 1))
    dialog_log["answers"]["save_path"] = str(tmp_path / "curve.png")
    window.exports.export_image_dialog()
    assert Image.open(tmp_path / "curve.png").size == (1920, 1080)
    dialog_log["answers"]["save_path"] = str(tmp_path / "missing" / "x.png")
    window.exports.export_image_dialog()
    assert "cannot write" in dialog_log["errors"][-1][1]
    window.exports.copy_image()
    assert QtWidgets.QApplication.clipboard().image().width() == 1920


def test_export_animation_and_cancel(make_window, qtbot, tmp_path):
    window = trained(make_window, qtbot, "linear-regression", steps=10)
    seen = []
    assert window.exports.export_animation(tmp_path / "run.gif", progress=lambda d, t: seen.append((d, t)))
    gif = Image.open(tmp_path / "run.gif")
    assert gif.n_frames == 11 and seen[-1] == (11, 11)
    scene = window.document.scene
    assert not window.exports.export_animation(tmp_path / "cancelled.gif", cancelled=lambda: True)
    assert not (tmp_path / "cancelled.gif").exists()
    assert window.document.scene is scene and not window.document.modified


def test_dark_theme_applies_to_window_and_exports(make_window, qtbot, tmp_path):
    window = trained(make_window, qtbot)
    window.dark_action.trigger()
    assert window.theme.name == "dark" and window.document.scene.extra["view"]["theme"] == "dark"
    shot = window.views.data_view.grab().toImage()
    corner = shot.pixelColor(5, 5)
    assert corner.lightness() < 60
    window.export_image(tmp_path / "dark.png", layout="curve")
    rgb = np.asarray(Image.open(tmp_path / "dark.png").convert("L"))
    assert np.median(rgb) < 60


def test_presentation_mode_enlarges_everything(make_window, qtbot):
    window = trained(make_window, qtbot)
    line = window.theme.line
    window.presentation_action.trigger()
    assert window.presenting and window.isFullScreen()
    assert window.theme.line > 1.5 * line and window.theme.font > 1.5 * window.base_theme.font
    window.presentation_action.trigger()
    assert not window.isFullScreen() and window.theme.line == line


def test_a_race_exported_from_the_app_draws_what_lossviz_render_draws(make_window, qtbot, tmp_path):
    from lossviz.gui.render import draw_scene

    window = make_window(load_preset("optimizer-race"))
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.step >= 20, timeout=30000)
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.live.idle, timeout=30000)
    exported = window.exports.figure()
    rendered = draw_scene(window.document.scene)
    try:
        labels = [run.label for run in window.live.race_runs()]
        assert len(labels) == 3
        for figure in (exported, rendered):  # one path, one ★, one legend entry and one model per racer
            assert figure.surface_plot.legend_labels() == labels
            kinds = [item.__class__.__name__ for item in figure.surface_plot.race_items]
            assert kinds.count("PlotDataItem") == 3 and kinds.count("ScatterPlotItem") == 3
            assert len(figure.loss_plot.race_items) == 3 and len(figure.data_plot.racer_items) == 3
        footer = exported.footer.text
        assert all(label in footer for label in labels)
    finally:
        exported.close()
        rendered.close()
    window.export_image(tmp_path / "race.png")
    assert Image.open(tmp_path / "race.png").size == (1920, 1080)
