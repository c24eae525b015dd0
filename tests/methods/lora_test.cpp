#include "methods/lora.h"

#include <gtest/gtest.h>

#include "harness/common/check.h"
#include "harness/model/peft_adapter_merge.h"
#include "methods/registry.h"
#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

LoraOptions all_targets(int64_t rank) {
  LoraOptions o;
  o.rank = rank;
  o.alpha = 16;
  o.target_modules = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
  return o;
}

torch::Tensor logits_of(LlamaForCausalLM& model, const torch::Tensor& ids) {
  torch::NoGradGuard no_grad;
  model->eval();
  return model->forward(ids);
}

TEST(Lora, TrainableCountMatchesClosedForm) {
  const LlamaConfig c = testing::tiny_config();  // d=32, kv=16, ffn=48, 2 layers
  LlamaForCausalLM model(c);
  Lora lora(all_targets(4));
  int64_t n = 0;
  for (const auto& p : lora.prepare(model, {})) n += p.numel();
  const int64_t d = 32, kv = 16, f = 48, r = 4;
  const int64_t per_layer =
      r * (d + d) + 2 * r * (d + kv) + r * (d + d) + 2 * r * (d + f) + r * (f + d);
  EXPECT_EQ(n, 2 * per_layer);
  int64_t requiring_grad = 0;
  for (const auto& p : model->parameters()) requiring_grad += p.requires_grad() ? p.numel() : 0;
  EXPECT_EQ(requiring_grad, n) << "everything else is frozen";
}

TEST(Lora, StartsAtTheBaseModel) {
  torch::manual_seed(0);
  LlamaForCausalLM model(testing::tiny_config());
  const auto ids = torch::randint(0, 256, {2, 9}, torch::kInt64);
  const auto before = logits_of(model, ids);
  Lora lora(all_targets(4));
  lora.prepare(model, {});
  EXPECT_TRUE(torch::equal(logits_of(model, ids), before))
      << "B = 0: the adapter adds exactly zero";
}

TEST(Lora, TrainsLeavesBaseWeightsBitIdenticalAndMergesExactly) {
  torch::manual_seed(1);
  LlamaForCausalLM model = testing::pretrained_tiny_model();
  const TensorMap base = model_state(*model);
  std::map<std::string, torch::Tensor> base_copy;
  for (const auto& [k, v] : base) base_copy[k] = v.clone();
  ReverseTask task(2, 3);
  const TaskData data = make_task_data(task, 200, 10, 0);
  LoraOptions o = all_targets(4);
  o.dropout = 0.1;
  Lora lora(o);
  const auto [first, last] =
      testing::first_and_last(testing::train_with(lora, model, data, 60, 1e-2));
  EXPECT_LT(last, 0.9 * first) << "LoRA learns: " << first << " -> " << last;

  for (const auto& p : model->named_parameters()) {
    if (p.key().find("lora") != std::string::npos) continue;
    EXPECT_TRUE(torch::equal(p.value(), base_copy.at(p.key()))) << p.key() << " changed";
  }
  const auto ids = torch::randint(0, 256, {2, 9}, torch::kInt64);
  const auto unmerged = logits_of(model, ids);
  lora.merge(model);
  EXPECT_EQ(model_state(*model).size(), base.size())
      << "after merging, only the dense weights remain";
  EXPECT_TRUE(torch::allclose(logits_of(model, ids), unmerged, 1e-5, 1e-5));
  EXPECT_FALSE(torch::equal(model_state(*model).at("model.layers.0.self_attn.q_proj.weight"),
                            base_copy.at("model.layers.0.self_attn.q_proj.weight")))
      << "the merge folded a non-zero update";
}

TEST(Lora, SameSeedSameResult) {
  auto run = [] {
    torch::manual_seed(7);
    LlamaForCausalLM model(testing::tiny_config());
    ReverseTask task(2, 3);
    const TaskData data = make_task_data(task, 100, 10, 0);
    Lora lora(all_targets(2));
    testing::train_with(lora, model, data, 10, 1e-2);
    lora.merge(model);
    return model_state(*model);
  };
  const auto a = run(), b = run();
  for (const auto& [k, v] : a) EXPECT_TRUE(torch::equal(v, b.at(k))) << k;
}

