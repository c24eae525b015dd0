// The store: one SQLite file holding every sweep, run, metric and evaluation. The only
// code that speaks SQL. WAL mode, so readers (`runs`, `report`) work during a sweep.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "harness/store/run_result.h"
#include "harness/store/store_file.h"

namespace tb {

class Database;

inline constexpr int kSchemaVersion = 10;

// How an attempt at a run ended (attempts.outcome; runs.failure_kind for the last failed
// one): done; failed (the worker reported the failure: bad config, non-finite loss; not
// retried); killed (by a signal it did not ask for); crashed (exited without a result or a
// reason); timeout; oom (past its memory limit); stale (its coordinator vanished: no
// heartbeat); interrupted (Ctrl-C; resumes on the next `run`); parent_failed (a post-hoc
// run whose parent run failed: never started).
struct RunRecord {
  std::string key, method, variant, config_json, status;
  int64_t seed = 0, attempts = 0;
  std::optional<double> wall_seconds;
  std::string failure_reason, failure_kind, finished_at, started_at;
  int64_t trainable_params = 0;
  int64_t optimizer_state_bytes = 0;
  int64_t peak_rss_bytes = 0;  // the worker's peak resident memory (0: not recorded)
  // While running: the coordinator that runs it, seconds since its last heartbeat, the
  // worker's pid (stores before launchers) and the latest logged step / total steps /
  // training loss.
  std::string owner;
  std::optional<double> heartbeat_age, running_seconds;  // seconds since heartbeat / start
  int64_t pid = 0, progress_step = 0, progress_steps = 0;
  std::optional<double> progress_loss;
  // The job of its latest attempt ("local:<pid>", "slurm:<id>"), that job's state while the
  // run runs (queued, running), and its wait in the queue (so far, while queued).
  std::string job, job_state;
  std::optional<double> queue_seconds;
};

struct AttemptRecord {
  std::string run_key, owner, started_at, finished_at, outcome, reason;
  int64_t attempt = 0, pid = 0, peak_rss_bytes = 0;
  std::optional<double> wall_seconds;
  std::string job;                       // the launcher's handle of its job
  std::optional<double> queue_seconds;  // from its claim to its job running
};

// A run left "running": who owns it, how long since its heartbeat, its attempt's job.
struct RunningJob {
  std::string key, owner, job;
  double heartbeat_age = 0;
  int64_t attempt = 0;
};

// The end of an attempt that did not produce a result.
struct AttemptEnd {
  std::string outcome;  // see RunRecord: failed, killed, crashed, timeout, oom, stale, interrupted
  std::string reason;
  double wall_seconds = 0;
  int64_t peak_rss_bytes = 0;
  bool final = true;  // the run becomes "failed"; otherwise "pending" (retried or resumed)
};

struct RunProgress {
  std::string key;
  int64_t step = 0;
  std::optional<double> loss;
};

struct EvalRow {
  std::string run_key, variant, suite, model, metric;
  int64_t seed = 0;
  double value = 0;
  std::optional<double> stderr_value;
  int64_t n = 0;
};

// Which runs a read covers: those of the latest sweep named `sweep` (every run when empty)
// and, when `methods` is not empty, only runs whose method name or variant label is listed.
// Filters reach SQLite only as bound parameters.
struct RunFilter {
  std::string sweep;
  std::vector<std::string> methods;
  // Evaluations (evals, items) taken during training after this many steps instead of the
  // final ones; a run not evaluated at that step has none.
  std::optional<int64_t> step;
};

// One evaluation item of one run, with the run it belongs to.
struct ItemScore {
  std::string run_key, variant, suite, item_id;
  int64_t seed = 0;
  double score = 0;
  std::optional<double> logprob;
};

// An evaluation of a continual run after training stage `stage` on stage `task`'s items
// (-1: a suite not tied to a stage's task).
struct StageEvalRow {
  int64_t stage = 0, task = -1;
  EvalRow eval;
};

// One value of a per-step metric of one run (e.g. train_loss).
struct StepValue {
  std::string run_key, variant;
  int64_t seed = 0, step = 0;
  double value = 0;
};

// One spectral metric of one matrix of one run.
struct RunSpectrumValue {
  std::string run_key, variant, matrix, metric;
  double value = 0;
};

// A table as stored, for export: column names and typed cells (NULL, integer, real, text).
using StoredCell = std::variant<std::monostate, int64_t, double, std::string>;
struct StoredTable {
  std::vector<std::string> columns;
  std::vector<std::vector<StoredCell>> rows;
};

struct FitRecord {
  int64_t id = 0;
  std::string created_at, law, source, result_json;
  int64_t points = 0;
  double objective = 0;
};

// The tables `export_table` reads.
inline const std::vector<std::string> kExportTables = {"runs", "params", "evals", "items",
                                                       "metrics", "spectra", "attempts", "step_evals"};

class Store {
 public:
  // Opens the store at `path` and migrates it to kSchemaVersion. kWrite creates it when
  // absent; kRead opens a store this process cannot write read-only. UserError, before
  // anything is written, when `path` is no store `use` can open (store_problem()).
  explicit Store(const std::filesystem::path& path, StoreUse use = StoreUse::kWrite);
  ~Store();

  int schema_version();

