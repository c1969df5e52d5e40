// The Python module's native part (`tenet._tenet`), on pybind11 and the embedding surface
// (<tenet/tenet.hpp>) only: a policy, and the evaluation of many records at once by the batch
// pipeline on all cores with the GIL released. engine/python/tenet/__init__.py turns pandas
// frames into JSON lines or CSV and the columns back into a frame.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <simdjson.h>

#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <tenet/tenet.hpp>

namespace py = pybind11;

namespace {

// A Python value for a param: bool, int, float, str (as a policy writes it), or a list of str.
tenet::ParamValue param_of(const py::handle& value) {
  if (py::isinstance<py::bool_>(value)) return tenet::ParamValue(value.cast<bool>());
  if (py::isinstance<py::int_>(value)) return tenet::ParamValue(value.cast<long long>());
  if (py::isinstance<py::float_>(value)) return tenet::ParamValue(value.cast<double>());
  if (py::isinstance<py::str>(value)) return tenet::ParamValue(value.cast<std::string>());
  return tenet::ParamValue(value.cast<std::vector<std::string>>());
}

tenet::Params params_of(const std::optional<py::dict>& params) {
  tenet::Params out;
  if (params)
    for (const auto& [name, value] : *params) out.emplace(name.cast<std::string>(), param_of(value));
  return out;
}

// One column per output, a row per input record.
struct Columns {
  std::vector<std::string> id, decision;
  std::vector<std::optional<std::string>> chosen, error;
  std::vector<std::vector<std::string>> fired, flags;
  std::vector<std::map<std::string, std::string>> because;
  std::vector<char> provisional;
};

// The records (JSON lines, or CSV with a header) through `tenet batch`'s own pipeline on all
// cores, so that a frame is read and decided exactly as the file would be; its output lines
// become columns.
Columns evaluate_text(const tenet::Policy& policy, const std::string& text, bool csv, bool because, unsigned threads,
                      const tenet::Portfolio* portfolio) {
  std::istringstream in(text);
  std::ostringstream out;
  tenet::BatchOptions options;
  options.threads = threads;
  options.csv = csv;
  options.explain = because;
  options.portfolio = portfolio;
  tenet::run_batch(policy, in, out, options);
  // The output lines read back with simdjson's document stream: a few hundred MB/s.
  Columns c;
  const simdjson::padded_string lines(out.str());
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document_stream stream = parser.iterate_many(lines, 1 << 24);
  const auto text_of = [](simdjson::ondemand::value v) { return std::string(std::string_view(v.get_string())); };
  const auto strings_of = [&](simdjson::ondemand::value v) {
    std::vector<std::string> out;
    for (auto item : v.get_array()) out.push_back(text_of(item.value()));
    return out;
  };
  for (auto document : stream) {
    simdjson::ondemand::object j = document.get_object();
    std::string id, error, kind, decision;
    std::optional<std::string> chosen;
    std::vector<std::string> fired, flags;
    std::map<std::string, std::string> texts;
    bool provisional = false, failed = false;
    for (auto field : j) {
      const std::string_view key = field.unescaped_key();
      simdjson::ondemand::value v = field.value();
      if (key == "id") {
        if (v.type() == simdjson::ondemand::json_type::string) id = text_of(v);
      } else if (key == "error") {
        failed = true;
        error = text_of(v);
      } else if (key == "kind") {
        kind = text_of(v);
      } else if (key == "decision") {
        if (v.type() == simdjson::ondemand::json_type::string) decision = text_of(v);
        else  // hit collect: the actions, joined as Decision::decision() joins them
          for (auto action : v.get_array()) decision += (decision.empty() ? "" : "+") + text_of(action.value());
      } else if (key == "chosen") {
        if (v.type() == simdjson::ondemand::json_type::string) chosen = text_of(v);
        else if (v.type() == simdjson::ondemand::json_type::array)
          for (auto rule : v.get_array()) {
            if (!chosen) chosen = text_of(rule.value());
          }
      } else if (key == "fired") {
        fired = strings_of(v);
      } else if (key == "flags") {
        flags = strings_of(v);
      } else if (key == "provisional") {
        provisional = v.get_bool();
      } else if (key == "because" && because) {
        for (auto rule : v.get_object()) texts.emplace(std::string(std::string_view(rule.unescaped_key())), text_of(rule.value()));
      }
    }
    c.id.push_back(std::move(id));
    c.decision.push_back(std::move(decision));
    c.chosen.push_back(std::move(chosen));
    c.fired.push_back(std::move(fired));
    c.flags.push_back(std::move(flags));
    c.provisional.push_back(provisional ? 1 : 0);
    if (because) c.because.push_back(std::move(texts));
    c.error.push_back(failed ? std::optional<std::string>(kind + ": " + error) : std::nullopt);
  }
  return c;
}

// A frame of text as CSV, column lists in: what pandas' to_csv writes, several times faster.
// A cell that holds a comma, a quote or a line break is quoted (quotes doubled); None is empty.
std::string csv_of(const std::vector<std::string>& names, const py::list& columns) {
  std::string out;
  const auto cell = [&](std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
      out += text;
      return;
    }
    out += '"';
    for (char ch : text) {
      if (ch == '"') out += '"';
      out += ch;
    }
    out += '"';
  };
  for (std::size_t k = 0; k < names.size(); ++k) {
    if (k) out += ',';
    cell(names[k]);
  }
  out += '\n';
  std::vector<py::list> lists;
  for (const auto& column : columns) lists.push_back(py::reinterpret_borrow<py::list>(column));
  const std::size_t rows = lists.empty() ? 0 : lists.front().size();
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t k = 0; k < lists.size(); ++k) {
      if (k) out += ',';
      PyObject* v = PyList_GET_ITEM(lists[k].ptr(), static_cast<Py_ssize_t>(i));
      if (PyUnicode_Check(v)) {
        Py_ssize_t size = 0;
        const char* text = PyUnicode_AsUTF8AndSize(v, &size);
        if (!text) throw py::error_already_set();
        cell(std::string_view(text, static_cast<std::size_t>(size)));
      }
    }
    out += '\n';
  }
  return out;
}

