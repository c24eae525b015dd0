// The properties every method must have, checked for each registered method through
// the registry, the way the worker builds them: frozen parameters stay bit-identical,
// methods that start at the base model do, merged outputs equal unmerged ones (also
// after saving and loading), loss falls on a small task, and the same seed gives
// bit-identical results. Per-method files check closed-form counts and definitions.
#include <gtest/gtest.h>

#include "harness/model/model_io.h"
#include "harness/text/byte_tokenizer.h"
#include "harness/train/checkpoint.h"
#include "methods/registry.h"
#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

struct MethodCase {
  std::string name;                // test name
  nlohmann::json hyperparameters;  // "method" plus what differs from the defaults
  double lr;
  bool starts_at_base;
  double start_tolerance = 0;  // 0: bit-identical logits
  int64_t loss_steps = 60;     // steps in which the loss must fall
  double loss_ratio = 0.9;     // by this factor at least; 0: the loss is no progress measure (GRPO's
                               // is about 0 by construction, RFT's changes data each round; both
                               // are tested in policy_methods_test.cpp)
};

void PrintTo(const MethodCase& c, std::ostream* os) { *os << c.name; }

const nlohmann::json kAll = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                             "gate_proj", "up_proj", "down_proj"};

std::vector<MethodCase> cases() {
  return {
      {"full_ft", {{"method", "full_ft"}}, 3e-3, true},
      {"lora",
       {{"method", "lora"},
        {"rank", 4},
        {"alpha", 8.0},
        {"dropout", 0.1},
        {"target_modules", kAll}},
       1e-2,
       true},
      {"lora_rslora_gaussian",
       {{"method", "lora"},
        {"rank", 4},
        {"alpha", 4.0},
        {"use_rslora", true},
        {"init", "gaussian"},
        {"target_modules", kAll}},
       1e-2,
       true},
      {"dora",
       {{"method", "dora"},
        {"rank", 4},
        {"alpha", 8.0},
        {"dropout", 0.1},
        {"target_modules", kAll}},
       1e-2,
       true},
      {"pissa",
       {{"method", "pissa"}, {"rank", 4}, {"alpha", 4.0}, {"target_modules", kAll}},
       3e-3,
       true,
       1e-5},
      {"o_lora",
       {{"method", "o_lora"}, {"rank", 4}, {"alpha", 8.0}, {"lambda_l2", 0.01}, {"target_modules", kAll}},
       1e-2,
       true},
      {"longlora",
       {{"method", "longlora"}, {"rank", 4}, {"alpha", 8.0}, {"s2_groups", 2}},
       1e-2,
       true},
      {"eva",
       {{"method", "eva"}, {"rank", 4}, {"alpha", 8.0}, {"target_modules", kAll}},
       1e-2,
       true},
      {"ia3", {{"method", "ia3"}}, 5e-2, true, 0, 200},
      {"ssf", {{"method", "ssf"}, {"init_std", 0.0}}, 1e-2, true, 0, 120},
      {"ssf_random_init", {{"method", "ssf"}}, 1e-2, false, 0, 120},
      {"bitfit", {{"method", "bitfit"}, {"add_biases", true}}, 5e-2, true, 0, 300},
      // A frozen two-layer model cannot reverse strings whatever its prompt: the prompt
      // only steers it (prompt tuning lags at small scale, Lester et al. 2021, Fig. 1).
      {"prompt_tuning",
       {{"method", "prompt_tuning"}, {"num_virtual_tokens", 8}, {"init", "random"}},
       0.3,
       false,
       0,
       200,
       0.95},
      {"hft", {{"method", "hft"}}, 3e-3, true},
      {"sparse",
       {{"method", "sparse"},
        {"density", 0.1},
        {"reselection_steps", 10},
        {"accumulation_steps", 3}},
       1e-2,
       true, 0, 120},
      {"lift",
       {{"method", "lift"}, {"rank", 2}, {"filter_rank", 8}, {"update_interval", 1000}},
       1e-2,
       true},
      // Zeroth-order: many more, cheaper steps than a gradient method needs, and a
      // learning rate about 1/d of a gradient method's (the update's variance grows with
      // the number of parameters d); 4e-3 already diverges here.
      {"mezo", {{"method", "mezo"}, {"eps", 1e-3}}, 2e-3, true, 0, 400, 0.95},
      {"mezo_lora",
       {{"method", "mezo"}, {"parameters", "lora"}, {"rank", 4}, {"alpha", 8.0}, {"eps", 1e-2}, {"target_modules", kAll}},
       5e-3,
       true,
       0,
       400,
       0.95},
      // On-policy and preference methods, with the test verifier of method_context().
      {"grpo",
       {{"method", "grpo"}, {"group_size", 4}, {"max_new_tokens", 4}, {"iterations", 2}, {"beta", 0.04}},
       1e-3,
       true,
       0,
       60,
       0},
      {"grpo_lora",
       {{"method", "grpo"}, {"parameters", "lora"}, {"rank", 4}, {"alpha", 8.0}, {"target_modules", kAll},
        {"group_size", 4}, {"max_new_tokens", 4}, {"beta", 0.0}, {"loss_type", "dapo"}},
       1e-2,
       true,
       0,
       60,
       0},
      {"dpo", {{"method", "dpo"}, {"max_new_tokens", 4}, {"pair_items", 40}}, 1e-3, true},
      {"dpo_lora",
       {{"method", "dpo"}, {"parameters", "lora"}, {"rank", 4}, {"alpha", 8.0}, {"target_modules", kAll},
        {"max_new_tokens", 4}, {"pair_items", 40}},
       1e-2,
       true},
      // Three rounds: the checkpoint test stops inside the second, whose kept samples must
      // come back from the checkpoint. Its loss is on a new sample set each round, so it is
      // compared within one round in policy_methods_test.cpp.
      {"rft",
       {{"method", "rft"}, {"max_new_tokens", 4}, {"prompts_per_round", 16}, {"rounds", 3}},
       1e-3,
       true,
       0,
       60,
       0},
  };
}

