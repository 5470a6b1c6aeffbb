#!/usr/bin/env bash
# Regenerate docs/gallery: every bundled scene rendered light and dark, plus one animation.
set -euo pipefail
cd "$(dirname "$0")/.."
for scene in $(lossviz presets | awk '{print $1}'); do
  for theme in light dark; do
    lossviz render "$scene" -o "docs/gallery/$scene-$theme.png" --size 1600x900 --theme "$theme"
  done
done
lossviz animate binary-2d-blobs -o docs/gallery/binary-2d-blobs.gif --size 800x450 --steps 60
# P(X, Y), D and the losses l and L: L(θ|D) against L(θ|P) at N = 10 and N = 200, the samples' losses
# adding up to L(θ|D), and the cloud of θ*_D growing dataset by dataset
lossviz render population-line --layout population -o docs/gallery/population-line-n10.png --size 1600x900
n200=$(mktemp -d)
trap 'rm -rf "$n200"' EXIT
lossviz sample population-line -n 200 -o "$n200/population-line-n200.json"
lossviz render "$n200/population-line-n200.json" --layout population -o docs/gallery/population-line-n200.png --size 1600x900
lossviz render sine-samples --layout decomposition -o docs/gallery/sine-samples-decomposition.png --size 1600x900
lossviz animate population-line --resample -o docs/gallery/population-line-resample.gif --size 800x450
# Overfitting: the capacity curve of sine-overfit, for its λ = 0 and for five λ
lossviz sweep sine-overfit -o docs/gallery/sine-overfit-sweep.png --size 1600x900
lossviz sweep sine-overfit --l2 0,1e-3,1e-2,0.1,1 -o docs/gallery/sine-overfit-sweep-l2.png --size 1600x900
