from django.apps import AppConfig


class CareersConfig(AppConfig):
    name = "modules.careers"
    label = "careers"
    verbose_name = "Careers (Whyness)"
    default_auto_field = "django.db.models.BigAutoField"
