// The PEGTL grammar of the policy language: rules only, no actions.
// Every rule that appears under must<> is a named rule with its own message in
// grammar_errors.hpp, so no raw rule name ever reaches a user.
// Included by dsl/parser.cpp only.
#pragma once

#include <tao/pegtl.hpp>

namespace tenet::core::grammar {

namespace p = tao::pegtl;

// ---- lexical ---------------------------------------------------------------
struct comment : p::seq<p::one<'#'>, p::until<p::eolf>> {};
struct ws : p::star<p::sor<p::space, comment>> {};
struct comma : p::one<','> {};

struct kw_and : TAO_PEGTL_KEYWORD("and") {};
struct kw_or : TAO_PEGTL_KEYWORD("or") {};
struct kw_not : TAO_PEGTL_KEYWORD("not") {};
struct kw_in : TAO_PEGTL_KEYWORD("in") {};
struct kw_between : TAO_PEGTL_KEYWORD("between") {};
struct kw_is : TAO_PEGTL_KEYWORD("is") {};
struct kw_missing : TAO_PEGTL_KEYWORD("missing") {};
struct kw_present : TAO_PEGTL_KEYWORD("present") {};
struct kw_true : TAO_PEGTL_KEYWORD("true") {};
struct kw_false : TAO_PEGTL_KEYWORD("false") {};
struct kw_policy : TAO_PEGTL_KEYWORD("policy") {};
struct kw_schema : TAO_PEGTL_KEYWORD("schema") {};
struct kw_param : TAO_PEGTL_KEYWORD("param") {};
struct kw_let : TAO_PEGTL_KEYWORD("let") {};
struct kw_rule : TAO_PEGTL_KEYWORD("rule") {};
struct kw_decision : TAO_PEGTL_KEYWORD("decision") {};
struct kw_when : TAO_PEGTL_KEYWORD("when") {};
struct kw_then : TAO_PEGTL_KEYWORD("then") {};
struct kw_because : TAO_PEGTL_KEYWORD("because") {};
// Contextual keywords: recognised only where they can stand, so they stay usable as names.
struct kw_version : TAO_PEGTL_KEYWORD("version") {};
struct kw_key : TAO_PEGTL_KEYWORD("key") {};
struct kw_optional : TAO_PEGTL_KEYWORD("optional") {};
struct kw_title : TAO_PEGTL_KEYWORD("title") {};
struct kw_source : TAO_PEGTL_KEYWORD("source") {};
struct kw_tags : TAO_PEGTL_KEYWORD("tags") {};
struct kw_recommend : TAO_PEGTL_KEYWORD("recommend") {};
struct kw_flag : TAO_PEGTL_KEYWORD("flag") {};
struct kw_priority : TAO_PEGTL_KEYWORD("priority") {};
struct kw_hit : TAO_PEGTL_KEYWORD("hit") {};
struct kw_default : TAO_PEGTL_KEYWORD("default") {};
struct kw_first : TAO_PEGTL_KEYWORD("first") {};
struct kw_collect : TAO_PEGTL_KEYWORD("collect") {};
struct kw_number : TAO_PEGTL_KEYWORD("number") {};
struct kw_string : TAO_PEGTL_KEYWORD("string") {};
struct kw_bool : TAO_PEGTL_KEYWORD("bool") {};
struct kw_date : TAO_PEGTL_KEYWORD("date") {};
struct kw_list : TAO_PEGTL_KEYWORD("list") {};
struct kw_set : TAO_PEGTL_KEYWORD("set") {};
struct kw_import : TAO_PEGTL_KEYWORD("import") {};
struct kw_from : TAO_PEGTL_KEYWORD("from") {};

// Reserved words cannot name anything.
struct reserved : p::sor<kw_and, kw_or, kw_not, kw_in, kw_between, kw_is, kw_missing, kw_present, kw_true, kw_false, kw_policy, kw_schema,
                         kw_param, kw_let, kw_rule, kw_decision, kw_when, kw_then, kw_because> {};
struct name : p::seq<p::not_at<reserved>, p::identifier> {};

// Numbers: 12, 3.5, 1_000_000, 1e6, 30%.
struct digits : p::seq<p::plus<p::digit>, p::star<p::one<'_'>, p::plus<p::digit>>> {};
struct exponent_digits : p::plus<p::digit> {};
struct exponent : p::seq<p::one<'e', 'E'>, p::opt<p::one<'+', '-'>>, p::must<exponent_digits>> {};
struct number_body : p::seq<digits, p::opt<p::one<'.'>, digits>, p::opt<exponent>, p::opt<p::one<'%'>>> {};
struct number_lit : number_body {};
struct signed_number_lit : p::seq<p::opt<p::one<'-'>>, number_body> {};

// Strings: "..." with \" \\ \n \t \{ \}.
struct escape_char : p::one<'"', '\\', 'n', 't', '{', '}'> {};
struct escape : p::seq<p::one<'\\'>, p::must<escape_char>> {};
struct string_close : p::one<'"'> {};
struct quoted : p::seq<p::one<'"'>, p::star<p::sor<escape, p::not_one<'"', '\\', '\n', '\r'>>>, p::must<string_close>> {};
struct string_lit : quoted {};

// ---- expressions -------------------------------------------------------------
// Nesting constructs are OPENER followed by a *_body rule: the parser counts depth on the
// bodies, which are entered only once the opener matched.
struct expr;

struct paren_expr : p::seq<expr> {};
struct paren_close : p::one<')'> {};
struct paren_body : p::seq<ws, p::must<paren_expr>, ws, p::must<paren_close>> {};
struct paren : p::seq<p::one<'('>, paren_body> {};

struct true_lit : kw_true {};
struct false_lit : kw_false {};

struct collection_item : p::sor<signed_number_lit, string_lit> {};
struct set_open : p::one<'{'> {};
struct set_close : p::one<'}'> {};
// Between items, any whitespace or comment, as between any two tokens.
struct item_padding : p::sor<p::space, comment> {};
struct set_body : p::seq<ws, p::opt<p::list<collection_item, comma, item_padding>>, ws, p::must<set_close>> {};
struct set_lit : p::seq<set_open, set_body> {};
struct list_open : p::one<'['> {};
struct list_close : p::one<']'> {};
struct list_body : p::seq<ws, p::opt<p::list<collection_item, comma, item_padding>>, ws, p::must<list_close>> {};
struct list_lit : p::seq<list_open, list_body> {};

struct function_name : name {};
struct first_call_arg : p::seq<expr> {};
struct call_arg : p::seq<expr> {};
struct call_close : p::one<')'> {};
struct call_args : p::seq<first_call_arg, p::star<ws, comma, ws, p::must<call_arg>>> {};
struct call_body : p::seq<function_name, ws, p::one<'('>, ws, p::opt<call_args>, ws, p::must<call_close>> {};
struct call : p::seq<p::at<name, ws, p::one<'('>>, call_body> {};
struct name_ref : name {};

// percentile(FIELD) or percentile(FIELD by GROUP): fields, not expressions (a portfolio-wide
// distribution is of a field's values).
struct kw_percentile : TAO_PEGTL_KEYWORD("percentile") {};
struct kw_by : TAO_PEGTL_KEYWORD("by") {};
struct percentile_name : kw_percentile {};
struct percentile_field : name {};
struct percentile_group : name {};
struct percentile_close : p::one<')'> {};
struct percentile_body : p::seq<percentile_name, ws, p::one<'('>, ws, p::must<percentile_field>,
                                p::opt<ws, kw_by, ws, p::must<percentile_group>>, ws, p::must<percentile_close>> {};
struct percentile_call : p::seq<p::at<kw_percentile, ws, p::one<'('>>, percentile_body> {};

struct primary : p::sor<paren, number_lit, string_lit, true_lit, false_lit, set_lit, list_lit, percentile_call, call, name_ref> {};

struct unary;
struct negate_operand : p::seq<unary> {};
struct negate_body : p::seq<ws, p::must<negate_operand>> {};
struct negate : p::seq<p::one<'-'>, negate_body> {};
struct unary : p::sor<negate, primary> {};

// Each operator is a rule of its own with its own action, so that the parser never reads an
// operator back from matched text.
struct op_mul : p::one<'*'> {};
struct op_div : p::one<'/'> {};
struct op_intersect : p::one<'&'> {};
struct mul_op : p::sor<op_mul, op_div, op_intersect> {};
struct mul_operand : unary {};
struct mul_tail : p::seq<ws, mul_op, ws, p::must<mul_operand>> {};
struct multiplicative : p::seq<unary, p::star<mul_tail>> {};

struct op_add : p::one<'+'> {};
struct op_sub : p::one<'-'> {};
struct op_unite : p::one<'|'> {};
struct add_op : p::sor<op_add, op_sub, op_unite> {};
struct add_operand : multiplicative {};
struct add_tail : p::seq<ws, add_op, ws, p::must<add_operand>> {};
struct additive : p::seq<multiplicative, p::star<add_tail>> {};

struct op_le : p::string<'<', '='> {};
struct op_ge : p::string<'>', '='> {};
struct op_eq : p::string<'=', '='> {};
struct op_ne : p::string<'!', '='> {};
struct op_lt : p::one<'<'> {};
struct op_gt : p::one<'>'> {};
struct compare_op : p::sor<op_le, op_ge, op_eq, op_ne, op_lt, op_gt> {};
struct compare_operand : additive {};
struct compare_tail : p::seq<ws, compare_op, ws, p::must<compare_operand>> {};
struct in_operand : additive {};
struct in_tail : p::seq<ws, kw_in, ws, p::must<in_operand>> {};
struct not_in_tail : p::seq<ws, kw_not, ws, kw_in, ws, p::must<in_operand>> {};
struct between_low : additive {};
struct between_and : kw_and {};
struct between_high : additive {};
struct between_tail : p::seq<ws, kw_between, ws, p::must<between_low>, ws, p::must<between_and>, ws, p::must<between_high>> {};
struct tests_missing : kw_missing {};
struct tests_present : kw_present {};
struct missing_or_present : p::sor<tests_missing, tests_present> {};
struct is_tail : p::seq<ws, kw_is, ws, p::must<missing_or_present>> {};
struct comparison : p::seq<additive, p::opt<p::sor<compare_tail, in_tail, not_in_tail, between_tail, is_tail>>> {};

struct not_expr;
struct not_operand : p::seq<not_expr> {};
struct not_body : p::seq<ws, p::must<not_operand>> {};
struct not_prefix : p::seq<kw_not, not_body> {};
struct not_expr : p::sor<not_prefix, comparison> {};

struct and_operand : not_expr {};
struct and_tail : p::seq<ws, kw_and, ws, p::must<and_operand>> {};
struct and_expr : p::seq<not_expr, p::star<and_tail>> {};

struct or_operand : and_expr {};
struct or_tail : p::seq<ws, kw_or, ws, p::must<or_operand>> {};
struct or_expr : p::seq<and_expr, p::star<or_tail>> {};

struct expr : or_expr {};

// ---- types -----------------------------------------------------------------
// Each type keyword is a rule with its own action: a type is built from the words matched, never
// read back from the text (which may hold comments: `set< # numbers? no\n string>`).
struct type_number : kw_number {};
struct type_string : kw_string {};
struct type_bool : kw_bool {};
struct type_date : kw_date {};
struct type_list : kw_list {};
struct type_set : kw_set {};
struct element_number : kw_number {};
struct element_string : kw_string {};
struct element_type : p::sor<element_string, element_number> {};
struct type_open : p::one<'<'> {};
struct type_close : p::one<'>'> {};
struct collection_type : p::seq<p::sor<type_list, type_set>, ws, p::must<type_open>, ws, p::must<element_type>, ws, p::must<type_close>> {};
struct type : p::sor<collection_type, type_number, type_string, type_bool, type_date> {};

// ---- declarations ------------------------------------------------------------
struct policy_name : name {};
struct policy_title : quoted {};
struct version_keyword : kw_version {};
struct version_string : quoted {};
struct policy_decl
    : p::seq<kw_policy, ws, p::must<policy_name>, ws, p::must<policy_title>, ws, p::must<version_keyword>, ws, p::must<version_string>> {};

struct schema_name : name {};
struct schema_open : p::one<'{'> {};
struct schema_close : p::one<'}'> {};
struct field_name : name {};
struct field_colon : p::one<':'> {};
struct field_type : type {};
// `key` and `optional` may also name a field: followed by ':' they begin the next field.
// (Its own rule: a rule with an error message raises wherever it fails, even under not_at.)
struct colon_ahead : p::one<':'> {};
struct key_modifier : p::seq<kw_key, p::not_at<ws, colon_ahead>> {};
struct optional_modifier : p::seq<kw_optional, p::not_at<ws, colon_ahead>> {};
struct field_decl
    : p::seq<field_name, ws, p::must<field_colon>, ws, p::must<field_type>, p::star<ws, p::sor<key_modifier, optional_modifier>>> {};
struct schema_decl
    : p::seq<kw_schema, ws, p::must<schema_name>, ws, p::must<schema_open>, ws, p::star<field_decl, ws>, p::must<schema_close>> {};

struct param_name : name {};
struct param_colon : p::one<':'> {};
struct param_type : type {};
struct param_equals : p::one<'='> {};
struct param_value : expr {};
struct param_decl : p::seq<kw_param, ws, p::must<param_name>, ws, p::must<param_colon>, ws, p::must<param_type>, ws, p::must<param_equals>,
                           ws, p::must<param_value>> {};

struct let_name : name {};
struct let_equals : p::one<'='> {};
struct let_value : expr {};
struct let_decl : p::seq<kw_let, ws, p::must<let_name>, ws, p::must<let_equals>, ws, p::must<let_value>> {};

struct rule_name : name {};
struct rule_open : p::one<'{'> {};
struct rule_close : p::one<'}'> {};
struct rule_title : quoted {};
struct title_clause : p::seq<kw_title, ws, p::must<rule_title>> {};
struct rule_source : quoted {};
struct source_clause : p::seq<kw_source, ws, p::must<rule_source>> {};
struct when_condition : expr {};
struct when_clause : p::seq<kw_when, ws, p::must<when_condition>> {};
struct action_name : name {};
struct priority_value : p::seq<p::opt<p::one<'-'>>, p::plus<p::digit>> {};
struct recommend_action : p::seq<kw_recommend, ws, p::must<action_name>, p::opt<ws, kw_priority, ws, p::must<priority_value>>> {};
struct flag_name : name {};
struct flag_action : p::seq<kw_flag, ws, p::must<flag_name>> {};
struct rule_action : p::sor<recommend_action, flag_action> {};
struct then_clause : p::seq<kw_then, ws, p::must<rule_action>> {};
struct template_text : p::plus<p::sor<escape, p::not_one<'"', '\\', '\n', '\r', '{', '}'>>> {};
struct template_expr : expr {};
struct template_close : p::one<'}'> {};
struct hole_body : p::seq<ws, p::must<template_expr>, ws, p::must<template_close>> {};
struct template_hole : p::seq<p::one<'{'>, hole_body> {};
struct stray_brace : p::one<'}'> {};
struct stray_brace_error : p::seq<p::at<p::one<'}'>>, p::raise<stray_brace>> {};
struct because_template : p::seq<p::one<'"'>, p::star<p::sor<template_text, template_hole, stray_brace_error>>, p::must<string_close>> {};
struct because_clause : p::seq<kw_because, ws, p::must<because_template>> {};
struct tag_name : name {};
struct tags_clause : p::seq<kw_tags, ws, p::must<tag_name>, p::star<ws, comma, ws, p::must<tag_name>>> {};
struct rule_clause : p::sor<title_clause, source_clause, when_clause, then_clause, because_clause, tags_clause> {};
struct rule_decl : p::seq<kw_rule, ws, p::must<rule_name>, ws, p::must<rule_open>, ws, p::star<rule_clause, ws>, p::must<rule_close>> {};

struct decision_name : name {};
struct decision_open : p::one<'{'> {};
struct decision_close : p::one<'}'> {};
struct hit_priority : kw_priority {};
struct hit_first : kw_first {};
struct hit_collect : kw_collect {};
struct hit_policy : p::sor<hit_priority, hit_first, hit_collect> {};
struct hit_clause : p::seq<kw_hit, ws, p::must<hit_policy>> {};
struct default_action : name {};
struct default_clause : p::seq<kw_default, ws, p::must<default_action>> {};
struct decision_decl : p::seq<kw_decision, ws, p::must<decision_name>, ws, p::must<decision_open>, ws,
                              p::star<p::sor<hit_clause, default_clause>, ws>, p::must<decision_close>> {};

// `import "file.tenet"` or `import { name, name } from "file.tenet"`.
struct import_path : quoted {};
struct import_name : name {};
struct import_names_close : p::one<'}'> {};
struct import_from : kw_from {};
struct import_names : p::seq<p::one<'{'>, ws, p::must<import_name>, p::star<ws, comma, ws, p::must<import_name>>, ws,
                             p::must<import_names_close>, ws, p::must<import_from>> {};
struct import_decl : p::seq<kw_import, ws, p::opt<import_names, ws>, p::must<import_path>> {};

struct declaration : p::sor<import_decl, policy_decl, schema_decl, param_decl, let_decl, rule_decl, decision_decl> {};

// A whole file, for pegtl::analyze; the parser itself takes one declaration at a time
// so that it can recover after a syntax error and report the next one too.
struct policy_file : p::seq<ws, p::star<declaration, ws>, p::eof> {};

}  // namespace tenet::core::grammar
