"""Create a local superuser when there is none, and say how to log in to the admin."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the superuser 'admin' with a generated password when no superuser exists."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args: Any, username: str, url: str, **options: Any) -> None:
        change = f"{_python()} manage.py changepassword {username}"
        users = get_user_model()
        if users.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                f"Admin: {url} (log in with your superuser; forgotten the password? {change})"
            )
            return
        password = secrets.token_urlsafe(12)
        users.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            f"Admin: {url}\n  created superuser {username!r} with password: {password}\n"
            f"  (shown only this once; change it with: {change})"
        )


def _python() -> str:
    """This interpreter as the user would type it: ``.venv/bin/python`` from the checkout."""
    executable = Path(sys.executable)
    try:
        return str(executable.relative_to(settings.BASE_DIR))
    except ValueError:
        return str(executable)
