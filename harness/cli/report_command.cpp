#include <iostream>

#include "harness/cli/commands.h"
#include "harness/common/check.h"
#include "harness/common/terminal_text.h"
#include "harness/report/report.h"
#include "harness/report/table_formats.h"
#include "harness/store/store.h"

namespace tb::cli {

namespace {
const char* kHelp = R"(usage: tunebench report [SWEEP] [--out DIR] [--method NAME ...] [--to FOLDER]

Writes a self-contained report of a sweep into a folder and prints its method table:
  index.html   one offline page: the method table (mean and 95% interval over seeds,
               trainable parameters, wall time, peak memory), learning-vs-forgetting Pareto
               plot, loss curves, sliced-accuracy heatmaps (long context: length x depth),
               spectral summaries per layer, fitted scaling laws with their data
  report.md    the same tables in Markdown, with every metric per suite
  methods.csv  the method table for spreadsheets and pandas (means and interval ends)
  methods.tex  the method table as a LaTeX tabular (booktabs)

  SWEEP            which sweep (default: the most recent one; --sweep NAME works too)
  --out DIR        output folder of the sweep (default: results)
  --method NAME    only these methods (a method name or a variant label); repeatable
  --to FOLDER      where to write (default: DIR/reports/SWEEP): a folder that does not exist
                   yet, or one an earlier report wrote (marked by its .tunebench-report file),
                   which is replaced whole; anything else there is refused and left alone
  --spectral-matrices projections|all
                   the one matrix set every variant's intruder totals and spectral means
                   are taken over: the projection matrices (default) or every matrix that
                   any compared run changed (embeddings and lm_head too)
)";

}  // namespace

int report_command(const Args& given) {
  Args args = given;
  if (take_switch(args, "--help") || take_switch(args, "-h")) {
    std::cout << kHelp;
    return 0;
  }
  std::string out = "results", to, spectral_matrices = "projections";
  RunFilter filter;
  take_flag(args, "--out", out);
  take_flag(args, "--sweep", filter.sweep);
  take_flag(args, "--to", to);
  take_flag(args, "--spectral-matrices", spectral_matrices);
  filter.methods = take_repeated_flag(args, "--method");
  reject_unknown_flags(args, "report");
  if (!args.empty() && filter.sweep.empty()) {
    filter.sweep = args[0];
    args.erase(args.begin());
  }
  if (!args.empty()) throw UserError("unexpected argument \"" + args[0] + "\" (see tunebench report --help)");
  const SpectralMatrices matrices = spectral_matrices_from(spectral_matrices);
  const auto store = open_existing_store(out);
  const Report report = build_report(*store, filter, matrices);
  if (to.empty()) to = default_report_folder(out, report.sweep).string();
  const auto files = write_report_folder(report, to);
  std::cout << "## " << terminal_safe(report.sweep) << "\n\n"
            << terminal_safe(method_table_markdown(report.methods), true) << "\nwrote";
  for (const auto& f : files) {
    std::cout << " "
              << terminal_safe(f.lexically_relative(std::filesystem::current_path()).string());
  }
  std::cout << "\n";
  return 0;
}

}  // namespace tb::cli
