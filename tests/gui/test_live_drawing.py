"""What the window draws live stays true to the numbers: thinned paths and curves keep their shape,
and the workers wait while the GUI thread draws but never for ever."""

import threading

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lossviz.core.presets import load_preset
from lossviz.core.problem import Problem
from lossviz.gui.workers.pacing import ACK_TIMEOUT, GuiBusy
from lossviz.gui.workers.training import TrainingRequest, TrainingWorker
from lossviz.plots.loss import envelope
from lossviz.plots.surface import thin_path

from .helpers import LONG_WAIT_MS, WAIT_MS, choose_fastest_speed, click

finite = st.floats(-1e6, 1e6, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(1, 3000), elements=finite), st.integers(1, 400))
def test_envelope_keeps_the_outline_of_every_run(y, bins):
    x = np.arange(len(y), dtype=np.float64)
    ex, ey = envelope(x, y, bins)
    assert len(ex) <= max(len(y), 2 * bins + 2)
    assert np.all(np.diff(ex) > 0)  # in order, no repeats
    assert ex[0] == 0 and ex[-1] == len(y) - 1
    np.testing.assert_array_equal(ey, y[ex.astype(int)])  # real samples, not averages
    assert ey.min() == y.min() and ey.max() == y.max()
    if len(y) > 2 * bins:  # every run of samples keeps its lowest and highest value
        width = -(-len(y) // bins)
        for start in range(0, len(y), width):
            run = y[start:start + width]
            kept = ey[(ex >= start) & (ex < start + width)]
            assert kept.min() == run.min() and kept.max() == run.max()


def test_envelope_leaves_short_curves_and_skips_nan():
    x, y = np.arange(5.0), np.array([3.0, np.nan, 1.0, 2.0, 0.5])
    assert envelope(x, y, 10)[0] is x
    x = np.arange(100.0)
    y = np.where(x % 7 == 0, np.nan, np.cos(x))
    _, ey = envelope(x, y, 10)
    assert np.nanmin(ey) == np.nanmin(y) and np.nanmax(ey) == np.nanmax(y)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(0, 2000), st.just(2)), elements=finite),
       st.floats(1e-3, 10.0), st.floats(1e-3, 10.0))
def test_thin_path_drops_only_points_in_the_pixel_of_the_one_before(path, px, py):
    thinned = thin_path(path, (px, py))
    if len(path) < 3:
        assert thinned is path
        return
    np.testing.assert_array_equal(thinned[0], path[0])
    np.testing.assert_array_equal(thinned[-1], path[-1])
    cells = np.floor(path / [px, py])
    moves = np.r_[True, np.any(cells[1:] != cells[:-1], axis=1)]
    moves[-1] = True
    np.testing.assert_array_equal(thinned, path[moves])


def test_a_converged_descent_is_drawn_with_few_points():
    steps = 0.5 ** np.arange(5000)[:, None] * np.array([[1.0, -2.0]])  # θ halves its distance each step
    assert len(thin_path(steps, (0.01, 0.01))) < 20


class Clock:
    """A clock that moves only when the test says so, and ``step`` seconds each time it is read (the pacing's holds
    and reports expire by the clock; a worker's slice of steps ends by it)."""

    def __init__(self, step: float = 0.0) -> None:
        self.now, self.step = 1000.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_gui_busy_nests_and_expires():
    clock = Clock()
    busy = GuiBusy(clock)
    assert busy.remaining() == 0
    busy.hold()
    busy.hold()
    assert busy.remaining() == ACK_TIMEOUT
    assert not busy.release()  # still held once
    assert busy.remaining() == ACK_TIMEOUT
    assert busy.release()
    assert busy.remaining() == 0
    busy.hold()
    clock.now += ACK_TIMEOUT + 0.01
    assert busy.remaining() == 0  # a forgotten hold does not block
    busy.wait()  # an expired hold: returns (a hang here would fail the test by its timeout)
    busy.release_all()
    assert busy.remaining() == 0


def test_a_worker_waiting_on_gui_busy_goes_on_when_released():
    busy = GuiBusy(Clock())  # the clock stands still: only release() can end the wait
    busy.hold()
    waiter = threading.Thread(target=busy.wait)
    waiter.start()
    assert busy.remaining() > 0
    busy.release()
    waiter.join(timeout=60)  # a guard against a hang, not a timing
    assert not waiter.is_alive()


