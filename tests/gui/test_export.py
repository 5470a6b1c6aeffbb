"""Export from the app: images at 1×/2×, one view, the clipboard, animations, themes, presentation; the export
dialogs' remembered choices and proposed file names; shared GIF palettes; the loss curve's log scale."""

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.presets import load_preset
from lossviz.gui.state.readings import run_snapshot

from .helpers import WAIT_MS, settle
from .visible import settle_painted


def trained(make_window, qtbot, preset="binary-2d-blobs", steps=15):
    window = make_window(load_preset(preset))
    for _ in range(steps):
        window.live.step_once()
    qtbot.waitUntil(lambda: window.live.state().step == steps, timeout=WAIT_MS)
    settle_painted(window, qtbot)  # every view drawn: two exports in a row draw the same state
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
    from lossviz.gui.dialogs import common as dialogs

    window = trained(make_window, qtbot)
    monkeypatch.setattr(dialogs, "ask_export_options", lambda parent, chosen: dialogs.ImageOptions("curve", 1, "png"))
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


def test_dark_theme_is_the_users_preference_for_the_whole_window_and_its_exports(make_window, qtbot, tmp_path):
    """View → Dark theme: the plots, the panel, menus and status bar, and the exports; not an edit of the scene
    (an example opened keeps it, the next window starts with it)."""
    window = trained(make_window, qtbot)
    scene = window.document.scene
    window.dark_action.trigger()
    assert window.theme.name == "dark" and window.document.scene == scene and not window.document.modified
    assert window.views.data_view.grab().toImage().pixelColor(5, 5).lightness() < 60
    for widget in (window.controls, window.statusBar(), window.menuBar()):  # the whole window, not only the plots
        assert widget.palette().color(widget.backgroundRole()).lightness() < 80, widget
    window.export_image(tmp_path / "dark.png", layout="curve")
    assert np.median(np.asarray(Image.open(tmp_path / "dark.png").convert("L"))) < 60
    window.files.open_example("linear-regression")
    assert window.theme.name == "dark" and window.dark_action.isChecked()
    later = make_window()  # the next start
    assert later.theme.name == "dark" and later.dark_action.isChecked()
    assert later.controls.palette().color(later.controls.backgroundRole()).lightness() < 80
    later.dark_action.trigger()
    assert later.controls.palette().color(later.controls.backgroundRole()).lightness() > 150


def test_a_race_exported_from_the_app_draws_what_lossviz_render_draws(make_window, qtbot, tmp_path):
    from lossviz.figures.figure import draw_scene

    window = make_window(load_preset("optimizer-race"))
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.state().step >= 20, timeout=WAIT_MS)
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    exported = window.exports.figure()
    rendered = draw_scene(window.document.scene)
    try:
        labels = [run.label for run in window.live.state().runs]
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


BLOBS_SLUG = "2-d-binary-classification-two-blobs-sigmoid-bce"  # binary-2d-blobs' title
LINEAR_SLUG = "1-d-linear-regression-y-wx-b-with-the-l2-loss"  # "1-D linear regression: ŷ = Wx + b with the L2 loss"


def recording_save_path(monkeypatch, answer):
    """Replace the save dialog: record (suggestion, selected filter), answer ``answer()``."""
    from lossviz.gui.dialogs import common as dialogs

    asked = []

    def save_path(parent, title, suggestion="", file_filter="", selected_filter=""):
        asked.append((suggestion, selected_filter))
        return str(answer())

    monkeypatch.setattr(dialogs, "save_path", save_path)
    return asked


def test_image_options_and_folder_are_remembered_across_exports_and_windows(make_window, qtbot, tmp_path,
                                                                             monkeypatch):
    from lossviz.gui.dialogs import common as dialogs

    window = trained(make_window, qtbot)
    slides = tmp_path / "slides"
    slides.mkdir()
    offered = []
    monkeypatch.setattr(dialogs, "ask_export_options",
                        lambda parent, chosen: offered.append(chosen) or dialogs.ImageOptions("surface", 2, "svg"))
    asked = recording_save_path(monkeypatch, lambda: slides / "blobs-surface.svg")
    window.exports.export_image_dialog()
    assert offered == [dialogs.ImageOptions("full", 1, "png")]  # the defaults, at first
    assert asked[0] == (str(Path.home() / f"{BLOBS_SLUG}-surface.svg"), "SVG vector image (*.svg)")
    ET.parse(slides / "blobs-surface.svg")
    window.exports.export_image_dialog()
    assert offered[1] == dialogs.ImageOptions("surface", 2, "svg")
    assert asked[1] == (str(slides / f"{BLOBS_SLUG}-surface.svg"), "SVG vector image (*.svg)")
    window.settings.sync()

    again = make_window(load_preset("binary-2d-blobs"), show=False)  # the same settings file
    assert again.exports.image_options() == dialogs.ImageOptions("surface", 2, "svg")
    assert again.exports.proposed_path("svg", "surface") == slides / f"{BLOBS_SLUG}-surface.svg"


