"""Update the translation catalogues after changing strings.

    .venv/bin/python scripts/messages.py            # every catalogue
    .venv/bin/python scripts/messages.py rights     # one app's catalogue

The project catalogue (src/shuniu/locale) holds core, the shared templates and settings; every
other app keeps its own in src/shuniu/<app>/locale. English is the source language: its catalogue
is filled with msgstr = msgid so that it is complete; Chinese (zh_Hans) is written by hand
(or with polib) and tests/core/test_translations.py fails on any empty or fuzzy entry.
Needs GNU gettext (xgettext) on the developer's machine; running the app does not.
"""

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "shuniu"
PYTHON = ROOT / ".venv" / "bin" / "python"
APPS = [
    "people",
    "rights",
    "relief",
    "training",
    "library",
    "meetings",
    "outreach",
    "insights",
    "api",
    "search",
    "portal",
]


def make(directory: Path, ignore: list[str]) -> None:
    (directory / "locale").mkdir(exist_ok=True)
    command = [
        str(PYTHON),
        "-P",
        "-m",
        "shuniu",
        "makemessages",
        "-l",
        "zh_Hans",
        "-l",
        "en",
        "--no-obsolete",
        "--ignore=migrations",
        "--ignore=static",
        *[f"--ignore={name}" for name in ignore],
    ]
    subprocess.run(command, cwd=directory, check=True, stdout=subprocess.DEVNULL)
    # msgmerge guesses translations for new strings from similar old ones ("fuzzy"); those guesses
    # are often wrong, so they are cleared to show up as untranslated instead.
    chinese = directory / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    if chinese.exists():
        catalogue = polib.pofile(str(chinese))
        for entry in catalogue.fuzzy_entries():
            entry.msgstr = ""
            entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "") if entry.msgstr_plural else {}
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
        catalogue.save()
    english = directory / "locale" / "en" / "LC_MESSAGES" / "django.po"
    if english.exists():
        catalogue = polib.pofile(str(english))
        for entry in catalogue:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        catalogue.save()


def main(targets: list[str]) -> None:
    for name in targets or ["core", *APPS]:
        if name == "core":
            make(PACKAGE, APPS)
        elif (PACKAGE / name).is_dir():
            make(PACKAGE / name, [])
        print(f"updated catalogue: {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
