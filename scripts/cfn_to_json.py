#!/usr/bin/env python3
"""Writes the JSON twin of each CloudFormation template in cfn/ (cfn/x.yaml -> cfn/x.json).

The YAML is the source; the JSON is generated with cfn-lint's own decoder, so that both files are
read the same way the linter reads them (short-form tags such as !Sub become Fn::Sub). The output is
stable: sorted keys, 2-space indent, a final newline.

  python3 scripts/cfn_to_json.py           regenerate the twins
  python3 scripts/cfn_to_json.py --check   exit 1, naming the files, when a twin is missing or stale
"""
import argparse
import json
import pathlib
import sys

from cfnlint.decode import decode

ROOT = pathlib.Path(__file__).resolve().parent.parent
TEMPLATES = ("new-user-pool", "existing-user-pool")


def plain(value):
    """cfn-lint's nodes (dict_node, str_node, ...) as plain JSON values."""
    if isinstance(value, dict):
        return {str(key): plain(member) for key, member in value.items()}
    if isinstance(value, list):
        return [plain(member) for member in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    raise TypeError(f"unexpected {type(value).__name__} in template: {value!r}")


def render(yaml_path):
    template, matches = decode(str(yaml_path))
    if matches:
        raise SystemExit(f"{yaml_path}: cannot decode: " + "; ".join(str(match) for match in matches))
    return json.dumps(plain(template), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    stale = []
    for name in TEMPLATES:
        yaml_path = ROOT / "cfn" / f"{name}.yaml"
        json_path = ROOT / "cfn" / f"{name}.json"
        expected = render(yaml_path)
        current = json_path.read_text(encoding="utf-8") if json_path.exists() else None
        if current == expected:
            continue
        if args.check:
            stale.append(str(json_path.relative_to(ROOT)))
        else:
            json_path.write_text(expected, encoding="utf-8")
            print(f"wrote {json_path.relative_to(ROOT)}")
    if stale:
        print("out of date with their YAML (run `make cfn-json`): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
