"""gunicorn settings of the portal, read by ``gunicorn woscan_portal.wsgi`` from the checkout.

Sized from the machine's cores (``WEB_CONCURRENCY`` / ``WOSCAN_WEB_THREADS`` override): one
worker per core plus one, four threads each — the queue's pages are CPU-bound Python, so more
workers than cores only queue for the CPU. Every worker loads the application before forking
(``preload_app``) and the objects made while loading are frozen out of the garbage collector
(``gc.freeze()``): a full collection then no longer walks Django's modules, URL patterns and
templates on every request burst (they are never garbage), and the pages stay shared between
the workers instead of being copied when the collector touches them.

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
threads = int(os.environ.get("WOSCAN_WEB_THREADS", 4))
worker_class = "gthread"
keepalive = int(os.environ.get("WOSCAN_WEB_KEEPALIVE", 0))
preload_app = True
graceful_timeout = 5


def when_ready(server):
    gc.collect()
    gc.freeze()


def post_fork(server, worker):
    # A connection opened while the app loaded (none should be) must not be shared by workers.
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
