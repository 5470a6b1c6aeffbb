"""The model in the table's units (issue 21, part 1): for a table imported with --standardize, the panel and the
render footer give W and b taken back to the columns' own units — at the minimum, least squares on the raw table."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.optimizers import OptimizerConfig
from lossviz.core.presets import load_preset
from lossviz.core.scene import read_scene
from tests.cli.test_import_cli import run
from tests.cli.test_units_cli import house_table

from .helpers import WAIT_MS, move, settle


def house_scene(tmp_path):
    house_table(tmp_path / "house.csv")
    made = run(["import", "house.csv", "--x", "all", "--y", "price", "--task", "regression", "--standardize",
                "-o", "house.json"], tmp_path)
    assert made.returncode == 0, made.stderr
    return read_scene(tmp_path / "house.json")


def expected_line(scene, theta):
    """'ŷ = 2.5·area + 14·rooms − 1.1·age + 30' by hand: W/σ and b − Σ W μ/σ."""
    mean, std = np.array(scene.standardization.mean), np.array(scene.standardization.std)
    w = theta[0, :-1] / std
    b = theta[0, -1] - np.sum(theta[0, :-1] * mean / std)
    terms = [f"{abs(v):.3g}·{name}" for v, name in zip(w, ("area", "rooms", "age"))]
    signs = ["−" if v < 0 else "" for v in w[:1]] + [" − " if v < 0 else " + " for v in w[1:]]
    return "ŷ = " + "".join(s + t for s, t in zip(signs, terms)) + (" − " if b < 0 else " + ") + f"{abs(b):.3g}"


def test_the_panel_gives_the_model_in_the_tables_units_as_theta_moves(make_window, qtbot, tmp_path):
    scene = house_scene(tmp_path).replace(optimizer=OptimizerConfig("gd", 0.5))
    window = make_window(scene)
    settle(qtbot, window)
    line = window.controls.units
    assert line.isVisibleTo(window) and line.text() == "In the table's units:\n" + expected_line(scene, scene.init)
    for _ in range(200):
        QTest.mouseClick(window.controls.step, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.idle() and window.live.state().step == 200, timeout=WAIT_MS)
    theta = window.live.state().theta
    assert line.text() == "In the table's units:\n" + expected_line(scene, theta)
    raw = np.column_stack([np.array(scene.data.X) * scene.standardization.std + scene.standardization.mean,
                           np.ones(len(scene.data.y))])
    least, *_ = np.linalg.lstsq(raw, scene.data.y, rcond=None)  # GD at η = 0.5 has converged by 200 steps
    assert expected_line(scene, theta) == expected_line(scene, np.array([
        [*(least[:-1] * scene.standardization.std), least[-1] + least[:-1] @ scene.standardization.mean]]))
    settle(qtbot, window)


def test_hovering_a_sample_names_its_columns_in_the_tables_units(make_window, qtbot, tmp_path):
    X, _ = house_table(tmp_path / "raw.csv")
    window = make_window(house_scene(tmp_path))
    settle(qtbot, window)
    x, y = window.views.data_plot.point_positions()[7]
    move(window.views.data_view, x, y)
    z = window.document.scene.data.X[7]
    assert (f"sample 8: area = {float(f'{X[7, 0]:.3f}'):.4g} ({z[0]:.3g} standardised), rooms = {X[7, 1]:.4g} "
            f"({z[1]:.3g} standardised), age = ") in window.statusBar().currentMessage()


def test_no_line_without_a_standardisation(make_window, qtbot):
    window = make_window(load_preset("linear-regression"))
    settle(qtbot, window)
    assert not window.controls.units.isVisibleTo(window) and window.controls.units.text() == ""


def test_the_render_footer_says_the_same(tmp_path, qapp):
    from lossviz.figures.figure import draw_scene

    scene = house_scene(tmp_path)
    figure = draw_scene(scene, steps=0)
    try:
        assert "in the table's units: " + expected_line(scene, scene.init) in figure.footer.text
    finally:
        figure.close()