py::dict to_python(Columns&& c, bool because) {
  py::dict out;
  out["id"] = py::cast(std::move(c.id));
  out["decision"] = py::cast(std::move(c.decision));
  out["chosen"] = py::cast(std::move(c.chosen));
  out["fired"] = py::cast(std::move(c.fired));
  out["flags"] = py::cast(std::move(c.flags));
  std::vector<bool> provisional(c.provisional.begin(), c.provisional.end());
  out["provisional"] = py::cast(provisional);
  if (because) out["because"] = py::cast(std::move(c.because));
  out["error"] = py::cast(std::move(c.error));
  return out;
}

py::dict decision_dict(const tenet::Decision& d) {
  py::dict out;
  out["id"] = d.id();
  out["decision"] = d.decision();
  out["chosen"] = d.chosen_rule() ? py::object(py::str(*d.chosen_rule())) : py::object(py::none());
  out["fired"] = d.fired_rules();
  out["flags"] = d.flags();
  out["provisional"] = d.provisional();
  out["because"] = d.because();
  py::list unknown;
  for (const auto& u : d.unknown()) {
    py::dict item;
    item["rule"] = u.rule;
    item["missing"] = u.missing;
    if (!u.reason.empty()) item["reason"] = u.reason;
    unknown.append(item);
  }
  out["unknown"] = unknown;
  return out;
}

}  // namespace

