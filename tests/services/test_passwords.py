"""Passwords: rules that help people, and a memory-hard hash (the real parameters)."""

import pytest
from argon2 import extract_parameters

from timebank.services.passwords import check_password, hash_password, password_problem


def test_passwords_are_hashed_with_memory_hard_argon2id():
    digest = hash_password("a long walk by the river")
    assert digest.startswith("$argon2id$")
    parameters = extract_parameters(digest)
    assert parameters.memory_cost >= 19 * 1024  # KiB: at least OWASP's 19 MiB
    assert parameters.time_cost >= 2
    assert "a long walk" not in digest
    assert hash_password("a long walk by the river") != digest  # salted
    assert check_password(digest, "a long walk by the river")
    assert not check_password(digest, "a long walk by the rive")
    assert not check_password(None, "a long walk by the river")
    assert not check_password("not a hash", "a long walk by the river")


@pytest.mark.parametrize("password", [
    "correct horse battery staple", "my allotment has leeks", "tea at four", "Ynys Môn 1987",
    "abcdefghijk", "ten chars!",
])
def test_ordinary_words_make_good_passwords(password):
    assert password_problem(password, email="pat@example.org") is None


@pytest.mark.parametrize("password,words", [
    ("short", "at least 10 characters"), ("", "at least 10 characters"),
    (None, "at least 10 characters"), ("x" * 257, "at most 256"),
    ("password123", "too easy to guess"), ("Password123", "too easy to guess"),
    ("1111111111", "too easy to guess"), ("abababababab", "too easy to guess"),
    ("pat@example.org", "not be your email"), ("PAT@EXAMPLE.ORG", "not be your email"),
])
def test_weak_passwords_are_refused_in_plain_words(password, words):
    problem = password_problem(password, email="pat@example.org")
    assert problem and words in problem
    assert "symbol" not in problem.lower() and "uppercase" not in problem.lower()