def test_the_training_worker_keeps_out_of_the_way_while_the_gui_draws(qtbot):
    """Driven by hand in this thread, on a clock of its own: each tick steps only when the GUI is not drawing."""
    scene = load_preset("linear-regression")
    clock = Clock(step=0.001)  # a slice of steps (WORK_SLICE) is a few readings of the clock
    busy = GuiBusy(clock)
    worker = TrainingWorker(busy, clock)
    worker.initialize()
    reports = []
    worker.progress.connect(reports.append)
    worker.configure(TrainingRequest(1, Problem.of(scene.objective()), scene.init.copy(),
                                     scene.optimizer, scene.seed))
    worker.set_speed(0.0)  # flat out
    worker.set_running(True)
    assert not worker.delivered  # set_running sent a report: no steps until the GUI has drawn it
    worker.tick()
    assert worker.trainer.steps == 0 and worker.timer.isActive() and worker.timer.interval() > 0
    worker.acknowledge()
    assert worker.delivered and worker.timer.interval() == 0  # woken at once
    worker.tick()
    assert worker.trainer.steps > 0
    stepped = worker.trainer.steps
    busy.hold()  # e.g. a new surface being drawn
    worker.tick()
    assert worker.trainer.steps == stepped and worker.timer.interval() > 0
    assert worker.advance(1000, deadline=clock.now + 10) and worker.trainer.steps == stepped + 1
    busy.release()
    worker.tick()
    assert worker.trainer.steps > stepped + 1
    busy.hold()
    clock.now += ACK_TIMEOUT + 1  # a hold nobody released: ignored after ACK_TIMEOUT
    stepped = worker.trainer.steps
    worker.tick()
    assert worker.trainer.steps > stepped
    worker.stop()


def test_training_goes_on_while_the_window_draws_it(make_window, qtbot):
    """The window's own holds are released after each paint: a flat-out run keeps stepping and reporting."""
    window = make_window(load_preset("multiclass-3"))
    choose_fastest_speed(window)
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    reports = []
    live = window.live
    live.progressed.connect(lambda costly, moved: reports.append((live.state().step, live.surfaces.shown_count)))
    # any number of steps: the run must go on from report to report (and surfaces with it), however fast
    qtbot.waitUntil(lambda: len({step for step, _ in reports}) >= 8 and reports[-1][1] >= reports[0][1] + 2,
                    timeout=LONG_WAIT_MS)
    QTest.mouseClick(window.controls.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live.pacing.busy.remaining() == 0 and window.live.training.worker.delivered, timeout=WAIT_MS)
    assert window.live.state().loss == window.live.state().objective.value(window.live.state().theta)


def test_a_following_loss_curve_widens_its_axes_only_when_it_leaves_them(qtbot):
    import pyqtgraph as pg

    from lossviz.plots.loss import LossPlot
    from lossviz.plots.theme import LIGHT

    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(500, 300)
    plot = LossPlot(widget.getPlotItem(), LIGHT)
    box = widget.getPlotItem().getViewBox()
    steps = np.arange(201)
    losses = 1.0 / (1.0 + steps)
    plot.set_history(steps[:101], losses[:101], "follow")
    (x0, x1), (y0, y1) = box.viewRange()
    assert x0 <= 0 and x1 >= 100 and y0 <= losses[100] and y1 >= losses[0]
    inside = int(np.floor(x1)) + 1  # steps 0 … floor(x1) are still in view
    plot.set_history(steps[:inside], losses[:inside], "follow")  # still inside: the axes stay as they are
    assert box.viewRange() == [[x0, x1], [y0, y1]]
    plot.set_history(steps, losses, "keep")  # beyond the view, but "keep" keeps it
    assert box.viewRange() == [[x0, x1], [y0, y1]]
    plot.set_history(steps, losses, "follow")  # left the view: widened, with room for more steps
    (x0, x1), (y0, y1) = box.viewRange()
    assert x0 <= 0 and x1 > 200 and y0 <= losses[-1] and y1 >= losses[0]
    plot.set_log(True)  # log axes are in decades
    plot.set_history(steps, losses, "follow")
    (_, _), (y0, y1) = box.viewRange()
    assert y0 <= np.log10(losses[-1]) and y1 >= np.log10(losses[0]) and y1 - y0 < 4


def test_a_race_with_nothing_to_draw_frames_the_start_not_the_last_scenes_curve(qtbot):
    """The monkey's seed 74: a scene with a long curve, then one with no data and a race on: the axes are a fresh
    window's (the next ten steps, [0, 1]), not the curve's that went before."""
    import pyqtgraph as pg

    from lossviz.plots.loss import LossPlot
    from lossviz.plots.theme import LIGHT

    def framed(history: bool) -> list:
        widget = pg.PlotWidget()
        qtbot.addWidget(widget)
        widget.resize(500, 300)
        plot = LossPlot(widget.getPlotItem(), LIGHT)
        if history:
            plot.set_history(np.arange(300), 5.0 / (1.0 + np.arange(300)), "fit")
        plot.set_race([("GD", "#1f77b4", np.empty(0), np.empty(0), None)] * 3)
        return np.round(widget.getPlotItem().getViewBox().viewRange(), 9).tolist()

    assert framed(True) == framed(False) == [[-0.2, 10.2], [0.0, 1.0]]


