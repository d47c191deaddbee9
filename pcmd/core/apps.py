from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _sqlite_pragmas(sender, connection, **kwargs):
    # WAL lets readers work while one writer commits: the demo serves several requests at once.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL;")
            cursor.execute("PRAGMA synchronous=NORMAL;")
            cursor.execute("PRAGMA foreign_keys=ON;")


class CoreConfig(AppConfig):
    name = "pcmd.core"
    label = "core"
    verbose_name = "Lõi hệ thống"

    def ready(self):
        from . import lookups  # noqa: F401  (registers the range-safe `in` on integer columns)
        from .collation import register_sqlite_collation

        connection_created.connect(_sqlite_pragmas, dispatch_uid="pcmd_sqlite_pragmas")
        connection_created.connect(register_sqlite_collation, dispatch_uid="pcmd_sqlite_vi_collation")
