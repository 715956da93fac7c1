from django.apps import AppConfig


class CareersConfig(AppConfig):
    name = "modules.careers"
    label = "careers"
    verbose_name = "Careers (Whyness)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        from core import jobs
        from modules.careers.services.transcription import TRANSCRIPTION_QUEUE
        from modules.careers.transcription.checks import check_transcription

        checks.register(check_transcription)
        jobs.register(TRANSCRIPTION_QUEUE)
