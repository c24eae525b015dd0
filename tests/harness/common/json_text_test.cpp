#include "harness/common/json_text.h"

#include <gtest/gtest.h>

namespace tb {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_json_text(text, "spec.json");
    return "";
  } catch (const JsonTextError& e) {
    return e.what();
  }
}

TEST(JsonText, ReadsWhatNlohmannReads) {
  const std::string text =
      R"({"a": [1, -2, 3.5, 18446744073709551615, "x\u00e9", true, null, {}, []],
                               "b": {"a": {"a": 1}}, "": 0, "c": [{"k": 1}, {"k": 2}]})";
  EXPECT_EQ(parse_json_text(text, "spec.json"), nlohmann::json::parse(text));
  EXPECT_EQ(parse_json_text("7", "spec.json"), 7);
}

TEST(JsonText, ANumberOutOfRangeIsNamedWithItsLineAndPath) {
  EXPECT_EQ(error_of("{\n  \"training\": {\n    \"lr\": 1e999\n  }\n}"),
            "spec.json: invalid JSON at line 3, column 11: training.lr: the number 1e999 is out of "
            "range; expected a finite number (at most about 1.8e308 in magnitude)");
  EXPECT_NE(
      error_of(R"({"seeds": [0, 1, -1e400]})").find("seeds[2]: the number -1e400 is out of range"),
      std::string::npos)
      << error_of(R"({"seeds": [0, 1, -1e400]})");
  EXPECT_NE(error_of("1e999").find("spec.json: invalid JSON at line 1, column 1: the number 1e999"),
            std::string::npos)
      << error_of("1e999");
}

TEST(JsonText, ADuplicateKeyIsRefusedWithBothPlaces) {
  const std::string text =
      "{\"methods\": [{\"method\": \"lora\"},\n"
      "  {\"method\": \"lora\", \"rank\": 4,\n"
      "   \"rank\": 8}]}";
  EXPECT_EQ(
      error_of(text),
      "spec.json: invalid JSON at line 3, column 4: methods[1].rank: duplicate key (first given at "
      "line 2, column 22); give each key once: JSON would silently keep only the last value");
  EXPECT_NE(error_of(R"({"a": 1, "a": 1})").find(": a: duplicate key"), std::string::npos);
  // The same key in different objects is fine.
  EXPECT_NO_THROW(parse_json_text(R"({"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]})", "spec.json"));
}

TEST(JsonText, SyntaxErrorsAreMarkedAsSuch) {
  try {
    parse_json_text("{\n  \"name\": \"x\",\n  oops\n}", "bad.json");
    FAIL() << "expected an error";
  } catch (const JsonTextError& e) {
    EXPECT_TRUE(e.syntax());
    const std::string what = e.what();
    EXPECT_EQ(
        what.rfind(
            "bad.json: invalid JSON at line 3, column 3: syntax error while parsing object key", 0),
        0u)
        << what;
    EXPECT_EQ(what.find("json.exception"), std::string::npos) << what;
  }
  try {
    parse_json_text("[1e999]", "x");
    FAIL() << "expected an error";
  } catch (const JsonTextError& e) {
    EXPECT_FALSE(e.syntax());
  }
  EXPECT_THROW(parse_json_text("", "x"), UserError);
  EXPECT_THROW(parse_json_text("[1, 2", "x"), UserError);
}

}  // namespace
}  // namespace tb
