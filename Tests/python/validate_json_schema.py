#!/usr/bin/env python3
"""Validates JSON documents against one of the repository's schemas (schemas/*.json), with the
schemas' cross-references resolved among themselves and formats checked.

Usage: validate_json_schema.py SCHEMA DOCUMENT.json...
Prints one line per document: `ok PATH` or `invalid PATH: reason`; exits 1 if any is invalid.
A notification's `Message` (its contentSchema) is validated too, as its own document.
"""
import json
import pathlib
import sys

from jsonschema import Draft202012Validator
from referencing import Registry, Resource


def main(schema_path, documents):
    directory = pathlib.Path(schema_path).parent
    resources = []
    for path in directory.glob("*.schema.json"):
        contents = json.loads(path.read_text())
        resources.append((contents["$id"], Resource.from_contents(contents)))
        resources.append((path.name, Resource.from_contents(contents)))
    registry = Registry().with_resources(resources)
    schema = json.loads(pathlib.Path(schema_path).read_text())
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
    failed = False
    for document_path in documents:
        document = json.loads(pathlib.Path(document_path).read_text())
        errors = [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(document)]
        content = schema.get("properties", {}).get("Message", {}).get("contentSchema")
        if content and not errors and isinstance(document.get("Message"), str):
            inner = registry.resolver(base_uri=schema["$id"]).lookup(content["$ref"]).contents
            inner_validator = Draft202012Validator(inner, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
            errors += [f"Message/{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in inner_validator.iter_errors(json.loads(document["Message"]))]
        if errors:
            failed = True
            print(f"invalid {document_path}: {'; '.join(errors)}")
        else:
            print(f"ok {document_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
