from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete


class TaskboardConfig(AppConfig):
    name = "modules.taskboard"
    label = "taskboard"
    verbose_name = "Taskboard"

    def ready(self) -> None:
        from modules.taskboard.models import Upload

        post_delete.connect(_discard_upload_file, sender=Upload, dispatch_uid="taskboard-upload")


def _discard_upload_file(sender: type, instance: Any, **kwargs: Any) -> None:
    """Every way a row goes (admin, the owner's account deleted) takes its file along."""
    from modules.taskboard.services.uploads import upload_file_discard

    upload_file_discard(upload=instance)
