#!/usr/bin/env python3
"""Every public or open declaration under Sources/ has a `///` doc comment (issue 12: public API
documented). Prints each one that has none, as file:line, and exits 1 if there is any; -q prints
only the count. Generated files (*.generated.swift) are left out: their generator writes the docs."""
import os
import re
import sys

DECLARATION = re.compile(r'^\s*(@\w+(\([^)]*\))?\s+)*(public|open)\s+(?!import\b|extension\b)')
ATTRIBUTE = re.compile(r'^\s*@')


def undocumented(root='Sources'):
    total, missing = 0, []
    for folder, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if not name.endswith('.swift') or name.endswith('.generated.swift'):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding='utf-8') as source:
                lines = source.read().split('\n')
            for index, line in enumerate(lines):
                if not DECLARATION.match(line):
                    continue
                total += 1
                above = index - 1
                while above >= 0 and ATTRIBUTE.match(lines[above]):
                    above -= 1
                previous = lines[above].strip() if above >= 0 else ''
                if not (previous.startswith('///') or previous.endswith('*/')):
                    missing.append(f'{path}:{index + 1}: {line.strip()}')
    return total, missing


def main():
    total, missing = undocumented()
    if '-q' not in sys.argv:
        for entry in missing:
            print(entry)
    print(f'public declarations: {total}, without a /// doc: {len(missing)}')
    return 1 if missing else 0


if __name__ == '__main__':
    sys.exit(main())
