# shellcheck shell=bash
# Sourced by shell_common.sh: scenarios with hostile directory names (shell code, quotes,
# control and bidi characters), a hostile state home and a hostile path to jailed itself.

# Directory names that are shell code, quotes and spaces stay data.
# shellcheck disable=SC2016
WEIRD_NAMES=(
  'cmd $(touch CANARY1) x'
  'tick `touch CANARY2` x'
  "single ' quote"
  'double " quote'
  'sp  a  ce'
  $'all $(touch CANARY3) `touch CANARY4` \' " \\ ; & | * ? [x] {a,b} ~ %self $HOME ${HOME} !! -- -h =x'
  '-n'
  '%self'
)
# Directory names that cannot be shown as they are (a tab, a newline, invalid UTF-8, a bidi
# override) are refused, shown escaped; shell code in them still never runs.
# shellcheck disable=SC2016
REFUSED_NAMES=(
  $'tab\there'
  $'new\nline $(touch CANARY9)'
  $'bad\xffbyte'
  $'rtl\xe2\x80\xaeexe.sh'
)

scenario_weird_names() {
  local i body='' args=() dir
  for i in "${!WEIRD_NAMES[@]}"; do
    dir="$WORK/${WEIRD_NAMES[$i]}"
    allowed_project "$dir"
    args+=("P$i=$dir")
    body+="go in$i \"\$P$i\""$'\n'"snap in$i"$'\n'"lookup in$i jailed-demo"$'\n'
    body+="go out$i \"\$WORK\""$'\n'"snap out$i"$'\n'
  done
  run_scenario weird "${args[@]}" <<< "hook
$body"
  local s=weird shims label
  for i in "${!WEIRD_NAMES[@]}"; do
    dir="$WORK/${WEIRD_NAMES[$i]}"
    label="weird name $(printf '%q' "${WEIRD_NAMES[$i]}")"
    shims=$(get $s "in$i.JAILED_SHIMS")
    expect_bytes "$label: JAILED_DIR holds the exact bytes" $s "in$i.JAILED_DIR" "$dir"
    expect_key "$label: PATH" $s "in$i.PATH" "$shims:$PATH0"
    expect_shim_dir "$label: shim dir" $s "in$i" "$dir" "jailed-demo"
    expect_key "$label: jailed-demo found" $s "in$i.which.jailed-demo" "$shims/jailed-demo"
    expect_key "$label: one loaded line" $s "err.in$i" "$(loaded_msg "$dir" jailed-demo)"
    expect_key "$label: leaving restores PATH" $s "out$i.PATH" "$PATH0"
    expect_key "$label: leaving unsets JAILED_DIR" $s "out$i.JAILED_DIR" "<unset>"
  done
  expect_no_canary "weird names: no code ran"
}

scenario_refused_names() {
  local i body='' args=() dir
  for i in "${!REFUSED_NAMES[@]}"; do
    dir="$WORK/refused/${REFUSED_NAMES[$i]}"
    make_project "$dir"
    args+=("P$i=$dir")
    body+="go in$i \"\$P$i\""$'\n'"snap in$i"$'\n'"lookup in$i jailed-demo"$'\n'
    body+="go out$i \"\$WORK\""$'\n'"snap out$i"$'\n'
  done
  run_scenario refused "${args[@]}" <<< "hook
$body"
  local s=refused label
  for i in "${!REFUSED_NAMES[@]}"; do
    dir="$WORK/refused/${REFUSED_NAMES[$i]}"
    label="refused name $(printf '%q' "${REFUSED_NAMES[$i]}")"
    expect_key "$label: one line, the path escaped" $s "err.in$i" \
      "jailed: refusing $(shown "$dir/.jailed"): its path holds $(deceptive_of "${REFUSED_NAMES[$i]}"), which can make it display as another path (rename the directory)"
    expect_key "$label: PATH untouched" $s "in$i.PATH" "$PATH0"
    expect_key "$label: JAILED_DIR unset" $s "in$i.JAILED_DIR" "<unset>"
    expect_key "$label: no agent" $s "in$i.which.jailed-demo" "$HOSTBIN/jailed-demo"
    expect_key "$label: leaving says nothing" $s "err.out$i" ""
  done
  expect_no_canary "refused names: no code ran"
}

