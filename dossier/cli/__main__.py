"""``python -m dossier.cli``: the same as the ``dossier`` command."""

from dossier.cli import main

main()
