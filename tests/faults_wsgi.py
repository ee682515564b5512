"""The app as gunicorn serves it, with one fault point for tests/test_faults.py.

A save whose headline starts with ``[stall]`` stops after the article and its inlines are written, inside the
request's transaction and before its revision is, writes the worker's pid to ``NEWSROOM_FAULT_MARKER`` and
waits there, so the test can kill the worker mid-save. Nothing else changes.
"""

import os
import time
from importlib import import_module
from pathlib import Path

from newsroom.wsgi import application  # sets Django up: import the admin only after it

ArticleAdmin = import_module("articles.admin").ArticleAdmin
_save_related = ArticleAdmin.save_related


def _stalling_save_related(self, request, form, formsets, change):
    _save_related(self, request, form, formsets, change)
    if form.instance.headline.startswith("[stall]"):
        Path(os.environ["NEWSROOM_FAULT_MARKER"]).write_text(str(os.getpid()))
        time.sleep(60)


ArticleAdmin.save_related = _stalling_save_related

__all__ = ["application"]
