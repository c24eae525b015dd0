// One scaling-law fit as a user asks for it, from `tunebench fit` flags or an entry of a
// spec's "fits" list: where the points come from, which law, what is held out. Checked
// before any data is read, run end to end, and recorded as one JSON document.
#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/analysis/joint_fit.h"
#include "harness/analysis/scaling_laws.h"

namespace tb {

class Store;

struct FitRequest {
  std::string law;     // a built-in law's name or a formula
  std::string data;    // a CSV file, or empty for a sweep
  std::string sweep;   // a sweep in the store, or empty for a CSV file
  std::string method;  // with a sweep: only this method's runs ("": all)
  std::map<std::string, std::string>
      x;  // law variable -> source (csv_fit_points.h, store_fit_points.h)
  std::string y;
  std::string holdout_largest;  // a variable: fit without the points at its largest value
  int64_t drop_highest = 0;     // drop the points with the highest y first
  // A joint fit (joint_fit.h) of the groups the points fall into: "method" for a sweep, a
  // column for a CSV file; "" for one fit of all points.
  std::string by;
  std::vector<std::string> shared;  // with `by`: the common parameters ({}: every exponent)
};

// The request of one entry of a spec's "fits" list (keys as the spec's fit schema fills
// them: law, x, y, method, holdout_largest, by, shared) on the runs of `sweep`.
FitRequest spec_fit_request(const nlohmann::json& fit, const std::string& sweep);

// Everything that can be checked without data: one source of points, a law that parses,
// x naming exactly the law's variables, sweep sources of a known kind, a y, a held-out
// variable of the law, groups of a kind the source has and shared names the law has.
// Throws UserError.
void check_fit_request(const FitRequest& request);

struct FitOutcome {
  LawFit fit;  // with `by`, the shared model of the joint fit
  std::optional<JointLawFit> joint;
  std::string source;     // "csv:FILE" or "sweep:NAME[ method=M]", then " by=GROUP" for a joint fit
  nlohmann::json record;  // the request, the options and the fit, as stored in `fits`
};

// Reads the points (a sweep's from `store`, which must then be given), fits, builds the
// record. Throws UserError for bad requests or data.
FitOutcome run_fit_request(const FitRequest& request, const FitOptions& options, Store* store);

}  // namespace tb
