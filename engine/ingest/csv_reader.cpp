#include "engine/ingest/csv_reader.hpp"

#include <fmt/format.h>

namespace tenet {

namespace {

// Splits one CSV row starting at `pos`; advances `pos` past its line end and counts lines.
// Cells are views into `text` when unquoted, or decoded into `storage` when quoted.
struct RowReader {
  std::string_view text;
  std::size_t pos = 0;
  std::size_t line = 1;

  // False at the end of input. `unterminated` is set when a quote is never closed.
  bool next(std::vector<std::string>& cells, bool& unterminated) {
    cells.clear();
    unterminated = false;
    if (pos >= text.size()) return false;
    std::string cell;
    while (true) {
      if (pos < text.size() && text[pos] == '"') {
        ++pos;
        while (true) {
          if (pos >= text.size()) {
            unterminated = true;
            cells.push_back(std::move(cell));
            return true;
          }
          const char c = text[pos++];
          if (c == '"') {
            if (pos < text.size() && text[pos] == '"') {
              cell.push_back('"');
              ++pos;
              continue;
            }
            break;
          }
          if (c == '\n') ++line;
          cell.push_back(c);
        }
      }
      while (pos < text.size() && text[pos] != ',' && text[pos] != '\n') cell.push_back(text[pos++]);
      if (!cell.empty() && cell.back() == '\r' && (pos >= text.size() || text[pos] == '\n')) cell.pop_back();
      cells.push_back(std::move(cell));
      cell.clear();
      if (pos < text.size() && text[pos] == ',') {
        ++pos;
        continue;
      }
      if (pos < text.size()) {
        ++pos;  // '\n'
        ++line;
      }
      return true;
    }
  }
};

bool strict_number(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) return false;
  }
  return true;
}

bool convert(TypeKind kind, std::string_view cell, std::string_view field, Value& out, std::string& error) {
  switch (kind) {
    case TypeKind::number: {
      Decimal::ParseError why = Decimal::ParseError::syntax;
      std::optional<Decimal> d = strict_number(cell) ? Decimal::parse(cell, &why) : std::nullopt;
      if (!d) {
        error = why == Decimal::ParseError::out_of_range
                    ? fmt::format("field `{}` is {}, out of the number range (exponents from {} to {})", field, cell,
                                  Decimal::kMinExponent, Decimal::kMaxExponent)
                    : fmt::format("field `{}` is \"{}\", expected number", field, cell);
        return false;
      }
      out = Value::of(*d);
      return true;
    }
    case TypeKind::boolean:
      if (cell == "true" || cell == "TRUE" || cell == "True") out = Value::of(true);
      else if (cell == "false" || cell == "FALSE" || cell == "False") out = Value::of(false);
      else {
        error = fmt::format("field `{}` is \"{}\", expected bool (true or false)", field, cell);
        return false;
      }
      return true;
    default: out = Value::of(std::string(cell)); return true;
  }
}

}  // namespace

bool read_csv(std::string_view text, RecordBuilder& builder, const RecordSink& sink, std::string& error) {
  RowReader rows{text};
  if (text.substr(0, 3) == "\xEF\xBB\xBF") rows.pos = 3;
  std::vector<std::string> header, cells;
  bool unterminated = false;
  if (!rows.next(header, unterminated)) return true;  // an empty file has no records
  if (unterminated) {
    error = "line 1: unterminated quote in the CSV header";
    return false;
  }
  std::vector<int> column_field(header.size(), -1);
  std::size_t key_column = header.size();
  for (std::size_t c = 0; c < header.size(); ++c) {
    for (std::size_t prior = 0; prior < c; ++prior) {
      if (header[prior] == header[c]) {
        error = fmt::format("line 1: column '{}' appears twice in the CSV header (columns {} and {})", header[c], prior + 1, c + 1);
        return false;
      }
    }
    column_field[c] = builder.field_index(header[c]);
    if (column_field[c] >= 0 && builder.field(column_field[c]).is_key) key_column = c;
  }
  while (true) {
    const std::size_t line = rows.line;
    if (!rows.next(cells, unterminated)) break;
    if (cells.size() == 1 && cells[0].empty() && !unterminated) continue;  // blank line
    builder.begin();
    std::string message;
    bool ok = true;
    if (unterminated) {
      message = "unterminated quote: a quoted cell is not closed before the end of the input";
      ok = false;
    } else if (cells.size() != header.size()) {
      message = fmt::format("expected {} cells as in the header, found {}", header.size(), cells.size());
      ok = false;
    }
    std::optional<std::string> id;
    if (key_column < cells.size() && !cells[key_column].empty()) id = cells[key_column];
    for (std::size_t c = 0; ok && c < cells.size(); ++c) {
      const int index = column_field[c];
      if (index < 0) continue;
      const ast::FieldDecl& field = builder.field(index);
      const std::string& cell = cells[c];
      Value value;
      if (field.type.is_collection()) {
        value = Value::list({});
        std::size_t start = 0;
        while (!cell.empty() && ok) {
          const std::size_t bar = cell.find('|', start);
          Value item;
          ok = convert(field.type.element, std::string_view(cell).substr(start, bar == std::string::npos ? std::string::npos : bar - start),
                       field.name.text, item, message);
          value.items.push_back(std::move(item));
          if (bar == std::string::npos) break;
          start = bar + 1;
        }
        ok = ok && builder.set(index, std::move(value), message);
      } else if (cell.empty()) {
        ok = builder.set_absent(index, message);
      } else {
        ok = convert(field.type.kind, cell, field.name.text, value, message) && builder.set(index, std::move(value), message);
      }
    }
    Record record;
    if (ok) ok = builder.finish(record, message);
    if (ok) {
      sink(line, &record, nullptr);
    } else {
      RecordError e{line, builder.id() ? builder.id() : id, std::move(message)};
      sink(line, nullptr, &e);
    }
    if (unterminated) break;
  }
  return true;
}

}  // namespace tenet
