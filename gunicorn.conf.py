"""gunicorn settings of the portal, read by ``gunicorn woscan_portal.wsgi`` from the checkout.

Sized from the machine's cores (``WEB_CONCURRENCY`` / ``WOSCAN_WEB_THREADS`` override): one
worker per core plus one, eight threads each. The queue's pages and the pushes are CPU-bound
Python, so more workers than cores only queue for the CPU; the threads are for fairness: with four
a worker, sixteen handhelds pushing 1,000 lines at once left four pushes waiting for a free thread
(the slowest took 4.8 s, median 1.9 s); with eight every one is being served and they share the
cores (slowest 3.7 s), and the queue at sixteen supervisors answers as many requests with a
shorter tail (PostgreSQL, 2,000,000 lines: p95 560–654 ms against 631–844 ms).

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
threads = int(os.environ.get("WOSCAN_WEB_THREADS", 8))
worker_class = "gthread"
keepalive = int(os.environ.get("WOSCAN_WEB_KEEPALIVE", 0))
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
