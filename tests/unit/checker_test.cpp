#include <catch2/catch.hpp>

#include "dsl/checker.hpp"
#include "dsl/parser.hpp"
#include "helpers.hpp"

namespace {

const std::string kHeader = R"(policy p "P" version "1"
schema s {
  id: string key
  n: number
  m: number optional
  name: string
  tags: list<string>
  ok: bool
}
decision d { hit priority default keep }
)";

// The messages (without snippets) of a policy made of kHeader plus `body`.
std::vector<std::string> messages(const std::string& body) {
  tenet::core::SourceFile source("t.tenet", kHeader + body);
  auto parsed = tenet::core::parse(source);
  auto checked = tenet::core::check(std::move(parsed.module));
  parsed.diagnostics.append(checked.diagnostics);
  std::vector<std::string> out;
  for (const auto& d : parsed.diagnostics.sorted()) {
    const auto at = source.locate(d.range.begin);
    out.push_back(std::to_string(at.line) + ":" + std::to_string(at.column) + ": " + d.message);
  }
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("checker: a clean policy has no diagnostics") {
  CHECK(messages("rule r { when n > 1 and name == \"x\" then recommend a }").empty());
}

TEST_CASE("checker: unknown names suggest the closest declared one") {
  CHECK(messages("rule r { when nn > 1 then recommend a }") == V{"11:15: unknown field 'nn'; did you mean 'n'?"});
  CHECK(messages("let total = 1\nrule r { when totl > 1 then recommend a }") ==
        V{"11:5: let 'total' is never used", "12:15: unknown name 'totl'; did you mean 'total'?"});
  CHECK(messages("rule r { when zzzzzz > 1 then recommend a }") == V{"11:15: unknown name 'zzzzzz' (not a field, param or let)"});
}

TEST_CASE("checker: type errors name both types") {
  CHECK(messages("rule r { when name > 5 then recommend a }") == V{"11:15: '>' compares a string with a number"});
  CHECK(messages("rule r { when n + name > 1 then recommend a }") == V{"11:15: '+' needs two numbers, but this has a number and a string"});
  CHECK(messages("rule r { when n and ok then recommend a }") ==
        V{"11:15: 'and' joins conditions (true or false), but this has a number and a bool"});
  CHECK(messages("rule r { when n in tags then recommend a }") == V{"11:15: 'in' looks for a number in a list<string>"});
  CHECK(messages("rule r { when n then recommend a }") == V{"11:15: a 'when' condition must be true or false, but this is a number"});
  CHECK(messages("rule r { when name between 1 and 2 then recommend a }") ==
        V{"11:15: 'between' works on numbers or dates, but this is a string"});
  CHECK(messages("rule r { when not n then recommend a }") == V{"11:15: 'not' needs a condition (true or false), but this is a number"});
  CHECK(messages("rule r { when count(n) > 1 then recommend a }") == V{"11:15: 'count' takes a set or list, but was given a number"});
}

TEST_CASE("checker: one error per mistake, no cascades from a broken operand") {
  CHECK(messages("rule r { when (nope + 1) * 2 > name then recommend a }") == V{"11:16: unknown name 'nope' (not a field, param or let)"});
}

TEST_CASE("checker: functions, arity, fired and flagged") {
  CHECK(messages("rule r { when mini(n, 1) > 0 then recommend a }") == V{"11:15: unknown function 'mini'; did you mean 'min'?"});
  CHECK(messages("rule r { when min(n) > 0 then recommend a }") == V{"11:15: 'min' takes at least 2 arguments, but 1 was given"});
  CHECK(messages("rule r { when fired(q) then recommend a }") == V{"11:21: unknown rule 'q'; did you mean 'r'?"});
  CHECK(messages("rule r { when flagged(hot) then recommend a }") ==
        V{"11:23: no rule sets flag 'hot' (flags are set by 'then flag NAME')"});
  CHECK(messages("rule f { when n > 1 then flag hot }\nrule r { when flagged(hott) then recommend a }") ==
        V{"12:23: no rule sets flag 'hott'; did you mean 'hot'?"});
  CHECK(messages("rule r { when coalesce(m, 0) > 1 and contains(name, \"x\") and contains(tags, \"y\") then recommend a }").empty());
}

TEST_CASE("checker: cycles are named as a path") {
  CHECK(messages("let a = b + 1\nlet b = c\nlet c = a\nrule r { when a > 1 then recommend x }") ==
        V{"11:5: cycle in the rule graph: a -> b -> c -> a"});
  CHECK(messages("rule r1 { when flagged(f2) then flag f1 }\nrule r2 { when fired(r1) then flag f2 }") ==
        V{"11:6: cycle in the rule graph: r1 -> r2 -> r1"});
}

TEST_CASE("checker: lets may be used before they are declared") {
  CHECK(messages("rule r { when late > 1 then recommend a }\nlet late = n * 2").empty());
}

TEST_CASE("checker: declarations are counted and unique") {
  CHECK(messages("let n = 1\nrule r { when n > 1 then recommend a }") == V{"11:5: 'n' is already declared as a field"});
  CHECK(messages("rule r { when true then recommend a }\nrule r { when true then recommend b }") == V{"12:6: rule 'r' is declared twice"});
  CHECK(messages("rule r { when true }") == V{"11:6: rule 'r' needs a 'then' action (recommend ACTION or flag NAME)"});
  CHECK(messages("rule r { when true then recommend a when false }") == V{"11:37: duplicate 'when' clause in rule 'r'"});
  CHECK(messages("decision e { hit first default x }") == V{"11:1: a policy has exactly one 'decision' declaration"});
}

TEST_CASE("checker: params take literals of their type") {
  CHECK(messages("param k: number = \"three\"\nrule r { when n > k then recommend a }") ==
        V{"11:19: param 'k' is declared a number but its value is a string"});
  CHECK(messages("param k: number = n\nrule r { when n > k then recommend a }") ==
        V{"11:19: the value of param 'k' must be a literal (a number, string, true/false, date(\"YYYY-MM-DD\"), or a set {...} or list "
          "[...])"});
  CHECK(messages("param k: set<string> = [\"a\"]\nrule r { when name in k then recommend a }").empty());
  CHECK(messages("param k: set<string> = {1}\nrule r { when name in k then recommend a }") ==
        V{"11:24: param 'k' is declared a set<string> but its value is a set<number>"});
}

TEST_CASE("checker: unused lets and params are warnings") {
  CHECK(messages("let spare = 1\nparam k: number = 2\nrule r { when n > 1 then recommend a }") ==
        V{"11:5: let 'spare' is never used", "12:7: param 'k' is never used"});
}

TEST_CASE("checker: the schema needs exactly one key") {
  tenet::core::SourceFile source("t.tenet",
                                 "policy p \"P\" version \"1\"\nschema s { a: string b: number }\ndecision d { hit first default k }");
  auto checked = tenet::core::check(tenet::core::parse(source).module);
  REQUIRE(checked.diagnostics.sorted().size() == 1);
  CHECK(checked.diagnostics.sorted()[0].message == "schema 's' needs exactly one field marked 'key' (the record id)");
}
