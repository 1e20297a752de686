"""What comes into a case: spreadsheets (``tabular`` columns, ``sheets`` reading,
``importer`` into generated YAML), FollowTheMoney JSON lines (``ftm_import`` into the
case database) and small edits of hand-written YAML (``edit``, for reviews)."""
