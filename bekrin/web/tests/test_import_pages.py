"""The CSV import through Django's client: the dry run names problems by row and column and writes nothing; a good
file is counted, then imported from the very file checked, the passwords shown once and offered as CSV; the checked
file belongs to the user who uploaded it."""

import re
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bekrin.accounts.models import User
from bekrin.groups.models import GroupMembership
from bekrin.testing.factories import GroupFactory, TeacherFactory
from bekrin.testing.web import client_of

pytestmark = pytest.mark.django_db

GOOD = (
    "full_name,email,grade,group,parent_full_name,parent_email\n"
    "Əli Həsənov,eli@bekrin.test,7,PY1,Gülnarə Həsənova,gulnare@bekrin.test\n"
    "Ayşə Quliyeva,ayse@bekrin.test,8,PY1,,\n"
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client: Client, text: str):
    return client.post("/teacher/import", {"file": SimpleUploadedFile("sinif.csv", text.encode(), "text/csv")})


def test_a_bad_file_is_refused_with_every_problem_by_row_and_column_and_nothing_is_written(media):
    teacher = TeacherFactory()
    bad = "full_name,email,role\nƏli,not-an-email,student\n,ayse@bekrin.test,wizard\n"

    response = upload(client_of(teacher), bad)

    assert response.status_code == 400
    page = response.content.decode()
    cells = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td>", page)
    assert ("2", "email") in cells and ("3", "full_name") in cells and ("3", "role") in cells
    assert User.objects.count() == 1
    assert not list(media.rglob("*.csv"))


def test_a_good_file_is_counted_then_imported_and_the_passwords_offered_once(media):
    teacher = TeacherFactory()
    group = GroupFactory(teacher=teacher, code="PY1")
    client = client_of(teacher)

    checked = upload(client, GOOD).content.decode()

    assert "3 istifadəçi yaradılacaq" in checked  # two students and a parent
    assert not User.objects.filter(email="eli@bekrin.test").exists()
    token = re.search(r'name="token" value="([0-9a-f]{32})"', checked)[1]

    imported = client.post("/teacher/import/confirm", {"token": token})

    assert imported.status_code == 200 and "no-store" in imported["Cache-Control"]
    page = imported.content.decode()
    eli = User.objects.get(email="eli@bekrin.test")
    assert GroupMembership.objects.filter(group=group, student=eli, is_active=True).exists()
    download = unquote(re.search(r'href="data:text/csv;charset=utf-8,([^"]+)"', page)[1])
    rows = dict(line.split(",") for line in download.lstrip("\ufeff").splitlines()[1:])
    assert set(rows) == {"eli@bekrin.test", "ayse@bekrin.test", "gulnare@bekrin.test"}
    assert eli.check_password(rows["eli@bekrin.test"])
    assert not list(media.rglob("*.csv"))  # the checked file is gone
    assert client.post("/teacher/import/confirm", {"token": token}).status_code == 404


def test_the_checked_file_cannot_be_imported_by_another_user_or_a_made_up_token(media):
    teacher, other = TeacherFactory(), TeacherFactory()
    GroupFactory(teacher=teacher, code="PY1")
    token = re.search(r'name="token" value="([0-9a-f]{32})"', upload(client_of(teacher), GOOD).content.decode())[1]

    assert client_of(other).post("/teacher/import/confirm", {"token": token}).status_code == 404
    assert client_of(teacher).post("/teacher/import/confirm", {"token": "../../etc/passwd"}).status_code == 404
    assert not User.objects.filter(email="eli@bekrin.test").exists()


def test_no_file_is_a_clear_error(media):
    response = client_of(TeacherFactory()).post("/teacher/import", {})
    assert response.status_code == 400
    assert "Əvvəlcə CSV faylı seçin." in response.content.decode()
