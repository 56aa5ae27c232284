#!/usr/bin/env bash
# examples/ansible against the simulator: ansible-playbook on localhost (-c local), amtcfg
# wrapped by scripts/with-sim.sh through the amtcfg_command variable, the package install
# skipped. First run changed=1, second run changed=0 (converged: ok), a wrong vault password
# fails the configure task with amtcfg's exit 21 in the message; the password is never printed.
# usage: test_ansible.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
source_dir=$(cd "$1" && pwd) build_dir=$(cd "$2" && pwd)
if ! command -v ansible-playbook >/dev/null; then
    echo "SKIP: ansible-playbook is missing (scripts/deps.sh installs ansible-core)"
    exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/amtcfg-ansible.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# Ansible's start-up kept small and its files in the temporary directory.
export HOME=$tmp/home ANSIBLE_HOME=$tmp/home/.ansible ANSIBLE_LOCAL_TEMP=$tmp/local \
    ANSIBLE_REMOTE_TEMP=$tmp/remote ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_GATHERING=explicit \
    ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
    ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_DEPRECATION_WARNINGS=0 \
    ANSIBLE_ROLES_PATH=$source_dir/examples/ansible/roles ANSIBLE_STDOUT_CALLBACK=default
mkdir -p "$HOME"
cd "$tmp" || exit 1 # no ansible.cfg of the working directory

password='Adm1n!Ans1ble' wrong='Wr0ng!Ans1ble'
# A plain vars file stands in for the vault (README shows ansible-vault).
printf 'vault_amtcfg_admin_password: "%s"\n' "$password" >"$tmp/vault.yml"
printf 'vault_amtcfg_admin_password: "%s"\n' "$wrong" >"$tmp/wrong-vault.yml"
cat >"$tmp/vars.yml" <<VARS
amtcfg_hosts: localhost
amtcfg_become: false
amtcfg_install_package: false
amtcfg_command: "$source_dir/scripts/with-sim.sh --state $tmp/amt-state.json -- $build_dir/amtcfg"
amtcfg_profile: "$source_dir/examples/ansible/profile.xml"
amtcfg_escrow: "$tmp/escrow.jsonl"
VARS

# Runs the playbook with VAULT-FILE; sets $status and $output.
play() {
    # -vvv: the module arguments and the commands Ansible runs are printed, and must not
    # hold the password either.
    output=$(ansible-playbook -vvv -i localhost, -c local -e "@$tmp/vars.yml" \
        -e "amtcfg_vault_file=$1" "$source_dir/examples/ansible/site.yml" 2>&1)
    status=$?
    case $output in *"$password"* | *"$wrong"*) fail "a password is in ansible's output" ;; esac
}
recap() { # the PLAY RECAP line of localhost
    grep -E '^localhost +: ' <<<"$output" | tail -1
}

play "$tmp/vault.yml"
[[ $status -eq 0 ]] || fail "first run: exit $status"$'\n'"$output"
[[ $(recap) =~ changed=1\  ]] || fail "first run: $(recap) (want changed=1)"$'\n'"$output"
grep -q "in ccm" <<<"$output" || fail "first run: the info facts do not say ccm"$'\n'"$output"

play "$tmp/vault.yml"
[[ $status -eq 0 ]] || fail "second run: exit $status"$'\n'"$output"
[[ $(recap) =~ changed=0\  ]] || fail "second run: $(recap) (want changed=0)"$'\n'"$output"
[[ $(recap) =~ failed=0\  ]] || fail "second run: $(recap)"$'\n'"$output"

play "$tmp/wrong-vault.yml"
[[ $status -ne 0 ]] || fail "wrong password: the playbook succeeded"$'\n'"$output"
[[ $(recap) =~ failed=1\  ]] || fail "wrong password: $(recap) (want failed=1)"$'\n'"$output"
grep -E 'fatal: .*Converge AMT|TASK \[amtcfg : Converge AMT' <<<"$output" >/dev/null ||
    fail "wrong password: not the configure task"$'\n'"$output"
grep -q 'amtcfg failed with exit 21 (auth_failed)' <<<"$output" ||
    fail "wrong password: no 'exit 21' in the message"$'\n'"$output"

if [[ $failures -gt 0 ]]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "ansible: changed=1, then changed=0, then a wrong password fails with exit 21"
