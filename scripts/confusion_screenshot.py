"""The screenshot of View → Confusion matrix (offscreen): the three-class example with 30 % held out, a few steps
in (confusion-matrix.png).

    python scripts/confusion_screenshot.py OUTDIR [STEPS]
"""

import sys

from shots import open_window, prepare, wait

from lossviz.core.features import Split
from lossviz.core.presets import load_preset


def main() -> None:
    out, settings = prepare(sys.argv[1])
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    scene = load_preset("multiclass-3").replace(split=Split(0.3, 0))
    window = open_window(scene, out, settings, (1280, 720))
    wait(window.live.idle)
    for _ in range(steps):
        window.live.step_once()  # the Step button's
        wait(window.live.idle, 30)
    window.actions_by_id["actionConfusion"].trigger()
    dialog = window.confusion.dialog
    wait(lambda: dialog is not None and dialog.isVisible(), 10)
    dialog.grab().save(str(out / "confusion-matrix.png"))
    window.shutdown()
    window.close()


if __name__ == "__main__":
    main()
