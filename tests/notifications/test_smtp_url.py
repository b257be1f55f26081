"""SMTP_URL: the three spellings, their defaults, and a clear refusal of anything else."""
import pytest

from aap.mail.smtp import SmtpSettings, parse_smtp_url


@pytest.mark.parametrize("url, expected", [
    ("smtp://mail.example.org", SmtpSettings("mail.example.org", 25, "plain", None, None)),
    ("smtp://127.0.0.1:2525", SmtpSettings("127.0.0.1", 2525, "plain", None, None)),
    ("smtp+starttls://aap:s%40cret@mail.example.org:587",
     SmtpSettings("mail.example.org", 587, "starttls", "aap", "s@cret")),
    ("smtp+starttls://aap:pw@mail.example.org", SmtpSettings("mail.example.org", 587, "starttls", "aap", "pw")),
    ("smtps://aap:pw@mail.example.org:465", SmtpSettings("mail.example.org", 465, "tls", "aap", "pw")),
    ("smtps://mail.example.org", SmtpSettings("mail.example.org", 465, "tls", None, None)),
])
def test_each_spelling_is_understood(url, expected):
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize("url", ["http://mail.example.org", "mail.example.org:25", "smtp://", "smtp+ssl://host"])
def test_anything_else_is_refused_with_the_expected_forms(url):
    with pytest.raises(ValueError, match="SMTP_URL invalide.*smtp, smtp\\+starttls, smtps"):
        parse_smtp_url(url)
