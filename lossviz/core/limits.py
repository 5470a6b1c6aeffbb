"""The limits of what lossviz shows and reads, named once (the scene format, the command line and the window use
them), and the memory this machine has."""


FIGURE_SIDES = (16, 8192)  # pixels of a figure's width and height (render's and animate's --size)
FIGURE_SCALES = (0.25, 8.0)  # render's --scale
MAX_FIGURE_PIXELS = 16384  # of size × scale, per side
MAX_FPS = 60  # an animation's frames per second
THEMES = ("light", "dark")  # the figures' and the window's colours
MAX_CLASSES = 10  # classes of a scene: the digit keys 0–9 choose a label
MAX_DIMS = 50  # input columns of a scene (an imported table's feature columns)
LECTURE_LAYOUTS = ("decomposition", "population", "interpolation")  # render's figures of a lecture's ideas
PLANES = ("coords", "trajectory", "pca", "hessian", "random")  # planes through θ-space a surface can lie on
SEED_BOUND = 2**63 - 1  # the largest seed of numpy's generators that a scene may name
SLIDE_SIZE = (1920, 1080)  # pixels of a figure unless told otherwise (a 1080p slide)
VIEW_LAYOUTS = ("full", "data", "surface", "curve")  # render's figures of the window's views
VALUE_BOUND = 1e150  # the largest |x| or |y| lossviz takes: squares, and sums of a few of them, stay finite


def available_memory() -> int | None:
    """Bytes of memory the machine can give a new allocation now (MemAvailable), or None where that is unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None
