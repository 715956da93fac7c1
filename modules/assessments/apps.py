from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "modules.assessments"
    label = "assessments"
    verbose_name = "Assessments (MindLogger)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        from core import jobs
        from modules.assessments.pii import check_keys

        checks.register(check_keys)
        from modules.assessments.services import reencryption

        jobs.register(reencryption.QUEUE)
        jobs.register(reencryption.RETRY_QUEUE)
