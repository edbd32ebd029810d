"""gunicorn settings of LOM's app servers: `deploy/lom web` passes this file, and so does the
benchmark (bench/run.py). Flags on the command line win over it.

The application is preloaded: the master imports Django, the settings and every app once, then
forks the workers, which start with all of it in memory (shared copy-on-write) instead of each
importing it again. A worker that is restarted is ready at once, and its first request is not
slow. The price: code changes need a restart of the master (systemctl restart, a new
container), not just a HUP.
"""

import gc

preload_app = True


def when_ready(server):
    """With the application preloaded, also import the URL configuration in the master (every
    view, form and API schema; Django would do it on each worker's first request), and make sure
    the master holds no database connection its children would share."""
    if not server.cfg.preload_app:
        return
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imported for its side effect
    connections.close_all()
    # Everything imported so far lives as long as the process: keep the collector from
    # walking (and so writing to, and copying) those pages in every worker.
    gc.collect()
    gc.freeze()
