#include <filesystem>
#include <iostream>
#include <map>

#include "harness/analysis/fit_request.h"
#include "harness/cli/commands.h"
#include "harness/common/check.h"
#include "harness/exec/executor.h"
#include "harness/report/fit_summary.h"
#include "harness/report/markdown_table.h"
#include "harness/store/store.h"

namespace tb::cli {

namespace {
const char* kHelp = R"(usage: tunebench run SPEC [key=value ...] [--out DIR] [--dry-run]

Runs every cell of the experiment spec SPEC (a JSON file, e.g. experiments/quickstart.json):
methods x hyperparameter sweeps x seeds. Each run executes in its own worker process and is
recorded in DIR/tunebench.sqlite; runs already finished (same run key) are skipped, so the
same command resumes an interrupted sweep. Prints the comparison table at the end, then
fits the spec's scaling laws ("fits") to the finished runs and records them.

  key=value   override a spec value before validation, e.g. training.steps=50,
              seeds=[0,1,2], methods[1].rank=4, execution.threads=2
  --out DIR   output folder (default: results)
  --dry-run   validate and list the runs with their keys; run nothing, write nothing

Ctrl-C (or SIGTERM) records the run in progress as interrupted, starts no other run and
exits; the same command then resumes.

exit code: 0 all runs done, 1 some runs failed (recorded with their reason), 2 bad input,
130 interrupted.
)";
// The spec's "fits", on the sweep's finished runs; each is recorded in the store. A fit
// that cannot be made (e.g. too few finished runs) is reported and the others go on.
void run_spec_fits(const Spec& spec, Store& store) {
  for (size_t i = 0; i < spec.fits.size(); ++i) {
    const auto& f = spec.fits[i];
    FitRequest request;
    request.law = f.at("law").get<std::string>();
    request.sweep = spec.name;
    request.method = f.at("method").get<std::string>();
    request.x = f.at("x").get<std::map<std::string, std::string>>();
    request.y = f.at("y").get<std::string>();
    request.holdout_largest = f.at("holdout_largest").get<std::string>();
    FitOptions options;
    options.bootstrap = f.at("bootstrap").get<int64_t>();
    options.seed = f.at("seed").get<uint64_t>();
    std::cout << "\n### fit " << i + 1 << ": " << request.law << " → " << request.y
              << (request.method.empty() ? "" : " (" + request.method + " runs)") << "\n\n";
    try {
      const FitOutcome outcome = run_fit_request(request, options, &store);
      const int64_t id = store.record_fit(request.law, outcome.source, outcome.fit.points,
                                          outcome.fit.objective, outcome.record.dump());
      std::cout << fit_to_markdown(outcome.fit) << "\nrecorded as fit " << id << "\n";
    } catch (const UserError& e) {
      std::cout << "not fitted: " << e.what() << "\n";
    }
  }
}

}  // namespace

int run_command(const Args& given) {
  Args args = given;
  if (take_switch(args, "--help") || take_switch(args, "-h")) {
    std::cout << kHelp;
    return 0;
  }
  std::string out = "results";
  take_flag(args, "--out", out);
  const bool dry_run = take_switch(args, "--dry-run");
  reject_unknown_flags(args, "run");
  if (args.empty()) throw UserError("run needs a spec file, e.g. tunebench run experiments/quickstart.json");
  const std::string spec_file = args[0];
  const std::vector<std::string> overrides(args.begin() + 1, args.end());

  const Spec spec = load_spec(spec_file, overrides);  // validates everything before any write
  const auto runs = expand_grid(spec);
  if (dry_run) {
    for (const auto& r : runs) std::cout << r.key << "  " << r.variant << " seed=" << r.seed << "\n";
    std::cout << runs.size() << " run(s)\n";
    return 0;
  }
  ExecutorOptions options;
  options.out_dir = out;
  options.worker_exe = std::filesystem::read_symlink("/proc/self/exe");
  const SweepOutcome outcome = run_sweep(spec, runs, options);
  std::cerr << "sweep \"" << spec.name << "\": " << outcome.done << " done, " << outcome.failed << " failed, "
            << outcome.skipped << " skipped (already done)";
  if (outcome.interrupted) std::cerr << ", " << outcome.not_started << " not started (interrupted)";
  std::cerr << "\n\n";
  Store store(std::filesystem::path(out) / "tunebench.sqlite");
  std::cout << to_markdown(summarize_sweep(store, spec.name));
  if (!outcome.interrupted) run_spec_fits(spec, store);
  if (outcome.interrupted) return 130;  // the shell convention for "ended by Ctrl-C"
  return outcome.failed > 0 ? 1 : 0;
}

}  // namespace tb::cli
