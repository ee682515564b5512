"""The cache: Redis when REDIS_URL is set (CI's PostgreSQL run), shared by sessions."""

import os

import pytest
from django.core.cache import cache, caches
from django_redis.cache import RedisCache

from tests.factories import UserFactory


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set (CI sets it for the PostgreSQL run)")
def test_redis_is_the_cache_when_configured():
    assert isinstance(caches["default"], RedisCache)
    cache.set("newsroom-test-key", "Київ ✓", timeout=30)
    assert cache.get("newsroom-test-key") == "Київ ✓"
    cache.delete("newsroom-test-key")


@pytest.mark.django_db
def test_a_login_survives_a_cache_flush(client):
    """Sessions live in the cache and the database: losing the cache logs nobody out."""
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    cache.clear()
    assert client.get("/admin/").status_code == 200


@pytest.mark.skipif(bool(os.environ.get("REDIS_URL")), reason="the local-memory cache is used without REDIS_URL")
def test_the_local_memory_cache_reads_without_memcached_key_checks(recwarn):
    """Django's LocMemCache walks every key character by character on each read, to warn about memcached."""
    from django.core.cache.backends.locmem import LocMemCache

    for name in ("default", "renditions"):
        backend = caches[name]
        assert isinstance(backend, LocMemCache)  # still a bounded LRU per process
        backend.set("a key memcached would refuse", "value")
        assert backend.get("a key memcached would refuse") == "value"
    assert not [w for w in recwarn if "memcached" in str(w.message)]