TEST(Lora, OnlyTargetedModulesGetAdapters) {
  LlamaForCausalLM model(testing::tiny_config());
  Lora lora(LoraOptions{});  // default: q_proj, v_proj
  lora.prepare(model, {});
  int adapted = 0;
  for (auto& [name, proj] : model->projections()) {
    const bool target =
        name.find("q_proj") != std::string::npos || name.find("v_proj") != std::string::npos;
    EXPECT_EQ(proj->has_adapters(), target) << name;
    adapted += proj->has_adapters();
  }
  EXPECT_EQ(adapted, 4);
}

}  // namespace
}  // namespace tb

namespace tb {
namespace {

TEST(Lora, RsLoraScalesBySquareRootOfRankAndGaussianInitHasStdOneOverRank) {
  EXPECT_DOUBLE_EQ(lora_scale(16, 4, false), 4.0);
  EXPECT_DOUBLE_EQ(lora_scale(16, 4, true), 8.0);
  torch::manual_seed(0);
  LlamaConfig c = testing::tiny_config();
  c.hidden_size = 256;
  c.intermediate_size = 256;
  LlamaForCausalLM model(c);
  LoraOptions o;
  o.rank = 4;
  o.init = "gaussian";
  o.use_rslora = true;
  o.alpha = 8;
  Lora lora(o);
  lora.prepare(model, {});
  auto a = std::dynamic_pointer_cast<LoraAdapter>(
      model->model->blocks[0]->self_attn->q_proj->named_children()["lora"]);
  EXPECT_NEAR(a->A.std().item<double>(), 0.25, 0.02) << "N(0, 1/r)";
  EXPECT_DOUBLE_EQ(a->scale, 4.0) << "8 / sqrt(4)";
}

TEST(Lora, TargetModulesTakeRegularExpressionsOverFullNames) {
  LlamaForCausalLM model(testing::tiny_config());
  LoraOptions o;
  o.target_modules = {"model\\.layers\\.1\\.self_attn\\.[qk]_proj", "down_proj"};
  Lora lora(o);
  lora.prepare(model, {});
  std::vector<std::string> adapted;
  for (auto& [name, proj] : model->projections()) {
    if (proj->has_adapters()) adapted.push_back(name);
  }
  EXPECT_EQ(adapted, (std::vector<std::string>{
                         "model.layers.0.mlp.down_proj", "model.layers.1.self_attn.q_proj",
                         "model.layers.1.self_attn.k_proj", "model.layers.1.mlp.down_proj"}));
}


// The PEFT adapter of a LoRA-family run rebuilds the run's merged weights by PEFT's own
// definitions (huggingface/peft tuners/lora): scaling = lora_alpha / r (or / sqrt(r) with
// use_rslora, per module through rank_pattern / alpha_pattern); W' = W + scaling B A; DoRA
// W' = m ⊙ V / ||V||_row with V = W + scaling B A; PiSSA converted to LoRA on the unmodified
// base weights.
TensorMap merged_by_peft_formulas(const TensorMap& base, const PeftAdapter& adapter) {
  TensorMap out = base;
  const auto& c = adapter.config;
  for (const auto& [name, w] : base) {
    const std::string module = name.substr(0, name.size() - std::string(".weight").size());
    const std::string key = "base_model.model." + module;
    if (!adapter.tensors.count(key + ".lora_A.weight")) continue;
    const int64_t r = c.at("rank_pattern").value(module, c.at("r").get<int64_t>());
    const double alpha = c.at("alpha_pattern").value(module, c.at("lora_alpha").get<double>());
    const double scaling = c.at("use_rslora").get<bool>() ? alpha / std::sqrt(double(r)) : alpha / double(r);
    const auto& A = adapter.tensors.at(key + ".lora_A.weight");
    const auto& B = adapter.tensors.at(key + ".lora_B.weight");
    EXPECT_EQ(A.sizes(), c10::IntArrayRef({r, w.size(1)})) << module;
    EXPECT_EQ(B.sizes(), c10::IntArrayRef({w.size(0), r})) << module;
    auto v = w + scaling * torch::mm(B, A);
    if (adapter.tensors.count(key + ".lora_magnitude_vector")) {
      const auto& m = adapter.tensors.at(key + ".lora_magnitude_vector");
      v = (m / v.norm(2, {1})).unsqueeze(1) * v;
    }
    out[name] = v;
  }
  return out;
}

std::unique_ptr<Method> make_method(const std::string& method, nlohmann::json hp) {
  const MethodInfo* info = find_method(method);
  hp["method"] = method;
  for (const auto& f : info->hyperparameters)
    if (!hp.contains(f.name)) hp[f.name] = f.default_value;
  return info->make(hp);
}

// Prepares `method` on `tuned` and moves its parameters off their start: a trained state.
std::unique_ptr<Method> trained(const std::string& method, const nlohmann::json& hp, LlamaForCausalLM& tuned) {
  auto m = make_method(method, hp);
  const auto params = m->prepare(tuned, {});
  torch::NoGradGuard no_grad;
  for (const auto& p : params) p.add_(0.05 * torch::randn_like(p));
  return m;
}

void expect_adapter_rebuilds_merge(const std::string& method, nlohmann::json hp, bool expect_dora, int64_t expect_r) {
  SCOPED_TRACE(method);
  torch::manual_seed(3);
  LlamaForCausalLM base = testing::pretrained_tiny_model();
  LlamaForCausalLM tuned = testing::pretrained_tiny_model();
  auto m = trained(method, hp, tuned);
  const auto adapter = m->peft_adapter(tuned, base);
  ASSERT_TRUE(adapter.has_value());
  EXPECT_EQ(adapter->config.at("peft_type"), "LORA");
  EXPECT_EQ(adapter->config.at("use_dora"), expect_dora);
  EXPECT_EQ(adapter->config.at("r"), expect_r);
  EXPECT_TRUE(adapter->tensors.count("base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight"));
  m->merge(tuned);
  const TensorMap expected = merged_by_peft_formulas(model_state(*base), *adapter);
  for (const auto& [name, w] : model_state(*tuned))
    EXPECT_LE((w - expected.at(name)).abs().max().item<double>(), 2e-5) << name;
}

TEST(PeftAdapter, LoraFamilyAdaptersRebuildTheMergedWeightsByPeftsFormulas) {
  expect_adapter_rebuilds_merge("lora", {{"rank", 4}, {"alpha", 8}, {"target_modules", {"q_proj", "v_proj", "down_proj"}}},
                                false, 4);
  expect_adapter_rebuilds_merge("lora", {{"rank", 4}, {"alpha", 8}, {"use_rslora", true}}, false, 4);
  expect_adapter_rebuilds_merge("dora", {{"rank", 2}, {"alpha", 4}, {"target_modules", {"v_proj", "up_proj"}}}, true, 2);
  expect_adapter_rebuilds_merge("pissa", {{"rank", 2}, {"alpha", 4}}, false, 4);  // PEFT's conversion: rank doubled
}

// Leaf names when they select exactly the adapted projections, else whole module names.
TEST(PeftAdapter, TargetModulesNameExactlyTheAdaptedProjections) {
  auto targets = [](const nlohmann::json& target_modules) {
    LlamaForCausalLM base(testing::tiny_config()), tuned(testing::tiny_config());
    return trained("lora", {{"target_modules", target_modules}}, tuned)->peft_adapter(tuned, base)->config.at("target_modules");
  };
  EXPECT_EQ(targets({"v_proj", "q_proj"}), nlohmann::json({"q_proj", "v_proj"}));
  EXPECT_EQ(targets({"model\\.layers\\.0\\.self_attn\\.q_proj"}), nlohmann::json({"model.layers.0.self_attn.q_proj"}));
}

TEST(PeftAdapter, MethodsPeftHasNoLoraAdapterForGiveNone) {
  LlamaForCausalLM model(testing::tiny_config());
  LlamaForCausalLM base(testing::tiny_config());
  for (const std::string method : {"full_ft", "bitfit"}) {
    nlohmann::json hp = {{"method", method}};
    const MethodInfo* info = find_method(method);
    for (const auto& f : info->hyperparameters) hp[f.name] = f.default_value;
    if (method == "bitfit") hp["add_biases"] = true;
    EXPECT_FALSE(info->make(hp)->peft_adapter(model, base).has_value()) << method;
  }
}

// A random model with q/k/v biases (made non-zero), so that IA3's scaling of the bias counts.
LlamaForCausalLM biased_model() {
  torch::manual_seed(5);
  LlamaConfig c = testing::tiny_config();
  c.qkv_bias = true;
  LlamaForCausalLM model(c);
  torch::NoGradGuard no_grad;
  for (auto& p : model->named_parameters())
    if (p.key().size() > 5 && p.key().substr(p.key().size() - 5) == ".bias") p.value().normal_(0, 0.1);
  return model;
}

TEST(PeftAdapter, Ia3AdapterHasPeftsShapesAndWholeModuleNames) {
  LlamaForCausalLM base = biased_model(), tuned = biased_model();
  const LlamaConfig& c = tuned->config;
  const auto adapter = *trained("ia3", {}, tuned)->peft_adapter(tuned, base);
  EXPECT_EQ(adapter.config.at("peft_type"), "IA3");
  const int64_t kv = c.num_key_value_heads * (c.hidden_size / c.num_attention_heads);
  EXPECT_EQ(adapter.tensors.at("base_model.model.model.layers.1.self_attn.k_proj.ia3_l").sizes(), c10::IntArrayRef({kv, 1}));
  EXPECT_EQ(adapter.tensors.at("base_model.model.model.layers.1.mlp.down_proj.ia3_l").sizes(),
            c10::IntArrayRef({1, c.intermediate_size}));
  EXPECT_EQ(adapter.tensors.size(), size_t(3 * c.num_hidden_layers));
  EXPECT_EQ(adapter.config.at("target_modules").size(), size_t(3 * c.num_hidden_layers));
  EXPECT_EQ(adapter.config.at("feedforward_modules").at(0), "model.layers.0.mlp.down_proj");
}

TEST(PeftAdapter, PromptTuningAdapterHoldsThePrompt) {
  LlamaForCausalLM base = biased_model(), tuned = biased_model();
  const auto adapter = *trained("prompt_tuning", {{"num_virtual_tokens", 3}}, tuned)->peft_adapter(tuned, base);
  EXPECT_EQ(adapter.config.at("peft_type"), "PROMPT_TUNING");
  EXPECT_EQ(adapter.config.at("num_virtual_tokens"), 3);
  EXPECT_EQ(adapter.config.at("token_dim"), tuned->config.hidden_size);
  EXPECT_EQ(adapter.config.at("num_layers"), tuned->config.num_hidden_layers);
  EXPECT_TRUE(torch::equal(adapter.tensors.at("prompt_embeddings"), tuned->model->virtual_tokens));
}

// The PEFT adapter a run writes, folded into a fresh copy of its base model, gives the
// weights the run merged into.
void expect_saved_adapter_folds_back(const std::string& method, const nlohmann::json& hp, const std::string& type) {
  SCOPED_TRACE(method);
  testing::ScratchDir dir("peft-in");
  LlamaForCausalLM base = biased_model(), tuned = biased_model();
  auto m = trained(method, hp, tuned);
  save_peft_adapter(*m->peft_adapter(tuned, base), dir.path() / "adapter");
  m->merge(tuned);
  LlamaForCausalLM loaded = biased_model();
  EXPECT_EQ(check_peft_adapter(dir.path() / "adapter", loaded->config), type);
  merge_peft_adapter(loaded, dir.path() / "adapter");
  const TensorMap expected = model_state(*tuned);
  for (const auto& [name, w] : model_state(*loaded))
    EXPECT_LE((w - expected.at(name)).abs().max().item<double>(), 2e-5) << name;
}

TEST(PeftAdapterIn, SavedAdaptersFoldIntoTheBaseAsTheRunMerged) {
  expect_saved_adapter_folds_back("lora", {{"rank", 4}, {"alpha", 8}, {"target_modules", {"q_proj", "down_proj"}}}, "LORA");
  expect_saved_adapter_folds_back("lora", {{"rank", 4}, {"alpha", 8}, {"use_rslora", true}}, "LORA");
  expect_saved_adapter_folds_back("dora", {{"rank", 2}, {"alpha", 4}}, "LORA");
  expect_saved_adapter_folds_back("pissa", {{"rank", 2}, {"alpha", 4}}, "LORA");
  expect_saved_adapter_folds_back("ia3", {}, "IA3");
}

// PEFT's scaling: lora_alpha / r, an alpha_pattern entry matching the module name's end,
// and lora_alpha / sqrt(r) with use_rslora. Written by hand, not by a method.
TEST(PeftAdapterIn, AlphaPatternAndRsLoraScaleAsPeftDoes) {
  const std::string q = "model.layers.0.self_attn.q_proj", v = "model.layers.1.self_attn.v_proj";
  PeftAdapter adapter;
  adapter.config = {{"peft_type", "LORA"}, {"r", 2}, {"lora_alpha", 4}, {"alpha_pattern", {{"layers.1.self_attn.v_proj", 1}}}};
  LlamaForCausalLM model = biased_model();
  TensorMap base = model_state(*model);
  for (const auto& name : {q, v}) {
    adapter.tensors["base_model.model." + name + ".lora_A.weight"] = torch::randn({2, base.at(name + ".weight").size(1)});
    adapter.tensors["base_model.model." + name + ".lora_B.weight"] = torch::randn({base.at(name + ".weight").size(0), 2});
  }
  auto update = [&](const std::string& name) {
    return torch::mm(adapter.tensors.at("base_model.model." + name + ".lora_B.weight"),
                     adapter.tensors.at("base_model.model." + name + ".lora_A.weight"));
  };
  for (const bool rslora : {false, true}) {
    testing::ScratchDir dir("peft-alpha");
    adapter.config["use_rslora"] = rslora;
    save_peft_adapter(adapter, dir.path() / "a");
    LlamaForCausalLM loaded = biased_model();
    merge_peft_adapter(loaded, dir.path() / "a");
    const TensorMap merged = model_state(*loaded);
    const double r = rslora ? std::sqrt(2.0) : 2.0;
    EXPECT_TRUE(torch::allclose(merged.at(q + ".weight"), base.at(q + ".weight") + 4 / r * update(q), 1e-5, 1e-5));
    EXPECT_TRUE(torch::allclose(merged.at(v + ".weight"), base.at(v + ".weight") + 1 / r * update(v), 1e-5, 1e-5));
  }
}

std::string adapter_error(nlohmann::json config, const TensorMap& tensors, bool drop_weights = false) {
  testing::ScratchDir dir("peft-bad");
  PeftAdapter adapter;
  adapter.config = std::move(config);
  adapter.tensors = tensors;
  save_peft_adapter(adapter, dir.path() / "a");
  if (drop_weights) std::filesystem::remove(dir.path() / "a/adapter_model.safetensors");
  try {
    check_peft_adapter(dir.path() / "a", testing::tiny_config());
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(PeftAdapterIn, WhatCannotFoldIsRefusedByName) {
  const LlamaConfig c = testing::tiny_config();
  const std::string key = "base_model.model.model.layers.0.self_attn.q_proj";
  const TensorMap lora = {{key + ".lora_A.weight", torch::zeros({2, c.hidden_size})},
                          {key + ".lora_B.weight", torch::zeros({c.hidden_size, 2})}};
  const nlohmann::json config = {{"peft_type", "LORA"}, {"r", 2}, {"lora_alpha", 4}};
  auto with = [&](const char* field, const nlohmann::json& value) {
    nlohmann::json out = config;
    out[field] = value;
    return out;
  };
  auto expect_error = [](const std::string& error, const std::string& part) {
    EXPECT_NE(error.find(part), std::string::npos) << error;
  };
  EXPECT_EQ(adapter_error(config, lora), "");
  expect_error(adapter_error(with("peft_type", "PROMPT_TUNING"), {{"prompt_embeddings", torch::zeros({2, 8})}}),
               "cannot fold into the base weights");
  expect_error(adapter_error(with("peft_type", "LOHA"), lora), "peft_type LOHA is not read");
  expect_error(adapter_error(with("fan_in_fan_out", true), lora), "fan_in_fan_out");
  expect_error(adapter_error(with("modules_to_save", {"lm_head"}), lora), "modules_to_save");
  expect_error(adapter_error(with("use_dora", true), lora), "has no lora_magnitude_vector");
  expect_error(adapter_error(config, lora, true), "no adapter_model.safetensors");
  TensorMap embedding = lora;
  embedding["base_model.model.model.embed_tokens.lora_embedding_A"] = torch::zeros({2, 8});
  expect_error(adapter_error(config, embedding), "tensor base_model.model.model.embed_tokens.lora_embedding_A is not");
  TensorMap misfit = lora;
  misfit[key + ".lora_B.weight"] = torch::zeros({c.hidden_size, 3});
  expect_error(adapter_error(config, misfit), "model.layers.0.self_attn.q_proj: lora_A [2, " +
                                                  std::to_string(c.hidden_size) + "] and lora_B [");
  expect_error(adapter_error(with("alpha_pattern", {{"q_proj(", 2}}), lora), "alpha_pattern");
}

}  // namespace
}  // namespace tb
