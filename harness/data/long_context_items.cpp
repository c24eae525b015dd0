#include "harness/data/long_context_items.h"

#include <algorithm>
#include <cctype>

#include "harness/common/check.h"
#include "harness/common/strings.h"
#include "harness/data/haystack.h"

namespace tb {
namespace {

const std::vector<std::string> kNames = {"passkey",         "niah_single",     "niah_multikey",
                                         "niah_multivalue", "niah_multiquery", "variable_tracking",
                                         "kv_retrieval"};

std::string digits(Rng& rng, int64_t n) {  // n digits, no leading zero
  std::string s(1, char('1' + rng.below(9)));
  for (int64_t i = 1; i < n; ++i) s.push_back(char('0' + rng.below(10)));
  return s;
}

std::string letters(Rng& rng, int64_t n, char first) {
  std::string s;
  for (int64_t i = 0; i < n; ++i) s.push_back(char(first + rng.below(26)));
  return s;
}

std::string hex(Rng& rng, int64_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (int64_t i = 0; i < n; ++i) s.push_back(kHex[rng.below(16)]);
  return s;
}

// `n` distinct strings from `draw`.
template <typename Draw>
std::vector<std::string> distinct(int64_t n, Draw draw) {
  std::vector<std::string> out;
  while (int64_t(out.size()) < n) {
    std::string s = draw();
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  }
  return out;
}

// The facts of an item before it is laid out: needles (gold ones first, then distractors),
// the query and the answer.
struct Facts {
  std::vector<std::string> needles;
  bool chained = false;  // needles must appear in order, after the first (vt)
  std::string query, answer;
  std::vector<std::string> references;
  std::string core;
};

constexpr int64_t kKeyLetters = 4, kValueDigits = 7, kPasskeyDigits = 5, kVarLetters = 5,
                  kVtValueDigits = 5, kHexDigits = 6;

std::string magic_needle(const std::string& key, const std::string& value) {
  return "The magic number for " + key + " is " + value + ". ";
}

Facts niah_facts(int64_t keys, int64_t values, int64_t queries, Rng& rng) {
  Facts f;
  const auto all_keys =
      distinct(std::max(keys, queries), [&] { return letters(rng, kKeyLetters, 'a'); });
  const std::vector<std::string> queried(all_keys.begin(), all_keys.begin() + queries);
  std::vector<std::string> distractors;
  for (size_t k = 0; k < all_keys.size(); ++k) {
    const int64_t n_values = int64_t(k) < queries ? values : 1;
    const auto vals = distinct(n_values, [&] { return digits(rng, kValueDigits); });
    for (const auto& v : vals) {
      if (int64_t(k) < queries) {
        f.needles.push_back(magic_needle(all_keys[k], v));
        f.references.push_back(v);
        f.core += all_keys[k] + "=" + v + ";";
      } else {
        distractors.push_back(magic_needle(all_keys[k], v));
      }
    }
  }
  f.needles.insert(f.needles.end(), distractors.begin(), distractors.end());
  f.answer = joined(f.references);
  if (values == 1 && queries == 1) {
    f.query = "The magic number for " + queried[0] + " is ";
  } else {
    f.query = "The magic numbers for " + joined(queried) + " are ";
  }
  return f;
}

Facts facts_for(LongContextTask task, const LongContextShape& shape, Rng& rng) {
  switch (task) {
    case LongContextTask::kPasskey: {
      Facts f;
      const std::string key = digits(rng, kPasskeyDigits);
      f.needles = {"The pass key is " + key + ". "};
      f.query = "The pass key is ";
      f.answer = key;
      f.references = {key};
      f.core = "passkey " + key;
      return f;
    }
    case LongContextTask::kNiahSingle:
      return niah_facts(1, 1, 1, rng);
    case LongContextTask::kNiahMultikey:
      return niah_facts(shape.multi, 1, 1, rng);
    case LongContextTask::kNiahMultivalue:
      return niah_facts(1, shape.multi, 1, rng);
    case LongContextTask::kNiahMultiquery:
      return niah_facts(shape.multi, 1, shape.multi, rng);
    case LongContextTask::kVariableTracking: {
      Facts f;
      const auto names =
          distinct(shape.vt_hops + 1, [&] { return letters(rng, kVarLetters, 'A'); });
      const std::string value = digits(rng, kVtValueDigits);
      f.needles.push_back("VAR " + names[0] + " = " + value + ". ");
      for (size_t i = 1; i < names.size(); ++i) {
        f.needles.push_back("VAR " + names[i] + " = VAR " + names[i - 1] + ". ");
      }
      f.chained = true;
      f.query = "The variables equal to " + value + " are ";
      f.references = names;
      f.answer = joined(names);
      f.core = "vt " + value + " " + f.answer;
      return f;
    }
    case LongContextTask::kKvRetrieval:
      break;
  }
  TB_CHECK(false, "kv_retrieval is laid out separately");
}

// Needles inserted into a noise haystack: the gold needle at `depth`, distractors and
// further gold needles at random sentence starts (after the first for chained needles).
LongContextItem lay_out_in_haystack(const Facts& f, int64_t length, double depth, Rng& rng) {
  int64_t fixed = 2 + int64_t(f.query.size());  // BOS, newline, query
  for (const auto& n : f.needles) fixed += int64_t(n.size());
  const std::string haystack = noise_haystack(length - fixed);
  struct Placed {
    size_t offset;
    size_t order;
  };
  std::vector<Placed> placed;
  const size_t first = depth_offset(haystack, depth);
  placed.push_back({first, 0});
  for (size_t i = 1; i < f.needles.size(); ++i) {
    const size_t lo = f.chained ? first : 0;
    const size_t at = lo + size_t(rng.below(haystack.size() - lo + 1));
    placed.push_back(
        {at == haystack.size() ? at : std::max(lo, sentence_start_at_or_before(haystack, at)), i});
  }
  std::stable_sort(placed.begin(), placed.end(), [](const Placed& a, const Placed& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.order < b.order;
  });
  LongContextItem item;
  size_t cursor = 0;
  for (const Placed& p : placed) {
    item.prompt.append(haystack, cursor, p.offset - cursor);
    cursor = p.offset;
    if (p.order == 0) item.gold_offset = item.prompt.size();
    item.prompt += f.needles[p.order];
  }
  item.prompt.append(haystack, cursor, std::string::npos);
  item.prompt += "\n" + f.query;  // the haystack may end inside a sentence
  item.haystack_bytes = haystack.size();
  return item;
}

constexpr std::string_view kKvHead = "{";
constexpr int64_t kKvPairBytes = 2 + kHexDigits + 4 + kHexDigits;  // "k": "v"

std::string kv_query(const std::string& key) { return "}\nKey: \"" + key + "\" Value: "; }

LongContextItem make_kv_item(int64_t length, double depth, Rng& rng, Split split) {
  const int64_t budget =
      length - 1 - int64_t(kKvHead.size()) - int64_t(kv_query("").size()) - kHexDigits;
  const int64_t pairs = (budget + 2) / (kKvPairBytes + 2);  // pairs joined by ", "
  const int64_t padding = budget - (pairs * (kKvPairBytes + 2) - 2);
  const auto gold = size_t(std::llround(depth * double(pairs - 1)));
  std::vector<std::string> keys, values;
  while (true) {
    keys = distinct(pairs, [&] { return hex(rng, kHexDigits); });
    values.clear();
    for (int64_t i = 0; i < pairs; ++i) values.push_back(hex(rng, kHexDigits));
    if (in_split("kv " + keys[gold] + " " + values[gold], split)) break;
  }
  LongContextItem item;
  item.prompt = std::string(kKvHead) + std::string(size_t(padding), ' ');
  for (int64_t i = 0; i < pairs; ++i) {
    if (i > 0) item.prompt += ", ";
    if (size_t(i) == gold) item.gold_offset = item.prompt.size();
    item.prompt += "\"" + keys[i] + "\": \"" + values[i] + "\"";
  }
  item.haystack_bytes = item.prompt.size() + 1;  // the JSON object, both braces included
  item.prompt += kv_query(keys[gold]);
  item.answer = values[gold];
  item.references = {values[gold]};
  item.core = "kv " + keys[gold] + " " + values[gold];
  return item;
}


}  // namespace

const std::vector<std::string>& long_context_task_names() { return kNames; }

std::optional<LongContextTask> parse_long_context_task(const std::string& name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return LongContextTask(i);
  }
  return std::nullopt;
}

