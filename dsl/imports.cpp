#include "dsl/imports.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "dsl/checker.hpp"
#include "dsl/limits.hpp"
#include "dsl/parser.hpp"

namespace tenet::core {

namespace {

// What a file offers its importers: schemas, params, lets and rules (never its policy or decision).
enum class DeclKind : std::uint8_t { schema, param, let, rule };

// One declaration of one parsed file.
struct DeclRef {
  std::size_t unit = 0;
  DeclKind kind = DeclKind::schema;
  std::size_t index = 0;
  auto operator<=>(const DeclRef&) const = default;
};

// A declaration a file offers; for a schema taken by a selective import, only the fields
// the selected declarations read (and the key).
struct Offer {
  DeclRef ref;
  std::optional<std::set<std::string>> fields;  // none: every field
};

// One parsed file and, once its imports are resolved, what it offers (imports first).
struct Unit {
  std::string path;  // as the SourceSet names it: joined to the importer's directory
  ast::Module module;
  bool resolved = false;
  std::vector<Offer> offers;
};

// The names a declaration refers to: names in its expressions, fired(RULE), flagged(FLAG).
void collect_names(const ast::Expr& e, std::vector<std::string>& names, std::vector<std::string>& flags) {
  if (e.kind == ast::ExprKind::name) names.push_back(e.name);
  const bool flagged = e.kind == ast::ExprKind::call && e.name == "flagged";
  for (const auto& operand : e.operands) {
    if (flagged && operand->kind == ast::ExprKind::name) flags.push_back(operand->name);
    else collect_names(*operand, names, flags);
  }
}

class Loader {
 public:
  Loader(SourceSet& sources, const ReadFile& read) : sources_(sources), read_(read) {}

  LoadResult run() {
    units_.push_back({sources_.root().path(), parse_file(sources_.root()), false, {}});
    std::vector<std::size_t> stack;
    resolve(0, stack);
    return {merge(), std::move(diagnostics_)};
  }

 private:
  ast::Module parse_file(const SourceFile& file) {
    ParseResult parsed = parse(file);
    diagnostics_.append(parsed.diagnostics);
    return std::move(parsed.module);
  }

  void resolve(std::size_t u, std::vector<std::size_t>& stack) {
    stack.push_back(u);
    std::vector<Offer> offers;
    std::map<DeclRef, std::size_t> seen;  // where in `offers`
    const auto offer = [&](const Offer& o) {
      auto [it, inserted] = seen.emplace(o.ref, offers.size());
      if (inserted) {
        offers.push_back(o);
        return;
      }
      auto& fields = offers[it->second].fields;  // reached twice: what either import takes
      if (!o.fields) fields.reset();
      else if (fields) fields->insert(o.fields->begin(), o.fields->end());
    };
    for (std::size_t i = 0; i < units_[u].module.imports.size(); ++i) {
      const ast::ImportDecl im = units_[u].module.imports[i];  // a copy: open() may grow units_
      const auto target = open(u, im, stack);
      if (!target) {  // what it would have brought is unknown: the checker stays quiet about it
        units_[u].module.incomplete = true;
        units_[u].module.broken.push_back({"import", "", {}});
        continue;
      }
      for (const Offer& o : im.names.empty() ? units_[*target].offers : select(*target, im)) offer(o);
    }
    const ast::Module& m = units_[u].module;
    for (std::size_t i = 0; i < m.schemas.size(); ++i) offer({{u, DeclKind::schema, i}, std::nullopt});
    for (std::size_t i = 0; i < m.params.size(); ++i) offer({{u, DeclKind::param, i}, std::nullopt});
    for (std::size_t i = 0; i < m.lets.size(); ++i) offer({{u, DeclKind::let, i}, std::nullopt});
    for (std::size_t i = 0; i < m.rules.size(); ++i) offer({{u, DeclKind::rule, i}, std::nullopt});
    units_[u].offers = std::move(offers);
    units_[u].resolved = true;
    stack.pop_back();
  }

  // The unit an import names, parsed and resolved; nullopt (and a diagnostic) when it cannot be.
  std::optional<std::size_t> open(std::size_t from, const ast::ImportDecl& im, std::vector<std::size_t>& stack) {
    const std::filesystem::path base = std::filesystem::path(units_[from].path).parent_path();
    const std::string path = (base / im.path).lexically_normal().generic_string();
    for (std::size_t i = 0; i < units_.size(); ++i) {
      if (units_[i].path != path) continue;
      if (units_[i].resolved) return i;
      // On the stack: the import closes a cycle. Name it as the path of files around it.
      std::string cycle;
      auto at = std::find(stack.begin(), stack.end(), i);
      for (; at != stack.end(); ++at) cycle += units_[*at].path + " -> ";
      diagnostics_.error(im.path_range, fmt::format("import cycle: {}{}", cycle, path));
      return std::nullopt;
    }
    if (units_.size() - 1 >= limits::kMaxImportedFiles) {  // units_[0] is the root
      diagnostics_.error(im.path_range, fmt::format("too many imported files; the limit is {}", limits::kMaxImportedFiles));
      return std::nullopt;
    }
    std::string text, error;
    if (!read_(path, text, error)) {
      diagnostics_.error(im.path_range, fmt::format("cannot import '{}': {}", path, error));
      return std::nullopt;
    }
    const SourceFile& file = sources_.add(path, std::move(text));
    const std::size_t unit = units_.size();
    units_.push_back({path, parse_file(file), false, {}});
    resolve(unit, stack);
    return unit;
  }

