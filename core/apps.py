from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from core import db, jobs
        from core.mail import services

        jobs.register(services.OUTBOX_QUEUE)
        connection_created.connect(db.register_sqlite_functions, dispatch_uid="core-sqlite-case")
