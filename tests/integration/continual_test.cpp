// Continual runs end to end with the tunebench binary: a sweep through three stages records
// the whole accuracy matrix and the forgetting suite per stage (and HFT and sparse FT draw
// anew at every stage); a run at learning rate 0 has
// no backward transfer at all; a worker killed with SIGKILL after a stage resumes to
// bit-identical weights and results, for a method that restarts, one that continues and one
// that stacks adapters (O-LoRA).
#include <gtest/gtest.h>
#include <signal.h>

#include "harness/analysis/continual_metrics.h"
#include "harness/common/files.h"
#include "harness/store/store.h"
#include "tests/integration/cli_util.h"
#include "tests/test_util.h"

namespace tb {
namespace {

namespace fs = std::filesystem;
using testing::sql_int;
using testing::sql_text;
using testing::tunebench;
using testing::write_spec;

nlohmann::json continual_spec(const std::string& methods) {
  nlohmann::json doc = testing::small_spec();
  doc.erase("task");
  doc["stages"] = nlohmann::json::parse(R"([
    {"task": {"name": "reverse", "min_len": 3, "max_len": 4, "train_items": 100, "eval_items": 10}},
    {"task": {"name": "sort_letters", "min_len": 3, "max_len": 4, "train_items": 100, "eval_items": 10}},
    {"task": {"name": "uppercase", "min_len": 3, "max_len": 4, "train_items": 100, "eval_items": 10}}
  ])");
  doc["seeds"] = {0};
  doc["methods"] = nlohmann::json::parse(methods);
  doc["execution"] = {{"threads", 1}};
  return doc;
}

std::string stage_results_of(const fs::path& db) {
  Database handle(db);
  Statement s(handle.handle(),
              "SELECT run_key || ' ' || stage || ' ' || task || ' ' || suite || ' ' || model || ' ' || metric || ' ' || "
              "printf('%.17g', value) FROM stage_evals ORDER BY 1");
  std::string out;
  while (s.step()) out += s.column_text(0) + "\n";
  return out;
}

TEST(Continual, ASweepRecordsTheAccuracyMatrixAndForgettingAfterEveryStage) {
  testing::ScratchDir dir("continual");
  const fs::path spec = write_spec(dir.path(), continual_spec(R"([
    {"method": "full_ft", "replay": 0.3},
    {"method": "lora", "rank": 2, "between_stages": "continue"},
    {"method": "o_lora", "rank": 2},
    {"method": "hft"},
    {"method": "sparse", "density": 0.02}])"));
  const fs::path out = dir.path() / "out", db = out / "tunebench.sqlite";
  const auto result = tunebench({"run", spec.string(), "--out", out.string()}, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(sql_int(db, "SELECT COUNT(*) FROM runs WHERE status = 'done'"), 5);
  // 3 stages x 3 tasks, tuned and base accuracy, for each run; the forgetting suite per stage.
  EXPECT_EQ(sql_int(db, "SELECT COUNT(*) FROM stage_evals WHERE suite = 'task_accuracy' AND metric = 'accuracy' AND model "
                        "IN ('tuned', 'base')"),
            5 * 9 * 2);
  EXPECT_EQ(sql_int(db, "SELECT COUNT(DISTINCT run_key || stage) FROM stage_evals WHERE suite = 'forgetting' AND task = -1"), 15);
  EXPECT_EQ(sql_int(db, "SELECT COUNT(*) FROM stage_eval_items WHERE suite = 'task_accuracy' AND model = 'tuned'"), 5 * 9 * 10);
  EXPECT_GT(sql_int(db, "SELECT COUNT(*) FROM evals WHERE suite = 'forgetting'"), 0) << "the final evaluation stays";
  EXPECT_NE(result.out.find("Continual learning: the accuracy matrix's summaries"), std::string::npos) << result.out;
  const fs::path report = out / "reports" / "small";
  EXPECT_NE(read_file(report / "report.md").find("| o_lora | 1 |"), std::string::npos);
  const std::string html = read_file(report / "index.html");
  for (const char* chart : {"continual-r-1", "continual-r-4", "continual-held_out_ce"})
    EXPECT_NE(html.find(chart), std::string::npos) << chart;
  Store store(db, StoreUse::kRead);
  const auto matrices = accuracy_matrices(store.stage_evals(RunFilter{}));
  EXPECT_EQ(matrices.size(), 5u);
  for (const auto& [variant, by_seed] : matrices) EXPECT_EQ(by_seed.at(0).r.size(), 3u) << variant;
  const std::string key = sql_text(db, "SELECT key FROM runs WHERE method = 'o_lora'");
  const auto details = nlohmann::json::parse(read_file(out / "runs" / key / "method.json"));
  ASSERT_EQ(details.at("stages").size(), 3u);
  EXPECT_EQ(details.at("stages")[2].at("stage"), 2) << "O-LoRA's third adapter";
  EXPECT_EQ(details.at("stages")[2].at("earlier_adapter_pairs"), 2 * 2 * 2) << "2 layers x q, v x 2 earlier stages";
  const std::string hft = sql_text(db, "SELECT key FROM runs WHERE method = 'hft'");
  const auto halves = nlohmann::json::parse(read_file(out / "runs" / hft / "method.json")).at("stages");
  EXPECT_NE(halves[0].at("trained"), halves[1].at("trained")) << "HFT draws a new half each stage";
  EXPECT_NE(halves[1].at("trained"), halves[2].at("trained"));
  const std::string sparse = sql_text(db, "SELECT key FROM runs WHERE method = 'sparse'");
  const auto draws = nlohmann::json::parse(read_file(out / "runs" / sparse / "method.json")).at("stages");
  EXPECT_NE(draws[0].at("first_positions"), draws[1].at("first_positions")) << "sparse FT selects anew each stage";
}

TEST(Continual, AtLearningRateZeroNothingIsForgottenOrTransferred) {
  testing::ScratchDir dir("continual");
  nlohmann::json doc = continual_spec(R"([{"method": "full_ft"}])");
  for (auto& stage : doc["stages"]) stage["lr_scale"] = 0;
  const fs::path out = dir.path() / "out";
  const auto result = tunebench({"run", write_spec(dir.path(), doc).string(), "--out", out.string()}, dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  Store store(out / "tunebench.sqlite", StoreUse::kRead);
  const auto matrices = accuracy_matrices(store.stage_evals(RunFilter{}));
  ASSERT_EQ(matrices.size(), 1u);
  const AccuracyMatrix& m = matrices.begin()->second.at(0);
  const ContinualSummary s = summarize_continual(m);
  EXPECT_EQ(s.backward_transfer, 0.0);
  EXPECT_EQ(s.forward_transfer, 0.0) << "the tuned model is the base model";
  EXPECT_EQ(s.forgetting, 0.0);
}

const char* const kRestart = R"({"method": "full_ft"})";
const char* const kContinue = R"({"method": "lora", "rank": 2, "dropout": 0.1, "between_stages": "continue"})";
const char* const kStack = R"({"method": "o_lora", "rank": 2})";

std::string way_between_stages(const ::testing::TestParamInfo<const char*>& info) {
  const char* const names[] = {"restart", "continue", "stack"};
  return names[info.index];
}

class ContinualResume : public ::testing::TestWithParam<const char*> {};

TEST_P(ContinualResume, AWorkerKilledAfterAStageResumesToTheSameWeights) {
  testing::ScratchDir dir("continual");
  nlohmann::json doc = continual_spec(std::string("[") + GetParam() + "]");
  doc["stages"][1]["steps"] = 1200;
  doc["execution"]["checkpoint_every"] = 50;
  const fs::path spec = write_spec(dir.path(), doc);
  const fs::path reference = dir.path() / "reference", out = dir.path() / "out", db = out / "tunebench.sqlite";
  ASSERT_EQ(tunebench({"run", spec.string(), "--out", reference.string()}, dir.path()).exit_code, 0);
  testing::share_base_models(reference, out);
  testing::Coordinator coordinator(spec, out, dir.path());
  const std::string key = testing::kill_worker_once_file_exists(out, "stage-0.pt");
  ASSERT_NE(key, "");
  EXPECT_EQ(coordinator.wait(), 0) << coordinator.err();
  EXPECT_EQ(sql_int(db, "SELECT attempts FROM runs"), 2);
  const std::string log = read_file(out / "runs" / key / "log.txt");
  EXPECT_NE(log.find("resumed after stage 1 of 3"), std::string::npos) << log;
  for (const char* file : {"checkpoint.pt", "stage-0.pt", "stage-1.pt"})
    EXPECT_FALSE(fs::exists(out / "runs" / key / file)) << file << " is removed once the result exists";
  EXPECT_EQ(read_file(out / "runs" / key / "model.safetensors"), read_file(reference / "runs" / key / "model.safetensors"))
      << "the resumed run's weights are bit-identical to the uninterrupted run's";
  EXPECT_EQ(testing::results_of(db), testing::results_of(reference / "tunebench.sqlite"));
  EXPECT_EQ(stage_results_of(db), stage_results_of(reference / "tunebench.sqlite"));
}

INSTANTIATE_TEST_SUITE_P(EveryWayBetweenStages, ContinualResume,
                         ::testing::Values(kRestart, kContinue, kStack),
                         way_between_stages);

}  // namespace
}  // namespace tb
