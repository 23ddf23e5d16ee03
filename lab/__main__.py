"""Entry point: python3 -m lab {up|down|status|env|reset|smoke|bench}."""

import sys

from lab.manage import main

sys.exit(main())