std::unique_ptr<Method> make(const MethodCase& c) {
  const MethodInfo* info = find_method(c.hyperparameters.at("method").get<std::string>());
  nlohmann::json hp = c.hyperparameters;
  for (const auto& f : info->hyperparameters) {
    if (!hp.contains(f.name)) hp[f.name] = f.default_value;
  }
  if (info->check != nullptr) info->check(hp, testing::tiny_config(), JsonLocation("test.json"));
  return info->make(hp);
}

torch::Tensor logits_of(LlamaForCausalLM& model, const torch::Tensor& ids) {
  torch::NoGradGuard no_grad;
  model->eval();
  auto out = model->forward(ids);
  model->train();
  return out;
}

torch::Tensor probe_ids() { return torch::arange(0, 18, torch::kInt64).reshape({2, 9}) * 7 % 256; }

const TaskData& task_data() {
  static const TaskData data = make_task_data(ReverseTask(2, 3), 200, 10, 0);
  return data;
}

class MethodContract : public ::testing::TestWithParam<MethodCase> {};

TEST_P(MethodContract, FrozenParametersStayBitIdentical) {
  torch::manual_seed(3);
  LlamaForCausalLM model(testing::tiny_config());
  auto method = make(GetParam());
  const auto params =
      method->prepare(model, testing::method_context(20, testing::reverse_batches(task_data(), 9), task_data(), model));
  std::map<std::string, torch::Tensor> frozen;
  for (const auto& p : model->named_parameters()) {
    if (!p.value().requires_grad()) frozen[p.key()] = p.value().clone();
  }
  torch::manual_seed(4);
  TrainingOptions o;
  o.steps = 20;
  o.lr = GetParam().lr;
  o.warmup_steps = 2;
  train(model, params, o, testing::reverse_batches(task_data(), 0), method.get(),
        [](int64_t, const std::string&, double) {});
  for (const auto& p : model->named_parameters()) {
    if (frozen.count(p.key())) {
      EXPECT_TRUE(torch::equal(p.value(), frozen.at(p.key()))) << p.key() << " changed";
    }
  }
  int64_t trainable = 0;
  for (const auto& p : params) trainable += p.requires_grad() ? 1 : 0;
  EXPECT_EQ(trainable, int64_t(params.size())) << "every returned parameter is trainable";
}

