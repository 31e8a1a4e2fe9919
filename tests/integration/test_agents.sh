#!/usr/bin/env bash
# Agents installed the way people install them, in a real jail with the host backend.
# 1. Install-shaped fixtures: an npm package (a node launcher loading sibling modules and a
#    vendored binary) in a global prefix and in an nvm-style tree, a venv script linked from
#    ~/.local/bin, a single binary in ~/.cargo/bin: each runs as installed.
# 2. The real CLIs of codex, gemini-cli and opencode from npm (cached under the build directory),
#    with a .jailed holding only [agent NAME] and backend = host, driven by a scripted model
#    server on loopback: the task's shell command runs in the jail (the model receives its
#    output) and the file is written with the agent's own tool. Checks assert on what the model
#    received and on the project, not on the agent's exit status.
# 3. The agent's state is a private copy: codex rewriting ~/.codex/config.toml from inside
#    leaves the real one alone; with config-share = on (the control) it reaches it.
# Run as root, the suite runs itself again as the user alice.
# shellcheck disable=SC2016  # jailed scripts and configs are single-quoted on purpose
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_tools test_agents bwrap timeout python3 git
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD_DIR=$(cd "$(dirname "$JAILED")" && pwd)
new_world
HOST_PATH=$PATH

# jrun DIR AGENT ARGS...: runs AGENT of DIR's .jailed; sets OUT.
jrun() {
  local dir=$1
  shift
  OUT=$(cd "$dir" && timeout -k 5 180 "$JAILED" run "$@" 2>&1 </dev/null)
  OUT=$(without_session_line "$OUT")
}

# ---- 1. install-shaped fixtures ----------------------------------------------------------

# make_npm_package PREFIX: a node launcher that loads a sibling module and runs a vendored
# binary from its own node_modules, linked from PREFIX/bin as npm -g does.
make_npm_package() {
  local package="$1/lib/node_modules/@acme/tool"
  mkdir -p "$package/bin" "$package/node_modules/@acme/tool-linux-x64/vendor" "$1/bin"
  printf '#!/usr/bin/env node\nconst {marker} = require("../lib/chunk.js");\nconst out = require("child_process").execFileSync(require.resolve("@acme/tool-linux-x64/vendor/native"));\nconsole.log(marker + " " + out.toString().trim());\n' \
    > "$package/bin/tool.js"
  mkdir -p "$package/lib"
  printf 'module.exports = {marker: "chunk-loaded"};\n' > "$package/lib/chunk.js"
  printf '{"name":"@acme/tool-linux-x64","version":"1.0.0"}\n' > "$package/node_modules/@acme/tool-linux-x64/package.json"
  printf '#!/bin/sh\necho vendored-binary-ran\n' > "$package/node_modules/@acme/tool-linux-x64/vendor/native"
  chmod +x "$package/bin/tool.js" "$package/node_modules/@acme/tool-linux-x64/vendor/native"
  ln -sf ../lib/node_modules/@acme/tool/bin/tool.js "$1/bin/acme-tool"
}

FIX="$WORK/fixtures"
write_jailed "$FIX" $'[agent npm]\nbackend = host\npackage = host:acme-tool\n\n[agent venv]\nbackend = host\npackage = host:venv-tool\n\n[agent cargo]\nbackend = host\npackage = host:cargo-tool'
out=$("$JAILED" allow "$FIX" 2>&1) || fail "agents: setup: allow the fixtures" "$out"

