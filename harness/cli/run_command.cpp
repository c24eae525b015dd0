#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

#include "harness/analysis/fit_request.h"
#include "harness/cli/commands.h"
#include "harness/common/check.h"
#include "harness/common/terminal_text.h"
#include "harness/exec/executor.h"
#include "harness/exec/progress.h"
#include "harness/exec/budget_resolution.h"
#include "harness/exec/training_budget.h"
#include "harness/report/continual_report.h"
#include "harness/report/fit_summary.h"
#include "harness/report/markdown_table.h"
#include "harness/report/report.h"
#include "harness/report/report_markdown.h"
#include "harness/store/store.h"

namespace tb::cli {

namespace {
const char* kHelp = R"(usage: tunebench run SPEC [key=value ...] [--out DIR] [--workers N] [--backend B] [--dry-run]

Runs every cell of the experiment spec SPEC (a JSON file, e.g. experiments/quickstart.json):
methods x hyperparameter sweeps x seeds. Runs execute in parallel worker processes and are
recorded in DIR/tunebench.sqlite; runs already finished (same run key) are skipped, so the
same command resumes an interrupted sweep. Prints the comparison table at the end, then
fits the spec's scaling laws ("fits") to the finished runs and records them.

  key=value    override a spec value before validation, e.g. training.steps=50,
               seeds=[0,1,2], methods[1].rank=4, execution.threads=2
  --out DIR    output folder (default: results)
  --workers N  worker processes at once, 1 to 1024 (default: execution.workers, else the
               core count divided by execution.threads); local backend only: on Slurm
               every ready run is submitted and execution.slurm.array_parallelism throttles
  --backend B  where runs execute: local (child processes, the default) or slurm (one
               sbatch job per run, as job arrays; the out folder must be on a filesystem
               the cluster's nodes share); same as execution.backend=B
  --dry-run    validate and list the runs with their keys, each fine-tuning run with its
               trainable parameters and optimizer state (the worker's own preparation,
               without training); run nothing, write nothing. Cells that resolve to the
               same run (same key) are listed once, as a run executes them once

The spec's "execution" section sets threads per worker, workers, timeout_seconds,
memory_limit_mb, max_attempts (retries of runs killed by a signal, crashed or timed
out), checkpoint_every (steps), stale_after_seconds, backend and, for Slurm, "slurm":
{partition, account, qos, time, mem, cpus_per_task, gpus, array_parallelism,
extra_args}. `tunebench status` shows a running sweep from another terminal, with each
run's Slurm job, its state and its wait in the queue.

Ctrl-C once: start (or submit) no new run, let the running and queued ones finish. Twice
(or SIGTERM): stop the running runs too (they save a checkpoint; Slurm jobs are
cancelled with scancel) and record them as interrupted. Either way the same command
resumes; a coordinator killed outright is detected and resumed the same way, and with
Slurm it follows the jobs its predecessor submitted instead of submitting them again.

exit code: 0 all runs done, 1 some runs failed (recorded with their reason), 2 bad input,
130 interrupted.
)";
std::string kib(int64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f KiB", double(bytes) / 1024.0);
  return text;
}

// One line per run: its key, label and seed, and what a fine-tuning run trains.
void print_dry_run(const std::vector<RunConfig>& runs, const std::filesystem::path& models_dir) {
  bool untrained_base = false;
  for (const auto& r : runs) {
    std::cout << r.key << "  " << terminal_safe(r.variant) << " seed=" << r.seed;
    if (r.parents.empty()) {
      const TrainingBudget budget = training_budget(r.config, models_dir);
      untrained_base |= !budget.base_model_pretrained;
      std::cout << "  trainable=" << budget.trainable_params
                << " optimizer_state=" << kib(budget.optimizer_state_bytes);
    } else {
      std::cout << "  trains nothing (combines " << r.parents.size() << " run(s))";
    }
    std::cout << "\n";
  }
  if (untrained_base) {
    std::cout << "(counted on an untrained base model of the spec's shape: it is not pretrained "
                 "yet; a method that sizes itself from its activations, such as EVA, may "
                 "count otherwise once it is)\n";
  }
}

// The spec's "fits", on the sweep's finished runs; each is recorded in the store. A fit
// that cannot be made (e.g. too few finished runs) is reported and the others go on.
void run_spec_fits(const Spec& spec, Store& store) {
  for (size_t i = 0; i < spec.fits.size(); ++i) {
    const auto& f = spec.fits[i];
    const FitRequest request = spec_fit_request(f, spec.name);
    FitOptions options;
    options.bootstrap = f.at("bootstrap").get<int64_t>();
    options.seed = f.at("seed").get<uint64_t>();
    std::cout << "\n### fit " << i + 1 << ": " << terminal_safe(request.law) << " → "
              << terminal_safe(request.y)
              << (request.method.empty() ? "" : " (" + terminal_safe(request.method) + " runs)")
              << "\n\n";
    try {
      const FitOutcome outcome = run_fit_request(request, options, &store);
      const int64_t id = store.record_fit(request.law, outcome.source, outcome.fit.points,
                                          outcome.fit.objective, outcome.record.dump());
      std::cout << terminal_safe(fit_outcome_markdown(outcome), true) << "\nrecorded as fit " << id
                << "\n";
    } catch (const UserError& e) {
      std::cout << "not fitted: " << terminal_safe(e.what(), true) << "\n";
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
  std::string workers;
  const bool workers_given = take_flag(args, "--workers", workers);
  std::string backend;
  const bool backend_given = take_flag(args, "--backend", backend);
  reject_unknown_flags(args, "run");
  if (args.empty()) throw UserError("run needs a spec file, e.g. tunebench run experiments/quickstart.json");
  const std::string spec_file = args[0];
  std::vector<std::string> overrides(args.begin() + 1, args.end());
  if (backend_given) overrides.push_back("execution.backend=" + backend);

  // Everything is validated before the dry run, so that it refuses what a run refuses.
  ExecutorOptions options;
  options.out_dir = out;
  if (workers_given) options.workers = parse_count("--workers", workers, 1, kMaxWorkers);
  Spec spec = load_spec(spec_file, overrides);  // validates everything before any write
  for (const ResolvedBudget& b : resolve_budgets(spec, std::filesystem::path(out) / "models"))
    std::cerr << "budget: " << terminal_safe(budget_text(b)) << "\n";
  auto runs = expand_grid(spec);
  const size_t merged = drop_duplicate_runs(runs);
  const std::string merged_note =
      merged == 0
          ? ""
          : " (" + std::to_string(merged) + " duplicate cell(s) with the same run key merged)";
  if (dry_run) {
    print_dry_run(runs, std::filesystem::path(out) / "models");
    std::cout << runs.size() << " run(s)" << merged_note << "\n";
    return 0;
  }
  if (merged > 0) std::cerr << runs.size() << " run(s)" << merged_note << "\n";
  options.worker_exe = std::filesystem::read_symlink("/proc/self/exe");
  const SweepOutcome outcome = run_sweep(spec, runs, options);
  std::cerr << "sweep \"" << terminal_safe(spec.name) << "\": " << outcome.done << " done, "
            << outcome.failed << " failed, " << outcome.skipped << " skipped (already done)";
  if (outcome.recovered > 0) std::cerr << ", " << outcome.recovered << " recovered from run folders";
  if (outcome.stale > 0) std::cerr << ", " << outcome.stale << " stale";
  if (outcome.running_elsewhere > 0) std::cerr << ", " << outcome.running_elsewhere << " running elsewhere";
  if (outcome.interrupted)
    std::cerr << ", " << outcome.stopped << " stopped, " << outcome.not_started << " not started (interrupted)";
  std::cerr << "\n";
  if (outcome.pool_seconds > 0 && outcome.backend == "slurm") {
    std::cerr << "slurm: " << format_duration(outcome.pool_seconds) << " from the first run's start to the last one's end, "
              << format_duration(outcome.busy_seconds) << " of runs running\n";
  } else if (outcome.pool_seconds > 0) {
    char line[200];
    std::snprintf(line, sizeof line, "workers: %ld, busy %.0f%% of %s (%.1f s of runs in %.1f s)\n",
                  long(outcome.workers),
                  100.0 * outcome.busy_seconds / (outcome.pool_seconds * double(outcome.workers)),
                  format_duration(outcome.pool_seconds).c_str(), outcome.busy_seconds, outcome.pool_seconds);
    std::cerr << line;
  }
  std::cerr << "\n";
  Store store(std::filesystem::path(out) / "tunebench.sqlite");
  std::cout << terminal_safe(to_markdown(summarize_sweep(store, spec.name)), true);
  if (const TextTable continual = continual_table(store, RunFilter{spec.name, {}}); !continual.rows.empty())
    std::cout << "### " << continual.title << "\n\n" << terminal_safe(text_table_markdown(continual), true);
  if (!outcome.interrupted) run_spec_fits(spec, store);
  try {  // the report folder, charts included; a sweep with nothing finished has none
    const auto folder = default_report_folder(out, spec.name);
    write_report_folder(build_report(store, RunFilter{spec.name, {}}), folder);
    std::cerr << "report: " << terminal_safe((folder / "index.html").string())
              << " (tunebench report " << terminal_safe(spec.name) << " writes it again)\n";
  } catch (const UserError& e) {
    std::cerr << "no report: " << terminal_safe(e.what(), true) << "\n";
  }
  if (outcome.interrupted) return 130;  // the shell convention for "ended by Ctrl-C"
  return outcome.failed > 0 ? 1 : 0;
}

}  // namespace tb::cli
