"""gunicorn bench.minimal.wsgi (DJANGO_SETTINGS_MODULE=bench.minimal.settings)."""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
