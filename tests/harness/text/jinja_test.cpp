// Unit tests of the Jinja engine. The expected strings of the feature tests below were produced
// by @huggingface/jinja 0.5.13 itself (new Template(source).render(variables) under node), so
// they pin the reference's behaviour, including where it departs from Python's Jinja2 (booleans
// print "true", strip('\n') strips all white space, title() keeps other letters' case...).
#include <gtest/gtest.h>

#include <string>

#include "harness/common/check.h"
#include "harness/text/jinja/template.h"

namespace tb::jinja {
namespace {

std::string render(const std::string& source, const std::string& variables = "{}") {
  return Template(source, "t").render(nlohmann::ordered_json::parse(variables));
}

// The message of the tb::UserError that loading or rendering `source` throws.
std::string error_of(const std::string& source, const std::string& variables = "{}") {
  try {
    Template(source, "t").render(nlohmann::ordered_json::parse(variables));
  } catch (const UserError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error from: " << source;
  return "";
}

TEST(JinjaEngine, WhitespaceControl) {
  EXPECT_EQ(render(R"(a  {%- if true -%}  b  {%- endif -%}  c)"),
            "abc");  // ws_dash_statement
  EXPECT_EQ(render(R"(a {{- ' x ' -}} b)"),
            "a x b");  // ws_dash_expression
  EXPECT_EQ(render("{% if true %}\nyes\n{% endif %}\nno"),
            "yes\nno");  // ws_trim_blocks
  EXPECT_EQ(render("  {% if true %}\n  x\n  {% endif %}\nend"),
            "  x\nend");  // ws_lstrip_blocks
  EXPECT_EQ(render("  {{ 'x' }}\n  y"),
            "  x\n  y");  // ws_expression_not_lstripped
  EXPECT_EQ(render(R"(a {# note #} b|a {#- note -#} b)"),
            "a  b|ab");  // ws_comments
  EXPECT_EQ(render("x\n\n"),
            "x\n");  // ws_one_trailing_newline_dropped
  EXPECT_EQ(render(R"(<{% generation %}x{%- endgeneration %} y>)"),
            "<x y>");  // ws_generation_tags
  EXPECT_EQ(render("{% if true %}\r\n  {% set x = 1 %}\r\nv{{ x }}{% endif %}"),
            "\r\n\r\nv1");  // ws_crlf
}

TEST(JinjaEngine, Set) {
  EXPECT_EQ(render(R"({% set x = 1 %}{{ x }})"),
            "1");  // set_simple
  EXPECT_EQ(render(R"({% set a, b = [1, 'two'] %}{{ a }}-{{ b }})"),
            "1-two");  // set_tuple
  EXPECT_EQ(render(R"({% set x %}  hi {{ 1 }}{% endset %}[{{ x }}])"),
            "[  hi 1]");  // set_block
  EXPECT_EQ(render(R"({% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{{ x }}{% endfor %}{{ x }})"),
            "21");  // set_loop_scope
  EXPECT_EQ(render(R"({% if true %}{% set x = 5 %}{% endif %}{{ x }})"),
            "5");  // set_in_if_is_global
}

TEST(JinjaEngine, IfAndExpressions) {
  EXPECT_EQ(
      render(
          R"({% for n in [1, 2, 3] %}{% if n == 1 %}one{% elif n == 2 %}two{% else %}many{% endif %} {% endfor %})"),
      "one two many ");  // if_elif_else
  EXPECT_EQ(
      render(
          R"({% for v in [0, 1, '', 'a', [], [0], none, {}] %}{{ 'T' if v else 'F' }}{% endfor %})"),
      "FTFTFTFF");  // if_truthiness
  EXPECT_EQ(render(R"({{ 'y' if x else 'n' }}{{ x or 'd' }}{{ x and 'z' }}{{ none or 0 }})",
                   R"({"x": 5})"),
            "y5z0");  // ternary_and_or
}

TEST(JinjaEngine, ForLoops) {
  EXPECT_EQ(
      render(
          R"({% for x in ['a', 'b', 'c'] %}{{ loop.index0 }}{{ loop.index }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %})"),
      "0132truefalse3;1221falsefalse3;2310falsetrue3;");  // for_loop_fields
  EXPECT_EQ(
      render(
          R"({% for x in [1, 2, 3] %}{{ loop.previtem }}<{{ x }}>{{ loop.nextitem }}|{% endfor %})"),
      "<1>2|1<2>3|2<3>|");  // for_prev_next
  EXPECT_EQ(render(R"({% for x in [] %}x{% else %}empty{% endfor %})"),
            "empty");  // for_else
  EXPECT_EQ(
      render(R"({% for x in [1, 2, 3, 4] if x is even %}{{ x }}{{ loop.index }} {% endfor %})"),
      "21 42 ");  // for_if_filter
  EXPECT_EQ(render(R"({% for k, v in d | items %}{{ k }}={{ v }};{% endfor %})",
                   R"({"d": {"b": 1, "a": 2}})"),
            "b=1;a=2;");  // for_unpack_items
  EXPECT_EQ(render(R"({% for k in d %}{{ k }},{% endfor %})",
                   R"({"d": {"b": 1, "2": 2, "a": 3, "1": 0}})"),
            "1,2,b,a,");  // for_mapping_keys
  EXPECT_EQ(
      render(
          R"({% for x in [1, 2, 3, 4] %}{{ x }}{% if x == 2 %}{% continue %}{% endif %}{% if x == 3 %}{% break %}{% endif %}.{% endfor %})"),
      "1.");  // for_break_continue
  EXPECT_EQ(render(R"({% for x in [1, 2] %}{% continue %}{% else %}else{% endfor %})"),
            "else");  // for_all_continue_runs_else
  EXPECT_EQ(
      render(
          R"({% for i in range(3) %}{{ i }}{% endfor %}|{% for i in range(1, 7, 2) %}{{ i }}{% endfor %}|{% for i in range(3, 0, -1) %}{{ i }}{% endfor %})"),
      "012|135|321");  // for_range
  EXPECT_EQ(
      render(
          R"({% for a in [1, 2] %}{% for b in [3, 4] %}{{ loop.index }}{{ a }}{{ b }} {% endfor %}{{ loop.index }}|{% endfor %})"),
      "113 214 1|123 224 2|");  // loop_in_nested_for
}

TEST(JinjaEngine, Namespace) {
  EXPECT_EQ(
      render(
          R"({% set ns = namespace(total=0, seen=false) %}{% for i in [1, 2, 3] %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }} {{ ns.seen }} {{ ns }})"),
      "6 false {\"total\": 6, \"seen\": false}");  // namespace_accumulates
  EXPECT_EQ(
      render(R"({% set ns = namespace({'a': 1}, b=2) %}{{ ns.a }}{{ ns.b }}{{ ns.c is defined }})"),
      "12false");  // namespace_from_mapping
}

TEST(JinjaEngine, SlicingAndIndexing) {
  EXPECT_EQ(
      render(
          R"({{ xs[1:3] }} {{ xs[::-1] }} {{ xs[:-1] }} {{ xs[-2:] }} {{ xs[::2] }} {{ xs[5:] }})",
          R"({"xs": [1, 2, 3, 4]})"),
      "[2, 3] [4, 3, 2, 1] [1, 2, 3] [3, 4] [1, 3] []");  // slice_lists
  EXPECT_EQ(
      render(R"({{ s[::-1] }}|{{ s[1:3] }}|{{ s[-3] }}|{{ s[0] }}|{{ s.length }}|{{ s | length }})",
             R"({"s": "héllo🙂"})"),
      "🙂olléh|él|o|h|7|7");  // slice_strings
  EXPECT_EQ(
      render(
          R"({{ xs[-1] }}|{{ xs[7] }}|{{ xs[7] is defined }}|{{ d['k'] }}|{{ d.k }}|{{ d.missing is defined }})",
          R"({"xs": [1, 2], "d": {"k": "v"}})"),
      "2||false|v|v|false");  // index_negative_and_missing
  EXPECT_EQ(render(R"([{{ x.y }}][{{ x.y.z is defined }}][{{ none.a }}][{{ (5).a }}])"),
            "[][false][][]");  // member_chains_on_undefined
  EXPECT_EQ(render(R"({{ xs.0 }}{{ xs.1 }})", R"({"xs": ["a", "b"]})"),
            "ab");  // numbers_dot_index
}

TEST(JinjaEngine, InAndEquality) {
  EXPECT_EQ(
      render(
          R"({{ 'b' in 'abc' }}{{ 2 in [1, 2] }}{{ '2' in [1, 2] }}{{ 'k' in d }}{{ 'z' not in d }}{{ 'x' in undefined_thing }}{{ 'x' not in undefined_thing }})",
          R"({"d": {"k": 1}})"),
      "truetruefalsetruetruefalsetrue");  // in_operator
  EXPECT_EQ(
      render(
          R"({{ 1 == 1.0 }}{{ '1' == 1 }}{{ [1] == [1] }}{{ xs == xs }}{{ none == undefined_thing }}{{ true == 1 }}{{ 'a' != 'b' }}{{ none == 0 }})",
          R"({"xs": [1]})"),
      "truetruefalsetruetruetruetruefalse");  // equality_semantics
  EXPECT_EQ(render(R"({{ 1 < 2 }}{{ 2.5 >= 2 }}{{ 3 <= 1 }}{{ -1 > -2 }})"),
            "truetruefalsetrue");  // comparison_numbers
  EXPECT_EQ(
      render(
          R"({{ [1, 2] == '1,2' }}{{ c == '' }}{{ d == '[object Map]' }}{{ [] == 0 }}{{ [] == '' }}{{ c != '' }})",
          R"({"c": [{"type": "text"}], "d": {"a": 1}})"),
      "truefalsetruetruetruetrue");  // eq_list_vs_string
  EXPECT_EQ(
      render(
          R"({{ true == '1' }}{{ false == '' }}{{ ' 12 ' == 12 }}{{ '0x1f' == 31 }}{{ 'abc' == 0 }})"),
      "truetruetruetruefalse");  // eq_bool_string
}

TEST(JinjaEngine, Tests) {
  EXPECT_EQ(
      render(
          R"({% for v in [none, true, 1, 1.5, 'a', [1], {'a': 1}] %}{{ v is none }}{{ v is boolean }}{{ v is number }}{{ v is integer }}{{ v is string }}{{ v is iterable }}{{ v is mapping }}{{ v is sequence }}/{% endfor %})"),
      "truefalsefalsefalsefalsefalsefalsefalse/falsetruefalsefalsefalsefalsefalsefalse/"
      "falsefalsetruetruefalsefalsefalsefalse/falsefalsetruefalsefalsefalsefalsefalse/"
      "falsefalsefalsefalsetruetruefalsetrue/falsefalsefalsefalsefalsetruefalsetrue/"
      "falsefalsefalsefalsefalsefalsetruetrue/");  // tests_types
  EXPECT_EQ(
      render(
          R"({{ x is defined }}{{ y is defined }}{{ y is undefined }}{{ x is not none }}{{ true is true }}{{ 1 is true }}{{ false is false }}{{ 3 is odd }}{{ 3 is even }}{{ 'ab' is lower }}{{ 'AB' is upper }}{{ range is callable }})",
          R"({"x": null})"),
      "truefalsetruefalsetruefalsetruetruefalsetruetruetrue");  // tests_defined_values
}

TEST(JinjaEngine, StringMethods) {
  EXPECT_EQ(
      render(
          R"([{{ s.strip() }}][{{ s.lstrip() }}][{{ s.rstrip() }}][{{ s.strip('\n') }}][{{ s | trim }}])",
          R"({"s": " \n\u00a0 text \t\n"})"),
      "[text][text \t\n][ \n\u00a0 text][text][text]");  // string_strip_family
  EXPECT_EQ(
      render(
          R"({{ s.split(',') }}{{ s.split(',', 1) }}{{ w.split() }}{{ w.split(none, 1) }}{{ 'a'.split('b') }})",
          R"({"s": "a,b,,c", "w": "  one two\tthree  "})"),
      "[\"a\", \"b\", \"\", \"c\"][\"a\", \"b,,c\"][\"one\", \"two\", \"three\"][\"one\", "
      "\"two\\tthree  \"][\"a\"]");  // string_split
  EXPECT_EQ(
      render(
          R"({{ s.startswith('<tool') }}{{ s.endswith('>') }}{{ s.startswith(('x', '<')) }}{{ s.endswith(['a', 'b']) }})",
          R"({"s": "<tool_response>"})"),
      "truetruetruefalse");  // string_affixes
  EXPECT_EQ(
      render(
          R"({{ s.upper() }}|{{ s.lower() }}|{{ s.title() }}|{{ s.capitalize() }}|{{ 'é-one two_three x1y' | title }})",
          R"({"s": "hello wORLD-foo bar_baz"})"),
      "HELLO WORLD-FOO BAR_BAZ|hello world-foo bar_baz|Hello WORLD-Foo Bar_baz|Hello wORLD-foo "
      "bar_baz|é-One Two_three X1y");  // string_case
  EXPECT_EQ(
      render(
          R"({{ s.replace('a', 'o') }}|{{ s.replace('a', 'o', 1) }}|{{ s | replace('a', '') }}|{{ 'ab'.replace('', '-') }}|{{ s | replace('a', 'x', count=2) }})",
          R"({"s": "banana"})"),
      "bonono|bonana|bnn|-a-b-|bxnxna");  // string_replace
  EXPECT_EQ(
      render(
          R"({{ 'a' + 'b' }}|{{ 'n' + 1 }}|{{ 1.0 ~ '' }}|{{ 'v' ~ 2.5 ~ true }}|{{ [1, 'x', 1.0] ~ '' }}|{{ undefined_thing ~ 'u' }})"),
      "ab|n1|1|v2.5true|1,x,1.0|u");  // string_concat
  EXPECT_EQ(render(R"({{ "it's" }} {{ 'say \"hi\"' }})"),
            "it's say \"hi\"");  // string_escape_in_template
}

TEST(JinjaEngine, Filters) {
  EXPECT_EQ(
      render(
          R"({{ v | tojson }})",
          R"({"v": {"b": [1, 2.5, null, true], "a": "Zürich \"q\" \\ \n\t\u0001", "e": {}, "l": []}})"),
      "{\"b\": [1, 2.5, null, true], \"a\": \"Zürich \\\"q\\\" \\\\ \\n\\t\\u0001\", \"e\": {}, "
      "\"l\": []}");  // filter_tojson_default
  EXPECT_EQ(
      render(R"({{ v | tojson(indent=2) }})", R"({"v": {"b": [1, {"c": []}], "a": "x"}})"),
      "{\n  \"b\": [\n    1,\n    {\n      \"c\": []\n    }\n  ],\n  \"a\": \"x\"\n}");  // filter_tojson_indent
  EXPECT_EQ(
      render(
          R"({{ v | tojson(ensure_ascii=true) }}|{{ v | tojson(separators=(',', ':')) }}|{{ 'x' | tojson }}|{{ 2.0 | tojson }}|{{ undefined_thing | tojson }})",
          R"({"v": {"k": "é🙂\u007f"}})"),
      "{\"k\": \"\\u00e9\\ud83d\\ude42\\u007f\"}|{\"k\":\"é🙂\177\"}|\"x\"|2|null");  // filter_tojson_options
  EXPECT_EQ(
      render(
          R"({{ xs | length }}{{ xs | first }}{{ xs | last }}{{ xs | join }}{{ xs | join('-') }}{{ xs | reverse }}{{ xs | sort }}{{ xs | unique }}{{ xs | list }})",
          R"({"xs": [3, 1, 2, 1]})"),
      "43131213-1-2-1[1, 2, 1, 3][1, 1, 2, 3][3, 1, 2][3, 1, 2, 1]");  // filter_collections
  EXPECT_EQ(
      render(
          R"({{ d | items }}{{ d.items() }}{{ d.keys() }}{{ d.values() }}{{ d | dictsort }}{{ d | length }}{{ d.get('a') }}{{ d.get('z', 'dflt') }}{{ d.get('z') }})",
          R"({"d": {"b": 1, "a": 2}})"),
      "[[\"b\", 1], [\"a\", 2]][[\"b\", 1], [\"a\", 2]][\"b\", \"a\"][1, 2][[\"a\", 2], [\"b\", "
      "1]]22dflt");  // filter_items_and_dictsort
  EXPECT_EQ(
      render(
          R"({{ x | default('d') }}|{{ '' | default('d') }}|{{ '' | default('d', true) }}|{{ none | default('d') }}|{{ 0 | default('d', boolean=true) }})"),
      "d||d||d");  // filter_default
  EXPECT_EQ(
      render(
          R"({{ ms | selectattr('role', 'equalto', 'user') | map(attribute='content') | list }}{{ ms | rejectattr('role', 'equalto', 'user') | length }}{{ ms | selectattr('tool') | length }}{{ ms | map(attribute='missing', default='?') | join(',') }})",
          R"({"ms": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo", "tool": true}, {"role": "user", "content": "bye"}]})"),
      "[\"hi\", \"bye\"]11?,?,?");  // filter_attribute_filters
  EXPECT_EQ(
      render(
          R"({{ -3 | abs }}{{ -2.5 | abs }}{{ 3.9 | int }}{{ '42abc' | int }}{{ 'x' | int }}{{ 'x' | int(7) }}{{ '2.5e1z' | float }}{{ 2 | float }}{{ 2 | string }}{{ 2.0 | string }}{{ true | int }}{{ true | string }})"),
      "32.53420725.02.022.01true");  // filter_numbers
  EXPECT_EQ(
      render(
          R"({{ s | indent }}|{{ s | indent(2, true) }}|{{ s | indent('> ', first=true, blank=true) }}|{{ [1, 'a'] | string }})",
          R"({"s": "a\n\nb"})"),
      "a\n\n    b|  a\n\n  b|> a\n> \n> b|[1, \"a\"]");  // filter_indent_and_string
  EXPECT_EQ(
      render(
          R"({{ xs | length is odd }}{{ 1 + 2 * 3 }}{{ (1 + 2) * 3 }}{{ 2 ** 3 ** 2 }}{{ not 1 == 2 }})",
          R"({"xs": [1, 2, 3]})"),
      "true7964true");  // filter_then_test_precedence
  EXPECT_EQ(
      render(R"({{ d | tojson }})",
             R"({"d": {"z": 1, "10": 2, "a": 3, "2": 4, "-1": 5, "01": 6}})"),
      "{\"2\": 4, \"10\": 2, \"z\": 1, \"a\": 3, \"-1\": 5, \"01\": 6}");  // tojson_keys_order
  EXPECT_EQ(render(R"({% for k, v in d.items() %}{{ k }}:{{ v }} {% endfor %})",
                   R"({"d": {"é": "ü", "😀": 1}})"),
            "é:ü 😀:1 ");  // items_loop_unicode
}

