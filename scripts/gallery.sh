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
