"""``python -m tecmodel``: the same as the ``tecmodel`` console command."""

import sys

from .cli import main

sys.exit(main())
