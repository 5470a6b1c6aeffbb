"""Screenshots of the window teaching P and l (offscreen): population-line with L(θ|D) and L(θ|P) both shown and
a Resample ×20 cloud, at N = 10 and N = 200; then one sample selected (its own loss surface and −∇l).

    python scripts/population_screenshot.py OUTDIR [--size 1400x860]
"""

import argparse
from dataclasses import replace

from shots import open_window, prepare, wait

from lossviz.core.presets import load_preset


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("--size", default="1400x860")
    args = parser.parse_args()
    size = tuple(map(int, args.size.split("x")))
    out, settings = prepare(args.outdir)
    scene = load_preset("population-line")
    for n in (10, 200):
        dist = replace(scene.distribution, n=n)
        window = open_window(scene.replace(distribution=dist, data=dist.sample()), out, settings, size)
        live = window.live
        window.document.set_view_options(surface_of="both")
        for _ in range(scene.steps):
            live.step_once()
        wait(lambda w=window: w.live.state().step == scene.steps and w.live.idle())
        live.population.resample()
        wait(lambda w=window: w.live.population.cloud is not None and w.live.idle())
        window.grab().save(str(out / f"population-window-n{n}.png"))
        if n == 10:
            live.selection.toggle(int(live.state().objective.per_sample(live.state().theta).argmax()), dist.n)
            wait(lambda w=window: w.live.idle() and w.live.surfaces.shown is not None)
            window.grab().save(str(out / "sample-loss-window.png"))
        window.document.mark_clean()
        window.close()
        print(n, live.state().step)
    (out / ".settings.ini").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
