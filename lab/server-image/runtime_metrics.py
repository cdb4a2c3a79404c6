"""Worker metrics for langgraph-runtime-pg, whose own module returns none.

langgraph-api reads ``get_metrics()["workers"]`` for a queue worker's
``GET /metrics?format=json`` and for its worker gauges; the official image's
runtime reports its background-run slots there. The lab image puts this file
in place of ``langgraph_runtime_pg/metrics.py`` so that a worker tells how many
runs it has in progress, as the official image's workers do.
"""

from __future__ import annotations


def get_metrics() -> dict[str, dict[str, int]]:
    from langgraph_api import config
    from langgraph_runtime_pg.queue import get_num_workers

    active = get_num_workers()
    return {
        "workers": {
            "max": config.N_JOBS_PER_WORKER,
            "active": active,
            "available": config.N_JOBS_PER_WORKER - active,
        }
    }
