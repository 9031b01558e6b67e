"""``python -m s75xl``: the same as the ``s75xl`` command."""

import sys

from .cli import main

sys.exit(main())
