// End to end on a Hugging Face folder: a spec with base_model.path tunes the checkpoint with
// several methods, scores every suite, keys its runs by the files' content (not their
// path), and `tunebench export-model` writes a folder that loads back with the run's
// logits and PEFT adapters that serve as another sweep's base_model.adapter; an unsupported architecture and a forgetting suite without held-out text are
// spec errors (exit 2).
#include <gtest/gtest.h>

#include "harness/common/files.h"
#include "harness/model/hf_checkpoint.h"
#include "harness/model/model_io.h"
#include "harness/model/safetensors.h"
#include "tests/integration/cli_util.h"
#include "tests/test_util.h"

namespace tb {
namespace {

using testing::CliResult;
using testing::sql_column;
using testing::sql_int;
using testing::tunebench;
using testing::write_spec;
namespace fs = std::filesystem;

void copy_checkpoint(const fs::path& to) {
  fs::copy(fs::path(TUNEBENCH_SOURCE_DIR) / "tests/data/hf/llama_gqa_tied", to, fs::copy_options::recursive);
  fs::remove(to / "reference_logits.json");
  fs::remove(to / ".tunebench-identity.json");
}

nlohmann::json checkpoint_spec() {
  return nlohmann::json::parse(R"({
    "name": "checkpoint",
    "base_model": {"path": "model"},
    "task": {"name": "reverse", "min_len": 3, "max_len": 4, "train_items": 60, "eval_items": 8},
    "training": {"steps": 4, "batch_size": 4, "log_every": 2},
    "methods": [{"method": "lora", "rank": 2, "alpha": 4, "target_modules": ["q_proj", "v_proj"]},
                {"method": "dora", "rank": 2, "alpha": 4}, {"method": "bitfit", "add_biases": true}, {"method": "ia3"}],
    "seeds": [0],
    "evaluation": {"task_accuracy": {},
                   "forgetting": {"sequences": 2, "seq_len": 16, "heldout_file": "heldout.txt", "control_items": 2},
                   "long_context": {"tasks": ["passkey"], "lengths": [48], "depths": [0.5], "items_per_cell": 2},
                   "reasoning": {"tasks": ["addition"], "addition_digits": [2], "items": 2}}
  })");
}

torch::Tensor logits_of(LlamaForCausalLM& model) {
  torch::NoGradGuard no_grad;
  return model->forward(torch::tensor({{1, 40, 41, 42, 257}}, torch::kInt64));
}

TEST(HfCheckpointCli, TunesEverySuiteKeysByContentAndExports) {
  testing::ScratchDir dir("hf-cli");
  copy_checkpoint(dir.path() / "model");
  std::string heldout;
  for (int i = 0; i < 8; ++i) heldout += "held-out line " + std::to_string(i) + " of plain text\n";
  write_file_atomically(dir.path() / "heldout.txt", heldout);
  const fs::path spec = write_spec(dir.path(), checkpoint_spec());
  const fs::path out = dir.path() / "out", db = out / "tunebench.sqlite";
  const CliResult r = tunebench({"run", spec.string(), "--out", out.string()}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM runs WHERE status = 'done'"), 4) << r.err;
  for (const char* suite : {"task_accuracy", "forgetting", "long_context", "reasoning"})
    EXPECT_GT(sql_int(db, std::string("SELECT count(*) FROM evals WHERE suite = '") + suite + "'"), 0) << suite;
  const auto keys = sql_column(db, "SELECT key FROM runs ORDER BY key");

  // The checkpoint moved: the same runs, nothing re-run.
  fs::rename(dir.path() / "model", dir.path() / "moved");
  nlohmann::json moved = checkpoint_spec();
  moved["base_model"]["path"] = "moved";
  const CliResult again = tunebench({"run", write_spec(dir.path(), moved).string(), "--out", out.string()}, dir.path());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(sql_column(db, "SELECT key FROM runs ORDER BY key"), keys);

  const std::string lora = sql_column(db, "SELECT key FROM runs WHERE method = 'lora'").at(0);
  const CliResult exported =
      tunebench({"export-model", lora.substr(0, 8), "--to", (dir.path() / "hf").string(), "--out", out.string()}, dir.path());
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  LlamaForCausalLM tuned = load_model(out / "runs" / lora / "model.safetensors");
  LlamaForCausalLM back = load_hf_model(dir.path() / "hf");
  EXPECT_TRUE(torch::equal(logits_of(tuned), logits_of(back)));
  EXPECT_TRUE(fs::exists(dir.path() / "hf/generation_config.json"));
  const CliResult twice =
      tunebench({"export-model", lora, "--to", (dir.path() / "hf").string(), "--out", out.string()}, dir.path());
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("already exists"), std::string::npos) << twice.err;

  // The DoRA run's adapter as PEFT saves one, pointing at the checkpoint it was tuned on.
  const std::string dora = sql_column(db, "SELECT key FROM runs WHERE method = 'dora'").at(0);
  const CliResult adapter = tunebench(
      {"export-model", dora, "--adapter", "--to", (dir.path() / "peft").string(), "--out", out.string()}, dir.path());
  ASSERT_EQ(adapter.exit_code, 0) << adapter.err;
  const auto config = nlohmann::json::parse(read_file(dir.path() / "peft/adapter_config.json"));
  EXPECT_EQ(config.at("peft_type"), "LORA");
  EXPECT_EQ(config.at("use_dora"), true);
  EXPECT_EQ(config.at("r"), 2);
  EXPECT_EQ(config.at("base_model_name_or_path"), (dir.path() / "model").string());
  const auto tensors = load_safetensors(dir.path() / "peft/adapter_model.safetensors").tensors;
  EXPECT_EQ(tensors.at("base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight").sizes(),
            c10::IntArrayRef({2, 64}));
  EXPECT_EQ(tensors.at("base_model.model.model.layers.1.self_attn.q_proj.lora_magnitude_vector").sizes(),
            c10::IntArrayRef({64}));
  const std::string ia3 = sql_column(db, "SELECT key FROM runs WHERE method = 'ia3'").at(0);
  const CliResult ia3_adapter = tunebench(
      {"export-model", ia3, "--adapter", "--to", (dir.path() / "ia3").string(), "--out", out.string()}, dir.path());
  ASSERT_EQ(ia3_adapter.exit_code, 0) << ia3_adapter.err;
  EXPECT_EQ(nlohmann::json::parse(read_file(dir.path() / "ia3/adapter_config.json")).at("peft_type"), "IA3");
  EXPECT_EQ(load_safetensors(dir.path() / "ia3/adapter_model.safetensors")
                .tensors.at("base_model.model.model.layers.0.mlp.down_proj.ia3_l")
                .sizes(),
            c10::IntArrayRef({1, 128}));

  // The exported DoRA adapter as someone else's adapter: merged into the checkpoint, tuned further.
  nlohmann::json stacked = checkpoint_spec();
  stacked["base_model"] = {{"path", "moved"}, {"adapter", "peft"}};
  stacked["methods"] = nlohmann::json::parse(R"([{"method": "lora", "rank": 2, "alpha": 4}])");
  stacked["evaluation"] = {{"task_accuracy", nlohmann::json::object()}};
  const CliResult on_adapter = tunebench({"run", write_spec(dir.path(), stacked).string(), "--out", out.string()}, dir.path());
  ASSERT_EQ(on_adapter.exit_code, 0) << on_adapter.err << on_adapter.out;
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM runs WHERE status = 'done'"), 5);
  const std::string stacked_run =
      sql_column(db, "SELECT key FROM runs WHERE config_json LIKE '%peft_type%'").at(0);
  const CliResult no_base = tunebench(
      {"export-model", stacked_run, "--adapter", "--to", (dir.path() / "stacked").string(), "--out", out.string()}, dir.path());
  EXPECT_EQ(no_base.exit_code, 2);
  EXPECT_NE(no_base.err.find("merged in"), std::string::npos) << no_base.err;

  const std::string bitfit = sql_column(db, "SELECT key FROM runs WHERE method = 'bitfit'").at(0);
  const CliResult none = tunebench(
      {"export-model", bitfit, "--adapter", "--to", (dir.path() / "none").string(), "--out", out.string()}, dir.path());
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("has no PEFT adapter"), std::string::npos) << none.err;
}