TEST(JinjaEngine, PrintingValues) {
  EXPECT_EQ(
      render(
          R"({{ 1 }} {{ 1.0 }} {{ 1.5 }} {{ 10 / 4 }} {{ 10 / 5 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 7.5 % 2 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 0.1 + 0.2 }} {{ 1 / 3 }} {{ 3 / 0 }} {{ -0.0 }} {{ 100000000000000000000.0 * 10 }} {{ 0.0000001 * 1 }})"),
      "1 1.0 1.5 2.5 2.0 3 -4 -1 1.5 1024 0.5 0.30000000000000004 0.3333333333333333 Infinity -0.0 "
      "1e+21 1e-7");  // print_numbers
  EXPECT_EQ(
      render(
          R"([{{ true }}][{{ none }}][{{ undefined_thing }}][{{ [1, 'a', none, true, 2.0] }}][{{ {'a': 1, 'b': [2]} }}][{{ [undefined_thing] }}])"),
      "[true][][][[1, \"a\", null, true, 2]][{\"a\": 1, \"b\": [2]}][[undefined]]");  // print_values
  EXPECT_EQ(render(R"({{ a }} {{ b }} {{ c }} {{ a | tojson }} {{ [a, b, c] }})",
                   R"({"a": 2.0, "b": 2.5, "c": 12345678901234567890})"),
            "2 2.5 12345678901234567000 2 [2, 2.5, 12345678901234567000]");  // print_input_numbers
}

