#include "harness/data/reasoning_items.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

namespace tb {
namespace {

// Evaluates "q=3;x=q+4;m=x*2;m=?" independently of the generator.
int evaluate_chain(const std::string& prompt) {
  std::map<char, int> values;
  std::stringstream in(prompt.substr(0, prompt.find("=?")));
  std::string statement;
  char last = 0;
  while (std::getline(in, statement, ';')) {
    if (statement.size() == 3) {
      values[statement[0]] = statement[2] - '0';
    } else {
      const int a = values.at(statement[2]), b = statement[4] - '0';
      const char op = statement[3];
      values[statement[0]] = op == '+'   ? (a + b) % 10
                             : op == '-' ? ((a - b) % 10 + 10) % 10
                                         : (a * b) % 10;
    }
    last = statement[0];
  }
  return values.at(last);
}

TEST(ReasoningItems, ChainAnswersAreCorrectAndBothFormatsShareTheProblem) {
  for (int64_t hops : {1, 2, 4, 8}) {
    for (uint64_t seed = 0; seed < 50; ++seed) {
      Rng a(seed), b(seed);
      const auto direct = make_chain_item(hops, ChainFormat::kDirect, a, Split::kHeldOut);
      const auto cot = make_chain_item(hops, ChainFormat::kChainOfThought, b, Split::kHeldOut);
      EXPECT_EQ(direct.problem, cot.problem);
      EXPECT_EQ(std::to_string(evaluate_chain(direct.prompt)), direct.answer) << direct.prompt;
      EXPECT_EQ(cot.prompt, "steps: " + direct.prompt) << "neither prompt is a prefix of the other";
      EXPECT_EQ(cot.answer.substr(cot.answer.size() - 4), "so " + direct.answer);
      EXPECT_EQ(std::count(cot.answer.begin(), cot.answer.end(), ';'), hops) << cot.answer;
      EXPECT_LE(int64_t(cot.answer.size()),
                chain_max_answer_tokens(hops, ChainFormat::kChainOfThought));
      EXPECT_EQ(chain_score(ChainFormat::kChainOfThought, cot, cot.answer), 1.0);
      EXPECT_EQ(chain_score(ChainFormat::kDirect, direct, direct.answer), 1.0);
      EXPECT_EQ(chain_score(ChainFormat::kDirect, direct, direct.answer + " "), 0.0);
    }
  }
}

TEST(ReasoningItems, AdditionIsCorrectInBothFormats) {
  for (int64_t digits : {1, 3, 5, 9}) {
    for (uint64_t seed = 0; seed < 50; ++seed) {
      Rng a(seed), b(seed);
      const auto plain = make_addition_item(digits, AdditionFormat::kPlain, a, Split::kHeldOut);
      const auto reversed =
          make_addition_item(digits, AdditionFormat::kReversed, b, Split::kHeldOut);
      const size_t plus = plain.prompt.find('+');
      const std::string x = plain.prompt.substr(0, plus),
                        y = plain.prompt.substr(plus + 1, plain.prompt.size() - plus - 2);
      EXPECT_EQ(int64_t(x.size()), digits);
      EXPECT_EQ(int64_t(y.size()), digits);
      EXPECT_EQ(plain.answer, std::to_string(std::stoll(x) + std::stoll(y)));
      EXPECT_EQ(reversed.prompt, "r" + std::string(x.rbegin(), x.rend()) + "+" +
                                     std::string(y.rbegin(), y.rend()) + "=");
      EXPECT_EQ(reversed.answer, std::string(plain.answer.rbegin(), plain.answer.rend()));
    }
  }
}

TEST(ReasoningItems, SplitsAreDisjointAndGenerationIsDeterministic) {
  std::set<std::string> held;
  Rng h(1), t(2);
  for (int i = 0; i < 500; ++i)
    held.insert(make_chain_item(2, ChainFormat::kDirect, h, Split::kHeldOut).problem);
  for (int i = 0; i < 5000; ++i) {
    ASSERT_EQ(held.count(make_chain_item(2, ChainFormat::kDirect, t, Split::kTrain).problem), 0u);
  }
  Rng a(4), b(4);
  EXPECT_EQ(make_addition_item(3, AdditionFormat::kPlain, a, Split::kTrain).prompt,
            make_addition_item(3, AdditionFormat::kPlain, b, Split::kTrain).prompt);
}

}  // namespace
}  // namespace tb
