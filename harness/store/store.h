// The store: one SQLite file holding every sweep, run, metric and evaluation. The only
// code that speaks SQL. WAL mode, so readers (`runs`, `report`) work during a sweep.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/store/run_result.h"

namespace tb {

class Database;

inline constexpr int kSchemaVersion = 2;

struct RunRecord {
  std::string key, method, variant, config_json, status;
  int64_t seed = 0, attempts = 0;
  std::optional<double> wall_seconds;
  std::string failure_reason, finished_at;
  int64_t trainable_params = 0;
  int64_t optimizer_state_bytes = 0;
};

struct EvalRow {
  std::string run_key, variant, suite, model, metric;
  int64_t seed = 0;
  double value = 0;
  std::optional<double> stderr_value;
  int64_t n = 0;
};

struct FitRecord {
  int64_t id = 0;
  std::string created_at, law, source, result_json;
  int64_t points = 0;
  double objective = 0;
};

class Store {
 public:
  // Opens or creates the file and migrates it to kSchemaVersion.
  explicit Store(const std::filesystem::path& path);
  ~Store();

  int schema_version();

  int64_t create_sweep(const std::string& name, const std::string& spec_file,
                       const std::string& spec_json);
  // Adds runs not yet known as "pending" and links every given run to the sweep.
  void add_run(int64_t sweep_id, const std::string& key, const std::string& method,
               const std::string& variant, int64_t seed, const std::string& config_json);
  std::string run_status(const std::string& key);
  void mark_running(const std::string& key, int64_t pid, int64_t threads);
  // All of a run's results in one transaction: either everything or nothing is stored.
  void record_success(const RunResult& result);
  void record_failure(const std::string& key, const std::string& reason, double wall_seconds);

  // Runs of the latest sweep named `sweep` (every run in the store when empty), in the
  // order they were first added. A sweep includes the runs it skipped as already done.
  std::vector<RunRecord> runs(const std::string& sweep = "");
  std::vector<EvalRow> evals(const std::string& sweep = "");
  std::vector<std::string> sweep_names();
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
