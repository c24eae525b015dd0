// tunebench-torch: the commands of tunebench that need LibTorch — run (a sweep and the
// pretraining of its base models), worker (one run in its folder), spectrum and export-model. Users call
// them as `tunebench <command>`, which hands them over here (main.cpp).
#include <string>

#include "harness/cli/commands.h"
#include "harness/common/check.h"

int main(int argc, char** argv) {
  const std::string command = argc < 2 ? "" : argv[1];
  const tb::cli::Args args(argv + 2, argv + argc);
  return tb::cli::exit_code_of([&] {
    if (command == "run") return tb::cli::run_command(args);
    if (command == "worker") return tb::cli::worker_command(args);
    if (command == "spectrum") return tb::cli::spectrum_command(args);
    if (command == "export-model") return tb::cli::export_model_command(args);
    throw tb::UserError("tunebench-torch runs run, worker, spectrum and export-model, not \"" + command +
                        "\"; use tunebench (see tunebench --help)");
  });
}
