"""The groups' list order from an index per school (and one for the school without an organization), and the
active members counted from an index alone: a page costs its rows, not the school's groups and memberships."""

from django.db import migrations, models

import bekrin.core.search


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="groupmembership",
            index=models.Index(
                models.F("group"), models.F("id"), condition=models.Q(("is_active", True)), name="group_membership_active"
            ),
        ),
        migrations.AddIndex(
            model_name="studygroup",
            index=models.Index(
                models.F("organization"),
                models.OrderBy(models.F("sort_order"), nulls_last=True),
                bekrin.core.search.AzSortKey("display_name"),
                models.F("id"),
                condition=models.Q(("deleted_at__isnull", True)),
                name="group_order",
            ),
        ),
        migrations.AddIndex(
            model_name="studygroup",
            index=models.Index(
                models.OrderBy(models.F("sort_order"), nulls_last=True),
                bekrin.core.search.AzSortKey("display_name"),
                models.F("id"),
                condition=models.Q(("deleted_at__isnull", True), ("organization__isnull", True)),
                name="group_order_no_org",
            ),
        ),
    ]
