from django.db import migrations, models

# The whole-school ranking's JSON per school (RankingSnapshot), and what keeps it right: every statement that
# changes coding_ranking_student marks its schools' snapshots stale (body NULL) and keeps their rows locked to
# its commit; TRUNCATE (coding_ranking_rebuild) marks them all. The upsert's row lock is taken even when the body
# is already NULL (ON CONFLICT DO UPDATE locks the row whether or not its WHERE holds), and that is what makes a
# reader safe: the reader takes the same row lock before it builds the body (bekrin.coding.selectors), so either a
# change commits first and the build sees it, or the change waits for the build to commit and then marks it stale.
# A school never read gets its row here, so the first build waits for a change in flight too.
FUNCTIONS = r"""
CREATE FUNCTION coding_ranking_snapshot_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO coding_ranking_snapshot (organization_id, zone, body)
    SELECT DISTINCT organization_id, '', NULL::text FROM changed_rows ORDER BY organization_id
    ON CONFLICT (organization_id) DO UPDATE SET body = NULL WHERE coding_ranking_snapshot.body IS NOT NULL;
    RETURN NULL;
END $$;

CREATE FUNCTION coding_ranking_snapshot_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE coding_ranking_snapshot SET body = NULL;
    RETURN NULL;
END $$;

-- A transition table is named per event, so each event has its trigger; the function reads `changed_rows`.
CREATE TRIGGER coding_ranking_snapshot_insert AFTER INSERT ON coding_ranking_student
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION coding_ranking_snapshot_stale();
CREATE TRIGGER coding_ranking_snapshot_update AFTER UPDATE ON coding_ranking_student
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION coding_ranking_snapshot_stale();
CREATE TRIGGER coding_ranking_snapshot_delete AFTER DELETE ON coding_ranking_student
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION coding_ranking_snapshot_stale();
CREATE TRIGGER coding_ranking_snapshot_truncate AFTER TRUNCATE ON coding_ranking_student
    FOR EACH STATEMENT EXECUTE FUNCTION coding_ranking_snapshot_truncated();

-- The body is read whole on every request: stored out of line uncompressed, it is copied, not decompressed.
ALTER TABLE coding_ranking_snapshot ALTER COLUMN body SET STORAGE EXTERNAL;
"""

DROP_FUNCTIONS = """
DROP TRIGGER coding_ranking_snapshot_insert ON coding_ranking_student;
DROP TRIGGER coding_ranking_snapshot_update ON coding_ranking_student;
DROP TRIGGER coding_ranking_snapshot_delete ON coding_ranking_student;
DROP TRIGGER coding_ranking_snapshot_truncate ON coding_ranking_student;
DROP FUNCTION coding_ranking_snapshot_stale(), coding_ranking_snapshot_truncated();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("coding", "0005_ranking_student_names"),
    ]

    operations = [
        migrations.CreateModel(
            name="RankingSnapshot",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("organization_id", models.BigIntegerField(null=True)),
                ("zone", models.CharField(max_length=64)),
                ("body", models.TextField(null=True)),
            ],
            options={
                "db_table": "coding_ranking_snapshot",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization_id",), name="coding_ranking_snapshot_key", nulls_distinct=False
                    )
                ],
            },
        ),
        migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS),
    ]
