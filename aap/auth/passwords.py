"""argon2id hashing and the password policy (CNIL 2022 recommendation)."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
#: verified against when the account is unknown, so both answers take the same time
_DUMMY_HASH = _hasher.hash("aap-no-such-account")
MIN_LENGTH = 12
PASSPHRASE_LENGTH = 16
COMMON = {"motdepasse123", "azertyuiop12", "password1234", "123456789012", "aaaaaaaaaaaa",
          "qwertyuiop12", "motdepasse12", "bonjour12345", "soleil123456", "azerty123456"}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def password_problems(password: str, email: str = "") -> list[str]:
    """What is wrong with a new password, in words a person can act on."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Le mot de passe doit contenir au moins %(n)d caractères.", n=MIN_LENGTH))
    classes = sum([any(c.islower() for c in password), any(c.isupper() for c in password),
                   any(c.isdigit() for c in password), any(not c.isalnum() for c in password)])
    if len(password) < PASSPHRASE_LENGTH and classes < 3:
        problems.append(_("Mélangez au moins trois types de caractères parmi minuscules, majuscules, "
                          "chiffres et symboles, ou choisissez une phrase de passe de %(n)d caractères ou plus.",
                          n=PASSPHRASE_LENGTH))
    local_part = email.split("@")[0].lower()
    if password.lower() in COMMON or len(set(password)) < 4:
        problems.append(_("Ce mot de passe est trop courant ou trop répétitif."))
    elif len(local_part) >= 4 and local_part in password.lower():
        problems.append(_("Le mot de passe ne doit pas contenir votre adresse e-mail."))
    return problems
