"""Create the configured database when its server does not have it yet (make run)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from newsapi.database import connection_params, ensure_database


class Command(BaseCommand):
    help = "Create the database named in the settings (DATABASE_URL) if the server lacks it."

    def handle(self, *args: Any, **options: Any) -> None:
        config = settings.DATABASES["default"]
        if ensure_database(connection_params(config), config["NAME"]):
            self.stdout.write(f"Created database {config['NAME']!r}.")
