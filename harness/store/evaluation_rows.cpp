#include "harness/store/evaluation_rows.h"

#include "harness/store/sqlite.h"

namespace tb {
namespace {

std::string meta_text(const EvalItem& i) {
  return i.meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void bind_aggregate(Statement& s, int first, const EvalAggregate& e) {
  s.bind(first, e.suite).bind(first + 1, e.model).bind(first + 2, e.metric).bind(first + 3, e.value);
  s.bind(first + 4, e.stderr_value).bind(first + 5, e.n).bind(first + 6, e.ci_low).bind(first + 7, e.ci_high);
}

void bind_item(Statement& s, int first, const EvalItem& i) {
  s.bind(first, i.suite).bind(first + 1, i.model).bind(first + 2, i.item_id).bind(first + 3, i.score);
  s.bind(first + 4, i.logprob).bind(first + 5, meta_text(i));
}

}  // namespace

void insert_stage_evals(sqlite3* db, const RunResult& r) {
  Statement eval(db,
                 "INSERT INTO stage_evals (run_key, stage, task, suite, model, metric, value, stderr, n, ci_low, "
                 "ci_high) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& [stage, task, e] : r.stage_evals) {
    eval.bind(1, r.run_key).bind(2, stage).bind(3, task);
    bind_aggregate(eval, 4, e);
    eval.run();
  }
  Statement item(db,
                 "INSERT INTO stage_eval_items (run_key, stage, task, suite, model, item_id, score, logprob, "
                 "meta_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& [stage, task, i] : r.stage_items) {
    item.bind(1, r.run_key).bind(2, stage).bind(3, task);
    bind_item(item, 4, i);
    item.run();
  }
}

void insert_step_evals(sqlite3* db, const RunResult& r) {
  Statement eval(db,
                 "INSERT INTO step_evals (run_key, step, suite, model, metric, value, stderr, n, ci_low, ci_high) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& [step, e] : r.step_evals) {
    eval.bind(1, r.run_key).bind(2, step);
    bind_aggregate(eval, 3, e);
    eval.run();
  }
  Statement item(db,
                 "INSERT INTO step_eval_items (run_key, step, suite, model, item_id, score, logprob, meta_json) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& [step, i] : r.step_items) {
    item.bind(1, r.run_key).bind(2, step);
    bind_item(item, 3, i);
    item.run();
  }
}

}  // namespace tb
