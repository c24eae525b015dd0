#include "methods/full_ft.h"

#include <gtest/gtest.h>

#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

TEST(FullFineTuning, TrainsEveryParameter) {
  torch::manual_seed(0);
  LlamaForCausalLM model(testing::tiny_config());
  const auto before = model_state(*model);
  std::map<std::string, torch::Tensor> copy;
  for (const auto& [k, v] : before) copy[k] = v.clone();
  FullFineTuning ft;
  ReverseTask task(2, 3);
  const TaskData data = make_task_data(task, 200, 10, 0);
  int64_t total = 0;
  for (const auto& p : model->parameters()) total += p.numel();
  int64_t trainable = 0;
  for (const auto& p : ft.prepare(model, {})) trainable += p.numel();
  EXPECT_EQ(trainable, total);
  FullFineTuning again;
  const auto [first, last] =
      testing::first_and_last(testing::train_with(again, model, data, 60, 3e-3));
  EXPECT_LT(last, 0.7 * first) << first << " -> " << last;
  EXPECT_FALSE(torch::equal(model_state(*model).at("model.layers.1.mlp.down_proj.weight"),
                            copy.at("model.layers.1.mlp.down_proj.weight")));
}

}  // namespace
}  // namespace tb
