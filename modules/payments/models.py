"""Suppliers, their payments and the anticipations asked for them, with the audit log.

The rules a race could break live in the database: one anticipation per payment (a one-to-one
key), positive values and the closed sets of statuses and actions (check constraints).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

REG_NUMBER_PATTERN = r"^[0-9]{1,14}$"
REG_NUMBER_MESSAGE = "Enter digits only (at most 14)."


class Operator(models.Model):
    """The role that sees and decides everything; granted by staff in the admin."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payments_operator"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.user)


class Supplier(models.Model):
    """A company the payments are owed to; its user sees only its own payments."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payments_supplier"
    )
    corporate_name = models.CharField(max_length=128)
    reg_number = models.CharField(
        "registration number",
        max_length=14,
        unique=True,
        validators=[RegexValidator(REG_NUMBER_PATTERN, REG_NUMBER_MESSAGE)],
        help_text="Digits only, at most 14.",
    )

    class Meta:
        ordering = ["corporate_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reg_number__regex=REG_NUMBER_PATTERN),
                name="payments_supplier_reg_number_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.corporate_name


class Payment(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="payments")
    creation_date = models.DateField(default=timezone.localdate, editable=False)
    due_date = models.DateField()
    value = models.DecimalField(max_digits=11, decimal_places=2)

    class Meta:
        ordering = ["-creation_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gt=0),
                name="payments_payment_value_positive",
                violation_error_message="Make sure the value is greater than zero.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["supplier", "-creation_date", "-id"], name="payments_pay_supplier_created"
            ),
            # The operator's list walks every payment newest first; no sort, whatever the size.
            models.Index(fields=["-creation_date", "-id"], name="payments_pay_created"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier.corporate_name} - ${Decimal(self.value):.2f}"


class Anticipation(models.Model):
    """A request to pay one payment early at a discount; at most one per payment, ever."""

    class Status(models.TextChoices):
        PENDING = "PC", "Pending confirmation"
        APPROVED = "A", "Approved"
        DENIED = "D", "Denied"

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="anticipation")
    creation_date = models.DateField(default=timezone.localdate, editable=False)
    new_due_date = models.DateField()
    new_value = models.DecimalField(max_digits=11, decimal_places=2)
    update_date = models.DateField(default=timezone.localdate)
    status = models.CharField(max_length=2, choices=Status.choices, default=Status.PENDING)

    class Meta:
        ordering = ["-creation_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["PC", "A", "D"]), name="payments_anticipation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(new_value__gt=0), name="payments_anticipation_new_value_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["-creation_date", "-id"], name="payments_ant_created"),
        ]

    def __str__(self) -> str:
        return f"Anticipation {self.pk} of payment {self.payment_id} ({self.status})"

    def save(self, *args: object, **kwargs: object) -> None:
        """``update_date`` follows every save, including saves limited to some fields."""
        self.update_date = timezone.localdate()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "update_date"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class RequestLog(models.Model):
    """Who requested, approved or denied an anticipation, and when."""

    class Action(models.TextChoices):
        REQUEST = "R", "Request"
        APPROVAL = "A", "Approval"
        DENIAL = "D", "Denial"

    # The foreign key carries the (anticipation) index the supplier's log list filters on.
    anticipation = models.ForeignKey(Anticipation, on_delete=models.CASCADE, related_name="logs")
    created_at = models.DateField(default=timezone.localdate, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="payments_request_logs",
    )
    action = models.CharField(max_length=1, choices=Action.choices)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "request log"
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["R", "A", "D"]), name="payments_requestlog_action_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="payments_log_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} of anticipation {self.anticipation_id}"
