#include "engine/ingest/jsonl_reader.hpp"

#include "dsl/base/civil_date.hpp"
#include "engine/ingest/flat_json.hpp"
#include "engine/ingest/limits.hpp"

#include <simdjson.h>

#include <fmt/format.h>

namespace tenet::core {

namespace od = simdjson::ondemand;

struct JsonRecordParser::Impl {
  od::parser parser;
};

JsonRecordParser::JsonRecordParser(RecordBuilder& builder) : impl_(std::make_unique<Impl>()), builder_(builder) {}
JsonRecordParser::~JsonRecordParser() = default;

namespace {

const char* json_type_phrase(od::json_type t) {
  switch (t) {
    case od::json_type::array: return "an array";
    case od::json_type::object: return "an object";
    case od::json_type::number: return "a number";
    case od::json_type::string: return "a string";
    case od::json_type::boolean: return "a boolean";
    case od::json_type::null: return "null";
  }
  return "a value";
}

std::string malformed_text(simdjson::error_code e) { return fmt::format("malformed JSON: {}", simdjson::error_message(e)); }

// simdjson's error, as a fault: text that is not UTF-8 is of its own kind.
void malformed(RecordFault& error, simdjson::error_code e) {
  error.set(e == simdjson::UTF8_ERROR ? ErrorKind::invalid_utf8 : ErrorKind::malformed, malformed_text(e));
}

// Whether a JSON number token holds only the characters of a number (simdjson types a token
// by its first byte, so `-x` or `1x` would otherwise pass for numbers).
bool number_text(std::string_view token) {
  for (char c : token) {  // a plain loop: this runs for every number of every record
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) return false;
  }
  return true;
}

// A record that is not an object, named by its type once its text is checked to be of that
// type: `not json` starts like null, but it is no JSON value at all.
std::string not_an_object(od::document& doc) {
  od::json_type type;
  if (auto e = doc.type().get(type)) return malformed_text(e);
  std::string_view token;
  if (doc.raw_json_token().get(token)) return malformed_text(simdjson::INCORRECT_TYPE);
  token = token.substr(0, std::min<std::size_t>(token.find_first_of(" \t\r\n"), 40));
  bool valid = true;
  if (type == od::json_type::null) {
    valid = token == "null";
  } else if (type == od::json_type::boolean) {
    valid = token == "true" || token == "false";
  } else if (type == od::json_type::number) {
    valid = number_text(token);
  }
  return valid ? fmt::format("a record must be a JSON object, but this is {}", json_type_phrase(type))
               : fmt::format("the record starts with `{}`, which is not a JSON value; expected an object", token);
}

// A JSON number token, read exactly. JSON's grammar is stricter than the policy language's.
bool read_number(od::value& v, Value& out, RecordFault& error, std::string_view field) {
  std::string_view token = v.raw_json_token();
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\r' || token.back() == '\n')) {
    token.remove_suffix(1);
  }
  if (!number_text(token)) {
    error.set(ErrorKind::malformed,
              fmt::format("field `{}` is {}, which is not a JSON value; expected number", field, token.substr(0, 40)));
    return false;
  }
  Decimal::ParseError why;
  auto d = Decimal::parse_exact(token, &why);
  if (!d) {
    if (why == Decimal::ParseError::out_of_range) {
      error.set(ErrorKind::out_of_range, fmt::format("field `{}` is {}, out of the number range (exponents from {} to {})", field, token,
                                                     Decimal::kMinExponent, Decimal::kMaxExponent));
    } else if (why == Decimal::ParseError::inexact) {
      error.set(ErrorKind::out_of_range, fmt::format("field `{}` is {}, more significant digits than the {} a number holds exactly", field,
                                                     token, Decimal::kMaxDigits));
    } else {
      error.set(ErrorKind::malformed, fmt::format("malformed JSON: bad number '{}' in field `{}`", token, field));
    }
    return false;
  }
  out.set_number(*d);
  return true;
}

