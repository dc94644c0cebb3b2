"""Passwords per NIST SP 800-63B: 12 to 128 characters, not a common password, no
composition rules (issue 7 §1)."""

import pytest
from django.contrib.auth.password_validation import (
    get_default_password_validators,
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError

from trygg.accounts.models import User


def errors(password, user=None):
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


@pytest.mark.parametrize(
    "password",
    [
        "hästar springer",  # lower case and a space: no composition rules
        "ÄLGAR I SKOGEN",  # capitals only
        "ÅÄÖåäöÅÄÖåäö",
        "x" * 128,
        "päron och äpplen i korgen" * 5,  # 125 characters
    ],
)
def test_twelve_to_128_characters_of_any_kind_are_accepted(password):
    assert errors(password) == []


@pytest.mark.parametrize(
    "password, code",
    [
        ("kort-lösen1", "password_too_short"),  # 11 characters
        ("x" * 129, "password_too_long"),
        ("password1234", "password_too_common"),
        ("1qaz2wsx3edc", "password_too_common"),
    ],
)
def test_short_long_and_common_passwords_are_refused(password, code):
    assert code in errors(password)


def test_only_length_and_the_common_list_decide_no_composition_validators():
    names = {type(v).__name__ for v in get_default_password_validators()}
    assert names == {
        "MinimumLengthValidator",
        "MaximumLengthValidator",
        "CommonPasswordValidator",
        "UserAttributeSimilarityValidator",  # context-specific words (NIST 5.1.1.2)
    }


def test_the_rules_are_explained_in_swedish():
    from django.utils import translation

    with translation.override("sv"):
        texts = " ".join(password_validators_help_texts())
        assert "högst 128 tecken" in texts
        try:
            validate_password("x" * 129)
        except ValidationError as error:
            assert "för långt" in error.messages[0]


def test_a_password_like_the_e_mail_address_is_refused():
    user = User(email="anna.andersson@sigtuna.example")
    assert errors("anna.andersson@sigtuna", user=user) == ["password_too_similar"]
