"""The capacity figure (``lossviz.figures.sweep``): a colour per λ, small sizes that fit, a linear axis where the
losses are close."""

import numpy as np
import pytest

from lossviz.core.presets import load_preset
from lossviz.core.sweep import sweep
from tests.cli.test_sweep_cli import svg_texts


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_several_lambdas_get_a_colour_each(theme, tmp_path):
    from lossviz.figures.sweep import draw_sweep, wants_log

    scene = load_preset("sine-overfit").replace(steps=100)
    points = sweep(scene, [1, 2, 3, 6], [0.0, 0.1, 1.0])
    figure = draw_sweep(scene, points, theme, (1600, 900))
    try:
        legend = [label.text for _, label in figure.legend.items]
        assert legend[:2] == ["training loss L(θ|D<sub>train</sub>)", "test loss L(θ|D<sub>test</sub>)"]
        assert legend[2:] == ["λ = 0", "λ = 0.1", "λ = 1", "lowest test loss of each λ"]
        assert figure.log == wants_log(np.array([v for p in points for v in (p.data_loss, p.test_loss)]))
        figure.save(tmp_path / "m.svg")
        text = svg_texts(tmp_path / "m.svg")
        assert "underfitting" not in text  # the words go with one λ only
        assert text.count("lowest test loss") == 4  # the legend and a footer line per λ
        assert figure.overflow() <= 1.0
    finally:
        figure.close()


def test_small_figures_shrink_to_fit(tmp_path):
    from lossviz.figures.sweep import draw_sweep

    scene = load_preset("sine-overfit").replace(steps=50)
    figure = draw_sweep(scene, sweep(scene, range(1, 13), [0.0, 0.001, 0.01, 0.1, 1.0]), "light", (640, 360))
    try:
        assert figure.overflow() <= 1.0 and figure.image().size().toTuple() == (640, 360)
    finally:
        figure.close()


def test_a_linear_axis_when_the_losses_are_close(tmp_path):
    from lossviz.core.sweep import SweepPoint
    from lossviz.figures.sweep import draw_sweep

    points = [SweepPoint(d, 0.0, 0.2 + 0.01 * d, 0.2 + 0.01 * d, 0.3 - 0.01 * d) for d in range(1, 5)]
    figure = draw_sweep(load_preset("sine-overfit"), points)
    try:
        assert not figure.log
        assert "lowest test loss 0.26 at degree 4" in figure.footer_html()
    finally:
        figure.close()


# Found by the monkey (seed 7): the capacity window's figure of losses near float64's ends ("math domain error" from
# a tick at 10⁻³³⁰, which is 0 in float64); its ticks are placed in log₁₀ and labelled 1e−330.
@pytest.mark.parametrize("low, high", [(1e-320, 1e-300), (1e-300, 1e300), (1e280, 1e307)])
def test_log_ticks_at_the_ends_of_float64(low, high):
    from lossviz.core.sweep import SweepPoint
    from lossviz.figures.sweep import draw_sweep

    points = [SweepPoint(1, 0.0, low, low, high), SweepPoint(2, 0.0, high, high, low)]
    figure = draw_sweep(load_preset("sine-overfit"), points)
    try:
        assert figure.log
        assert figure.image().size().toTuple() == (1920, 1080)
    finally:
        figure.close()


def test_tick_labels_beyond_float64():
    from lossviz.figures.sweep import power_text

    assert [power_text(1, -330), power_text(2, -3), power_text(5, 310)] == ["1e−330", "0.002", "5e+310"]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_training_and_test_have_the_colours_and_strokes_of_the_windows_loss_curve(theme):
    """One mapping everywhere: training in the path's colour, solid; test blue, dashed — the loss curve's."""
    from PySide6.QtCore import Qt

    from lossviz.figures.sweep import draw_sweep
    from lossviz.plots.loss import LossPlot
    from lossviz.plots.theme import THEMES

    scene = load_preset("sine-overfit").replace(steps=50)
    figure = draw_sweep(scene, sweep(scene, [1, 3], [0.0]), theme, (1280, 720))
    import pyqtgraph as pg

    curve = LossPlot(pg.PlotItem(), THEMES[theme])
    try:
        pens = {label.text: sample.item.opts["pen"] for sample, label in figure.legend.items}
        train, test = pens["training loss L(θ|D<sub>train</sub>)"], pens["test loss L(θ|D<sub>test</sub>)"]
        assert train.color().name() == curve.curve.opts["pen"].color().name()
        assert test.color().name() == curve.test_curve.opts["pen"].color().name()
        assert (train.style(), test.style()) == (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine)
        assert curve.test_curve.opts["pen"].style() == Qt.PenStyle.DashLine
    finally:
        figure.close()


@pytest.mark.parametrize("current", [1, 2, 6, 12])
def test_the_window_s_model_label_stays_inside_the_plot_at_either_end(current):
    """Issue 20 item 5: "the window's moc" — the band's label at the lowest or highest degree is not cut off."""
    import pyqtgraph as pg

    from lossviz.figures.sweep import draw_sweep

    scene = load_preset("sine-overfit").replace(steps=20)
    figure = draw_sweep(scene, sweep(scene, [1, 2, 6, 12], [0.0]), "light", (1280, 720), degrees=list(range(1, 13)),
                        current=current)
    try:
        figure.image()  # laid out and drawn, as saved
        label = next(item for item in figure.plot.items if isinstance(item, pg.TextItem)
                     and item.textItem.toPlainText() == "the window's model")
        inside = figure.plot.getViewBox().sceneBoundingRect()
        shown = label.sceneBoundingRect()
        assert inside.left() <= shown.left() and shown.right() <= inside.right(), (shown, inside)
    finally:
        figure.close()
