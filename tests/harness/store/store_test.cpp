#include "harness/store/store.h"

#include <gtest/gtest.h>

#include <set>

#include "harness/store/sqlite.h"
#include "tests/test_util.h"

namespace tb {
namespace {

RunResult sample_result(const std::string& key) {
  RunResult r;
  r.run_key = key;
  r.trainable_params = 1234;
  r.total_params = 99999;
  r.optimizer_state_bytes = 8 * 1234;
  r.wall_seconds = 12.5;
  r.train_seconds = 10.0;
  r.environment = {"abc123", "1.13.1", "cpu", 1};
  r.metrics = {{"train_loss", 10, 2.5}, {"train_loss", 20, 1.5}};
  r.evals = {{"task_accuracy", "tuned", "accuracy", 0.75, 0.05, 0.6, 0.85, 100},
             {"forgetting", "delta", "held_out_ce", 0.1, std::nullopt, std::nullopt, std::nullopt, 8}};
  r.items = {{"task_accuracy", "tuned", "rev(abc)=", 1.0, -0.5, {{"output", "cba"}}}};
  r.spectra = {{"model.layers.0.mlp.up_proj.weight", "intruders", 2},
               {"model.layers.0.mlp.up_proj.weight", "update_rank", 8},
               {"lm_head.weight", "intruders", 0}};
  return r;
}

int64_t count(Store& store, const std::string& sql) {
  Statement s(store.database().handle(), sql);
  s.step();
  return s.column_int(0);
}

TEST(Store, MigratesAnEmptyFile) {
  testing::ScratchDir dir("store");
  Store store(dir.path() / "db.sqlite");
  EXPECT_EQ(store.schema_version(), kSchemaVersion);
  for (const char* table : {"sweeps", "runs", "sweep_runs", "params", "metrics", "evals", "eval_items", "spectra", "fits"}) {
    EXPECT_EQ(count(store, std::string("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='") + table + "'"), 1)
        << table;
  }
  Statement mode(store.database().handle(), "PRAGMA journal_mode");
  mode.step();
  EXPECT_EQ(mode.column_text(0), "wal");
}

TEST(Store, ReopeningKeepsDataAndVersion) {
  testing::ScratchDir dir("store");
  {
    Store store(dir.path() / "db.sqlite");
    const int64_t sweep = store.create_sweep("s", "s.json", "{}");
    store.add_run(sweep, "k1", "lora", "lora rank=8", 0, R"({"method":{"name":"lora","rank":8},"training":{"lr":0.1},"seed":0})");
  }
  Store again(dir.path() / "db.sqlite");
  EXPECT_EQ(again.schema_version(), kSchemaVersion);
  EXPECT_EQ(again.run_status("k1"), "pending");
  EXPECT_EQ(count(again, "SELECT count(*) FROM params WHERE run_key='k1'"), 4);  // method.name, method.rank, training.lr, seed
}

// Schema 7 renamed metrics to snake_case; a store written before keeps its results under
// the new names, slices untouched.
TEST(Store, MigratesMetricNamesToSnakeCase) {
  testing::ScratchDir dir("store");
  {
    Store store(dir.path() / "db.sqlite");
    const int64_t sweep = store.create_sweep("s", "s.json", "{}");
    store.add_run(sweep, "k1", "lora", "lora", 3, R"({"method":{"name":"lora"},"seed":3})");
    ASSERT_TRUE(store.claim_run("k1", "me", 20));
    RunResult r = sample_result("k1");
    r.evals = {{"long_context", "tuned", "passkey_accuracy@length=64,depth=0.5", 0.5, 0.1, 0.3, 0.7, 8},
               {"forgetting", "tuned", "control_retention", 0.9, 0.05, 0.8, 1.0, 40},
               {"long_context", "base", "passkey_effective_length", 128, std::nullopt, std::nullopt, std::nullopt, 40}};
    store.record_success(r);
    store.database().exec(
        "UPDATE evals SET metric = 'passkey accuracy@length=64,depth=0.5' WHERE model = 'tuned' AND suite = 'long_context';"
        "UPDATE evals SET metric = 'passkey effective_length' WHERE model = 'base';"
        "UPDATE evals SET metric = 'control retention' WHERE suite = 'forgetting';"
        // back to version 6: without migration 8's columns and migration 9's and 10's tables
        "DROP TABLE stage_evals; DROP TABLE stage_eval_items; DROP TABLE step_evals; DROP TABLE step_eval_items;"
        "ALTER TABLE runs DROP COLUMN job; ALTER TABLE runs DROP COLUMN job_state;"
        "ALTER TABLE attempts DROP COLUMN job; ALTER TABLE attempts DROP COLUMN running_at;"
        "PRAGMA user_version = 6;");
  }
  Store again(dir.path() / "db.sqlite");
  EXPECT_EQ(again.schema_version(), kSchemaVersion);
  std::set<std::string> metrics;
  for (const auto& e : again.evals("s")) metrics.insert(e.metric);
  EXPECT_EQ(metrics, (std::set<std::string>{"control_retention", "passkey_accuracy@length=64,depth=0.5",
                                            "passkey_effective_length"}));
}

TEST(Store, RefusesANewerSchema) {
  testing::ScratchDir dir("store");
  {
    Database db(dir.path() / "db.sqlite");
    db.exec("PRAGMA user_version = 99");
  }
  EXPECT_THROW(Store(dir.path() / "db.sqlite"), std::runtime_error);
}

TEST(Store, EachAttemptKeepsItsJobAndARunCanBeTakenOverWithIt) {
  testing::ScratchDir dir("store");
  Store store(dir.path() / "db.sqlite");
  const int64_t sweep = store.create_sweep("s", "s.json", "{}");
  store.add_run(sweep, "k1", "lora", "lora", 0, R"({"method":{"name":"lora"},"training":{},"seed":0})");
  ASSERT_TRUE(store.claim_run("k1", "gone coordinator", 20));
  store.set_job("k1", "slurm:77_3", 2);
  EXPECT_EQ(store.runs("s")[0].job_state, "queued");
  ASSERT_TRUE(store.runs("s")[0].queue_seconds.has_value());  // so far
  store.set_job_running("k1");
  const RunRecord run = store.runs("s")[0];
  EXPECT_EQ(run.job, "slurm:77_3");
  EXPECT_EQ(run.job_state, "running");
  ASSERT_TRUE(run.queue_seconds.has_value());
  EXPECT_GE(*run.queue_seconds, 0);

  const auto running = store.running_jobs();
  ASSERT_EQ(running.size(), 1u);
  EXPECT_EQ(running[0].owner, "gone coordinator");
  EXPECT_EQ(running[0].job, "slurm:77_3");
  EXPECT_EQ(running[0].attempt, 1);
  EXPECT_TRUE(store.adopt_run("k1", "new coordinator"));
  EXPECT_EQ(store.running_jobs()[0].owner, "new coordinator");
  const auto attempts = store.attempts("k1");
  ASSERT_EQ(attempts.size(), 1u);  // taken over, not attempted again
  EXPECT_EQ(attempts[0].owner, "new coordinator");
  EXPECT_EQ(attempts[0].job, "slurm:77_3");
  ASSERT_TRUE(attempts[0].queue_seconds.has_value());

  store.end_attempt("k1", {"interrupted", "stopped", 1, 0, false});
  EXPECT_FALSE(store.adopt_run("k1", "another"));  // no longer running
  EXPECT_EQ(store.runs("s")[0].job_state, "");
  EXPECT_EQ(store.runs("s")[0].job, "slurm:77_3");  // the last attempt's job stays on record
}

TEST(Store, ResultRoundTrip) {
  testing::ScratchDir dir("store");
  Store store(dir.path() / "db.sqlite");
  const int64_t sweep = store.create_sweep("s", "s.json", "{}");
  store.add_run(sweep, "k1", "lora", "lora rank=8", 3, R"({"method":{"name":"lora"},"training":{},"seed":3})");
  ASSERT_TRUE(store.claim_run("k1", "me", 20));
  store.set_job("k1", "local:4242", 1);
  EXPECT_EQ(store.run_status("k1"), "running");
  store.record_success(sample_result("k1"));
  store.record_success(sample_result("k1"));  // ingesting twice must not double anything
  EXPECT_EQ(store.run_status("k1"), "done");
  EXPECT_EQ(count(store, "SELECT count(*) FROM metrics WHERE run_key='k1'"), 2);
  EXPECT_EQ(count(store, "SELECT count(*) FROM eval_items WHERE run_key='k1'"), 1);
  EXPECT_EQ(count(store, "SELECT attempts FROM runs WHERE key='k1'"), 1);
  const auto spectra = store.spectra("k1");
  ASSERT_EQ(spectra.size(), 3u);  // stored once, in order
  EXPECT_EQ(spectra[1].metric, "update_rank");
  EXPECT_EQ(spectra[1].value, 8);
  EXPECT_EQ(spectra[2].matrix, "lm_head.weight");
  EXPECT_EQ(store.final_metric("k1", "train_loss"), 1.5);  // the last step's value
  EXPECT_FALSE(store.final_metric("k1", "nope").has_value());
  EXPECT_EQ(store.params("k1").back(), (std::pair<std::string, std::string>{"seed", "3"}));
  const auto evals = store.evals("s");
  ASSERT_EQ(evals.size(), 2u);
  EXPECT_EQ(evals[1].metric, "accuracy");
  EXPECT_EQ(evals[1].value, 0.75);
  EXPECT_EQ(evals[1].stderr_value, 0.05);
  EXPECT_EQ(evals[1].n, 100);
  EXPECT_EQ(evals[1].seed, 3);
  EXPECT_FALSE(evals[0].stderr_value.has_value());
  const auto runs = store.runs("s");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].trainable_params, 1234);
  EXPECT_EQ(*runs[0].wall_seconds, 12.5);
  Statement env(store.database().handle(), "SELECT git_commit, torch_version, threads FROM runs WHERE key='k1'");
  env.step();
  EXPECT_EQ(env.column_text(0), "abc123");
  EXPECT_EQ(env.column_text(1), "1.13.1");
  EXPECT_EQ(env.column_int(2), 1);
  const auto attempts = store.attempts("k1");
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts[0].outcome, "done");
  EXPECT_EQ(attempts[0].job, "local:4242");
  EXPECT_FALSE(store.claim_run("k1", "me", 20)) << "a done run is never claimed again";
}

