// Context extension end to end with the tunebench binary: a YaRN-scaled LoRA run, LongLoRA
// and full fine-tuning with PoSE windows on long documents; the tuned models carry their
// RoPE scaling in their saved and exported configs, and the long-context suite adds the
// loss by position and LIFT's per-item cost.
#include <gtest/gtest.h>

#include "harness/common/files.h"
#include "harness/model/model_io.h"
#include "tests/integration/cli_util.h"
#include "tests/test_util.h"

namespace tb {
namespace {

namespace fs = std::filesystem;
using testing::sql_int;
using testing::sql_text;
using testing::tunebench;
using testing::write_spec;

nlohmann::json extension_spec() {
  nlohmann::json doc = testing::small_spec();
  doc["task"] = {{"name", "long_documents"}, {"length", 60}, {"train_items", 30}, {"eval_items", 2}};
  doc["seeds"] = {0};
  doc["methods"] = nlohmann::json::parse(R"([
    {"method": "lora", "rank": 2, "rope_scaling": "yarn", "rope_factor": 2},
    {"method": "longlora", "rank": 2, "s2_groups": 2},
    {"method": "full_ft", "rope_scaling": "linear", "rope_factor": 2, "pose_window": 16, "batch_size": 16}
  ])");
  doc["evaluation"] = nlohmann::json::parse(R"({"long_context": {
    "tasks": ["passkey"], "lengths": [48, 56], "depths": [0.5], "items_per_cell": 1,
    "position_loss_length": 64, "position_loss_sequences": 2, "position_loss_buckets": 4,
    "lift_steps": 2, "lift_segment": 32, "lift_stride": 16, "lift_context": 32}})");
  doc["execution"] = {{"threads", 1}};
  return doc;
}

TEST(ContextExtension, RunsCarryTheirScalingAndTheSuiteItsNewMeasures) {
  testing::ScratchDir dir("context-extension");
  const fs::path spec = write_spec(dir.path(), extension_spec());
  const fs::path out = dir.path() / "out", db = out / "tunebench.sqlite";
  const auto result = tunebench({"run", spec.string(), "--out", out.string()}, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(sql_int(db, "SELECT COUNT(*) FROM runs WHERE status = 'done'"), 3);

  const std::string yarn_key = sql_text(db, "SELECT key FROM runs WHERE method = 'lora'");
  const LlamaConfig yarn = load_model(out / "runs" / yarn_key / "model.safetensors")->config;
  EXPECT_EQ(yarn.rope_scaling.type, "yarn");
  EXPECT_EQ(yarn.rope_scaling.factor, 2.0);
  EXPECT_EQ(yarn.rope_scaling.original_max_position_embeddings, 32) << "the base model's pretraining seq_len";
  EXPECT_EQ(yarn.max_position_embeddings, 64);
  const auto exported =
      tunebench({"export-model", yarn_key, "--out", out.string(), "--to", (dir.path() / "hf").string()}, dir.path());
  ASSERT_EQ(exported.exit_code, 0) << exported.out << exported.err;
  const auto config = nlohmann::json::parse(read_file(dir.path() / "hf" / "config.json"));
  EXPECT_EQ(config.at("rope_scaling").at("rope_type"), "yarn");
  EXPECT_EQ(config.at("max_position_embeddings"), 64);

  const std::string plain_key = sql_text(db, "SELECT key FROM runs WHERE method = 'longlora'");
  EXPECT_TRUE(load_model(out / "runs" / plain_key / "model.safetensors")->config.rope_scaling.type.empty());
  EXPECT_GT(sql_int(db, "SELECT trainable_params FROM runs WHERE method = 'longlora'"),
            sql_int(db, "SELECT trainable_params FROM runs WHERE method = 'lora'"))
      << "LongLoRA also trains the embeddings and norms";
  // Loss by position: 4 buckets and the whole row, for base, tuned and delta, in every run.
  EXPECT_EQ(sql_int(db, "SELECT COUNT(*) FROM evals WHERE metric LIKE 'position_ce%'"), 3 * 5 * 3);
  EXPECT_EQ(sql_int(db, "SELECT COUNT(*) FROM evals WHERE metric = 'lift_seconds_per_item' AND value > 0"), 3);
  EXPECT_EQ(sql_int(db, "SELECT COUNT(*) FROM evals WHERE metric = 'lift_trained_tokens_per_item' AND value > 0"), 3);
}

}  // namespace
}  // namespace tb
