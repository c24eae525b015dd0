#include "harness/store/store.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "evaluators/metric_names.h"
#include "harness/common/check.h"
#include "harness/store/evaluation_rows.h"
#include "harness/store/migrations.h"
#include "harness/store/sqlite.h"

namespace tb {

Store::Store(const std::filesystem::path& path, StoreUse use) {
  require_store(path, use);
  db_ = std::make_unique<Database>(path, use == StoreUse::kRead && !store_writable(path));
  migrate();
}
Store::~Store() = default;

int Store::schema_version() {
  Statement s(db_->handle(), "PRAGMA user_version");
  s.step();
  return static_cast<int>(s.column_int(0));
}

namespace {
std::string newer_schema(int version, int latest) {
  return "the store has schema version " + std::to_string(version) +
         ", newer than this tunebench (" + std::to_string(latest) +
         "); use a newer tunebench or another --out folder";
}
}  // namespace

void Store::migrate() {
  const int latest = int(store_migrations().size());
  if (schema_version() == latest) return;  // readers need no write access
  if (db_->read_only()) {
    const int version = schema_version();
    throw UserError(version > latest
                        ? newer_schema(version, latest)
                        : "the store has schema version " + std::to_string(version) +
                              ", older than this tunebench's (" + std::to_string(latest) +
                              "), and is read-only here, so it cannot be upgraded; open "
                              "it once where it is writable");
  }
  Transaction tx(*db_);  // one writer migrates; others wait on the busy timeout
  const int version = schema_version();
  if (version > latest) throw std::runtime_error(newer_schema(version, latest));
  for (int v = version; v < latest; ++v) {
    db_->exec(store_migrations()[size_t(v)]);
    db_->exec("PRAGMA user_version = " + std::to_string(v + 1));
  }
  tx.commit();
}

int64_t Store::create_sweep(const std::string& name, const std::string& spec_file,
                            const std::string& spec_json) {
  Statement s(db_->handle(), "INSERT INTO sweeps (name, spec_file, spec_json) VALUES (?, ?, ?)");
  s.bind(1, name).bind(2, spec_file).bind(3, spec_json).run();
  return db_->last_insert_rowid();
}

void Store::add_run(int64_t sweep_id, const std::string& key, const std::string& method,
                    const std::string& variant, int64_t seed, const std::string& config_json,
                    const std::vector<std::string>& parents) {
  Transaction tx(*db_);
  Statement insert(db_->handle(),
                   "INSERT OR IGNORE INTO runs (key, method, variant, seed, config_json, status) "
                   "VALUES (?, ?, ?, ?, ?, 'pending')");
  insert.bind(1, key).bind(2, method).bind(3, variant).bind(4, seed).bind(5, config_json).run();
  // The label is the sweep's: a run another sweep ran first keeps its key, not that label.
  Statement link(db_->handle(),
                 "INSERT INTO sweep_runs (sweep_id, run_key, label) VALUES (?, ?, ?) "
                 "ON CONFLICT (sweep_id, run_key) DO UPDATE SET label = excluded.label");
  link.bind(1, sweep_id).bind(2, key).bind(3, variant).run();
  const auto config = nlohmann::json::parse(config_json);
  Statement param(db_->handle(),
                  "INSERT OR IGNORE INTO params (run_key, name, value_json) VALUES (?, ?, ?)");
  for (const char* section : {"method", "training"}) {
    if (!config.contains(section)) continue;  // post-hoc runs train nothing
    for (const auto& [name, value] : config.at(section).items()) {
      param.bind(1, key).bind(2, std::string(section) + "." + name).bind(3, value.dump()).run();
    }
  }
  param.bind(1, key).bind(2, std::string("seed")).bind(3, config.at("seed").dump()).run();
  Statement parent(db_->handle(),
                   "INSERT OR IGNORE INTO run_parents (run_key, position, parent_key) VALUES (?, ?, ?)");
  for (size_t i = 0; i < parents.size(); ++i) parent.bind(1, key).bind(2, int64_t(i)).bind(3, parents[i]).run();
  tx.commit();
}

std::vector<std::string> Store::parents(const std::string& run_key) {
  Statement s(db_->handle(), "SELECT parent_key FROM run_parents WHERE run_key = ? ORDER BY position");
  s.bind(1, run_key);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.column_text(0));
  return out;
}

