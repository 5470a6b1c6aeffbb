"""``python -m lossviz`` is the ``lossviz`` command."""

import sys

from lossviz.cli import main

sys.exit(main())
