#!/usr/bin/env python3
"""A scripted model server on loopback for driving real agent CLIs in tests.

It speaks the OpenAI Responses API (codex), OpenAI Chat Completions (opencode and other
OpenAI-compatible clients) and the Gemini API's generateContent / streamGenerateContent
(gemini-cli). Whatever the agent asks, the script is the same, counted by the tool results the
request carries back:
  0 results: call the agent's shell tool with SHELL_COMMAND
  1 result:  call the agent's own file-writing tool to create FILE_NAME
  2 or more: answer with a final message
Every request is logged as one JSON line (api, path, step, the tool results the model received)
to --log, so a test can assert on what came back from the jail.

  fake_model.py --port-file FILE --log FILE --workdir DIR [--shell-command CMD]
"""
import argparse
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Only a shell that really ran computes 42: the model sees SHELL_RESULT only then. (No $(...):
# gemini-cli refuses command substitution.)
SHELL_COMMAND = "expr 6 '*' 7 | sed 's/^/jailed-shell-ok-/' | tee shell.txt"
SHELL_RESULT = "jailed-shell-ok-42"
FILE_NAME = "edited.txt"
FILE_TEXT = "written by the agent's own tool\n"
FINAL_TEXT = "All done: the command ran and the file is written."

ARGS = None


def log(entry):
    with open(ARGS.log, "a", encoding="utf-8") as out:
        out.write(json.dumps(entry) + "\n")


def text_of(value):
    """Flattens a tool result (string, list of parts, dict) to text."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return " ".join(text_of(v) for v in value)
    if isinstance(value, dict):
        return " ".join(text_of(v) for v in value.values())
    return str(value)


# ---- OpenAI Responses API (codex) ----

def responses_tools(body):
    names = {}
    for tool in body.get("tools") or []:
        name = tool.get("name")
        if name:
            names[name] = tool.get("type")
    return names


def responses_results(body):
    results = []
    for item in body.get("input") or []:
        if isinstance(item, dict) and item.get("type") in ("function_call_output", "custom_tool_call_output"):
            results.append(text_of(item.get("output")))
    return results


def responses_shell_call(tools):
    if "exec_command" in tools:
        return "exec_command", {"cmd": SHELL_COMMAND}
    if "shell_command" in tools:
        return "shell_command", {"command": SHELL_COMMAND}
    return "shell", {"command": ["bash", "-lc", SHELL_COMMAND]}


def responses_events(body, step):
    tools = responses_tools(body)
    item = None
    if step == 0:
        name, args = responses_shell_call(tools)
        item = {"type": "function_call", "call_id": "call_shell", "name": name, "arguments": json.dumps(args)}
    elif step == 1 and "apply_patch" not in tools:
        # A model codex has no metadata for gets no apply_patch tool: the file is written by a command.
        name, args = responses_shell_call(tools)
        write = "printf '%%s' '%s' > %s" % (FILE_TEXT.replace("'", "'\\''"), FILE_NAME)
        key = "cmd" if name == "exec_command" else "command"
        args[key] = write if name != "shell" else ["bash", "-lc", write]
        item = {"type": "function_call", "call_id": "call_write", "name": name, "arguments": json.dumps(args)}
    elif step == 1:
        patch = "*** Begin Patch\n*** Add File: %s\n+%s*** End Patch\n" % (FILE_NAME, FILE_TEXT)
        if tools.get("apply_patch") == "custom":
            item = {"type": "custom_tool_call", "call_id": "call_patch", "name": "apply_patch", "input": patch}
        else:
            item = {"type": "function_call", "call_id": "call_patch", "name": "apply_patch",
                    "arguments": json.dumps({"input": patch})}
    else:
        item = {"type": "message", "role": "assistant", "id": "msg_final",
                "content": [{"type": "output_text", "text": FINAL_TEXT}]}
    usage = {"input_tokens": 1, "input_tokens_details": None, "output_tokens": 1,
             "output_tokens_details": None, "total_tokens": 2}
    return [
        {"type": "response.created", "response": {"id": "resp_%d" % step}},
        {"type": "response.output_item.done", "output_index": 0, "item": item},
        {"type": "response.completed", "response": {"id": "resp_%d" % step, "usage": usage}},
    ]


# ---- OpenAI Chat Completions (opencode) ----

def chat_results(body):
    return [text_of(m.get("content")) for m in body.get("messages") or [] if m.get("role") == "tool"]


def chat_tool_names(body):
    return [t.get("function", {}).get("name") for t in body.get("tools") or []]


def chat_choice(body, step):
    """Returns (delta-or-message fields, finish_reason)."""
    names = chat_tool_names(body)
    if not names or step >= 2:
        text = FINAL_TEXT if names else "Fake title"
        return {"role": "assistant", "content": text}, "stop"
    if step == 0:
        name = "bash" if "bash" in names else names[0]
        args = {"command": SHELL_COMMAND, "description": "Run the test command"}
    else:
        name = "write" if "write" in names else "write_file"
        args = {"filePath": ARGS.workdir + "/" + FILE_NAME, "content": FILE_TEXT}
    call = {"id": "call_%d" % step, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
    return {"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls"


# ---- Gemini API (gemini-cli) ----

def gemini_results(body):
    results = []
    for content in body.get("contents") or []:
        for part in content.get("parts") or []:
            if "functionResponse" in part:
                results.append(text_of(part["functionResponse"].get("response")))
    return results


def schema_answer(schema):
    """Returns a value matching a (Gemini-style) JSON schema: side requests such as routing and
    next-speaker checks get a well-formed answer that hands the turn back to the user."""
    kind = str(schema.get("type", "")).upper()
    if schema.get("enum"):
        return "user" if "user" in schema["enum"] else schema["enum"][0]
    if kind == "OBJECT":
        props = schema.get("properties") or {}
        return {name: schema_answer(props[name]) for name in props}
    if kind in ("INTEGER", "NUMBER"):
        return 1
    if kind == "BOOLEAN":
        return False
    if kind == "ARRAY":
        return []
    return "fake"


def gemini_response(body, step):
    config = body.get("generationConfig") or {}
    has_tools = any(t.get("functionDeclarations") for t in body.get("tools") or [])
    if config.get("responseMimeType") == "application/json" or not has_tools:
        schema = config.get("responseJsonSchema") or config.get("responseSchema") or {}
        text = json.dumps(schema_answer(schema)) if config.get("responseMimeType") == "application/json" else "ok"
        parts = [{"text": text}]
    elif step == 0:
        parts = [{"functionCall": {"name": "run_shell_command",
                                   "args": {"command": SHELL_COMMAND, "description": "Run the test command"}}}]
    elif step == 1:
        parts = [{"functionCall": {"name": "write_file",
                                   "args": {"file_path": ARGS.workdir + "/" + FILE_NAME, "content": FILE_TEXT}}}]
    else:
        parts = [{"text": FINAL_TEXT}]
    return {"candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2},
            "modelVersion": "fake-model"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, value, status=200):
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_sse(self, events, named=False, done=False):
        chunks = []
        for event in events:
            prefix = "event: %s\n" % event["type"] if named else ""
            chunks.append("%sdata: %s\n\n" % (prefix, json.dumps(event)))
        if done:
            chunks.append("data: [DONE]\n\n")
        data = "".join(chunks).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        log({"api": "get", "path": self.path})
        if self.path.rstrip("/").endswith("/models"):
            self.send_json({"object": "list", "data": [{"id": "fake-model", "object": "model"}], "models": []})
        else:
            self.send_json({"error": {"message": "not found"}}, 404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        if ARGS.dump:
            with open(ARGS.dump, "a", encoding="utf-8") as out:
                out.write(json.dumps({"path": self.path, "body": body}) + "\n")
        path = self.path.split("?")[0]
        if path.endswith("/responses"):
            results = responses_results(body)
            step = len(results)
            log({"api": "responses", "path": path, "step": step, "results": results})
            self.send_sse(responses_events(body, step), named=True)
        elif path.endswith("/chat/completions"):
            results = chat_results(body)
            step = len(results)
            log({"api": "chat", "path": path, "step": step, "results": results})
            fields, finish = chat_choice(body, step)
            usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
            if body.get("stream"):
                start = {"id": "c%d" % step, "object": "chat.completion.chunk", "created": 0, "model": "fake-model",
                         "choices": [{"index": 0, "delta": fields, "finish_reason": None}]}
                end = {"id": "c%d" % step, "object": "chat.completion.chunk", "created": 0, "model": "fake-model",
                       "choices": [{"index": 0, "delta": {}, "finish_reason": finish}], "usage": usage}
                self.send_sse([start, end], done=True)
            else:
                self.send_json({"id": "c%d" % step, "object": "chat.completion", "created": 0, "model": "fake-model",
                                "choices": [{"index": 0, "message": fields, "finish_reason": finish}],
                                "usage": usage})
        elif ":countTokens" in path:
            self.send_json({"totalTokens": 1})
        elif ":streamGenerateContent" in path or ":generateContent" in path:
            results = gemini_results(body)
            step = len(results)
            log({"api": "gemini", "path": path, "step": step, "results": results})
            response = gemini_response(body, step)
            if ":streamGenerateContent" in path:
                self.send_sse([response])
            else:
                self.send_json(response)
        else:
            log({"api": "unknown", "path": path})
            self.send_json({"error": {"message": "not found"}}, 404)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--dump", help="also log every request body here")
    parser.add_argument("--shell-command", help="the command of step 0 instead of the default")
    parser.add_argument("--port", type=int, default=0, help="the port to listen on (default: any free one)")
    ARGS = parser.parse_args()
    if ARGS.shell_command:
        global SHELL_COMMAND
        SHELL_COMMAND = ARGS.shell_command
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    with open(ARGS.port_file + ".tmp", "w", encoding="utf-8") as out:
        out.write(str(server.server_address[1]))
    os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
