#include "harness/store/migrations.h"

namespace tb {

const std::vector<std::string>& store_migrations() {
  static const std::vector<std::string> migrations = {
      // 0 -> 1: the initial schema.
      R"sql(
CREATE TABLE sweeps (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  spec_file TEXT NOT NULL,
  spec_json TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE runs (
  key TEXT PRIMARY KEY,
  method TEXT NOT NULL,
  variant TEXT NOT NULL,
  seed INTEGER NOT NULL,
  config_json TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  pid INTEGER,
  started_at TEXT,
  finished_at TEXT,
  wall_seconds REAL,
  train_seconds REAL,
  failure_reason TEXT,
  git_commit TEXT,
  torch_version TEXT,
  device TEXT,
  threads INTEGER,
  trainable_params INTEGER,
  total_params INTEGER,
  optimizer_state_bytes INTEGER
);
CREATE TABLE sweep_runs (
  sweep_id INTEGER NOT NULL REFERENCES sweeps(id),
  run_key TEXT NOT NULL REFERENCES runs(key),
  PRIMARY KEY (sweep_id, run_key)
);
CREATE TABLE params (
  run_key TEXT NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value_json TEXT NOT NULL,
  PRIMARY KEY (run_key, name)
);
CREATE TABLE metrics (
  run_key TEXT NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
  name TEXT NOT NULL,
  step INTEGER NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (run_key, name, step)
);
CREATE TABLE evals (
  run_key TEXT NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
  suite TEXT NOT NULL,
  model TEXT NOT NULL,
  metric TEXT NOT NULL,
  value REAL NOT NULL,
  stderr REAL,
  n INTEGER NOT NULL,
  ci_low REAL,
  ci_high REAL,
  PRIMARY KEY (run_key, suite, model, metric)
);
CREATE TABLE eval_items (
  run_key TEXT NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
  suite TEXT NOT NULL,
  model TEXT NOT NULL,
  item_id TEXT NOT NULL,
  score REAL NOT NULL,
  logprob REAL,
  meta_json TEXT NOT NULL,
  PRIMARY KEY (run_key, suite, model, item_id)
);
CREATE INDEX runs_status ON runs(status);
)sql",
      // 2: spectral metrics per run and weight matrix; recorded scaling-law fits.
      R"sql(
CREATE TABLE spectra (
  run_key TEXT NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
  matrix TEXT NOT NULL,
  metric TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (run_key, matrix, metric)
);
CREATE TABLE fits (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  law TEXT NOT NULL,
  source TEXT NOT NULL,
  points INTEGER NOT NULL,
  objective REAL NOT NULL,
  result_json TEXT NOT NULL
);
)sql",
      // 3: the executor. Who runs a run (`owner`: the coordinator's host, boot and process),
      // its heartbeat and progress, why it last failed (`failure_kind`), and every attempt.
      R"sql(
ALTER TABLE runs ADD COLUMN failure_kind TEXT;
ALTER TABLE runs ADD COLUMN owner TEXT;
ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
ALTER TABLE runs ADD COLUMN progress_step INTEGER;
ALTER TABLE runs ADD COLUMN progress_steps INTEGER;
ALTER TABLE runs ADD COLUMN progress_loss REAL;
CREATE TABLE attempts (
  run_key TEXT NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  owner TEXT,
  pid INTEGER,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT,
  reason TEXT,
  wall_seconds REAL,
  peak_rss_bytes INTEGER,
  PRIMARY KEY (run_key, attempt)
);
)sql",
      // 4: post-hoc runs (LiNeS, soups, task arithmetic) and the runs they combine.
      R"sql(
CREATE TABLE run_parents (
  run_key TEXT NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  parent_key TEXT NOT NULL REFERENCES runs(key),
  PRIMARY KEY (run_key, position)
);
CREATE INDEX run_parents_parent ON run_parents(parent_key);
)sql",
      // 5: the peak resident memory a worker measured for its run.
      R"sql(
ALTER TABLE runs ADD COLUMN peak_rss_bytes INTEGER;
)sql",
      // 6: each sweep's own label for a run's variant (a run reused by a later sweep shows
      // that sweep's label); older links fall back to runs.variant.
      R"sql(
ALTER TABLE sweep_runs ADD COLUMN label TEXT;
)sql",
      // 7: metric names in one style, snake_case: "passkey accuracy@length=64" becomes
      // "passkey_accuracy@length=64", "control retention" "control_retention". Slices
      // ("@length=64,depth=0.5") hold no spaces, so every space was a word break.
      R"sql(
UPDATE evals SET metric = replace(metric, ' ', '_') WHERE instr(metric, ' ') > 0;
)sql",
      // 8: launchers. The job that runs an attempt, as its launcher names it ("local:<pid>",
      // "slurm:<job id>"), when it began to run (after its wait in a scheduler's queue), and
      // the state of a running run's job (queued, running).
      R"sql(
ALTER TABLE runs ADD COLUMN job TEXT;
ALTER TABLE runs ADD COLUMN job_state TEXT;
ALTER TABLE attempts ADD COLUMN job TEXT;
ALTER TABLE attempts ADD COLUMN running_at TEXT;
)sql",
      // 9: continual runs. Evaluations taken after each training stage: `stage` (0-based),
      // `task` the stage whose held-out items were scored (R[stage][task]), -1 for a suite
      // not tied to a stage's task. `evals` keeps the final evaluation, as for every run.
      R"sql(
CREATE TABLE stage_evals (
  run_key TEXT NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
  stage INTEGER NOT NULL,
  task INTEGER NOT NULL,
  suite TEXT NOT NULL,
  model TEXT NOT NULL,
  metric TEXT NOT NULL,
  value REAL NOT NULL,
  stderr REAL,
  n INTEGER NOT NULL,
  ci_low REAL,
  ci_high REAL,
  PRIMARY KEY (run_key, stage, task, suite, model, metric)
);
CREATE TABLE stage_eval_items (
  run_key TEXT NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
  stage INTEGER NOT NULL,
  task INTEGER NOT NULL,
  suite TEXT NOT NULL,
  model TEXT NOT NULL,
  item_id TEXT NOT NULL,
  score REAL NOT NULL,
  logprob REAL,
  meta_json TEXT NOT NULL,
  PRIMARY KEY (run_key, stage, task, suite, model, item_id)
);
)sql",
      // 10: evaluation during training. Evaluations taken after `step` training steps, the
      // last step's included; `evals` keeps the final evaluation that readers see by default.
      R"sql(
CREATE TABLE step_evals (
  run_key TEXT NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  suite TEXT NOT NULL,
  model TEXT NOT NULL,
  metric TEXT NOT NULL,
  value REAL NOT NULL,
  stderr REAL,
  n INTEGER NOT NULL,
  ci_low REAL,
  ci_high REAL,
  PRIMARY KEY (run_key, step, suite, model, metric)
);
CREATE TABLE step_eval_items (
  run_key TEXT NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  suite TEXT NOT NULL,
  model TEXT NOT NULL,
  item_id TEXT NOT NULL,
  score REAL NOT NULL,
  logprob REAL,
  meta_json TEXT NOT NULL,
  PRIMARY KEY (run_key, step, suite, model, item_id)
);
)sql",
  };
  return migrations;
}

}  // namespace tb
