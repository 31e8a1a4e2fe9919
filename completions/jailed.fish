# fish completion for jailed(1): commands, their options, shells, agent names and paths.
# Installed as share/fish/vendor_completions.d/jailed.fish.
#
# Agent names come from `jailed __complete agents` (the nearest .jailed). The lists of
# commands and options below are checked against `jailed --help` by tests/integration/test_docs.sh.
#
# The jailed-<agent> shims need no completion here: they are commands on PATH, and fish
# completes file names for the arguments of a command it has no completions for.

# Prints the jailed command on the command line and how many arguments follow it before the
# cursor (options and the values of --path, --agent, --shell and --older-than not counted);
# fails if none.
function __jailed_command_state
    set -l tokens (commandline -opc)
    set -l command
    set -l count 0
    set -l skip_value 0
    for token in $tokens[2..-1]
        if test $skip_value = 1
            set skip_value 0
            continue
        end
        if test -z "$command"
            string match -q -- '-*' $token; or set command $token
            continue
        end
        switch $token
            case --path --agent --shell --older-than --directory -C
                set skip_value 1
            case '-*'
            case '*'
                set count (math $count + 1)
        end
    end
    test -n "$command"; or return 1
    echo $command $count
end

# Succeeds if no command has been typed yet.
function __jailed_needs_command
    not __jailed_command_state >/dev/null
end

# Succeeds if the command is one of the arguments.
function __jailed_using
    set -l state (__jailed_command_state); or return 1
    contains -- (string split ' ' $state)[1] $argv
end

# Succeeds if the command is one of the arguments and no positional argument follows it yet.
function __jailed_first_argument
    set -l state (__jailed_command_state); or return 1
    set -l parts (string split ' ' $state)
    test $parts[2] = 0; and contains -- $parts[1] $argv
end

# Succeeds if the command is cache and its action, the word right after it, is one of the arguments.
function __jailed_cache_action
    __jailed_action cache $argv
end

# Succeeds if the command is snapshots and its action is one of the arguments.
function __jailed_snapshots_action
    __jailed_action snapshots $argv
end

# Succeeds if the command is $argv[1] and its action, the word right after it, is one of the
# other arguments.
function __jailed_action
    set -l command $argv[1]
    set -e argv[1]
    set -l tokens (commandline -opc)
    for i in (seq 2 (count $tokens))
        string match -q -- '-*' $tokens[$i]; and continue
        if test $tokens[$i] = $command; and set -q tokens[(math $i + 1)]
            contains -- $tokens[(math $i + 1)] $argv
            return $status
        end
        return 1
    end
    return 1
end

# Prints the agents of the nearest .jailed.
function __jailed_agents
    set -l self (commandline -opc)[1]
    command -q -- $self; or return 0
    command $self __complete agents 2>/dev/null
end

# Prints the built-in presets.
function __jailed_presets
    set -l self (commandline -opc)[1]
    command -q -- $self; or return 0
    command $self __complete presets 2>/dev/null
end

complete -c jailed -f

# Commands, and the options that come without one.
complete -c jailed -n __jailed_needs_command -a init -d 'write a commented starter .jailed here, from the presets'
complete -c jailed -n __jailed_needs_command -a allow -d 'review a .jailed and what it grants, then trust it'
complete -c jailed -n __jailed_needs_command -a edit -d 'open the nearest .jailed in $VISUAL or $EDITOR, then review and allow it'
complete -c jailed -n __jailed_needs_command -a deny -d 'refuse a .jailed file, whatever its content'
complete -c jailed -n __jailed_needs_command -a status -d 'show the nearest .jailed, its trust and agents'
complete -c jailed -n __jailed_needs_command -a prune -d 'forget trust records of files that no longer exist'
complete -c jailed -n __jailed_needs_command -a run -d "run an agent of the nearest .jailed (or DIR's) in its sandbox"
complete -c jailed -n __jailed_needs_command -a explain -d "show an agent's sandbox in words and the exact bwrap argv"
complete -c jailed -n __jailed_needs_command -a resolve -d "resolve the nearest .jailed's Nix packages again"
complete -c jailed -n __jailed_needs_command -a cache -d 'list or drop cached closures and their GC roots'
complete -c jailed -n __jailed_needs_command -a snapshot -d "snapshot the nearest .jailed's project now"
complete -c jailed -n __jailed_needs_command -a snapshots -d "list the project's snapshots, or drop those beyond its limits"
complete -c jailed -n __jailed_needs_command -a log -d 'list the agent sessions in the project and what they changed'
complete -c jailed -n __jailed_needs_command -a diff -d 'show what changed since a snapshot'
complete -c jailed -n __jailed_needs_command -a restore -d 'bring the project or some paths back to a snapshot'
complete -c jailed -n __jailed_needs_command -a hook -d 'print the prompt hook for bash, zsh or fish'
complete -c jailed -n __jailed_needs_command -a export -d 'print environment changes for the prompt hook'
complete -c jailed -n __jailed_needs_command -a doctor -d 'check bwrap, user namespaces, the shell hook and nix'
complete -c jailed -n __jailed_needs_command -a help -d 'show help for jailed or a command'
complete -c jailed -n __jailed_needs_command -s h -l help -d 'show help'
complete -c jailed -n __jailed_needs_command -s V -l version -d 'print the version'

