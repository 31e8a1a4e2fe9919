# bash completion for jailed(1): commands, their options, shells, agent names and paths.
# Installed as share/bash-completion/completions/jailed; works without the bash-completion
# package too (source this file from ~/.bashrc).
#
# Agent names come from `jailed __complete agents` (the nearest .jailed). The lists of
# commands and options below are checked against `jailed --help` by tests/integration/test_docs.sh.
#
# The jailed-<agent> shims need no completion here: they are commands on PATH, and their
# arguments get bash's default file name completion.

# Adds the words of $1 that start with $2 to COMPREPLY.
_jailed_words() {
  local word
  while IFS= read -r word; do
    [[ -n $word ]] && COMPREPLY+=("$word")
  done < <(compgen -W "$1" -- "$2")
}

# Lets readline complete file names itself when nothing else is offered: it handles
# quoting, ~ and directories the way the user expects everywhere else.
_jailed_files() {
  compopt -o default 2>/dev/null
}

# Adds the agents of the nearest .jailed that start with $2; $1 is the jailed command as typed.
_jailed_agents() {
  local self=$1
  [[ $self == \~/* ]] && self=$HOME/${self#\~/}
  _jailed_words "$(command "$self" __complete agents 2>/dev/null)" "$2"
}

_jailed() {
  COMPREPLY=()
  local cur=${COMP_WORDS[COMP_CWORD]} prev=''
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

  # The command is the first word after `jailed` (top-level options come only alone).
  local i command='' command_index=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    if [[ ${COMP_WORDS[i]} != -* ]]; then
      command=${COMP_WORDS[i]} command_index=$i
      break
    fi
  done
  if [[ -z $command ]]; then
    case $cur in
      -*) _jailed_words "--help --version -V" "$cur" ;;
      *) _jailed_words "init allow edit deny status prune run explain resolve cache snapshot snapshots log diff restore hook export doctor help" "$cur" ;;
    esac
    return 0
  fi

  # Positional arguments before the cursor (options and their values not counted).
  local positionals=0 word
  for ((i = command_index + 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    case $word in
      --path | --agent | --shell | --older-than | --directory | -C) ((i++)) ;;
      -*) ;;
      *) ((positionals++)) ;;
    esac
  done

  case $command in
    allow | edit | deny)
      case $prev in
        --path) _jailed_files ;;
        *)
          if [[ $cur == -* ]]; then
            if [[ $command == deny ]]; then
              _jailed_words "--path --help" "$cur"
            else
              _jailed_words "--path --yes --help" "$cur"
            fi
          elif ((positionals == 0)); then
            _jailed_files
          fi
          ;;
      esac
      ;;
    status)
      case $prev in
        --path) _jailed_files ;;
        *)
          if [[ $cur == -* ]]; then
            _jailed_words "--path --all --json --help" "$cur"
          elif ((positionals == 0)); then
            _jailed_files
          fi
          ;;
      esac
      ;;
    init)
      if [[ $cur == -* ]]; then
        _jailed_words "--force --help" "$cur"
      else
        _jailed_words "$(command "${COMP_WORDS[0]/#\~/$HOME}" __complete presets 2>/dev/null)" "$cur"
      fi
      ;;
    run)
      # Everything after the agent belongs to the agent: complete files, as for its shim.
      local agent_index=0
      for ((i = command_index + 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        case $word in
          -C | --directory) ((i++)); continue ;;
          -*) continue ;;
        esac
        agent_index=$i
        break
      done
      if ((agent_index > 0)); then
        _jailed_files
      elif [[ $prev == -C || $prev == --directory ]]; then
        compopt -o dirnames 2>/dev/null
      elif [[ $cur == -* ]]; then
        _jailed_words "--directory -C --no-snapshot --help --" "$cur"
      else
        _jailed_agents "${COMP_WORDS[0]}" "$cur"
      fi
      ;;
    explain)
      case $prev in
        --agent) _jailed_agents "${COMP_WORDS[0]}" "$cur" ;;
        *)
          if [[ $cur == -* ]]; then
            _jailed_words "--agent --json --help" "$cur"
          elif ((positionals == 0)); then
            _jailed_agents "${COMP_WORDS[0]}" "$cur"
          fi
          ;;
      esac
      ;;
    resolve | reload)
      case $prev in
        --agent) _jailed_agents "${COMP_WORDS[0]}" "$cur" ;;
        *)
          if [[ $cur == -* ]]; then
            _jailed_words "--agent --help" "$cur"
          elif ((positionals == 0)); then
            _jailed_agents "${COMP_WORDS[0]}" "$cur"
          fi
          ;;
      esac
      ;;
    cache)
      # The action is the word right after "cache"; each option belongs to one action.
      local action=''
      ((command_index + 1 < COMP_CWORD)) && action=${COMP_WORDS[command_index + 1]}
      case $action in
        '')
          if [[ $cur == -* ]]; then
            _jailed_words "--help" "$cur"
          else
            _jailed_words "list gc clear" "$cur"
          fi
          ;;
        list) [[ $cur == -* ]] && _jailed_words "--json --help" "$cur" ;;
        # --older-than takes a duration (30d, 12h, ...): nothing to offer for it.
        gc) [[ $prev != --older-than && $cur == -* ]] && _jailed_words "--older-than --help" "$cur" ;;
        clear) [[ $cur == -* ]] && _jailed_words "--help" "$cur" ;;
      esac
      ;;
    snapshots)
      # The action is the word right after "snapshots" (list when none); --json belongs to list.
      local action=''
      ((command_index + 1 < COMP_CWORD)) && action=${COMP_WORDS[command_index + 1]}
      case $action in
        '')
          if [[ $cur == -* ]]; then
            _jailed_words "--help" "$cur"
          else
            _jailed_words "list prune" "$cur"
          fi
          ;;
        list) [[ $cur == -* ]] && _jailed_words "--json --help" "$cur" ;;
        prune) [[ $cur == -* ]] && _jailed_words "--help" "$cur" ;;
      esac
      ;;
    log)
      [[ $cur == -* ]] && _jailed_words "--json --help" "$cur"
      ;;
    diff | restore)
      # [SESSION|SNAPSHOT] [PATH...]: sessions and snapshots are numbers (jailed log, jailed
      # snapshots); paths are files.
      if [[ $cur == -* ]]; then
        if [[ $command == diff ]]; then
          _jailed_words "--stat --name-only --help" "$cur"
        else
          _jailed_words "--dry-run --delete --help" "$cur"
        fi
      else
        _jailed_files
      fi
      ;;
    hook | export)
      local shells="bash zsh fish"
      [[ $command == export ]] && shells+=" json"
      if [[ $prev == --shell ]] || { [[ $cur != -* ]] && ((positionals == 0)); }; then
        _jailed_words "$shells" "$cur"
      elif [[ $cur == -* ]]; then
        _jailed_words "--shell --help" "$cur"
      fi
      ;;
    snapshot | prune | doctor)
      [[ $cur == -* ]] && _jailed_words "--help" "$cur"
      ;;
    help)
      if [[ $cur == -* ]]; then
        _jailed_words "--help" "$cur"
      elif ((positionals == 0)); then
        _jailed_words "init allow edit deny status prune run explain resolve cache snapshot snapshots log diff restore hook export doctor help" "$cur"
      fi
      ;;
  esac
  return 0
}

complete -F _jailed jailed
