"""Screenshot of the capacity dialog in presentation mode, taken on a real X server (issue 20, item 5).

    DISPLAY=:N python scripts/figure_dialog_screenshot.py OUT.png

Opens sine-overfit, turns on presentation mode, opens View → Capacity curve, waits until every degree is fitted and
saves the whole screen.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6 import QtCore

from lossviz.core.presets import load_preset
from lossviz.gui.app import prepare_application
from lossviz.gui.main_window import MainWindow


def wait(milliseconds: int) -> None:
    loop = QtCore.QEventLoop()
    QtCore.QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def main() -> int:
    os.environ.pop("QT_QPA_PLATFORM", None)
    app = prepare_application()
    folder = Path(tempfile.mkdtemp(prefix="lossviz-dialog-"))
    settings = QtCore.QSettings(str(folder / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    window = MainWindow(load_preset("sine-overfit"), settings=settings, recovery_dir=folder / "recovery")
    window.show()
    wait(500)
    window.set_presentation(True)
    wait(500)
    window.capacity.show()
    for _ in range(600):
        wait(100)
        if window.capacity.done():
            break
    wait(800)
    app.primaryScreen().grabWindow(0).save(sys.argv[1])
    print(sys.argv[1], window.capacity.dialog.size() if window.capacity.dialog else None)
    window.document.mark_clean()
    if window.capacity.dialog is not None:
        window.capacity.dialog.close()
    window.shutdown()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
