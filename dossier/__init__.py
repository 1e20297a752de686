"""The application: the ``dossier`` command line (``dossier.cli``), the build that turns a
case into its outputs (``dossier.build``, per-target work in ``dossier.targets``), the
dossier PDFs (``dossier.pdf``), screening and identity commands, and the case scaffold.

Nothing is imported here, so that ``dossier --help`` starts quickly."""

__all__: list[str] = []
