from __future__ import annotations

import sys

from tracker_bridge.cli import main

sys.exit(main())
