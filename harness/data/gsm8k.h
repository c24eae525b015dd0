// GSM8K loading, prompting and scoring, torch-free. It follows lm-evaluation-harness's
// `gsm8k` task (lm_eval/tasks/gsm8k/gsm8k.yaml, metadata version 3.0) for the benchmark of
// Cobbe et al. 2021, "Training Verifiers to Solve Math Word Problems" (arXiv 2110.14168):
//
//   prompt      few-shot exemplars "Question: {q}\nAnswer: {full answer}" joined and followed
//               by "\n\n" (target_delimiter " ", fewshot_delimiter "\n\n"), then
//               "Question: {q}\nAnswer:" for the scored item.
//   stop        generation ends at the earliest of "Question:", "</s>", "<|im_end|>".
//   strict      regex  #### (\-?[0-9\.\,]+)          first match, group 1.
//   flexible    regex  (-?[$0-9.,]{2,})|(-?[0-9]+)   last match (group_select -1), its
//               non-empty group.
//   exact_match applied to the extracted answer and to the full gold answer text alike:
//               delete the regexes ","  "\$"  "(?s).*#### "  "\.$"  in that order, then
//               lowercase (ignore_case true, ignore_punctuation false); equal strings match.
//               So "1,000", "$1,000" and "1000." all match a gold "#### 1000", but "72.0"
//               does not match "#### 72".
//
// Where lm-eval writes the fallback "[invalid]" (no regex match), this module returns
// std::nullopt, which never matches.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tb {

struct Gsm8kItem {
  std::string question;
  std::string answer;  // the full answer text: the worked solution, then "#### N"
  int64_t line = 0;    // 1-based line of the JSON Lines file it came from (0 if not from a file)
};

// Reads a GSM8K JSON Lines file: one object per non-blank line with string fields
// "question" (non-empty) and "answer" (containing "#### " followed by a number, as the strict
// regex reads it); other fields are ignored. Items come back in file order. Throws UserError
// naming the file, the line and what was expected when the file cannot be read, a line is not
// a JSON object, a field is missing, empty or not a string, an answer has no "#### <number>",
// or the file holds no item.
std::vector<Gsm8kItem> load_gsm8k_jsonl(const std::filesystem::path& file);

// The context lm-eval's gsm8k gives the model: every exemplar of `fewshot`, in order, as
// "Question: {question}\nAnswer: {answer}\n\n", then "Question: {question}\nAnswer:" for
// `item`. No trailing space: the model generates the " " itself.
std::string gsm8k_prompt(const Gsm8kItem& item, const std::vector<Gsm8kItem>& fewshot);

// lm-eval's "strict-match" filter: group 1 of the first match of  #### (\-?[0-9\.\,]+)
// (e.g. "... #### -1,234.5" gives "-1,234.5"); nullopt when nothing matches.
std::optional<std::string> gsm8k_strict_extract(const std::string& generation);

// lm-eval's "flexible-extract" filter: the last non-overlapping match, scanning left to
// right, of  (-?[$0-9.,]{2,})|(-?[0-9]+)  (whichever alternative matched), e.g. "$1,000." or
// "7"; nullopt when nothing matches.
std::optional<std::string> gsm8k_flexible_extract(const std::string& generation);

// lm-eval's exact_match normalisation for gsm8k: deletes every ",", every "$", everything up
// to and including the last "#### ", then one "." at the very end (or just before a final
// "\n", as Python's `$` allows), and lowercases ASCII letters.
std::string gsm8k_normalize(std::string s);

// Whether the extracted answer equals the gold answer (the full answer text, "#### N"
// included) after gsm8k_normalize of both. nullopt never matches.
bool gsm8k_match(const std::optional<std::string>& extracted, const std::string& gold_answer);

// "Question:", the stop sequence that ends a gsm8k answer in the few-shot format.
std::string gsm8k_stop_sequence();

// lm-eval's gsm8k `until` list: "Question:", "</s>", "<|im_end|>".
const std::vector<std::string>& gsm8k_stop_sequences();

// `text` up to (not including) the earliest occurrence of any non-empty stop in `stops`;
// `text` unchanged when none occurs.
std::string truncate_at_stop(const std::string& text, const std::vector<std::string>& stops);

}  // namespace tb
