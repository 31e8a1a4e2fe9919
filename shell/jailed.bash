# jailed prompt hook for bash: eval "$(jailed hook bash)" at the end of ~/.bashrc.

# Runs on every prompt: applies what `jailed export bash` prints, keeping the user's $?.
_jailed_hook() {
  local previous_exit_status=$? jailed_output jailed_int_trap
  # Ctrl-C can still stop a slow export: the hook is then abandoned before applying anything.
  jailed_output=$(@JAILED@ export bash)
  if [[ -n $jailed_output ]]; then
    # Only the eval ignores Ctrl-C, so a change is applied whole. Saving the user's INT trap
    # costs a subshell, so it happens only when there is something to apply.
    jailed_int_trap=$(trap -p SIGINT)
    trap -- '' SIGINT
    eval "$jailed_output"
    if [[ -n $jailed_int_trap ]]; then
      eval "$jailed_int_trap"
    else
      trap - SIGINT
    fi
  fi
  return "$previous_exit_status"
}

# Puts _jailed_hook first in PROMPT_COMMAND, once: the environment is up to date before other
# prompt hooks run, and sourcing this twice adds nothing. Other entries are kept as they are.
_jailed_install() {
  local entry
  # bash >= 5.1 also accepts an array; it must stay one, or its other elements would be lost.
  if [[ $(declare -p PROMPT_COMMAND 2>/dev/null) == "declare -a"* ]]; then
    for entry in "${PROMPT_COMMAND[@]}"; do
      [[ ";$entry;" == *";_jailed_hook;"* ]] && return 0
    done
    PROMPT_COMMAND=(_jailed_hook "${PROMPT_COMMAND[@]}")
  elif [[ ";${PROMPT_COMMAND:-};" != *";_jailed_hook;"* ]]; then
    # Here PROMPT_COMMAND is a string (or unset), not the array shellcheck saw above.
    # shellcheck disable=SC2128,SC2178
    PROMPT_COMMAND="_jailed_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
  fi
}
_jailed_install
unset -f _jailed_install
# Lets `jailed doctor` see that this shell has the hook.
export JAILED_HOOK=bash
