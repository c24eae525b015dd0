// tunebench: compare LLM fine-tuning methods. Dispatches to one file per subcommand. The
// commands that read results run here, without LibTorch; run, worker, spectrum and export-model are
// handed to tunebench-torch (torch_main.cpp), which this process becomes.
#include <cstdio>
#include <string>

#include "harness/cli/commands.h"
#include "harness/common/check.h"

namespace {

const char* kUsage = R"(tunebench — compare LLM fine-tuning methods

usage: tunebench <command> [options]

commands:
  run SPEC [key=value ...]   run every cell of an experiment spec (finished runs are skipped)
  runs                       list runs with their status and attempts
  status                     live view of a sweep: done / running / failed / pending, ETA
  report [SWEEP]             report folder of a sweep: HTML page with charts, Markdown, CSV, LaTeX
  compare A B                paired comparison of two methods or runs, item by item
  regress                    exit 1 when a candidate sweep is worse than a stored baseline
  export [TABLE]             a sweep's runs, evals, items, metrics ... as CSV or JSON Lines
  spectrum RUN [RUN2]        spectral analysis of a run's tuned weights (or --sweep NAME)
  export-model RUN --to DIR  a run's tuned model as a Hugging Face folder (transformers, vLLM)
  fit                        fit a scaling law to a CSV file or a sweep's runs
  tokenize                   token ids of text with a tokenizer folder (and its chat template)
  worker DIR                 (internal) execute the job in a run folder

`tunebench <command> --help` describes each command.
)";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? tb::kUserErrorExitCode : 0;
  }
  const std::string command = argv[1];
  const tb::cli::Args args(argv + 2, argv + argc);
  return tb::cli::exit_code_of([&] {
    if (command == "run" || command == "worker" || command == "spectrum" || command == "export-model")
      tb::cli::exec_torch_commands(argv);
    if (command == "runs") return tb::cli::runs_command(args);
    if (command == "report") return tb::cli::report_command(args);
    if (command == "fit") return tb::cli::fit_command(args);
    if (command == "status") return tb::cli::status_command(args);
    if (command == "compare") return tb::cli::compare_command(args);
    if (command == "regress") return tb::cli::regress_command(args);
    if (command == "export") return tb::cli::export_command(args);
    if (command == "tokenize") return tb::cli::tokenize_command(args);
    throw tb::UserError("unknown command \"" + command + "\"; commands: run, runs, status, report, compare, regress, export, export-model, spectrum, fit, tokenize (see tunebench --help)");
  });
}
