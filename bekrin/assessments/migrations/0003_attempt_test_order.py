"""The teacher's attempts list in its order from an index per test: the page is the first 51 entries of it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_testresult_written_scores"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="testattempt",
            index=models.Index(
                models.F("test"),
                models.OrderBy(models.F("started_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="test_attempt_test_order",
            ),
        ),
    ]