const std::string& long_context_task_name(LongContextTask task) { return kNames[size_t(task)]; }

int64_t long_context_min_length(LongContextTask task, const LongContextShape& shape) {
  if (task == LongContextTask::kKvRetrieval) {
    return 1 + int64_t(kKvHead.size()) + 2 * kKvPairBytes + 2 + int64_t(kv_query("").size()) +
           kHexDigits;
  }
  Rng rng(0);  // every draw of a task has the same byte count
  const Facts f = facts_for(task, shape, rng);
  int64_t n = 2 + int64_t(f.query.size());
  for (const auto& needle : f.needles) n += int64_t(needle.size());
  return n;
}

int64_t long_context_max_answer_tokens(LongContextTask task, const LongContextShape& shape) {
  if (task == LongContextTask::kKvRetrieval) return kHexDigits;
  Rng rng(0);
  return int64_t(facts_for(task, shape, rng).answer.size());
}

LongContextItem make_long_context_item(LongContextTask task, const LongContextShape& shape,
                                       int64_t length, double depth, Rng& rng, Split split) {
  TB_CHECK(length >= long_context_min_length(task, shape), "length checked against the minimum");
  TB_CHECK(depth >= 0 && depth <= 1, "depth in [0, 1]");
  if (task == LongContextTask::kKvRetrieval) return make_kv_item(length, depth, rng, split);
  Facts f;
  do {
    f = facts_for(task, shape, rng);
  } while (!in_split(f.core, split));
  LongContextItem item = lay_out_in_haystack(f, length, depth, rng);
  item.answer = f.answer;
  item.references = f.references;
  item.core = f.core;
  return item;
}

double long_context_score(LongContextTask task, const LongContextItem& item,
                          const std::string& output) {
  switch (task) {
    case LongContextTask::kPasskey: {
      const size_t start = output.find_first_of("0123456789");
      if (start == std::string::npos) return 0.0;
      const size_t end = output.find_first_not_of("0123456789", start);
      return output.substr(start, end - start) == item.answer ? 1.0 : 0.0;
    }
    case LongContextTask::kKvRetrieval:
      return output.find(item.answer) != std::string::npos ? 1.0 : 0.0;
    default: {
      const std::string out = ascii_lowercase(output);
      int64_t found = 0;
      for (const auto& r : item.references) found += out.find(ascii_lowercase(r)) != std::string::npos;
      return double(found) / double(item.references.size());
    }
  }
}

}  // namespace tb
