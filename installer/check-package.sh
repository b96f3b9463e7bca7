#!/usr/bin/env bash
# Builds the packages of a build directory with cpack (.deb + .tar.gz), checks them (lintian,
# desktop-file-validate, appstreamcli, systemd-analyze, man pages against the programs' --help), installs the
# .deb with apt-get (dependencies resolved), runs the installed programs (--version, --help, the demo against
# the installed paths) and removes the package again. Exits non-zero at the first failure, naming it.
#   usage: installer/check-package.sh [BUILD_DIR]     (default build/dev; already built, e.g. by tests/run.sh)
# Needs root or sudo (apt-get). .ci/run calls it after tests/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build/dev}")
package=gmail-sync-admin
started=$SECONDS

fail() {
    echo "check-package: FAILED: $*" >&2
    exit 1
}
step() { echo "check-package: [$((SECONDS - started))s] $*"; }

[ -f "$build/CPackConfig.cmake" ] || fail "$build has no CPackConfig.cmake (configure and build it first)"
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
for tool in cpack lintian desktop-file-validate appstreamcli systemd-analyze dpkg-deb apt-get; do
    command -v "$tool" >/dev/null || fail "$tool is missing (bash installer/install-deps.sh installs it)"
done
if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    fail "$package is already installed: remove it first (apt-get remove $package), this check installs its own"
fi

# 1. The packages, from the tree already built (CPACK_STRIP_FILES strips the binaries). cpack installs what
# is built (CMAKE_SKIP_INSTALL_ALL_DEPENDENCY): build the packaged targets, a no-op after tests/run.sh.
out="$build/packages"
rm -rf "$out"
step "build the packaged targets in $build"
cmake --build "$build" --target gmail-sync gmail-sync-admin gmail-sandbox gsa_compressed_docs >"$out.build.log" 2>&1 || {
    tail -n 30 "$out.build.log" >&2
    fail "building the packaged targets (log: $out.build.log)"
}
step "cpack in $build"
(cd "$build" && cpack -B "$out" >"$out.log" 2>&1) || {
    cat "$out.log" >&2
    fail "cpack (log: $out.log)"
}
deb=$(ls "$out"/${package}_*.deb 2>/dev/null | head -n1)
tgz=$(ls "$out"/${package}-*.tar.gz 2>/dev/null | head -n1)
[ -n "$deb" ] || fail "cpack made no .deb in $out"
[ -n "$tgz" ] || fail "cpack made no .tar.gz in $out"
tar tzf "$tgz" | grep '/bin/gmail-sync$' >/dev/null || fail "$tgz does not contain bin/gmail-sync"
step "built $(basename "$deb") ($(du -h "$deb" | cut -f1)) and $(basename "$tgz")"

# 2. Static checks of the .deb and its files.
step "lintian"
lintian_rc=0
lintian --fail-on error --tag-display-limit 0 "$deb" >"$out/lintian.log" 2>&1 || lintian_rc=$?
grep -v '^running with root privileges' "$out/lintian.log" || true
[ "$lintian_rc" = 0 ] || fail "lintian reports errors in $deb (exit $lintian_rc)"
tree="$out/tree"
dpkg-deb -x "$deb" "$tree"
for f in bin/gmail-sync bin/gmail-sync-admin bin/gmail-sandbox share/applications/gmail-sync-admin.desktop \
    share/man/man1/gmail-sync.1.gz share/man/man1/gmail-sync-admin.1.gz lib/systemd/system/gmail-sync-worker.service \
    share/doc/$package/copyright share/doc/$package/examples/worker.env share/icons/hicolor/256x256/apps/gmail-sync-admin.png; do
    [ -e "$tree/usr/$f" ] || fail "the package lacks /usr/$f"