const char* kConfig = R"({"method":{"name":"lora"},"training":{},"seed":0})";

TEST(Store, ARunIsClaimedByOneCoordinatorAtATime) {
  testing::ScratchDir dir("store");
  Store a(dir.path() / "db.sqlite"), b(dir.path() / "db.sqlite");
  a.add_run(a.create_sweep("s", "s.json", "{}"), "k1", "lora", "lora", 0, kConfig);
  EXPECT_TRUE(a.claim_run("k1", "coordinator A", 100));
  EXPECT_FALSE(b.claim_run("k1", "coordinator B", 100)) << "running under A";
  a.heartbeat("coordinator A", {{"k1", 40, 0.5}});
  b.heartbeat("coordinator B", {{"k1", 99, 9.0}});  // not B's run: ignored
  auto runs = b.runs();
  EXPECT_EQ(runs[0].owner, "coordinator A");
  EXPECT_EQ(runs[0].progress_step, 40);
  EXPECT_EQ(runs[0].progress_steps, 100);
  EXPECT_EQ(runs[0].progress_loss, 0.5);
  ASSERT_TRUE(runs[0].heartbeat_age.has_value());
  EXPECT_LT(*runs[0].heartbeat_age, 60);

  // A timeout that will be retried leaves the run pending; the next claim is attempt 2.
  a.end_attempt("k1", {"timeout", "timed out", 3.0, 1 << 20, false});
  EXPECT_EQ(a.run_status("k1"), "pending");
  EXPECT_TRUE(b.claim_run("k1", "coordinator B", 100));
  a.end_attempt("k1", {"oom", "out of memory", 1.0, 5 << 20, true});
  runs = a.runs();
  EXPECT_EQ(runs[0].status, "failed");
  EXPECT_EQ(runs[0].failure_kind, "oom");
  EXPECT_EQ(runs[0].attempts, 2);
  const auto attempts = a.attempts("k1");
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0].outcome, "timeout");
  EXPECT_EQ(attempts[0].owner, "coordinator A");
  EXPECT_EQ(attempts[1].outcome, "oom");
  EXPECT_EQ(attempts[1].peak_rss_bytes, 5 << 20);
  EXPECT_TRUE(a.claim_run("k1", "coordinator A", 100)) << "a failed run may be claimed again";
}

