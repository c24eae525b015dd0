// Sorting order of values (see ordering.h), a port of compareRuntimeValues in
// @huggingface/jinja 0.5.13 src/runtime.ts. Strings compare by UTF-16 code units, as
// JavaScript's `<` does.
#include "harness/text/jinja/ordering.h"

#include "harness/text/jinja/template_error.h"
#include "harness/text/jinja/unicode_text.h"

namespace tb::jinja {
namespace {

bool numeric_like(const Value& v) { return v.is_number() || v.is(Kind::kBoolean); }
double numeric(const Value& v) { return v.is(Kind::kBoolean) ? (v.as_bool() ? 1 : 0) : v.number(); }

std::string change_case(const std::string& text, const char* what, bool upper) {
  if (!is_ascii(text)) fail_unsupported(std::string(what) + " of non-ASCII text");
  std::string out = text;
  for (char& c : out) {
    if (upper && c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::string ascii_lower(const std::string& text, const char* what) {
  return change_case(text, what, false);
}
std::string ascii_upper(const std::string& text, const char* what) {
  return change_case(text, what, true);
}

int compare_for_sort(const Value& a, const Value& b, bool case_sensitive) {
  const auto cannot = [&] { fail("cannot compare " + a_type_name(a) + " with " + a_type_name(b)); };
  if (a.is(Kind::kNull) && b.is(Kind::kNull)) return 0;
  if (a.is(Kind::kNull) || b.is(Kind::kNull)) cannot();
  if (a.is(Kind::kUndefined) && b.is(Kind::kUndefined)) return 0;
  if (a.is(Kind::kUndefined) || b.is(Kind::kUndefined)) cannot();
  if (numeric_like(a) && numeric_like(b)) {
    const double x = numeric(a), y = numeric(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.kind() != b.kind()) cannot();
  if (!a.is(Kind::kString)) fail("cannot sort values of type " + type_name(a));
  if (case_sensitive) return utf16_compare(a.str(), b.str());
  return utf16_compare(ascii_lower(a.str(), "case-insensitive sorting"),
                       ascii_lower(b.str(), "case-insensitive sorting"));
}

}  // namespace tb::jinja
