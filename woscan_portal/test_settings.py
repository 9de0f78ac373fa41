"""Settings for the test suite: the real settings, with tasks run in-process.

django-q2 reads ``Q_CLUSTER`` once at import, so ``sync`` must be set here rather than
in a fixture.
"""
import os

from woscan_portal.settings import *  # noqa: F403
from woscan_portal.settings import Q_CLUSTER

Q_CLUSTER = {**Q_CLUSTER, "sync": True}
# Counts are exact in tests whatever the load of the machine running them; the tests of the
# budget itself set reviews.views.COUNT_BUDGET.
WOSCAN_COUNT_BUDGET = 2.0
WOSCAN_CHART_BUDGET = 2.0  # the landing page's charts likewise
WOSCAN_NAME_BUDGET = 2.0  # and the correction form's name lookups (a browser test types and waits for them)
WOSCAN_CHART_CACHE_SECONDS = 0  # read afresh in every test (the test of keeping them sets it)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

# A file, not memory, so that a real django-q2 cluster started by a test (a subprocess)
# sees the same test database; one per test run, so two runs side by side never share one.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_portal-{os.getpid()}.sqlite3")}  # noqa: F405
