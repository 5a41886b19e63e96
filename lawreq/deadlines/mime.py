"""A multipart/alternative (plain text + HTML) message written straight to bytes: the wire format of a reminder.

The ``email`` package's modern API (``EmailMessage`` with the default policy, ``set_content``) spends about 2 ms
per reminder on its header registry, content manager and folding, more than the SMTP exchange itself; a sweep
sends thousands. What a reminder needs is small and fixed, so it is written here directly, and checked against
the ``email`` parser in ``tests/deadlines/test_mime.py``:

* headers in the order given, each ``Name: value`` on lines of at most 78 characters where it can be folded at a
  space, never beyond 998 (RFC 5322 §2.1.1); a value that is not plain printable ASCII (a German subject, a
  control character, ``=?`` that a reader would take for an encoded word) or cannot be folded is written as
  RFC 2047 encoded words (UTF-8, base64) instead, which also makes header injection through a value impossible;
* both bodies UTF-8, quoted-printable (``binascii.b2a_qp``: C speed, lines of at most 76 characters, 7-bit safe
  on any relay), CRLF line ends throughout;
* a random boundary containing ``==``, which quoted-printable text can never contain (``=`` is always ``=3D``).

No I/O: bytes in memory, for :class:`lawreq.deadlines.mail.SmtpSender` to send.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Iterable

#: Soft (RFC 5322 "SHOULD") and hard ("MUST") limits of a header line, without its CRLF.
SOFT_LINE, HARD_LINE = 78, 998
#: UTF-8 bytes per encoded word: base64 of 36 bytes is 48 characters, 60 with ``=?utf-8?b?`` and ``?=`` (≤ 75).
_EW_BYTES = 36


def alternative(headers: Iterable[tuple[str, str]], text: str, html: str) -> bytes:
    """The whole message: ``headers``, then MIME-Version and the two parts (plain text first, as RFC 2046 wants
    the simplest alternative first)."""
    boundary = f"==lawreq-{secrets.token_hex(12)}=="
    head = [header(name, value) for name, value in headers]
    head += ["MIME-Version: 1.0", f'Content-Type: multipart/alternative; boundary="{boundary}"']
    out = [("\r\n".join(head) + "\r\n\r\n").encode("ascii")]
    for subtype, body in (("plain", text), ("html", html)):
        out.append(f'--{boundary}\r\nContent-Type: text/{subtype}; charset="utf-8"\r\n'
                   f"Content-Transfer-Encoding: quoted-printable\r\n\r\n".encode("ascii"))
        # the CRLF before a boundary belongs to the boundary (RFC 2046 §5.1.1): one more, or the body's last
        # line break would be lost
        out.append(quoted_printable(body) + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode("ascii"))
    return b"".join(out)


def quoted_printable(body: str) -> bytes:
    """``body`` as UTF-8 quoted-printable with CRLF line ends, ending in CRLF."""
    lines = body.encode("utf-8").splitlines()  # bytes.splitlines: only \n, \r and \r\n end a line
    encoded = binascii.b2a_qp(b"\r\n".join(lines) + b"\r\n", quotetabs=False, istext=True, header=False)
    return encoded if encoded.endswith(b"\r\n") else encoded + b"\r\n"


class Encoded(str):
    """A header value already in wire form (ASCII, RFC 2047 words where needed: an address header whose display
    name ``email.utils.formataddr`` encoded, since the address itself must never go into an encoded word)."""


def header(name: str, value: str) -> str:
    """One header field, folded, without its final CRLF."""
    if isinstance(value, Encoded):
        if not value.isascii() or "\r" in value or "\n" in value:
            raise ValueError(f"{name}: an encoded header value must be one line of ASCII")
        return _fold(name, value) or f"{name}: {value}"
    if _plain(value):
        folded = _fold(name, value)
        if folded is not None:
            return folded
    return _encoded_words(name, value)


def _plain(value: str) -> bool:
    return value.isascii() and value.isprintable() and "=?" not in value and "  " not in value \
        and value == value.strip()


def _fold(name: str, value: str) -> str | None:
    """Fold at spaces so each line is at most 78 characters where a word allows, else None if some line would
    exceed 998 (one word too long to carry)."""
    lines: list[str] = []
    line = f"{name}:"
    for word in value.split(" "):
        if len(line) + 1 + len(word) > SOFT_LINE and line.strip() and not line.endswith(":"):
            lines.append(line)
            line = ""
        line += " " + word
    lines.append(line)
    if any(len(x) > HARD_LINE for x in lines):
        return None
    return "\r\n".join(lines)


def _encoded_words(name: str, value: str) -> str:
    """RFC 2047 ``=?utf-8?b?…?=`` words, one per line, split only between characters (a word must decode on its
    own); adjacent encoded words separated by folding white space decode to one run of text."""
    words, chunk = [], b""
    for char in value:
        encoded = char.encode("utf-8")
        if len(chunk) + len(encoded) > _EW_BYTES:
            words.append(chunk)
            chunk = b""
        chunk += encoded
    words.append(chunk)
    return f"{name}: " + "\r\n ".join(f"=?utf-8?b?{base64.b64encode(w).decode('ascii')}?=" for w in words)
