# jailed prompt hook for bash: eval "$(jailed hook bash)" at the end of ~/.bashrc.

# Runs on every prompt: applies what `jailed export bash` prints, keeping the user's $?.
_jailed_hook() {
  local previous_exit_status=$? jailed_output jailed_int_trap
  # An uninstalled jailed stays silent.
  [[ -x @JAILED@ ]] || return "$previous_exit_status"
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
# direnv's hook is the exception: jailed goes right after it, so that direnv restoring the PATH
# it saved cannot bring back or drop jailed's entry after jailed ran (direnv, installed later,
# puts itself first: the same order).
_jailed_install() {
  local entry i
  # bash >= 5.1 also accepts an array; it must stay one, or its other elements would be lost.
  if [[ $(declare -p PROMPT_COMMAND 2>/dev/null) == "declare -a"* ]]; then
    for entry in "${PROMPT_COMMAND[@]}"; do
      [[ ";$entry;" == *";_jailed_hook;"* ]] && return 0
    done
    for i in "${!PROMPT_COMMAND[@]}"; do
      if [[ ${PROMPT_COMMAND[i]} == *_direnv_hook* ]]; then
        PROMPT_COMMAND=("${PROMPT_COMMAND[@]:0:i+1}" _jailed_hook "${PROMPT_COMMAND[@]:i+1}")
        return 0
      fi
    done
    PROMPT_COMMAND=(_jailed_hook "${PROMPT_COMMAND[@]}")
    return 0
  fi
  # Here PROMPT_COMMAND is a string (or unset), not the array shellcheck saw above.
  # shellcheck disable=SC2128,SC2178
  local commands=${PROMPT_COMMAND:-}
  if [[ ";$commands;" == *";_jailed_hook;"* ]]; then
    return 0
  elif [[ $commands == _direnv_hook || $commands == "_direnv_hook;"* ]]; then
    # shellcheck disable=SC2178
    PROMPT_COMMAND="_direnv_hook;_jailed_hook${commands#_direnv_hook}"
  elif [[ $commands == *_direnv_hook* ]]; then
    # shellcheck disable=SC2178
    PROMPT_COMMAND="$commands;_jailed_hook"
  else
    # shellcheck disable=SC2178
    PROMPT_COMMAND="_jailed_hook${commands:+;$commands}"
  fi
}
_jailed_install
unset -f _jailed_install
# Lets `jailed doctor` see that this shell has the hook: its name and process id, as a shell
# started from this one inherits the variable but not the hook.
export JAILED_HOOK="bash:$$"
