"""Exit 0 when a pinned requirement like 'moto[server]==5.2.1' is installed at that version, with its extras."""
import importlib.metadata as metadata
import re
import sys

requirement = sys.argv[1]
match = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[([^\]]+)\])?==(\S+)", requirement)
if not match:
    sys.exit(f"cannot read requirement {requirement!r}")
name, extras, version = match.groups()
try:
    installed = metadata.version(name)
except metadata.PackageNotFoundError:
    sys.exit(1)
if installed != version:
    sys.exit(1)
# An extra's own requirements must be importable too (moto[server] needs flask and flask-cors).
for extra in (extras or "").split(","):
    extra = extra.strip()
    if not extra:
        continue
    for line in metadata.requires(name) or []:
        if f'extra == "{extra}"' in line:
            dependency = re.split(r"[ ;<>=!~\[]", line, maxsplit=1)[0]
            try:
                metadata.version(dependency)
            except metadata.PackageNotFoundError:
                sys.exit(1)
