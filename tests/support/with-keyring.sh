#!/bin/sh
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring Secret Service, so
# keychain tests store and read secrets for real without touching the user's keyring.
#   with-keyring.sh PROGRAM [ARGS...]
# The daemon registers org.freedesktop.secrets a moment after `--unlock` returns; until then a
# client's request would D-Bus-activate a second, locked daemon that tries to prompt. So wait for
# the name first (up to 10 s).
exec dbus-run-session -- sh -c '
  echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  i=0
  until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
          org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; do
    i=$((i + 1))
    [ "$i" -gt 100 ] && { echo "with-keyring.sh: gnome-keyring did not come up" >&2; exit 1; }
    sleep 0.1
  done
  exec "$0" "$@"' "$@"
