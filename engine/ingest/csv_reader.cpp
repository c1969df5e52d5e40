#include "engine/ingest/csv_reader.hpp"

#include "dsl/base/civil_date.hpp"
#include "engine/ingest/byte_scan.hpp"
#include "engine/ingest/limits.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <simdjson.h>

namespace tenet::core {

namespace {

// Splits one CSV row starting at `pos`; advances `pos` past its line end and counts lines.
// Unquoted cells are views into `text`; quoted cells are decoded into `scratch`, so a row
// costs no allocation once the buffers have grown.
struct RowReader {
  std::string_view text;
  std::size_t pos = 0;
  std::size_t line = 1;
  std::string scratch{};

  // Where the cell starting at `from` ends: the next ',' or line end (or the end of input).
  // Eight bytes at a time while they are all in the text, then byte by byte.
  std::size_t cell_end(std::size_t from) const {
    using namespace byte_scan;
    const char* p = text.data() + from;
    const char* end = text.data() + text.size();
    for (; end - p >= 8; p += 8) {
      const std::uint64_t word = load(p);
      const std::uint64_t stops = equal_to(word, ',') | equal_to(word, '\n');
      if (stops != 0) return static_cast<std::size_t>(p - text.data()) + first(stops);
    }
    while (p < end && *p != ',' && *p != '\n') ++p;
    return static_cast<std::size_t>(p - text.data());
  }

  // False at the end of input. `unterminated` is set when a quote is never closed.
  bool next(std::vector<std::string_view>& cells, bool& unterminated) {
    cells.clear();
    scratch.clear();
    std::vector<std::size_t> quoted_cells;  // indexes of cells held in scratch
    unterminated = false;
    if (pos >= text.size()) return false;
    // Quoted cells are recorded as offsets first: scratch may move while it grows.
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    while (true) {
      if (pos < text.size() && text[pos] == '"') {
        const std::size_t begin = scratch.size();
        ++pos;
        while (true) {
          if (pos >= text.size()) {
            unterminated = true;
            break;
          }
          const std::size_t quote = text.find('"', pos);
          const std::size_t stop = quote == std::string_view::npos ? text.size() : quote;
          for (std::size_t i = pos; i < stop; ++i) line += text[i] == '\n';
          scratch.append(text.substr(pos, stop - pos));
          pos = stop;
          if (quote == std::string_view::npos) continue;
          ++pos;
          if (pos < text.size() && text[pos] == '"') {
            scratch.push_back('"');
            ++pos;
            continue;
          }
          break;
        }
        // Anything between the closing quote and the next comma belongs to the cell too.
        const std::size_t end = cell_end(pos);
        scratch.append(text.substr(pos, end - pos));
        pos = end;
        if (!scratch.empty() && scratch.size() > begin && scratch.back() == '\r' && (pos >= text.size() || text[pos] == '\n')) {
          scratch.pop_back();
        }
        quoted_cells.push_back(cells.size());
        spans.emplace_back(begin, scratch.size() - begin);
        cells.emplace_back();
        if (unterminated) break;
      } else {
        const std::size_t end = cell_end(pos);
        std::string_view cell = text.substr(pos, end - pos);
        if (!cell.empty() && cell.back() == '\r' && (end >= text.size() || text[end] == '\n')) cell.remove_suffix(1);
        cells.push_back(cell);
        pos = end;
      }
      if (pos < text.size() && text[pos] == ',') {
        ++pos;
        continue;
      }
      if (pos < text.size()) {
        ++pos;  // '\n'
        ++line;
      }
      break;
    }
    for (std::size_t k = 0; k < quoted_cells.size(); ++k) {
      cells[quoted_cells[k]] = std::string_view(scratch).substr(spans[k].first, spans[k].second);
    }
    return true;
  }
};

bool strict_number(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) return false;
  }
  return true;
}

