#include "engine/batch/ranks_file.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "dsl/printer.hpp"
#include "engine/output/json_writer.hpp"

namespace tenet::core {

namespace {

// The header line: what a ranks file is of. Two runs may share ranks only if it is the same.
nlohmann::ordered_json header(const Policy& policy) {
  std::string info;
  append_policy_json(info, policy.info());
  const Program& program = policy.program();
  std::vector<std::string> texts(program.percentiles.size());
  for (const Instruction& in : program.code)
    if ((in.code == OpCode::percentile || in.code == OpCode::percentile_by) && texts[in.c].empty()) texts[in.c] = print_expr(*in.node);
  for (const CompiledRule& rule : program.rules)
    for (const Instruction& in : rule.explain)
      if ((in.code == OpCode::percentile || in.code == OpCode::percentile_by) && texts[in.c].empty()) texts[in.c] = print_expr(*in.node);
  nlohmann::ordered_json j;
  j["tenet_ranks"] = 1;
  j["policy"] = nlohmann::ordered_json::parse(info);
  j["percentiles"] = texts;
  return j;
}

}  // namespace

std::string write_ranks(const Policy& policy, const PortfolioStats& stats) {
  std::string out = header(policy).dump() + "\n";
  const auto& distributions = stats.distributions();
  for (std::size_t spec = 0; spec < distributions.size(); ++spec) {
    const std::map<std::string, const std::vector<Decimal>*> groups = [&] {  // in key order: the file is deterministic
      std::map<std::string, const std::vector<Decimal>*> sorted;
      for (const auto& [key, values] : distributions[spec]) sorted.emplace(key, &values);
      return sorted;
    }();
    for (const auto& [key, values] : groups) {
      out += fmt::format("{{\"percentile\":{},\"group\":", spec);
      append_json_string(out, key);
      out += ",\"values\":[";
      for (std::size_t i = 0; i < values->size(); ++i) {
        if (i) out += ',';
        out += '"';
        out += (*values)[i].to_string();
        out += '"';
      }
      out += "]}\n";
    }
  }
  return out;
}

std::string read_ranks(const std::string& text, const Policy& policy, PortfolioStats& stats) {
  std::size_t line = 0, begin = 0;
  const std::size_t specs = policy.program().percentiles.size();
  std::vector<Decimal> values;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string_view row(text.data() + begin, end - begin);
    begin = end + 1;
    ++line;
    const nlohmann::json j = nlohmann::json::parse(row, nullptr, false);
    if (line == 1) {
      if (!j.is_object() || !j.contains("tenet_ranks") || !j.contains("policy")) {
        return "line 1: not a ranks file (written by tenet ranks): expected {\"tenet_ranks\":1,\"policy\":{...},...}";
      }
      const nlohmann::json expected = nlohmann::json::parse(header(policy).dump());
      if (j != expected) {
        return fmt::format("line 1: the ranks of another policy or other params: {} (this run: {})", j["policy"].dump(),
                           expected["policy"].dump());
      }
      continue;
    }
    const auto bad = [&](const char* what) { return fmt::format("line {}: {}", line, what); };
    if (!j.is_object() || !j.contains("percentile") || !j.contains("group") || !j.contains("values")) {
      return bad("expected {\"percentile\":N,\"group\":KEY,\"values\":[...]}");
    }
    if (!j["percentile"].is_number_unsigned() || j["percentile"].get<std::size_t>() >= specs) return bad("no such percentile");
    if (!j["group"].is_string() || !j["values"].is_array()) return bad("expected a group key (a string) and values (an array)");
    values.clear();
    for (const auto& v : j["values"]) {
      const auto d = v.is_string() ? Decimal::parse(v.get<std::string>()) : std::nullopt;
      if (!d) return bad("a value is not a decimal written as a string");
      values.push_back(*d);
    }
    stats.add_values(j["percentile"].get<std::uint32_t>(), j["group"].get<std::string>(), values);
  }
  if (line == 0) return "empty: not a ranks file (written by tenet ranks)";
  return "";
}

}  // namespace tenet::core
