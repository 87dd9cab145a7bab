"""WSGI entry point (gunicorn newsapi.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsapi.settings")

application = get_wsgi_application()
