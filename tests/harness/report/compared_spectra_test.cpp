#include "harness/report/compared_spectra.h"

#include <gtest/gtest.h>

#include "harness/report/report.h"
#include "tests/test_util.h"

namespace tb {
namespace {

const std::string kQ = "model.layers.0.self_attn.q_proj.weight";
const std::string kK = "model.layers.0.self_attn.k_proj.weight";
const std::string kEmbed = "model.embed_tokens.weight";

// LoRA on q_proj only; full fine-tuning changes q_proj, k_proj and the embeddings.
std::vector<RunSpectrumValue> lora_and_full_ft() {
  return {{"lora0", "lora", kQ, "intruders", 2},      {"lora0", "lora", kQ, "update_erank", 8},
          {"lora0", "lora", kQ, "alpha", 3},          {"lora0", "lora", kQ, "base_alpha", 2.5},
          {"full0", "full_ft", kQ, "intruders", 1},   {"full0", "full_ft", kQ, "update_erank", 30},
          {"full0", "full_ft", kQ, "alpha", 4},       {"full0", "full_ft", kQ, "base_alpha", 2.5},
          {"full0", "full_ft", kK, "intruders", 1},   {"full0", "full_ft", kK, "update_erank", 20},
          {"full0", "full_ft", kK, "alpha", 5},       {"full0", "full_ft", kK, "base_alpha", 4.5},
          {"full0", "full_ft", kEmbed, "intruders", 6}, {"full0", "full_ft", kEmbed, "update_erank", 40},
          {"full0", "full_ft", kEmbed, "alpha", 6}};
}

TEST(CompareSpectra, EveryRunIsTakenOverTheProjectionsAnyRunChanged) {
  const ComparedSpectra c = compare_spectra(lora_and_full_ft());
  EXPECT_EQ(c.matrices, (std::vector<std::string>{kQ, kK}));  // no embeddings by default
  EXPECT_EQ(c.variants, (std::vector<std::string>{"lora", "full_ft"}));
  // LoRA left k_proj unchanged: no intruder, ΔW = 0, and the base matrix's α.
  const auto& lora_k = c.runs.at("lora").at("lora0").at(kK);
  EXPECT_EQ(lora_k.at("intruders"), 0);
  EXPECT_EQ(lora_k.at("update_erank"), 0);
  EXPECT_EQ(lora_k.at("alpha"), 4.5);
  EXPECT_EQ(c.runs.at("lora").at("lora0").at(kQ).at("intruders"), 2);
  EXPECT_EQ(c.runs.at("full_ft").at("full0").size(), 2u);
  EXPECT_EQ(c.description(), "the 2 projection matrices any compared run changed");
}

TEST(CompareSpectra, AllChangedMatricesOnRequest) {
  const ComparedSpectra c = compare_spectra(lora_and_full_ft(), SpectralMatrices::kAllChanged);
  EXPECT_EQ(c.matrices, (std::vector<std::string>{kQ, kK, kEmbed}));
  const auto& lora_embed = c.runs.at("lora").at("lora0").at(kEmbed);
  EXPECT_EQ(lora_embed.at("intruders"), 0);
  EXPECT_FALSE(lora_embed.count("alpha"));  // no run stored the embeddings' base α
  EXPECT_THROW(spectral_matrices_from("some"), UserError);
}

TEST(SpectralSummary, FullFineTuningIsNotChargedForMatricesLoraCannotTouch) {
  testing::ScratchDir dir("spectral-summary");
  Store store(dir.path() / "tunebench.sqlite");
  const int64_t sweep = store.create_sweep("s", "s.json", "{}");
  std::map<std::string, std::vector<SpectrumValue>> spectra;
  for (const auto& v : lora_and_full_ft()) spectra[v.run_key].push_back({v.matrix, v.metric, v.value});
  for (const auto& [key, values] : spectra) {
    const std::string method = key == "lora0" ? "lora" : "full_ft";
    store.add_run(sweep, key, method, method, 0, R"({"method":{"name":")" + method + R"("},"seed":0})");
    RunResult r;
    r.run_key = key;
    r.environment = {"abc", "1.13", "cpu", 1};
    r.evals = {{"task_accuracy", "tuned", "accuracy", 0.5, 0.1, std::nullopt, std::nullopt, 10}};
    r.spectra = values;
    store.record_success(r);
  }
  const Report report = build_report(store, RunFilter{"s", {}});
  EXPECT_NE(report.spectral_summary.title.find("2 projection matrices"), std::string::npos);
  std::map<std::string, std::vector<std::string>> rows;
  for (const auto& row : report.spectral_summary.rows) rows[row[0]] = row;
  EXPECT_EQ(rows.at("full_ft")[2], "2.0");  // q + k; the embeddings' 6 are not counted
  EXPECT_EQ(rows.at("lora")[2], "2.0");
  EXPECT_EQ(rows.at("lora")[3], "4.00");  // (8 + 0) / 2
  EXPECT_EQ(rows.at("lora")[4], "3.75");  // (3 + 4.5) / 2
  EXPECT_EQ(rows.at("full_ft")[4], "4.50");
}

}  // namespace
}  // namespace tb
