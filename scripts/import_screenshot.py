"""Screenshots of File → Import data (offscreen): the dialog on an iris-like table (150 rows, string species) and
the window after importing petal length and width against the species, trained for a few seconds.

    python scripts/import_screenshot.py OUTDIR
"""

import os
import sys
import tempfile
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from shots import open_window, prepare, train_until, wait

from lossviz.core.table import read_table, table_scene
from lossviz.gui.dialogs.import_table import ImportDialog

SPECIES = (("setosa", [5.0, 3.4, 1.5, 0.2]), ("versicolor", [5.9, 2.8, 4.3, 1.3]), ("virginica", [6.6, 3.0, 5.6, 2.0]))


def iris_like(path) -> None:
    """150 rows: 4 measurements and the species, 50 of each (seeded)."""
    rng = np.random.default_rng(0)
    rows = ["sepal_length,sepal_width,petal_length,petal_width,species"]
    for name, mean in SPECIES:
        for _ in range(50):
            values = np.array(mean) + rng.normal(0, [0.35, 0.3, 0.4, 0.2])
            rows.append(",".join(f"{v:.1f}" for v in values) + "," + name)
    path.write_text("\n".join(rows) + "\n")


def main() -> None:
    out, settings = prepare(sys.argv[1])
    out, before = out.resolve(), Path.cwd()
    with tempfile.TemporaryDirectory() as folder:  # the table is read whole; nothing is left beside the pictures
        os.chdir(folder)  # the dialog names the file as it was given: "iris.csv", as a user's would read
        iris_like(Path("iris.csv"))
        table = read_table(Path("iris.csv"))
        os.chdir(before)
    dialog = ImportDialog(None, table)
    for row in range(dialog.features.count()):  # petal_length and petal_width
        item = dialog.features.item(row)
        item.setCheckState(Qt.CheckState.Checked if row in (2, 3) else Qt.CheckState.Unchecked)
    dialog.resize(900, 560)
    dialog.show()
    wait(lambda: True, 1)
    dialog.grab().save(str(out / "import-dialog.png"))
    window = open_window(table_scene(table, dialog.choice())[0], out, settings, (1400, 860))
    train_until(window, lambda: window.live.state().step > 3000, 20)
    window.grab().save(str(out / "import-window.png"))
    window.shutdown()
    window.close()


if __name__ == "__main__":
    main()
