"""Retrying a write that PostgreSQL aborted for a deadlock or a serialization failure. Below
the services and the name writes, which both use it (names is imported by services)."""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import OperationalError, connection
from psycopg import errors as pg_errors

ATTEMPTS = 4  # a write that deadlocks or fails to serialise is tried this many times
Result = TypeVar("Result")


def retrying(write: Callable[..., Result]) -> Callable[..., Result]:
    """Run ``write`` (a transaction) again when PostgreSQL aborted it for a deadlock or a
    serialization failure; inside an outer transaction there is nothing to retry."""

    @functools.wraps(write)
    def attempt(*args: Any, **kwargs: Any) -> Result:
        if connection.in_atomic_block:
            return write(*args, **kwargs)
        for number in range(1, ATTEMPTS + 1):
            try:
                return write(*args, **kwargs)
            except OperationalError as error:
                transient = isinstance(
                    error.__cause__, pg_errors.DeadlockDetected | pg_errors.SerializationFailure
                )
                if not transient or number == ATTEMPTS:
                    raise
                time.sleep(random.uniform(0.01, 0.05) * number)
        raise AssertionError("unreachable")

    return attempt
