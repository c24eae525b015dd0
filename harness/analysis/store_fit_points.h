// Points for a scaling-law fit read from the finished runs of a sweep in the store: one
// point per run, each law variable and y taken from a named source:
//   trainable_params | optimizer_state_bytes | wall_seconds
//   param:NAME            a run parameter, e.g. param:training.steps, param:method.r
//   eval:SUITE/MODEL/METRIC   an evaluation aggregate, e.g. eval:forgetting/delta/held_out_ce
//   metric:NAME           the last value of a per-step metric, e.g. metric:train_loss
// With param:step among the x sources, a run gives one point per evaluation taken during
// training (evaluation.every), its last step's included: param:step is that step and eval:
// sources read that evaluation (other sources are the run's, as without it).
#pragma once
#include <map>
#include <string>

#include "harness/analysis/scaling_laws.h"

namespace tb {

class Store;

// UserError when `source` is of no known kind (checked before any data is read).
void check_store_source(const std::string& source);

// UserError when the sweep has no finished runs, a source is malformed, or a run lacks it
// (the message names the run and what it has instead).
// `method`, when not empty, keeps only the runs of that method.
FitPoints store_fit_points(Store& store, const std::string& sweep, const ScalingLaw& law,
                           const std::map<std::string, std::string>& x, const std::string& y,
                           const std::string& method = "");

}  // namespace tb
