from django.apps import AppConfig


class TaskboardConfig(AppConfig):
    name = "modules.taskboard"
    label = "taskboard"
    verbose_name = "Taskboard"
