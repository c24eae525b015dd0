#include <iostream>

#include "harness/analysis/method_comparison.h"
#include "harness/cli/commands.h"
#include "harness/common/check.h"
#include "harness/common/terminal_text.h"
#include "harness/store/store.h"

namespace tb::cli {

namespace {
const char* kHelp = R"(usage: tunebench compare A B [--sweep NAME] [--out DIR] [--suite NAME] [--resamples N] [--seed N]

Compares two methods (or two runs) of a sweep item by item on the tuned model's evaluation
items, per suite and item group: the mean difference B − A with a paired bootstrap 95%
interval (resampling seeds and items), McNemar's exact test where scores are 0/1, and a
sentence saying whether the difference is distinguishable from noise.

  A, B            a variant label ("lora rank=8"), a method name with one variant in the
                  sweep ("lora"), or a run key (a unique prefix of 6+ characters will do)
  --sweep NAME    which sweep (default: the most recent one)
  --out DIR       output folder of the sweep (default: results)
  --suite NAME    only this evaluation suite
  --resamples N   bootstrap resamples, 100 to 1000000 (default 10000)
  --seed N        bootstrap seed (default 0)
)";
}  // namespace

int compare_command(const Args& given) {
  Args args = given;
  if (take_switch(args, "--help") || take_switch(args, "-h")) {
    std::cout << kHelp;
    return 0;
  }
  std::string out = "results", value;
  CompareOptions options;
  take_flag(args, "--out", out);
  take_flag(args, "--sweep", options.sweep);
  take_flag(args, "--suite", options.suite);
  if (take_flag(args, "--resamples", value))
    options.resamples = parse_count("--resamples", value, 100, kMaxResamples);
  if (take_flag(args, "--seed", value))
    options.seed = uint64_t(parse_count("--seed", value, 0, kMaxSeed));
  reject_unknown_flags(args, "compare");
  if (args.size() != 2) throw UserError("compare needs two methods or runs, A and B (see tunebench compare --help)");
  const auto store = open_existing_store(out);
  std::cout << terminal_safe(comparison_text(compare_runs(*store, args[0], args[1], options)),
                             true);
  return 0;
}

}  // namespace tb::cli
