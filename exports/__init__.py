"""Outputs written from a case: FollowTheMoney JSON lines (more formats to come)."""

from exports.atomic import atomic_file
from exports.ftm_json import entity_line, stable_dict, write_entities

__all__ = ["atomic_file", "entity_line", "stable_dict", "write_entities"]
