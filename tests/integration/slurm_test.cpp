// The Slurm backend against a real Slurm (tools/slurm_cluster.sh start runs a one-node
// cluster here): a sweep gives the local backend's results, a job cancelled by someone
// else is retried, a coordinator killed with SIGKILL is followed by one that takes its
// jobs over without submitting any twice, a job past its time limit is a timeout, and a
// double Ctrl-C leaves nothing in the queue. Skipped, saying why, when `sinfo` does not
// answer, unless TUNEBENCH_REQUIRE_SLURM is set (tools/test.sh sets it once it started the
// cluster), where that is a failure.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>

#include "harness/common/files.h"

#include "harness/exec/command_output.h"
#include "harness/exec/slurm_launcher.h"
#include "tests/integration/cli_util.h"
#include "tests/test_util.h"

namespace tb {
namespace {

namespace fs = std::filesystem;
using testing::Coordinator;
using testing::sql_column;
using testing::sql_int;
using testing::sql_text;
using testing::wait_until;
using testing::write_spec;

#define SKIP_WITHOUT_SLURM()                                                                   \
  do {                                                                                         \
    const std::string why = slurm_unavailable_reason();                                        \
    if (!why.empty()) {                                                                        \
      if (std::getenv("TUNEBENCH_REQUIRE_SLURM")) FAIL() << "Slurm is required here: " << why; \
      GTEST_SKIP() << "no Slurm cluster answers (tools/slurm_cluster.sh start): " << why;      \
    }                                                                                          \
  } while (0)

// The tiny spec with one seed and the given methods, named uniquely (its jobs are found
// in squeue by the name), on Slurm with one CPU per job.
nlohmann::json slurm_spec(const std::string& name, const std::string& methods) {
  nlohmann::json doc = testing::small_spec();
  doc["name"] = name;
  doc["seeds"] = {0};
  doc["methods"] = nlohmann::json::parse(methods);
  doc["execution"] = {{"threads", 1}, {"backend", "slurm"}, {"checkpoint_every", 25}};
  return doc;
}

// This sweep's jobs still in the queue (pending, running or completing).
std::string queued_jobs(const std::string& sweep) {
  return run_command("squeue", {"-h", "-n", "tunebench-" + sweep, "-o", "%i %T"}).text;
}

// The Slurm job id of the run now training (past step 0), or "".
std::string training_job(const fs::path& db) {
  return sql_text(db, "SELECT substr(job, 7) FROM runs WHERE status = 'running' AND job_state = 'running' "
                      "AND progress_step > 0 AND job LIKE 'slurm:%'");
}

TEST(Slurm, ASweepThroughSlurmGivesTheLocalBackendsResultsAndRunsEachCellOnce) {
  SKIP_WITHOUT_SLURM();
  testing::ScratchDir dir("slurm");
  const nlohmann::json doc = slurm_spec("slurm-same", R"([{"method": "full_ft"}, {"method": "lora", "rank": [2, 4]}])");
  const fs::path spec = write_spec(dir.path(), doc);
  const auto local = testing::tunebench({"run", spec.string(), "--out", (dir.path() / "local").string(), "--backend", "local"}, dir.path());
  ASSERT_EQ(local.exit_code, 0) << local.err;
  const auto slurm = testing::tunebench({"run", spec.string(), "--out", (dir.path() / "slurm").string()}, dir.path());
  ASSERT_EQ(slurm.exit_code, 0) << slurm.err;
  const fs::path db = dir.path() / "slurm" / "tunebench.sqlite";
  EXPECT_EQ(testing::results_of(db), testing::results_of(dir.path() / "local" / "tunebench.sqlite"));
  EXPECT_EQ(sql_int(db, "SELECT COUNT(*) FROM runs WHERE status = 'done'"), 3);
  EXPECT_EQ(sql_int(db, "SELECT COUNT(*) FROM attempts"), 3) << "a cell ran twice";
  EXPECT_EQ(sql_int(db, "SELECT COUNT(DISTINCT job) FROM attempts WHERE job LIKE 'slurm:%'"), 3);
  EXPECT_EQ(sql_int(db, "SELECT COUNT(*) FROM attempts WHERE running_at IS NULL"), 0);
  EXPECT_TRUE(fs::exists(dir.path() / "slurm" / "models")) << "the base model is pretrained by a Slurm job too";
  EXPECT_NE(slurm.err.find("slurm: "), std::string::npos) << slurm.err;
}

TEST(Slurm, AJobCancelledBySomeoneElseIsRetriedFromItsCheckpointAndTheSweepCompletes) {
  SKIP_WITHOUT_SLURM();
  testing::ScratchDir dir("slurm");
  const fs::path spec = write_spec(dir.path(), slurm_spec("slurm-scancel", R"([{"method": "full_ft", "steps": 4000}])"));
  const fs::path out = dir.path() / "out", db = out / "tunebench.sqlite";
  Coordinator coordinator(spec, out, dir.path());
  std::string job;
  ASSERT_TRUE(wait_until([&] { return !(job = training_job(db)).empty(); }, 100, 180)) << "the run never got going";
  ASSERT_EQ(run_command("scancel", {job}).exit_code, 0);
  ASSERT_EQ(coordinator.wait(), 0) << coordinator.err();
  EXPECT_EQ(sql_text(db, "SELECT status FROM runs"), "done");
  EXPECT_EQ(sql_text(db, "SELECT outcome FROM attempts WHERE attempt = 1"), "killed");
  EXPECT_NE(sql_text(db, "SELECT reason FROM attempts WHERE attempt = 1").find("CANCELLED"), std::string::npos);
  EXPECT_EQ(sql_text(db, "SELECT outcome FROM attempts WHERE attempt = 2"), "done");
  EXPECT_EQ(sql_int(db, "SELECT COUNT(DISTINCT job) FROM attempts"), 2);
  const std::string log = read_file(out / "runs" / sql_text(db, "SELECT key FROM runs") / "log.txt");
  EXPECT_NE(log.find("resumed from the checkpoint"), std::string::npos) << log;
}

TEST(Slurm, ACoordinatorKilledWhileJobsRunIsFollowedWithoutSubmittingAnyJobTwice) {
  SKIP_WITHOUT_SLURM();
  testing::ScratchDir dir("slurm");
  const fs::path spec = write_spec(
      dir.path(), slurm_spec("slurm-kill9", R"([{"method": "full_ft", "steps": 3000}, {"method": "lora", "steps": 3000}])"));
  const fs::path out = dir.path() / "out", db = out / "tunebench.sqlite";
  {
    Coordinator first(spec, out, dir.path());
    ASSERT_TRUE(wait_until([&] { return !training_job(db).empty(); }, 100, 180)) << "no run got going";
    ASSERT_EQ(::kill(first.child.id(), SIGKILL), 0);
    first.child.wait();
  }
  ASSERT_FALSE(queued_jobs("slurm-kill9").empty()) << "the jobs should outlive their coordinator";
  Coordinator second(spec, out, dir.path());
  ASSERT_EQ(second.wait(), 0) << second.err();
  EXPECT_NE(second.err().find("following them"), std::string::npos) << second.err();
  EXPECT_EQ(sql_int(db, "SELECT COUNT(*) FROM runs WHERE status = 'done'"), 2);
  EXPECT_EQ(sql_int(db, "SELECT COUNT(*) FROM attempts"), 2) << "a run was submitted again";
  EXPECT_EQ(sql_int(db, "SELECT COUNT(DISTINCT job) FROM attempts"), 2);
  EXPECT_EQ(sql_column(db, "SELECT outcome FROM attempts"), (std::vector<std::string>{"done", "done"}));
}

TEST(Slurm, AJobPastItsSlurmTimeLimitIsRecordedAsATimeout) {
  SKIP_WITHOUT_SLURM();
  testing::ScratchDir dir("slurm");
  nlohmann::json doc = slurm_spec("slurm-timeout", R"([{"method": "full_ft", "steps": 1000000}])");
  doc["execution"]["max_attempts"] = 1;
  doc["execution"]["slurm"] = {{"time", "1"}};  // one minute, Slurm's smallest limit
  const fs::path spec = write_spec(dir.path(), doc);
  const auto r = testing::tunebench({"run", spec.string(), "--out", (dir.path() / "out").string()}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const fs::path db = dir.path() / "out" / "tunebench.sqlite";
  EXPECT_EQ(sql_text(db, "SELECT failure_kind FROM runs"), "timeout");
  EXPECT_NE(sql_text(db, "SELECT failure_reason FROM runs").find("TIMEOUT"), std::string::npos)
      << sql_text(db, "SELECT failure_reason FROM runs");
}

TEST(Slurm, ADoubleCtrlCCancelsTheSweepsJobsAndLeavesNothingInTheQueue) {
  SKIP_WITHOUT_SLURM();
  testing::ScratchDir dir("slurm");
  nlohmann::json doc = slurm_spec("slurm-sigint", R"([{"method": "full_ft", "steps": 4000}, {"method": "lora", "steps": 4000},
                                                      {"method": "ia3", "steps": 4000}])");
  doc["execution"]["slurm"] = {{"array_parallelism", 1}};  // one runs, two wait in the queue
  const fs::path spec = write_spec(dir.path(), doc);
  const fs::path out = dir.path() / "out", db = out / "tunebench.sqlite";
  Coordinator coordinator(spec, out, dir.path());
  ASSERT_TRUE(wait_until([&] { return !training_job(db).empty(); }, 100, 180)) << "no run got going";
  ASSERT_EQ(::kill(coordinator.child.id(), SIGINT), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(::kill(coordinator.child.id(), SIGINT), 0);
  EXPECT_EQ(coordinator.wait(), 130) << coordinator.err();
  EXPECT_EQ(queued_jobs("slurm-sigint"), "");
  EXPECT_EQ(sql_int(db, "SELECT COUNT(*) FROM runs WHERE status = 'running'"), 0);
  EXPECT_EQ(sql_int(db, "SELECT COUNT(*) FROM attempts WHERE outcome = 'interrupted'"), 3);
}

}  // namespace
}  // namespace tb
