"""What screening finds: a list entry that matched (``Match``) and its designations
(``Designation``), as stored in the case database and shown in every output. Plain data,
no matching code, so that readers of stored results load nothing heavy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

#: Scores at or above this are reported as matches (the same default as yente's).
DEFAULT_THRESHOLD = 0.70


@dataclass(frozen=True)
class Designation:
    """One designation (an FtM ``Sanction``) of a listed entity."""

    authority: str
    program: str
    country: str
    listing_date: str = ""
    end_date: str = ""
    source_list: str = ""
    id: str = ""
    datasets: tuple[str, ...] = ()

    @classmethod
    def from_sanction(cls, data: dict[str, Any], source_list: str) -> Designation:
        def first(*names: str) -> str:
            for name in names:
                values = data.get(name) or []
                if values:
                    return str(values[0])
            return ""

        programs = data.get("program") or data.get("programId") or []
        return cls(first("authority"), "; ".join(programs), first("country"),
                   first("listingDate", "startDate"), first("endDate"), source_list,
                   str(data.get("id", "")), tuple(data.get("datasets") or ()))

    def to_json(self) -> dict[str, Any]:
        return {"authority": self.authority, "program": self.program, "country": self.country,
                "listing_date": self.listing_date, "end_date": self.end_date,
                "list": self.source_list, "id": self.id, "datasets": list(self.datasets)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Designation:
        return cls(data.get("authority", ""), data.get("program", ""), data.get("country", ""),
                   data.get("listing_date", ""), data.get("end_date", ""), data.get("list", ""),
                   data.get("id", ""), tuple(data.get("datasets", ())))


class Feature(NamedTuple):
    """One feature of a matcher's score: the score, the matcher's detail text, and the
    query's and candidate's values it compared (when the matcher says)."""

    score: float
    detail: str = ""
    query: str | None = None
    candidate: str | None = None


@dataclass
class Match:
    """A list entry scoring at or above the threshold for a query."""

    id: str
    name: str
    schema: str
    score: float
    agreed: list[str]
    conflicts: list[str]
    sanctions: list[Designation]
    source_list: str
    datasets: list[str] = field(default_factory=list)
    #: the listed entity's FtM topics (``sanction``, ``sanction.linked``, ``role.pep``…)
    topics: list[str] = field(default_factory=list)

    @property
    def designated(self) -> bool:
        """Whether the entry is a designation: it has a ``Sanction``."""
        return bool(self.sanctions)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "schema": self.schema,
                "score": round(self.score, 4), "list": self.source_list,
                "agreed": self.agreed, "conflicts": self.conflicts,
                "datasets": self.datasets, "sanctions": [s.to_json() for s in self.sanctions],
                "topics": self.topics}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Match:
        return cls(data["id"], data["name"], data.get("schema", ""), float(data["score"]),
                   list(data.get("agreed", [])), list(data.get("conflicts", [])),
                   [Designation.from_json(s) for s in data.get("sanctions", [])],
                   data.get("list", ""), list(data.get("datasets", [])),
                   list(data.get("topics", [])))
