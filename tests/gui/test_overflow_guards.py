"""Values the window's model cannot take are refused where they are entered, with the reason, never reaching the
plots as NaN: P's draws under φ, points placed in a view zoomed out beyond 1e150, a start θ clicked where L(θ|D)
overflows. Found by the monkey (seeds 3 and 14: NaN marker sizes after P's spread was typed as 1e100 with φ of
degree 3, then New sample)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from lossviz.core.distributions import parse_distribution
from lossviz.core.errors import LossvizError
from lossviz.core.presets import load_preset
from lossviz.core.scene import parse_scene_text, scene_to_dict

from .helpers import click, settle, type_into


def choose(combo, value):
    combo.setCurrentIndex(combo.findData(value))
    combo.activated.emit(combo.currentIndex())


def test_a_spread_that_overflows_phi_is_refused_at_its_field(make_window, qtbot):
    window = make_window(load_preset("multiclass-3"))
    panel = window.controls
    type_into(panel.overfit_box.degree, "3")
    choose(panel.distribution_box.family, "blobs")
    field = panel.distribution_box.fields["std"][0]
    type_into(field, "1e100")
    assert window.document.scene.distribution.params["std"] == 0.8  # the P in use is the one before
    assert field.toolTip().startswith("Refused: distribution.params.std: P draws |x| up to 4e+101, which overflows "
                                      "φ of degree 3")
    type_into(field, "1e12")  # a spread φ of degree 3 takes: the mark goes
    assert window.document.scene.distribution.params["std"] == 1e12 and not field.toolTip().startswith("Refused")
    type_into(panel.overfit_box.degree, "12")  # (40·1e12)^12 > 1e150: the degree is refused, naming P
    assert window.document.scene.degree == 3 and panel.overfit_box.degree.value() == 3
    assert "distribution.params.std" in window.statusBar().currentMessage()
    window.views.data_view.setFocus()
    QTest.keyClick(window.views.data_view, Qt.Key.Key_D)  # a new D ∼ P: finite everywhere
    settle(qtbot, window)
    assert np.isfinite(window.live.state().loss) and np.isfinite(window.live.state().grad_norm)


def test_a_scene_whose_p_overflows_phi_is_refused_when_read():
    document = scene_to_dict(load_preset("sine-overfit"))
    document["distribution"]["params"]["x_range"] = [-1e60, 1e60]  # degree 3: 1e180
    with pytest.raises(LossvizError, match=r"^s: distribution\.params\.x_range: P draws \|x\| up to 1e\+60, which "
                                           r"overflows φ of degree"):
        parse_scene_text(__import__("json").dumps(document), "s")


def test_a_point_placed_beyond_what_phi_takes_is_refused(make_window, qtbot):
    window = make_window(load_preset("sine-overfit"))
    type_into(window.controls.overfit_box.degree, "12")
    size = window.document.scene.data.size
    window.views.data_viewbox.setRange(xRange=(-1e20, 1e20), yRange=(-1e20, 1e20), padding=0)
    click(window.views.data_view, 5e19, 0.0)
    assert window.document.scene.data.size == size
    assert "this point[0]: " in window.statusBar().currentMessage()
    assert "overflows φ of degree 12" in window.statusBar().currentMessage()


def test_a_start_where_the_loss_overflows_is_refused(make_window, qtbot):
    line = parse_distribution({"name": "line", "n": 20, "params": {"x_range": [-1e146, 1e146]}})
    scene = load_preset("linear-regression").replace(distribution=line, data=line.sample())
    window = make_window(scene)
    settle(qtbot, window)
    panel = window.controls
    box = panel.auto_range
    QTest.mouseClick(box, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(6, box.height() // 2))
    for spin, text in zip(panel.x_range + panel.y_range, ["-1e9", "1e9", "-1e9", "1e9"], strict=True):
        type_into(spin, text)
    settle(qtbot, window)
    init = window.document.scene.init.copy()
    assert window.document.scene.surface.x_range == (-1e9, 1e9)
    click(window.views.surface_view, 9e8, 9e8)  # W = 9e8 on x up to 1e146: (ŷ − y)² overflows
    assert np.array_equal(window.document.scene.init, init)
    assert "overflows float64 at this θ" in window.statusBar().currentMessage()


def test_a_refused_p_value_keeps_its_text_and_mark_through_another_settings_undo(make_window, qtbot):
    """The monkey's seed 10: a frequency of 1e150 typed into the sine's field is refused there (P stays as it was);
    a loss chosen and undone redraws the panel from the scene, but the field keeps what the user typed, marked,
    until they correct it."""
    window = make_window(load_preset("sine-samples"))
    panel = window.controls
    field = panel.distribution_box.fields["frequency"][0]
    type_into(field, "1e150")
    assert window.document.scene.distribution.params["frequency"] == 0.15
    assert field.property("refused") and field.toolTip().startswith("Refused: distribution.params.frequency")
    choose(panel.loss, "huber")
    assert window.document.scene.loss == "huber"
    window.actions_by_id["actionUndo"].trigger()
    settle(qtbot, window)
    assert window.document.scene.loss == "l2" and window.document.scene.distribution.params["frequency"] == 0.15
    assert field.property("refused") and field.toolTip().startswith("Refused: distribution.params.frequency")
    type_into(field, "0.25")  # corrected: the mark goes, P takes it
    assert not field.property("refused") and window.document.scene.distribution.params["frequency"] == 0.25
