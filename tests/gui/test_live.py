"""The live run on its own: a Document and a LiveRun, no window."""

from __future__ import annotations

import numpy as np
import pytest

from lossviz.core import edits
from lossviz.core.presets import load_preset
from lossviz.core.scene import SurfaceConfig, scene_from_dict, scene_to_dict
from lossviz.gui.state.document import Change, Document
from lossviz.gui.state.readings import run_snapshot

from .helpers import WAIT_MS, settle


@pytest.fixture
def live_run(qtbot):
    """A LiveRun following a Document; both workers stopped after the test."""
    from lossviz.gui.state.live import LiveRun

    runs = []

    def make(scene):
        document = Document(scene)
        live = LiveRun(document)
        document.changed.connect(live.follow)
        live.follow(Change.SCENE)
        runs.append(live)
        return document, live

    yield make
    for live in runs:
        live.stop()
        assert live.stopped()


def test_an_edit_while_running_goes_on_from_theta_on_the_new_data(live_run, qtbot):
    document, live = live_run(load_preset("binary-2d-blobs"))
    document.set_view_options(speed=0.0)  # flat out
    live.set_running(True)
    qtbot.waitUntil(lambda: live.state().step >= 30, timeout=WAIT_MS)
    step_at_edit = live.state().step
    document.edit_data(edits.add_point(document.scene.data, [-2.9, 2.9], 1), "Add point")
    qtbot.waitUntil(lambda: live.state().step >= step_at_edit + 30, timeout=WAIT_MS)
    live.set_running(False)
    settle(qtbot, live)
    history = live.state().histories[0]
    assert np.all(np.diff(history.steps) >= 0) and history.steps[0] == 0  # one descent, never restarted
    assert history.steps[-1] == live.state().step
    assert history.edit_steps and history.edit_steps[0] >= step_at_edit  # the data changed under the run there
    after = history.stretches == history.stretches[-1]
    objective = document.scene.objective()
    for theta, loss in zip(history.thetas[after], history.losses[after], strict=True):
        assert loss == objective.value(theta)  # L of the new data from the edit on
    assert live.state().loss == objective.value(live.state().theta)


def test_a_superseded_surface_is_never_shown(live_run, qtbot):
    scene = scene_to_dict(load_preset("multiclass-3"))
    document, live = live_run(scene_from_dict(scene))
    shown = []
    live.surfaceReady.connect(shown.append)
    first = live.surfaces.question
    document.set_settings(loss="ce", surface=SurfaceConfig(x="W[1,0]", y="b[2]"))  # another question
    settle(qtbot, live)
    document.set_settings(Change.SURFACE, surface=SurfaceConfig(x="W[2,1]", y="b[0]", resolution=32))
    settle(qtbot, live)
    assert shown, "no surface was shown"
    assert all(result.request.generation > first for result in shown)
    sequences = [result.request.sequence for result in shown]
    assert sequences == sorted(sequences)  # never an older one after a newer one
    last = shown[-1]
    assert live.surfaces.shown is last and (last.spec.x_param, last.spec.y_param) == ("W[2,1]", "b[0]")
    assert last.spec.resolution == 32


def test_a_surface_framed_for_data_that_is_gone_is_dropped(live_run, qtbot):
    document, live = live_run(load_preset("linear-regression"))
    settle(qtbot, live)
    shown = []
    live.surfaceReady.connect(shown.append)
    live.reframe_surface()  # frames on the data as they are ...
    document.edit_data(edits.add_sample(document.scene.data, "regression", 0.0, 9.0, 0), "Add point")  # ... which change
    settle(qtbot, live)
    framed = [result for result in shown if result.request.framing]
    assert all(result.request.data_version == live.surfaces.data_version for result in framed)
    assert live.surfaces.shown.request.data_version == live.surfaces.data_version


def test_a_scene_opened_while_running_starts_paused_at_its_start(live_run, qtbot):
    document, live = live_run(load_preset("binary-2d-blobs"))
    running = []
    live.runningChanged.connect(running.append)
    live.set_running(True)
    qtbot.waitUntil(lambda: live.state().step >= 5, timeout=WAIT_MS)
    document.load(load_preset("multiclass-3"), None)
    assert not live.state().running and running == [True, False]
    assert live.state().step == 0 and live.surfaces.shown is None
    np.testing.assert_array_equal(live.state().theta, document.scene.init)
    settle(qtbot, live)
    assert live.state().step == 0 and live.surfaces.shown is not None
    assert live.state().loss == document.scene.objective().value(document.scene.init)


def test_snapshot_holds_every_racer_with_its_gradient_norms(live_run, qtbot):
    document, live = live_run(load_preset("optimizer-race"))
    for _ in range(12):
        live.step_once()
    qtbot.waitUntil(lambda: live.idle() and live.state().step == 12, timeout=WAIT_MS)
    snapshot = run_snapshot(live)
    assert [run.label for run, _ in snapshot.runs] == [run.label for run in live.state().runs]
    objective = document.scene.objective()
    for _, result in snapshot.runs:
        assert result.steps == 12 and result.step_axis.tolist() == list(range(13))
        for theta, norm in zip(result.thetas, result.grad_norms, strict=True):
            grad = objective.value_and_grad(theta)[1]
            assert norm == pytest.approx(np.sqrt(np.vdot(grad, grad)), rel=1e-12)
    assert snapshot.surface is live.surfaces.shown.surface
