"""Checking and keeping a provider's file: the type from its bytes (never its name), an optional virus scan, and
content-addressed storage in the instance folder (outside the web root; nothing serves that folder directly).

Pure apart from the file system and the scanner subprocess (no Flask, no database).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shlex
import subprocess
import tempfile
from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path, PurePath


@dataclass(frozen=True)
class FileType:
    code: str
    extension: str
    content_type: str
    label: str


TYPES = {t.code: t for t in (
    FileType("pdf", ".pdf", "application/pdf", "PDF document"),
    FileType("csv", ".csv", "text/csv", "CSV table"),
    FileType("zip", ".zip", "application/zip", "ZIP archive"),
    FileType("eml", ".eml", "message/rfc822", "e-mail message (.eml)"),
)}
BY_EXTENSION = {t.extension: t for t in TYPES.values()}

#: Signatures of files that are never accepted, named so the refusal can say what the file really is.
_KNOWN_OTHERS = (
    (b"MZ", "a Windows program"), (b"\x7fELF", "a Linux program"), (b"\xca\xfe\xba\xbe", "a macOS/Java program"),
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf", "a 7-Zip archive"), (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"), (b"<!doctype html", "an HTML page"),
    (b"<html", "an HTML page"), (b"#!", "a script"),
)
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]?")
_MAIL_HEADERS = {"from", "to", "subject", "date", "message-id", "received", "return-path", "mime-version",
                 "delivered-to", "reply-to", "cc", "content-type"}


class UnacceptableFile(ValueError):
    """The file is refused; the message says why in words the uploader can act on."""


def detect(data: bytes) -> FileType | None:
    """The type the bytes are, or None when they are none of the accepted ones."""
    if data.startswith(b"%PDF-"):
        return TYPES["pdf"]
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return TYPES["zip"]
    if b"\x00" in data[:65536]:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return None
    if _looks_like_mail(data):
        return TYPES["eml"]
    if _looks_like_csv(text):
        return TYPES["csv"]
    return None


def _looks_like_mail(data: bytes) -> bool:
    """RFC 5322: header lines first (the first line is a header), a blank line, then the body; a From header and a
    Date, Subject or Message-ID one, as every message a mail client saves has."""
    head = data.lstrip(b"\xef\xbb\xbf")
    first = head.split(b"\n", 1)[0]
    if not _HEADER_LINE.match(first):
        return False
    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(head[:65536])
    names = {k.lower() for k in headers.keys()}
    return "from" in names and bool(names & {"date", "subject", "message-id"}) and \
        len(names & _MAIL_HEADERS) >= 2


def _looks_like_csv(text: str) -> bool:
    """Printable text whose first lines split into the same number of columns (at least two) by one delimiter."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines or any(ch in text[:65536] for ch in "\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0e\x0f"):
        return False
    if lines[0].lstrip().startswith(("<", "{", "%PDF")):
        return False
    for delimiter in (",", ";", "\t", "|"):
        rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
        widths = {len(r) for r in rows}
        if len(widths) == 1 and widths.pop() >= 2:
            return True
    return False


def what_it_is(data: bytes) -> str:
    for magic, words in _KNOWN_OTHERS:
        if data[:len(magic)].lower() == magic.lower():
            return words
    return "none of the accepted types"


def check(filename: str, data: bytes, max_bytes: int) -> FileType:
    """Accept the file only if its bytes are PDF, CSV, ZIP or .eml and its name says the same type.

    :raises UnacceptableFile: empty, too large, another type, or a name that claims another type than the bytes.
    """
    if not data:
        raise UnacceptableFile("the file is empty")
    if len(data) > max_bytes:
        raise UnacceptableFile(f"the file is {len(data):,} bytes; at most {max_bytes:,} bytes are accepted")
    extension = PurePath(filename).suffix.lower()
    claimed = BY_EXTENSION.get(extension)
    actual = detect(data)
    accepted = ", ".join(t.extension for t in TYPES.values())
    if actual is None:
        said = f"its name says {extension}" if extension else "it has no extension"
        raise UnacceptableFile(f"{said} but its content is {what_it_is(data)}: only {accepted} are accepted, "
                               "checked by content")
    if claimed is None:
        raise UnacceptableFile(f"the name ends in {extension or 'nothing'}; the content is a {actual.label}: "
                               f"rename it to {actual.extension} if that is what it is")
    if claimed is not actual:
        raise UnacceptableFile(f"the name says {claimed.label} ({extension}) but the content is a {actual.label}: "
                               "a file whose name and content disagree is refused")
    return actual


def scan(command: str | None, data: bytes, timeout: float = 120) -> None:
    """Run the configured virus scanner with the file on stdin (clamdscan convention: 0 clean, 1 infected).

    :raises UnacceptableFile: infected, or the scanner could not say (a file is never accepted unscanned once a
        scanner is configured).
    """
    if not command:
        return
    try:
        done = subprocess.run(shlex.split(command), input=data, capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UnacceptableFile(f"the virus scanner could not check the file ({exc.__class__.__name__}); try "
                               "again or ask an admin") from exc
    report = (done.stdout or done.stderr or b"").decode("utf-8", "replace").strip()[:300]
    if done.returncode == 1:
        raise UnacceptableFile(f"the virus scanner found something: {report or 'infected'}")
    if done.returncode != 0:
        raise UnacceptableFile(f"the virus scanner failed (exit {done.returncode}): {report}")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def path_for(root: Path, digest: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise ValueError("not a SHA-256 hex digest")
    return root / digest[:2] / digest


def store(root: Path, data: bytes) -> str:
    """Write the bytes under their SHA-256 (once: the same file uploaded twice is kept once); return the digest."""
    digest = sha256(data)
    target = path_for(root, digest)
    if target.is_file():
        return digest
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def load(root: Path, digest: str) -> bytes:
    """The stored bytes, verified against their digest (a file changed on disk is not handed out)."""
    data = path_for(root, digest).read_bytes()
    if sha256(data) != digest:
        raise OSError(f"stored file {digest[:12]}… does not match its SHA-256")
    return data