TEST(JinjaEngine, NoneIsJavaScriptUndefinedUnderneath) {
  // The reference builds `none` as a NullValue holding JavaScript's undefined, which shows
  // when a list is joined into text and when `unique` compares items.
  EXPECT_EQ(render(R"({{ ['a', none] ~ '' }}|{{ [none, undefined_thing] | unique | length }})"),
            "a,undefined|1");
  EXPECT_EQ(error_of("{{ raise_exception(none) }}"),
            "t, line 1, column 4: the template raised an exception: ");
}

TEST(JinjaEngine, Operators) {
  EXPECT_EQ(render(R"({{ -x }}{{ +x }}{{ not x }}{{ not not x }}{{ -(1.5) }}{{ - true }})",
                   R"({"x": 3})"),
            "-33falsetrue-1.5-1");  // unary
  EXPECT_EQ(render(R"({{ [1] + [2, 3] }}{{ (1, 2) | length }})"),
            "[1, 2, 3]2");  // list_concat
  EXPECT_EQ(render(R"({{ 5-1 }} {{ 5 -1 }} {{ [5][-1] }} {{ x-1 }} {{ (x)-1 }})", R"({"x": 3})"),
            "4 4 5 2 2");  // minus_literal_vs_binary
}

TEST(JinjaEngine, Literals) {
  EXPECT_EQ(render(R"({{ 'a' "b" }}|{{ '\x41\u00e9\t|' }}|{{ '\ud83d\ude00' }})"),
            "ab|Aé\t||😀");  // adjacent_strings_and_escapes
  EXPECT_EQ(
      render(
          R"({% set d = {'a': 1, 'b': 2, 'a': 3} %}{{ d }}{{ {'k': [1, {'n': none}]}['k'][1] }})"),
      "{\"a\": 3, \"b\": 2}{\"n\": null}");  // object_literal
  EXPECT_EQ(render(R"({{ namespace(**d).x }}{{ range(*xs) | list }})",
                   R"({"d": {"x": 5}, "xs": [1, 4]})"),
            "5[1, 2, 3]");  // call_kwargs_spread
}