TEST(HfCheckpointCli, UnsupportedArchitectureAndMissingHeldOutTextAreSpecErrors) {
  testing::ScratchDir dir("hf-cli-errors");
  copy_checkpoint(dir.path() / "model");
  auto config = nlohmann::json::parse(read_file(dir.path() / "model/config.json"));
  config["architectures"] = {"GPTNeoXForCausalLM"};
  write_file_atomically(dir.path() / "model/config.json", config.dump());
  const CliResult bad = tunebench({"run", write_spec(dir.path(), checkpoint_spec()).string(), "--out",
                                   (dir.path() / "out").string()},
                                  dir.path());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("config.json: architectures[0]: \"GPTNeoXForCausalLM\" is not supported"), std::string::npos)
      << bad.err;
  EXPECT_FALSE(fs::exists(dir.path() / "out" / "tunebench.sqlite"));

  config["architectures"] = {"LlamaForCausalLM"};
  write_file_atomically(dir.path() / "model/config.json", config.dump());
  nlohmann::json spec = checkpoint_spec();
  spec["evaluation"]["forgetting"].erase("heldout_file");
  const CliResult forgetting =
      tunebench({"run", write_spec(dir.path(), spec).string(), "--out", (dir.path() / "out").string()}, dir.path());
  EXPECT_EQ(forgetting.exit_code, 2);
  EXPECT_NE(forgetting.err.find("evaluation.forgetting: needs heldout_file"), std::string::npos) << forgetting.err;
}

}  // namespace
}  // namespace tb
