#!/usr/bin/env bash
# Agent homes in a real sandbox: an agent with a single-file config path in the home gets a
# private home kept across sessions (seeded once from the real file, which the jail never
# touches), where temp-file renames over the config work; any other agent gets an empty home.
# shellcheck disable=SC2016  # the jailed scripts are single-quoted on purpose
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_tools test_presets bwrap timeout sha256sum
new_world

PROJECT="$WORK/app"
write_jailed "$PROJECT" $'[agent tool]\npackage = host:bash\nconfig = ~/.tool.json\n\n[agent plain]\npackage = host:bash'
out=$("$JAILED" allow "$PROJECT" 2>&1) || { fail "setup: allow" "$out"; exit 1; }

# jrun AGENT SCRIPT: runs SCRIPT with the agent's bash in its jail; sets OUT and RC. Without a
# snapshot: OUT is the script's output alone, without the session line.
jrun() {
  OUT=$(cd "$PROJECT" && timeout -k 5 30 "$JAILED" run --no-snapshot "$1" -c "$2" 2>&1 </dev/null)
  RC=$?
}

sha() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }

# private_of AGENT: the agent's private home for this project (homes/<name>-<hash>/<agent>), or a
# path that does not exist.
private_of() { set -- "$XDG_STATE_HOME"/jailed/homes/app-*/"$1"; printf '%s' "$1"; }
printf 'seed-real' > "$HOME/.tool.json"
echo "secret" > "$HOME/secret"
real_sha=$(sha "$HOME/.tool.json")

# explain names the private home and why, before anything is created.
explained=$(cd "$PROJECT" && "$JAILED" explain tool 2>&1)
expect_contains "presets: explain shows the private home and what it holds" \
  "private home of agent tool (kept across sessions): holds ~/.tool.json" "$explained"
expect_contains "presets: explain binds it at the home path" "$HOME <- " "$explained"
expect_eq "presets: explain creates nothing" "no" "$([ -e "$(private_of tool)" ] && echo yes || echo no)"

# First launch: the copy comes from the real file; a temp file renamed over it works.
jrun tool 'cat ~/.tool.json; echo; printf new > ~/.tool.json.tmp.1 && mv ~/.tool.json.tmp.1 ~/.tool.json && echo renamed;
  touch ~/.tool.json.lock; cat ~/secret 2>/dev/null || echo no-secret'
expect_eq "presets: first launch succeeds" 0 "$RC"
expect_contains "presets: first launch sees a copy of the real file" "seed-real" "$OUT"
expect_contains "presets: a temp file renamed over the config file works" "renamed" "$OUT"
expect_contains "presets: the private home holds none of your files" "no-secret" "$OUT"

expect_eq "presets: the real file is untouched by the jail" "$real_sha" "$(sha "$HOME/.tool.json")"
expect_eq "presets: no sibling reached the real home" "" \
  "$(find "$HOME" -maxdepth 1 -name '.tool.json.*' -print)"
expect_eq "presets: the private home is 0700" "700" "$(stat -c %a "$(private_of tool)" 2>&1)"
expect_eq "presets: the renamed file is kept in the private home" "new" "$(cat "$(private_of tool)/.tool.json" 2>&1)"

# Next launch: the agent's version persists (with its lock file), and a change to the real
# file does not overwrite it.
printf 'changed-real' > "$HOME/.tool.json"
jrun tool 'cat ~/.tool.json; echo; ls -A ~'
expect_eq "presets: second launch succeeds" 0 "$RC"
expect_contains "presets: the new content is there at the next launch" "new" "$OUT"
expect_not_contains "presets: the seed is never copied again" "changed-real" "$OUT"
expect_contains "presets: a sibling lock file persists" ".tool.json.lock" "$OUT"

# An agent without file config paths: an empty tmpfs home, gone after each session.
jrun plain 'ls -A ~; echo scratch > ~/scratch && echo wrote'
expect_eq "presets: a plain agent runs" 0 "$RC"
expect_eq "presets: a plain agent's home starts empty" "wrote" "$OUT"
jrun plain 'cat ~/scratch 2>/dev/null || echo gone'
expect_eq "presets: a file written to a plain agent's home is gone next launch" "gone" "$OUT"
expect_eq "presets: a plain agent gets no private home" "no" \
  "$([ -e "$(private_of plain)" ] && echo yes || echo no)"
expected_plain="empty home: none of your files"
expect_contains "presets: explain shows the plain agent's empty home" "$expected_plain" \
  "$(cd "$PROJECT" && "$JAILED" explain plain 2>&1)"

finish
