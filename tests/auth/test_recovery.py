"""Recovery codes as values: what a set looks like, what typing is forgiven, and how a code is stored (pure)."""

import re

import pytest

from lawreq.auth import recovery

KEY = recovery.derive_key("test-secret")
SHAPE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$")


def test_a_set_is_ten_distinct_codes_of_fifty_random_bits_in_an_unambiguous_alphabet():
    codes = recovery.generate()
    assert len(codes) == len(set(codes)) == 10
    assert all(SHAPE.match(c) for c in codes), codes
    assert len(recovery.ALPHABET) == 32 and not set("ILOU") & set(recovery.ALPHABET)
    assert set(recovery.generate()) != set(codes)


@pytest.mark.parametrize("typed,canonical", [
    ("ABCDE-FGHJK", "ABCDEFGHJK"),
    ("abcde-fghjk", "ABCDEFGHJK"),        # case does not matter
    (" abcde fghjk ", "ABCDEFGHJK"),      # spaces, as read aloud or copied from paper
    ("ab-cde-fg-hjk", "ABCDEFGHJK"),      # dashes anywhere
    ("OIL23-45678", "0112345678"),        # O, I and L read as the digits they look like
    ("ABCDE\u00a0FGHJK", "ABCDEFGHJK"),   # a non-breaking space from a copied document
])
def test_typing_is_forgiven(typed, canonical):
    assert recovery.normalise(typed) == canonical


@pytest.mark.parametrize("typed", [None, "", "ABCDE", "ABCDE-FGHJKM", "ABCDE-FGHJ!", "ABCDE-FGHJU", "1" * 65,
                                   "123456"])
def test_what_cannot_be_a_code_is_refused_before_any_lookup(typed):
    assert recovery.normalise(typed) is None
    assert recovery.code_hash(KEY, 1, typed) is None


def test_the_stored_form_is_a_keyed_hash_bound_to_the_user():
    code = recovery.generate(1)[0]
    stored = recovery.code_hash(KEY, 7, code)
    assert re.fullmatch(r"[0-9a-f]{64}", stored)
    assert code.replace("-", "") not in stored
    assert recovery.code_hash(KEY, 7, code.lower().replace("-", " ")) == stored  # typed differently, same code
    assert recovery.code_hash(KEY, 8, code) != stored                            # another user's equal code
    assert recovery.code_hash(recovery.derive_key("other-secret"), 7, code) != stored  # no key, no match
    assert recovery.derive_key("test-secret") == recovery.derive_key(b"test-secret") != b"test-secret"
