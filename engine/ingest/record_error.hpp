// A record that could not be decided, as data: the kind of fault, named where it is raised,
// and its words. Summaries count by kind and outputs carry it ("kind"), so nothing has to
// read the English back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tenet::core {

enum class ErrorKind : std::uint8_t {
  malformed,           // not JSON, or not well-formed CSV
  not_an_object,       // a JSON record that is not an object
  required_absent,     // a required field absent, null or empty
  wrong_type,          // a value of another type than the schema's
  out_of_range,        // a number beyond the exponent range
  invalid_utf8,        // text that is not UTF-8
  nul_byte,            // text holding a NUL byte
  too_large,           // longer than limits::kMaxRecordBytes
  duplicate_field,     // the same field twice in one record
  cell_count,          // a CSV row with more or fewer cells than the header
  unterminated_quote,  // a CSV quoted cell never closed
  undeclared_field,    // a key the schema does not declare, with --strict-fields
};

// Every kind with its stable name, as outputs and summaries write it: the one table of them.
struct ErrorKindName {
  ErrorKind kind;
  const char* name;
};
inline constexpr ErrorKindName kErrorKinds[] = {
    {ErrorKind::malformed, "malformed"},
    {ErrorKind::not_an_object, "not_an_object"},
    {ErrorKind::required_absent, "required_absent"},
    {ErrorKind::wrong_type, "wrong_type"},
    {ErrorKind::out_of_range, "out_of_range"},
    {ErrorKind::invalid_utf8, "invalid_utf8"},
    {ErrorKind::nul_byte, "nul_byte"},
    {ErrorKind::too_large, "too_large"},
    {ErrorKind::duplicate_field, "duplicate_field"},
    {ErrorKind::cell_count, "cell_count"},
    {ErrorKind::unterminated_quote, "unterminated_quote"},
    {ErrorKind::undeclared_field, "undeclared_field"},
};

// The stable name of a kind: "wrong_type", ...
const char* kind_name(ErrorKind kind);

// What a reader found wrong with a record: set where the fault is found.
struct RecordFault {
  ErrorKind kind = ErrorKind::malformed;
  std::string message;
  void set(ErrorKind k, std::string text) {
    kind = k;
    message = std::move(text);
  }
};

// A record that could not be decided: its input line, its id when it could be read, and why.
struct RecordError {
  std::size_t line = 0;
  std::optional<std::string> id;
  ErrorKind kind = ErrorKind::malformed;
  std::string message;
  std::uint64_t offset = 0;  // byte offset of the record in the input
  std::string raw;           // the record's text as read, for a rejects file
};

}  // namespace tenet::core
