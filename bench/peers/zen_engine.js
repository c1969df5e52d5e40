// GoRules ZEN (npm @gorules/zen-engine): a JDM graph with one decision table, hit policy
// `first`, rows ordered by priority; each cell a full expression over the record.
// Run: node zen_engine.js PORTFOLIO.jsonl
const { ZenEngine } = require("@gorules/zen-engine");
const rules = require("./rules");
const { run } = require("./common");

const expression = (field, op, value) => {
  const right = typeof value === "object" ? value.fact : JSON.stringify(value);
  if (op === "contains") return `${field} != null and contains(${field}, ${right})`;
  if (op === "==") return `${field} == ${right}`;
  // Absent fields never satisfy a comparison.
  return `${field} != null and ${field} ${op} ${right}`;
};
const byPriority = [...rules].sort((a, b) => b.priority - a.priority);
const table = {
  id: "table", type: "decisionTableNode", name: "heuristics", position: { x: 0, y: 0 },
  content: {
    hitPolicy: "first",
    inputs: [{ id: "condition", name: "condition", type: "expression", field: "" }],
    outputs: [{ id: "action", name: "action", type: "expression", field: "action" }],
    rules: byPriority.map((r) => ({
      _id: r.name,
      condition: r.when.map(([f, op, v]) => `(${expression(f, op, v)})`).join(" and "),
      action: JSON.stringify(r.action),
    })),
  },
};
const graph = {
  nodes: [
    { id: "in", type: "inputNode", name: "request", position: { x: 0, y: 0 } },
    table,
    { id: "out", type: "outputNode", name: "response", position: { x: 0, y: 0 } },
  ],
  edges: [
    { id: "e1", sourceId: "in", targetId: "table", type: "edge" },
    { id: "e2", sourceId: "table", targetId: "out", type: "edge" },
  ],
};
const engine = new ZenEngine();
const decision = engine.createDecision(Buffer.from(JSON.stringify(graph)));

run(async (record) => {
  const { result } = await decision.evaluate(record);
  return result && result.action ? result.action : "keep";
});
