"""The portal's one date and date-time format (``FORMAT_MODULE_PATH``), whatever the language.

Django takes a locale's formats ahead of the ``DATE_FORMAT`` settings; this module is that
locale's formats, so pages, tables, forms and filters all read ``2026-12-02`` and
``2026-12-02 14:05``, in the plant's time zone (``TIME_ZONE``).
"""
