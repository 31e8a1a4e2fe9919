# jailed prompt hook for fish: jailed hook fish | source, in ~/.config/fish/config.fish.
# Each handler is a named function: defining it again replaces it and its event handler, so
# sourcing this twice still runs the export once per event, and other handlers stay untouched.
# fish restores $status after every event handler, so the user's last status is kept.

# Applies `jailed export fish` before every prompt. An uninstalled jailed stays silent.
function __jailed_export_eval --on-event fish_prompt
    test -x @JAILED@; or return
    set -g __jailed_applying 1
    @JAILED@ export fish | source
    set -e __jailed_applying
end

# Applies it after every directory change too, so `cd project; cmd` on one line and
# directory-changing key bindings see the new PATH without waiting for a prompt.
function __jailed_export_eval_on_cd --on-variable PWD
    __jailed_export_eval
end

# Applies it again when something else changes the global PATH: direnv's handlers (which may
# run after this hook's) restore the PATH they saved, which can drop jailed's entry or bring back
# an old one. A function's own local PATH is its business: the handler sees that one, and
# applying it would replace the global PATH.
function __jailed_export_eval_on_path --on-variable PATH
    set -q __jailed_applying; and return
    set -ql PATH; and return
    __jailed_export_eval
end

# Lets `jailed doctor` see that this shell has the hook: its name and process id, as a shell
# started from this one inherits the variable but not the hook.
set -gx JAILED_HOOK fish:$fish_pid
