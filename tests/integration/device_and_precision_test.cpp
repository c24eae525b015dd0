// execution.device and training.dtype end to end with the binary: a sweep asking for a GPU
// on a machine without one records each run's failure with a reason that says what to do
// (and the pool gives each run its own GPU from CUDA_VISIBLE_DEVICES); bf16 with gradient
// checkpointing and the fused loss trains, evaluates and records its precision per run,
// with results close to fp32's.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tests/integration/cli_util.h"

namespace tb {
namespace {

using testing::CliResult;
using testing::sql_int;
using testing::sql_text;
using testing::tunebench;
namespace fs = std::filesystem;

TEST(DeviceAndPrecision, AGpuSweepWithoutAGpuRecordsEachRunsReason) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "this machine has a GPU";
  testing::ScratchDir dir("device");
  nlohmann::json doc = testing::small_spec();
  doc["methods"] = nlohmann::json::parse(R"([{"method": "lora", "rank": 2, "alpha": 4}])");
  doc["execution"] = {{"device", "cuda"}, {"max_attempts", 1}};
  const fs::path spec = testing::write_spec(dir.path(), doc), out = dir.path() / "out";
  // Two GPUs to hand out, as on a machine with two: each worker is given one.
  setenv("CUDA_VISIBLE_DEVICES", "0,1", 1);
  const CliResult r = tunebench({"run", spec.string(), "--out", out.string()}, dir.path());
  unsetenv("CUDA_VISIBLE_DEVICES");
  EXPECT_NE(r.exit_code, 0) << "some runs failed";
  EXPECT_NE(r.exit_code, 2) << "not a spec error: " << r.err;
  const fs::path db = out / "tunebench.sqlite";
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM runs WHERE status = 'failed' AND failure_reason LIKE "
                        "'%execution.device is cuda but this worker sees no GPU%use cpu or auto%'"),
            2) << sql_text(db, "SELECT failure_reason FROM runs");
}

TEST(DeviceAndPrecision, Bf16WithCheckpointingAndTheFusedLossTrainsCloseToFp32) {
  testing::ScratchDir dir("precision");
  nlohmann::json doc = testing::small_spec();
  doc["methods"] = nlohmann::json::parse(R"([{"method": "full_ft", "dtype": ["fp32", "bf16"]},
                                              {"method": "lora", "rank": 4, "alpha": 8, "dtype": ["fp32", "bf16"]}])");
  doc["seeds"] = {0};
  doc["training"]["steps"] = 20;
  doc["training"]["gradient_checkpointing"] = true;
  doc["training"]["vocabulary_chunk"] = 100;
  const fs::path spec = testing::write_spec(dir.path(), doc), out = dir.path() / "out", db = out / "tunebench.sqlite";
  const CliResult r = tunebench({"run", spec.string(), "--out", out.string()}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM runs WHERE status = 'done'"), 4);
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM params WHERE name = 'training.dtype' AND value_json = '\"bf16\"'"), 2)
      << "the precision is recorded per run";
  for (const char* method : {"full_ft", "lora"}) {
    auto final_loss = [&](bool bf16) {  // fp32, the default, is left out of a run's params
      return std::stod(sql_text(db, "SELECT m.value FROM metrics m JOIN runs r ON r.key = m.run_key WHERE r.method = '" +
                                        std::string(method) + "' AND " + (bf16 ? "" : "NOT ") +
                                        "EXISTS (SELECT 1 FROM params p WHERE p.run_key = r.key AND p.name = "
                                        "'training.dtype') AND m.name = 'train_loss' ORDER BY m.step DESC LIMIT 1"));
    };
    EXPECT_NEAR(final_loss(true), final_loss(false), 0.05 * final_loss(false)) << method;
  }
}

}  // namespace
}  // namespace tb
