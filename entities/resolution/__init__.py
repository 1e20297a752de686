"""Identity resolution: ``names`` (transliteration skeletons, patronymics, Kazakh rules),
``orgnames`` (legal forms and the alias table ``org_aliases.yml``), ``matching`` (the
decision for one pair: merge, review or distinct) and ``xref`` (candidates, decisions and
conflict-aware clusters)."""
