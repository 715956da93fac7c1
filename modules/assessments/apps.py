from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "modules.assessments"
    label = "assessments"
    verbose_name = "Assessments (MindLogger)"
    default_auto_field = "django.db.models.BigAutoField"
