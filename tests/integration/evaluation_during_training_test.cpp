// Evaluation during training (evaluation.every), end to end with the tunebench binary: it
// never changes what a run trains, the evaluation after step k of a longer run is the final
// evaluation of a k-step run where the schedule does not depend on the total steps, and a run
// killed with SIGKILL keeps the evaluations it took and does not take them again.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "harness/common/files.h"
#include "tests/integration/cli_util.h"
#include "tests/test_util.h"

namespace tb {
namespace {

namespace fs = std::filesystem;
using testing::sql_column;
using testing::sql_int;
using testing::sql_text;
using testing::tunebench;
using testing::write_spec;

// Runs `doc` into `out`; each run's key by "variant seed".
std::map<std::string, std::string> run(const nlohmann::json& doc, const fs::path& dir, const fs::path& out) {
  const fs::path spec = write_spec(dir, doc);
  const auto r = tunebench({"run", spec.string(), "--out", out.string()}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::string> keys;
  for (const auto& row : sql_column(out / "tunebench.sqlite", "SELECT variant || ' ' || seed || '|' || key FROM runs")) {
    keys[row.substr(0, row.find('|'))] = row.substr(row.find('|') + 1);
  }
  return keys;
}

// "suite model metric" -> value of the evaluations `from` (evals, or step_evals at a step).
std::map<std::string, double> evaluations(const fs::path& db, const std::string& key, const std::string& where) {
  std::map<std::string, double> out;
  for (const auto& row : sql_column(db, "SELECT suite || ' ' || model || ' ' || metric || '|' || printf('%.17g', value) "
                                        "FROM " + where + " AND run_key = '" + key + "'")) {
    out[row.substr(0, row.find('|'))] = std::stod(row.substr(row.find('|') + 1));
  }
  return out;
}

TEST(EvaluationDuringTraining, LeavesTheFinalWeightsBitIdentical) {
  testing::ScratchDir dir("during");
  nlohmann::json doc = testing::one_seed_spec(R"([{"method": "lora", "rank": 2, "alpha": 8, "dropout": 0.1},
                                     {"method": "mezo"},
                                     {"method": "sparse", "density": 0.05, "reselection_steps": 4, "accumulation_steps": 2},
                                     {"method": "full_ft"}])");
  doc["training"] = {{"steps", 12}, {"batch_size", 8}, {"log_every", 4}};
  const fs::path without = dir.path() / "without", with = dir.path() / "with";
  const auto plain = run(doc, dir.path(), without);
  testing::share_base_models(without, with);
  doc["evaluation"]["every"] = 3;
  const auto evaluated = run(doc, dir.path(), with);
  ASSERT_EQ(plain.size(), 4u);
  for (const auto& [variant, key] : plain) {
    ASSERT_TRUE(evaluated.count(variant)) << variant;
    const std::string other = evaluated.at(variant);
    EXPECT_NE(key, other) << "evaluation during training is part of the run's config";
    EXPECT_TRUE(read_file(without / "runs" / key / "model.safetensors") ==
                read_file(with / "runs" / other / "model.safetensors"))
        << variant << ": the final weights are bit-identical with and without evaluation during training";
    EXPECT_EQ(evaluations(without / "tunebench.sqlite", key, "evals WHERE 1"),
              evaluations(with / "tunebench.sqlite", other, "evals WHERE 1"))
        << variant;
    EXPECT_EQ(sql_column(with / "tunebench.sqlite",
                         "SELECT DISTINCT step FROM step_evals WHERE run_key = '" + other + "' ORDER BY step"),
              (std::vector<std::string>{"3", "6", "9", "12"}))
        << variant;
    EXPECT_EQ(sql_int(with / "tunebench.sqlite", "SELECT COUNT(*) FROM metrics WHERE name = "
                                                 "'evaluation_during_training_seconds' AND run_key = '" + other + "'"),
              3)
        << variant << ": steps 3, 6 and 9 evaluated during training (step 12 is the final evaluation)";
    EXPECT_FALSE(fs::exists(with / "runs" / other / "evaluation-step-3.json")) << "removed once the result exists";
  }
}

// The runs of `doc` (full_ft and lora at 4 and 8 steps, every 4): each method's 8-step run's
// evaluation after step 4 and its 4-step run's final evaluation.
struct StepPair {
  std::map<std::string, double> inside_longer_run, end_of_shorter_run;
};
std::map<std::string, StepPair> step_pairs(const nlohmann::json& doc, const fs::path& dir, const fs::path& out) {
  const auto keys = run(doc, dir, out);
  const fs::path db = out / "tunebench.sqlite";
  std::map<std::string, StepPair> pairs;
  for (const std::string method : {"full_ft", "lora"}) {
    const std::string prefix = method == "full_ft" ? "full_ft steps=" : "lora steps=";
    const std::string longer = keys.at(prefix + "8 0"), shorter = keys.at(prefix + "4 0");
    pairs[method] = {evaluations(db, longer, "step_evals WHERE step = 4"), evaluations(db, shorter, "evals WHERE 1")};
  }
  return pairs;
}

TEST(EvaluationDuringTraining, AfterStepKIsTheEndOfAKStepRunUnderAConstantSchedule) {
  testing::ScratchDir dir("during");
  nlohmann::json doc = testing::one_seed_spec(R"([{"method": "full_ft", "steps": [4, 8]},
                                     {"method": "lora", "rank": 2, "alpha": 8, "steps": [4, 8]}])");
  doc["training"] = {{"batch_size", 8}, {"warmup_steps", 2}, {"schedule", "constant"}};
  doc["evaluation"]["every"] = 4;
  const auto constant = step_pairs(doc, dir.path(), dir.path() / "constant");
  const StepPair& full = constant.at("full_ft");
  ASSERT_FALSE(full.end_of_shorter_run.empty());
  EXPECT_EQ(full.inside_longer_run, full.end_of_shorter_run)
      << "full FT: the same weights after 4 steps, evaluated the same way";
  // LoRA's is evaluated with its adapters unmerged during training and merged at the end:
  // the same function up to float rounding.
  const StepPair& lora = constant.at("lora");
  ASSERT_EQ(lora.inside_longer_run.size(), lora.end_of_shorter_run.size());
  for (const auto& [metric, value] : lora.end_of_shorter_run) {
    EXPECT_NEAR(lora.inside_longer_run.at(metric), value, 1e-4 * std::max(1.0, std::abs(value))) << metric;
  }
  // A cosine schedule decays over the run's own steps: after 4 of 8 steps the learning rate is
  // still high where a 4-step run has decayed to 0, so the two models differ.
  doc["training"]["schedule"] = "cosine";
  testing::share_base_models(dir.path() / "constant", dir.path() / "cosine");
  const StepPair cosine = step_pairs(doc, dir.path(), dir.path() / "cosine").at("full_ft");
  EXPECT_NE(cosine.inside_longer_run.at("forgetting tuned kl_from_base"),
            cosine.end_of_shorter_run.at("forgetting tuned kl_from_base"));
}

TEST(EvaluationDuringTraining, AKilledRunKeepsItsEvaluationsAndDoesNotRepeatThem) {
  testing::ScratchDir dir("during");
  nlohmann::json doc = testing::one_seed_spec(R"([{"method": "lora", "rank": 2, "steps": 1200, "dropout": 0.1}])");
  doc["execution"]["checkpoint_every"] = 50;
  doc["evaluation"]["every"] = 100;
  doc["evaluation"]["during"] = {{"forgetting", {{"sequences", 2}, {"seq_len", 16}}}};
  const fs::path spec = write_spec(dir.path(), doc);
  const fs::path reference = dir.path() / "reference", out = dir.path() / "out", db = out / "tunebench.sqlite";
  ASSERT_EQ(tunebench({"run", spec.string(), "--out", reference.string()}, dir.path()).exit_code, 0);
  testing::share_base_models(reference, out);
  testing::Coordinator coordinator(spec, out, dir.path());
  const std::string key = testing::kill_worker_once_file_exists(out, "evaluation-step-300.json");
  ASSERT_NE(key, "");
  EXPECT_EQ(coordinator.wait(), 0) << coordinator.err();
  EXPECT_EQ(sql_int(db, "SELECT attempts FROM runs"), 2);
  const std::string log = read_file(out / "runs" / key / "log.txt");  // the second attempt's
  EXPECT_NE(log.find("resumed from the checkpoint at step"), std::string::npos) << log;
  for (const std::string step : {"100", "200", "300"})
    EXPECT_EQ(log.find("evaluated after step " + step + " in"), std::string::npos) << "step " << step << " again:\n" << log;
  EXPECT_NE(log.find("evaluated after step 1200 in"), std::string::npos) << log;
  const std::string steps_sql = "SELECT group_concat(step) FROM (SELECT DISTINCT step FROM step_evals ORDER BY step)";
  EXPECT_EQ(sql_text(db, steps_sql), "100,200,300,400,500,600,700,800,900,1000,1100,1200");
  for (const std::string step : {"100", "300", "1200"}) {
    EXPECT_EQ(evaluations(db, key, "step_evals WHERE step = " + step),
              evaluations(reference / "tunebench.sqlite", key, "step_evals WHERE step = " + step))
        << "step " << step << ": as in the uninterrupted run";
  }
  EXPECT_TRUE(read_file(out / "runs" / key / "model.safetensors") ==
              read_file(reference / "runs" / key / "model.safetensors"))
      << "the resumed run's weights are the uninterrupted run's";
}

}  // namespace
}  // namespace tb
