// GSM8K loading, prompting and scoring after lm-evaluation-harness's gsm8k task (v3.0);
// the rules are listed in gsm8k.h. The two extraction regexes are matched by hand-written
// scanners that reproduce Python's re.findall on them exactly (leftmost match, greedy, ordered
// alternation, non-overlapping); they run in linear time without recursion, which std::regex
// does not promise on long generations. The tests check them against std::regex.
#include "harness/data/gsm8k.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string_view>

#include "harness/common/check.h"
#include "harness/common/files.h"

namespace tb {
namespace {

constexpr std::string_view kAnswerMarker = "#### ";
constexpr std::string_view kQuestionPrefix = "Question: ";
constexpr std::string_view kAnswerPrefix = "\nAnswer:";
constexpr std::string_view kTargetDelimiter = " ";
constexpr std::string_view kFewshotDelimiter = "\n\n";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
// [0-9\.\,] of the strict regex.
bool is_strict_char(char c) { return is_digit(c) || c == '.' || c == ','; }
// [$0-9.,] of the flexible regex.
bool is_flexible_char(char c) { return is_digit(c) || c == '$' || c == '.' || c == ','; }

template <typename Pred>
size_t run_length(const std::string& s, size_t from, Pred pred) {
  size_t i = from;
  while (i < s.size() && pred(s[i])) ++i;
  return i - from;
}

// Length of the match of (-?[$0-9.,]{2,})|(-?[0-9]+) starting exactly at `pos`; 0 if none.
size_t flexible_match_at(const std::string& s, size_t pos) {
  const size_t sign = s[pos] == '-' ? 1 : 0;  // "-?" is greedy; without the '-', a leading '-'
                                              // fails both classes, so no backtracking is needed
  const size_t chars = run_length(s, pos + sign, is_flexible_char);
  if (chars >= 2) return sign + chars;
  const size_t digits = run_length(s, pos + sign, is_digit);
  if (digits >= 1) return sign + digits;
  return 0;
}

[[noreturn]] void bad_line(const std::filesystem::path& file, int64_t line,
                           const std::string& what) {
  throw UserError(file.string() + ":" + std::to_string(line) + ": " + what);
}

}  // namespace

std::vector<Gsm8kItem> load_gsm8k_jsonl(const std::filesystem::path& file) {
  const std::string text = read_file(file);
  std::vector<Gsm8kItem> items;
  int64_t line_no = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;

    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      bad_line(file, line_no,
               "not valid JSON (expected one object per line with string fields \"question\" "
               "and \"answer\")");
    }
    if (!j.is_object()) {
      bad_line(file, line_no,
               std::string("expected a JSON object with string fields \"question\" and "
                           "\"answer\", got ") +
                   j.type_name());
    }
    const auto question = j.find("question");
    if (question == j.end() || !question->is_string() ||
        question->get_ref<const std::string&>().empty()) {
      bad_line(file, line_no, "expected a non-empty string field \"question\"");
    }
    const auto answer = j.find("answer");
    if (answer == j.end() || !answer->is_string() ||
        !gsm8k_strict_extract(answer->get_ref<const std::string&>())) {
      bad_line(file, line_no, "expected a string field \"answer\" containing \"#### <number>\"");
    }
    items.push_back(Gsm8kItem{question->get<std::string>(), answer->get<std::string>(), line_no});
  }
  if (items.empty()) {
    throw UserError(file.string() +
                    ": no items (expected one JSON object per line with string fields "
                    "\"question\" and \"answer\")");
  }
  return items;
}

std::string gsm8k_prompt(const Gsm8kItem& item, const std::vector<Gsm8kItem>& fewshot) {
  std::string out;
  for (const Gsm8kItem& shot : fewshot) {
    out += kQuestionPrefix;
    out += shot.question;
    out += kAnswerPrefix;
    out += kTargetDelimiter;
    out += shot.answer;
    out += kFewshotDelimiter;
  }
  out += kQuestionPrefix;
  out += item.question;
  out += kAnswerPrefix;
  return out;
}

std::optional<std::string> gsm8k_strict_extract(const std::string& generation) {
  for (size_t p = generation.find(kAnswerMarker); p != std::string::npos;
       p = generation.find(kAnswerMarker, p + 1)) {
    const size_t from = p + kAnswerMarker.size();
    const size_t sign = from < generation.size() && generation[from] == '-' ? 1 : 0;
    const size_t chars = run_length(generation, from + sign, is_strict_char);
    if (chars > 0) return generation.substr(from, sign + chars);
  }
  return std::nullopt;
}

std::optional<std::string> gsm8k_flexible_extract(const std::string& generation) {
  std::optional<std::string> last;
  size_t pos = 0;
  while (pos < generation.size()) {
    const size_t len = flexible_match_at(generation, pos);
    if (len == 0) {
      ++pos;
      continue;
    }
    last = generation.substr(pos, len);
    pos += len;
  }
  return last;
}

std::string gsm8k_normalize(std::string s) {
  std::erase(s, ',');                            // ","
  std::erase(s, '$');                            // "\$"
  const size_t marker = s.rfind(kAnswerMarker);  // "(?s).*#### ": greedy, so the last marker
  if (marker != std::string::npos) s.erase(0, marker + kAnswerMarker.size());
  // "\.$": Python's `$` matches at the end and just before a final "\n".
  if (!s.empty() && s.back() == '.') {
    s.pop_back();
  } else if (s.size() >= 2 && s.back() == '\n' && s[s.size() - 2] == '.') {
    s.erase(s.size() - 2, 1);
  }
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

bool gsm8k_match(const std::optional<std::string>& extracted, const std::string& gold_answer) {
  if (!extracted) return false;
  return gsm8k_normalize(*extracted) == gsm8k_normalize(gold_answer);
}

std::string gsm8k_stop_sequence() { return "Question:"; }

const std::vector<std::string>& gsm8k_stop_sequences() {
  static const std::vector<std::string> kStops = {"Question:", "</s>", "<|im_end|>"};
  return kStops;
}

std::string truncate_at_stop(const std::string& text, const std::vector<std::string>& stops) {
  size_t cut = text.size();
  for (const std::string& stop : stops) {
    if (stop.empty()) continue;
    cut = std::min(cut, text.find(stop));  // npos is larger than any position
  }
  return text.substr(0, cut);
}

}  // namespace tb
