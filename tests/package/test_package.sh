#!/usr/bin/env bash
# The Debian package: cpack -G DEB in the build tree (into a temporary directory), its name and
# control fields, lintian without errors, then the package extracted with dpkg-deb -x into a
# temporary root, whose amtcfg runs `version` and `create-psk --inspect` on a setup.bin it made,
# and whose man pages, units, completion and docs are where cmake/Install.cmake puts them.
# It runs in the sanitizer build too: that package depends on libasan8 and libubsan1 besides the
# rest, and its binary runs the same checks under ASan.
# usage: test_package.sh SOURCE_DIR BUILD_DIR CPACK
set -uo pipefail
source_dir=$(cd "$1" && pwd) build_dir=$(cd "$2" && pwd) cpack=$3
for tool in dpkg-deb dpkg-shlibdeps lintian file; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing (scripts/deps.sh)"; exit 77; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/amtcfg-package.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# The version has one source: project(... VERSION x.y.z) in CMakeLists.txt.
version=$(sed -nE 's/^project\(amtcfg VERSION ([0-9.]+).*/\1/p' "$source_dir/CMakeLists.txt")
arch=$(dpkg --print-architecture)
[[ -n $version ]] || { echo "FAIL: no project(VERSION) in CMakeLists.txt"; exit 1; }

if ! (cd "$build_dir" && "$cpack" -G DEB -B "$tmp/out") >"$tmp/cpack.log" 2>&1; then
    cat "$tmp/cpack.log"
    echo "FAIL: cpack -G DEB"
    exit 1