PYBIND11_MODULE(_tenet, m) {
  m.doc() = "Tenet's native part: use the `tenet` package (tenet.Policy) rather than this module.";
  m.attr("__version__") = tenet::version();
  static py::exception<tenet::PolicyError> policy_error(m, "PolicyError");
  static py::exception<tenet::RecordError> record_error(m, "RecordError");
  // The diagnostics as data, on the exception: e.args == (text, [ {severity, file, line, column, message}, ... ]).
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const tenet::PolicyError& e) {
      py::list diagnostics;
      for (const auto& d : e.diagnostics()) {
        py::dict item;
        item["severity"] = d.severity == tenet::Diagnostic::Severity::error ? "error" : "warning";
        item["file"] = d.file;
        item["line"] = d.line;
        item["column"] = d.column;
        item["message"] = d.message;
        diagnostics.append(item);
      }
      PyErr_SetObject(policy_error.ptr(), py::make_tuple(e.what(), diagnostics).ptr());
    } catch (const tenet::RecordError& e) {
      PyErr_SetObject(record_error.ptr(),
                      py::make_tuple(e.what(), e.kind(), e.id() ? py::object(py::str(*e.id())) : py::object(py::none())).ptr());
    }
  });

  py::class_<tenet::Portfolio>(m, "Portfolio", "What percentile() ranks against: a portfolio read once.");
  py::class_<tenet::Policy>(m, "Policy")
      .def_static(
          "from_file",
          [](const std::string& path, std::optional<py::dict> params) { return tenet::Policy::from_file(path, params_of(params)); },
          py::arg("path"), py::arg("params") = py::none())
      .def_static(
          "from_text",
          [](const std::string& text, const std::string& name, std::optional<py::dict> params,
             std::optional<std::map<std::string, std::string>> imports) {
            // `imports`: path -> text, the files a pickled policy carries; none: the file system.
            tenet::ImportReader read;
            if (imports)
              read = [files = *imports](const std::string& path) {
                const auto it = files.find(path);
                if (it == files.end()) throw std::system_error(ENOENT, std::generic_category(), "not among the pickled imports");
                return it->second;
              };
            return tenet::Policy::from_text(text, name, params_of(params), read);
          },
          py::arg("text"), py::arg("name") = "<text>", py::arg("params") = py::none(), py::arg("imports") = py::none())
      .def_property_readonly("sources",
                             [](const tenet::Policy& p) {
                               py::list out;
                               for (const auto& s : p.sources()) out.append(py::make_tuple(s.path, s.text));
                               return out;
                             })
      .def_property_readonly("name", &tenet::Policy::name)
      .def_property_readonly("title", &tenet::Policy::title)
      .def_property_readonly("version", &tenet::Policy::version)
      .def_property_readonly("sha256", &tenet::Policy::sha256)
      .def_property_readonly("rules", &tenet::Policy::rules)
      .def_property_readonly("reads_portfolio", &tenet::Policy::reads_portfolio)
      .def_property_readonly("schema",
                             [](const tenet::Policy& p) {
                               py::list out;
                               for (const auto& f : p.schema()) out.append(py::make_tuple(f.name, f.type, f.optional, f.key));
                               return out;
                             })
      .def(
          "evaluate_json",
          [](const tenet::Policy& p, const std::string& json) { return decision_dict(tenet::Evaluator(p).evaluate_json(json)); },
          py::arg("json_object"))
      .def(
          "evaluate_text",
          [](const tenet::Policy& p, const std::string& text, bool csv, bool because, unsigned threads, const tenet::Portfolio* portfolio) {
            Columns c;
            {
              py::gil_scoped_release released;  // the evaluation touches no Python object
              c = evaluate_text(p, text, csv, because, threads, portfolio);
            }
            return to_python(std::move(c), because);
          },
          py::arg("text"), py::arg("csv") = false, py::arg("because") = false, py::arg("threads") = 0, py::arg("portfolio") = nullptr)
      .def(
          "evaluate_text_columns",
          [](const tenet::Policy& p, const std::vector<std::string>& names, const py::list& columns, bool because, unsigned threads,
             const tenet::Portfolio* portfolio) {
            const std::string text = csv_of(names, columns);
            Columns c;
            {
              py::gil_scoped_release released;
              c = evaluate_text(p, text, true, because, threads, portfolio);
            }
            return to_python(std::move(c), because);
          },
          py::arg("names"), py::arg("columns"), py::arg("because") = false, py::arg("threads") = 0, py::arg("portfolio") = nullptr)
      .def(
          "portfolio_of_file",
          [](const tenet::Policy& p, const std::string& path) {
            py::gil_scoped_release released;
            return tenet::Portfolio::from_file(p, path);
          },
          py::arg("path"));
}
