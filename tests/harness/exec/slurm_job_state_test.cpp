#include "harness/exec/slurm_job_state.h"

#include <gtest/gtest.h>

#include "harness/exec/slurm_launcher.h"

namespace tb {
namespace {

TEST(SlurmJobState, EachStateHasItsPhaseAndTheSchedulersEndsTheirOutcome) {
  EXPECT_EQ(slurm_phase("PENDING"), JobPhase::kQueued);
  EXPECT_EQ(slurm_phase("REQUEUED"), JobPhase::kQueued);  // Slurm retries it itself
  EXPECT_EQ(slurm_phase("RUNNING"), JobPhase::kRunning);
  EXPECT_EQ(slurm_phase("COMPLETING"), JobPhase::kRunning);
  EXPECT_EQ(slurm_phase("CANCELLED by 0"), JobPhase::kEnded);  // sacct's form
  EXPECT_EQ(slurm_phase("WHATEVER"), std::nullopt);

  EXPECT_EQ(slurm_outcome("TIMEOUT", false), "timeout");
  EXPECT_EQ(slurm_outcome("OUT_OF_MEMORY", false), "oom");
  EXPECT_EQ(slurm_outcome("NODE_FAIL", false), "killed");
  EXPECT_EQ(slurm_outcome("PREEMPTED", false), "killed");
  EXPECT_EQ(slurm_outcome("CANCELLED", true), "interrupted");  // this coordinator's second Ctrl-C
  EXPECT_EQ(slurm_outcome("CANCELLED by 1000", false), "killed");  // someone else's scancel: retried
  EXPECT_EQ(slurm_outcome("COMPLETED", false), "");  // the worker's exit status decides
  EXPECT_EQ(slurm_outcome("FAILED", false), "");
}

TEST(SlurmJobState, SqueueAndSacctLinesAndSbatchOutputAreRead) {
  EXPECT_EQ(parse_job_state_line("123_4|RUNNING"), std::make_pair(std::string("123_4"), std::string("RUNNING")));
  EXPECT_EQ(parse_job_state_line("77|CANCELLED by 0|0:15"), std::make_pair(std::string("77"), std::string("CANCELLED by 0")));
  EXPECT_EQ(parse_job_state_line("123_[5-9%2]|PENDING"), std::nullopt);  // squeue without -r
  EXPECT_EQ(parse_job_state_line("slurm_load_jobs error: Invalid job id"), std::nullopt);
  EXPECT_EQ(parse_sbatch_job_id("4567\n"), "4567");
  EXPECT_EQ(parse_sbatch_job_id("4567;cluster2\n"), "4567");
  EXPECT_EQ(parse_sbatch_job_id("sbatch: error: Batch job submission failed"), std::nullopt);
}

TEST(SlurmJobState, TimeLimitsAndMemorySizesAreCheckedAsSbatchReadsThem) {
  for (const char* ok : {"30", "30:00", "2:30:00", "1-0", "1-2:30", "1-2:30:00", "UNLIMITED"}) EXPECT_TRUE(is_slurm_time(ok)) << ok;
  for (const char* bad : {"", "1:2:3:4", "ten", "1-", "-5", "1:", "1-2-3"}) EXPECT_FALSE(is_slurm_time(bad)) << bad;
  for (const char* ok : {"4096", "4G", "512m", "1T"}) EXPECT_TRUE(is_slurm_memory(ok)) << ok;
  for (const char* bad : {"", "G", "4 G", "4GB", "-1"}) EXPECT_FALSE(is_slurm_memory(bad)) << bad;
  EXPECT_EQ(slurm_minutes(60), "1");
  EXPECT_EQ(slurm_minutes(61), "2");
  EXPECT_EQ(slurm_minutes(1), "1");
}

TEST(SlurmJobState, SbatchGetsAJobArrayWithTheSpecsOptions) {
  SlurmOptions o;
  o.partition = "gpu";
  o.time = "90";
  o.mem = "4096M";
  o.cpus_per_task = 2;
  o.array_parallelism = 3;
  o.extra_args = {"--constraint=avx2"};
  o.job_name = "tunebench-demo";
  o.scripts_dir = "/shared/results/slurm";
  const auto args = sbatch_arguments(o, 5, "/shared/results/slurm/array.sh");
  auto has = [&](const std::string& a) { return std::find(args.begin(), args.end(), a) != args.end(); };
  EXPECT_TRUE(has("--array=0-4%3"));
  EXPECT_TRUE(has("--partition=gpu"));
  EXPECT_TRUE(has("--time=90"));
  EXPECT_TRUE(has("--mem=4096M"));
  EXPECT_TRUE(has("--cpus-per-task=2"));
  EXPECT_TRUE(has("--job-name=tunebench-demo"));
  EXPECT_TRUE(has("--output=/shared/results/slurm/%A_%a.out"));
  EXPECT_TRUE(has("--constraint=avx2"));
  EXPECT_FALSE(has("--account="));  // unset options are left to the cluster
  EXPECT_EQ(args.back(), "/shared/results/slurm/array.sh");
}

}  // namespace
}  // namespace tb
