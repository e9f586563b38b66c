// Drives Temper's MCP endpoint with the official TypeScript SDK for the Go
// end-to-end test (api/mcp): node e2e.mjs <MCP URL>.
//
// It reads one JSON command per line on stdin, {"id", "token", "op":
// "tools"|"execute", "script"}, runs it as the principal of the token (one
// MCP client per token, connected on first use), and writes one JSON line
// per command on stdout: {"id", "tools"} or {"id", "result"} (the
// CallToolResult) or {"id", "error"}. Commands run concurrently, so a
// script waiting in poll_decision does not hold up the others.
import readline from "node:readline";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const url = new URL(process.argv[2]);
const clients = new Map();

function connect(token) {
  if (!clients.has(token)) {
    clients.set(token, (async () => {
      const client = new Client({ name: "temper-e2e-ts", version: "1.0.0" });
      const transport = new StreamableHTTPClientTransport(url, {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      });
      await client.connect(transport);
      return client;
    })());
  }
  return clients.get(token);
}

const write = (msg) => process.stdout.write(JSON.stringify(msg) + "\n");

async function run(cmd) {
  const client = await connect(cmd.token);
  switch (cmd.op) {
    case "tools": {
      const { tools } = await client.listTools();
      return { tools };
    }
    case "execute": {
      const result = await client.callTool(
        { name: "execute", arguments: { script: cmd.script } },
        undefined,
        { timeout: 120000 },
      );
      return { result, server: client.getServerVersion() };
    }
  }
  throw new Error(`unknown op ${cmd.op}`);
}

const pending = [];
const rl = readline.createInterface({ input: process.stdin });
rl.on("line", (line) => {
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (e) {
    write({ error: `bad command: ${e}` });
    return;
  }
  pending.push(
    run(cmd).then(
      (res) => write({ id: cmd.id, ...res }),
      (e) => write({ id: cmd.id, error: String((e && e.stack) || e) }),
    ),
  );
});
rl.on("close", async () => {
  await Promise.allSettled(pending);
  for (const c of clients.values()) {
    try {
      await (await c).close();
    } catch {
      // the process ends anyway
    }
  }
});