if command -v node >/dev/null; then
  # npm -g with a user prefix, as ~/.local: the prefix's bin/ on PATH.
  make_npm_package "$HOME/.local"
  PATH="$HOME/.local/bin:$HOST_PATH" jrun "$FIX" npm
  expect_eq "agents: an npm package in a user prefix runs, with its modules and vendored binary" \
    "chunk-loaded vendored-binary-ran" "$OUT"
  explained=$(cd "$FIX" && PATH="$HOME/.local/bin:$HOST_PATH" "$JAILED" explain npm 2>&1)
  expect_contains "agents: explain says the npm package is bound and why" \
    "npm package @acme/tool holding the agent's program acme-tool, with its node_modules" "$explained"
  expect_contains "agents: explain shows the program under the name PATH found it by" \
    "$HOME/.local/bin/acme-tool -> $HOME/.local/lib/node_modules/@acme/tool/bin/tool.js" "$explained"
  expect_not_contains "agents: nothing else of the prefix is bound" "read-only	$HOME/.local " "$explained"

  # nvm: node itself lives in the home, found through #!/usr/bin/env node.
  NVM="$HOME/.nvm/versions/node/v20.0.0"
  mkdir -p "$NVM/bin" "$NVM/lib"
  cp "$(command -v node)" "$NVM/bin/node"
  rm -rf "$HOME/.local/lib/node_modules"
  make_npm_package "$NVM"
  PATH="$NVM/bin:$HOST_PATH" jrun "$FIX" npm
  expect_eq "agents: an npm package under nvm runs with nvm's node" "chunk-loaded vendored-binary-ran" "$OUT"
  explained=$(cd "$FIX" && PATH="$NVM/bin:$HOST_PATH" "$JAILED" explain npm 2>&1)
  expect_contains "agents: explain names the interpreter #! asks for" "interpreter node of the agent's program acme-tool" \
    "$explained"
  rm "$NVM/bin/node"
  out=$(cd "$FIX" && PATH="$NVM/bin:/nonexistent" "$JAILED" explain npm 2>&1)
  expect_contains "agents: a launcher whose interpreter is missing is named, with the fix" \
    'starts with "#!/usr/bin/env node", but "node" is not in PATH=' "$out"
else
  skip "agents: npm-shaped fixtures" "node is not installed"
fi

# A venv (pipx's layout): the script's #! names the venv's python, a link to the base Python.
VENV="$HOME/.local/share/pipx/venvs/venv-tool"
if python3 -m venv --without-pip "$VENV" >/dev/null 2>&1; then
  mkdir -p "$HOME/.local/bin"
  printf '#!%s\nimport sys\nprint("venv-ran", sys.prefix == "%s")\n' "$VENV/bin/python" "$VENV" > "$VENV/bin/venv-tool"
  chmod +x "$VENV/bin/venv-tool"
  ln -sf "$VENV/bin/venv-tool" "$HOME/.local/bin/venv-tool"
  PATH="$HOME/.local/bin:$HOST_PATH" jrun "$FIX" venv
  expect_eq "agents: a pipx/venv script runs with its venv" "venv-ran True" "$OUT"
  expect_contains "agents: explain says the virtual environment is bound" \
    "Python virtual environment holding the agent's program venv-tool (pyvenv.cfg)" \
    "$(cd "$FIX" && PATH="$HOME/.local/bin:$HOST_PATH" "$JAILED" explain venv 2>&1)"
else
  skip "agents: venv fixture" "python3 -m venv does not work here"
fi

# A single binary in ~/.cargo/bin: bound alone, its directory on PATH.
mkdir -p "$HOME/.cargo/bin"
cp "$(type -P echo)" "$HOME/.cargo/bin/cargo-tool"
echo "a secret beside it" > "$HOME/.cargo/credentials.toml"
PATH="$HOME/.cargo/bin:$HOST_PATH" jrun "$FIX" cargo single-binary-ran
expect_eq "agents: a single binary in ~/.cargo/bin runs" "single-binary-ran" "$OUT"
explained=$(cd "$FIX" && PATH="$HOME/.cargo/bin:$HOST_PATH" "$JAILED" explain cargo 2>&1)
expect_contains "agents: a single binary is bound on its own" "the agent's program cargo-tool (a single file)" "$explained"
expect_contains "agents: its directory is on PATH inside" "PATH=$HOME/.cargo/bin:" "$explained"
expect_not_contains "agents: nothing beside it is bound" "credentials.toml" "$explained"

# The jail's passwd names the login shell (visible through /usr), and SHELL says the same.
SHELLS="$WORK/shells"
# (qwen-code: an agent no later check launches, as this one gets its private home now)
write_jailed "$SHELLS" $'[agent shell]\npackage = host:bash\n\n[agent qwen-code]\nbackend = host\nnetwork = off\ncommand = bash'
out=$("$JAILED" allow "$SHELLS" 2>&1) || fail "agents: setup: allow the shell agents" "$out"
login=$(getent passwd "$(id -un)" | cut -d: -f7)
if [ -n "$login" ] && [ -x "$login" ]; then
  jrun "$SHELLS" shell -c 'echo "$SHELL"; grep "^$USER:" /etc/passwd | cut -d: -f7'
  expect_eq "agents: passwd and SHELL name the login shell's real path" \
    "$(realpath "$login")"$'\n'"$(realpath "$login")" "$OUT"