// What a number cell that does not read as one most likely meant, as the end of its message:
// exports write rates as percentages and amounts with separators or a currency sign. Never read
// as meant: "1,200" is a thousand and two hundred in one locale and one point two in another.
std::string number_hint(std::string_view cell) {
  if (cell.size() > 1 && cell.back() == '%') {
    const auto percent = Decimal::parse_plain(cell.substr(0, cell.size() - 1));
    if (!percent) return {};
    const auto fraction = percent->div(Decimal::from_int(100));
    if (fraction.status != DecimalStatus::ok) return {};
    return fmt::format(": rates are fractions, write {} for {}", fraction.value.to_string(), cell);
  }
  const auto comma = cell.find(',');
  if (comma != std::string_view::npos && cell.find_first_not_of("0123456789.,-+") == std::string_view::npos) {
    std::string without;
    for (const char c : cell)
      if (c != ',') without += c;
    std::string hint = fmt::format(": a comma is read neither as a thousands separator nor as a decimal point; write {}", without);
    if (cell.find(',', comma + 1) == std::string_view::npos && cell.find('.') == std::string_view::npos)
      hint += fmt::format(", or {}.{} if it is a decimal comma", cell.substr(0, comma), cell.substr(comma + 1));
    return hint;
  }
  static constexpr std::string_view kSigns[] = {"$", "€", "£", "¥"};
  for (const std::string_view sign : kSigns)
    if (cell.starts_with(sign) || cell.ends_with(sign)) return ": write the number without its currency sign";
  // "50 EUR", "USD 50": a currency code beside the number.
  const auto is_code = [](std::string_view w) {
    return w.size() == 3 && std::all_of(w.begin(), w.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  };
  const auto space = cell.find(' ');
  if (space != std::string_view::npos && cell.find(' ', space + 1) == std::string_view::npos) {
    const std::string_view left = cell.substr(0, space), right = cell.substr(space + 1);
    if ((is_code(right) && Decimal::parse_plain(left)) || (is_code(left) && Decimal::parse_plain(right)))
      return ": write the number without its currency code";
  }
  return {};
}

bool convert(TypeKind kind, std::string_view cell, std::string_view field, Value& out, RecordFault& error) {
  switch (kind) {
    case TypeKind::number: {
      if (const auto plain = Decimal::parse_plain(cell)) {  // -12.5: nearly every cell, in one pass
        out.set_number(*plain);
        return true;
      }
      Decimal::ParseError why = Decimal::ParseError::syntax;
      std::optional<Decimal> d = strict_number(cell) ? Decimal::parse_exact(cell, &why) : std::nullopt;
      if (!d) {
        if (why == Decimal::ParseError::out_of_range) {
          error.set(ErrorKind::out_of_range, fmt::format("field `{}` is {}, out of the number range (exponents from {} to {})", field, cell,
                                                         Decimal::kMinExponent, Decimal::kMaxExponent));
        } else if (why == Decimal::ParseError::inexact) {
          error.set(ErrorKind::out_of_range, fmt::format("field `{}` is {}, more significant digits than the {} a number holds exactly",
                                                         field, cell, Decimal::kMaxDigits));
        } else {
          error.set(ErrorKind::wrong_type, fmt::format("field `{}` is \"{}\", expected number{}", field, cell, number_hint(cell)));
        }
        return false;
      }
      out.set_number(*d);
      return true;
    }
    case TypeKind::boolean:
      if (cell == "true" || cell == "TRUE" || cell == "True") out.set_bool(true);
      else if (cell == "false" || cell == "FALSE" || cell == "False") out.set_bool(false);
      else {
        error.set(ErrorKind::wrong_type, fmt::format("field `{}` is \"{}\", expected bool (true or false)", field, cell));
        return false;
      }
      return true;
    case TypeKind::date:
      if (const auto days = parse_iso_date(cell)) {
        out = Value::date(*days);
        return true;
      }
      error.set(ErrorKind::wrong_type, fmt::format("field `{}` is \"{}\", expected date (YYYY-MM-DD)", field, cell));
      return false;
    default:
      out.kind = Value::Kind::string;
      out.text.assign(cell);
      return true;
  }
}

// Converts one cell into the field's slot, in place (lists split on '|'; an empty cell is
// absent, or the empty list for a list field; a missing-value marker such as `n/a` in a
// number or bool cell, or as the whole of a list cell, is absent too, unless
// InputOptions::na_values is off: a list `n/a` is not known, not a list of one item "n/a").
bool convert_cell(const ast::FieldDecl& field, std::string_view cell, int index, RecordBuilder& builder, RecordFault& message) {
  Value& value = builder.slot(index);
  if (field.type.is_collection() && builder.options().na_values && is_na_marker(cell))
    return builder.set_not_available(index, cell, message);
  if (field.type.is_collection()) {
    value.kind = Value::Kind::list;
    std::size_t count = 0, start = 0;
    while (!cell.empty()) {
      const std::size_t bar = cell.find('|', start);
      const std::string_view item = cell.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
      // One item not known among known ones: neither the list nor an item "n/a" would be true.
      if (builder.options().na_values && is_na_marker(item)) {
        message.set(ErrorKind::wrong_type,
                    fmt::format("field `{}` has the item \"{}\", a missing-value marker, among others: a list cell is either its items "
                                "or a marker alone (not known)",
                                field.name.text, item));
        return false;
      }
      if (!convert(field.type.element, item, field.name.text, builder.list_item(value, count++), message)) return false;
      if (bar == std::string_view::npos) break;
      start = bar + 1;
    }
    builder.end_list(value, count);
    return builder.mark_set(index, message);
  }
  if (cell.empty()) return builder.set_absent(index, message);
  // A string no rule reads is not copied (any cell is a string; its UTF-8 is checked by the caller).
  if (field.type.kind == TypeKind::string && !builder.reads(index)) return builder.mark_set(index, message);
  if (convert(field.type.kind, cell, field.name.text, value, message)) return builder.mark_set(index, message);
  if (field.type.kind != TypeKind::string && builder.options().na_values && is_na_marker(cell))
    return builder.set_not_available(index, cell, message);
  return false;
}

// A cell's bytes must be text: valid UTF-8 without NUL (JSON output could not carry
// anything else faithfully). Nothing when the cell is fine, else what is wrong with it.
std::optional<ErrorKind> bad_text(std::string_view cell) {
  if (!simdjson::validate_utf8(cell.data(), cell.size())) return ErrorKind::invalid_utf8;
  if (cell.find('\0') != std::string_view::npos) return ErrorKind::nul_byte;
  return std::nullopt;
}

const char* bad_text_phrase(ErrorKind kind) { return kind == ErrorKind::invalid_utf8 ? "is not valid UTF-8" : "contains a NUL byte"; }

}  // namespace

