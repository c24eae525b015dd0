// Pretraining of the synthetic base models a sweep's runs need, as jobs of the sweep's own
// pool (one per base model not cached yet; the runs on it come `after` it), so that they
// run wherever the runs run: child processes or Slurm jobs. A base model another
// coordinator is pretraining is waited for (a lock in its folder), then used.
#pragma once
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/common/file_lock.h"
#include "harness/exec/pool.h"
#include "harness/exec/progress.h"
#include "harness/spec/grid.h"

namespace tb {

class BaseModelPretraining {
 public:
  // Creates the models' folders; `pending` are the runs this sweep will run.
  BaseModelPretraining(const std::vector<const RunConfig*>& pending, const std::filesystem::path& models_dir,
                       Progress& progress);

  // Pool tasks for the base models to pretrain, each with `threads` threads.
  std::vector<PoolTask> tasks(const std::filesystem::path& exe, int64_t threads,
                              const std::map<std::string, std::string>& env) const;
  // The pool task a run waits for ("" when its base model is cached or a checkpoint).
  std::string task_of(const RunConfig& run) const;
  bool owns(const std::string& task_id) const { return jobs_.count(task_id) > 0; }

  // Pool hooks for its own tasks.
  bool claim(const PoolTask& task, int64_t threads);
  std::string judge(const PoolTask& task, const Attempt& a) const;
  void ended(const PoolTask& task, const Attempt& a, bool retry);
  RunningView view(const PoolTask& task, double elapsed_seconds) const;

  // Why the base model of `run` could not be pretrained ("" if it is there or coming).
  std::string failure_of(const RunConfig& run) const;

 private:
  struct Job {
    std::string key;
    nlohmann::json base_model;
    std::filesystem::path dir, model;
    std::unique_ptr<FileLock> lock;  // held from claim to end
  };
  std::map<std::string, Job> jobs_;              // by task id
  std::map<std::string, std::string> failures_;  // by base-model key
  Progress& progress_;
};

}  // namespace tb