fi
# A preset's agent with the network off: the jail says so, to the agent and at launch.
jrun "$SHELLS" qwen-code -c 'echo "network=$JAILED_NETWORK"'
expect_contains "agents: JAILED_NETWORK tells the agent it has no network" "network=off" "$OUT"
expect_contains "agents: launching a networked preset offline says so" \
  "network is off for qwen-code ($SHELLS/.jailed:6), which needs one to reach its model" "$OUT"

# The private home belongs to one project and agent: what the agent plants in its home in one
# project (a ~/.bashrc line) never reaches the same agent in another project, whose grants differ.
OTHER="$WORK/other-project"
write_jailed "$OTHER" $'[agent qwen-code]\nbackend = host\nnetwork = off\ncommand = bash'
out=$("$JAILED" allow "$OTHER" 2>&1) || fail "agents: setup: allow the other project" "$out"
jrun "$SHELLS" qwen-code -c 'echo "echo planted-from-shells" >> ~/.bashrc && echo wrote'
expect_contains "agents: the agent wrote to its private home" "wrote" "$OUT"
jrun "$SHELLS" qwen-code -c 'cat ~/.bashrc'
expect_contains "agents: control: the same project's next session sees what it planted" "planted-from-shells" "$OUT"
jrun "$OTHER" qwen-code -c 'cat ~/.bashrc 2>/dev/null || echo none'
expect_not_contains "agents: another project's session of the agent does not see it" "planted-from-shells" "$OUT"
expect_contains "agents: explain shows the private home of the project" \
  "$XDG_STATE_HOME/jailed/homes/other-project-" "$(cd "$OTHER" && "$JAILED" explain qwen-code 2>&1)"

# A host: package looked up on a PATH holding a project directory (an activated .venv/bin): the
# agent links the name to the home in one session; the next must not find it there.
V="$WORK/venv-lookup"
mkdir -p "$V/.venv/bin"
write_jailed "$V" $'[agent plain]\npackage = host:bash\n\n[agent tools]\npackage = host:bash\npackages = host:lookup-tool'
mkdir -p "$HOME/.ssh" "$WORK/outside/bin"
echo "host-private-key" > "$HOME/.ssh/id_test"
out=$("$JAILED" allow "$V" 2>&1) || fail "agents: setup: allow the lookup project" "$out"
PATH="$V/.venv/bin:$HOST_PATH" jrun "$V" plain -c 'ln -s "$HOME" .venv/bin/lookup-tool && echo linked'
expect_contains "agents: the agent can plant a link in the project's .venv/bin" "linked" "$OUT"
PATH="$V/.venv/bin:$HOST_PATH" jrun "$V" tools -c 'cat ~/.ssh/id_test 2>&1; echo ran'
expect_not_contains "agents: a host: lookup never finds the planted name in the project" "host-private-key" "$OUT"
expect_contains "agents: ... it says the program is not found, and that such entries are left out" \
  "entries where agents can write are left out" "$OUT"
# Control: the same lookup from a directory outside the project finds a real program there...
cp "$(type -P true)" "$WORK/outside/bin/lookup-tool"
PATH="$WORK/outside/bin:$V/.venv/bin:$HOST_PATH" jrun "$V" tools -c 'echo ran'
expect_eq "agents: control: a program outside the project is found and bound" "ran" "$OUT"
# ... but a directory there is not a program, and is never bound.
rm "$WORK/outside/bin/lookup-tool" && ln -s "$HOME" "$WORK/outside/bin/lookup-tool"
PATH="$WORK/outside/bin:$HOST_PATH" jrun "$V" tools -c 'cat ~/.ssh/id_test 2>&1; echo ran'
expect_not_contains "agents: a directory named like the program is not taken for it" "host-private-key" "$OUT"

# allow says when a program is missing.
out=$(cd "$FIX" && PATH="/nonexistent" "$JAILED" allow 2>&1)
expect_contains "agents: allow says a host program cannot be found" 'program "acme-tool" not found in PATH=/nonexistent' "$out"
out=$(cd "$FIX" && PATH="/nonexistent:$HOST_PATH" "$JAILED" doctor 2>&1)
expect_contains "agents: doctor says a host program cannot be found" 'program "venv-tool" not found' "$out"

