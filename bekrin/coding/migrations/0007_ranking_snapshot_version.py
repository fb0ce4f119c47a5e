from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coding", "0006_ranking_snapshot"),
    ]

    operations = [
        migrations.AddField(
            model_name="rankingsnapshot",
            name="version",
            field=models.UUIDField(null=True),
        ),
    ]