# deceptive_of NAME: how jailed names the first character of NAME it refuses (the cases above).
deceptive_of() {
  case $1 in
    *$'\t'*) printf 'the control character \\x09' ;;
    *$'\n'*) printf 'the control character \\x0a' ;;
    *$'\xff'*) printf "the byte \\\\xff, which is not UTF-8" ;;
    *$'\xe2\x80\xae'*) printf 'the bidirectional control \\u{202e}' ;;
  esac
}

expect_no_canary() {
  local found
  found=$(find "$WORLD" -name 'CANARY*' 2>/dev/null)
  expect_eq "$SH $1" "" "$found"
  # Reported once: later checks start clean.
  find "$WORLD" -name 'CANARY*' -delete 2>/dev/null
}

# A state dir (hence the shim dir on PATH) with hostile bytes; no ':' (PATH's separator).
scenario_weird_state_home() {
  local p="$WORK/statehome" state=$'/st $(touch CANARY5) `touch CANARY6` \' " \n \xff %self'
  state="$WORLD$state"
  allowed_project "$p"
  mkdir -p -- "$state"
  run_scenario weird_state P="$p" XDG_STATE_HOME="$state" <<'EOF'
hook
go in "$P"
snap in
lookup in jailed-demo
go out "$WORK"
snap out
EOF
  local s=weird_state file="$WORLD/out/weird_state/in.JAILED_SHIMS" shims
  shims=$(cat "$file")
  if [[ $shims == "$state/jailed/shims/"* ]] && [[ ${shims#"$state/jailed/shims/"} =~ ^[0-9a-f]{16}$ ]]; then
    pass "$SH weird state home: JAILED_SHIMS under it, exact bytes"
  else
    fail "$SH weird state home: JAILED_SHIMS under it, exact bytes" "got $(printf '%q' "$shims")"
  fi
  expect_bytes "weird state home: PATH holds the exact bytes" $s in.PATH "$shims:$PATH0"
  expect_bytes "weird state home: jailed-demo found there" $s in.which.jailed-demo "$shims/jailed-demo"
  check "$SH weird state home: shim is a link to jailed" test "$(readlink -- "$shims/jailed-demo")" == "$JAILED_REAL"
  expect_key "weird state home: leaving restores PATH" $s out.PATH "$PATH0"
  expect_no_canary "weird state home: no code ran"
}

# jailed installed under a hostile path: the hook embeds it, quoted.
scenario_weird_binary() {
  local bindir=$'/bin $(touch CANARY7) `touch CANARY8` \' " \n \xff %self' p="$WORK/weirdbin"
  bindir="$WORLD$bindir"
  mkdir -p -- "$bindir"
  # A hard link keeps /proc/self/exe at the hostile path; copy across file systems.
  ln -- "$JAILED_REAL" "$bindir/jailed" 2>/dev/null || cp -- "$JAILED_REAL" "$bindir/jailed"
  allowed_project "$p"
  run_scenario weird_binary P="$p" JAILED="$bindir/jailed" <<'EOF'
hook
go in "$P"
snap in
go out "$WORK"
snap out
EOF
  local s=weird_binary shims
  shims=$(get $s in.JAILED_SHIMS)
  expect_key "jailed at a hostile path: hook loads the project" $s in.JAILED_DIR "$p"
  expect_key "jailed at a hostile path: PATH" $s in.PATH "$shims:$PATH0"
  check "$SH jailed at a hostile path: shim points at it" test "$(readlink -- "$shims/jailed-demo")" == "$bindir/jailed"
  expect_key "jailed at a hostile path: leaving restores PATH" $s out.PATH "$PATH0"
  expect_no_canary "jailed at a hostile path: no code ran"
}
