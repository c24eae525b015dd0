// Inserting the evaluations a result holds besides its final one: a continual run's after
// each stage, and those taken during training after each scheduled step. For Store only.
#pragma once
#include <sqlite3.h>

#include "harness/store/run_result.h"

namespace tb {

// RunResult::stage_evals and stage_items into stage_evals and stage_eval_items.
void insert_stage_evals(sqlite3* db, const RunResult& r);
// RunResult::step_evals and step_items into step_evals and step_eval_items.
void insert_step_evals(sqlite3* db, const RunResult& r);

}  // namespace tb
