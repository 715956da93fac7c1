from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import jobs
        from core.mail import services

        jobs.register(services.OUTBOX_QUEUE)
