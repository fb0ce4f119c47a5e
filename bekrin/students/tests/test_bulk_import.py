import codecs

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from bekrin.accounts.models import TeacherProfile, User
from bekrin.core.roles import Role
from bekrin.groups.models import GroupMembership
from bekrin.students.bulk_import.reading import MAX_BYTES, MAX_ROWS
from bekrin.students.bulk_import.services import MAX_TYPED_PASSWORDS
from bekrin.students.models import ParentProfile, ParentStudent, StudentProfile
from bekrin.testing.concurrency import run_in_parallel
from bekrin.testing.factories import (
    GroupFactory,
    MembershipFactory,
    OrganizationFactory,
    StudentFactory,
    TeacherFactory,
)
from conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/api/teacher/bulk-import/users"

AZ_FILE = (
    "full_name,email,grade,group,parent_full_name,parent_email,parent_phone,relation\n"
    "Əli Məmmədov,ali@bekrin.test,9,Qrup1,Gülnarə Məmmədova,gulnare@bekrin.test,+994 50 111 22 33,ana\n"
    "Ayşə Məmmədova,ayse@bekrin.test,7A,Qrup1,,gulnare@bekrin.test,,ana\n"
    "İlkin Şükürov,ilkin@bekrin.test,10,,Çingiz Şükürov,cingiz@bekrin.test,,ata\n"
)


def post_csv(client, text, *, encoding="utf-8", query=""):
    """A `text/csv` body; `utf-8-sig` and `utf-16` write the byte-order mark as Excel does."""
    body = text if isinstance(text, bytes) else text.encode(encoding)
    return client.post(URL + query, data=body, content_type="text/csv")


def upload(client, data, *, query="", name="users.csv"):
    return client.post(URL + query, {"file": SimpleUploadedFile(name, data, "text/csv")}, format="multipart")


def problems(response):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_rows"
    return [(problem["row"], problem["column"]) for problem in error["fields"]["rows"]]


@pytest.fixture
def teacher_client(personas):
    GroupFactory(teacher=personas.teacher, code="Qrup1", name="Python başlanğıc")
    return client_for(personas.teacher)


def snapshot():
    """Everything an import writes, to compare before and after."""
    return (
        sorted(User.objects.values_list("email", "full_name", "phone", "role", "password", "updated_at")),
        sorted(StudentProfile.all_objects.values_list("user_id", "grade", "updated_at")),
        sorted(ParentStudent.objects.values_list("parent_id", "student_id", "relation")),
        sorted(GroupMembership.objects.values_list("group_id", "student_id", "is_active", "joined_at")),
    )


# --- encodings and delimiters -------------------------------------------------------------------------------------


def test_azerbaijani_names_in_utf8_with_bom_create_students_parents_links_and_memberships(personas, teacher_client):
    response = upload(teacher_client, AZ_FILE.encode("utf-8-sig"))

    assert response.status_code == 200, response.content
    body = response.json()
    assert {key: body[key] for key in ("dry_run", "rows", "created", "updated", "unchanged", "linked")} == {
        "dry_run": False,
        "rows": 3,
        "created": 5,  # three students and two parents
        "updated": 0,
        "unchanged": 0,
        "linked": 5,  # three parent links and two memberships
    }
    assert [entry["email"] for entry in body["passwords"]] == [
        "ali@bekrin.test",
        "ayse@bekrin.test",
        "ilkin@bekrin.test",
        "gulnare@bekrin.test",
        "cingiz@bekrin.test",
    ]
    ali = User.objects.get(email="ali@bekrin.test")
    assert (ali.full_name, ali.role, ali.organization_id, ali.student_profile.grade) == (
        "Əli Məmmədov",
        "student",
        None,
        "9",
    )
    mother = User.objects.get(email="gulnare@bekrin.test")
    assert (mother.full_name, mother.role, mother.phone) == ("Gülnarə Məmmədova", "parent", "+994 50 111 22 33")
    assert ParentProfile.objects.filter(user=mother).exists()
    assert set(ParentStudent.objects.filter(parent=mother).values_list("student__email", "relation")) == {
        ("ali@bekrin.test", "ana"),
        ("ayse@bekrin.test", "ana"),
    }
    assert set(GroupMembership.objects.filter(is_active=True).values_list("student__email", "group__code")) == {
        ("ali@bekrin.test", "Qrup1"),
        ("ayse@bekrin.test", "Qrup1"),
    }


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_files_with_a_byte_order_mark_are_read(teacher_client, encoding):
    data = AZ_FILE.encode(encoding)
    if encoding != "utf-16":  # the explicit-endian codecs write no mark; Excel does
        data = (codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE) + data
    response = post_csv(teacher_client, data)
    assert response.status_code == 200, response.content
    assert User.objects.get(email="ilkin@bekrin.test").full_name == "İlkin Şükürov"


