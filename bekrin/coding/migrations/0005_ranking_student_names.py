from django.db import migrations, models

# The whole-school ranking read coding_ranking_student joined to "user" (the name, the order's last key) and
# student_profile (soft-deleted students are left out): two hash joins over the school before the sort, most of
# its 36 ms at 10,000 students. The row now carries both, kept exactly by triggers, and an index holds the
# ranking's whole order:
# - a row inserted into coding_ranking_student (the writers' lock, the rebuild) reads them as it is written, and
#   takes the user and profile rows FOR SHARE, so a rename or a soft delete being written waits for it or is
#   waited for and then seen;
# - a rename of the user, and an insert, delete, soft delete or restore of the student profile, write them to the
#   student's rows.
FUNCTIONS = r"""
CREATE FUNCTION coding_ranking_student_named() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.full_name := COALESCE((SELECT u.full_name FROM "user" u WHERE u.id = NEW.student_id FOR SHARE), '');
    PERFORM 1 FROM student_profile sp WHERE sp.user_id = NEW.student_id FOR SHARE;
    NEW.listed := EXISTS (SELECT 1 FROM student_profile sp WHERE sp.user_id = NEW.student_id AND sp.deleted_at IS NULL);
    RETURN NEW;
END $$;

CREATE FUNCTION coding_ranking_user_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE coding_ranking_student SET full_name = NEW.full_name WHERE student_id = NEW.id;
    RETURN NULL;
END $$;

CREATE FUNCTION coding_ranking_profile_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- OLD is NULL on an insert, NEW on a delete; a profile moved to another user changes both users' rows.
    UPDATE coding_ranking_student r
    SET listed = EXISTS (SELECT 1 FROM student_profile sp WHERE sp.user_id = r.student_id AND sp.deleted_at IS NULL)
    WHERE r.student_id IN (OLD.user_id, NEW.user_id);
    RETURN NULL;
END $$;

CREATE TRIGGER coding_ranking_student_name BEFORE INSERT ON coding_ranking_student
    FOR EACH ROW EXECUTE FUNCTION coding_ranking_student_named();
CREATE TRIGGER coding_ranking_user_rename AFTER UPDATE OF full_name ON "user"
    FOR EACH ROW WHEN (OLD.full_name IS DISTINCT FROM NEW.full_name) EXECUTE FUNCTION coding_ranking_user_renamed();
CREATE TRIGGER coding_ranking_profile_change AFTER INSERT OR DELETE OR UPDATE OF user_id, deleted_at ON student_profile
    FOR EACH ROW EXECUTE FUNCTION coding_ranking_profile_changed();

UPDATE coding_ranking_student r
SET full_name = COALESCE((SELECT u.full_name FROM "user" u WHERE u.id = r.student_id), ''),
    listed = EXISTS (SELECT 1 FROM student_profile sp WHERE sp.user_id = r.student_id AND sp.deleted_at IS NULL);
"""

DROP_FUNCTIONS = """
DROP TRIGGER coding_ranking_student_name ON coding_ranking_student;
DROP TRIGGER coding_ranking_user_rename ON "user";
DROP TRIGGER coding_ranking_profile_change ON student_profile;
DROP FUNCTION coding_ranking_student_named(), coding_ranking_user_renamed(), coding_ranking_profile_changed();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("coding", "0004_submission_indexes"),
        ("students", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="rankingstudent",
            name="full_name",
            field=models.CharField(default="", max_length=200),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="rankingstudent",
            name="listed",
            field=models.BooleanField(default=False),
            preserve_default=False,
        ),
        migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS),
        migrations.RemoveIndex(model_name="rankingstudent", name="coding_ranking_student_order"),
        migrations.AddIndex(
            model_name="rankingstudent",
            index=models.Index(
                condition=models.Q(("attempts__gt", 0), ("listed", True)),
                fields=["organization_id", "-total_points", "-solved_count", "last_solved_at", "full_name", "student_id"],
                include=("attempts",),
                name="coding_ranking_student_listed",
            ),
        ),
    ]
