"""Initial passwords for bulk-created accounts: long random secrets under a fast hasher, upgraded at first login.

A slow hasher (Argon2, ~0.2 s here) exists to make guessing a *chosen* password expensive, because people choose
from a small space. A generated password of ~99 random bits has no small space to search: even one hash per
nanosecond needs ~10^13 years to cover half of it, so stretching adds nothing that matters, while hashing 2,000 new
accounts with Argon2 would take minutes on two cores. These secrets are therefore stored with a salted PBKDF2 of few
iterations, and since this hasher is not the first in PASSWORD_HASHERS, Django re-hashes the password with Argon2
the first time its owner logs in (`check_password` calls the setter when the hasher is not the preferred one).

The hasher is only ever used through `initial_password_hash`, for the output of `initial_password()`: never for a
password a person chose.
"""

import math
import secrets

from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password

# 31 symbols without look-alikes (0/o, 1/l/i), lower case for typing on a phone: 20 of them are ~99 bits.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_GROUPS, _GROUP_LENGTH = 4, 5
INITIAL_PASSWORD_BITS = _GROUPS * _GROUP_LENGTH * math.log2(len(set(_ALPHABET)))


class InitialPasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2-SHA256 with a per-password salt and few iterations, for high-entropy generated secrets only."""

    algorithm = "pbkdf2_sha256_initial"
    iterations = 1_000

    def verify(self, password: str, encoded: str) -> bool:
        correct = super().verify(password, encoded)
        if not correct:
            # A wrong password costs one hash of the preferred hasher (Argon2), as on an Argon2 account and for an
            # unknown email (Django hashes the password once there); a fast answer would tell an attacker that the
            # account still has its generated password. A right one costs the same: Django re-hashes it with Argon2.
            make_password(password)
        return correct


def initial_password() -> str:
    """A random password of at least 96 bits, typed easily from paper: `k7mqp-x3ret-…` (4 groups of 5)."""
    groups = ("".join(secrets.choice(_ALPHABET) for _ in range(_GROUP_LENGTH)) for _ in range(_GROUPS))
    return "-".join(groups)


def initial_password_hash(password: str) -> str:
    return make_password(password, hasher=InitialPasswordHasher.algorithm)
