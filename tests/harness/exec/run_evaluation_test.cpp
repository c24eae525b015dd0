#include "harness/exec/run_evaluation.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "harness/common/files.h"
#include "harness/exec/run_dir.h"
#include "harness/model/model_io.h"
#include "harness/spec/grid.h"
#include "tests/test_util.h"

namespace tb {
namespace {

namespace fs = std::filesystem;

// The stored evaluations of one run of `config` whose base model is `base` in memory.
nlohmann::json evaluations(const fs::path& dir, const nlohmann::json& job, LlamaForCausalLM base,
                           LlamaForCausalLM tuned) {
  fs::create_directories(dir);
  MetricLog log(run_files::metrics(dir));
  RunResult result;
  const ModelText text(job.at("config").at("base_model"));
  evaluate_and_write_result(dir, job, base, tuned, task_data_of(job.at("config"), text), text, log, 0,
                            std::chrono::steady_clock::now(), result);
  const auto stored = nlohmann::json::parse(read_file(run_files::result(dir)));
  return {{"evals", stored.at("evals")}, {"items", stored.at("items")}};
}

// Fine-tuned and post-hoc runs alike evaluate here: the second run of a base model reads
// the base model's side from beside the model file instead of evaluating it again.
TEST(RunEvaluation, TheSecondRunOfABaseModelReadsTheBaseResultsFromBesideIt) {
  testing::ScratchDir dir("run-evaluation");
  nlohmann::json spec = testing::small_spec();
  spec["evaluation"]["forgetting"]["control_items"] = 10;
  const auto runs = expand_grid(parse_spec(spec, "s.json"));
  const auto other = std::find_if(runs.begin(), runs.end(),
                                  [&](const RunConfig& r) { return r.seed != runs[0].seed; });
  ASSERT_NE(other, runs.end());
  nlohmann::json job = {{"config", runs[0].config},
                        {"run_key", runs[0].key},
                        {"models_dir", (dir.path() / "models").string()},
                        {"threads", 1}};
  const fs::path model_file = base_model_of(job);
  fs::create_directories(model_file.parent_path());
  torch::manual_seed(0);
  LlamaForCausalLM base(testing::tiny_config()), tuned(testing::tiny_config());
  save_model(base, model_file);

  const auto first = evaluations(dir.path() / "first", job, base, tuned);
  const fs::path cache = model_file.parent_path() / "eval_cache";
  ASSERT_TRUE(fs::exists(cache));
  // Another run (another seed) of the same base model, its base model garbled in memory:
  // only the cache can give the first run's base results.
  LlamaForCausalLM garbled = load_model(model_file);
  {
    torch::NoGradGuard no_grad;
    garbled->lm_head->weight.mul_(-1.0);
  }
  job["config"] = other->config;
  job["run_key"] = other->key;
  ASSERT_EQ(base_model_of(job), model_file);
  EXPECT_EQ(evaluations(dir.path() / "second", job, garbled, tuned), first);
  // Without the cache, the garbled base model is evaluated (so the check above means something).
  fs::remove_all(cache);
  EXPECT_NE(evaluations(dir.path() / "third", job, garbled, tuned), first);
}

}  // namespace
}  // namespace tb