TEST(Store, RunsOfAVanishedCoordinatorBecomeStaleAndPending) {
  testing::ScratchDir dir("store");
  Store store(dir.path() / "db.sqlite");
  const int64_t sweep = store.create_sweep("s", "s.json", "{}");
  store.add_run(sweep, "gone", "lora", "lora", 0, kConfig);
  store.add_run(sweep, "alive", "lora", "lora", 1, kConfig);
  ASSERT_TRUE(store.claim_run("gone", "dead coordinator", 10));
  ASSERT_TRUE(store.claim_run("alive", "live coordinator", 10));
  std::vector<double> ages;
  const auto released = store.release_stale_runs([&](const std::string&, const std::string& owner, double age) {
    ages.push_back(age);
    return owner == "dead coordinator";
  });
  EXPECT_EQ(released, std::vector<std::string>{"gone"});
  ASSERT_EQ(ages.size(), 2u);
  EXPECT_GE(ages[0], 0);
  EXPECT_LT(ages[0], 60) << "the heartbeat is fresh";
  EXPECT_EQ(store.run_status("gone"), "pending");
  EXPECT_EQ(store.run_status("alive"), "running");
  EXPECT_EQ(store.attempts("gone")[0].outcome, "stale");
  EXPECT_EQ(store.runs()[0].failure_kind, "stale");
  // Its worker had written the result before the coordinator vanished: ingesting it
  // shows that attempt as done, not stale.
  store.record_success(sample_result("gone"));
  EXPECT_EQ(store.attempts("gone")[0].outcome, "done");
  EXPECT_EQ(store.attempts("gone").size(), 1u);
}

