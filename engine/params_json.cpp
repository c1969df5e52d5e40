// A params file (--params, and the params of a policy test) read with nlohmann's SAX interface:
// numbers keep the text they were written with (never a double), a key given twice is refused
// (never "last wins"), and every error names the line and column.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "engine/policy.hpp"

namespace tenet::core {

namespace {

using json = nlohmann::json;

std::string line_and_column(const std::string& text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return fmt::format("line {}, column {}", line, column);
}

// A string as a policy's string literal.
std::string policy_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') out += "\\n";
    else out += c;
  }
  return out + '"';
}

// The events of one object of NAME: VALUE, a VALUE being a scalar or an array of scalars.
class ParamsReader : public nlohmann::json_sax<json> {
 public:
  explicit ParamsReader(const std::string& text) : text_(text) {}

  std::vector<std::pair<std::string, std::string>> params;
  std::string error;

  bool null() override { return refuse("null"); }
  bool boolean(bool value) override { return scalar(value ? "true" : "false", Kind::other); }
  bool number_integer(number_integer_t value) override { return scalar(std::to_string(value), Kind::number); }
  bool number_unsigned(number_unsigned_t value) override { return scalar(std::to_string(value), Kind::number); }
  // `raw` is the number as written: `0.12345678901234567` stays that, exactly.
  bool number_float(number_float_t, const string_t& raw) override { return scalar(raw, Kind::number); }
  // A string is policy text as --param reads it; in an array, a string item (quoted).
  bool string(string_t& value) override {
    if (depth_ == 2) return scalar(policy_string(value), Kind::string);
    return scalar(value, Kind::string);
  }
  bool binary(binary_t&) override { return refuse("binary"); }
  bool start_object(std::size_t) override {
    if (depth_ > 0) return refuse("an object");
    ++depth_;
    return true;
  }
  bool key(string_t& name) override {
    for (const auto& [seen, _] : params) {
      if (seen == name) {
        error = fmt::format("param '{}' is given twice; give each param once", name);
        return false;
      }
    }
    name_ = name;
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth_ != 1) return refuse(depth_ == 0 ? "an array" : "an array in an array");
    ++depth_;
    items_.clear();
    item_kind_ = Kind::none;
    return true;
  }
  bool end_array() override {
    --depth_;
    std::string text = "[";
    for (std::size_t i = 0; i < items_.size(); ++i) text += (i ? ", " : "") + items_[i];
    params.emplace_back(name_, text + "]");
    return true;
  }
  bool parse_error(std::size_t position, const std::string& last_token, const nlohmann::detail::exception& e) override {
    // nlohmann's message without its "[json.exception...] parse error at line 1, column 13: ",
    // the place named once: nlohmann's, or the start of the token that stopped it.
    std::string what = e.what();
    what = what.substr(what.find(']') + 2);
    std::string place = line_and_column(text_, position >= last_token.size() ? position - last_token.size() : 0);
    if (what.starts_with("parse error at ") && what.find(": ") != std::string::npos) {
      place = what.substr(15, what.find(": ") - 15);
      what = what.substr(what.find(": ") + 2);
    }
    error = fmt::format("{}: not JSON: {}", place, what);
    return false;
  }

 private:
  enum class Kind { none, number, string, other };

  bool scalar(std::string text, Kind kind) {
    if (depth_ == 0) return refuse("a single value");
    if (depth_ == 1) {
      params.emplace_back(name_, std::move(text));
      return true;
    }
    // An array is a list or set of numbers or of strings: a mixed one has no type.
    if (kind == Kind::other || (item_kind_ != Kind::none && item_kind_ != kind)) {
      error = fmt::format("param '{}': the items of an array are all numbers or all strings", name_);
      return false;
    }
    item_kind_ = kind;
    items_.push_back(std::move(text));
    return true;
  }
  bool refuse(const char* what) {
    error = depth_ == 0 ? fmt::format("expected a JSON object of NAME: VALUE, not {}", what)
                        : fmt::format(
                              "param '{}': expected a string, a number, a boolean or an array of numbers or "
                              "of strings, not {}",
                              name_, what);
    return false;
  }

  const std::string& text_;
  int depth_ = 0;
  std::string name_;
  std::vector<std::string> items_;
  Kind item_kind_ = Kind::none;
};

}  // namespace

std::optional<std::vector<std::pair<std::string, std::string>>> read_params_json(const std::string& text, std::string& error) {
  ParamsReader reader(text);
  if (!json::sax_parse(text, &reader)) {
    error = reader.error;
    return std::nullopt;
  }
  return std::move(reader.params);
}

}  // namespace tenet::core