TEST(JinjaEngine, Macros) {
  EXPECT_EQ(
      render(R"({% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %})"
             R"({{ greet('Ann') }}|{{ greet('Bo', '?') }}|{{ greet(punct='.', name='Cy') }})"),
      "Hi Ann!|Hi Bo?|Hi Cy.");
  // Recursion, as Hermes-style tool templates use it.
  EXPECT_EQ(render(R"({%- macro show(v) -%}{%- if v is mapping -%}{ {%- for k, x in v | items -%})"
                   R"({{ k }}: {{ show(x) }}{{ ', ' if not loop.last }}{%- endfor -%} })"
                   R"({%- else -%}{{ v }}{%- endif -%}{%- endmacro -%}{{ show(d) }})",
                   R"({"d": {"a": 1, "b": {"c": [1, 2]}}})"),
            "{a: 1, b: {c: [1, 2]}}");
  // The body sees its defining scope as it is when called; its own `set` stays inside.
  EXPECT_EQ(
      render(R"({% set s = '?' %}{% macro m() %}{{ s }}{% set s = 'in' %}{{ s }}{% endmacro %})"
             R"({% set s = '!' %}{{ m() }}{{ s }})"),
      "!in!");
  EXPECT_EQ(error_of("{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}"),
            "t, line 1, column 41: macro 'm' takes not more than 1 argument(s)");
  EXPECT_EQ(error_of("{% macro m(a) %}{{ a }}{% endmacro %}{{ m(b=1) }}"),
            "t, line 1, column 41: macro 'm' takes no keyword argument 'b'");
}

