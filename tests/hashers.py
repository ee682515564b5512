"""A password hasher for tests only."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 at the smallest cost, for tests that log in many times: the real parameters (about 100 MB of
    memory per hash) make every failed login take a noticeable time on purpose."""

    time_cost = 1
    memory_cost = 8  # KiB, argon2's minimum for parallelism 1
    parallelism = 1