TEST_P(MethodContract, StartsAtTheBaseModelWhereTheMethodSaysSo) {
  if (!GetParam().starts_at_base) GTEST_SKIP() << "starts away from the base model by definition";
  torch::manual_seed(5);
  LlamaForCausalLM model(testing::tiny_config());
  const auto before = logits_of(model, probe_ids());
  auto method = make(GetParam());
  method->prepare(model, testing::method_context(20, testing::reverse_batches(task_data(), 9), task_data(), model));
  const auto after = logits_of(model, probe_ids());
  if (GetParam().start_tolerance == 0) {
    EXPECT_TRUE(torch::equal(after, before)) << (after - before).abs().max().item<double>();
  } else {
    EXPECT_TRUE(torch::allclose(after, before, 0, GetParam().start_tolerance))
        << (after - before).abs().max().item<double>();
  }
}

TEST_P(MethodContract, MergedEqualsUnmergedAndSurvivesSaving) {
  torch::manual_seed(6);
  LlamaForCausalLM model(testing::tiny_config());
  const size_t base_tensors = model_state(*model).size();
  auto method = make(GetParam());
  testing::train_with(*method, model, task_data(), 25, GetParam().lr);
  const auto unmerged = logits_of(model, probe_ids());
  method->merge(model);
  const auto merged = logits_of(model, probe_ids());
  EXPECT_TRUE(torch::allclose(merged, unmerged, 1e-5, 1e-5))
      << (merged - unmerged).abs().max().item<double>();
  for (const auto& [name, tensor] : model_state(*model)) {
    const bool plain = name.find("weight") != std::string::npos ||
                       name.find(".bias") != std::string::npos || name == "model.prompt_embeddings";
    EXPECT_TRUE(plain) << name << " is left over after merging";
  }
  EXPECT_GE(model_state(*model).size(), base_tensors);
  testing::ScratchDir dir("contract");
  save_model(model, dir.path() / "model.safetensors");
  LlamaForCausalLM loaded = load_model(dir.path() / "model.safetensors");
  EXPECT_TRUE(torch::equal(logits_of(loaded, probe_ids()), merged))
      << "the saved model is the tuned model";
}

TEST_P(MethodContract, LossFallsOnASmallTask) {
  if (GetParam().loss_ratio == 0) GTEST_SKIP() << "the method's loss is no progress measure";
  torch::manual_seed(7);
  LlamaForCausalLM model = testing::pretrained_tiny_model();
  auto method = make(GetParam());
  const auto [first, last] = testing::first_and_last(
      testing::train_with(*method, model, task_data(), GetParam().loss_steps, GetParam().lr));
  EXPECT_LT(last, GetParam().loss_ratio * first) << first << " -> " << last;
}

TEST_P(MethodContract, SameSeedGivesBitIdenticalWeights) {
  auto run = [] {
    torch::manual_seed(8);
    LlamaForCausalLM model(testing::tiny_config());
    auto method = make(GetParam());
    testing::train_with(*method, model, task_data(), 12, GetParam().lr);
    method->merge(model);
    return model_state(*model);
  };
  const auto a = run(), b = run();
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [k, v] : a) EXPECT_TRUE(torch::equal(v, b.at(k))) << k;
}