# Every command takes --help (for run, only before the agent: then it is the agent's).
complete -c jailed -n 'not __jailed_needs_command; and not __jailed_using run; or __jailed_first_argument run' \
    -s h -l help -d 'show help'

# allow, edit, deny, status [PATH]
complete -c jailed -n '__jailed_using allow edit deny status' -l path -r -F -d 'a .jailed file or its directory'
complete -c jailed -n '__jailed_first_argument allow edit deny status' -F
complete -c jailed -n '__jailed_using allow edit' -l yes -d 'allow without asking'

# init [AGENT...]
complete -c jailed -n '__jailed_using init' -a '(__jailed_presets)' -d preset
complete -c jailed -n '__jailed_using init' -l force -d 'replace an existing .jailed'
complete -c jailed -n '__jailed_using status' -l all -d 'also list every trust record'
complete -c jailed -n '__jailed_using status' -l json -d 'print JSON'

# run [-C DIR] AGENT [--] [ARGS...]: the agent's arguments are files, as for its shim.
complete -c jailed -n '__jailed_first_argument run' -s C -l directory -x -a '(__fish_complete_directories)' \
    -d "the project of DIR's nearest .jailed"
complete -c jailed -n '__jailed_first_argument run' -a '(__jailed_agents)' -d agent
complete -c jailed -n '__jailed_first_argument run' -l no-snapshot -d 'run without snapshotting the project first'
complete -c jailed -n '__jailed_using run; and not __jailed_first_argument run' -F

# explain AGENT [--json]
complete -c jailed -n '__jailed_first_argument explain' -a '(__jailed_agents)' -d agent
complete -c jailed -n '__jailed_using explain' -l agent -x -a '(__jailed_agents)' -d 'the agent to explain'
complete -c jailed -n '__jailed_using explain' -l json -d 'print JSON'

# resolve [AGENT] (reload: its older name)
complete -c jailed -n '__jailed_first_argument resolve reload' -a '(__jailed_agents)' -d agent
complete -c jailed -n '__jailed_using resolve reload' -l agent -x -a '(__jailed_agents)' -d 'the agent to resolve'

# cache list [--json] | gc [--older-than DURATION] | clear: each option belongs to one action.
complete -c jailed -n '__jailed_first_argument cache' -a list -d 'list the cached closures'
complete -c jailed -n '__jailed_first_argument cache' -a gc -d 'drop closures no project uses'
complete -c jailed -n '__jailed_first_argument cache' -a clear -d 'drop every cached closure'
complete -c jailed -n '__jailed_cache_action list' -l json -d 'print JSON'
complete -c jailed -n '__jailed_cache_action gc' -l older-than -x -d 'drop entries not used within DURATION (30d, 12h, ...)'

# snapshots list [--json] | prune
complete -c jailed -n '__jailed_first_argument snapshots' -a list -d "list the project's snapshots"
complete -c jailed -n '__jailed_first_argument snapshots' -a prune -d 'drop the snapshots beyond the limits'
complete -c jailed -n '__jailed_snapshots_action list' -l json -d 'print JSON'

# log [--json]
complete -c jailed -n '__jailed_using log' -l json -d 'print JSON'

# diff [SESSION|SNAPSHOT] [--stat|--name-only] [PATH...], restore [SESSION|SNAPSHOT] [PATH...]
complete -c jailed -n '__jailed_using diff restore' -F
complete -c jailed -n '__jailed_using diff' -l stat -d 'one line per changed path and a total'
complete -c jailed -n '__jailed_using diff' -l name-only -d 'only the changed paths'
complete -c jailed -n '__jailed_using restore' -l dry-run -d 'only say what would change'
complete -c jailed -n '__jailed_using restore' -l delete -d 'also remove paths the snapshot did not have'

# hook SHELL, export SHELL
complete -c jailed -n '__jailed_first_argument hook' -a 'bash zsh fish' -d shell
complete -c jailed -n '__jailed_using hook' -l shell -x -a 'bash zsh fish' -d 'bash, zsh or fish'
complete -c jailed -n '__jailed_first_argument export' -a 'bash zsh fish json' -d shell
complete -c jailed -n '__jailed_using export' -l shell -x -a 'bash zsh fish json' -d 'bash, zsh, fish or json'

# help [COMMAND]
complete -c jailed -n '__jailed_first_argument help' -a 'init allow edit deny status prune run explain resolve cache snapshot snapshots log diff restore hook export doctor help'
