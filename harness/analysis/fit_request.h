// One scaling-law fit as a user asks for it, from `tunebench fit` flags or an entry of a
// spec's "fits" list: where the points come from, which law, what is held out. Checked
// before any data is read, run end to end, and recorded as one JSON document.
#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

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
};

// Everything that can be checked without data: one source of points, a law that parses,
// x naming exactly the law's variables, sweep sources of a known kind, a y, a held-out
// variable of the law. Throws UserError.
void check_fit_request(const FitRequest& request);

struct FitOutcome {
  LawFit fit;
  std::string source;     // "csv:FILE" or "sweep:NAME[ method=M]"
  nlohmann::json record;  // the request, the options and the fit, as stored in `fits`
};

// Reads the points (a sweep's from `store`, which must then be given), fits, builds the
// record. Throws UserError for bad requests or data.
FitOutcome run_fit_request(const FitRequest& request, const FitOptions& options, Store* store);

}  // namespace tb
