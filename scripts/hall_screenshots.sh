#!/usr/bin/env bash
# Screenshots of the window on projector-sized screens (Xvfb): the normal window at 1280×720, and
# presentation mode at 1280×720 and 1920×1080. Needs Xvfb (Debian: xvfb) and Qt's xcb libraries.
set -euo pipefail
cd "$(dirname "$0")/.."
shoot() {  # WIDTH HEIGHT OUT [--present]
  Xvfb :57 -screen 0 "$1x$2x24" -nolisten tcp > /dev/null 2>&1 &
  local server=$!
  sleep 1
  DISPLAY=:57 python scripts/hall_screenshots.py "$3" "${@:4}" || true
  kill "$server"; wait "$server" 2> /dev/null || true
}
shoot 1280 720 docs/screenshots/window-1280x720.png
shoot 1280 720 docs/screenshots/presentation-1280x720.png --present
shoot 1920 1080 docs/screenshots/presentation-1920x1080.png --present
shoot 1280 720 docs/screenshots/race-3-1280x720.png --present --scene optimizer-race
shoot 1280 720 docs/screenshots/race-6-1280x720.png --present --scene binary-2d-blobs --racers 6
shoot 1280 720 docs/screenshots/race-6-1280x720-f9.png --present --no-panel --scene binary-2d-blobs --racers 6
shoot 1280 720 docs/screenshots/population-presentation-1280x720.png --present --scene population-line --surface-of population --steps 0
shoot 1280 720 /tmp/lossviz-800x500.png --size 800x500 --scene population-line --surface-of population --steps 0
python -c "from PIL import Image; Image.open('/tmp/lossviz-800x500.png').crop((0, 0, 800, 500)).save('docs/screenshots/population-window-800x500.png')"
shoot 1280 720 docs/screenshots/population-window-n200.png --scene population-line --n 200 --steps 60 --resample
shoot 1280 720 docs/screenshots/lecture-slide-3-1280x720.png --present --slide 3
shoot 1280 720 docs/screenshots/confusion-presentation-1280x720.png --present --scene multiclass-3 --test-fraction 0.3 --steps 3 --confusion
shoot 1280 720 docs/screenshots/formula-adam-1280x720.png --present --scene binary-2d-blobs --optimizer adam --steps 40
shoot 1280 720 docs/screenshots/curvature-directions-1280x720.png --present --scene linear-regression --steps 12 --lr 1.2 --curvature
# More inputs than a plane shows (issue 21): an iris-like table of 4 columns, and a housing-like one of 3 as
# regression and as binary, each imported with every numeric column and standardised
python - <<'PY'
from pathlib import Path

import numpy as np

from tests.cli.test_import_cli import iris_like_csv

iris_like_csv(Path("/tmp/lossviz-iris.csv"))
rng = np.random.default_rng(4)
X = np.column_stack([rng.uniform(40, 200, 60), rng.integers(1, 6, 60), rng.uniform(0, 30, 60)])
price = 2.5 * X[:, 0] + 14 * X[:, 1] - 1.1 * X[:, 2] + 30 + rng.normal(0, 25, 60)
expensive = (X[:, 0] + 10 * X[:, 1] + rng.normal(0, 30, 60) > 150).astype(int)
rows = "\n".join(",".join(f"{v:.2f}" for v in (*x, p)) + f",{e}" for x, p, e in zip(X, price, expensive))
Path("/tmp/lossviz-house.csv").write_text("area,rooms,age,price,expensive\n" + rows + "\n")
PY
lossviz import /tmp/lossviz-iris.csv --x all --y species --standardize -o /tmp/lossviz-iris4.json
lossviz import /tmp/lossviz-house.csv --x area,rooms,age --y price --task regression --standardize -o /tmp/lossviz-price.json
lossviz import /tmp/lossviz-house.csv --x area,rooms,age --y expensive --task binary --standardize -o /tmp/lossviz-expensive.json
shoot 1280 720 docs/screenshots/inputs-4-iris-1280x720.png --scene /tmp/lossviz-iris4.json --steps 100
shoot 1280 720 docs/screenshots/inputs-3-regression-1280x720.png --scene /tmp/lossviz-price.json --steps 60
shoot 1280 720 docs/screenshots/inputs-3-binary-1280x720.png --scene /tmp/lossviz-expensive.json --steps 60
shoot 1280 720 docs/screenshots/inputs-partial-residuals-1280x720.png --scene /tmp/lossviz-price.json --steps 60 --data-view feature:2
shoot 1280 720 docs/screenshots/plane-pca-1280x720.png --scene /tmp/lossviz-iris4.json --steps 40 --plane pca
