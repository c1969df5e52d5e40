// The differential test: a generated policy and records, evaluated by the compiled program
// and by the reference interpreter, must agree on every let and condition node's value
// (unknown reasons included), every rule's status, the decision, the recommendations with
// their `because` texts, and the flags. Used by tests/fuzz/fuzz_differential.cpp (libFuzzer
// steers the generator) and tests/unit/differential_test.cpp (seeded inputs in the suite).
#pragma once

#include <fmt/format.h>

#include <functional>
#include <string>

#include "dsl/printer.hpp"
#include "engine/ingest/facts_reader.hpp"
#include "engine/policy.hpp"
#include "tests/differential/policy_generator.hpp"
#include "tests/differential/reference_interpreter.hpp"

namespace tenet::core::testing {

inline RefValue from_engine(const Value& v) {
  RefValue r;
  switch (v.kind) {
    case Value::Kind::unknown: return RefValue::unknown(std::string(v.why()));
    case Value::Kind::boolean: return RefValue::of(v.boolean);
    case Value::Kind::number: return RefValue::of(v.number);
    case Value::Kind::string: return RefValue::of(v.text);
    case Value::Kind::date: return RefValue::date(*v.number.to_integer());
    case Value::Kind::list:
      r.kind = RefValue::Kind::list;
      for (const auto& item : v.items) r.items.push_back(from_engine(item));
      return r;
  }
  return r;
}

inline std::string describe(const RefValue& v) {
  if (v.is_unknown()) return "unknown (" + v.reason + ")";
  std::string out;
  ref_readable(out, v);
  return v.kind == RefValue::Kind::list ? "[" + out + "]" : out;
}

// Empty when both sides agree; otherwise what differs, with the policy and the record.
inline std::string find_mismatch(const std::uint8_t* data, std::size_t size) {
  ByteSource bytes(data, size);
  const GeneratedCase gen = PolicyGenerator(bytes).generate();
  auto compiled = Policy::compile(SourceFile("generated.tenet", gen.policy));
  if (!compiled.policy) return "the generated policy does not compile:\n" + render(*compiled.sources, compiled.diagnostics) + gen.policy;
  const Policy& policy = *compiled.policy;
  const ast::Module& module = policy.checked().module;
  const Program& program = policy.program();

  std::string mismatch;
  std::size_t index = 0;
  Evaluator evaluator(policy);
  std::string fatal;
  read_facts(
      gen.records, FactsFormat::jsonl, policy,
      [&](std::size_t line, Record* record, RecordError* error) {
        if (!mismatch.empty()) return;
        const auto fail = [&](const std::string& what) {
          mismatch = fmt::format("record {}: {}\n--- policy\n{}--- records\n{}", line, what, gen.policy, gen.records);
        };
        if (!record) return fail("a generated record was rejected: " + error->message);
        const Decision& d = evaluator.evaluate(*record);
        ReferenceInterpreter ref(module, gen.values.at(index++));

        // Every node of every let and condition.
        std::function<void(const ast::Expr&)> walk = [&](const ast::Expr& e) {
          if (!mismatch.empty()) return;
          auto slot = program.slot_of.find(&e);
          if (slot == program.slot_of.end()) return fail("no slot for " + print_expr(e));
          const RefValue got = from_engine(evaluator.frame().slot(slot->second)), want = ref.eval(e);
          if (!ref_equal(got, want) || got.reason != want.reason)
            return fail(fmt::format("`{}` is {} but the reference says {}", print_expr(e), describe(got), describe(want)));
          if (e.kind == ast::ExprKind::call && (e.name == "fired" || e.name == "flagged")) return;  // a rule or flag name
          for (const auto& operand : e.operands) walk(*operand);
        };
        for (const auto& let : module.lets) walk(*let.value);
        for (const auto& rule : module.rules) walk(*rule.when);
        if (!mismatch.empty()) return;

        const RefDecision want = ref.decide(*policy.checked().decision().hit);  // from the AST, as the reference reads it
        for (std::size_t i = 0; i < d.statuses.size(); ++i)
          if (status_name(d.statuses[i]) != want.statuses.at(i))
            return fail(fmt::format("rule {} is {} but the reference says {}", module.rules[i].name.text, status_name(d.statuses[i]),
                                    want.statuses[i]));
        const std::vector<std::string> actions = policy.action_names(d);
        if (actions != want.actions)
          return fail(fmt::format("decision {} but the reference says {}", fmt::join(actions, ","), fmt::join(want.actions, ",")));
        if (d.recommendations.size() != want.recommendations.size()) return fail("a different number of recommendations");
        for (std::size_t i = 0; i < d.recommendations.size(); ++i) {
          const auto& got = d.recommendations[i];
          const auto& exp = want.recommendations[i];
          const std::string& got_action = policy.action_name(got.action);
          const std::string got_because(d.text(got.because));
          if (got.rule != exp.rule || got_action != exp.action || got.chosen != exp.chosen || got.overridden_by != exp.overridden_by ||
              got_because != exp.because)
            return fail(
                fmt::format("recommendation {}: rule {} {} chosen={} overridden_by={} because \"{}\"; the reference says rule {} {} "
                            "chosen={} overridden_by={} because \"{}\"",
                            i, got.rule, got_action, got.chosen, got.overridden_by, got_because, exp.rule, exp.action, exp.chosen,
                            exp.overridden_by, exp.because));
        }
        if (d.provisional != want.provisional)
          return fail(fmt::format("provisional is {} but the reference says {}", d.provisional, want.provisional));
        std::size_t unknown_index = 0;
        for (std::size_t i = 0; i < d.statuses.size(); ++i) {
          if (d.statuses[i] != RuleStatus::unknown) continue;
          if (unknown_index >= d.unknown.size() || d.unknown[unknown_index].rule != i)
            return fail(fmt::format("rule {} is unknown but not listed as unknown", module.rules[i].name.text));
          const UnknownRule& u = d.unknown[unknown_index++];
          std::vector<std::string> missing;
          for (auto k = u.missing_begin; k < u.missing_end; ++k) missing.push_back(module.schemas.front().fields[d.missing[k]].name.text);
          if (missing != ref.missing(i))
            return fail(fmt::format("rule {} is unknown for want of {} but the reference says {}", module.rules[i].name.text,
                                    fmt::join(missing, ","), fmt::join(ref.missing(i), ",")));
        }
        if (unknown_index != d.unknown.size()) return fail("a rule is listed as unknown that is not");
        std::vector<std::string> flags;
        for (auto f : d.flags) flags.push_back(policy.checked().flags[f].name);
        if (flags != want.flags)
          return fail(fmt::format("flags {} but the reference says {}", fmt::join(flags, ","), fmt::join(want.flags, ",")));
        for (const auto& raised : d.raised)
          if (d.text(raised.because) != ref.because(raised.rule))
            return fail(fmt::format("flag rule {} because \"{}\" but the reference says \"{}\"", raised.rule, d.text(raised.because),
                                    ref.because(raised.rule)));
      },
      fatal);
  if (mismatch.empty() && !fatal.empty()) mismatch = "the records could not be read: " + fatal;
  if (mismatch.empty() && index != gen.values.size()) mismatch = fmt::format("{} records in, {} out", gen.values.size(), index);
  return mismatch;
}

}  // namespace tenet::core::testing
