import hashlib
import hmac

from georedflow.notifications import signing


def test_the_signature_is_the_hmac_sha256_of_the_exact_body() -> None:
    body = signing.encode({"type": "job.succeeded", "data": {"job": {"id": "j1"}}})

    signature = signing.sign(body, "a-long-enough-secret")

    expected = hmac.new(b"a-long-enough-secret", body, hashlib.sha256).hexdigest()
    assert signature == f"sha256={expected}"
    assert signing.verify(body, "a-long-enough-secret", signature)


def test_a_changed_body_or_another_secret_does_not_verify() -> None:
    body = signing.encode({"id": "e1"})
    signature = signing.sign(body, "a-long-enough-secret")

    assert not signing.verify(body + b" ", "a-long-enough-secret", signature)
    assert not signing.verify(body, "another-long-secret!", signature)


def test_the_body_is_compact_sorted_json() -> None:
    assert signing.encode({"b": 1, "a": [1, 2]}) == b'{"a":[1,2],"b":1}'
