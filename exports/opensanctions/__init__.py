"""An OpenSanctions-compatible dataset folder, written from a case view.

One function per artefact (:mod:`exports.opensanctions.artefacts`): ``entities.ftm.json``,
``targets.nested.json``, ``targets.simple.csv``, ``statements.csv``, ``names.txt``,
``delta.json`` (against the previous build in the same folder); then ``index.json``
(:mod:`exports.opensanctions.index`), which describes them with their checksums.
"""

from exports.opensanctions.dataset import write, write_dataset

__all__ = ["write", "write_dataset"]
