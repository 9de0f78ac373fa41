"""gunicorn settings of the portal, read by ``gunicorn woscan_portal.wsgi`` from the checkout.

Sized from the machine's cores (``WEB_CONCURRENCY`` / ``WOSCAN_WEB_THREADS`` override): one
worker per core plus one, four threads each — the queue's pages are CPU-bound Python, so more
workers than cores only queue for the CPU. Every worker loads the application before forking
(``preload_app``) and the objects made while loading are frozen out of the garbage collector
(``gc.freeze()``): a full collection then no longer walks Django's modules, URL patterns and
templates on every request burst (they are never garbage), and the pages stay shared between
the workers instead of being copied when the collector touches them.
"""
import gc
import os

workers = int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("WOSCAN_WEB_THREADS", 4))
worker_class = "gthread"
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
