// json-rules-engine (npm): one Engine with the 13 rules; each record's successful events,
// highest priority wins, `keep` when none. Run: node json_rules_engine.js PORTFOLIO.jsonl
const { Engine } = require("json-rules-engine");
const rules = require("./rules");
const { run } = require("./common");

const operators = { ">": "greaterThan", ">=": "greaterThanInclusive", "<": "lessThan", "<=": "lessThanInclusive",
                    "==": "equal", contains: "contains" };
const engine = new Engine([], { allowUndefinedFacts: true });
for (const r of rules) {
  engine.addRule({
    name: r.name,
    priority: r.priority,
    conditions: { all: r.when.map(([fact, op, value]) => ({ fact, operator: operators[op], value })) },
    event: { type: r.action, params: { priority: r.priority } },
  });
}
// Absent facts never satisfy a comparison (as unknown never fires a rule in Tenet).
for (const name of ["lessThan", "lessThanInclusive", "greaterThan", "greaterThanInclusive"]) {
  const compare = { lessThan: (a, b) => a < b, lessThanInclusive: (a, b) => a <= b,
                    greaterThan: (a, b) => a > b, greaterThanInclusive: (a, b) => a >= b }[name];
  engine.addOperator(name, (a, b) => typeof a === "number" && typeof b === "number" && compare(a, b));
}
engine.addOperator("contains", (a, b) => Array.isArray(a) && a.includes(b));

run(async (record) => {
  const { events } = await engine.run(record);
  let best = null;
  for (const e of events) if (!best || e.params.priority > best.params.priority) best = e;
  return best ? best.type : "keep";
});