std::string Store::run_status(const std::string& key) {
  Statement s(db_->handle(), "SELECT status FROM runs WHERE key = ?");
  s.bind(1, key);
  return s.step() ? s.column_text(0) : "";
}

namespace {
const char* kNow = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
}  // namespace

bool Store::claim_run(const std::string& key, const std::string& owner, int64_t total_steps) {
  Transaction tx(*db_);
  Statement claim(db_->handle(),
                  std::string("UPDATE runs SET status = 'running', attempts = attempts + 1, owner = ?, "
                              "heartbeat_at = ") + kNow + ", started_at = " + kNow +
                      ", finished_at = NULL, pid = NULL, job = NULL, job_state = NULL, progress_step = 0, progress_steps = ?, "
                      "progress_loss = NULL WHERE key = ? AND status IN ('pending', 'failed')");
  claim.bind(1, owner).bind(2, total_steps).bind(3, key).run();
  if (sqlite3_changes(db_->handle()) != 1) return false;
  Statement attempt(db_->handle(),
                    std::string("INSERT OR REPLACE INTO attempts (run_key, attempt, owner, started_at) "
                                "SELECT key, attempts, owner, ") + kNow + " FROM runs WHERE key = ?");
  attempt.bind(1, key).run();
  tx.commit();
  return true;
}

void Store::set_job(const std::string& key, const std::string& job, int64_t threads) {
  Transaction tx(*db_);
  Statement run(db_->handle(), "UPDATE runs SET job = ?, job_state = 'queued', threads = ? WHERE key = ?");
  run.bind(1, job).bind(2, threads).bind(3, key).run();
  Statement attempt(db_->handle(),
                    "UPDATE attempts SET job = ? WHERE run_key = ? AND attempt = "
                    "(SELECT attempts FROM runs WHERE key = ?)");
  attempt.bind(1, job).bind(2, key).bind(3, key).run();
  tx.commit();
}

void Store::set_job_running(const std::string& key) {
  Transaction tx(*db_);
  Statement run(db_->handle(), "UPDATE runs SET job_state = 'running' WHERE key = ? AND status = 'running'");
  run.bind(1, key).run();
  Statement attempt(db_->handle(),
                    std::string("UPDATE attempts SET running_at = COALESCE(running_at, ") + kNow +
                        ") WHERE run_key = ? AND attempt = (SELECT attempts FROM runs WHERE key = ?)");
  attempt.bind(1, key).bind(2, key).run();
  tx.commit();
}

std::vector<RunningJob> Store::running_jobs() {
  Statement s(db_->handle(),
              "SELECT key, COALESCE(owner, ''), COALESCE(job, ''), "
              "(julianday('now') - julianday(COALESCE(heartbeat_at, started_at, '1970-01-01'))) * 86400, attempts "
              "FROM runs WHERE status = 'running' ORDER BY rowid");
  std::vector<RunningJob> out;
  while (s.step()) out.push_back({s.column_text(0), s.column_text(1), s.column_text(2), s.column_double(3), s.column_int(4)});
  return out;
}

bool Store::adopt_run(const std::string& key, const std::string& owner) {
  Transaction tx(*db_);
  Statement run(db_->handle(), std::string("UPDATE runs SET owner = ?, heartbeat_at = ") + kNow +
                                   " WHERE key = ? AND status = 'running'");
  run.bind(1, owner).bind(2, key).run();
  if (sqlite3_changes(db_->handle()) != 1) return false;
  Statement attempt(db_->handle(),
                    "UPDATE attempts SET owner = ? WHERE run_key = ? AND attempt = (SELECT attempts FROM runs WHERE key = ?)");
  attempt.bind(1, owner).bind(2, key).bind(3, key).run();
  tx.commit();
  return true;
}

void Store::heartbeat(const std::string& owner, const std::vector<RunProgress>& running) {
  Transaction tx(*db_);
  Statement beat(db_->handle(), std::string("UPDATE runs SET heartbeat_at = ") + kNow +
                                    ", progress_step = ?, progress_loss = ? "
                                    "WHERE key = ? AND owner = ? AND status = 'running'");
  for (const auto& r : running) beat.bind(1, r.step).bind(2, r.loss).bind(3, r.key).bind(4, owner).run();
  tx.commit();
}

