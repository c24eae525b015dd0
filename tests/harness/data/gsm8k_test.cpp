#include "harness/data/gsm8k.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <string>

#include "harness/common/check.h"

namespace tb {
namespace {

// ---- strict-match: "#### (\-?[0-9\.\,]+)", first match ----

TEST(Gsm8kStrictExtract, TakesTheNumberAfterTheMarker) {
  EXPECT_EQ(gsm8k_strict_extract("so the total is 72.\n#### 72"), "72");
  EXPECT_EQ(gsm8k_strict_extract("#### -1,234.5"), "-1,234.5");
  EXPECT_EQ(gsm8k_strict_extract("#### 72 apples"), "72");
}

TEST(Gsm8kStrictExtract, FirstMarkerWins) {
  EXPECT_EQ(gsm8k_strict_extract("#### 72\nQuestion: next\n#### 73"), "72");
  // A marker not followed by a number does not match; the search goes on to the next one.
  EXPECT_EQ(gsm8k_strict_extract("#### x then #### 5"), "5");
}

TEST(Gsm8kStrictExtract, NoMatch) {
  EXPECT_EQ(gsm8k_strict_extract("The answer is 72"), std::nullopt);
  EXPECT_EQ(gsm8k_strict_extract(""), std::nullopt);
  EXPECT_EQ(gsm8k_strict_extract("####72"), std::nullopt) << "the space is part of the marker";
  EXPECT_EQ(gsm8k_strict_extract("####  72"), std::nullopt) << "exactly one space";
  EXPECT_EQ(gsm8k_strict_extract("#### $72"), std::nullopt) << "'$' is not in the class";
  EXPECT_EQ(gsm8k_strict_extract("#### -"), std::nullopt);
  EXPECT_EQ(gsm8k_strict_extract("#### --5"), std::nullopt);
}

TEST(Gsm8kStrictExtract, MarkerInsideALongerRunOfHashes) {
  EXPECT_EQ(gsm8k_strict_extract("##### 5"), "5");
  EXPECT_EQ(gsm8k_strict_extract("#### ..."), "...") << "the class takes dots alone too";
}

// ---- flexible-extract: "(-?[$0-9.,]{2,})|(-?[0-9]+)", last match ----

TEST(Gsm8kFlexibleExtract, LastNumberWins) {
  EXPECT_EQ(gsm8k_flexible_extract("3 apples and 5 pears, total 8"), "8");
  EXPECT_EQ(gsm8k_flexible_extract("#### 72\nbut really 73"), "73");
}

TEST(Gsm8kFlexibleExtract, FirstAlternativeTakesDollarsCommasAndDots) {
  const auto got = gsm8k_flexible_extract("It costs $1,000.");
  EXPECT_EQ(got, "$1,000.");
  EXPECT_EQ(gsm8k_normalize(*got), "1000");
  EXPECT_EQ(gsm8k_flexible_extract("pay $5 now"), "$5");
  EXPECT_EQ(gsm8k_flexible_extract("temperature -12.5 degrees"), "-12.5");
  EXPECT_EQ(gsm8k_flexible_extract("ends with .. only"), "..") << "two class chars suffice";
}

TEST(Gsm8kFlexibleExtract, SingleDigitViaSecondAlternative) {
  EXPECT_EQ(gsm8k_flexible_extract("7"), "7");
  EXPECT_EQ(gsm8k_flexible_extract("The answer is 7"), "7");
  EXPECT_EQ(gsm8k_flexible_extract("it fell to -3 today"), "-3");
  EXPECT_EQ(gsm8k_flexible_extract("x --5"), "-5") << "the match starts at the second '-'";
}

TEST(Gsm8kFlexibleExtract, NoMatch) {
  EXPECT_EQ(gsm8k_flexible_extract("no digits here"), std::nullopt);
  EXPECT_EQ(gsm8k_flexible_extract(""), std::nullopt);
  EXPECT_EQ(gsm8k_flexible_extract("a. b, c$ - d"), std::nullopt) << "lone class chars";
}

// Both scanners against std::regex with lm-eval's patterns, findall-style, on random text.
TEST(Gsm8kExtract, AgreesWithStdRegexOnRandomText) {
  const std::regex strict(R"(#### (\-?[0-9\.\,]+))");
  const std::regex flexible(R"((-?[$0-9.,]{2,})|(-?[0-9]+))");
  const std::string alphabet = "#### --0123456789..,,$$ab\n";
  std::mt19937 rng(1234);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(0, 30);
  for (int trial = 0; trial < 20000; ++trial) {
    std::string s;
    for (int n = length(rng); n > 0; --n) s += alphabet[pick(rng)];

    std::optional<std::string> want_strict;
    std::smatch m;
    if (std::regex_search(s, m, strict)) want_strict = m[1].str();
    ASSERT_EQ(gsm8k_strict_extract(s), want_strict) << "text: [" << s << "]";

    std::optional<std::string> want_flexible;
    for (auto it = std::sregex_iterator(s.begin(), s.end(), flexible); it != std::sregex_iterator();
         ++it) {
      want_flexible = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
    }
    ASSERT_EQ(gsm8k_flexible_extract(s), want_flexible) << "text: [" << s << "]";
  }
}

// ---- exact_match normalisation and matching ----

TEST(Gsm8kNormalize, AppliesTheIgnoredRegexesInOrderThenLowercases) {
  EXPECT_EQ(gsm8k_normalize("Weng earns $12.\n#### 1,000"), "1000");
  EXPECT_EQ(gsm8k_normalize("$1,000."), "1000");
  EXPECT_EQ(gsm8k_normalize("72.."), "72.") << "only the final dot goes";
  EXPECT_EQ(gsm8k_normalize("7.2"), "7.2");
  EXPECT_EQ(gsm8k_normalize("72.\n"), "72\n") << "Python's $ also matches before a final newline";
  EXPECT_EQ(gsm8k_normalize("a\n#### 1\nb\n#### 2"), "2") << "greedy: up to the last marker";
  EXPECT_EQ(gsm8k_normalize("###,# 5"), "5") << "commas go before the marker is looked for";
  EXPECT_EQ(gsm8k_normalize("#### ABC"), "abc");
  EXPECT_EQ(gsm8k_normalize("[invalid]"), "[invalid]");
}

TEST(Gsm8kMatch, GoldIsTheFullAnswerText) {
  const std::string gold = "She has 10 boxes of 100.\n10 * 100 = <<10*100=1000>>1000\n#### 1,000";
  EXPECT_TRUE(gsm8k_match("1000", gold));
  EXPECT_TRUE(gsm8k_match("$1,000", gold));
  EXPECT_TRUE(gsm8k_match("1,000.", gold));
  EXPECT_FALSE(gsm8k_match("100", gold));
  EXPECT_FALSE(gsm8k_match("10000", gold));
  EXPECT_FALSE(gsm8k_match(std::nullopt, gold));
}

TEST(Gsm8kMatch, ExactStringNotNumericEquality) {
  EXPECT_TRUE(gsm8k_match("72", "3 * 24 = 72\n#### 72"));
  EXPECT_FALSE(gsm8k_match("72.0", "3 * 24 = 72\n#### 72"));
  EXPECT_FALSE(gsm8k_match("072", "#### 72"));
  EXPECT_FALSE(gsm8k_match("-72", "#### 72"));
}

TEST(Gsm8kMatch, IgnoresCase) {
  EXPECT_TRUE(gsm8k_match("ABC", "#### abc"));
  EXPECT_TRUE(gsm8k_match("abc", "#### AbC"));
}

TEST(Gsm8kMatch, EndToEndOnAGeneration) {
  const std::string gold = "#### 18";
  const std::string gen = " 16 - 3 - 4 = 9 eggs, 9 * $2 = $18.\n#### 18\n\nQuestion: next";
  const std::string cut = truncate_at_stop(gen, gsm8k_stop_sequences());
  EXPECT_TRUE(gsm8k_match(gsm8k_strict_extract(cut), gold));
  EXPECT_TRUE(gsm8k_match(gsm8k_flexible_extract(cut), gold));
  const std::string unmarked = " She makes 9 * $2 = $18.";
  EXPECT_FALSE(gsm8k_match(gsm8k_strict_extract(unmarked), gold));
  EXPECT_TRUE(gsm8k_match(gsm8k_flexible_extract(unmarked), gold));
}

// ---- prompt ----

TEST(Gsm8kPrompt, FewshotThenItem) {
  const Gsm8kItem shot{"How many legs do 2 cats have?", "2 * 4 = 8\n#### 8", 1};
  const Gsm8kItem item{"What is 3 + 4?", "#### 7", 2};
  EXPECT_EQ(gsm8k_prompt(item, {shot}),
            "Question: How many legs do 2 cats have?\nAnswer: 2 * 4 = 8\n#### 8\n\n"
            "Question: What is 3 + 4?\nAnswer:");
  EXPECT_EQ(gsm8k_prompt(item, {}), "Question: What is 3 + 4?\nAnswer:");
  EXPECT_EQ(gsm8k_prompt(item, {shot, shot}),
            "Question: How many legs do 2 cats have?\nAnswer: 2 * 4 = 8\n#### 8\n\n"
            "Question: How many legs do 2 cats have?\nAnswer: 2 * 4 = 8\n#### 8\n\n"
            "Question: What is 3 + 4?\nAnswer:");
}

// ---- stops ----

TEST(Gsm8kStops, LmEvalUntilList) {
  EXPECT_EQ(gsm8k_stop_sequence(), "Question:");
  EXPECT_EQ(gsm8k_stop_sequences(), (std::vector<std::string>{"Question:", "</s>", "<|im_end|>"}));
}

TEST(TruncateAtStop, CutsAtTheEarliestStopWhateverItsOrderInTheList) {
  const auto& stops = gsm8k_stop_sequences();
  EXPECT_EQ(truncate_at_stop(" 8\n#### 8</s>junk Question: x", stops), " 8\n#### 8");
  EXPECT_EQ(truncate_at_stop(" 8\n\nQuestion: x</s>", stops), " 8\n\n");
  EXPECT_EQ(truncate_at_stop("a<|im_end|>b</s>", stops), "a");
  EXPECT_EQ(truncate_at_stop("no stop here", stops), "no stop here");
  EXPECT_EQ(truncate_at_stop("Question: at start", stops), "");
  EXPECT_EQ(truncate_at_stop("", stops), "");
  EXPECT_EQ(truncate_at_stop("abc", {"", "c"}), "ab") << "empty stops are ignored";
  EXPECT_EQ(truncate_at_stop("abc", {}), "abc");
}

// ---- loading ----

class Gsm8kLoad : public ::testing::Test {
 protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("tunebench-gsm8k-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path write(const std::string& name, const std::string& contents) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }

  // The UserError message load_gsm8k_jsonl throws, or "" if it does not throw one.
  static std::string load_error(const std::filesystem::path& path) {
    try {
      load_gsm8k_jsonl(path);
    } catch (const UserError& e) {
      return e.what();
    }
    return "";
  }

  std::filesystem::path dir_;
};

TEST_F(Gsm8kLoad, ReadsItemsWithTheirLineNumbers) {
  const auto path =
      write("ok.jsonl", R"({"question": "Q one?", "answer": "1 + 1 = 2\n#### 2"})"
                        "\n\n"
                        R"({"answer": "#### 1,000", "question": "Q two?", "extra": 1})"
                        "\n");
  const auto items = load_gsm8k_jsonl(path);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].question, "Q one?");
  EXPECT_EQ(items[0].answer, "1 + 1 = 2\n#### 2");
  EXPECT_EQ(items[0].line, 1);
  EXPECT_EQ(items[1].question, "Q two?");
  EXPECT_EQ(items[1].answer, "#### 1,000");
  EXPECT_EQ(items[1].line, 3);
}

TEST_F(Gsm8kLoad, AcceptsCrlfAndANoFinalNewline) {
  const auto path = write("crlf.jsonl",
                          "{\"question\": \"a\", \"answer\": \"#### 1\"}\r\n"
                          "{\"question\": \"b\", \"answer\": \"#### 2\"}");
  const auto items = load_gsm8k_jsonl(path);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1].answer, "#### 2");
  EXPECT_EQ(items[1].line, 2);
}

