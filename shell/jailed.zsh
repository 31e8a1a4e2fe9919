# jailed prompt hook for zsh: eval "$(jailed hook zsh)" in ~/.zshrc.

# Runs before every prompt and after every directory change: applies `jailed export zsh`.
_jailed_hook() {
  local previous_exit_status=$?
  # Plain zsh semantics whatever the user's options (ksh_arrays, no_unset...); local_traps
  # puts the user's INT trap back when the function returns.
  emulate -L zsh
  setopt local_traps
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
# Other functions in the arrays are kept; sourcing this twice adds nothing.
() {
  emulate -L zsh
  typeset -ag precmd_functions chpwd_functions
  if (( ! ${precmd_functions[(I)_jailed_hook]} )); then
    precmd_functions=(_jailed_hook "${precmd_functions[@]}")
  fi
  if (( ! ${chpwd_functions[(I)_jailed_hook]} )); then
    chpwd_functions=(_jailed_hook "${chpwd_functions[@]}")
  fi
}
# Lets `jailed doctor` see that this shell has the hook.
export JAILED_HOOK=zsh