def test_a_semicolon_file_as_excel_saves_it(teacher_client):
    # Excel in an az/ru/tr locale: semicolons, CRLF, a quoted cell holding the delimiter, empty trailing rows,
    # header names in another case, and the optional `sep=;` line.
    excel = (
        "sep=;\r\n"
        "Full Name;E-mail;Role;Phone;Grade;Group\r\n"
        '"Məmmədov; Əli";ali@bekrin.test;Şagird;"+994 50 000 00 00";9;qrup1\r\n'
        "Rəşad Quliyev;RESAD@Bekrin.test;teacher;;;\r\n"
        ";;;;;\r\n"
        ";;;;;\r\n"
    )
    response = post_csv(teacher_client, excel, encoding="utf-8-sig")

    assert response.status_code == 200, response.content
    assert response.json()["rows"] == 2
    assert User.objects.get(email="ali@bekrin.test").full_name == "Məmmədov; Əli"
    teacher = User.objects.get(email="resad@bekrin.test")
    assert teacher.role == Role.TEACHER
    assert TeacherProfile.objects.filter(user=teacher).exists()


def test_a_semicolon_file_without_the_sep_line_is_detected(teacher_client):
    response = post_csv(teacher_client, "full_name;email\nNərmin Əliyeva;nermin@bekrin.test\n")
    assert response.status_code == 200
    assert User.objects.get(email="nermin@bekrin.test").full_name == "Nərmin Əliyeva"


