#include "harness/exec/base_model_pretraining.h"

#include <set>

#include "harness/common/files.h"
#include "harness/exec/attempt_reason.h"
#include "harness/exec/interrupt.h"
#include "harness/exec/run_dir.h"
#include "harness/train/base_model_source.h"
#include "harness/train/pretrain.h"

namespace tb {
namespace {

namespace fs = std::filesystem;

std::string task_id_of(const std::string& key) { return "pretrain " + key; }

}  // namespace

BaseModelPretraining::BaseModelPretraining(const std::vector<const RunConfig*>& pending, const fs::path& models_dir,
                                           Progress& progress)
    : progress_(progress) {
  std::set<std::string> seen;
  for (const RunConfig* run : pending) {
    const auto& base = run->config.at("base_model");
    const std::string key = base_model_key(base);
    if (!seen.insert(key).second) continue;
    const fs::path model = base_model_path(models_dir, base);
    fs::create_directories(model.parent_path());  // a checkpoint's holds its evaluation cache
    if (is_checkpoint_base(base)) continue;
    if (fs::exists(model)) {
      progress_.message("using cached base model " + key + " (" + model.parent_path().string() + ")");
      continue;
    }
    jobs_[task_id_of(key)] = Job{key, base, model.parent_path(), model, nullptr};
  }
}

std::vector<PoolTask> BaseModelPretraining::tasks(const fs::path& exe, int64_t threads,
                                                  const std::map<std::string, std::string>& env) const {
  std::vector<PoolTask> out;
  for (const auto& [id, job] : jobs_) {
    PoolTask task{{id, exe, {"worker", job.dir.string()}, run_files::log(job.dir), env, job.dir, threads}};
    task.limited = false;  // the spec's limits are per run
    task.env["OMP_NUM_THREADS"] = task.env["OPENBLAS_NUM_THREADS"] = task.env["MKL_NUM_THREADS"] = std::to_string(threads);
    out.push_back(std::move(task));
  }
  return out;
}

std::string BaseModelPretraining::task_of(const RunConfig& run) const {
  const std::string id = task_id_of(base_model_key(run.config.at("base_model")));
  return jobs_.count(id) ? id : "";
}

bool BaseModelPretraining::claim(const PoolTask& task, int64_t threads) {
  Job& job = jobs_.at(task.id);
  try {
    bool said = false;  // another coordinator on the same folder may be pretraining it: wait
    if (!job.lock)  // a further attempt keeps the lock of the first
      job.lock = std::make_unique<FileLock>(job.dir / "pretrain.lock", [&] {
      if (!said) progress_.message("waiting for another coordinator that is pretraining base model " + job.key);
      said = true;
      return interrupt_level() < 2;
    });
    if (job.lock->locked() && fs::exists(job.model)) return false;  // made meanwhile
    if (!job.lock->locked() || interrupt_requested()) {
      failures_[job.key] = "interrupted before its base model was pretrained";
      return false;
    }
    remove_temporary_files(job.dir);  // of a pretraining killed mid-write
    for (const fs::path& stale : {run_files::failure(job.dir), run_files::metrics(job.dir)}) fs::remove(stale);
    write_file_atomically(run_files::job(job.dir), nlohmann::json{{"kind", "pretrain"}, {"base_model", job.base_model},
                                                                  {"threads", threads}, {"output", job.model.string()}}
                                                       .dump(2));
    progress_.message("pretraining base model " + job.key + " (cached in " + job.dir.string() + ")");
    return true;
  } catch (const std::exception& e) {
    failures_[job.key] = std::string("base model pretraining failed: ") + e.what();
    progress_.message(failures_[job.key]);
    return false;
  }
}

std::string BaseModelPretraining::judge(const PoolTask& task, const Attempt& a) const {
  if (fs::exists(jobs_.at(task.id).model)) return "done";
  return a.outcome == "done" ? "crashed" : a.outcome;
}

void BaseModelPretraining::ended(const PoolTask& task, const Attempt& a, bool retry) {
  Job& job = jobs_.at(task.id);
  if (a.outcome == "done") {
    progress_.message("base model " + job.key + " pretrained in " + format_duration(a.seconds));
  } else {
    const std::string reason = a.detail.empty() ? failure_reason(job.dir, a.exit) : a.detail;
    if (retry) {
      progress_.message("pretraining of base model " + job.key + ": attempt " + std::to_string(a.number) + " " +
                        a.outcome + " (" + reason + "); trying again");
    } else {
      failures_[job.key] = "base model pretraining failed: " + reason;
      progress_.message(failures_[job.key]);
    }
  }
  if (!retry) job.lock.reset();
}

RunningView BaseModelPretraining::view(const PoolTask& task, double elapsed_seconds) const {
  const Job& job = jobs_.at(task.id);
  RunningView v{task.id, 0, job.base_model.at("pretraining").at("steps").get<int64_t>(), std::nullopt, elapsed_seconds};
  const auto j = nlohmann::json::parse(last_line(run_files::metrics(job.dir)), nullptr, false);
  if (j.is_object() && j.value("name", "") == "train_loss") {
    v.step = j.value("step", int64_t(0));
    v.loss = j.value("value", 0.0);
  }
  return v;
}

std::string BaseModelPretraining::failure_of(const RunConfig& run) const {
  const auto it = failures_.find(base_model_key(run.config.at("base_model")));
  return it == failures_.end() ? "" : it->second;
}

}  // namespace tb
