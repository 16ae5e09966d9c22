from __future__ import annotations

import sys

from tracker_bridge.entry import main

sys.exit(main())