def test_pieces_of_gui_work_run_in_order_and_a_surface_waits_its_turn(make_window, qtbot):
    window = make_window(load_preset("linear-regression"))
    qtbot.waitUntil(lambda: window.live.surfaces.idle() and window.live.pacing.scheduler.idle(), timeout=WAIT_MS)
    ran = []
    window.live.pacing.scheduler.queue(lambda: ran.append("a"), lambda: ran.append("b"))
    assert ran == []  # from a timer, after the paint
    window.live.pacing.scheduler.queue(lambda: ran.append("c"), at_once=True)  # others are queued: c waits its turn
    assert ran == []
    qtbot.waitUntil(lambda: ran == ["a", "b", "c"] and window.live.pacing.scheduler.idle(), timeout=WAIT_MS)
    window.live.pacing.scheduler.queue(lambda: ran.append("d"), at_once=True)  # nothing queued: at once
    assert ran[-1] == "d"
    qtbot.waitUntil(lambda: window.live.pacing.scheduler.idle(), timeout=WAIT_MS)
    # a surface from the worker is drawn in its turn, and said so
    with qtbot.waitSignal(window.live.surfaceReady, timeout=WAIT_MS) as drawn:
        click(window.views.data_view, 0.5, 0.5)
    assert window.views.surface_plot.surface is drawn.args[0].surface
    qtbot.waitUntil(lambda: window.live.surfaces.idle() and window.live.pacing.scheduler.idle(), timeout=WAIT_MS)
    assert window.live.pacing.busy.remaining() == 0  # every hold released once its piece was drawn


def shown_loss_plot(qtbot):
    """A LossPlot in a 500 × 300 plot widget on screen (the offscreen one): (widget, plot)."""
    import pyqtgraph as pg

    from lossviz.plots.loss import LossPlot
    from lossviz.plots.theme import LIGHT

    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(500, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget, LossPlot(widget.getPlotItem(), LIGHT)


def test_an_edit_marker_at_the_right_edge_is_labelled_inside_the_plot(qtbot):
    """Issue 20 item 5: "D edited" read "D e" where the edit was at the curve's last steps."""
    from lossviz.plots.loss import EDIT_LABEL

    widget, plot = shown_loss_plot(qtbot)
    steps = np.arange(101)
    for edit in (10, 99):
        stretches = (steps >= edit).astype(int)
        plot.set_history(steps, 1.0 / (1.0 + steps), "fit", stretches=stretches)
        qtbot.wait(20)
        plot.set_history(steps, 1.0 / (1.0 + steps), "keep", stretches=stretches)  # the axes fitted: labels placed
        marker, = plot.markers
        assert marker.label.isVisible() and marker.label.toPlainText() == EDIT_LABEL
        inside, label = widget.getPlotItem().getViewBox().sceneBoundingRect(), marker.label.sceneBoundingRect()
        assert inside.left() <= label.left() and label.right() <= inside.right() + 1, (edit, label, inside)


def test_the_loss_legend_moves_out_of_the_way_of_a_rising_test_curve(qtbot):
    """Issue 20 item 5: the training/test legend sat over the test curve where overfitting makes it rise (top right)."""
    import pyqtgraph as pg

    widget, plot = shown_loss_plot(qtbot)
    steps = np.arange(400)
    train = 2.0 * np.exp(-steps / 40)
    falling = 0.3 + 1.7 * np.exp(-steps / 40)
    plot.set_history(steps, train, "fit", test_losses=falling)  # both fall: the top right is empty
    qtbot.wait(20)
    plot.set_history(steps, train, "keep", test_losses=falling)
    assert plot.legend_corner == (1, 1)
    rising = falling + 2.5 * (steps / 400) ** 3  # overfitting: the test loss climbs to the top right
    plot.set_history(steps, train, "fit", test_losses=rising)
    qtbot.wait(20)
    plot.set_history(steps, train, "keep", test_losses=rising)
    qtbot.wait(20)
    assert plot.legend_corner != (1, 1)
    box = widget.getPlotItem().getViewBox()
    legend = plot.legend.sceneBoundingRect()
    for x, y in zip(steps[::10], rising[::10], strict=True):
        assert not legend.contains(box.mapViewToScene(pg.Point(float(x), float(y)))), (x, y)
