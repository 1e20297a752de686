"""The application: command line, build orchestration, dossiers."""

from dossier.build import BuildResult, build_case

__all__ = ["BuildResult", "build_case"]