  int64_t create_sweep(const std::string& name, const std::string& spec_file,
                       const std::string& spec_json);
  // Adds runs not yet known as "pending" and links every given run to the sweep. A
  // post-hoc run names the runs it combines (`parents`, in order).
  void add_run(int64_t sweep_id, const std::string& key, const std::string& method,
               const std::string& variant, int64_t seed, const std::string& config_json,
               const std::vector<std::string>& parents = {});
  // The runs a post-hoc run combines, in order (empty for a trained run).
  std::vector<std::string> parents(const std::string& run_key);
  std::string run_status(const std::string& key);

  // Claims a pending or failed run for the coordinator `owner`: it becomes "running" with a
  // fresh heartbeat and a new attempt. False when the run is done or running under any
  // owner. One BEGIN IMMEDIATE transaction, so two coordinators never both claim a run.
  bool claim_run(const std::string& key, const std::string& owner, int64_t total_steps);
  // The job (a launcher's handle) that runs the run's current attempt, now queued.
  void set_job(const std::string& key, const std::string& job, int64_t threads);
  // The current attempt's job began to run.
  void set_job_running(const std::string& key);
  // Every run left "running", with its owner and job.
  std::vector<RunningJob> running_jobs();
  // Takes a running run over from a coordinator that is gone, keeping its attempt and job
  // (a Slurm job that outlived its coordinator). False if it is no longer running.
  bool adopt_run(const std::string& key, const std::string& owner);
  // Refreshes the heartbeat and progress of the runs `owner` runs, in one transaction.
  void heartbeat(const std::string& owner, const std::vector<RunProgress>& running);
  // Runs left "running" by a coordinator that is gone (gone(key, owner, seconds since its
  // last heartbeat) is true): their attempt ends as "stale" and they become pending again.
  // `known_reason(key)`, when given and not empty, is what is known of how the attempt
  // ended (its worker's own failure report), recorded instead of a guess. Returns their keys.
  std::vector<std::string> release_stale_runs(
      const std::function<bool(const std::string& key, const std::string& owner, double heartbeat_age)>& gone,
      const std::function<std::string(const std::string& key)>& known_reason = {});

  // All of a run's results in one transaction: either everything or nothing is stored.
  // Ends its open attempt, if any, as "done".
  void record_success(const RunResult& result);
  void end_attempt(const std::string& key, const AttemptEnd& end);
  // A failure of the worker's own report: end_attempt with outcome `kind` ("failed"), final.
  void record_failure(const std::string& key, const std::string& reason, double wall_seconds,
                      const std::string& kind = "failed");
  std::vector<AttemptRecord> attempts(const std::string& run_key);

  // Several reads that must agree with each other (one snapshot while a sweep writes):
  // hold the returned object while reading. Nested snapshots share the outermost one.
  class ReadSnapshot {
   public:
    explicit ReadSnapshot(Database& db);
    ~ReadSnapshot();
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;

   private:
    Database& db_;
    bool nested_ = false;
  };
  std::unique_ptr<ReadSnapshot> snapshot() { return std::make_unique<ReadSnapshot>(*db_); }

  // Runs of the latest sweep named `sweep` (every run in the store when empty), in the
  // order they were first added. A sweep includes the runs it skipped as already done.
  std::vector<RunRecord> runs(const std::string& sweep = "");
  std::vector<RunRecord> runs(const RunFilter& filter);
  std::vector<EvalRow> evals(const std::string& sweep = "");
  std::vector<EvalRow> evals(const RunFilter& filter);
  // The steps at which the filter's done runs were evaluated during training, ascending.
  std::vector<int64_t> evaluation_steps(const RunFilter& filter);
  // Continual runs' evaluations after each stage, of the filter's done runs, by run, stage, task.
  std::vector<StageEvalRow> stage_evals(const RunFilter& filter);
  // Per-item scores of `model` ("base" or "tuned") of the filter's done runs, by run then item.
  std::vector<ItemScore> items(const RunFilter& filter, const std::string& model);
  // A per-step metric of the filter's done runs, by run then step.
  std::vector<StepValue> step_values(const RunFilter& filter, const std::string& name);
  // Every spectral metric of the filter's done runs.
  std::vector<RunSpectrumValue> run_spectra(const RunFilter& filter);
  // One of kExportTables joined with its run's method, variant and seed, for the filter's
  // runs (every status for "runs" and "attempts", done runs otherwise).
  StoredTable export_table(const std::string& table, const RunFilter& filter);
  std::vector<std::string> sweep_names();
  std::string latest_sweep();  // the name of the sweep started last ("" when none)
  // `requested`, or the latest sweep when it is empty. UserError when the store has no
  // sweeps or none of that name (the message lists the known ones).
  std::string resolve_sweep(const std::string& requested);
  // Spectral metrics of one run, by matrix in the order stored, then metric.
  std::vector<SpectrumValue> spectra(const std::string& run_key);
  // Params of a run (name -> JSON text), e.g. "method.r", "training.steps", "seed".
  std::vector<std::pair<std::string, std::string>> params(const std::string& run_key);

  // The value at the last step of a per-step metric (e.g. "train_loss").
  std::optional<double> final_metric(const std::string& run_key, const std::string& name);

  // Records a scaling-law fit; returns its id.
  int64_t record_fit(const std::string& law, const std::string& source, int64_t points,
                     double objective, const std::string& result_json);
  std::vector<FitRecord> fits();

  Database& database() { return *db_; }

 private:
  void migrate();
  std::unique_ptr<Database> db_;
};

}  // namespace tb
