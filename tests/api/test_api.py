"""The Python API (issue 22): ``import lossviz`` stays light, scenes from arrays validate as files do, and a fit
equals ``lossviz fit`` of the same scene file bit for bit."""

import json
import subprocess
import sys

import numpy as np
import pytest

import lossviz as lv
from tests.cli.test_import_cli import run

SCENES = ["linear-regression", "binary-2d-blobs", "multiclass-3"]


def test_import_lossviz_loads_neither_numpy_nor_qt_nor_pillow():
    code = ("import sys, lossviz; heavy = [m for m in sys.modules if m.split('.')[0] in "
            "('numpy', 'PySide6', 'PIL', 'pyqtgraph')]; print(heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"


def test_the_api_imports_no_qt():
    code = ("import sys, lossviz as lv; lv.preset('xor').fit(steps=3); "
            "print([m for m in sys.modules if m.split('.')[0] in ('PySide6', 'PIL', 'pyqtgraph')])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("name", SCENES)
def test_a_fit_is_lossviz_fit_bit_for_bit(name, tmp_path):
    scene = lv.preset(name).replace(steps=25, l2=0.01)
    scene.save(tmp_path / "s.json")
    result = run(["fit", "s.json", "-o", "fit.json"], tmp_path)
    assert result.returncode == 0, result.stderr
    entries = json.loads((tmp_path / "fit.json").read_text())["trajectory"]
    fitted = scene.fit()
    assert fitted.loss.tolist() == [entry["loss"] for entry in entries]
    assert fitted.grad_norm.tolist() == [entry["grad_norm"] for entry in entries]
    assert fitted.W.tolist() == [entry["W"] for entry in entries]
    assert fitted.b.tolist() == [entry["b"] for entry in entries]
    assert fitted.data_loss.tolist() == [entry["data_loss"] for entry in entries]


def test_from_data_round_trips_through_a_file_to_the_same_trajectory(tmp_path):
    original = lv.preset("multiclass-3").replace(steps=15)
    X, y = original.data_as_X_y
    again = lv.Scene.from_data(X, y, task="multiclass", steps=15, lr=original.core.optimizer.lr)
    again.save(tmp_path / "again.json")
    result = run(["fit", "again.json", "-o", "fit.json"], tmp_path)
    assert result.returncode == 0, result.stderr
    entries = json.loads((tmp_path / "fit.json").read_text())["trajectory"]
    assert [entry["loss"] for entry in entries] == original.fit().loss.tolist() == again.fit().loss.tolist()


@pytest.mark.parametrize(("X", "y", "task", "message"), [
    (np.zeros((2, 2, 2)), [0, 1], "binary", "X: expected an array of shape (N, d) or (N,)"),
    ([[0.0], [np.nan]], [0, 1], "binary", "X: every value must be a finite number"),
    ([[0.0], [1.0]], [0, 1, 1], "binary", "X has 2 rows but y has 3 values"),
    ([[0.0], [1.0]], [0, 2], "binary", "data.y"),
])
def test_bad_data_is_one_clear_lossviz_error(X, y, task, message):
    with pytest.raises(lv.LossvizError, match=None) as caught:
        lv.Scene.from_data(X, y, task=task)
    assert isinstance(caught.value, ValueError) and message in str(caught.value)


def test_standardize_keeps_the_columns_units():
    rng = np.random.default_rng(1)
    X = rng.normal(10, 3, (40, 2))
    scene = lv.Scene.from_data(X, X @ [1.0, 2.0] + 1, task="regression", standardize=True, input_names=["a", "b"])
    Z, _ = scene.data_as_X_y
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(scene.core.standardization.mean, X.mean(axis=0), rtol=1e-12)
    assert scene.core.input_names == ("a, standardised", "b, standardised")


def test_replace_is_checked_and_leaves_the_scene_alone():
    scene = lv.preset("xor")
    faster = scene.replace(optimizer=lv.Optimizer("momentum", lr=0.05, momentum=0.9), steps=7)
    assert (faster.core.optimizer.name, faster.core.optimizer.momentum, faster.steps) == ("momentum", 0.9, 7)
    assert scene == lv.preset("xor")
    with pytest.raises(lv.LossvizError, match="steps"):
        scene.replace(steps=-1)
    with pytest.raises(lv.LossvizError, match="unknown setting"):
        scene.replace(colour="red")


@pytest.mark.parametrize(("name", "plane"), [("binary-2d-blobs", None), ("multiclass-3", "pca"),
                                             ("linear-regression", "hessian")])
def test_a_surface_is_lossviz_surface_bit_for_bit(name, plane, tmp_path):
    scene = lv.preset(name).replace(steps=30)
    scene.save(tmp_path / "s.json")
    argv = ["surface", "s.json", "--resolution", "24", "-o", "grid.json", *(["--plane", plane] if plane else [])]
    result = run(argv, tmp_path)
    assert result.returncode == 0, result.stderr
    expected = json.loads((tmp_path / "grid.json").read_text())
    grid = scene.surface(resolution=24, plane=plane)
    assert grid.x.tolist() == expected["x"] and grid.y.tolist() == expected["y"]
    assert grid.loss.tolist() == expected["loss"]
    if plane:
        assert grid.plane == plane and (grid.x_label, grid.y_label) == (expected["x_label"], expected["y_label"])
        for name in ("center", "u", "v", "path_x", "path_y", "off_plane", "explained", "eigenvalues"):
            value = getattr(grid, name)
            assert (None if value is None else value.tolist()) == expected.get(name), name


def test_a_surface_on_other_parameters_and_a_sweep_are_the_commands(tmp_path):
    scene = lv.preset("binary-2d-blobs").replace(steps=20)
    scene.save(tmp_path / "s.json")
    grid = scene.surface(x="W[0,1]", y="b[0]", resolution=16)
    assert (grid.x_param, grid.y_param, grid.loss.shape) == ("W[0,1]", "b[0]", (16, 16))
    with pytest.raises(lv.LossvizError, match="W\\[0,7\\]"):
        scene.surface(x="W[0,7]")
    result = run(["sweep", "s.json", "--degree", "1,2,3", "-o", "sweep.json"], tmp_path)
    assert result.returncode == 0, result.stderr
    expected = json.loads((tmp_path / "sweep.json").read_text())["points"]
    points = scene.sweep([1, 2, 3]).points
    assert [(p.degree, p.loss, p.data_loss) for p in points] == [(e["degree"], e["loss"], e["data_loss"])
                                                                for e in expected]


def test_the_reference_pages_examples_run(tmp_path, monkeypatch):
    """docs/python.md's first two blocks, as written (the scene file they load is the one they save)."""
    import re
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "python.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    monkeypatch.chdir(tmp_path)
    lv.preset("xor").save("mine.json")
    namespace: dict = {}
    for block in blocks[:2]:
        exec(compile(block, "docs/python.md", "exec"), namespace)
    assert namespace["grid"].plane == "pca" and len(namespace["points"]) == 7


@pytest.mark.gui
def test_the_typed_user_script_runs(tmp_path):
    """docs/examples/typed_use.py — the script CI type-checks strictly — also runs as written (it draws: Qt)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[2] / "docs" / "examples" / "typed_use.py"
    spec = importlib.util.spec_from_file_location("typed_use", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    loss, W = module.fitted_slopes()
    assert W.shape == (1, 1) and abs(float(W[0, 0]) - 1.5) < 0.2 and loss < 0.1
    written = module.slides(tmp_path)
    assert [path.name for path in written] == ["xor.png", "xor.gif"] and all(p.stat().st_size for p in written)


def test_replace_with_another_degree_starts_the_wider_model_anew():
    scene = lv.preset("sine-overfit")
    wider = scene.replace(degree=scene.core.degree + 2)
    assert wider.core.init.shape == (1, scene.core.init.shape[1] + 2) and not wider.core.init.any()
    assert wider.fit(steps=3).steps == 3


def test_from_data_takes_pandas_names_and_text_or_categorical_labels():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"petal length": [1.4, 4.7, 6.0, 1.3, 4.5, 5.9], "petal width": [0.2, 1.4, 2.5, 0.2, 1.5, 2.1],
                          "species": ["setosa", "versicolor", "virginica", "setosa", "versicolor", "virginica"]})
    scene = lv.Scene.from_data(frame[["petal length", "petal width"]], frame["species"], task="multiclass")
    assert scene.core.input_names == ("petal length", "petal width") and scene.core.label_name == "species"
    assert scene.core.class_names == ("setosa", "versicolor", "virginica")
    assert scene.data_as_X_y[1].tolist() == [0, 1, 2, 0, 1, 2]
    ordered = frame["species"].astype(pd.CategoricalDtype(["virginica", "setosa", "versicolor"]))
    again = lv.Scene.from_data(frame[["petal width"]], ordered, task="multiclass")
    assert again.core.class_names == ("virginica", "setosa", "versicolor")
    assert again.data_as_X_y[1].tolist() == [1, 2, 0, 1, 2, 0]
    named = lv.Scene.from_data(frame[["petal width"]], frame["species"], task="multiclass",
                               class_names=["versicolor", "virginica", "setosa"])  # the codes follow the names given
    assert named.data_as_X_y[1].tolist() == [2, 0, 1, 2, 0, 1]
    with pytest.raises(lv.LossvizError, match="label 'virginica' is not one of the classes"):
        lv.Scene.from_data(frame[["petal width"]], frame["species"], task="multiclass",
                           class_names=["setosa", "versicolor"])
    back = scene.to_frame()
    assert list(back.columns) == ["petal length", "petal width", "species"]
    assert lv.Scene.from_data(back[["petal length", "petal width"]], back["species"], task="multiclass",
                              class_names=scene.core.class_names) == scene
    binary = lv.Scene.from_data(frame["petal width"], frame["species"] == "setosa", task="binary")
    assert binary.core.input_names == ("petal width",) and binary.data_as_X_y[1].tolist() == [1, 0, 0, 1, 0, 0]
    with pytest.raises(lv.LossvizError, match="labels are missing"):
        lv.Scene.from_data([[0.0], [1.0]], pd.Series(["a", None]), task="binary")
    with pytest.raises(lv.LossvizError, match="targets must be numbers"):
        lv.Scene.from_data(frame[["petal width"]], frame["species"], task="regression")


def test_the_apis_docstring_examples_hold(tmp_path, monkeypatch):
    """Every ``>>>`` example in lossviz.api (those that open a window or read a user's file are marked to skip)."""
    import doctest
    import importlib

    monkeypatch.chdir(tmp_path)
    examples = 0
    for name in ("lossviz", "lossviz.api", "lossviz.api.scene", "lossviz.api.functions", "lossviz.api.figure",
                 "lossviz.api.window"):
        module = importlib.import_module(name)
        failed, tried = doctest.testmod(module, globs={**vars(module)}, optionflags=doctest.ELLIPSIS)
        assert failed == 0, name
        examples += tried
    assert examples >= 20


def test_a_surface_plots_on_matplotlib_axes_with_its_path():
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure  # no pyplot: no backend chosen in the test process

    grid = lv.preset("multiclass-3").replace(steps=30).surface(resolution=16, plane="pca")
    ax = Figure().subplots()
    assert grid.plot(ax) is ax
    assert ax.get_xlabel() == grid.x_label and ax.get_ylabel() == grid.y_label and grid.x_label.startswith("PC1")
    path = ax.lines[0].get_xydata()
    np.testing.assert_array_equal(path, np.column_stack([grid.path_x, grid.path_y]))
    assert len(ax.figure.axes) == 2  # the axes and the loss's colour bar


def test_a_surface_of_what_is_checked_as_the_clis_of():
    scene = lv.preset("sine-samples")
    assert scene.surface(of="sample:3", resolution=8).loss.shape == (8, 8)
    for wrong in ("sample", "sample:x", "everything"):
        with pytest.raises(lv.LossvizError, match="of: expected data, population or sample:I"):
            scene.surface(of=wrong)
    with pytest.raises(lv.LossvizError, match="sample:99"):
        scene.surface(of="sample:99")
    with pytest.raises(lv.LossvizError, match="distribution"):
        lv.preset("xor").surface(of="population")


def test_a_run_of_a_thinned_path_numbers_its_entries_by_their_steps():
    """The window keeps every entry of a short run but thins a long one: a Run of such a path says which step each
    entry is (``step``) and counts ``steps`` to the last one."""
    from lossviz.core.training import FitResult

    scene = lv.preset("linear-regression")
    full = scene.fit(steps=8).result
    kept = [0, 1, 2, 4, 8]
    thinned = FitResult("max_steps", full.thetas[kept], full.losses[kept], full.grad_norms[kept],
                        step_numbers=np.array(kept))
    run_ = lv.Run(scene, thinned, {})
    assert run_.steps == 8 and run_.step.tolist() == kept
    assert scene.fit(steps=8).step.tolist() == list(range(9))


@pytest.mark.parametrize(("call", "message"), [
    (lambda s: lv.render(s, theme="sepia"), "theme: choose light, dark"),
    (lambda s: lv.render(s, steps=-1), "steps: must be between 0 and"),
    (lambda s: lv.render(s, steps=1.5), "steps: expected an integer"),
    (lambda s: lv.render(s, size=(0, 0)), "size: width: must be between 16 and 8192"),
    (lambda s: lv.render(s, size="640x360"), "size: expected (width, height) in pixels"),
    (lambda s: lv.render(s, size=(640.5, 360)), "size: width: expected an integer"),
    (lambda s: lv.render(s, size=(8000, 8000), scale=4), "size × scale is larger than 16384"),
    (lambda s: lv.render(s, scale=0), "scale: must be a number between 0.25 and 8"),
    (lambda s: lv.render(s, plane=5), "plane: expected a plane's name"),
    (lambda s: lv.render(s, layout="data", plane="pca"), "plane: draws the surface"),
    (lambda s: lv.animate(s, fps=0), "fps: must be between 1 and 60"),
    (lambda s: lv.animate(s, theme="x"), "theme: choose"),
    (lambda s: lv.animate(s, steps=-2), "steps: must be between 0"),
    (lambda s: s.fit(steps=-1), "steps: must be between 0 and"),
    (lambda s: s.fit(steps=10**12), "steps: must be between 0 and"),
    (lambda s: s.surface(resolution=1), "resolution: must be between 2 and"),
    (lambda s: s.surface(resolution=0), "resolution: must be between 2 and"),
    (lambda s: s.fit(steps=3).figure(layout="sideways"), "layout 'sideways'"),
])
def test_bad_arguments_are_one_lossviz_error_before_anything_is_drawn(call, message):
    """The command line's option checks, with the same ranges (core.limits), and nothing drawn (no Qt loaded: this
    test runs in the headless process too)."""
    with pytest.raises(lv.LossvizError) as caught:
        call(lv.preset("xor"))
    assert message in str(caught.value)


def test_render_draws_at_the_clis_default_size_and_a_run_inline_at_1280_by_720():
    assert lv.render(lv.preset("xor")).size == (1920, 1080)
    assert lv.preset("xor").fit(steps=2).figure().size == (1280, 720)


def test_the_api_computes_on_one_blas_thread_as_the_command_does_and_gives_the_users_back(monkeypatch):
    """The command runs numpy's BLAS on one thread (lossviz.process); the API computes in the user's process, so it
    does the same while it computes (a sum split over threads could differ in the last bits) and restores the
    user's count after."""
    from lossviz import process
    from lossviz.core import experiment

    if process.blas_threads() is None:
        pytest.skip("numpy has no OpenBLAS here")
    seen = []
    fit_scene = experiment.fit_scene
    monkeypatch.setattr(experiment, "fit_scene", lambda *args: seen.append(process.blas_threads()) or fit_scene(*args))
    before = process.blas_threads()
    process.set_blas_threads(2)
    try:
        lv.preset("xor").fit(steps=3)
        lv.preset("xor").surface(resolution=4, plane="pca")
        assert seen == [1, 1] and process.blas_threads() == 2
    finally:
        process.set_blas_threads(before)