bool read_scalar(od::value& v, TypeKind want, Value& out, RecordFault& error, std::string_view field, const char* where) {
  od::json_type type;
  if (auto e = v.type().get(type)) {
    // A bare word (NaN, Infinity, undefined: what some exporters write) is named as such.
    std::string_view token = v.raw_json_token();
    token = token.substr(0, std::min<std::size_t>(token.find_first_of(" \t\r\n,}]"), 40));
    const bool bare_word = !token.empty() && ((token[0] >= 'A' && token[0] <= 'Z') || (token[0] >= 'a' && token[0] <= 'z') ||
                                              (token[0] == '-' && token.size() > 1 && token[1] >= 'A'));
    if (bare_word) {
      error.set(ErrorKind::malformed,
                fmt::format("field `{}`{} is {}, which is not a JSON value; expected {}", field, where, token, type_name(Type::of(want))));
    } else {
      malformed(error, e);
    }
    return false;
  }
  const auto wrong = [&]() {
    error.set(ErrorKind::wrong_type,
              fmt::format("field `{}`{} is {}, expected {}", field, where, json_type_phrase(type), type_name(Type::of(want))));
    return false;
  };
  switch (want) {
    case TypeKind::number:
      if (type != od::json_type::number) return wrong();
      return read_number(v, out, error, field);
    case TypeKind::string: {
      if (type != od::json_type::string) return wrong();
      std::string_view s;
      if (auto e = v.get_string().get(s)) {
        malformed(error, e);
        return false;
      }
      out.kind = Value::Kind::string;
      out.text.assign(s);
      return true;
    }
    case TypeKind::date: {
      if (type != od::json_type::string) return wrong();
      std::string_view s;
      if (auto e = v.get_string().get(s)) {
        malformed(error, e);
        return false;
      }
      const auto days = parse_iso_date(s);
      if (!days) {
        error.set(ErrorKind::wrong_type, fmt::format("field `{}`{} is \"{}\", expected date (YYYY-MM-DD)", field, where,
                                                     s.substr(0, std::min<std::size_t>(s.size(), 40))));
        return false;
      }
      out = Value::date(*days);
      return true;
    }
    case TypeKind::boolean: {
      if (type != od::json_type::boolean) return wrong();
      bool b = false;
      if (auto e = v.get_bool().get(b)) {
        malformed(error, e);
        return false;
      }
      out.set_bool(b);
      return true;
    }
    default: return wrong();
  }
}

}  // namespace

bool JsonRecordParser::parse(const char* json, std::size_t length, std::size_t capacity, Record& out, RecordFault& error) {
  builder_.begin();
  if (fast_path_ && read_flat_record(json, length, builder_, out)) return true;
  builder_.again();  // read again, by simdjson, which words what is wrong
  od::document doc;
  if (auto e = impl_->parser.iterate(json, length, capacity).get(doc)) {
    malformed(error, e);
    return false;
  }
  od::object object;
  if (auto e = doc.get_object().get(object)) {
    if (e == simdjson::INCORRECT_TYPE) error.set(ErrorKind::not_an_object, not_an_object(doc));
    else malformed(error, e);
    return false;
  }
  for (auto member : object) {
    od::raw_json_string raw_key;
    if (auto e = member.key().get(raw_key)) {
      malformed(error, e);
      return false;
    }
    int index = builder_.field_index_raw(raw_key.raw());
    if (index == RecordBuilder::kNotSeen) {
      std::string_view key;
      if (auto e = member.unescaped_key().get(key)) {
        malformed(error, e);
        return false;
      }
      index = builder_.field_index(key);
    }
    od::value v;
    if (auto e = member.value().get(v)) {
      malformed(error, e);
      return false;
    }
    if (index < 0) {  // fields the schema does not declare are ignored, unless --strict-fields
      if (!builder_.options().strict_fields) continue;
      const std::string_view raw(raw_key.raw());
      error.set(ErrorKind::undeclared_field,
                fmt::format("field `{}` is not in the schema (--strict-fields)", raw.substr(0, raw.find('"'))));
      return false;
    }
    const ast::FieldDecl& field = builder_.field(index);
    const std::string_view name = field.name.text;
    bool is_null = false;
    if (auto e = v.is_null().get(is_null)) {
      malformed(error, e);
      return false;
    }
    if (is_null) {
      if (!builder_.set_absent(index, error)) return false;
      continue;
    }
    // Values are read straight into the builder's slot, reusing its capacity.
    Value& value = builder_.slot(index);
    if (field.type.is_collection()) {
      od::array array;
      if (auto e = v.get_array().get(array)) {
        od::json_type type;
        if (e == simdjson::INCORRECT_TYPE && !v.type().get(type)) {
          error.set(ErrorKind::wrong_type,
                    fmt::format("field `{}` is {}, expected {} (a JSON array)", name, json_type_phrase(type), type_name(field.type)));
        } else {
          malformed(error, e);
        }
        return false;
      }
      value.kind = Value::Kind::list;
      std::size_t count = 0;
      for (auto element : array) {
        od::value item;
        if (auto e = element.get(item)) {
          malformed(error, e);
          return false;
        }
        if (!read_scalar(item, field.type.element, builder_.list_item(value, count++), error, name, " has an element that")) return false;
      }
      builder_.end_list(value, count);
    } else if (!read_scalar(v, field.type.kind, value, error, name, "")) {
      return false;
    }
    if (!builder_.mark_set(index, error)) return false;
  }
  const char* trailing = nullptr;
  if (!doc.current_location().get(trailing)) {
    error.set(ErrorKind::malformed, "malformed JSON: unexpected text after the record");
    return false;
  }
  return builder_.finish(out, error);
}

