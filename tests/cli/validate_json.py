"""Checks amtcfg's --json results against docs/schema/ for the CLI tests.

One process serves a whole test binary (tests/cli/support.cpp starts it on first use): it reads
one request per line on standard input and answers each with one line on standard output, so
Python and jsonschema start once, not once per amtcfg run.

Requests (JSON, one line each):
  {"command": "info", "status": 0, "document": {...}}   validate one --json result
  {"check": "schemas"}                                  check the schema files themselves
Answers: {"ok": true} or {"ok": false, "message": "..."}.

Usage: /usr/bin/python3 -I validate_json.py SCHEMA_DIR
"""

import json
import os
import sys

try:
    from jsonschema import Draft202012Validator
except ImportError:
    sys.stderr.write("validate_json.py: the Debian package python3-jsonschema is missing "
                     "(scripts/deps.sh installs it)\n")
    sys.exit(3)

# "remote": configure, maintain and unconfigure with --server.
COMMANDS = ("info", "configure", "maintain", "unconfigure", "create-psk", "version", "remote")
ERROR_SCHEMA = "error.schema.json"
# Results that the contract prints with a non-zero exit status (amtcfg(1)); every other failure
# prints the error object.
RESULT_STATUSES = {"maintain": (0, 34), "create-psk": (0, 3)}


def load(schema_dir, name):
    with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
        return json.load(f)


def pointer(path):
    """A JSON pointer (RFC 6901) to where in the document an error is."""
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts) if parts else "(the whole object)"


def describe(error):
    """One error, with where it is; for a oneOf or anyOf, also why the closest alternative (the
    one with the fewest errors) did not match."""
    if error.validator in ("oneOf", "anyOf"):
        message = "not valid under any of the {} alternatives".format(error.validator)
    else:
        message = error.message if len(error.message) <= 300 else error.message[:300] + "..."
    text = "at {}: {} (schema path {})".format(
        pointer(error.absolute_path), message,
        "/".join(str(p) for p in error.absolute_schema_path))
    if error.context:
        branches = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        closest = min(branches.values(), key=len)
        text += "; the closest: " + "; ".join(describe(sub) for sub in closest)
    return text


def status_problem(command, status, document, is_error):
    if is_error:
        code = document.get("error", {}).get("exit_code")
        if code != status:
            return "error.exit_code is {} but amtcfg exited with {}".format(code, status)
        return None
    if status not in RESULT_STATUSES.get(command, (0,)):
        return ("amtcfg exited with {} but printed a result, not the error object of {}"
                .format(status, ERROR_SCHEMA))
    if command == "maintain" and (status == 0) != (document.get("failed") == []):
        return "maintain exited with {} and failed is {}".format(status, document.get("failed"))
    if command == "create-psk" and "problems" in document and (status == 0) != document.get(
            "valid"):
        return "create-psk --inspect exited with {} and valid is {}".format(
            status, document.get("valid"))
    return None


class Checker:
    def __init__(self, schema_dir):
        self.schema_dir = schema_dir
        self.validators = {}

    def validator(self, name):
        if name not in self.validators:
            self.validators[name] = Draft202012Validator(load(self.schema_dir, name))
        return self.validators[name]

    def validate(self, command, status, document):
        if command not in COMMANDS:
            return "no schema for amtcfg command '{}'".format(command)
        is_error = isinstance(document, dict) and "error" in document
        name = ERROR_SCHEMA if is_error else command + ".schema.json"
        where = "amtcfg --json {} (exit {}) against docs/schema/{}".format(command, status, name)
        errors = sorted(self.validator(name).iter_errors(document),
                        key=lambda e: list(e.absolute_path))
        if errors:
            return "{}: {} error{}:\n  {}".format(
                where, len(errors), "" if len(errors) == 1 else "s",
                "\n  ".join(describe(e) for e in errors))
        problem = status_problem(command, status, document, is_error)
        return "{}: {}".format(where, problem) if problem else None

    def check_schemas(self):
        names = [c + ".schema.json" for c in COMMANDS] + [ERROR_SCHEMA]
        problems = []
        for name in names:
            schema = load(self.schema_dir, name)
            try:
                Draft202012Validator.check_schema(schema)
            except Exception as e:  # SchemaError: the message says what and where
                problems.append("{}: not a valid draft 2020-12 schema: {}".format(name, e))
                continue
            if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
                problems.append("{}: $schema is not draft 2020-12".format(name))
            if not str(schema.get("$id", "")).endswith("/" + name):
                problems.append("{}: $id does not end with the file name".format(name))
            for key in ("title", "description"):
                if not schema.get(key):
                    problems.append("{}: no {}".format(name, key))
            problems += ["{}: {}".format(name, p) for p in undescribed(schema, "")]
        extra = sorted(set(os.listdir(self.schema_dir)) - set(names))
        if extra:
            problems.append("files in docs/schema/ no command uses: {}".format(", ".join(extra)))
        return "\n".join(problems) if problems else None


COMBINATORS = ("oneOf", "anyOf", "allOf", "if", "then", "else")


def undescribed(schema, path, inherited=frozenset()):
    """The keys (properties) and definitions in `schema` that have no description. A oneOf, if
    or then that only constrains a key its parent describes need not describe it again."""
    out = []
    if isinstance(schema, list):
        for i, sub in enumerate(schema):
            out += undescribed(sub, "{}/{}".format(path, i), inherited)
        return out
    if not isinstance(schema, dict):
        return out
    described = set(inherited)
    for group in ("properties", "$defs"):
        for key, sub in schema.get(group, {}).items():
            here = "{}/{}/{}".format(path, group, key)
            if isinstance(sub, dict) and sub.get("description"):
                described.add(key)
            elif group == "$defs" or key not in inherited:
                out.append(here + " has no description")
            out += undescribed(sub, here)
    for key, sub in schema.items():
        if key not in ("properties", "$defs"):
            passed = frozenset(described) if key in COMBINATORS else frozenset()
            out += undescribed(sub, "{}/{}".format(path, key), passed)
    return out


def answer(checker, request):
    if request.get("check") == "schemas":
        problem = checker.check_schemas()
    else:
        problem = checker.validate(request["command"], request["status"], request["document"])
    return {"ok": True} if problem is None else {"ok": False, "message": problem}


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: validate_json.py SCHEMA_DIR\n")
        return 2
    checker = Checker(sys.argv[1])
    for line in sys.stdin:
        try:
            reply = answer(checker, json.loads(line))
        except Exception as e:  # a bad request or schema file: the test fails with the reason
            reply = {"ok": False, "message": "validate_json.py: {}: {}".format(type(e).__name__, e)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
