"""Outputs written from a case: FollowTheMoney JSON lines, the evidence map, the
parliamentary and authoring workbooks, the OpenSanctions-compatible dataset, GEXF and
the evidence-map pictures."""

__all__: list[str] = []