# ---- 2. the real CLIs, from npm ---------------------------------------------------------

# The packages come from the npm registry once and are kept under the build directory.
CACHE=${JAILED_AGENTS_CACHE:-$BUILD_DIR/test-cache/npm-agents}
agents_ready() { [ -x "$CACHE/bin/codex" ] && [ -x "$CACHE/bin/gemini" ] && [ -x "$CACHE/bin/opencode" ]; }
if ! agents_ready; then
  if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    skip "agents: real CLIs" "npm or node is not installed (make deps installs them)"
    finish
    exit 0
  fi
  if ! timeout 30 npm view @openai/codex version >/dev/null 2>&1; then
    skip "agents: real CLIs" "the npm registry is not reachable and $CACHE holds no packages"
    finish
    exit 0
  fi
  mkdir -p "$CACHE"
  if ! out=$(timeout 900 npm install -g --prefix "$CACHE" --no-fund --no-audit \
      @openai/codex @google/gemini-cli opencode-ai 2>&1) || ! agents_ready; then
    fail "agents: install codex, gemini-cli and opencode from npm" "${out: -600}"
    finish
    exit 0
  fi
fi
AGENT_PATH="$CACHE/bin:$HOST_PATH"

SERVER_PID=""
PORT=""
# start_model LOG [ARGS...]: starts the scripted model server; sets PORT.
start_model() {
  local log=$1
  shift
  stop_model
  rm -f "$WORLD/port"
  # The same port each time: the agents' private configs keep the address they were seeded with.
  python3 "$HERE/fake_model.py" --port-file "$WORLD/port" --log "$log" --workdir "$PROJECT" --port "${PORT:-0}" "$@" &
  SERVER_PID=$!
  wait_until 10 test -s "$WORLD/port" || { fail "agents: the model server starts" "no port"; return 1; }
  PORT=$(cat "$WORLD/port")
}
stop_model() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  SERVER_PID=""
}
trap 'stop_model; cd /; rm -rf "$WORLD"' EXIT

# new_project AGENT: a git repository whose .jailed holds only the agent and the host backend.
new_project() {
  PROJECT="$WORK/$1-app"
  rm -rf "$PROJECT"
  mkdir -p "$PROJECT"
  git -C "$PROJECT" init -q
  write_jailed "$PROJECT" "[agent $1]"$'\nbackend = host'
  out=$(PATH=$AGENT_PATH "$JAILED" allow "$PROJECT" 2>&1) || fail "agents: setup: allow $1" "$out"
}

# check_task AGENT LOG: the model received the command's output, and the files are there.
check_task() {
  expect_contains "agents: $1: the model received the shell command's output from the jail" \
    "jailed-shell-ok-42" "$(cat "$2" 2>/dev/null)"
  expect_eq "agents: $1: the command ran in the project" "jailed-shell-ok-42" "$(cat "$PROJECT/shell.txt" 2>&1)"
  expect_eq "agents: $1: its own tool wrote the file" "written by the agent's own tool" \
    "$(cat "$PROJECT/edited.txt" 2>&1)"
}

TASK="Run the test command, then write the file."

# codex: a custom provider in its own config file, its sandbox off inside by the preset.
new_project codex
start_model "$WORLD/codex.log"
mkdir -p "$HOME/.codex"
cat > "$HOME/.codex/config.toml" <<EOF
model = "fake-model"
model_provider = "fake"
[model_providers.fake]
name = "fake"
base_url = "http://127.0.0.1:$PORT/v1"
env_key = "OPENAI_API_KEY"
wire_api = "responses"
EOF
real_config=$(cat "$HOME/.codex/config.toml")
OPENAI_API_KEY=fake PATH=$AGENT_PATH jrun "$PROJECT" codex exec --skip-git-repo-check "$TASK"
check_task codex "$WORLD/codex.log"
expect_contains "agents: codex: its own sandbox is off inside the jail" "sandbox: danger-full-access" "$OUT"
expect_contains "agents: codex: explain shows the preset's args" \
  "args:      -c sandbox_mode=danger-full-access (preset codex:" "$(cd "$PROJECT" && PATH=$AGENT_PATH "$JAILED" explain codex 2>&1)"

