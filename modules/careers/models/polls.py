"""Polls a user answers about themselves, and ratings others give them (the rating block)."""

from django.conf import settings
from django.db import models

from modules.careers.models.base import Stamped, Visit
from modules.careers.models.catalog import SweetSpotOption

GROUPS = ("value", "strength", "impact")
SLOTS = tuple(f"{group}{n}" for group in GROUPS for n in range(1, 6))
"""value1-5, strength1-5, impact1-5: option ids of the group's kind."""
RATING_KEYS = (*SLOTS, "valueconfidence", "strengthconfidence", "impactconfidence")
"""The option ids of a rating block: its slots and its three confidences."""

DREAMJOB_FIELDS = (
    "role1",
    "role2",
    "role3",
    "roleother",
    "roleconfidence",
    "profession1",
    "profession2",
    "profession3",
    "professionother",
    "professionconfidence",
    "company_size",
    "office_culture",
)


def _slot(*, required: bool = False) -> "models.ForeignKey[SweetSpotOption | None]":
    return models.ForeignKey(
        SweetSpotOption,
        on_delete=models.PROTECT,
        null=not required,
        blank=not required,
        related_name="+",
    )


def _text() -> "models.CharField[str, str]":
    return models.CharField(max_length=100, blank=True, default="")


class DreamJob(Stamped, Visit):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="careers_dreamjobs"
    )
    role1 = _text()
    role2 = _text()
    role3 = _text()
    roleother = _text()
    roleconfidence = _text()
    profession1 = _text()
    profession2 = _text()
    profession3 = _text()
    professionother = _text()
    professionconfidence = _text()
    company_size = _text()
    office_culture = _text()

    class Meta:
        ordering = ["-create_date", "-id"]
        verbose_name = "dream-job poll"
        indexes = [models.Index(fields=["user", "-create_date", "-id"])]

    def __str__(self) -> str:
        return f"dream job {self.pk}"


class SweetSpotSlots(models.Model):
    """The fifteen option slots a sweet-spot poll and a rating block share."""

    value1 = _slot()
    value2 = _slot()
    value3 = _slot()
    value4 = _slot()
    value5 = _slot()
    strength1 = _slot()
    strength2 = _slot()
    strength3 = _slot()
    strength4 = _slot()
    strength5 = _slot()
    impact1 = _slot()
    impact2 = _slot()
    impact3 = _slot()
    impact4 = _slot()
    impact5 = _slot()
    valueother = _text()
    strengthother = _text()
    impactother = _text()

    class Meta:
        abstract = True


class SweetSpot(Stamped, Visit, SweetSpotSlots):
    """A user's own sweet spot; the confidences are free text (a confidence option's title)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="careers_sweetspots"
    )
    valueconfidence = _text()
    strengthconfidence = _text()
    impactconfidence = _text()

    class Meta:
        ordering = ["-create_date", "-id"]
        verbose_name = "sweet-spot poll"
        indexes = [models.Index(fields=["user", "-create_date", "-id"])]

    def __str__(self) -> str:
        return f"sweet spot {self.pk}"


class RatingBlock(SweetSpotSlots):
    """What one person says of another: the slots, with the first of each group and the three
    confidences (confidence options) required."""

    value1 = _slot(required=True)
    strength1 = _slot(required=True)
    impact1 = _slot(required=True)
    valueconfidence = _slot(required=True)
    strengthconfidence = _slot(required=True)
    impactconfidence = _slot(required=True)

    class Meta:
        abstract = True


class PeerFeedback(Stamped, Visit, RatingBlock):
    """A rating of ``subject`` sent through their public link (``user/feedback/{xref}/``)."""

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="careers_feedback"
    )

    class Meta:
        ordering = ["-create_date", "-id"]
        verbose_name = "peer feedback"
        verbose_name_plural = "peer feedback"

    def __str__(self) -> str:
        return f"feedback {self.pk}"