TEST(Store, AStaleRunKeepsWhatIsKnownOfItsEnd) {
  testing::ScratchDir dir("store");
  Store store(dir.path() / "db.sqlite");
  const int64_t sweep = store.create_sweep("s", "s.json", "{}");
  store.add_run(sweep, "full", "lora", "lora", 0, kConfig);
  store.add_run(sweep, "silent", "lora", "lora", 1, kConfig);
  ASSERT_TRUE(store.claim_run("full", "dead coordinator", 10));
  ASSERT_TRUE(store.claim_run("silent", "dead coordinator", 10));
  store.release_stale_runs([](const std::string&, const std::string&, double) { return true; },
                           [](const std::string& key) {
                             return key == "full" ? "the worker failed: cannot write model.safetensors.tmp.7: "
                                                    "No space left on device"
                                                  : "";
                           });
  EXPECT_EQ(store.attempts("full")[0].reason,
            "its coordinator could not record how the attempt ended: the worker failed: cannot write "
            "model.safetensors.tmp.7: No space left on device");
  EXPECT_NE(store.attempts("silent")[0].reason.find("stopped without a word"), std::string::npos);
}

TEST(Store, ASnapshotDoesNotSeeWritesThatCommitDuringIt) {
  testing::ScratchDir dir("store");
  Store reader(dir.path() / "db.sqlite"), writer(dir.path() / "db.sqlite");
  const int64_t sweep = writer.create_sweep("s", "s.json", "{}");
  writer.add_run(sweep, "k1", "lora", "lora", 0, kConfig);
  {
    const auto snapshot = reader.snapshot();
    EXPECT_EQ(reader.runs().size(), 1u);
    writer.add_run(sweep, "k2", "lora", "lora", 1, kConfig);  // WAL: the writer is not blocked
    EXPECT_EQ(reader.runs().size(), 1u) << "reads inside one snapshot agree with each other";
  }
  EXPECT_EQ(reader.runs().size(), 2u);
}

TEST(Store, RunResultJsonRoundTrip) {
  const RunResult r = sample_result("k");
  const RunResult back = RunResult::from_json(nlohmann::json::parse(r.to_json().dump()));
  EXPECT_EQ(back.to_json(), r.to_json());
  nlohmann::json wrong = r.to_json();
  wrong["format"] = 999;
  EXPECT_THROW(RunResult::from_json(wrong), std::runtime_error);
}

