"""The command line's shared parts and its product commands.

``s75xl/cli.py`` declares the commands; this package holds what they share (``output``: one
error rule, ``--json``, ``--quiet``, progress on standard error, plain text when piped) and the
commands that serve the installed product rather than the engine: ``s75xl templates`` (list and
copy the shipped templates) and ``s75xl functions`` (call a worksheet function as Excel would).
Nothing here imports pandas or scipy at import time, so the command line starts quickly.
"""
