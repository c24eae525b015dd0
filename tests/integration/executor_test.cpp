// The sweep executor under faults, end to end with the tunebench binary: workers and the
// coordinator killed with SIGKILL, hangs and memory hogs, Ctrl-C once and twice, readers
// during writes, and checkpoint resume. Every test checks the store afterwards.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/process.hpp>
#include <chrono>
#include <fstream>
#include <thread>

#include "harness/common/files.h"
#include "tests/integration/cli_util.h"
#include "tests/test_util.h"

namespace tb {
namespace {

namespace bp = boost::process;
namespace fs = std::filesystem;
using testing::Coordinator;
using testing::results_of;
using testing::sql_int;
using testing::wait_until;
using testing::sql_text;
using testing::tunebench;
using testing::write_spec;

TEST(Executor, AWorkerKilledMidRunIsRecordedRetriedAndTheSweepCompletes) {
  testing::ScratchDir dir("exec");
  const fs::path spec = write_spec(dir.path(), testing::one_seed_spec(R"([{"method": "full_ft", "steps": 1500}])"));
  const fs::path out = dir.path() / "out", db = out / "tunebench.sqlite";
  Coordinator coordinator(spec, out, dir.path());
  int64_t pid = -1;
  ASSERT_TRUE(wait_until([&] {
    pid = sql_int(db, "SELECT CAST(substr(job, 7) AS INTEGER) FROM runs WHERE status = 'running' AND progress_step > 0 "
                  "AND job LIKE 'local:%'");
    return pid > 0;
  })) << "the run never got going";
  ASSERT_EQ(::kill(pid_t(pid), SIGKILL), 0);
  EXPECT_EQ(coordinator.wait(), 0) << coordinator.err();
  EXPECT_EQ(sql_text(db, "SELECT status FROM runs"), "done");
  EXPECT_EQ(sql_int(db, "SELECT attempts FROM runs"), 2);
  EXPECT_EQ(sql_text(db, "SELECT outcome FROM attempts WHERE attempt = 1"), "killed");
  EXPECT_NE(sql_text(db, "SELECT reason FROM attempts WHERE attempt = 1").find("killed by signal 9"), std::string::npos);
  EXPECT_EQ(sql_text(db, "SELECT outcome FROM attempts WHERE attempt = 2"), "done");
  EXPECT_NE(coordinator.err().find("attempt 1 killed"), std::string::npos) << coordinator.err();
}

TEST(Executor, AKilledCoordinatorResumesToExactlyTheResultsOfAnUninterruptedSweep) {
  testing::ScratchDir dir("exec");
  const nlohmann::json doc =
      testing::one_seed_spec(R"([{"method": "full_ft", "steps": 600}, {"method": "lora", "rank": [2, 4], "steps": 600}])");
  const fs::path spec = write_spec(dir.path(), doc);
  const fs::path reference = dir.path() / "reference", out = dir.path() / "out", db = out / "tunebench.sqlite";
  const auto uninterrupted = tunebench({"run", spec.string(), "--out", reference.string(), "--workers", "2"}, dir.path());
  ASSERT_EQ(uninterrupted.exit_code, 0) << uninterrupted.err;
  fs::create_directories(out);
  fs::copy(reference / "models", out / "models", fs::copy_options::recursive);  // the same cached base model

  Coordinator coordinator(spec, out, dir.path(), {"--workers", "2"});
  int64_t worker = -1;
  ASSERT_TRUE(wait_until([&] {
    if (sql_int(db, "SELECT count(*) FROM runs WHERE status = 'done'") < 1) return false;
    worker = sql_int(db, "SELECT CAST(substr(job, 7) AS INTEGER) FROM runs WHERE status = 'running' AND progress_step > 0 "
                  "AND job LIKE 'local:%'");
    return worker > 0;
  })) << "never had one run done and another training";
  ASSERT_EQ(::kill(coordinator.child.id(), SIGKILL), 0);
  coordinator.child.wait();
  EXPECT_TRUE(wait_until([&] { return !testing::process_alive(worker); })) << "its workers die with the coordinator";
  EXPECT_EQ(sql_text(db, "SELECT status FROM runs WHERE job = 'local:" + std::to_string(worker) + "'"), "running")
      << "left running: nobody recorded the end";

  const auto resumed = tunebench({"run", spec.string(), "--out", out.string(), "--workers", "2"}, dir.path());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("marked stale, run again"), std::string::npos) << resumed.err;
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM runs"), 3);
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM runs WHERE status = 'done'"), 3);
  // Stale, unless the killed worker had written its result just before the kill (its
  // coordinator died before ingesting it): then that attempt is recovered from the folder.
  const bool recovered = resumed.err.find("recovered from run folders") != std::string::npos;
  EXPECT_TRUE(sql_int(db, "SELECT count(*) FROM attempts WHERE outcome = 'stale'") >= 1 || recovered) << resumed.err;
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM attempts WHERE outcome = 'done'"), 3);
  EXPECT_EQ(sql_int(db, "SELECT max(n) FROM (SELECT count(*) AS n FROM attempts WHERE outcome = 'done' "
                        "GROUP BY run_key)"),
            1)
      << "no finished run was executed again";
  const std::string expected = results_of(reference / "tunebench.sqlite");
  EXPECT_FALSE(expected.empty());
  EXPECT_EQ(results_of(db), expected) << "same metrics and evaluations as without the crash";
}

TEST(Executor, TwoCoordinatorsOnOneSweepRunEachCellOnce) {
  testing::ScratchDir dir("exec");
  nlohmann::json doc = testing::one_seed_spec(R"([{"method": "full_ft", "steps": 200}, {"method": "lora", "rank": [2, 4, 8], "steps": 200}])");
  const fs::path spec = write_spec(dir.path(), doc);
  const fs::path out = dir.path() / "out", db = out / "tunebench.sqlite";
  Coordinator a(spec, out, dir.path(), {"--workers", "1"}), b(spec, out, dir.path(), {"--workers", "1"});
  EXPECT_EQ(a.wait(), 0) << a.err();
  EXPECT_EQ(b.wait(), 0) << b.err();
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM runs WHERE status = 'done'"), 4);
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM attempts"), 4) << "no cell was run twice";
  const int pretrained = (a.err().find("pretrained in") != std::string::npos) +
                         (b.err().find("pretrained in") != std::string::npos);
  EXPECT_EQ(pretrained, 1) << "one coordinator pretrains the base model, the other waits for it\n"
                           << a.err() << "\n" << b.err();
}

TEST(Executor, ReadersNeverSeeALockedOrTornStoreWhileFourWorkersWrite) {
  testing::ScratchDir dir("exec");
  nlohmann::json doc = testing::one_seed_spec(R"([{"method": "full_ft", "steps": 60}, {"method": "lora", "rank": [2, 4, 8], "steps": 60}])");
  doc["seeds"] = {0, 1};
  const fs::path spec = write_spec(dir.path(), doc);
  const fs::path out = dir.path() / "out", db = out / "tunebench.sqlite";
  Coordinator coordinator(spec, out, dir.path(), {"--workers", "4"});
  ASSERT_TRUE(wait_until([&] { return sql_int(db, "SELECT count(*) FROM runs") == 8; }));
  const fs::path reader = dir.path() / "reader";
  fs::create_directories(reader);
  int reads = 0;
  for (bool running = true; running; ++reads) {
    running = coordinator.child.running();
    for (const char* command : {"report", "runs", "status"}) {
      const auto r = tunebench({command, "--out", out.string()}, reader);
      const bool nothing_yet = r.exit_code == 2 && r.err.find("no finished runs yet") != std::string::npos;
      ASSERT_TRUE(r.exit_code == 0 || (command == std::string("report") && nothing_yet)) << command << ": " << r.err;
      EXPECT_EQ(r.err.find("locked"), std::string::npos) << r.err;
    }
    // `runs` reads one snapshot: all 8 runs, each in a known state.
    const auto runs = tunebench({"runs", "--out", out.string()}, reader);
    int listed = 0;
    for (const char* status : {" done ", " running ", " pending ", " failed"}) {
      for (size_t at = runs.out.find(status); at != std::string::npos; at = runs.out.find(status, at + 1)) ++listed;
    }
    EXPECT_EQ(listed, 8) << runs.out;
  }
  EXPECT_EQ(coordinator.wait(), 0) << coordinator.err();
  EXPECT_GE(reads, 2);
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM runs WHERE status = 'done'"), 8);
}

// Two sweeps, so that each limit is the only one that can stop its run: on a busy machine a
// memory hog under a 3 s timeout could be stopped by the clock before it reaches its limit.
TEST(Executor, AHangingRunTimesOutAndIsRetriedOnce) {
  testing::ScratchDir dir("exec");
  nlohmann::json doc = testing::one_seed_spec(R"([{"method": "full_ft", "steps": 10000000}])");
  doc["execution"]["timeout_seconds"] = 3;
  doc["execution"]["max_attempts"] = 2;
  const fs::path spec = write_spec(dir.path(), doc);
  const fs::path out = dir.path() / "out", db = out / "tunebench.sqlite";
  const auto r = tunebench({"run", spec.string(), "--out", out.string()}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(sql_text(db, "SELECT status || ' ' || failure_kind FROM runs"), "failed timeout");
  EXPECT_EQ(sql_int(db, "SELECT attempts FROM runs"), 2) << "a timeout may pass: retried once";
  EXPECT_NE(sql_text(db, "SELECT failure_reason FROM runs").find("timed out"), std::string::npos);
}

TEST(Executor, AMemoryHogIsKilledAtItsLimitAndNotRetried) {
  testing::ScratchDir dir("exec");
  nlohmann::json doc = testing::one_seed_spec(R"([{"method": "full_ft", "steps": 5, "batch_size": 2000}])");
  doc["execution"]["max_attempts"] = 2;
  doc["execution"]["memory_limit_mb"] = 350;  // a worker of this spec needs under 200 MiB; batch 2000 about 560
  const fs::path spec = write_spec(dir.path(), doc);
  const fs::path out = dir.path() / "out", db = out / "tunebench.sqlite";
  const auto r = tunebench({"run", spec.string(), "--out", out.string()}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(sql_text(db, "SELECT status || ' ' || failure_kind FROM runs"), "failed oom");
  EXPECT_EQ(sql_int(db, "SELECT attempts FROM runs"), 1) << "out of memory again would be the same";
  EXPECT_GT(sql_int(db, "SELECT peak_rss_bytes FROM attempts"), int64_t(350) << 20);
}

TEST(Executor, TemporaryFilesOfAKilledWriterAreRemovedWhenTheRunStartsAgain) {
  testing::ScratchDir dir("exec");
  nlohmann::json doc = testing::one_seed_spec(R"([{"method": "full_ft", "steps": 10000000}])");
  doc["execution"]["timeout_seconds"] = 2;
  doc["execution"]["max_attempts"] = 1;
  const fs::path spec = write_spec(dir.path(), doc);
  const fs::path out = dir.path() / "out", db = out / "tunebench.sqlite";
  EXPECT_EQ(tunebench({"run", spec.string(), "--out", out.string()}, dir.path()).exit_code, 1);
  const fs::path run_dir = out / "runs" / sql_text(db, "SELECT key FROM runs");
  // What a worker killed mid-write (or stopped by a full disk) leaves behind.
  for (const char* name : {"model.safetensors.tmp.4242", "checkpoint.pt.tmp", "result.json.tmp.77"})
    std::ofstream(run_dir / name) << "partial";
  EXPECT_EQ(tunebench({"run", spec.string(), "--out", out.string()}, dir.path()).exit_code, 1);
  for (const auto& entry : fs::directory_iterator(run_dir))
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  EXPECT_EQ(sql_int(db, "SELECT attempts FROM runs"), 2);
}

TEST(Executor, AKilledRunContinuesFromItsCheckpointToTheSameWeights) {
  testing::ScratchDir dir("exec");
  nlohmann::json doc = testing::one_seed_spec(R"([{"method": "lora", "rank": 2, "steps": 1200, "dropout": 0.1}])");
  doc["execution"]["checkpoint_every"] = 50;
  const fs::path spec = write_spec(dir.path(), doc);
  const fs::path reference = dir.path() / "reference", out = dir.path() / "out", db = out / "tunebench.sqlite";
  ASSERT_EQ(tunebench({"run", spec.string(), "--out", reference.string()}, dir.path()).exit_code, 0);
  testing::share_base_models(reference, out);
  Coordinator coordinator(spec, out, dir.path());
  const std::string key = testing::kill_worker_once_file_exists(out, "checkpoint.pt");
  ASSERT_NE(key, "");
  EXPECT_EQ(coordinator.wait(), 0) << coordinator.err();
  EXPECT_EQ(sql_int(db, "SELECT attempts FROM runs"), 2);
  const std::string log = read_file(out / "runs" / key / "log.txt");
  EXPECT_NE(log.find("resumed from the checkpoint at step"), std::string::npos) << log;
  EXPECT_FALSE(fs::exists(out / "runs" / key / "checkpoint.pt")) << "removed once the result exists";
  EXPECT_EQ(read_file(out / "runs" / key / "model.safetensors"), read_file(reference / "runs" / key / "model.safetensors"))
      << "the resumed run's weights are bit-identical to the uninterrupted run's";
  EXPECT_EQ(results_of(db), results_of(reference / "tunebench.sqlite"));
}

TEST(Executor, CtrlCOnceDrainsTwiceStopsWithACheckpointAndRunResumes) {
  testing::ScratchDir dir("exec");
  const fs::path out = dir.path() / "out", db = out / "tunebench.sqlite";
  // Once: the running run finishes, the next one does not start.
  const fs::path spec = write_spec(dir.path(), testing::one_seed_spec(R"([{"method": "full_ft", "steps": 600}, {"method": "lora", "rank": 2}])"));
  Coordinator first(spec, out, dir.path(), {"--workers", "1"});
  ASSERT_TRUE(wait_until([&] { return sql_int(db, "SELECT count(*) FROM runs WHERE status = 'running' AND progress_step > 0") == 1; }));
  ASSERT_EQ(::kill(first.child.id(), SIGINT), 0);
  EXPECT_EQ(first.wait(), 130) << first.err();
  EXPECT_EQ(sql_text(db, "SELECT status FROM runs WHERE method = 'full_ft'"), "done") << first.err();
  EXPECT_EQ(sql_text(db, "SELECT status FROM runs WHERE method = 'lora'"), "pending");
  EXPECT_NE(first.err().find("1 run(s) not started"), std::string::npos) << first.err();

  // Twice: the running run is stopped, checkpoints, and is recorded as interrupted.
  fs::create_directories(dir.path() / "endless");
  const fs::path endless =
      write_spec(dir.path() / "endless", testing::one_seed_spec(R"([{"method": "full_ft", "steps": 10000000}])"));
  Coordinator second(endless, out, dir.path(), {"--workers", "1"});
  ASSERT_TRUE(wait_until([&] { return sql_int(db, "SELECT count(*) FROM runs WHERE status = 'running' AND progress_step > 0") == 1; }));
  ASSERT_EQ(::kill(second.child.id(), SIGINT), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(::kill(second.child.id(), SIGINT), 0);
  EXPECT_EQ(second.wait(), 130) << second.err();
  const std::string where = " FROM runs WHERE config_json LIKE '%10000000%'";
  EXPECT_EQ(sql_text(db, "SELECT status || ' ' || failure_kind" + where), "pending interrupted");
  EXPECT_NE(sql_text(db, "SELECT failure_reason" + where).find("continues from its checkpoint"), std::string::npos);
  EXPECT_TRUE(fs::exists(out / "runs" / sql_text(db, "SELECT key" + where) / "checkpoint.pt"));
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM runs WHERE status = 'running'"), 0) << "nothing left running";

  const auto status = tunebench({"status", "--out", out.string(), "--sweep", "small"}, dir.path());
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_NE(status.out.find("0/1 done, 0 running, 0 failed, 1 pending"), std::string::npos) << status.out;
  const auto resumed = tunebench({"run", spec.string(), "--out", out.string()}, dir.path());
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(sql_text(db, "SELECT status FROM runs WHERE method = 'lora'"), "done");
}

}  // namespace
}  // namespace tb