// A run stopped mid-way, checkpointed, and resumed in a fresh model, method and optimiser
// (as a new worker process does) ends bit-identical to an uninterrupted run and logs the
// same losses: weights, optimiser moments, the method's own state (sparse reselection,
// LIFT's mask refresh), LibTorch's generator (dropout) and the batch stream all resume.
TEST_P(MethodContract, CheckpointResumeGivesBitIdenticalWeights) {
  MethodCase c = GetParam();
  if (c.hyperparameters.at("method") == "lift") c.hyperparameters["update_interval"] = 4;
  constexpr int64_t kSteps = 24, kStopAfter = 11, kBatch = 16;
  testing::ScratchDir dir("checkpoint");
  const auto file = dir.path() / "checkpoint.pt";
  auto run = [&](bool interrupted, std::vector<double>& losses) {
    torch::manual_seed(8);
    LlamaForCausalLM model(testing::tiny_config());
    auto method = make(c);
    const auto params = method->prepare(model, testing::method_context(kSteps, testing::reverse_batches(task_data(), 99), task_data(), model));
    TrainingOptions o;
    o.steps = kSteps;
    o.lr = c.lr;
    o.warmup_steps = 5;
    o.log_every = 3;  // the stop falls between two logged steps
    auto rng = std::make_shared<Rng>(0);
    auto batches = [rng](int64_t) {
      std::vector<size_t> idx;
      for (int i = 0; i < kBatch; ++i) idx.push_back(rng->below(task_data().train.size()));
      return make_sft_batch(task_data().train, idx, byte_tokenizer(), 1 << 20);
    };
    auto sink = [&](int64_t, const std::string& name, double v) {
      if (name == "train_loss") losses.push_back(v);
    };
    TrainHooks hooks;
    hooks.checkpoint = [&](const TrainProgress& p, torch::optim::Optimizer& opt) {
      save_checkpoint(file, "run", *model, opt, *method, p, {{"losses", losses}});
    };
    hooks.resume = [&](torch::optim::Optimizer& opt) {
      const auto restored = load_checkpoint(file, "run", *model, opt, *method);
      if (!restored) return TrainProgress{};
      for (int64_t i = 0; i < restored->progress.step * kBatch; ++i) rng->below(task_data().train.size());
      losses = restored->extra.at("losses").get<std::vector<double>>();
      return restored->progress;
    };
    if (interrupted) {
      int64_t calls = 0;
      hooks.stop_requested = [&] { return ++calls == kStopAfter; };
      const TrainSummary stopped = train(model, params, o, batches, method.get(), sink, hooks);
      EXPECT_TRUE(stopped.stopped);
      EXPECT_EQ(stopped.steps, kStopAfter);
      return model_state(*model);  // the "killed" process's model, thrown away
    }
    const TrainSummary summary = train(model, params, o, batches, method.get(), sink, hooks);
    EXPECT_FALSE(summary.stopped);
    method->merge(model);
    TensorMap out;
    for (const auto& [k, v] : model_state(*model)) out[k] = v.clone();
    return out;
  };
  std::vector<double> uninterrupted_losses, first_losses, resumed_losses;
  const auto uninterrupted = run(false, uninterrupted_losses);
  ASSERT_FALSE(std::filesystem::exists(file));
  run(true, first_losses);
  ASSERT_TRUE(std::filesystem::exists(file)) << "stopping writes a checkpoint";
  torch::manual_seed(12345);  // a new process: the generator's state must come from the checkpoint
  const auto resumed = run(false, resumed_losses);
  EXPECT_EQ(resumed_losses, uninterrupted_losses);
  ASSERT_EQ(resumed.size(), uninterrupted.size());
  for (const auto& [k, v] : uninterrupted) EXPECT_TRUE(torch::equal(v, resumed.at(k))) << k;
}

INSTANTIATE_TEST_SUITE_P(EveryMethod, MethodContract, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<MethodCase>& info) {
                           return info.param.name;
                         });

TEST(MethodContractCoverage, EveryRegisteredMethodHasACase) {
  for (const auto& info : all_methods()) {
    if (info.posthoc()) continue;  // they train nothing: tests/methods/{lines,soup,task_arithmetic}_test.cpp
    bool covered = false;
    for (const auto& c : cases()) covered = covered || c.hyperparameters.at("method") == info.name;
    EXPECT_TRUE(covered) << info.name << " has no contract case";
  }
}

}  // namespace
}  // namespace tb
