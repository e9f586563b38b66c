// Drives the Temper OData gateway with @odata/client, a real OData client
// library: CRUD, bound actions, filters, counts and paging. Usage:
//   TEMPER_TOKEN=<agent token> node e2e.mjs http://127.0.0.1:8080/odata/tasks/
// Exits non-zero (with the failed check on stderr) when any check fails.
import assert from "node:assert/strict";
import { OData } from "@odata/client";

const endpoint = process.argv[2];
if (!endpoint) {
  console.error("usage: node e2e.mjs SERVICE-ROOT");
  process.exit(2);
}
// The agent's bearer token (every call is authenticated and authorized).
const token = process.env.TEMPER_TOKEN;
if (!token) {
  console.error("TEMPER_TOKEN is not set");
  process.exit(2);
}
const client = OData.New4({
  serviceEndpoint: endpoint,
  processCsrfToken: false,
  commonHeaders: { Authorization: `Bearer ${token}` },
});
const tasks = client.getEntitySet("Tasks");
const checks = [];
const check = async (name, fn) => {
  await fn();
  checks.push(name);
};

await check("create", async () => {
  const t = await tasks.create({ id: "js-1", title: "Review PR #42", assignee: "agent-codereview" });
  assert.equal(t.status, "Open");
  assert.equal(t.title, "Review PR #42");
});
await check("retrieve", async () => {
  const t = await tasks.retrieve("js-1");
  assert.equal(t.id, "js-1");
  assert.equal(t.assignee, "agent-codereview");
});
await check("bound action", async () => {
  await tasks.action("Tracker.Start", "js-1", {});
  const t = await tasks.retrieve("js-1");
  assert.equal(t.status, "InProgress");
});
await check("rejected action", async () => {
  await assert.rejects(() => tasks.action("Tracker.Unblock", "js-1", {}), /WrongState|cannot run/);
});
await check("action with parameters", async () => {
  await tasks.action("Tracker.Prioritize", "js-1", { level: 4 });
  const t = await tasks.retrieve("js-1");
  assert.equal(t.priority, 4);
});
await check("update", async () => {
  await tasks.update("js-1", { description: "from the JS client" });
  const t = await tasks.retrieve("js-1");
  assert.equal(t.description, "from the JS client");
});
for (const n of [2, 3, 4, 5]) {
  await tasks.create({ id: `js-${n}`, title: `Task ${n}`, assignee: "agent" });
}
await check("filter", async () => {
  const open = await tasks.query(client.newOptions().filter("status eq 'Open'").orderby("id", "asc"));
  assert.deepEqual(open.map((t) => t.id), ["js-2", "js-3", "js-4", "js-5"]);
});
await check("filter builder", async () => {
  const f = client.newFilter().property("status").eq("InProgress");
  const started = await tasks.query(f);
  assert.deepEqual(started.map((t) => t.id), ["js-1"]);
});
await check("count", async () => {
  assert.equal(await tasks.count(), 5);
});
await check("top, skip, orderby, select", async () => {
  const page = await tasks.query(client.newOptions().top(2).skip(1).orderby("id", "desc").select(["id", "title"]));
  assert.deepEqual(page.map((t) => t.id), ["js-4", "js-3"]);
  assert.equal(page[0].status, undefined);
});
await check("delete", async () => {
  await tasks.delete("js-5");
  assert.equal(await tasks.count(), 4);
  await assert.rejects(() => tasks.retrieve("js-5"));
});
console.log(JSON.stringify({ passed: checks.length, checks }));