TEST_F(Gsm8kLoad, EachMalformedLineNamesFileAndLine) {
  const std::string good = R"({"question": "q", "answer": "#### 1"})";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{not json", "not valid JSON"},
      {"[1, 2]", "expected a JSON object"},
      {"\"just a string\"", "expected a JSON object"},
      {R"({"answer": "#### 1"})", "\"question\""},
      {R"({"question": 5, "answer": "#### 1"})", "\"question\""},
      {R"({"question": "", "answer": "#### 1"})", "\"question\""},
      {R"({"question": "q"})", "\"answer\" containing \"#### <number>\""},
      {R"({"question": "q", "answer": 42})", "\"answer\" containing \"#### <number>\""},
      {R"({"question": "q", "answer": "42"})", "\"answer\" containing \"#### <number>\""},
      {R"({"question": "q", "answer": "####42"})", "\"answer\" containing \"#### <number>\""},
      {R"({"question": "q", "answer": "#### many"})", "\"answer\" containing \"#### <number>\""},
  };
  int n = 0;
  for (const auto& [bad, expected] : cases) {
    const std::string name = "bad" + std::to_string(n++) + ".jsonl";
    const auto path = write(name, good + "\n\n" + bad + "\n" + good + "\n");
    const std::string msg = load_error(path);
    EXPECT_NE(msg.find(path.string() + ":3: "), std::string::npos) << bad << " -> " << msg;
    EXPECT_NE(msg.find(expected), std::string::npos) << bad << " -> " << msg;
  }
}

TEST_F(Gsm8kLoad, EmptyOrMissingFileIsAUserError) {
  const auto empty = write("empty.jsonl", "");
  EXPECT_NE(load_error(empty).find(empty.string()), std::string::npos);
  const auto blank = write("blank.jsonl", "\n  \n\n");
  EXPECT_NE(load_error(blank).find(blank.string()), std::string::npos);
  const auto missing = dir_ / "missing.jsonl";
  EXPECT_NE(load_error(missing).find(missing.string()), std::string::npos);
}

}  // namespace
}  // namespace tb