fi
debs=("$tmp"/out/*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || { echo "FAIL: cpack made ${debs[*]}"; exit 1; }
deb=${debs[0]}
[[ $(basename "$deb") == "amtcfg_${version}-1_${arch}.deb" ]] ||
    fail "file name $(basename "$deb"), want amtcfg_${version}-1_${arch}.deb"

field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == amtcfg ]] || fail "Package: $(field Package)"
[[ $(field Version) == "$version-1" ]] || fail "Version: $(field Version)"
[[ $(field Section) == admin ]] || fail "Section: $(field Section)"
[[ -n $(field Maintainer) ]] || fail "no Maintainer"
[[ $(dpkg-deb -f "$deb" Description | wc -l) -ge 3 ]] || fail "no long Description"
depends=$(field Depends)
# libcurl4 by hand (dlopen), the rest found by dpkg-shlibdeps in the ELF's NEEDED entries.
for dependency in libcurl4 libc6 libssl3 libstdc++6; do
    [[ ", $depends," == *", $dependency"[\ ,]* ]] || fail "Depends lacks $dependency: $depends"
done

lintian --allow-root --tag-display-limit 0 "$deb" >"$tmp/lintian.log" 2>&1
if grep -q '^E:' "$tmp/lintian.log"; then
    fail "lintian errors:"$'\n'"$(cat "$tmp/lintian.log")"
fi
echo "lintian says:"
sed 's/^/  /' "$tmp/lintian.log"

# Owners and modes: root, 0755 for directories and the program, 0644 for everything else.
while read -r mode owner _ _ _ path; do
    path=${path#./}
    [[ $owner == root/root ]] || fail "$path is owned by $owner"
    case $mode in
    d*) [[ $mode == drwxr-xr-x ]] || fail "directory $path is $mode" ;;
    -*)
        if [[ $path == usr/bin/amtcfg ]]; then want=-rwxr-xr-x; else want=-rw-r--r--; fi
        [[ $mode == "$want" ]] || fail "$path is $mode, want $want"
        ;;
    *) fail "$path is neither a file nor a directory ($mode)" ;;
    esac
done < <(dpkg-deb -c "$deb")

root=$tmp/root
dpkg-deb -x "$deb" "$root" || { echo "FAIL: dpkg-deb -x"; exit 1; }
amtcfg=$root/usr/bin/amtcfg
[[ -x $amtcfg ]] || { echo "FAIL: no usr/bin/amtcfg in the package"; exit 1; }
file -b "$amtcfg" | grep -q ', stripped' || fail "usr/bin/amtcfg is not stripped: $(file -b "$amtcfg")"
# Nothing but amtcfg is a program: no tests, simulator or fuzzers.
others=$(find "$root" -type f \( -perm -u+x -o -name '*.so*' -o -name '*.a' \) ! -path "$amtcfg")
[[ -z $others ]] || fail "more than amtcfg is installed: $others"

text=$("$amtcfg" version) || fail "extracted amtcfg version: exit $?"
[[ $text == "amtcfg $version"* ]] || fail "extracted amtcfg version says: $text"
json=$("$amtcfg" --json version 2>>"$tmp/stderr.log") || fail "extracted amtcfg --json version: exit $?"
python3 - "$json" "$version" <<'PY' || fail "--json version: $json"
import json, sys
j = json.loads(sys.argv[1])
assert j["name"] == "amtcfg" and j["version"] == sys.argv[2], j
assert j["commit"] is None or isinstance(j["commit"], str) and j["commit"], j
PY

# A setup.bin the extracted binary makes, and inspects.
CURRENT_MEBX=admin NEW_MEBX='N3w-Passw0rd!' "$amtcfg" --json create-psk \
    --setup-bin "$tmp/setup.bin" --current-mebx-password env:CURRENT_MEBX \
    --new-mebx-password env:NEW_MEBX --count 2 --out "$tmp/keys.csv" >"$tmp/written.json" 2>>"$tmp/stderr.log" ||
    fail "create-psk --setup-bin: exit $?"
inspected=$("$amtcfg" --json create-psk --inspect "$tmp/setup.bin" 2>>"$tmp/stderr.log")
status=$?
[[ $status -eq 0 ]] || fail "create-psk --inspect: exit $status"
python3 - "$inspected" "$tmp/keys.csv" <<'PY' || fail "create-psk --inspect: $inspected"
import json, sys
j = json.loads(sys.argv[1])
assert j["valid"] is True, j
assert len(j["records"]) == 2, j
keys = open(sys.argv[2]).read()
pids = [e["value"] for r in j["records"] for e in r["entries"] if e["key"] == "pid"]
assert len(pids) == 2 and all(p in keys for p in pids), (pids, keys)
PY

# Where install() puts things (Debian 12 layout).
same_as() { # PACKAGED-FILE SOURCE-FILE [gz]
    local content
    if [[ ${3:-} == gz ]]; then
        gzip -t "$1" 2>/dev/null || { fail "$1 is not gzip"; return; }
        content=$(gzip -dc "$1")
    else
        content=$(cat "$1" 2>/dev/null) || { fail "missing ${1#"$root"}"; return; }
    fi
    [[ $content == "$(cat "$2")" ]] || fail "${1#"$root"} differs from ${2#"$source_dir/"}"
}
same_as "$root/usr/share/man/man1/amtcfg.1.gz" "$source_dir/man/amtcfg.1" gz
same_as "$root/usr/share/man/man5/amtcfg-profile.5.gz" "$source_dir/man/amtcfg-profile.5" gz
same_as "$root/usr/share/doc/amtcfg/changelog.gz" "$source_dir/CHANGELOG.md" gz
same_as "$root/usr/share/bash-completion/completions/amtcfg" "$source_dir/completions/amtcfg"
same_as "$root/usr/share/doc/amtcfg/amtcfg-maintain-task.xml" \
    "$source_dir/scripts/amtcfg-maintain-task.xml"
same_as "$root/usr/share/doc/amtcfg/examples/ccm-basic.xml" "$source_dir/examples/ccm-basic.xml"
same_as "$root/usr/share/doc/amtcfg/examples/ansible/site.yml" \
    "$source_dir/examples/ansible/site.yml"
same_as "$root/usr/share/doc/amtcfg/copyright" "$source_dir/packaging/copyright"
for schema in "$source_dir"/docs/schema/*.schema.json; do
    same_as "$root/usr/share/doc/amtcfg/schema/$(basename "$schema")" "$schema"
done
gzip -dc "$root/usr/share/doc/amtcfg/changelog.Debian.gz" 2>/dev/null |
    head -1 | grep -q "^amtcfg ($version-1) " || fail "changelog.Debian.gz does not name $version-1"
# gzip -n: no name and no time stamp in the header (bytes 4-7 are the time).
for gz in $(find "$root" -name '*.gz'); do
    [[ $(od -An -tx1 -j3 -N5 "$gz" | tr -d ' ') == 0000000000 ]] ||
        fail "${gz#"$root"} has a name or time stamp in its gzip header"
done
unit_dir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null)
unit_dir=${unit_dir:-/usr/lib/systemd/system}
same_as "$root$unit_dir/amtcfg-maintain.timer" "$source_dir/scripts/amtcfg-maintain.timer"
grep -q '^ExecStart=/usr/bin/amtcfg ' "$root$unit_dir/amtcfg-maintain.service" ||
    fail "the service does not run /usr/bin/amtcfg: $(grep ExecStart "$root$unit_dir/amtcfg-maintain.service")"

if [[ $failures -gt 0 ]]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "package $(basename "$deb") is lintian-clean (no errors) and its contents run"