  // The named declarations of `target`'s offer and all they depend on, in the offer's order,
  // and the schema with the fields they read (and the key): a record is checked against the
  // fields a policy uses, not against every field of the library.
  std::vector<Offer> select(std::size_t target, const ast::ImportDecl& im) {
    std::map<std::string, DeclRef> by_name;
    std::map<std::string, std::vector<DeclRef>> setters;  // flag -> the rules that set it
    std::vector<std::string> candidates;
    for (const auto& [ref, fields] : units_[target].offers) {
      const std::string* name = nullptr;
      switch (ref.kind) {
        case DeclKind::schema: break;
        case DeclKind::param: name = &param(ref).name.text; break;
        case DeclKind::let: name = &let(ref).name.text; break;
        case DeclKind::rule: {
          const ast::RuleDecl& r = rule(ref);
          name = &r.name.text;
          if (r.then && r.then->kind == ast::ActionClause::Kind::flag) setters[r.then->name.text].push_back(ref);
          break;
        }
      }
      if (name) {
        by_name.emplace(*name, ref);
        candidates.push_back(*name);
      }
    }
    std::set<DeclRef> chosen;
    std::set<std::string> read;  // every name the chosen declarations read: the fields among them are kept
    std::vector<DeclRef> work;
    const auto want = [&](DeclRef ref) {
      if (chosen.insert(ref).second) work.push_back(ref);
    };
    for (const auto& name : im.names) {
      auto it = by_name.find(name.text);
      if (it != by_name.end()) {
        want(it->second);
        continue;
      }
      units_[target].module.incomplete = true;  // as if the name had failed to parse there
      units_[target].module.broken.push_back({"import", name.text, {}});
      const auto suggestion = closest(name.text, candidates);
      diagnostics_.error(name.range, fmt::format("'{}' is not a rule, let or param of '{}'{}", name.text, units_[target].path,
                                                 suggestion ? fmt::format("; did you mean '{}'?", *suggestion) : ""));
    }
    while (!work.empty()) {
      const DeclRef ref = work.back();
      work.pop_back();
      std::vector<std::string> names, flags;
      if (ref.kind == DeclKind::let) collect_names(*let(ref).value, names, flags);
      if (ref.kind == DeclKind::rule) {
        const ast::RuleDecl& r = rule(ref);
        if (r.when) collect_names(*r.when, names, flags);
        if (r.because)
          for (const auto& part : r.because->parts)
            if (part.expr) collect_names(*part.expr, names, flags);
      }
      for (const auto& name : names) {
        read.insert(name);
        if (auto it = by_name.find(name); it != by_name.end()) want(it->second);
      }
      for (const auto& flag : flags)
        if (auto it = setters.find(flag); it != setters.end())
          for (const DeclRef& setter : it->second) want(setter);
    }
    std::vector<Offer> out;
    for (const auto& [ref, fields] : units_[target].offers) {
      if (chosen.count(ref)) out.push_back({ref, std::nullopt});
      if (ref.kind != DeclKind::schema) continue;
      std::set<std::string> kept;
      for (const auto& name : read)
        if (!fields || fields->count(name)) kept.insert(name);
      out.push_back({ref, std::move(kept)});
    }
    return out;
  }

  // The root's module: what it imports, then its own declarations; same-named schemas merged.
  ast::Module merge() {
    ast::Module out;
    ast::Module& root = units_[0].module;
    out.policies = std::move(root.policies);
    out.decisions = std::move(root.decisions);
    for (const Offer& offer : units_[0].offers) {
      const DeclRef& ref = offer.ref;
      const auto& fields = offer.fields;  // a name, not a structured binding: lambdas capture it
      ast::Module& m = units_[ref.unit].module;
      switch (ref.kind) {
        case DeclKind::schema: {
          ast::SchemaDecl& schema = m.schemas[ref.index];
          if (fields) {
            std::erase_if(schema.fields, [&](const ast::FieldDecl& f) { return !f.is_key && !fields->count(f.name.text); });
          }
          auto same = std::find_if(out.schemas.begin(), out.schemas.end(),
                                   [&](const ast::SchemaDecl& s) { return s.name.text == schema.name.text; });
          if (same == out.schemas.end()) {
            out.schemas.push_back(std::move(schema));
          } else {
            for (auto& field : schema.fields) same->fields.push_back(std::move(field));
          }
          break;
        }
        case DeclKind::param: out.params.push_back(std::move(m.params[ref.index])); break;
        case DeclKind::let: out.lets.push_back(std::move(m.lets[ref.index])); break;
        case DeclKind::rule: out.rules.push_back(std::move(m.rules[ref.index])); break;
      }
    }
    for (Unit& unit : units_) {
      out.incomplete = out.incomplete || unit.module.incomplete;
      for (auto& broken : unit.module.broken) out.broken.push_back(std::move(broken));
    }
    return out;
  }

  const ast::ParamDecl& param(DeclRef r) const { return units_[r.unit].module.params[r.index]; }
  const ast::LetDecl& let(DeclRef r) const { return units_[r.unit].module.lets[r.index]; }
  const ast::RuleDecl& rule(DeclRef r) const { return units_[r.unit].module.rules[r.index]; }

  SourceSet& sources_;
  const ReadFile& read_;
  std::vector<Unit> units_;
  Diagnostics diagnostics_;
};

}  // namespace

LoadResult load(SourceSet& sources, const ReadFile& read) { return Loader(sources, read).run(); }

}  // namespace tenet::core