namespace {

bool blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

void emit(const RecordSink& sink, std::size_t line, std::uint64_t offset, std::string_view raw, bool ok, Record& record, RecordFault& error,
          RecordBuilder& builder) {
  if (ok) {
    sink(line, &record, nullptr);
  } else {
    RecordError e{line, builder.id(), error.kind, std::move(error.message), offset, std::string(raw)};
    sink(line, nullptr, &e);
  }
}

}  // namespace

void read_jsonl(std::string_view text, std::size_t capacity, RecordBuilder& builder, const RecordSink& sink, InputPosition at) {
  JsonRecordParser parser(builder);
  Record record;  // reused: its values keep their capacity from record to record
  std::size_t line = at.line - 1, start = 0;
  if (at.offset == 0 && text.substr(0, 3) == "\xEF\xBB\xBF") start = 3;
  while (start < text.size()) {
    ++line;
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view row = text.substr(start, end - start);
    if (row.size() > limits::kMaxRecordBytes) {
      RecordError e{
          line, std::nullopt, ErrorKind::too_large, oversized_record_message(), at.offset + start, std::string(row.substr(0, 200))};
      sink(line, nullptr, &e);
    } else if (!blank(row)) {
      RecordFault error;
      const bool ok = parser.parse(row.data(), row.size(), capacity - start, record, error);
      emit(sink, line, at.offset + start, row, ok, record, error, builder);
    }
    start = end + 1;
  }
}

void read_json_array(std::string_view text, std::size_t capacity, RecordBuilder& builder, const RecordSink& sink) {
  JsonRecordParser parser(builder);
  std::size_t i = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  std::size_t line = 1;
  const auto skip_space = [&]() {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) {
      if (text[i] == '\n') ++line;
      ++i;
    }
  };
  const auto structural_error = [&](std::string message) {
    RecordError e{line,
                  std::nullopt,
                  ErrorKind::malformed,
                  std::move(message),
                  i,
                  std::string(text.substr(i, std::min<std::size_t>(200, text.size() - std::min(i, text.size()))))};
    sink(line, nullptr, &e);
  };
  skip_space();
  if (i >= text.size() || text[i] != '[') {
    structural_error("malformed JSON: expected '[' to start an array of records");
    return;
  }
  ++i;
  skip_space();
  if (i < text.size() && text[i] == ']') return;
  while (true) {
    skip_space();
    if (i >= text.size()) {
      structural_error("malformed JSON: the array of records is not closed with ']'");
      return;
    }
    // Find the end of this element: a ',' or ']' outside strings and brackets.
    const std::size_t begin = i, first_line = line;
    int depth = 0;
    bool in_string = false;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '\n') ++line;
      if (in_string) {
        if (c == '\\') ++i;
        else if (c == '"') in_string = false;
        continue;
      }
      if (c == '"') in_string = true;
      else if (c == '{' || c == '[') ++depth;
      else if (c == '}' || c == ']') {
        if (depth == 0) break;
        --depth;
      } else if (c == ',' && depth == 0) break;
    }
    Record record;
    RecordFault error;
    const std::string_view element = text.substr(begin, i - begin);
    if (element.size() > limits::kMaxRecordBytes) {
      RecordError e{first_line, std::nullopt, ErrorKind::too_large, oversized_record_message(), begin, std::string(element.substr(0, 200))};
      sink(first_line, nullptr, &e);
    } else {
      const bool ok = parser.parse(element.data(), element.size(), capacity - begin, record, error);
      emit(sink, first_line, begin, element, ok, record, error, builder);
    }
    if (i >= text.size()) {
      structural_error("malformed JSON: the array of records is not closed with ']'");
      return;
    }
    if (text[i++] == ']') break;
  }
  skip_space();
  if (i < text.size()) structural_error("malformed JSON: unexpected text after the array of records");
}

}  // namespace tenet::core
