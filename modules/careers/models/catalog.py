"""What clients choose from: questions, professions, roles and their type attributes, and the
option lists of the sweet-spot poll."""

from django.db import models

from modules.careers.models.base import Stamped, Status


class Question(Stamped):
    question = models.CharField(max_length=500)
    sort_order = models.IntegerField(default=0)
    status = models.SmallIntegerField(choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        ordering = ["sort_order", "id"]
        indexes = [models.Index(fields=["status", "sort_order", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="careers_question_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.question


class Profession(Stamped):
    title = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class TypeAttribute(Stamped):
    title = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = "type attribute"

    def __str__(self) -> str:
        return self.title


class Role(Stamped):
    profession = models.ForeignKey(Profession, on_delete=models.PROTECT, related_name="roles")
    title = models.CharField(max_length=100, unique=True)
    attributes = models.ManyToManyField(TypeAttribute, related_name="roles", blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class OptionKind(models.TextChoices):
    VALUE = "value", "Value"
    STRENGTH = "strength", "Strength"
    IMPACT = "impact", "Impact"
    CONFIDENCE = "confidence", "Confidence"


class SortOrder(models.IntegerChoices):
    FIRST = 0, "First"
    NORMAL = 1, "Normal"
    LAST = 99, "Last"


class SweetSpotOption(Stamped):
    """One option of one list; polls and ratings name options by id (one table, spec §9.8)."""

    Kind = OptionKind

    kind = models.CharField(max_length=16, choices=OptionKind.choices)
    title = models.CharField(max_length=100)
    sort_order = models.SmallIntegerField(choices=SortOrder.choices, default=SortOrder.NORMAL)
    status = models.SmallIntegerField(choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        ordering = ["sort_order", "title"]
        verbose_name = "sweet-spot option"
        indexes = [models.Index(fields=["kind", "status", "sort_order", "title"])]
        constraints = [
            models.UniqueConstraint(fields=["kind", "title"], name="careers_option_kind_title"),
            models.CheckConstraint(
                condition=models.Q(kind__in=OptionKind.values), name="careers_option_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="careers_option_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"
