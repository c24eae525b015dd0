#include <filesystem>
#include <iostream>

#include "harness/analysis/regression_check.h"
#include "harness/cli/commands.h"
#include "harness/common/check.h"
#include "harness/common/terminal_text.h"
#include "harness/store/store.h"

namespace tb::cli {

namespace {
const char* kHelp = R"(usage: tunebench regress --baseline STORE_OR_SWEEP --candidate STORE_OR_SWEEP --tolerances FILE
                        [--map BASELINE_VARIANT=CANDIDATE_VARIANT]... [--out DIR]
                        [--baseline-sweep NAME] [--candidate-sweep NAME]

Gates CI on stored baselines. For every variant of the baseline sweep and every metric in
the tolerance file, computes how much worse the candidate variant of the same label (or the
one --map names) is, with the 95% interval `compare` prints for the same pair: over seeds
with 3 or more paired seeds, otherwise conditional on these runs (item-level).

Exit status: 1 when some metric is worse by more than its tolerance even at the interval's
lower end; otherwise 3 when some baseline variant has no finished candidate run or metric
(MISSING lines); 0 when every check passed; 2 on bad input. Candidate variants that no
check used are listed.

  --baseline, --candidate   an output folder or its tunebench.sqlite file (their latest
                            sweep, or --baseline-sweep / --candidate-sweep), or the name
                            of a sweep in the store of --out
  --tolerances FILE         {"metrics": {"task_accuracy accuracy": {"tolerance": 0.02},
                                         "forgetting held_out_ce": {"tolerance": 0.05}}}
                            "better": "higher" | "lower" overrides the direction (lower
                            for cross-entropy, KL and loss metrics by default)
  --map B=C                 check baseline variant B against candidate variant C (a label
                            as `runs` and `report` print it; repeatable), e.g. to gate a
                            new method against a baseline method:
                            --map "lora lr=0.005=dora lr=0.005"
  --out DIR                 the store sweep names refer to (default: results)
)";

// A store and sweep from "folder", "file.sqlite" or a sweep name in the default store.
struct Opened {
  std::unique_ptr<Store> own;
  StoreSweep at;
};
Opened open_side(const std::string& flag, const std::string& value, const std::string& sweep, Store* default_store,
                 const std::string& out) {
  Opened o;
  if (std::filesystem::exists(value)) {
    o.own = open_store_at(value);
    o.at = {o.own.get(), o.own->resolve_sweep(sweep)};
    return o;
  }
  if (!default_store) {
    throw UserError(flag + " " + value + ": neither a store (folder or .sqlite file) nor a sweep; " + out +
                    "/tunebench.sqlite does not exist");
  }
  if (!sweep.empty()) throw UserError(flag + " names a sweep already; " + flag + "-sweep applies to a store path");
  o.at = {default_store, default_store->resolve_sweep(value)};
  return o;
}
}  // namespace

int regress_command(const Args& given) {
  Args args = given;
  if (take_switch(args, "--help") || take_switch(args, "-h")) {
    std::cout << kHelp;
    return 0;
  }
  std::string out = "results", baseline, candidate, tolerances, baseline_sweep, candidate_sweep;
  take_flag(args, "--out", out);
  take_flag(args, "--baseline", baseline);
  take_flag(args, "--candidate", candidate);
  take_flag(args, "--tolerances", tolerances);
  take_flag(args, "--baseline-sweep", baseline_sweep);
  take_flag(args, "--candidate-sweep", candidate_sweep);
  const VariantMap map = take_repeated_flag(args, "--map");
  reject_unknown_flags(args, "regress");
  if (!args.empty()) throw UserError("unexpected argument \"" + args[0] + "\" (see tunebench regress --help)");
  if (baseline.empty() || candidate.empty() || tolerances.empty()) {
    throw UserError("regress needs --baseline, --candidate and --tolerances (see tunebench regress --help)");
  }
  const auto limits = read_tolerances(tolerances);
  std::unique_ptr<Store> default_store;
  if (std::filesystem::exists(std::filesystem::path(out) / "tunebench.sqlite")) default_store = open_existing_store(out);
  const Opened base = open_side("--baseline", baseline, baseline_sweep, default_store.get(), out);
  const Opened cand = open_side("--candidate", candidate, candidate_sweep, default_store.get(), out);
  const RegressionResult result = check_regressions(base.at, cand.at, limits, map);
  std::cout << terminal_safe("baseline " + base.at.sweep + " (" + baseline + "), candidate " +
                                 cand.at.sweep + " (" + candidate + ")\n" + regression_text(result),
                             true);
  if (result.regressed()) return 1;
  return result.missing() ? 3 : 0;
}

}  // namespace tb::cli