TEST(Store, FitsAreRecordedInOrder) {
  testing::ScratchDir dir("store");
  Store store(dir.path() / "db.sqlite");
  EXPECT_EQ(store.record_fit("chinchilla", "csv:a.csv", 240, 1e-3, R"({"fit":{}})"), 1);
  EXPECT_EQ(store.record_fit("forgetting", "sweep:s", 12, 2e-3, "{}"), 2);
  const auto fits = store.fits();
  ASSERT_EQ(fits.size(), 2u);
  EXPECT_EQ(fits[0].law, "chinchilla");
  EXPECT_EQ(fits[0].points, 240);
  EXPECT_EQ(fits[1].source, "sweep:s");
  EXPECT_FALSE(fits[1].created_at.empty());
}

TEST(Store, FailureIsRecordedWithItsReason) {
  testing::ScratchDir dir("store");
  Store store(dir.path() / "db.sqlite");
  const int64_t sweep = store.create_sweep("s", "s.json", "{}");
  store.add_run(sweep, "k1", "full_ft", "full_ft", 0, R"({"method":{"name":"full_ft"},"training":{},"seed":0})");
  store.record_failure("k1", "non-finite loss (nan) at step 3", 1.5);
  const auto runs = store.runs();
  EXPECT_EQ(runs[0].status, "failed");
  EXPECT_EQ(runs[0].failure_reason, "non-finite loss (nan) at step 3");
}

TEST(Store, PostHocRunsKeepTheirParentsInOrder) {
  testing::ScratchDir dir("store");
  Store store(dir.path() / "db.sqlite");
  const int64_t sweep = store.create_sweep("s", "s.json", "{}");
  const std::string trained = R"({"method":{"name":"full_ft"},"training":{"lr":0.1},"seed":0})";
  store.add_run(sweep, "p2", "full_ft", "full_ft", 0, trained);
  store.add_run(sweep, "p1", "full_ft", "full_ft", 0, trained);
  store.add_run(sweep, "soup", "soup", "soup of full_ft", 0,
                R"({"method":{"name":"soup","recipe":"greedy"},"parents":["p2","p1"],"seed":0})", {"p2", "p1"});
  EXPECT_EQ(store.parents("soup"), (std::vector<std::string>{"p2", "p1"}));
  EXPECT_TRUE(store.parents("p1").empty());
  const auto params = store.params("soup");
  EXPECT_NE(std::find(params.begin(), params.end(), std::pair<std::string, std::string>{"method.recipe", "\"greedy\""}),
            params.end());
  store.record_failure("soup", "its parent p1 failed", 0, "parent_failed");
  EXPECT_EQ(store.runs()[2].failure_kind, "parent_failed");
}

TEST(Store, ASweepListsTheRunsItSkipped) {
  testing::ScratchDir dir("store");
  Store store(dir.path() / "db.sqlite");
  const std::string config = R"({"method":{"name":"full_ft"},"training":{},"seed":0})";
  store.add_run(store.create_sweep("s", "s.json", "{}"), "k1", "full_ft", "full_ft", 0, config);
  store.add_run(store.create_sweep("s", "s.json", "{}"), "k1", "full_ft", "full_ft", 0, config);
  EXPECT_EQ(store.runs("s").size(), 1u);
  EXPECT_EQ(count(store, "SELECT count(*) FROM runs"), 1);
  EXPECT_EQ(store.sweep_names(), std::vector<std::string>{"s"});
}

// A run reused by a later sweep shows that sweep's label, and filters by it.
TEST(Store, LabelsBelongToTheSweep) {
  testing::ScratchDir dir("store");
  Store store(dir.path() / "db.sqlite");
  const std::string config = R"({"method":{"name":"lora"},"training":{},"seed":0})";
  store.add_run(store.create_sweep("first", "a.json", "{}"), "k1", "lora", "lora rank=8 lr=5e-3", 0, config);
  store.add_run(store.create_sweep("second", "b.json", "{}"), "k1", "lora", "lora", 0, config);
  EXPECT_EQ(store.runs("first").at(0).variant, "lora rank=8 lr=5e-3");
  EXPECT_EQ(store.runs("second").at(0).variant, "lora");
  EXPECT_EQ(store.runs(RunFilter{"second", {"lora"}}).size(), 1u);
  EXPECT_TRUE(store.runs(RunFilter{"second", {"lora rank=8 lr=5e-3"}}).empty());
  EXPECT_EQ(store.export_table("runs", RunFilter{"second", {}}).rows.at(0).at(2), StoredCell(std::string("lora")));
  EXPECT_EQ(count(store, "SELECT count(*) FROM runs"), 1);
}

}  // namespace
}  // namespace tb