def test_proposed_file_name_comes_from_the_scene(make_window, qtbot, tmp_path):
    window = make_window(load_preset("binary-2d-blobs"), show=False)
    assert window.exports.proposed_path("png") == Path.home() / f"{BLOBS_SLUG}.png"
    assert window.exports.proposed_path("gif", "curve").name == f"{BLOBS_SLUG}-curve.gif"
    window.save_scene(tmp_path / "week 3 blobs.json")  # a file name wins over the title; its folder comes first
    assert window.exports.proposed_path("pdf", "data") == tmp_path / "week 3 blobs-data.pdf"
    untitled = make_window(load_preset("xor").replace(title=""), show=False)
    assert untitled.exports.proposed_path("png") == Path.home() / "lossviz.png"


def test_animation_dialog_choices_reach_the_writer_and_are_remembered(make_window, qtbot, tmp_path, dialog_log,
                                                                      monkeypatch):
    from lossviz.figures import animation
    from lossviz.gui.dialogs import common as dialogs

    window = trained(make_window, qtbot, "linear-regression", steps=10)
    monkeypatch.setattr(animation, "mp4_available", lambda: False)
    offered = []

    def ask(parent, chosen, mp4):
        offered.append((chosen, mp4))
        return dialogs.AnimationOptions((800, 450), 5, 4, "gif")

    monkeypatch.setattr(dialogs, "ask_animation_options", ask)
    asked = recording_save_path(monkeypatch, lambda: tmp_path / "descent")  # no suffix: the format's
    window.exports.export_animation_dialog()
    assert offered == [(dialogs.AnimationOptions((1280, 720), 12, 10, "gif"), False)]  # steps: the live step
    assert asked == [(str(Path.home() / f"{LINEAR_SLUG}.gif"), "GIF animation (*.gif)")]
    gif = Image.open(tmp_path / "descent.gif")
    assert gif.size == (800, 450) and gif.n_frames == len(animation.frame_steps(4)) == 5
    assert gif.info["duration"] == 200 and dialog_log["errors"] == []
    window.exports.export_animation_dialog()
    assert offered[1] == (dialogs.AnimationOptions((800, 450), 5, 10, "gif"), False)
    assert asked[1][0] == str(tmp_path / f"{LINEAR_SLUG}.gif")


def test_animation_frame_count_text():
    from lossviz.gui.dialogs.common import animation_summary

    assert animation_summary(10, 12) == "11 frames (one per step), 0.9 s at 12 fps"
    assert animation_summary(1000, 12) == "120 frames (every 8.4 steps), 10.0 s at 12 fps"


def test_gif_frames_share_one_palette(make_window, qtbot, tmp_path):
    """Every frame's pixels come from one palette of at most 255 colours (Pillow stores each frame with its own
    colour table, a subset of that palette plus "transparent" for unchanged pixels; a palette per frame, as
    before, gave over 2,000 colours in all)."""
    window = trained(make_window, qtbot, steps=6)
    assert window.exports.export_animation(tmp_path / "run.gif", size=(400, 225))
    gif = Image.open(tmp_path / "run.gif")
    colours = set()
    for number in range(gif.n_frames):
        gif.seek(number)
        colours |= {tuple(colour) for colour in np.unique(np.asarray(gif.convert("RGB")).reshape(-1, 3), axis=0)}
    assert gif.n_frames == 7 and len(colours) <= 255


def accept_next_dialog(labels):
    """Accept the next modal dialog as it is once it shows, keeping the texts of its labels."""

    def accept():
        dialog = QtWidgets.QApplication.activeModalWidget()
        if dialog is None:
            QtCore.QTimer.singleShot(10, accept)
            return
        labels.extend(label.text() for label in dialog.findChildren(QtWidgets.QLabel))
        dialog.accept()

    QtCore.QTimer.singleShot(0, accept)


