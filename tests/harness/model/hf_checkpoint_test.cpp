// Hugging Face folders: tunebench's logits on tiny random checkpoints against an independent
// implementation (karpathy/llama2.c's run.c, tests/data/hf/SOURCES.md), loading errors that
// name the tensor and both shapes, the family variants' parameters, export round trips and
// the content identity used in run keys.
#include <gtest/gtest.h>

#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/model/checkpoint_identity.h"
#include "harness/model/hf_checkpoint.h"
#include "harness/model/hf_config.h"
#include "harness/model/rotary.h"
#include "harness/model/safetensors.h"
#include "tests/test_util.h"

namespace tb {
namespace {

namespace fs = std::filesystem;

fs::path fixture(const std::string& name) { return fs::path(TUNEBENCH_SOURCE_DIR) / "tests/data/hf" / name; }

fs::path copy_fixture(const std::string& name, const fs::path& to) {
  fs::copy(fixture(name), to, fs::copy_options::recursive);
  fs::remove(to / "reference_logits.json");
  fs::remove(to / ".tunebench-identity.json");
  return to;
}

torch::Tensor logits_of(LlamaForCausalLM& model, const std::vector<int64_t>& ids) {
  torch::NoGradGuard no_grad;
  auto input = torch::tensor(ids, torch::kInt64).unsqueeze(0);
  return model->forward(input).squeeze(0);
}

double max_abs_diff_to_reference(const std::string& name) {
  const auto reference = nlohmann::json::parse(read_file(fixture(name) / "reference_logits.json"));
  const auto ids = reference.at("token_ids").get<std::vector<int64_t>>();
  const auto rows = reference.at("logits").get<std::vector<std::vector<float>>>();
  auto expected = torch::empty({int64_t(rows.size()), int64_t(rows[0].size())});
  for (size_t i = 0; i < rows.size(); ++i) expected[int64_t(i)] = torch::tensor(rows[i]);
  LlamaForCausalLM model = load_hf_model(fixture(name));
  return (logits_of(model, ids) - expected).abs().max().item<double>();
}

TEST(HfCheckpoint, GroupedKvTiedBf16ShardsMatchLlama2c) {
  EXPECT_LE(max_abs_diff_to_reference("llama_gqa_tied"), 1e-4);
}

TEST(HfCheckpoint, UntiedF32MatchesLlama2c) {
  EXPECT_LE(max_abs_diff_to_reference("llama_untied_f32"), 1e-4);
}

TEST(HfCheckpoint, CachedDecodingGivesTheFullForwardsLogits) {
  LlamaForCausalLM model = load_hf_model(fixture("llama_gqa_tied"));
  const std::vector<int64_t> ids = {5, 17, 42, 299, 0, 7};
  const auto full = logits_of(model, ids);
  torch::NoGradGuard no_grad;
  KVCache cache;
  for (size_t i = 0; i < ids.size(); ++i) {
    auto step = model->forward(torch::tensor({ids[i]}, torch::kInt64).unsqueeze(0), &cache).squeeze(0);
    EXPECT_LE((step[0] - full[int64_t(i)]).abs().max().item<double>(), 1e-4) << "position " << i;
  }
}

TEST(HfCheckpoint, TiedModelHasNoHeadOfItsOwn) {
  LlamaForCausalLM model = load_hf_model(fixture("llama_gqa_tied"));
  EXPECT_FALSE(model->lm_head);
  for (const auto& p : model->named_parameters()) EXPECT_NE(p.key(), "lm_head.weight");
  EXPECT_EQ(parameter_count(model->config), [&] {
    int64_t n = 0;
    for (const auto& p : model->parameters()) n += p.numel();
    return n;
  }());
}

std::string load_error(const fs::path& folder) {
  try {
    load_hf_model(folder);
    return "";
  } catch (const UserError& e) {
    return e.what();
  }
}

TEST(HfCheckpoint, MissingUnexpectedAndMisshapedTensorsAreNamed) {
  testing::ScratchDir dir("hf-errors");
  const fs::path folder = copy_fixture("llama_untied_f32", dir.path() / "m");
  TensorMap tensors = load_safetensors(folder / "model.safetensors").tensors;
  const TensorMap original = tensors;

  tensors.erase("model.layers.1.mlp.up_proj.weight");
  save_safetensors(folder / "model.safetensors", tensors);
  std::string e = load_error(folder);
  EXPECT_NE(e.find("no tensor model.layers.1.mlp.up_proj.weight"), std::string::npos) << e;

  tensors = original;
  tensors["model.layers.0.self_attn.extra.weight"] = torch::zeros({2});
  save_safetensors(folder / "model.safetensors", tensors);
  e = load_error(folder);
  EXPECT_NE(e.find("model.layers.0.self_attn.extra.weight is not a parameter"), std::string::npos) << e;

  tensors = original;
  tensors["model.norm.weight"] = torch::ones({47});
  save_safetensors(folder / "model.safetensors", tensors);
  e = load_error(folder);
  EXPECT_NE(e.find("model.norm.weight has shape [47], config.json implies [48]"), std::string::npos) << e;

  fs::remove(folder / "model.safetensors");
  e = load_error(folder);
  EXPECT_NE(e.find("no model.safetensors or model.safetensors.index.json"), std::string::npos) << e;
}

std::string config_error(nlohmann::json j) {
  try {
    hf_config_from_json(j, "config.json");
    return "";
  } catch (const UserError& e) {
    return e.what();
  }
}

nlohmann::json fixture_config() { return nlohmann::json::parse(read_file(fixture("llama_untied_f32") / "config.json")); }

TEST(HfConfig, UnsupportedArchitecturesAndSettingsAreRefusedByName) {
  auto j = fixture_config();
  j["architectures"] = {"GPT2LMHeadModel"};
  EXPECT_NE(config_error(j).find("config.json: architectures[0]: \"GPT2LMHeadModel\" is not supported; expected one "
                                 "of LlamaForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM, MistralForCausalLM"),
            std::string::npos)
      << config_error(j);
  j = fixture_config();
  j["rope_scaling"] = {{"rope_type", "longrope"}, {"factor", 4.0}};
  EXPECT_NE(config_error(j).find("rope_scaling.rope_type: \"longrope\" is not supported"), std::string::npos)
      << config_error(j);
  j = fixture_config();
  j["hidden_act"] = "gelu";
  EXPECT_NE(config_error(j).find("hidden_act"), std::string::npos);
  j = fixture_config();
  j.erase("hidden_size");
  EXPECT_NE(config_error(j).find("config.json: hidden_size: missing"), std::string::npos) << config_error(j);
}

// The families' structural differences, by parameter name and shape.
TEST(HfConfig, QwenAndMistralVariantsHaveTheirParameters) {
  auto j = fixture_config();
  j["architectures"] = {"Qwen2ForCausalLM"};
  j["model_type"] = "qwen2";
  LlamaConfig qwen2 = hf_config_from_json(j, "config.json");
  LlamaForCausalLM m2(qwen2);
  std::set<std::string> names;
  for (const auto& p : m2->named_parameters()) names.insert(p.key());
  EXPECT_TRUE(names.count("model.layers.0.self_attn.q_proj.bias") && names.count("model.layers.0.self_attn.v_proj.bias"));
  EXPECT_FALSE(names.count("model.layers.0.self_attn.o_proj.bias") || names.count("model.layers.0.mlp.up_proj.bias"));

  j["architectures"] = {"Qwen3ForCausalLM"};
  j["model_type"] = "qwen3";
  j["head_dim"] = 16;  // not hidden_size / heads (8): Qwen3 states it
  LlamaConfig qwen3 = hf_config_from_json(j, "config.json");
  LlamaForCausalLM m3(qwen3);
  const auto params = m3->named_parameters();
  EXPECT_EQ(params["model.layers.1.self_attn.q_norm.weight"].sizes(), c10::IntArrayRef({16}));
  EXPECT_EQ(params["model.layers.1.self_attn.q_proj.weight"].sizes(), c10::IntArrayRef({6 * 16, 48}));
  EXPECT_EQ(params["model.layers.1.self_attn.o_proj.weight"].sizes(), c10::IntArrayRef({48, 6 * 16}));
  int64_t n = 0;
  for (const auto& p : m3->parameters()) n += p.numel();
  EXPECT_EQ(n, parameter_count(qwen3));
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(m3->forward(torch::tensor({{1, 2, 3}}, torch::kInt64)).isfinite().all().item<bool>());

  j = fixture_config();
  j["architectures"] = {"MistralForCausalLM"};
  j["sliding_window"] = 4;
  LlamaForCausalLM mistral(hf_config_from_json(j, "config.json"));
  EXPECT_NO_THROW(mistral->forward(torch::tensor({{1, 2, 3, 4}}, torch::kInt64)));
  try {
    mistral->forward(torch::tensor({{1, 2, 3, 4, 5}}, torch::kInt64));
    ADD_FAILURE() << "a sequence past the sliding window ran";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("exceeds the model's sliding_window 4"), std::string::npos);
  }
}

// Meta's Llama 3.1 rope_scaling: frequencies above 1/high_freq_wavelength are kept, those
// below 1/low_freq_wavelength divided by factor, the band between blended.
TEST(Rotary, Llama3ScalingKeepsHighAndDividesLowFrequencies) {
  RopeScaling s{.type = "llama3", .factor = 8, .low_freq_factor = 1, .high_freq_factor = 4,
                .original_max_position_embeddings = 8192};
  const auto plain = rotary_inverse_frequencies(128, 500000.0, RopeScaling{});
  const auto scaled = rotary_inverse_frequencies(128, 500000.0, s);
  const auto wavelength = 2 * M_PI / plain;
  for (int64_t i = 0; i < 64; ++i) {
    const double w = wavelength[i].item<double>(), p = plain[i].item<double>(), q = scaled[i].item<double>();
    if (w < 8192 / 4.0) EXPECT_DOUBLE_EQ(q, p) << i;
    else if (w > 8192 / 1.0) EXPECT_DOUBLE_EQ(q, p / 8) << i;
    else EXPECT_TRUE(q < p && q > p / 8) << i;
  }
  RopeScaling linear{.type = "linear", .factor = 2};
  EXPECT_TRUE(torch::allclose(rotary_inverse_frequencies(16, 10000.0, linear),
                              rotary_inverse_frequencies(16, 10000.0, RopeScaling{}) / 2));
}

TEST(HfCheckpoint, ExportedFolderLoadsBackWithTheSameLogits) {
  testing::ScratchDir dir("hf-export");
  LlamaForCausalLM model = load_hf_model(fixture("llama_gqa_tied"));
  HfExportOptions options;
  options.max_shard_bytes = 60'000;  // several shards
  options.token_ids = {{"bos_token_id", 256}, {"eos_token_id", 257}};
  save_hf_model(model, dir.path() / "out", options);
  EXPECT_FALSE(fs::exists(dir.path() / "out.partial"));
  const auto config = nlohmann::json::parse(read_file(dir.path() / "out/config.json"));
  EXPECT_EQ(config.at("architectures"), nlohmann::json::array({"LlamaForCausalLM"}));
  EXPECT_EQ(config.at("tie_word_embeddings"), true);
  EXPECT_EQ(config.at("eos_token_id"), 257);
  EXPECT_GE(hf_weight_files(dir.path() / "out").size(), 3u);
  LlamaForCausalLM back = load_hf_model(dir.path() / "out");
  const std::vector<int64_t> ids = {1, 2, 3, 250, 9};
  EXPECT_TRUE(torch::equal(logits_of(model, ids), logits_of(back, ids)));
  EXPECT_THROW(save_hf_model(model, dir.path() / "out", options), UserError);  // never over a folder

  options.torch_dtype = "bfloat16";
  options.max_shard_bytes = 5'000'000'000;
  save_hf_model(model, dir.path() / "bf16", options);  // stored BF16 already: exact
  LlamaForCausalLM bf16 = load_hf_model(dir.path() / "bf16");
  EXPECT_TRUE(torch::equal(logits_of(model, ids), logits_of(bf16, ids)));
}

TEST(HfConfig, ExportPicksTheClassThatExpressesTheModel) {
  auto j = fixture_config();
  j["architectures"] = {"Qwen2ForCausalLM"};
  LlamaConfig c = hf_config_from_json(j, "config.json");
  EXPECT_EQ(hf_config_json(c, "float32", {}).at("architectures")[0], "Qwen2ForCausalLM");
  c.attention_bias = true;  // BitFit gave o_proj a bias: Qwen2 has none there, Llama does
  const auto as_llama = hf_config_json(c, "float32", {});
  EXPECT_EQ(as_llama.at("architectures")[0], "LlamaForCausalLM");
  EXPECT_EQ(as_llama.at("attention_bias"), true);
  c.num_virtual_tokens = 4;
  EXPECT_THROW(hf_config_json(c, "float32", {}), UserError);
}

TEST(CheckpointIdentity, FollowsContentNotPathAndIsCached) {
  testing::ScratchDir dir("hf-identity");
  const fs::path a = copy_fixture("llama_untied_f32", dir.path() / "a");
  const fs::path b = copy_fixture("llama_untied_f32", dir.path() / "b");
  const std::string id = checkpoint_identity(a);
  EXPECT_EQ(id.size(), 64u);
  EXPECT_EQ(checkpoint_identity(b), id);
  EXPECT_TRUE(fs::exists(a / ".tunebench-identity.json"));
  EXPECT_EQ(checkpoint_identity(a), id);  // from the cache
  auto config = nlohmann::json::parse(read_file(b / "config.json"));
  config["rms_norm_eps"] = 1e-6;
  write_file_atomically(b / "config.json", config.dump());
  EXPECT_NE(checkpoint_identity(b), id);
}

}  // namespace
}  // namespace tb
