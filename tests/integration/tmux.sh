# shellcheck shell=bash
# Driving real interactive shells in tmux, for suites that source it after lib.sh: a private
# tmux server per suite, typing into panes, waiting for what the typed commands leave behind.
# The suite sets OUT (where typed commands write their results) and uses `tm` for tmux.

TMUX_SOCKET_NAME="jailed$$"
tm() { tmux -L "$TMUX_SOCKET_NAME" -f /dev/null "$@"; }
# tmux leaves its socket file behind: remove it with the server.
TMUX_SOCKET_PATH="${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TMUX_SOCKET_NAME"
trap 'tm kill-server >/dev/null 2>&1; rm -f "$TMUX_SOCKET_PATH"; cd /; rm -rf "$WORLD"' EXIT

# wait_for CONDITION...: polls until the command succeeds, for up to 30 s (a loaded machine
# starts a shell with completion slowly; the deadline only matters when something is wrong).
wait_for() { wait_until 30 "$@"; }
# new_session ARGS...: tmux new-session, tried again for 10 s: a server whose last session has
# just ended is still exiting and refuses it.
new_session() { wait_until 10 tm new-session "$@"; }
pane() { tm capture-pane -p -J -S -2000 -t "$1" 2>/dev/null; }
pane_has_text() { [ -n "$(pane "$1" | tr -d ' \n')" ]; }
# type_line SESSION TEXT: types TEXT, then Enter.
type_line() { tm send-keys -t "$1" -l -- "$2" && tm send-keys -t "$1" Enter; }
# step SESSION NAME TEXT: types TEXT followed by a command that creates $OUT/NAME.done, and waits
# for that file: TEXT has run, with every prompt before it.
step() {
  type_line "$1" "$3; touch \"\$OUT/$2.done\""
  wait_for test -e "$OUT/$2.done" || { fail "$1: step $2" "timed out; pane: $(pane "$1" | tail -5)"; return 1; }
}
