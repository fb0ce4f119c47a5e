"""The people search from a table of its own, and the Azerbaijani name order from an index.

accounts_user_search_text (bekrin.accounts.models.UserSearchText, docs/schema/EXTENSIONS.md) keeps each user's
folded name, email and phone and its trigrams, kept by a trigger on "user"; user_search_text_rebuild() makes it
again after a load with triggers off. Where the server has pg_trgm the folded text gets a trigram index too, and
the trigram index on "user" of 0002 goes (the search no longer reads it). user_name_order serves the lists' order.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import bekrin.core.search
from bekrin.core.search import _FOLD_FROM, _FOLD_TO, GRAM

# The folding of bekrin.core.search.fold_text (lower(translate(…)), as Folded), over the three fields apart by a
# space; and the distinct runs of GRAM characters without a space, as bekrin.core.search.trigrams cuts a word.
FUNCTIONS = f"""
CREATE FUNCTION user_search_fold(full_name text, email text, phone text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT lower(translate(coalesce(full_name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, ''),
                           '{_FOLD_FROM}', '{_FOLD_TO}'))
$$;

CREATE FUNCTION user_search_grams(folded text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT gram ORDER BY gram), '{{}}')
    FROM generate_series(1, length(folded) - {GRAM - 1}) AS start, substr(folded, start, {GRAM}) AS gram
    WHERE strpos(gram, ' ') = 0
$$;

CREATE FUNCTION user_search_text_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    folded text := user_search_fold(NEW.full_name, NEW.email, NEW.phone);
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.full_name, NEW.email, NEW.phone, NEW.organization_id, NEW.role)
            IS NOT DISTINCT FROM (OLD.full_name, OLD.email, OLD.phone, OLD.organization_id, OLD.role) THEN
        RETURN NULL;  -- a login or a password change: nothing searched changed
    END IF;
    INSERT INTO accounts_user_search_text (user_id, organization_id, role, folded, grams)
    VALUES (NEW.id, NEW.organization_id, NEW.role, folded, user_search_grams(folded))
    ON CONFLICT (user_id) DO UPDATE SET organization_id = EXCLUDED.organization_id, role = EXCLUDED.role,
                                        folded = EXCLUDED.folded, grams = EXCLUDED.grams;
    RETURN NULL;
END
$$;

CREATE TRIGGER user_search_text_sync AFTER INSERT OR UPDATE OF full_name, email, phone, organization_id, role
ON "user" FOR EACH ROW EXECUTE FUNCTION user_search_text_sync();

CREATE FUNCTION user_search_text_rebuild() RETURNS bigint
LANGUAGE sql AS $$
    DELETE FROM accounts_user_search_text;
    WITH made AS (
        INSERT INTO accounts_user_search_text (user_id, organization_id, role, folded, grams)
        SELECT id, organization_id, role, folded, user_search_grams(folded)
        FROM "user", user_search_fold(full_name, email, phone) AS folded
        RETURNING 1
    )
    SELECT count(*) FROM made;
$$;

-- The row goes with its user (the model declares no key: Django leaves it to this one).
ALTER TABLE accounts_user_search_text ADD CONSTRAINT accounts_user_search_text_user_fk
    FOREIGN KEY (user_id) REFERENCES "user" (id) ON DELETE CASCADE;
"""

DROP_FUNCTIONS = """
DROP TRIGGER IF EXISTS user_search_text_sync ON "user";
DROP FUNCTION IF EXISTS user_search_text_rebuild();
DROP FUNCTION IF EXISTS user_search_text_sync();
DROP FUNCTION IF EXISTS user_search_grams(text);
DROP FUNCTION IF EXISTS user_search_fold(text, text, text);
"""


def trigram_available(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        return cursor.fetchone() is not None


def create_functions(apps, schema_editor):
    schema_editor.execute(FUNCTIONS)


def drop_functions(apps, schema_editor):
    schema_editor.execute(DROP_FUNCTIONS)


def trigram_index_replaces_0002s(apps, schema_editor):
    """Where pg_trgm exists: the trigram index on the kept folded text, and none on "user" any more."""
    schema_editor.execute('DROP INDEX IF EXISTS "user_search_folded_trgm"')
    if not trigram_available(schema_editor):
        return  # the grams index answers alone
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX user_search_text_trgm ON accounts_user_search_text USING gin (folded gin_trgm_ops)"
    )


def trigram_index_back_on_user(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS user_search_text_trgm")
    if not trigram_available(schema_editor):
        return
    user = apps.get_model("accounts", "User")
    from bekrin.accounts.models import SEARCH_INDEXES

    for index in SEARCH_INDEXES:
        schema_editor.add_index(user, index)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_search_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="UserSearchText",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("organization_id", models.BigIntegerField(null=True)),
                ("role", models.CharField(max_length=16)),
                ("folded", models.TextField()),
                ("grams", django.contrib.postgres.fields.ArrayField(base_field=models.TextField())),
            ],
            options={
                "db_table": "accounts_user_search_text",
            },
        ),
        migrations.AddIndex(
            model_name="user",
            index=models.Index(
                models.F("organization"),
                models.F("role"),
                bekrin.core.search.AzSortKey("full_name"),
                models.F("id"),
                name="user_name_order",
            ),
        ),
        migrations.AddIndex(
            model_name="user",
            index=models.Index(
                models.F("role"),
                bekrin.core.search.AzSortKey("full_name"),
                models.F("id"),
                condition=models.Q(("organization", None)),
                name="user_name_order_no_org",
            ),
        ),
        migrations.AddIndex(
            model_name="usersearchtext",
            index=django.contrib.postgres.indexes.GinIndex(fields=["grams"], name="user_search_text_grams"),
        ),
        migrations.RunPython(create_functions, drop_functions),
        migrations.RunPython(trigram_index_replaces_0002s, trigram_index_back_on_user),
        # Last, once the table has its indexes: the rows of the users already there.
        migrations.RunSQL("SELECT user_search_text_rebuild()", migrations.RunSQL.noop),
    ]
