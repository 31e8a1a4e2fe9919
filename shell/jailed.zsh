# jailed prompt hook for zsh: eval "$(jailed hook zsh)" in ~/.zshrc.

# Runs before every prompt and after every directory change: applies `jailed export zsh`.
_jailed_hook() {
  local previous_exit_status=$?
  # Plain zsh semantics whatever the user's options (ksh_arrays, no_unset...); local_traps
  # puts the user's INT trap back when the function returns.
  emulate -L zsh
  setopt local_traps
  # An uninstalled jailed stays silent.
  [[ -x @JAILED@ ]] || return $previous_exit_status
  local jailed_output
  # Ctrl-C can still stop a slow export: the hook is then abandoned before applying anything.
  jailed_output=$(@JAILED@ export zsh)
  if [[ -n $jailed_output ]]; then
    # Only the eval ignores Ctrl-C, so a change is applied whole.
    trap -- '' INT
    eval "$jailed_output"
  fi
  return $previous_exit_status
}

# Puts _jailed_hook first in both hook arrays, once: precmd for every prompt, chpwd so that
# `cd project; cmd` and widgets that change directory without a prompt see the new PATH.
# direnv's hook is the exception: jailed goes right after it, so that direnv restoring the PATH
# it saved cannot bring back or drop jailed's entry after jailed ran (direnv, installed later,
# puts itself first: the same order). Other functions in the arrays are kept; sourcing this
# twice adds nothing.
() {
  emulate -L zsh
  typeset -ag precmd_functions chpwd_functions
  local array at
  for array in precmd_functions chpwd_functions; do
    (( ${${(P)array}[(I)_jailed_hook]} )) && continue
    at=${${(P)array}[(I)_direnv_hook]}
    set -A $array "${(@)${(P)array}[1,at]}" _jailed_hook "${(@)${(P)array}[at+1,-1]}"
  done
}
# Lets `jailed doctor` see that this shell has the hook: its name and process id, as a shell
# started from this one inherits the variable but not the hook.
export JAILED_HOOK="zsh:$$"
