#!/usr/bin/python3
# Runs one amtcfg command with --json and returns its exit status and parsed JSON. The admin
# password goes into amtcfg's environment from a no_log module argument: Ansible's task-level
# `environment:` keyword would put it on the remote shell's command line (VAR=value prefix).
from __future__ import annotations

import json

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: amtcfg_run
short_description: Run amtcfg with --json, a secret in its environment
description:
  - Runs C(argv) (an amtcfg command line ending in amtcfg's arguments) with C(secret_env) added
    to its environment, and returns C(rc), the parsed JSON result or error as C(json), and a
    C(msg) with amtcfg's error message when it failed. It changes nothing by itself and fails
    nothing: the calling task decides with changed_when and failed_when.
options:
  argv:
    description: The command and its arguments; never put a secret here.
    type: list
    elements: str
    required: true
  secret_env:
    description: Environment variables for secrets, such as AMTCFG_ADMIN_PASSWORD (no_log).
    type: dict
    default: {}
"""


def parse(stdout: str):
    try:
        value = json.loads(stdout)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "argv": {"type": "list", "elements": "str", "required": True},
            "secret_env": {"type": "dict", "default": {}, "no_log": True},
        },
        supports_check_mode=False,
    )
    environment = {str(k): str(v) for k, v in module.params["secret_env"].items()}
    rc, stdout, stderr = module.run_command(module.params["argv"], environ_update=environment)
    result = parse(stdout)
    if rc == 0:
        msg = "amtcfg succeeded"
    elif result is not None and isinstance(result.get("error"), dict):
        error = result["error"]
        msg = "amtcfg failed with exit {} ({}): {}".format(
            error.get("exit_code", rc), error.get("category", "?"), error.get("message", ""))
    else:
        lines = [line for line in stderr.splitlines() if line.strip()]
        msg = "amtcfg failed with exit {}: {}".format(rc, lines[-1] if lines else "no output")
    module.exit_json(changed=False, rc=rc, json=result, stdout=stdout, stderr=stderr, msg=msg)


if __name__ == "__main__":
    main()