TEST(JinjaEngine, StrftimeNowReadsTheInjectedClock) {
  std::tm day{};
  day.tm_year = 2024 - 1900;
  day.tm_mon = 6;  // July
  day.tm_mday = 5;
  day.tm_hour = 9;
  day.tm_min = 3;
  RenderOptions options;
  options.local_time = [day] { return day; };
  const Template t(
      R"({{ strftime_now("%d %b %Y") }}|{{ strftime_now("%Y-%m-%d %H:%M %B %% %j") }})", "t");
  EXPECT_EQ(t.render(nlohmann::ordered_json::object(), options),
            "05 Jul 2024|2024-07-05 09:03 July % %j");
  EXPECT_EQ(render("{{ strftime_now is defined }}"), "true");
}

TEST(JinjaEngine, RaiseExceptionCarriesTheTemplatesTextAndPosition) {
  EXPECT_EQ(error_of("{% if messages | length > 1 %}\n  {{- raise_exception('Only one message, "
                     "please') }}\n{% endif %}",
                     R"({"messages": [1, 2]})"),
            "t, line 2, column 7: the template raised an exception: Only one message, please");
}

TEST(JinjaEngine, SyntaxErrorsNameTheProblemAndPosition) {
  EXPECT_EQ(error_of("{% if true %}\nyes"),
            "t, line 1, column 1: this block is never closed with {% endif %}");
  EXPECT_EQ(error_of("{% for x in xs %}{% endif %}"),
            "t, line 1, column 21: unknown statement 'endif'");
  EXPECT_EQ(error_of("{{ 1 ! 2 }}"), "t, line 1, column 6: unexpected character '!'");
  EXPECT_EQ(error_of("ok\n{{ 'abc }}"), "t, line 2, column 4: string literal is never closed");
  EXPECT_EQ(error_of("{{ x "), "t, line 1, column 6: the template ends inside a tag");
  EXPECT_EQ(error_of("{{ 1e3 }}"), "t, line 1, column 5: expected '}}', found a name 'e3'");
  EXPECT_EQ(error_of("{# never closed"),
            "t, line 1, column 1: comment '{#' is never closed with '#}'");
}

