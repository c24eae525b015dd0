#include <iostream>

#include "harness/analysis/method_comparison.h"
#include "harness/cli/commands.h"
#include "harness/common/check.h"
#include "harness/common/terminal_text.h"
#include "harness/store/store.h"

namespace tb::cli {

namespace {
const char* kHelp = R"(usage: tunebench compare A B [--sweep NAME] [--out DIR] [--suite NAME] [--step N]

Compares two methods (or two runs) of a sweep on every unsliced metric both measured (the
tuned model's, and its paired Δ to the base model), saying for each which direction is
better: each side's mean and the difference B − A with a 95% interval, and which kind of
interval it is —
  over seeds        3 or more seeds both ran: Student t over the per-seed differences
                    (runs as the unit; what another seed would give);
  conditional       fewer than 3 seeds: items as the unit, paired by item within each
                    seed; it says how these runs differ, not how the methods do. The
                    seeds' own values are listed.
The verdict follows the interval printed. McNemar's exact test on the 0/1 items of these
runs is printed where it applies, labelled as conditional on these runs. `report`,
`regress` and `run` print the same intervals for the same runs.

  A, B            a variant label as `runs` and `report` print it ("lora r=8"), a method
                  name with one variant in the sweep ("lora"), or a run key (a unique
                  prefix of 6+ characters will do)
  --sweep NAME    which sweep (default: the most recent one)
  --out DIR       output folder of the sweep (default: results)
  --suite NAME    only this evaluation suite
  --step N        the evaluations taken during training after step N (evaluation.every)
                  instead of the final ones
)";
}  // namespace

int compare_command(const Args& given) {
  Args args = given;
  if (take_switch(args, "--help") || take_switch(args, "-h")) {
    std::cout << kHelp;
    return 0;
  }
  std::string out = "results";
  CompareOptions options;
  take_flag(args, "--out", out);
  take_flag(args, "--sweep", options.sweep);
  take_flag(args, "--suite", options.suite);
  std::string step;
  if (take_flag(args, "--step", step)) options.step = parse_count("--step", step, 1, int64_t(1e9));
  reject_unknown_flags(args, "compare");
  if (args.size() != 2) throw UserError("compare needs two methods or runs, A and B (see tunebench compare --help)");
  const auto store = open_existing_store(out);
  std::cout << terminal_safe(comparison_text(compare_runs(*store, args[0], args[1], options)),
                             true);
  return 0;
}

}  // namespace tb::cli
