"""ASGI entry point. A server started through it runs in production mode by default."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("NEWSROOM_ENV", "production")

application = get_asgi_application()