std::vector<std::string> Store::release_stale_runs(
    const std::function<bool(const std::string& key, const std::string& owner, double heartbeat_age)>& gone,
    const std::function<std::string(const std::string& key)>& known_reason) {
  Transaction tx(*db_);
  Statement running(db_->handle(),
                    "SELECT key, COALESCE(owner, ''), "
                    "(julianday('now') - julianday(COALESCE(heartbeat_at, started_at, '1970-01-01'))) * 86400 "
                    "FROM runs WHERE status = 'running'");
  std::vector<std::pair<std::string, double>> stale;
  while (running.step()) {
    if (gone(running.column_text(0), running.column_text(1), running.column_double(2)))
      stale.emplace_back(running.column_text(0), running.column_double(2));
  }
  running.reset();
  std::vector<std::string> keys;
  for (const auto& [key, age] : stale) {
    const std::string known = known_reason ? known_reason(key) : "";
    end_attempt(key, {"stale",
                      known.empty() ? "its coordinator stopped without a word (no heartbeat for " +
                                          std::to_string(int64_t(age)) + " s); the worker died with it"
                                    : "its coordinator could not record how the attempt ended: " + known,
                      0, 0, false});
    keys.push_back(key);
  }
  tx.commit();
  return keys;
}

void Store::record_success(const RunResult& r) {
  Transaction tx(*db_);
  for (const char* table : {"metrics", "evals", "eval_items", "spectra", "stage_evals", "stage_eval_items",
                            "step_evals", "step_eval_items"}) {  // a re-ingested result replaces, never doubles
    Statement del(db_->handle(), std::string("DELETE FROM ") + table + " WHERE run_key = ?");
    del.bind(1, r.run_key).run();
  }
  Statement run(
      db_->handle(),
      "UPDATE runs SET status = 'done', finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), "
      "wall_seconds = ?, train_seconds = ?, failure_reason = NULL, failure_kind = NULL, "
      "owner = NULL, git_commit = ?, torch_version = "
      "?, "
      "device = ?, threads = ?, trainable_params = ?, total_params = ?, optimizer_state_bytes = ?, "
      "pid = NULL, job_state = NULL, peak_rss_bytes = ? WHERE key = ?");
  run.bind(1, r.wall_seconds)
      .bind(2, r.train_seconds)
      .bind(3, r.environment.git_commit)
      .bind(4, r.environment.torch_version)
      .bind(5, r.environment.device)
      .bind(6, r.environment.threads)
      .bind(7, r.trainable_params)
      .bind(8, r.total_params)
      .bind(9, r.optimizer_state_bytes)
      .bind(10, r.peak_rss_bytes)
      .bind(11, r.run_key)
      .run();
  Statement metric(db_->handle(),
                   "INSERT INTO metrics (run_key, name, step, value) VALUES (?, ?, ?, ?)");
  for (const auto& m : r.metrics)
    metric.bind(1, r.run_key).bind(2, m.name).bind(3, m.step).bind(4, m.value).run();
  Statement eval(
      db_->handle(),
      "INSERT INTO evals (run_key, suite, model, metric, value, stderr, n, ci_low, ci_high) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& e : r.evals) {
    eval.bind(1, r.run_key)
        .bind(2, e.suite)
        .bind(3, e.model)
        .bind(4, e.metric)
        .bind(5, e.value)
        .bind(6, e.stderr_value)
        .bind(7, e.n)
        .bind(8, e.ci_low)
        .bind(9, e.ci_high)
        .run();
  }
  Statement item(
      db_->handle(),
      "INSERT INTO eval_items (run_key, suite, model, item_id, score, logprob, meta_json) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (const auto& i : r.items) {
    item.bind(1, r.run_key)
        .bind(2, i.suite)
        .bind(3, i.model)
        .bind(4, i.item_id)
        .bind(5, i.score)
        .bind(6, i.logprob)
        .bind(7, i.meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        .run();
  }
  Statement spectrum(db_->handle(),
                     "INSERT INTO spectra (run_key, matrix, metric, value) VALUES (?, ?, ?, ?)");
  for (const auto& v : r.spectra)
    spectrum.bind(1, r.run_key).bind(2, v.matrix).bind(3, v.metric).bind(4, v.value).run();
  insert_stage_evals(db_->handle(), r);
  insert_step_evals(db_->handle(), r);
  // The open attempt, or one judged stale because its coordinator vanished after the
  // worker had written this result: that attempt did finish.
  Statement attempt(db_->handle(),
                    std::string("UPDATE attempts SET outcome = 'done', reason = NULL, finished_at = ") + kNow +
                        ", wall_seconds = ?1, peak_rss_bytes = ?3 WHERE run_key = ?2 AND attempt = (SELECT MAX(attempt) FROM "
                        "attempts WHERE run_key = ?2) AND (finished_at IS NULL OR outcome = 'stale')");
  attempt.bind(1, r.wall_seconds).bind(2, r.run_key).bind(3, r.peak_rss_bytes).run();
  tx.commit();
}

void Store::end_attempt(const std::string& key, const AttemptEnd& end) {
  // Joins the caller's transaction when there is one (release_stale_runs).
  std::optional<Transaction> tx;
  if (sqlite3_get_autocommit(db_->handle())) tx.emplace(*db_);
  Statement run(db_->handle(),
                std::string("UPDATE runs SET status = ?, failure_kind = ?, failure_reason = ?, "
                            "wall_seconds = ?, pid = NULL, owner = NULL, job_state = NULL, finished_at = ") +
                    kNow + " WHERE key = ?");
  run.bind(1, std::string(end.final ? "failed" : "pending"))
      .bind(2, end.outcome)
      .bind(3, end.reason)
      .bind(4, end.wall_seconds)
      .bind(5, key)
      .run();
  Statement attempt(db_->handle(),
                    std::string("UPDATE attempts SET outcome = ?, reason = ?, wall_seconds = ?, "
                                "peak_rss_bytes = ?, finished_at = ") +
                        kNow + " WHERE run_key = ? AND finished_at IS NULL");
  attempt.bind(1, end.outcome)
      .bind(2, end.reason)
      .bind(3, end.wall_seconds)
      .bind(4, end.peak_rss_bytes)
      .bind(5, key)
      .run();
  if (tx) tx->commit();
}

void Store::record_failure(const std::string& key, const std::string& reason, double wall_seconds,
                           const std::string& kind) {
  end_attempt(key, {kind, reason, wall_seconds, 0, true});
}

std::vector<AttemptRecord> Store::attempts(const std::string& run_key) {
  Statement s(db_->handle(),
              "SELECT run_key, attempt, COALESCE(owner, ''), COALESCE(pid, 0), started_at, "
              "COALESCE(finished_at, ''), COALESCE(outcome, ''), COALESCE(reason, ''), wall_seconds, "
              "COALESCE(peak_rss_bytes, 0), COALESCE(job, ''), "
              "(julianday(running_at) - julianday(started_at)) * 86400 "
              "FROM attempts WHERE run_key = ? ORDER BY attempt");
  s.bind(1, run_key);
  std::vector<AttemptRecord> out;
  while (s.step()) {
    AttemptRecord a;
    a.run_key = s.column_text(0);
    a.attempt = s.column_int(1);
    a.owner = s.column_text(2);
    a.pid = s.column_int(3);
    a.started_at = s.column_text(4);
    a.finished_at = s.column_text(5);
    a.outcome = s.column_text(6);
    a.reason = s.column_text(7);
    if (!s.column_is_null(8)) a.wall_seconds = s.column_double(8);
    a.job = s.column_text(10);
    if (!s.column_is_null(11)) a.queue_seconds = s.column_double(11);
    a.peak_rss_bytes = s.column_int(9);
    out.push_back(std::move(a));
  }
  return out;
}

Store::ReadSnapshot::ReadSnapshot(Database& db) : db_(db) {
  nested_ = !sqlite3_get_autocommit(db_.handle());  // inside an outer snapshot: share it
  if (nested_) return;
  db_.exec("BEGIN");
  // A deferred transaction takes its snapshot at the first read: take it now.
  Statement first(db_.handle(), "SELECT count(*) FROM sqlite_master");
  first.step();
}
Store::ReadSnapshot::~ReadSnapshot() {
  if (nested_) return;
  try {
    db_.exec("COMMIT");
  } catch (...) {
  }
}

namespace {
// ?1: the sweep name ("" = every run); ?2: a JSON array of method names or variant labels
// ("[]" = every method). Joins `sl`, the run's link to that sweep, for kLabel.
const char* kRunFilter =
    " LEFT JOIN sweep_runs sl ON sl.run_key = r.key AND sl.sweep_id = (SELECT MAX(id) FROM sweeps WHERE name = ?1)"
    " WHERE (?1 = '' OR sl.run_key IS NOT NULL) "
    "AND (?2 = '[]' OR r.method IN (SELECT value FROM json_each(?2)) "
    "OR COALESCE(sl.label, r.variant) IN (SELECT value FROM json_each(?2)))";

// A run's variant label: the one the filter's sweep gave it, else the one it was first run under.
const std::string kLabel = "COALESCE(sl.label, r.variant)";

void bind_filter(Statement& s, const RunFilter& f) {
  s.bind(1, f.sweep).bind(2, nlohmann::json(f.methods).dump());
  if (f.step && s.parameter_count() >= 4) s.bind(4, *f.step);  // queries of evaluations only
}

// The filter's evaluations `table` as `alias`, joined with their run `r`: the final ones, or
// those taken during training after filter.step steps (?4).
std::string evaluations_joined(const RunFilter& f, const std::string& table, const std::string& alias) {
  return (f.step ? "step_" + table : table) + " " + alias + " JOIN runs r ON r.key = " + alias + ".run_key" +
         (f.step ? " AND " + alias + ".step = ?4" : "");
}
}  // namespace

std::vector<RunRecord> Store::runs(const std::string& sweep) { return runs(RunFilter{sweep, {}}); }
std::vector<EvalRow> Store::evals(const std::string& sweep) { return evals(RunFilter{sweep, {}}); }

std::vector<RunRecord> Store::runs(const RunFilter& filter) {
  Statement s(
      db_->handle(),
      "SELECT r.key, r.method, " + kLabel + ", r.config_json, r.status, r.seed, r.attempts, " + std::string(
                  "r.wall_seconds, r.failure_reason, r.finished_at, r.trainable_params, "
                  "r.optimizer_state_bytes, COALESCE(r.failure_kind, ''), COALESCE(r.started_at, ''), "
                  "COALESCE(r.owner, ''), (julianday('now') - julianday(r.heartbeat_at)) * 86400, "
                  "COALESCE(r.pid, 0), COALESCE(r.progress_step, 0), COALESCE(r.progress_steps, 0), "
                  "r.progress_loss, (julianday('now') - julianday(r.started_at)) * 86400, "
                  "COALESCE(r.peak_rss_bytes, 0), COALESCE(r.job, ''), COALESCE(r.job_state, ''), "
                  "(julianday(COALESCE((SELECT a.running_at FROM attempts a WHERE a.run_key = r.key AND "
                  "a.attempt = r.attempts), 'now')) - julianday(r.started_at)) * 86400 FROM runs r") +
          kRunFilter + " ORDER BY r.rowid");
  bind_filter(s, filter);
  std::vector<RunRecord> out;
  while (s.step()) {
    RunRecord r;
    r.key = s.column_text(0);
    r.method = s.column_text(1);
    r.variant = s.column_text(2);
    r.config_json = s.column_text(3);
    r.status = s.column_text(4);
    r.seed = s.column_int(5);
    r.attempts = s.column_int(6);
    if (!s.column_is_null(7)) r.wall_seconds = s.column_double(7);
    r.failure_reason = s.column_text(8);
    r.finished_at = s.column_text(9);
    r.trainable_params = s.column_int(10);
    r.optimizer_state_bytes = s.column_int(11);
    r.failure_kind = s.column_text(12);
    r.started_at = s.column_text(13);
    r.owner = s.column_text(14);
    if (!s.column_is_null(15)) r.heartbeat_age = s.column_double(15);
    r.pid = s.column_int(16);
    r.progress_step = s.column_int(17);
    r.progress_steps = s.column_int(18);
    if (!s.column_is_null(19)) r.progress_loss = s.column_double(19);
    if (!s.column_is_null(20)) r.running_seconds = s.column_double(20);
    r.peak_rss_bytes = s.column_int(21);
    r.job = s.column_text(22);
    r.job_state = s.column_text(23);
    if (!s.column_is_null(24) && r.status == "running") r.queue_seconds = s.column_double(24);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<EvalRow> Store::evals(const RunFilter& filter) {
  Statement s(
      db_->handle(),
      std::string(
          "SELECT e.run_key, " + kLabel + ", r.seed, e.suite, e.model, e.metric, e.value, e.stderr, e.n "
          "FROM " + evaluations_joined(filter, "evals", "e")) +
          kRunFilter + " AND r.status = 'done' ORDER BY r.rowid, e.suite, e.model, e.metric");
  bind_filter(s, filter);
  std::vector<EvalRow> out;
  while (s.step()) {
    EvalRow e;
    e.run_key = s.column_text(0);
    e.variant = s.column_text(1);
    e.seed = s.column_int(2);
    e.suite = s.column_text(3);
    e.model = s.column_text(4);
    e.metric = s.column_text(5);
    e.value = s.column_double(6);
    if (!s.column_is_null(7)) e.stderr_value = s.column_double(7);
    e.n = s.column_int(8);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<int64_t> Store::evaluation_steps(const RunFilter& filter) {
  Statement s(db_->handle(), std::string("SELECT DISTINCT e.step FROM step_evals e JOIN runs r ON r.key = e.run_key") +
                                 kRunFilter + " AND r.status = 'done' ORDER BY e.step");
  bind_filter(s, RunFilter{filter.sweep, filter.methods});
  std::vector<int64_t> out;
  while (s.step()) out.push_back(s.column_int(0));
  return out;
}

std::vector<StageEvalRow> Store::stage_evals(const RunFilter& filter) {
  Statement s(db_->handle(),
              std::string("SELECT e.run_key, " + kLabel +
                          ", r.seed, e.stage, e.task, e.suite, e.model, e.metric, e.value, e.stderr, e.n "
                          "FROM stage_evals e JOIN runs r ON r.key = e.run_key") +
                  kRunFilter + " AND r.status = 'done' ORDER BY r.rowid, e.stage, e.task, e.suite, e.model, e.metric");
  bind_filter(s, filter);
  std::vector<StageEvalRow> out;
  while (s.step()) {
    StageEvalRow e;
    e.stage = s.column_int(3);
    e.task = s.column_int(4);
    e.eval = {s.column_text(0), s.column_text(1), s.column_text(5), s.column_text(6), s.column_text(7),
              s.column_int(2), s.column_double(8), std::nullopt, s.column_int(10)};
    if (!s.column_is_null(9)) e.eval.stderr_value = s.column_double(9);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<SpectrumValue> Store::spectra(const std::string& run_key) {
  Statement s(db_->handle(),
              "SELECT matrix, metric, value FROM spectra WHERE run_key = ? ORDER BY rowid");
  s.bind(1, run_key);
  std::vector<SpectrumValue> out;
  while (s.step()) out.push_back({s.column_text(0), s.column_text(1), s.column_double(2)});
  return out;
}

std::vector<std::pair<std::string, std::string>> Store::params(const std::string& run_key) {
  Statement s(db_->handle(), "SELECT name, value_json FROM params WHERE run_key = ? ORDER BY name");
  s.bind(1, run_key);
  std::vector<std::pair<std::string, std::string>> out;
  while (s.step()) out.emplace_back(s.column_text(0), s.column_text(1));
  return out;
}

std::optional<double> Store::final_metric(const std::string& run_key, const std::string& name) {
  Statement s(
      db_->handle(),
      "SELECT value FROM metrics WHERE run_key = ? AND name = ? ORDER BY step DESC LIMIT 1");
  s.bind(1, run_key).bind(2, name);
  if (!s.step()) return std::nullopt;
  return s.column_double(0);
}

int64_t Store::record_fit(const std::string& law, const std::string& source, int64_t points,
                          double objective, const std::string& result_json) {
  Statement s(
      db_->handle(),
      "INSERT INTO fits (law, source, points, objective, result_json) VALUES (?, ?, ?, ?, ?)");
  s.bind(1, law).bind(2, source).bind(3, points).bind(4, objective).bind(5, result_json).run();
  return db_->last_insert_rowid();
}

std::vector<FitRecord> Store::fits() {
  Statement s(
      db_->handle(),
      "SELECT id, created_at, law, source, points, objective, result_json FROM fits ORDER BY id");
  std::vector<FitRecord> out;
  while (s.step()) {
    FitRecord f;
    f.id = s.column_int(0);
    f.created_at = s.column_text(1);
    f.law = s.column_text(2);
    f.source = s.column_text(3);
    f.points = s.column_int(4);
    f.objective = s.column_double(5);
    f.result_json = s.column_text(6);
    out.push_back(std::move(f));
  }
  return out;
}

std::string Store::latest_sweep() {
  Statement s(db_->handle(), "SELECT name FROM sweeps ORDER BY id DESC LIMIT 1");
  return s.step() ? s.column_text(0) : "";
}

std::vector<std::string> Store::sweep_names() {
  Statement s(db_->handle(), "SELECT name FROM sweeps GROUP BY name ORDER BY MIN(id)");
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.column_text(0));
  return out;
}

}  // namespace tb

namespace tb {

std::string Store::resolve_sweep(const std::string& requested) {
  const auto names = sweep_names();
  if (names.empty()) throw UserError("the store has no sweeps yet; run `tunebench run SPEC` first");
  if (requested.empty()) return latest_sweep();
  if (std::find(names.begin(), names.end(), requested) != names.end()) return requested;
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
  throw UserError("no sweep named \"" + requested + "\" in the store; known sweeps: " + known);
}

std::vector<ItemScore> Store::items(const RunFilter& filter, const std::string& model) {
  Statement s(db_->handle(),
              std::string("SELECT i.run_key, ") + kLabel + ", r.seed, i.suite, i.item_id, i.score, i.logprob "
                          "FROM " + evaluations_joined(filter, "eval_items", "i") +
                  kRunFilter + " AND r.status = 'done' AND i.model = ?3 ORDER BY r.rowid, i.rowid");
  bind_filter(s, filter);
  s.bind(3, model);
  std::vector<ItemScore> out;
  while (s.step()) {
    ItemScore i;
    i.run_key = s.column_text(0);
    i.variant = s.column_text(1);
    i.seed = s.column_int(2);
    i.suite = s.column_text(3);
    i.item_id = s.column_text(4);
    i.score = s.column_double(5);
    if (!s.column_is_null(6)) i.logprob = s.column_double(6);
    out.push_back(std::move(i));
  }
  return out;
}

std::vector<StepValue> Store::step_values(const RunFilter& filter, const std::string& name) {
  Statement s(db_->handle(),
              std::string("SELECT m.run_key, ") + kLabel + ", r.seed, m.step, m.value "
                          "FROM metrics m JOIN runs r ON r.key = m.run_key" +
                  kRunFilter + " AND r.status = 'done' AND m.name = ?3 ORDER BY r.rowid, m.step");
  bind_filter(s, filter);
  s.bind(3, name);
  std::vector<StepValue> out;
  while (s.step()) {
    out.push_back({s.column_text(0), s.column_text(1), s.column_int(2), s.column_int(3), s.column_double(4)});
  }
  return out;
}

std::vector<RunSpectrumValue> Store::run_spectra(const RunFilter& filter) {
  Statement s(db_->handle(),
              std::string("SELECT p.run_key, ") + kLabel + ", p.matrix, p.metric, p.value "
                          "FROM spectra p JOIN runs r ON r.key = p.run_key" +
                  kRunFilter + " AND r.status = 'done' ORDER BY r.rowid, p.rowid");
  bind_filter(s, filter);
  std::vector<RunSpectrumValue> out;
  while (s.step()) {
    out.push_back({s.column_text(0), s.column_text(1), s.column_text(2), s.column_text(3), s.column_double(4)});
  }
  return out;
}

namespace {

// The SELECT of each exportable table; `r` is the run. Only these fixed texts reach SQL.
std::string export_select(const std::string& table) {
  const std::string run = "r.key AS run_key, r.method, " + kLabel + " AS variant, r.seed";
  if (table == "runs") {
    return "SELECT " + run +
           ", r.status, r.attempts, r.failure_kind, r.failure_reason, r.started_at, r.finished_at, "
           "r.wall_seconds, r.train_seconds, r.trainable_params, r.total_params, r.optimizer_state_bytes, "
           "r.peak_rss_bytes, r.git_commit, r.torch_version, r.device, r.threads, r.config_json FROM runs r";
  }
  if (table == "params")
    return "SELECT " + run + ", t.name, t.value_json FROM params t JOIN runs r ON r.key = t.run_key";
  if (table == "evals") {
    return "SELECT " + run +
           ", t.suite, t.model, t.metric, t.value, t.stderr, t.n, t.ci_low, t.ci_high "
           "FROM evals t JOIN runs r ON r.key = t.run_key";
  }
  if (table == "items") {  // the metric column is filled in by export_table
    return "SELECT " + run +
           ", t.suite, t.model, t.item_id, NULL AS metric, t.score, t.logprob, "
           "json_extract(t.meta_json, '$.gold') AS gold, json_extract(t.meta_json, '$.output') AS output, "
           "t.meta_json FROM eval_items t JOIN runs r ON r.key = t.run_key";
  }
  if (table == "metrics")
    return "SELECT " + run + ", t.name, t.step, t.value FROM metrics t JOIN runs r ON r.key = t.run_key";
  if (table == "step_evals")
    return "SELECT " + run + ", t.step, t.suite, t.model, t.metric, t.value, t.stderr, t.n, t.ci_low, t.ci_high "
           "FROM step_evals t JOIN runs r ON r.key = t.run_key";
  if (table == "spectra")
    return "SELECT " + run + ", t.matrix, t.metric, t.value FROM spectra t JOIN runs r ON r.key = t.run_key";
  if (table == "attempts") {
    return "SELECT " + run +
           ", t.attempt, t.owner, t.pid, t.job, t.started_at, t.running_at, t.finished_at, t.outcome, t.reason, "
           "t.wall_seconds, t.peak_rss_bytes FROM attempts t JOIN runs r ON r.key = t.run_key";
  }
  throw std::invalid_argument("no exportable table named " + table);
}

// Fills the items table's "metric" column: the metric each item's score counts towards.
void name_item_metrics(StoredTable& items) {
  const auto column = [&](const std::string& name) {
    return size_t(std::find(items.columns.begin(), items.columns.end(), name) - items.columns.begin());
  };
  const size_t suite = column("suite"), item_id = column("item_id"), metric = column("metric");
  for (auto& row : items.rows) {
    row[metric] = item_metric(std::get<std::string>(row[suite]), std::get<std::string>(row[item_id]));
  }
}

}  // namespace

StoredTable Store::export_table(const std::string& table, const RunFilter& filter) {
  const bool every_status = table == "runs" || table == "attempts";
  Statement s(db_->handle(), export_select(table) + kRunFilter +
                                 (every_status ? "" : " AND r.status = 'done'") +
                                 (table == "runs" ? " ORDER BY r.rowid" : " ORDER BY r.rowid, t.rowid"));
  bind_filter(s, filter);
  StoredTable out;
  for (int c = 0; c < s.column_count(); ++c) out.columns.push_back(s.column_name(c));
  while (s.step()) {
    std::vector<StoredCell> row;
    for (int c = 0; c < s.column_count(); ++c) {
      switch (s.column_type(c)) {
        case SQLITE_NULL: row.emplace_back(std::monostate{}); break;
        case SQLITE_INTEGER: row.emplace_back(s.column_int(c)); break;
        case SQLITE_FLOAT: row.emplace_back(s.column_double(c)); break;
        default: row.emplace_back(s.column_text(c));
      }
    }
    out.rows.push_back(std::move(row));
  }
  if (table == "items") name_item_metrics(out);
  return out;
}

}  // namespace tb