TEST(JinjaEngine, PositionsPointIntoTheSourceAsWritten) {
  // lstrip_blocks and trim_blocks remove text before lexing; columns still count the original.
  EXPECT_EQ(error_of("{% if true %}\n    {% if x | frob %}{% endif %}\n{% endif %}"),
            "t, line 2, column 15: cannot apply filter 'frob' to undefined");
  EXPECT_EQ(error_of("é🙂 {{ 1 + none }}"), "t, line 1, column 9: cannot apply '+' to none");
}

TEST(JinjaEngine, UnsupportedConstructsAreRefusedByName) {
  EXPECT_EQ(
      error_of("{% macro f(x) %}{{ caller() }}{% endmacro %}"),
      "t, line 1, column 20: a macro that uses 'caller' is not supported by tunebench's Jinja "
      "engine");
  EXPECT_EQ(
      error_of("{% call f() %}x{% endcall %}"),
      "t, line 1, column 4: the 'call' statement is not supported by tunebench's Jinja engine");
  EXPECT_EQ(error_of("{% include 'other.jinja' %}"),
            "t, line 1, column 4: unknown statement 'include'");
  EXPECT_EQ(error_of("{{ s.upper() }}", R"({"s": "straße"})"),
            "t, line 1, column 5: upper() of non-ASCII text is not supported by tunebench's Jinja "
            "engine");
  EXPECT_EQ(
      error_of("{{ d | tojson(sort_keys=true) }}", R"({"d": {"b": 1, "a": 2}})"),
      "t, line 1, column 8: tojson(sort_keys=true) is not supported by tunebench's Jinja engine");
  EXPECT_EQ(error_of("{{ s[-1] }}", R"({"s": "ok🙂"})"),
            "t, line 1, column 5: indexing into half of a character outside the Basic Multilingual "
            "Plane is not "
            "supported by tunebench's Jinja engine");
  EXPECT_EQ(error_of("{{ 'x' ~ {'a': 1} }}"),
            "t, line 1, column 8: joining a mapping into a string with '+' or '~' is not supported "
            "by tunebench's "
            "Jinja engine");
}

