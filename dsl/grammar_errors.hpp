// What a user reads when the grammar fails at a must<> point: one message per named rule.
// must_if<> static_asserts that every rule that can raise has one.
#pragma once

#include "dsl/grammar.hpp"

namespace tenet::core::grammar {

template <typename Rule>
inline constexpr const char* error_message = nullptr;

// clang-format off
template <> inline constexpr auto error_message<exponent_digits> = "expected digits after the exponent 'e'";
template <> inline constexpr auto error_message<escape_char> = "unknown escape; expected one of \\\" \\\\ \\n \\t \\{ \\}";
template <> inline constexpr auto error_message<string_close> = "unterminated string; expected '\"' before the end of the line";
template <> inline constexpr auto error_message<paren_expr> = "expected an expression after '('";
template <> inline constexpr auto error_message<paren_close> = "expected ')' to close '('";
template <> inline constexpr auto error_message<set_close> = "expected ',' or '}' in the set literal (items are numbers or strings)";
template <> inline constexpr auto error_message<list_close> = "expected ',' or ']' in the list literal (items are numbers or strings)";
template <> inline constexpr auto error_message<call_arg> = "expected an argument after ','";
template <> inline constexpr auto error_message<call_close> = "expected ',' or ')' in the argument list";
template <> inline constexpr auto error_message<negate_operand> = "expected a value after '-'";
template <> inline constexpr auto error_message<mul_operand> = "expected a value after the operator";
template <> inline constexpr auto error_message<add_operand> = "expected a value after the operator";
template <> inline constexpr auto error_message<compare_operand> = "expected a value after the comparison";
template <> inline constexpr auto error_message<in_operand> = "expected a set or list after 'in'";
template <> inline constexpr auto error_message<between_low> = "expected the lower bound after 'between'";
template <> inline constexpr auto error_message<between_and> = "expected 'and' between the bounds of 'between'";
template <> inline constexpr auto error_message<between_high> = "expected the upper bound after 'and'";
template <> inline constexpr auto error_message<missing_or_present> = "expected 'missing' or 'present' after 'is'";
template <> inline constexpr auto error_message<not_operand> = "expected a condition after 'not'";
template <> inline constexpr auto error_message<and_operand> = "expected a condition after 'and'";
template <> inline constexpr auto error_message<or_operand> = "expected a condition after 'or'";
template <> inline constexpr auto error_message<element_type> = "expected 'string' or 'number' as the element type";
template <> inline constexpr auto error_message<type_open> = "expected '<' after 'list' or 'set'";
template <> inline constexpr auto error_message<type_close> = "expected '>' to close the element type";
template <> inline constexpr auto error_message<policy_name> = "expected the policy name after 'policy'";
template <> inline constexpr auto error_message<policy_title> = "expected the policy title as a string, as in policy NAME \"Title\" version \"1.0.0\"";
template <> inline constexpr auto error_message<version_keyword> = "expected 'version' after the policy title";
template <> inline constexpr auto error_message<version_string> = "expected the version as a string after 'version', as in version \"1.0.0\"";
template <> inline constexpr auto error_message<schema_name> = "expected the schema name after 'schema'";
template <> inline constexpr auto error_message<schema_open> = "expected '{' after the schema name";
template <> inline constexpr auto error_message<schema_close> = "expected a field (name: type) or '}' to close the schema";
template <> inline constexpr auto error_message<field_colon> = "expected ':' after the field name";
template <> inline constexpr auto error_message<field_type> = "expected a type: number, string, bool, date, list<string>, list<number> or set<string>";
template <> inline constexpr auto error_message<param_name> = "expected the parameter name after 'param'";
template <> inline constexpr auto error_message<param_colon> = "expected ':' and a type after the parameter name";
template <> inline constexpr auto error_message<param_type> = "expected a type: number, string, bool, date, list<string>, list<number> or set<string>";
template <> inline constexpr auto error_message<param_equals> = "expected '=' and a default value after the parameter type";
template <> inline constexpr auto error_message<param_value> = "expected a literal value after '='";
template <> inline constexpr auto error_message<let_name> = "expected a name after 'let'";
template <> inline constexpr auto error_message<let_equals> = "expected '=' after the name of the let";
template <> inline constexpr auto error_message<let_value> = "expected an expression after '='";
template <> inline constexpr auto error_message<rule_name> = "expected the rule name after 'rule'";
template <> inline constexpr auto error_message<rule_open> = "expected '{' after the rule name";
template <> inline constexpr auto error_message<rule_close> = "expected a rule clause (title, source, when, then, because, tags) or '}' to close the rule";
template <> inline constexpr auto error_message<rule_title> = "expected a string after 'title'";
template <> inline constexpr auto error_message<rule_source> = "expected a string after 'source'";
template <> inline constexpr auto error_message<when_condition> = "expected a condition after 'when'";
template <> inline constexpr auto error_message<rule_action> = "expected 'recommend ACTION' or 'flag NAME' after 'then'";
template <> inline constexpr auto error_message<action_name> = "expected the action name after 'recommend'";
template <> inline constexpr auto error_message<priority_value> = "expected a whole number after 'priority'";
template <> inline constexpr auto error_message<flag_name> = "expected the flag name after 'flag'";
template <> inline constexpr auto error_message<because_template> = "expected a string after 'because'";
template <> inline constexpr auto error_message<template_expr> = "expected an expression inside '{ }'; write \\{ for a literal brace";
template <> inline constexpr auto error_message<template_close> = "expected '}' to close the interpolation";
template <> inline constexpr auto error_message<stray_brace> = "unmatched '}' in the text; write \\} for a literal brace";
template <> inline constexpr auto error_message<tag_name> = "expected a tag name";
template <> inline constexpr auto error_message<decision_name> = "expected the decision name after 'decision'";
template <> inline constexpr auto error_message<decision_open> = "expected '{' after the decision name";
template <> inline constexpr auto error_message<decision_close> = "expected 'hit', 'default' or '}' to close the decision";
template <> inline constexpr auto error_message<hit_policy> = "expected 'priority', 'first' or 'collect' after 'hit'";
template <> inline constexpr auto error_message<default_action> = "expected the default action name after 'default'";
template <> inline constexpr auto error_message<import_path> = "expected the imported file as a string, as in import \"library.tenet\" or import { rule_a, rule_b } from \"library.tenet\"";
template <> inline constexpr auto error_message<import_name> = "expected the name of a rule, let or param to import";
template <> inline constexpr auto error_message<import_names_close> = "expected ',' or '}' in the list of imported names";
template <> inline constexpr auto error_message<import_from> = "expected 'from' and the imported file after the imported names";
template <> inline constexpr auto error_message<percentile_field> = "expected a field name: percentile takes a field, as in percentile(revenue) or percentile(revenue by segment)";
template <> inline constexpr auto error_message<percentile_group> = "expected the field to group by after 'by', as in percentile(revenue by segment)";
template <> inline constexpr auto error_message<percentile_close> = "expected 'by GROUP' or ')': percentile takes a field, as in percentile(revenue) or percentile(revenue by segment)";
// clang-format on

struct errors {
  template <typename Rule>
  static constexpr const char* message = error_message<Rule>;
};

}  // namespace tenet::core::grammar