def test_a_file_that_is_not_text_is_refused(teacher_client):
    for data in (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe\xfa", "full_name,email\n".encode("utf-16-le"), b"", b"\n\n"):
        response = post_csv(teacher_client, data)
        assert response.status_code == 400, data
        assert response.json()["error"]["code"] in ("invalid_file", "invalid"), data


# --- bad rows -----------------------------------------------------------------------------------------------------


def test_a_missing_required_column_is_reported_on_the_header_row(teacher_client):
    response = post_csv(teacher_client, "full_name,grade\nƏli,9\n")
    assert problems(response) == [(1, "email")]


def test_an_unknown_or_repeated_column_is_reported(teacher_client):
    response = post_csv(teacher_client, "full_name,email,emial,email\nƏli,ali@bekrin.test,x,y\n")
    assert problems(response) == [(1, "emial"), (1, "email")]


def test_a_duplicate_email_inside_the_file_is_reported_on_the_second_row(teacher_client):
    text = "full_name,email\nƏli,ali@bekrin.test\nLeyla,leyla@bekrin.test\nƏli 2, ALI@bekrin.test \n"
    response = post_csv(teacher_client, text)
    assert problems(response) == [(4, "email")]
    assert "2" in response.json()["error"]["fields"]["rows"][0]["message"]
    assert not User.objects.filter(email__in=["ali@bekrin.test", "leyla@bekrin.test"]).exists()


def test_an_unknown_group_is_reported(personas, teacher_client):
    GroupFactory(teacher=personas.other_teacher, code="Xarici")  # another school's group does not exist here
    text = "full_name,email,group\nƏli,ali@bekrin.test,Qrup9\nLeyla,leyla@bekrin.test,Xarici\n"
    assert problems(post_csv(teacher_client, text)) == [(2, "group"), (3, "group")]


def test_a_bad_role_is_reported_and_admin_cannot_be_imported(teacher_client):
    text = "full_name,email,role\nƏli,ali@bekrin.test,director\nLeyla,leyla@bekrin.test,admin\n"
    assert problems(post_csv(teacher_client, text)) == [(2, "role"), (3, "role")]


def test_every_bad_row_is_reported_and_nothing_is_written(personas, teacher_client):
    before = snapshot()
    text = (
        "full_name,email,role,grade,parent_email,password\n"
        "Yaxşı Sətir,good@bekrin.test,,9,,\n"
        ",no-at-sign,,,,\n"  # name missing, bad email
        "Valideyn,parent@x.az,parent,5,,\n"  # grade on a parent
        "Özü,self@bekrin.test,,,self@bekrin.test,\n"  # own parent
        "Zəif,weak@bekrin.test,,,,123\n"  # weak chosen password
        f"{'Ə' * 201},long@bekrin.test,,,,\n"
    )
    response = post_csv(teacher_client, text)
    assert problems(response) == [
        (3, "full_name"),
        (3, "email"),
        (4, "grade"),
        (5, "parent_email"),
        (6, "password"),
        (6, "password"),
        (6, "password"),
        (7, "full_name"),
    ]
    assert snapshot() == before


def test_rows_with_more_cells_than_columns_or_data_under_an_unnamed_column_are_reported(teacher_client):
    assert problems(post_csv(teacher_client, "full_name,email\nƏli,ali@bekrin.test,extra\n")) == [(2, "")]
    text = "full_name;email;;\nƏli;ali@bekrin.test;;\nLeyla;leyla@bekrin.test;;x\n"
    assert problems(post_csv(teacher_client, text)) == [(3, "")]
    assert post_csv(teacher_client, "full_name;email;;\nƏli;ali@bekrin.test;;\n").status_code == 200


def test_emails_of_other_schools_roles_or_deleted_students_are_reported(personas, teacher_client):
    foreign = StudentFactory(email="foreign@bekrin.test", organization=personas.other_teacher.organization)
    deleted = StudentFactory(email="deleted@bekrin.test")
    StudentProfile.all_objects.filter(pk=deleted.pk).update(deleted_at="2026-01-01T00:00:00Z")
    text = (
        "full_name,email,role,parent_email\n"
        f"X,{foreign.email},,\n"
        f"Y,{personas.parent.email},student,\n"  # a parent's email on a student row
        f"Z,{deleted.email},,\n"
        f"W,w@bekrin.test,,{personas.other_student.email}\n"  # a student's email as a parent
    )
    assert problems(post_csv(teacher_client, text)) == [(2, "email"), (3, "role"), (4, "email"), (5, "parent_email")]


def test_a_new_parent_needs_a_name_and_a_parent_row_must_be_a_parent(teacher_client):
    text = (
        "full_name,email,role,parent_email,parent_full_name\n"
        "Əli,ali@bekrin.test,,new-parent@bekrin.test,\n"
        "Leyla,leyla@bekrin.test,,ali@bekrin.test,\n"
    )
    assert problems(post_csv(teacher_client, text)) == [(2, "parent_full_name"), (3, "parent_email")]


# --- size limits --------------------------------------------------------------------------------------------------


def test_an_over_size_file_is_a_413_as_multipart_and_as_a_body(teacher_client):
    big = ("full_name,email\n" + "Əli Məmmədov,ali@bekrin.test\n" * (MAX_BYTES // 20)).encode()
    assert len(big) > MAX_BYTES
    for response in (upload(teacher_client, big), post_csv(teacher_client, big)):
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "too_large"
    assert not User.objects.filter(email="ali@bekrin.test").exists()


def test_more_than_ten_thousand_rows_is_a_413(teacher_client):
    rows = "".join(f"Ş{index},s{index}@b.az\n" for index in range(MAX_ROWS + 1))
    response = post_csv(teacher_client, "full_name,email\n" + rows)
    assert response.status_code == 413
    assert User.objects.filter(email__startswith="s1@").count() == 0


# --- upsert and idempotency --------------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing_the_second_time(teacher_client):
    first = upload(teacher_client, AZ_FILE.encode("utf-8-sig"))
    assert first.status_code == 200
    after_first = snapshot()

    second = upload(teacher_client, AZ_FILE.encode("utf-8-sig"))

    assert second.status_code == 200
    assert {key: second.json()[key] for key in ("created", "updated", "unchanged", "linked", "passwords")} == {
        "created": 0,
        "updated": 0,
        "unchanged": 3,
        "linked": 0,
        "passwords": [],
    }
    assert snapshot() == after_first


def test_existing_users_are_updated_by_email_never_duplicated_and_empty_cells_keep_values(personas, teacher_client):
    student = StudentFactory(email="ali@bekrin.test", full_name="Ali", phone="+994 12", organization=None)
    old_password = student.password
    text = "full_name,email,phone,grade,password\nƏli Məmmədov,ALI@bekrin.test,,10A,Yeni-parol-2026!\n"

    body = post_csv(teacher_client, text).json()

    assert (body["created"], body["updated"], body["unchanged"]) == (0, 1, 0)
    student.refresh_from_db()
    assert (student.full_name, student.phone, student.student_profile.grade) == ("Əli Məmmədov", "+994 12", "10A")
    assert student.password == old_password  # the password column is for new users only
    assert User.objects.filter(email="ali@bekrin.test").count() == 1


def test_an_existing_parent_is_found_and_linked_and_relations_follow_the_file(personas, teacher_client):
    student, parent = personas.student, personas.parent
    text = f"full_name,email,parent_email,relation\n{student.full_name},{student.email},{parent.email},ata\n"
    body = post_csv(teacher_client, text).json()
    assert (body["created"], body["linked"]) == (0, 1)  # the link existed with relation "ana"
    assert ParentStudent.objects.get(parent=personas.parent, student=personas.student).relation == "ata"

    other = StudentFactory(email="new-child@bekrin.test")
    text = f"full_name,email,parent_email\n{other.full_name},{other.email},{personas.parent.email}\n"
    assert post_csv(teacher_client, text).json()["linked"] == 1
    assert ParentStudent.objects.filter(parent=personas.parent, student=other).exists()


def test_groups_are_found_by_code_name_or_id_and_inactive_memberships_come_back(personas, teacher_client):
    maths = GroupFactory(teacher=personas.teacher, code=None, name="Riyaziyyat İrəli")
    chess = GroupFactory(teacher=personas.teacher, code="Ş-1", name="Şahmat")
    MembershipFactory(group=chess, student=personas.student, is_active=False)
    text = (
        "full_name,email,group\n"
        f"{personas.student.full_name},{personas.student.email},{chess.pk}\n"
        f"Yeni,new@bekrin.test,RİYAZİYYAT irəli | QRUP1\n"
    )
    body = post_csv(teacher_client, text).json()

    assert body["linked"] == 3
    assert GroupMembership.objects.get(group=chess, student=personas.student).is_active
    assert set(
        GroupMembership.objects.filter(student__email="new@bekrin.test").values_list("group__name", flat=True)
    ) == {
        maths.name,
        "Python başlanğıc",
    }


def test_an_ambiguous_group_name_asks_for_the_code(personas, teacher_client):
    GroupFactory(teacher=personas.teacher, name="Riyaziyyat")
    GroupFactory(teacher=personas.teacher, name="Riyaziyyat")
    assert problems(post_csv(teacher_client, "full_name,email,group\nƏli,ali@bekrin.test,Riyaziyyat\n")) == [
        (2, "group")
    ]


# --- dry run, passwords, login ------------------------------------------------------------------------------------


def test_a_dry_run_reports_the_counts_and_writes_nothing(teacher_client):
    before = snapshot()
    response = upload(teacher_client, AZ_FILE.encode(), query="?dry_run=true")
    assert response.status_code == 200
    body = response.json()
    assert (body["dry_run"], body["created"], body["linked"], body["passwords"]) == (True, 5, 5, [])
    assert snapshot() == before
    assert problems(post_csv(teacher_client, "full_name\nƏli\n", query="?dry_run=true")) == [(1, "email")]


@pytest.mark.parametrize("send", [upload, post_csv], ids=["multipart", "csv body"])
def test_without_dry_run_the_import_writes_whether_the_file_comes_as_a_form_or_a_body(teacher_client, send):
    response = send(teacher_client, AZ_FILE.encode())
    assert response.status_code == 200, response.content
    assert (response.json()["dry_run"], response.json()["created"]) == (False, 5)
    assert User.objects.filter(email__in=["ali@bekrin.test", "gulnare@bekrin.test"]).count() == 2


@pytest.mark.production_hashers
def test_generated_passwords_log_in_and_are_rehashed_with_argon2_at_the_first_login(teacher_client):
    body = upload(teacher_client, AZ_FILE.encode()).json()
    issued = {entry["email"]: entry["password"] for entry in body["passwords"]}
    ali = User.objects.get(email="ali@bekrin.test")
    assert identify_hasher(ali.password).algorithm == "pbkdf2_sha256_initial"

    login = APIClient().post("/api/auth/login", {"email": "ali@bekrin.test", "password": issued["ali@bekrin.test"]})

    assert login.status_code == 200
    ali.refresh_from_db()
    assert identify_hasher(ali.password).algorithm == "argon2"
    assert ali.check_password(issued["ali@bekrin.test"])


@pytest.mark.production_hashers
def test_a_chosen_password_is_stored_with_the_strong_hasher_and_not_returned(teacher_client):
    body = post_csv(teacher_client, "full_name,email,password\nƏli,ali@bekrin.test,Günəşli-Bakı-2026\n").json()
    assert body["passwords"] == []
    ali = User.objects.get(email="ali@bekrin.test")
    assert identify_hasher(ali.password).algorithm == "argon2"
    assert ali.check_password("Günəşli-Bakı-2026")


def typed_passwords_file(count):
    rows = "".join(f"Şagird {n},sagird{n}@bekrin.test,Günəşli-Bakı-{n:04d}\n" for n in range(count))
    return "full_name,email,password\n" + rows


@pytest.mark.parametrize("query", ["", "?dry_run=true"])
def test_a_file_with_more_typed_passwords_than_one_request_may_hash_is_refused_before_any_hashing(
    teacher_client, query
):
    before = snapshot()
    response = post_csv(teacher_client, typed_passwords_file(MAX_TYPED_PASSWORDS + 1), query=query)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "too_many_passwords"
    assert list(error["fields"]) == ["password"]
    assert str(MAX_TYPED_PASSWORDS) in error["message"]
    assert snapshot() == before


def test_a_file_at_the_limit_of_typed_passwords_imports_them_all(teacher_client):
    # The bound is about Argon2's cost, not its result: the tests' fast hasher (conftest.py) keeps this test fast.
    # Passwords typed for users who already exist are ignored, so they do not count against the limit.
    StudentFactory(email="sagird0@bekrin.test")
    response = post_csv(teacher_client, typed_passwords_file(MAX_TYPED_PASSWORDS + 1))

    assert response.status_code == 200, response.content
    assert response.json()["created"] == MAX_TYPED_PASSWORDS
    assert User.objects.get(email=f"sagird{MAX_TYPED_PASSWORDS}@bekrin.test").check_password(
        f"Günəşli-Bakı-{MAX_TYPED_PASSWORDS:04d}"
    )


# --- access and input ---------------------------------------------------------------------------------------------


def test_import_answers_each_persona(personas):
    data = "full_name,email\nƏli,ali@bekrin.test\n"
    for name in ("student", "other_student", "parent", "other_parent"):
        assert post_csv(client_for(getattr(personas, name)), data).status_code == 403, name
    assert post_csv(client_for(None), data).status_code == 401
    assert post_csv(client_for(personas.admin), data).status_code == 200
    assert User.objects.get(email="ali@bekrin.test").organization_id is None


def test_another_school_imports_into_its_own_organization(personas):
    school = personas.other_teacher.organization
    GroupFactory(teacher=personas.other_teacher, code="Qrup1")
    response = post_csv(client_for(personas.other_teacher), AZ_FILE)
    assert response.status_code == 200
    assert set(
        User.objects.filter(email__endswith="@bekrin.test", role__in=["student", "parent"])
        .exclude(pk__in=[personas.student.pk, personas.other_student.pk, personas.parent.pk, personas.other_parent.pk])
        .values_list("organization_id", flat=True)
    ) == {school.pk}
    assert set(
        ParentStudent.objects.filter(student__email="ali@bekrin.test").values_list("organization_id", flat=True)
    ) == {school.pk}


def test_a_request_without_a_file_or_with_a_bad_dry_run_flag_is_a_400(teacher_client):
    for response in (
        teacher_client.post(URL, {}, format="json"),
        teacher_client.post(URL, {"other": SimpleUploadedFile("u.csv", b"x")}, format="multipart"),
    ):
        assert response.status_code == 400
        assert "file" in response.json()["error"]["fields"]
    assert post_csv(teacher_client, "full_name,email\n", query="?dry_run=maybe").status_code == 400


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_new_file_at_once_never_duplicate_a_user():
    teacher = TeacherFactory(organization=OrganizationFactory())
    GroupFactory(teacher=teacher, code="Qrup1")

    def run() -> int:
        return post_csv(client_for(teacher), AZ_FILE).status_code

    statuses = run_in_parallel([run, run])

    assert sorted(statuses) in ([200, 200], [200, 409])
    assert User.objects.filter(email="ali@bekrin.test").count() == 1
    assert ParentStudent.objects.filter(student__email="ali@bekrin.test").count() == 1
    assert GroupMembership.objects.filter(student__email="ali@bekrin.test").count() == 1
    assert User.objects.filter(email="gulnare@bekrin.test").count() == 1


def test_an_import_costs_the_same_queries_for_three_rows_or_thirty(teacher_client, django_assert_num_queries):
    def roster(start, count):
        rows = "".join(
            f"Şagird {n},s{n}@bekrin.test,9,Qrup1,Valideyn {n},p{n}@bekrin.test,ana\n"
            for n in range(start, start + count)
        )
        return "full_name,email,grade,group,parent_full_name,parent_email,relation\n" + rows

    # 1-2 knox; 3 savepoint; 4 existing users by email; 5 groups; 6 existing links; 7 active memberships;
    # 8 users INSERT; 9-10 student and parent profiles; 11 links INSERT; 12-16 memberships_add of the one group
    # (savepoint, re-activate, read, INSERT, release); 17 release
    with django_assert_num_queries(17):
        assert post_csv(teacher_client, roster(0, 3)).json()["created"] == 6
    with django_assert_num_queries(17):
        assert post_csv(teacher_client, roster(100, 30)).json()["created"] == 60
