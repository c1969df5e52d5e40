// A comment never changes what a policy means: put between any two tokens, it leaves the AST as it
// was (tests/fuzz/comment_insertion.hpp; the libFuzzer harness fuzz_comments does the same on
// mutated policies).
#include <catch2/catch.hpp>

#include <filesystem>

#include "dsl/formatter.hpp"
#include "dsl/parser.hpp"
#include "dsl/printer.hpp"
#include "helpers.hpp"
#include "tests/fuzz/ast_equal.hpp"
#include "tests/fuzz/comment_insertion.hpp"

namespace fs = std::filesystem;
using tenet::core::parse;
using tenet::core::SourceFile;
using tenet::core::testing::same_module;
using tenet::core::testing::token_boundaries;
using tenet::core::testing::with_comment_at;
using tenet::core::testing::with_comments_everywhere;

namespace {

std::string printed(const std::string& text) {
  SourceFile source("t.tenet", text);
  auto result = parse(source);
  INFO(tenet::core::render(source, result.diagnostics));
  REQUIRE_FALSE(result.diagnostics.has_errors());
  return tenet::core::print_policy(result.module);
}

}  // namespace

TEST_CASE("comments: the reproductions of a comment that changed a policy's meaning") {
  // `is # not missing` was read as `is missing`: the action searched the matched text.
  CHECK(printed("let a = x is # not missing\n present\n") == "let a = x is present\n");
  CHECK(printed("let a = x is # present?\n missing\n") == "let a = x is missing\n");
  // `set< # account numbers` was read as set<number>.
  CHECK(printed("schema s {\n  tags: set< # account numbers\n string>\n}\n") == "schema s {\n  tags: set<string>\n}\n");
  CHECK(printed("param p: list< # not a string\n number> = []\n") == "param p: list<number> = []\n");
  CHECK(printed("decision d { hit # first\n priority default keep }\n") == "decision d {\n  hit priority\n  default keep\n}\n");
}

TEST_CASE("comments: allowed wherever whitespace is, also between a literal's items and before a field's modifiers") {
  CHECK(printed("let a = {\"x\", # the first\n \"y\"}\n") == "let a = {\"x\", \"y\"}\n");
  CHECK(printed("let a = [1 # one\n , 2]\n") == "let a = [1, 2]\n");
  CHECK(printed("schema s {\n  id: string # the id\n key\n  n: number # may be absent\n optional\n}\n") ==
        "schema s {\n  id: string key\n  n: number optional\n}\n");
  // `key` and `optional` followed by ':' are fields, as before.
  CHECK(printed("schema s {\n  id: string key\n  key: number\n  optional: bool optional\n}\n") ==
        "schema s {\n  id: string key\n  key: number\n  optional: bool optional\n}\n");
}

TEST_CASE("comments: the boundaries between tokens") {
  using V = std::vector<std::size_t>;
  CHECK(token_boundaries("let a = -20 - x") == V{3, 5, 7, 11, 13});
  CHECK(token_boundaries("when a>=1e-3 # c\n then") == V{4, 6, 8, 12});
  CHECK(token_boundaries("because \"{f(\"a\")} b\" tags") == V{7, 20});
  CHECK(token_boundaries("recommend x priority -5 }") == V{9, 11, 20, 23});
  CHECK(token_boundaries("a between -0 and -1") == V{1, 9, 12, 16});
  CHECK(token_boundaries("a > --1e-3 - 2") == V{1, 3, 10, 12});
  // A template's hole may span lines: the string is one token to its closing quote (a fuzz finding).
  CHECK(token_boundaries("because \"a {x\n  } b\" tags") == V{7, 20});
}

TEST_CASE("comments: every policy of the repository parses the same with a comment between every two tokens") {
  int files = 0, singles = 0;
  for (const char* dir : {"rules", "bench", "tests/spec", "tests/golden/check", "tests/golden/eval", "examples"}) {
    for (const auto& entry : fs::directory_iterator(fs::path(TENET_SOURCE_DIR) / dir)) {
      if (entry.path().extension() != ".tenet") continue;
      const std::string text = test::read_file(entry.path().string());
      const SourceFile source(entry.path().string(), text);
      const auto original = parse(source);
      if (original.diagnostics.has_errors()) continue;  // the golden cases of syntax errors
      ++files;
      INFO(entry.path().string());
      const SourceFile everywhere("everywhere.tenet", with_comments_everywhere(text));
      const auto commented = parse(everywhere);
      INFO(everywhere.text());
      CHECK_FALSE(commented.diagnostics.has_errors());
      CHECK(same_module(original.module, commented.module));
      // One comment at a time at each boundary of the library (its own shapes in every place).
      if (std::string(dir) != "rules") continue;
      for (const std::size_t at : token_boundaries(text)) {
        const SourceFile one("one.tenet", with_comment_at(text, at));
        const auto reparsed = parse(one);
        ++singles;
        if (reparsed.diagnostics.has_errors() || !same_module(original.module, reparsed.module)) {
          FAIL("a comment at offset " << at << " changed the AST:\n" << one.text());
        }
      }
    }
  }
  CHECK(files > 60);
  CHECK(singles > 1000);
}