TEST(JinjaEngine, RuntimeErrorsMatchWhereTheReferenceFails) {
  EXPECT_EQ(error_of("{{ 'a' < 'b' }}"),
            "t, line 1, column 8: operator '<' is not defined between a string and a string");
  EXPECT_EQ(error_of("{{ 'a' | frobnicate }}"),
            "t, line 1, column 10: there is no filter 'frobnicate' for a string");
  EXPECT_EQ(error_of("{{ [1] | reject('equalto', 1) }}"),
            "t, line 1, column 10: there is no filter 'reject' for a list");
  EXPECT_EQ(error_of("{{ 1 is divisible }}"), "t, line 1, column 9: unknown test 'divisible'");
  EXPECT_EQ(error_of("{% for c in 'abc' %}{% endfor %}"),
            "t, line 1, column 13: a for loop needs a list or a mapping, not a string");
  EXPECT_EQ(error_of("{% set d = {} %}{% set d.x = 1 %}"),
            "t, line 1, column 17: only namespace attributes can be assigned, not attributes of a "
            "mapping");
  EXPECT_EQ(error_of("{{ (1, 2) | tojson }}"),
            "t, line 1, column 13: cannot convert a tuple to JSON");
  EXPECT_EQ(error_of("{{ [] | first }}"), "t, line 1, column 9: 'first' of an empty list");
  EXPECT_EQ(error_of("{% break %}"), "t, line 1, column 1: 'break' outside a for loop");
}

TEST(JinjaEngine, InputsMustNotShadowBuiltInsAndMustBeUtf8) {
  EXPECT_EQ(error_of("{{ range }}", R"({"range": 1})"),
            "t: the variable 'range' clashes with a name the template engine defines; rename it");
  try {
    Template("{{ s }}", "t").render({{"s", std::string("\xff")}});
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), "t: a string of the template's input is not valid UTF-8");
  }
  try {
    Template("\xff{{ x }}", "bad.jinja");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), "bad.jinja: the template is not valid UTF-8");
  }
}

TEST(JinjaEngine, ParsesOnceAndRendersManyTimesWithFreshScopes) {
  const Template t("{% set n = (n or 0) + 1 %}{{ n }}:{{ name }}", "t");
  EXPECT_EQ(t.render({{"name", "a"}}), "1:a");
  EXPECT_EQ(t.render({{"name", "b"}}), "1:b");
  const Template copy = t;
  EXPECT_EQ(copy.render({{"name", "c"}}), "1:c");
}

}  // namespace
}  // namespace tb::jinja
