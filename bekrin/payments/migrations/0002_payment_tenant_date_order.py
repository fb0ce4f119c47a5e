"""The teacher's payments list in its order from an index per school (and one for the school without an
organization): the page is the first 51 entries of it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(
                models.F("organization"),
                models.OrderBy(models.F("payment_date"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("deleted_at__isnull", True)),
                name="payment_tenant_date_order",
            ),
        ),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(
                models.OrderBy(models.F("payment_date"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("deleted_at__isnull", True), ("organization__isnull", True)),
                name="payment_date_order_no_org",
            ),
        ),
    ]
