"""Serve yente's own FastAPI app on the in-memory backend (:mod:`memory`), for tests.

Run with the Python of yente's environment (see ``tests/yente_env.py``)::

    python serve.py --port 8123 --manifest yente-manifest.json --data /tmp/yente

It loads the manifest as yente does, indexes every dataset of the catalog with yente's own
indexer (which reads the dataset folder over HTTP, checks its checksum, and applies the
deltas of ``delta_url`` when it already holds an older version), then serves yente's
routers (``/match``, ``/entities``, ``/catalog`` …). Two routes of its own let a test
look inside: ``POST /_harness/update`` re-reads the catalog and updates the index as
yente's cron would, ``GET /_harness/state`` reports what was indexed and how.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    os.environ["YENTE_MANIFEST"] = args.manifest
    os.environ["YENTE_DATA_PATH"] = args.data
    os.environ["YENTE_AUTO_REINDEX"] = "false"
    sys.path.insert(0, str(Path(__file__).parent))

    import uvicorn
    from memory import MemoryProvider
    from yente import settings
    from yente.app import create_app
    from yente.data import get_catalog, refresh_catalog
    from yente.provider import SearchProvider, get_provider
    from yente.search.indexer import delete_old_indices, index_entities
    from yente.search.lock import acquire_lock, release_lock

    provider = MemoryProvider()
    app = create_app()

    async def memory() -> SearchProvider:
        return provider

    app.dependency_overrides[get_provider] = memory

    async def update() -> dict[str, Any]:
        await refresh_catalog()
        catalog = await get_catalog()
        session = await acquire_lock(provider)
        if session is None:
            raise RuntimeError("could not take yente's index lock")
        try:
            for dataset in catalog.datasets:
                await index_entities(provider, dataset, force=False, lock_session=session)
            await delete_old_indices(provider, catalog)
        finally:
            await release_lock(provider, session)
        return await state()

    async def state() -> dict[str, Any]:
        catalog = await get_catalog()
        aliased = provider.aliases.get(settings.ENTITY_INDEX, set())
        documents = {index: {doc_id: {"target": src.get("target"),
                                      "datasets": src.get("datasets"),
                                      "caption": src.get("caption"),
                                      "topics": (src.get("properties") or {}).get("topics")}
                             for doc_id, src in docs.items()}
                     for index, docs in provider.indices.items() if index in aliased}
        return {"log": provider.log, "aliased": sorted(aliased), "documents": documents,
                "catalog": {d.name: d.to_dict() for d in catalog.datasets}}

    app.add_api_route("/_harness/update", update, methods=["POST"])
    app.add_api_route("/_harness/state", state, methods=["GET"])

    async def run() -> None:
        await update()
        config = uvicorn.Config(app, host="127.0.0.1", port=args.port, lifespan="off",
                                log_level="warning")
        await uvicorn.Server(config).serve()

    asyncio.run(run())


if __name__ == "__main__":
    main()
