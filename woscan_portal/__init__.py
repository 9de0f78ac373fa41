"""WOScan Portal: the Django project (settings, URLs, shared views, tables and mixins)."""
