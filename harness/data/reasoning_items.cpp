#include "harness/data/reasoning_items.h"

#include <algorithm>

#include "harness/common/check.h"

namespace tb {
namespace {

std::string number(Rng& rng, int64_t digits) {
  std::string s(1, char('1' + rng.below(9)));
  for (int64_t i = 1; i < digits; ++i) s.push_back(char('0' + rng.below(10)));
  return s;
}

// Decimal sum of two digit strings.
std::string add(const std::string& a, const std::string& b) {
  std::string out;
  int carry = 0;
  for (size_t i = 0; i < std::max(a.size(), b.size()) || carry; ++i) {
    const int da = i < a.size() ? a[a.size() - 1 - i] - '0' : 0;
    const int db = i < b.size() ? b[b.size() - 1 - i] - '0' : 0;
    const int s = da + db + carry;
    out.push_back(char('0' + s % 10));
    carry = s / 10;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::string reversed(std::string s) {
  std::reverse(s.begin(), s.end());
  return s;
}

}  // namespace

ReasoningItem make_chain_item(int64_t hops, ChainFormat format, Rng& rng, Split split) {
  TB_CHECK(hops >= 1 && hops <= 25, "hops in [1, 25]");
  ReasoningItem item;
  std::string names, steps;
  int value = 0;
  do {
    names.clear();
    while (int64_t(names.size()) < hops + 1) {
      const char c = char('a' + rng.below(26));
      if (names.find(c) == std::string::npos) names.push_back(c);
    }
    value = int(rng.below(10));
    item.problem = std::string(1, names[0]) + "=" + std::to_string(value) + ";";
    steps.clear();
    for (int64_t i = 1; i <= hops; ++i) {
      const char op = "+-*"[rng.below(3)];
      const int operand = int(1 + rng.below(9));
      value = op == '+'   ? (value + operand) % 10
              : op == '-' ? (value - operand + 10) % 10
                          : (value * operand) % 10;
      item.problem += std::string(1, names[size_t(i)]) + "=" + names[size_t(i - 1)] + op +
                      std::to_string(operand) + ";";
      steps += std::string(1, names[size_t(i)]) + "=" + std::to_string(value) + ";";
    }
  } while (!in_split(item.problem, split));
  item.final_answer = std::to_string(value);
  item.prompt = item.problem + names.back() + "=?";
  if (format == ChainFormat::kDirect) {
    item.answer = item.final_answer;
  } else {
    item.prompt = "steps: " + item.prompt;
    item.answer = steps + "so " + item.final_answer;
  }
  return item;
}

double chain_score(ChainFormat format, const ReasoningItem& item, const std::string& output) {
  if (format == ChainFormat::kDirect) return output == item.final_answer ? 1.0 : 0.0;
  const size_t at = output.rfind("so ");
  return at != std::string::npos && output.substr(at + 3) == item.final_answer ? 1.0 : 0.0;
}

int64_t chain_max_answer_tokens(int64_t hops, ChainFormat format) {
  return format == ChainFormat::kDirect ? 1 : hops * 4 + 4;  // "x=7;" per hop, "so 4"
}

ReasoningItem make_addition_item(int64_t digits, AdditionFormat format, Rng& rng, Split split) {
  TB_CHECK(digits >= 1 && digits <= 18, "digits in [1, 18]");
  ReasoningItem item;
  std::string a, b;
  do {
    a = number(rng, digits);
    b = number(rng, digits);
    item.problem = a + "+" + b;
  } while (!in_split(item.problem, split));
  const std::string sum = add(a, b);
  if (format == AdditionFormat::kPlain) {
    item.prompt = a + "+" + b + "=";
    item.answer = sum;
  } else {
    item.prompt = "r" + reversed(a) + "+" + reversed(b) + "=";
    item.answer = reversed(sum);
  }
  item.final_answer = item.answer;
  return item;
}

double addition_score(const ReasoningItem& item, const std::string& output) {
  return output == item.final_answer ? 1.0 : 0.0;
}

}  // namespace tb
