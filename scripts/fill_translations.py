"""Fill msgstr entries of a catalogue from a simple "msgid<TAB>msgstr" file (one per line; for a
plural entry give "msgid<TAB>singular-translation<TAB>plural-translation" — Chinese uses one form).

    .venv/bin/python scripts/fill_translations.py src/shuniu/rights/locale/zh_Hans/LC_MESSAGES/django.po tr.tsv
Prints the msgids still untranslated afterwards.
"""

import sys

import polib


def main(po_path: str, tsv_path: str) -> int:
    catalogue = polib.pofile(po_path)
    table = {}
    with open(tsv_path, encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) < 2:
                print(f"bad line (needs a tab): {line!r}", file=sys.stderr)
                continue
            table[parts[0].replace("\\n", "\n")] = parts[1].replace("\\n", "\n")
    for entry in catalogue:
        if entry.msgid in table:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: table[entry.msgid]}
            else:
                entry.msgstr = table[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    catalogue.save()
    missing = [e.msgid for e in catalogue if not (e.msgstr or any(e.msgstr_plural.values())) or "fuzzy" in e.flags]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
