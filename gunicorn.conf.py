"""gunicorn settings of the portal, read by ``gunicorn woscan_portal.wsgi`` from the checkout.

Sized from the machine's cores (``WEB_CONCURRENCY`` / ``WOSCAN_WEB_THREADS`` override): one
worker per core plus one, one thread each, and a worker takes a connection only when its thread is
free (``worker_connections = threads``). The queue's pages and the pushes are CPU-bound Python:
within one worker, threads share one interpreter and so one core. With eight threads a worker
took whatever connections reached it first, so of sixteen handhelds pushing at once one worker
could hold eight and another three, and the crowded one's pushes took twice as long (slowest
4.1–5.9 s, median 2.1 s). Now the others wait in the listening socket's queue, first come first served, for
the first worker to finish: slowest 2.3–2.7 s, median 1.9–2.3 s, and the queue at sixteen
supervisors keeps its throughput with a shorter tail (PostgreSQL, 2,000,000 lines: p95 483–532 ms
against 624–803 ms). A worker never waits on a slow client's network behind the proxy in front
(nginx buffers the request and the answer), so one thread loses nothing there.

Every worker loads the application before forking (``preload_app``) and the objects made while
loading are frozen out of the garbage collector
(``gc.freeze()``): a full collection then no longer walks Django's modules, URL patterns and
templates on every request burst (they are never garbage), and the pages stay shared between
the workers instead of being copied when the collector touches them. After its 100th and its
1,000th request a worker freezes again what its first requests made (``post_request``).

No keep-alive (``keepalive = 0``; ``WOSCAN_WEB_KEEPALIVE`` overrides, in seconds): a kept-alive
connection stays with the worker that accepted it, and a burst of connections — sixteen
supervisors opening the queue at a shift change — is accepted mostly by whichever worker woke
first, whose one interpreter then serves them on one core while the other workers idle (the
queue at 16 at once, 2,000,000 lines: 20 requests/s, p95 850–890 ms). Closed after each answer,
every request goes to a worker that is free: 38–39 requests/s, p95 670 ms. A proxy in front
(nginx speaks HTTP/1.0 to its upstream by default) does the same; on a plant's network a new
connection costs well under a millisecond.
"""
import gc
import os

workers = int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("WOSCAN_WEB_THREADS", 1))
worker_class = "gthread"
keepalive = int(os.environ.get("WOSCAN_WEB_KEEPALIVE", 0))
# A worker takes a connection only when one of its threads is free: the others wait in the
# listening socket's queue, first come first served, for whichever worker frees first. (A
# kept-alive connection holds its place while idle, so with keep-alive on, gunicorn's own room.)
worker_connections = threads if keepalive == 0 else 1000
preload_app = True
graceful_timeout = 5


# Requests after which a worker freezes again what it has made and kept: the templates compiled,
# the URL patterns resolved and the caches filled by its first requests are never garbage, but
# were made after ``when_ready``; left in the collector, every full collection walked them
# (15–20 ms, about every 40 requests of the queue: the slow requests of its p95).
REFREEZE_AFTER = (100, 1_000)


def _freeze_what_is_kept():
    gc.collect()
    gc.freeze()


def when_ready(server):
    _freeze_what_is_kept()


def post_request(worker, req, environ, resp):
    served = getattr(worker, "woscan_served", 0) + 1  # (threads may miss a count: it only paces this)
    worker.woscan_served = served
    if served in REFREEZE_AFTER:
        _freeze_what_is_kept()


def post_fork(server, worker):
    # A connection opened while the app loaded (none should be) must not be shared by workers.
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
