#include "harness/exec/posthoc_run.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include "evaluators/responder.h"
#include "harness/common/files.h"
#include "harness/exec/run_device.h"
#include "harness/exec/run_dir.h"
#include "harness/exec/run_evaluation.h"
#include "harness/model/model_io.h"
#include "harness/train/item_encoding.h"
#include "methods/posthoc.h"
#include "methods/registry.h"

namespace tb {
namespace {

// Exact-match accuracy and mean gold-answer log-probability on the validation items.
ValidationScore validation_score(LlamaForCausalLM& scratch, const TensorMap& weights,
                                 const std::vector<TaskItem>& items, const Tokenizer& tok,
                                 AnswerNormalizer match) {
  load_model_state(*scratch, weights);
  std::vector<Query> queries;
  std::vector<std::string> expected;
  for (const TaskItem& item : items) {
    expected.push_back(expected_output(tok, item));
    queries.push_back({item.prompt, item.answer, int64_t(expected.back().size()) + 1, "", item.rendered_reply});
  }
  const auto responses = ModelResponder(scratch, tok).respond(queries);
  ValidationScore score;
  for (size_t i = 0; i < items.size(); ++i) {
    score.accuracy += answer_match(match, responses[i].output, expected[i]);
    score.answer_logprob += responses[i].answer_logprob;
  }
  score.accuracy /= double(items.size());
  score.answer_logprob /= double(items.size());
  return score;
}

}  // namespace

void run_posthoc(const std::filesystem::path& dir, const nlohmann::json& job) {
  const auto start = std::chrono::steady_clock::now();
  const nlohmann::json& config = job.at("config");
  const auto& method_section = config.at("method");
  const MethodInfo* info = find_method(method_section.at("name").get<std::string>());
  if (info == nullptr || !info->posthoc()) throw std::runtime_error("not a post-hoc method: " + method_section.dump());
  auto method = info->make_posthoc(method_section);

  LlamaForCausalLM base = load_base_model_of(job);
  PosthocInputs inputs;
  inputs.base = model_state(*base);
  int64_t trainable = 0;
  for (const auto& parent : job.at("parents")) {
    const std::filesystem::path parent_dir = parent.at("dir").get<std::string>();
    const std::string key = parent.at("key").get<std::string>();
    if (!std::filesystem::exists(run_files::model(parent_dir)) || !std::filesystem::exists(run_files::result(parent_dir)))
      throw std::runtime_error("parent run " + key + " has no model.safetensors or result.json in " +
                               parent_dir.string() + " (its run folder was removed?)");
    inputs.parents.push_back(load_safetensors(run_files::model(parent_dir)).tensors);
    // What the combined model changed is what its parents trained.
    const auto parent_result = nlohmann::json::parse(read_file(run_files::result(parent_dir)));
    trainable = std::max(trainable, parent_result.at("trainable_params").get<int64_t>());
  }
  if (int64_t(inputs.parents.size()) < info->min_parents)
    throw std::runtime_error(info->name + " needs at least " + std::to_string(info->min_parents) + " parent runs");

  const ModelText text(config.at("base_model"));
  const TaskData data = task_data_of(config, text, method->validation_items());
  const torch::Device device = run_device_of(job);  // the combined model evaluates there, in fp32
  LlamaForCausalLM scratch = load_base_model_of(job);
  scratch->to(device);
  scratch->eval();
  inputs.validation_score = [&](const TensorMap& weights) {
    return validation_score(scratch, weights, data.validation, text.tokenizer(), data.answer_match);
  };

  LlamaForCausalLM tuned = load_base_model_of(job);
  load_model_state(*tuned, method->combine(inputs));
  std::cout << info->name << ": combined " << inputs.parents.size() << " run(s)" << std::endl;
  write_file_atomically(run_files::method_details(dir), method->details().dump(2));
  save_model(tuned, run_files::model(dir));

  MetricLog log(run_files::metrics(dir));
  RunResult result;
  result.trainable_params = trainable;
  base->to(device);
  tuned->to(device);
  evaluate_and_write_result(dir, job, base, tuned, data, text, log, 0, start, result);
}

}  // namespace tb
