#include "engine/batch/ranks_file.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
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

std::string write_ranks(const Policy& policy, const PortfolioStats& stats, const std::optional<ShardId>& shard) {
  auto head = header(policy);
  if (shard) head["shard"] = {{"index", shard->index}, {"of", shard->of}};
  std::string out = head.dump() + "\n";
  std::size_t lines = 0;
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
      ++lines;
    }
  }
  return out + fmt::format("{{\"tenet_ranks_end\":{{\"lines\":{}}}}}\n", lines);
}

std::string read_ranks(const std::string& text, const Policy& policy, PortfolioStats& stats, std::optional<ShardId>& shard) {
  shard.reset();
  std::optional<std::uint64_t> closed;  // the end line's count, once read
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
      nlohmann::json given = j;
      if (given.contains("shard")) {
        const auto& s = given["shard"];
        if (!s.is_object() || !s.contains("index") || !s.contains("of") || !s["index"].is_number_unsigned() ||
            !s["of"].is_number_unsigned() || s["index"].get<std::uint64_t>() < 1 || s["index"] > s["of"] ||
            s["of"].get<std::uint64_t>() > kMaxShards)
          return fmt::format("line 1: \"shard\" must be {{\"index\":K,\"of\":N}} with 1 <= K <= N <= {}", kMaxShards);
        shard = ShardId{s["index"].get<std::uint64_t>(), s["of"].get<std::uint64_t>()};
        given.erase("shard");
      }
      const nlohmann::json expected = nlohmann::json::parse(header(policy).dump());
      if (given != expected) {
        return fmt::format("line 1: the ranks of another policy or other params: {} (this run: {})", j["policy"].dump(),
                           expected["policy"].dump());
      }
      continue;
    }
    const auto bad = [&](const char* what) { return fmt::format("line {}: {}", line, what); };
    if (closed) return bad("a line after the end line");
    if (j.is_object() && j.contains("tenet_ranks_end")) {
      const auto& end_line = j["tenet_ranks_end"];
      if (!end_line.is_object() || !end_line.contains("lines") || !end_line["lines"].is_number_unsigned() ||
          end_line["lines"].get<std::uint64_t>() != line - 2)
        return bad("the end line does not count the lines before it: the file was cut or edited");
      closed = line - 2;
      continue;
    }
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
  if (!closed) return fmt::format("line {}: no end line ({{\"tenet_ranks_end\":...}}): the file was cut short", line);
  return "";
}

}  // namespace tenet::core