std::size_t read_csv_header(std::string_view text, RecordBuilder& builder, CsvLayout& layout, std::string& error) {
  RowReader rows{text};
  if (text.substr(0, 3) == "\xEF\xBB\xBF") rows.pos = 3;
  std::vector<std::string_view> header;
  bool unterminated = false;
  if (!rows.next(header, unterminated)) {
    layout = {};
    return rows.pos;
  }
  if (unterminated) {
    error = "line 1: unterminated quote in the CSV header";
    return 0;
  }
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (const auto what = bad_text(header[c])) {
      error = fmt::format("line 1: column {} of the CSV header {}", c + 1, bad_text_phrase(*what));
      return 0;
    }
  }
  layout.columns = header.size();
  layout.column_field.assign(header.size(), -1);
  layout.key_column = CsvLayout::kNoKey;
  for (std::size_t c = 0; c < header.size(); ++c) {
    for (std::size_t prior = 0; prior < c; ++prior) {
      if (header[prior] == header[c]) {
        error = fmt::format("line 1: column '{}' appears twice in the CSV header (columns {} and {})", header[c], prior + 1, c + 1);
        return 0;
      }
    }
    layout.column_field[c] = builder.declared_index(header[c]);
    if (layout.column_field[c] >= 0 && builder.field(layout.column_field[c]).is_key) layout.key_column = c;
  }
  layout.undeclared_column = layout.columns;
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (layout.column_field[c] >= 0) continue;
    if (layout.undeclared_column == layout.columns) {
      layout.undeclared_column = c;
      layout.undeclared_name = header[c];
    }
    if (near_miss(header[c], builder.schema())) layout.near_misses.emplace_back(header[c]);
  }
  // A required field (the key first) with no column would make every row an error for the
  // same reason: say it once, with what went wrong.
  std::vector<bool> has_column(builder.schema().fields.size(), false);
  for (const int f : layout.column_field)
    if (f >= 0) has_column[static_cast<std::size_t>(f)] = true;
  std::vector<std::size_t> order{builder.key_field()};  // the key first, then the schema's order
  for (std::size_t f = 0; f < has_column.size(); ++f)
    if (f != builder.key_field()) order.push_back(f);
  for (const std::size_t f : order) {
    const auto& field = builder.field(static_cast<int>(f));
    if (has_column[f] || field.is_optional) continue;
    const std::string_view line = text.substr(0, text.find('\n'));
    const char* hint = line.find(';') != std::string_view::npos    ? "; the header holds ';': Tenet reads comma-separated CSV"
                       : line.find('\t') != std::string_view::npos ? "; the header holds tabs: Tenet reads comma-separated CSV"
                                                                   : "";
    const auto meant =
        std::find_if(header.begin(), header.end(), [&](std::string_view h) { return near_miss(h, builder.schema()) == field.name.text; });
    error = fmt::format("line 1: the CSV header has no column '{}', {}{}{}", field.name.text,
                        field.is_key ? "the schema's key" : "a required field",
                        meant != header.end() ? fmt::format("; did you mean '{}'? column names are matched exactly", *meant) : "", hint);
    return 0;
  }
  return rows.pos;
}

