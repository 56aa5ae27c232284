#!/usr/bin/env bash
# The bash completion (completions/amtcfg) driven the way bash drives it: COMP_LINE, COMP_POINT,
# COMP_WORDS and COMP_CWORD set, _amtcfg called, COMPREPLY checked. Commands, options and
# enumerated values are checked against what `amtcfg [command] --help` says, so the script
# cannot drift from the binary.
# usage: test_completion.sh SOURCE_DIR AMTCFG_BINARY
set -uo pipefail
source_dir=$1 amtcfg=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/amtcfg-completion.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0

# shellcheck source=/dev/null
source "$source_dir/completions/amtcfg"
complete -p amtcfg | grep -q -- '-F _amtcfg' || { echo "FAIL: complete -F _amtcfg not registered"; exit 1; }
# bash's default word breaks (an interactive shell has them; set them for this script too).
COMP_WORDBREAKS=$' \t\n"\'@><=;|&(:'

# The completions of LINE (the cursor at its end), sorted, one a line.
complete_line() {
    COMP_LINE=$1
    COMP_POINT=${#COMP_LINE}
    # COMP_WORDS as bash splits them: at blanks and around the word-break characters : and =.
    local split=${COMP_LINE//:/ : }
    split=${split//=/ = }
    read -ra COMP_WORDS <<<"$split"
    [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _amtcfg amtcfg "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]:-}"
    printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort
}

expect() { # LINE EXPECTED-WORDS...
    local line=$1
    shift
    local got want
    got=$(complete_line "$line")
    want=$(printf '%s\n' "$@" | sed '/^$/d' | sort)
    if [[ $got != "$want" ]]; then
        echo "FAIL: '$line'"
        diff <(echo "$want") <(echo "$got") | sed 's/^/  /'
        failures=$((failures + 1))
    fi
}

# Options and subcommands from --help: an option line starts with "  -x," or "  --name".
help_options() { "$amtcfg" "$@" --help | grep -oE '^  (-[a-z],)?--[a-z0-9-]+' | tr ',' '\n' | tr -d ' '; }
help_commands() { "$amtcfg" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && NF {print $1}'; }

mapfile -t commands < <(help_commands)
[[ ${#commands[@]} -ge 6 ]] || { echo "FAIL: no subcommands in amtcfg --help"; exit 1; }
mapfile -t global < <(help_options)

# Every command, and a prefix of one.
expect "amtcfg " "${commands[@]}"
expect "amtcfg con" configure
# Every global option, before and after the command (CLI11 lets them fall through).
expect "amtcfg --" $(printf '%s\n' "${global[@]}" | grep -- '^--')
for command in "${commands[@]}"; do
    mapfile -t own < <(help_options "$command")
    expect "amtcfg $command -" "${global[@]}" "${own[@]}"
done
# A global option's value is not taken for the command.
expect "amtcfg --transport lms configure --pa" --password
expect "amtcfg --log-file version create-psk --sh" --show-secrets

# Enumerated values: every option whose --help names its choices as {a,b} or a|b.
while read -r command option choices; do
    # shellcheck disable=SC2086
    expect "amtcfg $command $option " ${choices//[|,]/ }
done < <(for command in "" "${commands[@]}"; do
    "$amtcfg" $command --help | grep -oE '^  --[a-z0-9-]+ (TEXT:\{[a-z0-9.,]+\}|[a-z0-9.-]+(\|[a-z0-9.-]+)+)' |
        sed -E 's/TEXT:\{(.*)\}/\1/' | awk -v c="${command:-version}" '{print c, $1, $2}'
done)
expect "amtcfg --transport " auto lme lms
expect "amtcfg --transport l" lme lms
expect "amtcfg --transport=l" lme lms
expect "amtcfg create-psk --setup-bin x --setup-version 2" 2 2.1

# Secret sources, and what follows env:, file: and escrow:. bash replaces only the text after
# the last ':' (a word break), so the replies are what follows it.
for command in configure info maintain unconfigure; do
    expect "amtcfg $command --password " env: file: escrow: stdin prompt
done
expect "amtcfg create-psk --setup-bin x --new-mebx-password " env: file: escrow: stdin prompt
expect "amtcfg configure --password e" env: escrow:
expect "amtcfg configure --password st" stdin
export AMTCFG_COMPLETION_TEST_A=1 AMTCFG_COMPLETION_TEST_B=2
expect "amtcfg configure --password env:AMTCFG_COMPLETION_TEST_" \
    AMTCFG_COMPLETION_TEST_A AMTCFG_COMPLETION_TEST_B
mkdir "$tmp/dir"
touch "$tmp/dir/admin.pw" "$tmp/dir/escrow.jsonl" "$tmp/dir/profile.xml" "$tmp/dir/setup.bin"
expect "amtcfg maintain --password file:$tmp/dir/a" "$tmp/dir/admin.pw"
expect "amtcfg maintain --password escrow:$tmp/dir/e" "$tmp/dir/escrow.jsonl"

# File names for the options that take a file.
expect "amtcfg configure --profile $tmp/dir/p" "$tmp/dir/profile.xml"
expect "amtcfg configure --escrow $tmp/dir/" "$tmp/dir/admin.pw" "$tmp/dir/escrow.jsonl" \
    "$tmp/dir/profile.xml" "$tmp/dir/setup.bin"
expect "amtcfg create-psk --inspect $tmp/dir/s" "$tmp/dir/setup.bin"
expect "amtcfg --amt-ca $tmp/d" "$tmp/dir"
# A value without completions offers nothing (not commands, not files).
expect "amtcfg --timeout "
expect "amtcfg configure --dry-run x"

if [[ $failures -gt 0 ]]; then
    echo "$failures completion case(s) failed"
    exit 1
fi
echo "all completion cases pass"
