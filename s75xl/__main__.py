"""``python -m s75xl``: the same as the ``s75xl`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