done
readelf -S "$tree/usr/bin/gmail-sync" | grep '\.symtab' >/dev/null && fail "/usr/bin/gmail-sync is not stripped"
step "desktop-file-validate"
desktop-file-validate "$tree"/usr/share/applications/*.desktop || fail "desktop-file-validate"
step "appstreamcli validate"
appstreamcli validate --no-net "$tree"/usr/share/metainfo/*.metainfo.xml || fail "appstreamcli validate"

# 3. Install it as a user would; remove it again whatever happens next.
step "apt-get install -y $deb"
installed=0
cleanup() {
    if [ "$installed" = 1 ]; then
        echo "check-package: apt-get remove -y $package"
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq -o DPkg::Lock::Timeout=600 "$package" >/dev/null ||
            echo "check-package: FAILED: apt-get remove $package" >&2
    fi
    rm -rf "$demo_home"
}
demo_home=$(mktemp -d)
trap cleanup EXIT
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "$deb" >"$out/apt.log" 2>&1 || {
    cat "$out/apt.log" >&2
    fail "apt-get install $deb"
}
installed=1
getent passwd gmail-sync >/dev/null || fail "the postinst did not create the gmail-sync system user"

# 4. The installed unit (its ExecStart exists now; its man: link only where man is installed).
step "systemd-analyze verify"
man_check=--man=no
command -v man >/dev/null && man_check=--man=yes
systemd-analyze verify "$man_check" /usr/lib/systemd/system/gmail-sync-worker.service ||
    fail "systemd-analyze verify gmail-sync-worker.service"

# 5. The installed programs.
export QT_QPA_PLATFORM=offscreen
step "gmail-sync --version / --help, gmail-sync-admin --version, gmail-sandbox --help"
version=$(/usr/bin/gmail-sync --version) || fail "gmail-sync --version"
[[ "$version" == "gmail-sync "* ]] || fail "gmail-sync --version printed '$version'"
/usr/bin/gmail-sync --help >"$out/gmail-sync.help" || fail "gmail-sync --help"
/usr/bin/gmail-sync-admin --version 2>/dev/null | grep "gmail-sync-admin" >/dev/null || fail "gmail-sync-admin --version"
/usr/bin/gmail-sync-admin --help >"$out/gmail-sync-admin.help" 2>/dev/null || fail "gmail-sync-admin --help"
/usr/bin/gmail-sandbox --help >"$out/gmail-sandbox.help" 2>/dev/null || fail "gmail-sandbox --help"

# Every command and option the programs print is in their man page (groff writes '-' as '\-').
step "man pages cover every command and option"
man_has() { zcat "/usr/share/man/man1/$1.1.gz" | sed 's/\\-/-/g; s/\\f[BIRP]//g' | grep -F -- "$2" >/dev/null; }
check_options() { # page, help text file
    local opt
    for opt in $(grep -oE -- '--[a-z][a-z0-9-]*' "$2" | sort -u); do
        man_has "$1" "$opt" || fail "man page $1(1) does not mention option $opt"
    done
}
commands=$(sed -n '/^Commands:/,/^$/p' "$out/gmail-sync.help" | awk -F '  +' '/^  [a-z]/ { print $2 }')
[ -n "$commands" ] || fail "no commands found in gmail-sync --help"
for cmd in $(echo "$commands" | tr ' ' '+'); do
    cmd=${cmd//+/ }
    man_has gmail-sync ".SS \"$cmd" || fail "man page gmail-sync(1) has no section for the command '$cmd'"
    # shellcheck disable=SC2086 # "tenant add" is two arguments
    /usr/bin/gmail-sync $cmd --help >"$out/cmd.help" 2>&1 || fail "gmail-sync $cmd --help"
    check_options gmail-sync "$out/cmd.help"
done
check_options gmail-sync "$out/gmail-sync.help"
check_options gmail-sync-admin "$out/gmail-sync-admin.help"
check_options gmail-sandbox "$out/gmail-sandbox.help"

# The demo against the installed layout: /usr/bin/gmail-sync finds /usr/bin/gmail-sandbox beside itself.
step "gmail-sync demo --messages 200 (installed)"
chmod 755 "$demo_home"
HOME="$demo_home" XDG_DATA_HOME="$demo_home/data" /usr/bin/gmail-sync demo --messages 200 >"$out/demo.log" 2>&1 || {
    tail -n 30 "$out/demo.log" >&2
    fail "gmail-sync demo --messages 200 (log: $out/demo.log)"
}
tail -n 5 "$out/demo.log"

# 6. Remove it.
step "apt-get remove -y $package"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq -o DPkg::Lock::Timeout=600 "$package" >/dev/null || fail "apt-get remove"
installed=0
[ ! -e /usr/bin/gmail-sync ] || fail "/usr/bin/gmail-sync is still there after apt-get remove"
step "OK: $(basename "$deb") built, checked, installed, run and removed"
