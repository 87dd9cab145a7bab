"""A password hasher for tests: Django's PBKDF2 with one iteration. Its hashes carry their
iteration count, so servers the tests start (with the default hashers) verify them too."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class OneIterationPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1
