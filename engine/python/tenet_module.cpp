// The Python module's native part (`tenet._tenet`), on pybind11 and the embedding surface
// (<tenet/tenet.hpp>) only: a policy, and the evaluation of many records at once by the batch
// pipeline on all cores with the GIL released. engine/python/tenet/__init__.py turns pandas
// frames into JSON lines or CSV and the columns back into a frame.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
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

std::vector<std::string> strings(const nlohmann::json& j) {
  std::vector<std::string> out;
  if (j.is_array())
    for (const auto& item : j) out.push_back(item.get<std::string>());
  return out;
}

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
  Columns c;
  const std::string lines = out.str();
  for (std::size_t begin = 0; begin < lines.size();) {
    std::size_t end = lines.find('\n', begin);
    if (end == std::string::npos) end = lines.size();
    const auto j = nlohmann::json::parse(std::string_view(lines).substr(begin, end - begin));
    begin = end + 1;
    c.id.push_back(j.contains("id") && j["id"].is_string() ? j["id"].get<std::string>() : "");
    if (j.contains("error")) {
      c.error.push_back(j["kind"].get<std::string>() + ": " + j["error"].get<std::string>());
      c.decision.emplace_back(), c.chosen.emplace_back(), c.fired.emplace_back(), c.flags.emplace_back(), c.provisional.push_back(0);
      if (because) c.because.emplace_back();
      continue;
    }
    c.error.emplace_back();
    const auto& decision = j["decision"];
    if (decision.is_string()) {
      c.decision.push_back(decision.get<std::string>());
    } else {  // hit collect: the actions, joined as Decision::decision() joins them
      std::string joined;
      for (const auto& action : decision) joined += (joined.empty() ? "" : "+") + action.get<std::string>();
      c.decision.push_back(joined);
    }
    const auto& chosen = j["chosen"];
    c.chosen.push_back(chosen.is_string() ? std::optional<std::string>(chosen.get<std::string>())
                       : chosen.is_array() && !chosen.empty() ? std::optional<std::string>(chosen[0].get<std::string>())
                                                              : std::nullopt);
    c.fired.push_back(strings(j["fired"]));
    c.flags.push_back(strings(j["flags"]));
    c.provisional.push_back(j.value("provisional", false) ? 1 : 0);
    if (because) c.because.push_back(j.value("because", std::map<std::string, std::string>{}));
  }
  return c;
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
      PyErr_SetObject(record_error.ptr(), py::make_tuple(e.what(), e.kind(), e.id() ? py::object(py::str(*e.id())) : py::object(py::none())).ptr());
    }
  });

  py::class_<tenet::Portfolio>(m, "Portfolio", "What percentile() ranks against: a portfolio read once.");
  py::class_<tenet::Policy>(m, "Policy")
      .def_static("from_file", [](const std::string& path, std::optional<py::dict> params) { return tenet::Policy::from_file(path, params_of(params)); },
                  py::arg("path"), py::arg("params") = py::none())
      .def_static("from_text",
                  [](const std::string& text, const std::string& name, std::optional<py::dict> params) {
                    return tenet::Policy::from_text(text, name, params_of(params));
                  },
                  py::arg("text"), py::arg("name") = "<text>", py::arg("params") = py::none())
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
      .def("evaluate_json", [](const tenet::Policy& p, const std::string& json) { return decision_dict(tenet::Evaluator(p).evaluate_json(json)); },
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
      .def("portfolio_of_file", [](const tenet::Policy& p, const std::string& path) {
            py::gil_scoped_release released;
            return tenet::Portfolio::from_file(p, path);
          }, py::arg("path"));
}