def test_the_export_dialogs_start_from_the_choices_they_are_given(qtbot):
    from lossviz.gui.dialogs import common as dialogs

    parent = QtWidgets.QWidget()
    qtbot.addWidget(parent)
    labels = []
    accept_next_dialog(labels)
    chosen = dialogs.ImageOptions("curve", 4, "pdf")
    assert dialogs.ask_export_options(parent, chosen) == chosen
    accept_next_dialog(labels)
    chosen = dialogs.AnimationOptions((1920, 1080), 24, 30, "mp4")
    assert dialogs.ask_animation_options(parent, chosen, True) == chosen
    assert "31 frames (one per step), 1.3 s at 24 fps" in labels
    accept_next_dialog(labels)
    assert dialogs.ask_animation_options(parent, chosen, False) == dialogs.AnimationOptions((1920, 1080), 24, 30, "gif")
    assert any("pip install 'lossviz[mp4]'" in text for text in labels)


def test_an_exported_loss_curve_uses_the_windows_log_scale_and_fits_its_losses(make_window, qtbot):
    window = trained(make_window, qtbot, steps=30)
    losses = run_snapshot(window.live).runs[0][1].losses
    for log in (False, True):
        window.document.set_view_options(log_loss=log)
        figure = window.exports.figure(layout="curve")
        try:
            plot = figure.loss_plot.plot
            assert plot.getAxis("left").logMode == log
            low, high = plot.getViewBox().viewRange()[1]
            values = np.log10(losses) if log else losses
            span = values.max() - values.min()
            assert low <= values.min() < low + 0.1 * span and high - 0.1 * span < values.max() <= high
        finally:
            figure.close()


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils (pdftoppm) is not installed")
def test_a_pdf_exported_from_the_app_is_its_png_as_poppler_draws_it(make_window, qtbot, tmp_path):
    from tests.figures.pixels import assert_drawn_alike, poppler_drawing

    window = trained(make_window, qtbot, preset="multiclass-3")
    window.export_image(tmp_path / "fig.png")
    window.export_image(tmp_path / "fig.pdf")
    assert_drawn_alike(tmp_path / "fig.png", poppler_drawing(tmp_path / "fig.pdf", (1920, 1080)))


def test_a_file_name_made_from_a_long_title_ends_at_a_whole_word():
    """Issue 20 item 5: proposed export names were cut mid-word at 60 characters."""
    from lossviz.gui.controllers.exports import MAX_NAME, scene_file_name

    title = "Same start, same data, same surface: which optimizer gets down first? Momentum or Adam"
    name = scene_file_name(None, title)
    assert name == "same-start-same-data-same-surface-which-optimizer-gets-down" and len(name) <= MAX_NAME
    assert scene_file_name(None, "ŷ = σ(Wx + b)") == "y-σ-wx-b"
    assert scene_file_name(None, "x" * 80) == "x" * MAX_NAME  # one word longer than the limit: cut, as it must be
    assert scene_file_name(None, "…") == "lossviz"


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("rsvg-convert")),
                    reason="poppler-utils (pdftoppm) and librsvg2-bin (rsvg-convert) are needed")
def test_exports_after_an_import_the_dark_theme_f11_and_a_race_are_drawn_like_the_png(make_window, qtbot, tmp_path,
                                                                                         dialog_log):
    """A lecturer's history before exporting: import a table (named classes, a class legend), Dark theme, F11, an
    optimizer race of three (its legend under the surface) and some steps; the PDF as poppler draws it and the SVG as
    librsvg draws it match the PNG at full size."""
    from tests.cli.test_import_cli import iris_like_csv
    from tests.figures.pixels import assert_drawn_alike, librsvg_drawing, poppler_drawing

    window = make_window(load_preset("binary-2d-blobs"))
    dialog_log["answers"]["open_path"] = str(iris_like_csv(tmp_path / "iris.csv"))
    window.actions_by_id["actionImportCsv"].trigger()
    assert window.document.scene.class_names is not None
    window.dark_action.trigger()
    window.set_presentation(True)
    window.race_action.trigger()
    for _ in range(12):
        window.live.step_once()
    qtbot.waitUntil(lambda: window.live.idle() and window.live.state().step == 12, timeout=WAIT_MS)
    settle_painted(window, qtbot)
    for suffix in ("png", "pdf", "svg"):
        window.export_image(tmp_path / f"fig.{suffix}")
    assert_drawn_alike(tmp_path / "fig.png", poppler_drawing(tmp_path / "fig.pdf", (1920, 1080)))
    assert_drawn_alike(tmp_path / "fig.png", librsvg_drawing(tmp_path / "fig.svg", (1920, 1080)))
