#!/bin/sh
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring Secret Service, so
# keychain tests store and read secrets for real without touching the user's keyring.
#   with-keyring.sh PROGRAM [ARGS...]
exec dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$0" "$@"' "$@"
