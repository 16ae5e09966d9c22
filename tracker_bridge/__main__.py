from __future__ import annotations

import gc
import sys

# A command's start-up allocates thousands of long-lived objects (modules, classes, pydantic
# schemas): collecting them while they load is wasted work. `cli.main` freezes what the
# command loaded and turns the collector back on before the command runs.
gc.disable()

from tracker_bridge.cli import main  # noqa: E402

sys.exit(main())
