"""lossviz sweep: its CSV and JSON (the points of lossviz.core.sweep), its progress, and the U-shaped figure."""

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
from PIL import Image

from lossviz.cli import main
from lossviz.core.sweep import sweep

SVG = "{http://www.w3.org/2000/svg}"


def run_main(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def short_scene(tmp_path, steps=200, **changes):
    """sine-overfit with fewer steps (and ``changes`` to its document), written to scene.json."""
    from lossviz.core.presets import preset_path

    doc = json.loads(preset_path("sine-overfit").read_text(encoding="utf-8"))
    doc.update(steps=steps, **changes)
    for key in [key for key, value in changes.items() if value is None]:
        doc.pop(key)
    path = tmp_path / "scene.json"
    path.write_text(json.dumps(doc))
    return path


def test_json_and_csv_hold_the_points(tmp_path, capsys):
    path = short_scene(tmp_path)
    from lossviz.core.scene import read_scene

    expected = sweep(read_scene(path), [1, 2, 3, 5], [0.0, 0.01])
    code, out, err = run_main(capsys, "sweep", path, "--degree", "1:3,5", "--l2", "0.01,0")
    assert (code, err) == (0, "")
    points = json.loads(out)["points"]
    assert points == [{"degree": p.degree, "l2": p.l2, "loss": p.loss, "data_loss": p.data_loss, "test_loss": p.test_loss}
                      for p in expected]
    assert run_main(capsys, "sweep", path, "--degree", "1:3,5", "--l2", "0.01,0", "-o", tmp_path / "s.json") == (0, "", "")
    assert (tmp_path / "s.json").read_text() == out
    assert run_main(capsys, "sweep", path, "--degree", "1:3,5", "--l2", "0.01,0", "-o", tmp_path / "s.csv") == (0, "", "")
    rows = list(csv.reader(io.StringIO((tmp_path / "s.csv").read_text())))
    assert rows[0] == ["degree", "l2", "loss", "data_loss", "test_loss"]
    assert [[float(v) for v in row] for row in rows[1:]] == [[p.degree, p.l2, p.loss, p.data_loss, p.test_loss]
                                                            for p in expected]


def test_default_degrees_and_lambda_and_no_test_set(tmp_path, capsys):
    path = short_scene(tmp_path, steps=20, split=None, regularization={"l2": 0.2})
    code, out, err = run_main(capsys, "sweep", path)
    assert (code, err) == (0, "")
    points = json.loads(out)["points"]
    assert [(p["degree"], p["l2"]) for p in points] == [(d, 0.2) for d in range(1, 13)]
    assert all(set(p) == {"degree", "l2", "loss", "data_loss"} for p in points)  # no test set, no test loss
    run_main(capsys, "sweep", path, "--degree", "2", "-o", tmp_path / "s.csv")
    assert (tmp_path / "s.csv").read_text().splitlines()[0] == "degree,l2,loss,data_loss"


def test_a_sweep_is_headless_and_quiet_off_a_terminal(tmp_path):
    """CSV and JSON never load Qt; progress is drawn only on a terminal (here stderr is a pipe)."""
    script = ("import sys\nfrom lossviz.cli import main\n"
              "code = main(['sweep', 'sine-overfit', '--degree', '1,2', '-o', 'w.csv'])\n"
              "print('CODE', code, [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph')"
              " or m.startswith('lossviz.gui')])\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stderr, proc.stdout) == (0, "", "CODE 0 []\n")


def svg_texts(path) -> str:
    root = ET.parse(path).getroot()
    return " ".join("".join(element.itertext()) for element in root.iter(f"{SVG}text"))


def test_the_figure_without_a_display(tmp_path):
    """PNG at its size, SVG with text and no images; the words a lecturer reads on it."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    for name, size in (("u.png", "1280x720"), ("u.svg", "1920x1080")):
        proc = subprocess.run([sys.executable, "-m", "lossviz", "sweep", "sine-overfit", "-o", name, "--size", size],
                              cwd=tmp_path, capture_output=True, text=True, env=env, timeout=240)
        assert (proc.returncode, proc.stderr) == (0, "")
    image = Image.open(tmp_path / "u.png")
    assert image.size == (1280, 720)
    rgb = np.asarray(image.convert("RGB")).astype(int)
    assert (np.abs(rgb - (0x00, 0x72, 0xB2)).sum(axis=2) < 30).sum() > 500  # the training line, blue
    assert (np.abs(rgb - (0xD5, 0x5E, 0x00)).sum(axis=2) < 30).sum() > 500  # the test line, vermillion
    root = ET.parse(tmp_path / "u.svg").getroot()
    assert (root.get("width"), root.get("height")) == ("1920px", "1080px")
    assert not root.findall(f".//{SVG}image")
    text = svg_texts(tmp_path / "u.svg")
    for words in ("underfitting", "overfitting", "lowest test loss", "degree of the polynomial features",
                  "training loss", "test loss", "5,000 steps of Adam", "11 training and 4 test points",
                  "lowest test loss 0.0287 at degree 5"):
        assert words in text, words
