# jailed prompt hook for fish: jailed hook fish | source, in ~/.config/fish/config.fish.
# Each handler is a named function: defining it again replaces it and its event handler, so
# sourcing this twice still runs the export once per event, and other handlers stay untouched.
# fish restores $status after every event handler, so the user's last status is kept.

# Applies `jailed export fish` before every prompt.
function __jailed_export_eval --on-event fish_prompt
    @JAILED@ export fish | source
end

# Applies it after every directory change too, so `cd project; cmd` on one line and
# directory-changing key bindings see the new PATH without waiting for a prompt.
function __jailed_export_eval_on_cd --on-variable PWD
    @JAILED@ export fish | source
end

# Lets `jailed doctor` see that this shell has the hook.
set -gx JAILED_HOOK fish
