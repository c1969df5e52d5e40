// A program that embeds Tenet through its installed package only: <tenet/tenet.hpp>, and
// find_package(Tenet) (cmake/) or pkg-config (pkgconfig/). Usage: consumer POLICY
// It prints what it checks and exits 1 at the first surprise.
#include <tenet/tenet.hpp>

#include <iostream>
#include <sstream>

namespace {

int failures = 0;
void expect(bool ok, const std::string& what) {
  std::cout << (ok ? "ok: " : "FAILED: ") << what << "\n";
  failures += ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  expect(std::string(tenet::version()) == TENET_VERSION_STRING, std::string("version ") + tenet::version());
  const auto policy = tenet::Policy::from_file(argv[1], {{"thin_margin_rate", 0.15}});
  expect(policy.name() == "customer_focus", "the policy is named customer_focus");
  tenet::Evaluator evaluator(policy);
  const tenet::Decision d = evaluator.evaluate_json(
      R"({"id":"C1","segment":"mid","annual_revenue":80000,"cost_to_serve":120000,"tenure_years":4,"satisfaction":4})");
  expect(d.decision() == "release" && d.chosen_rule() == std::optional<std::string>("release_unprofitable"),
         "C1 is released by release_unprofitable: " + d.to_json());
  expect(d.because().size() == 1 &&
             d.because()[0] == "serving C1 costs 120000 a year but brings 80000, and it is not a satisfied, loyal customer",
         "its because text");
  // A set given out of order and repeated means what it means sorted: the builder enforces it.
  tenet::RecordBuilder builder(policy);
  const auto a = evaluator.evaluate(builder.set("id", "C2").set("expectations", std::vector<std::string>{"b", "a", "a"}).build());
  expect(a.id() == "C2", "a record built field by field");
  try {
    evaluator.evaluate_json(R"({"id":"C3","annual_revenue":"lots"})");
    expect(false, "a string for a number is refused");
  } catch (const tenet::RecordError& e) {
    expect(e.kind() == "wrong_type" && e.id() == std::optional<std::string>("C3") &&
               std::string(e.what()) == "field `annual_revenue` is a string, expected number",
           std::string("a record error: ") + e.what());
  }
  try {
    tenet::Policy::from_text(
        "policy p \"P\" version \"1\"\nschema s { id: string key }\nrule r { when nope > 1 then recommend x }\n"
        "decision d { hit priority default keep }\n",
        "broken.tenet");
    expect(false, "a broken policy is refused");
  } catch (const tenet::PolicyError& e) {
    const auto& d = e.diagnostics();
    expect(d.size() == 1 && d[0].file == "broken.tenet" && d[0].line == 3 && d[0].column == 15 &&
               d[0].message == "unknown name 'nope' (not a field, param or let)",
           "a policy error with its diagnostics: " + (d.empty() ? std::string("none") : d[0].message));
  }
  std::istringstream in("{\"id\":\"A\",\"annual_revenue\":100,\"cost_to_serve\":300,\"tenure_years\":2}\nnot json\n");
  std::ostringstream out;
  const auto summary = tenet::run_batch(policy, in, out);
  expect(summary.records == 2 && summary.decided == 1 && summary.errors == 1, "a batch over streams: 2 records, 1 decided, 1 error");
  return failures ? 1 : 0;
}
