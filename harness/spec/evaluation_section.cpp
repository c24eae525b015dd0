#include "harness/spec/evaluation_section.h"

#include <algorithm>

#include "evaluators/registry.h"

namespace tb {
namespace {

const char* kEvery = "every";
const char* kDuring = "during";

bool is_schedule_key(const std::string& key) { return key == kEvery || key == kDuring; }

std::string known_suites() {
  std::string known;
  for (const auto& e : all_evaluators()) known += (known.empty() ? "" : ", ") + e.name;
  return known;
}

// What a section without suites is told.
std::string expected_suites() {
  return "expected an object naming at least one suite with its options, e.g. {\"task_accuracy\": {}}; suites: " +
         known_suites();
}

nlohmann::json parse_suites(const nlohmann::json& section, const JsonLocation& at, const LlamaConfig& model,
                            const Tokenizer& tok, bool schedule_keys_allowed) {
  if (!section.is_object()) at.fail(expected_suites());
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, options] : section.items()) {
    if (name[0] == '_' || (schedule_keys_allowed && is_schedule_key(name))) continue;
    const EvaluatorInfo* info = find_evaluator(name);
    if (info == nullptr) at.key(name).fail("unknown evaluation suite; known suites: " + known_suites());
    out[name] = validate_object(options, info->options, at.key(name));
    if (info->check != nullptr) info->check(out[name], model, tok, at.key(name));
  }
  if (out.empty()) at.fail(expected_suites());
  return out;
}

// `every`: a step interval, or a list of steps (ascending, distinct after sorting).
nlohmann::json parse_every(const nlohmann::json& every, const JsonLocation& at) {
  const Field step{.name = kEvery, .type = FieldType::kInt, .min = 1, .max = kMaxSteps};
  if (every.is_array()) {
    if (every.empty()) at.fail("expected a step interval or a non-empty list of steps, found []");
    std::vector<int64_t> steps;
    for (size_t i = 0; i < every.size(); ++i) steps.push_back(validate_value(every[i], step, at.index(i)).get<int64_t>());
    std::sort(steps.begin(), steps.end());
    steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
    return {{"steps", steps}};
  }
  if (!every.is_number_integer()) {
    at.fail("expected a step interval (an integer ≥ 1) or a list of steps, found " + describe_json(every));
  }
  return {{"every", validate_value(every, step, at).get<int64_t>()}};
}

}  // namespace

nlohmann::json parse_evaluation(const nlohmann::json& section, const JsonLocation& at, const LlamaConfig& model,
                                const Tokenizer& tok) {
  return parse_suites(section, at, model, tok, true);
}

nlohmann::json parse_evaluation_during(const nlohmann::json& section, const JsonLocation& at,
                                       const nlohmann::json& suites, const LlamaConfig& model, const Tokenizer& tok) {
  if (!section.contains(kEvery)) {
    if (section.contains(kDuring)) at.key(kDuring).fail("needs evaluation.every: the steps to evaluate at");
    return nullptr;
  }
  nlohmann::json out = parse_every(section.at(kEvery), at.key(kEvery));
  out["suites"] = section.contains(kDuring)
                      ? parse_suites(section.at(kDuring), at.key(kDuring), model, tok, false)
                      : suites;
  return out;
}

nlohmann::json evaluation_during_for_run(const nlohmann::json& during, int64_t steps) {
  if (during.is_null()) return nullptr;
  std::vector<int64_t> schedule;
  if (during.contains("every")) {
    const int64_t every = during.at("every").get<int64_t>();
    for (int64_t s = every; s < steps; s += every) schedule.push_back(s);
  } else {
    for (const auto& s : during.at("steps")) {
      if (s.get<int64_t>() < steps) schedule.push_back(s.get<int64_t>());
    }
  }
  if (schedule.empty() || schedule.back() != steps) schedule.push_back(steps);  // curves end at the final evaluation
  return {{"steps", schedule}, {"suites", during.at("suites")}};
}

}  // namespace tb