void read_csv_rows(std::string_view text, const CsvLayout& layout, RecordBuilder& builder, const RecordSink& sink, InputPosition start) {
  RowReader rows{text};
  rows.line = start.line;
  std::vector<std::string_view> cells;
  Record record;  // reused: its values keep their capacity from record to record
  bool unterminated = false;
  std::size_t last_line = 0;
  std::uint64_t records = 0;
  while (true) {
    const std::size_t line = rows.line;
    const std::size_t row_start = rows.pos;
    if (!rows.next(cells, unterminated)) break;
    if (cells.size() == 1 && cells[0].empty() && !unterminated) continue;  // blank line
    last_line = line;
    ++records;
    builder.begin();
    RecordFault message;
    bool ok = true;
    std::size_t row_length = rows.pos - row_start;  // without its line end, as for JSON lines
    while (row_length > 0 && (text[row_start + row_length - 1] == '\n' || text[row_start + row_length - 1] == '\r')) --row_length;
    if (row_length > limits::kMaxRecordBytes) {
      message.set(ErrorKind::too_large, oversized_record_message());
      ok = false;
    } else if (unterminated) {
      message.set(ErrorKind::unterminated_quote, "unterminated quote: a quoted cell is not closed before the end of the input");
      ok = false;
    } else if (cells.size() != layout.columns) {
      message.set(ErrorKind::cell_count, fmt::format("expected {} cells as in the header, found {}", layout.columns, cells.size()));
      ok = false;
    } else if (builder.options().strict_fields && layout.undeclared_column < layout.columns) {
      message.set(ErrorKind::undeclared_field, fmt::format("column '{}' is not in the schema (--strict-fields)", layout.undeclared_name));
      ok = false;
    }
    // One pass over the row's bytes; only a row that fails is searched for the bad cell.
    const std::string_view row = text.substr(row_start, rows.pos - row_start);
    std::size_t bad_cell = cells.size();
    const bool row_is_text = simdjson::validate_utf8(row.data(), row.size()) && row.find('\0') == std::string_view::npos;
    if (!row_is_text) {
      for (bad_cell = 0; bad_cell < cells.size() && !bad_text(cells[bad_cell]); ++bad_cell) {}
    }
    if (ok && bad_cell < cells.size()) {
      const ErrorKind what = *bad_text(cells[bad_cell]);
      std::string text = fmt::format("cell {} {}", bad_cell + 1, bad_text_phrase(what));
      if (layout.column_field[bad_cell] >= 0) text += fmt::format(" (field `{}`)", builder.field(layout.column_field[bad_cell]).name.text);
      message.set(what, std::move(text));
      ok = false;
    }
    for (std::size_t c = 0; ok && c < cells.size(); ++c) {
      const int index = layout.column_field[c];
      if (index < 0) continue;
      ok = convert_cell(builder.field(index), cells[c], index, builder, message);
    }
    if (ok) ok = builder.finish(record, message);
    if (ok) {
      sink(line, &record, nullptr);
    } else {
      std::optional<std::string> id = builder.id();
      // The key's cell, when the header has a key column and the row reaches it.
      if (!id && layout.key_column < layout.columns && layout.key_column < cells.size() && !cells[layout.key_column].empty() &&
          (row_is_text || !bad_text(cells[layout.key_column]))) {
        id = std::string(cells[layout.key_column]);
      }
      const std::string_view raw = text.substr(row_start, row_length > limits::kMaxRecordBytes ? 200 : row_length);
      RecordError e{line, std::move(id), message.kind, std::move(message.message), start.offset + row_start, std::string(raw)};
      sink(line, nullptr, &e);
    }
    if (unterminated) break;
  }
  for (const auto& name : layout.near_misses) builder.note_undeclared_column(name, records);
  // A file cut short ends inside its last row: `80000` read as `80` would pass unnoticed.
  if (last_line && !text.empty() && text.back() != '\n') builder.note_unterminated_row(last_line);
}

std::size_t csv_complete_rows(std::string_view text) {
  // Without a quote every line end ends a row: the usual export, found with two SIMD scans.
  if (text.find('"') == std::string_view::npos) {
    const std::size_t newline = text.rfind('\n');
    return newline == std::string_view::npos ? 0 : newline + 1;
  }
  // The same state machine as RowReader: a quote opens a quoted cell only at the cell's start.
  std::size_t end = 0, i = 0;
  bool cell_start = true;
  while (i < text.size()) {
    const char c = text[i];
    if (cell_start && c == '"') {
      ++i;
      while (true) {
        if (i >= text.size()) return end;  // the quoted cell goes on past this block
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            i += 2;
            continue;
          }
          if (i + 1 >= text.size()) return end;  // cannot tell "" from the closing quote yet
          ++i;
          break;
        }
        ++i;
      }
      cell_start = false;
      continue;
    }
    if (c == ',') cell_start = true;
    else if (c == '\n') {
      end = i + 1;
      cell_start = true;
    } else {
      cell_start = false;
    }
    ++i;
  }
  return end;
}

}  // namespace tenet::core
