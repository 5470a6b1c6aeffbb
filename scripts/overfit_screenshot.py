"""Screenshots of the window teaching overfitting (offscreen): sine-overfit at degree 9 after training flat out
(hollow test points, the training and test loss curves), its capacity view, and xor with features of degree 2
(the curved boundary x₁x₂ makes possible).

    python scripts/overfit_screenshot.py OUTDIR [--size 1400x860] [--degree 9]
"""

import argparse

from shots import open_window, prepare, train_until, wait

from lossviz.core.presets import load_preset


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("--size", default="1400x860")
    parser.add_argument("--degree", type=int, default=9)
    args = parser.parse_args()
    size = tuple(map(int, args.size.split("x")))
    out, settings = prepare(args.outdir)
    scene = load_preset("sine-overfit")
    window = open_window(scene, out, settings, size)
    window.document.set_capacity(args.degree, scene.l2, scene.split)
    train_until(window, lambda: window.live.state().step >= window.document.scene.steps)
    window.grab().save(str(out / "overfit-window.png"))
    window.capacity.show()
    wait(window.capacity.done)
    window.capacity.dialog.grab().save(str(out / "capacity-dialog.png"))
    window.capacity.dialog.close()
    window.shutdown()
    window.close()
    window = open_window(load_preset("xor"), out, settings, size)
    window.document.set_capacity(2, 0.0, None)
    train_until(window, lambda: window.live.state().step >= 3000)
    window.grab().save(str(out / "xor-degree2-window.png"))
    window.shutdown()
    window.close()


if __name__ == "__main__":
    main()
