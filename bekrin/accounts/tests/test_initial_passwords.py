import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher

from bekrin.accounts.hashers import (
    INITIAL_PASSWORD_BITS,
    InitialPasswordHasher,
    initial_password,
    initial_password_hash,
)
from bekrin.testing.factories import StudentFactory

# Tests of the hashers themselves: config/settings.py's list, not the tests' fast one (conftest.py).
pytestmark = pytest.mark.production_hashers


def test_initial_passwords_carry_at_least_96_random_bits_in_an_easy_to_type_shape():
    assert INITIAL_PASSWORD_BITS >= 96
    passwords = {initial_password() for _ in range(1000)}
    assert len(passwords) == 1000
    assert all(re.fullmatch(r"[a-hj-km-np-z2-9]{5}(-[a-hj-km-np-z2-9]{5}){3}", password) for password in passwords)


def test_argon2_stays_the_preferred_hasher_and_the_initial_one_is_registered_after_it():
    hashers = settings.PASSWORD_HASHERS
    assert get_hasher("default").algorithm == "argon2"
    assert hashers.index("bekrin.accounts.hashers.InitialPasswordHasher") > 0


def test_an_initial_password_hash_is_salted_and_upgraded_to_argon2_on_the_first_check():
    password = initial_password()
    first, second = initial_password_hash(password), initial_password_hash(password)
    assert first != second  # a salt per hash
    assert identify_hasher(first).algorithm == InitialPasswordHasher.algorithm
    upgraded = []

    assert check_password(password, first, setter=upgraded.append)

    assert upgraded == [password]  # Django hands the clear password back to be stored under the preferred hasher
    assert not check_password("wrong-" + password, first)


@pytest.mark.django_db
def test_a_user_with_an_initial_password_is_rehashed_with_argon2_when_they_log_in():
    password = initial_password()
    student = StudentFactory(password=initial_password_hash(password))
    assert student.check_password(password)
    student.refresh_from_db()
    assert identify_hasher(student.password).algorithm == "argon2"
