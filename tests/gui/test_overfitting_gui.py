"""Overfitting in the window: degree of φ, λ and the held-out test set, driven with real mouse and key events."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.distributions import default_distribution
from lossviz.core.features import Split
from lossviz.core.optimizers import OptimizerConfig
from lossviz.core.presets import load_preset
from lossviz.core.training import fit

from .helpers import LONG_WAIT_MS, SHORT_WAIT_MS, WAIT_MS, drag, settle, type_into


def sine_scene(n=15, degree=None, split=None, l2=0.0):
    dist = default_distribution("sine", "regression", 1, 1, n=n, seed=2)
    base = load_preset("linear-regression")
    return base.replace(distribution=dist, data=dist.sample(), degree=degree, split=split, l2=l2,
                        init=np.zeros((1, 2 if degree is None else degree + 1)),
                        optimizer=OptimizerConfig("adam", 0.05))


def step(window, qtbot, count):
    target = window.live.state().step + count
    for _ in range(count):
        QTest.mouseClick(window.controls.step, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.idle() and window.live.state().step == target, timeout=WAIT_MS)


def test_changing_the_degree_or_lambda_restarts_descent_and_redraws_the_curve(make_window, qtbot):
    window = make_window(sine_scene())
    live, box = window.live, window.controls.overfit_box
    step(window, qtbot, 5)
    straight = window.views.data_plot.model_curve.getData()
    assert len(straight[0]) == 2  # φ(x) = x: a line
    assert window.controls.task.currentText() == "regression: ŷ = Wx + b"
    type_into(box.degree, "7")
    scene = window.document.scene
    assert scene.degree == 7 and scene.init.shape == (1, 8) and live.state().step == 0
    assert "φ(x) = (x, x², x³, x⁴, …, x⁷), standardised" in window.controls.formula.text()
    assert window.controls.task.currentText() == "regression: ŷ = Wφ(x) + b"  # as the formula card says
    step(window, qtbot, 20)
    xs, ys = window.views.data_plot.model_curve.getData()
    assert len(xs) == 400 and np.ptp(np.diff(ys, 2)) > 0  # a curve now
    features = scene.design().features
    np.testing.assert_allclose(ys, (features(xs[:, None]) @ live.state().theta[0, :-1]) + live.state().theta[0, -1], rtol=1e-12)
    type_into(box.l2, "0.1")
    assert window.document.scene.l2 == 0.1 and live.state().step == 0
    objective = live.state().objective
    theta = np.ones((1, 8))
    assert objective.value(theta) == objective.data_value(theta) + 0.05 * 7
    assert "λ/2 ‖W‖², λ = 0.1" in window.controls.formula.text()
    assert "+ λ/2‖W‖²" in window.views.loss_label.text()
    settle(qtbot, live)


def test_test_points_are_hollow_and_not_trained_on(make_window, qtbot):
    window = make_window(sine_scene(n=20, degree=5, split=Split(0.3, 1)))
    live, plot = window.live, window.views.data_plot
    settle(qtbot, live)
    design = window.document.scene.design()
    assert len(design.test) == 6 and live.state().objective.size == 14
    hollow = sum(len(item.data) for item in plot.hollow)
    filled = sum(len(item.data) for item in plot.scatters)
    assert (hollow, filled) == (6, 14)
    assert all(item.opts["brush"].style() == Qt.BrushStyle.NoBrush for item in plot.hollow if len(item.data))
    step(window, qtbot, 10)
    assert np.isfinite(live.state().test_loss) and "L(θ|D_test)" in window.views.loss_label.text()
    x, y = window.views.loss_plot.test_curve.getData()
    assert x is not None and len(x) > 5 and window.views.loss_plot.legend.isVisible()


def test_dragging_a_test_point_changes_the_test_loss_not_the_trajectory(make_window, qtbot):
    scene = sine_scene(n=20, degree=3, split=Split(0.3, 1))
    window = make_window(scene)
    live = window.live
    step(window, qtbot, 10)
    test_loss = live.state().test_loss
    index = int(scene.design().test[0])
    x, y = window.views.data_plot.point_positions()[index]
    drag(window.views.data_view, (x, y), (x, y + 1.5))
    assert abs(window.document.scene.data.y[index] - (y + 1.5)) < 0.05
    settle(qtbot, live)
    assert live.state().test_loss != test_loss
    step(window, qtbot, 15)
    reference = fit(scene.objective(), scene.init, scene.optimizer, 25, seed=scene.seed)
    np.testing.assert_array_equal(live.state().theta, reference.thetas[-1])


def test_a_split_with_too_few_points_holds_fewer_out_and_says_so(make_window, qtbot):
    window = make_window(load_preset("linear-regression").replace(data=load_preset("linear-regression").data))
    data = window.document.scene.data
    window.document.edit_data(type(data)(data.X[:4], data.y[:4]), "keep four")
    type_into(window.controls.overfit_box.test_fraction, "0.9")
    scene = window.document.scene
    assert scene.split is not None and scene.split.test_fraction == 0.9
    assert (len(scene.design().train), len(scene.design().test)) == (2, 2)  # round(0.9 · 4) = 4 would leave none
    assert "2 held out" in window.statusBar().currentMessage()
    settle(qtbot, window)
    assert window.live.state().objective.size == 2


def test_the_capacity_view_fills_in_marks_the_degree_and_follows_the_data(make_window, qtbot, dialog_log, tmp_path):
    from lossviz.core.sweep import sweep
    from lossviz.gui.controllers.capacity import SWEEP_DEGREES

    scene = sine_scene(n=15, degree=3, split=Split(0.3, 0)).replace(steps=300)
    window = make_window(scene)
    capacity = window.capacity
    QTest.mouseClick(window.controls.overfit_box.capacity, Qt.MouseButton.LeftButton)
    dialog = capacity.dialog
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.progress.value() >= 1, timeout=WAIT_MS)  # progress as the fits come in
    assert not dialog.shown_image().isNull()
    qtbot.waitUntil(capacity.done, timeout=LONG_WAIT_MS)
    points = capacity.points()
    assert [p.degree for p in points] == list(SWEEP_DEGREES) and dialog.progress.value() == len(SWEEP_DEGREES)
    reference = sweep(window.document.scene, SWEEP_DEGREES)  # = lossviz sweep of the scene
    assert [(p.data_loss, p.test_loss) for p in points] == [(p.data_loss, p.test_loss) for p in reference]
    marked = dialog.shown_image().copy()
    type_into(window.controls.overfit_box.degree, "6")  # the window's degree: the mark moves, nothing is fitted
    qtbot.waitUntil(lambda: dialog.shown_image() != marked, timeout=WAIT_MS)
    assert capacity.done()
    dialog_log["answers"]["save_path"] = str(tmp_path / "capacity.svg")
    QTest.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    assert (tmp_path / "capacity.svg").stat().st_size > 1000 and not dialog_log["errors"]
    sweep = capacity.sweep
    type_into(window.controls.overfit_box.l2, "0.1")  # λ changed while open: the curve is computed again
    qtbot.waitUntil(lambda: capacity.sweep.number > sweep.number, timeout=SHORT_WAIT_MS)  # a new sweep was started
    qtbot.waitUntil(capacity.done, timeout=LONG_WAIT_MS)
    assert {p.l2 for p in capacity.points()} == {0.1}
    dialog.close()
    settle(qtbot, window)


def test_a_degree_typed_with_the_capacity_view_open_reaches_the_run_before_its_reports(make_window, qtbot):
    """The monkey's seed 15 on the planes branch: the capacity view moved its mark while the document's change was
    still on its way (drawing a figure runs Qt's events), so a training report of the model before reached the
    window before the live run had followed the new degree — θ of 2 columns drawn on a degree-12 surface. Every
    report the window draws must be of the document's model."""
    scene = sine_scene(n=15, degree=3, split=Split(0.3, 0)).replace(steps=300)
    window = make_window(scene)
    QTest.mouseClick(window.controls.overfit_box.capacity, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.capacity.done, timeout=LONG_WAIT_MS)
    drawn = []  # per report drawn: is θ of the document's model?
    window.live.progressed.connect(
        lambda *_: drawn.append(window.live.state().theta.shape == window.document.scene.init.shape))
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(drawn) > 2, timeout=WAIT_MS)
    for degree in ("12", "1", "7", "2", "12", "0", "5"):
        type_into(window.controls.overfit_box.degree, degree)
        count = len(drawn)
        qtbot.waitUntil(lambda count=count: len(drawn) > count, timeout=WAIT_MS)  # the new model's reports
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    window.capacity.dialog.close()
    settle(qtbot, window)
    assert all(drawn), drawn


def test_the_capacity_curve_stops_at_the_last_degree_phi_takes_on_the_inputs(make_window, qtbot):
    """The monkey's seed 9: a point at x = 1e20 (placed in a view zoomed far out) and the capacity curve: degrees 1 … 7
    are fitted (1e20^8 would overflow φ's bound), the status bar says why, no warning, no NaN."""
    import warnings

    from lossviz.core.dataset import Dataset

    scene = sine_scene(n=15, degree=2).replace(steps=30)
    X = scene.data.X.copy()
    X[0, 0] = 1e20
    window = make_window(scene.replace(data=Dataset(X, scene.data.y)))
    capacity = window.capacity
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        QTest.mouseClick(window.controls.overfit_box.capacity, Qt.MouseButton.LeftButton)
        assert "up to degree 7" in window.statusBar().currentMessage()
        qtbot.waitUntil(capacity.done, timeout=LONG_WAIT_MS)
    points = capacity.points()
    assert [p.degree for p in points] == list(range(1, 8)) and all(np.isfinite(p.data_loss) for p in points)
    capacity.dialog.close()
    settle(qtbot, window)