# The agent rewrites its own config from inside (MCP servers and hooks live there).
start_model "$WORLD/leak.log" --shell-command \
  "printf '[mcp_servers.evil]\\ncommand = \"evil\"\\n' >> ~/.codex/config.toml && echo planted"
rm -f "$PROJECT/shell.txt"
OPENAI_API_KEY=fake PATH=$AGENT_PATH jrun "$PROJECT" codex exec --skip-git-repo-check "$TASK"
expect_contains "agents: codex: the write to its config ran inside" "planted" "$(cat "$WORLD/leak.log")"
expect_eq "agents: codex: the real ~/.codex/config.toml is unchanged" "$real_config" "$(cat "$HOME/.codex/config.toml")"
expect_contains "agents: codex: the private copy took the write" "mcp_servers.evil" \
  "$(cat "$XDG_STATE_HOME"/jailed/homes/"$(basename "$PROJECT")"-*/codex/.codex/config.toml 2>&1)"
# Control: with config-share = on the same write reaches the real file.
write_jailed "$PROJECT" $'[agent codex]\nbackend = host\nconfig-share = on'
out=$(PATH=$AGENT_PATH "$JAILED" allow "$PROJECT" 2>&1) || fail "agents: setup: allow config-share" "$out"
OPENAI_API_KEY=fake PATH=$AGENT_PATH jrun "$PROJECT" codex exec --skip-git-repo-check "$TASK"
expect_contains "agents: control: with config-share = on the write reaches the real config" "mcp_servers.evil" \
  "$(cat "$HOME/.codex/config.toml")"

# gemini-cli: pointed at the server by GOOGLE_GEMINI_BASE_URL, which the preset forwards.
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
  skip "agents: gemini-cli" "it needs Node.js 20 or later; this is $(node --version 2>&1)"
else
  new_project gemini-cli
  start_model "$WORLD/gemini.log"
  mkdir -p "$HOME/.gemini"
  printf '{"security":{"auth":{"selectedType":"gemini-api-key"}}}\n' > "$HOME/.gemini/settings.json"
  GEMINI_API_KEY=fake GOOGLE_GEMINI_BASE_URL="http://127.0.0.1:$PORT" PATH=$AGENT_PATH \
    jrun "$PROJECT" gemini-cli --skip-trust --yolo -p "$TASK"
  check_task gemini-cli "$WORLD/gemini.log"
fi

# opencode: an OpenAI-compatible provider in its own config file.
new_project opencode
start_model "$WORLD/opencode.log"
mkdir -p "$HOME/.config/opencode"
cat > "$HOME/.config/opencode/opencode.json" <<EOF
{"provider": {"fake": {"npm": "@ai-sdk/openai-compatible", "name": "Fake",
   "options": {"baseURL": "http://127.0.0.1:$PORT/v1", "apiKey": "fake"},
   "models": {"fake-model": {"name": "Fake model", "tool_call": true}}}},
 "model": "fake/fake-model", "autoupdate": false, "share": "disabled"}
EOF
PATH=$AGENT_PATH jrun "$PROJECT" opencode run "$TASK"
check_task opencode "$WORLD/opencode.log"

stop_model

# The same checks as the unprivileged user alice, in her own world, with the packages cached
# above; her lines carry [alice] in their names.
if [ "$(id -u)" -eq 0 ] && [ -z "${JAILED_AGENTS_AS:-}" ]; then
  SUITE="$HERE/$(basename "$0")"
  if id alice >/dev/null 2>&1 && su alice -s /bin/sh -c "test -x '$JAILED' && test -x '$CACHE/bin/codex'" 2>/dev/null; then
    alice_out=$(su alice -s /bin/bash -c "cd / && env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
      JAILED='$JAILED' JAILED_AGENTS_CACHE='$CACHE' JAILED_AGENTS_AS=alice bash '$SUITE'" 2>&1)
    printf '%s\n' "$alice_out" | grep -E '^(PASS|FAIL|SKIP) ' | sed -E 's/^(PASS|FAIL|SKIP) agents:/\1 agents [alice]:/'
    expect_contains "agents as alice: ran to its end" "END test_agents" "$alice_out"
  else
    skip "agents as alice" "no user alice who can run $JAILED and the cached agents"
  fi
fi
finish
