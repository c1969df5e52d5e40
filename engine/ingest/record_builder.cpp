#include "engine/ingest/record_builder.hpp"

#include <fmt/format.h>

namespace tenet {

const char* error_kind(const RecordError& error) {
  const std::string& m = error.message;
  const auto starts = [&](std::string_view prefix) { return m.compare(0, prefix.size(), prefix) == 0; };
  const auto has = [&](std::string_view part) { return m.find(part) != std::string::npos; };
  if (starts("malformed JSON")) return "malformed_json";
  if (starts("a record must be a JSON object")) return "not_an_object";
  if (starts("required field")) return "missing_required_field";
  if (has("given more than once")) return "duplicate_field";
  if (has("out of the number range")) return "number_out_of_range";
  if (starts("unterminated quote")) return "unterminated_quote";
  if (starts("expected ") && has(" cells")) return "cell_count";
  if (starts("invalid UTF-8")) return "invalid_utf8";
  if (starts("record longer than")) return "record_too_long";
  if (has(", expected ")) return "wrong_type";
  return "other";
}

std::string expected_phrase(Type type) { return type_name(type); }

RecordBuilder::RecordBuilder(const ast::SchemaDecl& schema, std::uint32_t key_field)
    : schema_(&schema), key_field_(key_field) {
  for (std::size_t i = 0; i < schema.fields.size(); ++i) index_.emplace(schema.fields[i].name.text, static_cast<int>(i));
  values_.resize(schema.fields.size());
  state_.resize(schema.fields.size());
}

void RecordBuilder::begin() {
  std::fill(state_.begin(), state_.end(), 0);
  id_.reset();
}

int RecordBuilder::field_index(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? -1 : it->second;
}

bool RecordBuilder::mark(int index, std::string& error) {
  if (state_[static_cast<std::size_t>(index)] != 0) {
    error = fmt::format("field `{}` is given more than once", field(index).name.text);
    return false;
  }
  return true;
}

bool RecordBuilder::set(int index, Value value, std::string& error) {
  if (!mark(index, error)) return false;
  const auto i = static_cast<std::size_t>(index);
  if (field(index).type.kind == TypeKind::set) make_set(value);
  if (i == key_field_) {
    std::string id;
    append_readable(id, value);
    id_ = std::move(id);
  }
  values_[i] = std::move(value);
  state_[i] = 1;
  return true;
}

bool RecordBuilder::set_absent(int index, std::string& error) {
  if (!mark(index, error)) return false;
  state_[static_cast<std::size_t>(index)] = 2;
  return true;
}

bool RecordBuilder::finish(Record& out, std::string& error) {
  out.fields.resize(values_.size());
  for (std::size_t i = 0; i < values_.size(); ++i) {
    const auto& f = schema_->fields[i];
    if (state_[i] == 1) {
      out.fields[i] = std::move(values_[i]);
      continue;
    }
    if (!f.is_optional) {
      error = state_[i] == 2 ? fmt::format("required field `{}` is null or empty", f.name.text)
                             : fmt::format("required field `{}` is absent", f.name.text);
      return false;
    }
    out.fields[i] = Value::unknown(fmt::format("{} is missing", f.name.text));
  }
  out.id = id_.value_or("");
  return true;
}

}  // namespace tenet
