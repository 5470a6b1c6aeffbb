"""The control panel's fields fit its dock (issue 20, item 4/5, "clip instead of shrink"): at 1280 × 720 the Data
section's generator list ("2-D blobs, 3 classes …") made the panel's content 34 px wider than its dock, cutting the
right end of every field (Re-split, the range boxes). A chooser is as wide as the panel gives it; the list shows
its items whole."""

import json

import pytest

from lossviz.core.presets import load_preset
from lossviz.core.scene import parse_scene_text

from .helpers import settle


def four_inputs():
    rows = [[i % 5, (i * 3) % 7, i / 10, (i * i) % 11] for i in range(30)]
    return parse_scene_text(json.dumps({"lossviz": 1, "task": "multiclass", "classes": 3,
                                        "class_names": ["setosa", "versicolor", "virginica"],
                                        "data": {"x": rows, "y": [i % 3 for i in range(30)]}}))


@pytest.mark.parametrize("scene", [load_preset("multiclass-3"), load_preset("sine-overfit"),
                                   load_preset("population-line"), four_inputs()],
                         ids=["multiclass-3", "sine-overfit", "population-line", "four inputs"])
def test_the_panel_content_fits_its_dock_at_1280_by_720(make_window, qtbot, scene):
    window = make_window(scene, show=False)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    viewport = window.panel_scroll.viewport().width()
    assert window.controls.minimumSizeHint().width() <= viewport
    assert window.controls.width() <= viewport  # nothing scrolled off to the right
