"""Logins: throttled per username and per IP (django-axes), passwords hashed with Argon2."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone

from ops.net import client_ip
from tests.desk import PASSWORD, editor, reporter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cheap_password_hashing")]
LOGIN = "/admin/login/"


def attempt(username, password, ip="203.0.113.7"):
    """One POST of the admin login form from ``ip``; the response."""
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


def fail(times, username, ip="203.0.113.7"):
    return [attempt(username, "wrong password", ip).status_code for _ in range(times)]


def test_argon2_is_the_password_hasher():
    from newsroom import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_a_correct_password_logs_in_and_is_stored_with_argon2():
    user = editor(password=PASSWORD)
    assert user.password.startswith("argon2$")
    response = attempt("editor", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_an_older_pbkdf2_hash_still_logs_in_and_is_upgraded_to_argon2(settings):
    settings.PASSWORD_HASHERS = [*settings.PASSWORD_HASHERS, "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = editor()
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    assert attempt("editor", PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


def test_five_failures_for_a_username_lock_it_with_429_and_a_message_even_from_other_ips():
    editor(password=PASSWORD)
    codes = [attempt("editor", "wrong", ip=f"198.51.100.{n}").status_code for n in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    locked = attempt("editor", PASSWORD, ip="192.0.2.99")  # the right password, from yet another address
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed logins" in page
    assert "try again in 15 minutes" in page
    assert get_user_model().objects.get(username="editor").last_login is None


def test_four_failures_do_not_lock_and_a_success_clears_them():
    editor(password=PASSWORD)
    assert fail(4, "editor") == [200] * 4
    assert attempt("editor", PASSWORD).status_code == 302
    assert fail(4, "editor") == [200] * 4  # counting starts again
    assert attempt("editor", PASSWORD).status_code == 302


def test_five_failures_from_one_ip_lock_that_ip_for_every_username_but_not_other_ips():
    editor(password=PASSWORD)
    codes = [attempt(f"guess{n}", "wrong", ip="203.0.113.50").status_code for n in range(5)]
    assert codes[-1] == 429
    assert attempt("editor", PASSWORD, ip="203.0.113.50").status_code == 429
    assert attempt("editor", PASSWORD, ip="203.0.113.51").status_code == 302


def test_the_lock_ends_by_itself_and_failures_while_locked_do_not_extend_it():
    """So an attacker cannot keep a colleague locked out by trying again and again."""
    editor(password=PASSWORD)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert fail(5, "editor")[-1] == 429
        clock.shift(dt.timedelta(minutes=10))
        assert fail(3, "editor") == [429] * 3  # still locked, and these do not count
        assert attempt("editor", PASSWORD).status_code == 429
        clock.shift(dt.timedelta(minutes=6))  # 16 minutes after the fifth failure
        assert attempt("editor", PASSWORD).status_code == 302


def test_failures_older_than_15_minutes_do_not_count():
    editor(password=PASSWORD)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert fail(4, "editor") == [200] * 4
        clock.shift(dt.timedelta(minutes=16))
        assert fail(4, "editor") == [200] * 4
        assert attempt("editor", PASSWORD).status_code == 302


def test_a_locked_out_reporter_does_not_lock_out_a_colleague_on_another_address():
    reporter(password=PASSWORD)
    editor(password=PASSWORD)
    assert fail(5, "reporter", ip="198.51.100.1")[-1] == 429
    assert attempt("editor", PASSWORD, ip="198.51.100.2").status_code == 302


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "1.2.3.4", "203.0.113.7"),  # no proxy: the header is the client's own words
        (1, "10.0.0.2", "198.51.100.9", "198.51.100.9"),  # the proxy appended the client
        (1, "10.0.0.2", "6.6.6.6, 198.51.100.9", "198.51.100.9"),  # a forged left part is ignored
        (2, "10.0.0.2", "198.51.100.9, 10.0.0.1", "198.51.100.9"),  # CDN then proxy
        (1, "10.0.0.2", "", "10.0.0.2"),  # no header: the connection's address
    ],
)
def test_the_client_ip_is_read_from_the_trusted_proxies_part_of_x_forwarded_for(
    rf, settings, proxies, remote, forwarded, expected
):
    settings.NEWSROOM_TRUSTED_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_behind_a_proxy_one_reader_cannot_lock_out_everyone(settings):
    """Every request comes from the proxy's address; throttling must use the forwarded client address."""
    settings.NEWSROOM_TRUSTED_PROXIES = 1
    editor(password=PASSWORD)
    proxy = "10.0.0.2"
    for n in range(5):
        Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.66").post(
            LOGIN, {"username": f"guess{n}", "password": "wrong"}
        )
    colleague = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.77")
    assert colleague.post(LOGIN, {"username": "editor", "password": PASSWORD}).status_code == 302
