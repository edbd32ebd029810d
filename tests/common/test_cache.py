"""The shared cache production uses: Django's database cache in the table migrations create."""

from django.core.cache import caches
from django.db import connection
from django.test import override_settings

from lom.config import settings as production

DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "lom_cache",
    }
}


def test_production_caches_in_the_database_by_default():
    assert production.LOM_CACHE == "database"
    assert production.CACHES["default"]["BACKEND"].endswith("db.DatabaseCache")
    assert production.CACHES["default"]["LOCATION"] == "lom_cache"


def test_the_migrations_create_the_cache_table_and_it_holds_values(db):
    assert "lom_cache" in connection.introspection.table_names()
    with override_settings(CACHES=DATABASE_CACHE):
        cache = caches["default"]
        cache.set("figure", {"applications": 12}, 60)
        assert cache.get("figure") == {"applications": 12}
        assert cache.add("counter", 0)
        assert cache.incr("counter") == 1
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM lom_cache")
            assert cursor.fetchone()[0] == 2
